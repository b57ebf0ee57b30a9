"""Draw the illustrations of the sample stories (flat shapes, no people, no photographs).

The sample stories must not show photos presented as the real women, so
their hero pictures are drawings made here: mountains of the Daliang range,
terraced fields, a pigsty and black pigs. Staff replace them with photos she
consented to. The PNG files are committed; run this only to redraw them:

    .venv/bin/python -m haihui.pictures.illustrations content/images/illustrations

(with `plugins` on PYTHONPATH, as tests and tasks have it).
"""

import random
import sys
from pathlib import Path

from PIL import Image, ImageDraw

WIDTH, HEIGHT = 1600, 1000
SCALE = 2  # drawn at twice the size, then reduced: smooth edges without anti-aliasing support

SKY_TOP, SKY_BOTTOM = (250, 228, 196), (255, 246, 230)
SUN = (240, 170, 80)
RIDGES = [(167, 176, 160), (122, 140, 110), (86, 112, 72), (55, 88, 45)]
FIELD = [(196, 160, 96), (176, 140, 80), (150, 170, 90)]
EARTH = (140, 96, 62)
WALL, ROOF = (190, 140, 96), (92, 58, 40)
PIG, PIG_SNOUT = (38, 34, 36), (96, 78, 80)
PATH = (222, 196, 150)
SCHOOL, SCHOOL_ROOF, FLAG = (236, 226, 206), (150, 60, 44), (200, 40, 40)


def _vertical_gradient(draw, box, top, bottom):
    x0, y0, x1, y1 = box
    for y in range(y0, y1):
        t = (y - y0) / max(1, y1 - y0 - 1)
        colour = tuple(round(a + (b - a) * t) for a, b in zip(top, bottom, strict=True))
        draw.line([(x0, y), (x1, y)], fill=colour)


def _ridge(draw, rng, base_y, amplitude, colour, width):
    points, x = [(0, base_y)], 0
    while x < width:
        x += rng.randint(width // 14, width // 7)
        points.append((min(x, width), base_y - rng.randint(0, amplitude)))
    draw.polygon([*points, (width, HEIGHT * SCALE), (0, HEIGHT * SCALE)], fill=colour)


def _terraces(draw, rng, top, count, width):
    for i in range(count):
        y = top + i * 34 * SCALE
        wobble = [(x, y + rng.randint(-8, 8) * SCALE) for x in range(0, width + 200, 200 * SCALE)]
        draw.line(wobble, fill=FIELD[i % len(FIELD)], width=14 * SCALE, joint="curve")


def _pigsty(draw, x, y, size):
    s = size * SCALE
    draw.rectangle([x, y, x + s, y + int(s * 0.6)], fill=WALL)
    draw.polygon([(x - s // 8, y), (x + s // 2, y - int(s * 0.45)), (x + s + s // 8, y)], fill=ROOF)
    draw.rectangle([x + int(s * 0.38), y + int(s * 0.25), x + int(s * 0.62), y + int(s * 0.6)], fill=EARTH)


def _pig(draw, x, y, size, facing=1):
    s = size * SCALE
    draw.ellipse([x, y, x + s, y + int(s * 0.6)], fill=PIG)
    head_x = x + s - s // 6 if facing > 0 else x - s // 6
    draw.ellipse([head_x, y + s // 10, head_x + int(s * 0.38), y + int(s * 0.45)], fill=PIG)
    snout_x = head_x + int(s * 0.3) if facing > 0 else head_x - s // 20
    draw.ellipse([snout_x, y + int(s * 0.22), snout_x + s // 8, y + int(s * 0.34)], fill=PIG_SNOUT)
    ear_x = head_x + s // 10
    ear = [(ear_x, y + s // 6), (ear_x + s // 14, y + s // 30), (ear_x + s // 6, y + s // 6)]
    draw.polygon(ear, fill=PIG)
    tail_x = x - s // 10 if facing > 0 else x + s - s // 40
    draw.arc([tail_x, y + s // 10, tail_x + s // 8, y + s // 4], 90, 360, fill=PIG, width=3 * SCALE)
    for leg in (0.18, 0.38, 0.62, 0.8):
        lx = x + int(s * leg)
        draw.rectangle([lx, y + int(s * 0.5), lx + s // 14, y + int(s * 0.72)], fill=PIG)


def _school(draw, x, y, size):
    s = size * SCALE
    draw.rectangle([x, y, x + s, y + s // 2], fill=SCHOOL)
    draw.polygon([(x - s // 10, y), (x + s // 2, y - s // 4), (x + s + s // 10, y)], fill=SCHOOL_ROOF)
    for i in range(3):
        wx = x + s // 8 + i * s // 3
        draw.rectangle([wx, y + s // 8, wx + s // 6, y + s // 4], fill=(120, 150, 180))
    pole = x + s + s // 4
    draw.line([(pole, y + s // 2), (pole, y - s // 2)], fill=(90, 90, 90), width=3 * SCALE)
    draw.rectangle([pole, y - s // 2, pole + s // 4, y - s // 3], fill=FLAG)


def _landscape(seed: int) -> tuple[Image.Image, ImageDraw.ImageDraw, random.Random]:
    rng = random.Random(seed)
    w, h = WIDTH * SCALE, HEIGHT * SCALE
    image = Image.new("RGB", (w, h))
    draw = ImageDraw.Draw(image)
    _vertical_gradient(draw, (0, 0, w, h), SKY_TOP, SKY_BOTTOM)
    draw.ellipse([w * 0.72, h * 0.1, w * 0.72 + 150 * SCALE, h * 0.1 + 150 * SCALE], fill=SUN)
    for i, colour in enumerate(RIDGES):
        _ridge(draw, rng, int(h * (0.42 + i * 0.12)), int(h * (0.2 - i * 0.03)), colour, w)
    _terraces(draw, rng, int(h * 0.8), 6, w)
    return image, draw, rng


def passing_on_the_gift() -> Image.Image:
    """Two homesteads on a hillside, a path between them and a piglet on its way."""
    image, draw, _ = _landscape(seed=14)
    w, h = image.size
    draw.line(
        [(int(w * 0.24), int(h * 0.8)), (int(w * 0.5), int(h * 0.86)), (int(w * 0.76), int(h * 0.78))],
        fill=PATH,
        width=26 * SCALE,
        joint="curve",
    )
    _pigsty(draw, int(w * 0.1), int(h * 0.62), 260)
    _pigsty(draw, int(w * 0.72), int(h * 0.6), 220)
    _pig(draw, int(w * 0.2), int(h * 0.78), 150)
    _pig(draw, int(w * 0.47), int(h * 0.8), 90)
    return image.resize((WIDTH, HEIGHT), Image.Resampling.LANCZOS)


def school_fees() -> Image.Image:
    """A homestead with its black pigs above a valley, and the village school beyond."""
    image, draw, _ = _landscape(seed=7)
    w, h = image.size
    draw.line(
        [(int(w * 0.3), int(h * 0.84)), (int(w * 0.62), int(h * 0.74))],
        fill=PATH,
        width=24 * SCALE,
        joint="curve",
    )
    _pigsty(draw, int(w * 0.08), int(h * 0.64), 250)
    _pig(draw, int(w * 0.26), int(h * 0.8), 140)
    _pig(draw, int(w * 0.42), int(h * 0.85), 100)
    _school(draw, int(w * 0.64), int(h * 0.62), 280)
    return image.resize((WIDTH, HEIGHT), Image.Resampling.LANCZOS)


ILLUSTRATIONS = {"passing-on-the-gift.png": passing_on_the_gift, "school-fees.png": school_fees}


def main(folder: str) -> None:
    target = Path(folder)
    target.mkdir(parents=True, exist_ok=True)
    for name, draw in ILLUSTRATIONS.items():
        draw().save(target / name, optimize=True)
        print(f"wrote {target / name}")  # noqa: T201 - a command-line script: tells whoever ran it what it wrote


if __name__ == "__main__":
    main(sys.argv[1] if len(sys.argv) > 1 else "content/images/illustrations")
