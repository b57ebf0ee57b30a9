"""A content mistake stops the build with a plain message and leaves output/ alone."""

from pathlib import Path

import pytest

from conftest import content_checks, edit, has_error, problems_text, tree_digest
from haihui.build import build_and_swap, run_pelican

STORY = "content/stories/jibuguoguo.en.md"


def break_missing_title(project):
    edit(project / STORY, "Title: ", "Heading: ")


def break_unknown_lang(project):
    edit(project / STORY, "Lang: en", "Lang: fr")


def break_date(project):
    edit(project / STORY, "Date: 2026", "Date: sometime in 2026")


def break_duplicate_slug(project):
    source = project / STORY
    (project / "content/stories/jibuguoguo-copy.en.md").write_text(source.read_text("utf-8"), "utf-8")


CASES = {
    "missing title": (break_missing_title, [STORY, "'Title'", "add a line such as 'Title:"]),
    "unknown language": (break_unknown_lang, [STORY, "Lang: 'fr'", "write one of: en, zh"]),
    "date that is not a date": (
        break_date,
        [STORY, "Date: 'sometime in 2026-10-12' is not a date", "YYYY-MM-DD"],
    ),
    "duplicate slug and language": (
        break_duplicate_slug,
        ["jibuguoguo-copy.en.md", "already has Slug 'jibuguoguo' in language 'en'", "another Slug"],
    ),
}


@pytest.mark.parametrize("case", list(CASES))
@pytest.mark.parametrize("settings_file", ["pelicanconf.py", "publishconf.py"])
def test_bad_front_matter_is_an_error_with_a_plain_message(project, case, settings_file):
    """What the checks, a build's first step, say of each mistake (without building)."""
    make_mistake, expected = CASES[case]
    make_mistake(project)
    problems = content_checks(project, settings_file)
    messages = problems_text(problems)
    assert has_error(problems)
    for fragment in expected:
        assert fragment in messages, f"{fragment!r} not in:\n{messages}"


# Through a whole build with each settings file: it stops, says so, and output/ stays.
@pytest.mark.parametrize("case", ["missing title"])
@pytest.mark.parametrize("settings_file", ["pelicanconf.py", "publishconf.py"])
def test_bad_front_matter_stops_the_build_and_keeps_output(broken, case, settings_file):
    make_mistake, expected = CASES[case]
    before = tree_digest(broken / "output")
    make_mistake(broken)
    # Straight into output/, the publish settings even clean it first: the
    # checks must run before that.
    result = run_pelican(settings_file, broken / "output", cwd=broken)
    messages = result.stdout + result.stderr
    assert result.returncode != 0
    for fragment in expected:
        assert fragment in messages, f"{fragment!r} not in:\n{messages}"
    assert "Traceback" not in messages
    assert tree_digest(broken / "output") == before


def test_a_failed_build_through_the_task_keeps_output(broken):
    before = tree_digest(broken / "output")
    break_date(broken)
    result = build_and_swap("pelicanconf.py", Path("output"), cwd=broken)
    assert result.returncode != 0
    assert tree_digest(broken / "output") == before
    assert not [p for p in broken.iterdir() if p.name.startswith(".output-")], "staging left behind"


def test_a_story_in_one_language_warns_in_preview_and_fails_publish(broken):
    (broken / "content/stories/jibuguoguo.zh.md").unlink()
    preview = run_pelican("pelicanconf.py", broken / "output", cwd=broken)
    assert preview.returncode == 0
    assert "'jibuguoguo' has no translation in zh" in preview.stdout + preview.stderr
    zh_listing = (broken / "output/zh/stories/index.html").read_text("utf-8")
    assert "/stories/jibuguoguo/" not in zh_listing
    publish = content_checks(broken, "publishconf.py")  # refused by the checks, before building
    assert has_error(publish)
    assert "'Single_language: yes'" in problems_text(publish)


def test_single_language_on_purpose_publishes(project):
    (project / "content/stories/jibuguoguo.zh.md").unlink()
    edit(project / STORY, "Lang: en", "Lang: en\nSingle_language: yes")
    publish = content_checks(project, "publishconf.py", STRICT_PUBLISH=True)
    # Other publish-only rules (checkout links) may still refuse; the translation rule must not.
    assert "has no translation" not in problems_text(publish)
