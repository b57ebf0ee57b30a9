"""What staff read goes through one gettext catalog (src/haihui/translations), like the theme's.

A problem, a task's message and the new-story guide are English message ids
with named parameters; each other language of the site is a catalog, and a
language is added with its catalog alone.
"""

import os
import re
import shutil
import string
import subprocess
import sys

import pytest
from babel.messages.pofile import read_po

from haihui.build import ROOT
from haihui.content.content_rules import Rules, check_sources, load_sources
from haihui.languages import staff
from haihui.problems import P_, WARNING, ContentError, Items, Problem, msg, named

ZH_PO = ROOT / "src/haihui/translations/zh/LC_MESSAGES/staff.po"
RULES = Rules(languages=("en", "zh"), strict=False, templates=frozenset({"campaign"}))


def fields(text: str) -> set[str]:
    return {name for _, name, _, _ in string.Formatter().parse(text) if name is not None}


def extracted(tmp_path) -> set[str | tuple[str, str]]:
    """The message ids `invoke translations` extracts from the code."""
    pot = tmp_path / "staff.pot"
    subprocess.run(
        [
            sys.executable,
            "-m",
            "babel.messages.frontend",
            "extract",
            "--no-default-keywords",
            *(option for keyword in staff.EXTRACT_KEYWORDS for option in ("-k", keyword)),
            "-o",
            str(pot),
            "--no-location",
            "--omit-header",
            "src/haihui",
            "plugins",
            "tasks.py",
        ],
        cwd=ROOT,
        check=True,
        capture_output=True,
    )
    with pot.open("rb") as f:
        return {m.id for m in read_po(f) if m.id}


def test_every_staff_message_has_a_chinese_translation_that_fits(tmp_path):
    ids = extracted(tmp_path)
    with ZH_PO.open("rb") as f:
        catalog = {m.id: m for m in read_po(f) if m.id}
    missing = sorted(i for i in ids if not (i in catalog and catalog[i].string and not catalog[i].fuzzy))
    assert not missing, f"add Chinese translations to {ZH_PO.relative_to(ROOT)} for: {missing}"
    obsolete = sorted(set(catalog) - ids)
    assert not obsolete, f"run `make translations`: no longer in the code: {obsolete}"
    for msgid in ids:
        # A plural entry (msgid, msgid_plural) has one msgstr per plural form of the language.
        given = set().union(*map(fields, msgid)) if isinstance(msgid, tuple) else fields(msgid)
        strings = catalog[msgid].string
        for msgstr in strings if isinstance(strings, tuple) else (strings,):
            assert fields(msgstr) <= given, (msgid, msgstr)
            msgstr.format_map(dict.fromkeys(given, "x"))  # balanced braces
    assert len(ids) > 300


def problem(**params) -> Problem:
    return Problem(
        "content/stories/ayi.en.md",
        3,
        "'{value}' is not a date",
        "write it as YYYY-MM-DD, e.g. 2026-11-28",
        params=named(value="next week", **params),
    )


def test_a_problem_prints_english_then_each_other_language_as_before():
    assert str(problem()) == (
        "content/stories/ayi.en.md:3: 'next week' is not a date; write it as YYYY-MM-DD, e.g. 2026-11-28\n"
        "    “next week”不是日期；请按 YYYY-MM-DD 的格式填写，例如 2026-11-28"
    )
    warning = Problem("a.md", 1, "'{value}' is not a date", "write yes or no", WARNING, named(value="x"))
    assert str(warning).startswith("a.md:1: warning: 'x' is not a date; write yes or no\n    “x”")
    assert problem().message == "'next week' is not a date"
    assert problem().text_in("zh") == "“next week”不是日期；请按 YYYY-MM-DD 的格式填写，例如 2026-11-28"
    # A message no catalog has: English only, on the page of every language too.
    unknown = Problem("a.md", 1, "no catalog has {this}", "nor this", params=named(this="that"))
    assert str(unknown) == "a.md:1: no catalog has that; nor this"
    assert unknown.text_in("zh") == "no catalog has that; nor this"
    error = ContentError([problem()])
    assert str(error).split("\n", 1)[1].startswith(f"  {problem()}\nNothing was written")


def test_lists_and_messages_inside_messages_take_the_words_of_each_language():
    source = """Title: A
Slug: a
Lang: en
Date: 2026-01-01
Summary: s
Campaign: nowhere
Person: A
Consent: given 2026-01-01
Consent_languages: en
Photos: no
Consent_form: office
Image: images/a.png

Text.
"""
    problems = check_sources(load_sources([("content/stories/a.en.md", "story", source)]), RULES)
    [campaign] = [p for p in problems if p.message.startswith("Campaign:")]
    assert campaign.fix == "use the Slug of a campaign page (known: none yet)"
    assert campaign.fix_in("zh") == "请填写一个项目页面的 Slug（现有：暂无）"
    listed = msg("use one of: {known}", known=Items(("a", "b", "c")))
    assert (str(listed), listed.render("zh")) == ("use one of: a, b, c", "请使用以下之一：a、b、c")


@pytest.fixture
def catalogs(tmp_path, monkeypatch):
    """A copy of the staff catalogs that a test may add to; the loader reads it instead."""
    folder = tmp_path / "translations"
    shutil.copytree(ROOT / "src/haihui/translations", folder)
    monkeypatch.setattr(staff, "CATALOGS", folder)
    return folder


def write_po(folder, lang: str, messages: dict[str, str]) -> None:
    po = folder / lang / "LC_MESSAGES" / "staff.po"
    po.parent.mkdir(parents=True, exist_ok=True)
    po.write_text(
        "".join(f'msgid "{msgid}"\nmsgstr "{msgstr}"\n\n' for msgid, msgstr in messages.items()), "utf-8"
    )


def test_a_third_language_needs_only_its_catalog(catalogs, monkeypatch):
    write_po(
        catalogs,
        "fr",
        {
            "'{value}' is not a date": "« {value} » n'est pas une date",
            "write it as YYYY-MM-DD, e.g. 2026-11-28": "écrivez-la AAAA-MM-JJ, p. ex. 2026-11-28",
            "{message}; {fix}": "{message} ; {fix}",
        },
    )
    assert str(problem()).splitlines() == [
        "content/stories/ayi.en.md:3: 'next week' is not a date; write it as YYYY-MM-DD, e.g. 2026-11-28",
        "    « next week » n'est pas une date ; écrivez-la AAAA-MM-JJ, p. ex. 2026-11-28",
        "    “next week”不是日期；请按 YYYY-MM-DD 的格式填写，例如 2026-11-28",
    ]
    assert (
        problem().text_in("fr")
        == "« next week » n'est pas une date ; écrivez-la AAAA-MM-JJ, p. ex. 2026-11-28"
    )
    # What the French catalog lacks is shown in English, and gets no French line of its own.
    other = Problem("a.md", 2, "is empty", "write a value after the colon")
    assert str(other) == "a.md:2: is empty; write a value after the colon\n    是空的；请在冒号后面填写内容"
    assert other.text_in("fr") == "is empty; write a value after the colon"
    assert staff.in_each_language(msg("'{value}' is not a date", value="x")) == (
        "'x' is not a date\n« x » n'est pas une date\n“x”不是日期"
    )


def test_an_edited_msgstr_shows_on_the_next_load_in_the_same_process(catalogs):
    po = catalogs / "zh" / "LC_MESSAGES" / "staff.po"
    assert problem().message_in("zh") == "“next week”不是日期"
    text = po.read_text("utf-8")
    po.write_text(text.replace('msgstr "“{value}”不是日期"', 'msgstr "“{value}”不是有效的日期"'), "utf-8")
    stat = po.stat()
    os.utime(po, ns=(stat.st_atime_ns, stat.st_mtime_ns + 1_000_000_000))  # a later save, however fast
    assert problem().message_in("zh") == "“next week”不是有效的日期"


def test_a_translation_that_does_not_fit_its_message_falls_back_to_english(catalogs):
    write_po(catalogs, "fr", {"'{value}' is not a date": "« {valeur} » n'est pas une date"})
    assert problem().message_in("fr") == "'next week' is not a date"


def test_no_language_is_named_in_the_code_that_picks_a_message():
    branch = re.compile(r"""(==|!=)\s*["']zh["']|["']zh["']\s*(==|!=)|\bif\s+zh\b|_zh\b""")
    found = [
        f"{path.relative_to(ROOT)}:{number}"
        for folder in ("src", "plugins", "theme/templates")
        for path in sorted((ROOT / folder).rglob("*"))
        if path.suffix in (".py", ".html")
        for number, line in enumerate(path.read_text("utf-8").splitlines(), start=1)
        if branch.search(line) and "name_zh" not in line
    ]
    assert not found, found


def test_a_counted_noun_takes_the_plural_form_of_each_language(catalogs):
    """ "overdue by 1 day", "overdue by 5 days": gettext plural entries, each language by its own rule."""

    def due(days: int):
        return msg(
            "campaign {campaign}: a progress report was due on {due}, and is overdue by {days}",
            campaign="left-behind-mothers",
            due="2027-02-20",
            days=P_("{n} day", "{n} days", days),
        )

    assert due(1).render("en").endswith("is overdue by 1 day")
    assert due(5).render("en").endswith("is overdue by 5 days")
    assert due(1).render("zh").endswith("已逾期 1 天")
    assert due(5).render("zh").endswith("已逾期 5 天")
    # A language with three forms (Russian: 1, 2-4, 5+) picks each by its own rule.
    po = catalogs / "ru" / "LC_MESSAGES" / "staff.po"
    po.parent.mkdir(parents=True)
    po.write_text(
        'msgid "{n} day"\nmsgid_plural "{n} days"\n'
        'msgstr[0] "{n} день"\nmsgstr[1] "{n} дня"\nmsgstr[2] "{n} дней"\n',
        "utf-8",
    )
    assert [staff.render_value(P_("{n} day", "{n} days", n), "ru") for n in (1, 3, 5, 21)] == [
        "1 день",
        "3 дня",
        "5 дней",
        "21 день",
    ]
    # A catalog without the entry shows the English forms.
    assert staff.render_value(P_("{n} day", "{n} days", 2), "fr") == "2 days"
