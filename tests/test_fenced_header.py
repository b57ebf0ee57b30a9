"""A Jekyll-style header, fenced with `---` lines, reads as Pelican reads it: every field found,
at its line, by the checks and by the build alike (issue 13, item 5)."""

import pytest
from markdown import Markdown

from conftest import story_fields
from haihui.build import run_pelican
from haihui.content.content_rules import Rules, check_sources, load_sources
from haihui.content.frontmatter import parse_front_matter
from haihui.content.project import check_project
from haihui.settings import read_settings

RULES = Rules(languages=("en", "zh"), strict=False, templates=frozenset({"page", "campaign"}))
CAMPAIGN = [
    (
        f"content/pages/c.{lang}.md",
        "page",
        f"---\nTitle: C\nSlug: c\nLang: {lang}\nTemplate: campaign\n---\n\nText",
    )
    for lang in ("en", "zh")
]
HEADER = "\n".join(f"{key}: {value}" for key, value in story_fields("en", Image_alt="A drawing").items())


@pytest.mark.parametrize(
    "text",
    [
        f"---\n{HEADER}\n---\n\nText\n",  # Jekyll's own layout
        f"---\n{HEADER}\n---\nText\n",  # the text right after the closing fence
        f"---\n{HEADER}\n...\n\nText\n",  # YAML's document end closes it too
        f"--- \n{HEADER}\n---  \n\nText\n",  # spaces after the fences
        f"\ufeff---\r\n{HEADER}\r\n---\r\n\r\nText\r\n".replace("\n", "\r\n").replace(
            "\r\r", "\r"
        ),  # Notepad
    ],
    ids=["blank-line", "no-blank-line", "dots", "trailing-spaces", "bom-crlf"],
)
def test_a_fenced_header_gives_every_field_at_its_line_as_python_markdown_does(text):
    front = parse_front_matter(text)
    markdown = Markdown(extensions=["markdown.extensions.meta"])
    markdown.convert(text.removeprefix("\ufeff"))
    assert {key: [value for _, value in found] for key, found in front.all_values.items()} == markdown.Meta
    assert front.values["title"] == "T" and front.line_of("title") == 2  # the fence is line 1
    problems = check_sources(load_sources([("content/stories/s.en.md", "story", text), *CAMPAIGN]), RULES)
    assert [p for p in problems if "missing" in p.message] == []
    assert [p.message for p in problems if p.severity == "error"] == []


def test_a_story_with_fenced_headers_in_both_languages_builds_and_checks_clean(broken):
    project = broken
    for lang in ("en", "zh"):
        story = project / f"content/stories/jibuguoguo.{lang}.md"
        header, body = story.read_text("utf-8").split("\n\n", 1)
        story.write_text(f"---\n{header}\n---\n\n{body}", "utf-8")
    problems = check_project(read_settings("pelicanconf.py", root=project))
    assert [str(p) for p in problems if p.severity == "error"] == []
    assert [str(p) for p in problems if "jibuguoguo" in p.path and "missing" in p.message] == []
    result = run_pelican("pelicanconf.py", project / "output", cwd=project)
    assert result.returncode == 0, result.stdout + result.stderr
    page = (project / "output/stories/jibuguoguo/index.html").read_text("utf-8")
    assert "Jibuguoguo: from recipient to contributor" in page
    assert "---" not in page.split("<main", 1)[1].split("</main>", 1)[0].split("<h1", 1)[0]
