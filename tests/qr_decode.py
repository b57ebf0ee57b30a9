"""Decode QR codes as a phone would: zxing-cpp reads the pixels.

A poster is a JPEG: read as it is. An inline SVG of a print page is drawn to
pixels first: segno draws a code as one path of horizontal strokes one module
high (`M4 4.5h7m1 0h3 ...`), which `svg_pixels` draws back, module by module.
"""

import re

import zxingcpp
from PIL import Image, ImageDraw

VIEWBOX = re.compile(r'viewBox="0 0 (\d+) (\d+)"')
STROKES = re.compile(r'<path[^>]*\bstroke="#000"[^>]*\bd="([^"]+)"')
TOKEN = re.compile(r"[MmHhVv]|-?\d+(?:\.\d+)?")


def decode(image: Image.Image) -> list[str]:
    return [result.text for result in zxingcpp.read_barcodes(image)]


def svg_pixels(svg: str, scale: int = 8) -> Image.Image:
    width, height = (int(n) for n in VIEWBOX.search(svg).groups())
    image = Image.new("L", (width * scale, height * scale), 255)
    draw = ImageDraw.Draw(image)
    x = y = 0.0
    tokens = TOKEN.findall(STROKES.search(svg).group(1))
    command, numbers = "", []
    for token in tokens:
        if token.isalpha():
            command, numbers = token, []
            continue
        numbers.append(float(token))
        if command in "Mm" and len(numbers) == 2:
            dx, dy = numbers
            x, y = (dx, dy) if command == "M" else (x + dx, y + dy)
            numbers = []
        elif command == "h" and len(numbers) == 1:
            row = int(y)  # strokes are drawn on the module's middle line, y + 0.5
            draw.rectangle(
                (x * scale, row * scale, (x + numbers[0]) * scale - 1, (row + 1) * scale - 1), fill=0
            )
            x += numbers[0]
            numbers = []
    return image


def decode_svg(svg: str) -> list[str]:
    return decode(svg_pixels(svg))
