"""Read a YAML data file and remember where each key is, for messages staff can act on.

A key path is a tuple such as ("tiers", "mothers-start", "items", 1, "unit");
`key_path` writes it the way staff read it: tiers.mothers-start.items[1].unit.
"""

from dataclasses import dataclass
from pathlib import Path

import yaml

Loc = tuple[str | int, ...]
# libyaml's loader when PyYAML has it (several times faster), with the same marks.
LOADER = getattr(yaml, "CSafeLoader", yaml.SafeLoader)


class YamlSyntaxError(ValueError):
    def __init__(self, line: int, message: str):
        super().__init__(message)
        self.line = line


@dataclass(frozen=True)
class YamlSource:
    data: object
    root: yaml.Node | None

    def line_of(self, loc: Loc) -> int:
        """Line of the deepest part of `loc` that exists in the file (1-based)."""
        node, line = self.root, 1
        for part in loc:
            if node is None:
                break
            if isinstance(node, yaml.MappingNode):
                found = next(((k, v) for k, v in node.value if k.value == str(part)), None)
                if found is None:
                    break
                line, node = found[0].start_mark.line + 1, found[1]
            elif isinstance(node, yaml.SequenceNode) and isinstance(part, int) and part < len(node.value):
                node = node.value[part]
                line = node.start_mark.line + 1
            else:
                break
        return line

    def duplicate_keys(self) -> list[tuple[Loc, int]]:
        """Keys written twice in one mapping: YAML would silently keep the last one."""
        found: list[tuple[Loc, int]] = []

        def walk(node, loc: Loc):
            if isinstance(node, yaml.MappingNode):
                seen = set()
                for key, value in node.value:
                    if key.value in seen:
                        found.append((loc + (key.value,), key.start_mark.line + 1))
                    seen.add(key.value)
                    walk(value, loc + (key.value,))
            elif isinstance(node, yaml.SequenceNode):
                for index, item in enumerate(node.value):
                    walk(item, loc + (index,))

        walk(self.root, ())
        return found


def read_yaml(path: Path) -> YamlSource:
    """Parse `path`; raises FileNotFoundError or YamlSyntaxError (with its line)."""
    text = path.read_text("utf-8")
    try:
        return YamlSource(yaml.load(text, Loader=LOADER), yaml.compose(text, Loader=LOADER))
    except yaml.MarkedYAMLError as error:
        mark = error.problem_mark or error.context_mark
        line = mark.line + 1 if mark else 1
        raise YamlSyntaxError(line, f"{error.problem or error}") from None


def key_path(loc: Loc) -> str:
    text = ""
    for part in loc:
        if isinstance(part, int):
            text += f"[{part}]"
        else:
            text += f".{part}" if text else str(part)
    return text or "(the whole file)"
