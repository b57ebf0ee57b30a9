"""Pelican plugin: sponsorship tiers and fund-use transparency from content/data/fund-use.yaml.

- Checks the data files and every tier short code with the content checks
  (haihui_content), so a mistake stops the build before output/ is touched.
- Puts the summary, the tiers and their checkout links in the template context,
  and the organisation from content/data/organisation.yaml (`organisation`:
  the contact, the fundraising disclosure, the checkout channels' names).
- Replaces each short code in stories and pages by the theme's tier cards,
  and each [amount: id] by the amount, in the page's language ([literal: x]
  by x); any short-code text left over stops the build (ContentError).
- Writes the summary as CSV and JSON beside the fund-use page.
- Gives the templates `organisation_json_ld()`: the organisation as schema.org
  JSON-LD in the page's language (the home pages carry it).
"""

import html
from pathlib import Path

from jinja2 import pass_context
from markupsafe import Markup
from pelican import signals
from pelican.generators import Generator

import haihui_gates as gates
from haihui.giving.chart import bar_chart
from haihui.giving.short_codes import (
    AMOUNT_EXAMPLE,
    EXAMPLE,
    LITERAL_EXAMPLE,
    leftover_short_codes,
    replace_inline_codes,
    replace_short_codes,
)
from haihui.giving.site_data import SiteTiers, load_site_tiers
from haihui.languages.catalogs import load_translations
from haihui.languages.formatting import format_money
from haihui.listings import listing_url
from haihui.organisation import Organisation, load_organisation
from haihui.problems import ERROR, N_, ContentError, Problem, display_path, msg, named
from haihui.structured_data import organisation_json_ld, script_json
from haihui_content import RULES
from haihui_languages import page_lang

TIER_LIST_TEMPLATE = "partials/tier-list.html"


def template_context(site: SiteTiers, organisation: Organisation) -> dict:
    return {
        "organisation": organisation,
        "fund_use": site.fund_use,
        "fund_use_summary": site.summary,
        "tiers": site.tiers,
        "checkout_links": site.links,
        "fund_use_files": site.files,
        "fund_use_history": site.history,
        "bar_chart": bar_chart,
    }


def load_data(generator):
    """After haihui_content has checked everything (article_generator_init follows generator_init)."""
    rules = generator.context.get(RULES)  # haihui_content read the data already
    read = rules.giving if rules is not None and rules.giving is not None else None
    site, problems = read if read is not None else load_site_tiers(generator.settings)
    read_organisation = rules.organisation if rules is not None else None
    organisation, organisation_problems = read_organisation or load_organisation(generator.settings)
    errors = [p for p in problems + organisation_problems if p.severity == ERROR]
    if errors:  # only reached when the checks plugin is not loaded
        raise ContentError(errors)
    generator.context["haihui_giving"] = site
    generator.context["haihui_organisation"] = organisation
    generator.context.update(template_context(site, organisation))


def _source_line(content, leftover: str) -> int:
    """The line of the source file where `leftover` (or its start) is written; 1 if not found."""
    try:
        text = Path(content.source_path).read_text("utf-8-sig")
    except (OSError, UnicodeDecodeError, TypeError):
        return 1
    needle = html.unescape(leftover).lower()[:8]
    return next((n for n, line in enumerate(text.splitlines(), 1) if needle in line.lower()), 1)


def leftover_problems(content, parts: dict[str, str]) -> list[Problem]:
    """Short-code text left in a page's HTML after embedding: it would be published as "[tiers: ...]"."""
    shown = display_path(Path(content.source_path), Path.cwd()) if content.source_path else str(content)
    problems = []
    for field, text in parts.items():
        where = msg("text") if field == "text" else field
        for leftover in leftover_short_codes(text or ""):
            problems.append(
                Problem(
                    shown,
                    _source_line(content, leftover),
                    N_(
                        "'{leftover}' would be published as text in the {field}: "
                        "it is not a short code the build can replace here"
                    ),
                    N_(
                        "write tiers as {example} on a line of its own with an empty line before and after; "
                        "amounts as {amount} and {literal}, in lower case; run `make check`"
                    ),
                    params=named(
                        leftover=html.unescape(leftover),
                        field=where,
                        example=EXAMPLE,
                        amount=AMOUNT_EXAMPLE,
                        literal=LITERAL_EXAMPLE,
                    ),
                )
            )
    return problems


def embed_tiers(generators):
    """Swap each short code for the tier cards or the amount, rendered in its story's or page's language.

    Fails closed: short-code text left in any story's or page's HTML stops the build (ContentError).
    """
    renderer = next(g for g in generators if hasattr(g, "env"))
    context = renderer.context
    site: SiteTiers = context["haihui_giving"]
    languages = renderer.settings.get("LANGUAGES", {})
    template = renderer.get_template(TIER_LIST_TEMPLATE.removesuffix(".html"))
    amounts = site.amounts() if site is not None else {}
    problems: list[Problem] = []
    theme = renderer.settings["THEME"]
    for content in context["generated_content"].values():
        lang = getattr(content, "lang", "")
        locale = languages.get(lang, {}).get("locale", "en")
        # The same text as the `money` filter: the language's pattern from its catalog.
        catalog = load_translations(theme, lang)

        def amount(ident: str, locale=locale, catalog=catalog):
            return format_money(amounts[ident], locale, catalog) if ident in amounts else None

        text = getattr(content, "_content", None)
        if text and "[tiers" in text:
            text = content._content = replace_short_codes(
                text,
                lambda selection, content=content: template.render(
                    context, lang=content.lang, page_lang=content.lang, selection=site.select(selection)
                ),
            )
        if text and "[" in text:
            text = content._content = replace_inline_codes(text, amount)
        summary = content.metadata.get("summary")
        if isinstance(summary, str) and "[" in summary:
            summary = replace_inline_codes(summary, amount)
            content.metadata["summary"] = content._summary = summary
        title = content.metadata.get("title")
        if isinstance(title, str) and "[" in title:
            title = replace_inline_codes(title, amount)
            content.metadata["title"] = content.title = title
        problems += leftover_problems(content, {"text": text, "Summary": summary, "Title": title})
    if problems:
        raise ContentError(problems)


class FundUseFilesGenerator(Generator):
    """Writes fund-use.csv and fund-use.json, each period's CSV and JSON and the manifest of
    releases: the bytes whose SHA-256 the page prints."""

    def generate_output(self, writer):
        site = self.context["haihui_giving"]
        history = site.history.files if site.history is not None else []
        for published in [*site.files, *history]:
            path = Path(self.output_path) / published.url
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_bytes(published.data)


@pass_context
def _organisation_json_ld(ctx):
    """The organisation as JSON-LD for the page's language, ready to sit inside <script>."""
    organisation = ctx.get("organisation")
    if organisation is None:
        return ""
    lang = page_lang(ctx)
    home = f"{ctx['SITE_ORIGIN'].rstrip('/')}/{listing_url(ctx, 'index', lang)}"
    return Markup(script_json(organisation_json_ld(organisation, lang, home)))


def install_globals(generator):
    env = getattr(generator, "env", None)
    if env is not None:
        env.globals["organisation_json_ld"] = _organisation_json_ld


def get_generators(pelican):
    return FundUseFilesGenerator


def register():
    gates.register()  # every Haihui plugin brings the safety gates: they hold whichever are loaded
    signals.generator_init.connect(install_globals)
    signals.article_generator_init.connect(load_data)
    signals.all_generators_finalized.connect(embed_tiers)
    signals.get_generators.connect(get_generators)
