"""Read the front matter of a Markdown file, keeping line numbers.

Python-Markdown's `meta` extension (what Pelican uses) reads `Key: value`
lines up to the first blank line; a line indented by four or more spaces
continues the previous value. Keys are case-insensitive.
"""

import re
from dataclasses import dataclass, field

_KEY_LINE = re.compile(r"^[ ]{0,3}(?P<key>[A-Za-z0-9_-]+):\s*(?P<value>.*)$")
_CONTINUATION = re.compile(r"^[ ]{4,}(?P<value>.*)$")


@dataclass
class FrontMatter:
    values: dict[str, str] = field(default_factory=dict)
    lines: dict[str, int] = field(default_factory=dict)
    # Lines in the header that are neither `Key: value` nor a continuation.
    malformed: list[tuple[int, str]] = field(default_factory=list)
    body_line: int = 1

    def line_of(self, key: str) -> int:
        return self.lines.get(key, 1)


def parse_front_matter(text: str) -> FrontMatter:
    front = FrontMatter()
    lines = text.splitlines()
    if lines and lines[0].startswith("\ufeff"):
        lines[0] = lines[0][1:]
    last_key = None
    number = 0
    for number, line in enumerate(lines, start=1):
        if not line.strip():
            front.body_line = number + 1
            return front
        match = _KEY_LINE.match(line)
        if match:
            last_key = match["key"].lower()
            front.values[last_key] = match["value"].strip()
            front.lines[last_key] = number
            continue
        continued = _CONTINUATION.match(line)
        if continued and last_key:
            front.values[last_key] = f"{front.values[last_key]} {continued['value'].strip()}"
            continue
        if number == 1:
            # No header at all: the file starts with its body.
            front.body_line = 1
            return front
        front.malformed.append((number, line))
    front.body_line = number + 1
    return front
