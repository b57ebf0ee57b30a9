"""Progress reports (haihui.reports) and the disclosure clock (haihui.clock).

In-process: the clock on fixed dates on both sides of each deadline, the checks over the
real content with one report changed (no build), and the real site as built once
(`site`). One publish build proves an overdue report stops it with output/ untouched.
"""

import dataclasses
import os
from datetime import date
from pathlib import Path

import pytest
from staff_project import make_publishable

from conftest import edit, plain, problems_text, tree_digest
from haihui.build import ROOT, run_pelican
from haihui.clock import Due, Published, add_months, build_today, next_due
from haihui.content.content_rules import check_sources, load_sources
from haihui.content.project import markdown_files, rules_from_settings
from haihui.problems import ContentError
from haihui.reports import FIGURES, parse_tier_counts, report_of, totals
from haihui.settings import read_settings

Q2, Q3 = "content/reports/left-behind-mothers-2026-04", "content/reports/left-behind-mothers-2026-07"
CAMPAIGN_START = date(2026, 4, 1)
MACHINE_DAY = "2026-12-01"


# ---------------------------------------------------------------- the clock, pure


def day(text: str) -> date:
    return date.fromisoformat(text)


def test_a_long_campaign_owes_a_report_three_months_after_its_start_then_after_each_report():
    first = next_due(CAMPAIGN_START, None, [])
    assert first == Due(day("2026-07-01"), final=False, covers_from=CAMPAIGN_START)
    assert first.days_left(day("2026-06-19")) == 12
    assert first.days_left(day("2026-07-01")) == 0  # due today: not overdue yet
    assert first.days_left(day("2026-07-02")) == -1  # overdue by one day
    after = next_due(CAMPAIGN_START, None, [Published(day("2026-06-30"), day("2026-07-20"))])
    assert after == Due(day("2026-10-20"), final=False, covers_from=day("2026-07-01"))


def test_after_its_end_a_campaign_owes_the_final_report_within_three_months():
    reports = [Published(day("2026-09-30"), day("2026-11-20"))]
    due = next_due(CAMPAIGN_START, day("2026-12-31"), reports)
    assert due == Due(day("2027-03-31"), final=True, covers_from=day("2026-10-01"))
    assert due.days_left(day("2027-03-31")) == 0 and due.days_left(day("2027-04-01")) == -1
    # Before the end, the quarterly cadence still holds.
    assert next_due(CAMPAIGN_START, day("2027-06-30"), reports) == Due(
        day("2027-02-20"), final=False, covers_from=day("2026-10-01")
    )
    final = [*reports, Published(day("2026-12-31"), day("2027-02-01"), final=True)]
    assert next_due(CAMPAIGN_START, day("2026-12-31"), final) is None


def test_a_campaign_of_six_months_or_less_owes_only_the_final_report():
    six_months = next_due(day("2026-01-01"), day("2026-07-01"), [])
    assert six_months == Due(day("2026-10-01"), final=True, covers_from=day("2026-01-01"))
    longer = next_due(day("2026-01-01"), day("2026-07-02"), [])
    assert longer is not None and not longer.final and longer.day == day("2026-04-01")


def test_months_are_added_as_a_calendar_does():
    assert add_months(day("2026-11-30"), 3) == day("2027-02-28")
    assert add_months(day("2027-11-30"), 3) == day("2028-02-29")
    assert add_months(day("2026-10-31"), 14) == day("2027-12-31")


def test_today_comes_from_the_setting_then_source_date_epoch_then_the_clock():
    settings = {"TIMEZONE": "Asia/Shanghai"}
    assert build_today({**settings, "HAIHUI_TODAY": "2027-02-08"}, {"SOURCE_DATE_EPOCH": "0"}) == day(
        "2027-02-08"
    )
    # 2026-11-30 16:30 UTC is 2026-12-01 00:30 in Chengdu.
    assert build_today(settings, {"SOURCE_DATE_EPOCH": "1796056200"}) == day("2026-12-01")
    assert build_today({"TIMEZONE": "UTC"}, {"SOURCE_DATE_EPOCH": "1796056200"}) == day("2026-11-30")
    for bad_settings, environ in (({"HAIHUI_TODAY": "next week"}, {}), ({}, {"SOURCE_DATE_EPOCH": "soon"})):
        with pytest.raises(ContentError) as raised:
            build_today(bad_settings, environ)
        text = problems_text(raised.value.problems)
        assert "is not a day the build can take as today" in text and "不是可以作为“今天”的日期" in text


def test_a_report_is_read_from_its_header_with_integer_figures():
    values = {
        "template": "report",
        "slug": "r",
        "lang": "en",
        "campaign": "c",
        "date": "2026-11-20",
        "period_start": "2026-07-01",
        "period_end": "2026-09-30",
        **dict.fromkeys(FIGURES, "3"),
        "tiers_delivered": "mothers-start 12, pigsty 3",
    }
    report = report_of(values)
    assert report is not None and report.period == "2026-07-01/2026-09-30"
    assert report.figure("spent_fen") == 3 and isinstance(report.figure("spent_fen"), int)
    assert report.tiers == (("mothers-start", 12), ("pigsty", 3))
    assert totals([report, report])["mothers_reached"] == 6
    assert report_of({**values, "piglets_born": "2.5"}) is None
    assert report_of({**values, "template": "page"}) is None
    assert parse_tier_counts("mothers-start twelve") is None


# ---------------------------------------------------------------- the checks, in-process


@pytest.fixture(scope="module")
def base():
    """The real project's preview settings and content, read once."""
    cwd = os.getcwd()
    os.chdir(ROOT)
    try:
        settings = read_settings("pelicanconf.py", root=ROOT)
        return settings, load_sources(markdown_files(settings))
    finally:
        os.chdir(cwd)


def report_text(base, name: str) -> str:
    return next(s.text for s in base[1] if s.path == name)


def check(base, *, today=MACHINE_DAY, strict=False, replace=None, remove=(), end=None) -> list:
    """Every problem of the real content with some report files replaced ({path: text}) or
    removed, on `today`; `end` sets the campaign's end in the fund-use data."""
    settings, sources = base
    replace = replace or {}
    kept = [s for s in sources if s.path not in replace and s.path not in remove]
    sources = kept + load_sources([(path, "page", text) for path, text in replace.items()])
    cwd = os.getcwd()
    os.chdir(ROOT)
    try:
        rules = rules_from_settings({**settings, "HAIHUI_TODAY": today, "STRICT_PUBLISH": strict}, sources)
        if end is not None:
            site, found = rules.giving
            campaigns = {
                slug: c.model_copy(update={"end": day(end)}) for slug, c in site.fund_use.campaigns.items()
            }
            fund_use = site.fund_use.model_copy(update={"campaigns": campaigns})
            rules = dataclasses.replace(rules, giving=(dataclasses.replace(site, fund_use=fund_use), found))
        return check_sources(sources, rules)
    finally:
        os.chdir(cwd)


def about_reports(problems) -> list:
    return [p for p in problems if "report" in p.message.lower() or p.path.startswith("content/reports/")]


def changed(base, name: str, old: str, new: str, langs=("en", "zh")) -> dict[str, str]:
    found = {}
    for lang in langs:
        text = report_text(base, f"{name}.{lang}.md")
        assert old in text, (old, lang)
        found[f"{name}.{lang}.md"] = text.replace(old, new, 1)
    return found


def test_the_sample_reports_pass_every_check_on_the_machine_date_even_when_publishing(base):
    assert about_reports(check(base, strict=True)) == []
    # ... and for the next two months and a half: the next report is due on 2027-02-20.
    assert about_reports(check(base, today="2027-01-20", strict=True)) == []


@pytest.mark.parametrize(
    ("today", "strict", "severity", "english", "chinese"),
    [
        ("2027-01-20", False, None, "", ""),  # 31 days before: not yet
        ("2027-01-21", False, "warning", "a progress report is due in 30 days", "还有 30 天到期"),
        (
            "2027-02-08",
            False,
            "warning",
            "a progress report is due in 12 days, on 2027-02-20",
            "还有 12 天到期",
        ),
        ("2027-02-20", True, "warning", "is due in 0 days, on 2027-02-20", "还有 0 天到期"),
        ("2027-02-21", True, "error", "was due on 2027-02-20, and is overdue by 1 day", "已逾期 1 天"),
        ("2027-02-25", False, "warning", "was due on 2027-02-20, and is overdue by 5 days", "已逾期 5 天"),
        ("2027-02-25", True, "error", "was due on 2027-02-20, and is overdue by 5 days", "已逾期 5 天"),
    ],
)
def test_the_clock_warns_as_a_report_comes_due_and_publishing_refuses_one_overdue(
    base, today, strict, severity, english, chinese
):
    found = [
        p for p in check(base, today=today, strict=strict) if "campaign left-behind-mothers" in p.message
    ]
    if severity is None:
        assert found == []
        return
    assert len(found) == 1 and found[0].severity == severity
    text = problems_text(found)
    assert english in text and chinese in text
    # Where to look (the campaign's start in fund-use.yaml) and which file to add.
    assert found[0].path == "content/data/fund-use.yaml" and found[0].line > 1
    assert "content/reports/left-behind-mothers-2026-10.<lang>.md" in text


def final_report(base, **changes) -> dict[str, str]:
    """The July report turned into a final report for October to December 2026."""
    files = {}
    for lang in ("en", "zh"):
        text = report_text(base, f"{Q3}.{lang}.md")
        text = text.replace("left-behind-mothers-2026-07", "left-behind-mothers-2026-10")
        text = text.replace("Period_start: 2026-07-01", "Period_start: 2026-10-01")
        text = text.replace("Period_end: 2026-09-30", "Period_end: 2026-12-31")
        text = text.replace("Date: 2026-11-20", "Date: 2027-02-01")
        extra = "Final: yes\nLeft_over_fen: 120000\nLeft_over: Used for the next campaign's training.\n"
        for key, value in changes.items():
            extra = extra.replace(f"{key}: ", f"{key}: {value}") if value else extra
            if value is None:
                extra = "\n".join(line for line in extra.splitlines() if not line.startswith(key)) + "\n"
        text = text.replace("Setbacks:", extra + "Setbacks:", 1)
        files[f"{Q3.replace('2026-07', '2026-10')}.{lang}.md"] = text
    return files


def test_an_ended_campaign_without_its_final_report_is_refused_three_months_after_its_end(base):
    on_time = about_reports(check(base, today="2027-03-31", strict=True, end="2026-12-31"))
    assert [p.severity for p in on_time] == ["warning"]
    assert "the final report is due in 0 days" in problems_text(on_time)
    late = about_reports(check(base, today="2027-04-01", strict=True, end="2026-12-31"))
    assert [p.severity for p in late] == ["error"]
    text = problems_text(late)
    assert "the final report was due on 2027-03-31, and is overdue by 1 day" in text
    assert "结项报告应于 2027-03-31 前发布，已逾期 1 天" in text and "Left_over" in text


def test_a_final_report_that_states_the_money_left_over_stops_the_clock(base):
    problems = check(base, today="2027-06-01", strict=True, end="2026-12-31", replace=final_report(base))
    assert about_reports(problems) == []


def test_a_final_report_must_state_what_happened_to_the_money_left_over(base):
    files = final_report(base, Left_over=None)
    problems = about_reports(check(base, today="2027-02-02", end="2026-12-31", replace=files))
    text = problems_text(problems)
    assert "a final report must say what happened to the money left over, and 'Left_over' is missing" in text
    assert "结项报告必须说明结余资金的去向" in text
    assert all(p.severity == "error" for p in problems if "Left_over" in p.message)


@pytest.mark.parametrize(
    ("old", "new", "field", "english", "chinese"),
    [
        (
            "Period_start: 2026-07-01",
            "Period_start: 2026-06-15",
            "Period_start",
            "Period_start: 2026-06-15 overlaps the period of content/reports/left-behind-mothers-2026-04",
            "报告期重叠",
        ),
        (
            "Period_start: 2026-07-01",
            "Period_start: 2026-07-05",
            "Period_start",
            "Period_start: 2026-07-05 leaves a gap after content/reports/left-behind-mothers-2026-04",
            "留下空档",
        ),
        (
            "Period_end: 2026-09-30",
            "Period_end: 2026-06-30",
            "Period_end",
            "Period_end: 2026-06-30 is before Period_start 2026-07-01",
            "早于 Period_start",
        ),
        (
            "Period_end: 2026-09-30",
            "Period_end: 2026-12-31",
            "Period_end",
            "Period_end: 2026-12-31 is in the future (today is 2026-12-01)",
            "在未来",
        ),
        ("Animals_lost: 4", "Animals_lost: -4", "Animals_lost", "Animals_lost: '-4' is negative", "是负数"),
        (
            "Piglets_born: 18",
            "Piglets_born: 18.5",
            "Piglets_born",
            "'18.5' is not a whole number",
            "不是整数",
        ),
        (
            "Spent_fen: 6240000",
            "Spent_fen: 62,400",
            "Spent_fen",
            "'62,400' is not a whole number",
            "不是整数",
        ),
        (
            "Campaign: left-behind-mothers",
            "Campaign: left-behind-mother",
            "Campaign",
            "Campaign: there is no campaign 'left-behind-mother' in content/data/fund-use.yaml",
            "中没有项目",
        ),
        (
            "Tiers_delivered: mothers-start 26",
            "Tiers_delivered: mothers-start 26, piglet-bank 2",
            "Tiers_delivered",
            "Tiers_delivered: 'piglet-bank' is not a tier of the campaign left-behind-mothers",
            "不是项目 left-behind-mothers 的档位",
        ),
    ],
)
def test_bad_report_input_names_the_file_line_what_is_wrong_and_the_fix_in_both_languages(
    base, old, new, field, english, chinese
):
    files = changed(base, Q3, old, new)
    problems = [p for p in check(base, replace=files) if p.severity == "error" and english in p.message]
    assert {p.path for p in problems} == set(files)
    for problem in problems:
        lines = files[problem.path].splitlines()
        assert lines[problem.line - 1].startswith(f"{field}:"), (problem, lines[problem.line - 1])
        assert chinese in problem.render(("en", "zh")) and problem.fix


def test_setbacks_are_required(base):
    files = {}
    for name, text in changed(base, Q3, "Setbacks:", "Setback_notes:").items():
        files[name] = text
    problems = [p for p in check(base, replace=files) if "Setbacks" in p.message and p.severity == "error"]
    assert {p.path for p in problems} == set(files)
    text = problems_text(problems)
    assert "the required field 'Setbacks' is missing" in text and "Setbacks: none" in text
    # "none" is an honest answer, and so is "无".
    honest = changed(base, Q3, "Setbacks: Four", "Setbacks: none\nNotes: Four", langs=("en",))
    assert not [p for p in check(base, replace=honest) if "Setbacks" in p.message]


def test_every_language_of_a_report_shows_the_same_figures(base):
    files = changed(base, Q3, "Animals_lost: 4", "Animals_lost: 3", langs=("zh",))
    problems = [p for p in check(base, replace=files) if "every language of a report" in p.message]
    assert [(p.path, p.severity) for p in problems] == [(f"{Q3}.zh.md", "error")]
    assert (
        "Animals_lost: differs from content/reports/left-behind-mothers-2026-07.en.md" in problems[0].message
    )


def test_a_report_in_one_language_only_is_refused_by_a_publish_build(base):
    preview = [p for p in check(base, remove=[f"{Q3}.zh.md"]) if "has no translation" in p.message]
    assert [p.severity for p in preview] == ["warning"]
    publish = [
        p for p in check(base, remove=[f"{Q3}.zh.md"], strict=True) if "has no translation" in p.message
    ]
    assert [(p.path, p.severity) for p in publish] == [(f"{Q3}.en.md", "error")]
    # Single_language is no way out for a report: it is an unknown field there.
    files = changed(base, Q3, "Sample: yes", "Single_language: yes", langs=("en",))
    refused = check(base, replace=files, remove=[f"{Q3}.zh.md"], strict=True)
    assert any("unknown field 'Single_language'" in p.message for p in refused)


def test_the_first_report_starts_on_the_campaigns_first_day(base):
    files = changed(base, Q2, "Period_start: 2026-04-01", "Period_start: 2026-04-15")
    problems = [
        p for p in check(base, replace=files) if "must start on the campaign's first day" in p.message
    ]
    assert {p.path for p in problems} == set(files) and all(p.severity == "error" for p in problems)


def test_a_person_named_in_a_report_needs_her_consent_record(base):
    files = changed(base, Q3, "Sample: yes", "Sample: yes\nPerson: Ayi", langs=("en", "zh"))
    problems = [p for p in check(base, replace=files) if "her consent is recorded as in a story" in p.message]
    assert len(problems) == 8 and all(p.severity == "error" for p in problems)  # 4 lines x 2 languages
    with_record = changed(
        base,
        Q3,
        "Sample: yes",
        "Sample: yes\nPerson: Ayi\nConsent: given 2026-11-01\nConsent_languages: en, zh\nPhotos: no\n"
        "Consent_form: SAMPLE, no form",
    )
    found = check(base, replace=with_record, strict=True)
    assert not [p for p in found if "her consent is recorded" in p.message]
    # The consent rules are the stories' (haihui.consent): a sample record is refused by a publish build.
    refused = [p.path for p in found if "sample consent record" in p.message and p.severity == "error"]
    assert [path for path in refused if path.startswith("content/reports/")] == sorted(with_record)


def test_a_file_in_the_reports_folder_must_be_a_report(base):
    files = changed(base, Q3, "Template: report\n", "", langs=("en",))
    problems = [p for p in check(base, replace=files) if "is not a progress report" in p.message]
    assert [p.path for p in problems] == [f"{Q3}.en.md"]


# ---------------------------------------------------------------- the built site


REPORTS = ("left-behind-mothers-2026-04", "left-behind-mothers-2026-07")


def figures(soup) -> list[tuple[str, str]]:
    return [(tag["data-figure"], tag["data-value"]) for tag in soup.select("[data-figure]")]


@pytest.mark.parametrize("slug", REPORTS)
def test_each_report_page_carries_its_period_and_the_same_figures_in_both_languages(site, slug):
    english, chinese = site.soup(f"/reports/{slug}/"), site.soup(f"/zh/reports/{slug}/")
    periods = {
        "left-behind-mothers-2026-04": "2026-04-01/2026-06-30",
        "left-behind-mothers-2026-07": "2026-07-01/2026-09-30",
    }
    for page in (english, chinese):
        assert page.main["data-report-period"] == periods[slug]
        assert page.select_one("[data-report-status=sample]")  # labelled as a sample
        assert page.select_one(".report__setbacks").get_text(strip=True)
    assert figures(english) == figures(chinese)
    shown = dict(figures(english))
    assert set(FIGURES) <= set(shown) and "tiers_delivered.mothers-start" in shown
    assert all(value.isdigit() for value in shown.values())
    spent = english.select_one("[data-figure=spent_fen]")
    assert spent.get_text() == f"CN¥{int(spent['data-value']) // 100:,}"
    assert chinese.select_one("[data-figure=spent_fen]").get_text().endswith("元")


def test_the_campaign_page_shows_the_latest_report_against_the_goal_and_the_next_due_date(site):
    for prefix in ("", "zh/"):
        page = site.soup(f"/{prefix}campaigns/left-behind-mothers/")
        section = page.find(id="reports-heading").parent
        assert section.select_one("h3 a")["href"] == f"/{prefix}reports/left-behind-mothers-2026-07/"
        values = dict(figures(section))
        assert values["mothers_reached"] == "26" and values["mothers_reached_total"] == "46"
        assert values["goal_mothers"] == "200"
        due = section.select_one("time[data-report-due]")
        assert due["datetime"] == "2027-02-20" and due.get_text(strip=True)
        listing = section.find("a", href=f"/{prefix}campaigns/left-behind-mothers/reports/")
        assert listing is not None


def test_the_home_page_links_the_newest_report(site):
    for prefix in ("", "zh/"):
        section = site.soup(f"/{prefix}").find(id="report-heading").parent
        assert section.a["href"] == f"/{prefix}reports/left-behind-mothers-2026-07/"


def test_each_campaign_lists_its_reports_newest_first_in_each_language(site):
    for prefix in ("", "zh/"):
        page = site.soup(f"/{prefix}campaigns/left-behind-mothers/reports/")
        links = [a["href"] for a in page.select(".card__title a")]
        assert links == [f"/{prefix}reports/{slug}/" for slug in reversed(REPORTS)]


def test_each_language_has_its_own_feed_of_a_campaigns_reports(site):
    from bs4 import BeautifulSoup

    feeds = {}
    for prefix in ("", "zh/"):
        xml = BeautifulSoup(
            site.path(f"/{prefix}feeds/left-behind-mothers-reports.atom.xml").read_text("utf-8"), "xml"
        )
        feeds[prefix] = xml
        assert xml.feed.find("id", recursive=False).text.endswith(
            f"/{prefix}feeds/left-behind-mothers-reports.atom.xml"
        )
        home = xml.feed.find("link", rel="alternate", recursive=False)
        assert home["href"].endswith(f"/{prefix}") and "127.0.0.1" in home["href"]
        entries = [link["href"] for link in xml.select("entry > link")]
        assert entries and all(f"/{prefix}reports/" in href for href in entries)
    assert feeds[""].feed.title.text != feeds["zh/"].feed.title.text


def test_the_sitemap_names_every_report_and_listing_with_its_alternates(site):
    from bs4 import BeautifulSoup

    xml = BeautifulSoup(site.path("/sitemap.xml").read_text("utf-8"), "xml")
    entries = {url.loc.text.split("8000/", 1)[1]: url for url in xml.find_all("url")}
    for slug in REPORTS:
        for url in (f"reports/{slug}/", f"zh/reports/{slug}/"):
            hreflangs = {link["hreflang"] for link in entries[url].find_all("link")}
            assert {"en", "zh-Hans", "x-default"} <= hreflangs
    for url in ("campaigns/left-behind-mothers/reports/", "zh/campaigns/left-behind-mothers/reports/"):
        assert {"en", "zh-Hans"} <= {link["hreflang"] for link in entries[url].find_all("link")}


# ---------------------------------------------------------------- one publish build


def test_a_publish_build_refuses_an_overdue_report_and_leaves_output_untouched(broken):
    make_publishable(broken)
    before = tree_digest(broken / "output")
    result = run_pelican(
        "publishconf.py", broken / "output", cwd=broken, extra={"HAIHUI_TODAY": '"2027-03-01"'}
    )
    messages = plain(result)
    assert result.returncode != 0 and "Traceback" not in messages
    assert "content/data/fund-use.yaml:" in messages
    assert "a progress report was due on 2027-02-20, and is overdue by 9 days" in messages
    assert "项目进展报告应于 2027-02-20 前发布，已逾期 9 天" in messages
    assert "content/reports/left-behind-mothers-2026-10.<lang>.md" in messages
    assert tree_digest(broken / "output") == before


def test_the_disclosure_dates_live_in_the_fund_use_file(project: Path):
    """A campaign without a start cannot be held to the clock: a preview warns, publishing refuses."""
    from conftest import content_checks

    edit(project / "content/data/fund-use.yaml", "    start: 2026-04-01                       # sample\n", "")
    preview = [p for p in content_checks(project, HAIHUI_TODAY=MACHINE_DAY) if "has no start" in p.message]
    publish = [
        p
        for p in content_checks(project, "publishconf.py", HAIHUI_TODAY=MACHINE_DAY)
        if "has no start" in p.message
    ]
    assert [p.severity for p in preview] == ["warning"] and [p.severity for p in publish] == ["error"]
    assert preview[0].path == "content/data/fund-use.yaml"
