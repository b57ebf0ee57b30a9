"""The HTML of every story and page passes an allowlist before it is published.

Staff write Markdown; Python-Markdown passes raw HTML through, and its
`attr_list` lets `{: onclick=... }` put any attribute on an element. So the
rendered HTML of each story and page (its text and its summary, which Pelican
renders from the Summary field) is cleaned with nh3 (the Python binding of
Ammonia, a maintained HTML sanitizer built on a browser-grade parser):

- only the elements Python-Markdown's `extra` produces (tables, footnotes,
  abbreviations, definition lists, code, headings with ids ...), a few inline
  ones staff may write (`<span lang="zh-Hans">`), and the `<picture>` markup of
  haihui_pictures, so it does not matter which plugin runs first;
- only the attributes those need; no `style`, no event handlers (`on...`);
- links only to http, https, mailto, tel or a relative address;
- pictures only from this site (a relative address): an `<img>` from another
  host is a tracking pixel on a site that loads nothing from other hosts;
- script, style, iframe, object, embed, SVG and MathML removed with what is
  inside them.

The checks (html_rules.py) refuse, with file and line, what this would remove
or change, so staff learn it at `make check`; this is the net that holds
whatever gets past them. `sanitize_content` is the Pelican receiver
(content_object_init); `clean_html` is the pure function.
"""

import html
import re
from urllib.parse import urlsplit

import nh3

# Elements kept (their content is kept when an element is not in this list).
ALLOWED_TAGS = frozenset(
    {
        # Markdown itself
        "p",
        "br",
        "hr",
        "h1",
        "h2",
        "h3",
        "h4",
        "h5",
        "h6",
        "em",
        "strong",
        "a",
        "img",
        "ul",
        "ol",
        "li",
        "blockquote",
        "pre",
        "code",
        # extra: tables, definition lists, abbreviations, footnotes, md_in_html
        "table",
        "thead",
        "tbody",
        "tfoot",
        "tr",
        "th",
        "td",
        "caption",
        "colgroup",
        "col",
        "dl",
        "dt",
        "dd",
        "abbr",
        "sup",
        "sub",
        "div",
        # inline HTML staff may reasonably write
        "span",
        "b",
        "i",
        "u",
        "s",
        "del",
        "ins",
        "mark",
        "small",
        "kbd",
        "samp",
        "var",
        "q",
        "cite",
        "dfn",
        "time",
        "data",
        "figure",
        "figcaption",
        "ruby",
        "rt",
        "rp",
        "wbr",
        # haihui_pictures: <picture><source ...><img ...></picture>
        "picture",
        "source",
    }
)

# Removed together with everything inside them.
REMOVED_WITH_CONTENT = frozenset(
    {
        "script",
        "style",
        "iframe",
        "frame",
        "frameset",
        "object",
        "embed",
        "applet",
        "noscript",
        "noembed",
        "noframes",
        "template",
        "svg",
        "math",
        "textarea",
        "select",
        "title",
        "xmp",
        "plaintext",
    }
)

GENERIC_ATTRIBUTES = frozenset({"id", "class", "lang", "title", "dir"})
ALLOWED_ATTRIBUTES = {
    "*": set(GENERIC_ATTRIBUTES),
    "a": {"href", "hreflang"},
    "img": {"src", "srcset", "sizes", "alt", "width", "height", "loading", "decoding", "fetchpriority"},
    "source": {"srcset", "sizes", "type", "media", "width", "height"},
    "th": {"colspan", "rowspan", "scope", "headers", "align"},
    "td": {"colspan", "rowspan", "headers", "align"},
    "col": {"span"},
    "colgroup": {"span"},
    "ol": {"start", "reversed"},
    "li": {"value"},
    "blockquote": {"cite"},
    "q": {"cite"},
    "del": {"cite", "datetime"},
    "ins": {"cite", "datetime"},
    "time": {"datetime"},
    "data": {"value"},
}
URL_SCHEMES = frozenset({"http", "https", "mailto", "tel"})
# Attributes whose value is an address (Ammonia checks the schemes of some; this module, of all).
URL_ATTRIBUTES = frozenset({"href", "src", "srcset", "cite"})
# What a browser drops from an address before reading it (WHATWG URL): C0 controls and
# spaces at either end, tabs and line breaks anywhere.
BROWSER_DROPS = re.compile(r"^[\x00-\x20]+|[\x00-\x20]+$|[\t\n\r]")
SCHEME = re.compile(r"^([A-Za-z][A-Za-z0-9+.-]*):")
# Characters XML 1.0 forbids (the Atom feeds are XML: one of them stopped the build with a
# traceback) and HTML calls errors. Word's line break (U+000B) and page break (U+000C) read as a space.
NOT_IN_XML = re.compile("[\x00-\x08\x0e-\x1f\ufffe\uffff\ud800-\udfff]")
WORD_BREAKS = re.compile("[\x0b\x0c]")
# Attributes that name something the browser loads as the page opens: this site only.
LOADED_URL_ATTRIBUTES = {("img", "src"), ("img", "srcset"), ("source", "srcset")}


def scheme_of(url: str) -> str:
    """The scheme a browser sees in `url` (lower case; "" for none).

    Read as a browser reads it: entities decoded, what it drops dropped.
    """
    match = SCHEME.match(BROWSER_DROPS.sub("", html.unescape(html.unescape(url))))
    return match[1].lower() if match else ""


def is_local_url(url: str) -> bool:
    """A relative address (`{static}/images/a.jpg`, `/images/a.jpg`, `a.jpg`): no scheme, no host."""
    url = url.strip()
    if url.startswith(("//", "\\\\", "/\\", "\\/")):
        return False
    return not urlsplit(url).scheme and ":" not in url.split("/", 1)[0]


def srcset_urls(value: str) -> list[str]:
    """The addresses of a srcset ("a.jpg 480w, b.jpg 960w")."""
    return [candidate.split()[0] for candidate in value.split(",") if candidate.split()]


def _attribute_filter(element: str, attribute: str, value: str) -> str | None:
    if attribute not in URL_ATTRIBUTES:
        return value
    urls = srcset_urls(value) if attribute == "srcset" else [value]
    if (element, attribute) in LOADED_URL_ATTRIBUTES:
        return value if all(is_local_url(url) for url in urls) else None
    return value if all(scheme_of(url) in URL_SCHEMES or not scheme_of(url) for url in urls) else None


# The allowlist handed to Ammonia once: building it anew on every call was half the cost.
_CLEANER = nh3.Cleaner(
    tags=set(ALLOWED_TAGS),
    clean_content_tags=set(REMOVED_WITH_CONTENT),
    attributes={tag: set(names) for tag, names in ALLOWED_ATTRIBUTES.items()},
    attribute_filter=_attribute_filter,
    strip_comments=True,
    link_rel=None,  # Ammonia adds rel="noopener noreferrer" to every link unless told not to
    url_schemes=set(URL_SCHEMES),
)


def clean_html(html: str) -> str:
    """`html` with everything outside the allowlist removed (a fragment in, a fragment out)."""
    if not html:
        return html
    cleaned = _CLEANER.clean(html)
    # After parsing: written as references (`&#1;`), they come out of the parser as characters.
    return NOT_IN_XML.sub("", WORD_BREAKS.sub(" ", cleaned))


def sanitize_content(content) -> None:
    """Pelican receiver (content_object_init): the text and the summary of a story or page, cleaned.

    Runs on what Markdown rendered, before Pelican replaces `{static}` and
    `{filename}` (relative addresses, kept) and before other plugins add their
    own markup (the pictures, the tier cards), which is theirs and trusted.
    """
    text = getattr(content, "_content", None)
    if text:
        content._content = clean_html(text)
    metadata = getattr(content, "metadata", None)
    if not isinstance(metadata, dict):
        return
    settings = getattr(content, "settings", None) or {}
    for key in settings.get("FORMATTED_FIELDS", ["summary"]):
        value = metadata.get(key)
        if not isinstance(value, str) or not value:
            continue
        metadata[key] = clean_html(value)
        if key != "summary":  # Pelican set the attribute from the metadata before this signal
            setattr(content, key.lower(), metadata[key])
    if isinstance(getattr(content, "_summary", None), str) and "summary" in metadata:
        content._summary = metadata["summary"]
