"""The share images of a story or campaign: an Open Graph card and a WeChat poster.

- Open Graph (1200 x 630): the campaign, the page's title in its language and
  the organisation beside the page's picture; what WeChat, Weibo and other
  apps show as the link's preview.
- Poster (1080 x 1920, portrait): the picture, the campaign, the title, one
  line of the story, a tier ("CN¥1,000: A pigsty"), the organisation, and a QR
  code to the page: what people save and send in WeChat (long-press).

Both are JPEG (a photo compresses ten times better than in PNG) saved without
any metadata (no EXIF, no ICC profile), within their budgets: the quality is
stepped down until the file fits. The picture is the story's hero as the
picture pipeline published it (upright, stripped) or none: the caller decides
which picture may be shown (haihui.consent.photos_allowed); without one the
top is the site's sand colour.
"""

import io
import re
from dataclasses import dataclass

from PIL import Image, ImageDraw, ImageOps

from haihui.sharing.fonts import FontFace, font
from haihui.sharing.qr import qr_image

OG_SIZE = (1200, 630)
POSTER_SIZE = (1080, 1920)
OG_BUDGET = 100_000  # bytes
POSTER_BUDGET = 200_000
# The poster as the page shows it (and WeChat saves on a long-press): half size, its QR code
# still four pixels a module, within the page-weight budget of any picture a phone loads.
PREVIEW_SIZE = (540, 960)
PREVIEW_BUDGET = 110_000
QUALITIES = (86, 80, 74, 68, 62, 56, 50)  # tried in turn until the file fits its budget
LAYOUT = "2"  # part of every cache key: change it when the drawing below changes

# The theme's colours (theme/static/css/main.css).
INK = (31, 27, 22)
MUTED = (90, 82, 72)
PAPER = (255, 253, 248)
SAND = (244, 236, 223)
LEAF = (47, 93, 30)
WHITE = (255, 255, 255)

# A line may break before or after any CJK character, and between words elsewhere.
_TOKENS = re.compile(
    r"[\u2e80-\u9fff\uf900-\ufaff\u3000-\u303f\uff00-\uffef]|[^\s\u2e80-\u9fff\u3000-\u303f\uff00-\uffef]+|\s+"
)
# Chinese punctuation that never starts a line (it stays with the character before it).
_NO_LINE_START = set("，。、；：！？）》」』〉】…,.;:!?)")
ELLIPSIS = "…"


class OverBudget(ValueError):
    """An image that stays over its size budget at the lowest quality."""


@dataclass(frozen=True)
class ShareTexts:
    """Every word drawn on a page's share images, already in the page's language."""

    title: str
    line: str  # one line of the story: its summary
    campaign: str  # the campaign's title (a campaign page: "Campaign")
    tier: str  # one tier and its amount, from the data: "CN¥1,000: A pigsty"
    organisation: str
    call: str  # under the QR code: "Scan to read her story"


def wrap(text: str, typeface, width: int, max_lines: int) -> list[str]:
    """`text` in lines no wider than `width`, at most `max_lines` (the last ends in … if cut)."""
    tokens = _TOKENS.findall(" ".join(text.split()))
    lines: list[str] = []
    current = ""
    for token in tokens:
        candidate = current + token
        if typeface.getlength(candidate.rstrip()) <= width or not current.strip() or token in _NO_LINE_START:
            current = candidate
            continue
        lines.append(current.rstrip())
        current = token.lstrip()
    if current.strip():
        lines.append(current.rstrip())
    if len(lines) > max_lines:
        last = lines[max_lines - 1]
        while last and typeface.getlength(last + ELLIPSIS) > width:
            last = last[:-1]
        lines = [*lines[: max_lines - 1], last.rstrip() + ELLIPSIS]
    return lines


def _draw_lines(draw, lines, typeface, x, y, fill, leading: float) -> int:
    """Draws `lines` from (x, y); returns the y below the last one."""
    step = round(typeface.size * leading)
    for line in lines:
        draw.text((x, y), line, font=typeface, fill=fill)
        y += step
    return y


def _picture(picture: Image.Image | None, size: tuple[int, int]) -> Image.Image:
    if picture is None:
        return Image.new("RGB", size, SAND)
    return ImageOps.fit(picture.convert("RGB"), size, Image.Resampling.LANCZOS, centering=(0.5, 0.45))


def _jpeg(image: Image.Image, budget: int) -> bytes:
    for quality in QUALITIES:
        buffer = io.BytesIO()
        # No exif=, no icc_profile=: Pillow writes neither unless asked.
        image.save(buffer, "JPEG", quality=quality, optimize=True, progressive=True)
        if buffer.tell() <= budget:
            return buffer.getvalue()
    raise OverBudget(f"{buffer.tell()} bytes at quality {QUALITIES[-1]}, budget {budget}")


def og_image(texts: ShareTexts, picture: Image.Image | None, face: FontFace) -> bytes:
    """The Open Graph card: text on the left, the picture on the right."""
    width, height = OG_SIZE
    canvas = Image.new("RGB", OG_SIZE, PAPER)
    split = 620
    canvas.paste(_picture(picture, (width - split, height)), (split, 0))
    draw = ImageDraw.Draw(canvas)
    draw.rectangle((0, 0, 16, height), fill=LEAF)
    margin, column = 64, split - 64 - 48
    y = 64
    eyebrow = font(face, 30)
    y = _draw_lines(draw, wrap(texts.campaign, eyebrow, column, 1), eyebrow, margin, y, MUTED, 1.3) + 16
    title = font(face, 58)
    y = _draw_lines(draw, wrap(texts.title, title, column, 5), title, margin, y, INK, 1.25)
    name = font(face, 32)
    _draw_lines(draw, wrap(texts.organisation, name, column, 1), name, margin, height - 64 - 40, LEAF, 1.2)
    return _jpeg(canvas, OG_BUDGET)


def poster(texts: ShareTexts, picture: Image.Image | None, address: str, face: FontFace) -> bytes:
    """The WeChat poster: picture on top, the words, then the QR code to `address`."""
    width, height = POSTER_SIZE
    canvas = Image.new("RGB", POSTER_SIZE, PAPER)
    top = 760
    canvas.paste(_picture(picture, (width, top)), (0, 0))
    draw = ImageDraw.Draw(canvas)
    margin = 72
    column = width - 2 * margin
    y = top + 56
    eyebrow = font(face, 36)
    y = _draw_lines(draw, wrap(texts.campaign, eyebrow, column, 1), eyebrow, margin, y, MUTED, 1.3) + 12
    title = font(face, 72)
    y = _draw_lines(draw, wrap(texts.title, title, column, 3), title, margin, y, INK, 1.22) + 16
    body = font(face, 40)
    y = _draw_lines(draw, wrap(texts.line, body, column, 3), body, margin, y, INK, 1.45) + 24
    tier = font(face, 42)
    tier_lines = wrap(texts.tier, tier, column - 64, 2)
    box_height = round(tier.size * 1.4) * len(tier_lines) + 40
    draw.rounded_rectangle((margin, y, width - margin, y + box_height), radius=12, fill=LEAF)
    _draw_lines(draw, tier_lines, tier, margin + 32, y + 20, WHITE, 1.4)
    # The QR code at the bottom left, its words beside it.
    code = qr_image(address, 330)
    code_top = height - margin - code.height
    canvas.paste(code, (margin - 16, code_top))  # its quiet zone is white already
    side = margin + code.width + 16
    call = font(face, 38)
    lines = wrap(texts.call, call, width - margin - side, 3)
    below = _draw_lines(draw, lines, call, side, code_top + 40, INK, 1.35) + 24
    name = font(face, 36)
    _draw_lines(draw, wrap(texts.organisation, name, width - margin - side, 2), name, side, below, LEAF, 1.3)
    return _jpeg(canvas, POSTER_BUDGET)


def poster_preview(poster_jpeg: bytes) -> bytes:
    """The poster at PREVIEW_SIZE, for the page: what a phone downloads and WeChat saves."""
    with Image.open(io.BytesIO(poster_jpeg)) as full:
        full.draft("RGB", PREVIEW_SIZE)  # JPEG decodes straight to half size (DCT scaling): quick
        small = full.convert("RGB")
        if small.size != PREVIEW_SIZE:
            small = small.resize(PREVIEW_SIZE, Image.Resampling.LANCZOS)
    return _jpeg(small, PREVIEW_BUDGET)
