"""Many pictures at once: a cache keyed by content, both cores, and a progress line.

The cache lives outside the output (`.cache/images/` by default), one folder
per picture named by the SHA-256 of the encoder settings and the file's
bytes. So a rebuild, even after output/ is deleted, re-encodes nothing; a
changed photo gets a new key and is the only one redone; a renamed or moved
photo is found again. An entry is written into a temporary folder and renamed
into place, so an interrupted build never leaves half an entry behind.

Workers end with their build: a killed build (SIGKILL, SIGTERM) must not
leave workers behind holding its output pipes, or `make build`, which waits
for those pipes to close, would wait for ever. Each worker asks Linux to kill
it when the build dies (PR_SET_PDEATHSIG) and, everywhere, watches its parent
from a thread and exits as soon as the build is gone.
"""

import ctypes
import ctypes.util
import hashlib
import json
import logging
import os
import shutil
import signal
import sys
import tempfile
import threading
import time
from collections.abc import Iterable, Iterator
from concurrent.futures import ProcessPoolExecutor, as_completed
from concurrent.futures.process import BrokenProcessPool
from dataclasses import dataclass
from multiprocessing import get_context
from pathlib import Path

from haihui.languages.staff import Msg
from haihui.pictures.encode import ImageSettings, Rendition, UnreadablePicture, encode
from haihui.pictures.progress import Progress

logger = logging.getLogger(__name__)

POOL_FROM = 4  # new pictures; fewer are quicker in this process than starting workers
PROGRESS_FROM = 6  # more than a handful: show count and time left
META = "meta.json"
STATS = "last-build.json"


@dataclass(frozen=True)
class Entry:
    """A picture in the cache: its key and the files published for it."""

    key: str
    width: int  # of the largest width published
    height: int
    renditions: tuple[Rendition, ...]  # every width, WebP and JPEG, smallest first
    og: Rendition

    def widths(self, fmt: str) -> list[Rendition]:
        return [r for r in self.renditions if r.format == fmt]


@dataclass(frozen=True)
class Failure:
    reason: Msg  # why the picture cannot be published, a staff message


@dataclass(frozen=True)
class Stats:
    pictures: int  # distinct pictures asked for
    encoded: int  # re-encoded in this build
    reused: int  # found in the cache


class ImageCache:
    def __init__(self, root: Path, settings: ImageSettings):
        self.root = Path(root)
        self.settings = settings
        self._fingerprint = settings.fingerprint().encode()

    def key(self, data: bytes) -> str:
        return hashlib.sha256(self._fingerprint + b"\0" + data).hexdigest()

    def folder(self, key: str) -> Path:
        return self.root / key[:2] / key

    def file(self, entry: Entry, rendition: Rendition) -> Path:
        return self.folder(entry.key) / rendition.file

    def get(self, key: str) -> Entry | None:
        try:
            meta = json.loads((self.folder(key) / META).read_text("utf-8"))
        except (OSError, ValueError):
            return None
        renditions = tuple(Rendition(**r) for r in meta["renditions"])
        if not all((self.folder(key) / r.file).is_file() for r in renditions):
            return None
        og = next(r for r in renditions if r.file.startswith("og."))
        published = tuple(r for r in renditions if r is not og)
        return Entry(key, published[-1].width, published[-1].height, published, og)

    def put(self, key: str, files: list[tuple[Rendition, bytes]]) -> Entry:
        target = self.folder(key)
        target.parent.mkdir(parents=True, exist_ok=True)
        staging = Path(tempfile.mkdtemp(prefix=f".{key[:12]}-", dir=target.parent))
        try:
            for rendition, data in files:
                (staging / rendition.file).write_bytes(data)
            meta = {"renditions": [vars(r) for r, _ in files]}
            (staging / META).write_text(json.dumps(meta), "utf-8")
            try:
                staging.rename(target)
            except OSError:
                if not (target / META).is_file():  # not another build that got there first
                    raise
        finally:
            shutil.rmtree(staging, ignore_errors=True)
        entry = self.get(key)
        if entry is None:  # only if the folder another build made is incomplete or unreadable
            raise OSError(f"the picture cache folder {target} is incomplete; delete it and build again")
        return entry

    def write_stats(self, stats: Stats) -> None:
        self.root.mkdir(parents=True, exist_ok=True)
        (self.root / STATS).write_text(json.dumps(vars(stats)), "utf-8")


def encode_into_cache(path: str, key: str, root: str, settings: ImageSettings) -> Entry | Failure:
    """Worker: encode one file and store it (runs in a worker process when many are new)."""
    try:
        files = encode(Path(path).read_bytes(), settings)
    except UnreadablePicture as problem:
        return Failure(problem.reason)
    return ImageCache(Path(root), settings).put(key, files)


def process(
    paths: Iterable[Path], cache: ImageCache, *, progress_stream=None
) -> tuple[dict[Path, Entry | Failure], Stats]:
    """Entry (or Failure) for each path; encodes only what the cache does not hold."""
    keys: dict[Path, str] = {}
    for path in dict.fromkeys(paths):
        keys[path] = cache.key(path.read_bytes())
    found = {key: cache.get(key) for key in set(keys.values())}
    todo = {key: path for path, key in keys.items() if found[key] is None}
    done = _encode_all(todo, cache, os.cpu_count() or 1, progress_stream)
    results = {**{k: v for k, v in found.items() if v is not None}, **done}
    stats = Stats(pictures=len(found), encoded=len(todo), reused=len(found) - len(todo))
    cache.write_stats(stats)
    return {path: results[key] for path, key in keys.items()}, stats


def _encode_all(todo: dict[str, Path], cache: ImageCache, cores: int, stream) -> dict[str, Entry | Failure]:
    if not todo:
        return {}
    progress = Progress(len(todo), stream) if len(todo) >= PROGRESS_FROM else None
    jobs = {key: (str(path), key, str(cache.root), cache.settings) for key, path in todo.items()}
    results: dict[str, Entry | Failure] = {}

    def finished(key: str, result: Entry | Failure) -> None:
        results[key] = result
        if progress:
            progress.advance()

    if len(todo) >= POOL_FROM and cores > 1:
        try:
            for key, result in _in_workers(jobs, min(cores, len(todo))):
                finished(key, result)
        except BrokenProcessPool:
            logger.warning("The picture workers stopped; encoding the rest in this process")
    for key, job in jobs.items():
        if key not in results:
            finished(key, encode_into_cache(*job))
    return results


PR_SET_PDEATHSIG = 1  # linux/prctl.h
WATCH_EVERY = 0.5  # seconds between a worker's looks at its parent


def end_with_parent(parent: int) -> None:
    """Worker initializer: this process ends when the build that started it (`parent`) ends."""
    if sys.platform.startswith("linux"):
        try:
            libc = ctypes.CDLL(ctypes.util.find_library("c") or "libc.so.6", use_errno=True)
            libc.prctl(PR_SET_PDEATHSIG, signal.SIGKILL, 0, 0, 0)
        except (OSError, AttributeError):
            pass  # the watchdog below still holds
    if os.getppid() != parent:  # the build died before the line above took effect
        os._exit(1)
    threading.Thread(target=_watch_parent, args=(parent,), name="watch-build", daemon=True).start()


def _watch_parent(parent: int) -> None:
    while True:
        time.sleep(WATCH_EVERY)
        if os.getppid() != parent:  # re-parented: the build is gone
            os._exit(1)


def _in_workers(jobs: dict[str, tuple], workers: int) -> Iterator[tuple[str, Entry | Failure]]:
    # "spawn": workers start clean, not as copies of Pelican and its threads; they
    # import the installed core package (haihui.pictures).
    with ProcessPoolExecutor(
        workers, mp_context=get_context("spawn"), initializer=end_with_parent, initargs=(os.getpid(),)
    ) as pool:
        futures = {pool.submit(encode_into_cache, *job): key for key, job in jobs.items()}
        for future in as_completed(futures):
            yield futures[future], future.result()
