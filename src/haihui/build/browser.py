"""Debian's Chromium driven by Playwright, on a built site served on 127.0.0.1.

What the browser tests (tests/browser/) and the staff guide's screenshots
(`make screenshots`, haihui.build.screenshots) share: where Chromium is, the
flags it is started with, and a quiet static server for a folder of built
files. Playwright is a development requirement (requirements-dev.txt); it
always drives this machine's Chromium, never a browser it downloads.
"""

from __future__ import annotations

import contextlib
import functools
import http.server
import sys
import threading
from collections.abc import Iterator
from pathlib import Path

CHROMIUM = Path("/usr/bin/chromium")
HOST = "127.0.0.1"

# The flags this machine's Chromium needs: no background traffic to Google's
# hosts, no sandbox as root. Playwright adds --headless, --hide-scrollbars and
# a fresh, empty --user-data-dir of its own for every launch.
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]


# The types of the files the site is made of (Python's own table lacks some).
MIME_TYPES = {
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


class QuietHandler(http.server.SimpleHTTPRequestHandler):
    """Static files with the types the site uses, and no log line per request."""

    extensions_map = MIME_TYPES

    def log_message(self, format, *args):
        pass


class QuietServer(http.server.ThreadingHTTPServer):
    """No traceback when the browser hangs up first (a tab closed or moved on mid-load)."""

    def handle_error(self, request, client_address):
        if not isinstance(sys.exc_info()[1], ConnectionError):
            super().handle_error(request, client_address)


@contextlib.contextmanager
def serve(folder: Path) -> Iterator[str]:
    """Serve `folder` on http://127.0.0.1:<a free port> (yielded) until the block ends."""
    handler = functools.partial(QuietHandler, directory=str(folder))
    server = QuietServer((HOST, 0), handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://{HOST}:{server.server_port}"
    finally:
        server.shutdown()
        server.server_close()
        thread.join(timeout=10)
