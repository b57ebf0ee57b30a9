"""content/data/checkout-links.yaml: read, merge the `stripe` entries, write atomically.

The sync owns each tier's `stripe` entry and nothing else: other channels
(`platform`), tiers it does not manage and any other top-level keys are
kept as they are. The file is written sorted, in block style, so a real
change is a small readable diff; it is written only when its data changes,
so a run that changes nothing leaves it byte-identical; and it is written
to a temporary file in the same folder, then renamed over the old one, so a
crash never leaves half a file. The comment block at the top is kept.
"""

from __future__ import annotations

import contextlib
import copy
import os
import tempfile
from collections.abc import Mapping
from pathlib import Path
from typing import Any

import yaml

from haihui.stripe_sync.errors import SyncError

DEFAULT_HEADER = """\
# Checkout links per tier and channel. `stripe` entries are written by
# `invoke stripe-sync` (one Payment Link per language, returning the donor to
# the thank-you page in that language); `platform` entries are edited by hand.
"""
ENTRY_KEYS = ("url", "amount_fen", "currency", "interval", "price", "payment_link", "livemode")


class LinksFile:
    def __init__(self, path: Path, header: str, data: dict, exists: bool):
        self.path = path
        self.header = header
        self.data = data
        self.exists = exists

    @classmethod
    def load(cls, path: Path) -> LinksFile:
        path = Path(path)
        if not path.exists():
            return cls(path, DEFAULT_HEADER, {}, exists=False)
        text = path.read_text("utf-8")
        try:
            data = yaml.safe_load(text)
        except yaml.YAMLError as exc:
            mark = getattr(exc, "problem_mark", None)
            where = f":{mark.line + 1}" if mark else ""
            raise SyncError(
                f"{path}{where}: not valid YAML ({getattr(exc, 'problem', exc)}); fix it "
                "by hand before running the sync, which would otherwise overwrite it"
            ) from None
        data = {} if data is None else data
        if not isinstance(data, dict):
            raise SyncError(f"{path}: expected a mapping with a `tiers:` key at the top")
        tiers = data.get("tiers")
        if tiers is not None and not isinstance(tiers, dict):
            raise SyncError(f"{path}: `tiers` must be a mapping of tier id to channels")
        for tier, channels in (tiers or {}).items():
            if channels is not None and not isinstance(channels, dict):
                raise SyncError(f"{path}: tiers.{tier} must be a mapping of channel to links")
            stripe_entry = (channels or {}).get("stripe")
            if stripe_entry is not None and not isinstance(stripe_entry, dict):
                raise SyncError(f"{path}: tiers.{tier}.stripe must be a mapping of language to link")
        header_lines = []
        for line in text.splitlines(keepends=True):
            if line.startswith("#"):
                header_lines.append(line if line.endswith("\n") else line + "\n")
            else:
                break
        return cls(path, "".join(header_lines) or DEFAULT_HEADER, data, exists=True)

    def recorded_links(self) -> dict[str, dict[str, str]]:
        """tier -> language -> payment link id, as the file has them."""
        out: dict[str, dict[str, str]] = {}
        for tier, channels in (self.data.get("tiers") or {}).items():
            for lang, entry in ((channels or {}).get("stripe") or {}).items():
                if isinstance(entry, dict) and entry.get("payment_link"):
                    out.setdefault(str(tier), {})[str(lang)] = entry["payment_link"]
        return out

    def merged(self, stripe_entries: Mapping[str, Mapping[str, Mapping[str, Any]]]) -> dict:
        """The file's data with the `stripe` entries of the given tiers replaced."""
        data = copy.deepcopy(self.data)
        tiers = data.setdefault("tiers", {})
        for tier, by_lang in stripe_entries.items():
            channels = tiers.get(tier) or {}
            channels["stripe"] = {lang: {k: entry[k] for k in ENTRY_KEYS} for lang, entry in by_lang.items()}
            tiers[tier] = channels
        return data

    def render(self, data: Mapping) -> str:
        body = yaml.safe_dump(
            dict(data), sort_keys=True, allow_unicode=True, default_flow_style=False, width=4096, indent=2
        )
        return self.header + body

    def save(self, stripe_entries: Mapping[str, Mapping[str, Mapping[str, Any]]]) -> bool:
        """Write the merged data if it differs from what the file holds; True if written."""
        data = self.merged(stripe_entries)
        if self.exists and data == self.data:
            return False
        write_atomic(self.path, self.render(data))
        self.data = data
        self.exists = True
        return True


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
