"""Pelican plugin: pictures published fast and safe, and stories only with consent.

- Before Pelican reads anything (after haihui_content passed), every raster
  picture that a published story or page shows is encoded into the cache
  (encode.py, pipeline.py): a damaged or enormous file stops the build there,
  naming the file, with output/ untouched.
- A story whose consent is withdrawn (in either language) is skipped as it
  is read: no page, listing, feed or sitemap entry, and its pictures (not
  drawings) are published nowhere: taken off every other page that shows
  them (About, a campaign page, another story), and never written.
- Each story gets `hero` (the `<picture>` and its Open Graph crop); each
  `<img>` in a text becomes a lazy `<picture>`.
- Deny by default: Pelican's static generator copies nothing from content/
  (originals with their GPS data, a PDF, an SVG that can carry script); the
  encoded pictures are written from the cache. Symlinks are never followed:
  one where pictures or static files are gathered stops the build.

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

import haihui_consent as consent_gate
import haihui_gates as gates
from haihui.consent import withdrawn_slugs
from haihui.content import drafts
from haihui.content.image_rules import (
    HTML_IMG,
    ILLUSTRATIONS,
    attributes,
    hero_path,
    image_refs,
    resolve,
    symlink_problem,
    withdrawn_pictures,
)
from haihui.content.links import content_url
from haihui.content.paths import relative_to_content
from haihui.pictures import OUTPUT_FOLDER
from haihui.pictures.encode import ImageSettings
from haihui.pictures.markup import HERO_SIZES, TEXT_SIZES, escape_alt, output_name, picture
from haihui.pictures.pipeline import Entry, Failure, ImageCache, process
from haihui.problems import N_, ContentError, Problem, display_path, named
from haihui.settings import DEFAULTS
from haihui_gates.static_gate import linked_part

logger = logging.getLogger(__name__)


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
    hidden: frozenset[str]  # pictures those stories show: taken off every page
    cache: ImageCache
    siteurl: str


PREPARED = "haihui_pictures"  # this build's Prepared, in the build's context


def _cache_root(settings) -> Path:
    return Path(settings.get("IMAGE_CACHE_PATH") or DEFAULTS["IMAGE_CACHE_PATH"])


def prepare_pictures(generator):
    """Encode (or find in the cache) every picture the build will publish."""
    settings = generator.settings
    content = Path(settings["PATH"])
    sources = consent_gate.sources_for_build(generator)
    withdrawn = withdrawn_slugs(sources)
    content_root = display_path(content, Path.cwd())  # as the sources' paths are shown
    down = [s for s in sources if s.kind == "story" and s.slug in withdrawn]
    hidden = set(
        withdrawn_pictures(down, content_root, lambda s: content_url(s.kind, s.front.values, settings))
    )
    uses = defaultdict(list)  # path in the content folder -> [(source, ref)]
    is_file = {}  # path -> bool: many stories may show the same picture
    links = []
    not_read = {id(s) for s in drafts.left_out(sources, settings)}  # drafts a publish build leaves out
    for source in sources:
        if (source.kind == "story" and source.slug in withdrawn) or id(source) in not_read:
            continue
        here = relative_to_content(source.path, content_root)
        page_url = content_url(source.kind, source.front.values, settings)
        for ref in image_refs(source, here, page_url):
            if not ref.raster or ref.outside or ref.path in hidden:
                continue
            if ref.path not in is_file:
                link = linked_part(content, ref.path)
                if link:
                    links.append(link)
                is_file[ref.path] = link is None and (content / ref.path).is_file()
            if is_file[ref.path]:
                uses[ref.path].append((source, ref))
    if links:  # the checks refuse them first; never read through one (fail closed)
        raise ContentError(
            [symlink_problem(display_path(content / link, Path.cwd())) for link in sorted(set(links))]
        )
    cache = ImageCache(_cache_root(settings), ImageSettings())
    # The same photo of her under another name is hers too (same bytes, same cache key).
    hidden_keys = {_key_of(cache, content, path) for path in hidden} - {None}
    results, stats = process([content / path for path in uses], cache, progress_stream=sys.stderr)
    for path in list(uses):
        result = results[content / path]
        if isinstance(result, Entry) and result.key in hidden_keys:
            logger.warning(
                "%s is a copy of a picture of a story taken down: not published",
                display_path(content / path, Path.cwd()),
            )
            hidden.add(path)
            del uses[path]
    problems = [
        _unreadable(display_path(content / path, Path.cwd()), source, ref, results[content / path])
        for path, used in uses.items()
        if isinstance(results[content / path], Failure)
        for source, ref in used
    ]
    if problems:
        raise ContentError(problems)
    logger.info(
        "Pictures: %d (%d encoded, %d from the cache in %s)",
        stats.pictures,
        stats.encoded,
        stats.reused,
        cache.root,
    )
    generator.context[PREPARED] = Prepared(
        entries={path: results[content / path] for path in uses},
        heroes=frozenset(path for path, used in uses.items() if any(ref.hero for _, ref in used)),
        hidden=frozenset(hidden),
        cache=cache,
        siteurl=settings["SITEURL"],
    )


def _key_of(cache: ImageCache, content: Path, path: str) -> str | None:
    if linked_part(content, path) or not (content / path).is_file():
        return None
    return cache.key((content / path).read_bytes())


def _unreadable(shown: str, source, ref, failure: Failure) -> Problem:
    return Problem(
        source.path,
        ref.line,
        N_("the picture {shown} cannot be published: {reason}"),
        N_("replace the file, or open it on a computer and save it again as JPEG"),
        params=named(shown=shown, reason=failure.reason),
    )


def attach_pictures(content):
    """`hero` for a story; every picture in the text becomes a `<picture>`."""
    prepared = (getattr(content, "_context", None) or {}).get(PREPARED)
    if prepared is None or not isinstance(content, (Article, Page)):
        return
    image = content.metadata.get("image")
    entry = prepared.entries.get(hero_path(image)) if image else None
    if entry is not None:
        alt = content.metadata.get("image_alt", "")
        content.hero = Hero(
            html=_picture(prepared, entry, escape_alt(alt), HERO_SIZES, lazy=False),
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
        content._content = HTML_IMG.sub(
            lambda match: _replace_img(prepared, match[0], here, page_url), content._content
        )


def _picture(
    prepared: Prepared, entry: Entry, alt_html: str, sizes: str, *, lazy: bool, extra_html: str = ""
) -> Markup:
    return picture(
        entry,
        siteurl=prepared.siteurl,
        folder=OUTPUT_FOLDER,
        alt_html=alt_html,
        sizes=sizes,
        lazy=lazy,
        extra_html=extra_html,
    )


def _replace_img(prepared: Prepared, tag: str, here: str, page_url: str | None) -> str:
    attrs = attributes(tag)
    path, outside = resolve(unescape(attrs.get("src", "")), here, page_url)
    if path in prepared.hidden and not outside:
        return ""  # a picture of a story taken down: off every page (the checks warned)
    entry = prepared.entries.get(path) if path and not outside else None
    if entry is None:
        return tag  # not a picture of this site (an SVG drawing, say): left as written
    extra = "".join(f' {name}="{attrs[name]}"' for name in ("title", "class") if name in attrs)
    return _picture(prepared, entry, attrs.get("alt", ""), TEXT_SIZES, lazy=True, extra_html=extra)


class PicturesGenerator(Generator):
    """Copies the encoded files of every published picture from the cache to the output."""

    def generate_output(self, writer):
        prepared = self.context.get(PREPARED)
        if prepared is None:
            return
        written = 0
        for path, entry in prepared.entries.items():
            files = list(entry.renditions) + ([entry.og] if path in prepared.heroes else [])
            for rendition in files:
                target = Path(self.output_path) / output_name(OUTPUT_FOLDER, entry, rendition.file)
                target.parent.mkdir(parents=True, exist_ok=True)
                shutil.copyfile(prepared.cache.file(entry, rendition), target)
                written += 1
        logger.info("Wrote %d picture files to %s/", written, OUTPUT_FOLDER)


def get_generators(pelican):
    return PicturesGenerator


def register():
    gates.register()  # every Haihui plugin brings the safety gates: they hold whichever are loaded
    signals.page_generator_init.connect(prepare_pictures)
    signals.content_object_init.connect(attach_pictures)
    signals.get_generators.connect(get_generators)
