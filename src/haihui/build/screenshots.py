"""Screenshots of the pages staff check, for the staff guides: `make screenshots`.

Builds the site with the preview settings into a temporary folder, serves it
on 127.0.0.1 and photographs, with the browser tests' set-up (Debian's
Chromium driven by Playwright, haihui.build.browser), the home page, a story,
a campaign page with its giving tiers, the preview problems page and the
fund-use page, in each language, on a phone (390 x 844) and a desktop
(1280 x 800). The pictures go to docs/screenshots/<page>-<lang>-<viewport>.png,
where the staff guides show them.

Rerun on an unchanged site on the same machine, they come out the same, byte
for byte: a fixed window and time zone, animations and the text cursor off,
every picture loaded (lazy ones too) and the fonts ready before the shot, one
device pixel per CSS pixel, and the PNG reduced to a fixed palette by Pillow
with no dithering and no metadata. Fonts are the machine's own (the theme
uses system fonts only): on Debian, Chinese text needs `fonts-noto-cjk`, and
another machine's fonts give slightly different pictures.
"""

from __future__ import annotations

import io
import os
import shutil
import subprocess
import tempfile
from collections.abc import Iterable
from dataclasses import dataclass
from http import HTTPStatus
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

from haihui.build import ROOT, run_pelican
from haihui.build.browser import CHROMIUM, CHROMIUM_ARGS, HOST, serve

SCREENSHOTS = ROOT / "docs" / "screenshots"
SETTINGS_FILE = "pelicanconf.py"
PAGES = ("home", "story", "campaign", "problems", "fund-use")
VIEWPORTS: dict[str, dict[str, Any]] = {
    "phone": {
        "viewport": {"width": 390, "height": 844},
        "device_scale_factor": 1,
        "is_mobile": True,
        "has_touch": True,
    },
    "desktop": {"viewport": {"width": 1280, "height": 800}, "device_scale_factor": 1},
}
# The part of the page a staff member checks: the top of the page, or the part
# that starts at this element (the giving tiers of a campaign page).
FOCUS = {"campaign": "#give-heading"}
# Rendering that does not depend on the moment: sRGB colours, no hinting
# differences between runs.
SCREENSHOT_ARGS = [*CHROMIUM_ARGS, "--force-color-profile=srgb", "--font-render-hinting=none"]
# No motion, no blinking cursor, no smooth scrolling.
STILL_CSS = """
*, *::before, *::after {
  animation: none !important; transition: none !important; caret-color: transparent !important;
  scroll-behavior: auto !important;
}
"""
COLOURS = 256  # the palette of each PNG (text and flat colours need few; photos band a little)
PROJECT_PARTS = ("content", "theme", "plugins", "pelicanconf.py", "publishconf.py")


@dataclass(frozen=True)
class Shot:
    """One screenshot: a page of the site in one language, in one window size."""

    page: str  # one of PAGES
    lang: str
    viewport: str  # a key of VIEWPORTS
    url: str  # root-relative, e.g. /zh/stories/adiniuniu/
    locale: str = "en"  # the browser's language: the page's own html lang

    @property
    def name(self) -> str:
        return f"{self.page}-{self.lang}-{self.viewport}"


def page_urls(settings: dict, published: list, lang: str, story: str, campaign: str) -> dict[str, str]:
    """Root-relative URL of each page of PAGES in `lang`; `published`: published_pages()."""
    prefix = settings["LANGUAGES"][lang]["prefix"]
    own = {(source.slug, source.lang): url for source, url in published}
    urls = {
        "home": settings["LISTING_URLS"]["index"].format(prefix=prefix),
        "story": own[story, lang],
        "campaign": own[campaign, lang],
        "problems": settings["CHECK_REPORT_URL"].format(prefix=prefix),
        "fund-use": own["fund-use", lang],
    }
    return {page: "/" + url for page, url in urls.items()}


def staff_shots(root: Path = ROOT, site: Path | None = None) -> list[Shot]:
    """Every screenshot of the staff guides: PAGES x the site's languages x VIEWPORTS.

    The story and the campaign are the first by slug; given the built `site`,
    the first that it has (a draft or a story taken down is not built).
    """
    from haihui.content.project import published_pages
    from haihui.listings import save_as
    from haihui.settings import read_settings

    settings = read_settings(SETTINGS_FILE, root=root)
    cwd = Path.cwd()
    os.chdir(root)  # the content is read as the checks read it, from the project folder
    try:
        published = published_pages(settings)
    finally:
        os.chdir(cwd)

    def first(kind: str, template: str | None = None) -> str:
        found = sorted(
            (source.slug, url)
            for source, url in published
            if source.kind == kind
            and source.lang == settings["DEFAULT_LANG"]
            and source.front.values.get("template") == template
        )
        built = [slug for slug, url in found if site is None or (site / save_as(url)).is_file()]
        return (built or [slug for slug, _ in found])[0]

    story, campaign = first("story"), first("page", "campaign")
    return [
        Shot(page, lang, viewport, urls[page], spec["html_lang"])
        for page in PAGES
        for lang, spec in settings["LANGUAGES"].items()
        for urls in [page_urls(settings, published, lang, story, campaign)]
        for viewport in VIEWPORTS
    ]


def optimise_png(png: bytes, colours: int = COLOURS) -> bytes:
    """The screenshot with a palette of at most `colours` (no dithering), compressed
    as far as Pillow goes, without metadata: the same picture gives the same bytes."""
    from PIL import Image

    with Image.open(io.BytesIO(png)) as image:
        reduced = image.convert("RGB").quantize(
            colors=colours, method=Image.Quantize.MEDIANCUT, dither=Image.Dither.NONE
        )
    out = io.BytesIO()
    reduced.save(out, "PNG", optimize=True)
    return out.getvalue()


def take(site: Path, shots: Iterable[Shot], into: Path, chromium: str | Path = CHROMIUM) -> list[Path]:
    """Photograph each of `shots` on the built site in `site`; the PNGs go into `into`.

    Nothing leaves 127.0.0.1: any other request is stopped. Returns the files written.
    """
    from playwright.sync_api import sync_playwright

    into.mkdir(parents=True, exist_ok=True)
    written = []
    with serve(site) as base_url, sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=str(chromium), args=SCREENSHOT_ARGS)
        try:
            for shot in shots:
                context = browser.new_context(
                    **VIEWPORTS[shot.viewport],
                    locale=shot.locale,
                    timezone_id="Asia/Shanghai",
                    color_scheme="light",
                    reduced_motion="reduce",
                    service_workers="block",
                )
                try:
                    context.route(
                        lambda url: urlsplit(url).hostname not in (HOST, None),
                        lambda route: route.abort("blockedbyclient"),
                    )
                    page = context.new_page()
                    response = page.goto(base_url + shot.url, wait_until="networkidle")
                    if response is None or response.status != HTTPStatus.OK:
                        status = response.status if response else "no answer"
                        raise RuntimeError(f"{shot.url} is not a page of the built site ({status})")
                    page.add_style_tag(content=STILL_CSS)
                    _settle(page, FOCUS.get(shot.page))
                    png = page.screenshot(animations="disabled", caret="hide", scale="css")
                finally:
                    context.close()
                path = into / f"{shot.name}.png"
                path.write_bytes(optimise_png(png))
                written.append(path)
        finally:
            browser.close()
    return written


def _settle(page, focus: str | None) -> None:
    """Load every picture (lazy ones too) and the fonts; scroll `focus` (a CSS selector) to the top."""
    page.evaluate(
        """async () => {
          for (const img of document.images) img.loading = "eager";
          const pending = [...document.images].filter(img => !img.complete);
          await Promise.all(pending.map(img => img.decode().catch(() => null)));
          await document.fonts.ready;
        }"""
    )
    if focus and page.locator(focus).count():
        page.evaluate(
            """selector => {
              const top = document.querySelector(selector).getBoundingClientRect().top + window.scrollY;
              window.scrollTo(0, Math.max(0, top - 16));
            }""",
            focus,
        )
    page.wait_for_load_state("networkidle")
    page.evaluate("() => new Promise(done => requestAnimationFrame(() => requestAnimationFrame(done)))")


def build(into: Path, root: Path = ROOT, settings_file: str = SETTINGS_FILE) -> Path:
    """The site built with the preview settings into `into` (which Pelican fills)."""
    result = run_pelican(settings_file, into, cwd=root)
    if result.returncode != 0:
        raise RuntimeError("the build failed:\n" + result.stdout + result.stderr)
    return into


def build_with_a_warning(folder: Path, root: Path = ROOT) -> Path:
    """A copy of the project, with one deliberate warning (a typed price on the
    About page), built into folder/site: its preview problems page exists."""
    project = folder / "project"
    for part in PROJECT_PARTS:
        source = root / part
        if source.is_dir():
            shutil.copytree(source, project / part, ignore=shutil.ignore_patterns("__pycache__", "*.pyc"))
        else:
            shutil.copy2(source, project / part)
    cache = root / ".cache" / "images"
    if cache.is_dir():  # the pictures already encoded: the copy need not encode them again
        shutil.copytree(cache, project / ".cache" / "images")
    about = project / "content" / "pages" / "about.en.md"
    about.write_text(about.read_text("utf-8").rstrip("\n") + "\n\nA pigsty costs 1,000 yuan.\n", "utf-8")
    return build(folder / "site", root=project)


def chinese_font_missing() -> bool:
    """True where fontconfig says no font covers Chinese (the /zh/ pictures would show boxes)."""
    if not shutil.which("fc-list"):
        return False
    found = subprocess.run(["fc-list", ":lang=zh"], capture_output=True, text=True, check=False)
    return not found.stdout.strip()


def make_screenshots(
    into: Path = SCREENSHOTS, root: Path = ROOT, chromium: str | Path = CHROMIUM
) -> list[Path]:
    """Every screenshot of the staff guides (staff_shots), written into `into`."""
    with tempfile.TemporaryDirectory(prefix="haihui-screenshots-") as tmp:
        site = build(Path(tmp) / "site", root=root)
        shots = staff_shots(root, site)
        problems = [s for s in shots if s.page == "problems"]
        others = [s for s in shots if s.page != "problems"]
        written = take(site, others, into, chromium)
        if not all((site / s.url.lstrip("/") / "index.html").is_file() for s in problems):
            site = build_with_a_warning(Path(tmp) / "warned", root=root)
        written += take(site, problems, into, chromium)
    order = {s.name: n for n, s in enumerate(shots)}
    return sorted(written, key=lambda p: order[p.stem])
