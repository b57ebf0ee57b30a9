"""Make the site's bitmap icons from its colours: favicon.ico and apple-touch-icon.png.

The SVG icon (theme/static/images/favicon.svg) is what modern browsers show;
some browsers, WeChat's and iOS's home screen want bitmaps. This script draws
the same white "H" on the theme's leaf green (--leaf and --paper in
theme/static/css/main.css), with Pillow, and writes:

  theme/root/favicon.ico                    16, 32 and 48 px, rounded like the SVG;
                                            the build copies it to /favicon.ico
  theme/static/images/apple-touch-icon.png  180 x 180 px, square and opaque (iOS
                                            rounds the corners itself)

The files are committed. To regenerate them after a colour changes:

    .venv/bin/python tools/make_icons.py

The letter is drawn as rectangles, not from a font, so the result is the same
on every machine.
"""

from __future__ import annotations

import re
from pathlib import Path

from PIL import Image, ImageDraw

ROOT = Path(__file__).resolve().parents[1]
CSS = ROOT / "theme/static/css/main.css"
FAVICON = ROOT / "theme/root/favicon.ico"
TOUCH_ICON = ROOT / "theme/static/images/apple-touch-icon.png"
ICO_SIZES = (16, 32, 48)
TOUCH_SIZE = 180
SUPERSAMPLE = 8  # draw large, then shrink: smooth edges without a font renderer

# The SVG's 32-unit grid: corner radius 6; the "H" as (left, top, right, bottom) boxes.
GRID = 32
CORNER = 6
LETTER = ((10.0, 9.5, 13.0, 22.5), (19.0, 9.5, 22.0, 22.5), (12.0, 14.75, 20.0, 17.25))


def css_colour(name: str) -> str:
    """A custom property of main.css, e.g. css_colour("leaf") == "#2f5d1e"."""
    found = re.search(rf"--{name}:\s*(#[0-9a-fA-F]{{6}})\b", CSS.read_text("utf-8"))
    if not found:
        raise SystemExit(f"{CSS}: no --{name} colour")
    return found.group(1)


def draw(size: int, background: str, letter: str, rounded: bool) -> Image.Image:
    big = size * SUPERSAMPLE
    scale = big / GRID
    image = Image.new("RGBA", (big, big), (0, 0, 0, 0) if rounded else background)
    pen = ImageDraw.Draw(image)
    if rounded:
        pen.rounded_rectangle((0, 0, big - 1, big - 1), radius=round(CORNER * scale), fill=background)
    for left, top, right, bottom in LETTER:
        pen.rectangle((left * scale, top * scale, right * scale - 1, bottom * scale - 1), fill=letter)
    return image.resize((size, size), Image.Resampling.LANCZOS)


def main() -> None:
    leaf, white = css_colour("leaf"), "#ffffff"
    FAVICON.parent.mkdir(parents=True, exist_ok=True)
    largest = draw(max(ICO_SIZES), leaf, white, rounded=True)
    largest.save(
        FAVICON,
        format="ICO",
        sizes=[(s, s) for s in ICO_SIZES],
        append_images=[draw(s, leaf, white, rounded=True) for s in ICO_SIZES if s != max(ICO_SIZES)],
    )
    touch = draw(TOUCH_SIZE, leaf, white, rounded=False).convert("RGB")
    touch.save(TOUCH_ICON, format="PNG", optimize=True)
    for path in (FAVICON, TOUCH_ICON):
        print(f"wrote {path.relative_to(ROOT)} ({path.stat().st_size:,} bytes)")


if __name__ == "__main__":
    main()
