"""What the browser tests share: the site's pages by template, viewports, a recorded tab."""

from __future__ import annotations

import time
from dataclasses import dataclass, field
from urllib.parse import urlsplit

from haihui.build import ROOT
from haihui.build.browser import HOST  # the server and Chromium's flags: haihui.build.browser
from haihui.content.project import published_pages
from haihui.settings import read_settings

SETTINGS = read_settings("pelicanconf.py", root=ROOT)
LANGS = SETTINGS["LANGUAGES"]
CAMPAIGN = "left-behind-mothers"

# Every published story and page, at the address Pelican gives it (asked of Pelican's own
# URL settings by the core, as the checks ask it): (slug, lang) -> root-relative URL.
_PUBLISHED = published_pages(SETTINGS)
PUBLISHED = {(source.slug, source.lang): "/" + url for source, url in _PUBLISHED}
STORY_URLS = ["/" + url for source, url in _PUBLISHED if source.kind == "story"]
FIRST_STORY = min(source.slug for source, _ in _PUBLISHED if source.kind == "story")

# A budget Android phone (360 CSS px wide, 2 device pixels per CSS pixel) and a laptop.
VIEWPORTS = {
    "phone": {
        "viewport": {"width": 360, "height": 740},
        "device_scale_factor": 2,
        "is_mobile": True,
        "has_touch": True,
    },
    "desktop": {"viewport": {"width": 1280, "height": 800}, "device_scale_factor": 1},
}


def our_url(pattern: str, lang: str, **fields: str) -> str:
    """Root-relative URL of a page our plugins write, from its pattern in the settings."""
    return "/" + pattern.format(prefix=LANGS[lang]["prefix"], **fields)


def template_url(template: str, lang: str) -> str:
    """Root-relative URL of one page built with `template`, in `lang`."""
    listings = SETTINGS["LISTING_URLS"]
    urls = {
        "home": our_url(listings["index"], lang),
        "story": PUBLISHED[FIRST_STORY, lang],
        "campaign": PUBLISHED[CAMPAIGN, lang],
        "page": PUBLISHED["about", lang],
        "stories": our_url(listings["stories"], lang),
        "campaigns": our_url(listings["campaigns"], lang),
        "fund-use": PUBLISHED["fund-use", lang],
        "gift-chain": PUBLISHED["passing-on-the-gift", lang],
        "partner": PUBLISHED["partner", lang],
        "partner-brief": our_url(SETTINGS["PARTNER_BRIEF_URL"], lang, campaign=CAMPAIGN),
        "thank-you": PUBLISHED["thank-you", lang],
        "report": PUBLISHED[f"{CAMPAIGN}-2026-07", lang],
        "reports": our_url(SETTINGS["REPORT_LISTING_URL"], lang, campaign=CAMPAIGN),
    }
    return urls[template]


TEMPLATES = [
    "home",
    "story",
    "campaign",
    "page",
    "stories",
    "campaigns",
    "fund-use",
    "gift-chain",
    "partner",
    "partner-brief",
    "thank-you",
    "report",
    "reports",
]
TEMPLATE_PAGES = [(t, lang) for t in TEMPLATES for lang in LANGS]

# Findings the tests want shown at the end of the run (moderate axe findings,
# page weights): section title -> lines.
SUMMARY: dict[str, list[str]] = {}


def is_tab_icon(url: str) -> bool:
    """The favicon Chromium fetches for its tab, on its own schedule, not the page's.

    Its "request finished" event sometimes never arrives (Playwright filters
    /favicon.ico for that reason, not our hashed SVG), which left a page
    "in flight" for 15 s in CI; whether it loads is still checked, by its response.
    """
    return urlsplit(url).path.rsplit("/", 1)[-1].startswith("favicon")


@dataclass
class Visit:
    """One browser tab with everything it did written down."""

    page: object
    base_url: str
    requests: list = field(default_factory=list)  # (resource type, url)
    responses: list = field(default_factory=list)  # playwright Response objects
    console_errors: list = field(default_factory=list)
    failures: list = field(default_factory=list)
    in_flight: set = field(default_factory=set)  # requests sent and not yet answered

    def goto(self, url: str, settle: bool = True):
        """Open `url`; with `settle`, wait until every request it started has been answered."""
        response = self.page.goto(self.base_url + url)
        if settle:
            self.settle()
        return response

    def settle(self, quiet: float = 0.05, limit: float = 15.0) -> None:
        """Wait for `load`, then until no request has been in flight for `quiet` seconds.

        Playwright's "networkidle" waits a fixed 500 ms after the last request;
        counting the requests ourselves ends as soon as the page is done (about
        90 s of the suite's browser time).
        """
        self.page.wait_for_load_state("load")
        deadline = time.monotonic() + limit
        quiet_since = None
        while time.monotonic() < deadline:
            if self.in_flight:
                quiet_since = None
            elif quiet_since is None:
                quiet_since = time.monotonic()
            elif time.monotonic() - quiet_since >= quiet:
                return
            self.page.wait_for_timeout(10)  # lets Playwright deliver the request events
        raise AssertionError(
            f"requests still in flight after {limit} s: {sorted(r.url for r in self.in_flight)}"
        )

    @property
    def path(self) -> str:
        return urlsplit(self.page.url).path

    def foreign_requests(self) -> list[str]:
        return [
            url
            for _, url in self.requests
            if urlsplit(url).scheme not in ("data", "blob", "about") and urlsplit(url).hostname != HOST
        ]

    def horizontal_overflow(self) -> int:
        """CSS pixels the page is wider than the window (0: no sideways scrolling)."""
        return self.page.evaluate(
            "Math.max(document.documentElement.scrollWidth, document.body.scrollWidth)"
            " - document.documentElement.clientWidth"
        )

    def assert_clean(self):
        assert not self.foreign_requests(), f"requests left {HOST}: {self.foreign_requests()}"
        assert not self.console_errors, f"console errors: {self.console_errors}"
        assert not self.failures, f"failed requests: {self.failures}"


def recorded_tab(browser, base_url: str, viewport: str = "desktop", javascript: bool = True):
    """(context, Visit): a new, empty browser profile with one tab that records everything."""
    context = browser.new_context(
        **VIEWPORTS[viewport], java_script_enabled=javascript, service_workers="block"
    )
    page = context.new_page()
    visit = Visit(page, base_url)

    def on_request(request):
        visit.requests.append((request.resource_type, request.url))
        if not is_tab_icon(request.url):
            visit.in_flight.add(request)

    def on_done(request):
        visit.in_flight.discard(request)

    def on_response(response):
        visit.responses.append(response)
        if response.status >= 400:
            visit.failures.append(f"{response.status} {response.url}")

    context.on("request", on_request)
    context.on("response", on_response)
    context.on("requestfinished", on_done)
    context.on("requestfailed", on_done)
    context.on("requestfailed", lambda r: visit.failures.append(f"{r.failure} {r.url}"))
    page.on("console", lambda m: m.type == "error" and visit.console_errors.append(m.text))
    page.on("pageerror", lambda e: visit.console_errors.append(str(e)))
    # Nothing may leave the machine: record it (above) and stop it here.
    context.route(
        lambda url: urlsplit(url).hostname not in (HOST, None),
        lambda route: route.abort("blockedbyclient"),
    )
    return context, visit
