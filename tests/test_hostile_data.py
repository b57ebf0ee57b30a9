"""Hostile and careless input to the data files and the money (issue 11).

YAML read the 1.2 way (no octal, no base 60, no yes/no booleans, no aliases),
duplicate keys at their line, data files that are not UTF-8, placeholders in
data values, campaign ids that match no page, tier short codes that would stay
on the page as text, and amounts typed in prose instead of [amount: ...].

Most tests call the plain functions; the builds at the end check what a reader
sees and that a refused input leaves output/ byte for byte as it was.
"""

import re
import signal
from datetime import date
from pathlib import Path

import markdown
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from pelican.settings import read_settings

from conftest import (
    content_checks,
    edit,
    has_error,
    plain,
    problems_text,
    site_settings,
    text_of,
    tree_digest,
)
from haihui.build import ROOT, run_pelican
from haihui.content.content_rules import Rules, load_sources
from haihui.giving.checkout_links import check_checkout_links
from haihui.giving.fund_use import check_fund_use
from haihui.giving.short_codes import replace_short_codes
from haihui.giving.site_data import check_tiers, load_site_tiers, short_code_problems
from haihui.giving.tiers import compute_tiers
from haihui.giving.yaml_source import read_yaml
from haihui.languages.catalogs import load_translations
from haihui.languages.formatting import format_money
from haihui.problems import ERROR, WARNING

DATA = ROOT / "content" / "data" / "fund-use.yaml"
LINKS = ROOT / "content" / "data" / "checkout-links.yaml"
LANGS = ("en", "zh")
CHANNELS = {
    "stripe": {"hosts": ["buy.stripe.com", "donate.stripe.com"]},
    "platform": {"hosts": ["gongyi.qq.com"], "names": {"en": "P", "zh": "P"}},
}
SETTINGS = read_settings(str(ROOT / "pelicanconf.py"))
DATA_REL, LINKS_REL = "content/data/fund-use.yaml", "content/data/checkout-links.yaml"


def yaml_value(tmp_path: Path, written: str):
    path = tmp_path / "value.yaml"
    path.write_text(f"value: {written}\n", "utf-8")
    return read_yaml(path).data["value"]


def data_copy(tmp_path: Path, old: str | None = None, new: str = "", *, text: str | None = None) -> Path:
    """fund-use.yaml in a folder of its own, with one change."""
    path = tmp_path / "fund-use.yaml"
    body = DATA.read_text("utf-8") if text is None else text
    if old is not None:
        assert old in body, old
        body = body.replace(old, new, 1)
    path.write_text(body, "utf-8")
    return path


def line_with(path: Path, fragment: str, occurrence: int = 1) -> int:
    hits = [n for n, line in enumerate(path.read_text("utf-8").splitlines(), 1) if fragment in line]
    return hits[occurrence - 1]


def project_sources(replace: dict[str, tuple[str, str]] | None = None, extra: dict[str, str] | None = None):
    """The real stories and pages as the checks read them, with some text replaced or files added."""
    files = []
    for path in sorted((ROOT / "content").rglob("*.md")):
        shown = str(path.relative_to(ROOT))
        kind = "story" if "/stories/" in shown else "page"
        text = path.read_text("utf-8")
        if replace and shown in replace:
            old, new = replace[shown]
            assert old in text, (shown, old)
            text = text.replace(old, new, 1)
        files.append((shown, kind, text))
    for shown, text in (extra or {}).items():
        files.append((shown, "story" if "/stories/" in shown else "page", text))
    return load_sources(files)


def tier_problems(sources, settings_: dict, strict: bool = False) -> list:
    rules = Rules(languages=LANGS, strict=strict, templates=frozenset(), settings=settings_)
    return [p for p in check_tiers(sources, rules) if p.path != "pelicanconf.py"]


SITE = load_site_tiers(SETTINGS)[0]
STORY_PATH = "content/stories/s.en.md"


def code_problems(text: str, strict: bool = False) -> list:
    """What the tiers check says about one story (the site's data loaded once)."""
    (source,) = load_sources([(STORY_PATH, "story", text)])
    return list(
        short_code_problems(source, SITE, strict=True) if strict else short_code_problems(source, SITE)
    )


def story(body: str, front: str = "Title: T\nSlug: s\nLang: en\n") -> str:
    return f"{front}\n{body}"


# ================================================================ YAML read the 1.2 way


@pytest.mark.parametrize(
    "written,expected",
    [
        ("060000", 60000),  # 1.1: octal 24576
        ("0060000", 60000),
        ("010", 10),  # 1.1: 8
        ("0o17", 15),  # 1.2's octal
        ("0x1F", 31),  # 1.2's hexadecimal
        ("+12", 12),
        ("-0", 0),
        ("300:00", "300:00"),  # 1.1: base 60, 18000
        ("1:30:00", "1:30:00"),  # 1.1: 5400
        ("190:20:30.15", "190:20:30.15"),
        ("1_000", "1_000"),  # 1.1: 1000
        ("0b101", "0b101"),  # 1.1: 5
        ("yes", "yes"),
        ("no", "no"),
        ("Yes", "Yes"),
        ("NO", "NO"),
        ("on", "on"),
        ("off", "off"),
        ("On", "On"),
        ("OFF", "OFF"),
        ("y", "y"),
        ("n", "n"),
        ("true", True),
        ("True", True),
        ("TRUE", True),
        ("false", False),
        ("False", False),
        ("FALSE", False),
        ("tRUE", "tRUE"),
        ("~", None),
        ("null", None),
        ("Null", None),
        ("NULL", None),
        ("", None),
        ("nULL", "nULL"),
        ("1.5", 1.5),
        ("1e3", 1000.0),
        ("2026-09-30", date(2026, 9, 30)),
    ],
)
def test_plain_scalars_are_read_by_the_yaml_1_2_core_schema(tmp_path, written, expected):
    assert yaml_value(tmp_path, written) == expected


@settings(max_examples=60, deadline=None)
@given(st.integers(min_value=0, max_value=10**9), st.integers(min_value=1, max_value=4))
def test_leading_zeros_never_change_a_number(tmp_path_factory, number, zeros):
    path = tmp_path_factory.mktemp("zeros") / "v.yaml"
    path.write_text(f"value: {'0' * zeros}{number}\n", "utf-8")
    assert read_yaml(path).data["value"] == number


def test_an_amount_with_a_leading_zero_is_the_decimal_amount(tmp_path):
    path = data_copy(tmp_path, "    amount_fen: 60000 ", "    amount_fen: 060000 ")
    fund_use, problems = check_fund_use(path, LANGS)
    assert problems == []
    assert fund_use.unit_costs["piglet"].amount_fen == 60000  # not 24,576 (octal)


def test_an_amount_in_base_60_is_refused_at_its_line(tmp_path):
    path = data_copy(tmp_path, "    amount_fen: 30000 ", "    amount_fen: 300:00 ")
    fund_use, problems = check_fund_use(path, LANGS)
    assert fund_use is None
    (problem,) = problems
    assert problem.line == line_with(path, "300:00")
    assert "unit_costs.training-place.amount_fen: '300:00' is not a whole number of fen" in problem.message
    assert problem.translated("zh")


def test_yes_is_not_a_boolean_in_the_checkout_links(tmp_path):
    path = tmp_path / "checkout-links.yaml"
    path.write_text(
        "tiers:\n  pigsty:\n    platform:\n      url: https://gongyi.qq.com/x\n      sample: yes\n", "utf-8"
    )
    tiers = compute_tiers(check_fund_use(DATA, LANGS)[0])
    _, problems = check_checkout_links(path, tiers, CHANNELS, LANGS, strict=False)
    refused = [p for p in problems if p.line == 5]
    assert refused and "'yes' is not true or false" in refused[0].message
    assert "write true or false" in refused[0].fix and refused[0].translated("zh")


def billion_laughs() -> str:
    lines = ['a0: &a0 ["lol"]']
    lines += [f"a{i}: &a{i} [{', '.join([f'*a{i - 1}'] * 9)}]" for i in range(1, 10)]
    return "\n".join(lines) + "\n"


@pytest.fixture
def two_seconds():
    """Fail (not hang) when the code under test runs away."""

    def stop(*_):
        raise TimeoutError("took more than 2 seconds")

    previous = signal.signal(signal.SIGALRM, stop)
    signal.alarm(2)
    yield
    signal.alarm(0)
    signal.signal(signal.SIGALRM, previous)


def test_an_alias_bomb_in_fund_use_fails_at_once_with_its_line(tmp_path, two_seconds):
    bomb = billion_laughs()
    assert len(bomb.encode()) < 600
    path = data_copy(tmp_path, "status: sample\n", "status: sample\n" + bomb)
    fund_use, problems = check_fund_use(path, LANGS)
    assert fund_use is None
    (problem,) = problems
    assert problem.line == line_with(path, "a1: &a1")
    assert "alias (*a0)" in problem.message and "write the values out" in problem.message
    assert problem.translated("zh")


@pytest.mark.parametrize(
    "text,fragment",
    [
        ("a: &x 1\nb: *x\n", "b: *x"),
        ("base: &b {x: 1}\nother:\n  <<: *b\n", "<<: *b"),
        ("other:\n  <<: {x: 1}\n  y: 2\n", "<<: {x: 1}"),
        ("tiers:\n  - &t {unit: piglet}\n  - *t\n", "- *t"),
    ],
)
def test_aliases_and_merge_keys_are_refused_at_their_line(tmp_path, text, fragment):
    path = data_copy(tmp_path, text=text)
    fund_use, problems = check_fund_use(path, LANGS)
    assert fund_use is None
    assert [p.line for p in problems] == [line_with(path, fragment)]
    assert re.search(r"an alias|a merge key", problems[0].message)


def test_a_duplicate_key_in_fund_use_is_reported_at_the_second_line(tmp_path):
    path = data_copy(tmp_path, "    amount_fen: 15000 ", "    amount_fen: 15000\n    amount_fen: 1500 ")
    problems = check_fund_use(path, LANGS)[1]
    twice = [p for p in problems if "written twice" in p.message]
    assert [(p.line, p.message.split(":")[0]) for p in twice] == [
        (line_with(path, "amount_fen: 1500 "), "unit_costs.vet-care.amount_fen")
    ]


def test_a_duplicate_key_in_checkout_links_is_reported_at_its_line(tmp_path):
    path = tmp_path / "checkout-links.yaml"
    path.write_text(
        "tiers:\n  pigsty:\n    platform: {url: 'https://gongyi.qq.com/a'}\n"
        "  pigsty:\n    platform: {url: 'https://gongyi.qq.com/b'}\n",
        "utf-8",
    )
    tiers = compute_tiers(check_fund_use(DATA, LANGS)[0])
    _, problems = check_checkout_links(path, tiers, CHANNELS, LANGS, strict=False)
    twice = [p for p in problems if "written twice" in p.message]
    assert [(p.line, p.severity) for p in twice] == [(4, ERROR)]
    assert twice[0].message.startswith("tiers.pigsty:")


@pytest.mark.parametrize("which", ["fund-use", "checkout-links"])
@pytest.mark.parametrize("encoding", ["gbk", "gb18030", "utf-16", "latin-1-mixed"])
def test_a_data_file_not_in_utf8_is_named_without_a_traceback(tmp_path, settings_dir, which, encoding):
    settings_, data = settings_dir
    path = data / f"{which}.yaml"
    text = path.read_text("utf-8")
    if which == "checkout-links":
        text = "# 付款链接\n" + text
    if encoding == "latin-1-mixed":  # UTF-8 with one line pasted from another editor
        data_ = text.encode("utf-8").replace(b"# ", "# café ".encode("latin-1"), 1)
    else:
        data_ = text.encode(encoding)
    path.write_bytes(data_)
    _, problems = load_site_tiers(settings_)
    mine = [p for p in problems if p.path.endswith(f"{which}.yaml")]
    assert len(mine) == 1 and mine[0].severity == ERROR
    assert (
        "not saved as UTF-8" in mine[0].message and "Notepad" in mine[0].fix and "WPS" in mine[0].fix_in("zh")
    )


@pytest.fixture
def settings_dir(tmp_path):
    settings_ = site_settings(tmp_path)
    return settings_, Path(settings_["PATH"]) / "data"


# ================================================================ placeholders in data values


@pytest.mark.parametrize("strict,severity", [(False, WARNING), (True, ERROR)])
def test_audited_by_todo_warns_in_a_preview_and_is_refused_in_publish(tmp_path, strict, severity):
    settings_ = site_settings(tmp_path, strict=strict)
    path = Path(settings_["PATH"]) / "data" / "fund-use.yaml"
    edit(path, "status: sample\n", "status: audited\naudit:\n  auditor: TODO\n  date: 2027-03-31\n")
    site, problems = load_site_tiers(settings_)
    found = [p for p in problems if "placeholder" in p.message]
    assert [(p.line, p.severity) for p in found] == [(line_with(path, "auditor: TODO"), severity)]
    assert found[0].message.startswith("audit.auditor: still a placeholder")
    assert found[0].message_in("zh").startswith("audit.auditor：还是占位文字")
    assert (site is not None) == (not strict)  # a preview still builds, marked; publish stops


@pytest.mark.parametrize(
    "old,new,key",
    [
        (
            "names: {en: Pigsty grants, zh: 猪圈补助}",
            "names: {en: Pigsty grants, zh: 待填写}",
            "expenditure.categories.pigsty-grants.names.zh",
        ),
        ("      en: Choose how much", "      en: TODO Choose how much", "tiers.any-amount.descriptions.en"),
        (
            "names: {en: A pigsty, zh: 一个猪圈}",
            "names: {en: 'TODO: name', zh: 一个猪圈}",
            "tiers.pigsty.names.en",
        ),
    ],
)
def test_placeholders_anywhere_in_fund_use_are_found_with_their_key_path(tmp_path, old, new, key):
    path = data_copy(tmp_path, old, new)
    _, problems = check_fund_use(path, LANGS, strict=True)
    assert [(p.message.split(":")[0], p.severity) for p in problems] == [(key, ERROR)]


def test_a_todo_in_a_comment_is_not_a_placeholder(tmp_path):
    path = data_copy(tmp_path, "status: sample\n", "status: sample   # TODO: audit next spring\n")
    assert check_fund_use(path, LANGS, strict=True)[1] == []


def test_placeholders_in_checkout_links_are_refused_in_publish(tmp_path):
    path = tmp_path / "checkout-links.yaml"
    path.write_text("tiers:\n  pigsty:\n    platform:\n      url: TODO\n", "utf-8")
    tiers = compute_tiers(check_fund_use(DATA, LANGS)[0])
    _, problems = check_checkout_links(path, tiers, CHANNELS, LANGS, strict=True)
    assert any(p.line == 4 and "still a placeholder" in p.message and p.severity == ERROR for p in problems)


# ================================================================ campaign ids, both ways


def test_a_fund_use_campaign_without_a_campaign_page_is_an_error(tmp_path):
    settings_ = site_settings(tmp_path)
    data = Path(settings_["PATH"]) / "data" / "fund-use.yaml"
    data.write_text(data.read_text("utf-8").replace("left-behind-mothers", "left-behind-mother"), "utf-8")
    problems = tier_problems(project_sources(), settings_)
    in_data = [p for p in problems if p.path.endswith("fund-use.yaml")]
    assert [(p.line, p.severity) for p in in_data] == [(line_with(data, "  left-behind-mother:"), ERROR)]
    assert "no campaign page with Slug 'left-behind-mother'" in in_data[0].message
    assert "left-behind-mothers (content/pages/campaigns/left-behind-mothers" in in_data[0].message
    assert "Template: campaign" in in_data[0].fix and in_data[0].translated("zh")
    on_pages = [p for p in problems if p.path.startswith("content/pages/campaigns/")]
    assert sorted(p.path for p in on_pages) == [
        "content/pages/campaigns/left-behind-mothers.en.md",
        "content/pages/campaigns/left-behind-mothers.zh.md",
    ]
    assert all(
        p.line == 2 and "has no entry under campaigns" in p.message and p.severity == ERROR for p in on_pages
    )


def test_a_campaign_page_without_fund_use_campaign_is_an_error_in_every_build(tmp_path):
    extra = {
        "content/pages/campaigns/rural-schools.en.md": (
            "Title: Rural schools\nSlug: rural-schools\nLang: en\nTemplate: campaign\n"
            "Single_language: yes\n\nText.\n"
        )
    }
    for strict in (False, True):
        problems = tier_problems(
            project_sources(extra=extra), site_settings(tmp_path / str(strict), strict), strict
        )
        (problem,) = [p for p in problems if "campaign" in p.message and p.severity == ERROR]
        assert problem.path == "content/pages/campaigns/rural-schools.en.md" and problem.line == 2
        assert "campaign page 'rural-schools' has no entry under campaigns in" in problem.message
        assert "left-behind-mothers" in problem.fix and problem.translated("zh")


def test_matching_campaigns_raise_nothing(tmp_path):
    assert [p for p in tier_problems(project_sources(), site_settings(tmp_path)) if p.severity == ERROR] == []


# ================================================================ tier short codes that would not render

FIX = "on a line of its own"


@pytest.mark.parametrize(
    "body,reason",
    [
        ("Give today: [tiers: pigsty] and thank you.\n", "other text on its line"),
        ("Give [tiers: pigsty]\n", "other text on its line"),
        ("- [tiers: pigsty]\n", "inside a list item"),
        ("* [tiers: pigsty]\n", "inside a list item"),
        ("1. [tiers: pigsty]\n", "inside a list item"),
        ("## [tiers: pigsty]\n", "inside a heading"),
        ("> [tiers: pigsty]\n", "inside a quote"),
        ("    [tiers: pigsty]\n", "indented"),
        ("Some text\n[tiers: pigsty]\n", "no empty line before and after"),
        ("[tiers: pigsty]\nSome text\n", "no empty line before and after"),
        ("[tiers: pigsty](https://example.org)\n", "make a link of it"),
        ("[TIERS: pigsty]\n", "is not a tier short code"),
        ("[Tiers: pigsty]\n", "is not a tier short code"),
        ("[tiers: Pigsty]\n", "is not a tier short code"),
        ("[tier: pigsty]\n", "is not a tier short code"),
        ("[ tiers: pigsty]\n", "is not a tier short code"),
        ("[tiers: pigsty\n", "is not a tier short code"),
    ],
)
def test_a_short_code_that_would_stay_as_text_is_an_error(body, reason):
    mine = code_problems(story("Intro.\n\n" + body))
    assert len(mine) == 1, mine
    written_at = 7 + next(i for i, line in enumerate(body.splitlines()) if "[" in line)
    assert mine[0].line == written_at and mine[0].severity == ERROR
    assert reason in mine[0].message
    assert FIX in mine[0].fix and "单独" in mine[0].fix_in("zh")


@pytest.mark.parametrize(
    "body",
    [
        "[tiers: pigsty]\n",
        "## Give\n[tiers: pigsty]\n\nMore.\n",
        "   [tiers: pigsty, mothers-start]\n",
        "[tiers: campaign left-behind-mothers]\n## Next\n",
        "```\n[TIERS: shown as code]\n```\n",
        "Write `[tiers: pigsty]` on a line of its own.\n",
        "<!-- [tiers inline] in a note -->\n",
    ],
)
def test_short_codes_that_render_or_are_code_are_accepted(body):
    assert code_problems(story("Intro.\n\n" + body)) == []


MD = markdown.Markdown(extensions=["markdown.extensions.extra"], output_format="html5")
CODE = st.sampled_from(
    [
        "[tiers: pigsty]",
        "[TIERS: pigsty]",
        "[tier: pigsty]",
        "[tiers: pigsty, mothers-start]",
        "[Tiers: campaign left-behind-mothers]",
    ]
)
BEFORE = st.sampled_from(["", "", "- ", "* ", "1. ", "## ", "> ", "    ", "   ", "Give ", "**", "_"])
AFTER = st.sampled_from(["", "", " now", "**", "_", ".", "(https://x.org)", ": x"])
NEIGHBOUR = st.sampled_from(["", "", "Some text", "## Heading", "- item"])


@settings(max_examples=150, deadline=None)
@given(BEFORE, CODE, AFTER, NEIGHBOUR, NEIGHBOUR)
def test_what_the_checker_accepts_never_stays_on_the_page_as_text(before, code, after, above, below):
    """The property behind the check: accepted => the page shows cards, never "[tiers: ...]"."""
    from haihui.giving.short_codes import leftover_short_codes

    body = f"Intro.\n\n{above}\n{before}{code}{after}\n{below}\n"
    refused = [p for p in code_problems(story(body)) if p.severity == ERROR]
    page = replace_short_codes(MD.reset().convert(body), lambda selection: "<div class='cards'></div>")
    if not refused:
        assert leftover_short_codes(page) == [], body
        assert "cards" in page
    else:
        assert all("[tier" in p.message.lower() or "[tiers" in p.message.lower() for p in refused)


def test_leftover_short_code_text_is_found_outside_code_only():
    from haihui.giving.short_codes import leftover_short_codes

    page = (
        "<p>Give [tiers: pigsty] now</p><li>[TIERS: x]</li><p>[amount: piglet]</p>"
        "<pre><code>[tiers: y]</code></pre><p><code>[amount: z]</code></p><!-- [tiers: c] -->"
        "<p>[amount raised](x) and [tiered] prices</p>"
    )
    assert leftover_short_codes(page) == ["[tiers: pigsty]", "[TIERS: x]", "[amount: piglet]"]


class FakeContent:
    def __init__(self, source_path, lang, text, summary=None, title="T"):
        self.source_path, self.lang, self._content = str(source_path), lang, text
        self.metadata = {"title": title, **({"summary": summary} if summary else {})}
        self.title = title


class FakeRenderer:
    env = object()

    def __init__(self, context):
        self.context, self.settings = context, SETTINGS

    def get_template(self, name):
        return type("T", (), {"render": lambda self, *a, **k: "<div class='cards'></div>"})()


def embed(tmp_path, *contents):
    from haihui_giving import embed_tiers

    site, _ = load_site_tiers(SETTINGS)
    context = {"haihui_giving": site, "generated_content": {str(i): c for i, c in enumerate(contents)}}
    embed_tiers([FakeRenderer(context)])


def test_a_build_stops_when_short_code_text_would_be_published(tmp_path):
    from haihui.problems import ContentError

    source = tmp_path / "content" / "stories" / "s.en.md"
    source.parent.mkdir(parents=True)
    source.write_text("Title: T\n\nIntro.\n\nGive [tiers: pigsty] now.\n", "utf-8")
    content = FakeContent(source, "en", "<p>Intro.</p>\n<p>Give [tiers: pigsty] now.</p>")
    with pytest.raises(ContentError) as raised:
        embed(tmp_path, content)
    (problem,) = raised.value.problems
    assert problem.path.endswith("s.en.md") and problem.line == 5
    assert "'[tiers: pigsty]' would be published as text" in problem.message and problem.translated("zh")


# ================================================ amounts: [amount: ...], [literal: ...], typed amounts

TYPED = [
    "1,000 yuan",
    "1000 yuan",
    "1,000 Yuan",
    "1,000-yuan",
    "¥1,000",
    "￥1000",
    "¥ 1,000.50",
    "1000元",
    "1,000 元",
    "1000 元",
    "RMB 1,000",
    "RMB1000",
    "CNY 1,000",
    "1,000 RMB",
    "1000 CNY",
    "一千元",
    "五百元",
    "两万元",
    "三千五百元",
    "2万元",
    "1.5万元",
    "1.5 million yuan",
    "a thousand yuan",
    "10k yuan",
    "500块钱",
    "1，000元",
]
NOT_AMOUNTS = [
    "in 2026 she",
    "20 piglets",
    "单元",
    "元旦",
    "第一元素",
    "the Yuan dynasty",
    "多元",
    "`1,000 yuan` in code",
    "<!-- 1,000 yuan -->",
    "[literal: 3,000 yuan]",
    "[amount: pigsty-grant]",
    "[literal: ¥1,000 at the market]",
    "2026-09-14",
]


@pytest.mark.parametrize("written", TYPED)
def test_every_spelling_of_a_typed_amount_is_found(written):
    from haihui.giving.short_codes import typed_amounts

    found = list(typed_amounts(story(f"Intro.\n\nShe received {written} for the pigsty.\n"), 5))
    assert [(a.line, a.text) for a in found] == [(7, written)]


@pytest.mark.parametrize("written", NOT_AMOUNTS)
def test_text_that_is_no_typed_amount_is_left_alone(written):
    from haihui.giving.short_codes import typed_amounts

    assert list(typed_amounts(story(f"Intro.\n\nShe said {written} there.\n"), 5)) == []


@settings(max_examples=100, deadline=None)
@given(
    st.integers(min_value=1, max_value=10**7),
    st.sampled_from(
        ["{n} yuan", "{n:,} yuan", "¥{n:,}", "{n}元", "{n:,} 元", "RMB {n:,}", "CNY {n}", "{n}-yuan"]
    ),
    st.sampled_from(["", "She got ", "**", "- ", "(", "“"]),
)
def test_any_typed_yuan_amount_is_found(number, spelling, before):
    from haihui.giving.short_codes import typed_amounts

    written = spelling.format(n=number)
    found = list(typed_amounts(f"{before}{written} for the pigsty.\n"))
    assert [a.text for a in found] == [written]


@pytest.mark.parametrize("strict,severity", [(False, WARNING), (True, ERROR)])
def test_an_amount_typed_in_a_story_is_refused_in_publish(strict, severity):
    sources = project_sources(
        {
            "content/stories/jibuguoguo.en.md": (
                "[amount: pigsty-grant] toward building",
                "1,000 yuan toward building",
            )
        }
    )
    problems = [
        p
        for p in tier_problems(sources, dict(SETTINGS, STRICT_PUBLISH=strict), strict)
        if "typed as text" in p.message
    ]
    path = ROOT / "content/stories/jibuguoguo.en.md"
    assert [(p.path, p.line, p.severity) for p in problems] == [
        (
            "content/stories/jibuguoguo.en.md",
            line_with(path, "[amount: pigsty-grant] toward building"),
            severity,
        )
    ]
    assert "[amount: pigsty-grant]" in problems[0].fix and "[literal: 3,000 yuan]" in problems[0].fix
    assert problems[0].translated("zh")


def test_an_amount_typed_in_the_summary_is_found_at_its_line():
    problems = code_problems(
        story("Intro.\n", "Title: T\nSlug: s\nLang: en\nSummary: She got 1,000 yuan for a pigsty.\n"),
        strict=True,
    )
    assert [(p.line, p.severity) for p in problems] == [(4, ERROR)]


def test_the_real_content_types_no_amount():
    assert [
        p
        for p in tier_problems(project_sources(), dict(SETTINGS, STRICT_PUBLISH=True), True)
        if "typed as text" in p.message or "[amount" in p.message
    ] == []


@pytest.mark.parametrize(
    "code,message",
    [
        ("[amount: pigsty]", None),  # a tier with a fixed amount
        ("[amount: piglet]", None),  # a unit cost
        ("[amount: pigsty-grants]", "there is no unit cost or tier 'pigsty-grants'"),
        ("[amount: any-amount]", "there is no unit cost or tier 'any-amount'"),  # the donor chooses
        ("[Amount: piglet]", "is not written the way"),
        ("[amount:piglet ]", None),
        ("[amount: Piglet]", "is not written the way"),
        ("[amount: piglet](https://x.org)", "make a link of it"),
        ("[LITERAL: 3,000 yuan]", "is not written the way"),
    ],
)
def test_amount_short_codes_name_a_known_id(code, message):
    mine = code_problems(story(f"Intro.\n\nShe got {code} today.\n"))
    if message is None:
        assert mine == []
    else:
        assert (
            len(mine) == 1 and mine[0].line == 7 and message in mine[0].message and mine[0].severity == ERROR
        )
        if "there is no" in message:
            assert "pigsty-grant" in mine[0].fix and "piglet" in mine[0].fix


@pytest.mark.parametrize("lang,locale", [("en", "en"), ("zh", "zh_Hans_CN")])
def test_amount_and_literal_render_in_the_page_language(tmp_path, lang, locale):
    content = FakeContent(
        tmp_path / "s.md",
        lang,
        "<p>A [amount: pigsty-grant] grant, [literal: 3,000 yuan] at market, "
        "<strong>[amount: mothers-start]</strong></p><pre><code>[amount: piglet]</code></pre>",
        summary="<p>[amount: pigsty-grant] toward a pigsty</p>",
        title="[amount: pigsty] pigsty",
    )
    embed(tmp_path, content)
    site, _ = load_site_tiers(SETTINGS)
    catalog = load_translations(SETTINGS["THEME"], lang)
    grant = format_money(100000, locale, catalog)
    start = format_money(site.tiers["mothers-start"].amount_fen, locale, catalog)
    assert content._content == (
        f"<p>A {grant} grant, 3,000 yuan at market, <strong>{start}</strong></p>"
        "<pre><code>[amount: piglet]</code></pre>"
    )
    assert content.metadata["summary"] == f"<p>{grant} toward a pigsty</p>" == content._summary
    assert content.title == f"{grant} pigsty"


# ================================================================ whole builds


def test_the_pages_show_the_pigsty_grant_from_the_data_in_both_languages(good_build):
    for url, shown in [
        ("stories/jibuguoguo", "piglets and CN¥1,000 toward building"),
        ("zh/stories/jibuguoguo", "以及 1,000\u00a0元用于新建"),
        ("campaigns/left-behind-mothers", "CN¥1,000 toward her pigsty"),
        ("zh/campaigns/left-behind-mothers", "1,000\u00a0元建圈资金"),
        ("about", "premium black piglets, CN¥1,000 toward a pigsty"),
        ("zh/about", "优质黑猪仔、1,000\u00a0元建圈资金"),
    ]:
        text = text_of(good_build, url)
        assert shown in text, (url, text[:400])
        assert "[amount" not in text and "[tiers" not in text and "yuan toward" not in text


# A changed unit cost in the prose: tests/test_tiers_builds.py (the same build as every page's tier amounts).


def bomb(p):
    edit(p / DATA_REL, "status: sample\n", "status: sample\n" + billion_laughs())


def gbk(p):
    path = p / DATA_REL
    path.write_bytes(path.read_text("utf-8").encode("gbk"))


def duplicate_key(p):
    edit(p / DATA_REL, "status: sample\n", "status: sample\nstatus: draft\n")


def campaign_renamed(p):
    path = p / DATA_REL
    path.write_text(path.read_text("utf-8").replace("left-behind-mothers", "mothers"), "utf-8")


def inline_short_code(p):
    edit(
        p / "content/stories/jibuguoguo.en.md",
        "\n[tiers: mothers-start, pigsty, monthly-care]",
        "\nGive now: [tiers: mothers-start, pigsty, monthly-care]",
    )


def capital_short_code(p):
    edit(p / "content/stories/jibuguoguo.en.md", "[tiers: mothers-start", "[TIERS: mothers-start")


def unknown_amount(p):
    edit(p / "content/stories/jibuguoguo.en.md", "[amount: pigsty-grant]", "[amount: pigsty-grnt]")


REFUSED = {
    "alias bomb": (bomb, ["fund-use.yaml:", "an alias (*a0)"]),
    "GBK data file": (gbk, ["fund-use.yaml:", "not saved as UTF-8"]),
    "duplicate key": (duplicate_key, ["fund-use.yaml:16: status: is written twice"]),
    "campaign renamed": (
        campaign_renamed,
        ["no campaign page with Slug 'mothers'", "campaign page 'left-behind-mothers' has no entry"],
    ),
    "inline short code": (inline_short_code, ["jibuguoguo.en.md:", "has other text on its line"]),
    "capital short code": (
        capital_short_code,
        ["'[TIERS: mothers-start, pigsty, monthly-care]' is not a tier"],
    ),
    "unknown amount id": (
        unknown_amount,
        ["'[amount: pigsty-grnt]': there is no unit cost or tier", "pigsty-grant"],
    ),
}


@pytest.mark.parametrize("name", REFUSED)
def test_a_refused_input_is_an_error_of_the_checks(project, name):
    """What the checks, a build's first step, say of each refused input (without building)."""
    make_mistake, expected = REFUSED[name]
    make_mistake(project)
    problems = content_checks(project)
    assert has_error(problems)
    for text in expected:
        assert text in problems_text(problems), problems_text(problems)


# Through a whole build: a data file that is hostile, one that is unreadable, and a story.
@pytest.mark.parametrize("name", ["alias bomb", "GBK data file", "inline short code"])
def test_a_refused_input_stops_the_build_and_leaves_output_as_it_was(broken, name):
    make_mistake, expected = REFUSED[name]
    before = tree_digest(broken / "output")
    make_mistake(broken)
    result = run_pelican("pelicanconf.py", broken / "output", cwd=broken)
    messages = plain(result)
    assert result.returncode != 0
    assert "Traceback" not in messages
    for text in expected:
        assert text in messages, messages
    assert tree_digest(broken / "output") == before


def test_publish_refuses_a_typed_amount_that_a_preview_only_warns_about(project):
    # The checks with each settings file; that an error stops a publish build and leaves
    # output/ as it was is the subject of the whole builds above.
    edit(project / "content/pages/about.en.md", "[amount: pigsty-grant]", "1,000 yuan")
    preview = content_checks(project, "pelicanconf.py")
    assert not has_error(preview) and "'1,000 yuan' is an amount typed as text" in problems_text(preview)
    public = content_checks(project, "publishconf.py")
    assert has_error(public)
    assert "content/pages/about.en.md:39: '1,000 yuan' is an amount typed as text" in problems_text(public)
