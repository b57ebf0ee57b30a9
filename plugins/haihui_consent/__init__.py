"""The consent gate: a story without consent is never published, whatever plugins are loaded.

Every Haihui plugin's `register()` calls `register()` here (connecting a
receiver twice is a no-op), so the gate holds with any other plugin removed
or reordered. It keeps nothing between builds: what it knows lives in the
build's own context, made anew by Pelican for every build (`make serve`
rebuilds in one process).

1. Before Pelican reads anything (the articles generator's `generator_init`,
   before the output folder is cleaned): the content is read once per build
   the way Pelican reads it (project.markdown_files). A story taken down
   (`Consent: withdrawn` in any of its files, in any spelling) is removed
   from the files Pelican will read, so nothing else wrong with it can stop
   the takedown. A story that is not taken down and has no single valid
   `Consent: given` record stops the build (fails closed).
2. As Pelican reads each story (`article_generator_context`), its own parsed
   values are judged again: anything but one `given` record skips the story
   and stops the build once reading is done.
3. Links from other pages to a story taken down are removed (their text
   stays), so a takedown never leaves a broken link that would stop the
   public build.

Drafts (haihui.content.drafts) pass through the same gate. With the publish
settings a draft is not read at all, like a story taken down, and a story
Pelican reads as `Status: draft` is skipped. In a local preview (`make
serve`, `make build`) each draft is read as a Pelican draft, and a draft
whose consent is still the scaffold's placeholder is the one exception to
"no single `given` record stops the build": it is built there only, on the
staff member's own computer. Withdrawal still wins over everything.
"""

import logging
import posixpath
import re
from pathlib import Path
from urllib.parse import unquote, urljoin, urlsplit

from pelican import signals
from pelican.generators import ArticlesGenerator, PagesGenerator
from pelican.urlwrappers import Category

from haihui import consent as consent_rules
from haihui.content import drafts
from haihui.content.content_rules import load_sources
from haihui.content.links import content_url
from haihui.content.paths import relative_to_content
from haihui.content.placeholders import is_placeholder
from haihui.content.project import markdown_files, site_today
from haihui.problems import N_, ContentError, Problem, display_path, named

logger = logging.getLogger(__name__)

SOURCES = "content_sources"  # this build's reading of the content, in the build's context
TAKEN_DOWN = "haihui_taken_down"  # {"paths": {...}, "urls": {...}} of stories taken down
UNDECIDED = "haihui_consent_undecided"  # problems found while Pelican reads
# {"build": bool, "slugs": {...} built as drafts, "paths"/"urls"/"slugs_left_out": drafts not read}
DRAFTS = "haihui_drafts"

_LINK = re.compile(
    r"<a\b[^>]*?\bhref=([\"'])(?P<href>.*?)\1[^>]*>(?P<text>.*?)</a>", re.DOTALL | re.IGNORECASE
)
_REFERENCE = re.compile(r"^[{|]filename[}|]")


def sources_for_build(generator) -> list:
    """The content as Pelican will read it, read once per build (kept in the build's context)."""
    context = generator.context
    if SOURCES not in context:
        get_files = getattr(generator, "_haihui_pelican_get_files", generator.get_files)
        context[SOURCES] = load_sources(markdown_files(generator.settings, get_files))
    return context[SOURCES]


def gate_before_reading(generator):
    if not isinstance(generator, (ArticlesGenerator, PagesGenerator)):
        return
    own_get_files = generator.get_files
    generator._haihui_pelican_get_files = own_get_files
    sources = sources_for_build(generator)
    content_root = display_path(Path(generator.settings["PATH"]), Path.cwd())
    down = consent_rules.taken_down(sources)
    down_paths = {relative_to_content(s.path, content_root) for s in down}
    judged = {relative_to_content(s.path, content_root) for s in sources}
    generator.context[TAKEN_DOWN] = {
        "paths": down_paths,
        "slugs": {s.slug for s in down if s.slug},
        "urls": {url for s in down if (url := content_url("story", s.front.values, generator.settings))},
    }
    built = drafts.built(sources, generator.settings)
    left_out = drafts.left_out(sources, generator.settings)
    left_out_paths = {relative_to_content(s.path, content_root) for s in left_out}
    generator.context[DRAFTS] = {
        "build": drafts.mode_of(generator.settings) == drafts.BUILD,
        "slugs": {s.slug for s in built},
        "paths": left_out_paths,
        "slugs_left_out": {s.slug for s in left_out},
        "urls": {url for s in left_out if (url := content_url("story", s.front.values, generator.settings))},
    }
    if isinstance(generator, ArticlesGenerator):
        today = site_today(generator.settings)
        not_read = {d.path for d in down} | {d.path for d in left_out}
        # Built for the local preview only, on the staff member's own computer.
        pending = {s.path for s in built if drafts.consent_pending(s)}
        undecided = [
            p
            for s in sources
            if s.kind == "story" and s.path not in not_read and s.path not in pending
            for p in _undecided(s, today)
        ]
        if undecided:
            raise ContentError(undecided)

    def files_with_consent(paths, exclude=None, extensions=None):
        found = own_get_files(paths, exclude=exclude, extensions=extensions)
        unjudged = sorted(f for f in found if f.replace("\\", "/") not in judged)
        if unjudged:  # the checks did not read it: publishing it would skip every rule
            raise ContentError(
                [
                    Problem(
                        f,
                        1,
                        N_("this file was not checked before reading, so it is not published"),
                        N_(
                            "report this to the site's maintainers; "
                            "meanwhile move the file out of the content folder"
                        ),
                    )
                    for f in unjudged
                ]
            )
        return {f for f in found if f.replace("\\", "/") not in down_paths | left_out_paths}

    generator.get_files = files_with_consent


def _undecided(source, today) -> list[Problem]:
    """Why a story's consent cannot be decided from its header (empty when it can)."""
    values = [value for _, value in source.front.all_values.get("consent", ())]
    record = consent_rules.consent_of({"consent": values[0]}) if len(values) == 1 else None
    if record is not None and record[0] == "given" and record[1] <= today:
        return []
    return [
        Problem(
            source.path,
            source.front.line_of("consent"),
            N_("this story has no single valid consent record, so it cannot be published"),
            N_(
                "write one line 'Consent: given YYYY-MM-DD' with the day she gave consent, or "
                "'Consent: withdrawn YYYY-MM-DD' to take the story down"
            ),
        )
    ]


def gate_while_reading(generator, metadata):
    """Judge Pelican's own parsed values: only one `given` record passes (or, for a draft in a
    local preview, the placeholder)."""
    down_slugs = generator.context.get(TAKEN_DOWN, {}).get("slugs", set())
    consent = metadata.get("consent")
    values = consent if isinstance(consent, list) else [consent] if consent is not None else []
    slug = metadata.get("slug")
    if any(consent_rules.WITHDRAWAL_WORDS.search(str(v)) for v in values) or slug in down_slugs:
        metadata["status"] = "skip"
        return
    if _skip_draft(generator, metadata, generator.context.get(DRAFTS, {}).get("slugs_left_out", set())):
        return
    draft = slug in generator.context.get(DRAFTS, {}).get("slugs", set())
    if draft:
        metadata["status"] = "draft"  # Pelican's own drafts: written at DRAFT_URL, listed nowhere
    if metadata.get("status") == "draft" and "category" not in metadata:
        # Pelican writes a draft with its category; this site has none (CATEGORY_SAVE_AS is empty).
        category = generator.settings.get("DEFAULT_CATEGORY") or "stories"
        metadata["category"] = Category(category, generator.settings)
    if draft and len(values) == 1 and is_placeholder(str(values[0])):
        return
    record = consent_rules.consent_of({"consent": values[0]}) if len(values) == 1 else None
    if record is None or record[0] != "given" or record[1] > site_today(generator.settings):
        metadata["status"] = "skip"
        generator.context.setdefault(UNDECIDED, []).append(
            Problem(
                f"story '{slug or metadata.get('title', '?')}'",
                1,
                N_("Pelican read the consent record as {consent}, which is not one 'given' record"),
                N_("write one line 'Consent: given YYYY-MM-DD'"),
                params=named(consent=repr(consent)),
            )
        )


def _skip_draft(generator, metadata, slugs_left_out=frozenset()) -> bool:
    """Outside a local preview a draft is never built: skipped as Pelican reads it (True)."""
    if generator.context.get(DRAFTS, {}).get("build", False):
        return False
    if metadata.get("status") == "draft" or metadata.get("slug") in slugs_left_out:
        metadata["status"] = "skip"
        return True
    return False


def skip_draft_pages(generator, metadata):
    """A page Pelican reads as `Status: draft` is built only in a local preview."""
    _skip_draft(generator, metadata)


def stop_if_undecided(generator):
    problems = generator.context.pop(UNDECIDED, None)
    if problems:
        raise ContentError(problems)


def unlink_taken_down(content):
    """A link to a story taken down, or to a draft left out, keeps its text and loses its address."""
    text = getattr(content, "_content", None)
    if not text or "<a" not in text:
        return
    context = getattr(content, "_context", None) or {}
    down, left_out = context.get(TAKEN_DOWN), context.get(DRAFTS)
    paths = (down["paths"] if down else set()) | (left_out["paths"] if left_out else set())
    urls = (down["urls"] if down else set()) | (left_out["urls"] if left_out else set())
    if not (paths or urls):
        return
    here = (getattr(content, "relative_source_path", "") or "").replace("\\", "/")
    page_url = getattr(content, "url", "") or ""

    def replace(match):
        href = unquote(match["href"])
        reference = _REFERENCE.match(href)
        if reference:
            path = urlsplit(href[reference.end() :]).path
            target = (
                path[1:]
                if path.startswith("/")
                else posixpath.normpath(posixpath.join(posixpath.dirname(here), path))
            )
            if target in paths:
                return match["text"]
        elif not urlsplit(href).scheme:
            url = urlsplit(urljoin("/" + page_url, href)).path.lstrip("/")
            if url in urls or url + "/" in urls:
                return match["text"]
        return match[0]

    content._content = _LINK.sub(replace, text)


def register():
    signals.generator_init.connect(gate_before_reading)
    signals.article_generator_context.connect(gate_while_reading)
    signals.page_generator_context.connect(skip_draft_pages)
    signals.article_generator_finalized.connect(stop_if_undecided)
    signals.content_object_init.connect(unlink_taken_down)
