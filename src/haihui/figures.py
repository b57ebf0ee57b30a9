"""Figures that agree everywhere: twin pages show the same figures, and data figures equal the data.

A figure on a page is an element with `data-figure="<name>" data-value="<integer>"`
(reports, fund use, tiers, campaigns), or one of the older money attributes
(`data-amount-fen`, `data-raised-fen` ...) and `data-share`, the due date
of the next report (`<time data-report-due datetime>`) and a report's period
(`data-report-period` on its main element). `parity_mismatches`
pairs the figures of two twin pages (the same page in two languages) by name,
in order, and names each that differs; `data_mismatches` compares the figures
named after the data with what the data computes (`expected_figures`).
`check_built_figures` runs both over every twin pair of a built site (pages
pair through their hreflang alternates): `make publish` refuses a site where
any differs. Plain functions over text; the test suite runs them on its build.
"""

import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from html import unescape
from pathlib import Path

from haihui.giving.site_data import SiteTiers
from haihui.problems import N_, Problem, named

# Older markup that carries a figure in one attribute: the attribute is its name.
VALUE_ATTRIBUTES = (
    "data-amount-fen",
    "data-minimum-fen",
    "data-maximum-fen",
    "data-preset-fen",
    "data-raised-fen",
    "data-share",
)
# Figures named after the data: their value must be what the data computes.
DATA_PREFIXES = ("fund-use.", "fund-use-change.", "correction.", "tiers.", "campaigns.")
_MARKED = "|".join(
    re.escape(name)
    for name in ("data-figure", "data-source", "data-report-due", "data-report-period", *VALUE_ATTRIBUTES)
)
# The partner brief names each figure by where it comes from (`data-source`, haihui.partners):
# paired between languages under this prefix (never a DATA_PREFIXES name: its test checks the data).
SOURCE_PREFIX = "data-source:"
_TAG = re.compile(rf"<[a-zA-Z][a-zA-Z0-9]*\s[^>]*?\b(?:{_MARKED})\b[^>]*>")
_ATTRIBUTE = re.compile(r"""([^\s"'=<>/]+)(?:\s*=\s*(?:"([^"]*)"|'([^']*)'|([^\s"'=<>`]+)))?""")
_ALTERNATE = re.compile(r"<link\s[^>]*\brel=\"alternate\"[^>]*>")
_LANG = re.compile(r"<html\s[^>]*\blang=\"([^\"]+)\"")


@dataclass(frozen=True)
class Figure:
    name: str  # data-figure, or the attribute that carries it (data-amount-fen)
    value: str
    line: int


def _attributes(tag: str) -> dict[str, str]:
    found = {}
    for match in _ATTRIBUTE.finditer(tag[tag.find(" ") :].rstrip(">/")):
        name, *values = match.groups()
        found[name.lower()] = unescape(next((v for v in values if v is not None), ""))
    return found


def figures_in_html(text: str) -> list[Figure]:
    """Every figure of a page, in document order, with its line."""
    figures = []
    for match in _TAG.finditer(text):
        attributes = _attributes(match.group(0))
        line = text.count("\n", 0, match.start()) + 1
        if "data-figure" in attributes:
            figures.append(Figure(attributes["data-figure"], attributes.get("data-value", ""), line))
        elif "data-source" in attributes:
            name = SOURCE_PREFIX + attributes["data-source"]
            figures.append(Figure(name, attributes.get("data-value", ""), line))
        if "data-report-due" in attributes:
            figures.append(Figure("data-report-due", attributes.get("datetime", ""), line))
        if "data-report-period" in attributes:
            figures.append(Figure("data-report-period", attributes["data-report-period"], line))
        figures += [Figure(name, attributes[name], line) for name in VALUE_ATTRIBUTES if name in attributes]
    return figures


@dataclass(frozen=True)
class Mismatch:
    name: str
    here: tuple[str, ...]  # the values on this page, in order
    there: tuple[str, ...]  # on its twin
    line: int  # on this page: the first of these figures (1 if it has none)


def _by_name(figures: Iterable[Figure]) -> dict[str, list[Figure]]:
    grouped: dict[str, list[Figure]] = {}
    for figure in figures:
        grouped.setdefault(figure.name, []).append(figure)
    return grouped


def parity_mismatches(here: Iterable[Figure], there: Iterable[Figure]) -> list[Mismatch]:
    """Each figure name whose values differ between two twin pages (in number or in value)."""
    mine, theirs = _by_name(here), _by_name(there)
    mismatches = []
    for name in dict.fromkeys([*mine, *theirs]):
        a = tuple(f.value for f in mine.get(name, []))
        b = tuple(f.value for f in theirs.get(name, []))
        if a != b:
            lines = [f.line for f in mine.get(name, [])]
            mismatches.append(Mismatch(name, a, b, lines[0] if lines else 1))
    return mismatches


def expected_figures(site: SiteTiers) -> dict[str, str]:
    """What the data computes for every figure named after it (DATA_PREFIXES), as data-value writes it."""
    expected: dict[str, int] = {}
    history = site.history
    for view in history.periods if history else ():
        for field, value in view.figures.items():
            expected[f"fund-use.{view.key}.{field}"] = value
        expected[f"fund-use.{view.key}.balance_fen"] = view.summary.balance_fen
    for change in history.changes if history else ():
        for row in change.rows:
            expected[f"fund-use-change.{row.field}"] = row.change_fen
    for index, correction in enumerate(site.fund_use.corrections):
        expected[f"correction.{index}.old"] = correction.old
        expected[f"correction.{index}.new"] = correction.new
    for tier in site.tiers.values():
        if tier.amount_fen is not None:
            expected[f"tiers.{tier.id}.amount_fen"] = tier.amount_fen
        if tier.custom_amount is not None:
            for name, value in vars(tier.custom_amount).items():
                expected[f"tiers.{tier.id}.{name}"] = value
        if tier.attribution is not None:
            expected[f"tiers.{tier.id}.earmarked_fen"] = tier.attribution.earmarked_fen
    for slug, campaign in site.fund_use.campaigns.items():
        expected[f"campaigns.{slug}.goal_mothers"] = campaign.goal.mothers
        expected[f"campaigns.{slug}.mothers_funded"] = campaign.progress.mothers_funded
        expected[f"campaigns.{slug}.raised_fen"] = campaign.progress.raised_fen
    return {name: str(value) for name, value in expected.items()}


def data_mismatches(
    figures: Iterable[Figure], expected: Mapping[str, str]
) -> list[tuple[Figure, str | None]]:
    """Each figure named after the data whose value is not the data's (None: the data has no such figure)."""
    return [
        (figure, expected.get(figure.name))
        for figure in figures
        if figure.name.startswith(DATA_PREFIXES) and expected.get(figure.name) != figure.value
    ]


# ---------------------------------------------------------------- a built site


@dataclass(frozen=True)
class _Page:
    lang: str
    twins: tuple[str, ...]  # the built files of its alternates in other languages
    figures: tuple[Figure, ...]


def _read_page(root: Path, path: Path, origins: Iterable[str]) -> _Page:
    from haihui.build.linkcheck import _internal_path, _resolve

    text = path.read_text("utf-8", errors="replace")
    page = path.relative_to(root).as_posix()
    found = _LANG.search(text)
    lang = found.group(1) if found else ""
    twins = []
    head = text[: text.find("</head>")]
    for tag in _ALTERNATE.findall(head):
        attributes = _attributes(tag)
        hreflang = attributes.get("hreflang", "")
        if not hreflang or hreflang in ("x-default", lang) or "type" in attributes:
            continue
        internal = _internal_path(attributes.get("href", ""), origins)
        target = _resolve(root, page, internal) if internal is not None else None
        if target is not None and target != page:
            twins.append(target)
    return _Page(lang, tuple(twins), tuple(figures_in_html(text)))


def check_built_figures(root: Path, origins: Iterable[str], expected: Mapping[str, str]) -> list[Problem]:
    """Every twin pair of a built site shows the same figures, and every data figure equals the data."""
    origins = list(origins)
    pages = {
        p.relative_to(root).as_posix(): _read_page(root, p, origins) for p in sorted(root.rglob("*.html"))
    }
    problems = []
    for name, page in pages.items():
        for figure, wanted in data_mismatches(page.figures, expected):
            problems.append(
                Problem(
                    name,
                    figure.line,
                    N_("figure '{figure}' shows {value}, but the data gives {wanted}"),
                    N_(
                        "the page must show the figure the data computes: correct the template that "
                        "writes it (theme/templates/), then build again"
                    ),
                    params=named(figure=figure.name, value=figure.value, wanted=wanted or "-"),
                )
            )
        for twin in page.twins:
            if twin <= name or twin not in pages:
                continue  # each pair once
            for mismatch in parity_mismatches(page.figures, pages[twin].figures):
                problems.append(
                    Problem(
                        name,
                        mismatch.line,
                        N_(
                            "figure '{figure}' is {here} on this page and {there} on its {lang} version "
                            "{twin}: a figure must be the same in every language"
                        ),
                        N_(
                            "write the same figure in both language versions (a report's header, a "
                            "story's short code) or correct the template that shows it, then build again"
                        ),
                        params=named(
                            figure=mismatch.name,
                            here=", ".join(mismatch.here) or "-",
                            there=", ".join(mismatch.there) or "-",
                            lang=pages[twin].lang,
                            twin=twin,
                        ),
                    )
                )
    return problems
