"""The Passing on the Gift chain (haihui.gift_chain, haihui_gift_chain).

In-process: the data file's rules on small files (each refused input, at its line, in
English and Chinese), the figures, who is named, the drawing at 10,000 families, the
checks over the real content; the real site as built once (`site`): the figures on both
pages equal figures worked out here from the YAML, the markup contract, the open data and
its SHA-256, the privacy rule on every file. Two builds: a refused input leaves output/
untouched; a withdrawn story leaves no name of hers in the chain.
"""

import csv
import datetime as dt
import gzip
import hashlib
import io
import json
import re
import statistics
from pathlib import Path
from types import SimpleNamespace

import pytest
import yaml
from babel.numbers import format_decimal
from bs4 import BeautifulSoup
from jinja2 import Environment, FileSystemLoader

from browser.checks import PAGE_BUDGET  # bytes, gzip level 6, without photos
from conftest import content_checks, edit, problems_text, tree_digest
from haihui.build import ROOT, run_pelican
from haihui.clock import add_months, build_today
from haihui.content.content_rules import load_sources
from haihui.gift_chain import _report_problems, families_of_taken_down, load_gift_chain
from haihui.gift_chain.data import GiftChain, read_gift_chain
from haihui.gift_chain.drawing import chain_drawing
from haihui.gift_chain.figures import chain_view, median_days, pass_ons_between
from haihui.gift_chain.synthetic import synthetic_chain, synthetic_chain_yaml
from haihui.settings import read_settings

CHAIN = ROOT / "content/data/gift-chain.yaml"
LANGS = ("en", "zh")
TODAY = dt.date(2026, 12, 1)
WITHDRAWN_NAMES = ("Withdrawn-Sample-Name", "撤回示例名")  # the sample's withdrawn family
BIG = 10_000
# The day the session's site was built as (the real clock, as in `make build`): its figures.
SITE_DAY = build_today(read_settings("pelicanconf.py", root=ROOT))


def read(tmp_path: Path, text: str, today: dt.date = TODAY):
    path = tmp_path / "gift-chain.yaml"
    path.write_text(text, "utf-8")
    return read_gift_chain(path, LANGS, today, SimpleNamespace(today=today, languages=LANGS))


def changed(old: str, new: str) -> str:
    text = CHAIN.read_text("utf-8")
    assert old in text, old
    return text.replace(old, new, 1)


def line_of(text: str, needle: str) -> int:
    return next(n for n, line in enumerate(text.splitlines(), 1) if needle in line)


def only_error(result):
    errors = [p for p in result.problems if p.severity == "error"]
    assert len(errors) == 1, problems_text(result.problems)
    assert result.chain is None
    return errors[0]


# ---------------------------------------------------------------- refused input, at its line


@pytest.mark.parametrize(
    ("old", "new", "needle", "english", "chinese"),
    [
        (
            "to: f-0007,",
            "to: f-0099,",
            "to: f-0099",
            "there is no family 'f-0099' in the chain",
            "传递链中没有家庭“f-0099”",
        ),
        (
            "{date: 2025-05-10, to: f-0007",
            "{date: 2023-09-01, to: f-0007",
            "2023-09-01",
            "she passes on (2023-09-01) before she received her gift (2023-10-15)",
            "早于她得到礼物的日期",
        ),
        (
            "{date: 2026-11-05, to: f-0010",
            "{date: 2027-01-05, to: f-0010",
            "2027-01-05",
            "2027-01-05 is in the future",
            "是将来的日期",
        ),
        (
            'zhaojue: {en: "Zhaojue County, Sichuan", zh: 四川省昭觉县}',
            'zhaojue: {en: "Zhaojue County, Sichuan", zh: 四川省昭觉县四开乡}',
            "四开乡",
            "is more precise than a county",
            "",
        ),
        (
            "  f-0003:\n",
            "  f-0002:\n",
            "  f-0002:\n",
            "the id 'f-0002' is used twice (first on line",
            "编号“f-0002”用了两次",
        ),
    ],
    ids=["unknown-family", "before-received", "future-date", "below-county", "duplicate-id"],
)
def test_each_mistake_is_refused_at_its_line_in_english_and_chinese(
    tmp_path, old, new, needle, english, chinese
):
    text = changed(old, new)
    problem = only_error(read(tmp_path, text))
    where = [n for n, line in enumerate(text.splitlines(), 1) if needle.strip() in line]
    assert problem.line == where[-1]
    rendered = problem.render(LANGS)
    assert english in rendered
    assert len(rendered.splitlines()) == 2 and re.search(r"[\u4e00-\u9fff]", rendered.splitlines()[1])
    assert chinese in rendered.splitlines()[1]


def test_a_cycle_is_refused_at_the_pass_on_that_closes_it(tmp_path):
    # f-0009 (generation 3) passes back to Jibuguoguo, who started her line.
    text = changed(
        "    cohort: 2026-autumn\n    received: 2026-10-20\n    gift: [piglets, training]\n",
        "    cohort: 2026-autumn\n    received: 2026-10-20\n    gift: [piglets, training]\n"
        "    passed_on:\n      - {date: 2026-11-20, to: jibuguoguo, gift: [piglets]}\n",
    )
    problem = only_error(read(tmp_path, text))
    assert problem.line == line_of(text, "to: jibuguoguo")
    assert "closes a cycle (jibuguoguo → f-0005 → f-0009 → jibuguoguo)" in problem.message
    assert "形成了一个环" in problem.render(LANGS)


def test_a_family_passing_to_herself_is_a_cycle_too(tmp_path):
    text = changed("to: f-0008,", "to: f-0004,")
    assert "f-0004 → f-0004" in only_error(read(tmp_path, text)).message


def test_a_consent_in_the_future_and_an_unknown_county_are_refused(tmp_path):
    text = changed("consent: given 2026-10-12", "consent: given 2027-10-12")
    assert "is dated in the future" in only_error(read(tmp_path, text)).message
    text = changed(
        "    county: meigu\n    cohort: 2023-autumn", "    county: meigu-town\n    cohort: 2023-autumn"
    )
    assert "there is no county 'meigu-town'" in only_error(read(tmp_path, text)).message


def test_the_story_that_names_an_unknown_family_is_refused_at_its_line(project):
    story = project / "content/stories/jibuguoguo.en.md"
    edit(story, "Family: jibuguoguo", "Family: jibuguoguo-2")
    problems = [p for p in content_checks(project) if p.severity == "error"]
    assert len(problems) == 1, problems_text(problems)
    assert problems[0].path == "content/stories/jibuguoguo.en.md"
    assert problems[0].line == line_of(story.read_text("utf-8"), "Family:")
    assert "there is no family 'jibuguoguo-2'" in problems[0].message
    assert "传递礼物链中没有编号为“jibuguoguo-2”的家庭" in problems[0].render(LANGS)


def test_the_real_content_has_no_problem_with_the_chain(project):
    assert not [p for p in content_checks(project) if "chain" in p.message.lower() or "Family" in p.message]


# ---------------------------------------------------------------- figures and privacy, pure


def test_median_rounds_a_half_day_up_and_rates_round_half_up(tmp_path):
    assert median_days([]) is None
    assert median_days([5, 1, 3]) == 3
    assert median_days([1, 2]) == 2  # 1.5 -> 2
    view = chain_view(read(tmp_path, CHAIN.read_text("utf-8")).chain, TODAY)
    rates = {c.id: c.rate_tenths for c in view.cohorts}
    assert rates == {"2023-autumn": 750, "2025-spring": 500, "2026-spring": None, "2026-autumn": None}
    assert view.total.rate == "62.5%"


def test_only_a_family_with_consent_given_is_named_and_a_story_taken_down_hides_her_too(tmp_path):
    chain = read(tmp_path, CHAIN.read_text("utf-8")).chain
    view = chain_view(chain, TODAY)
    assert [f.key for f in view.families if f.named] == ["F0001"]  # Jibuguoguo; f-0004 withdrew
    taken_down = load_sources(
        [
            (
                "content/stories/jibuguoguo.en.md",
                "story",
                (
                    "Title: J\nSlug: jibuguoguo\nLang: en\nConsent: withdrawn 2026-11-30\n"
                    "Family: jibuguoguo\n\nText\n"
                ),
            ),
            # A broken header still names her: the line Markdown would read as text counts.
            (
                "content/stories/other.en.md",
                "story",
                "Slug: other\nConsent: withdrawn\n Family: f-0002\n\nText\n",
            ),
        ]
    )
    assert families_of_taken_down(taken_down) == {"jibuguoguo", "f-0002"}
    hidden = chain_view(chain, TODAY, families_of_taken_down(taken_down))
    assert not [f for f in hidden.families if f.named]
    assert hidden.total == view.total and hidden.generations == view.generations  # she still counts


def test_a_story_of_a_family_without_chain_consent_is_warned_and_reports_must_agree(tmp_path):
    settings = read_settings("pelicanconf.py", root=ROOT)
    loaded = load_gift_chain(settings, [], TODAY)
    chain = loaded.read.chain
    assert pass_ons_between(chain, "left-behind-mothers", dt.date(2026, 4, 1), dt.date(2026, 9, 30)) == 0
    report = load_sources(
        [
            (
                "content/reports/r.en.md",
                "page",
                (
                    "Title: R\nSlug: r\nLang: en\nTemplate: report\nCampaign: left-behind-mothers\n"
                    "Period_start: 2026-04-01\nPeriod_end: 2026-09-30\nGifts_passed_on: 2\n\nText\n"
                ),
            )
        ]
    )
    problems = list(_report_problems(report, loaded, strict=False))
    assert [(p.line, p.severity) for p in problems] == [(8, "warning")]
    assert "Gifts_passed_on: 2, but the Passing on the Gift chain records 0 pass-ons" in problems[0].message
    assert [p.severity for p in _report_problems(report, loaded, strict=True)] == ["error"]


def test_open_data_holds_no_staff_id_no_consent_and_no_name_without_consent(site):
    for name in ("gift-chain.csv", "gift-chain.json"):
        text = site.path(f"/passing-on-the-gift/{name}").read_text("utf-8-sig")
        assert not re.search(r"\bf-00\d\d\b", text), name  # staff ids never leave the build
        assert "consent" not in text.lower() and "given 20" not in text
        assert "Jibuguoguo" in text  # she agreed to be named
    document = json.loads(site.path("/passing-on-the-gift/gift-chain.json").read_text("utf-8"))
    named = [f for f in document["families"] if f["name"]]
    assert [f["family"] for f in named] == ["F0001"]
    assert named[0]["story"] == {"en": "stories/jibuguoguo/", "zh": "zh/stories/jibuguoguo/"}
    assert all(f["story"] is None for f in document["families"] if not f["name"])


# ---------------------------------------------------------------- the built pages


def expected_figures(today: dt.date) -> dict:
    """The figures worked out here, from the YAML alone, another way than haihui.gift_chain."""
    data = yaml.safe_load(CHAIN.read_text("utf-8"))
    families = data["families"]

    def generation(family_id):
        givers = [g for g, f in families.items() for p in f.get("passed_on", []) if p["to"] == family_id]
        return 1 if not givers else 1 + min(generation(g) for g in givers)

    generations: dict[int, int] = {}
    for family_id in families:
        generations[generation(family_id)] = generations.get(generation(family_id), 0) + 1
    cohorts = {}
    for cohort in [*data["cohorts"], "all"]:
        members = [f for f in families.values() if cohort in ("all", f["cohort"])]
        made = [min(p["date"] for p in f["passed_on"]) for f in members if f.get("passed_on")]
        waited = [
            (min(p["date"] for p in f["passed_on"]) - f["received"]).days
            for f in members
            if f.get("passed_on")
        ]
        due = sum(
            1
            for f in members
            if f.get("passed_on") or add_months(f["received"], data["pass_on_due_months"]) <= today
        )
        cohorts[cohort] = {
            "families": len(members),
            "due": due,
            "passed_on": len(made),
            "rate_tenths": round(1000 * len(made) / due + 1e-9) if due else None,
            "median_days": int(statistics.median(waited) + 0.5) if waited else None,
        }
    return {"generations": generations, "cohorts": cohorts, "families": len(families)}


def cell(row, figure):
    value = row.find(attrs={"data-figure": figure})["data-value"]
    return int(value) if value else None


@pytest.mark.parametrize("lang", LANGS)
def test_the_tables_show_the_figures_worked_out_from_the_data(site, lang):
    expected = expected_figures(SITE_DAY)
    assert len(expected["generations"]) >= 3  # the sample: at least three generations
    page = site.soup(f"/{'zh/' if lang == 'zh' else ''}passing-on-the-gift/")
    generations = page.find("table", attrs={"data-chain-table": "generations"})
    shown = {int(r["data-generation"]): cell(r, "families") for r in generations.select("tbody tr")}
    assert shown == expected["generations"]
    assert cell(generations.tfoot, "families") == expected["families"]
    cohorts = page.find("table", attrs={"data-chain-table": "cohorts"})
    for cohort, figures in expected["cohorts"].items():
        row = cohorts.find("tr", attrs={"data-cohort": cohort})
        assert {f: cell(row, f) for f in figures} == figures, cohort
        rate = row.find(attrs={"data-figure": "rate_tenths"}).get_text(strip=True)
        tenths = figures["rate_tenths"]
        assert rate == (f"{tenths // 10}.{tenths % 10}%" if tenths is not None else "–")
    median = cohorts.find("tr", attrs={"data-cohort": "all"}).find(attrs={"data-figure": "median_days"})
    days = expected["cohorts"]["all"]["median_days"]
    assert median.get_text(strip=True) == (f"{days} days" if lang == "en" else f"{days} 天")


@pytest.mark.parametrize("lang", LANGS)
def test_the_drawing_is_an_image_with_title_and_description_and_its_families(site, lang):
    page = site.soup(f"/{'zh/' if lang == 'zh' else ''}passing-on-the-gift/")
    svg = page.find("svg", attrs={"data-chain": True})
    assert svg["role"] == "img" and svg.title.get_text(strip=True) and svg.desc.get_text(strip=True)
    assert svg["aria-labelledby"] == f"{svg.title['id']} {svg.desc['id']}"
    assert not page.find("script", src=True)
    labels = [t.get_text() for t in svg.select("text.chain__label")]
    assert len(svg.select("circle")) == len(labels) == expected_figures(SITE_DAY)["families"]
    assert labels[0] == ("Jibuguoguo" if lang == "en" else "吉布果果")
    anonymous = "a family in Zhaojue County, Sichuan" if lang == "en" else "四川省昭觉县的一户家庭"
    assert anonymous in labels
    description = svg.desc.get_text()
    assert ("Generation 3: 2 families" if lang == "en" else "第 3 代：2 户家庭") in description
    told = page.select("a[data-chain-story]")
    assert [a["href"] for a in told] == [f"/{'zh/' if lang == 'zh' else ''}stories/jibuguoguo/"]


@pytest.mark.parametrize("lang", LANGS)
def test_the_open_data_is_linked_with_the_sha256_of_the_published_bytes(site, lang):
    page = site.soup(f"/{'zh/' if lang == 'zh' else ''}passing-on-the-gift/")
    links = page.select("a[data-open-data]")
    assert [a["data-open-data"] for a in links] == ["gift-chain.csv", "gift-chain.json"]
    for link in links:
        data = site.path(link["href"]).read_bytes()
        shown = page.find("code", attrs={"data-sha256": link["data-open-data"]}).get_text(strip=True)
        assert shown == hashlib.sha256(data).hexdigest()
    rows = list(csv.DictReader(io.StringIO(site.path(links[0]["href"]).read_text("utf-8-sig"))))
    assert sum(r["record"] == "received" for r in rows) == expected_figures(SITE_DAY)["families"]


@pytest.mark.parametrize("lang", LANGS)
def test_her_story_links_the_families_before_and_after_her(site, lang):
    story = site.soup(f"/{'zh/' if lang == 'zh' else ''}stories/jibuguoguo/")
    aside = story.find("aside", class_="chain-story")
    passed = aside.select("[data-passed-to]")
    assert [p["data-passed-to"] for p in passed] == ["F0005", "F0006"]
    assert not aside.select("a[data-passed-to]")  # neither agreed to be named: no name, no link
    county = "Daliang Mountains, Sichuan" if lang == "en" else "四川大凉山"
    assert county in passed[0].get_text()
    assert not aside.select("[data-received-from]")  # her gift came from Haihui
    assert "2023" in aside.get_text()
    assert not site.soup("/stories/adiniuniu/").find("aside", class_="chain-story")  # no Family: line


def test_no_output_file_names_a_family_that_withdrew(site):
    for path in site.root.rglob("*"):
        if path.is_file() and path.suffix in {".html", ".xml", ".csv", ".json", ".txt"}:
            text = path.read_text("utf-8", errors="replace")
            assert not any(name in text for name in WITHDRAWN_NAMES), path


# ---------------------------------------------------------------- 10,000 families


@pytest.fixture(scope="module")
def big_view():
    return synthetic_chain(BIG)


def render_figure(view, drawing, lang: str) -> str:
    """partials/gift-chain-figure.html as the page includes it (no catalog: English)."""
    env = Environment(
        loader=FileSystemLoader(ROOT / "theme/templates"),
        extensions=["jinja2.ext.i18n"],
        autoescape=True,
        trim_blocks=True,
        lstrip_blocks=True,
    )
    env.install_null_translations(newstyle=True)
    env.filters["count"] = lambda n: format_decimal(n, locale="en")
    return env.get_template("partials/gift-chain-figure.html").render(view=view, drawing=drawing, lang=lang)


def test_at_10000_families_the_drawing_summarises_and_the_page_stays_within_its_budget(
    tmp_path, big_view, site
):
    # The data as YAML would give it: the file's rules are tested above, the drawing's size here.
    view = chain_view(GiftChain.model_validate(big_view), TODAY)
    assert len(view.families) == BIG and len(view.generations) >= 3
    drawing = chain_drawing(view, 40)
    assert drawing.mode == "summary"
    assert len(drawing.bars) == len(view.generations) + len(view.cohorts)  # not one per family
    html = render_figure(view, drawing, "en")
    assert html.count("<rect") == len(drawing.bars) and "<circle" not in html
    figure = len(gzip.compress(html.encode(), compresslevel=6))
    # The rest of the page: the real page as built (which holds a small chain, counted twice
    # here on purpose) and its stylesheet.
    page = len(gzip.compress(site.path("/passing-on-the-gift/").read_bytes(), compresslevel=6))
    css = sum(len(gzip.compress(p.read_bytes(), compresslevel=6)) for p in site.root.glob("theme/css/*.css"))
    assert figure + page + css <= PAGE_BUDGET, (figure, page, css)
    # Readable: every bar's label and value are text, the smallest bar still visible.
    assert min(bar.bar_width for bar in drawing.bars) >= 1


def test_the_synthetic_chain_is_a_valid_file_with_its_own_figures(tmp_path):
    text = synthetic_chain_yaml(300)
    result = read(tmp_path, text)
    assert not result.problems, problems_text(result.problems)
    assert result.chain == GiftChain.model_validate(synthetic_chain(300))
    assert len(chain_view(result.chain, TODAY).generations) >= 3


def test_small_chains_draw_every_family_and_the_limit_switches(tmp_path):
    view = chain_view(read(tmp_path, CHAIN.read_text("utf-8")).chain, TODAY)
    assert chain_drawing(view, len(view.families)).mode == "families"
    assert chain_drawing(view, len(view.families) - 1).mode == "summary"
    drawing = chain_drawing(view, 40)
    # Each family's row sits one generation further in than her giver's.
    rows = {node.family.key: node for node in drawing.nodes}
    for node in drawing.nodes:
        if node.link:
            assert node.x == min(rows[g].x for g in node.family.givers) + 22


# ---------------------------------------------------------------- two builds


def test_a_refused_chain_stops_the_build_with_output_untouched(broken):
    before = tree_digest(broken / "output")
    path = broken / "content/data/gift-chain.yaml"
    edit(path, "to: f-0008,", "to: f-0004,")  # she passes to herself
    result = run_pelican("pelicanconf.py", broken / "output", cwd=broken)
    messages = result.stdout + result.stderr
    assert result.returncode != 0 and "Traceback" not in messages
    line = line_of(path.read_text("utf-8"), "to: f-0004")
    assert f"content/data/gift-chain.yaml:{line}:" in messages
    assert "closes a cycle" in messages and "形成了一个环" in messages
    assert tree_digest(broken / "output") == before


def test_a_story_taken_down_takes_her_name_out_of_the_chain_everywhere(broken):
    for lang in LANGS:
        edit(broken / f"content/stories/jibuguoguo.{lang}.md", "Consent: given", "Consent: withdrawn")
    result = run_pelican("pelicanconf.py", broken / "output", cwd=broken)
    assert result.returncode == 0, result.stdout + result.stderr
    output = broken / "output"
    chain_files = [*output.glob("passing-on-the-gift/*"), *output.glob("zh/passing-on-the-gift/*")]
    assert len(chain_files) == 4  # the page in two languages, the CSV and the JSON
    for path in chain_files:
        text = path.read_text("utf-8-sig")
        assert "Jibuguoguo" not in text and "吉布果果" not in text and "stories/jibuguoguo" not in text, path
    page = (output / "passing-on-the-gift/index.html").read_text("utf-8")
    assert f'data-value="{expected_figures(SITE_DAY)["families"]}"' in page  # she still counts
    assert not (output / "stories/jibuguoguo").exists()


@pytest.mark.parametrize("guide", ["docs/staff-guide.md", "docs/staff-guide.zh.md"])
def test_the_staff_guides_explain_how_to_record_a_pass_on(guide):
    text = (ROOT / guide).read_text("utf-8")
    section = text[text.index("## 13.") :]
    for words in (
        "gift-chain.yaml",
        "passed_on:",
        "to: f-0014",
        "Family: f-0014",
        "consent: given",
        "withdrawn",
    ):
        assert words in section, f"{guide} does not explain {words}"


def test_a_name_written_as_markup_is_drawn_as_text(tmp_path):
    """The drawing is the theme's SVG, filled from staff data: a name is text, never markup."""
    payload = '<script>alert(1)</script>"><svg onload=alert(1)>'
    text = changed("name: {en: Jibuguoguo,", f"name: {{en: {json.dumps(payload)},")
    view = chain_view(read(tmp_path, text).chain, TODAY)
    html = render_figure(view, chain_drawing(view, 40), "en")
    soup = BeautifulSoup(html, "html.parser")
    assert soup.find("script") is None
    assert [e.name for e in soup.find_all(True) if any(a.lower().startswith("on") for a in e.attrs)] == []
    assert payload in soup.get_text()
