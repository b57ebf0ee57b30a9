"""The partner kit's data file (content/data/partner-kit.yaml): its schema and its rules.

Read like fund-use.yaml (YAML 1.2, duplicate keys and aliases refused), so every
problem names the file, the line, what is wrong and how to fix it, in every
language of the site. The file holds:

- `mother_unit`: the unit cost every mother receives once (the pigsty grant): a
  tier supports as many mothers as it buys of it;
- `frameworks`: GRI 413-1 and the SDG targets, each with its indicator, what the
  campaign contributes, and the name of one of our figures (`figure:`) or none
  ("not measured" on the page);
- `reporting`, `deduction`: words staff can correct, in every language;
- `employee_giving`: which tier's Stripe Payment Link employees give through;
- `partners`: each partner with its name and whether it agreed to be named
  (`agreement: given YYYY-MM-DD`, read with haihui.consent's own functions; deny
  by default), its reference for checkout and an optional logo (a picture in
  content/, published only through the picture pipeline).

The donation-receipt fields live with the organisation (organisation.yaml,
`donation_receipt`), as the disclosure does.
"""

import datetime as dt
import re
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path, PurePosixPath
from typing import Annotated, Literal

from pydantic import Field, StringConstraints, ValidationError

from haihui import consent as consent_rules
from haihui.giving.data_problems import (
    data_problem,
    duplicate_key_problems,
    placeholder_problems,
    read_data_file,
    shown_path,
)
from haihui.giving.fund_use import Model, Slug, Text, Texts, language_findings
from haihui.giving.validation import validation_problems
from haihui.giving.yaml_source import Loc, YamlSource
from haihui.problems import ERROR, N_, WARNING, Msg, Problem, msg

# Stripe's rule for client_reference_id: letters, digits, dashes and underscores, at most 200.
REFERENCE = re.compile(r"^[A-Za-z0-9_-]{1,200}$")
REFERENCE_MAX = 200
NO_AGREEMENT = "none"
# Figures a framework row may name (haihui.partners.outcomes computes them per campaign).
FRAMEWORK_FIGURES = (
    "report-totals.mothers_reached",
    "report-totals.piglets_delivered",
    "report-totals.pigsties_completed",
    "report-totals.training_attendance",
    "report-totals.gifts_passed_on",
    "gift-chain.total.rate_tenths",
    "campaigns.mothers_funded",
)
# Logos are pictures: the formats the picture pipeline publishes re-encoded.
LOGO_SUFFIXES = (".png", ".jpg", ".jpeg", ".webp")


class Framework(Model):
    id: Slug
    names: Texts
    indicator: Texts
    contribution: Texts
    figure: Literal[FRAMEWORK_FIGURES] | None = None  # type: ignore[valid-type]


class EmployeeGiving(Model):
    tier: Slug


class Partner(Model):
    id: Slug
    names: Texts
    agreement: Text  # "given YYYY-MM-DD", "withdrawn YYYY-MM-DD" or "none"
    reference: Annotated[str, StringConstraints(strip_whitespace=True)]
    logo: Text | None = None
    logo_alt: Texts | None = None


class PartnerKit(Model):
    status: Literal["sample", "confirmed"]
    mother_unit: Slug
    frameworks: list[Framework]
    reporting: Texts
    deduction: Texts
    employee_giving: EmployeeGiving
    partners: list[Partner] = Field(default_factory=list)


@dataclass(frozen=True)
class ReadKit:
    kit: PartnerKit | None
    source: YamlSource | None
    problems: list[Problem]


def is_named(partner: Partner, today: dt.date) -> bool:
    """Deny by default: named only with one `given` record dated today or earlier (haihui.consent)."""
    if consent_rules.WITHDRAWAL_WORDS.search(partner.agreement):
        return False
    record = consent_rules.consent_of({"consent": partner.agreement})
    return record is not None and record[0] == "given" and record[1] <= today


Finding = tuple[Loc, Msg, Msg]


def _agreement_findings(index: int, partner: Partner, today: dt.date) -> Iterable[Finding]:
    value = partner.agreement.strip()
    if value.lower() == NO_AGREEMENT or consent_rules.WITHDRAWAL_WORDS.search(value):
        return
    record = consent_rules.consent_of({"consent": value})
    loc = ("partners", index, "agreement")
    if record is None:
        yield (
            loc,
            msg("'{value}' is not a record of the partner's agreement to be named", value=value),
            msg(
                "write 'given' and the day the partner agreed in writing, e.g. 'agreement: given "
                "2026-11-28', or 'none' (the partner is then never named)"
            ),
        )
    elif record[1] > today:
        yield (
            loc,
            msg("'{value}' is dated in the future", value=value),
            msg("write the day the partner actually agreed (today or earlier)"),
        )


def _logo_findings(index: int, partner: Partner, content: Path, languages) -> Iterable[Finding]:
    if partner.logo is None:
        return
    loc = ("partners", index, "logo")
    path = PurePosixPath(partner.logo)
    fix = msg(
        "put the logo in content/images/partners/ and write its path from content/, e.g. "
        "images/partners/{id}.png (PNG, JPEG or WebP)",
        id=partner.id,
    )
    if path.is_absolute() or ".." in path.parts or "://" in partner.logo:
        yield (loc, msg("'{value}' is not a file inside content/", value=partner.logo), fix)
        return
    if path.suffix.lower() not in LOGO_SUFFIXES:
        yield (loc, msg("'{value}' is not a PNG, JPEG or WebP picture", value=partner.logo), fix)
        return
    file = content / path
    if file.is_symlink() or not file.is_file():
        yield (loc, msg("'{value}': there is no such file in content/", value=partner.logo), fix)
        return
    if partner.logo_alt is None:
        yield (
            ("partners", index),
            msg("the logo has no text for people who cannot see it"),
            msg("add 'logo_alt:' with the partner's name as the logo shows it, in every language"),
        )
    else:
        yield from language_findings(("partners", index, "logo_alt"), partner.logo_alt, languages)


def kit_findings(
    kit: PartnerKit, languages: tuple[str, ...], today: dt.date, content: Path, known: dict
) -> list[Finding]:
    """What the schema cannot see. `known`: {"units": [...], "tiers": [...]} from fund-use.yaml."""
    findings: list[Finding] = []
    for field in ("reporting", "deduction"):
        findings += language_findings((field,), getattr(kit, field), languages)
    units, tiers = known.get("units"), known.get("tiers")
    if units is not None and kit.mother_unit not in units:
        findings.append(
            (
                ("mother_unit",),
                msg("'{value}' is not a unit cost in fund-use.yaml", value=kit.mother_unit),
                msg("use the unit every mother receives once, one of: {known}", known=", ".join(units)),
            )
        )
    if tiers is not None and kit.employee_giving.tier not in tiers:
        findings.append(
            (
                ("employee_giving", "tier"),
                msg("'{value}' is not a tier in fund-use.yaml", value=kit.employee_giving.tier),
                msg(
                    "use the tier employees give through (a gift of their own amount), one of: {known}",
                    known=", ".join(tiers),
                ),
            )
        )
    seen: dict[str, int] = {}
    for index, row in enumerate(kit.frameworks):
        for field in ("names", "indicator", "contribution"):
            findings += language_findings(("frameworks", index, field), getattr(row, field), languages)
        if row.id in seen:
            findings.append(
                (
                    ("frameworks", index, "id"),
                    msg("'{value}' is written twice", value=row.id),
                    msg("give each framework row its own id"),
                )
            )
        seen[row.id] = index
    ids: set[str] = set()
    references: set[str] = set()
    for index, partner in enumerate(kit.partners):
        findings += language_findings(("partners", index, "names"), partner.names, languages)
        if partner.id in ids:
            findings.append(
                (
                    ("partners", index, "id"),
                    msg("the partner '{value}' is written twice", value=partner.id),
                    msg("keep one entry per partner"),
                )
            )
        ids.add(partner.id)
        if not REFERENCE.match(partner.reference):
            findings.append(
                (
                    ("partners", index, "reference"),
                    msg(
                        "'{value}' cannot go to Stripe as client_reference_id: only letters, digits, "
                        "'-' and '_', at most {max} characters",
                        value=partner.reference,
                        max=REFERENCE_MAX,
                    ),
                    msg(
                        "write a short code without spaces or personal data, e.g. {id}-2026",
                        id=partner.id,
                    ),
                )
            )
        elif partner.reference in references:
            findings.append(
                (
                    ("partners", index, "reference"),
                    msg("the reference '{value}' is used by another partner", value=partner.reference),
                    msg("give each partner its own reference, so that its employees' gifts are counted"),
                )
            )
        references.add(partner.reference)
        findings += _agreement_findings(index, partner, today)
        findings += _logo_findings(index, partner, content, languages)
    return findings


def read_partner_kit(
    path: Path,
    languages: tuple[str, ...],
    today: dt.date,
    content: Path,
    known: dict | None = None,
    strict: bool = False,
) -> ReadKit:
    """Read and check the file: the kit (None if unusable), its nodes, and every problem."""
    shown = shown_path(path)
    source, unread = read_data_file(path, N_("the partner kit's data file (frameworks, partners) is missing"))
    if source is None:
        return ReadKit(None, None, unread)
    problems = duplicate_key_problems(path, source) + placeholder_problems(path, source, strict)
    if not isinstance(source.data, dict):
        problems.append(
            data_problem(
                path,
                source,
                (),
                msg("is not a list of keys and values (frameworks:, partners: ...)"),
                msg("restore the file from git and make your change again"),
            )
        )
        return ReadKit(None, source, problems)
    try:
        kit = PartnerKit.model_validate(source.data)
    except ValidationError as error:
        return ReadKit(None, source, problems + validation_problems(error, PartnerKit, path, source))
    problems += [
        data_problem(path, source, *finding)
        for finding in kit_findings(kit, languages, today, content, known or {})
    ]
    if kit.status == "sample":
        problems.append(
            Problem(
                shown,
                source.line_of(("status",)),
                N_("status: the partner kit's wording is still a sample, which a publish build refuses"),
                N_(
                    "have staff confirm the framework wording and the deduction outline, then write "
                    "'status: confirmed'"
                ),
                ERROR if strict else WARNING,
            )
        )
    usable = not any(p.severity == ERROR for p in problems)
    return ReadKit(kit if usable else None, source, problems)


def logo_problem(path: Path, source: YamlSource | None, index: int, reason: Msg) -> Problem:
    """A named partner's logo the picture pipeline cannot publish (damaged, cut short, enormous)."""
    return data_problem(
        path,
        source,
        ("partners", index, "logo"),
        reason,
        msg("export the logo again as a PNG or JPEG (at most a few thousand pixels wide) and build again"),
    )
