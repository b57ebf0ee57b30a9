"""Read a YAML data file and remember where each key is, for messages staff can act on.

The file is read the YAML 1.2 way (the core schema), not the YAML 1.1 way
PyYAML uses by default, because 1.1 silently turns ordinary-looking values
into something else:

- integers are decimal: `060000` is 60000 (1.1: octal 24576); `0o17` and
  `0x1F` as 1.2 writes them; no `1_000`, no base 60 (`300:00` is text, so an
  amount written that way is refused by the schema, at its line);
- booleans are only true/false (True, TRUE, ...): yes/no/on/off are text;
- null is only `null` (Null, NULL), `~` or nothing.

Aliases (`*name`) and merge keys (`<<`) are refused at their line: a data file
needs neither, and a few hundred bytes of nested aliases (a "billion laughs")
would otherwise expand to billions of values. The file is composed once; the
data is constructed from that same node tree, whose marks give every line.

A key path is a tuple such as ("tiers", "mothers-start", "items", 1, "unit");
`key_path` writes it the way staff read it: tiers.mothers-start.items[1].unit.
"""

import re
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import ClassVar

import yaml
from yaml.composer import Composer
from yaml.constructor import ConstructorError, SafeConstructor
from yaml.parser import Parser
from yaml.reader import Reader
from yaml.resolver import BaseResolver
from yaml.scanner import Scanner

Loc = tuple[str | int, ...]

_INT = re.compile(r"^(?:[-+]?[0-9]+|0o[0-7]+|0x[0-9a-fA-F]+)$")
_FLOAT = re.compile(
    r"^(?:[-+]?(?:\.[0-9]+|[0-9]+(?:\.[0-9]*)?)(?:[eE][-+]?[0-9]+)?"
    r"|[-+]?\.(?:inf|Inf|INF)|\.(?:nan|NaN|NAN))$"
)
_BOOL = re.compile(r"^(?:true|True|TRUE|false|False|FALSE)$")
_NULL = re.compile(r"^(?:~|null|Null|NULL|)$")
# Dates stay dates (not core 1.2, but what the schema expects, and never a number).
_DATE = re.compile(r"^[0-9]{4}-[0-9]{2}-[0-9]{2}$")

INT_TAG, FLOAT_TAG = "tag:yaml.org,2002:int", "tag:yaml.org,2002:float"
BOOL_TAG, NULL_TAG = "tag:yaml.org,2002:bool", "tag:yaml.org,2002:null"
DATE_TAG = "tag:yaml.org,2002:timestamp"


class Core12Resolver(BaseResolver):
    """Plain scalars resolved by the YAML 1.2 core schema (plus YYYY-MM-DD dates)."""

    # PyYAML keeps this table on the class (add_implicit_resolver is a classmethod that
    # writes cls.yaml_implicit_resolvers); types-PyYAML declares it an instance variable.
    yaml_implicit_resolvers: ClassVar[dict] = {}  # type: ignore[misc]


for _tag, _pattern, _first in (
    (BOOL_TAG, _BOOL, "tTfF"),
    (INT_TAG, _INT, "-+0123456789"),
    (FLOAT_TAG, _FLOAT, "-+.0123456789"),
    (NULL_TAG, _NULL, ["~", "n", "N", ""]),
    (DATE_TAG, _DATE, "0123456789"),
):
    Core12Resolver.add_implicit_resolver(_tag, _pattern, list(_first))


class Core12Constructor(SafeConstructor):
    """SafeConstructor with the 1.2 meaning of int, float, bool and null (also for explicit tags)."""

    def construct_yaml_int(self, node):
        value = self.construct_scalar(node)
        if not _INT.match(value):
            raise ConstructorError(None, None, f"{value!r} is not a whole number", node.start_mark)
        if value.startswith(("0o", "0x")):
            return int(value[2:], 8 if value[1] == "o" else 16)
        return int(value, 10)

    def construct_yaml_float(self, node):
        value = self.construct_scalar(node)
        if not _FLOAT.match(value):
            raise ConstructorError(None, None, f"{value!r} is not a number", node.start_mark)
        lowered = value.lower()
        if lowered.endswith(".inf"):
            return float("-inf") if lowered.startswith("-") else float("inf")
        if lowered == ".nan":
            return float("nan")
        return float(value)

    def construct_yaml_bool(self, node):
        value = self.construct_scalar(node)
        if not _BOOL.match(value):
            raise ConstructorError(None, None, f"{value!r} is not true or false", node.start_mark)
        return value.lower() == "true"

    def construct_yaml_null(self, node):
        value = self.construct_scalar(node)
        if not _NULL.match(value):
            raise ConstructorError(None, None, f"{value!r} is not null", node.start_mark)

    def flatten_mapping(self, node):
        """No merge keys: `<<` is refused while composing, never merged here."""


# types-PyYAML binds add_constructor's callable to a full Loader class, but PyYAML calls it
# with any constructor instance (SafeConstructor registers its own methods the same way).
Core12Constructor.add_constructor(INT_TAG, Core12Constructor.construct_yaml_int)  # type: ignore[type-var]
Core12Constructor.add_constructor(FLOAT_TAG, Core12Constructor.construct_yaml_float)  # type: ignore[type-var]
Core12Constructor.add_constructor(BOOL_TAG, Core12Constructor.construct_yaml_bool)  # type: ignore[type-var]
Core12Constructor.add_constructor(NULL_TAG, Core12Constructor.construct_yaml_null)  # type: ignore[type-var]


class RefusedYaml(yaml.MarkedYAMLError):
    """An alias or a merge key: valid YAML that a data file must not use."""


class Core12Composer(Composer):
    def compose_node(self, parent, index):
        if self.check_event(yaml.AliasEvent):
            event = self.get_event()
            raise RefusedYaml(
                None,
                None,
                f"an alias (*{event.anchor}) repeats another part of the file, "
                "which a data file may not do: write the values out",
                event.start_mark,
            )
        return super().compose_node(parent, index)

    def compose_mapping_node(self, anchor):
        node = super().compose_mapping_node(anchor)
        for key, _ in node.value:
            # A plain scalar's style is None (libyaml's parser: ""); a quoted "<<" is a key.
            if isinstance(key, yaml.ScalarNode) and key.value == "<<" and not key.style:
                raise RefusedYaml(
                    None,
                    None,
                    "a merge key (<<) copies another part of the file, "
                    "which a data file may not do: write the keys out",
                    key.start_mark,
                )
        return node


class Core12Loader(Reader, Scanner, Parser, Core12Composer, Core12Constructor, Core12Resolver):
    def __init__(self, stream):
        Reader.__init__(self, stream)
        Scanner.__init__(self)
        Parser.__init__(self)
        Core12Composer.__init__(self)
        Core12Constructor.__init__(self)
        Core12Resolver.__init__(self)


# Kept for callers that name the loader; the 1.2 one (pure Python: data files are small).
LOADER = Core12Loader

try:  # libyaml's scanner and parser, where PyYAML was built with it (the wheels are)
    from yaml._yaml import CParser
except ImportError:  # pragma: no cover - a PyYAML without libyaml
    CParser = None  # type: ignore[assignment,misc]


if CParser is not None:

    class FastCore12Loader(Core12Composer, CParser, Core12Constructor, Core12Resolver):
        """The same composing (aliases and merge keys refused at their line) and 1.2 reading,
        over libyaml's events: about three times faster on a large file (a gift chain of
        10,000 families), for the data files that grow with the work."""

        def __init__(self, stream):
            CParser.__init__(self, stream)
            Core12Composer.__init__(self)
            Core12Constructor.__init__(self)
            Core12Resolver.__init__(self)


class YamlSyntaxError(ValueError):
    def __init__(self, line: int, message: str):
        super().__init__(message)
        self.line = line


class NotUtf8Error(ValueError):
    """The file's bytes are not UTF-8 (GBK from an older Windows Notepad, say)."""

    def __init__(self, error: UnicodeDecodeError):
        super().__init__(str(error))
        self.error = error


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
                # The last one written: that is the value the data holds.
                found = next(((k, v) for k, v in reversed(node.value) if k.value == str(part)), None)
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
        """Keys written twice in one mapping (YAML would silently keep the last one), at the second's line."""
        found: list[tuple[Loc, int]] = []

        def walk(node, loc: Loc):
            if isinstance(node, yaml.MappingNode):
                seen = set()
                for key, value in node.value:
                    name = key.value if isinstance(key, yaml.ScalarNode) else repr(key.value)
                    if name in seen:
                        found.append(((*loc, name), key.start_mark.line + 1))
                    seen.add(name)
                    walk(value, (*loc, name))
            elif isinstance(node, yaml.SequenceNode):
                for index, item in enumerate(node.value):
                    walk(item, (*loc, index))

        walk(self.root, ())
        return found

    def scalars(self) -> Iterator[tuple[Loc, int, str]]:
        """(key path, line, text) of every value written in the file (not the keys)."""
        stack: list[tuple[yaml.Node, Loc]] = [(self.root, ())] if self.root is not None else []
        while stack:
            node, loc = stack.pop()
            if isinstance(node, yaml.MappingNode):
                stack.extend((value, (*loc, str(key.value))) for key, value in reversed(node.value))
            elif isinstance(node, yaml.SequenceNode):
                stack.extend((item, (*loc, index)) for index, item in reversed(list(enumerate(node.value))))
            elif isinstance(node, yaml.ScalarNode):
                yield loc, node.start_mark.line + 1, node.value


def parse_yaml(text: str, fast: bool = False) -> YamlSource:
    """Compose `text` once and construct the data from that node; YamlSyntaxError with its line.
    `fast`: libyaml's parser underneath, where PyYAML has it (FastCore12Loader)."""
    loader = None
    try:
        loader = FastCore12Loader(text) if fast and CParser is not None else Core12Loader(text)
        root = loader.get_single_node()
        data = loader.construct_document(root) if root is not None else None
    except yaml.MarkedYAMLError as error:
        mark = error.problem_mark or error.context_mark
        line = mark.line + 1 if mark else 1
        raise YamlSyntaxError(line, f"{error.problem or error}") from None
    except yaml.YAMLError as error:  # e.g. a control character the reader refuses
        position = getattr(error, "position", None)
        line = text[:position].count("\n") + 1 if isinstance(position, int) else 1
        raise YamlSyntaxError(line, str(error).splitlines()[0] if str(error) else "unreadable") from None
    except RecursionError:
        raise YamlSyntaxError(1, "the file is nested too deeply to be a data file") from None
    finally:
        if loader is not None:
            loader.dispose()
    return YamlSource(data, root)


def read_yaml(path: Path, fast: bool = False, data: bytes | None = None) -> YamlSource:
    """Parse `path` (or `data`, its bytes already read); raises FileNotFoundError,
    NotUtf8Error or YamlSyntaxError (with its line)."""
    data = Path(path).read_bytes() if data is None else data
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as error:
        raise NotUtf8Error(error) from None
    return parse_yaml(text, fast)


def key_path(loc: Loc) -> str:
    text = ""
    for part in loc:
        if isinstance(part, int):
            text += f"[{part}]"
        else:
            text += f".{part}" if text else str(part)
    return text or "(the whole file)"
