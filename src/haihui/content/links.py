"""Links in Markdown: `{filename}` / `{static}` references and internal addresses.

- `[text]({filename}/pages/about.en.md)` must name a story or page (or a
  static file) that exists; `{static}` and `{attach}` must name a file in the
  content folder. A path that starts with `/` starts at the content folder,
  otherwise at the folder of the file that links (as Pelican resolves them).
- A plain internal address (`/about/`, `../stories/x/`) must be a page the
  build writes. Addresses of files (`/fund-use/data.csv`) that no file in the
  content or theme has are only warned about: a plugin may write them, and
  the publish build checks every link of the built site anyway.

Pure functions over the sources and `Rules`; `project.py` fills in what the
rules know about the disk (`content_files`, `site_urls`, `source_urls`).
"""

import difflib
import posixpath
import re
from collections import ChainMap
from collections.abc import Iterable, Mapping, MutableMapping
from typing import cast
from urllib.parse import unquote, urljoin, urlsplit

from haihui.content.image_rules import PICTURE_EXTENSIONS
from haihui.content.paths import relative_to_content, suffix
from haihui.content.placeholders import body_lines
from haihui.problems import WARNING, Problem

REFERENCE = re.compile(r"[{|](?P<what>filename|static|attach)[}|](?P<target>[^\s)\"'>\]]*)")
MARKDOWN_LINK = re.compile(r"\]\(\s*<?(?P<target>[^)\s>]+)")
REFERENCE_DEFINITION = re.compile(r"^\s{0,3}\[[^\]]+\]:\s*<?(?P<target>[^\s>]+)")
HTML_ATTRIBUTE = re.compile(r"\b(?:href|src)\s*=\s*[\"'](?P<target>[^\"']+)[\"']")
EXTERNAL = re.compile(r"^(?:[a-zA-Z][a-zA-Z0-9+.-]*:|//)")
PICTURES = PICTURE_EXTENSIONS  # one definition of a picture (Pillow's): image_rules.py


def may_link(line: str) -> bool:
    """Every pattern above needs one of these in the line (most lines are prose)."""
    return "](" in line or "]:" in line or "=" in line or "{" in line or "|" in line


def _pelican_item(kind: str, values: Mapping[str, str], settings: Mapping):
    """A story or page as Pelican's own content class sees its address, before it is read.

    Only the attributes Pelican's `get_url_setting` reads: the URL and file
    patterns (and the draft variants, Url and Save_as overrides, the language
    rule) stay Pelican's, never worked out again here.
    """
    from pelican.contents import Article, Page
    from pelican.settings import DEFAULT_CONFIG

    item = (Article if kind == "story" else Page).__new__(Article if kind == "story" else Page)
    # Plain settings dicts (tests, `invoke check`) lack the DRAFT_* keys.
    item.settings = ChainMap(cast("MutableMapping", settings), DEFAULT_CONFIG)
    item.metadata = {}
    item.source_path = None
    item.slug, item.lang = values.get("slug"), values.get("lang")
    item.in_default_lang = item.lang == settings.get("DEFAULT_LANG")
    item.status = values.get("status") or "published"
    for key in ("url", "save_as"):
        if key in values:
            setattr(item, f"override_{key}", values[key])
    return item


def _campaign_url(kind: str, values: Mapping[str, str], settings: Mapping) -> str | None:
    """haihui_listings.place_campaigns puts every campaign page at CAMPAIGN_URL, whatever its Url says."""
    slug, lang = values.get("slug"), values.get("lang")
    languages = settings.get("LANGUAGES", {})
    if kind != "page" or values.get("template") != "campaign" or not settings.get("CAMPAIGN_URL"):
        return None
    if not slug or lang not in languages:
        return None
    return settings["CAMPAIGN_URL"].format(slug=slug, lang=lang, prefix=languages[lang].get("prefix", ""))


def content_url(kind: str, values: Mapping[str, str], settings: Mapping) -> str | None:
    """The site-relative address Pelican gives a story or page, or None if it has none."""
    if values.get("status") == "draft":
        return None
    campaign = _campaign_url(kind, values, settings)
    if campaign is not None:
        return campaign
    if values.get("url"):
        return values["url"]
    if not values.get("slug") or values.get("lang") not in settings.get("LANGUAGES", {}):
        return None
    try:
        return _pelican_item(kind, values, settings).get_url_setting("url")
    except (KeyError, IndexError, AttributeError):
        return None


def content_save_as(kind: str, values: Mapping[str, str], settings: Mapping) -> str | None:
    """The file in the output folder Pelican writes a story or page to (a draft too), or None.

    As Pelican works it out: a campaign page at CAMPAIGN_URL (place_campaigns),
    else `Save_as`, else the *_SAVE_AS setting of its kind, status and language.
    """
    campaign = _campaign_url(kind, values, settings)
    if campaign is not None:
        return f"{campaign}index.html" if campaign == "" or campaign.endswith("/") else campaign
    if "save_as" in values:
        return values["save_as"]
    if not values.get("slug") or values.get("lang") not in settings.get("LANGUAGES", {}):
        return None
    try:
        return _pelican_item(kind, values, settings).get_url_setting("save_as")
    except (KeyError, IndexError, AttributeError):
        return None


def _targets(line: str) -> Iterable[str]:
    for pattern in (MARKDOWN_LINK, REFERENCE_DEFINITION, HTML_ATTRIBUTE):
        for match in pattern.finditer(line):
            yield match["target"]


def _closest(word: str, candidates: Iterable[str]) -> str | None:
    close = difflib.get_close_matches(word, list(candidates), n=1, cutoff=0.6)
    return close[0] if close else None


def _reference_problem(source, line, what, target, rel, rules, sources_rel) -> Problem | None:
    files = rules.content_files
    root = f"{rules.content_root}/" if rules.content_root else ""
    shown = f"{{{what}}}{target}"
    if rel not in files:
        pool = sources_rel if what == "filename" else files
        close = _closest(rel, pool)
        if close:
            hint = f"did you mean '{{{what}}}/{close}'?"
            hint_zh = f"是不是想写“{{{what}}}/{close}”？"
        else:
            hint = (
                "check the path: after '{" + what + "}' a path that starts with / starts at the "
                f"{rules.content_root or 'content'} folder, otherwise at this file's folder"
            )
            hint_zh = (
                f"请检查路径：“{{{what}}}”后面以 / 开头的路径从 {rules.content_root or 'content'} "
                "文件夹算起，否则从本文件所在的文件夹算起"
            )
        return Problem(
            source.path,
            line,
            f"the link '{shown}' points to {root}{rel}, which does not exist",
            hint,
            message_zh=f"链接“{shown}”指向 {root}{rel}，这个文件不存在",
            fix_zh=hint_zh,
        )
    in_static = any(rel == p or rel.startswith(p.rstrip("/") + "/") for p in rules.static_paths)
    if what == "filename" and rel in rules.taken_down:
        return _taken_down_problem(source, line, shown)
    if what == "filename" and rel.endswith(".md") and rel not in sources_rel:
        # check_sources leaves out stories taken down: they are not built.
        return Problem(
            source.path,
            line,
            f"the link '{shown}' points to {root}{rel}, which is not published: a story taken down "
            "(Consent: withdrawn) or a file outside the story and page folders",
            "remove the link, or link a published story or page",
            message_zh=f"链接“{shown}”指向 {root}{rel}，它不会发布："
            "可能是已撤下的故事（Consent: withdrawn），"
            "或不在故事和页面文件夹里的文件",
            fix_zh="请删除这个链接，或改为链接已发布的故事或页面",
        )
    if what == "filename" and rel not in sources_rel and not in_static:
        return Problem(
            source.path,
            line,
            f"the link '{shown}' points to {root}{rel}, which is neither a story, a page nor a "
            "file the site publishes",
            f"for a photo or a document use '{{static}}{target}'",
            message_zh=f"链接“{shown}”指向 {root}{rel}，它不是故事、页面，也不是网站发布的文件",
            fix_zh=f"照片或文件请写成“{{static}}{target}”",
        )
    if what in ("static", "attach") and rel in sources_rel:
        return Problem(
            source.path,
            line,
            f"the link '{shown}' points to a story or page with {{{what}}}",
            f"link stories and pages with '{{filename}}{target}'",
            message_zh=f"链接“{shown}”用 {{{what}}} 指向了一个故事或页面",
            fix_zh=f"链接故事和页面请写成“{{filename}}{target}”",
        )
    return None


def _taken_down_problem(source, line, shown) -> Problem:
    """A link to a story taken down: removed from the page (text kept), never a stop."""
    return Problem(
        source.path,
        line,
        f"the link '{shown}' goes to a story taken down (Consent: withdrawn); the page shows "
        "its text without the link",
        "remove the link, and any mention of her, from this page",
        WARNING,
        message_zh=f"链接“{shown}”指向已撤下的故事（Consent: withdrawn）；页面上只显示文字，不带链接",
        fix_zh="请从这个页面删除这个链接，以及任何提到她的内容",
    )


def _address_problem(source, line, target, url, rules) -> Problem | None:
    urls = rules.site_urls
    candidates = {url, url + "/", url.removesuffix("index.html")}
    if candidates & urls:
        return None
    if candidates & rules.taken_down:
        return _taken_down_problem(source, line, target)
    page_like = "." not in url.rsplit("/", 1)[-1]
    close = _closest(url, urls)
    example = "{filename}/pages/about.en.md"
    if page_like:
        hint = (f"did you mean /{close}? " if close is not None else "") + (
            f"Better, link the Markdown file, e.g. ({example}): Pelican then writes the right address"
        )
        hint_zh = (f"是不是想写 /{close}？" if close is not None else "") + (
            f"更好的办法是链接到 Markdown 文件，例如（{example}），Pelican 会自动写出正确的网址"
        )
        return Problem(
            source.path,
            line,
            f"the link '{target}' goes to /{url}, which is not a page of this site",
            hint,
            message_zh=f"链接“{target}”指向 /{url}，本网站没有这个页面",
            fix_zh=hint_zh,
        )
    return Problem(
        source.path,
        line,
        f"the link '{target}' goes to /{url}, which is not a file in the content or the theme",
        "if a plugin writes it, ignore this; otherwise put the file in content/images/ and "
        "link it with {static}/images/<name>. The publish build checks it on the built site",
        WARNING,
        message_zh=f"链接“{target}”指向 /{url}，content 和主题里都没有这个文件",
        fix_zh="如果它由插件生成，可以忽略；否则请把文件放进 content/images/，"
        "用 {static}/images/<文件名> 链接。正式发布时会在生成的网站上再检查一次",
    )


def check_links(sources, rules) -> Iterable[Problem]:
    """Every `{filename}`/`{static}` reference and internal address in the text resolves."""
    if rules.content_files is None and rules.site_urls is None:
        return
    source_urls = dict(rules.source_urls)
    sources_rel = {relative_to_content(s.path, rules.content_root) for s in sources}
    for source in sources:
        here = relative_to_content(source.path, rules.content_root)
        for number, line in body_lines(source.text, source.front.body_line):
            if not may_link(line):
                continue
            if rules.content_files is not None:
                for match in REFERENCE.finditer(line):
                    what, target = match["what"], match["target"]
                    path = unquote(urlsplit(target).path)
                    rel = (
                        path[1:]
                        if path.startswith("/")
                        else posixpath.normpath(posixpath.join(posixpath.dirname(here), path))
                    )
                    problem = _reference_problem(source, number, what, target, rel, rules, sources_rel)
                    if problem:
                        yield problem
            if rules.site_urls is None:
                continue
            for target in _targets(line):
                if not target or target.startswith(("#", "{", "|", "mailto:")) or EXTERNAL.match(target):
                    continue
                if suffix(urlsplit(target).path) in PICTURES:
                    continue  # pictures: image_rules.py checks them (and their alt text)
                if not target.startswith("/"):
                    base = source_urls.get(source.path)
                    if base is None:
                        continue
                    target_path = urljoin("/" + base, target)
                else:
                    target_path = target
                url = unquote(urlsplit(target_path).path).lstrip("/")
                problem = _address_problem(source, number, target, url, rules)
                if problem:
                    yield problem
