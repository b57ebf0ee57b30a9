"""Everything the tiers add to a site, read from the settings and the data files, and its checks.

`load_site_tiers` is used by the check (before Pelican reads anything) and by
the build, so both see the same data and the same problems. The disclosure
shown beside the checkout links and the channels' names are in
organisation.yaml (haihui.organisation), which has a check of its own.
"""

from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import cast

from haihui.clock import build_today
from haihui.content.content_rules import Rules, Source
from haihui.giving.checkout_links import LinksByTier, check_checkout_links
from haihui.giving.data_problems import shown_path
from haihui.giving.fund_use import FundUse, read_fund_use
from haihui.giving.history import History, load_history
from haihui.giving.open_data import PublishedFile, csv_words, published_files
from haihui.giving.short_codes import (
    AMOUNT_EXAMPLE,
    EXAMPLE,
    LITERAL_EXAMPLE,
    REASONS,
    Selection,
    find_short_codes,
    typed_amounts,
)
from haihui.giving.summary import FundUseSummary, summarise
from haihui.giving.tiers import Tier, compute_tiers
from haihui.giving.yaml_source import YamlSource
from haihui.problems import ERROR, N_, WARNING, Msg, Problem, msg, named


@dataclass(frozen=True)
class SiteTiers:
    fund_use: FundUse
    summary: FundUseSummary
    tiers: dict[str, Tier]  # by id, in the order of the file
    links: LinksByTier
    files: list[PublishedFile]
    source: YamlSource | None = None  # fund-use.yaml as read: the line of each entry
    history: History | None = None  # every published period, the releases, corrections (giving.history)

    def select(self, selection: Selection) -> list[Tier]:
        if selection.campaign is not None:
            return [t for t in self.tiers.values() if t.campaign == selection.campaign]
        return [self.tiers[tier_id] for tier_id in selection.tier_ids]

    def amounts(self) -> dict[str, int]:
        """What [amount: id] may name: every unit cost, and every tier with a fixed amount (fen)."""
        found = {t.id: t.amount_fen for t in self.tiers.values() if t.amount_fen is not None}
        found.update({unit_id: unit.amount_fen for unit_id, unit in self.fund_use.unit_costs.items()})
        return found


def load_site_tiers(settings: dict) -> tuple[SiteTiers | None, list[Problem]]:
    """The site's tiers and fund-use figures (None if the summary is unusable), and every problem."""
    root = Path(settings["PATH"])
    languages = tuple(settings["LANGUAGES"])
    strict = bool(settings.get("STRICT_PUBLISH"))
    fund_use, problems, source = read_fund_use(root / settings["FUND_USE_FILE"], languages, strict)
    tiers = None if fund_use is None else compute_tiers(fund_use)
    links, link_problems = check_checkout_links(
        root / settings["CHECKOUT_LINKS_FILE"], tiers, settings["CHECKOUT_CHANNELS"], languages, strict
    )
    if fund_use is None or tiers is None:
        return None, problems + link_problems
    summary = summarise(fund_use)
    data_file = root / settings["FUND_USE_FILE"]
    words = csv_words(settings)  # the CSVs' words, for the latest period's file and each period's
    history, history_problems = load_history(
        fund_use, settings, build_today(settings), data_file, source, words
    )
    site = SiteTiers(
        fund_use,
        summary,
        {t.id: t for t in tiers},
        links,
        published_files(settings["FUND_USE_DATA_FILES"], fund_use, summary, tiers, words),
        source,
        history,
    )
    return site, problems + link_problems + history_problems


def _header_lines(source: Source, *keys: str) -> list[int]:
    """Lines of the header fields that show on the page as text and may hold amounts."""
    front = source.front
    lines: list[int] = []
    for key in keys:
        found = getattr(front, "all_values", {}).get(key)
        if found:
            lines += [line for line, _ in found]
        elif key in front.values:
            lines.append(front.line_of(key))
    return lines


SHOWN_HEADER_FIELDS = ("title", "summary")


def _bad_form_fix(kind: str) -> Msg:
    if kind == "amount":
        return msg(
            "write it in lower case with the id of a unit cost or a tier, e.g. {example}",
            example=AMOUNT_EXAMPLE,
        )
    if kind == "literal":
        return msg("write it in lower case, e.g. {example}", example=LITERAL_EXAMPLE)
    return msg(
        "write it in lower case on a line of its own, with an empty line before and after: {example}",
        example=EXAMPLE,
    )


def short_code_problems(source: Source, site: SiteTiers | None, strict: bool = False) -> Iterable[Problem]:
    """Every short code that would not render or names nothing; every amount typed as text."""
    header = _header_lines(source, *SHOWN_HEADER_FIELDS)
    for found in find_short_codes(source.text, source.front.body_line, header):
        if found.reason is not None:
            if found.reason == "form" and found.kind == "tiers":
                message = msg("'{text}' is not a tier short code", text=found.text)
            else:
                message = msg(N_("'{text}' {why}"), text=found.text, why=REASONS[found.reason])
            fix = _bad_form_fix(found.kind)
            if found.reason == "header":
                fix = msg("put the tiers in the text, on a line of their own")
            yield Problem.of(source.path, found.line, message, fix)
            continue
        if site is None or found.kind == "literal":
            continue  # the summary itself is wrong and reported; its ids cannot be checked
        if found.kind == "amount":
            amounts = site.amounts()
            if found.value not in amounts:
                yield Problem(
                    source.path,
                    found.line,
                    N_("'{text}': there is no unit cost or tier '{value}' with an amount"),
                    N_("use the id of a unit cost or of a tier with a fixed amount: {known}"),
                    params=named(text=found.text, value=found.value, known=", ".join(amounts)),
                )
            elif (
                found.value in site.fund_use.unit_costs
                and found.value in site.tiers
                and site.tiers[found.value].amount_fen != site.fund_use.unit_costs[found.value].amount_fen
            ):
                yield Problem(
                    source.path,
                    found.line,
                    N_("'{text}': '{value}' is both a unit cost and a tier, with different amounts"),
                    N_("rename the tier or the unit cost in fund-use.yaml so that each id is used once"),
                    params=named(text=found.text, value=found.value),
                )
            continue
        # Only a tiers short code that renders gets here, and find_short_codes gives each its selection.
        selection = cast(Selection, found.selection)
        if selection.campaign is not None:
            campaigns = sorted(site.fund_use.campaigns)
            if selection.campaign not in campaigns:
                yield Problem(
                    source.path,
                    found.line,
                    N_("'{text}': there is no campaign '{campaign}' in the fund-use summary"),
                    N_("use one of: {known}"),
                    params=named(text=found.text, campaign=selection.campaign, known=", ".join(campaigns)),
                )
            continue
        for tier_id in selection.tier_ids:
            if tier_id not in site.tiers:
                yield Problem(
                    source.path,
                    found.line,
                    N_("'{text}': there is no tier '{tier}'"),
                    N_("use tier ids from the fund-use summary: {known}"),
                    params=named(text=found.text, tier=tier_id, known=", ".join(site.tiers)),
                )
    for typed in typed_amounts(source.text, source.front.body_line, header):
        yield Problem(
            source.path,
            typed.line,
            N_(
                "'{text}' is an amount typed as text: it would not change when fund-use.yaml does, "
                "and a publish build refuses it"
            ),
            N_(
                "write {amount} (any unit cost or tier id) to show our price from the data, or "
                "{literal} if it is not one of our prices (a market price, say)"
            ),
            ERROR if strict else WARNING,
            params=named(text=typed.text, amount=AMOUNT_EXAMPLE, literal=LITERAL_EXAMPLE),
        )


def campaign_problems(sources: list[Source], site: SiteTiers, settings: dict) -> Iterable[Problem]:
    """Campaign pages and fund-use campaigns must match both ways, or tiers and progress vanish silently."""
    pages: dict[str, list[Source]] = {}
    for source in sources:
        if source.kind == "page" and source.front.values.get("template") == "campaign" and source.slug:
            pages.setdefault(source.slug, []).append(source)
    data_path = Path(settings["PATH"]) / settings["FUND_USE_FILE"]
    shown = shown_path(data_path)
    campaigns = list(site.fund_use.campaigns)
    page_list = ", ".join(f"{slug} ({pages[slug][0].path})" for slug in sorted(pages))
    for slug in campaigns:
        if slug in pages:
            continue
        line = site.source.line_of(("campaigns", slug)) if site.source else 1
        yield Problem(
            shown,
            line,
            N_(
                "campaigns.{slug}: there is no campaign page with Slug '{slug}', so its tiers and progress "
                "bar would show on no page (campaign pages: {pages})"
            ),
            N_(
                "rename it here (and in each tier's 'campaign:') to the Slug of its campaign page, or add a "
                "page with 'Slug: {slug}' and 'Template: campaign' in content/pages/campaigns/"
            ),
            params=named(slug=slug, pages=page_list or msg("none")),
        )
    known = ", ".join(campaigns)
    for slug, found in pages.items():
        if slug in site.fund_use.campaigns:
            continue
        for source in found:
            yield Problem(
                source.path,
                source.front.line_of("slug"),
                N_(
                    "campaign page '{slug}' has no entry under campaigns in {file}, so it would show "
                    "no tiers and no progress bar (campaigns there: {known})"
                ),
                N_(
                    "change this Slug to the campaign's id in {file} ({known}), or add "
                    "'{slug}:' with its goal and progress under campaigns there"
                ),
                params=named(slug=slug, file=shown, known=known),
            )


def check_tiers(sources: list[Source], rules: Rules) -> Iterable[Problem]:
    """The check haihui_content runs before every build and in `invoke check`."""
    if not rules.settings:
        return  # rules made for front matter alone, without a project to read data from
    site, problems = rules.giving if rules.giving is not None else load_site_tiers(rules.settings)
    yield from problems
    if site is not None:
        yield from campaign_problems(sources, site, rules.settings)
    for source in sources:
        yield from short_code_problems(source, site, rules.strict)
