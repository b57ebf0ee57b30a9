"""The fund-use summary (content/data/fund-use.yaml): schema, consistency, loading.

Plain Python over plain data, usable without Pelican (the Stripe sync reads
it too). Every amount is integer fen; the tiers are compositions of unit costs
and their amounts are computed in tiers.py, never written by hand.
"""

import datetime as dt
import difflib
from collections.abc import Iterable
from pathlib import Path
from typing import Annotated, Literal

from pydantic import BaseModel, ConfigDict, Field, StrictInt, StrictStr, StringConstraints, ValidationError

from haihui.content.content_rules import SLUG_PATTERN
from haihui.giving.data_problems import (
    DataFileError,
    data_problem,
    duplicate_key_problems,
    placeholder_problems,
    read_data_file,
    yuan,
)
from haihui.giving.validation import validation_problems
from haihui.giving.yaml_source import Loc, YamlSource
from haihui.problems import ERROR, N_, Msg, Problem, msg

Slug = Annotated[str, StringConstraints(pattern=SLUG_PATTERN)]
Fen = Annotated[StrictInt, Field(gt=0)]
FenOrNothing = Annotated[StrictInt, Field(ge=0)]
Count = Annotated[StrictInt, Field(gt=0)]
CountOrNothing = Annotated[StrictInt, Field(ge=0)]
Text = Annotated[StrictStr, StringConstraints(strip_whitespace=True, min_length=1)]
Texts = dict[str, Text]  # per language code: {en: ..., zh: ...}
Status = Literal["sample", "draft", "audited"]
Interval = Literal["one_time", "month"]
CURRENCY = "CNY"


class Model(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class Period(Model):
    start: dt.date
    end: dt.date


class Audit(Model):
    auditor: Text
    date: dt.date


class Category(Model):
    names: Texts
    amount_fen: Fen


class Account(Model):
    total_fen: Fen
    categories: Annotated[dict[Slug, Category], Field(min_length=1)]


class UnitCost(Model):
    names: Texts
    amount_fen: Fen
    currency: str | None = None


class Goal(Model):
    mothers: Count


class Progress(Model):
    mothers_funded: CountOrNothing
    raised_fen: FenOrNothing
    as_of: dt.date


class Attribution(Model):
    """How a campaign's gifts are attributed, in every language (GlobalGiving's "donation options")."""

    when_met: Texts  # a tier that names what it buys: where its gift goes once that need is met
    pooled: Texts  # a gift of the donor's own amount: how it is pooled
    sample: bool = False  # sample wording, marked on the cards until Haihui confirms its policy


class Campaign(Model):
    goal: Goal
    progress: Progress
    # The disclosure clock (haihui.clock): the day the campaign began, and its last day once known.
    start: dt.date | None = None
    end: dt.date | None = None
    # Honest attribution (haihui.giving.tiers): what each tier card says about where a gift goes.
    attribution: Attribution | None = None


class Item(Model):
    """quantity x a unit cost, or quantity x everything another tier buys."""

    unit: Slug | None = None
    tier: Slug | None = None
    quantity: Count = 1


class CustomAmountSpec(Model):
    minimum_fen: Fen
    preset_fen: Fen
    maximum_fen: Fen


class TierSpec(Model):
    campaign: Slug
    names: Texts
    descriptions: Texts
    interval: Interval = "one_time"
    currency: str | None = None
    items: list[Item] = []
    custom_amount: CustomAmountSpec | None = None


class EarlierPeriod(Model):
    """A period published before the latest one (the file's top level): its dates, status, accounts."""

    status: Status
    audit: Audit | None = None
    period: Period
    income: Account
    expenditure: Account


class Correction(Model):
    """A figure of a published period changed on purpose: when, which, from what to what, and why."""

    date: dt.date
    period: StrictStr  # "YYYY-MM-DD/YYYY-MM-DD", the period's start and end
    field: StrictStr  # e.g. "expenditure.categories.training.amount_fen"
    old: FenOrNothing
    new: FenOrNothing
    why: Texts


class FundUse(Model):
    status: Status
    audit: Audit | None = None
    period: Period
    currency: Literal["CNY"]
    income: Account
    expenditure: Account
    unit_costs: Annotated[dict[Slug, UnitCost], Field(min_length=1)]
    campaigns: Annotated[dict[Slug, Campaign], Field(min_length=1)]
    tiers: Annotated[dict[Slug, TierSpec], Field(min_length=1)]
    # Fund use over time (haihui.giving.history): every period published before this one, oldest
    # first, and every correction of a published figure.
    earlier_periods: list[EarlierPeriod] = []
    corrections: list[Correction] = []


class FundUseError(DataFileError):
    """fund-use.yaml is wrong; the message names file, line, key path and fix for each problem."""


# A consistency finding before it knows its file: (key path, what, fix).
Finding = tuple[Loc, Msg, Msg]


def _close(word: str, known: Iterable[str]) -> Msg:
    known = list(known)
    close = difflib.get_close_matches(word, known, n=1)
    listed = ", ".join(known)
    if close:
        return msg("did you mean '{close}'? (known: {known})", close=close[0], known=listed)
    return msg("use one of: {known}", known=listed)


ACCOUNTS = {"income": msg("income"), "expenditure": msg("expenditure")}


def _account_findings(name: str, account: Account) -> Iterable[Finding]:
    added = sum(c.amount_fen for c in account.categories.values())
    if added != account.total_fen:
        yield (
            (name, "total_fen"),
            msg(
                "the {account} categories add up to {added}, not the stated total {total}",
                account=ACCOUNTS[name],
                added=yuan(added),
                total=yuan(account.total_fen),
            ),
            msg("correct total_fen or the category amounts so that they agree"),
        )


def _earlier_findings(fund_use: FundUse) -> Iterable[Finding]:
    """Each earlier period adds up and has its dates in order: oldest first, none overlapping."""
    previous: Period | None = None
    for index, earlier in enumerate(fund_use.earlier_periods):
        here: Loc = ("earlier_periods", index)
        period = earlier.period
        if period.start > period.end:
            yield (
                (*here, "period"),
                msg("start is after end"),
                msg("correct the dates of the reporting period"),
            )
        elif previous is not None and period.start <= previous.end:
            yield (
                (*here, "period"),
                msg(
                    "starts on {start}, before the previous period ends ({end})",
                    start=period.start.isoformat(),
                    end=previous.end.isoformat(),
                ),
                msg("list the earlier periods oldest first, each starting after the one before it ends"),
            )
        if earlier.status == "audited" and earlier.audit is None:
            yield (
                (*here, "status"),
                msg("is 'audited' but no audit is given"),
                msg("add 'audit: {{auditor: ..., date: YYYY-MM-DD}}', or set status to draft"),
            )
        for name in ACCOUNTS:
            for loc, what, fix in _account_findings(name, getattr(earlier, name)):
                yield ((*here, *loc), what, fix)
        previous = period
    if previous is not None and previous.end >= fund_use.period.start:
        yield (
            ("period",),
            msg(
                "starts on {start}, before the previous period ends ({end})",
                start=fund_use.period.start.isoformat(),
                end=previous.end.isoformat(),
            ),
            msg("the period at the top of the file is the latest: move older figures under earlier_periods"),
        )


def language_findings(loc: Loc, texts: dict[str, str], languages: tuple[str, ...]) -> Iterable[Finding]:
    """A text per language of the site, and no other (fund-use.yaml and organisation.yaml)."""
    for lang in languages:
        if lang not in texts:
            yield (
                loc,
                msg("has no text in '{lang}'", lang=lang),
                msg("add a line '{lang}: ...' with the text in that language", lang=lang),
            )
    for lang in texts:
        if languages and lang not in languages:
            yield (
                (*loc, lang),
                msg("'{value}' is not a language of this site", value=lang),
                msg("use the language codes: {codes}", codes=", ".join(languages)),
            )


def _expansion_cycle(tiers: dict[str, TierSpec], start: str) -> list[str] | None:
    """The chain of tier references that leads back to `start`, if any."""
    stack = [(start, [start])]
    while stack:
        current, chain = stack.pop()
        for item in tiers[current].items:
            if item.tier is None or item.tier not in tiers:
                continue
            if item.tier == start:
                return [*chain, start]
            if item.tier not in chain:
                stack.append((item.tier, [*chain, item.tier]))
    return None


def _tier_findings(fund_use: FundUse) -> Iterable[Finding]:
    tiers, units = fund_use.tiers, fund_use.unit_costs
    for tier_id, tier in tiers.items():
        here = ("tiers", tier_id)
        if tier.campaign not in fund_use.campaigns:
            yield (
                (*here, "campaign"),
                msg("there is no campaign '{campaign}' under campaigns", campaign=tier.campaign),
                _close(tier.campaign, fund_use.campaigns),
            )
        if tier.currency is not None and tier.currency != fund_use.currency:
            yield (
                (*here, "currency"),
                msg(
                    "'{currency}' is not the summary's currency {summary}",
                    currency=tier.currency,
                    summary=fund_use.currency,
                ),
                msg(
                    "every amount is in {summary} fen: remove this line, or convert the amounts",
                    summary=fund_use.currency,
                ),
            )
        if bool(tier.items) == (tier.custom_amount is not None):
            yield (
                here,
                msg("needs either items (what it buys) or custom_amount (the donor chooses), not both")
                if tier.items
                else msg(
                    "needs either items (what it buys) or custom_amount (the donor chooses), not neither"
                ),
                msg(
                    "give it a list of items, or a custom_amount with minimum_fen, preset_fen and maximum_fen"
                ),
            )
        if tier.custom_amount is not None:
            c = tier.custom_amount
            if not c.minimum_fen <= c.preset_fen <= c.maximum_fen:
                yield (
                    (*here, "custom_amount"),
                    msg("minimum_fen, preset_fen and maximum_fen are not in order"),
                    msg("make minimum_fen <= preset_fen <= maximum_fen"),
                )
        for index, item in enumerate(tier.items):
            at = (*here, "items", index)
            if (item.unit is None) == (item.tier is None):
                yield (
                    at,
                    msg("an item names either a unit cost (unit:) or another tier (tier:), exactly one"),
                    msg(
                        "write e.g. '{{unit: piglet, quantity: 2}}' or '{{tier: mothers-start, quantity: "
                        "20}}'"
                    ),
                )
            elif item.unit is not None and item.unit not in units:
                yield (
                    (*at, "unit"),
                    msg("there is no unit cost '{unit}' under unit_costs", unit=item.unit),
                    _close(item.unit, units),
                )
            elif item.tier is not None and item.tier not in tiers:
                yield (
                    (*at, "tier"),
                    msg("there is no tier '{tier}'", tier=item.tier),
                    _close(item.tier, tiers),
                )
            elif item.tier is not None and tiers[item.tier].custom_amount is not None:
                yield (
                    (*at, "tier"),
                    msg("'{tier}' has no fixed amount to include", tier=item.tier),
                    msg("include a tier that has items"),
                )
        cycle = _expansion_cycle(tiers, tier_id)
        if cycle:
            yield (
                (*here, "items"),
                msg("includes itself ({chain})", chain=" -> ".join(cycle)),
                msg("remove the tier: item that closes the loop"),
            )


def consistency_findings(fund_use: FundUse, languages: tuple[str, ...] = ()) -> list[Finding]:
    """What a schema cannot see: totals, references between entries, order of figures."""
    findings: list[Finding] = []
    if fund_use.period.start > fund_use.period.end:
        findings.append(
            (("period",), msg("start is after end"), msg("correct the dates of the reporting period"))
        )
    if fund_use.status == "audited" and fund_use.audit is None:
        findings.append(
            (
                ("status",),
                msg("is 'audited' but no audit is given"),
                msg("add 'audit: {{auditor: ..., date: YYYY-MM-DD}}', or set status to draft"),
            )
        )
    if fund_use.status != "audited" and fund_use.audit is not None:
        findings.append(
            (
                ("audit",),
                msg("is given but status is '{status}'", status=fund_use.status),
                msg("set status to audited, or remove the audit"),
            )
        )
    findings += _account_findings("income", fund_use.income)
    findings += _account_findings("expenditure", fund_use.expenditure)
    for unit_id, unit in fund_use.unit_costs.items():
        if unit.currency is not None and unit.currency != fund_use.currency:
            findings.append(
                (
                    ("unit_costs", unit_id, "currency"),
                    msg(
                        "'{currency}' is not the summary's currency {summary}",
                        currency=unit.currency,
                        summary=fund_use.currency,
                    ),
                    msg(
                        "every amount is in {summary} fen: remove this line, or convert the amount",
                        summary=fund_use.currency,
                    ),
                )
            )
    for slug, campaign in fund_use.campaigns.items():
        if campaign.start and campaign.end and campaign.end < campaign.start:
            findings.append(
                (
                    ("campaigns", slug, "end"),
                    msg(
                        "{end} is before the start {start}",
                        end=campaign.end.isoformat(),
                        start=campaign.start.isoformat(),
                    ),
                    msg("correct the campaign's start or end"),
                )
            )
        funded, goal = campaign.progress.mothers_funded, campaign.goal.mothers
        if funded > goal:
            findings.append(
                (
                    ("campaigns", slug, "progress", "mothers_funded"),
                    msg("{funded} mothers funded is more than the goal of {goal}", funded=funded, goal=goal),
                    msg("correct mothers_funded, or raise goal.mothers if the goal has grown"),
                )
            )
    findings += _tier_findings(fund_use)
    findings += _earlier_findings(fund_use)
    texts_at: list[tuple[Loc, dict[str, str]]] = [
        (("income", "categories", k, "names"), c.names) for k, c in fund_use.income.categories.items()
    ]
    texts_at += [
        (("expenditure", "categories", k, "names"), c.names)
        for k, c in fund_use.expenditure.categories.items()
    ]
    texts_at += [(("unit_costs", k, "names"), u.names) for k, u in fund_use.unit_costs.items()]
    for k, t in fund_use.tiers.items():
        texts_at += [(("tiers", k, "names"), t.names), (("tiers", k, "descriptions"), t.descriptions)]
    for k, c in fund_use.campaigns.items():
        if c.attribution is not None:
            texts_at += [
                (("campaigns", k, "attribution", "when_met"), c.attribution.when_met),
                (("campaigns", k, "attribution", "pooled"), c.attribution.pooled),
            ]
    for index, earlier in enumerate(fund_use.earlier_periods):
        for name in ACCOUNTS:
            texts_at += [
                (("earlier_periods", index, name, "categories", k, "names"), c.names)
                for k, c in getattr(earlier, name).categories.items()
            ]
    texts_at += [(("corrections", i, "why"), c.why) for i, c in enumerate(fund_use.corrections)]
    for loc, texts in texts_at:
        findings += language_findings(loc, texts, languages)
    return findings


def read_fund_use(
    path: Path, languages: tuple[str, ...] = (), strict: bool = False
) -> tuple[FundUse | None, list[Problem], YamlSource | None]:
    """Read and check the summary: it (None if unusable), every problem, and the file's nodes (lines)."""

    def problem(source, loc, *wording):
        return data_problem(path, source, loc, *wording)

    source, unread = read_data_file(path, N_("the fund-use summary is missing"))
    if source is None:
        return None, unread, None
    problems = duplicate_key_problems(path, source) + placeholder_problems(path, source, strict)
    try:
        fund_use = FundUse.model_validate(source.data)
    except ValidationError as error:
        return None, problems + validation_problems(error, FundUse, path, source), source
    problems += [problem(source, *finding) for finding in consistency_findings(fund_use, languages)]
    usable = not any(p.severity == ERROR for p in problems)
    return (fund_use if usable else None), problems, source


def check_fund_use(
    path: Path, languages: tuple[str, ...] = (), strict: bool = False
) -> tuple[FundUse | None, list[Problem]]:
    """Read and check the summary; returns it (None if unusable) and every problem found."""
    fund_use, problems, _ = read_fund_use(Path(path), languages, strict)
    return fund_use, problems


def load_fund_use(path: Path | str, languages: tuple[str, ...] = ()) -> FundUse:
    """The checked summary; raises FundUseError naming file, key path and fix for each problem.

    languages: when given, every name and description must exist in each of them.
    """
    fund_use, problems = check_fund_use(Path(path), tuple(languages))
    if fund_use is None:
        raise FundUseError(problems)
    return fund_use
