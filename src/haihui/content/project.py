"""Find the content of a project on disk and run every check over it."""

import os
from collections.abc import Sequence
from datetime import date
from pathlib import Path

from haihui.assets import theme_assets
from haihui.clock import build_today
from haihui.consent import taken_down
from haihui.content import drafts
from haihui.content.content_rules import Rules, Source, check_sources, load_sources
from haihui.content.image_rules import files_below
from haihui.content.links import content_url
from haihui.content.paths import relative_to_content
from haihui.gift_chain import load_gift_chain
from haihui.giving.site_data import load_site_tiers
from haihui.organisation import load_organisation
from haihui.partners import load_partner_kit
from haihui.problems import N_, ContentError, Problem, display_path, msg, named, read_utf8


def site_addresses(
    settings: dict, sources: list[Source], draft_sources: Sequence[Source] = ()
) -> tuple[frozenset[str], tuple]:
    """Every address a build writes that a link may name, and each source's own address.

    `draft_sources`: this build's drafts, which are not at their published address."""
    languages = settings["LANGUAGES"]
    urls = set()
    for pattern in settings.get("LISTING_URLS", {}).values():
        urls |= {pattern.format(prefix=spec["prefix"]) for spec in languages.values()}
    if settings.get("FEED_URL"):
        urls |= {settings["FEED_URL"].format(prefix=spec["prefix"]) for spec in languages.values()}
    if settings.get("SITEMAP_URL"):
        urls.add(settings["SITEMAP_URL"])
    # The theme's files are written under fingerprinted names only (haihui.assets).
    urls |= {asset.file for asset in theme_assets(settings).values()}
    content = Path(settings["PATH"])
    for folder in settings.get("STATIC_PATHS", []):
        if (content / folder).is_file():
            urls.add(folder)
        urls |= {f"{folder.strip('/')}/{f}" for f in files_below(str(content / folder))}
    own = []
    # Not built (or, drafts, not there), so not an address a link may name.
    down = {id(s) for s in taken_down(sources)} | {id(s) for s in draft_sources}
    for source in sources:
        if id(source) in down:
            continue
        url = content_url(source.kind, source.front.values, settings)
        if url is not None:
            urls.add(url)
            own.append((source.path, url))
    return frozenset(urls), tuple(own)


def published_pages(settings: dict) -> list[tuple[Source, str]]:
    """Every story and page a build publishes (none taken down, no draft), each with the
    site-relative address Pelican gives it, in the order staff see the files."""
    sources = load_sources(markdown_files(settings))
    by_path = {source.path: source for source in sources}
    return [(by_path[path], url) for path, url in site_addresses(settings, sources)[1]]


def rules_from_settings(settings: dict, sources: list[Source] | None = None) -> Rules:
    templates_dir = Path(settings["THEME"]) / "templates"
    templates = frozenset(p.stem for p in templates_dir.glob("*.html"))
    content = Path(settings["PATH"])
    draft_mode = drafts.mode_of(settings)
    these_drafts = drafts.draft_files(sources or [], draft_mode, bool(settings.get("STRICT_PUBLISH")))
    site_urls, source_urls = (
        site_addresses(settings, sources, these_drafts) if sources is not None else (None, ())
    )
    shown_root = display_path(content, Path.cwd())
    down = taken_down(sources or [])
    down_marks = {relative_to_content(s.path, shown_root) for s in down} | {
        url for s in down if (url := content_url("story", s.front.values, settings))
    }
    giving = load_site_tiers(settings) if "FUND_USE_FILE" in settings else None
    return Rules(
        languages=tuple(settings["LANGUAGES"]),
        strict=bool(settings.get("STRICT_PUBLISH")),
        templates=templates,
        content_root=shown_root,
        # Symlinked files are not files of the site: the checks refuse them (image_rules).
        content_files=frozenset(files_below(str(content))) if content.is_dir() else None,
        static_paths=tuple(settings.get("STATIC_PATHS", [])),
        site_urls=site_urls,
        source_urls=source_urls,
        settings=settings,
        giving=giving,
        organisation=load_organisation(settings),
        # The partner kit names unit costs and tiers of the giving data (haihui.partners).
        partner_kit=load_partner_kit(settings, site_today(settings), giving)
        if "PARTNER_KIT_FILE" in settings
        else None,
        # Read with every file, stories taken down too: a family one of them names is never named.
        gift_chain=load_gift_chain(settings, sources or [], site_today(settings))
        if "GIFT_CHAIN_FILE" in settings
        else None,
        today=site_today(settings),
        taken_down=frozenset(down_marks),
        drafts=draft_mode,
    )


def site_today(settings: dict) -> date:
    """Today where the site's staff are (TIMEZONE), not where the build machine is; fixed by
    HAIHUI_TODAY or SOURCE_DATE_EPOCH when set (haihui.clock.build_today, the one reading)."""
    return build_today(settings)


def pelican_files(settings: dict, get_files=None) -> list[tuple[str, str]]:
    """(kind, path in the content folder) of every file Pelican will read as a story or page.

    Asked of Pelican itself (a generator's `get_files`, with the extensions of
    every reader it has enabled: .md, .markdown, .html, .rst ...), so the checks
    judge exactly the files Pelican publishes. `get_files` is a generator's own
    method in a build; elsewhere (`invoke check`) one is made from the settings.
    """
    if get_files is None:
        from pelican.generators import Generator
        from pelican.readers import Readers

        walker = Generator.__new__(Generator)  # only get_files() and what it reads
        walker.path, walker.settings, walker.readers = settings["PATH"], settings, Readers(settings)
        get_files = walker.get_files
    found = []
    for kind, key in (("story", "ARTICLE"), ("page", "PAGE")):
        names = get_files(settings[f"{key}_PATHS"], exclude=settings.get(f"{key}_EXCLUDES", []))
        found += [(kind, name.replace(os.sep, "/")) for name in names]
    # Sorted by folder parts, as staff see the tree; strings, not Path: a thousand
    # stories made pathlib a measurable part of a build.
    return sorted(found, key=lambda item: item[1].split("/"))


def markdown_files(settings: dict, get_files=None) -> list[tuple[str, str, str]]:
    """(displayed path, kind, text) of every story and page Pelican will read.

    Raises ContentError for a file the checks cannot judge: one Pelican would
    read with another reader than Markdown's `.md` (a story saved as
    `.markdown` or `.html` would skip every rule), or one that is not UTF-8.
    """
    root = settings["PATH"]
    shown_root = display_path(Path(root), Path.cwd())
    found, problems = [], []
    for kind, relative in pelican_files(settings, get_files):
        shown = relative if shown_root == "." else f"{shown_root}/{relative}"
        if not relative.endswith(".md"):
            problems.append(_not_markdown(shown, kind))
            continue
        try:
            found.append((shown, kind, read_utf8(os.path.join(root, relative), shown)))
        except ContentError as error:
            problems += error.problems
    if problems:
        raise ContentError(problems)
    return found


def _not_markdown(shown: str, kind: str) -> Problem:
    name = shown.rpartition("/")[2]
    stem = name.split(".")[0]
    return Problem(
        shown,
        1,
        N_("Pelican would publish this file as a {kind}, but only .md files are checked and published"),
        N_(
            "save it as Markdown with the ending .md (e.g. {stem}.en.md), or move it out of the "
            "story and page folders"
        ),
        params=named(kind=msg("story") if kind == "story" else msg("page"), stem=stem),
    )


def check_project(settings: dict, sources: list[Source] | None = None) -> list[Problem]:
    """Every problem in the content; `sources` when the caller has read them already."""
    if sources is None:
        sources = load_sources(markdown_files(settings))
    return check_sources(sources, rules_from_settings(settings, sources))
