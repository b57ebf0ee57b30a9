"""Fund use over time (issue 14, part 3): every period, the chain of releases, corrections;
honest attribution on the tiers (part 4). In-process over the real fund-use.yaml (milliseconds),
the built site (the session's `site`), and one build that refuses a quiet edit."""

import csv
import hashlib
import io
import json
from datetime import date
from pathlib import Path

import pytest

from conftest import ROOT, edit, problems_text, run_pelican, tree_digest
from haihui.build import _record_releases
from haihui.giving.fund_use import read_fund_use
from haihui.giving.history import load_history
from haihui.giving.open_data import csv_words
from haihui.giving.tiers import compute_tiers
from haihui.settings import DEFAULTS, read_settings

DATA = ROOT / "content/data/fund-use.yaml"
SETTINGS = read_settings("pelicanconf.py", root=ROOT)  # the theme's catalogs, LANGUAGES, FUND_USE_*
LANGS = tuple(SETTINGS["LANGUAGES"])
EARLIER = "2025-01-01/2025-12-31"
LATEST = "2026-01-01/2026-09-30"
TODAY = date(2026, 12, 1)


def history_of(folder: Path, text: str | None = None, today: date = TODAY):
    """The history of fund-use.yaml (the real one, or `text`) in `folder`, with the releases
    recorded there (folder/data/fund-use-releases.json), and every problem."""
    data = folder / "data/fund-use.yaml"
    data.parent.mkdir(parents=True, exist_ok=True)
    data.write_text(text if text is not None else DATA.read_text("utf-8"), "utf-8")
    fund_use, problems, source = read_fund_use(data, LANGS)
    assert fund_use is not None, problems_text(problems)
    settings = {**SETTINGS, "PATH": str(folder)}
    history, more = load_history(fund_use, settings, today, data, source, csv_words(settings))
    return history, problems + more


def publish(folder: Path, history) -> None:
    """What `make publish` keeps: the manifest it published, as the record of releases."""
    (folder / "data/fund-use-releases.json").write_bytes(history.manifest.data)


def errors(problems) -> list:
    return [p for p in problems if p.severity == "error"]


@pytest.fixture
def published(tmp_path):
    """A folder whose two periods were published, as the real data stands."""
    history, problems = history_of(tmp_path)
    assert not errors(problems)
    publish(tmp_path, history)
    return tmp_path


def yaml_text() -> str:
    return DATA.read_text("utf-8")


def line_of(text: str, fragment: str) -> int:
    return text[: text.index(fragment)].count("\n") + 1


# ---------------------------------------------------------------- periods, files, manifest


def test_every_period_has_its_files_and_each_release_names_the_hash_of_the_one_before(tmp_path):
    history, problems = history_of(tmp_path)
    assert not errors(problems), problems_text(problems)
    assert [v.key for v in history.periods] == [EARLIER, LATEST]
    assert [f.url for f in history.files] == [
        "fund-use/periods/2025-01-01_2025-12-31.csv",
        "fund-use/periods/2025-01-01_2025-12-31.json",
        "fund-use/periods/2026-01-01_2026-09-30.csv",
        "fund-use/periods/2026-01-01_2026-09-30.json",
        "fund-use/releases.json",
    ]
    manifest = json.loads(history.manifest.data)["releases"]
    assert [(r["number"], r["period"], r["published"]) for r in manifest] == [
        (1, EARLIER, "2026-12-01"),
        (2, LATEST, "2026-12-01"),
    ]
    for release, view in zip(manifest, history.periods, strict=True):
        assert release["sha256"] == hashlib.sha256(view.json_file.data).hexdigest()
        assert release["csv_sha256"] == hashlib.sha256(view.files[0].data).hexdigest()
        assert release["figures"] == view.figures
    assert manifest[0]["previous_sha256"] is None
    assert manifest[1]["previous_sha256"] == manifest[0]["sha256"]


def test_a_corrected_figure_is_in_the_period_files_with_what_it_replaced(tmp_path):
    history, _ = history_of(tmp_path)
    earlier = history.periods[0]
    document = json.loads(earlier.json_file.data)
    assert [(c["field"], c["old_fen"], c["new_fen"]) for c in document["corrections"]] == [
        ("expenditure.categories.training.amount_fen", 950000, 1000000),
        ("expenditure.total_fen", 9030000, 9080000),
    ]
    assert set(document["corrections"][0]["why"]) == set(LANGS)
    rows = {
        (r["section"], r["id"]): r
        for r in csv.DictReader(io.StringIO(earlier.files[0].data.decode("utf-8-sig")))
    }
    assert rows[("expenditure", "training")]["corrected_from_fen"] == "950000"
    assert rows[("expenditure", "training")]["corrected_on"] == "2026-02-10"
    assert rows[("expenditure", "piglets")]["corrected_from_fen"] == ""
    assert int(rows[("balance", "carried-forward")]["amount_fen"]) == 9850000 - 9080000


def test_what_changed_since_the_previous_period_is_each_category_and_total(tmp_path):
    history, _ = history_of(tmp_path)
    income, expenditure = history.changes
    assert (income.name, expenditure.name) == ("income", "expenditure")
    by_id = {row.id: row for row in expenditure.rows}
    assert (by_id["training"].before_fen, by_id["training"].after_fen, by_id["training"].change_fen) == (
        1000000,
        1200000,
        200000,
    )
    assert by_id["total"].change_fen == 11140000 - 9080000
    assert sum(r.change_fen for r in income.rows if r.id != "total") == income.rows[-1].change_fen


def test_publishing_the_same_figures_again_adds_no_release(published):
    history, problems = history_of(published, today=date(2027, 1, 5))
    assert not errors(problems)
    assert len(history.releases) == 2
    assert history.manifest.data == (published / "data/fund-use-releases.json").read_bytes()


def test_a_new_period_is_a_new_release_chained_to_the_last(published):
    # A changed status (sample -> draft) is a new release of the period, no figure changed.
    text = yaml_text().replace("status: sample\nperiod:", "status: draft\nperiod:", 1)
    history, problems = history_of(published, text, today=date(2027, 1, 5))
    assert not errors(problems), problems_text(problems)
    releases = [r.record() for r in history.releases]
    assert [(r["number"], r["period"], r["published"]) for r in releases][-1] == (3, LATEST, "2027-01-05")
    assert releases[2]["previous_sha256"] == releases[1]["sha256"]


# ---------------------------------------------------------------- quiet edits and corrections


def test_a_quietly_edited_published_figure_is_refused_at_its_line(published):
    text = yaml_text()
    edited = text.replace("amount_fen: 3900000", "amount_fen: 3800000", 1).replace(
        "total_fen: 9080000", "total_fen: 8980000", 1
    )
    _, problems = history_of(published, edited)
    found = errors(problems)
    shown = problems_text(found)
    # Both figures, and the sample correction of the total, whose `new` is no longer the figure.
    assert len([p for p in found if "was published as" in p.message]) == 2, shown
    piglets = next(p for p in found if "piglets" in p.message)
    assert piglets.line == line_of(edited, "amount_fen: 3800000")
    assert piglets.path.endswith("fund-use.yaml")
    for fragment in (
        "expenditure.categories.piglets.amount_fen of the period 2025-01-01/2025-12-31",
        "was published as 3900000",
        "(release 1, 2026-12-01) and is now 3800000",
        "old: 3900000, new: 3800000",
        "已公布的数字只能通过更正来修改",
    ):
        assert fragment in shown, fragment
    # The build's message carries the same in Chinese.
    assert "公布时为 3900000" in piglets.text_in("zh")


CORRECTIONS = """  - date: 2026-12-20
    period: 2025-01-01/2025-12-31
    field: expenditure.categories.piglets.amount_fen
    old: 3900000
    new: 3800000
    why: {en: A piglet invoice was counted twice., zh: 一张猪仔发票被重复计算。}
  - date: 2026-12-20
    period: 2025-01-01/2025-12-31
    field: expenditure.total_fen
    old: 9080000
    new: 8980000
    why: {en: The total without the invoice counted twice., zh: 去掉重复计算的发票后的总额。}
"""


def corrected_text() -> str:
    text = yaml_text()
    text = text.replace("amount_fen: 3900000", "amount_fen: 3800000", 1)
    text = text.replace("total_fen: 9080000", "total_fen: 8980000", 1)
    return text.rstrip("\n") + "\n" + CORRECTIONS


def test_a_corrected_published_figure_is_a_new_release_with_its_note(published):
    history, problems = history_of(published, corrected_text(), today=date(2026, 12, 21))
    assert not errors(problems), problems_text(problems)
    releases = [r.record() for r in history.releases]
    assert len(releases) == 3
    assert releases[2]["period"] == EARLIER and releases[2]["previous_sha256"] == releases[1]["sha256"]
    assert releases[2]["figures"]["expenditure.categories.piglets.amount_fen"] == 3800000
    assert [c["new_fen"] for c in releases[2]["corrections"]] == [1000000, 9080000, 3800000, 8980000]
    shown = history.corrections()
    assert [(c.correction.date.isoformat(), c.names.get("en")) for c in shown[:2]] == [
        ("2026-12-20", None),
        ("2026-12-20", "Premium black piglets"),
    ]
    # Published: the next build finds nothing new and nothing wrong.
    publish(published, history)
    again, problems = history_of(published, corrected_text(), today=date(2027, 1, 5))
    assert not errors(problems) and len(again.releases) == 3


@pytest.mark.parametrize(
    ("change", "fragments"),
    [
        (
            lambda t: t.replace("old: 3900000", "old: 3950000"),
            [
                "the correction says expenditure.categories.piglets.amount_fen was 3950000",
                "published 3900000",
            ],
        ),
        (
            lambda t: t.replace("new: 3800000", "new: 3700000"),
            ["says expenditure.categories.piglets.amount_fen is now 3700000", "figure is 3800000"],
        ),
        (
            lambda t: t.replace(
                "period: 2025-01-01/2025-12-31\n    field: expenditure.categories.piglets",
                "period: 2025-01-01/2025-12-30\n    field: expenditure.categories.piglets",
            ),
            ["there is no period '2025-01-01/2025-12-30'", "2025-01-01/2025-12-31, 2026-01-01/2026-09-30"],
        ),
        (
            lambda t: t.replace(
                "field: expenditure.categories.piglets.amount_fen",
                "field: expenditure.categories.piglet.amount_fen",
            ),
            [
                "has no figure 'expenditure.categories.piglet.amount_fen'",
                "did you mean 'expenditure.categories.piglets.amount_fen'",
            ],
        ),
        (
            lambda t: t.replace("old: 950000\n", "old: 940000\n"),
            ["a correction of the period 2025-01-01/2025-12-31 published in release 1", "changed or removed"],
        ),
    ],
    ids=[
        "wrong old value",
        "new value not in the period",
        "unknown period",
        "unknown field",
        "published note edited",
    ],
)
def test_a_correction_that_does_not_hold_is_refused(published, change, fragments):
    _, problems = history_of(published, change(corrected_text()))
    shown = problems_text(errors(problems))
    assert errors(problems)
    for fragment in fragments:
        assert fragment in shown, f"{fragment!r} not in {shown}"


def test_a_correction_of_a_figure_that_did_not_change_is_refused(published):
    text = (
        yaml_text().rstrip("\n")
        + "\n"
        + CORRECTIONS.split(
            "  - date: 2026-12-20\n    period: 2025-01-01/2025-12-31\n    field: expenditure.total_fen",
            maxsplit=1,
        )[0]
    )
    _, problems = history_of(published, text)
    assert "the period's figure is 3900000" in problems_text(errors(problems))


def test_a_published_period_cannot_be_removed_nor_the_record_tampered_with(published):
    text = yaml_text()
    start = text.index("earlier_periods:")
    end = text.index("# Corrections of published figures")
    _, problems = history_of(
        published,
        text[:start] + "earlier_periods: []\n\n" + text[end:].split("corrections:")[0] + "corrections: []\n",
    )
    assert (
        "the period 2025-01-01/2025-12-31 was published (release 1, 2026-12-01) and is no longer here"
        in problems_text(problems)
    )
    record = published / "data/fund-use-releases.json"
    document = json.loads(record.read_text("utf-8"))
    document["releases"][0]["sha256"] = "0" * 64
    record.write_text(json.dumps(document), "utf-8")
    _, problems = history_of(published)
    assert "the chain of releases is broken at release 2" in problems_text(errors(problems))
    record.write_text("{not json", "utf-8")
    _, problems = history_of(published)
    assert "not valid JSON" in problems_text(errors(problems)) and errors(problems)[0].line == 1


def test_periods_are_listed_oldest_first_without_overlap(tmp_path):
    text = yaml_text().replace(
        "period: {start: 2025-01-01, end: 2025-12-31}", "period: {start: 2025-01-01, end: 2026-01-31}"
    )
    fund_use, problems, _ = read_fund_use(_write(tmp_path, text), LANGS)
    assert fund_use is None
    assert "starts on 2026-01-01, before the previous period ends (2026-01-31)" in problems_text(problems)


def _write(folder: Path, text: str) -> Path:
    path = folder / "fund-use.yaml"
    path.write_text(text, "utf-8")
    return path


def test_make_publish_keeps_the_manifest_it_published(tmp_path):
    (tmp_path / "output/fund-use").mkdir(parents=True)
    (tmp_path / "output/fund-use/releases.json").write_text('{"releases": []}\n', "utf-8")
    settings = {
        "PATH": str(tmp_path / "content"),
        **{k: v for k, v in DEFAULTS.items() if k.startswith("FUND_USE_")},
    }
    _record_releases(tmp_path / "output", settings, tmp_path)
    assert (tmp_path / "content/data/fund-use-releases.json").read_text("utf-8") == '{"releases": []}\n'


# ---------------------------------------------------------------- honest attribution


def test_each_tier_says_what_part_is_earmarked_and_how_the_rest_is_pooled():
    fund_use, _, _ = read_fund_use(DATA, LANGS)
    assert fund_use is not None
    words = fund_use.campaigns["left-behind-mothers"].attribution
    assert words is not None and words.sample
    for tier in compute_tiers(fund_use):
        assert tier.attribution is not None
        if tier.amount_fen is not None:
            assert tier.attribution.earmarked_fen == tier.amount_fen
            assert tier.attribution.texts == words.when_met
        else:
            assert tier.attribution.earmarked_fen == 0
            assert tier.attribution.texts == words.pooled


def test_attribution_words_are_needed_in_every_language(tmp_path):
    text = yaml_text()
    start = text.index("      pooled:\n")
    zh = text.index("        zh:", start)
    broken = text[:zh] + text[text.index("\n", zh) + 1 :]
    _, problems, _ = read_fund_use(_write(tmp_path, broken), LANGS)
    assert "campaigns.left-behind-mothers.attribution.pooled: has no text in 'zh'" in problems_text(problems)


@pytest.mark.parametrize("lang", LANGS)
def test_every_tier_card_shows_its_attribution_from_the_data(site, lang):
    fund_use, _, _ = read_fund_use(DATA, LANGS)
    assert fund_use is not None
    tiers = {t.id: t for t in compute_tiers(fund_use)}
    url = f"{'' if lang == 'en' else '/zh'}/campaigns/left-behind-mothers/"
    cards = site.soup(url).select("main li.tier")
    assert len(cards) == len(tiers)
    for card in cards:
        tier = tiers[card["data-tier"]]
        note = card.select_one(".tier__attribution")
        assert tier.attribution is not None
        assert tier.attribution.texts[lang] in " ".join(note.get_text().split())
        earmarked = note.select_one("[data-figure$='.earmarked_fen']")
        if tier.amount_fen:
            assert int(earmarked["data-value"]) == tier.amount_fen
        else:
            assert earmarked is None
        assert note.select_one(".tag") is not None  # sample wording, marked


# ---------------------------------------------------------------- the fund-use page


@pytest.mark.parametrize("lang", LANGS)
def test_the_fund_use_page_shows_changes_corrections_and_links_every_earlier_period(site, lang):
    soup = site.soup(f"{'' if lang == 'en' else '/zh'}/fund-use/")
    changes = soup.select_one("table[data-changes='expenditure']")
    training = changes.select_one("tr[data-category='training']")
    assert [int(d["data-value"]) for d in training.select("[data-figure]")] == [1000000, 1200000, 200000]
    assert "+" in training.get_text()
    notes = soup.select("#corrections li[data-correction]")
    assert [n["data-correction"] for n in notes] == ["1", "0"]
    assert "950000" in [d["data-value"] for d in notes[1].select("data")]
    assert ("示例更正" in notes[1].get_text()) == (lang == "zh")
    links = {a["data-open-data"]: a["href"] for a in soup.select("[data-open-data]")}
    for name in (
        "2025-01-01_2025-12-31.json",
        "2025-01-01_2025-12-31.csv",
        "2026-01-01_2026-09-30.json",
        "releases.json",
    ):
        data = site.path(links[name]).read_bytes()
        assert (
            soup.select_one(f"[data-sha256='{name}']").get_text(strip=True)
            == hashlib.sha256(data).hexdigest()
        )
    manifest = json.loads(site.path(links["releases.json"]).read_text("utf-8"))["releases"]
    for release in manifest:
        assert release["sha256"] == hashlib.sha256(site.path(release["json"]).read_bytes()).hexdigest()
    assert [r["previous_sha256"] for r in manifest[1:]] == [r["sha256"] for r in manifest[:-1]]


def test_a_build_refuses_a_quietly_edited_period_and_keeps_output(broken):
    """The one full build of this file: a published period edited without a correction."""
    record = broken / "content/data/fund-use-releases.json"
    record.write_bytes((broken / "output/fund-use/releases.json").read_bytes())
    before = tree_digest(broken / "output")
    edit(broken / "content/data/fund-use.yaml", "amount_fen: 3900000", "amount_fen: 3800000")
    edit(broken / "content/data/fund-use.yaml", "total_fen: 9080000", "total_fen: 8980000")
    result = run_pelican("pelicanconf.py", broken / "output", cwd=broken)
    messages = result.stdout + result.stderr
    assert result.returncode != 0
    assert "content/data/fund-use.yaml" in messages
    assert "was published as 3900000" in messages and "公布时为 3900000" in messages
    assert "Traceback" not in messages
    assert tree_digest(broken / "output") == before
