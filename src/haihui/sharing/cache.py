"""Drawn share images, kept between builds beside the picture cache (outside output/).

As the picture cache (haihui.pictures.pipeline) does: a file is named by the
SHA-256 of everything it is drawn from (the kind of image, the words, the
address in its QR code, the picture's cache key, the font's identity and the
layout's version), written under a temporary name and renamed into place, so
an interrupted build leaves no half file and a file is never changed in place
(the tests' project copies share the cache through hard links). A rebuild
with nothing changed draws nothing; `make clean` empties it with the pictures.
"""

import hashlib
import json
import os
import tempfile
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

FOLDER = "share"  # inside IMAGE_CACHE_PATH
STATS = "last-build.json"  # what the last build drew and reused (tests, `invoke bench`)


def key_of(*parts: object) -> str:
    """The cache key of an image drawn from `parts` (JSON-able values)."""
    text = json.dumps(parts, ensure_ascii=False, sort_keys=True, default=str)
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


@dataclass
class ShareCache:
    root: Path  # IMAGE_CACHE_PATH / FOLDER
    drawn: int = 0
    reused: int = 0
    seconds: float = 0.0  # spent drawing (not reading the cache)
    keys: set[str] = field(default_factory=set)

    def file(self, key: str, suffix: str = ".jpg") -> Path:
        return self.root / key[:2] / f"{key}{suffix}"

    def get_or_draw(self, key: str, draw: Callable[[], bytes], suffix: str = ".jpg") -> Path:
        """The cached file for `key`, drawn by `draw()` first when the cache lacks it."""
        path = self.file(key, suffix)
        self.keys.add(key)
        if path.is_file():
            self.reused += 1
            return path
        started = time.perf_counter()
        data = draw()
        self.seconds += time.perf_counter() - started
        write_new(path, data)
        self.drawn += 1
        return path

    def write_stats(self, **timings: float) -> None:
        """`images`, `drawn`, `reused`, `seconds` (drawing), and the build's other `timings`."""
        stats = {
            "images": len(self.keys),
            "drawn": self.drawn,
            "reused": self.reused,
            "seconds": round(self.seconds, 3),
            **{name: round(value, 3) for name, value in timings.items()},
        }
        write_new(self.root / STATS, json.dumps(stats).encode())


def write_new(path: Path, data: bytes) -> None:
    """Write `path` as a new file (temporary name, then rename): never in place."""
    path.parent.mkdir(parents=True, exist_ok=True)
    handle, temporary = tempfile.mkstemp(prefix=f".{path.name}-", dir=path.parent)
    try:
        with os.fdopen(handle, "wb") as out:
            out.write(data)
        os.replace(temporary, path)
    except BaseException:
        Path(temporary).unlink(missing_ok=True)
        raise
