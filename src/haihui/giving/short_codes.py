"""The short codes staff write in Markdown, and the amounts they must not type by hand.

    [tiers: mothers-start]                    one tier          } on a line of its own,
    [tiers: pigsty, mothers-start]            several, in order } with an empty line
    [tiers: campaign left-behind-mothers]     a campaign's      } before and after

    [amount: pigsty-grant]    the amount of a unit cost or a tier, in the page's language,
                              anywhere in a sentence: "CN¥1,000" in English, "1,000 元" in Chinese
    [literal: 3,000 yuan]     an amount that is not one of our prices (a market price, say):
                              shown as the text inside, and not refused as a typed amount

`find_short_codes` reads the Markdown (with line numbers, for the checks): every
`[tier`, `[amount` or `[literal` outside code and comments, in any case, each
with the reason it would not render, if any. `typed_amounts` finds yuan amounts
typed as text. `replace_short_codes` / `replace_inline_codes` swap the HTML
Markdown made of them; `leftover_short_codes` finds any that were not swapped,
so a build never publishes "[tiers: ...]" as text.
"""

import html
import re
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass

from haihui.content.content_rules import SLUG_PATTERN
from haihui.problems import msg

# "[tier" in any form; "[amount" and "[literal" only with their colon (not "[amount raised](...)").
_KIND = r"(?P<kind>tiers?\b|(?:amount|literal)(?=\s*:))"
_CODE = re.compile(rf"\[\s*{_KIND}(?P<rest>[^\]\n]*)(?P<close>\]?)", re.IGNORECASE)
_SPEC = re.compile(r"^:\s*(?P<spec>.+?)\s*$")
_CAMPAIGN = re.compile(r"^campaign\s+(?P<slug>\S+)$")
_FENCE = re.compile(r"^ {0,3}(?P<fence>`{3,}|~{3,})")
_PARAGRAPH = re.compile(r"<p>\[tiers:\s*(?P<spec>[^\]<]+?)\s*\]</p>")
_AMOUNT_HTML = re.compile(r"\[amount:\s*(?P<id>[a-z0-9]+(?:-[a-z0-9]+)*)\s*\]")
_LITERAL_HTML = re.compile(r"\[literal:\s*(?P<text>[^\]]*?)\s*\]")
_LEFTOVER = re.compile(r"\[\s*(?:tiers?\b|(?:amount|literal)\s*:)[^\]<]*\]?", re.IGNORECASE)
_CODE_HTML = re.compile(r"<(pre|code|script|style)\b.*?</\1>|<!--.*?-->", re.IGNORECASE | re.DOTALL)
_HEADING = re.compile(r"^ {0,3}#{1,6}(\s|$)")
_LIST = re.compile(r"^ {0,3}(?:[-*+]|\d{1,9}[.)])\s")
_CODE_INDENT = 4  # spaces that make a Markdown line indented code
_SLUG = re.compile(SLUG_PATTERN)
EXAMPLE = "[tiers: mothers-start] or [tiers: pigsty, mothers-start] or [tiers: campaign left-behind-mothers]"
AMOUNT_EXAMPLE = "[amount: pigsty-grant]"
LITERAL_EXAMPLE = "[literal: 3,000 yuan]"


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


# Why a short code will not render (a staff message).
REASONS = {
    "form": msg("is not written the way the short code is written"),
    "inline": msg("has other text on its line, so it would stay on the page as text"),
    "list": msg("is inside a list item, so it would stay on the page as text"),
    "heading": msg("is inside a heading, so it would stay on the page as text"),
    "quote": msg("is inside a quote (>), so it would stay on the page as text"),
    "indented": msg("is indented, so Markdown would show it as code or as part of a list"),
    "joined": msg("has no empty line before and after it, so it joins the text around it and stays as text"),
    "header": msg("is in the header, where only Title and Summary can hold [amount: ...] and [literal: ...]"),
    "link": msg("is followed by ( [ or :, so Markdown would make a link of it"),
}


@dataclass(frozen=True)
class Found:
    line: int
    text: str
    selection: Selection | None  # tiers: None when it would not render (see reason); else unused
    kind: str = "tiers"  # "tiers", "amount" or "literal"
    reason: str | None = None  # a key of REASONS when it would not render
    value: str = ""  # amount: the id; literal: the text inside


def _mask_code_and_comments(markdown: str) -> list[str]:
    """The lines of `markdown` with fenced and inline code and HTML comments blanked (columns kept)."""
    lines = markdown.splitlines()
    shown: list[str] = []
    fence = ""
    in_comment = False
    for line in lines:
        if fence:
            if re.match(rf"^ {{0,3}}{re.escape(fence[0])}{{{len(fence)},}}\s*$", line):
                fence = ""
            shown.append("")
            continue
        if not in_comment:
            opened = _FENCE.match(line)
            if opened:
                fence = opened["fence"]
                shown.append("")
                continue
        if not in_comment and "`" not in line and "<!--" not in line:
            shown.append(line)  # most lines: nothing to blank, and the loop below is per character
            continue
        chars = list(line)
        i = 0
        while i < len(line):
            if in_comment:
                end = line.find("-->", i)
                stop = len(line) if end < 0 else end + 3
                chars[i:stop] = " " * (stop - i)
                if end >= 0:
                    in_comment = False
                i = stop
                continue
            if line.startswith("<!--", i):
                in_comment = True
                continue
            if line[i] == "`":
                run = len(line[i:]) - len(line[i:].lstrip("`"))
                close = re.compile(rf"(?<!`)`{{{run}}}(?!`)").search(line, i + run)
                if close:
                    chars[i : close.end()] = " " * (close.end() - i)
                    i = close.end()
                    continue
                i += run
                continue
            i += 1
        shown.append("".join(chars))
    return shown


def _place(line: str, start: int, end: int, before: str, after: str) -> str | None:
    """Why a [tiers: ...] at line[start:end] would not be a paragraph of its own (None: it would)."""
    if line.startswith("\t") or len(line) - len(line.lstrip(" ")) >= _CODE_INDENT:
        return "indented"
    stripped = line.strip()
    if _HEADING.match(line):
        return "heading"
    if stripped.startswith(">"):
        return "quote"
    if _LIST.match(line):
        return "list"
    if line[:start].strip() or line[end:].strip():
        return "inline"
    if (before.strip() and not _HEADING.match(before)) or (after.strip() and not _HEADING.match(after)):
        return "joined"
    return None


def find_short_codes(markdown: str, body_line: int = 1, header_lines: Iterable[int] = ()) -> Iterator[Found]:
    """Every short code in a Markdown file (front matter included in the line count).

    Outside fenced and inline code and HTML comments, in any case. Lines before
    `body_line` are the header: only `header_lines` (Title, Summary) are read there.
    """
    if "[" not in markdown:
        return
    lowered = markdown.lower()
    if "tier" not in lowered and "amount" not in lowered and "literal" not in lowered:
        return  # most files hold none: skip the line-by-line pattern
    original = markdown.splitlines()
    shown = _mask_code_and_comments(markdown)
    header_lines = set(header_lines)
    for index, line in enumerate(shown):
        number = index + 1
        in_header = number < body_line
        if (in_header and number not in header_lines) or "[" not in line:
            continue
        for match in _CODE.finditer(line):
            kind = match["kind"].lower()
            text = match[0].strip()
            written = match["kind"]
            spec = _SPEC.match(match["rest"]) if match["close"] else None
            follows = line[match.end() : match.end() + 1]
            if kind.startswith("tier"):
                selection = (
                    parse_spec(spec["spec"])
                    if spec and written == "tiers" and match[0].startswith("[tiers:")
                    else None
                )
                if selection is None:
                    yield Found(number, text, None, "tiers", "form")
                    continue
                before = original[index - 1] if index > 0 and index >= body_line else ""
                after = original[index + 1] if index + 1 < len(original) else ""
                reason = (
                    "header"
                    if in_header
                    else (
                        "link"
                        if follows in ("(", "[", ":")
                        else _place(original[index], match.start(), match.end(), before, after)
                    )
                )
                yield Found(number, text, None if reason else selection, "tiers", reason)
                continue
            exact = match[0].startswith(f"[{kind}:") and written == kind and spec is not None
            value = spec["spec"] if spec else ""
            if kind == "amount" and exact and not _SLUG.match(value):
                exact = False
            reason = None if exact else "form"
            if reason is None and follows in ("(", "[", ":"):
                reason = "link"
            yield Found(number, text, None, kind, reason, value)


# ---------------------------------------------------------------- amounts typed as text

_NUMBER = r"\d{1,3}(?:[,，]\d{3})+(?:\.\d+)?|\d+(?:\.\d+)?"
_SCALE_EN = r"(?:\s*(?:hundred|thousand|million|billion|k|m|bn)\b)?"
_SCALE_ZH = r"(?:\s*[十百千万亿])*"
_CN_DIGITS = "零〇一二两三四五六七八九壹贰叁肆伍陆柒捌玖"
_CN_SCALE = "十百千万亿拾佰仟"
_WORDS = (
    r"(?:one|two|three|four|five|six|seven|eight|nine|ten|twenty|thirty|forty|fifty|a|a few|several|[\d.,]+)"
)
# Each pattern of _TYPED holds one of these (lower case): a quick test before the line-by-line work.
_CURRENCY_MARKS = ("yuan", "rmb", "cny", "renminbi", "元", "¥", "￥", "块钱")
_TYPED = re.compile(
    "|".join(
        [
            # 1,000 yuan · 1000 yuan · 1,000-yuan grant · 1.5 million yuan · 1000 RMB
            # 1000元 · 1,000 元 · 2万元
            rf"(?<![\w.,])(?:{_NUMBER})(?:{_SCALE_EN}|{_SCALE_ZH})[\s\-]*(?:yuan|rmb|cny|renminbi)\b",
            rf"(?<![\w.,])(?:{_NUMBER}){_SCALE_ZH}\s*(?:元(?![素旦宵月首老帅气件])|块钱)",
            # ¥1,000 · ￥1000 · RMB 1,000 · CNY 1,000 · 元 1000
            rf"(?:[¥￥]|(?<![a-z])(?:rmb|cny)(?![a-z]))\s*(?:{_NUMBER})",
            # a thousand yuan · two hundred yuan
            rf"\b{_WORDS}[\s\-]+(?:hundred|thousand|million|billion)[\s\-]*(?:yuan|rmb|renminbi)\b",
            # 一千元 · 五百元 · 两万元 · 三千五百元 (Chinese numerals with a place: 十 百 千 万 亿)
            rf"[{_CN_DIGITS}{_CN_SCALE}]*[{_CN_SCALE}][{_CN_DIGITS}{_CN_SCALE}]*\s*(?:元(?![素旦宵月首老帅气件])|块钱)",
        ]
    ),
    re.IGNORECASE,
)


@dataclass(frozen=True)
class TypedAmount:
    line: int
    text: str  # as written, e.g. "1,000 yuan"


def typed_amounts(
    markdown: str, body_line: int = 1, header_lines: Iterable[int] = ()
) -> Iterator[TypedAmount]:
    """Yuan amounts typed as text, outside code, comments, [amount: ...] and [literal: ...]."""
    lowered = markdown.lower()
    if not any(mark in lowered for mark in _CURRENCY_MARKS):
        return  # every pattern of _TYPED names the currency; most texts name none
    header_lines = set(header_lines)
    for index, masked in enumerate(_mask_code_and_comments(markdown)):
        number = index + 1
        if number < body_line and number not in header_lines:
            continue
        line = _CODE.sub(lambda m: " " * len(m[0]), masked)
        for match in _TYPED.finditer(line):
            yield TypedAmount(number, match[0].strip())


# ---------------------------------------------------------------- rendering


def replace_short_codes(content_html: str, render: Callable[[Selection], str]) -> str:
    """Replace each short-code paragraph by `render(selection)`; other text is left alone."""

    def swap(match):
        selection = parse_spec(html.unescape(match["spec"]))
        return render(selection) if selection else match[0]

    return _PARAGRAPH.sub(swap, content_html)


def _outside_code(content_html: str, change: Callable[[str], str]) -> str:
    """Apply `change` to the HTML outside <pre>, <code>, <script>, <style> and comments."""
    parts, last = [], 0
    for match in _CODE_HTML.finditer(content_html):
        parts += [change(content_html[last : match.start()]), match[0]]
        last = match.end()
    parts.append(change(content_html[last:]))
    return "".join(parts)


def replace_inline_codes(content_html: str, amount: Callable[[str], str | None]) -> str:
    """Swap [amount: id] for `amount(id)` (left as it is when None) and [literal: x] for x."""
    if "[amount:" not in content_html and "[literal:" not in content_html:
        return content_html

    def change(part: str) -> str:
        part = _AMOUNT_HTML.sub(lambda m: amount(m["id"]) or m[0], part)
        return _LITERAL_HTML.sub(lambda m: m["text"], part)

    return _outside_code(content_html, change)


def leftover_short_codes(content_html: str) -> list[str]:
    """Short-code text still in the HTML outside code: what a reader would see as "[tiers: ...]"."""
    if "[" not in content_html:
        return []
    found: list[str] = []

    def collect(part: str) -> str:
        found.extend(m[0] for m in _LEFTOVER.finditer(part))
        return part

    _outside_code(content_html, collect)
    return found
