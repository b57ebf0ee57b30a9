"""Progress reports: a campaign's figures for a period, written by staff like stories.

A report is a page with `Template: report` in the report folder (REPORT_PATHS,
`content/reports/`), one file per language with the same `Slug:`. Its header
holds the period it covers and the figures for that period (whole numbers;
money in fen), and `Setbacks:` (what went wrong and what was done, or `none`):

    Title: Progress report, July to September 2026
    Slug: left-behind-mothers-2026-07
    Lang: en
    Date: 2026-11-20
    Template: report
    Campaign: left-behind-mothers
    Summary: One sentence.
    Period_start: 2026-07-01
    Period_end: 2026-09-30
    Mothers_reached: 26
    ...
    Setbacks: Four piglets died of swine fever ...; the coordinators ...

Plain functions over plain data: the checks read `Source`s (content_rules.py),
the build reads Pelican's metadata, both through `report_of`. The disclosure
clock (which report is due when) is haihui.clock.
"""

import difflib
import re
from collections import defaultdict
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import date, datetime
from itertools import pairwise
from pathlib import Path
from typing import Any

from haihui.clock import Due, Published, next_due
from haihui.problems import ERROR, N_, P_, WARNING, Items, Problem, msg, named

REPORT_TEMPLATE = "report"
# The figures of a period, in the order pages show them. `spent_fen` is money (fen).
FIGURES = (
    "mothers_reached",
    "piglets_delivered",
    "piglets_born",
    "animals_lost",
    "pigsties_completed",
    "training_sessions",
    "training_attendance",
    "gifts_passed_on",
    "spent_fen",
)
MONEY_FIGURES = frozenset({"spent_fen", "left_over_fen"})
# "Setbacks: none" says, on purpose, that nothing went wrong (any language of the site).
NONE_WORDS = frozenset({"none", "no setbacks", "无", "没有", "暂无"})
# The figure that the campaign's goal (fund-use.yaml goal.mothers) counts.
GOAL_FIGURE = "mothers_reached"
# `Tiers_delivered: mothers-start 12, pigsty 3`: gifts of each tier the period's spending delivered.
TIER_COUNT = re.compile(r"^\s*(?P<tier>[a-z0-9]+(?:-[a-z0-9]+)*)\s*[:=]?\s+(?P<count>\S+)\s*$")
SPLIT_ITEMS = re.compile(r"[,;，；、]")
# Preview warnings start this many days before a report is due (REPORT_WARNING_DAYS).
WARNING_DAYS = 30


# ------------------------------------------------------------ field checks (content_rules.py)


def report_template(value: str, rules):
    if value != REPORT_TEMPLATE:
        return (
            msg("'{value}' is not 'report'", value=value),
            msg("a file in the reports folder is a progress report: write 'Template: report'"),
        )
    return None


def count(value: str, rules):
    """A figure: a whole number, zero or more."""
    shown = value.strip()
    if shown.startswith("-") and shown[1:].isascii() and shown[1:].replace(".", "", 1).isdigit():
        return (
            msg("'{value}' is negative", value=value),
            msg("write how many, zero or more, e.g. 0 or 12; a loss has a figure of its own (Animals_lost)"),
        )
    if not (shown.isascii() and shown.isdigit()):
        return (
            msg("'{value}' is not a whole number", value=value),
            msg("write a whole number with digits only, e.g. 0 or 12 (money in fen: 1,000 yuan is 100000)"),
        )
    return None


def setbacks(value: str, rules):
    if not value.strip():
        return (
            msg("is empty"),
            msg("write what went wrong in this period and what was done about it, or 'none'"),
        )
    return None


def tier_counts(value: str, rules):
    parsed = parse_tier_counts(value)
    if parsed is None:
        return (
            msg("'{value}' is not a list of tiers and counts", value=value),
            msg(
                "write each tier's id and how many gifts of it the period delivered, e.g. 'mothers-start 12, "
                "pigsty 3'"
            ),
        )
    return None


def parse_tier_counts(value: str) -> tuple[tuple[str, int], ...] | None:
    """'mothers-start 12, pigsty 3' -> (("mothers-start", 12), ("pigsty", 3)); None if malformed."""
    found = []
    for part in SPLIT_ITEMS.split(value):
        if not part.strip():
            continue
        match = TIER_COUNT.match(part)
        if match is None or not (match["count"].isascii() and match["count"].isdigit()):
            return None
        found.append((match["tier"], int(match["count"])))
    return tuple(found) if found else None


# ------------------------------------------------------------ the model


@dataclass(frozen=True)
class Report:
    """One language file of a report, as read from its header."""

    slug: str
    lang: str
    campaign: str
    start: date
    end: date
    published: date
    figures: tuple[tuple[str, int], ...]  # (field, value) in FIGURES order
    tiers: tuple[tuple[str, int], ...] = ()  # (tier id, gifts delivered)
    final: bool = False
    left_over_fen: int | None = None
    sample: bool = False

    @property
    def period(self) -> str:
        """The markup's form: YYYY-MM-DD/YYYY-MM-DD."""
        return f"{self.start.isoformat()}/{self.end.isoformat()}"

    def figure(self, name: str) -> int:
        return dict(self.figures)[name]

    def as_published(self) -> Published:
        return Published(self.end, self.published, self.final)


def is_report(values: Mapping) -> bool:
    """A page of the site's reports: `Template: report` (a Source's header or Pelican's metadata)."""
    return values.get("template") == REPORT_TEMPLATE


def _day(value) -> date | None:
    if isinstance(value, datetime):
        return value.date()
    if isinstance(value, date):
        return value
    try:
        return date.fromisoformat(str(value).strip()[:10])
    except ValueError:
        return None


def _yes(value) -> bool:
    return str(value or "").strip().lower() in {"yes", "true"}


def report_of(values: Mapping) -> Report | None:
    """The report a header (or Pelican's metadata) describes, or None where it cannot be read:
    the checks name what is missing or wrong."""
    if not is_report(values):
        return None
    start, end, published = (
        _day(values.get("period_start")),
        _day(values.get("period_end")),
        _day(values.get("date")),
    )
    figures = []
    for name in FIGURES:
        value = str(values.get(name, "")).strip()
        if not (value.isascii() and value.isdigit()):
            return None
        figures.append((name, int(value)))
    if start is None or end is None or published is None or not values.get("campaign"):
        return None
    tiers = parse_tier_counts(str(values["tiers_delivered"])) if values.get("tiers_delivered") else ()
    left_over = str(values.get("left_over_fen", "")).strip()
    return Report(
        slug=str(values.get("slug", "")),
        lang=str(values.get("lang", "")),
        campaign=str(values["campaign"]),
        start=start,
        end=end,
        published=published,
        figures=tuple(figures),
        tiers=tiers or (),
        final=_yes(values.get("final")),
        left_over_fen=int(left_over) if left_over.isascii() and left_over.isdigit() else None,
        sample=_yes(values.get("sample")),
    )


def next_report_due(start: date | None, end: date | None, reports: Iterable[Report]) -> Due | None:
    """The next report a campaign owes (haihui.clock.next_due), once per slug whatever the languages."""
    if start is None:
        return None
    by_slug = {report.slug: report for report in reports}
    return next_due(start, end, [report.as_published() for report in by_slug.values()])


def totals(reports: Iterable[Report]) -> dict[str, int]:
    """Each figure added up over a campaign's reports in one language (what the goal is measured by)."""
    summed: dict[str, int] = defaultdict(int)
    for report in reports:
        for name, value in report.figures:
            summed[name] += value
    return dict(summed)


def newest_first(reports: Iterable) -> list:
    """Reports (or anything with a `.report`) by the end of their period, newest first."""

    def end(item):
        return (item.report if hasattr(item, "report") else item).end

    return sorted(reports, key=end, reverse=True)


def suggested_slug(campaign: str, covers_from: date) -> str:
    return f"{campaign}-{covers_from:%Y-%m}"


# ------------------------------------------------------------ the check


@dataclass(frozen=True)
class _Read:
    source: Any  # content_rules.Source (not imported: content_rules imports this module)
    report: Report | None


def check_reports(sources, rules) -> Iterable[Problem]:
    """Every report read, its period in order, its figures agreeing across languages, its
    campaign known, and no report overdue (haihui.clock): one check in checks.CHECKS."""
    folders = tuple(f"{p.strip('/')}/" for p in rules.settings.get("REPORT_PATHS", ["reports"]))
    read = []
    for source in sources:
        values = source.front.values
        here = _in_content(source.path, rules.content_root)
        if not is_report(values):
            if source.kind == "page" and here.startswith(folders):
                yield Problem(
                    source.path,
                    source.front.line_of("template"),
                    N_("this file is in the reports folder but is not a progress report"),
                    N_("add 'Template: report' to its header, or move it to content/pages/"),
                )
            continue
        read.append(_Read(source, report_of(values)))
    campaigns = _campaigns(rules)
    for item in read:
        yield from _check_one(item, rules, campaigns)
    yield from _check_languages_agree(read)
    yield from _check_sequence(read, rules, campaigns)
    yield from _check_clock([r.report for r in read if r.report], rules, campaigns)


def _in_content(path: str, root: str) -> str:
    prefix = "" if root in ("", ".") else f"{root.rstrip('/')}/"
    return path[len(prefix) :] if prefix and path.startswith(prefix) else path


@dataclass(frozen=True)
class _Campaign:
    start: date | None
    end: date | None
    goal: int | None
    tiers: frozenset[str]
    line: int  # of the campaign in fund-use.yaml
    start_line: int


def _campaigns(rules) -> dict[str, _Campaign] | None:
    """The campaigns of fund-use.yaml, with their dates; None without usable data."""
    if not rules.settings or rules.giving is None or rules.giving[0] is None:
        return None
    site = rules.giving[0]
    source = site.source
    found = {}
    for slug, campaign in site.fund_use.campaigns.items():
        line = source.line_of(("campaigns", slug)) if source else 1
        start_line = source.line_of(("campaigns", slug, "start")) if source and campaign.start else line
        found[slug] = _Campaign(
            campaign.start,
            campaign.end,
            campaign.goal.mothers,
            frozenset(t.id for t in site.tiers.values() if t.campaign == slug),
            line,
            start_line,
        )
    return found


def fund_use_shown(rules) -> str:
    from haihui.giving.data_problems import shown_path

    return shown_path(Path(rules.settings["PATH"]) / rules.settings["FUND_USE_FILE"])


def _check_one(item: _Read, rules, campaigns) -> Iterable[Problem]:
    source, values = item.source, item.source.front.values
    line = source.front.line_of
    start, end = _day(values.get("period_start", "")), _day(values.get("period_end", ""))
    if start and end and end < start:
        yield Problem(
            source.path,
            line("period_end"),
            N_("Period_end: {end} is before Period_start {start}"),
            N_(
                "correct the dates: the period starts on Period_start and ends on Period_end, "
                "e.g. 2026-07-01 and 2026-09-30"
            ),
            params=named(end=end.isoformat(), start=start.isoformat()),
        )
    if end and end > rules.today:
        yield Problem(
            source.path,
            line("period_end"),
            N_(
                "Period_end: {end} is in the future (today is {today}); a report covers a period that is over"
            ),
            N_("end the period on or before today, or publish the report once the period is over"),
            params=named(end=end.isoformat(), today=rules.today.isoformat()),
        )
    campaign = values.get("campaign", "")
    if campaigns is not None and campaign and campaign not in campaigns:
        close = difflib.get_close_matches(campaign, list(campaigns), n=1)
        yield Problem(
            source.path,
            line("campaign"),
            N_("Campaign: there is no campaign '{campaign}' in {file}"),
            N_("use the id of a campaign there (known: {known})"),
            params=named(
                campaign=campaign,
                file=fund_use_shown(rules),
                known=Items(tuple(close or sorted(campaigns)), empty=msg("none yet")),
            ),
        )
    known = campaigns.get(campaign) if campaigns else None
    for tier, _ in parse_tier_counts(values.get("tiers_delivered", "")) or ():
        if known is not None and tier not in known.tiers:
            yield Problem(
                source.path,
                line("tiers_delivered"),
                N_("Tiers_delivered: '{tier}' is not a tier of the campaign {campaign}"),
                N_("use the id of one of its tiers in the fund-use file: {known}"),
                params=named(tier=tier, campaign=campaign, known=Items(tuple(sorted(known.tiers)))),
            )
    if _yes(values.get("final")):
        for field, example in (("left_over", "Left_over: ..."), ("left_over_fen", "Left_over_fen: 0")):
            if not str(values.get(field, "")).strip():
                yield Problem(
                    source.path,
                    line("final"),
                    N_(
                        "a final report must say what happened to the money left over, and '{field}' is "
                        "missing"
                    ),
                    N_(
                        "add 'Left_over_fen:' (the amount left at the end, in fen, 0 if none) and "
                        "'Left_over:' (what was done with it), e.g. '{example}'"
                    ),
                    params=named(field=field.capitalize(), example=example),
                )
        if known is not None and end is not None and known.end != end:
            yield Problem(
                source.path,
                line("period_end"),
                N_(
                    "a final report must end on the campaign's last day, and campaigns.{campaign}.end in "
                    "{file} is {day}"
                ),
                N_("write the campaign's end in {file} (end: YYYY-MM-DD) and end this report's period on it"),
                params=named(
                    campaign=campaign,
                    file=fund_use_shown(rules),
                    day=known.end.isoformat() if known.end else msg("not given"),
                ),
            )
    elif values.get("left_over") or values.get("left_over_fen"):
        yield Problem(
            source.path,
            line("left_over" if values.get("left_over") else "left_over_fen"),
            N_("only the final report states the money left over"),
            N_("add 'Final: yes' if this is the campaign's final report, or remove the Left_over lines"),
        )
    yield from _check_people(source)


def _check_people(source) -> Iterable[Problem]:
    """A person named in a report carries her consent record, as in a story (haihui.consent checks it)."""
    from haihui.consent import consent_of

    values = source.front.values
    if "person" in values:
        for field in ("consent", "consent_languages", "photos", "consent_form"):
            if field not in values:
                yield Problem(
                    source.path,
                    source.front.line_of("person"),
                    N_(
                        "this report names {person} but has no '{field}' line: her consent is recorded as in "
                        "a story"
                    ),
                    N_(
                        "add her consent record (Consent, Consent_languages, Photos, Consent_form) as in her "
                        "story, or remove Person"
                    ),
                    params=named(person=values["person"], field=field.capitalize()),
                )
    elif any(field in values for field in ("consent", "photos", "consent_form", "consent_languages")):
        yield Problem(
            source.path,
            1,
            N_("this report has a consent record but no 'Person' line"),
            N_("add 'Person:' with the name as she agreed to show it, or remove the consent lines"),
        )
    record = consent_of(values)
    if record is not None and record[0] == "withdrawn":
        yield Problem(
            source.path,
            source.front.line_of("consent"),
            N_("her consent is withdrawn: this report must no longer name or show her"),
            N_(
                "remove Person, the consent lines, her name and her photos from this report in every language"
            ),
        )


def _check_languages_agree(read: list[_Read]) -> Iterable[Problem]:
    """One report, one set of figures: every language file says the same."""
    by_slug: dict[str, list[_Read]] = defaultdict(list)
    for item in read:
        if item.report is not None:
            by_slug[item.report.slug].append(item)
    for group in by_slug.values():
        first = group[0]
        assert first.report is not None
        for other in group[1:]:
            assert other.report is not None
            for field in (
                "period_start",
                "period_end",
                "campaign",
                *FIGURES,
                "tiers_delivered",
                "final",
                "left_over_fen",
            ):
                mine = _comparable(first.report, field)
                theirs = _comparable(other.report, field)
                if mine != theirs:
                    yield Problem(
                        other.source.path,
                        other.source.front.line_of(field),
                        N_(
                            "{field}: differs from {other}; every language of a report shows the same figures"
                        ),
                        N_("write the same {field} in both files"),
                        params=named(field=field.capitalize(), other=first.source.path),
                    )


def _comparable(report: Report, field: str):
    if field == "period_start":
        return report.start
    if field == "period_end":
        return report.end
    if field == "tiers_delivered":
        return dict(report.tiers)
    if field in FIGURES:
        return report.figure(field)
    return getattr(report, field)


def _check_sequence(read: list[_Read], rules, campaigns) -> Iterable[Problem]:
    """Per campaign and language: the first period starts with the campaign, each next one the
    day after the last ended; no overlap, no gap."""
    groups: dict[tuple[str, str], list[_Read]] = defaultdict(list)
    for item in read:
        if item.report is not None and item.report.start <= item.report.end:
            groups[(item.report.campaign, item.report.lang)].append(item)
    for (campaign, _lang), group in sorted(groups.items()):
        group.sort(key=lambda r: (r.report.start, r.report.end))  # type: ignore[union-attr]
        known = campaigns.get(campaign) if campaigns else None
        first = group[0].report
        assert first is not None
        if known is not None and known.start is not None and first.start != known.start:
            yield Problem(
                group[0].source.path,
                group[0].source.front.line_of("period_start"),
                N_(
                    "Period_start: the first report of {campaign} must start on the campaign's first day, "
                    "{day}"
                ),
                N_(
                    "start this period on {day} (campaigns.{campaign}.start in {file}), or correct the start "
                    "there"
                ),
                params=named(campaign=campaign, day=known.start.isoformat(), file=fund_use_shown(rules)),
            )
        for before, after in pairwise(group):
            previous, this = before.report, after.report
            assert previous is not None and this is not None
            expected = date.fromordinal(previous.end.toordinal() + 1)
            if this.start == expected:
                continue
            overlap = this.start < expected
            yield Problem(
                after.source.path,
                after.source.front.line_of("period_start"),
                N_("Period_start: {start} overlaps the period of {other}, which ends on {end}")
                if overlap
                else N_("Period_start: {start} leaves a gap after {other}, which ends on {end}"),
                N_("start this period on {expected}, the day after the previous one ends"),
                params=named(
                    start=this.start.isoformat(),
                    other=before.source.path,
                    end=previous.end.isoformat(),
                    expected=expected.isoformat(),
                ),
            )


def _check_clock(reports: Sequence[Report], rules, campaigns) -> Iterable[Problem]:
    """The disclosure clock: a preview warns as a report comes due; a publish build refuses one overdue."""
    if campaigns is None:
        return
    shown = fund_use_shown(rules)
    window = int(rules.settings.get("REPORT_WARNING_DAYS", WARNING_DAYS))
    folder = f"{rules.content_root.rstrip('/')}/{rules.settings.get('REPORT_PATHS', ['reports'])[0]}"
    for slug, campaign in sorted(campaigns.items()):
        if campaign.start is None:
            yield Problem(
                shown,
                campaign.line,
                N_(
                    "campaigns.{campaign}: has no start, so the build cannot tell when a progress report is "
                    "due"
                ),
                N_(
                    "add 'start: YYYY-MM-DD' (the day the campaign began) under campaigns.{campaign}, and "
                    "'end:' once it has one"
                ),
                ERROR if rules.strict else WARNING,
                params=named(campaign=slug),
            )
            continue
        own = [r for r in reports if r.campaign == slug and r.start <= r.end]
        due = next_report_due(campaign.start, campaign.end, own)
        if due is None:
            continue
        days = due.days_left(rules.today)
        if days > window:
            continue
        file = f"{folder}/{suggested_slug(slug, due.covers_from)}.<lang>.md"
        params = named(
            campaign=slug,
            due=due.day.isoformat(),
            days=P_("{n} day", "{n} days", abs(days)),
            file=file,
            start=due.covers_from.isoformat(),
        )
        fix = (
            N_(
                "write the final report (Final: yes, with Left_over and Left_over_fen: what happened to "
                "the money left over) from {start} to the campaign's end, in every language, e.g. as {file}"
            )
            if due.final
            else N_("write the next progress report, from {start}, in every language, e.g. as {file}")
        )
        where = (shown, campaign.start_line)
        if days < 0:
            message = (
                N_("campaign {campaign}: the final report was due on {due}, and is overdue by {days}")
                if due.final
                else N_("campaign {campaign}: a progress report was due on {due}, and is overdue by {days}")
            )
            yield Problem(*where, message, fix, ERROR if rules.strict else WARNING, params=params)
        else:
            message = (
                N_("campaign {campaign}: the final report is due in {days}, on {due}")
                if due.final
                else N_("campaign {campaign}: a progress report is due in {days}, on {due}")
            )
            yield Problem(*where, message, fix, WARNING, params=params)
