"""Lighthouse on the served site, in Debian's Chromium, as a phone: `make audit`.

Builds the preview site into a temporary folder with its origin set to the
address it is served from, serves it on 127.0.0.1 (a free port, gzip for text
as a CDN would), runs Lighthouse 12 (npm, package-lock.json) in mobile mode on
the home page, a story and the campaign in each language, and writes:

  audit/<page>.report.html and .report.json   Lighthouse's own reports
  audit/scores.json, audit/scores.md          the four category scores per page

Not part of the test suite: Lighthouse's scores vary a little between runs.
"""

from __future__ import annotations

import argparse
import functools
import gzip
import http.server
import io
import json
import os
import shutil
import subprocess
import sys
import tempfile
import threading
from datetime import UTC, datetime
from pathlib import Path
from typing import ClassVar

from haihui.build import run_pelican

ROOT = Path(__file__).resolve().parents[1]

AUDIT_DIR = ROOT / "audit"
LIGHTHOUSE = ROOT / "node_modules" / ".bin" / "lighthouse"
CHROMIUM = Path("/usr/bin/chromium")
CATEGORIES = ["performance", "accessibility", "best-practices", "seo"]
# What this machine's Chromium needs (see tests/browser/browsing.py); Lighthouse's
# chrome-launcher adds a fresh, empty user-data-dir of its own.
CHROME_FLAGS = (
    "--headless=new --no-sandbox --disable-gpu --disable-quic --no-first-run "
    "--disable-background-networking --disable-component-update --disable-sync"
)
METRICS = [
    "first-contentful-paint",
    "largest-contentful-paint",
    "total-blocking-time",
    "cumulative-layout-shift",
]
TEXT_TYPES = ("text/", "application/xml", "application/json", "application/atom+xml", "image/svg+xml")


class GzipHandler(http.server.SimpleHTTPRequestHandler):
    """Static files; text types gzip-compressed when the browser accepts it."""

    extensions_map: ClassVar[dict[str, str]] = {
        **http.server.SimpleHTTPRequestHandler.extensions_map,
        ".webp": "image/webp",
        ".avif": "image/avif",
        ".svg": "image/svg+xml",
        ".woff2": "font/woff2",
        ".css": "text/css; charset=utf-8",
    }

    def send_head(self):
        path = Path(self.translate_path(self.path))
        if path.is_dir() and self.path.split("?")[0].endswith("/"):
            path = path / "index.html"
        ctype = self.guess_type(str(path))
        if (
            not path.is_file()
            or "gzip" not in self.headers.get("Accept-Encoding", "")
            or not ctype.startswith(TEXT_TYPES)
        ):
            return super().send_head()
        body = gzip.compress(path.read_bytes(), compresslevel=6)
        self.send_response(200)
        self.send_header("Content-Type", ctype)
        self.send_header("Content-Encoding", "gzip")
        self.send_header("Content-Length", str(len(body)))
        self.send_header("Cache-Control", "max-age=3600")
        self.end_headers()
        return io.BytesIO(body)

    def log_message(self, format, *args):
        pass


def default_pages() -> list[tuple[str, str]]:
    story = sorted(p.name.split(".")[0] for p in (ROOT / "content/stories").glob("*.en.md"))[0]
    return [
        ("home-en", "/"),
        ("home-zh", "/zh/"),
        ("story-en", f"/stories/{story}/"),
        ("story-zh", f"/zh/stories/{story}/"),
        ("campaign-en", "/campaigns/left-behind-mothers/"),
        ("campaign-zh", "/zh/campaigns/left-behind-mothers/"),
    ]


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--pages", default="", help="comma-separated root-relative URLs (default: see above)")
    args = parser.parse_args()
    if not LIGHTHOUSE.exists():
        sys.exit("Lighthouse is not installed: run `npm ci` in the project folder (`make audit` does it).")
    chromium = os.environ.get("CHROME_PATH") or (
        str(CHROMIUM) if CHROMIUM.exists() else shutil.which("chromium")
    )
    if not chromium:
        sys.exit("Chromium is needed: install Debian's package with `sudo apt-get install chromium`.")
    pages = [
        (url.strip("/").replace("/", "-") or "home", url) for url in args.pages.split(",") if url
    ] or default_pages()

    if (
        shutil.which("fc-list")
        and not subprocess.run(
            ["fc-list", ":lang=zh"], capture_output=True, text=True, check=False
        ).stdout.strip()
    ):
        print(
            "Warning: no Chinese font is installed, so Chromium lays out Chinese pages slowly and the\n"
            "scores of /zh/ pages come out too low (Debian: sudo apt-get install fonts-noto-cjk).",
            file=sys.stderr,
        )
    with tempfile.TemporaryDirectory(prefix="haihui-audit-") as tmp:
        handler = functools.partial(GzipHandler, directory=tmp)
        server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
        origin = f"http://127.0.0.1:{server.server_port}"
        built = run_pelican("pelicanconf.py", Path(tmp), extra={"SITE_ORIGIN": json.dumps(origin)})
        if built.returncode != 0:
            sys.stderr.write(built.stdout + built.stderr)
            sys.exit("The build failed: nothing was audited.")
        threading.Thread(target=server.serve_forever, daemon=True).start()
        AUDIT_DIR.mkdir(exist_ok=True)
        scores = {}
        try:
            for name, url in pages:
                print(f"Lighthouse {origin}{url} ...", flush=True)
                run = subprocess.run(
                    [
                        str(LIGHTHOUSE),
                        origin + url,
                        "--quiet",
                        "--no-enable-error-reporting",
                        "--form-factor=mobile",
                        f"--only-categories={','.join(CATEGORIES)}",
                        f"--chrome-flags={CHROME_FLAGS}",
                        "--output=json",
                        "--output=html",
                        f"--output-path={AUDIT_DIR / name}",
                    ],
                    env={**os.environ, "CHROME_PATH": chromium},
                    capture_output=True,
                    text=True,
                    check=False,
                )
                if run.returncode != 0:
                    sys.stderr.write(run.stdout + run.stderr)
                    sys.exit(f"Lighthouse failed on {url}.")
                report = json.loads((AUDIT_DIR / f"{name}.report.json").read_text("utf-8"))
                scores[url] = {c: round(report["categories"][c]["score"] * 100) for c in CATEGORIES}
                scores[url]["metrics"] = {
                    m: report["audits"][m]["displayValue"].replace("\xa0", " ") for m in METRICS
                }
                weighed = {
                    ref["id"]
                    for category in CATEGORIES
                    for ref in report["categories"][category]["auditRefs"]
                    if ref["weight"] > 0
                }
                scores[url]["failing"] = sorted(
                    audit_id
                    for audit_id in weighed
                    if (
                        report["audits"][audit_id]["score"] is not None
                        and report["audits"][audit_id]["score"] < 1
                    )
                )
        finally:
            server.shutdown()
            server.server_close()

    version = json.loads((ROOT / "node_modules/lighthouse/package.json").read_text())["version"]
    browser = subprocess.run(
        [chromium, "--version"], capture_output=True, text=True, check=False
    ).stdout.strip()
    when = datetime.now(UTC).strftime("%Y-%m-%d %H:%M UTC")
    (AUDIT_DIR / "scores.json").write_text(
        json.dumps(
            {
                "lighthouse": version,
                "browser": browser,
                "when": when,
                "form_factor": "mobile",
                "scores": scores,
            },
            indent=2,
            ensure_ascii=False,
        )
        + "\n",
        "utf-8",
    )
    lines = [
        f"Lighthouse {version}, {browser}, mobile (simulated throttling), {when}",
        "",
        "| page | performance | accessibility | best practices | SEO | FCP | LCP | TBT | CLS |",
        "| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |",
    ]
    lines += [
        f"| `{url}` | "
        + " | ".join([str(s[c]) for c in CATEGORIES] + [s["metrics"][m] for m in METRICS])
        + " |"
        for url, s in scores.items()
    ]
    failing = sorted({a for s in scores.values() for a in s["failing"]})
    if failing:
        lines += ["", "Audits below 1 on some page: " + ", ".join(failing)]
    (AUDIT_DIR / "scores.md").write_text("\n".join(lines) + "\n", "utf-8")
    print("\n".join(lines))
    print(f"\nReports in {AUDIT_DIR.relative_to(ROOT)}/ (open the .report.html files in a browser).")
    return 0


if __name__ == "__main__":
    sys.exit(main())
