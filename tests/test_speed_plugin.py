"""haihui_speed does work once that Pelican repeats; the site must not notice.

One Markdown parser per build: pages come out as Pelican's own reader makes
them, and nothing of one file reaches the next. Compiled templates kept
between builds, also when the project folder is copied or moved: an edited template
shows in the next build."""

from pathlib import Path

import pytest
from bs4 import BeautifulSoup
from pelican.readers import MarkdownReader
from pelican.settings import read_settings

from conftest import copy_project, edit
from haihui.build import ROOT, run_pelican
from haihui_speed.markdown_reader import ReusingMarkdownReader


@pytest.fixture(scope="module")
def settings():
    return read_settings(str(ROOT / "pelicanconf.py"))


def test_every_real_story_and_page_reads_as_with_pelicans_own_reader(settings):
    files = sorted((ROOT / "content").rglob("*.md"))
    assert len(files) >= 10
    pelican, reusing = MarkdownReader(settings), ReusingMarkdownReader(settings)
    for path in files:  # one reusing reader for all of them, in a row, as in a build
        content, metadata = reusing.read(str(path))
        expected_content, expected_metadata = pelican.read(str(path))
        assert content == expected_content, path
        assert metadata == expected_metadata, path


def write(folder: Path, name: str, text: str) -> str:
    path = folder / name
    path.write_text(text, "utf-8")
    return str(path)


def test_nothing_of_one_file_reaches_the_next(settings, tmp_path):
    first = write(
        tmp_path,
        "first.md",
        (
            "Title: First\nSummary: The *first* one\nCampaign: left-behind-mothers\n\n"
            "See [the report][report] and the WHO note.[^1]\n\n"
            "[report]: https://example.org/report\n"
            "*[WHO]: World Health Organization\n\n"
            "[^1]: A first footnote.\n"
        ),
    )
    second = write(
        tmp_path,
        "second.md",
        (
            "Title: Second\n\n"
            "Again [the report][report], the WHO, and a note.[^1]\n\n"
            "[^1]: The second file's own footnote.\n"
        ),
    )
    reader = ReusingMarkdownReader(settings)
    reader.read(first)
    content, metadata = reader.read(second)
    html = BeautifulSoup(content, "lxml")

    assert metadata["title"] == "Second"
    assert "summary" not in metadata and "campaign" not in metadata  # the first file's header
    assert html.find("a", href="https://example.org/report") is None  # its link definitions
    assert html.find("abbr") is None  # its abbreviations
    notes = html.select("div.footnote li")
    assert [li.get_text(" ", strip=True).rstrip(" ↩").strip() for li in notes] == [
        "The second file's own footnote."
    ]


def test_a_summary_in_the_header_is_still_markdown_and_holds_no_header(settings, tmp_path):
    path = write(tmp_path, "story.md", "Title: A story\nSummary: Piglets *and* a pigsty\n\nText.\n")
    reader = ReusingMarkdownReader(settings)
    for _ in range(2):  # the second read goes through the kept instances
        content, metadata = reader.read(path)
        assert str(metadata["summary"]) == "<p>Piglets <em>and</em> a pigsty</p>"
        assert metadata["title"] == "A story"
        assert BeautifulSoup(content, "lxml").get_text(strip=True) == "Text."


def test_an_edited_template_shows_in_the_next_build(tmp_path):
    project = copy_project(tmp_path / "project", warm_cache=False)  # the subject: what the build keeps
    first = run_pelican("pelicanconf.py", project / "output", cwd=project)
    assert first.returncode == 0, first.stdout + first.stderr
    assert list((project / ".cache" / "jinja").iterdir())  # the compiled templates were kept

    edit(
        project / "theme" / "templates" / "partials" / "footer.html",
        '<footer class="site-footer">',
        '<footer class="site-footer" data-edited="yes">',
    )
    second = run_pelican("pelicanconf.py", project / "output", cwd=project)
    assert second.returncode == 0, second.stdout + second.stderr
    footer = BeautifulSoup((project / "output" / "index.html").read_text("utf-8"), "lxml").find("footer")
    assert footer.get("data-edited") == "yes"


def test_a_copied_project_folder_compiles_no_template_again(tmp_path):
    """A second checkout, a moved folder, each test's copy: the templates compiled in
    another folder (the warm project's, whose cache the copy starts from) are found by
    name, so the copy's build adds nothing to .cache/jinja."""
    project = copy_project(tmp_path / "project")

    def compiled():
        return sorted(p.name for p in (project / ".cache" / "jinja").rglob("*") if p.is_file())

    before = compiled()
    assert before
    result = run_pelican("pelicanconf.py", project / "output", cwd=project)
    assert result.returncode == 0, result.stdout + result.stderr
    assert compiled() == before
