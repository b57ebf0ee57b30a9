"""Find the content of a project on disk and run every check over it."""

from pathlib import Path

from .content_rules import Rules, check_sources, load_sources
from .problems import Problem, display_path


def rules_from_settings(settings: dict) -> Rules:
    templates_dir = Path(settings["THEME"]) / "templates"
    templates = frozenset(p.stem for p in templates_dir.glob("*.html"))
    return Rules(
        languages=tuple(settings["LANGUAGES"]),
        strict=bool(settings.get("STRICT_PUBLISH")),
        templates=templates,
    )


def markdown_files(settings: dict) -> list[tuple[str, str, str]]:
    """(displayed path, kind, text) of every story and page."""
    root = Path(settings["PATH"])
    found = []
    for kind, key in (("story", "ARTICLE_PATHS"), ("page", "PAGE_PATHS")):
        for folder in settings[key]:
            for path in sorted((root / folder).rglob("*.md")):
                found.append((display_path(path, Path.cwd()), kind, path.read_text("utf-8")))
    return found


def check_project(settings: dict) -> list[Problem]:
    return check_sources(load_sources(markdown_files(settings)), rules_from_settings(settings))
