"""The checked chain kept between builds, under the SHA-256 of the file and of what checks it.

Reading and checking 10,000 families takes seconds (PyYAML's composer, node by node, so that
a mistake has its line); a build whose chain has not changed (a story edited while `make
serve` runs) takes the checked chain from DATA_CACHE_PATH in a few hundredths of a second.
Only a chain with no problem at all is kept, so every warning is said again by every build;
a cache file that is missing, unreadable or not a chain is ignored and the file read again.
"""

import datetime as dt
import hashlib
from pathlib import Path

import pydantic

import haihui
from haihui.gift_chain.data import GiftChain, ReadChain, read_gift_chain

PREFIX = "gift-chain-"


def _code_fingerprint() -> bytes:
    """Every module of the core and pydantic's version: a changed rule is a new key."""
    digest = hashlib.sha256(pydantic.VERSION.encode())
    for module in sorted(Path(haihui.__file__).parent.rglob("*.py")):
        digest.update(module.read_bytes())
    return digest.digest()


def cache_key(data: bytes, languages: tuple[str, ...], today: dt.date, strict: bool) -> str:
    digest = hashlib.sha256(_code_fingerprint())
    digest.update(repr((languages, today.isoformat(), strict)).encode())
    digest.update(data)
    return digest.hexdigest()


def read_checked_chain(
    path: Path, languages: tuple[str, ...], today: dt.date, rules, strict: bool, cache: Path | None
) -> ReadChain:
    """read_gift_chain, or the chain it checked before from the same bytes, day and code.

    The file is read once: the bytes that make the key are the bytes checked and kept.
    """
    try:
        data = path.read_bytes() if cache is not None else None
    except OSError:
        data = None  # missing or unreadable: read_gift_chain says so
    key = cache_key(data, languages, today, strict) if data is not None else None
    if cache is not None and key is not None:
        try:
            chain = GiftChain.model_validate_json((cache / f"{PREFIX}{key}.json").read_bytes())
            return ReadChain(chain, [], None)
        except (OSError, ValueError):  # not there, or not a chain (ValidationError is a ValueError)
            pass
    read = read_gift_chain(path, languages, today, rules, strict, data)
    if cache is not None and key is not None and read.chain is not None and not read.problems:
        _keep(cache, key, read.chain)
    return read


def _keep(cache: Path, key: str, chain: GiftChain) -> None:
    try:
        cache.mkdir(parents=True, exist_ok=True)
        for old in cache.glob(f"{PREFIX}*.json"):  # only the latest chain is kept
            old.unlink()
        temporary = cache / f"{PREFIX}{key}.tmp"
        temporary.write_text(chain.model_dump_json(), "utf-8")
        temporary.replace(cache / f"{PREFIX}{key}.json")
    except OSError:
        pass  # a cache that cannot be written only makes the next build slower
