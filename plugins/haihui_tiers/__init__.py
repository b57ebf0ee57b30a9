"""Pelican plugin: sponsorship tiers and fund-use transparency from content/data/fund-use.yaml.

- Checks the data files and every tier short code with the content checks
  (haihui_checks), so a mistake stops the build before output/ is touched.
- Puts the summary, the tiers and their checkout links in the template context.
- Replaces each short code in stories and pages by the theme's tier cards,
  rendered in the page's language.
- Writes the summary as CSV and JSON beside the fund-use page.
"""

from pathlib import Path

from pelican import signals
from pelican.generators import Generator

from haihui_checks.content_rules import SOURCE_CHECKS
from haihui_checks.problems import ERROR, ContentError

from .chart import bar_chart
from .short_codes import replace_short_codes
from .site_data import SiteTiers, check_tiers, load_site_tiers

TIER_LIST_TEMPLATE = "partials/tier-list.html"

if check_tiers not in SOURCE_CHECKS:
    SOURCE_CHECKS.append(check_tiers)


def template_context(site: SiteTiers) -> dict:
    return {
        "fund_use": site.fund_use,
        "fund_use_summary": site.summary,
        "tiers": site.tiers,
        "checkout_links": site.links,
        "fund_use_files": site.files,
        "bar_chart": bar_chart,
    }


def load_data(generator):
    """After haihui_checks has checked everything (article_generator_init follows generator_init)."""
    site, problems = load_site_tiers(generator.settings)
    errors = [p for p in problems if p.severity == ERROR]
    if errors:  # only reached when the checks plugin is not loaded
        raise ContentError(errors)
    generator.context["haihui_tiers"] = site
    generator.context.update(template_context(site))


def embed_tiers(generators):
    """Swap each short code for the tier cards, rendered in its story's or page's language."""
    renderer = next(g for g in generators if hasattr(g, "env"))
    context = renderer.context
    site: SiteTiers = context["haihui_tiers"]
    template = renderer.get_template(TIER_LIST_TEMPLATE.removesuffix(".html"))
    for content in context["generated_content"].values():
        text = getattr(content, "_content", None)
        if not text or "[tiers" not in text:
            continue
        content._content = replace_short_codes(text, lambda selection: template.render(
            context, lang=content.lang, page_lang=content.lang, selection=site.select(selection)))


class FundUseFilesGenerator(Generator):
    """Writes fund-use.csv and fund-use.json: the bytes whose SHA-256 the page prints."""

    def generate_output(self, writer):
        for published in self.context["haihui_tiers"].files:
            path = Path(self.output_path) / published.url
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_bytes(published.data)


def get_generators(pelican):
    return FundUseFilesGenerator


def register():
    signals.article_generator_init.connect(load_data)
    signals.all_generators_finalized.connect(embed_tiers)
    signals.get_generators.connect(get_generators)
