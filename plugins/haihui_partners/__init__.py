"""Pelican plugin: the CSR partner kit (haihui.partners) on the site.

- The kit (content/data/partner-kit.yaml) is read once per build with the content
  (haihui_content keeps it in the build's Rules) and checked with every other check.
- Writes each campaign's partner brief per language at PARTNER_BRIEF_URL
  (`Template: partner-brief`, its main element `data-print="partner-brief"`): the
  appeal, the tiers with what they lead to, the latest progress report, the fund-use
  summary, how partners are reported to, the framework table, giving as a company
  (donation receipt, employee giving), the named partners, the disclosure and the
  contact. Every figure comes from `haihui.partners.outcomes.brief_figures`.
- A named partner's logo (a picture in content/) goes through the picture pipeline
  (haihui.pictures: re-encoded, metadata stripped, cached) before anything is written;
  one it cannot read stops the build at the kit's line. Logos of partners not named are
  never read, let alone published.
- Gives templates `partner_brief_url(campaign)`, and lists the briefs in the sitemap.
"""

import shutil
from dataclasses import dataclass, field
from pathlib import Path

from jinja2 import pass_context
from markupsafe import Markup
from pelican import signals
from pelican.generators import Generator

import haihui_gates as gates
from haihui.content.project import site_today
from haihui.listings import SITEMAP_EXTRA, Alternate, save_as
from haihui.partners import load_partner_kit
from haihui.partners.data import Partner, PartnerKit, is_named, logo_problem
from haihui.partners.links import STRIPE, brief_reference, employee_giving_url
from haihui.partners.outcomes import (
    FrameworkRow,
    LatestReport,
    PassOnRate,
    TierOutcome,
    brief_figures,
    framework_rows,
    tier_outcomes,
)
from haihui.pictures import OUTPUT_FOLDER
from haihui.pictures.encode import ImageSettings
from haihui.pictures.markup import escape_alt, output_name, picture
from haihui.pictures.pipeline import Entry, ImageCache, process
from haihui.problems import ERROR, ContentError
from haihui.settings import DEFAULTS
from haihui_content import RULES
from haihui_languages import page_lang

TEMPLATE = "partner-brief"
LOGOS = "haihui_partner_logos"  # this build's encoded logos of named partners: (cache, {id: Entry})
LOGO_SIZES = "12rem"  # how wide a logo is shown (theme/static/css/main.css .brief__logo)


@dataclass(frozen=True)
class NamedPartner:
    partner: Partner
    employee_url: str | None
    logo: Markup | None = None  # the <picture> of its logo, when it has one


@dataclass(frozen=True)
class Brief:
    campaign: str
    kit: PartnerKit
    outcomes: list[TierOutcome]
    figures: dict[str, int]
    frameworks: list[FrameworkRow]
    latest: LatestReport | None
    rate: PassOnRate | None
    chain_sample: bool
    employee_url: str | None
    reference: str
    partners: list[NamedPartner] = field(default_factory=list)


def _url(settings, lang: str, campaign: str) -> str:
    return settings["PARTNER_BRIEF_URL"].format(
        prefix=settings["LANGUAGES"][lang]["prefix"], campaign=campaign
    )


def _kit(generator) -> PartnerKit | None:
    rules = generator.context.get(RULES)
    read = rules.partner_kit if rules is not None else None
    if read is None:
        read = load_partner_kit(generator.settings, site_today(generator.settings))
    errors = [p for p in read.problems if p.severity == ERROR]
    if errors:  # only reached when the checks plugin is not loaded
        raise ContentError(errors)
    return read.kit


def _stripe_link(context, tier: str, lang: str) -> str | None:
    links = context.get("checkout_links", {}).get(tier, {}).get(lang, [])
    return next((link.url for link in links if link.channel == STRIPE), None)


def _logo(context, settings, partner: Partner, lang: str) -> Markup | None:
    entries: dict[str, Entry] = (context.get(LOGOS) or (None, {}))[1]
    entry = entries.get(partner.id)
    if entry is None or partner.logo_alt is None:
        return None
    return picture(
        entry,
        siteurl=settings["SITEURL"],
        folder=OUTPUT_FOLDER,
        alt_html=escape_alt(partner.logo_alt[lang]),
        sizes=LOGO_SIZES,
        lazy=True,
    )


def build_brief(context, settings, kit: PartnerKit, campaign: str, lang: str) -> Brief:
    """The model of one campaign's brief in one language, from what this build read."""
    giving = context["haihui_giving"]
    fund_use = giving.fund_use
    chain = context.get("gift_chain")
    total = chain.view.total if chain is not None else None
    rate = PassOnRate(total.passed_on, total.due) if total is not None and total.due else None
    tiers = [t for t in giving.tiers.values() if t.campaign == campaign]
    outcomes = tier_outcomes(tiers, fund_use.tiers, kit.mother_unit, rate)
    pages = context.get("campaign_reports", {}).get(lang, {}).get(campaign, [])
    latest = (
        LatestReport(pages[0].report.slug, pages[0].report.figures, pages[0].report.sample, pages[0].url)
        if pages
        else None
    )
    totals = context.get("report_totals", {}).get(lang, {}).get(campaign, {})
    figures = brief_figures(fund_use, campaign, outcomes, latest, totals, rate)
    hosts = settings["CHECKOUT_CHANNELS"].get(STRIPE, {}).get("hosts", [])
    link = _stripe_link(context, kit.employee_giving.tier, lang)
    reference = brief_reference(campaign)
    today = site_today(settings)
    return Brief(
        campaign=campaign,
        kit=kit,
        outcomes=outcomes,
        figures=figures,
        frameworks=framework_rows(kit.frameworks, campaign, figures),
        latest=latest,
        rate=rate,
        chain_sample=chain is not None and chain.view.status == "sample",
        employee_url=employee_giving_url(link, reference, hosts) if link else None,
        reference=reference,
        # Deny by default: only a partner whose agreement is recorded is named, anywhere.
        partners=[
            NamedPartner(
                p,
                employee_giving_url(link, p.reference, hosts) if link else None,
                _logo(context, settings, p, lang),
            )
            for p in kit.partners
            if is_named(p, today)
        ],
    )


class PartnerBriefGenerator(Generator):
    """Each campaign's partner brief, in every language."""

    def generate_output(self, writer):
        settings, context = self.settings, self.context
        if context.get("haihui_giving") is None:
            return
        kit = _kit(self)
        if kit is None:
            return
        self._write_logos()
        languages = settings["LANGUAGES"]
        campaigns_by_lang = context.get("campaigns_by_lang", {})
        for campaign in context["haihui_giving"].fund_use.campaigns:
            alternates = [
                Alternate(code, spec["html_lang"], spec["name"], _url(settings, code, campaign))
                for code, spec in languages.items()
            ]
            for lang in languages:
                url = _url(settings, lang, campaign)
                page = next((c for c in campaigns_by_lang.get(lang, []) if c.slug == campaign), None)
                writer.write_file(
                    save_as(url),
                    self.get_template(TEMPLATE),
                    context,
                    template_name=TEMPLATE,
                    url=url,
                    page_lang=lang,
                    page_url=url,
                    page_alternates=alternates,
                    campaign=page,
                    campaign_slug=campaign,
                    brief=build_brief(context, settings, kit, campaign, lang),
                )

    def _write_logos(self):
        cache, entries = self.context.get(LOGOS) or (None, {})
        for entry in entries.values():
            for rendition in entry.renditions:
                target = Path(self.output_path) / output_name(OUTPUT_FOLDER, entry, rendition.file)
                target.parent.mkdir(parents=True, exist_ok=True)
                shutil.copyfile(cache.file(entry, rendition), target)


def prepare_logos(generators):
    """Encode named partners' logos through the picture pipeline, before anything is written."""
    context, settings = generators[0].context, generators[0].settings
    rules = context.get(RULES)
    read = rules.partner_kit if rules is not None else None
    if read is None or read.kit is None:
        return
    today = site_today(settings)
    content = Path(settings["PATH"])
    wanted = {
        index: content / partner.logo
        for index, partner in enumerate(read.kit.partners)
        if partner.logo and is_named(partner, today)  # deny by default: an unnamed partner's is never read
    }
    if not wanted:
        return
    cache = ImageCache(
        Path(settings.get("IMAGE_CACHE_PATH") or DEFAULTS["IMAGE_CACHE_PATH"]), ImageSettings()
    )
    results, _ = process(list(wanted.values()), cache)
    kit_path = content / settings["PARTNER_KIT_FILE"]
    problems = [
        logo_problem(kit_path, read.source, index, result.reason)
        for index, path in wanted.items()
        if not isinstance(result := results[path], Entry)
    ]
    if problems:
        raise ContentError(problems)
    entries = {read.kit.partners[index].id: results[path] for index, path in wanted.items()}
    context[LOGOS] = (cache, entries)


def list_in_sitemap(generators):
    """Each brief in the sitemap with its alternates (haihui_listings writes it)."""
    any_gen = generators[0]
    context, settings = any_gen.context, any_gen.settings
    giving = context.get("haihui_giving")
    if giving is None:
        return
    languages = settings["LANGUAGES"]
    extra = []
    for campaign in giving.fund_use.campaigns:
        alternates = [
            Alternate(code, spec["html_lang"], spec["name"], _url(settings, code, campaign))
            for code, spec in languages.items()
        ]
        extra += [(alternate.url, alternates) for alternate in alternates]
    context[SITEMAP_EXTRA] = context.get(SITEMAP_EXTRA, []) + extra


@pass_context
def _partner_brief_url(ctx, campaign: str) -> str:
    """Site-relative address of a campaign's partner brief in the page's language."""
    return _url(ctx, page_lang(ctx), campaign)


def install_globals(generator):
    env = getattr(generator, "env", None)
    if env is not None:
        env.globals["partner_brief_url"] = _partner_brief_url


def get_generators(pelican):
    return PartnerBriefGenerator


def register():
    gates.register()  # every Haihui plugin brings the safety gates: they hold whichever are loaded
    signals.generator_init.connect(install_globals)
    signals.all_generators_finalized.connect(prepare_logos)
    signals.all_generators_finalized.connect(list_in_sitemap)
    signals.get_generators.connect(get_generators)
