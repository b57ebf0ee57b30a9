"""Drafts (issue 13): a story not finished yet is shown only in staff's own preview.

`make new-story` writes both files full of TODO / 待填写. `make serve` and
`make build` build such a story (or one marked `Status: draft`) as a draft,
with a banner in the page's language listing what is missing, and list it
nowhere; `make preview` and `make publish` leave it out, and nothing about it
reaches their output. Consent still fails closed.
"""

from datetime import date
from pathlib import Path

import pytest
from staff_project import make_publishable

from conftest import BuiltSite, copy_project, edit
from haihui.build import publish_site, run_pelican
from haihui.content import drafts
from haihui.content.content_rules import Rules, check_sources, load_sources
from haihui.content.scaffold import story_files
from haihui.problems import ERROR

SLUG = "qubumo"
NAMES = {"en": "Qubumo", "zh": "曲布莫"}
CAMPAIGN = "left-behind-mothers"
# What would identify the draft anywhere in a build's output: its address, its names, its title.
TRACES = (SLUG, "Qubumo", "曲布莫", "story in a few words", "用一句话概括")


# A second new story, whose consent is withdrawn in one file, built beside the draft above.
WITHDRAWN_SLUG = "shama"
WITHDRAWN_NAMES = {"en": "Shama", "zh": "沙马"}
# Its title placeholder carries her name ("TODO: Shama's story in a few words").
WITHDRAWN_TRACES = (WITHDRAWN_SLUG, *WITHDRAWN_NAMES.values())


def write_new_story(project: Path, slug: str = SLUG, names: dict[str, str] = NAMES) -> dict[str, Path]:
    """What `make new-story` writes (the same function), into the project's stories."""
    stories = project / "content/stories"
    files = story_files(slug, names, CAMPAIGN, date(2026, 11, 28), ("en", "zh"))
    for name, text in files.items():
        (stories / name).write_text(text, "utf-8")
    return {name.split(".")[1]: stories / name for name in files}


def files_naming_the_draft(folder: Path, *, but=(), traces=TRACES) -> list[str]:
    """Files below `folder` with any of `traces` (of the draft), less those under the folders `but`."""
    return sorted(
        str(path.relative_to(folder))
        for path in folder.rglob("*")
        if path.is_file()
        and not any(part in but for part in path.relative_to(folder).parts)
        and any(trace.encode() in path.read_bytes() for trace in traces)
    )


def build(project: Path, settings: str = "pelicanconf.py", **extra) -> tuple[int, str]:
    result = run_pelican(settings, project / "output", cwd=project, extra=extra or None)
    return result.returncode, " ".join((result.stdout + result.stderr).split())


# ---------------------------------------------------------------- the checks (plain text)

STORY_CAMPAIGN = [
    (
        f"content/pages/c.{lang}.md",
        "page",
        f"Title: C\nSlug: {CAMPAIGN}\nLang: {lang}\nTemplate: campaign\n\nT",
    )
    for lang in ("en", "zh")
]


def new_story_sources(en: dict[str, str] | None = None, zh: dict[str, str] | None = None):
    """The new story's two files, with edits (old text: new text) to each, and a campaign page."""
    files = story_files(SLUG, NAMES, CAMPAIGN, date(2026, 11, 28), ("en", "zh"))
    for lang, edits in (("en", en), ("zh", zh)):
        for old, new in (edits or {}).items():
            name = f"{SLUG}.{lang}.md"
            assert old in files[name], old
            files[name] = files[name].replace(old, new, 1)
    return load_sources([(f"content/stories/{n}", "story", t) for n, t in files.items()] + STORY_CAMPAIGN)


def rules(mode, strict=False) -> Rules:
    return Rules(languages=("en", "zh"), strict=strict, templates=frozenset({"campaign"}), drafts=mode)


def test_a_new_story_is_a_draft_its_problems_are_warnings_and_publish_still_refuses_it():
    sources = new_story_sources()
    for mode, strict in ((drafts.BUILD, False), (drafts.LEAVE_OUT, False)):
        problems = check_sources(sources, rules(mode, strict))
        assert [p for p in problems if p.severity == ERROR] == [], mode
        text = "\n".join(map(str, problems))
        assert f"content/stories/{SLUG}.en.md:1: warning: Title: still a placeholder" in text
        assert f"content/stories/{SLUG}.zh.md:1: warning: Title: still a placeholder" in text
        assert "Title：还是占位文字" in text
        assert sorted(p.path for p in problems if drafts.is_notice(p)) == [
            f"content/stories/{SLUG}.en.md",
            f"content/stories/{SLUG}.zh.md",
        ]
    # make publish: placeholders are errors, as they always were, and it says how to keep the story off.
    refused = check_sources(sources, rules(drafts.LEAVE_OUT, strict=True))
    errors = "\n".join(str(p) for p in refused if p.severity == ERROR)
    assert "Title: still a placeholder" in errors
    assert "add the line 'Status: draft' to both language files" in errors
    # `Status: draft` (in one file is enough) keeps it off the public site without refusing the rest.
    marked = new_story_sources(en={"Lang: en": "Lang: en\nStatus: draft"})
    kept_off = check_sources(marked, rules(drafts.LEAVE_OUT, strict=True))
    assert [p for p in kept_off if p.severity == ERROR] == []
    assert sum(drafts.is_notice(p) for p in kept_off) == 2
    # Plain-text checks without a build mode judge a draft like any story.
    assert all(p.severity == ERROR for p in check_sources(sources, rules(None)) if not drafts.is_notice(p))


def test_a_draft_the_preview_cannot_build_keeps_its_errors():
    consent_en = "Consent: TODO: e.g. given 2026-11-28\n"
    for broken in (
        {consent_en: "Consent: she said yes\n"},  # not the placeholder, not a record: undecided
        {consent_en: ""},  # no consent line at all
        {"Lang: en": "Lang: fr"},
        {"Date: 2026-11-28": "Date: next week"},
    ):
        problems = check_sources(new_story_sources(en=broken), rules(drafts.BUILD))
        errors = [p for p in problems if p.severity == ERROR]
        assert errors and {p.path for p in errors} == {f"content/stories/{SLUG}.en.md"}, broken
        assert not any(drafts.is_notice(p) and p.path.endswith(".en.md") for p in problems), broken


def test_a_story_taken_down_is_never_a_draft():
    sources = new_story_sources(zh={"Consent: 待填写：例如 given 2026-11-28": "Consent: 撤回 2026-11-29"})
    for mode in (drafts.BUILD, drafts.LEAVE_OUT):
        assert drafts.draft_files(sources, mode, strict=False) == []
    problems = check_sources(sources, rules(drafts.BUILD))
    assert not [p for p in problems if p.severity == ERROR]
    assert not any(drafts.is_notice(p) for p in problems)
    assert "ignored: the story is taken down" in "\n".join(map(str, problems))


# ---------------------------------------------------------------- builds


@pytest.fixture(scope="module")
def built_with_drafts(tmp_path_factory) -> tuple[Path, int, str]:
    """`make build` (the preview settings) of the real content plus two new stories: the draft,
    and another whose consent is withdrawn in its Chinese file; (project, exit code, messages).
    One build for the two tests below."""
    project = copy_project(tmp_path_factory.mktemp("drafts") / "project")
    write_new_story(project)
    withdrawn = write_new_story(project, WITHDRAWN_SLUG, WITHDRAWN_NAMES)
    edit(withdrawn["zh"], "Consent: 待填写：例如 given 2026-11-28", "Consent: withdrawn 2026-11-29")
    return project, *build(project)


def test_make_build_shows_a_new_story_as_a_draft_with_what_is_missing_and_lists_it_nowhere(built_with_drafts):
    project, code, messages = built_with_drafts
    assert code == 0, messages
    assert f"drafts/{SLUG}/" in messages  # the terminal says where to look
    site = BuiltSite(project / "output")
    assert not site.exists(f"stories/{SLUG}/") and not site.exists(f"zh/stories/{SLUG}/")
    for url, heading, missing, robots in (
        (f"drafts/{SLUG}/", "Draft: not published", "Title: still a placeholder", "noindex"),
        (f"zh/drafts/{SLUG}/", "草稿：尚未发布", "Title：还是占位文字", "noindex"),
    ):
        page = site.soup(url)
        banner = page.select_one("aside.draft-banner")
        assert banner is not None and banner.h2.get_text() == heading, url
        listed = banner.select_one("ul.check-report").get_text(" ", strip=True)
        assert missing in listed and f"{SLUG}." in listed, url
        assert robots in page.find("meta", attrs={"name": "robots"})["content"]
        # Its language switcher leads only to the other draft.
        other = f"/zh/drafts/{SLUG}/" if url.startswith("drafts/") else f"/drafts/{SLUG}/"
        assert [a["href"] for a in page.select("nav.language-switcher a")] == [other]
    # Home, listings, the campaign page, feeds, sitemap, every other page's hreflang: no trace.
    # (The preview's own problems page names its file, for staff.)
    assert files_naming_the_draft(site.root, but=("drafts", "preview-problems")) == []
    assert site.exists("preview-problems/")


def test_the_publish_settings_leave_a_draft_out_without_a_trace(tmp_path):
    project = copy_project(tmp_path / "project")
    make_publishable(project)
    files = write_new_story(project)

    # make preview: public settings, warnings only; the draft is left out, with a warning.
    code, messages = build(project, "publishconf.py", STRICT_PUBLISH="false")
    assert code == 0, messages
    assert "so this build leaves it out" in messages
    assert files_naming_the_draft(project / "output") == []

    # make publish: a story still full of placeholders is refused, as before.
    refused = publish_site(project / "public", cwd=project)
    assert refused.returncode != 0
    assert "this story still has placeholders, so a publish build refuses it" in " ".join(
        (refused.stdout + refused.stderr).split()
    )
    assert not (project / "public").exists()

    # Marked `Status: draft` (as a page may be too), it is left out and the rest is published.
    for path in files.values():
        edit(path, "Lang: ", "Status: draft\nLang: ")
    (project / "content/pages/secret-plans.en.md").write_text(
        "Title: Qubumo's secret plans\nSlug: secret-plans\nLang: en\nStatus: draft\n"
        "Single_language: yes\n\nNot yet.\n",
        "utf-8",
    )
    published = publish_site(project / "public", cwd=project)
    assert published.returncode == 0, published.stdout + published.stderr
    assert (project / "public/index.html").is_file()
    assert files_naming_the_draft(project / "public") == []
    assert not list((project / "public").rglob("*secret-plans*"))
    assert not (project / "public/drafts").exists()


def test_a_draft_whose_consent_is_withdrawn_is_never_built(built_with_drafts):
    project, code, messages = built_with_drafts
    assert code == 0, messages
    output = project / "output"
    assert files_naming_the_draft(output, but=("preview-problems",), traces=WITHDRAWN_TRACES) == []
    # Not built as a draft either: the only drafts are the other story's (their placeholder
    # text, which the two stories share, is nowhere else: the test above).
    assert [p.name for p in (output / "drafts").iterdir()] == [SLUG]
    assert [p.name for p in (output / "zh/drafts").iterdir()] == [SLUG]


def test_a_draft_whose_consent_is_undecided_stops_the_build_even_without_the_checks(tmp_path):
    project = copy_project(tmp_path / "project")
    files = write_new_story(project)
    edit(files["en"], "Consent: TODO: e.g. given 2026-11-28", "Consent: she agreed on the phone")
    plugins = '["haihui_speed", "haihui_languages", "haihui_listings", "haihui_giving", "haihui_pictures"]'
    for extra, says in (
        ({}, "Consent: 'she agreed on the phone' is not a consent record"),  # the checks
        ({"PLUGINS": plugins}, "this story has no single valid consent record"),  # the gate alone
    ):
        code, messages = build(project, **extra)
        assert code != 0, extra
        assert says in messages, extra
    assert files_naming_the_draft(project, but=("content",)) == []


def test_settings_decide_what_a_build_does_with_drafts():
    assert drafts.mode_of({"BUILD_DRAFTS": True}) == drafts.BUILD
    assert drafts.mode_of({"BUILD_DRAFTS": True, "STRICT_PUBLISH": True}) == drafts.LEAVE_OUT
    assert drafts.mode_of({}) == drafts.LEAVE_OUT  # a site that says nothing builds none
