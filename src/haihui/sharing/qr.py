"""QR codes (segno): inline SVG for the print pages, a Pillow image for the posters.

Error correction M (15 % of the code may be smudged or folded and it still
scans) and the quiet zone of four modules that scanners need around it.
"""

import segno
from PIL import Image

ERROR_CORRECTION = "m"
QUIET_ZONE = 4  # modules of white around the code


def _code(address: str) -> segno.QRCode:
    return segno.make_qr(address, error=ERROR_CORRECTION, boost_error=False)


def qr_svg(address: str) -> str:
    """An inline `<svg>` (no XML declaration) that scales to its box.

    Hidden from screen readers: the page writes the address out beside it (a
    QR code is a picture of text the reader already has).
    """
    code = _code(address)
    svg = code.svg_inline(scale=1, border=QUIET_ZONE, dark="#000", light="#fff", omitsize=True)
    return svg.replace("<svg ", '<svg aria-hidden="true" focusable="false" data-qr ', 1)


def qr_image(address: str, size: int) -> Image.Image:
    """The code as a black-on-white image at most `size` pixels square, whole modules only."""
    code = _code(address)
    matrix = [list(row) for row in code.matrix]
    modules = len(matrix) + 2 * QUIET_ZONE
    scale = max(1, size // modules)
    small = Image.new("1", (modules, modules), 1)
    pixels = small.load()
    assert pixels is not None
    for y, row in enumerate(matrix):
        for x, dark in enumerate(row):
            if dark:
                pixels[x + QUIET_ZONE, y + QUIET_ZONE] = 0
    return small.resize((modules * scale, modules * scale), Image.Resampling.NEAREST).convert("L")
