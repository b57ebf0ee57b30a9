"""Sponsorship tiers computed from the unit costs of the fund-use summary.

A tier's amount is never written by hand: it is the sum of what it buys, so a
changed unit cost changes every tier, page and checkout amount that uses it.
"""

from dataclasses import dataclass
from typing import cast

from haihui.giving.fund_use import FundUse, TierSpec


@dataclass(frozen=True)
class BreakdownLine:
    unit: str  # unit cost id, e.g. "piglet"
    quantity: int
    unit_fen: int
    total_fen: int
    names: dict[str, str]


@dataclass(frozen=True)
class CustomAmount:
    minimum_fen: int
    preset_fen: int
    maximum_fen: int


@dataclass(frozen=True)
class TierAttribution:
    """Honest attribution: how much of a gift pays for what the tier names, and where the rest goes.

    A tier that buys items earmarks all of its amount for them, and `texts` say where the gift
    goes once that need is met; a gift of the donor's own amount earmarks nothing and `texts` say
    how it is pooled. The words are the campaign's, from fund-use.yaml, in every language.
    """

    earmarked_fen: int
    texts: dict[str, str]
    sample: bool


@dataclass(frozen=True)
class Tier:
    id: str
    campaign: str
    names: dict[str, str]
    descriptions: dict[str, str]
    currency: str
    interval: str  # "one_time" or "month"
    amount_fen: int | None  # None only for the choose-your-amount tier
    custom_amount: CustomAmount | None
    breakdown: tuple[BreakdownLine, ...]
    attribution: TierAttribution | None = None  # None when its campaign gives no attribution


def unit_quantities(tiers: dict[str, TierSpec], tier_id: str) -> dict[str, int]:
    """How many of each unit cost a tier buys, with included tiers expanded (first-seen order)."""
    counts: dict[str, int] = {}
    for item in tiers[tier_id].items:
        if item.unit is not None:
            counts[item.unit] = counts.get(item.unit, 0) + item.quantity
        else:
            # A checked summary has exactly one of unit/tier per item (fund_use refuses any
            # other), so with no unit the item names a tier.
            included = cast(str, item.tier)
            for unit, quantity in unit_quantities(tiers, included).items():
                counts[unit] = counts.get(unit, 0) + quantity * item.quantity
    return counts


def compute_tiers(fund_use: FundUse) -> list[Tier]:
    """Every tier of a checked summary, in the order of the file."""
    result = []
    for tier_id, spec in fund_use.tiers.items():
        lines = tuple(
            BreakdownLine(unit, quantity, cost.amount_fen, quantity * cost.amount_fen, dict(cost.names))
            for unit, quantity in unit_quantities(fund_use.tiers, tier_id).items()
            for cost in (fund_use.unit_costs[unit],)
        )
        custom = spec.custom_amount
        amount_fen = sum(line.total_fen for line in lines) if lines else None
        campaign = fund_use.campaigns.get(spec.campaign)
        words = campaign.attribution if campaign is not None else None
        attribution = (
            TierAttribution(
                amount_fen or 0, dict(words.when_met if amount_fen else words.pooled), words.sample
            )
            if words is not None
            else None
        )
        result.append(
            Tier(
                id=tier_id,
                campaign=spec.campaign,
                names=dict(spec.names),
                descriptions=dict(spec.descriptions),
                currency=fund_use.currency,
                interval=spec.interval,
                amount_fen=amount_fen,
                custom_amount=CustomAmount(custom.minimum_fen, custom.preset_fen, custom.maximum_fen)
                if custom
                else None,
                breakdown=lines,
                attribution=attribution,
            )
        )
    return result
