"""The built site in a real Chromium (Debian's /usr/bin/chromium), served on 127.0.0.1.

The suite serves the `site` fixture's output itself, from a thread, on a free
port; Playwright drives the machine's Chromium (never a downloaded browser).
Every page a test opens records every request, console message and failed
response, so a test can say "nothing left 127.0.0.1 and nothing went wrong".
Whether Chromium is there is decided once, in tests/conftest.py.
"""

from __future__ import annotations

import functools
import http.server
import threading
from pathlib import Path
from typing import ClassVar
from urllib.parse import urlsplit

import pytest

from .browsing import CHROMIUM_ARGS, HOST, SUMMARY, VIEWPORTS, Visit


def pytest_terminal_summary(terminalreporter):
    for title, lines in SUMMARY.items():
        terminalreporter.section(title, sep="-")
        for line in sorted(lines) or ["(none)"]:
            terminalreporter.write_line(line)


# ---------------------------------------------------------------- the server
class _QuietHandler(http.server.SimpleHTTPRequestHandler):
    extensions_map: ClassVar[dict[str, str]] = {
        **http.server.SimpleHTTPRequestHandler.extensions_map,
        ".webp": "image/webp",
        ".avif": "image/avif",
        ".svg": "image/svg+xml",
        ".woff2": "font/woff2",
        ".xml": "application/xml",
        ".json": "application/json",
        ".csv": "text/csv; charset=utf-8",
        ".css": "text/css; charset=utf-8",
    }

    def log_message(self, format, *args):
        pass


@pytest.fixture(scope="session")
def base_url(site) -> str:
    """http://127.0.0.1:<free port>, serving the built site until the run ends."""
    handler = functools.partial(_QuietHandler, directory=str(site.root))
    server = http.server.ThreadingHTTPServer((HOST, 0), handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://{HOST}:{server.server_port}"
    server.shutdown()
    server.server_close()


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
        context = browser.new_context(
            **VIEWPORTS[viewport], java_script_enabled=javascript, service_workers="block"
        )
        contexts.append(context)
        page = context.new_page()
        visit = Visit(page, base_url)

        def on_request(request):
            visit.requests.append((request.resource_type, request.url))

        def on_response(response):
            visit.responses.append(response)
            if response.status >= 400:
                visit.failures.append(f"{response.status} {response.url}")

        context.on("request", on_request)
        context.on("response", on_response)
        context.on("requestfailed", lambda r: visit.failures.append(f"{r.failure} {r.url}"))
        page.on("console", lambda m: m.type == "error" and visit.console_errors.append(m.text))
        page.on("pageerror", lambda e: visit.console_errors.append(str(e)))
        # Nothing may leave the machine: record it (above) and stop it here.
        context.route(
            lambda url: urlsplit(url).hostname not in (HOST, None),
            lambda route: route.abort("blockedbyclient"),
        )
        return visit

    yield _open
    for context in contexts:
        context.close()


def pytest_collection_modifyitems(items):
    here = Path(__file__).parent
    for item in items:
        if here in Path(str(item.fspath)).parents:
            item.add_marker(pytest.mark.browser)
