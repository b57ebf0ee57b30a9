"""One reading: the checks judge the files Pelican reads, with the values Pelican parses."""

import codecs

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from markdown import Markdown
from pelican.readers import Readers
from pelican.settings import read_settings

from conftest import content_checks, edit, has_error, problems_text, story_fields, tree_digest
from haihui.build import ROOT, run_pelican
from haihui.content.content_rules import STORY_FIELDS, Rules, check_sources, load_sources
from haihui.content.frontmatter import parse_front_matter
from haihui.content.project import markdown_files
from haihui.problems import ContentError

# ------------------------------------------------------------ the parser is Markdown's

KEYS = st.sampled_from(["Title", "title", "CONSENT", "Consent", "Image", "x-y_z", "Summary", "a1"])
VALUES = st.text(st.sampled_from([*"ab 1:\t-.给撤", "\u2028", "\u3000", "\x0c", "\x85"]), max_size=8)
LINES = st.one_of(
    st.builds(
        lambda pad, key, gap, value: f"{pad}{key}:{gap}{value}",
        st.sampled_from(["", " ", "   ", "    "]),
        KEYS,
        st.sampled_from(["", " ", "\t"]),
        VALUES,
    ),
    st.builds(lambda pad, value: f"{pad}{value}", st.sampled_from(["    ", "\t", "      "]), VALUES),
    st.sampled_from(["", "   ", "\t", "---", "...", "--- x", "not a field", ": no key", "-----"]),
)


@settings(max_examples=400, deadline=None)
@given(st.lists(LINES, max_size=8), st.sampled_from(["\n", "\r\n", "\r"]), st.booleans())
def test_the_header_parser_reads_what_python_markdown_reads(lines, newline, bom):
    text = ("\ufeff" if bom else "") + newline.join(lines) + newline + newline + "Body text."
    markdown = Markdown(extensions=["markdown.extensions.meta"])
    markdown.convert(text.removeprefix("\ufeff"))  # Pelican opens files as utf-8-sig
    front = parse_front_matter(text)
    assert {key: [value for _, value in found] for key, found in front.all_values.items()} == markdown.Meta


def test_a_jekyll_style_header_fenced_with_dashes_is_read():
    front = parse_front_matter("---\nTitle: T\nSlug: s\n---\nText")
    assert front.values == {"title": "T", "slug": "s"}
    assert front.body_line == 5


# ------------------------------------------------------------ a field written twice is refused

RULES = Rules(languages=("en", "zh"), strict=False, templates=frozenset({"page", "campaign"}))
GOOD = story_fields("en", Image_alt="A drawing")


def story_problems(header: str) -> list:
    return check_sources(load_sources([("content/stories/s.en.md", "story", f"{header}\n\nText\n")]), RULES)


@pytest.mark.parametrize("field", [f.capitalize() for f in STORY_FIELDS])
def test_every_field_written_twice_is_an_error_at_its_second_line(field):
    values = {**GOOD, field: GOOD.get(field, "x")}
    lines = [f"{k}: {v}" for k, v in values.items()]
    lines.append(f"{field}: {values[field]}")
    found = [p for p in story_problems("\n".join(lines)) if "written twice" in p.message]
    assert [(p.line, p.severity) for p in found] == [(len(lines), "error")]
    assert "写了两次" in found[0].message_in("zh")


@pytest.mark.parametrize("field", ["Title", "Consent", "Image", "Person"])
def test_a_field_continued_on_an_indented_line_is_an_error(field):
    lines = [f"{k}: {v}" for k, v in GOOD.items()]
    lines.insert(list(GOOD).index(field) + 1, "    more words")
    found = [p for p in story_problems("\n".join(lines)) if "continues" in p.message]
    assert [p.line for p in found] == [list(GOOD).index(field) + 2]


def test_a_long_summary_may_run_over_several_lines():
    lines = [f"{k}: {v}" for k, v in GOOD.items()]
    lines.insert(list(GOOD).index("Summary") + 1, "    and more of the summary")
    assert not [p for p in story_problems("\n".join(lines)) if "continues" in p.message]


# ------------------------------------------------------------ the same files as Pelican


def project_settings(project):
    return read_settings(str(project / "pelicanconf.py"), override={"PATH": str(project / "content")})


@pytest.mark.parametrize(
    "extension", sorted(set(Readers(read_settings(str(ROOT / "pelicanconf.py"))).extensions) - {"md"})
)
def test_every_other_extension_pelican_reads_is_refused(project, extension):
    (project / "content/stories/ayi.en.md").rename(project / f"content/stories/ayi.en.{extension}") if (
        project / "content/stories/ayi.en.md"
    ).exists() else None
    (project / f"content/pages/notes.{extension}").write_text("Title: Notes\n\nText\n", "utf-8")
    with pytest.raises(ContentError) as refused:
        markdown_files(project_settings(project))
    [problem] = refused.value.problems
    assert problem.path.endswith(f"pages/notes.{extension}")
    assert "only .md files are checked and published" in problem.message
    assert "notes.en.md" in problem.fix and problem.translated("zh")


ENCODINGS = ["gbk", "gb18030", "big5", "utf-16", "shift_jis", "cp1252"]


@pytest.mark.parametrize("encoding", ENCODINGS)
def test_a_file_in_another_encoding_is_named_with_how_to_resave_it(project, encoding):
    text = "Title: Ayi\nSlug: ayi\nLang: en\n\nShe said: “你好”, café\n"
    data = text.encode(encoding, errors="replace")
    if encoding == "utf-16":
        assert data.startswith(codecs.BOM_UTF16_LE) or data.startswith(codecs.BOM_UTF16_BE)
    (project / "content/pages/ayi.en.md").write_bytes(data)
    with pytest.raises(ContentError) as refused:
        markdown_files(project_settings(project))
    [problem] = refused.value.problems
    assert problem.path.endswith("pages/ayi.en.md")
    assert "not saved as UTF-8" in problem.message
    assert "Notepad" in problem.fix and "WPS" in problem.fix and "记事本" in problem.fix_in("zh")


# ------------------------------------------------------------ the examples, through a build
# A file Pelican reads otherwise than the checks would (another extension, another
# encoding) through whole builds; a value's rule through the checks a build runs first.

STORY = "content/stories/jibuguoguo.en.md"


def stopped(project, settings_file="pelicanconf.py") -> str:
    before = tree_digest(project / "output")
    result = run_pelican(settings_file, project / "output", cwd=project)
    messages = result.stdout + result.stderr
    assert result.returncode != 0, messages
    assert "Traceback" not in messages
    assert tree_digest(project / "output") == before
    return " ".join(messages.split())


def test_a_story_saved_as_markdown_is_refused_not_published(broken):
    (broken / STORY).rename(broken / "content/stories/jibuguoguo.en.markdown")
    edit(broken / "content/stories/jibuguoguo.en.markdown", "Consent: given 2026-10-12\n", "")
    messages = stopped(broken, "publishconf.py")
    assert "jibuguoguo.en.markdown:1" in messages and "only .md files" in messages


def refused(project) -> str:
    """What the checks (a build's first step, as stopped() shows) say of the copy: an error."""
    problems = content_checks(project)
    assert has_error(problems)
    return problems_text(problems)


def test_a_second_title_is_refused_not_shown_as_a_list(project):
    edit(project / STORY, "Slug: jibuguoguo", "Slug: jibuguoguo\nTitle: Another title")
    assert "Title is written twice" in refused(project)


def test_a_second_image_is_refused_without_a_traceback(project):
    edit(project / STORY, "Slug: jibuguoguo", "Slug: jibuguoguo\nImage: images/illustrations/school-fees.png")
    assert "Image is written twice" in refused(project)


def test_a_story_file_in_gbk_is_named(broken):
    text = (broken / "content/stories/jibuguoguo.zh.md").read_text("utf-8")
    (broken / "content/stories/jibuguoguo.zh.md").write_bytes(text.encode("gbk"))
    messages = stopped(broken)
    assert "content/stories/jibuguoguo.zh.md:" in messages and "UTF-8" in messages


def test_year_one_is_not_a_date(project):
    edit(project / STORY, "Date: 2026-10-12", "Date: 0001-01-01")
    assert "Date: '0001-01-01' is not a date" in refused(project)
