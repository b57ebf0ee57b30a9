"""Figures that agree everywhere (issue 14, part 5): every figure on a page equals the one on its
twin in the other language, and every figure named after the data equals what the data computes.
In-process over small HTML and over the session's built site; no build of its own."""

import os
import shutil
from pathlib import Path

import pytest

from conftest import ROOT, problems_text
from haihui.build import _figure_problems
from haihui.figures import (
    SOURCE_PREFIX,
    VALUE_ATTRIBUTES,
    check_built_figures,
    data_mismatches,
    expected_figures,
    figures_in_html,
    parity_mismatches,
)
from haihui.giving.site_data import load_site_tiers
from haihui.settings import read_settings

FUND_USE_PAGES = ("fund-use/index.html", "zh/fund-use/index.html")
TRAINING = "fund-use.2026-01-01/2026-09-30.expenditure.categories.training.amount_fen"


@pytest.fixture(scope="module")
def settings() -> dict:
    """The preview settings with our defaults, as the build and `make publish` read them."""
    return read_settings("pelicanconf.py", root=ROOT)


@pytest.fixture(scope="module")
def origins(settings) -> list[str]:
    return [settings["SITEURL"], settings["SITE_ORIGIN"]]


@pytest.fixture(scope="module")
def expected(settings) -> dict[str, str]:
    cwd = os.getcwd()
    os.chdir(ROOT)
    try:
        site, _ = load_site_tiers(settings)
    finally:
        os.chdir(cwd)
    assert site is not None
    return expected_figures(site)


def test_figures_are_read_with_their_names_values_and_lines():
    page = (
        '<p>\n<data value="5" data-figure="mothers_reached" data-value="5">5</data>\n'
        '<td data-amount-fen="100000">CN¥1,000</td> <time data-report-due datetime="2027-01-15">…</time>\n'
        '<p data-figures-status="sample">not a figure</p>'
        "<data data-value='7' data-figure='x&amp;y'>7</data>"
    )
    assert [(f.name, f.value, f.line) for f in figures_in_html(page)] == [
        ("mothers_reached", "5", 2),
        ("data-amount-fen", "100000", 3),
        ("data-report-due", "2027-01-15", 3),
        ("x&y", "7", 4),
    ]


def test_a_figure_changed_in_one_language_is_a_mismatch():
    en = figures_in_html('<data data-figure="piglets_born" data-value="31">31</data>')
    zh = figures_in_html('<data data-figure="piglets_born" data-value="13">13</data>')
    assert [(m.name, m.here, m.there) for m in parity_mismatches(en, zh)] == [
        ("piglets_born", ("31",), ("13",))
    ]
    assert parity_mismatches(en, en) == []
    # A figure missing from one language is a mismatch too.
    assert [(m.name, m.here, m.there) for m in parity_mismatches(en, [])] == [("piglets_born", ("31",), ())]


def test_a_data_figure_that_is_not_the_datas_is_found(expected):
    wrong = figures_in_html(f'<data data-figure="{TRAINING}" data-value="1">x</data>')
    assert [(f.name, want) for f, want in data_mismatches(wrong, expected)] == [(TRAINING, "1200000")]
    unknown = figures_in_html('<data data-figure="tiers.no-such-tier.amount_fen" data-value="1">x</data>')
    assert [want for _, want in data_mismatches(unknown, expected)] == [None]
    report = figures_in_html('<data data-figure="mothers_reached" data-value="1">x</data>')
    assert data_mismatches(report, expected) == []  # a report's figure is its header's, not the data's


def test_every_twin_pair_of_the_built_site_shows_the_same_figures_as_the_data(site, origins, expected):
    assert check_built_figures(site.root, origins, expected) == []
    # It did compare: the pages with figures, in both languages, and every data figure on them.
    with_figures = [p for p in site.root.rglob("*.html") if figures_in_html(p.read_text("utf-8"))]
    assert len(with_figures) >= 10
    shown = {f.name for p in with_figures for f in figures_in_html(p.read_text("utf-8"))}
    assert {TRAINING, "tiers.pigsty.earmarked_fen", "campaigns.left-behind-mothers.raised_fen"} <= shown
    assert {"correction.0.old", "fund-use-change.expenditure.total_fen"} <= shown
    assert {"data-report-period", "data-report-due"} <= shown  # the reports' dates are compared too


def test_the_reader_finds_what_a_browser_parser_finds_on_every_page(site):
    for url in site.html_pages():
        soup = site.soup(url)
        found = []
        for element in soup.select(
            "[data-figure], [data-source], [data-report-due], [data-report-period], "
            + ", ".join(f"[{a}]" for a in VALUE_ATTRIBUTES)
        ):
            if element.has_attr("data-figure"):
                found.append((element["data-figure"], element.get("data-value", "")))
            elif element.has_attr("data-source"):  # the partner brief's figures (haihui.partners)
                found.append((SOURCE_PREFIX + element["data-source"], element.get("data-value", "")))
            if element.has_attr("data-report-due"):
                found.append(("data-report-due", element.get("datetime", "")))
            if element.has_attr("data-report-period"):
                found.append(("data-report-period", element["data-report-period"]))
            found += [(a, element[a]) for a in VALUE_ATTRIBUTES if element.has_attr(a)]
        assert [(f.name, f.value) for f in figures_in_html(site.path(url).read_text("utf-8"))] == found, url


def _copy_pages(site, folder: Path) -> Path:
    for page in FUND_USE_PAGES:
        (folder / page).parent.mkdir(parents=True, exist_ok=True)
        shutil.copy(site.root / page, folder / page)
    return folder


def test_publish_refuses_a_figure_changed_in_one_language(site, tmp_path, origins, settings):
    root = _copy_pages(site, tmp_path)
    zh = root / FUND_USE_PAGES[1]
    text = zh.read_text("utf-8")
    needle = f'data-figure="{TRAINING}" data-value="1200000"'
    assert needle in text
    zh.write_text(text.replace(needle, f'data-figure="{TRAINING}" data-value="1250000"', 1), "utf-8")
    problems = _figure_problems(root, origins, settings)
    shown = problems_text(problems)
    assert {p.path for p in problems} == {FUND_USE_PAGES[0], FUND_USE_PAGES[1]}
    # Shown twice (the table, the changes since the previous period), changed once.
    here_there = "is 1200000, 1200000 on this page and 1250000, 1200000 on its zh-Hans version"
    assert f"figure '{TRAINING}' {here_there}" in shown
    assert "同一个数字在各语言版本中必须相同" in shown
    assert f"figure '{TRAINING}' shows 1250000, but the data gives 1200000" in shown
    line = next(p.line for p in problems if p.path == FUND_USE_PAGES[1])
    assert needle.replace("1200000", "1250000") in zh.read_text("utf-8").splitlines()[line - 1]


def test_publish_refuses_a_figure_that_differs_from_the_data_in_both_languages(
    site, tmp_path, origins, settings
):
    root = _copy_pages(site, tmp_path)
    for page in FUND_USE_PAGES:
        path = root / page
        path.write_text(path.read_text("utf-8").replace('data-value="1200000"', 'data-value="1"'), "utf-8")
    problems = _figure_problems(root, origins, settings)
    assert {p.path for p in problems} == set(FUND_USE_PAGES)  # no parity problem: both say 1
    assert all("but the data gives" in p.message for p in problems)
