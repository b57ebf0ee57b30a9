"""Page weight: what a phone downloads on a first visit, measured in Chromium.

Budget per page, one page of each template in each language: 30 kB (30,000
bytes) of HTML, CSS, fonts and any other non-photo file, each counted
gzip-compressed (level 6, what a CDN or nginx serves), and no script at all.
Photos have their own budget: the largest image a 360-px phone (2 device
pixels per CSS pixel) downloads for a story, read to its end, is at most 120 kB.
"""

from __future__ import annotations

import gzip
from collections import defaultdict
from urllib.parse import urlsplit

import pytest

from .browsing import LANGS, ROOT, SUMMARY, TEMPLATE_PAGES, template_url

PAGE_BUDGET = 30_000
PHOTO_BUDGET = 120_000
PHOTO_TYPES = {"image/jpeg", "image/png", "image/webp", "image/avif", "image/gif"}


def content_type(response) -> str:
    return response.headers.get("content-type", "").split(";")[0].strip().lower()


def downloaded(tab):
    """(response, body) of every response with a body that the tab received."""
    for response in tab.responses:
        if 300 <= response.status < 400:
            continue
        yield response, response.body()


@pytest.mark.parametrize("template,lang", TEMPLATE_PAGES)
def test_first_visit_weighs_at_most_30_kb_without_photos_and_has_no_script(open_tab, template, lang):
    tab = open_tab("phone")
    url = template_url(template, lang)
    tab.goto(url)
    by_kind: dict[str, int] = defaultdict(int)
    for response, body in downloaded(tab):
        if content_type(response) in PHOTO_TYPES:
            continue
        by_kind[response.request.resource_type] += len(gzip.compress(body, compresslevel=6))
    total = sum(by_kind.values())
    detail = ", ".join(f"{kind} {size:,}" for kind, size in sorted(by_kind.items()))
    SUMMARY.setdefault("page weight, first visit, gzip, without photos (bytes)", []).append(
        f"{template:<10} {url:<40} {total:>7,}  ({detail})"
    )

    assert by_kind.get("script", 0) == 0, f"{url} downloads script"
    # The home pages' JSON-LD (schema.org data for search engines) is not run by any browser.
    runnable = tab.page.locator('script:not([type="application/ld+json"])')
    assert runnable.count() == 0, f"{url} has a <script> element"
    assert total <= PAGE_BUDGET, (
        f"{url} weighs {total:,} bytes gzip-compressed ({detail}), budget {PAGE_BUDGET:,}"
    )
    tab.assert_clean()


def story_urls() -> list[str]:
    urls = []
    for path in sorted((ROOT / "content/stories").glob("*.md")):
        slug, lang = path.name.split(".")[:2]
        if lang in LANGS:
            urls.append("/" + ("" if lang == "en" else f"{lang}/") + f"stories/{slug}/")
    return urls


@pytest.mark.parametrize("url", story_urls())
def test_story_photos_keep_their_place_while_they_load(open_tab, url):
    """No jump when a photo arrives: its box is the same size before and after it loads."""
    tab = open_tab("phone")
    held = []  # image requests, answered only once the page's layout has been measured
    tab.page.route(
        "**/*",
        lambda route: held.append(route) if route.request.resource_type == "image" else route.fallback(),
    )  # on to the context's guard against other hosts
    tab.page.goto(tab.base_url + url, wait_until="domcontentloaded")
    boxes = (
        "() => [...document.querySelectorAll('main img')].map(i => [i.currentSrc || i.src, "
        "Math.round(i.getBoundingClientRect().width), Math.round(i.getBoundingClientRect().height)])"
    )
    # Laid out with its stylesheets and fonts, as a visitor sees it while the photos are on their way.
    tab.page.wait_for_function(
        "[...document.querySelectorAll('link[rel=stylesheet]')].every(l => l.sheet)"
        " && document.fonts.status === 'loaded'"
    )
    before = tab.page.evaluate(boxes)
    while held:
        held.pop().fallback()
    tab.settle()
    after = tab.page.evaluate(boxes)
    moved = [
        f"{a[0]}: {b[1]}x{b[2]} while loading, {a[1]}x{a[2]} loaded"
        for b, a in zip(before, after, strict=True)
        if abs(a[1] - b[1]) > 1 or abs(a[2] - b[2]) > 1
    ]
    assert not moved, "photos that push the page about as they load:\n" + "\n".join(moved)
    tab.assert_clean()


@pytest.mark.parametrize("url", story_urls())
def test_largest_photo_a_phone_downloads_for_a_story_is_at_most_120_kb(open_tab, url):
    tab = open_tab("phone")
    tab.goto(url)
    # Read the story to its end, so that lazily loaded photos load too.
    height = tab.page.evaluate("document.documentElement.scrollHeight")
    for y in range(0, height + 600, 600):
        tab.page.evaluate("y => window.scrollTo(0, y)", y)
    # Every photo of the story has arrived (lazy ones included), then nothing is left in flight.
    tab.page.wait_for_function("[...document.querySelectorAll('main img')].every(i => i.complete)")
    tab.settle()
    photos = sorted(
        (
            (len(body), urlsplit(r.url).path)
            for r, body in downloaded(tab)
            if content_type(r) in PHOTO_TYPES or r.request.resource_type == "image"
        ),
        reverse=True,
    )
    largest = photos[0] if photos else (0, "no photo")
    SUMMARY.setdefault("largest image a 360-px phone downloads per story (bytes)", []).append(
        f"{url:<40} {largest[0]:>9,}  {largest[1]}  ({len(photos)} image(s))"
    )
    assert largest[0] <= PHOTO_BUDGET, f"{url}: {largest[1]} is {largest[0]:,} bytes, budget {PHOTO_BUDGET:,}"
    tab.assert_clean()
