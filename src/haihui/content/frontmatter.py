"""Read the front matter of a Markdown file exactly as Pelican will, keeping line numbers.

Pelican reads the header with Python-Markdown's `meta` extension, after
Markdown's whitespace normalisation: line ends become `\\n` (and only `\\n`
splits lines), tabs become four spaces, an optional `---` line opens the
header and `---` or `...` closes it, `Key: value` lines follow up to the
first blank line, and a line indented by four or more spaces continues the
previous key. Every line of a key is one more value: Pelican turns a key
written twice, or continued, into a Python list (or, for Summary, joins the
lines). This module reproduces that reading line for line
(tests/test_one_reading.py compares it with Python-Markdown on generated
headers), so the checks judge the values Pelican publishes, and records
every repeated or continued key so the checks can refuse it.
"""

import re
from dataclasses import dataclass, field

# Python-Markdown's own patterns (markdown/extensions/meta.py).
_KEY_LINE = re.compile(r"^[ ]{0,3}(?P<key>[A-Za-z0-9_-]+):\s*(?P<value>.*)")
_CONTINUATION = re.compile(r"^[ ]{4,}(?P<value>.*)")
_BEGIN = re.compile(r"^-{3}(\s.*)?")
_END = re.compile(r"^(-{3}|\.{3})(\s.*)?")
_TAB_LENGTH = 4
# Markdown drops these before anything else (its "start/end of text" markers).
_STX, _ETX = "\u0002", "\u0003"


@dataclass
class FrontMatter:
    # The first value of each key: what Pelican uses when the key is written once.
    values: dict[str, str] = field(default_factory=dict)
    lines: dict[str, int] = field(default_factory=dict)
    # Every value of every key, in order, with its line: a key written twice or
    # continued has several, which Pelican turns into a list.
    all_values: dict[str, list[tuple[int, str]]] = field(default_factory=dict)
    # Lines in the header that are neither `Key: value` nor a continuation.
    malformed: list[tuple[int, str]] = field(default_factory=list)
    body_line: int = 1

    def line_of(self, key: str) -> int:
        return self.lines.get(key, 1)

    # (key, line) of each line that continues a key's value (indented by four spaces or more).
    continuations: list[tuple[str, int]] = field(default_factory=list)

    def repeated(self) -> list[tuple[str, int]]:
        """(key, line) of each key line after the key's first: Pelican would make a list of them."""
        continued = set(self.continuations)
        return [
            (key, line)
            for key, found in self.all_values.items()
            for line, _ in found[1:]
            if (key, line) not in continued
        ]


def normalised_lines(text: str) -> list[str]:
    """The lines Markdown's meta extension sees (NormalizeWhitespace, then split on \\n)."""
    if text.startswith("\ufeff"):  # Pelican opens files as utf-8-sig
        text = text[1:]
    text = text.replace(_STX, "").replace(_ETX, "")
    text = text.replace("\r\n", "\n").replace("\r", "\n").expandtabs(_TAB_LENGTH)
    return text.split("\n")


def parse_front_matter(text: str) -> FrontMatter:
    front = FrontMatter()
    # The header ends at the first blank line at the latest: normalise only up to the first
    # empty one (a thousand stories' whole texts were a tenth of a second).
    end = text.find("\n\n") if "\r" not in text else -1
    lines = normalised_lines(text if end < 0 else text[: end + 1])
    first = 0
    if lines and _BEGIN.match(lines[0]):
        first = 1
    last_key = None
    first_of_key = False
    number = first
    for index in range(first, len(lines)):
        number = index + 1
        line = lines[index]
        if not line.strip() or _END.match(line):
            front.body_line = number + 1
            return front
        match = _KEY_LINE.match(line)
        if match:
            last_key = match["key"].lower().strip()
            value = match["value"].strip()
            front.all_values.setdefault(last_key, []).append((number, value))
            first_of_key = last_key not in front.values
            if first_of_key:
                front.values[last_key] = value
                front.lines[last_key] = number
            continue
        continued = _CONTINUATION.match(line)
        if continued and last_key:
            front.all_values[last_key].append((number, continued["value"].strip()))
            front.continuations.append((last_key, number))
            if first_of_key:  # a long Summary over several lines reads as one value
                front.values[last_key] = f"{front.values[last_key]} {continued['value'].strip()}"
            continue
        if index == first:
            # No header at all: the file starts with its body.
            front.body_line = first + 1
            return front
        # Markdown ends the header here and reads this line, and all after it, as text.
        front.malformed.append((number, line))
        front.body_line = number
        return front
    front.body_line = number + 1
    return front
