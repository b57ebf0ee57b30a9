"""Pictures in stories and pages: where they are, their alt text, and consent to photos.

A story's hero picture is named in its header, relative to the content folder:

    Image: images/illustrations/jibuguoguo.png
    Image_alt: A drawing of a mother carrying a black piglet down a mountain path

Pictures in the text are Markdown images: `![alt text]({static}/images/photos/a.jpg)`.
Every raster picture is published only through haihui_pictures (re-encoded,
metadata stripped); the original file is never copied to the site.

Pictures under images/illustrations/ were drawn, not photographed; every other
picture counts as a photo, which a story with `Photos: no` may not show.

Deny by default (`RASTER` is the one definition, for the checks and the build):
a raster picture is any file whose extension Pillow registers for a format it
can open and decode by itself; those are published only re-encoded. Nothing
else under content/ is ever copied to the site (an SVG can carry script, a PDF
may be a consent form): a link to such a file is an error, the file itself a
warning. A symlink anywhere under content/ is an error: the build never
follows one. The pictures a story taken down shows (Consent: withdrawn; not
drawings) are published nowhere: another page that shows one gets a warning.
"""

import fnmatch
import os
import posixpath
import re
from collections.abc import Iterable
from dataclasses import dataclass
from urllib.parse import unquote, urljoin, urlsplit

from haihui.content.paths import relative_to_content, suffix
from haihui.content.placeholders import body_lines
from haihui.problems import ERROR, N_, WARNING, Problem, msg, named

ILLUSTRATIONS = "images/illustrations/"
# Formats Pillow opens that are not pictures to publish: PostScript is a program
# (Pillow runs Ghostscript on it), MPEG a video (Pillow reads only its size).
NOT_PICTURES = frozenset({"EPS", "MPEG"})
# Formats Pillow opens through another format's plugin (a .mpo is opened as JPEG).
OPENED_AS = {"MPO": "JPEG"}


def pillow_rasters() -> frozenset[str]:
    """Extensions (".jpg", ".jfif", ".avif" ...) of every raster format Pillow can open and decode.

    Derived from Pillow itself, so a format the installed Pillow learns (AVIF,
    HEIC with a plugin) is published through the picture pipeline, never copied.
    Stub formats (Pillow knows the name but has no decoder) are left out.
    """
    from PIL import Image, ImageFile

    Image.init()
    readable = set()
    for name, (factory, _accept) in Image.OPEN.items():
        stub = isinstance(factory, type) and issubclass(factory, ImageFile.StubImageFile)
        if not stub and name not in NOT_PICTURES:
            readable.add(name)
    readable |= {name for name, via in OPENED_AS.items() if via in readable}
    return frozenset(ext.lower() for ext, name in Image.registered_extensions().items() if name in readable)


# What haihui_pictures re-encodes (metadata stripped); every other file under content/ is never copied.
RASTER = pillow_rasters()
# iPhone originals, when the installed Pillow cannot open them: "export as JPEG".
UNREADABLE = frozenset({".heic", ".heif", ".hif"}) - RASTER
# Every extension the checks treat as a picture (links.py leaves them to this module).
PICTURE_EXTENSIONS = RASTER | UNREADABLE


def is_raster(path: str) -> bool:
    return suffix(path) in RASTER


EXTERNAL = re.compile(r"^(?:[a-zA-Z][a-zA-Z0-9+.-]*:|//)")
PLACEHOLDER = re.compile(r"^[{|](?:static|attach|filename)[}|]")
MARKDOWN_IMAGE = re.compile(r"!\[(?P<alt>[^\]]*)\]\(\s*<?(?P<target>[^)\s>]+)>?(?:\s+[\"'][^)]*)?\)")
REFERENCE_IMAGE = re.compile(r"!\[(?P<alt>[^\]]*)\](?:\[(?P<ref>[^\]]*)\])?(?!\()")
REFERENCE_DEFINITION = re.compile(r"^\s{0,3}\[(?P<ref>[^\]]+)\]:\s*<?(?P<target>[^\s>]+)")
MARKDOWN_LINK = re.compile(r"(?<![!\]])\[[^\]]*\]\(\s*<?(?P<target>[^)\s>]+)")
HTML_IMG = re.compile(r"<img\b[^>]*>", re.IGNORECASE)
HTML_ATTR = re.compile(r"([a-zA-Z-]+)\s*=\s*(?:\"([^\"]*)\"|'([^']*)')")

CJK = re.compile(r"[\u3400-\u9fff]")
LATIN = re.compile(r"[A-Za-z]")
# How to tell that alt text is written in a page's language: (pattern, name, name in Chinese).
ALT_SCRIPTS = {"zh": (CJK, msg("Chinese")), "en": (LATIN, msg("English"))}


@dataclass(frozen=True)
class ImageRef:
    """One picture a story or page shows."""

    target: str  # as written in the file
    path: str | None  # in the content folder, e.g. "images/photos/a.jpg"; None: another site's
    alt: str
    line: int
    hero: bool = False
    outside: bool = False  # points above the content folder

    @property
    def raster(self) -> bool:
        return self.path is not None and suffix(self.path) in RASTER

    @property
    def illustration(self) -> bool:
        return self.path is not None and self.path.startswith(ILLUSTRATIONS)


def attributes(tag: str) -> dict[str, str]:
    """Attributes of one HTML tag, as written (entities not decoded)."""
    return {m[1].lower(): m[2] if m[2] is not None else m[3] for m in HTML_ATTR.finditer(tag)}


def resolve(target: str, here: str, page_url: str | None) -> tuple[str | None, bool]:
    """(path in the content folder or None for another site's, outside the content folder?).

    `here` is the linking file inside the content folder ("stories/a.en.md");
    `{static}` paths resolve as Pelican resolves them, plain addresses as a
    browser does from the page's address (the original would be at the same
    address in the content folder, as STATIC_SAVE_AS keeps it).
    """
    if EXTERNAL.match(target):
        return None, False
    path = unquote(urlsplit(target).path)
    placeholder = PLACEHOLDER.match(path)
    if placeholder:
        path = path[placeholder.end() :]
        joined = path[1:] if path.startswith("/") else posixpath.join(posixpath.dirname(here), path)
    elif path.startswith("/"):
        joined = path[1:]
    else:
        joined = urljoin("/" + (page_url or posixpath.dirname(here) + "/"), path).lstrip("/")
    normal = posixpath.normpath(joined) if joined else ""
    if normal.startswith("../") or normal == "..":
        return normal, True
    return normal, False


def hero_path(value: str) -> str:
    """`Image:` is a path in the content folder; `{static}` and a leading / are accepted."""
    value = value.strip()
    placeholder = PLACEHOLDER.match(value)
    if placeholder:
        value = value[placeholder.end() :]
    return posixpath.normpath(value.lstrip("/"))


def image_refs(source, here: str, page_url: str | None) -> list[ImageRef]:
    """Every picture of a source: the hero in its header, then those in its text."""
    values = source.front.values
    refs = []
    if values.get("image"):
        path = hero_path(values["image"])
        refs.append(
            ImageRef(
                values["image"],
                path,
                values.get("image_alt", ""),
                source.front.line_of("image"),
                hero=True,
                outside=path.startswith(".."),
            )
        )
    if "![" not in source.text and "<img" not in source.text.lower():
        return refs  # no picture in the text
    lines = body_lines(source.text, source.front.body_line)
    definitions = {}
    for _, line in lines:
        match = "]:" in line and REFERENCE_DEFINITION.match(line)
        if match:
            definitions[match["ref"].lower()] = match["target"]

    def add(target, alt, number):
        path, outside = resolve(target, here, page_url)
        refs.append(ImageRef(target, path, alt, number, outside=outside))

    for number, line in lines:
        if "![" not in line and "<img" not in line.lower():
            continue  # no picture on this line
        for match in MARKDOWN_IMAGE.finditer(line):
            add(match["target"], match["alt"], number)
        for match in REFERENCE_IMAGE.finditer(line):
            target = definitions.get((match["ref"] or match["alt"]).lower())
            if target:
                add(target, match["alt"], number)
        for tag in HTML_IMG.findall(line):
            attrs = attributes(tag)
            if attrs.get("src"):
                add(attrs["src"], attrs.get("alt", ""), number)
    return refs


def linked_originals(source, here: str, page_url: str | None) -> Iterable[tuple[int, str, str]]:
    """(line, target, path) of plain links (not images) to a raster picture in the content folder."""
    for number, line in body_lines(source.text, source.front.body_line):
        if "](" not in line:
            continue
        for match in MARKDOWN_LINK.finditer(line):
            path, outside = resolve(match["target"], here, page_url)
            if path and not outside and suffix(path) in RASTER:
                yield number, match["target"], path


# ------------------------------------------------------------ field check


def image_path(value: str, rules):
    path = hero_path(value)
    extension = suffix(path)
    if EXTERNAL.match(value.strip()) or path.startswith(".."):
        return (
            msg("'{value}' is not a file in the content folder", value=value),
            msg(
                "put the picture in content/images/ and write its path from there, "
                "e.g. 'Image: images/photos/jibuguoguo-2026.jpg'"
            ),
        )
    if extension in UNREADABLE:
        return _unreadable(value)
    if extension not in RASTER:
        return (
            msg("'{value}' is not a picture this site can publish", value=value),
            msg("use a JPEG, PNG or WebP file"),
        )
    if rules.content_files is not None and path not in rules.content_files:
        return (
            msg("there is no file {file}", file=f"{rules.content_root}/{path}"),
            msg("check the spelling, or put the picture there"),
        )
    return None


def _unreadable(target: str):
    return (
        msg("'{value}' is a HEIC picture, which the site cannot read", value=target),
        msg(
            "export it as JPEG (on an iPhone: Settings > Camera > Formats > Most Compatible, "
            "or share it as JPEG) and use the .jpg file"
        ),
    )


# ------------------------------------------------------------ source check


def check_images(sources, rules) -> Iterable[Problem]:
    """Alt text in the page's language, pictures on this site, no photo without consent."""
    page_urls = dict(rules.source_urls)
    hidden = withdrawn_pictures(taken_down_sources(rules), rules.content_root, _page_url_of(rules))
    for source in sources:  # withdrawn stories are left out by check_sources
        here = relative_to_content(source.path, rules.content_root)
        if here in rules.taken_down:
            continue
        page_url = page_urls.get(source.path)
        # A story's, or a progress report's that names someone (haihui.reports): `Photos: no`.
        no_photos = source.front.values.get("photos", "").strip().lower() in (
            "no",
            "false",
        )
        for ref in image_refs(source, here, page_url):
            if ref.path in hidden and not ref.outside:
                # Withdrawal wins: the build removes it from this page; nothing else about it matters.
                yield _withdrawn_picture(source, ref)
                continue
            yield from _check_ref(source, ref, rules, no_photos)
        for line, target, path in linked_originals(source, here, page_url):
            yield Problem(
                source.path,
                line,
                N_(
                    "the link '{target}' leads to the original picture {path}, which is never published "
                    "(it may hold the GPS position where it was taken)"
                ),
                N_("show it as a picture instead: ![what it shows]({target})"),
                params=named(target=target, path=path),
            )


def _check_ref(source, ref: ImageRef, rules, no_photos: bool) -> Iterable[Problem]:
    where = "Image_alt" if ref.hero else msg("the alt text")
    shown = ref.path or ref.target
    params = named(target=ref.target, path=ref.path or "", shown=shown)
    if not ref.hero:  # the hero's path is checked as a field
        if ref.path is None:
            yield Problem(
                source.path,
                ref.line,
                N_("the picture '{target}' is on another site"),
                N_(
                    "save it in content/images/ and show it with ![alt text]({{static}}/images/<name>): "
                    "this site loads nothing from other hosts"
                ),
                params=params,
            )
            return
        if ref.outside:
            yield Problem(
                source.path,
                ref.line,
                N_("the picture '{target}' is outside the content folder"),
                N_("put it in content/images/ and link it with {{static}}/images/<name>"),
                params=params,
            )
            return
        if suffix(ref.path) in UNREADABLE:
            yield Problem.of(source.path, ref.line, *_unreadable(ref.target))
            return
        if (
            ref.raster
            and not PLACEHOLDER.match(ref.target)
            and rules.content_files is not None
            and ref.path not in rules.content_files
        ):
            yield Problem(
                source.path,
                ref.line,
                N_("the picture '{target}' is not in the content folder ({path})"),
                N_("check the path, or write it as {{static}}/images/<name>"),
                params=params,
            )
    severity = ERROR if rules.strict else WARNING
    script = ALT_SCRIPTS.get(source.lang)
    if not ref.alt.strip():
        yield Problem(
            source.path,
            ref.line,
            N_("the picture {shown} has no alt text"),
            N_(
                "add 'Image_alt: <what it shows>' below Image:, in the language of this page, "
                "for people who cannot see it"
            )
            if ref.hero
            else N_(
                "write it between the brackets: ![what the picture shows](...), in the language "
                "of this page, "
                "for people who cannot see it"
            ),
            severity,
            params=params,
        )
    elif script and not script[0].search(ref.alt):
        yield Problem(
            source.path,
            ref.line,
            N_("{where} of {shown} is not in {language}, the language of this page"),
            N_("write the alt text in {language}"),
            severity,
            params=params + named(where=where, language=script[1]),
        )
    if no_photos and ref.path and not ref.outside and not ref.illustration:
        yield Problem(
            source.path,
            ref.line,
            N_("Photos: no, but {shown} is a photo (only pictures in {folder} count as drawings)"),
            N_(
                "remove the photo, use an illustration instead, or record her consent to photos "
                "with 'Photos: yes'"
            ),
            params=params + named(folder=ILLUSTRATIONS),
        )


# ------------------------------------------------------------ withdrawal


def withdrawn_pictures(down_sources, content_root: str, page_url_of=lambda source: None) -> frozenset[str]:
    """Paths in the content folder of every picture the stories taken down show (drawings excepted).

    Published nowhere: the build leaves them out of every page and of output/.
    """
    paths = set()
    for source in down_sources:
        here = relative_to_content(source.path, content_root)
        for ref in image_refs(source, here, page_url_of(source)):
            if ref.path and not ref.outside and not ref.illustration:
                paths.add(ref.path)
    return frozenset(paths)


def taken_down_sources(rules) -> list:
    """The files of the stories taken down (rules.taken_down), read again from the disk.

    check_sources leaves them out of what the checks see; their pictures are
    still needed, to keep them off every other page.
    """
    root = rules.settings.get("PATH") if rules.settings else None
    if not root or not rules.taken_down:
        return []
    files = []
    for rel in sorted(rules.taken_down):
        full = os.path.join(root, rel)
        if rel.endswith("/") or os.path.islink(full) or not os.path.isfile(full):
            continue  # an address, or not a file (a symlink is refused by check_files)
        with open(full, "rb") as handle:
            text = handle.read().decode("utf-8", "replace")
        shown = rel if rules.content_root in ("", ".") else f"{rules.content_root}/{rel}"
        files.append((shown, "story", text))
    from haihui.content.content_rules import load_sources  # content_rules imports this module

    return load_sources(files)


def _page_url_of(rules):
    if not rules.settings:
        return lambda source: None
    from haihui.content.links import content_url  # links imports this module

    return lambda source: content_url(source.kind, source.front.values, rules.settings)


def _withdrawn_picture(source, ref: ImageRef) -> Problem:
    return Problem(
        source.path,
        ref.line,
        N_(
            "the picture {path} is shown by a story taken down (Consent: withdrawn), so it is "
            "published nowhere: the build leaves it out of this page"
        ),
        N_("remove the picture (and any mention of her) from this page"),
        WARNING,
        params=named(path=ref.path or ""),
    )


# ------------------------------------------------------------ files under content/

LINK_TARGETS = (
    re.compile(r"\]\(\s*<?(?P<target>[^)\s>]+)"),  # [text](target), ![alt](target)
    re.compile(r"^\s{0,3}\[[^\]]+\]:\s*<?(?P<target>[^\s>]+)"),  # [ref]: target
    re.compile(r"\b(?:href|src|data|poster|action|srcset)\s*=\s*[\"']?(?P<target>[^\"'\s>]+)", re.IGNORECASE),
    re.compile(r"(?P<target>[{|](?:static|attach|filename)[}|][^\s)\"'>\]]*)"),
)


def check_files(sources, rules) -> Iterable[Problem]:
    """Deny by default: symlinks refused, files that are not pictures never published."""
    settings = rules.settings or {}
    root = settings.get("PATH")
    ignores = settings.get("IGNORE_FILES", [".#*"])
    sources_rel = {relative_to_content(s.path, rules.content_root) for s in sources}
    if root and os.path.isdir(root):
        for rel in symlinks_below(root, ignores):
            yield symlink_problem(_shown(rules, rel))
        for folder in settings.get("STATIC_PATHS", []):
            for rel in files_below(root, folder, ignores):
                if suffix(rel) not in PICTURE_EXTENSIONS and rel not in sources_rel:
                    yield _not_published(_shown(rules, rel))
    yield from _links_to_files(sources, rules, sources_rel)


def _shown(rules, rel: str) -> str:
    return rel if rules.content_root in ("", ".") else f"{rules.content_root}/{rel}"


def _ignored(name: str, ignores) -> bool:
    return any(fnmatch.fnmatch(name, pattern) for pattern in ignores)


def _entries_below(root, folder: str, ignores) -> Iterable[tuple[str, os.DirEntry]]:
    """(path as "images/a.jpg", entry) of everything below root/folder; links never followed."""
    stack = [folder]
    while stack:
        rel = stack.pop()
        try:
            entries = list(os.scandir(os.path.join(root, rel) if rel else root))
        except OSError:
            continue
        for entry in entries:
            if _ignored(entry.name, ignores):
                continue
            path = f"{rel}/{entry.name}" if rel else entry.name
            yield path, entry
            if entry.is_dir(follow_symlinks=False):
                stack.append(path)


def symlinks_below(root, ignores=(".#*",)) -> list[str]:
    """Every symlink (to a file or a folder) below `root`, as "images/etc"; never followed."""
    return sorted(path for path, entry in _entries_below(root, "", ignores) if entry.is_symlink())


def files_below(root, folder: str = "", ignores=(".#*",)) -> list[str]:
    """Regular files below root/folder (or folder itself), as "images/a.jpg"; links never followed."""
    folder = folder.strip("/")
    start = os.path.join(root, folder) if folder else root
    if os.path.islink(start):
        return []
    if os.path.isfile(start):
        return [folder]
    return sorted(
        path for path, entry in _entries_below(root, folder, ignores) if entry.is_file(follow_symlinks=False)
    )


def _links_to_files(sources, rules, sources_rel) -> Iterable[Problem]:
    """A link or picture in a text that names a file of the content folder the site never publishes."""
    page_urls = dict(rules.source_urls)
    for source in sources:
        here = relative_to_content(source.path, rules.content_root)
        page_url = page_urls.get(source.path)
        for number, line in body_lines(source.text, source.front.body_line):
            if (
                "(" not in line
                and ":" not in line
                and "=" not in line
                and "{" not in line
                and "|" not in line
            ):
                continue
            seen = set()
            for pattern in LINK_TARGETS:
                for match in pattern.finditer(line):
                    target = match["target"]
                    if target in seen:
                        continue
                    seen.add(target)
                    for part in target.split(",") if "," in target else [target]:
                        problem = _link_problem(
                            source, number, part.strip(), here, page_url, rules, sources_rel
                        )
                        if problem:
                            yield problem
                            break


def _link_problem(source, number, target, here, page_url, rules, sources_rel) -> Problem | None:
    if not target or target.startswith("#"):
        return None
    path, outside = resolve(target, here, page_url)
    if path is None or outside or not path or path in sources_rel:
        return None
    extension = suffix(path)
    if extension in PICTURE_EXTENSIONS or extension == ".md":
        return None  # pictures: the checks above; stories and pages: links.py
    if rules.content_files is None:
        if not PLACEHOLDER.match(target) or not extension:
            return None  # no project to look in (plain-text checks): only what is surely a file
    elif path not in rules.content_files:
        return None  # not a file of the content folder (links.py reports what does not exist)
    shown = _shown(rules, path)
    return Problem(
        source.path,
        number,
        N_(
            "'{target}' leads to {shown}, which the site never publishes: only pictures are published, "
            "re-encoded without their metadata; no other file of the content folder is copied "
            "(an SVG can carry script, a PDF may be a scanned consent form)"
        ),
        N_(
            "remove the link; for a picture use a JPEG, PNG or WebP file and show it with "
            "![what it shows]({{static}}/images/<name>) (export an SVG drawing as PNG); never put a "
            "consent form or any document about her online"
        ),
        params=named(target=target, shown=shown),
    )


def symlink_problem(shown: str) -> Problem:
    return Problem(
        shown,
        1,
        N_(
            "this is a symbolic link (a shortcut to another file or folder); the build never follows "
            "one, so nothing outside the content folder can be published through it"
        ),
        N_("replace the link with the file itself: delete the link and copy the file (or folder) here"),
    )


def _not_published(shown: str) -> Problem:
    return Problem(
        shown,
        1,
        N_(
            "this file is not published: the site publishes only pictures (re-encoded, without their "
            "metadata), never other files of the content folder (a PDF may be a consent form, an SVG "
            "can carry script)"
        ),
        N_(
            "if it is a consent form or any document about her, move it out of the content folder now; "
            "for a picture, save it as JPEG, PNG or WebP"
        ),
        WARNING,
    )
