"""Link check of a built site: every internal link, anchor and image resolves.

A pure function over a folder of built files, used by `invoke publish` as the
`verify=` hook of `build_and_swap`: a publish build whose pages link to a page,
an anchor or an image that the build did not write never replaces output/.
The test suite runs the same function on its build (tests/test_validity.py).

What is read: every HTML page (the attributes below, each srcset candidate,
the og:/twitter: meta links), the sitemap (<loc> and the xhtml:link
alternates) and every Atom feed (*.atom.xml: each <link href>). A link
attribute that is there but empty (`<a href="">`, `<img src>`) is a problem
too: it goes nowhere.

Internal means root-relative (`/zh/about/`), relative (`../images/a.webp`), or
absolute on one of the site's own origins (`https://haihuichina.org/...`, as
canonical and hreflang links are). Other hosts, `mailto:`, `tel:` and `data:`
are not checked: there is no network here, and the checkout-link rules vet
the donation links.
"""

import posixpath
import re
from collections import defaultdict
from collections.abc import Iterable
from html.parser import HTMLParser
from pathlib import Path
from urllib.parse import unquote, urlsplit
from xml.etree import ElementTree as ET

from haihui.problems import N_, Problem, msg, named

# (tag, attribute) pairs that point at something the browser fetches or opens.
LINK_ATTRIBUTES = {
    "a": ("href",),
    "area": ("href",),
    "link": ("href",),
    "img": ("src", "srcset"),
    "source": ("src", "srcset"),
    "script": ("src",),
    "iframe": ("src",),
    "video": ("src", "poster"),
    "audio": ("src",),
    "track": ("src",),
    "form": ("action",),
}
# <meta property="og:image" content="..."> and friends name pages and images too.
META_LINKS = {"og:image", "og:url", "twitter:image"}
# <link rel=...> values that name a host or a hint, not a document to check.
SKIPPED_RELS = {"preconnect", "dns-prefetch"}
EXTERNAL = re.compile(r"^(?:[a-zA-Z][a-zA-Z0-9+.-]*:|//)")


class _Page(HTMLParser):
    """The ids and the links of one HTML page, with line numbers."""

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.ids: set[str] = set()
        self.links: list[tuple[int, str]] = []  # (line, url)
        self.empty: list[tuple[int, str]] = []  # (line, "<a href>"): an attribute with no value

    def handle_starttag(self, tag, attrs):
        values = dict(attrs)
        line = self.getpos()[0]
        for key in ("id",) + (("name",) if tag == "a" else ()):
            if values.get(key):
                self.ids.add(values[key])
        if tag == "link" and SKIPPED_RELS & set((values.get("rel") or "").lower().split()):
            return
        if tag == "meta" and (values.get("property") or values.get("name")) in META_LINKS:
            if values.get("content"):
                self.links.append((line, values["content"]))
            return
        for attribute in LINK_ATTRIBUTES.get(tag, ()):
            if attribute not in values:
                continue
            value = values[attribute]
            if not (value or "").strip():
                self.empty.append((line, f"<{tag} {attribute}>"))
                continue
            if attribute == "srcset":
                for candidate in value.split(","):
                    if candidate.strip():
                        self.links.append((line, candidate.strip().split()[0]))
            else:
                self.links.append((line, value))

    handle_startendtag = handle_starttag


def _internal_path(url: str, origins: Iterable[str]) -> str | None:
    """The URL with the site's own origin taken off, or None for another host."""
    for given in origins:
        origin = given.rstrip("/")
        if origin and (url == origin or url.startswith(origin + "/") or url.startswith(origin + "#")):
            return url[len(origin) :] or "/"
    if EXTERNAL.match(url):
        return None
    return url


def _resolve(root: Path, page: str, path: str) -> str | None:
    """The built file a link path names (relative to root), or None if there is none."""
    if path.startswith("/"):
        target = path.lstrip("/")
    else:
        target = posixpath.normpath(posixpath.join(posixpath.dirname(page), path))
        if path.endswith("/") and target != ".":
            target += "/"
    if target in (".", ""):
        target = ""
    if target.startswith("../") or target == "..":
        return None
    candidates = (
        [target + "index.html"]
        if target == "" or target.endswith("/")
        else [target, target.rstrip("/") + "/index.html"]
    )
    for candidate in candidates:
        if (root / candidate).is_file():
            return candidate
    return None


def _read_pages(root: Path) -> dict[str, _Page]:
    pages = {}
    for html in sorted(root.rglob("*.html")):
        parser = _Page()
        parser.feed(html.read_text("utf-8", errors="replace"))
        parser.close()
        pages[html.relative_to(root).as_posix()] = parser
    return pages


def _xml_links(root: Path) -> list[tuple[str, int, str]]:
    """The links of the sitemap (<loc>, <xhtml:link href>) and of every Atom feed (<link href>).

    Both are written on a line or two, so the line is always given as 1.
    """
    files = [root / "sitemap.xml", *sorted(root.rglob("*.atom.xml"))]
    found = []
    for path in files:
        if not path.is_file():
            continue
        name = path.relative_to(root).as_posix()
        for element in ET.parse(path).iter():
            if not isinstance(element.tag, str):
                continue
            if element.tag.endswith("}loc") and element.text:
                found.append((name, 1, element.text.strip()))
            elif element.tag.rpartition("}")[2] == "link" and (href := element.get("href")):
                found.append((name, 1, href))
    return found


def check_built_site(root: Path, origins: Iterable[str] = ()) -> list[Problem]:
    """Every broken internal link of the built site in `root`, one problem per broken target.

    A link that is broken on many pages (say, in the footer) is reported once,
    at its first page, with the number of other pages that have it.
    """
    root = Path(root)
    origins = [o for o in origins if o]
    pages = _read_pages(root)
    links = [(page, line, url) for page, parsed in pages.items() for line, url in parsed.links]
    links += _xml_links(root)
    broken: dict[tuple[str, str], list[tuple[str, int]]] = defaultdict(list)
    for page, parsed in pages.items():
        for line, what in parsed.empty:
            broken[(what, "empty")].append((page, line))
    for page, line, raw_url in links:
        url = raw_url.strip()
        internal = _internal_path(url, origins)
        if internal is None or internal in ("", "#", "?"):
            continue
        parts = urlsplit(internal)
        path, fragment = unquote(parts.path), unquote(parts.fragment)
        if path:
            target = _resolve(root, page, path)
        elif page.endswith(".html"):
            target = page
        else:
            target = None
        if target is None:
            broken[(url, "page")].append((page, line))
        elif fragment and target.endswith(".html") and fragment not in pages[target].ids:
            broken[(url, "anchor")].append((page, line))
    problems = []
    for (url, kind), where in broken.items():
        (page, line), others = where[0], len({p for p, _ in where}) - 1
        also = (
            msg("(and on {count} other page)", count=others)
            if others == 1
            else msg("(and on {count} other pages)", count=others)
        )
        fix = N_(
            "if the link is in a story or page, correct it in the Markdown file (link other pages "
            "with {{filename}}/pages/<file>.md and photos with {{static}}/images/<file>, which "
            "`make check` verifies); if it is in the theme, correct the template"
        )
        if kind == "empty":
            message = (
                N_("the built page has an empty {what}: a link or image that goes nowhere {also}")
                if others
                else N_("the built page has an empty {what}: a link or image that goes nowhere")
            )
            fix = N_(
                "if it is in a story or page, write the address of the link or image in the Markdown "
                "file, or take the link out; if it is in the theme, correct the template"
            )
            problems.append(Problem(page, line, message, fix, params=named(what=url, also=also)))
            continue
        if kind == "page":
            message = (
                N_("the built page links to '{url}', which the build did not write {also}")
                if others
                else N_("the built page links to '{url}', which the build did not write")
            )
        else:
            message = (
                N_("the built page links to '{url}', but that page has no such anchor {also}")
                if others
                else N_("the built page links to '{url}', but that page has no such anchor")
            )
        problems.append(Problem(page, line, message, fix, params=named(url=url, also=also)))
    return sorted(problems)
