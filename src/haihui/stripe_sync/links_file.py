"""content/data/checkout-links.yaml: read, merge the `stripe` entries, write atomically.

The file is staff's as much as the sync's: they edit the `platform` links by
hand and write comments beside them. So it is edited in place, never written
afresh: read with ruamel.yaml's round-trip loader, only the values the sync
owns (each language's `stripe` entry: ENTRY_KEYS) are set, and it is dumped
back with every comment, every key order and the tiers' order as they were.
A tier or a language the file lacks is added at the end of its mapping; a
language the sync no longer writes is removed from the tier's `stripe`
entry. Anything else (other channels, other keys, tiers the sync does not
manage, other top-level keys) is not touched.

It is written only when its data changes, so a run that changes nothing
leaves it byte-identical; and it is written to a temporary file in the same
folder, then renamed over the old one, so a crash never leaves half a file.
A new file starts with DEFAULT_HEADER.
"""

from __future__ import annotations

import contextlib
import copy
import io
import os
import tempfile
from collections.abc import Mapping
from pathlib import Path
from typing import Any

from ruamel.yaml import YAML
from ruamel.yaml.comments import CommentedMap, CommentedSeq
from ruamel.yaml.error import YAMLError
from ruamel.yaml.scalarbool import ScalarBoolean
from ruamel.yaml.scalarstring import ScalarString
from ruamel.yaml.util import load_yaml_guess_indent

from haihui.languages.staff import msg
from haihui.stripe_sync.errors import SyncError

DEFAULT_HEADER = """\
# Checkout links per tier and channel. `stripe` entries are written by
# `invoke stripe-sync` (one Payment Link per language, returning the donor to
# the thank-you page in that language); `platform` entries are edited by hand.
"""
ENTRY_KEYS = ("url", "amount_fen", "currency", "interval", "price", "payment_link", "livemode")
WIDTH = 4096  # never fold a long line (a URL) that staff wrote on one


class LinksFile:
    def __init__(
        self,
        path: Path,
        header: str,
        data: dict,
        exists: bool,
        document: CommentedMap | None = None,
        indent: tuple[int, int, int] = (2, 4, 2),
    ):
        self.path = path
        self.header = header  # written above the data when the file has no mapping yet
        self.data = data  # plain dicts, lists and scalars: what the sync compares
        self.exists = exists
        self.document = document  # the round-trip reading, with staff's comments and order
        self.indent = indent  # (mapping, sequence, dash offset) indents, as the file has them

    @classmethod
    def load(cls, path: Path) -> LinksFile:
        path = Path(path)
        if not path.exists():
            return cls(path, DEFAULT_HEADER, {}, exists=False)
        text = path.read_text("utf-8")
        try:
            indent = _guess_indent(text)
            document = _yaml(indent).load(text)
        except YAMLError as exc:
            mark = getattr(exc, "problem_mark", None)
            where = f":{mark.line + 1}" if mark else ""
            problem = getattr(exc, "problem", None) or str(exc).splitlines()[0]
            raise SyncError(
                msg(
                    "{file}: not valid YAML ({problem}); fix it by hand before running the sync, "
                    "which would otherwise overwrite it",
                    file=f"{path}{where}",
                    problem=str(problem),
                )
            ) from None
        if document is not None and not isinstance(document, CommentedMap):
            raise SyncError(msg("{file}: expected a mapping with a `tiers:` key at the top", file=str(path)))
        data = plain(document) if document is not None else {}
        tiers = data.get("tiers")
        if tiers is not None and not isinstance(tiers, dict):
            raise SyncError(msg("{file}: `tiers` must be a mapping of tier id to channels", file=str(path)))
        for tier, channels in (tiers or {}).items():
            if channels is not None and not isinstance(channels, dict):
                raise SyncError(
                    msg(
                        "{file}: {key} must be a mapping of channel to links",
                        file=str(path),
                        key=f"tiers.{tier}",
                    )
                )
            stripe_entry = (channels or {}).get("stripe")
            if stripe_entry is not None and not isinstance(stripe_entry, dict):
                raise SyncError(
                    msg(
                        "{file}: {key} must be a mapping of language to link",
                        file=str(path),
                        key=f"tiers.{tier}.stripe",
                    )
                )
        header_lines = []
        for line in text.splitlines(keepends=True):
            if line.startswith("#"):
                header_lines.append(line if line.endswith("\n") else line + "\n")
            else:
                break
        return cls(
            path,
            "".join(header_lines) or DEFAULT_HEADER,
            data,
            exists=True,
            document=document,
            indent=indent,
        )

    def recorded_links(self) -> dict[str, dict[str, str]]:
        """tier -> language -> payment link id, as the file has them."""
        out: dict[str, dict[str, str]] = {}
        for tier, channels in (self.data.get("tiers") or {}).items():
            for lang, entry in ((channels or {}).get("stripe") or {}).items():
                if isinstance(entry, dict) and entry.get("payment_link"):
                    out.setdefault(str(tier), {})[str(lang)] = entry["payment_link"]
        return out

    def merged(self, stripe_entries: Mapping[str, Mapping[str, Mapping[str, Any]]]) -> dict:
        """The file's data (plain) with the `stripe` entries of the given tiers set."""
        data = copy.deepcopy(self.data)
        tiers: dict = data.get("tiers") or {}
        data["tiers"] = tiers
        for tier, by_lang in stripe_entries.items():
            channels: dict = tiers.get(tier) or {}
            tiers[tier] = channels
            stripe: dict = channels.get("stripe") or {}
            channels["stripe"] = stripe
            for lang in [lang for lang in stripe if lang not in by_lang]:
                del stripe[lang]
            for lang, entry in by_lang.items():
                current = stripe.get(lang)
                if not isinstance(current, dict):
                    current = stripe[lang] = {}
                current.update({key: entry[key] for key in ENTRY_KEYS})
        return data

    def render(self, stripe_entries: Mapping[str, Mapping[str, Mapping[str, Any]]]) -> str:
        """The file's text with the `stripe` entries set in place: comments and order kept."""
        new_file = self.document is None
        document = self.document if self.document is not None else CommentedMap()
        _set_entries(document, stripe_entries)
        out = io.StringIO()
        _yaml(self.indent).dump(document, out)
        return (self.header if new_file else "") + out.getvalue()

    def save(self, stripe_entries: Mapping[str, Mapping[str, Mapping[str, Any]]]) -> bool:
        """Write the merged data if it differs from what the file holds; True if written."""
        data = self.merged(stripe_entries)
        if self.exists and data == self.data:
            return False
        text = self.render(stripe_entries)
        write_atomic(self.path, text)
        self.document = _yaml(self.indent).load(text)
        self.data = data
        self.exists = True
        return True


def _yaml(indent: tuple[int, int, int]) -> YAML:
    """ruamel.yaml's round-trip reader and writer, set to give back what it read."""
    handler = YAML(typ="rt")
    handler.preserve_quotes = True
    handler.width = WIDTH
    mapping, sequence, offset = indent
    handler.indent(mapping=mapping, sequence=sequence, offset=offset)
    # `null`, as the sync always wrote it (ruamel.yaml would write nothing after the colon).
    handler.representer.add_representer(
        type(None), lambda representer, _: representer.represent_scalar("tag:yaml.org,2002:null", "null")
    )
    return handler


def _guess_indent(text: str) -> tuple[int, int, int]:
    """(mapping, sequence, dash offset) indents of a file, so that dumping it keeps its layout.

    ruamel.yaml guesses the sequences' indents; a mapping's is the first
    indented `key:` line's indent (2 when there is none)."""
    _, sequence, offset = load_yaml_guess_indent(text)
    mapping = next(
        (
            len(line) - len(line.lstrip(" "))
            for line in text.splitlines()
            if line.startswith(" ") and not line.lstrip().startswith(("#", "-")) and ":" in line
        ),
        2,
    )
    if sequence is None or offset is None:
        return mapping, mapping + 2, mapping
    return mapping, sequence, offset


def _set_entries(document: CommentedMap, stripe_entries: Mapping[str, Mapping[str, Mapping[str, Any]]]):
    """Set each language's `stripe` entry of each tier in the round-trip document, in place."""
    tiers = _mapping_at(document, "tiers")
    for tier, by_lang in stripe_entries.items():
        stripe = _mapping_at(_mapping_at(tiers, tier), "stripe")
        for lang in [lang for lang in stripe if lang not in by_lang]:
            del stripe[lang]
        for lang, entry in by_lang.items():
            current = _mapping_at(stripe, lang)
            for key in ENTRY_KEYS:
                _set_value(current, key, entry[key])


def _mapping_at(parent: CommentedMap, key: str) -> CommentedMap:
    """parent[key] as a mapping, made (at the end of `parent`) when absent or empty."""
    value = parent.get(key)
    if not isinstance(value, CommentedMap):
        value = CommentedMap()
        _set_value(parent, key, value)
    return value


def _set_value(mapping: CommentedMap, key: str, value: Any) -> None:
    """mapping[key] = value unless it holds that already; a quoted string stays quoted."""
    if key in mapping:
        old = mapping[key]
        if old == value and isinstance(old, bool | ScalarBoolean) == isinstance(value, bool):
            return
        if isinstance(old, ScalarString) and isinstance(value, str) and not isinstance(value, ScalarString):
            value = type(old)(value)
    elif mapping.fa.flow_style():
        mapping.fa.set_block_style()  # a key added to `{a: 1}` would make one long line
    mapping[key] = value


def plain(node: Any) -> Any:
    """A round-trip value as plain dicts, lists, str, int, float and bool."""
    if isinstance(node, CommentedMap):
        return {plain(key): plain(value) for key, value in node.items()}
    if isinstance(node, CommentedSeq):
        return [plain(item) for item in node]
    if isinstance(node, bool | ScalarBoolean):
        return bool(node)
    if isinstance(node, str):
        return str(node)
    if isinstance(node, int):
        return int(node)
    if isinstance(node, float):
        return float(node)
    return node


def write_atomic(path: Path, text: str) -> None:
    """Write `text` to `path` via a temporary file in the same folder and a rename."""
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    mode = path.stat().st_mode & 0o777 if path.exists() else 0o644
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
    try:
        with os.fdopen(fd, "w", encoding="utf-8", newline="\n") as handle:
            handle.write(text)
            handle.flush()
            os.fsync(handle.fileno())
        os.chmod(tmp, mode)
        os.replace(tmp, path)
    except BaseException:
        with contextlib.suppress(FileNotFoundError):
            os.unlink(tmp)
        raise
