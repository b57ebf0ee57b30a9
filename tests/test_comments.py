"""Comments in Markdown are notes for staff: none reaches the published HTML."""

from bs4 import BeautifulSoup, Comment

from conftest import copy_project
from haihui.build import run_pelican

NOTE = "internal note: her consent form is in the Xichang office, drawer 3"


def test_comments_in_a_story_stay_out_of_the_page_but_code_that_shows_one_stays(tmp_path):
    project = copy_project(tmp_path / "project")
    story = project / "content" / "stories" / "jibuguoguo.en.md"
    header, body = story.read_text("utf-8").split("\n\n", 1)
    story.write_text(
        f"{header}\n\n<!-- {NOTE} -->\n\n{body}\n"
        "A comment in Markdown looks like `<!-- this -->`.\n\n"
        "<!--\nA longer note,\nover several lines.\n-->\n",
        "utf-8",
    )
    result = run_pelican("pelicanconf.py", project / "output", cwd=project)
    assert result.returncode == 0, result.stdout + result.stderr

    html = (project / "output" / "stories" / "jibuguoguo" / "index.html").read_text("utf-8")
    soup = BeautifulSoup(html, "lxml")
    assert NOTE not in html and "A longer note" not in html
    assert not soup.find_all(string=lambda text: isinstance(text, Comment))
    assert "<!-- this -->" in [code.get_text() for code in soup.select(".prose code")]
    assert soup.select_one(".prose p")  # the story itself is still there
