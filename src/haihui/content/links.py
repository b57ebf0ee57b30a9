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
from haihui.problems import N_, WARNING, Problem, named

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


def _report_url(kind: str, values: Mapping[str, str], settings: Mapping) -> str | None:
    """haihui_reports.place_reports puts every progress report (`Template: report`) at REPORT_URL."""
    slug, lang = values.get("slug"), values.get("lang")
    languages = settings.get("LANGUAGES", {})
    if kind != "page" or values.get("template") != "report" or not settings.get("REPORT_URL"):
        return None
    if not slug or lang not in languages:
        return None
    return settings["REPORT_URL"].format(
        slug=slug, lang=lang, prefix=languages[lang].get("prefix", ""), campaign=values.get("campaign", "")
    )


def content_url(kind: str, values: Mapping[str, str], settings: Mapping) -> str | None:
    """The site-relative address Pelican gives a story or page, or None if it has none."""
    if values.get("status") == "draft":
        return None
    campaign = _campaign_url(kind, values, settings) or _report_url(kind, values, settings)
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


def draft_url(kind: str, values: Mapping[str, str], settings: Mapping) -> str | None:
    """The site-relative address Pelican gives a story or page built as a draft (DRAFT_URL ...)."""
    if not values.get("slug") or values.get("lang") not in settings.get("LANGUAGES", {}):
        return None
    try:
        return _pelican_item(kind, {**values, "status": "draft"}, settings).get_url_setting("url")
    except (KeyError, IndexError, AttributeError):
        return None


def content_save_as(kind: str, values: Mapping[str, str], settings: Mapping) -> str | None:
    """The file in the output folder Pelican writes a story or page to (a draft too), or None.

    As Pelican works it out: a campaign page at CAMPAIGN_URL (place_campaigns),
    else `Save_as`, else the *_SAVE_AS setting of its kind, status and language.
    """
    campaign = _campaign_url(kind, values, settings) or _report_url(kind, values, settings)
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
    reference = f"{{{what}}}"
    shown = f"{reference}{target}"
    params = named(shown=shown, file=f"{root}{rel}", reference=reference, target=target)
    if rel not in files:
        pool = sources_rel if what == "filename" else files
        close = _closest(rel, pool)
        return Problem(
            source.path,
            line,
            N_("the link '{shown}' points to {file}, which does not exist"),
            N_("did you mean '{reference}/{close}'?")
            if close
            else N_(
                "check the path: after '{reference}' a path that starts with / starts at the "
                "{folder} folder, otherwise at this file's folder"
            ),
            params=params + named(close=close or "", folder=rules.content_root or "content"),
        )
    in_static = any(rel == p or rel.startswith(p.rstrip("/") + "/") for p in rules.static_paths)
    if what == "filename" and rel in rules.taken_down:
        return _taken_down_problem(source, line, shown)
    if what == "filename" and rel.endswith(".md") and rel not in sources_rel:
        # check_sources leaves out stories taken down: they are not built.
        return Problem(
            source.path,
            line,
            N_(
                "the link '{shown}' points to {file}, which is not published: a story taken down "
                "(Consent: withdrawn) or a file outside the story and page folders"
            ),
            N_("remove the link, or link a published story or page"),
            params=params,
        )
    if what == "filename" and rel not in sources_rel and not in_static:
        return Problem(
            source.path,
            line,
            N_(
                "the link '{shown}' points to {file}, which is neither a story, a page nor a "
                "file the site publishes"
            ),
            N_("for a photo or a document use '{{static}}{target}'"),
            params=params,
        )
    if what in ("static", "attach") and rel in sources_rel:
        return Problem(
            source.path,
            line,
            N_("the link '{shown}' points to a story or page with {reference}"),
            N_("link stories and pages with '{{filename}}{target}'"),
            params=params,
        )
    return None


def _taken_down_problem(source, line, shown) -> Problem:
    """A link to a story taken down: removed from the page (text kept), never a stop."""
    return Problem(
        source.path,
        line,
        N_(
            "the link '{shown}' goes to a story taken down (Consent: withdrawn); the page shows "
            "its text without the link"
        ),
        N_("remove the link, and any mention of her, from this page"),
        WARNING,
        params=named(shown=shown),
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
    params = named(target=target, url=url, close=close or "", example=example)
    if page_like:
        return Problem(
            source.path,
            line,
            N_("the link '{target}' goes to /{url}, which is not a page of this site"),
            N_(
                "did you mean /{close}? Better, link the Markdown file, e.g. ({example}): "
                "Pelican then writes the right address"
            )
            if close is not None
            else N_(
                "Better, link the Markdown file, e.g. ({example}): Pelican then writes the right address"
            ),
            params=params,
        )
    return Problem(
        source.path,
        line,
        N_("the link '{target}' goes to /{url}, which is not a file in the content or the theme"),
        N_(
            "if a plugin writes it, ignore this; otherwise put the file in content/images/ and "
            "link it with {{static}}/images/<name>. The publish build checks it on the built site"
        ),
        WARNING,
        params=params,
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
