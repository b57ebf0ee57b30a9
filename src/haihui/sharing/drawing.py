"""Drawing a build's share images into the cache, on every core when many are new.

One job per page: its Open Graph image, its poster and the poster's preview,
each under its own key (cache.key_of). Only what the cache lacks is drawn, by
the process that finds it missing; with POOL_FROM pages or more to draw, the
work goes to one worker per core, which end with their build, as the picture
workers do (haihui.pictures.pipeline.end_with_parent).
"""

import os
import time
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass
from multiprocessing import get_context
from pathlib import Path

from PIL import Image

from haihui.pictures.pipeline import end_with_parent
from haihui.sharing.cache import ShareCache, write_new
from haihui.sharing.compose import ShareTexts, og_image, poster, poster_preview
from haihui.sharing.fonts import FontFace

POOL_FROM = 4  # pages to draw; fewer are quicker here than starting workers


@dataclass(frozen=True)
class PageJob:
    """What one page's images are drawn from, and the keys they are cached under."""

    texts: ShareTexts
    picture: str | None  # a picture file (from the picture cache), or none
    address: str  # in the poster's QR code
    face: FontFace
    og_key: str
    poster_key: str
    preview_key: str

    def cache_keys(self) -> tuple[str, str, str]:
        return self.og_key, self.poster_key, self.preview_key


def _open(path: str | None) -> Image.Image | None:
    if path is None:
        return None
    with Image.open(path) as opened:
        return opened.convert("RGB")


def draw_page(job: PageJob, root: str) -> int:
    """Worker: draw the images of `job` the cache lacks; the number drawn."""
    cache = ShareCache(Path(root))
    drawn = 0
    picture = None
    if not cache.file(job.og_key).is_file():
        picture = _open(job.picture)
        write_new(cache.file(job.og_key), og_image(job.texts, picture, job.face))
        drawn += 1
    poster_file = cache.file(job.poster_key)
    if not poster_file.is_file():
        picture = picture or _open(job.picture)
        write_new(poster_file, poster(job.texts, picture, job.address, job.face))
        drawn += 1
    if not cache.file(job.preview_key).is_file():
        write_new(cache.file(job.preview_key), poster_preview(poster_file.read_bytes()))
        drawn += 1
    return drawn


def draw_all(jobs: list[PageJob], cache: ShareCache, cores: int | None = None) -> None:
    """Every image of `jobs` in the cache; counts what was drawn and reused in `cache`."""
    todo = []
    for job in jobs:
        present = [cache.file(key).is_file() for key in job.cache_keys()]
        cache.keys.update(job.cache_keys())
        cache.reused += sum(present)
        if not all(present):
            todo.append(job)
    if not todo:
        return
    started = time.perf_counter()
    cores = cores or os.cpu_count() or 1
    if len(todo) >= POOL_FROM and cores > 1:
        with ProcessPoolExecutor(
            min(cores, len(todo)),
            mp_context=get_context("spawn"),
            initializer=end_with_parent,
            initargs=(os.getpid(),),
        ) as pool:
            cache.drawn += sum(pool.map(draw_page, todo, [str(cache.root)] * len(todo)))
    else:
        cache.drawn += sum(draw_page(job, str(cache.root)) for job in todo)
    cache.seconds += time.perf_counter() - started
