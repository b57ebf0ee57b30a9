"""The partner brief (issue 17) printed by Chromium: at most four A4 pages per language, every
link printing its address, and no row, list item or paragraph cut across two pages."""

from __future__ import annotations

import re

import pytest

from .browsing import LANGS, SUMMARY, template_url

MAX_PAGES = 4
# A page object of a PDF (not the /Pages tree): Chromium (Skia) writes its objects uncompressed.
PDF_PAGE = re.compile(rb"/Type\s*/Page(?![s\w])")


def pdf_pages(pdf: bytes) -> int:
    return len(PDF_PAGE.findall(pdf))


@pytest.mark.parametrize("lang", list(LANGS))
def test_the_brief_prints_on_at_most_four_a4_pages_with_every_link_address(open_tab, lang):
    url = template_url("partner-brief", lang)
    tab = open_tab("desktop")
    assert tab.goto(url).status == 200
    tab.page.emulate_media(media="print")
    main = tab.page.locator('main[data-print="partner-brief"]')
    assert main.count() == 1
    # Every link of the brief prints its address after its words (print CSS).
    unprinted = tab.page.evaluate(
        """() => [...document.querySelectorAll('main[data-print="partner-brief"] a[href]')]
            .filter(a => !getComputedStyle(a, '::after').content.includes(a.getAttribute('href')))
            .map(a => a.getAttribute('href'))"""
    )
    assert unprinted == []
    # Nothing outside the brief prints (the header's and footer's links would lose their address).
    hidden = tab.page.evaluate(
        """() => ['.site-header', '.site-footer'].map(s => document.querySelector(s))
            .filter(e => e && getComputedStyle(e).display !== 'none').length"""
    )
    assert hidden == 0
    # No block is cut across two pages: rows, items, paragraphs and the disclosure avoid it.
    breakable = tab.page.evaluate(
        """() => [...document.querySelectorAll('main[data-print="partner-brief"] :is(tr, li, p, dl)')]
            .filter(e => getComputedStyle(e).breakInside !== 'avoid').length"""
    )
    assert breakable == 0
    pdf = tab.page.pdf(format="A4", prefer_css_page_size=True)
    pages = pdf_pages(pdf)
    SUMMARY.setdefault("Partner brief, printed (A4 pages)", []).append(f"{url}: {pages}")
    assert 1 <= pages <= MAX_PAGES, f"{url} prints on {pages} A4 pages"
    tab.assert_clean()


def test_the_page_counter_counts_pages_not_the_page_tree():
    pdf = b"<< /Type /Pages /Kids [3 0 R 4 0 R] >> << /Type /Page /Parent 2 0 R >> << /Type/Page >>"
    assert pdf_pages(pdf) == 2
