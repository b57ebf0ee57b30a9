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
    shown_path,
    unreadable_problem,
    yuan,
    yuan_zh,
)
from haihui.giving.validation import validation_problems
from haihui.giving.yaml_source import Loc, NotUtf8Error, YamlSource, YamlSyntaxError, read_yaml
from haihui.problems import ERROR, Problem

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


class Campaign(Model):
    goal: Goal
    progress: Progress


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


class FundUseError(DataFileError):
    """fund-use.yaml is wrong; the message names file, line, key path and fix for each problem."""


# A consistency finding before it knows its file: (key path, what, fix, what_zh, fix_zh).
Finding = tuple[Loc, str, str, str, str]


def _close(word: str, known: Iterable[str]) -> tuple[str, str]:
    known = list(known)
    close = difflib.get_close_matches(word, known, n=1)
    listed = ", ".join(known)
    if close:
        return f"did you mean '{close[0]}'? (known: {listed})", f"是不是想写“{close[0]}”？（已有：{listed}）"
    return f"use one of: {listed}", f"请使用以下之一：{listed}"


def _account_findings(name: str, name_zh: str, account: Account) -> Iterable[Finding]:
    added = sum(c.amount_fen for c in account.categories.values())
    if added != account.total_fen:
        yield (
            (name, "total_fen"),
            f"the {name} categories add up to {yuan(added)}, not the stated total {yuan(account.total_fen)}",
            "correct total_fen or the category amounts so that they agree",
            f"{name_zh}各类别合计 {yuan_zh(added)}，与所写总额 {yuan_zh(account.total_fen)} 不符",
            "请改正 total_fen 或各类别金额，使两者一致",
        )


def _language_findings(loc: Loc, texts: dict[str, str], languages: tuple[str, ...]) -> Iterable[Finding]:
    for lang in languages:
        if lang not in texts:
            yield (
                loc,
                f"has no text in '{lang}'",
                f"add a line '{lang}: ...' with the text in that language",
                f"缺少“{lang}”语言的文字",
                f"请加一行“{lang}: ...”，写上该语言的文字",
            )
    for lang in texts:
        if languages and lang not in languages:
            yield (
                (*loc, lang),
                f"'{lang}' is not a language of this site",
                f"use the language codes: {', '.join(languages)}",
                f"“{lang}”不是本网站的语言",
                f"请使用语言代码：{', '.join(languages)}",
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
            hint, hint_zh = _close(tier.campaign, fund_use.campaigns)
            yield (
                (*here, "campaign"),
                f"there is no campaign '{tier.campaign}' under campaigns",
                hint,
                f"campaigns 下没有项目“{tier.campaign}”",
                hint_zh,
            )
        if tier.currency is not None and tier.currency != fund_use.currency:
            yield (
                (*here, "currency"),
                f"'{tier.currency}' is not the summary's currency {fund_use.currency}",
                f"every amount is in {fund_use.currency} fen: remove this line, or convert the amounts",
                f"“{tier.currency}”不是本摘要的币种 {fund_use.currency}",
                f"所有金额都以 {fund_use.currency} 的“分”计：请删除这一行，或换算金额",
            )
        if bool(tier.items) == (tier.custom_amount is not None):
            yield (
                here,
                "needs either items (what it buys) or custom_amount (the donor chooses), not "
                + ("both" if tier.items else "neither"),
                "give it a list of items, or a custom_amount with minimum_fen, preset_fen and maximum_fen",
                "必须有 items（所购物品）或 custom_amount（捐赠人自选金额）二者之一",
                "请写 items 列表，或写 custom_amount（含 minimum_fen、preset_fen、maximum_fen）",
            )
        if tier.custom_amount is not None:
            c = tier.custom_amount
            if not c.minimum_fen <= c.preset_fen <= c.maximum_fen:
                yield (
                    (*here, "custom_amount"),
                    "minimum_fen, preset_fen and maximum_fen are not in order",
                    "make minimum_fen <= preset_fen <= maximum_fen",
                    "minimum_fen、preset_fen、maximum_fen 的大小顺序不对",
                    "请使 minimum_fen ≤ preset_fen ≤ maximum_fen",
                )
        for index, item in enumerate(tier.items):
            at = (*here, "items", index)
            if (item.unit is None) == (item.tier is None):
                yield (
                    at,
                    "an item names either a unit cost (unit:) or another tier (tier:), exactly one",
                    "write e.g. '{unit: piglet, quantity: 2}' or '{tier: mothers-start, quantity: 20}'",
                    "每一项只能写 unit（单位成本）或 tier（另一个档位）之一",
                    "例如写“{unit: piglet, quantity: 2}”或“{tier: mothers-start, quantity: 20}”",
                )
            elif item.unit is not None and item.unit not in units:
                hint, hint_zh = _close(item.unit, units)
                yield (
                    (*at, "unit"),
                    f"there is no unit cost '{item.unit}' under unit_costs",
                    hint,
                    f"unit_costs 下没有单位成本“{item.unit}”",
                    hint_zh,
                )
            elif item.tier is not None and item.tier not in tiers:
                hint, hint_zh = _close(item.tier, tiers)
                yield (
                    (*at, "tier"),
                    f"there is no tier '{item.tier}'",
                    hint,
                    f"没有档位“{item.tier}”",
                    hint_zh,
                )
            elif item.tier is not None and tiers[item.tier].custom_amount is not None:
                yield (
                    (*at, "tier"),
                    f"'{item.tier}' has no fixed amount to include",
                    "include a tier that has items",
                    f"“{item.tier}”没有固定金额，不能包含",
                    "请包含一个有 items 的档位",
                )
        cycle = _expansion_cycle(tiers, tier_id)
        if cycle:
            chain = " -> ".join(cycle)
            yield (
                (*here, "items"),
                f"includes itself ({chain})",
                "remove the tier: item that closes the loop",
                f"包含了它自己（{chain}）",
                "请删除形成循环的那一项 tier:",
            )


def consistency_findings(fund_use: FundUse, languages: tuple[str, ...] = ()) -> list[Finding]:
    """What a schema cannot see: totals, references between entries, order of figures."""
    findings: list[Finding] = []
    if fund_use.period.start > fund_use.period.end:
        findings.append(
            (
                ("period",),
                "start is after end",
                "correct the dates of the reporting period",
                "开始日期晚于结束日期",
                "请改正报告期的日期",
            )
        )
    if fund_use.status == "audited" and fund_use.audit is None:
        findings.append(
            (
                ("status",),
                "is 'audited' but no audit is given",
                "add 'audit: {auditor: ..., date: YYYY-MM-DD}', or set status to draft",
                "状态为 audited（已审计），但没有写审计信息",
                "请加上“audit: {auditor: ..., date: YYYY-MM-DD}”，或把状态改为 draft",
            )
        )
    if fund_use.status != "audited" and fund_use.audit is not None:
        findings.append(
            (
                ("audit",),
                f"is given but status is '{fund_use.status}'",
                "set status to audited, or remove the audit",
                f"写了审计信息，但状态是“{fund_use.status}”",
                "请把状态改为 audited，或删除审计信息",
            )
        )
    findings += _account_findings("income", "收入", fund_use.income)
    findings += _account_findings("expenditure", "支出", fund_use.expenditure)
    for unit_id, unit in fund_use.unit_costs.items():
        if unit.currency is not None and unit.currency != fund_use.currency:
            findings.append(
                (
                    ("unit_costs", unit_id, "currency"),
                    f"'{unit.currency}' is not the summary's currency {fund_use.currency}",
                    f"every amount is in {fund_use.currency} fen: remove this line, or convert the amount",
                    f"“{unit.currency}”不是本摘要的币种 {fund_use.currency}",
                    f"所有金额都以 {fund_use.currency} 的“分”计：请删除这一行，或换算金额",
                )
            )
    for slug, campaign in fund_use.campaigns.items():
        funded, goal = campaign.progress.mothers_funded, campaign.goal.mothers
        if funded > goal:
            findings.append(
                (
                    ("campaigns", slug, "progress", "mothers_funded"),
                    f"{funded} mothers funded is more than the goal of {goal}",
                    "correct mothers_funded, or raise goal.mothers if the goal has grown",
                    f"已资助 {funded} 位母亲，超过了目标 {goal} 位",
                    "请改正 mothers_funded；如果目标已提高，请改 goal.mothers",
                )
            )
    findings += _tier_findings(fund_use)
    named: list[tuple[Loc, dict[str, str]]] = [
        (("income", "categories", k, "names"), c.names) for k, c in fund_use.income.categories.items()
    ]
    named += [
        (("expenditure", "categories", k, "names"), c.names)
        for k, c in fund_use.expenditure.categories.items()
    ]
    named += [(("unit_costs", k, "names"), u.names) for k, u in fund_use.unit_costs.items()]
    for k, t in fund_use.tiers.items():
        named += [(("tiers", k, "names"), t.names), (("tiers", k, "descriptions"), t.descriptions)]
    for loc, texts in named:
        findings += _language_findings(loc, texts, languages)
    return findings


def read_fund_use(
    path: Path, languages: tuple[str, ...] = (), strict: bool = False
) -> tuple[FundUse | None, list[Problem], YamlSource | None]:
    """Read and check the summary: it (None if unusable), every problem, and the file's nodes (lines)."""

    def problem(source, loc, *wording):
        return data_problem(path, source, loc, *wording)

    try:
        source = read_yaml(path)
    except FileNotFoundError:
        return (
            None,
            [
                Problem(
                    shown_path(path),
                    1,
                    "the fund-use summary is missing",
                    f"restore it from git (git checkout -- {shown_path(path)})",
                    message_zh="缺少资金使用摘要文件",
                    fix_zh="请从 git 恢复该文件",
                )
            ],
            None,
        )
    except (YamlSyntaxError, NotUtf8Error) as error:
        return None, [unreadable_problem(path, error)], None
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
