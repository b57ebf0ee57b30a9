"""The tier short code staff write in Markdown, on a line of its own:

    [tiers: mothers-start]                    one tier
    [tiers: pigsty, mothers-start]            several, in this order
    [tiers: campaign left-behind-mothers]     every tier of a campaign

`find_short_codes` reads the Markdown (with line numbers, for the checks);
`replace_short_codes` swaps the paragraph Markdown made of it for the cards.
"""

import html
import re
from collections.abc import Callable, Iterable
from dataclasses import dataclass

from .fund_use import SLUG_PATTERN

_LINE = re.compile(r"^ {0,3}\[tiers?\b(?P<rest>[^\]]*)\]\s*$", re.IGNORECASE)
_SPEC = re.compile(r"^:\s*(?P<spec>.+?)\s*$")
_CAMPAIGN = re.compile(r"^campaign\s+(?P<slug>\S+)$")
_FENCE = re.compile(r"^ {0,3}(```|~~~)")
_PARAGRAPH = re.compile(r"<p>\[tiers:\s*(?P<spec>[^\]<]+?)\s*\]</p>")
_SLUG = re.compile(SLUG_PATTERN)
EXAMPLE = "[tiers: mothers-start] or [tiers: pigsty, mothers-start] or [tiers: campaign left-behind-mothers]"


@dataclass(frozen=True)
class Selection:
    """Tier ids in the order written, or every tier of a campaign."""

    tier_ids: tuple[str, ...] = ()
    campaign: str | None = None


def parse_spec(spec: str) -> Selection | None:
    """What comes after 'tiers:'; None when it is not a valid selection."""
    spec = spec.strip()
    campaign = _CAMPAIGN.match(spec)
    if campaign:
        slug = campaign["slug"]
        return Selection(campaign=slug) if _SLUG.match(slug) else None
    ids = tuple(part.strip() for part in spec.split(","))
    if not ids or not all(_SLUG.match(i) for i in ids):
        return None
    return Selection(tier_ids=ids)


@dataclass(frozen=True)
class Found:
    line: int
    text: str
    selection: Selection | None  # None: the line looks like a short code but is not a valid one


def find_short_codes(markdown: str) -> Iterable[Found]:
    """Short codes in a Markdown file (front matter included in the line count), outside code blocks."""
    if "[tier" not in markdown.lower():
        return  # most files hold none: skip the line-by-line pattern
    in_fence = False
    for number, line in enumerate(markdown.splitlines(), start=1):
        if _FENCE.match(line):
            in_fence = not in_fence
            continue
        match = None if in_fence else _LINE.match(line)
        if match:
            spec = _SPEC.match(match["rest"])
            valid = line.strip().lower().startswith("[tiers:") and spec
            yield Found(number, line.strip(), parse_spec(spec["spec"]) if valid else None)


def replace_short_codes(content_html: str, render: Callable[[Selection], str]) -> str:
    """Replace each short-code paragraph by `render(selection)`; other text is left alone."""
    def swap(match):
        selection = parse_spec(html.unescape(match["spec"]))
        return render(selection) if selection else match[0]

    return _PARAGRAPH.sub(swap, content_html)
