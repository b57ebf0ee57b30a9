"""Deny by default: nothing under content/ is copied to the site as it is.

Pelican's static generator would copy every file under STATIC_PATHS, and
every file a text links with {static} or {attach}, following symlinks:
originals with their GPS data, a scanned consent form, an SVG with script,
a folder of /etc. Registered by every Haihui plugin (gates.py), so it holds
whichever are loaded: the static generator gathers nothing from content/;
pictures are published only re-encoded (haihui_pictures), and the checks name
every other file (a warning) and every link to one (an error). The theme's
own files are still copied.
"""

import logging
import os
import types
from pathlib import Path, PurePosixPath

from pelican import signals

from haihui.content.image_rules import PICTURE_EXTENSIONS, files_below, symlink_problem, symlinks_below
from haihui.problems import ContentError, display_path

logger = logging.getLogger(__name__)


def linked_part(content: Path, path: str) -> str | None:
    """The first part of `path` (in the content folder) that is a symlink, or None."""
    parts = path.split("/")
    for end in range(1, len(parts) + 1):
        part = "/".join(parts[:end])
        if os.path.islink(content / part):
            return part
    return None


def deny_static_files(generator):
    """The static generator gathers nothing from content/ (see the module's doc)."""
    generator.generate_context = types.MethodType(_gather_nothing, generator)
    generator.check_disabled_readers = lambda: None  # it too would walk through symlinks


def _gather_nothing(generator):
    settings = generator.settings
    ignores = settings.get("IGNORE_FILES", [".#*"])
    content = Path(generator.path)
    links = [
        link
        for folder in settings.get("STATIC_PATHS", [])
        for link in _links_in(content, folder.strip("/"), ignores)
    ]
    if links:  # the checks refuse them first; fail closed all the same
        raise ContentError(
            [symlink_problem(display_path(content / link, Path.cwd())) for link in sorted(set(links))]
        )
    others = sorted(
        {
            rel
            for folder in settings.get("STATIC_PATHS", [])
            for rel in files_below(str(content), folder, ignores)
            if PurePosixPath(rel).suffix.lower() not in PICTURE_EXTENSIONS
        }
        | {
            path.replace(os.sep, "/")
            for path in generator.context.get("static_links", ())
            if PurePosixPath(path).suffix.lower() not in PICTURE_EXTENSIONS
        }
    )
    if others:
        logger.info("Not copied to the site (only pictures are published, re-encoded): %s", ", ".join(others))
    generator.staticfiles = []
    generator._update_context(("staticfiles",))
    signals.static_generator_finalized.send(generator)


def _links_in(content: Path, folder: str, ignores) -> list[str]:
    """Symlinks in one of STATIC_PATHS (the folder itself included), as paths in content/."""
    if not folder:
        return symlinks_below(str(content), ignores)
    linked = linked_part(content, folder)
    if linked:
        return [linked]
    start = content / folder
    return [f"{folder}/{link}" for link in symlinks_below(str(start), ignores)] if start.is_dir() else []
