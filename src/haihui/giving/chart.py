"""The fund-use bar chart, laid out at build time; the template only draws it.

SVG text does not wrap, so a long category name ("Training by breeding
experts and disease-prevention coordinators") ran past the chart's edge.
Labels are wrapped here, by an estimate of their width: a Chinese character
takes about one em, other characters about 0.55 em (the theme's system
fonts). The estimate errs wide, so a line never reaches the edge.
"""

import unicodedata
from dataclasses import dataclass

from haihui.giving.summary import AccountView

WIDTH = 400  # in the chart's own units; CSS scales the chart to the column (main.css, .chart)
BAR_ROOM = 300  # the widest bar; the rest is room for its percentage
LABEL_SIZE = 14  # font size of labels and values in chart units
LINE_HEIGHT = 17
BAR_HEIGHT = 16
GAP_AFTER_LABEL = 6
GAP_AFTER_BAR = 9
LATIN_EM = 0.55  # average advance of a non-CJK character, in em (wide for safety)


@dataclass(frozen=True)
class Bar:
    lines: tuple[str, ...]  # the label, wrapped
    label_y: int  # baseline of the first line
    bar_y: int
    bar_width: float
    value_x: float
    value_y: int
    percent: str


@dataclass(frozen=True)
class Chart:
    width: int
    height: int
    label_size: int  # font size of labels and values
    line_height: int  # between the lines of a wrapped label
    bar_height: int
    bars: tuple[Bar, ...]


def _em(text: str) -> float:
    return sum(1.0 if unicodedata.east_asian_width(c) in "WF" else LATIN_EM for c in text)


def _pieces(text: str) -> list[str]:
    """Where a line may break: after a space, and around every Chinese character."""
    pieces, word = [], ""
    for char in text:
        if unicodedata.east_asian_width(char) in "WF":
            if word:
                pieces.append(word)
            pieces.append(char)
            word = ""
        else:
            word += char
            if char == " ":
                pieces.append(word)
                word = ""
    if word:
        pieces.append(word)
    return pieces


def label_lines(text: str, room_em: float) -> tuple[str, ...]:
    """`text` in lines no wider than `room_em` (a single word wider than that keeps its own line)."""
    lines, line = [], ""
    for piece in _pieces(text):
        if line and _em((line + piece).rstrip()) > room_em:
            lines.append(line.rstrip())
            line = piece.lstrip()
        else:
            line += piece
    if line.strip():
        lines.append(line.rstrip())
    return tuple(lines) or ("",)


def bar_chart(view: AccountView, lang: str) -> Chart:
    """One bar per row of `view`, its label in `lang` above it; bars scaled to the largest share."""
    bars, top = [], 0
    for row in view.rows:
        lines = label_lines(row.names[lang], WIDTH / LABEL_SIZE)
        label_y = top + LABEL_SIZE
        bar_y = label_y + (len(lines) - 1) * LINE_HEIGHT + GAP_AFTER_LABEL
        width = max(round(row.share_tenths / view.largest_share_tenths * BAR_ROOM, 1), 1)
        bars.append(Bar(lines, label_y, bar_y, width, width + 6, bar_y + BAR_HEIGHT - 3, row.percent))
        top = bar_y + BAR_HEIGHT + GAP_AFTER_BAR
    return Chart(WIDTH, top, LABEL_SIZE, LINE_HEIGHT, BAR_HEIGHT, tuple(bars))
