"""The CSR partner kit (issue 17): outcomes per tier, the brief's figures, the framework table,
employee-giving links and named partners. Core functions in-process on small data; the brief on
the session's built site; one bad-input build and one build with a Stripe link and a named partner."""

import datetime as dt
import functools
import os
import re
from urllib.parse import urlsplit

import pytest
import yaml

from conftest import edit, problems_text, tree_digest
from haihui.build import ROOT, run_pelican
from haihui.figures import SOURCE_PREFIX, figures_in_html, parity_mismatches
from haihui.gift_chain import load_gift_chain
from haihui.giving.site_data import load_site_tiers
from haihui.giving.tiers import unit_quantities
from haihui.partners.data import REFERENCE_MAX, is_named, read_partner_kit
from haihui.partners.links import decode, employee_giving_url
from haihui.partners.outcomes import PassOnRate, cost_per_mother, half_up, tier_outcomes
from haihui.settings import read_settings

LANGS = ("en", "zh")
BRIEF = {"en": "partner/left-behind-mothers/brief/", "zh": "zh/partner/left-behind-mothers/brief/"}
STRIPE_HOSTS = ["buy.stripe.com", "donate.stripe.com"]
KIT = "content/data/partner-kit.yaml"


@pytest.fixture(scope="module")
def real():
    """The real project's settings, giving data and chain, read in-process as a build reads them."""
    cwd = os.getcwd()
    os.chdir(ROOT)
    try:
        settings = read_settings("pelicanconf.py", root=ROOT)
        site, _ = load_site_tiers(settings)
        today = dt.date(2026, 12, 1)
        chain = load_gift_chain(settings, [], today)
        return settings, site, chain
    finally:
        os.chdir(cwd)


# ---------------------------------------------------------------- core, in-process


def test_half_up_and_the_cost_per_mother():
    assert half_up(5, 2) == 3 and half_up(4, 3) == 1 and half_up(5, 3) == 2
    assert cost_per_mother(6240000, 26) == 240000
    assert cost_per_mother(100, 3) == 33 and cost_per_mother(200, 3) == 67
    assert cost_per_mother(6240000, 0) is None  # reached nobody: no cost per mother


def test_mothers_and_families_follow_the_data_and_the_published_rate(real):
    _, site, _ = real
    tiers = list(site.tiers.values())
    by_id = {
        o.tier.id: o for o in tier_outcomes(tiers, site.fund_use.tiers, "pigsty-grant", PassOnRate(5, 8))
    }
    assert by_id["village-cohort"].mothers == 20 and by_id["mothers-start"].mothers == 1
    assert by_id["village-cohort"].families_estimate == 20 + 13  # 20 x 5/8 = 12.5, half up
    assert by_id["mothers-start"].families_estimate == 2  # 1 + 0.625 rounded
    assert by_id["monthly-care"].mothers == 0 and by_id["monthly-care"].families_estimate is None
    assert by_id["any-amount"].mothers == 0
    # No published rate (nobody due yet): no estimate at all, never a guess.
    assert all(
        o.families_estimate is None for o in tier_outcomes(tiers, site.fund_use.tiers, "pigsty-grant", None)
    )
    # Another unit counting mothers changes the count: it is read from the data, not typed.
    alt = {o.tier.id: o for o in tier_outcomes(tiers, site.fund_use.tiers, "piglet", PassOnRate(0, 8))}
    assert alt["village-cohort"].mothers == 40 and alt["village-cohort"].families_estimate == 40


def test_employee_giving_links_carry_a_valid_reference_to_an_allowlisted_host_only():
    url = employee_giving_url("https://buy.stripe.com/abc123", "acme-2026", STRIPE_HOSTS)
    assert decode(url) == ("buy.stripe.com", "acme-2026")
    # An existing query stays; a reference already there is replaced, never doubled.
    url = employee_giving_url(
        "https://donate.stripe.com/x?locale=zh&client_reference_id=old", "b_2", STRIPE_HOSTS
    )
    assert (
        decode(url) == ("donate.stripe.com", "b_2")
        and "locale=zh" in url
        and url.count("client_reference_id") == 1
    )
    for bad_link in (
        "http://buy.stripe.com/a",
        "https://evil.example/a",
        "https://buy.stripe.com.evil.example/a",
        "https://user@buy.stripe.com/a",
        "https://buy.stripe.com:444/a",
    ):
        assert employee_giving_url(bad_link, "acme", STRIPE_HOSTS) is None, bad_link
    for bad_reference in ("acme 2026", "acme/1", "公司", "", "a" * (REFERENCE_MAX + 1), "x@example.com"):
        assert employee_giving_url("https://buy.stripe.com/a", bad_reference, STRIPE_HOSTS) is None
    assert employee_giving_url("https://buy.stripe.com/a", "a" * REFERENCE_MAX, STRIPE_HOSTS) is not None


def test_a_partner_is_named_only_with_an_agreement_given_on_or_before_today():
    from haihui.partners.data import Partner

    def partner(agreement):
        return Partner(id="p", names={"en": "P", "zh": "P"}, agreement=agreement, reference="p")

    today = dt.date(2026, 12, 1)
    assert is_named(partner("given 2026-11-30"), today)
    assert is_named(partner("given 2026-12-01"), today)
    for agreement in (
        "none",
        "given 2026-12-02",
        "withdrawn 2026-11-30",
        "yes",
        "given",
        "Withdrawn on 1 Dec",
    ):
        assert not is_named(partner(agreement), today), agreement


def _kit_problems(tmp_path, real, old, new):
    _, site, _ = real
    text = (ROOT / KIT).read_text("utf-8")
    assert old in text
    path = tmp_path / "data" / "partner-kit.yaml"
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text.replace(old, new, 1), "utf-8")
    known = {"units": list(site.fund_use.unit_costs), "tiers": list(site.tiers)}
    read = read_partner_kit(path, LANGS, dt.date(2026, 12, 1), tmp_path, known)
    line = next(
        n
        for n, text_line in enumerate(path.read_text("utf-8").splitlines(), 1)
        if new.split("\n")[-1] in text_line
    )
    return read, line


@pytest.mark.parametrize(
    ("old", "new", "english", "chinese"),
    [
        (
            "reference: example-company-2026",
            "reference: example company 2026",
            "cannot go to Stripe",
            "不能作为",
        ),
        (
            "agreement: none",
            "agreement: yes",
            "not a record of the partner's agreement",
            "不是合作伙伴同意署名",
        ),
        ("agreement: none", "agreement: given 2027-01-05", "is dated in the future", "实际同意的日期"),
        (
            "figure: report-totals.piglets_delivered",
            "figure: report-totals.piglets",
            "report-totals.piglets",
            "figure",
        ),
        (
            "mother_unit: pigsty-grant",
            "mother_unit: pigsty",
            "is not a unit cost",
            "不是 fund-use.yaml 里的单项费用",
        ),
        ("  tier: any-amount", "  tier: any-amont", "is not a tier", "不是 fund-use.yaml 里的捐助档位"),
        (
            "    agreement: none",
            "    agreement: none\n    logo: images/partners/example.png",
            "no such file",
            "没有这个文件",
        ),
        (
            "    agreement: none",
            "    agreement: none\n    logo: https://example.com/a.png",
            "not a file inside content",
            "不是 content/ 里的文件",
        ),
        (
            '    names: {en: "Example Company Ltd.", zh: 示例企业有限公司}',
            '    names: {en: "Example Company Ltd."}',
            "has no text in 'zh'",
            "zh",
        ),
    ],
)
def test_a_malformed_entry_is_refused_at_its_line_in_english_and_chinese(
    tmp_path, real, old, new, english, chinese
):
    read, line = _kit_problems(tmp_path, real, old, new)
    errors = [p for p in read.problems if p.severity == "error"]
    assert read.kit is None and errors
    text = problems_text(errors)
    assert f"partner-kit.yaml:{line}:" in text, text
    assert english in text and chinese in text, text


def test_the_real_kit_has_no_error_and_its_samples_block_publishing(real):
    _, site, _ = real
    known = {"units": list(site.fund_use.unit_costs), "tiers": list(site.tiers)}
    preview = read_partner_kit(ROOT / KIT, LANGS, dt.date(2026, 12, 1), ROOT / "content", known)
    assert preview.kit is not None and not [p for p in preview.problems if p.severity == "error"]
    publish = read_partner_kit(ROOT / KIT, LANGS, dt.date(2026, 12, 1), ROOT / "content", known, strict=True)
    assert publish.kit is None and "still a sample" in problems_text(publish.problems)


# ---------------------------------------------------------------- the built brief


@functools.cache
def _yaml(path: str) -> dict:
    return yaml.safe_load((ROOT / path).read_text("utf-8"))


@functools.cache
def _report_values(slug: str) -> dict[str, int]:
    """A report's figures as its header writes them (the data), read without the site's code."""
    path = next((ROOT / "content/reports").glob(f"{slug}.en.md"))
    header = path.read_text("utf-8").split("\n\n", 1)[0]
    values = {}
    for line in header.splitlines():
        key, _, value = line.partition(":")
        if value.strip().isdigit():
            values[key.strip().lower()] = int(value.strip())
    return values


def expected_value(path: str, real) -> int | None:
    """What the data says for a brief's data-source path, resolved from the files themselves."""
    _, site, chain = real
    raw, kit = _yaml("content/data/fund-use.yaml"), _yaml(KIT)
    parts = path.split(".")
    total = chain.view.total
    rate = PassOnRate(total.passed_on, total.due)
    if parts[0] == "unit_costs":
        return raw["unit_costs"][parts[1]]["amount_fen"]
    if parts[0] == "fund-use":
        node = raw
        for part in parts[1:]:
            node = node[part]
        return node
    if parts[0] == "campaigns":
        campaign = raw["campaigns"][parts[1]]
        return {"goal_mothers": campaign["goal"]["mothers"], **campaign["progress"]}[parts[2]]
    if parts[0] == "tiers":
        tier = site.tiers[parts[1]]
        units = unit_quantities(site.fund_use.tiers, parts[1])
        mothers = units.get(kit["mother_unit"], 0)
        if parts[2] == "amount_fen":
            return sum(raw["unit_costs"][u]["amount_fen"] * q for u, q in units.items()) or tier.amount_fen
        if parts[2] == "items":
            return units[parts[3]]
        if parts[2] == "custom_amount":
            return raw["tiers"][parts[1]]["custom_amount"][parts[3]]
        if parts[2] == "mothers":
            return mothers
        if parts[2] == "families_estimate":
            return mothers + (2 * mothers * rate.passed_on + rate.due) // (2 * rate.due)
    if parts[0] == "gift-chain":
        return {"passed_on": total.passed_on, "due": total.due, "rate_tenths": total.rate_tenths}[parts[2]]
    if parts[0] == "reports":
        values = _report_values(parts[1])
        if parts[2] == "cost_per_mother_fen":
            return (2 * values["spent_fen"] + values["mothers_reached"]) // (2 * values["mothers_reached"])
        return values[parts[2]]
    if parts[0] == "report-totals":
        slugs = {p.name.split(".")[0] for p in (ROOT / "content/reports").glob("*.en.md")}
        return sum(_report_values(slug)[parts[2]] for slug in slugs)
    return None


def test_every_figure_of_the_brief_equals_the_data_and_is_the_same_in_both_languages(site, real):
    found = {}
    for lang in LANGS:
        soup = site.soup(BRIEF[lang])
        assert soup.main["data-print"] == "partner-brief"
        figures = soup.main.select("[data-source]")
        assert len(figures) >= 40, len(figures)
        for element in figures:
            value = element["data-value"]
            assert re.fullmatch(r"[0-9]+", value), element
            wanted = expected_value(element["data-source"], real)
            assert wanted is not None, f"{element['data-source']}: not a path in the data"
            assert int(value) == wanted, (lang, element["data-source"], value, wanted)
        found[lang] = [(e["data-source"], e["data-value"]) for e in figures]
    assert sorted(found["en"]) == sorted(found["zh"])  # a translation may order them otherwise
    # The parity check of `make publish` pairs them too (haihui.figures).
    en, zh = (figures_in_html(site.path(BRIEF[lang]).read_text("utf-8")) for lang in LANGS)
    assert sum(f.name.startswith(SOURCE_PREFIX) for f in en) == len(found["en"])
    assert parity_mismatches(en, zh) == []


def test_a_figure_changed_in_one_language_is_caught_by_the_parity_check(site):
    text = site.path(BRIEF["zh"]).read_text("utf-8").replace('data-value="240000"', 'data-value="240001"', 1)
    en = figures_in_html(site.path(BRIEF["en"]).read_text("utf-8"))
    assert [m.name for m in parity_mismatches(en, figures_in_html(text))] == [
        SOURCE_PREFIX + "reports.left-behind-mothers-2026-07.cost_per_mother_fen"
    ]


@pytest.mark.parametrize(
    ("lang", "estimate", "basis", "rate"),
    [("en", "(estimate)", "Estimate.", "62.5%"), ("zh", "（估算）", "估算。", "62.5%")],
)
def test_the_families_estimate_is_labelled_with_its_basis(site, lang, estimate, basis, rate):
    main = site.soup(BRIEF[lang]).main
    table = main.select_one("table.brief__tiers")
    assert estimate in table.get_text()
    paragraph = main.select_one("[data-estimate-basis]")
    assert paragraph.get_text(" ", strip=True).startswith(basis)
    assert paragraph.select_one('[data-source="gift-chain.total.rate_tenths"]').get_text() == rate
    assert paragraph.select_one('[data-source="gift-chain.total.passed_on"]') is not None


@pytest.mark.parametrize(("lang", "words"), [("en", "not measured"), ("zh", "未测量")])
def test_the_framework_table_says_not_measured_where_no_figure_exists(site, lang, words):
    rows = {row["data-framework"]: row for row in site.soup(BRIEF[lang]).select("[data-framework]")}
    assert list(rows) == ["gri-413-1", "sdg-1", "sdg-2-3", "sdg-5-a"]
    for row_id in ("sdg-1", "sdg-2-3"):
        cell = rows[row_id].find_all("td")[-1]
        assert cell.get_text(strip=True) == words and cell.select("[data-value]") == []
    for row_id, source in (("gri-413-1", "mothers_reached"), ("sdg-5-a", "piglets_delivered")):
        figure = rows[row_id].select_one("[data-source]")
        assert figure["data-source"] == f"report-totals.left-behind-mothers.{source}"


@pytest.mark.parametrize("lang", LANGS)
def test_the_partner_page_links_the_brief_and_the_brief_its_sources(site, lang):
    link = site.soup("zh/partner/" if lang == "zh" else "partner/").select_one(
        '[data-partner-brief="left-behind-mothers"]'
    )
    assert link["href"].endswith("/" + BRIEF[lang])
    main = site.soup(BRIEF[lang]).main
    assert main.select_one("[data-employee-giving=none]") is not None  # no Stripe link in the sample data
    assert "SAMPLE-0000-0000" in main.get_text()  # the Charity Law disclosure
    assert "jiaruting@haihuichina.org" in main.get_text()
    assert main.select("#brief-company ~ h3, #brief-company + h3") or main.find(string=re.compile("捐赠票据"))


def test_a_partner_without_recorded_agreement_is_named_nowhere(site):
    names = ("Example Company", "示例企业有限公司", "example-company-2026")
    for path in site.root.rglob("*"):
        if path.is_file() and path.suffix in (".html", ".xml", ".json", ".csv", ".txt"):
            text = path.read_text("utf-8", errors="replace")
            assert not any(name in text for name in names), path


# ---------------------------------------------------------------- two builds


def test_a_malformed_partner_entry_stops_the_build_with_output_untouched(broken):
    before = tree_digest(broken / "output")
    path = broken / KIT
    edit(path, "reference: example-company-2026", "reference: Example Company (CSR 2026)")
    result = run_pelican("pelicanconf.py", broken / "output", cwd=broken)
    messages = result.stdout + result.stderr
    assert result.returncode != 0 and "Traceback" not in messages
    line = next(n for n, text in enumerate(path.read_text("utf-8").splitlines(), 1) if "CSR 2026" in text)
    assert f"content/data/partner-kit.yaml:{line}:" in " ".join(messages.split())
    assert "cannot go to Stripe" in messages and "不能作为 client_reference_id" in messages
    assert tree_digest(broken / "output") == before


def _png(path, colour) -> bytes:
    from PIL import Image

    path.parent.mkdir(parents=True, exist_ok=True)
    Image.new("RGB", (600, 200), colour).save(path)
    return path.read_bytes()


def test_a_named_partner_its_logo_and_employee_giving_links_with_a_stripe_link(broken):
    from bs4 import BeautifulSoup

    from haihui.pictures.encode import ImageSettings
    from haihui.pictures.pipeline import ImageCache

    links = broken / "content/data/checkout-links.yaml"
    edit(
        links,
        "  any-amount:\n",
        "  any-amount:\n    stripe:\n"
        "      en: {url: 'https://buy.stripe.com/aEU5kw0'}\n"
        "      zh: {url: 'https://buy.stripe.com/bFV6lx1'}\n",
    )
    _png(broken / "content/images/partners/agreed.png", (200, 30, 30))
    unnamed_logo = _png(broken / "content/images/partners/example.png", (30, 30, 200))
    kit = broken / KIT
    edit(
        kit,
        "    reference: example-company-2026\n",
        "    reference: example-company-2026\n"
        "    logo: images/partners/example.png\n"
        "    logo_alt: {en: Example Company, zh: 示例企业有限公司}\n",
    )
    kit.write_text(
        kit.read_text("utf-8")
        + (
            "  - id: agreed-company\n"
            "    names: {en: Agreed Company, zh: 已同意企业}\n"
            "    agreement: given 2026-11-01\n"
            "    reference: agreed-company_2026\n"
            "    logo: images/partners/agreed.png\n"
            "    logo_alt: {en: Agreed Company logo, zh: 已同意企业的标志}\n"
        ),
        "utf-8",
    )
    result = run_pelican(
        "pelicanconf.py", broken / "output", cwd=broken, extra={"HAIHUI_TODAY": '"2026-12-01"'}
    )
    assert result.returncode == 0, result.stdout + result.stderr
    output = broken / "output"
    for lang, name, alt in (
        ("en", "Agreed Company", "Agreed Company logo"),
        ("zh", "已同意企业", "已同意企业的标志"),
    ):
        main = BeautifulSoup((output / BRIEF[lang] / "index.html").read_text("utf-8"), "lxml").main
        hrefs = [a["href"] for a in main.select("a[href*='client_reference_id']")]
        assert len(hrefs) == 2, hrefs  # the brief's own link and the named partner's
        decoded = [decode(href) for href in hrefs]
        assert all(
            host in STRIPE_HOSTS and re.fullmatch(r"[A-Za-z0-9_-]{1,200}", ref) for host, ref in decoded
        )
        assert {ref for _, ref in decoded} == {"partner-brief-left-behind-mothers", "agreed-company_2026"}
        item = main.select_one('[data-partner="agreed-company"]')
        assert item.get_text(" ", strip=True).startswith(name)
        image = item.select_one("picture img")
        assert image["alt"] == alt and (output / urlsplit(image["src"]).path.lstrip("/")).is_file()
        assert "Example Company" not in str(main) and "示例企业" not in str(main)
    # Logos are published only re-encoded, and an unnamed partner's logo not at all.
    assert not list(output.rglob("*partners*")) and not list((output / "images").rglob("*.png"))
    unnamed_key = ImageCache(broken / ".cache/images", ImageSettings()).key(unnamed_logo)[:16]
    assert not list(output.rglob(f"{unnamed_key}*"))
