"""The build's "today" and the Charity Law disclosure clock: plain functions over dates.

China's Charity Law and the Ministry of Civil Affairs' disclosure rules ask a
fundraising charity to report on a project that runs longer than six months at
least every three months, and in full within three months of its end (with what
happened to money left over). `next_due` says which report is due when;
`build_today` is the one place a build takes its "today" from, so tests and
reproducible builds do not depend on the machine's clock.
"""

import calendar
import os
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from haihui.problems import N_, ContentError, Problem, named

# How often a project that runs longer than LONG_PROJECT_MONTHS reports, and how long after
# its end the final report may come (months).
REPORT_EVERY_MONTHS = 3
LONG_PROJECT_MONTHS = 6
FINAL_REPORT_WITHIN_MONTHS = 3
# The setting that fixes "today" (YYYY-MM-DD); else the SOURCE_DATE_EPOCH environment
# variable (seconds since 1970, reproducible builds); else the clock, in TIMEZONE.
TODAY_SETTING = "HAIHUI_TODAY"
EPOCH_VARIABLE = "SOURCE_DATE_EPOCH"


def build_today(settings: Mapping, environ: Mapping[str, str] = os.environ) -> date:
    """The day the build takes as today, where the site's staff are (TIMEZONE)."""
    zone = _zone(settings.get("TIMEZONE"))
    fixed = str(settings.get(TODAY_SETTING) or "").strip()
    if fixed:
        try:
            return date.fromisoformat(fixed)
        except ValueError:
            raise ContentError([_not_a_day(TODAY_SETTING, fixed)]) from None
    epoch = (environ.get(EPOCH_VARIABLE) or "").strip()
    if epoch:
        try:
            return datetime.fromtimestamp(int(epoch), UTC).astimezone(zone).date()
        except (ValueError, OverflowError, OSError):
            raise ContentError([_not_a_day(EPOCH_VARIABLE, epoch)]) from None
    return datetime.now(zone).date()


def _not_a_day(name: str, value: str) -> Problem:
    return Problem(
        name,
        1,
        N_("{name} = '{value}' is not a day the build can take as today"),
        N_(
            "set {setting} to a day written YYYY-MM-DD (e.g. 2026-12-01), or {variable} to a whole "
            "number of seconds since 1970; or leave both unset to use today's date"
        ),
        params=named(name=name, value=value, setting=TODAY_SETTING, variable=EPOCH_VARIABLE),
    )


def _zone(name) -> ZoneInfo:
    try:
        return ZoneInfo(name or "UTC")
    except (ZoneInfoNotFoundError, ValueError):
        return ZoneInfo("UTC")


def add_months(day: date, months: int) -> date:
    """The same day `months` later; the month's last day when it is shorter (31 Jan + 1 = 28/29 Feb)."""
    index = day.month - 1 + months
    year, month = day.year + index // 12, index % 12 + 1
    return date(year, month, min(day.day, calendar.monthrange(year, month)[1]))


@dataclass(frozen=True)
class Published:
    """What the clock needs of a report: its period's end, the day it was published, final or not."""

    end: date
    published: date
    final: bool = False


@dataclass(frozen=True)
class Due:
    day: date  # the report must be published by this day
    final: bool  # the final report (within three months of the end), else a progress report
    covers_from: date  # the first day the next report covers

    def days_left(self, today: date) -> int:
        """Days until it is due: 0 on the day, negative once overdue."""
        return (self.day - today).days


def next_due(start: date, end: date | None, reports: Sequence[Published]) -> Due | None:
    """The next report a campaign owes, or None once its final report is published.

    A campaign longer than six months (or with no end yet) reports at least every three
    months: three months after its start, then three months after the last report was
    published. After its end only the final report is owed: within three months of it.
    """
    if any(report.final for report in reports):
        return None
    covers_from = start
    if reports:
        covers_from = date.fromordinal(max(report.end for report in reports).toordinal() + 1)
    runs_long = end is None or add_months(start, LONG_PROJECT_MONTHS) < end
    if runs_long:
        base = max((report.published for report in reports), default=start)
        quarterly = add_months(base, REPORT_EVERY_MONTHS)
        if end is None or quarterly <= end:
            return Due(quarterly, final=False, covers_from=covers_from)
    assert end is not None  # runs_long holds when there is no end
    return Due(add_months(end, FINAL_REPORT_WITHIN_MONTHS), final=True, covers_from=covers_from)
