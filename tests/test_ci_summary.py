"""What a pull request shows staff: `make preview --summary FILE` (the job summary GitHub shows),
the annotations, and the workflow that runs preview on pull requests and publish on main."""

import os
import shutil
import subprocess
from pathlib import Path

import pytest
import yaml

from conftest import edit, run_invoke, tree_digest
from haihui.build import ROOT
from haihui.build.summary import annotations, as_warnings, summary_markdown
from haihui.problems import WARNING, Problem, msg
from haihui.settings import DEFAULTS

STORY = "content/stories/jibuguoguo.en.md"
DATE = Problem.of(
    STORY,
    5,
    msg("{field}: {what}", field="Date", what=msg("'{value}' is not a date", value="soon")),
    msg("write it as YYYY-MM-DD, e.g. 2026-11-28"),
)
SAMPLE = Problem(
    "content/stories/adiniuniu.en.md",
    10,
    "Consent_form: this is a sample consent record, not a real one",
    "before publishing, write the day she gave consent (Consent) and where her signed form is kept "
    "(Consent_form)",
    WARNING,
)


# ---------------------------------------------------------------- the summary, as a function


def test_an_error_makes_a_red_summary_with_the_file_line_and_both_languages():
    text = summary_markdown("make preview", [DATE, SAMPLE], passed=False, languages=("en", "zh"))
    first = text.splitlines()[0]
    assert first.startswith("## ❌ `make preview`: 1 error(s), 1 warning(s)")
    assert "Red: the build failed" in text and "红色" in text
    error = next(line for line in text.splitlines() if line.startswith(f"- `{STORY}:5`"))
    assert "Date: 'soon' is not a date; write it as YYYY-MM-DD" in error
    assert "Date：“soon”不是日期" in error
    assert text.index("### ❌ Errors / 错误") < text.index(STORY) < text.index("### ⚠️ Warnings / 警告")


def test_warnings_only_make_a_green_summary_that_marks_what_blocks_publishing():
    strict = [Problem(SAMPLE.path, SAMPLE.line, SAMPLE.message_id, SAMPLE.fix_id)]  # an error when publishing
    text = summary_markdown(
        "make preview", [SAMPLE], passed=True, refused_by_publish=strict, languages=("en", "zh")
    )
    assert text.startswith("## ⚠️ `make preview`: 0 error(s), 1 warning(s)")
    assert "Green, with warnings (yellow)" in text and "绿色" in text
    warned = next(
        line for line in text.splitlines() if line.startswith("- `content/stories/adiniuniu.en.md:10`")
    )
    assert "**blocks publishing / 会阻止正式发布**" in warned
    assert "Errors" not in text


def test_what_only_the_public_build_refuses_is_listed_too():
    only_publish = Problem("content/pages/about.en.md", 3, "Image_alt: missing", "describe the picture")
    text = summary_markdown(
        "make preview", [], passed=True, refused_by_publish=[only_publish], languages=("en",)
    )
    assert (
        "`content/pages/about.en.md:3` **blocks publishing** Image_alt: missing; describe the picture" in text
    )


def test_a_clean_build_is_green_and_a_crash_shows_the_end_of_the_log():
    clean = summary_markdown("make publish", [], passed=True, languages=("en", "zh"))
    assert clean.startswith("## ✅ `make publish`: 0 error(s), 0 warning(s)")
    log = "\n".join(f"line {n}" for n in range(100)) + "\njinja2.exceptions.TemplateSyntaxError: ```"
    crashed = summary_markdown("make publish", [], passed=False, log=log, languages=("en",))
    assert "line 99" in crashed and "line 10\n" not in crashed
    assert crashed.count("```") == 2, "the log cannot end its code block early"


def test_the_summary_escapes_html_in_messages():
    link = Problem(
        "about/index.html",
        2,
        "the built page has an empty {what}",
        "correct it",
        params=(("what", "<a href>"),),
    )
    text = summary_markdown("make preview", as_warnings([link]), passed=True, languages=("en",))
    assert "&lt;a href&gt;" in text and "<a href>" not in text


def test_annotations_point_at_the_line_in_both_languages_and_are_escaped(tmp_path):
    (tmp_path / "content/stories").mkdir(parents=True)
    (tmp_path / STORY).write_text("x", "utf-8")
    percent = Problem(
        "output-only/index.html", 1, "100% of {what}", "x", WARNING, params=(("what", "a, b: c"),)
    )
    error, warning = annotations([DATE, percent], tmp_path, languages=("en", "zh"))
    assert error.startswith(f"::error file={STORY},line=5::Date: 'soon' is not a date")
    assert "%0ADate：“soon”不是日期" in error and "\n" not in error
    assert warning.startswith("::warning::100%25 of a, b: c")


# ---------------------------------------------------------------- `invoke preview --summary`, as CI runs it


def invoke(project: Path, *args: str) -> subprocess.CompletedProcess:
    return run_invoke(project, *args, env=dict(os.environ, GITHUB_ACTIONS="true"))


@pytest.fixture
def staff_copy(broken) -> Path:
    shutil.copy2(ROOT / "tasks.py", broken / "tasks.py")
    return broken


def test_a_pull_request_with_a_content_mistake_is_red_with_the_staff_message(staff_copy, tmp_path):
    project = staff_copy
    before = tree_digest(project / "output")
    edit(project / STORY, "Date: 2026-10-12", "Date: soon")
    summary = tmp_path / "step_summary"
    summary.write_text("(an earlier step's summary)\n", "utf-8")
    result = invoke(project, "preview", "--summary", str(summary))
    assert result.returncode != 0
    text = summary.read_text("utf-8")
    assert text.startswith("(an earlier step's summary)\n## ❌ `make preview`: 1 error(s)"), text[:300]
    line = next(
        n for n, text in enumerate((project / STORY).read_text("utf-8").splitlines(), 1) if "soon" in text
    )
    assert f"- `{STORY}:{line}` Date: 'soon' is not a date; write it as YYYY-MM-DD, e.g. 2026-11-28" in text
    assert "Date：“soon”不是日期" in text
    assert f"::error file={STORY},line={line}::Date: 'soon' is not a date" in result.stdout
    assert tree_digest(project / "output") == before


def test_a_pull_request_with_only_the_sample_data_is_green_with_yellow_warnings(staff_copy, tmp_path):
    summary = tmp_path / "step_summary"
    result = invoke(staff_copy, "preview", "--summary", str(summary))
    assert result.returncode == 0, result.stdout + result.stderr
    text = summary.read_text("utf-8")
    assert text.startswith("## ⚠️ `make preview`: 0 error(s),")
    assert "sample consent record" in text and "示例同意记录" in text
    assert "blocks publishing / 会阻止正式发布" in text
    assert "::warning file=content/stories/adiniuniu.en.md,line=" in result.stdout


def test_main_publishing_the_sample_data_is_red_with_each_refusal_in_the_summary(staff_copy, tmp_path):
    summary = tmp_path / "step_summary"
    before = tree_digest(staff_copy / "output")
    result = invoke(staff_copy, "publish", "--summary", str(summary))
    assert result.returncode != 0
    text = summary.read_text("utf-8")
    assert text.startswith("## ❌ `make publish`:")
    assert "sample consent record" in text and "示例同意记录" in text
    assert tree_digest(staff_copy / "output") == before


# ---------------------------------------------------------------- the workflow


def steps_of(workflow: dict) -> dict[str, dict]:
    return {step.get("name", step.get("uses", "")): step for step in workflow["jobs"]["build"]["steps"]}


def step_running(workflow: dict, command: str) -> dict:
    return next(step for step in steps_of(workflow).values() if command in step.get("run", ""))


def test_pull_requests_preview_and_test_and_main_tests_publishes_and_deploys():
    workflow = yaml.safe_load((ROOT / ".github/workflows/site.yml").read_text("utf-8"))
    preview = step_running(workflow, "make preview")
    assert '--summary "$GITHUB_STEP_SUMMARY"' in preview["run"]
    assert preview["if"] == "github.ref != 'refs/heads/main'"
    tests = step_running(workflow, "make test")
    assert tests["if"] == "${{ !cancelled() }}", "the tests run after a failed preview too"
    publish = step_running(workflow, "make publish")
    assert publish["if"] == "github.ref == 'refs/heads/main'"
    assert '--summary "$GITHUB_STEP_SUMMARY"' in publish["run"]
    names = list(steps_of(workflow))
    upload = next(n for n in names if "upload-pages-artifact" in steps_of(workflow)[n].get("uses", ""))
    assert (
        names.index(step_running(workflow, "make test")["name"])
        < names.index(publish["name"])
        < names.index(upload)
    )
    assert workflow["jobs"]["deploy"]["needs"] == "build"


def test_main_commits_the_record_of_fund_use_releases_only_after_the_deploy():
    """Without it the hash chain of published fund-use periods would be lost with the runner."""
    workflow = yaml.safe_load((ROOT / ".github/workflows/site.yml").read_text("utf-8"))
    steps = steps_of(workflow).values()
    kept = next(s for s in steps if s.get("uses", "").startswith("actions/upload-artifact"))
    record = f"content/{DEFAULTS['FUND_USE_RELEASES_FILE']}"  # pelicanconf's PATH is content
    assert kept["with"]["path"] == record
    deploy = workflow["jobs"]["deploy"]
    assert deploy["permissions"]["contents"] == "write"
    steps = deploy["steps"]
    deployed = next(i for i, s in enumerate(steps) if s.get("uses", "").startswith("actions/deploy-pages"))
    commit = next(i for i, s in enumerate(steps) if "git push" in s.get("run", ""))
    assert deployed < commit
    assert f"git add {record}" in steps[commit]["run"]


@pytest.mark.parametrize("guide", ["docs/staff-guide.md", "docs/staff-guide.zh.md"])
def test_the_staff_guides_say_what_yellow_and_red_mean_and_when_to_merge(guide):
    text = (ROOT / guide).read_text("utf-8")
    words = (
        ("yellow", "red", "blocks publishing", "Summary", "merge")
        if guide.endswith("guide.md")
        else ("黄色", "红色", "会阻止正式发布", "Summary", "合并")
    )
    for word in words:
        assert word in text, f"{guide} does not explain {word!r}"
