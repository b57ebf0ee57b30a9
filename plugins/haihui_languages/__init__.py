"""Pelican plugin: both languages in one run.

Pelican already reads every file once and pairs translations by slug; this
adds what it lacks: the gettext catalog picked per page from the page's
language, dates and amounts formatted per language, a translation switcher
and hreflang alternates on every page, and Chinese text without stray
spaces. The per-language listings, feeds and sitemap are haihui_listings'.
"""

import re

from babel.numbers import format_decimal
from jinja2 import pass_context
from pelican import signals
from pelican.generators import Generator

import haihui_gates as gates
from haihui.languages.catalogs import load_translations
from haihui.languages.formatting import format_day, format_money
from haihui.listings import alternates_of, indexable, listing_url

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
    return catalog_of(ctx, page_lang(ctx))


def catalog_of(context, lang: str):
    """The theme's catalog for `lang`, kept in the build's context (CATALOGS) when there is one."""
    catalogs = context.get(CATALOGS)
    if catalogs is None:
        return load_translations(context["THEME"], lang)
    if lang not in catalogs:
        catalogs[lang] = load_translations(context["THEME"], lang)
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
    """CN¥1,000 / 1,000 元: the language's money pattern is a message of its catalog."""
    return format_money(fen, _locale(ctx), _translations(ctx))


@pass_context
def _count_filter(ctx, number):
    """A count in the page's language's digits (10,000)."""
    return format_decimal(number, locale=_locale(ctx))


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


@pass_context
def _indexable(ctx):
    """False on a story or page whose header says `Robots: noindex` (haihui.listings.indexable)."""
    item = ctx.get("article") or ctx.get("page")
    return indexable(item) if item is not None else True


def install_i18n(generator: Generator):
    generator.context.setdefault(CATALOGS, {})  # Pelican makes a new context for every build
    env = generator.env
    env.install_gettext_callables(_gettext, _ngettext, newstyle=True)
    env.filters.update({"count": _count_filter, "day": _day_filter, "money": _money_filter})
    env.globals.update(
        {
            "alternates": _alternates,
            "lang_url": _lang_url,
            "current_lang": _page_lang,
            "current_url": _current_url,
            "indexable": _indexable,
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


def register():
    gates.register()  # every Haihui plugin brings the safety gates: they hold whichever are loaded
    signals.generator_init.connect(install_i18n)
    signals.content_object_init.connect(tidy_chinese_text)
