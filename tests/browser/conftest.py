"""The built site in a real Chromium (Debian's /usr/bin/chromium), served on 127.0.0.1.

The suite serves the `site` fixture's output itself, from a thread, on a free
port; Playwright drives the machine's Chromium (never a downloaded browser),
with the flags and the server of haihui.build.browser (as `make screenshots`).
Every page a test opens records every request, console message and failed
response, so a test can say "nothing left 127.0.0.1 and nothing went wrong".
Whether Chromium is there is decided once, in tests/conftest.py.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from conftest import SUMMARY_PROPERTY
from haihui.build.browser import CHROMIUM_ARGS, serve

from .browsing import SUMMARY, Visit, recorded_tab


@pytest.fixture(autouse=True)
def _summary_of_this_test(record_property):
    """What a test added to SUMMARY, passed on with its report: with pytest-xdist the test
    runs in a worker, and tests/conftest.py prints the summary in the process that reports."""
    before = {title: len(lines) for title, lines in SUMMARY.items()}
    yield
    for title, lines in SUMMARY.items():
        record_property(SUMMARY_PROPERTY, (title, lines[before.get(title, 0) :]))


# ---------------------------------------------------------------- the server
@pytest.fixture(scope="session")
def base_url(site) -> str:
    """http://127.0.0.1:<free port>, serving the built site until the run ends."""
    with serve(site.root) as url:
        yield url


# ---------------------------------------------------------------- the browser
@pytest.fixture(scope="session")
def browser(chromium_executable):
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        chromium = playwright.chromium.launch(executable_path=chromium_executable, args=CHROMIUM_ARGS)
        yield chromium
        chromium.close()


@pytest.fixture
def open_tab(browser, base_url):
    """open_tab(viewport_name, javascript=True) -> Visit, in a new, empty browser profile."""
    contexts = []

    def _open(viewport: str = "desktop", javascript: bool = True) -> Visit:
        context, visit = recorded_tab(browser, base_url, viewport, javascript)
        contexts.append(context)
        return visit

    yield _open
    for context in contexts:
        context.close()


def pytest_collection_modifyitems(items):
    here = Path(__file__).parent
    for item in items:
        if here in Path(str(item.fspath)).parents:
            item.add_marker(pytest.mark.browser)
            # These run no code of the core in this process (the site they browse is built
            # by the `site` fixture, which coverage measures): no tracing of Playwright's
            # client, which made each of them several times slower under `--cov`.
            item.add_marker(pytest.mark.no_cover)
