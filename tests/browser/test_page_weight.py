"""The photos of a story on a phone, measured in Chromium.

The largest image a 360-px phone (2 device pixels per CSS pixel) downloads for a story,
read to its end, is at most 120 kB, and no photo moves the page as it arrives. The rest
of a page's weight (30 kB without photos, no script) is checked on every template's
first visit, in test_every_page.py.
"""

from __future__ import annotations

from dataclasses import dataclass
from urllib.parse import urlsplit

import pytest

from .browsing import STORY_URLS, SUMMARY, Visit, recorded_tab
from .checks import PHOTO_TYPES, content_type, downloaded

PHOTO_BUDGET = 120_000


@dataclass
class StoryVisit:
    tab: Visit
    moved: list[str]  # photos whose box changed size when they arrived


@pytest.fixture(scope="module")
def story_visit(browser, base_url):
    """story_visit(url) -> StoryVisit: one phone visit per story (a new profile), read to its
    end, that both tests below read: the photos held back until the layout is measured, then
    let through, then the story scrolled to its end so that lazily loaded photos load too."""
    visits: dict[str, StoryVisit] = {}
    contexts = []

    def _visit(url: str) -> StoryVisit:
        if url not in visits:
            context, tab = recorded_tab(browser, base_url, "phone")
            contexts.append(context)
            visits[url] = StoryVisit(tab, moved_photos(tab, url))
            read_to_the_end(tab)
        return visits[url]

    yield _visit
    for context in contexts:
        context.close()


def moved_photos(tab: Visit, url: str) -> list[str]:
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
    tab.page.unroute("**/*")  # photos asked for from now on (lazy ones) go straight through
    while held:
        held.pop().fallback()
    tab.settle()
    after = tab.page.evaluate(boxes)
    return [
        f"{a[0]}: {b[1]}x{b[2]} while loading, {a[1]}x{a[2]} loaded"
        for b, a in zip(before, after, strict=True)
        if abs(a[1] - b[1]) > 1 or abs(a[2] - b[2]) > 1
    ]


def read_to_the_end(tab: Visit) -> None:
    height = tab.page.evaluate("document.documentElement.scrollHeight")
    for y in range(0, height + 600, 600):
        tab.page.evaluate("y => window.scrollTo(0, y)", y)
    # Every photo of the story has arrived (lazy ones included), then nothing is left in flight.
    tab.page.wait_for_function("[...document.querySelectorAll('main img')].every(i => i.complete)")
    tab.settle()


@pytest.mark.parametrize("url", STORY_URLS)
def test_story_photos_keep_their_place_while_they_load(story_visit, url):
    """No jump when a photo arrives: its box is the same size before and after it loads."""
    visit = story_visit(url)
    assert not visit.moved, "photos that push the page about as they load:\n" + "\n".join(visit.moved)
    visit.tab.assert_clean()


@pytest.mark.parametrize("url", STORY_URLS)
def test_largest_photo_a_phone_downloads_for_a_story_is_at_most_120_kb(story_visit, url):
    tab = story_visit(url).tab
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
