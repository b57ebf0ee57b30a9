"""Pelican plugin: the site's addresses beyond its stories and pages.

Per language: the home page, the story and campaign listings and the Atom
feed of stories (its own atom:id, linking to that language's home page);
once: `sitemap.xml` (with hreflang alternates; no page marked `Robots:
noindex`), `robots.txt` and `favicon.ico` (from the theme's root/ folder).
Campaign pages are placed under CAMPAIGN_URL in every language.
The lists every template uses (stories, campaigns and pages by language, the
navigation) are worked out once per build, in the build's context.
"""

import logging
import shutil
from itertools import chain
from pathlib import Path
from xml.etree import ElementTree as ET

from pelican import signals
from pelican.generators import Generator

import haihui_gates as gates
from haihui.languages.catalogs import load_translations
from haihui.listings import (
    FAVICON_FILE,
    ROBOTS_FILE,
    SITEMAP_EXTRA,
    THEME_ROOT_FILES,
    NavItem,
    by_language,
    feed_file,
    indexable,
    listing_alternates,
    listing_url,
    newest_first,
    save_as,
)
from haihui_languages import item_alternates

logger = logging.getLogger(__name__)

LISTED_STATUS = "published"
# In a feed's context: the absolute address of its language's home page (feed_identity).
FEED_HOME = "haihui_feed_home"


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
        self._copy_favicon()

    def _write_feed(self, writer, lang, stories):
        settings = self.settings
        path = feed_file(settings, lang)
        translations = load_translations(settings["THEME"], lang)
        origin = settings["SITE_ORIGIN"].rstrip("/")
        feed_context = dict(
            self.context,
            SITEURL=settings["SITE_ORIGIN"],
            FEED_DOMAIN=settings["SITE_ORIGIN"],
            SITENAME=translations.gettext(settings["SITENAME"]),
            **{FEED_HOME: f"{origin}/{listing_url(settings, 'index', lang)}"},
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
            alternates = [a for a in alternates if a.indexable]  # no hreflang to a page kept out
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
        # Addresses other plugins write (haihui_reports: each campaign's reports listing).
        for url, alternates in self.context.get(SITEMAP_EXTRA, ()):
            add(url, alternates)
        for items in chain(self.context["stories_by_lang"].values(), self.context["pages_by_lang"].values()):
            for item in items:
                if not indexable(item):  # `Robots: noindex`: the thank-you pages, say
                    continue
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

    def _copy_favicon(self):
        """Browsers ask every site for /favicon.ico: the theme's, at the root of the site."""
        icon = Path(self.settings["THEME"]) / THEME_ROOT_FILES / FAVICON_FILE
        if icon.is_file():
            shutil.copyfile(icon, Path(self.output_path) / FAVICON_FILE)


def feed_identity(context, feed):
    """Each language's feed is its own: its atom:id is its own address, and it links to
    its language's home page (Pelican gives every feed the site's root for both)."""
    home = context.get(FEED_HOME) if isinstance(context, dict) else None
    if home:
        feed.feed["link"] = home
        feed.feed["id"] = feed.feed.get("feed_url") or home


def get_generators(pelican):
    return ListingsGenerator


def register():
    gates.register()  # every Haihui plugin brings the safety gates: they hold whichever are loaded
    signals.content_object_init.connect(place_campaigns)
    signals.all_generators_finalized.connect(index_site)
    signals.get_generators.connect(get_generators)
    signals.feed_generated.connect(feed_identity)
