"""What `make deploy` uploads, in which order, with which headers, and what it deletes.

Pure functions over names and sizes: no disk, no rclone (haihui.build.deploy
runs the plan). The order is the point: a visitor who opens a page while the
site is being replaced never gets a page that names a file not there yet.

1. ASSETS: the files whose name carries a hash of their content (the theme's
   files, haihui.assets; the pictures, named by the hash of the photo and its
   encoding). A new page names new ones, so they go first; the old ones stay.
2. OTHER: every other file that is not a page, the sitemap or a feed (robots.txt,
   favicon.ico, the fund-use open data).
3. PAGES: the HTML. The pages already online keep working meanwhile: every
   file they name is still there.
4. INDEXES: the sitemap and the feeds, which name pages.
Then what the site no longer has is deleted (never a hidden file such as
.htaccess or .well-known/, nor one that DEPLOY_KEEP names).

Two styles of remote:
- OBJECT_STORE (Tencent Cloud COS, Alibaba OSS, any S3 endpoint): each file is
  stored with its headers. Content-Type; Cache-Control (a year and `immutable`
  for ASSETS, a short time for the rest: DEPLOY_CACHE_CONTROL); and a
  compressible file is stored gzip-compressed with `Content-Encoding: gzip`
  (an object store does not compress, and every browser accepts gzip).
- WEB_SERVER (SFTP to nginx or Apache, a local folder): no headers can be sent,
  the server's configuration sets them (README, "Hosting"); beside each
  compressible file goes its gzip-compressed copy `<name>.gz`, which nginx's
  `gzip_static on` sends to a browser that accepts gzip.
"""

import fnmatch
import posixpath
import re
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass

from haihui.assets import is_fingerprinted

OBJECT_STORE = "object-store"
WEB_SERVER = "web-server"
STYLES = (OBJECT_STORE, WEB_SERVER)

ASSETS, OTHER, PAGES, INDEXES = "assets", "other", "pages", "indexes"
PHASES = (ASSETS, OTHER, PAGES, INDEXES)

# By the end of a file's name (the longest that matches wins).
CONTENT_TYPES = {
    ".html": "text/html; charset=utf-8",
    ".css": "text/css; charset=utf-8",
    ".js": "text/javascript; charset=utf-8",
    ".svg": "image/svg+xml",
    ".png": "image/png",
    ".jpg": "image/jpeg",
    ".jpeg": "image/jpeg",
    ".webp": "image/webp",
    ".avif": "image/avif",
    ".gif": "image/gif",
    ".ico": "image/x-icon",
    ".woff2": "font/woff2",
    ".xml": "application/xml; charset=utf-8",
    ".atom.xml": "application/atom+xml; charset=utf-8",
    ".json": "application/json; charset=utf-8",
    ".csv": "text/csv; charset=utf-8",
    ".txt": "text/plain; charset=utf-8",
}
# Text, which gzip makes several times smaller (pictures are compressed already).
COMPRESSIBLE = {".html", ".css", ".js", ".svg", ".xml", ".json", ".csv", ".txt", ".ico"}
# Below this, gzip's own header and the request for it cost more than they save.
MIN_COMPRESSED_SIZE = 256
# A picture's file: images/<the first 16 hex digits of its key>-<rendition>, e.g.
# images/0123456789abcdef-960.webp (haihui.pictures.markup.output_name).
PICTURE_NAME = re.compile(r"^[0-9a-f]{16}-[^/]+$")


@dataclass(frozen=True)
class RemoteFile:
    """One file the deploy leaves on the remote, and the file of output/ it is made from."""

    name: str  # on the remote, and in the folder rclone uploads from
    source: str  # in output/
    gzip: bool = False  # the gzip-compressed bytes of `source`


@dataclass(frozen=True)
class Step:
    """One upload: these files, with these headers (an object store only)."""

    phase: str
    files: tuple[str, ...]
    headers: tuple[tuple[str, str], ...] = ()


@dataclass(frozen=True)
class Plan:
    style: str
    files: tuple[RemoteFile, ...]
    steps: tuple[Step, ...]

    @property
    def names(self) -> frozenset[str]:
        return frozenset(f.name for f in self.files)


def is_hidden(path: str) -> bool:
    return any(part.startswith(".") for part in path.split("/"))


def content_type(path: str) -> str | None:
    name = posixpath.basename(path).lower()
    found = [end for end in CONTENT_TYPES if name.endswith(end)]
    return CONTENT_TYPES[max(found, key=len)] if found else None


def fingerprinted_file(path: str, *, theme_folder: str = "theme", pictures_folder: str = "images") -> bool:
    """A file whose name changes whenever its content does: it may be cached for a year."""
    folder, name = posixpath.split(path)
    theme = theme_folder.strip("/")
    if (folder == theme or folder.startswith(theme + "/")) and is_fingerprinted(name):
        return True
    return folder == pictures_folder.strip("/") and bool(PICTURE_NAME.match(name))


def phase_of(path: str, fingerprinted: Callable[[str], bool]) -> str:
    if fingerprinted(path):
        return ASSETS
    if path.lower().endswith((".html", ".htm")):
        return PAGES
    if path.lower().endswith(".xml"):
        return INDEXES
    return OTHER


def compressible(path: str, size: int) -> bool:
    return posixpath.splitext(path.lower())[1] in COMPRESSIBLE and size >= MIN_COMPRESSED_SIZE


def plan_deploy(
    sizes: Mapping[str, int],
    *,
    style: str,
    fingerprinted: Callable[[str], bool],
    cache_control: Mapping[str, str],
) -> Plan:
    """The files of a publish build (path in output/ -> size) as uploads in PHASES order.

    Hidden files (the publish record) are never uploaded. Within a phase, an object
    store gets one upload per set of headers; a web server one upload per phase.
    """
    if style not in STYLES:
        raise ValueError(f"unknown deploy style {style!r}: one of {', '.join(STYLES)}")
    files: list[RemoteFile] = []
    groups: dict[tuple[str, tuple[tuple[str, str], ...]], list[str]] = {}
    for path in sorted(sizes):
        if is_hidden(path):
            continue
        phase = phase_of(path, fingerprinted)
        compress = compressible(path, sizes[path])
        if style == WEB_SERVER:
            made = [RemoteFile(path, path)]
            if compress and f"{path}.gz" not in sizes:
                made.append(RemoteFile(f"{path}.gz", path, gzip=True))
            headers: tuple[tuple[str, str], ...] = ()
        else:
            made = [RemoteFile(path, path, gzip=compress)]
            cache = cache_control["fingerprinted" if phase == ASSETS else "other"]
            kind = content_type(path)
            headers = (
                ("Cache-Control", cache),
                *((("Content-Type", kind),) if kind else ()),
                *((("Content-Encoding", "gzip"),) if compress else ()),
            )
        files += made
        groups.setdefault((phase, headers), []).extend(f.name for f in made)
    steps = tuple(
        Step(phase, tuple(names), headers)
        for (phase, headers), names in sorted(
            groups.items(), key=lambda item: (PHASES.index(item[0][0]), item[0][1])
        )
    )
    return Plan(style, tuple(files), steps)


def deletions(remote_files: Iterable[str], plan: Plan, keep: Iterable[str] = ()) -> tuple[str, ...]:
    """What is on the remote and not in the site: every file the plan does not leave there,
    except hidden files (the host's: .htaccess, .well-known/) and those `keep` names."""
    patterns = list(keep)
    return tuple(
        sorted(
            path
            for path in set(remote_files) - plan.names
            if not is_hidden(path) and not any(fnmatch.fnmatchcase(path, p) for p in patterns)
        )
    )
