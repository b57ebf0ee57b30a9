"""What a partner's money does, computed from the data, never typed: plain functions over plain data.

Every figure has a path (the `data-source` the brief writes, naming where in the
data it comes from) and an integer value (`data-value`: fen for money, tenths of
a percent for a rate). `brief_figures` returns all of them for one campaign, so
the template only looks values up and a test compares each with the data.

- A tier supports as many mothers as it buys of `mother_unit` (the pigsty grant:
  every mother receives one).
- Families reached is an estimate: those mothers, plus the families they pass the
  gift on to at the published pass-on rate of the Passing on the Gift chain
  (passed on / due, every cohort), one round of passing on only, rounded half up.
  No rate published (nobody due yet): no estimate.
- The period's cost per mother supported: the latest progress report's spending
  divided by the mothers it reached, in fen, rounded half up; none when it
  reached nobody.
"""

from collections.abc import Iterable, Mapping
from dataclasses import dataclass

from haihui.giving.fund_use import FundUse
from haihui.giving.tiers import Tier, unit_quantities


def half_up(numerator: int, denominator: int) -> int:
    """numerator / denominator rounded half up (both non-negative, denominator > 0)."""
    return (2 * numerator + denominator) // (2 * denominator)


@dataclass(frozen=True)
class PassOnRate:
    passed_on: int
    due: int

    @property
    def tenths(self) -> int:
        """The rate in tenths of a percent, as the chain's page prints it (half up)."""
        return half_up(self.passed_on * 1000, self.due)


@dataclass(frozen=True)
class TierOutcome:
    tier: Tier
    mothers: int  # mothers the tier supports (0: it buys no mother_unit)
    families_estimate: int | None  # mothers plus their pass-ons at the published rate


def tier_outcomes(
    tiers: Iterable[Tier], spec_tiers, mother_unit: str, rate: PassOnRate | None
) -> list[TierOutcome]:
    """Each tier of a campaign with what it leads to (`spec_tiers`: fund_use.tiers, for the units)."""
    outcomes = []
    for tier in tiers:
        mothers = unit_quantities(spec_tiers, tier.id).get(mother_unit, 0) if tier.breakdown else 0
        estimate = None
        if mothers and rate is not None and rate.due:
            estimate = mothers + half_up(mothers * rate.passed_on, rate.due)
        outcomes.append(TierOutcome(tier, mothers, estimate))
    return outcomes


def cost_per_mother(spent_fen: int, mothers_reached: int) -> int | None:
    return half_up(spent_fen, mothers_reached) if mothers_reached > 0 else None


@dataclass(frozen=True)
class LatestReport:
    """The newest progress report of a campaign, as the brief shows it."""

    slug: str
    figures: tuple[tuple[str, int], ...]
    sample: bool
    url: str = ""


def brief_figures(
    fund_use: FundUse,
    campaign: str,
    outcomes: Iterable[TierOutcome],
    latest: LatestReport | None,
    report_totals: Mapping[str, int],
    rate: PassOnRate | None,
) -> dict[str, int]:
    """Every figure the brief of `campaign` may show, by its data path."""
    found: dict[str, int] = {}
    for unit_id, unit in fund_use.unit_costs.items():
        found[f"unit_costs.{unit_id}.amount_fen"] = unit.amount_fen
    for outcome in outcomes:
        tier = outcome.tier
        if tier.amount_fen is not None:
            found[f"tiers.{tier.id}.amount_fen"] = tier.amount_fen
        if tier.custom_amount is not None:
            for name in ("minimum_fen", "preset_fen", "maximum_fen"):
                found[f"tiers.{tier.id}.custom_amount.{name}"] = getattr(tier.custom_amount, name)
        for line in tier.breakdown:
            found[f"tiers.{tier.id}.items.{line.unit}.quantity"] = line.quantity
        found[f"tiers.{tier.id}.mothers"] = outcome.mothers
        if outcome.families_estimate is not None:
            found[f"tiers.{tier.id}.families_estimate"] = outcome.families_estimate
    progress = fund_use.campaigns[campaign]
    found[f"campaigns.{campaign}.goal_mothers"] = progress.goal.mothers
    found[f"campaigns.{campaign}.mothers_funded"] = progress.progress.mothers_funded
    found[f"campaigns.{campaign}.raised_fen"] = progress.progress.raised_fen
    found["fund-use.income.total_fen"] = fund_use.income.total_fen
    found["fund-use.expenditure.total_fen"] = fund_use.expenditure.total_fen
    for category_id, category in fund_use.expenditure.categories.items():
        found[f"fund-use.expenditure.categories.{category_id}.amount_fen"] = category.amount_fen
    if latest is not None:
        values = dict(latest.figures)
        for name, value in latest.figures:
            found[f"reports.{latest.slug}.{name}"] = value
        cost = cost_per_mother(values.get("spent_fen", 0), values.get("mothers_reached", 0))
        if cost is not None:
            found[f"reports.{latest.slug}.cost_per_mother_fen"] = cost
    for name, value in report_totals.items():
        found[f"report-totals.{campaign}.{name}"] = value
    if rate is not None:
        found["gift-chain.total.passed_on"] = rate.passed_on
        found["gift-chain.total.due"] = rate.due
        if rate.due:
            found["gift-chain.total.rate_tenths"] = rate.tenths
    return found


def framework_path(figure: str, campaign: str) -> str:
    """The data path of a figure a framework row names (data.FRAMEWORK_FIGURES) for `campaign`."""
    if figure.startswith("report-totals."):
        return f"report-totals.{campaign}.{figure.removeprefix('report-totals.')}"
    if figure.startswith("campaigns."):
        return f"campaigns.{campaign}.{figure.removeprefix('campaigns.')}"
    return figure


@dataclass(frozen=True)
class FrameworkRow:
    id: str
    names: Mapping[str, str]
    indicator: Mapping[str, str]
    contribution: Mapping[str, str]
    path: str | None  # None: the row names no figure
    value: int | None  # None: "not measured" (no figure named, or the data has none yet)


def framework_rows(frameworks, campaign: str, figures: Mapping[str, int]) -> list[FrameworkRow]:
    rows = []
    for row in frameworks:
        path = framework_path(row.figure, campaign) if row.figure else None
        rows.append(
            FrameworkRow(
                row.id,
                row.names,
                row.indicator,
                row.contribution,
                path,
                figures.get(path) if path else None,
            )
        )
    return rows
