"""Tiers, shares, checkout links and short codes as plain Python, without Pelican."""

import copy
import csv
import hashlib
import io
import json
from pathlib import Path

import pytest
import yaml
from hypothesis import given, settings
from hypothesis import strategies as st

from conftest import add_language_beside_chinese
from haihui.build import ROOT
from haihui.giving.checkout_links import check_checkout_links, host_problem
from haihui.giving.fund_use import FundUse, check_fund_use, consistency_findings, load_fund_use
from haihui.giving.open_data import CsvWords, csv_bytes, csv_words, json_bytes, published_files
from haihui.giving.short_codes import Selection, find_short_codes, parse_spec, replace_short_codes
from haihui.giving.summary import shares_in_tenths, summarise
from haihui.giving.tiers import compute_tiers
from haihui.languages.catalogs import load_translations
from haihui.languages.formatting import format_money
from haihui.settings import read_settings

DATA = ROOT / "content" / "data" / "fund-use.yaml"
LANGS = ("en", "zh")
CHANNELS = {
    "stripe": {"hosts": ["buy.stripe.com", "donate.stripe.com"]},
    "platform": {"hosts": ["gongyi.qq.com"], "names": {"en": "P", "zh": "P"}},
}


def names(text):
    return {"en": text, "zh": text}


def summary_data(unit_costs: dict[str, int], tiers: dict[str, list[dict]]) -> dict:
    """A valid fund-use summary around the given unit costs and tier items."""
    return {
        "status": "sample",
        "period": {"start": "2026-01-01", "end": "2026-12-31"},
        "currency": "CNY",
        "income": {"total_fen": 300, "categories": {"a": {"names": names("A"), "amount_fen": 300}}},
        "expenditure": {"total_fen": 100, "categories": {"b": {"names": names("B"), "amount_fen": 100}}},
        "unit_costs": {u: {"names": names(u), "amount_fen": fen} for u, fen in unit_costs.items()},
        "campaigns": {
            "c": {
                "goal": {"mothers": 10},
                "progress": {"mothers_funded": 1, "raised_fen": 1, "as_of": "2026-06-30"},
            }
        },
        "tiers": {
            t: {"campaign": "c", "names": names(t), "descriptions": names(t), "items": items}
            for t, items in tiers.items()
        },
    }


# ---------------------------------------------------------------- the real data file


def test_the_sample_data_is_valid_and_gives_the_agreed_tiers():
    fund_use = load_fund_use(DATA, LANGS)
    tiers = {t.id: t for t in compute_tiers(fund_use)}
    assert fund_use.status == "sample"
    # The one figure the facts give: the 1,000-yuan pigsty grant.
    assert fund_use.unit_costs["pigsty-grant"].amount_fen == 100_000
    assert tiers["pigsty"].amount_fen == 100_000
    assert {"piglet", "pigsty-grant", "training-place", "vet-care"} <= {
        line.unit for line in tiers["mothers-start"].breakdown
    }
    assert tiers["village-cohort"].amount_fen == 20 * tiers["mothers-start"].amount_fen
    assert [t.interval for t in tiers.values()].count("month") == 1
    custom = [t for t in tiers.values() if t.custom_amount is not None]
    assert len(custom) == 1 and custom[0].amount_fen is None and custom[0].breakdown == ()
    c = custom[0].custom_amount
    assert 0 < c.minimum_fen <= c.preset_fen <= c.maximum_fen


# ---------------------------------------------------------------- amounts are sums of unit costs

unit_ids = st.sampled_from(["piglet", "grant", "training", "vet", "feed"])
fen = st.integers(min_value=1, max_value=10_000_000)
items = st.lists(
    st.fixed_dictionaries({"unit": unit_ids, "quantity": st.integers(1, 50)}), min_size=1, max_size=6
)


@settings(max_examples=200, deadline=None)
@given(
    costs=st.fixed_dictionaries(dict.fromkeys(["piglet", "grant", "training", "vet", "feed"], fen)),
    tier_items=st.lists(items, min_size=1, max_size=4),
    multiple=st.integers(1, 30),
)
def test_a_tier_amount_is_always_the_sum_of_its_unit_costs(costs, tier_items, multiple):
    tiers = {f"t{i}": list(x) for i, x in enumerate(tier_items)}
    # A tier made of another tier buys `multiple` times everything that tier buys.
    tiers["group"] = [{"tier": "t0", "quantity": multiple}]
    fund_use = FundUse.model_validate(summary_data(costs, tiers))
    assert consistency_findings(fund_use, LANGS) == []
    computed = {t.id: t for t in compute_tiers(fund_use)}
    for tier_id, tier_items_ in tiers.items():
        if tier_id == "group":
            continue
        expected = sum(costs[item["unit"]] * item["quantity"] for item in tier_items_)
        tier = computed[tier_id]
        assert tier.amount_fen == expected == sum(line.total_fen for line in tier.breakdown)
        assert all(
            line.total_fen == line.quantity * line.unit_fen == line.quantity * costs[line.unit]
            for line in tier.breakdown
        )
    assert computed["group"].amount_fen == multiple * computed["t0"].amount_fen


@settings(max_examples=300, deadline=None)
@given(st.lists(st.integers(min_value=1, max_value=10**12), min_size=1, max_size=12))
def test_printed_shares_add_up_to_exactly_100_and_stay_within_a_tenth(amounts):
    shares = shares_in_tenths(amounts)
    assert sum(shares) == 1000
    total = sum(amounts)
    for amount, share in zip(amounts, shares, strict=True):
        assert abs(share - amount * 1000 / total) < 1


def test_shares_round_by_largest_remainder():
    # Three equal parts: 33.3 + 33.3 + 33.3 would print 99.9; the first row takes the spare tenth.
    assert shares_in_tenths([1, 1, 1]) == [334, 333, 333]
    assert shares_in_tenths([4800000, 4000000, 1200000, 600000, 540000]) == [431, 359, 108, 54, 48]


@settings(max_examples=200, deadline=None)
@given(st.integers(min_value=1, max_value=10**11))
def test_an_amount_reads_back_as_the_same_number_in_both_languages(amount):
    theme = str(ROOT / "theme")
    en = format_money(amount, "en", load_translations(theme, "en"))
    zh = format_money(amount, "zh_Hans_CN", load_translations(theme, "zh"))
    assert en.startswith("CN¥") and zh.endswith("\u00a0元")
    for text in (en, zh):
        number = text.removeprefix("CN¥").removesuffix("\u00a0元").replace(",", "")
        whole, _, cents = number.partition(".")
        assert int(whole) * 100 + int(cents or 0) == amount


# ---------------------------------------------------------------- what the schema and the checks refuse


def write(tmp_path: Path, data) -> Path:
    path = tmp_path / "fund-use.yaml"
    path.write_text(yaml.safe_dump(data, allow_unicode=True, sort_keys=False), "utf-8")
    return path


def real_data() -> dict:
    return yaml.safe_load(DATA.read_text("utf-8"))


def problems_for(tmp_path, change) -> str:
    data = real_data()
    change(data)
    fund_use, problems = check_fund_use(write(tmp_path, data), LANGS)
    assert fund_use is None and problems
    return "\n".join(str(p) for p in problems)


BAD = {
    "unknown key": (
        lambda d: d["unit_costs"]["piglet"].update(amount_yuan=600),
        ["unit_costs.piglet.amount_yuan: unknown key 'amount_yuan'", "did you mean 'amount_fen'?"],
    ),
    "missing field": (
        lambda d: d["tiers"]["pigsty"].pop("names"),
        ["tiers.pigsty.names: 'names' is missing", "add 'names:'"],
    ),
    "negative amount": (
        lambda d: d["unit_costs"]["piglet"].update(amount_fen=-60000),
        ["unit_costs.piglet.amount_fen: -60000 is not a positive amount"],
    ),
    "zero amount": (
        lambda d: d["expenditure"]["categories"]["training"].update(amount_fen=0),
        ["expenditure.categories.training.amount_fen: 0 is not a positive amount"],
    ),
    "amount in yuan with decimals": (
        lambda d: d["unit_costs"]["vet-care"].update(amount_fen=150.5),
        ["unit_costs.vet-care.amount_fen: 150.5 is not a whole number of fen", "1 yuan = 100 fen"],
    ),
    "unknown unit cost": (
        lambda d: d["tiers"]["mothers-start"]["items"][1].update(unit="pigsty-grnat"),
        [
            "tiers.mothers-start.items[1].unit: there is no unit cost 'pigsty-grnat'",
            "did you mean 'pigsty-grant'?",
        ],
    ),
    "categories that do not add up": (
        lambda d: d["expenditure"]["categories"]["piglets"].update(amount_fen=4800001),
        [
            (
                "expenditure.total_fen: the expenditure categories add up to 111,400.01 yuan (11140001 fen), "
                "not the stated total 111,400 yuan (11140000 fen)"
            )
        ],
    ),
    "another currency": (
        lambda d: d["tiers"]["pigsty"].update(currency="USD"),
        ["tiers.pigsty.currency: 'USD' is not the summary's currency CNY"],
    ),
    "progress above the goal": (
        lambda d: d["campaigns"]["left-behind-mothers"]["progress"].update(mothers_funded=201),
        [
            (
                "campaigns.left-behind-mothers.progress.mothers_funded: "
                "201 mothers funded is more than the goal of 200"
            )
        ],
    ),
    "a tier that includes itself": (
        lambda d: d["tiers"]["mothers-start"]["items"].append({"tier": "village-cohort", "quantity": 1}),
        ["includes itself (mothers-start -> village-cohort -> mothers-start)"],
    ),
    "a missing translation": (
        lambda d: d["tiers"]["pigsty"]["names"].pop("zh"),
        ["tiers.pigsty.names: has no text in 'zh'"],
    ),
    "audited without an audit": (
        lambda d: d.update(status="audited"),
        ["status: is 'audited' but no audit is given"],
    ),
}


@pytest.mark.parametrize("case", list(BAD))
def test_each_mistake_in_the_summary_names_the_key_path_and_the_fix(tmp_path, case):
    change, expected = BAD[case]
    text = problems_for(tmp_path, change)
    assert text.startswith("fund-use.yaml:") or "/fund-use.yaml:" in text
    for fragment in expected:
        assert fragment in text, f"{fragment!r} not in:\n{text}"


def test_a_problem_points_at_the_line_of_the_key(tmp_path):
    text = DATA.read_text("utf-8").replace("amount_fen: 30000 ", "amount_fen: -30000 ")
    path = tmp_path / "fund-use.yaml"
    path.write_text(text, "utf-8")
    (problem,) = check_fund_use(path, LANGS)[1]
    line = next(n for n, t in enumerate(text.splitlines(), 1) if "amount_fen: -30000" in t)
    assert problem.line == line
    assert problem.translated("zh")


def test_a_yaml_syntax_error_names_its_line(tmp_path):
    path = tmp_path / "fund-use.yaml"
    path.write_text("status: sample\nperiod: {start: 2026-01-01\ncurrency: CNY\n", "utf-8")
    (problem,) = check_fund_use(path, LANGS)[1]
    assert "not valid YAML" in problem.message and problem.line >= 2


def test_a_key_written_twice_is_refused(tmp_path):
    text = DATA.read_text("utf-8").replace(
        "  pigsty:\n    campaign:", "  pigsty:\n    campaign: x\n    campaign:"
    )
    path = tmp_path / "fund-use.yaml"
    path.write_text(text, "utf-8")
    assert any("tiers.pigsty.campaign: is written twice" in str(p) for p in check_fund_use(path, LANGS)[1])


# ---------------------------------------------------------------- checkout links


@pytest.mark.parametrize(
    "url",
    [
        "https://buy.stripe.com/abc",
        "https://donate.stripe.com/test_abc",
        "https://BUY.stripe.com/abc",  # host names are case-insensitive
    ],
)
def test_allowed_checkout_hosts(url):
    assert not host_problem(url, CHANNELS["stripe"]["hosts"])


@pytest.mark.parametrize(
    "url",
    [
        "http://buy.stripe.com/abc",  # not https
        "https://buy.stripe.com.evil.example/abc",  # a look-alike host
        "https://evil.example/buy.stripe.com/abc",
        "https://buy.stripe.com@evil.example/abc",  # user-info trick
        "https://buy.stripe.com:8443/abc",  # another port
        "https://buy.stripe.com/a b",
        "javascript:alert(1)",
        "//buy.stripe.com/abc",
    ],
)
def test_refused_checkout_urls(url):
    assert host_problem(url, CHANNELS["stripe"]["hosts"])


def links_check(tmp_path, links: dict, strict: bool):
    tiers = compute_tiers(load_fund_use(DATA, LANGS))
    path = tmp_path / "checkout-links.yaml"
    path.write_text(yaml.safe_dump({"tiers": links}), "utf-8")
    shown, problems = check_checkout_links(path, tiers, CHANNELS, LANGS, strict)
    return shown, problems, "\n".join(str(p) for p in problems)


def stripe_entry(url, **extra):
    return {
        "url": url,
        "amount_fen": 100_000,
        "currency": "cny",
        "interval": "one_time",
        "price": "price_1",
        "payment_link": "plink_1",
        "livemode": True,
        **extra,
    }


def test_links_are_shown_per_language_in_channel_order(tmp_path):
    links = {
        "pigsty": {
            "platform": {"url": "https://gongyi.qq.com/p"},
            "stripe": {
                "en": stripe_entry("https://buy.stripe.com/en"),
                "zh": stripe_entry("https://buy.stripe.com/zh"),
            },
        }
    }
    shown, problems, _ = links_check(tmp_path, links, strict=False)
    assert [(link.channel, link.url) for link in shown["pigsty"]["zh"]] == [
        ("stripe", "https://buy.stripe.com/zh"),
        ("platform", "https://gongyi.qq.com/p"),
    ]
    assert [p.severity for p in problems] == ["warning"]  # only: the other tiers have no link yet


def test_a_stripe_test_link_is_shown_in_preview_and_refused_in_publish(tmp_path):
    links = {
        "pigsty": {
            "stripe": {
                lang: stripe_entry(f"https://buy.stripe.com/test_{lang}", livemode=False) for lang in LANGS
            }
        }
    }
    shown, problems, _ = links_check(tmp_path, links, strict=False)
    assert shown["pigsty"]["en"][0].test_mode
    assert all(p.severity == "warning" for p in problems)
    _, problems, text = links_check(tmp_path, links, strict=True)
    assert "Stripe test-mode links" in text and "tiers.pigsty.stripe.en" in text
    assert any(p.severity == "error" for p in problems)


def test_a_link_made_for_an_old_amount_is_refused_in_publish(tmp_path):
    links = {
        "pigsty": {
            "stripe": {lang: stripe_entry("https://buy.stripe.com/x", amount_fen=90_000) for lang in LANGS}
        }
    }
    _, _, text = links_check(tmp_path, links, strict=True)
    assert (
        "made for another amount" in text
        and "900 yuan (90000 fen) instead of 1,000 yuan (100000 fen)" in text
    )


def test_every_tier_without_a_real_link_is_listed_in_publish(tmp_path):
    _, _, text = links_check(tmp_path, {}, strict=True)
    tiers = [t.id for t in compute_tiers(load_fund_use(DATA, LANGS))]
    for tier_id in tiers:
        for lang in LANGS:
            assert f"{tier_id} ({lang})" in text


def test_an_unknown_tier_in_the_links_file_is_a_warning(tmp_path):
    _, _, text = links_check(
        tmp_path, {"pigsty-old": {"platform": {"url": "https://gongyi.qq.com/p"}}}, strict=False
    )
    assert "tiers.pigsty-old: there is no tier 'pigsty-old'" in text


# ---------------------------------------------------------------- short codes


@pytest.mark.parametrize(
    "spec,expected",
    [
        ("mothers-start", Selection(tier_ids=("mothers-start",))),
        ("pigsty, mothers-start", Selection(tier_ids=("pigsty", "mothers-start"))),
        ("campaign left-behind-mothers", Selection(campaign="left-behind-mothers")),
        ("Mothers Start", None),
        ("pigsty,, mothers-start", None),
        ("", None),
    ],
)
def test_short_code_selections(spec, expected):
    assert parse_spec(spec) == expected


def test_short_codes_are_found_with_their_line_outside_code_blocks():
    text = "Title: T\n\nIntro\n\n[tiers: pigsty]\n\n```\n[tiers: shown-as-code]\n```\n\n[tiers pigsty]\n"
    found = list(find_short_codes(text))
    assert [(f.line, f.selection) for f in found] == [(5, Selection(tier_ids=("pigsty",))), (11, None)]


def test_only_a_paragraph_of_its_own_is_replaced():
    html = "<p>[tiers: pigsty]</p>\n<p>See [tiers: pigsty] inline.</p>"
    replaced = replace_short_codes(html, lambda s: f"<ul data-ids='{','.join(s.tier_ids)}'></ul>")
    assert replaced == "<ul data-ids='pigsty'></ul>\n<p>See [tiers: pigsty] inline.</p>"


# ---------------------------------------------------------------- open data


SITE_WORDS = csv_words(read_settings("pelicanconf.py", root=ROOT))


def test_open_data_holds_the_same_figures_as_the_summary():
    fund_use = load_fund_use(DATA, LANGS)
    tiers, summary = compute_tiers(fund_use), summarise(fund_use)
    text = csv_bytes(fund_use, summary, tiers, SITE_WORDS).decode("utf-8-sig")
    rows = list(csv.DictReader(io.StringIO(text)))
    spent = [r for r in rows if r["section"] == "expenditure"]
    assert sum(int(r["amount_fen"]) for r in spent) == fund_use.expenditure.total_fen
    assert sum(float(r["share_percent"].rstrip("%")) for r in spent) == pytest.approx(100.0)
    document = json.loads(json_bytes(fund_use, summary, tiers))
    assert {t["id"]: t["amount_fen"] for t in document["tiers"]} == {t.id: t.amount_fen for t in tiers}
    files = published_files({"csv": "f/a.csv", "json": "f/a.json"}, fund_use, summary, tiers, SITE_WORDS)
    assert [f.sha256 for f in files] == [hashlib.sha256(f.data).hexdigest() for f in files]


def test_the_csv_names_each_figure_in_every_language_of_the_site_in_the_pages_words(tmp_path):
    """A name column per language, in the site's order; the total and balance rows in the
    words of the fund-use page (the theme's catalog), so a third language needs no code."""
    french = tmp_path / "fund-use.yaml"
    french.write_text(add_language_beside_chinese(DATA.read_text("utf-8"), words="En français"), "utf-8")
    fund_use = load_fund_use(french, (*LANGS, "fr"))
    words = CsvWords(
        total={"zh": "合计", "en": "Total", "fr": "Total"},
        balance={"zh": "结余", "en": "Balance", "fr": "Solde"},
    )
    text = csv_bytes(fund_use, summarise(fund_use), compute_tiers(fund_use), words).decode("utf-8-sig")
    rows = list(csv.DictReader(io.StringIO(text)))
    assert text.splitlines()[0].split(",")[6:9] == ["name_zh", "name_en", "name_fr"]
    balance = next(r for r in rows if r["section"] == "balance")
    assert (balance["name_zh"], balance["name_en"], balance["name_fr"]) == ("结余", "Balance", "Solde")
    totals = [r for r in rows if r["id"] == "total"]
    assert [r["name_zh"] for r in totals] == ["合计", "合计"]
    spent = [r for r in rows if r["section"] == "expenditure"]
    assert spent and all(r["name_fr"] == "En français" for r in spent)
    # The real catalogs: the page's own words.
    assert SITE_WORDS.total == {"en": "Total", "zh": "合计"}
    assert SITE_WORDS.balance == {"en": "Balance", "zh": "结余"}


def test_changing_a_unit_cost_changes_every_tier_that_buys_it():
    data = real_data()
    before = {t.id: t.amount_fen for t in compute_tiers(FundUse.model_validate(data))}
    changed = copy.deepcopy(data)
    changed["unit_costs"]["piglet"]["amount_fen"] += 1000
    after = {t.id: t.amount_fen for t in compute_tiers(FundUse.model_validate(changed))}
    assert after["mothers-start"] == before["mothers-start"] + 2 * 1000
    assert after["village-cohort"] == before["village-cohort"] + 40 * 1000
    assert after["pigsty"] == before["pigsty"]


@pytest.mark.parametrize("strict", [False, True])
def test_a_tampered_link_is_named_even_while_the_fund_use_summary_is_broken(tmp_path, strict):
    """One build names both mistakes: the checkout links are checked without the tiers."""
    from conftest import site_settings
    from haihui.giving.site_data import load_site_tiers

    settings_ = site_settings(tmp_path, strict=strict)
    data = Path(settings_["PATH"]) / "data"
    fund_use, links = data / "fund-use.yaml", data / "checkout-links.yaml"
    fund_use.write_text(fund_use.read_text("utf-8").replace("6420000", "64200.5", 1), "utf-8")
    tampered = "https://evil.example.com/pay?id=1"
    sample = "https://gongyi.qq.com/succor/detail.htm?id=000000"
    links.write_text(links.read_text("utf-8").replace(sample, tampered, 1), "utf-8")

    site, problems = load_site_tiers(settings_)

    assert site is None
    errors = [(Path(p.path).name, p.line) for p in problems if p.severity == "error"]
    assert ("fund-use.yaml", 24) in errors
    assert ("checkout-links.yaml", 13) in errors
    tampered_problem = next(p for p in problems if tampered in p.message)
    assert "allowed host" in tampered_problem.message and "gongyi.qq.com" in tampered_problem.message
    # What needs the tiers (an unknown tier, a tier with no link) waits for a readable summary.
    assert not any("no tier" in p.message or "no checkout link" in p.message for p in problems)
