"""Pelican plugin: progress reports (haihui.reports) on the site.

- Each report (a page with `Template: report`) is placed at REPORT_URL and
  carries its figures as `report` (haihui.reports.Report).
- Per build, in the context: each language's reports newest first
  (`reports_by_lang`), each campaign's (`campaign_reports`), the figures added
  up against the goal (`report_totals`) and the next report due
  (`report_due`, haihui.clock).
- Per campaign and language: a listing of its reports (REPORT_LISTING_URL) and
  an Atom feed of them (REPORT_FEED_URL, its own atom:id, linking to that
  language's home page); both listings are named in the sitemap with their
  alternates (haihui_listings reads SITEMAP_EXTRA).
"""

from collections import defaultdict
from itertools import chain

from pelican import signals
from pelican.generators import Generator

import haihui_gates as gates
from haihui.content.project import site_today
from haihui.languages.catalogs import load_translations
from haihui.listings import SITEMAP_EXTRA, Alternate, listing_url, save_as
from haihui.reports import is_report, newest_first, next_report_due, report_of, totals
from haihui_listings import FEED_HOME, feed_identity

LISTED_STATUS = "published"


def place_reports(content):
    """Every report lives at REPORT_URL in its language, whatever Pelican's PAGE_URL says."""
    if content.__class__.__name__ != "Page" or not is_report(content.metadata):
        return
    settings = content.settings
    prefix = settings["LANGUAGES"].get(content.lang, {}).get("prefix", "")
    url = settings["REPORT_URL"].format(
        prefix=prefix, slug=content.slug, lang=content.lang, campaign=content.metadata.get("campaign", "")
    )
    content.override_url = url
    content.override_save_as = save_as(url)
    content.report = report_of(content.metadata)


def _url(settings, key: str, lang: str, campaign: str) -> str:
    return settings[key].format(prefix=settings["LANGUAGES"][lang]["prefix"], campaign=campaign)


def index_reports(generators):
    """The reports of this build, by language and campaign, and what each campaign owes next."""
    pages_gen = next(g for g in generators if hasattr(g, "pages"))
    context, settings = pages_gen.context, pages_gen.settings
    languages = settings["LANGUAGES"]
    pages = [
        p
        for p in chain(pages_gen.pages, pages_gen.translations)
        if p.status == LISTED_STATUS and getattr(p, "report", None) is not None
    ]
    by_lang = {lang: newest_first(p for p in pages if p.lang == lang) for lang in languages}
    per_campaign: dict[str, dict[str, list]] = {lang: defaultdict(list) for lang in languages}
    for lang, items in by_lang.items():
        for page in items:
            per_campaign[lang][page.report.campaign].append(page)
    giving = context.get("haihui_giving")
    campaigns = giving.fund_use.campaigns if giving is not None else {}
    context["reports_by_lang"] = by_lang
    context["campaign_reports"] = {lang: dict(found) for lang, found in per_campaign.items()}
    context["report_totals"] = {
        lang: {slug: totals(p.report for p in items) for slug, items in found.items()}
        for lang, found in per_campaign.items()
    }
    every = [p.report for p in pages]
    context["report_due"] = {
        slug: due
        for slug, campaign in campaigns.items()
        if (due := next_report_due(campaign.start, campaign.end, [r for r in every if r.campaign == slug]))
    }
    context["report_today"] = site_today(settings)
    slugs = sorted(set(campaigns) | {r.campaign for r in every})
    for key, name in (("REPORT_LISTING_URL", "report_listing_urls"), ("REPORT_FEED_URL", "report_feed_urls")):
        context[name] = {
            lang: {slug: _url(settings, key, lang, slug) for slug in slugs} for lang in languages
        }
    extra = []
    for slug in sorted({r.campaign for r in every}):
        alternates = [
            Alternate(lang, spec["html_lang"], spec["name"], _url(settings, "REPORT_LISTING_URL", lang, slug))
            for lang, spec in languages.items()
            if per_campaign[lang].get(slug)
        ]
        extra += [(alternate.url, alternates) for alternate in alternates]
    context[SITEMAP_EXTRA] = context.get(SITEMAP_EXTRA, []) + extra


class ReportsGenerator(Generator):
    """Per campaign and language: the listing of its reports and their Atom feed."""

    def generate_output(self, writer):
        settings, context = self.settings, self.context
        languages = settings["LANGUAGES"]
        campaigns_by_lang = context.get("campaigns_by_lang", {})
        for lang in languages:
            titles = {c.slug: c for c in campaigns_by_lang.get(lang, [])}
            for slug, reports in context.get("campaign_reports", {}).get(lang, {}).items():
                url = _url(settings, "REPORT_LISTING_URL", lang, slug)
                alternates = [
                    Alternate(
                        code,
                        spec["html_lang"],
                        spec["name"],
                        _url(settings, "REPORT_LISTING_URL", code, slug),
                    )
                    for code, spec in languages.items()
                    if context["campaign_reports"].get(code, {}).get(slug)
                ]
                feed = _url(settings, "REPORT_FEED_URL", lang, slug)
                writer.write_file(
                    save_as(url),
                    self.get_template("reports"),
                    context,
                    template_name="reports",
                    url=url,
                    page_lang=lang,
                    page_url=url,
                    page_alternates=alternates,
                    campaign=titles.get(slug),
                    campaign_slug=slug,
                    reports=reports,
                    reports_feed=feed,
                )
                self._write_feed(writer, lang, slug, titles.get(slug), reports, feed)

    def _write_feed(self, writer, lang, slug, campaign, reports, path):
        settings = self.settings
        translations = load_translations(settings["THEME"], lang)
        origin = settings["SITE_ORIGIN"].rstrip("/")
        name = campaign.title if campaign is not None else slug
        feed_context = dict(
            self.context,
            SITEURL=settings["SITE_ORIGIN"],
            FEED_DOMAIN=settings["SITE_ORIGIN"],
            SITENAME=translations.gettext(settings["SITENAME"]),
            **{FEED_HOME: f"{origin}/{listing_url(settings, 'index', lang)}"},
        )
        title = translations.gettext("%(campaign)s: progress reports") % {"campaign": name}
        writer.write_feed(reports, feed_context, path, path, feed_title=title)


def get_generators(pelican):
    return ReportsGenerator


def register():
    gates.register()  # every Haihui plugin brings the safety gates: they hold whichever are loaded
    signals.content_object_init.connect(place_reports)
    signals.all_generators_finalized.connect(index_reports)
    signals.get_generators.connect(get_generators)
    signals.feed_generated.connect(feed_identity)
