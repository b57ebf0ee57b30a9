"""The chain as the site shows it: who is named, generations, and the figures per cohort.

Privacy is decided here, once, for the page, the story pages and the open
data alike: a family is named only when `name_shown` (haihui.consent's rules)
says so and no story taken down names her; every other family counts in
every figure but is only "a family in <county>". Staff ids never leave the
build: the site and the open data call each family by her place in the file
(`F0001`), which says nothing about her.
"""

import datetime as dt
from collections import deque
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field

from haihui.clock import add_months
from haihui.gift_chain.data import GiftChain, name_shown

TENTHS_IN_WHOLE = 1000  # a rate printed to one decimal place: 100.0 % is 1000 tenths


def public_key(position: int) -> str:
    """F0001 for the first family of the file."""
    return f"F{position + 1:04d}"


@dataclass(frozen=True)
class PassedOn:
    date: dt.date
    to: str  # public key
    gift: tuple[str, ...]


@dataclass(frozen=True)
class ChainFamily:
    key: str  # public key, F0001
    names: Mapping[str, str] | None  # only when she agreed to be named (None: "a family in <county>")
    county: Mapping[str, str]  # the county's name in every language
    cohort: str
    received: dt.date
    gift: tuple[str, ...]
    generation: int
    givers: tuple[str, ...]  # public keys of the families that passed on to her
    passed_on: tuple[PassedOn, ...]

    @property
    def named(self) -> bool:
        return self.names is not None


@dataclass(frozen=True)
class CohortFigures:
    id: str
    names: Mapping[str, str]
    families: int
    due: int  # received at least pass_on_due_months ago, or passed on already
    passed_on: int  # families that have passed on at least once
    median_days: int | None  # from receiving to the first pass-on, over those that passed on

    @property
    def rate_tenths(self) -> int | None:
        """passed_on / due in tenths of a percent, rounded half up; None while nobody is due."""
        if not self.due:
            return None
        return (self.passed_on * TENTHS_IN_WHOLE * 2 + self.due) // (self.due * 2)

    @property
    def rate(self) -> str:
        tenths = self.rate_tenths
        return "" if tenths is None else f"{tenths // 10}.{tenths % 10}%"


@dataclass(frozen=True)
class ChainView:
    status: str
    due_months: int
    families: tuple[ChainFamily, ...]  # in the order of the file
    generations: tuple[tuple[int, int], ...]  # (generation, families it reached), from 1
    cohorts: tuple[CohortFigures, ...]
    total: CohortFigures  # every cohort together
    pass_ons: int  # pass-ons made
    by_id: Mapping[str, ChainFamily] = field(repr=False)  # staff id -> family (never published)

    @property
    def named(self) -> int:
        return sum(1 for family in self.families if family.named)


def median_days(values: list[int]) -> int | None:
    """The median, a half rounded up to the next whole day."""
    if not values:
        return None
    ordered = sorted(values)
    middle = len(ordered) // 2
    if len(ordered) % 2:
        return ordered[middle]
    return (ordered[middle - 1] + ordered[middle] + 1) // 2


def generations_of(chain: GiftChain) -> dict[str, int]:
    """1 for a family no pass-on reached (her gift came from Haihui), else one more than the
    nearest giver's. The chain has no cycle (data.find_cycle refuses one), so all are reached."""
    reached: dict[str, int] = {}
    queue: deque[str] = deque()
    givers: set[str] = {p.to for f in chain.families.values() for p in f.passed_on}
    for family_id in chain.families:
        if family_id not in givers:
            reached[family_id] = 1
            queue.append(family_id)
    while queue:
        current = queue.popleft()
        for passed in chain.families[current].passed_on:
            if passed.to in chain.families and passed.to not in reached:
                reached[passed.to] = reached[current] + 1
                queue.append(passed.to)
    return reached


def _cohort_figures(
    cohort_id: str, names: Mapping[str, str], members: list, today: dt.date, due_months: int
) -> CohortFigures:
    due = passed = 0
    days: list[int] = []
    for family in members:
        made = [p.date for p in family.passed_on if p.date <= today]
        if made:
            passed += 1
            days.append((min(made) - family.received).days)
        if made or add_months(family.received, due_months) <= today:
            due += 1
    return CohortFigures(cohort_id, names, len(members), due, passed, median_days(days))


def chain_view(chain: GiftChain, today: dt.date, anonymous: Iterable[str] = ()) -> ChainView:
    """The chain as published; `anonymous`: staff ids named by a story taken down."""
    hidden = set(anonymous)
    keys = {family_id: public_key(i) for i, family_id in enumerate(chain.families)}
    generation = generations_of(chain)
    givers: dict[str, list[str]] = {family_id: [] for family_id in chain.families}
    for family_id, family in chain.families.items():
        for passed in family.passed_on:
            givers[passed.to].append(keys[family_id])
    families = []
    by_id = {}
    for family_id, family in chain.families.items():
        shown = family.name is not None and family_id not in hidden and name_shown(family, today)
        public = ChainFamily(
            key=keys[family_id],
            names=dict(family.name) if shown and family.name else None,
            county=dict(chain.counties[family.county]),
            cohort=family.cohort,
            received=family.received,
            gift=tuple(family.gift),
            generation=generation.get(family_id, 0),
            givers=tuple(givers[family_id]),
            passed_on=tuple(PassedOn(p.date, keys[p.to], tuple(p.gift)) for p in family.passed_on),
        )
        families.append(public)
        by_id[family_id] = public
    counts: dict[int, int] = {}
    for shown_family in families:
        counts[shown_family.generation] = counts.get(shown_family.generation, 0) + 1
    members: dict[str, list] = {cohort_id: [] for cohort_id in chain.cohorts}
    for family in chain.families.values():
        members[family.cohort].append(family)
    cohorts = tuple(
        _cohort_figures(cohort_id, cohort.names, members[cohort_id], today, chain.pass_on_due_months)
        for cohort_id, cohort in chain.cohorts.items()
    )
    total = _cohort_figures("", {}, list(chain.families.values()), today, chain.pass_on_due_months)
    return ChainView(
        status=chain.status,
        due_months=chain.pass_on_due_months,
        families=tuple(families),
        generations=tuple(sorted(counts.items())),
        cohorts=cohorts,
        total=total,
        pass_ons=sum(1 for f in chain.families.values() for p in f.passed_on if p.date <= today),
        by_id=by_id,
    )


def pass_ons_between(chain: GiftChain, campaign: str, start: dt.date, end: dt.date) -> int:
    """Pass-ons made from `start` to `end` (both included) by families of the campaign's cohorts:
    what its progress report for that period counts as Gifts_passed_on."""
    cohorts = {cohort_id for cohort_id, cohort in chain.cohorts.items() if cohort.campaign == campaign}
    return sum(
        1
        for family in chain.families.values()
        if family.cohort in cohorts
        for passed in family.passed_on
        if start <= passed.date <= end
    )
