"""Tiers, progress, disclosure, fund-use and partner pages, read from the built site."""

import csv
import hashlib
import io
import json
import re
from functools import partial
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from threading import Thread
from urllib.parse import parse_qs, unquote, urlsplit

import pytest
from pelican.settings import read_settings

from haihui.build import ROOT
from haihui.giving.checkout_links import check_checkout_links
from haihui.giving.fund_use import load_fund_use
from haihui.giving.summary import summarise
from haihui.giving.tiers import compute_tiers
from haihui.organisation import load_organisation

SETTINGS = read_settings(str(ROOT / "pelicanconf.py"))
LANGS = SETTINGS["LANGUAGES"]
FUND_USE = load_fund_use(Path(SETTINGS["PATH"]) / SETTINGS["FUND_USE_FILE"], tuple(LANGS))
TIERS = {t.id: t for t in compute_tiers(FUND_USE)}
ORGANISATION = load_organisation(SETTINGS)[0]
EMAIL = ORGANISATION.contact.email
CJK = re.compile(r"[\u4e00-\u9fff]")
CAMPAIGN = "left-behind-mothers"


def campaign_url(lang):
    return SETTINGS["CAMPAIGN_URL"].format(prefix=LANGS[lang]["prefix"], slug=CAMPAIGN)


def page_url(lang, slug):
    return f"{LANGS[lang]['prefix']}{slug}/"


def cards(site, url):
    return site.soup(url).select("main [data-tier]")


def money_value(text: str) -> int:
    """Fen from a printed amount (CN¥2,650 or 2,650 元)."""
    number = text.strip().removeprefix("CN¥").removesuffix("\u00a0元").replace(",", "")
    whole, _, cents = number.partition(".")
    return int(whole) * 100 + int(cents or 0)


def test_every_tier_card_and_row_shows_the_amount_computed_from_the_data(site):
    seen_pages = set()
    for url in site.html_pages():
        for card in cards(site, url):
            tier = TIERS[card["data-tier"]]
            seen_pages.add(url)
            if tier.amount_fen is None:
                custom = tier.custom_amount
                assert int(card.select_one("[data-minimum-fen]")["data-minimum-fen"]) == custom.minimum_fen
                assert int(card.select_one("[data-preset-fen]")["data-preset-fen"]) == custom.preset_fen
                assert int(card.select_one("[data-maximum-fen]")["data-maximum-fen"]) == custom.maximum_fen
                continue
            amount = card.select_one("[data-amount-fen]")
            assert int(amount["data-amount-fen"]) == tier.amount_fen, (url, tier.id)
            assert money_value(amount.get_text()) == tier.amount_fen, (url, tier.id, amount.get_text())
    for lang in LANGS:
        assert f"/{campaign_url(lang)}" in seen_pages
        assert (
            f"/{page_url(lang, 'partner')}" in seen_pages and f"/{page_url(lang, 'fund-use')}" in seen_pages
        )


def test_the_campaign_page_shows_every_tier_of_the_campaign_in_both_languages(site):
    expected = [t.id for t in TIERS.values() if t.campaign == CAMPAIGN]
    amounts = {}
    for lang in LANGS:
        found = cards(site, campaign_url(lang))
        assert [c["data-tier"] for c in found] == expected
        amounts[lang] = {
            c["data-tier"]: c.select_one("[data-amount-fen]")
            and c.select_one("[data-amount-fen]")["data-amount-fen"]
            for c in found
        }
        for card in found:
            tier = TIERS[card["data-tier"]]
            assert card.find(["h3"]).get_text(strip=True) == tier.names[lang]
            for line in tier.breakdown:
                assert line.names[lang] in card.get_text()
    assert amounts["en"] == amounts["zh"]
    en_text = cards(site, campaign_url("en"))[0].select_one("[data-amount-fen]").get_text()
    zh_text = cards(site, campaign_url("zh"))[0].select_one("[data-amount-fen]").get_text()
    assert en_text.startswith("CN¥") and zh_text.endswith("\u00a0元")


def test_every_checkout_link_is_https_on_its_channels_allowed_host(site):
    checked = 0
    for url in site.html_pages():
        for link in site.soup(url).select("[data-checkout]"):
            channel = link["data-checkout"]
            parts = urlsplit(link["href"])
            assert parts.scheme == "https", (url, link["href"])
            assert parts.hostname in SETTINGS["CHECKOUT_CHANNELS"][channel]["hosts"], (url, link["href"])
            checked += 1
    assert checked > 0


def test_each_card_offers_its_checkout_links_or_else_a_mail_to_sponsor(site):
    shown, _ = check_checkout_links(
        Path(SETTINGS["PATH"]) / SETTINGS["CHECKOUT_LINKS_FILE"],
        list(TIERS.values()),
        SETTINGS["CHECKOUT_CHANNELS"],
        tuple(LANGS),
        strict=False,
    )
    for lang in LANGS:
        for card in cards(site, campaign_url(lang)):
            tier = TIERS[card["data-tier"]]
            expected = [(link.channel, link.url) for link in shown[tier.id][lang]]
            assert [(a["data-checkout"], a["href"]) for a in card.select("[data-checkout]")] == expected
            contact = card.select_one("[data-sponsor-contact]")
            if expected:
                assert contact is None
                continue
            parts = urlsplit(contact["href"])
            assert parts.scheme == "mailto" and unquote(parts.path) == EMAIL
            assert tier.names[lang] in parse_qs(parts.query)["subject"][0]


def test_the_campaign_page_shows_progress_as_a_real_progress_bar_with_words(site):
    figures = FUND_USE.campaigns[CAMPAIGN]
    for lang in LANGS:
        soup = site.soup(campaign_url(lang))
        bar = soup.select_one("main progress")
        assert (
            int(bar["max"]) == figures.goal.mothers and int(bar["value"]) == figures.progress.mothers_funded
        )
        label = soup.find("label", attrs={"for": bar["id"]}).get_text()
        assert str(figures.progress.mothers_funded) in label and str(figures.goal.mothers) in label
        assert bool(CJK.search(label)) == (lang == "zh")
        raised = soup.select_one("[data-raised-fen]")
        assert int(raised["data-raised-fen"]) == figures.progress.raised_fen
        assert money_value(raised.get_text()) == figures.progress.raised_fen
        assert raised.find_parent("p").find("time")["datetime"] == figures.progress.as_of.isoformat()


def test_pages_with_figures_say_in_their_language_that_the_figures_are_samples(site):
    pages_with_figures = [url for url in site.html_pages() if site.soup(url).select("main [data-amount-fen]")]
    assert len(pages_with_figures) >= 8  # campaign, two stories, fund-use, partner; in both languages
    for url in pages_with_figures:
        soup = site.soup(url)
        notice = soup.select_one(f"main [data-figures-status='{FUND_USE.status}']")
        assert notice is not None, url
        assert bool(CJK.search(notice.get_text())) == (soup.html["lang"] == "zh-Hans"), url


def test_short_codes_in_stories_become_cards_and_never_show_as_text(site):
    for url in site.html_pages():
        assert "[tiers" not in site.soup(url).get_text(), url
    for lang in LANGS:
        for slug in ("jibuguoguo", "adiniuniu"):
            story = f"{LANGS[lang]['prefix']}stories/{slug}/"
            assert [c["data-tier"] for c in cards(site, story)] == ["mothers-start", "pigsty", "monthly-care"]


def test_the_fundraising_disclosure_stands_beside_every_set_of_checkout_links(site):
    disclosure = ORGANISATION.fundraising_disclosure
    for url in site.html_pages():
        for tier_list in site.soup(url).select(".tier-list"):
            block = tier_list.select_one(".disclosure")
            assert block is not None, url
            text = block.get_text(" ", strip=True)
            assert disclosure.record_number in text and EMAIL in text
            assert block.find("a", href=disclosure.lookup_url) is not None
            assert "慈善中国" in text
            assert len(block.select(".tag")) == len(disclosure.samples)


@pytest.mark.parametrize("lang", list(LANGS))
def test_the_fund_use_page_accounts_for_every_yuan(site, lang):
    soup = site.soup(page_url(lang, "fund-use"))
    summary = summarise(FUND_USE)
    for key, view in (("income", summary.income), ("expenditure", summary.expenditure)):
        section = soup.find(id=f"{key}-heading").find_parent("section")
        rows = section.select("table tbody tr")
        assert [r["data-category"] for r in rows] == [row.id for row in view.rows]
        amounts = [int(r.select_one("[data-amount-fen]")["data-amount-fen"]) for r in rows]
        assert sum(amounts) == view.total_fen
        assert int(section.select_one("tfoot [data-amount-fen]")["data-amount-fen"]) == view.total_fen
        printed = [r.select_one("[data-share]").get_text(strip=True) for r in rows]
        assert sum(round(float(p.rstrip("%")) * 10) for p in printed) == 1000, printed
        svg = section.select_one("svg")
        assert svg["role"] == "img"
        labelled = svg["aria-labelledby"].split()
        assert {svg.title["id"], svg.desc["id"]} == set(labelled)
        assert svg.title.get_text(strip=True) == section.table.caption.get_text(strip=True)
        assert all(p in svg.desc.get_text() for p in printed)
        assert len(svg.select("rect.chart__bar")) == len(rows)
        widths = [float(r["width"]) for r in svg.select("rect.chart__bar")]
        assert widths.index(max(widths)) == amounts.index(max(amounts))
        # Every label is there in full, and no line of it runs past the chart's edge.
        labels = svg.select("text.chart__label")
        assert ["".join(label.get_text().split()) for label in labels] == [
            "".join(row.names[lang].split()) for row in view.rows
        ]
        assert len(svg.select("text.chart__label tspan")) >= len(rows)
    assert {r["data-tier"] for r in soup.select("main table [data-tier]")} == set(TIERS)


def test_open_data_is_published_once_for_both_languages_with_its_sha256(site):
    links = {}
    for lang in LANGS:
        soup = site.soup(page_url(lang, "fund-use"))
        links[lang] = {a["data-open-data"]: a["href"] for a in soup.select("[data-open-data]")}
        for name, href in links[lang].items():
            data = site.path(href).read_bytes()
            printed = soup.select_one(f"[data-sha256='{name}']").get_text(strip=True)
            assert printed == hashlib.sha256(data).hexdigest()
    # Beside these two, each period's files and the manifest of releases (tests/test_fund_use_history.py).
    assert links["en"] == links["zh"] and {"fund-use.csv", "fund-use.json"} <= set(links["en"])
    rows = list(csv.DictReader(io.StringIO(site.path(links["en"]["fund-use.csv"]).read_text("utf-8-sig"))))
    assert {r["id"]: int(r["amount_fen"]) for r in rows if r["section"] == "tier"} == {
        t.id: t.amount_fen for t in TIERS.values() if t.amount_fen is not None
    }
    document = json.loads(site.path(links["en"]["fund-use.json"]).read_text("utf-8"))
    assert document["status"] == FUND_USE.status
    assert document["expenditure"]["total_fen"] == FUND_USE.expenditure.total_fen


@pytest.mark.parametrize("lang", list(LANGS))
def test_the_partner_page_compares_tiers_and_prepares_a_proposal(site, lang):
    soup = site.soup(page_url(lang, "partner"))
    rows = soup.select("main table.tier-table tbody tr")
    assert [r["data-tier"] for r in rows] == list(TIERS)
    for row in rows:
        tier = TIERS[row["data-tier"]]
        assert row.th.get_text(strip=True) == tier.names[lang]
        assert len(row.find_all("td")) == 3
    proposal = urlsplit(soup.select_one("[data-collaboration]")["href"])
    assert proposal.scheme == "mailto" and unquote(proposal.path) == EMAIL
    assert parse_qs(proposal.query)["subject"][0].strip()
    assert soup.find("link", rel="stylesheet", media="print") is not None
    # On paper the e-mail button is gone, so the address is printed as text.
    assert EMAIL in soup.select_one(".partner__contact").get_text()


@pytest.mark.browser
def test_the_partner_page_prints_on_one_or_two_pages(site, chromium_executable, tmp_path):
    import subprocess

    handler = partial(SimpleHTTPRequestHandler, directory=str(site.root))
    handler.log_message = lambda *args: None
    server = ThreadingHTTPServer(("127.0.0.1", 0), handler)
    Thread(target=server.serve_forever, daemon=True).start()
    pdf = tmp_path / "partner.pdf"
    try:
        subprocess.run(
            [
                chromium_executable,
                "--headless",
                "--no-sandbox",
                "--disable-gpu",
                "--no-pdf-header-footer",
                f"--print-to-pdf={pdf}",
                f"http://127.0.0.1:{server.server_port}/{page_url('en', 'partner')}",
            ],
            check=True,
            capture_output=True,
            timeout=120,
        )
    finally:
        server.shutdown()
    pages = len(re.findall(rb"/Type\s*/Page\b(?!s)", pdf.read_bytes()))
    assert 1 <= pages <= 2, f"the partner page prints on {pages} pages"
