"""Fund use over time: every published period, its open data, the chain of releases, corrections.

fund-use.yaml holds the latest period at its top level and every period
published before it under `earlier_periods`. Each period is published as CSV
and JSON at a stable address (`fund-use/periods/<start>_<end>.json`), and a
manifest (`fund-use/releases.json`) lists every release: the period, the day,
the SHA-256 of its JSON file and the SHA-256 of the release before it. `make
publish` copies that manifest into the repository (FUND_USE_RELEASES_FILE), so
the next build knows what was published: a figure of a published period that
differs from its release is refused unless a correction (date, field, old and
new value, why, in every language) explains it. Plain functions over the
checked summary; no Pelican.
"""

import csv
import difflib
import io
import itertools
import json
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date
from pathlib import Path

from haihui.giving.data_problems import data_problem, shown_path
from haihui.giving.fund_use import Account, Audit, Correction, FundUse, Period
from haihui.giving.open_data import (
    CsvWords,
    PublishedFile,
    balance_cells,
    category_cells,
    figure_columns,
    total_cells,
)
from haihui.giving.summary import FundUseSummary, account_view
from haihui.giving.yaml_source import Loc, YamlSource
from haihui.problems import N_, Msg, Problem, msg, named

ACCOUNT_NAMES = ("income", "expenditure")
CORRECTION_COLUMNS = ("corrected_from_fen", "corrected_on")


def period_key(period: Period) -> str:
    """How a correction and the manifest name a period: ISO 8601 start/end."""
    return f"{period.start.isoformat()}/{period.end.isoformat()}"


def account_figures(name: str, account: Account) -> dict[str, int]:
    """The figures of an account that a correction can name, by field path."""
    figures = {f"{name}.total_fen": account.total_fen}
    for category_id, category in account.categories.items():
        figures[f"{name}.categories.{category_id}.amount_fen"] = category.amount_fen
    return figures


@dataclass(frozen=True)
class PeriodView:
    """One published period: its figures, corrections and open-data files."""

    key: str  # "2026-01-01/2026-09-30"
    slug: str  # "2026-01-01_2026-09-30", in its files' names
    status: str
    audit: Audit | None
    period: Period
    currency: str
    summary: FundUseSummary
    figures: dict[str, int]  # field path -> fen
    corrections: tuple[Correction, ...]
    loc: Loc  # where the period is in fund-use.yaml: () at the top level, ("earlier_periods", i)
    files: tuple[PublishedFile, ...] = ()  # CSV and JSON

    @property
    def json_file(self) -> PublishedFile:
        return self.files[-1]

    def correction_of(self, field: str) -> Correction | None:
        """The last correction of a field, if it was corrected."""
        found = [c for c in self.corrections if c.field == field]
        return found[-1] if found else None


def _correction_record(correction: Correction) -> dict:
    return {
        "date": correction.date.isoformat(),
        "field": correction.field,
        "old_fen": correction.old,
        "new_fen": correction.new,
        "why": dict(correction.why),
    }


def period_json(view: PeriodView) -> bytes:
    def account(name: str) -> dict:
        summary_view = getattr(view.summary, name)
        return {
            "total_fen": summary_view.total_fen,
            "categories": [
                {"id": r.id, "names": r.names, "amount_fen": r.amount_fen, "share_percent": r.percent}
                for r in summary_view.rows
            ],
        }

    document = {
        "period": {"start": view.period.start.isoformat(), "end": view.period.end.isoformat()},
        "status": view.status,
        "audit": {"auditor": view.audit.auditor, "date": view.audit.date.isoformat()} if view.audit else None,
        "currency": view.currency,
        "amounts_are_in": "fen (1 yuan = 100 fen)",
        "income": account("income"),
        "expenditure": account("expenditure"),
        "balance_carried_forward_fen": view.summary.balance_fen,
        "corrections": [_correction_record(c) for c in view.corrections],
    }
    return (json.dumps(document, ensure_ascii=False, indent=2) + "\n").encode("utf-8")


def period_csv(view: PeriodView, words: CsvWords) -> bytes:
    """One row per figure; a corrected figure carries the value it replaced and the day."""
    head = (view.period.start.isoformat(), view.period.end.isoformat(), view.status, view.currency)
    rows = []

    def corrected(field: str) -> tuple[str, str]:
        correction = view.correction_of(field)
        return (str(correction.old), correction.date.isoformat()) if correction else ("", "")

    for name in ACCOUNT_NAMES:
        summary_view = getattr(view.summary, name)
        for row in summary_view.rows:
            field = f"{name}.categories.{row.id}.amount_fen"
            rows.append((*category_cells(name, row, words), *corrected(field)))
        total = summary_view.total_fen
        rows.append((*total_cells(name, total, words), *corrected(f"{name}.total_fen")))
    rows.append((*balance_cells(view.summary.balance_fen, words), "", ""))
    out = io.StringIO(newline="")
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow((*figure_columns(words.languages), *CORRECTION_COLUMNS))
    writer.writerows(head + row for row in rows)
    return "\ufeff".encode() + out.getvalue().encode("utf-8")


def period_views(
    fund_use: FundUse, urls: dict[str, str] | None = None, words: CsvWords | None = None
) -> list[PeriodView]:
    """Every period, oldest first, the latest (the file's top level) last.

    urls: {"csv": ..., "json": ...} with {period} for the period's slug (FUND_USE_PERIOD_FILES);
    with them (and the CSVs' `words`), each view carries its published files.
    """
    entries: list[tuple[Loc, str, Audit | None, Period, Account, Account]] = [
        (("earlier_periods", index), e.status, e.audit, e.period, e.income, e.expenditure)
        for index, e in enumerate(fund_use.earlier_periods)
    ]
    entries.append(
        ((), fund_use.status, fund_use.audit, fund_use.period, fund_use.income, fund_use.expenditure)
    )
    views = []
    for loc, status, audit, period, income, expenditure in entries:
        key = period_key(period)
        view = PeriodView(
            key=key,
            slug=key.replace("/", "_"),
            status=status,
            audit=audit,
            period=period,
            currency=fund_use.currency,
            summary=FundUseSummary(
                account_view(income), account_view(expenditure), income.total_fen - expenditure.total_fen
            ),
            figures=account_figures("income", income) | account_figures("expenditure", expenditure),
            corrections=tuple(c for c in fund_use.corrections if c.period == key),
            loc=loc,
        )
        if urls and words:
            view = PeriodView(
                **{
                    **vars(view),
                    "files": (
                        PublishedFile(
                            urls["csv"].format(period=view.slug), "text/csv", period_csv(view, words)
                        ),
                        PublishedFile(
                            urls["json"].format(period=view.slug), "application/json", period_json(view)
                        ),
                    ),
                }
            )
        views.append(view)
    return views


# ---------------------------------------------------------------- what changed since the previous period


@dataclass(frozen=True)
class ChangeRow:
    id: str  # category id, or "total"
    field: str  # the field path, as in a correction
    names: dict[str, str]
    before_fen: int | None  # None: the category is new in this period
    after_fen: int | None  # None: the category is gone

    @property
    def change_fen(self) -> int:
        return (self.after_fen or 0) - (self.before_fen or 0)


@dataclass(frozen=True)
class AccountChange:
    name: str  # "income" or "expenditure"
    rows: tuple[ChangeRow, ...]  # categories, then the total


def changes_since(previous: PeriodView, latest: PeriodView) -> tuple[AccountChange, ...]:
    """Each category of each account in both periods (the latest's order, then those gone), and totals."""
    changes = []
    for name in ACCOUNT_NAMES:
        before = {r.id: r for r in getattr(previous.summary, name).rows}
        after = {r.id: r for r in getattr(latest.summary, name).rows}
        rows = [
            ChangeRow(
                category_id,
                f"{name}.categories.{category_id}.amount_fen",
                (after.get(category_id) or before[category_id]).names,
                before[category_id].amount_fen if category_id in before else None,
                after[category_id].amount_fen if category_id in after else None,
            )
            for category_id in [*after, *(k for k in before if k not in after)]
        ]
        rows.append(
            ChangeRow(
                "total",
                f"{name}.total_fen",
                {},
                getattr(previous.summary, name).total_fen,
                getattr(latest.summary, name).total_fen,
            )
        )
        changes.append(AccountChange(name, tuple(rows)))
    return tuple(changes)


# ---------------------------------------------------------------- releases


@dataclass(frozen=True)
class Release:
    number: int
    period: str
    published: str  # YYYY-MM-DD
    sha256: str  # of the period's JSON file
    previous_sha256: str | None  # of the release before this one
    json: str  # the JSON file's address on the site
    csv: str
    csv_sha256: str
    figures: dict[str, int]
    corrections: tuple[dict, ...]

    def record(self) -> dict:
        return {**vars(self), "corrections": list(self.corrections)}


MANIFEST_ABOUT = (
    "Every release of Haihui's fund-use figures, oldest first. sha256 is the SHA-256 of the "
    "period's JSON file as published; previous_sha256 that of the release before it. A published "
    "figure is changed only by a new release that carries a correction."
)


def manifest_bytes(releases: Iterable[Release]) -> bytes:
    document = {"about": MANIFEST_ABOUT, "releases": [r.record() for r in releases]}
    return (json.dumps(document, ensure_ascii=False, indent=2) + "\n").encode("utf-8")


def _release_problem(path: Path, what: Msg) -> Problem:
    return Problem.of(
        shown_path(path),
        1,
        what,
        msg(
            "restore {file} from git: `make publish` writes it, and it is never edited by hand",
            file=shown_path(path),
        ),
    )


def read_releases(path: Path) -> tuple[list[Release], list[Problem]]:
    """The releases `make publish` recorded (none if the file is not there yet), and their problems."""
    try:
        text = path.read_text("utf-8")
    except FileNotFoundError:
        return [], []
    except (OSError, UnicodeDecodeError) as error:
        return [], [_release_problem(path, msg("cannot be read ({error})", error=str(error)))]
    try:
        document = json.loads(text)
        releases = [
            Release(
                number=int(r["number"]),
                period=str(r["period"]),
                published=str(r["published"]),
                sha256=str(r["sha256"]),
                previous_sha256=None if r["previous_sha256"] is None else str(r["previous_sha256"]),
                json=str(r["json"]),
                csv=str(r["csv"]),
                csv_sha256=str(r["csv_sha256"]),
                figures={str(k): int(v) for k, v in r["figures"].items()},
                corrections=tuple(dict(c) for c in r["corrections"]),
            )
            for r in document["releases"]
        ]
    except json.JSONDecodeError as error:
        return [], [
            Problem(
                shown_path(path),
                error.lineno,
                N_("not valid JSON ({error})"),
                N_("restore {file} from git: `make publish` writes it, and it is never edited by hand"),
                params=named(error=error.msg, file=shown_path(path)),
            )
        ]
    except (KeyError, TypeError, ValueError, AttributeError) as error:
        what = msg("is not a record of releases (missing or wrong: {error})", error=str(error))
        return [], [_release_problem(path, what)]
    problems = []
    previous: Release | None = None
    for index, release in enumerate(releases):
        expected = previous.sha256 if previous else None
        if release.number != index + 1 or release.previous_sha256 != expected:
            problems.append(
                _release_problem(
                    path,
                    msg(
                        "the chain of releases is broken at release {number}: it does not follow the "
                        "release before it",
                        number=release.number,
                    ),
                )
            )
            break
        previous = release
    return releases, problems


def plan_releases(views: list[PeriodView], recorded: list[Release], today: date) -> list[Release]:
    """The recorded releases, then one new release for each period that is new or changed (oldest first)."""
    releases = list(recorded)
    for view in views:
        last = next((r for r in reversed(recorded) if r.period == view.key), None)
        csv_file, json_file = view.files
        if last is not None and last.sha256 == json_file.sha256:
            continue
        releases.append(
            Release(
                number=len(releases) + 1,
                period=view.key,
                published=today.isoformat(),
                sha256=json_file.sha256,
                previous_sha256=releases[-1].sha256 if releases else None,
                json=json_file.url,
                csv=csv_file.url,
                csv_sha256=csv_file.sha256,
                figures=dict(view.figures),
                corrections=tuple(_correction_record(c) for c in view.corrections),
            )
        )
    return releases


# ---------------------------------------------------------------- the checks


def _fen(value: int | None) -> str:
    return "-" if value is None else str(value)


def _correction_findings(fund_use: FundUse, views: list[PeriodView]) -> Iterable[tuple[Loc, Msg, Msg]]:
    """Each correction names a period and a figure that exist, and its chain ends at the figure shown."""
    by_key = {view.key: view for view in views}
    chains: dict[tuple[str, str], list[tuple[int, Correction]]] = {}
    for index, correction in enumerate(fund_use.corrections):
        here: Loc = ("corrections", index)
        view = by_key.get(correction.period)
        if view is None:
            yield (
                (*here, "period"),
                msg("there is no period '{period}' in the fund-use summary", period=correction.period),
                msg("write the period as START/END, one of: {known}", known=", ".join(by_key)),
            )
            continue
        if correction.field not in view.figures:
            close = difflib.get_close_matches(correction.field, list(view.figures), n=1)
            yield (
                (*here, "field"),
                msg(
                    "the period {period} has no figure '{figure}'",
                    period=correction.period,
                    figure=correction.field,
                ),
                msg("did you mean '{close}'?", close=close[0])
                if close
                else msg("name a figure of the period, e.g. {example}", example=next(iter(view.figures))),
            )
            continue
        if correction.old == correction.new:
            yield (
                (*here, "new"),
                msg(
                    "old and new are the same ({value}): the correction changes nothing", value=correction.new
                ),
                msg("write the figure as it was published in old:, and the corrected figure in new:"),
            )
            continue
        chains.setdefault((correction.period, correction.field), []).append((index, correction))
    for (key, field), chain in chains.items():
        for (_, before), (index, after) in itertools.pairwise(chain):
            if after.old != before.new:
                yield (
                    ("corrections", index, "old"),
                    msg(
                        "says {figure} was {old}, but the correction before it made it {new}",
                        figure=field,
                        old=after.old,
                        new=before.new,
                    ),
                    msg("a later correction starts from the figure the earlier one gave"),
                )
        index, last = chain[-1]
        shown = by_key[key].figures[field]
        if last.new != shown:
            yield (
                ("corrections", index, "new"),
                msg(
                    "says {figure} is now {new}, but the period's figure is {shown}",
                    figure=field,
                    new=last.new,
                    shown=shown,
                ),
                msg("write the corrected figure in the period itself and in new:, the same"),
            )


def _release_findings(views: list[PeriodView], recorded: list[Release]) -> Iterable[tuple[Loc, Msg, Msg]]:
    """A published period's figures equal its last release, or a new correction explains each change."""
    by_key = {view.key: view for view in views}
    for key in dict.fromkeys(r.period for r in recorded):
        if key not in by_key:
            first = next(r for r in recorded if r.period == key)
            yield (
                ("earlier_periods",),
                msg(
                    "the period {period} was published (release {number}, {published}) and is no longer here",
                    period=key,
                    number=first.number,
                    published=first.published,
                ),
                msg("restore it under earlier_periods: a published period stays published"),
            )
    for view in views:
        last = next((r for r in reversed(recorded) if r.period == view.key), None)
        if last is None:
            continue
        current = [_correction_record(c) for c in view.corrections]
        if current[: len(last.corrections)] != list(last.corrections):
            yield (
                ("corrections",),
                msg(
                    "a correction of the period {period} published in release {number} ({published}) "
                    "was changed or removed",
                    period=view.key,
                    number=last.number,
                    published=last.published,
                ),
                msg("restore it as it was published; to change a figure again, add a new correction"),
            )
            continue
        new = view.corrections[len(last.corrections) :]
        first_new: dict[str, Correction] = {}
        for added in new:
            first_new.setdefault(added.field, added)
        for field in dict.fromkeys([*last.figures, *view.figures]):
            published, shown = last.figures.get(field), view.figures.get(field)
            correction = first_new.get(field)
            if published == shown:
                if correction is not None:
                    yield (
                        ("corrections",),
                        msg(
                            "corrects {figure} of {period}, but the figure is still the one published in "
                            "release {number} ({value})",
                            figure=field,
                            period=view.key,
                            number=last.number,
                            value=_fen(published),
                        ),
                        msg("change the figure in the period too, or remove the correction"),
                    )
                continue
            loc: Loc = (*view.loc, *field.split("."))
            if correction is None or published is None or shown is None:
                yield (
                    loc,
                    msg(
                        "{figure} of the period {period} was published as {old} (release {number}, "
                        "{published}) and is now {new}: a published figure changes only with a correction",
                        figure=field,
                        period=view.key,
                        old=_fen(published),
                        number=last.number,
                        published=last.published,
                        new=_fen(shown),
                    ),
                    msg(
                        "restore the published figure, or add under corrections: "
                        "{{date: YYYY-MM-DD, period: {period}, field: {figure}, old: {old}, new: {new}, "
                        "why: {{en: ..., zh: ...}}}}",
                        period=view.key,
                        figure=field,
                        old=_fen(published),
                        new=_fen(shown),
                    ),
                )
            elif correction.old != published:
                yield (
                    loc,
                    msg(
                        "the correction says {figure} was {old}, but release {number} published {value}",
                        figure=field,
                        old=correction.old,
                        number=last.number,
                        value=published,
                    ),
                    msg("write the published figure in the correction's old:"),
                )


def history_problems(
    fund_use: FundUse, views: list[PeriodView], recorded: list[Release], path: Path, source: YamlSource | None
) -> list[Problem]:
    """Every correction and every published period checked, at its line of fund-use.yaml."""
    findings = [*_correction_findings(fund_use, views), *_release_findings(views, recorded)]
    return [data_problem(path, source, *finding) for finding in findings]


@dataclass(frozen=True)
class CorrectionView:
    """A correction as the fund-use page lists it: which account, and the category's names (none: total)."""

    index: int  # its place under corrections, as its figures are named (correction.<index>.old)
    correction: Correction
    account: str  # "income" or "expenditure"
    names: dict[str, str]
    period: Period


@dataclass(frozen=True)
class History:
    periods: tuple[PeriodView, ...]  # oldest first; the latest last
    releases: tuple[Release, ...]  # recorded, then this build's new ones
    manifest: PublishedFile
    changes: tuple[AccountChange, ...]  # since the previous period; empty if there is none
    all_corrections: tuple[Correction, ...] = ()  # as written under corrections, in order

    @property
    def latest(self) -> PeriodView:
        return self.periods[-1]

    @property
    def earlier(self) -> tuple[PeriodView, ...]:
        return self.periods[:-1][::-1]  # newest first, as the page lists them

    @property
    def previous(self) -> PeriodView | None:
        return self.periods[-2] if len(self.periods) > 1 else None

    @property
    def files(self) -> list[PublishedFile]:
        return [f for view in self.periods for f in view.files] + [self.manifest]

    def corrections(self) -> list[CorrectionView]:
        """Every correction of a period that is here, newest first."""
        by_key = {view.key: view for view in self.periods}
        shown = []
        for index, correction in enumerate(self.all_corrections):
            view = by_key.get(correction.period)
            account, *rest = correction.field.split(".")
            if view is None or account not in ACCOUNT_NAMES:
                continue  # refused by the checks
            rows = {r.id: r for r in getattr(view.summary, account).rows}
            names = rows[rest[1]].names if len(rest) > 1 and rest[1] in rows else {}
            shown.append(CorrectionView(index, correction, account, names, view.period))
        return sorted(shown, key=lambda c: (c.correction.date, c.index), reverse=True)

    def release_of(self, view: PeriodView) -> Release | None:
        return next((r for r in reversed(self.releases) if r.period == view.key), None)


def load_history(
    fund_use: FundUse,
    settings: dict,
    today: date,
    path: Path,
    source: YamlSource | None,
    words: CsvWords,
) -> tuple[History, list[Problem]]:
    """Fund use over time for a checked summary: every period, the releases, and every problem;
    `words`: what the period CSVs write in each language (csv_words)."""
    from haihui.settings import DEFAULTS

    def setting(name: str):
        return settings.get(name, DEFAULTS[name])

    releases_path = Path(settings["PATH"]) / setting("FUND_USE_RELEASES_FILE")
    recorded, problems = read_releases(releases_path)
    views = period_views(fund_use, setting("FUND_USE_PERIOD_FILES"), words)
    problems += history_problems(fund_use, views, recorded, path, source)
    releases = plan_releases(views, recorded, today)
    manifest = PublishedFile(setting("FUND_USE_RELEASES_URL"), "application/json", manifest_bytes(releases))
    changes = changes_since(views[-2], views[-1]) if len(views) > 1 else ()
    history = History(tuple(views), tuple(releases), manifest, changes, tuple(fund_use.corrections))
    return history, problems
