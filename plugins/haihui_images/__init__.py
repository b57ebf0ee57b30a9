"""Pelican plugin: pictures published fast and safe, and stories only with consent.

- Before Pelican reads anything (after haihui_checks passed), every raster
  picture that a published story or page shows is encoded into the cache
  (encode.py, pipeline.py): a damaged or enormous file stops the build there,
  naming the file, with output/ untouched.
- A story whose consent is withdrawn (in either language) is skipped as it
  is read: no page, listing, feed or sitemap entry, and its pictures are not
  written.
- Each story gets `hero` (the `<picture>` and its Open Graph crop); each
  `<img>` in a text becomes a lazy `<picture>`.
- Original pictures are never copied to the output; the encoded files are,
  from the cache.

Why not pelican-image-process: see the README ("Pictures").
"""

import logging
import shutil
import sys
from collections import defaultdict
from dataclasses import dataclass
from html import unescape
from pathlib import Path, PurePosixPath

from markupsafe import Markup
from pelican import signals
from pelican.contents import Article, Page
from pelican.generators import Generator

from haihui_checks.consent_rules import withdrawn_slugs
from haihui_checks.content_rules import load_sources
from haihui_checks.image_rules import (
    HTML_IMG,
    ILLUSTRATIONS,
    RASTER,
    UNREADABLE,
    attributes,
    hero_path,
    image_refs,
    resolve,
)
from haihui_checks.links import content_url
from haihui_checks.paths import relative_to_content
from haihui_checks.problems import ContentError, Problem, display_path
from haihui_checks.project import markdown_files

from .encode import ImageSettings
from .markup import HERO_SIZES, TEXT_SIZES, escape_alt, output_name, picture
from .pipeline import Entry, Failure, ImageCache, process

logger = logging.getLogger(__name__)

OUTPUT_FOLDER = "images"  # encoded pictures, named by content hash: images/<hash>-960.webp
DEFAULT_CACHE = ".cache/images"  # IMAGE_CACHE_PATH overrides it (relative to where Pelican runs)


@dataclass(frozen=True)
class Hero:
    """A story's hero picture, for templates: `article.hero.html`, `article.hero.og_url`."""

    html: Markup
    alt: str
    og_url: str  # site-relative, 1200x630
    og_width: int
    og_height: int
    illustration: bool  # drawn for the site, not a photo of her


@dataclass(frozen=True)
class Prepared:
    """What this build publishes: set before reading, used while reading and writing."""

    entries: dict[str, Entry]  # by path in the content folder
    heroes: frozenset[str]  # of those, the ones a story shows on top (they get an og crop)
    withdrawn: frozenset[str]  # story slugs taken down
    cache: ImageCache
    siteurl: str


_prepared: Prepared | None = None


def _cache_root(settings) -> Path:
    return Path(settings.get("IMAGE_CACHE_PATH") or DEFAULT_CACHE)


def prepare_pictures(generator):
    """Encode (or find in the cache) every picture the build will publish."""
    global _prepared
    _prepared = None
    settings = generator.settings
    content = Path(settings["PATH"])
    sources = generator.context.get("content_sources") or load_sources(markdown_files(settings))
    withdrawn = withdrawn_slugs(sources)
    content_root = display_path(content, Path.cwd())  # as the sources' paths are shown
    uses = defaultdict(list)  # path in the content folder -> [(source, ref)]
    is_file = {}  # path -> bool: many stories may show the same picture
    for source in sources:
        if source.kind == "story" and source.slug in withdrawn:
            continue
        here = relative_to_content(source.path, content_root)
        page_url = content_url(source.kind, source.front.values, settings)
        for ref in image_refs(source, here, page_url):
            if not ref.raster or ref.outside:
                continue
            if ref.path not in is_file:
                is_file[ref.path] = (content / ref.path).is_file()
            if is_file[ref.path]:
                uses[ref.path].append((source, ref))
    cache = ImageCache(_cache_root(settings), ImageSettings())
    results, stats = process([content / path for path in uses], cache, progress_stream=sys.stderr)
    problems = [
        _unreadable(display_path(content / path, Path.cwd()), source, ref, results[content / path])
        for path, used in uses.items() if isinstance(results[content / path], Failure)
        for source, ref in used
    ]
    if problems:
        raise ContentError(problems)
    logger.info("Pictures: %d (%d encoded, %d from the cache in %s)",
                stats.pictures, stats.encoded, stats.reused, cache.root)
    _prepared = Prepared(
        entries={path: results[content / path] for path in uses},
        heroes=frozenset(path for path, used in uses.items() if any(ref.hero for _, ref in used)),
        withdrawn=withdrawn,
        cache=cache,
        siteurl=settings["SITEURL"],
    )


def _unreadable(shown: str, source, ref, failure: Failure) -> Problem:
    return Problem(
        source.path, ref.line, f"the picture {shown} cannot be published: {failure.reason}",
        "replace the file, or open it on a computer and save it again as JPEG",
        message_zh=f"图片 {shown} 无法发布：{failure.reason_zh}",
        fix_zh="请换一个文件，或在电脑上打开后重新另存为 JPEG",
    )


def skip_withdrawn(generator, metadata):
    """A story whose consent is withdrawn is not read any further (Pelican's `skip` status)."""
    if _prepared is not None and metadata.get("slug") in _prepared.withdrawn:
        metadata["status"] = "skip"


def attach_pictures(content):
    """`hero` for a story; every picture in the text becomes a `<picture>`."""
    if _prepared is None or not isinstance(content, (Article, Page)):
        return
    image = content.metadata.get("image")
    entry = _prepared.entries.get(hero_path(image)) if image else None
    if entry is not None:
        alt = content.metadata.get("image_alt", "")
        content.hero = Hero(
            html=_picture(entry, escape_alt(alt), HERO_SIZES, lazy=False),
            alt=alt,
            og_url=output_name(OUTPUT_FOLDER, entry, entry.og.file),
            og_width=entry.og.width,
            og_height=entry.og.height,
            illustration=hero_path(image).startswith(ILLUSTRATIONS),
        )
    if content._content and "<img" in content._content:
        kind = "story" if isinstance(content, Article) else "page"
        here = PurePosixPath(content.relative_source_path).as_posix()
        page_url = content_url(kind, content.metadata, content.settings)
        content._content = HTML_IMG.sub(lambda match: _replace_img(match[0], here, page_url),
                                        content._content)


def _picture(entry: Entry, alt_html: str, sizes: str, *, lazy: bool, extra_html: str = "") -> Markup:
    return picture(entry, siteurl=_prepared.siteurl, folder=OUTPUT_FOLDER, alt_html=alt_html,
                   sizes=sizes, lazy=lazy, extra_html=extra_html)


def _replace_img(tag: str, here: str, page_url: str | None) -> str:
    attrs = attributes(tag)
    path, outside = resolve(unescape(attrs.get("src", "")), here, page_url)
    entry = _prepared.entries.get(path) if path and not outside else None
    if entry is None:
        return tag  # not a picture of this site (an SVG drawing, say): left as written
    extra = "".join(f' {name}="{attrs[name]}"' for name in ("title", "class") if name in attrs)
    return _picture(entry, attrs.get("alt", ""), TEXT_SIZES, lazy=True, extra_html=extra)


def keep_originals_out(generator):
    """Originals (with their GPS and camera data) are never copied to the output."""
    originals = [s for s in generator.staticfiles
                 if PurePosixPath(s.source_path).suffix.lower() in RASTER | UNREADABLE]
    for static in originals:
        generator.staticfiles.remove(static)
        generator.context["static_content"].pop(static.get_relative_source_path(), None)


class PicturesGenerator(Generator):
    """Copies the encoded files of every published picture from the cache to the output."""

    def generate_output(self, writer):
        if _prepared is None:
            return
        written = 0
        for path, entry in _prepared.entries.items():
            files = list(entry.renditions) + ([entry.og] if path in _prepared.heroes else [])
            for rendition in files:
                target = Path(self.output_path) / output_name(OUTPUT_FOLDER, entry, rendition.file)
                target.parent.mkdir(parents=True, exist_ok=True)
                shutil.copyfile(_prepared.cache.file(entry, rendition), target)
                written += 1
        logger.info("Wrote %d picture files to %s/", written, OUTPUT_FOLDER)


def get_generators(pelican):
    return PicturesGenerator


def register():
    signals.page_generator_init.connect(prepare_pictures)
    signals.article_generator_context.connect(skip_withdrawn)
    signals.content_object_init.connect(attach_pictures)
    signals.static_generator_finalized.connect(keep_originals_out)
    signals.get_generators.connect(get_generators)
