"""Pelican plugin: both languages in one run.

Pelican already reads every file once and pairs translations by slug; this
adds what it lacks: per-language home, listings and feeds, a translation
switcher and hreflang alternates on every page, a sitemap with alternates,
and the gettext catalog picked per page from the page's language.
"""

import logging
import re
from itertools import chain
from pathlib import Path
from xml.etree import ElementTree as ET

from jinja2 import pass_context
from pelican import signals
from pelican.generators import Generator

import haihui_gates as gates
from haihui.languages.catalogs import load_translations
from haihui.languages.formatting import format_day, format_fen
from haihui.listings import (
    ROBOTS_FILE,
    NavItem,
    alternates_of,
    by_language,
    feed_file,
    listing_alternates,
    listing_url,
    newest_first,
    save_as,
)

logger = logging.getLogger(__name__)

LISTED_STATUS = "published"


# ------------------------------------------------------------ page language


def page_lang(ctx) -> str:
    """The language of the page being rendered."""
    for key in ("article", "page"):
        item = ctx.get(key)
        if item is not None and hasattr(item, "lang"):
            return item.lang
    return ctx.get("page_lang") or ctx["DEFAULT_LANG"]


CATALOGS = "haihui_catalogs"  # this build's catalogs by language, in the build's context


def _translations(ctx):
    lang = page_lang(ctx)
    catalogs = ctx.get(CATALOGS)
    if catalogs is None:
        return load_translations(ctx["THEME"], lang)
    if lang not in catalogs:
        catalogs[lang] = load_translations(ctx["THEME"], lang)
    return catalogs[lang]


@pass_context
def _gettext(ctx, message):
    return _translations(ctx).gettext(message)


@pass_context
def _ngettext(ctx, singular, plural, n):
    return _translations(ctx).ngettext(singular, plural, n)


def _locale(ctx) -> str:
    return ctx["LANGUAGES"][page_lang(ctx)]["locale"]


@pass_context
def _day_filter(ctx, value):
    return format_day(value, _locale(ctx))


@pass_context
def _money_filter(ctx, fen):
    return format_fen(fen, _locale(ctx))


@pass_context
def _alternates(ctx):
    """[Alternate] for the page being rendered, current language first in site order."""
    if ctx.get("page_alternates"):
        return ctx["page_alternates"]
    item = ctx.get("article") or ctx.get("page")
    return item_alternates(item, ctx["LANGUAGES"]) if item is not None else []


def item_alternates(item, languages: dict):
    """alternates_of(item), worked out once per item: a page asks several times
    (head, switcher), the sitemap once more, and Pelican computes a URL anew on each access."""
    cached = getattr(item, "_haihui_alternates", None)
    if cached is None:
        cached = item._haihui_alternates = alternates_of(item, languages)
    return cached


@pass_context
def _lang_url(ctx, listing, lang=None):
    """Site-relative URL of a listing (index, stories, campaigns) in a language."""
    return listing_url(ctx, listing, lang or page_lang(ctx))


@pass_context
def _current_url(ctx):
    """Site-relative URL of the page being rendered."""
    for key in ("article", "page", "articles_page"):
        item = ctx.get(key)
        if item is not None and hasattr(item, "url"):
            return item.url
    return ctx.get("page_url", "")


@pass_context
def _page_lang(ctx):
    return page_lang(ctx)


def install_i18n(generator: Generator):
    generator.context.setdefault(CATALOGS, {})  # Pelican makes a new context for every build
    env = generator.env
    env.install_gettext_callables(_gettext, _ngettext, newstyle=True)
    env.filters.update({"day": _day_filter, "money": _money_filter})
    env.globals.update(
        {
            "alternates": _alternates,
            "lang_url": _lang_url,
            "current_lang": _page_lang,
            "current_url": _current_url,
        }
    )


# ------------------------------------------------------------ Chinese line breaks

# A line break in Markdown becomes a space in HTML; between two Chinese
# characters that space is visible and wrong, so staff may wrap lines freely.
_CJK = "\u3000-\u303f\u3400-\u9fff\uff00-\uffef"
_BREAK_BETWEEN_CJK = re.compile(f"(?<=[{_CJK}])[ \t]*\n[ \t]*(?=[{_CJK}])")


def join_cjk_lines(html: str) -> str:
    return _BREAK_BETWEEN_CJK.sub("", html)


def tidy_chinese_text(content):
    if getattr(content, "_content", None):
        content._content = join_cjk_lines(content._content)


# ------------------------------------------------------------ campaigns


def place_campaigns(content):
    """Campaign pages live under campaigns/ in every language (CAMPAIGN_URL)."""
    if getattr(content, "template", None) != "campaign" or content.__class__.__name__ != "Page":
        return
    settings = content.settings
    prefix = settings["LANGUAGES"].get(content.lang, {}).get("prefix", "")
    url = settings["CAMPAIGN_URL"].format(prefix=prefix, slug=content.slug)
    content.override_url = url
    content.override_save_as = save_as(url)


# ------------------------------------------------------------ shared index


def index_site(generators):
    """Per-language lists every template may use, put in the shared context."""
    articles_gen = next(g for g in generators if hasattr(g, "articles"))
    pages_gen = next(g for g in generators if hasattr(g, "pages"))
    context, languages = articles_gen.context, articles_gen.settings["LANGUAGES"]
    stories = [
        a for a in chain(articles_gen.articles, articles_gen.translations) if a.status == LISTED_STATUS
    ]
    pages = [p for p in chain(pages_gen.pages, pages_gen.translations) if p.status == LISTED_STATUS]
    context["stories_by_lang"] = {
        lang: newest_first(items) for lang, items in by_language(stories, languages).items()
    }
    context["campaigns_by_lang"] = by_language(
        [p for p in pages if getattr(p, "template", None) == "campaign"], languages
    )
    context["pages_by_lang"] = by_language(pages, languages)
    # The main navigation, worked out once: Pelican computes a URL anew on every access.
    context["nav_by_lang"] = {
        lang: [
            NavItem(p.nav_title if hasattr(p, "nav_title") else p.title, p.url)
            for p in sorted((p for p in items if hasattr(p, "nav_order")), key=lambda p: int(p.nav_order))
        ]
        for lang, items in context["pages_by_lang"].items()
    }


# ------------------------------------------------------------ listings, feeds, sitemap


class ListingsGenerator(Generator):
    """Writes, per language: home, stories, campaigns, the stories feed; and the sitemap."""

    def generate_output(self, writer):
        settings, context = self.settings, self.context
        written = []
        for lang in settings["LANGUAGES"]:
            stories = context["stories_by_lang"][lang]
            campaigns = context["campaigns_by_lang"][lang]
            for listing, template, extra in (
                ("index", "index", {"stories": stories[: settings["HOME_STORIES_SHOWN"]]}),
                ("stories", "stories", {"articles": stories}),
                ("campaigns", "campaigns", {}),
            ):
                url = listing_url(settings, listing, lang)
                writer.write_file(
                    save_as(url),
                    self.get_template(template),
                    context,
                    paginated={"articles": stories} if listing == "stories" else {},
                    template_name=template,
                    url=url,
                    page_lang=lang,
                    page_url=url,
                    page_alternates=listing_alternates(settings, listing),
                    campaigns=campaigns,
                    listing=listing,
                    **extra,
                )
                written.append(url)
            self._write_feed(writer, lang, stories)
        self._write_sitemap(written)

    def _write_feed(self, writer, lang, stories):
        settings = self.settings
        path = feed_file(settings, lang)
        translations = load_translations(settings["THEME"], lang)
        feed_context = dict(
            self.context,
            SITEURL=settings["SITE_ORIGIN"],
            FEED_DOMAIN=settings["SITE_ORIGIN"],
            SITENAME=translations.gettext(settings["SITENAME"]),
        )
        writer.write_feed(stories, feed_context, path, path, feed_title=translations.gettext("Stories"))

    def _write_sitemap(self, listing_urls):
        settings = self.settings
        origin = settings["SITE_ORIGIN"].rstrip("/") + "/"
        ET.register_namespace("", "http://www.sitemaps.org/schemas/sitemap/0.9")
        ET.register_namespace("xhtml", "http://www.w3.org/1999/xhtml")
        sm, xhtml = "{http://www.sitemaps.org/schemas/sitemap/0.9}", "{http://www.w3.org/1999/xhtml}"
        urlset = ET.Element(f"{sm}urlset")

        def add(url, alternates, lastmod=None):
            entry = ET.SubElement(urlset, f"{sm}url")
            ET.SubElement(entry, f"{sm}loc").text = origin + url
            if lastmod is not None:
                ET.SubElement(entry, f"{sm}lastmod").text = lastmod.date().isoformat()
            for alternate in alternates:
                ET.SubElement(
                    entry,
                    f"{xhtml}link",
                    rel="alternate",
                    hreflang=alternate.html_lang,
                    href=origin + alternate.url,
                )
            if alternates:
                ET.SubElement(
                    entry,
                    f"{xhtml}link",
                    rel="alternate",
                    hreflang="x-default",
                    href=origin + alternates[0].url,
                )

        languages = settings["LANGUAGES"]
        for listing in settings["LISTING_URLS"]:
            for alternate in listing_alternates(settings, listing):
                add(alternate.url, listing_alternates(settings, listing))
        for items in chain(self.context["stories_by_lang"].values(), self.context["pages_by_lang"].values()):
            for item in items:
                add(
                    item.url,
                    item_alternates(item, languages),
                    getattr(item, "modified", None) or getattr(item, "date", None),
                )
        path = Path(self.output_path) / settings["SITEMAP_URL"]
        ET.ElementTree(urlset).write(path, encoding="utf-8", xml_declaration=True)
        logger.info('Writing "%s"', path)
        robots = Path(self.output_path) / ROBOTS_FILE
        robots.write_text(f"User-agent: *\nAllow: /\nSitemap: {origin}{settings['SITEMAP_URL']}\n", "utf-8")


def get_generators(pelican):
    return ListingsGenerator


def register():
    gates.register()  # every Haihui plugin brings the safety gates: they hold whichever are loaded
    signals.generator_init.connect(install_i18n)
    signals.content_object_init.connect(place_campaigns)
    signals.content_object_init.connect(tidy_chinese_text)
    signals.all_generators_finalized.connect(index_site)
    signals.get_generators.connect(get_generators)
