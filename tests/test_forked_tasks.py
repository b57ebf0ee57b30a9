"""The tests run the staff tasks as forks of a prewarmed process (`run_invoke`, tests/conftest.py):
a forked task must end, print and leave files exactly as `python -m invoke` in a new Python does,
or the tests would judge something staff never run."""

import re
import shutil
import subprocess
import sys

import pytest

from conftest import copy_project, edit, invoke_in_new_python, run_invoke, tree_digest
from haihui.build import ROOT

STORY = "content/stories/jibuguoguo.en.md"


def as_read(text: str, project) -> str:
    """What a reader takes from a task's output: not the clock's time on Pelican's log lines
    (nor the padding that stands in for a repeated one), the seconds taken, or the folder."""
    text = re.sub(r"\[\d\d:\d\d:\d\d\]", "", text.replace(str(project), "PROJECT"))
    return " ".join(re.sub(r"\d+\.\d+ s", "N s", text).split())


@pytest.mark.parametrize(
    "args",
    [
        ["check"],  # a content mistake: exit 1, the staff message on stdout and stderr
        ["new-story", "--slug", "jibuguoguo", "--name-en", "X", "--name-zh", "某"],  # sys.exit("...")
        ["build"],  # a build the task starts: a fork of the forked task
    ],
    ids=["check", "new-story", "build"],
)
def test_a_forked_task_ends_and_prints_as_in_a_new_python(tmp_path, args):
    runs = {}
    for how, run in (("fork", run_invoke), ("new Python", invoke_in_new_python)):
        project = copy_project(tmp_path / how.replace(" ", "-"))
        shutil.copy2(ROOT / "tasks.py", project / "tasks.py")
        edit(project / STORY, "Date: 2026-10-12", "Date: soon")
        result = run(project, *args)
        runs[how] = (
            result.returncode,
            as_read(result.stdout, project),
            as_read(result.stderr, project),
            tree_digest(project / "content"),
        )
    fork, new = runs["fork"], runs["new Python"]
    assert fork[0] == new[0] != 0, (fork, new)
    assert fork[1:] == new[1:]


def test_a_new_python_in_a_project_copy_runs_this_checkouts_core(tmp_path):
    """What a real-process build or task imports there (in a worktree, not the main checkout's)."""
    project = copy_project(tmp_path / "project")
    seen = subprocess.run(
        [sys.executable, "-c", "import haihui; print(haihui.__file__)"],
        cwd=project,
        capture_output=True,
        text=True,
        check=True,
    )
    assert seen.stdout.strip() == str(ROOT / "src/haihui/__init__.py")
