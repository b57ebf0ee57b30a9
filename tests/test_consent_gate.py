"""Withdrawal wins: a story taken down comes down whatever else is wrong, whatever plugins are loaded."""

import shutil

import pytest

from conftest import copy_built, copy_project, edit, tree_digest
from haihui.build import ROOT, run_pelican
from haihui.consent import FORM_ITSELF, is_withdrawn
from haihui.content.content_rules import Rules, check_sources, load_sources
from haihui.settings import read_settings

EN, ZH = "content/stories/jibuguoguo.en.md", "content/stories/jibuguoguo.zh.md"
GIVEN_EN, GIVEN_ZH = "Consent: given 2026-10-12", "Consent: given 2026-10-12"
# Every plugin the site runs with (pelicanconf.py): each safety rule must hold without any one.
PLUGINS = list(read_settings("pelicanconf.py", root=ROOT)["PLUGINS"])


def published_files_naming(folder, word: str) -> list[str]:
    """Built files that name `word` in their path or their bytes (a share image's folder, say),
    except the preview's own list of problems (never published)."""
    return sorted(
        str(p.relative_to(folder))
        for p in folder.rglob("*")
        if p.is_file()
        and "preview-problems" not in str(p)
        and (word in str(p.relative_to(folder)) or word.encode() in p.read_bytes())
    )


def build(project, settings_file="pelicanconf.py", **extra):
    result = run_pelican(settings_file, project / "output", cwd=project, extra=extra or None)
    return result.returncode, " ".join((result.stdout + result.stderr).split())


# ------------------------------------------------------------ however it is written

WITHDRAWALS = [
    "Consent: withdrawn 2026-11-29\nConsent: given 2026-10-12",  # added above the old line
    "Consent: given 2026-10-12\nConsent: withdrawn 2026-11-29",  # added below it
    "Consent: withdrawn",  # no date
    "Consent: Withdrawn on 29 November 2026",
    "consent: WITHDRAWN 2026-11-29",
    "Consent: 撤回 2026-11-29",
    "Consent: given 2026-10-12\n    withdrawn 2026-11-29",  # a continuation line
]


@pytest.mark.parametrize("record", WITHDRAWALS)
def test_any_spelling_of_withdrawal_takes_the_story_down(record):
    text = f"Title: T\nSlug: s\nLang: en\n{record}\nPerson: P\n\nText\n"
    [source] = load_sources([("content/stories/s.en.md", "story", text)])
    assert is_withdrawn(source)


def test_a_withdrawal_after_a_broken_header_line_still_takes_the_story_down():
    text = "Title: T\nSlug: s\nthis line is not a field\nConsent: withdrawn 2026-11-29\n\nText\n"
    [source] = load_sources([("content/stories/s.en.md", "story", text)])
    assert is_withdrawn(source)


FORMS = [
    "pan.baidu.com/s/1AbCdEf",
    "drive.google.com/file/d/abc",
    "www.dropbox.com/s/x",
    "weiyun.com/abc",
    "https://example.org/form",
    "scan-14.pdf",
    "consent 14.JPG",
    "form_14.jfif",
    "rachel@haihuichina.org",
    r"\\fileserver\consent\14",
    "share/forms/14",
]


@pytest.mark.parametrize("reference", FORMS)
def test_a_consent_reference_that_is_a_link_or_a_file_is_refused(reference):
    assert FORM_ITSELF.search(reference)


@pytest.mark.parametrize(
    "reference",
    [
        "Chengdu office, consent binder 2026, no. 14",
        "成都办公室，2026 年同意书档案夹，第 14 号",
        "Binder B, page 3",
    ],
)
def test_a_plain_consent_reference_is_accepted(reference):
    assert not FORM_ITSELF.search(reference)


def test_consent_dated_in_the_future_is_refused():
    rules = Rules(languages=("en",), strict=True, templates=frozenset())
    text = (
        "Title: T\nSlug: s\nLang: en\nDate: 2026-11-28\nSummary: S\nCampaign: c\nPerson: P\n"
        "Consent: given 2999-01-01\nConsent_languages: en\nPhotos: no\nConsent_form: Binder 1\n"
        "Image: images/illustrations/s.png\nSingle_language: yes\n\nText\n"
    )
    found = [
        p
        for p in check_sources(load_sources([("content/stories/s.en.md", "story", text)]), rules)
        if p.message.startswith("Consent:")
    ]
    assert [(p.line, p.severity) for p in found] == [(8, "error")]
    assert "in the future" in found[0].message


# ------------------------------------------------------------ through a build


@pytest.fixture(scope="module")
def withdrawn_and_linked(good_build, tmp_path_factory):
    """A preview build over a good build's output/, with her Chinese file withdrawn by a line
    added above the old one and the English about page linking to her (still consenting)
    English file: (project, exit code, messages). One build for the two tests below."""
    project = copy_built(good_build, tmp_path_factory.mktemp("withdrawn") / "project")
    edit(project / ZH, GIVEN_ZH, f"Consent: withdrawn 2026-11-29\n{GIVEN_ZH}")
    about = project / "content/pages/about.en.md"
    about.write_text(
        about.read_text("utf-8") + "\nRead [her story]({filename}/stories/jibuguoguo.en.md) "
        "or [the same](/stories/jibuguoguo/).\n",
        "utf-8",
    )
    code, messages = build(project)
    return project, code, messages


def test_a_withdrawal_added_above_the_old_line_takes_the_story_down(withdrawn_and_linked):
    # Built over the output/ where her story was published: its files are gone too.
    project, code, messages = withdrawn_and_linked
    assert code == 0, messages
    assert published_files_naming(project / "output", "jibuguoguo") == []


def test_withdrawal_wins_over_every_other_problem_of_the_story(broken):
    edit(broken / ZH, GIVEN_ZH, "Consent: withdrawn 2026-11-29")
    edit(broken / EN, "Date: 2026-10-12", "Date: next week")
    edit(broken / EN, "Slug: jibuguoguo", "Slug: jibuguoguo\nImage: images/illustrations/school-fees.png")
    code, messages = build(broken, "publishconf.py", STRICT_PUBLISH="false")
    assert code == 0, messages
    assert "Traceback" not in messages
    assert "ignored: the story is taken down" in messages
    assert published_files_naming(broken / "output", "jibuguoguo") == []


def test_a_story_without_consent_is_not_published_even_without_the_checks(broken):
    edit(broken / EN, f"{GIVEN_EN}\n", "")
    # Her page from the last good build removed, so that one written by this build shows.
    shutil.rmtree(broken / "output")
    plugins = [p for p in PLUGINS if p != "haihui_content"]
    code, messages = build(broken, PLUGINS=repr(plugins).replace("'", '"'))
    assert code != 0
    assert "no single valid consent record" in messages or "Cannot load plugin" in messages
    assert not list((broken / "output").rglob("jibuguoguo*")), "her story was written"


def test_links_to_a_story_taken_down_keep_their_text_and_lose_the_link(withdrawn_and_linked):
    project, code, messages = withdrawn_and_linked
    assert code == 0, messages
    assert "goes to a story taken down" in messages
    page = (project / "output/about/index.html").read_text("utf-8")
    assert "her story" in page and "the same" in page
    assert "jibuguoguo" not in page


def test_her_name_on_a_page_still_published_is_reported():
    def file(path, kind, header, body):
        return (path, kind, "\n".join(f"{k}: {v}" for k, v in header.items()) + f"\n\n{body}\n")

    down = file(
        "content/stories/s.en.md",
        "story",
        {"Title": "T", "Slug": "s", "Lang": "en", "Person": "Ayi", "Consent": "withdrawn 2026-11-29"},
        "x",
    )
    down_zh = file(
        "content/stories/s.zh.md",
        "story",
        {"Title": "T", "Slug": "s", "Lang": "zh", "Person": "阿依", "Consent": "given 2026-10-01"},
        "x",
    )
    about = file(
        "content/pages/about.en.md",
        "page",
        {"Title": "About", "Slug": "about", "Lang": "en"},
        "Mothers such as Ayi, and others.\nAyiguo is someone else.",
    )
    about_zh = file(
        "content/pages/about.zh.md",
        "page",
        {"Title": "关于", "Slug": "about", "Lang": "zh"},
        "像阿依这样的母亲。",
    )
    rules = Rules(languages=("en", "zh"), strict=True, templates=frozenset())
    found = [
        (p.path, p.line, p.severity)
        for p in check_sources(load_sources([down, down_zh, about, about_zh]), rules)
        if "whose consent is withdrawn" in p.message
    ]
    assert found == [("content/pages/about.en.md", 5, "warning"), ("content/pages/about.zh.md", 5, "warning")]


@pytest.fixture(scope="module")
def withdrawn_with_originals(tmp_path_factory):
    """A project copy with her English file withdrawn and two files under content/ that must
    never be published as they are (an original with GPS, a scanned consent form). Every
    left-out-plugin build below runs in this one folder, so that the templates the first
    compiles (.cache/jinja, keyed by their path) serve the others."""
    project = copy_project(tmp_path_factory.mktemp("left-out") / "project")
    edit(project / EN, GIVEN_EN, "Consent: withdrawn 2026-11-29")
    photos = project / "content/images/photos"
    photos.mkdir(parents=True, exist_ok=True)
    (photos / "from-wechat.jfif").write_bytes(b"\xff\xd8\xff\xe1 original with GPS")
    (photos / "consent-form-scan.pdf").write_bytes(b"%PDF-1.4 signed consent form")
    return project


@pytest.mark.parametrize("left_out", PLUGINS)
def test_safety_holds_with_any_one_plugin_left_out(withdrawn_with_originals, left_out):
    """Her withdrawn story is not published, and nothing under content/ is copied as it is
    (an original with GPS, a scanned consent form), with any one plugin left out: one
    build per plugin serves both rules."""
    project = withdrawn_with_originals
    output = project / "output"
    shutil.rmtree(output, ignore_errors=True)  # what is there afterwards is this build's alone
    content = tree_digest(project / "content")
    build(project, PLUGINS=repr([p for p in PLUGINS if p != left_out]).replace("'", '"'))
    # The next build starts from the same content: this one changed nothing there.
    assert tree_digest(project / "content") == content
    # Without some plugins the theme cannot render and the build stops part-way:
    # whatever it wrote, her story is not in it, nor any file copied as it is.
    assert (published_files_naming(output, "jibuguoguo") if output.exists() else []) == []
    written = sorted(p.name for p in output.rglob("*")) if output.exists() else []
    assert "from-wechat.jfif" not in written and "consent-form-scan.pdf" not in written
