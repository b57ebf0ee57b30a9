"""Find the content of a project on disk and run every check over it."""

import glob
import importlib
import os
from pathlib import Path

from .content_rules import Rules, Source, check_sources, load_sources
from .consent_rules import withdrawn_slugs
from .links import content_url
from .problems import Problem, display_path


def _files_below(folder: Path) -> list[str]:
    """Every file below `folder`, as "stories/a.en.md" (os.walk: pathlib is slow on thousands)."""
    found = []
    for top, _, names in os.walk(folder):
        relative = os.path.relpath(top, folder).replace(os.sep, "/")
        found += names if relative == "." else [f"{relative}/{name}" for name in names]
    return found


def site_addresses(settings: dict, sources: list[Source]) -> tuple[frozenset[str], tuple]:
    """Every address a build writes that a link may name, and each source's own address."""
    languages = settings["LANGUAGES"]
    urls = set()
    for pattern in settings.get("LISTING_URLS", {}).values():
        urls |= {pattern.format(prefix=spec["prefix"]) for spec in languages.values()}
    if settings.get("FEED_URL"):
        urls |= {settings["FEED_URL"].format(prefix=spec["prefix"]) for spec in languages.values()}
    if settings.get("SITEMAP_URL"):
        urls.add(settings["SITEMAP_URL"])
    theme_static = settings.get("THEME_STATIC_DIR", "theme").strip("/")
    urls |= {f"{theme_static}/{f}" for f in _files_below(Path(settings["THEME"]) / "static")}
    content = Path(settings["PATH"])
    for folder in settings.get("STATIC_PATHS", []):
        if (content / folder).is_file():
            urls.add(folder)
        urls |= {f"{folder.strip('/')}/{f}" for f in _files_below(content / folder)}
    own = []
    taken_down = withdrawn_slugs(sources)  # not built, so not an address a link may name
    for source in sources:
        if source.kind == "story" and source.slug in taken_down:
            continue
        url = content_url(source.kind, source.front.values, settings)
        if url is not None:
            urls.add(url)
            own.append((source.path, url))
    return frozenset(urls), tuple(own)


def rules_from_settings(settings: dict, sources: list[Source] | None = None) -> Rules:
    templates_dir = Path(settings["THEME"]) / "templates"
    templates = frozenset(p.stem for p in templates_dir.glob("*.html"))
    content = Path(settings["PATH"])
    site_urls, source_urls = site_addresses(settings, sources) if sources is not None else (None, ())
    return Rules(
        languages=tuple(settings["LANGUAGES"]),
        strict=bool(settings.get("STRICT_PUBLISH")),
        templates=templates,
        content_root=display_path(content, Path.cwd()),
        content_files=frozenset(_files_below(content)) if content.is_dir() else None,
        static_paths=tuple(settings.get("STATIC_PATHS", [])),
        site_urls=site_urls,
        source_urls=source_urls,
        settings=settings,
    )


def markdown_files(settings: dict) -> list[tuple[str, str, str]]:
    """(displayed path, kind, text) of every story and page."""
    root = Path(settings["PATH"])
    shown_root = display_path(root, Path.cwd())
    found = []
    for kind, key in (("story", "ARTICLE_PATHS"), ("page", "PAGE_PATHS")):
        for folder in settings[key]:
            # Strings, not Path objects: a thousand stories made pathlib a measurable part of a build.
            names = glob.glob("**/*.md", root_dir=root / folder, recursive=True, include_hidden=True)
            for name in sorted(names, key=lambda name: name.split(os.sep)):
                relative = f"{folder.strip('/')}/{name}".replace(os.sep, "/")
                text = (root / folder / name).read_text("utf-8")
                found.append((relative if shown_root == "." else f"{shown_root}/{relative}", kind, text))
    return found


def load_plugin_checks(settings: dict) -> None:
    """Import the site's plugins: each appends its own checks to SOURCE_CHECKS on import.

    A build has imported them already; `invoke check` runs without Pelican.
    """
    for name in settings.get("PLUGINS", []):
        importlib.import_module(name)


def check_project(settings: dict, sources: list[Source] | None = None) -> list[Problem]:
    """Every problem in the content; `sources` when the caller has read them already."""
    load_plugin_checks(settings)
    if sources is None:
        sources = load_sources(markdown_files(settings))
    return check_sources(sources, rules_from_settings(settings, sources))
