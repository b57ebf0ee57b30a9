"""The tiers data in whole builds: mistakes stop the build before output/ is touched,
publish refuses what only a preview may show, and one changed unit cost changes every page.

What the checks say of each mistake is read from the checks themselves (no build); whole
builds where the build is the subject: it stops, output/ stays, pages change."""

import re
import shutil
from pathlib import Path

import pytest
import yaml
from bs4 import BeautifulSoup
from staff_project import complete_partner_kit

from conftest import (
    content_checks,
    copy_built,
    edit,
    has_error,
    plain,
    problems_text,
    run_invoke,
    text_of,
    tree_digest,
)
from haihui.build import ROOT, run_pelican

DATA = "content/data/fund-use.yaml"
LINKS = "content/data/checkout-links.yaml"
ORGANISATION = "content/data/organisation.yaml"
STORY = "content/stories/jibuguoguo.en.md"


def line_of(path: Path, fragment: str) -> int:
    return next(n for n, line in enumerate(path.read_text("utf-8").splitlines(), 1) if fragment in line)


def soup(project: Path, url: str) -> BeautifulSoup:
    return BeautifulSoup((project / "output" / url / "index.html").read_text("utf-8"), "lxml")


def set_links(project: Path, tiers: dict) -> None:
    (project / LINKS).write_text(yaml.safe_dump({"tiers": tiers}, allow_unicode=True), "utf-8")


def real_links(project: Path, **override) -> dict:
    """A publishable link for every tier (platform), with some entries replaced."""
    ids = list(yaml.safe_load((project / DATA).read_text("utf-8"))["tiers"])
    links = {
        tier: {"platform": {"url": f"https://gongyi.qq.com/succor/detail.htm?id=1{n}"}}
        for n, tier in enumerate(ids)
    }
    links.update(override)
    return links


def confirm_disclosure(project: Path) -> None:
    """The organisation's sample values confirmed: the disclosure and the donation-receipt fields."""
    edit(project / ORGANISATION, "samples: [qualification, record_number]", "samples: []")
    complete_partner_kit(project)


# ---------------------------------------------------------------- each mistake stops the build


def unknown_key(p):
    edit(p / DATA, "    amount_fen: 60000 ", "    price_fen: 60000 ")


def missing_field(p):
    edit(p / DATA, "    goal: {mothers: 200}", "    goal: {}")


def negative_amount(p):
    edit(p / DATA, "amount_fen: 30000 ", "amount_fen: -30000 ")


def zero_amount(p):
    edit(p / DATA, "      amount_fen: 540000", "      amount_fen: 0")


def fen_with_decimals(p):
    edit(p / DATA, "amount_fen: 15000 ", "amount_fen: 150.00 ")


def unknown_unit(p):
    edit(p / DATA, "- {unit: training-place, quantity: 1}", "- {unit: training, quantity: 1}")


def totals_disagree(p):
    edit(p / DATA, "  total_fen: 11140000", "  total_fen: 11150000")


def other_currency(p):
    edit(p / DATA, "    amount_fen: 60000 ", "    currency: USD\n    amount_fen: 60000 ")


def progress_above_goal(p):
    edit(p / DATA, "mothers_funded: 46", "mothers_funded: 460")


def yaml_syntax(p):
    edit(
        p / DATA,
        "period: {start: 2026-01-01, end: 2026-09-30}",
        "period: {start: 2026-01-01, end: 2026-09-30",
    )


def link_on_another_host(p):
    set_links(p, {"pigsty": {"stripe": {"en": {"url": "https://buy.stripe.com.pay-here.example/abc"}}}})


def link_not_https(p):
    set_links(p, {"pigsty": {"platform": {"url": "http://gongyi.qq.com/succor/detail.htm?id=1"}}})


def unknown_tier_in_a_story(p):
    edit(p / STORY, "[tiers: mothers-start, pigsty, monthly-care]", "[tiers: mothers-start, pigsty, monthly]")


def malformed_short_code(p):
    edit(p / STORY, "[tiers: mothers-start, pigsty, monthly-care]", "[tiers mothers-start]")


MISTAKES = {
    "unknown key": (
        unknown_key,
        DATA,
        "price_fen",
        ["unit_costs.piglet.price_fen: unknown key 'price_fen'", "allowed here: names, amount_fen, currency"],
    ),
    "missing field": (
        missing_field,
        DATA,
        "goal: {}",
        ["campaigns.left-behind-mothers.goal.mothers: 'mothers' is missing"],
    ),
    "negative amount": (
        negative_amount,
        DATA,
        "-30000",
        ["unit_costs.training-place.amount_fen: -30000 is not a positive amount"],
    ),
    "zero amount": (
        zero_amount,
        DATA,
        "amount_fen: 0",
        ["expenditure.categories.management.amount_fen: 0 is not a positive amount"],
    ),
    "fen with decimals": (
        fen_with_decimals,
        DATA,
        "150.00",
        ["unit_costs.vet-care.amount_fen: 150.0 is not a whole number of fen"],
    ),
    "unknown unit cost": (
        unknown_unit,
        DATA,
        "unit: training,",
        [
            "tiers.mothers-start.items[2].unit: there is no unit cost 'training'",
            "did you mean 'training-place'?",
        ],
    ),
    "totals disagree": (
        totals_disagree,
        DATA,
        "11150000",
        ["expenditure.total_fen: the expenditure categories add up to 111,400 yuan"],
    ),
    "another currency": (
        other_currency,
        DATA,
        "currency: USD",
        ["unit_costs.piglet.currency: 'USD' is not the summary's currency CNY"],
    ),
    "progress above the goal": (
        progress_above_goal,
        DATA,
        "460",
        ["460 mothers funded is more than the goal of 200"],
    ),
    "YAML syntax": (yaml_syntax, DATA, None, ["not valid YAML"]),
    "link on another host": (
        link_on_another_host,
        LINKS,
        "pay-here",
        [
            "tier 'pigsty', channel 'stripe'",
            "'https://buy.stripe.com.pay-here.example/abc'",
            "buy.stripe.com, donate.stripe.com",
        ],
    ),
    "link not https": (
        link_not_https,
        LINKS,
        "http://",
        ["tier 'pigsty', channel 'platform'", "is not an https link"],
    ),
    "unknown tier in a story": (
        unknown_tier_in_a_story,
        STORY,
        "[tiers:",
        ["there is no tier 'monthly'", "monthly-care"],
    ),
    "malformed short code": (
        malformed_short_code,
        STORY,
        "[tiers",
        ["'[tiers mothers-start]' is not a tier short code"],
    ),
}


@pytest.mark.parametrize("case", list(MISTAKES))
def test_each_mistake_in_the_tiers_data_is_an_error_at_its_line(project, case):
    """What the checks say of each mistake, at its file and line: the build's first step,
    which stops the build on any error (below, one mistake of each file in a whole build)."""
    make_mistake, path, fragment, expected = MISTAKES[case]
    make_mistake(project)
    problems = content_checks(project)
    messages = problems_text(problems)
    assert has_error(problems)
    where = f"{path}:{line_of(project / path, fragment)}:" if fragment else f"{path}:"
    for text in [where, *expected]:
        assert text in messages, f"{text!r} not in:\n{messages}"


# One mistake of each data file, and of a story, through a whole build.
BUILT_MISTAKES = ["unknown key", "YAML syntax", "link on another host", "unknown tier in a story"]


@pytest.mark.parametrize("case", BUILT_MISTAKES)
def test_a_mistake_in_the_tiers_data_stops_the_build_and_keeps_output(broken, case):
    make_mistake, path, fragment, expected = MISTAKES[case]
    before = tree_digest(broken / "output")
    make_mistake(broken)
    result = run_pelican("pelicanconf.py", broken / "output", cwd=broken)
    messages = plain(result)
    assert result.returncode != 0
    where = f"{path}:{line_of(broken / path, fragment)}:" if fragment else f"{path}:"
    for text in [where, *expected]:
        assert text in messages, f"{text!r} not in:\n{messages}"
    assert "Traceback" not in messages
    assert tree_digest(broken / "output") == before


def test_the_checker_finds_a_short_code_mistake_without_building(project):
    # `invoke check` as a fork of the prewarmed process (tests/test_forked_tasks.py shows it
    # exits and prints as in a new Python).
    shutil.copy2(ROOT / "tasks.py", project / "tasks.py")
    unknown_tier_in_a_story(project)
    result = run_invoke(project, "check")
    assert result.returncode != 0
    assert (
        f"{STORY}:{line_of(project / STORY, '[tiers:')}: '[tiers: mothers-start, pigsty, monthly]'"
        in result.stdout
    )


# ---------------------------------------------------------------- preview shows, publish refuses


def test_publish_refuses_sample_links_and_output_is_intact(broken):
    confirm_disclosure(broken)
    set_links(
        broken, real_links(broken, pigsty={"platform": {"url": "https://gongyi.qq.com/x", "sample": True}})
    )
    before = tree_digest(broken / "output")
    result = run_pelican("publishconf.py", broken / "output", cwd=broken)
    messages = plain(result)
    assert result.returncode != 0 and "Traceback" not in messages
    assert "sample links, which a publish build refuses: tiers.pigsty.platform" in messages
    assert "tiers.mothers-start.platform" not in messages
    assert tree_digest(broken / "output") == before


def stripe_test_links():
    return {
        "stripe": {
            lang: {
                "url": f"https://buy.stripe.com/test_{lang}",
                "amount_fen": 100000,
                "currency": "cny",
                "interval": "one_time",
                "livemode": False,
            }
            for lang in ("en", "zh")
        }
    }


def test_a_stripe_test_link_is_shown_in_preview(broken):
    set_links(broken, real_links(broken, pigsty=stripe_test_links()))
    result = run_pelican("pelicanconf.py", broken / "output", cwd=broken)
    assert result.returncode == 0, result.stderr
    for url in ("campaigns/left-behind-mothers", "zh/campaigns/left-behind-mothers"):
        card = soup(broken, url).select_one("[data-tier='pigsty']")
        link = card.select_one("[data-checkout='stripe']")
        assert link["href"].startswith("https://buy.stripe.com/test_")
        assert link.find_next_sibling(class_="tag") is not None  # marked as test mode


def test_publish_refuses_a_stripe_test_link(project):
    confirm_disclosure(project)
    set_links(project, real_links(project, pigsty=stripe_test_links()))
    problems = content_checks(project, "publishconf.py")
    messages = problems_text(problems)
    assert has_error(problems)
    assert (
        "Stripe test-mode links, which take no real payment: tiers.pigsty.stripe.en; tiers.pigsty.stripe.zh"
        in messages
    )


def test_publish_lists_exactly_the_tiers_without_a_link(project):
    confirm_disclosure(project)
    links = real_links(project)
    del links["village-cohort"], links["any-amount"]
    set_links(project, links)
    problems = content_checks(project, "publishconf.py")
    messages = problems_text(problems)
    assert has_error(problems)
    assert (
        "tiers with no checkout link that a publish build accepts: village-cohort (en); village-cohort (zh); "
        "any-amount (en); any-amount (zh);"
    ) in messages


def test_publish_refuses_sample_disclosure_values(project):
    set_links(project, real_links(project))
    problems = content_checks(project, "publishconf.py")
    messages = problems_text(problems)
    assert has_error(problems)
    line = line_of(project / ORGANISATION, "  samples: [")
    assert (
        f"{ORGANISATION}:{line}: fundraising_disclosure.samples: the disclosure still has sample values "
        "(qualification, record_number), which a publish build refuses"
    ) in messages
    assert "募捐信息公开仍有示例值" in messages.replace(" ", "")


def test_complete_tiers_data_raises_no_publish_objection(project):
    confirm_disclosure(project)
    set_links(project, real_links(project))
    problems = content_checks(project, "publishconf.py")
    messages = problems_text(problems)
    for mine in ("checkout-links.yaml", "fund-use.yaml", "organisation.yaml"):
        assert mine not in messages, messages


def test_without_any_link_every_tier_offers_to_sponsor_by_mail(broken):
    (broken / LINKS).unlink()
    result = run_pelican("pelicanconf.py", broken / "output", cwd=broken)
    assert result.returncode == 0, result.stderr
    page = soup(broken, "zh/campaigns/left-behind-mothers")
    tiers = page.select("[data-tier]")
    assert tiers and not page.select("[data-checkout]")
    assert [t["data-tier"] for t in tiers] == [
        t.select_one("[data-sponsor-contact]")["data-sponsor-contact"] for t in tiers
    ]


# ---------------------------------------------------------------- one source for every amount


def amounts_by_page(output: Path) -> dict[str, dict[str, str]]:
    """{page: {tier id: data-amount-fen}} for every page that shows a tier."""
    found = {}
    for path in sorted(output.rglob("*.html")):
        page = BeautifulSoup(path.read_text("utf-8"), "lxml")
        shown = {
            t["data-tier"]: t.select_one("[data-amount-fen]")["data-amount-fen"]
            for t in page.select("main [data-tier]")
            if t.select_one("[data-amount-fen]")
        }
        if shown:
            found[str(path.relative_to(output))] = shown
    return found


@pytest.fixture(scope="module")
def unit_costs_changed(good_build, tmp_path_factory):
    """A good build's project with two unit costs raised, a piglet by 50 yuan and the pigsty
    grant by 200, and built again over its output/: (project, the tier amounts each page
    showed before, the fund-use CSV before, the build's result). One build for both tests below."""
    project = copy_built(good_build, tmp_path_factory.mktemp("unit-costs") / "project")
    before = amounts_by_page(project / "output")
    csv_before = (project / "output/fund-use/fund-use.csv").read_text("utf-8-sig")
    edit(project / DATA, "    amount_fen: 60000 ", "    amount_fen: 65000 ")  # a piglet
    edit(project / DATA, "    amount_fen: 100000 ", "    amount_fen: 120000 ")  # the pigsty grant
    result = run_pelican("pelicanconf.py", project / "output", cwd=project)
    return project, before, csv_before, result


def test_changed_unit_costs_change_every_page_that_shows_them(unit_costs_changed):
    project, before, csv_before, result = unit_costs_changed
    assert result.returncode == 0, result.stderr
    after = amounts_by_page(project / "output")
    assert after.keys() == before.keys() and len(after) >= 10
    # Two piglets and a grant in a mother's start, twenty starts in a village cohort, a grant
    # in a pigsty; nothing else buys either.
    start = 2 * 5000 + 20000
    deltas = {"pigsty": 20000, "mothers-start": start, "village-cohort": 20 * start}
    changed_pages = set()
    for page, tiers in after.items():
        for tier, amount in tiers.items():
            delta = deltas.get(tier, 0)
            assert int(amount) == int(before[page][tier]) + delta, (page, tier)
            if delta:
                changed_pages.add(page)
    assert {
        "campaigns/left-behind-mothers/index.html",
        "zh/campaigns/left-behind-mothers/index.html",
        "stories/jibuguoguo/index.html",
        "zh/stories/adiniuniu/index.html",
        "partner/index.html",
        "zh/fund-use/index.html",
    } <= changed_pages
    csv_after = (project / "output/fund-use/fund-use.csv").read_text("utf-8-sig")
    assert csv_after != csv_before
    for unit, amount in (("piglet", "65000"), ("pigsty-grant", "120000")):
        assert re.search(rf"^.*,unit_cost,{unit},.*\b{amount}\b", csv_after, re.M), unit


def test_a_changed_unit_cost_changes_the_prose_too(unit_costs_changed):
    """The stories' [amount: pigsty-grant] short codes follow the data."""
    project, _, _, result = unit_costs_changed
    assert result.returncode == 0, plain(result)
    assert "piglets and CN¥1,200 toward building" in text_of(project, "stories/jibuguoguo")
    assert "以及 1,200\u00a0元用于新建" in text_of(project, "zh/stories/jibuguoguo")
    card = BeautifulSoup((project / "output/stories/jibuguoguo/index.html").read_text("utf-8"), "lxml")
    assert card.select_one("[data-tier='pigsty'] [data-amount-fen]")["data-amount-fen"] == "120000"
