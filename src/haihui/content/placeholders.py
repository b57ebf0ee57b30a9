"""Placeholders: text that `invoke new-story` writes for staff to replace.

A value or a line of text that still holds `TODO` (English files) or `待填写`
("to be filled in", Chinese files) is an error in every build, so a story
from the scaffold cannot go out half-written. Text inside HTML comments
(`<!-- ... -->`, the scaffold's guide) and inside code is not checked.
"""

import re
from collections.abc import Iterable
from functools import lru_cache

from haihui.problems import N_, Problem, named

PLACEHOLDER = re.compile(r"\bTODO\b|待填写")
MARKERS_EN = "TODO"
MARKERS_ZH = "待填写"
_FENCE = re.compile(r"^\s{0,3}(```|~~~)")
_INLINE_CODE = re.compile(r"`[^`]*`")


def is_placeholder(value: str) -> bool:
    """True when a front-matter value is still the scaffold's placeholder."""
    return _may_hold_placeholder(value) and bool(PLACEHOLDER.search(value))


def _may_hold_placeholder(text: str) -> bool:
    # `in` is far quicker than the pattern, and most text holds no placeholder.
    return MARKERS_EN in text or MARKERS_ZH in text


def _short(value: str, limit: int = 60) -> str:
    value = " ".join(value.split())
    return value if len(value) <= limit else value[: limit - 1] + "…"


def placeholder_problem(path: str, line: int, field: str = "", value: str = "") -> Problem:
    """A placeholder in the field `field` ("Title"), or in the text when `field` is ""."""
    shown = f" '{_short(value)}'" if value else ""
    if field:
        return Problem(
            path,
            line,
            N_("{field}: still a placeholder{shown}"),
            N_(
                "replace it with the real value (new stories mark everything still to write with "
                "TODO or 待填写)"
            ),
            params=named(field=field, shown=shown),
        )
    return Problem(
        path,
        line,
        N_("the text still has a placeholder{shown}"),
        N_("replace it with the real text (new stories mark everything still to write with TODO or 待填写)"),
        params=named(shown=shown),
    )


def body_lines(text: str, first_line: int) -> tuple[tuple[int, str], ...]:
    """(line number, text) of the body, without HTML comments, fenced code and inline code."""
    # Three checks read every body (placeholders, links, pictures): split it once.
    return _body_lines(text, first_line)


@lru_cache(maxsize=4096)
def _body_lines(text: str, first_line: int) -> tuple[tuple[int, str], ...]:
    return tuple(_visible_lines(text, first_line))


def _visible_lines(text: str, first_line: int) -> Iterable[tuple[int, str]]:
    lines = text.splitlines()
    if "<!--" not in text and "`" not in text and "~~~" not in text:
        # Nothing to hide (most stories): every line that is not blank.
        yield from (
            (number, lines[number - 1])
            for number in range(first_line, len(lines) + 1)
            if lines[number - 1].strip()
        )
        return
    in_comment = in_fence = False
    for number in range(first_line, len(lines) + 1):
        line = lines[number - 1]
        if _FENCE.match(line) and not in_comment:
            in_fence = not in_fence
            continue
        if in_fence:
            continue
        visible = []
        rest = line
        while rest:
            if in_comment:
                end = rest.find("-->")
                if end < 0:
                    rest = ""
                    break
                rest, in_comment = rest[end + 3 :], False
            else:
                start = rest.find("<!--")
                if start < 0:
                    visible.append(rest)
                    break
                visible.append(rest[:start])
                rest, in_comment = rest[start + 4 :], True
        shown = _INLINE_CODE.sub("", "".join(visible))
        if shown.strip():
            yield number, shown


def placeholder_lines(sources) -> set[tuple[str, int]]:
    """(path, line) of every header field that still holds a placeholder."""
    return {
        (source.path, source.front.line_of(key))
        for source in sources
        for key, value in source.front.values.items()
        if is_placeholder(value)
    }


def has_placeholder(source) -> bool:
    """True when a story or page still holds a placeholder, in its header or its text."""
    if any(is_placeholder(value) for found in source.front.all_values.values() for _, value in found):
        return True
    if not _may_hold_placeholder(source.text):
        return False
    return any(PLACEHOLDER.search(line) for _, line in body_lines(source.text, source.front.body_line))


def check_placeholders(sources, rules) -> Iterable[Problem]:
    """Placeholders left in the text of a story or page (front matter: see check_fields)."""
    for source in sources:
        if not _may_hold_placeholder(source.text):
            continue
        for number, line in body_lines(source.text, source.front.body_line):
            if PLACEHOLDER.search(line):
                yield placeholder_problem(source.path, number, value=line.strip())
