"""The Passing on the Gift chain as staff keep it (content/data/gift-chain.yaml): schema and rules.

Plain data in, plain data and problems out. The file lists counties (the only
places the chain may name: county level at most), cohorts, and each family by
an id that never appears on the site:

    families:
      jibuguoguo:
        name: {en: Jibuguoguo, zh: 吉布果果}     # as she agreed to show it
        consent: given 2026-10-12               # given/withdrawn YYYY-MM-DD, or none
        county: daliang
        cohort: 2024-spring
        received: 2024-03-20
        gift: [piglets, funds, training]
        passed_on:
          - {date: 2025-07-02, to: f-0003, gift: [piglets, training]}

A family's consent is read with haihui.consent's own decision functions (the
stories' rules): only `given`, dated today or earlier, shows her name.
Refused, at the line: an unknown family in `to:`, a pass-on dated before the
giver received her gift, a cycle, an id written twice, a date after today, a
place more precise than a county; and everything the schema refuses.
"""

import datetime as dt
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Annotated, Literal

from pydantic import BaseModel, ConfigDict, Field, StrictInt, StrictStr, StringConstraints, ValidationError

from haihui import consent as consent_rules
from haihui.content.content_rules import SLUG_PATTERN
from haihui.giving.data_problems import (
    data_problem,
    duplicate_key_problem,
    placeholder_problems,
    read_data_file,
    shown_path,
)
from haihui.giving.fund_use import language_findings
from haihui.giving.validation import validation_problems
from haihui.giving.yaml_source import Loc, YamlSource
from haihui.problems import ERROR, N_, Msg, Problem, msg, named

Slug = Annotated[str, StringConstraints(pattern=SLUG_PATTERN)]
Text = Annotated[StrictStr, StringConstraints(strip_whitespace=True, min_length=1)]
Texts = dict[str, Text]
Gift = Literal["piglets", "funds", "training"]
Gifts = Annotated[list[Gift], Field(min_length=1)]
NO_CONSENT = "none"
FAMILY_KEY_DEPTH = 2  # families.<id>: a key path two deep


class Model(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class PassOn(Model):
    date: dt.date
    to: Slug
    gift: Gifts


class Family(Model):
    name: Texts | None = None
    consent: Text  # "given YYYY-MM-DD", "withdrawn YYYY-MM-DD" or "none"
    county: Slug
    cohort: Slug
    received: dt.date
    gift: Gifts
    passed_on: list[PassOn] = []


class Cohort(Model):
    names: Texts
    campaign: Slug | None = None  # the campaign whose progress reports count its pass-ons


class GiftChain(Model):
    status: Literal["sample", "draft", "audited"]
    # A family is due to pass on this many months after she received her gift.
    pass_on_due_months: Annotated[StrictInt, Field(gt=0)]
    counties: Annotated[dict[Slug, Texts], Field(min_length=1)]
    cohorts: Annotated[dict[Slug, Cohort], Field(min_length=1)]
    families: dict[Slug, Family]


# A finding before it knows its file: (key path, what, fix).
Finding = tuple[Loc, Msg, Msg]


def name_shown(family: Family, today: dt.date) -> bool:
    """Deny by default: her name only with one `given` record dated today or earlier (haihui.consent)."""
    if consent_rules.WITHDRAWAL_WORDS.search(family.consent):
        return False
    record = consent_rules.consent_of({"consent": family.consent})
    return record is not None and record[0] == "given" and record[1] <= today


def _consent_findings(family_id: str, family: Family, today: dt.date, rules) -> Iterable[Finding]:
    if family.consent.strip().lower() == NO_CONSENT:
        return
    wrong = consent_rules.consent(family.consent, rules)
    if wrong is not None:
        yield (("families", family_id, "consent"), wrong[0], wrong[1])


def _date_findings(family_id: str, family: Family, today: dt.date) -> Iterable[Finding]:
    future_fix = msg(
        "write the day it actually happened (today or earlier); record a pass-on once it is made"
    )
    if family.received > today:
        yield (
            ("families", family_id, "received"),
            msg("{day} is in the future", day=family.received.isoformat()),
            future_fix,
        )
    for index, passed in enumerate(family.passed_on):
        here: Loc = ("families", family_id, "passed_on", index, "date")
        if passed.date > today:
            yield (here, msg("{day} is in the future", day=passed.date.isoformat()), future_fix)
        if passed.date < family.received:
            yield (
                here,
                msg(
                    "she passes on ({day}) before she received her gift ({received})",
                    day=passed.date.isoformat(),
                    received=family.received.isoformat(),
                ),
                msg("correct the date of the pass-on or the day she received her gift (received:)"),
            )


def _reference_findings(chain: GiftChain) -> Iterable[Finding]:
    counties, cohorts = ", ".join(chain.counties), ", ".join(chain.cohorts)
    for family_id, family in chain.families.items():
        if family.county not in chain.counties:
            yield (
                ("families", family_id, "county"),
                msg("there is no county '{county}' under counties", county=family.county),
                msg("use one of: {known}", known=counties),
            )
        if family.cohort not in chain.cohorts:
            yield (
                ("families", family_id, "cohort"),
                msg("there is no cohort '{cohort}' under cohorts", cohort=family.cohort),
                msg("use one of: {known}", known=cohorts),
            )
        for index, passed in enumerate(family.passed_on):
            if passed.to not in chain.families:
                yield (
                    ("families", family_id, "passed_on", index, "to"),
                    msg("there is no family '{family}' in the chain", family=passed.to),
                    msg(
                        "add the family she passed on to under families (with her county, cohort and "
                        "the day she received), or correct the id"
                    ),
                )


def find_cycle(chain: GiftChain) -> tuple[str, int, list[str]] | None:
    """A pass-on that closes a cycle: (giver, index of the pass-on, the ids around the cycle)."""
    state: dict[str, int] = {}  # 1: on the current path, 2: done
    for start in chain.families:
        if start in state:
            continue
        path: list[str] = [start]
        stack: list[Iterator[tuple[int, PassOn]]] = [iter(enumerate(chain.families[start].passed_on))]
        state[start] = 1
        while stack:
            step = next(stack[-1], None)
            if step is None:
                state[path.pop()] = 2
                stack.pop()
                continue
            index, passed = step
            target = passed.to
            if target not in chain.families:
                continue
            if state.get(target) == 1:
                return path[-1], index, [*path[path.index(target) :], target]
            if target not in state:
                state[target] = 1
                path.append(target)
                stack.append(iter(enumerate(chain.families[target].passed_on)))
    return None


def consistency_findings(
    chain: GiftChain, languages: tuple[str, ...], today: dt.date, rules
) -> list[Finding]:
    findings: list[Finding] = []
    too_precise = consent_rules.county_level
    for county_id, names in chain.counties.items():
        findings += language_findings(("counties", county_id), names, languages)
        for lang, name in names.items():
            wrong = too_precise(name, rules)
            if wrong is not None:
                findings.append((("counties", county_id, lang), wrong[0], wrong[1]))
    for cohort_id, cohort in chain.cohorts.items():
        findings += language_findings(("cohorts", cohort_id, "names"), cohort.names, languages)
    for family_id, family in chain.families.items():
        if family.name is not None:
            findings += language_findings(("families", family_id, "name"), family.name, languages)
        findings += _consent_findings(family_id, family, today, rules)
        findings += _date_findings(family_id, family, today)
    findings += _reference_findings(chain)
    cycle = find_cycle(chain)
    if cycle is not None:
        giver, index, around = cycle
        findings.append(
            (
                ("families", giver, "passed_on", index, "to"),
                msg(
                    "this pass-on closes a cycle ({cycle}): through the chain the family would pass on "
                    "to herself",
                    cycle=" → ".join(around),
                ),
                msg("a gift goes to a family that has not had one through this chain: correct the 'to:' id"),
            )
        )
    return findings


def duplicate_id_problems(path: Path, source: YamlSource) -> list[Problem]:
    """A key written twice: for a family, her id is used twice (YAML would keep only the second)."""
    problems = []
    for loc, line in source.duplicate_keys():
        if len(loc) == FAMILY_KEY_DEPTH and loc[0] == "families":
            problems.append(
                Problem(
                    shown_path(path),
                    line,
                    N_("families.{family}: the id '{family}' is used twice (first on line {first})"),
                    N_("give each family her own id; if both entries are the same family, merge them"),
                    params=named(family=str(loc[1]), first=_first_line_of(source, loc)),
                )
            )
        else:
            problems.append(duplicate_key_problem(path, loc, line))
    return problems


def _first_line_of(source: YamlSource, loc: Loc) -> int:
    """The line of the first key of that name (line_of finds the last, which YAML keeps)."""
    node, line = source.root, 1
    for part in loc:
        found = next(
            (v for k, v in getattr(node, "value", []) if getattr(k, "value", None) == str(part)), None
        )
        if found is None:
            break
        node, line = found, found.start_mark.line + 1
    return line


@dataclass(frozen=True)
class ReadChain:
    chain: GiftChain | None  # None when a mistake makes it unusable
    problems: list[Problem]
    source: YamlSource | None


def read_gift_chain(
    path: Path,
    languages: tuple[str, ...],
    today: dt.date,
    rules,
    strict: bool = False,
    data: bytes | None = None,
) -> ReadChain:
    """Read and check the chain (`data`: the file's bytes, when already read); `rules` is the
    build's Rules (haihui.consent's checks read it)."""
    # The chain grows with the work: libyaml's parser underneath.
    missing = N_("the Passing on the Gift chain is missing")
    source, unread = read_data_file(path, missing, fast=True, data=data)
    if source is None:
        return ReadChain(None, unread, None)
    problems = duplicate_id_problems(path, source) + placeholder_problems(path, source, strict)
    try:
        chain = GiftChain.model_validate(source.data)
    except ValidationError as error:
        return ReadChain(None, problems + validation_problems(error, GiftChain, path, source), source)
    problems += [
        data_problem(path, source, *finding)
        for finding in consistency_findings(chain, languages, today, rules)
    ]
    usable = not any(p.severity == ERROR for p in problems)
    return ReadChain(chain if usable else None, problems, source)
