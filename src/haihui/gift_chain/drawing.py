"""The chain's drawing, laid out at build time; the template only draws it (no JavaScript).

Up to `limit` families (GIFT_CHAIN_DRAW_LIMIT) every family is a row of a tree:
indented by generation, joined to the family that passed the gift on to her
(the nearest giver: the one her generation counts from), labelled with her
name or "a family in <county>". Beyond that a family-by-family drawing would
be neither readable nor light, so it summarises: one bar per generation (the
families it reached), then one bar per cohort (its families, and the share
that has passed on). Its size then grows with generations and cohorts, never
with families.
"""

import unicodedata
from dataclasses import dataclass

from haihui.gift_chain.figures import ChainFamily, ChainView, CohortFigures

FONT_SIZE = 14
ROW = 26  # tree: one family per row
INDENT = 22  # tree: per generation
RADIUS = 6
LEFT = RADIUS + 2
LATIN_EM = 0.55  # as haihui.giving.chart estimates text width
ANONYMOUS_EXTRA_EM = 14  # room for "a family in " in the widest language
MIN_WIDTH = 400
BAR_ROOM = 300  # summary: the longest bar
LABEL_GAP = 6
BAR_HEIGHT = 16
BAR_GAP = 10
SECTION_GAP = 18


def _em(text: str) -> float:
    return sum(1.0 if unicodedata.east_asian_width(c) in "WF" else LATIN_EM for c in text)


@dataclass(frozen=True)
class Node:
    family: ChainFamily
    x: int
    y: int  # centre of the circle
    label_x: int
    label_y: int  # baseline
    link: str  # path from her giver's circle to hers ("" for the first generation)


@dataclass(frozen=True)
class Bar:
    kind: str  # "generation" or "cohort"
    generation: int  # kind "generation": its number
    families: int
    cohort: CohortFigures | None  # kind "cohort"
    label_y: int
    bar_y: int
    bar_width: float
    value_x: float
    value_y: int


@dataclass(frozen=True)
class Drawing:
    mode: str  # "families" (every family) or "summary" (by generation and cohort)
    width: int
    height: int
    font_size: int
    radius: int
    bar_height: int
    nodes: tuple[Node, ...] = ()
    bars: tuple[Bar, ...] = ()
    cohort_heading_y: int = 0  # summary: the baseline of the cohorts' heading


def _tree_order(view: ChainView) -> list[tuple[ChainFamily, ChainFamily | None]]:
    """Depth first from each first-generation family, children in the order of her pass-ons;
    each family once, under the giver one generation before her."""
    by_key = {f.key: f for f in view.families}
    children: dict[str, list[ChainFamily]] = {f.key: [] for f in view.families}
    parent: dict[str, ChainFamily] = {}
    for family in view.families:
        for passed in family.passed_on:
            child = by_key[passed.to]
            if child.generation == family.generation + 1 and child.key not in parent:
                parent[child.key] = family
                children[family.key].append(child)
    order: list[tuple[ChainFamily, ChainFamily | None]] = []
    for root in (f for f in view.families if f.generation == 1):
        stack = [root]
        while stack:
            current = stack.pop()
            order.append((current, parent.get(current.key)))
            stack.extend(reversed(children[current.key]))
    return order


def _label_em(family: ChainFamily) -> float:
    if family.names is not None:
        return max(_em(name) for name in family.names.values())
    return max(_em(county) for county in family.county.values()) + ANONYMOUS_EXTRA_EM


def _tree(view: ChainView) -> Drawing:
    nodes: list[Node] = []
    where: dict[str, tuple[int, int]] = {}
    width = MIN_WIDTH
    for row, (family, giver) in enumerate(_tree_order(view)):
        x = LEFT + (family.generation - 1) * INDENT
        y = ROW // 2 + row * ROW
        where[family.key] = (x, y)
        link = ""
        if giver is not None:
            gx, gy = where[giver.key]
            link = f"M{gx} {gy + RADIUS}V{y}H{x - RADIUS}"
        label_x = x + RADIUS + 6
        nodes.append(Node(family, x, y, label_x, y + FONT_SIZE // 3, link))
        width = max(width, round(label_x + _label_em(family) * FONT_SIZE) + 4)
    height = max(ROW * len(nodes), ROW)
    return Drawing("families", width, height, FONT_SIZE, RADIUS, BAR_HEIGHT, nodes=tuple(nodes))


def _summary(view: ChainView) -> Drawing:
    bars: list[Bar] = []
    top = 0
    largest = max((count for _, count in view.generations), default=1) or 1
    for generation, count in view.generations:
        label_y = top + FONT_SIZE
        bar_y = label_y + LABEL_GAP
        width = max(round(count / largest * BAR_ROOM, 1), 1)
        bars.append(Bar("generation", generation, count, None, label_y, bar_y, width, width + 6, bar_y + 13))
        top = bar_y + BAR_HEIGHT + BAR_GAP
    top += SECTION_GAP
    heading_y = top + FONT_SIZE
    top = heading_y + LABEL_GAP
    largest = max((c.families for c in view.cohorts), default=1) or 1
    for cohort in view.cohorts:
        label_y = top + FONT_SIZE
        bar_y = label_y + LABEL_GAP
        width = max(round(cohort.families / largest * BAR_ROOM, 1), 1)
        bars.append(Bar("cohort", 0, cohort.families, cohort, label_y, bar_y, width, width + 6, bar_y + 13))
        top = bar_y + BAR_HEIGHT + BAR_GAP
    return Drawing(
        "summary",
        MIN_WIDTH + 60,
        top,
        FONT_SIZE,
        RADIUS,
        BAR_HEIGHT,
        bars=tuple(bars),
        cohort_heading_y=heading_y,
    )


def chain_drawing(view: ChainView, limit: int) -> Drawing:
    """Every family up to `limit` families; beyond, the summary by generation and cohort."""
    if len(view.families) <= limit:
        return _tree(view)
    return _summary(view)
