"""The theme's files, fingerprinted: each written with a hash of its content in its name.

`theme/static/css/main.css` is written as `theme/css/main.3f9a1c2b.css`, and
the templates name it through one helper, `asset('css/main.css')` (the
haihui_assets plugin). A browser, and any cache between it and the host, may
then keep the file for a year (`make deploy` says so in its headers): a changed
file gets a new name, and the pages that use it link the new name. No copy is
written under the plain name, so no page can link one by mistake (the link
check of `make publish` would refuse it).

Pure functions over the settings and the theme's files; nothing is written here.
"""

import fnmatch
import hashlib
import os
import posixpath
import re
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path

HASH_LENGTH = 8
# `main.3f9a1c2b.css`, `favicon.0c1d2e3f.svg`, `LICENSE.0c1d2e3f`: a fingerprinted name.
FINGERPRINTED = re.compile(rf"\.[0-9a-f]{{{HASH_LENGTH}}}(?:\.[^./]+)?$")


@dataclass(frozen=True)
class Asset:
    """One file of the theme, as templates ask for it and as the build writes it."""

    name: str  # "css/main.css": the helper's argument, its place below the theme's static folder
    file: str  # "theme/css/main.3f9a1c2b.css": where it is written in output/, and its address
    data: bytes  # what is written (read once: the name and the bytes always agree)


def fingerprint(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()[:HASH_LENGTH]


def fingerprinted(name: str, data: bytes) -> str:
    """`css/main.css` -> `css/main.3f9a1c2b.css` (the hash before the last extension)."""
    folder, base = posixpath.split(name)
    stem, extension = posixpath.splitext(base)  # `.htaccess`: all stem, no extension
    return posixpath.join(folder, f"{stem}.{fingerprint(data)}{extension}")


def is_fingerprinted(path: str) -> bool:
    """A name that carries a hash (the build gives one to each theme file; see FINGERPRINTED)."""
    return bool(FINGERPRINTED.search(path))


def _ignored(name: str, ignores) -> bool:
    return any(fnmatch.fnmatch(name, pattern) for pattern in ignores)


def _files(start: Path, ignores) -> list[tuple[str, Path]]:
    """(name below start, path) of every regular file below `start`, links never followed."""
    found = []
    for folder, dirs, files in os.walk(start):
        dirs[:] = sorted(d for d in dirs if not _ignored(d, ignores) and not os.path.islink(Path(folder, d)))
        for file in files:
            path = Path(folder, file)
            if not _ignored(file, ignores) and path.is_file() and not path.is_symlink():
                found.append((path.relative_to(start).as_posix(), path))
    return sorted(found)


def theme_assets(settings: Mapping) -> dict[str, Asset]:
    """Every file of the theme's static folders (THEME_STATIC_PATHS, as Pelican copies them:
    a folder's files below THEME_STATIC_DIR, a file by its own name), by the name templates use."""
    theme = Path(settings["THEME"])
    into = str(settings.get("THEME_STATIC_DIR", "theme")).strip("/")
    ignores = settings.get("IGNORE_FILES", [".#*"])
    assets: dict[str, Asset] = {}
    for static in settings.get("THEME_STATIC_PATHS", ["static"]):
        source = theme / static
        if source.is_symlink():
            continue
        found = [(source.name, source)] if source.is_file() else _files(source, ignores)
        for name, path in found:
            data = path.read_bytes()
            file = fingerprinted(name, data)
            assets[name] = Asset(name, f"{into}/{file}" if into else file, data)
    return assets


class UnknownAsset(LookupError):
    """A template asked for a theme file that is not there."""


def asset_url(assets: Mapping[str, Asset], name: str) -> str:
    """The address of a theme file (below the site's root), for `asset('css/main.css')`."""
    found = assets.get(name.strip("/"))
    if found is None:
        known = ", ".join(sorted(assets)) or "none"
        raise UnknownAsset(
            f"asset({name!r}): the theme has no static file {name!r} (it has: {known}); "
            "add the file to theme/static/ or correct the name in the template"
        )
    return found.file
