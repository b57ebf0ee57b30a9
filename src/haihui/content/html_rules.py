"""HTML in stories and pages: refused at check time, with the line and the Markdown to write instead.

The sanitizer (sanitize.py) removes from the published HTML everything
outside its allowlist. This check reads the same allowlist and says, at
file:line, what it would remove or change, so nothing disappears silently
and staff learn how to write it in Markdown:

- raw HTML in the text: elements outside the allowlist (script, iframe,
  object, embed, style, forms, SVG, MathML, ...), event handlers (`onerror=`),
  `style=`, and attributes the site does not publish;
- addresses with a scheme other than http, https, mailto and tel
  (`javascript:`, `vbscript:`, `data:` ...), in raw HTML, Markdown links and
  `{: ... }` attribute lists, entity-encoded or not;
- a raw `<img>` from another site (a tracking pixel), in forms image_rules.py
  does not read (unquoted, over several lines);
- HTML in the header fields shown as plain text (Title, Person, Location ...)
  and, as in the text, in Summary (which Pelican renders as Markdown);
- links to payment or donation hosts and schemes (PAYMENT_LINKS in
  pelicanconf.py) that are not https on a host of a checkout channel
  (CHECKOUT_CHANNELS, the same allowlist as checkout-links.yaml).

Text in code (backticks, fenced blocks) and in comments is not HTML and is
not checked (placeholders.body_lines).
"""

import html
import re
from collections.abc import Iterable, Mapping
from html.parser import HTMLParser
from urllib.parse import unquote, urlsplit

from haihui.content.image_rules import image_refs
from haihui.content.paths import relative_to_content
from haihui.content.placeholders import body_lines
from haihui.content.sanitize import (
    ALLOWED_ATTRIBUTES,
    ALLOWED_TAGS,
    BROWSER_DROPS,
    GENERIC_ATTRIBUTES,
    REMOVED_WITH_CONTENT,
    URL_SCHEMES,
    is_local_url,
    scheme_of,
    srcset_urls,
)
from haihui.problems import N_, Msg, Problem, msg, named

# Header fields shown on the pages as plain text: HTML in them would show as typed.
TEXT_FIELDS = ("title", "person", "person_note", "location", "nav_title", "image_alt")
# Attributes whose value is an address.
URL_ATTRIBUTES = frozenset(
    {
        "href",
        "src",
        "srcset",
        "cite",
        "action",
        "formaction",
        "data",
        "poster",
        "background",
        "xlink:href",
        "longdesc",
        "usemap",
        "manifest",
        "ping",
        "lowsrc",
        "dynsrc",
        "codebase",
    }
)
# md_in_html's switch: consumed by Markdown, never published.
MARKDOWN_ATTRIBUTES = frozenset({"markdown"})
SCRIPT_SCHEMES = frozenset({"javascript", "vbscript", "data", "livescript", "mocha"})

SCRIPTS = frozenset({"script", "noscript", "template"})
EMBEDS = frozenset(
    {
        "iframe",
        "frame",
        "frameset",
        "object",
        "embed",
        "applet",
        "noembed",
        "noframes",
        "portal",
        "fencedframe",
    }
)
FORMS = frozenset(
    {
        "form",
        "input",
        "button",
        "select",
        "textarea",
        "option",
        "optgroup",
        "label",
        "fieldset",
        "legend",
        "datalist",
        "output",
        "keygen",
        "isindex",
    }
)
DRAWINGS = frozenset({"svg", "math"})
STYLES = frozenset({"style", "link", "font", "center", "marquee", "blink"})
MEDIA = frozenset({"video", "audio", "track", "canvas", "map", "area"})
PAGE_PARTS = frozenset({"html", "head", "body", "meta", "base", "title"})

# Markdown's own links: [text](url), ![alt](url), [ref]: url, <https://...>, <name@host>.
MARKDOWN_LINK = re.compile(r"\]\(\s*<?(?P<target>(?:[^()\s>]|\([^()\s>]*\))+)")
REFERENCE_DEFINITION = re.compile(r"^\s{0,3}\[[^\]]+\]:\s*<?(?P<target>[^\s>]+)")
AUTOLINK = re.compile(r"<(?P<target>(?:[Ff]|[Hh][Tt])[Tt][Pp][Ss]?://[^<>]*)>")
AUTOMAIL = re.compile(r"<(?P<target>[^<> !]+@[^@<> ]+)>")
ESCAPED_ANGLE = re.compile(r"\\<")
# `{: #id .class key="value" }` (attr_list): Markdown puts these attributes on the element.
ATTR_LIST = re.compile(r"\{:?[ ]*(?P<inside>[^}\n]*=[^}\n]*)\}")
ATTR_PAIR = re.compile(r"(?P<key>[^\s=#.{}]+)\s*=\s*(?P<value>\"[^\"]*\"|'[^']*'|[^\s}]+)")
TAG_START = re.compile(r"<[A-Za-z!/?]")
CONTROL = BROWSER_DROPS
# `<![CDATA[` outside SVG and MathML: a browser reads it as a comment that ends at the first `>`.
BOGUS_COMMENT = re.compile(r"<!\[[^>]*>")
# What XML 1.0 forbids, and Word's line and page breaks (U+000B, U+000C); tabs and line ends are text.
CONTROL_CHARACTER = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")

ALL_ALLOWED_ATTRIBUTES = frozenset().union(*ALLOWED_ATTRIBUTES.values()) | GENERIC_ATTRIBUTES


# ------------------------------------------------------------ addresses


def _url_problem(path, line, url, where) -> Problem | None:
    scheme = scheme_of(url)
    if not scheme or scheme in URL_SCHEMES:
        return None
    if scheme in SCRIPT_SCHEMES:
        what = N_(
            "{where} '{shown}' uses '{scheme}:', which runs script or hides a page inside the address; "
            "the site does not publish it"
        )
    else:
        what = N_(
            "{where} '{shown}' uses '{scheme}:'; the site publishes only http, https, mailto and tel links"
        )
    return Problem(
        path,
        line,
        what,
        N_(
            "link a web page as [what it is](https://...), an e-mail address as [write to us](mailto:...), "
            "a page of this site as [what it is]({{filename}}/pages/<file>.md)"
        ),
        params=named(where=where, shown=_short(url), scheme=scheme),
    )


THE_LINK, THE_ADDRESS = msg("the link"), msg("the address")


def _short(value: str, limit: int = 60) -> str:
    value = " ".join(value.split())
    return value if len(value) <= limit else value[: limit - 1] + "…"


# ------------------------------------------------------------ payment links


def _payment_settings(settings: Mapping) -> tuple[dict, list[str]] | None:
    spec = settings.get("PAYMENT_LINKS")
    if not spec:
        return None
    hosts = sorted(
        {
            host
            for channel in (settings.get("CHECKOUT_CHANNELS") or {}).values()
            for host in channel.get("hosts", [])
        }
    )
    return spec, hosts


def is_payment_link(url: str, spec: Mapping) -> bool:
    """True when `url` goes to a payment or donation host or scheme, or its host or path says so."""
    cleaned = CONTROL.sub("", html.unescape(url))
    scheme = scheme_of(cleaned)
    if scheme in {s.lower() for s in spec.get("schemes", ())}:
        return True
    if scheme not in ("http", "https") and not cleaned.startswith("//"):
        return False
    try:
        parts = urlsplit(cleaned)
        host = (parts.hostname or "").rstrip(".")
    except ValueError:
        return True  # not even a well-formed address: nothing to vouch for it
    hosts = spec.get("hosts", ())
    if any(host == h or host.endswith("." + h) for h in hosts):
        return True
    # A payment brand's name as a label of another host (buy.stripe.com.example.net): a look-alike.
    brands = {h.split(".")[0] for h in hosts if h.count(".") == 1}
    if brands & set(host.split(".")):
        return True
    words = [w.lower() for w in spec.get("words", ())]
    tokens = re.split(
        r"[^0-9a-z\u3400-\u9fff]+", (host + " " + unquote(parts.path + " " + parts.query)).lower()
    )
    return any(
        token.startswith(word) for token in tokens if token for word in words if word.isascii()
    ) or any(word in unquote(cleaned) for word in words if not word.isascii())


def _payment_problem(path, line, url, channel_hosts) -> Problem | None:
    from haihui.giving.checkout_links import host_problem  # haihui_giving imports this package

    if not host_problem(CONTROL.sub("", html.unescape(url)), channel_hosts):
        return None
    return Problem(
        path,
        line,
        N_(
            "the link '{shown}' goes to a payment or donation page that is not one of the site's checkout "
            "channels (https on {hosts}): a wrong or tampered link would send donations elsewhere"
        ),
        N_(
            "remove the link and point readers to the campaign's tiers instead, e.g. "
            "[give to the campaign]({{filename}}/pages/campaigns/left-behind-mothers.en.md); a new checkout "
            "link belongs in content/data/checkout-links.yaml (a new host in CHECKOUT_CHANNELS)"
        ),
        params=named(shown=_short(url), hosts=", ".join(channel_hosts) or "none"),
    )


# ------------------------------------------------------------ raw HTML


def _element_problem(path, line, tag) -> Problem:
    if tag in SCRIPTS:
        what = N_("{element} is a script; the site runs no script and does not publish it")
        fix = N_("remove it")
    elif tag in EMBEDS:
        what = N_(
            "{element} embeds another page or program; the site loads nothing from other sites "
            "and does not publish it"
        )
        fix = N_("remove it and write a link instead: [what it shows](https://...)")
    elif tag in FORMS:
        what = N_(
            "{element} is part of a form; the site collects nothing from readers and does not publish it"
        )
        fix = N_(
            "remove it; to ask readers to get in touch, link an e-mail address: [write to us](mailto:...)"
        )
    elif tag in DRAWINGS:
        what = N_(
            "{element} (a drawing or formula written in HTML) can carry script; the site does not publish it"
        )
        fix = N_(
            "save the drawing as PNG in content/images/ and show it with "
            "![what it shows]({{static}}/images/<name>.png)"
        )
    elif tag in STYLES:
        what = N_(
            "{element} changes how the page looks; "
            "the look comes from the site's theme, so it is not published"
        )
        fix = N_("remove it; for emphasis write *italic* or **bold**")
    elif tag in MEDIA:
        what = N_("{element} (video, sound or an image map) is not published")
        fix = N_(
            "remove it; show a picture with ![what it shows]({{static}}/images/<name>.jpg) or link "
            "the video: [what it shows](https://...)"
        )
    elif tag in PAGE_PARTS:
        what = N_("{element} belongs to a whole web page, not to the text of a story; it is not published")
        fix = N_("remove it and write the text in Markdown")
    else:
        what = N_("the HTML element {element} is not published (the site removes it and keeps only its text)")
        fix = N_(
            "write it in Markdown: *italic*, **bold**, [a link](https://...), "
            "![a picture]({{static}}/images/<name>.jpg), or remove it"
        )
    return Problem(path, line, what, fix, params=named(element=f"<{tag}>"))


def _attribute_problem(path, line, tag, name) -> Problem:
    params = named(name=name, tag=tag)
    if name.startswith("on"):
        what = (
            N_(
                "the attribute '{name}' on <{tag}> runs script (an event handler); the site does "
                "not publish it"
            )
            if tag
            else N_("the attribute '{name}' runs script (an event handler); the site does not publish it")
        )
        return Problem(path, line, what, N_("remove the attribute"), params=params)
    if name == "style":
        what = (
            N_("the attribute 'style' on <{tag}> is not published: the look comes from the site's theme")
            if tag
            else N_("the attribute 'style' is not published: the look comes from the site's theme")
        )
        return Problem(
            path, line, what, N_("remove it; for emphasis write *italic* or **bold**"), params=params
        )
    what = (
        N_("the attribute '{name}' on <{tag}> is not published (the site removes it)")
        if tag
        else N_("the attribute '{name}' is not published (the site removes it)")
    )
    return Problem(
        path,
        line,
        what,
        N_("remove the attribute; links, pictures and emphasis are written in Markdown"),
        params=params,
    )


def _foreign_picture(path, line, target) -> Problem:
    return Problem(
        path,
        line,
        N_(
            "the picture '{shown}' is on another site (a picture from another site can track "
            "every reader); the site does not publish it"
        ),
        N_(
            "save it in content/images/ and show it with ![alt text]({{static}}/images/<name>): "
            "this site loads nothing from other hosts"
        ),
        params=named(shown=_short(target)),
    )


class _TagReader(HTMLParser):
    """Every start tag of a text, with its line and its attributes (values with entities decoded)."""

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.tags: list[tuple[int, str, list[tuple[str, str | None]]]] = []

    def handle_starttag(self, tag, attrs):
        self.tags.append((self.getpos()[0], tag, attrs))

    def handle_startendtag(self, tag, attrs):
        self.handle_starttag(tag, attrs)


def _masked(text: str) -> str:
    """`text` with Markdown's autolinks and escaped `<` blanked out (same length, same lines)."""
    blank = lambda match: " " * len(match[0])  # noqa: E731
    text = BOGUS_COMMENT.sub(blank, ESCAPED_ANGLE.sub("  ", text))
    return AUTOMAIL.sub(blank, AUTOLINK.sub(blank, text))


def html_problems(
    path: str, text: str, first_line: int = 1, *, known_pictures=frozenset(), payment=None
) -> list[Problem]:
    """Problems with the raw HTML and the addresses of `text`, a Markdown text whose line 1 is `first_line`.

    known_pictures: (line, target) of pictures image_rules already reports.
    payment: (PAYMENT_LINKS, the checkout channels' hosts), or None to skip the payment check.
    """
    problems: list[Problem] = []
    seen: set[tuple[int, str]] = set()

    def add(problem):
        if problem and (problem.line, problem.message) not in seen:
            seen.add((problem.line, problem.message))
            problems.append(problem)

    def address(line, url, where: Msg = THE_LINK):
        if payment and is_payment_link(url, payment[0]):
            add(_payment_problem(path, line, url, payment[1]))
        else:
            add(_url_problem(path, line, url, where))

    lines = text.split("\n")
    # Markdown's links, reference definitions, autolinks and attribute lists, line by line.
    for offset, line in enumerate(lines):
        number = first_line + offset
        if not any(c in line for c in "]<{"):
            continue
        for pattern in (MARKDOWN_LINK, REFERENCE_DEFINITION, AUTOLINK):
            for match in pattern.finditer(line):
                address(number, match["target"])
        for match in ATTR_LIST.finditer(line):
            for pair in ATTR_PAIR.finditer(match["inside"]):
                name = pair["key"].lower()
                value = pair["value"].strip("\"'")
                if name.startswith("on") or name == "style" or name not in ALL_ALLOWED_ATTRIBUTES:
                    add(_attribute_problem(path, number, "", name))
                elif name in URL_ATTRIBUTES:
                    address(number, value)
    # Raw HTML, read as a browser reads tags (they may run over several lines).
    masked = _masked(text)
    if not TAG_START.search(masked):
        return problems
    reader = _TagReader()
    reader.feed(masked)
    reader.close()
    for row, tag, attrs in reader.tags:
        number = first_line + row - 1
        if tag not in ALLOWED_TAGS or tag in REMOVED_WITH_CONTENT:
            add(_element_problem(path, number, tag))
            continue
        allowed = ALLOWED_ATTRIBUTES.get(tag, set()) | GENERIC_ATTRIBUTES | MARKDOWN_ATTRIBUTES
        for name, value in attrs:
            if name.startswith("on") or name == "style" or name not in allowed:
                add(_attribute_problem(path, number, tag, name))
                continue
            if name not in URL_ATTRIBUTES or value is None:
                continue
            urls = srcset_urls(value) if name == "srcset" else [value]
            for url in urls:
                if tag in ("img", "source") and not is_local_url(url):
                    if scheme_of(url) in ("", "http", "https") and (number, url) not in known_pictures:
                        add(_foreign_picture(path, number, url))
                    elif scheme_of(url) not in ("", "http", "https"):
                        add(_url_problem(path, number, url, THE_ADDRESS))
                    continue
                address(number, url, THE_LINK if name == "href" else THE_ADDRESS)
    return problems


# ------------------------------------------------------------ header fields


def _field_problem(path, line, label, value) -> Problem:
    return Problem(
        path,
        line,
        N_(
            "{field} is shown as plain text, but '{shown}' holds HTML: the tags would show as typed "
            "(and script or event handlers in them are never published)"
        ),
        N_("write {field} as words only, without < > tags"),
        params=named(field=label, shown=_short(value)),
    )


def _control_problem(path, line, label, char) -> Problem:
    what = (
        N_(
            "{field} holds an invisible control character (U+{code}, often pasted from Word or a chat app), "
            "which web pages and the feeds cannot carry"
        )
        if label
        else N_(
            "this line holds an invisible control character (U+{code}, often pasted from "
            "Word or a chat app), "
            "which web pages and the feeds cannot carry"
        )
    )
    return Problem(
        path,
        line,
        what,
        N_("delete it: retype the words around it, or paste the text as plain text"),
        params=named(field=label, code=f"{ord(char):04X}"),
    )


def control_problems(source) -> Iterable[Problem]:
    """Control characters in the header values (shown in the feeds as they are) and the text."""
    for key, value in source.front.values.items():
        found = CONTROL_CHARACTER.search(value)
        if found:
            yield _control_problem(source.path, source.front.line_of(key), key.capitalize(), found[0])
    if CONTROL_CHARACTER.search(source.text):
        for number, line in enumerate(source.text.split("\n"), start=1):
            found = CONTROL_CHARACTER.search(line)
            if found and number >= source.front.body_line:
                yield _control_problem(source.path, number, "", found[0])


def field_problems(source, settings: Mapping, payment=None) -> Iterable[Problem]:
    front = source.front
    formatted = {f.lower() for f in settings.get("FORMATTED_FIELDS", ["summary"])}
    for key, value in front.values.items():
        line = front.line_of(key)
        if key in formatted:
            # Rendered as Markdown, then sanitized as the text is: the same rules.
            for problem in html_problems(source.path, value, line, payment=payment):
                yield Problem.of(
                    problem.path,
                    problem.line,
                    msg(N_("{field}: {what}"), field=key.capitalize(), what=problem.message_text),
                    problem.fix_text,
                    problem.severity,
                )
        elif key in TEXT_FIELDS and TAG_START.search(value):
            yield _field_problem(source.path, line, key.capitalize(), value)


# ------------------------------------------------------------ the source check


def check_html(sources, rules) -> Iterable[Problem]:
    """Raw HTML, addresses and payment links of every story and page, text and header."""
    settings = rules.settings or {}
    payment = _payment_settings(settings)
    page_urls = dict(rules.source_urls)
    for source in sources:
        yield from field_problems(source, settings, payment)
        yield from control_problems(source)
        text = source.text
        if "<" not in text and "](" not in text and "]:" not in text and "{" not in text:
            continue
        visible = dict(body_lines(text, source.front.body_line))
        if not visible:
            continue
        last = max(visible)
        first = source.front.body_line
        body = "\n".join(visible.get(number, "") for number in range(first, last + 1))
        here = relative_to_content(source.path, rules.content_root)
        known = (
            frozenset(
                (ref.line, ref.target)
                for ref in image_refs(source, here, page_urls.get(source.path))
                if ref.path is None
            )
            if "<img" in text.lower()
            else frozenset()
        )
        yield from html_problems(source.path, body, first, known_pictures=known, payment=payment)
