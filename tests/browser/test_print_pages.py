"""The print pages in Chromium: each flyer and honour card prints on one A5 sheet with
nothing cut off, and axe-core finds nothing serious on them. (The share block, on every
story and campaign page, is checked with its page in test_every_page.py.)"""

from __future__ import annotations

import re

import pytest

from .browsing import CAMPAIGN, LANGS, SETTINGS, our_url
from .checks import axe_problems

CARDS = ["pigsty", "mothers-start", "village-cohort", "monthly-care", "any-amount"]
FLYERS = {lang: our_url(SETTINGS["FLYER_URL"], lang, slug=CAMPAIGN) for lang in LANGS}
CARD_URLS = {
    (lang, tier): our_url(SETTINGS["HONOUR_CARD_URL"], lang, slug=CAMPAIGN, tier=tier)
    for lang in LANGS
    for tier in CARDS
}
PRINT_PAGES = [(lang, url) for lang in LANGS for url in [FLYERS[lang], *(CARD_URLS[lang, t] for t in CARDS)]]
# A5 less the 9 mm margins of print.css's `@page a5`, in CSS pixels (96 per inch).
MM = 96 / 25.4
SHEET = (round((148 - 18) * MM), round((210 - 18) * MM))
PAGES_COUNT = re.compile(rb"/Type\s*/Pages\b[^>]*?/Count\s+(\d+)|/Count\s+(\d+)[^>]*?/Type\s*/Pages\b")


def pdf_pages(pdf: bytes) -> int:
    """The page count of the PDF's page tree (its /Pages node)."""
    counts = [int(a or b) for a, b in PAGES_COUNT.findall(pdf)]
    assert counts, "no /Pages node in the PDF"
    return max(counts)


@pytest.mark.parametrize("lang,url", PRINT_PAGES)
def test_a_print_page_fits_one_a5_sheet_with_nothing_cut_off(open_tab, lang, url):
    tab = open_tab("desktop", javascript=False)
    page = tab.page
    assert tab.goto(url).status == 200
    assert page.locator("main[data-print]").count() == 1
    pdf = page.pdf(prefer_css_page_size=True)
    size = re.search(rb"/MediaBox\s*\[\s*0\s+0\s+([\d.]+)\s+([\d.]+)", pdf)
    assert size and abs(float(size[1]) - 148 / 25.4 * 72) < 2 and abs(float(size[2]) - 210 / 25.4 * 72) < 2
    assert pdf_pages(pdf) == 1, f"{url} prints on {pdf_pages(pdf)} pages"
    # The same layout on screen, at the sheet's width: nothing wider than it, nothing below it.
    page.set_viewport_size({"width": SHEET[0], "height": SHEET[1]})
    page.emulate_media(media="print")
    overflow = page.evaluate("document.documentElement.scrollWidth") - SHEET[0]
    assert overflow <= 0, f"{url}: {overflow}px wider than the sheet"
    bottom = page.evaluate("document.querySelector('main').getBoundingClientRect().bottom")
    assert bottom <= SHEET[1], f"{url}: {bottom - SHEET[1]:.0f}px past the sheet"
    codes = page.locator("svg[data-qr]")
    assert codes.count() >= 1
    for index in range(codes.count()):
        box = codes.nth(index).bounding_box()
        assert box and box["width"] >= 25 * MM and box["x"] >= 0 and box["x"] + box["width"] <= SHEET[0]
    tab.assert_clean()


@pytest.mark.parametrize(
    "url",
    [
        *FLYERS.values(),
        *(CARD_URLS[lang, "pigsty"] for lang in LANGS),
    ],
)
def test_axe_finds_nothing_serious_on_the_print_pages(open_tab, url):
    tab = open_tab("phone")
    assert tab.goto(url, settle=False).status == 200
    problems = axe_problems(tab, f"{url} (phone)")
    assert not problems, "\n".join(problems)
