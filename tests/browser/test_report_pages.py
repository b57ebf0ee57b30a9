"""The progress report pages in a browser: axe-core, weight and overflow, both languages.

The report and report-listing templates (haihui_reports) are not in browsing.TEMPLATES,
so they are checked here, on a phone only (the other templates' tests cover the desktop
layout of the shared CSS).
"""

from __future__ import annotations

import gzip

import pytest

from .browsing import LANGS, SETTINGS
from .test_accessibility import AXE, BLOCKING, WCAG_TAGS, describe
from .test_page_weight import PAGE_BUDGET, downloaded


def report_urls() -> list[str]:
    urls = []
    for spec in LANGS.values():
        prefix = spec["prefix"]
        urls.append("/" + SETTINGS["REPORT_URL"].format(prefix=prefix, slug="left-behind-mothers-2026-07"))
        urls.append(
            "/" + SETTINGS["REPORT_LISTING_URL"].format(prefix=prefix, campaign="left-behind-mothers")
        )
    return urls


@pytest.mark.parametrize("url", report_urls())
def test_report_pages_pass_axe_weigh_under_budget_and_fit_a_phone(open_tab, url):
    tab = open_tab("phone")
    assert tab.goto(url).status == 200
    results = AXE.run(
        tab.page, options={"runOnly": {"type": "tag", "values": WCAG_TAGS}, "resultTypes": ["violations"]}
    )
    blocking = [describe(v) for v in results.response["violations"] if v["impact"] in BLOCKING]
    assert not blocking, f"{url}:\n" + "\n".join(blocking)
    total = sum(len(gzip.compress(body, compresslevel=6)) for _, body in downloaded(tab))
    assert total <= PAGE_BUDGET, f"{url} weighs {total:,} bytes gzip-compressed"
    assert tab.page.locator('script:not([type="application/ld+json"])').count() == 0
    assert tab.horizontal_overflow() == 0, f"{url} scrolls sideways on a phone"
    tab.assert_clean()  # no console error, failed request or request off the test server
