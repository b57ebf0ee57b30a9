"""Output addresses: no story or page replaces a file the build writes, another page, or
anything outside output/ (issue 11: Slug `stories` or `zh`, `Save_as: feeds/...`,
`Save_as: ../..`, two pages with one Save_as).

Most tests judge headers with the pure check (haihui_content/output_paths.py)
against the real content; a few build, where the build is the subject.
"""

import os
import posixpath
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import settings as hsettings
from hypothesis import strategies as st
from pelican.contents import Page
from pelican.settings import read_settings

import haihui_speed
from conftest import tree_digest
from haihui.build import ROOT, build_and_swap, run_pelican
from haihui.content.content_rules import Rules, check_sources, load_sources
from haihui.content.links import content_save_as
from haihui.content.output_paths import address_problem, check_output_paths, owned_by_build
from haihui.content.project import rules_from_settings
from haihui.problems import ContentError


def page(slug="hostile", lang="en", name=None, **fields) -> tuple[str, str, str]:
    """A page file: (shown path, kind, text); header lines in this order, so Slug is line 2."""
    head = {
        "Title": "A page",
        "Slug": slug,
        "Lang": lang,
        **fields,
        "Single_language": "yes",
        "Summary": "One line.",
    }
    text = "\n".join(f"{k}: {v}" for k, v in head.items()) + "\n\nSome text.\n"
    return f"content/pages/{name or slug}.{lang}.md", "page", text


def problems_for(conf, real_sources, *files):
    """What the output-path check says about the real content plus `files`."""
    sources = real_sources + load_sources(files)
    rules = Rules(languages=tuple(conf["LANGUAGES"]), strict=False, templates=frozenset(), settings=conf)
    return list(check_output_paths(sources, rules))


def only_about(problems, path):
    return [p for p in problems if p.path == path]


# ------------------------------------------------------------ the examples of the issue


def test_the_real_content_has_no_address_problem(conf, real_sources):
    assert problems_for(conf, real_sources) == []


def test_slug_stories_would_replace_the_listing(conf, real_sources):
    file = page("stories")
    [problem] = only_about(problems_for(conf, real_sources, file), file[0])
    assert problem.line == 2  # the Slug line
    assert "stories/index.html" in problem.message and "stories listing (English)" in problem.message
    assert "another Slug" in problem.fix
    assert "故事列表" in problem.message_in("zh") and "Slug" in problem.fix_in("zh")


def test_slug_zh_on_an_english_page_would_replace_the_chinese_home(conf, real_sources):
    file = page("zh", "en")
    [problem] = only_about(problems_for(conf, real_sources, file), file[0])
    assert problem.line == 2
    assert "zh/index.html" in problem.message and "home page (中文)" in problem.message
    assert problem.translated("zh")


def test_a_language_code_is_no_slug_in_either_language(conf, real_sources):
    for lang in ("en", "zh"):
        for slug in ("en", "zh"):
            file = page(slug, lang, name=f"x-{slug}")
            [problem] = only_about(problems_for(conf, real_sources, file), file[0])
            assert problem.line == 2, (lang, slug, problem)


def test_save_as_a_feed_would_replace_the_feed(conf, real_sources):
    file = page(Save_as="feeds/stories.atom.xml", Url="feeds/stories.atom.xml")
    [problem] = only_about(problems_for(conf, real_sources, file), file[0])
    assert problem.line == 4  # the Save_as line
    assert "stories feed (English)" in problem.message
    assert "订阅源" in problem.message_in("zh")


def test_save_as_dot_dot_leaves_the_output_folder(conf, real_sources):
    file = page(Save_as="../..")
    [problem] = only_about(problems_for(conf, real_sources, file), file[0])
    assert problem.line == 4
    assert "'..'" in problem.message and "output folder" in problem.message
    assert "Save_as: 404.html" in problem.fix
    assert "输出文件夹" in problem.message_in("zh")


def test_two_pages_with_one_save_as(conf, real_sources):
    first = page("first", Save_as="together/index.html", Url="together/")
    second = page("second", Save_as="together/index.html", Url="together/")
    problems = problems_for(conf, real_sources, first, second)
    [problem] = problems
    assert problem.path == second[0] and problem.line == 4
    assert f"{first[0]}:4" in problem.message  # what it collides with, where
    assert "silently replace" in problem.message and problem.translated("zh")


def test_a_page_over_a_story_names_the_story(conf, real_sources):
    file = page(Save_as="stories/jibuguoguo/index.html", Url="stories/jibuguoguo/")
    [problem] = only_about(problems_for(conf, real_sources, file), file[0])
    assert "content/stories/jibuguoguo.en.md:" in problem.message


def test_the_check_is_one_of_the_content_checks(conf, real_sources):
    """Wired into check_sources, so a build and `invoke check` both run it."""
    cwd = os.getcwd()
    os.chdir(ROOT)
    try:
        sources = real_sources + load_sources([page("stories")])
        problems = check_sources(sources, rules_from_settings(conf, sources))
    finally:
        os.chdir(cwd)
    assert any(p.path == "content/pages/stories.en.md" and "stories listing" in p.message for p in problems)


# ------------------------------------------------------------ every address the build writes


def addresses_the_build_writes(conf) -> list[str]:
    found = []
    for owned in owned_by_build(conf):
        if owned.pattern is not None:
            found += [owned.path.replace("index.html", f"page/{n}/index.html") for n in (2, 7, 31)]
        elif owned.path.endswith("/"):
            found += [f"{owned.path}index.html", f"{owned.path}a/b.html"]
        else:
            found.append(owned.path)
    return found


ADDRESSES = addresses_the_build_writes(read_settings(str(ROOT / "pelicanconf.py")))


def url_for(save_as: str) -> str:
    return save_as.removesuffix("index.html") if save_as.endswith("/index.html") else save_as


@pytest.mark.parametrize("lang", ["en", "zh"])
@pytest.mark.parametrize("address", ADDRESSES)
def test_every_address_the_build_writes_is_refused_as_save_as(conf, real_sources, address, lang):
    file = page(lang=lang, Save_as=address, Url=url_for(address))
    problems = only_about(problems_for(conf, real_sources, file), file[0])
    assert problems and all(p.line in (4, 5) for p in problems), problems
    assert all(p.translated("zh") for p in problems)


# The first folder of every address the build writes, but the fund-use page's own
# (its open data sits beside it) and the language folder (tested above).
FOLDERS = sorted(
    {a.split("/", 1)[0] for a in ADDRESSES if "/" in a} - {"fund-use", "zh"}
    | {a.split("/")[1] for a in ADDRESSES if a.startswith("zh/") and a.count("/") > 1}
)


@pytest.mark.parametrize("lang", ["en", "zh"])
@pytest.mark.parametrize("slug", FOLDERS)
def test_every_folder_the_build_writes_is_refused_as_slug(conf, real_sources, slug, lang):
    """A page's Slug is the first folder of its address (after the language's own folder)."""
    file = page(slug, lang, name=f"x-{slug}")
    problems = only_about(problems_for(conf, real_sources, file), file[0])
    assert [p.line for p in problems] == [2], problems


@pytest.mark.parametrize("lang", ["en", "zh"])
def test_every_real_page_and_story_is_refused_as_another_pages_save_as(conf, real_sources, lang):
    for source in real_sources:
        target = content_save_as(source.kind, source.front.values, conf)
        file = page(lang=lang, Save_as=target, Url=url_for(target))
        problems = only_about(problems_for(conf, real_sources, file), file[0])
        assert problems and source.path in problems[0].message, (target, problems)


@pytest.mark.parametrize(
    "value",
    [
        "../..",
        "..",
        "../output/index.html",
        "a/../../b.html",
        "/etc/x",
        "/index.html",
        "~/x.html",
        "C:\\x.html",
        "c:/x.html",
        "a\\b.html",
        "a//b.html",
        "./a.html",
        "a/./b.html",
        "",
        ".htaccess",
        "a/.git/config.html",
        "https://example.org/x.html",
        "a b.html",
        "a%2f..%2fb.html",
        "x.html\x00",
        "Stories/index.html",
        "about.php",
        "x.js",
    ],
)
@pytest.mark.parametrize("field", ["Save_as", "Url"])
def test_odd_spellings_are_refused(conf, real_sources, value, field):
    assert address_problem(value, field) is not None
    other = "Url" if field == "Save_as" else "Save_as"
    fine = "odd/index.html" if field == "Url" else "odd/"
    file = page(**{field: value, other: fine})
    assert only_about(problems_for(conf, real_sources, file), file[0])


PARTS = st.sampled_from(
    [
        "..",
        ".",
        "",
        "a",
        "b.html",
        "index.html",
        "C:",
        "~",
        "\\",
        "..\\..",
        "%2e%2e",
        " ",
        "Z",
        "ü",
        "\t",
        "stories",
        "zh",
        "feeds",
        "images",
        "-x",
    ]
)


def test_save_as_names_a_file_not_a_folder():
    assert address_problem("about/", "Save_as") is not None
    assert address_problem("about/", "Url") is None
    assert address_problem("about/index.html", "Save_as") is None


@hsettings(max_examples=400, deadline=None)
@given(
    st.one_of(st.lists(PARTS, min_size=1, max_size=5).map("/".join), st.text(max_size=30)),
    st.sampled_from(["Save_as", "Url"]),
)
def test_whatever_spelling_is_accepted_stays_inside_output(value, field):
    if address_problem(value, field) is not None:
        return
    output = "/srv/site/output"
    joined = posixpath.normpath(posixpath.join(output, value))
    assert joined.startswith(output + "/") and joined != output
    assert value == value.strip() and "\\" not in value and ":" not in value
    assert not any(part in ("", ".", "..") for part in value.rstrip("/").split("/"))
    assert value.endswith((".html", "/"))


@hsettings(max_examples=60, deadline=None)
@given(st.sampled_from(ADDRESSES), st.sampled_from(["en", "zh"]), st.booleans())
def test_any_address_in_any_case_is_refused(conf, real_sources, address, lang, upper):
    """Windows and macOS disks ignore case: `Stories/index.html` is the listing there."""
    spelled = address.upper() if upper else address
    file = page(lang=lang, Save_as=spelled, Url=url_for(spelled))
    assert only_about(problems_for(conf, real_sources, file), file[0])


def test_pelican_writes_each_real_source_where_the_check_says(conf, real_sources, good_build):
    for source in real_sources:
        target = content_save_as(source.kind, source.front.values, conf)
        assert (good_build / "output" / target).is_file(), (source.path, target)


# ------------------------------------------------------------ at write time: fail closed


class _Generator:
    def __init__(self, conf, items, output):
        self.settings, self.output_path = conf, str(output)
        self.context = {"generated_content": {i.source_path if i else "broken.md": i for i in items}}


def make_page(conf, tmp_path, slug, **meta):
    settings = dict(conf, OUTPUT_PATH=str(tmp_path / "out"))
    return Page(
        "text",
        metadata={"title": "T", "slug": slug, "lang": "en", **meta},
        settings=settings,
        source_path=str(tmp_path / f"{slug}.en.md"),
    )


def test_freezing_addresses_grants_no_permission_to_overwrite(conf, tmp_path):
    item = make_page(conf, tmp_path, "about-us")
    haihui_speed.freeze_urls([_Generator(conf, [item, None], tmp_path / "out")])  # None: unreadable file
    assert item.override_url == "about-us/"
    assert not hasattr(item, "override_save_as")  # Pelican's Writer: permission to overwrite


def test_two_pages_one_file_stop_before_writing(conf, tmp_path):
    (tmp_path / "a.en.md").write_text("Title: A\nSlug: a\nSave_as: x.html\n\nA\n", "utf-8")
    first = make_page(conf, tmp_path, "a", save_as="x.html", url="x.html")
    second = make_page(conf, tmp_path, "b", save_as="x.html", url="x.html")
    with pytest.raises(ContentError) as refused:
        haihui_speed.freeze_urls([_Generator(conf, [first, second], tmp_path / "out")])
    assert "x.html" in str(refused.value) and "a.en.md:3" in str(refused.value)


def test_a_page_over_a_listing_stops_before_writing(conf, tmp_path):
    item = make_page(conf, tmp_path, "campaigns")
    with pytest.raises(ContentError, match="campaigns listing"):
        haihui_speed.freeze_urls([_Generator(conf, [item], tmp_path / "out")])


def test_a_file_beside_the_output_folder_is_outside_it(conf, tmp_path):
    """`../out-old/x.html` starts with the output folder's name: Pelican's own test lets it through."""
    item = make_page(conf, tmp_path, "sneaky", save_as="../out-old/x.html", url="x.html")
    assert item.is_valid()  # Pelican would write it
    with pytest.raises(ContentError, match="outside the output folder"):
        haihui_speed.freeze_urls([_Generator(conf, [item], tmp_path / "out")])


def test_the_writer_refuses_a_second_write_whatever_override_says(tmp_path):
    writer = haihui_speed.OneWritePerFile(str(tmp_path), settings={})
    with writer._open_w(str(tmp_path / "a.html"), "utf-8") as f:
        f.write("first")
    with pytest.raises(ContentError, match="written twice"):
        writer._open_w(str(tmp_path / "a.html"), "utf-8", override=True)
    with pytest.raises(ContentError, match="outside the output folder"):
        writer._open_w(str(tmp_path.parent / f"{tmp_path.name}-old.html"), "utf-8")
    assert (tmp_path / "a.html").read_text() == "first"


# ------------------------------------------------------------ whole builds


def add_page(project: Path, name: str, **fields) -> str:
    shown, _, text = page(name=name, **fields)
    (project / shown).write_text(text, "utf-8")
    return shown


@pytest.mark.parametrize(
    "fields, expected",
    [
        ({"slug": "stories"}, "stories listing (English)"),
        ({"slug": "zh"}, "home page (中文)"),
        ({"Save_as": "feeds/stories.atom.xml", "Url": "feeds/stories.atom.xml"}, "stories feed (English)"),
        ({"Save_as": "../..", "Url": "x/"}, "output folder"),
    ],
)
def test_a_hostile_address_stops_the_build_and_keeps_output(broken, fields, expected):
    before = tree_digest(broken / "output")
    listing = (broken / "output/stories/index.html").read_bytes()
    shown = add_page(broken, "hostile", **fields)
    result = run_pelican("pelicanconf.py", broken / "output", cwd=broken)
    messages = result.stdout + result.stderr
    assert result.returncode == 1, messages
    assert shown in messages and expected in messages
    assert "Traceback" not in messages
    assert tree_digest(broken / "output") == before
    assert (broken / "output/stories/index.html").read_bytes() == listing


def test_two_pages_with_one_save_as_stop_the_build(broken):
    before = tree_digest(broken / "output")
    first = add_page(broken, "first", slug="first", Save_as="together.html", Url="together.html")
    add_page(broken, "second", slug="second", Save_as="together.html", Url="together.html")
    result = run_pelican("pelicanconf.py", broken / "output", cwd=broken)
    messages = result.stdout + result.stderr
    assert result.returncode == 1 and f"{first}:4" in messages and "Traceback" not in messages
    assert tree_digest(broken / "output") == before


def test_without_the_header_check_the_writer_still_fails_closed(broken):
    """haihui_content left out of PLUGINS: the speed plugin's own check stops the build."""
    before = tree_digest(broken / "output")
    shown = add_page(broken, "hostile", slug="stories")
    plugins = '["haihui_speed", "haihui_languages", "haihui_listings", "haihui_giving", "haihui_pictures"]'
    result = build_and_swap("pelicanconf.py", Path("output"), cwd=broken, extra={"PLUGINS": plugins})
    messages = result.stdout + result.stderr
    assert result.returncode == 1, messages
    assert f"{shown}:2" in messages and "stories listing (English)" in messages
    assert "Traceback" not in messages
    assert tree_digest(broken / "output") == before
