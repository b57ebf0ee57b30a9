"""Link check of a built site: every internal link, anchor and image resolves.

A pure function over a folder of built files, used by `invoke publish` as the
`verify=` hook of `build_and_swap`: a publish build whose pages link to a page,
an anchor or an image that the build did not write never replaces output/.

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
            value = values.get(attribute)
            if not value:
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


def _sitemap_links(root: Path) -> list[tuple[str, int, str]]:
    sitemap = root / "sitemap.xml"
    if not sitemap.is_file():
        return []
    found = []
    for element in ET.parse(sitemap).iter():
        if element.tag.endswith("}loc") and element.text:
            found.append(("sitemap.xml", 1, element.text.strip()))
        elif element.tag.endswith("}link") and (href := element.get("href")):
            found.append(("sitemap.xml", 1, href))
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
    links += _sitemap_links(root)
    broken: dict[tuple[str, str], list[tuple[str, int]]] = defaultdict(list)
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
        problems.append(
            Problem(
                page,
                line,
                message,
                N_(
                    "if the link is in a story or page, correct it in the Markdown file (link other pages "
                    "with {{filename}}/pages/<file>.md and photos with {{static}}/images/<file>, which "
                    "`make check` verifies); if it is in the theme, correct the template"
                ),
                params=named(url=url, also=also),
            )
        )
    return sorted(problems)
