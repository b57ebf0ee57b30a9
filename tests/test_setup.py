"""Setting up on every laptop: bootstrap.py (what `make <task>` runs, and `py bootstrap.py
<task>` where there is no make), the Makefile, and a project folder whose name has a space
and Chinese characters (`Haihui Site`, `佳`).

The tasks run with the repository's .venv, borrowed read-only through a .venv of the copy's
own, so that the Python the tasks see (sys.executable) lives in the folder with the space.
"""

import os
import re
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
from invoke import Collection
from local_server import answers, end_after_ctrl_c, free_port

import bootstrap
from conftest import copy_project
from haihui.build import ROOT

SETUP_FILES = (
    "tasks.py",
    "Makefile",
    "bootstrap.py",
    "pyproject.toml",
    "requirements.txt",
    "requirements-dev.txt",
)


def borrow_venv(project: Path) -> Path:
    """A .venv in `project` whose Python is started from there (spaces and all) but imports
    the packages of the .venv running these tests; never written to (its stamps are its own)."""
    if sys.prefix == sys.base_prefix:
        pytest.skip("the tests are not running in a virtual environment to borrow")
    venv = project / ".venv"
    (venv / "bin").mkdir(parents=True)
    shutil.copy2(Path(sys.prefix) / "pyvenv.cfg", venv / "pyvenv.cfg")
    (venv / "bin" / "python").symlink_to(Path(sys.executable).resolve())
    (venv / "lib").symlink_to(Path(sys.prefix) / "lib")
    for stamp in (bootstrap.READY, bootstrap.DEV_READY):
        (venv / stamp).touch()
    return venv / "bin" / "python"


@pytest.fixture(scope="module")
def spaced(tmp_path_factory) -> tuple[Path, Path]:
    """A copy of the project in `…/佳/Haihui Site`, with its own (borrowed) .venv."""
    folder = tmp_path_factory.mktemp("paths") / "佳" / "Haihui Site"
    folder.mkdir(parents=True)
    copy_project(folder)
    for name in SETUP_FILES:
        shutil.copy2(ROOT / name, folder / name)
    shutil.copytree(ROOT / "src", folder / "src", ignore=shutil.ignore_patterns("__pycache__", "*.egg-info"))
    python = borrow_venv(folder)
    seen = subprocess.run(
        [str(python), "-c", "import sys, haihui; print(sys.executable)"],
        capture_output=True,
        text=True,
        check=True,
    )
    assert seen.stdout.strip() == str(python)
    return folder, python


def invoke_in(folder: Path, python: Path, *args: str) -> subprocess.CompletedProcess:
    return subprocess.run(
        [str(python), "-m", "invoke", *args],
        cwd=folder,
        capture_output=True,
        text=True,
        stdin=subprocess.DEVNULL,
        timeout=600,
        check=False,
        env=dict(os.environ, COLUMNS="200", PYTHONDONTWRITEBYTECODE="1"),
    )


# ---------------------------------------------------------------- a folder called `Haihui Site`


def test_the_tasks_run_in_a_folder_named_with_a_space_and_chinese_characters(spaced):
    folder, python = spaced
    summary = folder / "摘要 summary.md"
    for args in (
        ["check"],
        ["build"],
        ["translations"],
        ["preview", "--summary", str(summary)],
    ):
        result = invoke_in(folder, python, *args)
        assert result.returncode == 0, (
            f"invoke {' '.join(args)} in {folder}:\n{result.stdout}\n{result.stderr}"
        )
    assert (folder / "output/index.html").is_file()
    assert (folder / "output/zh/index.html").is_file()
    assert "`make preview`" in summary.read_text("utf-8")
    assert (folder / "src/haihui/translations/zh/LC_MESSAGES/staff.po").is_file()
    assert not (folder / "src/haihui/translations/staff.pot").exists(), "translations left its template"
    # On an unchanged theme and core, `make translations` rewrites neither catalog.
    for catalog in (
        "theme/translations/zh/LC_MESSAGES/messages.po",
        "src/haihui/translations/zh/LC_MESSAGES/staff.po",
    ):
        assert (folder / catalog).read_bytes() == (ROOT / catalog).read_bytes(), f"{catalog} was rewritten"


def test_make_serve_starts_in_that_folder(spaced, tmp_path):
    if shutil.which("make") is None:
        pytest.skip("make is not installed (on Windows: py bootstrap.py serve)")
    folder, python = spaced
    steps = bootstrap.plan("serve", [], str(folder), False, str(python))
    assert len(steps) == 1, f"the borrowed .venv would be installed into: {steps}"
    shutil.rmtree(folder / "output", ignore_errors=True)
    port = free_port()
    log = tmp_path / "make serve.log"
    with log.open("w", encoding="utf-8") as out:
        process = subprocess.Popen(
            ["make", f"PYTHON={python}", "serve", f"ARGS=--port {port}"],
            cwd=folder,
            stdout=out,
            stderr=subprocess.STDOUT,
            stdin=subprocess.DEVNULL,
            start_new_session=True,
        )
        try:
            deadline = time.monotonic() + 180
            while "Preview at" not in log.read_text("utf-8", errors="replace") or not answers(port):
                assert process.poll() is None, f"make serve ended: {log.read_text('utf-8', errors='replace')}"
                assert time.monotonic() < deadline, "make serve did not answer within 180 s"
                time.sleep(0.1)
        finally:
            os.killpg(process.pid, signal.SIGINT)
            end_after_ctrl_c(process, port)
    shown = log.read_text("utf-8", errors="replace")
    assert f'"{python}" bootstrap.py serve --port {port}' in shown  # the line make ran
    assert "Built at" in shown and "The build failed" not in shown, shown[-3000:]
    assert (folder / "output/stories/jibuguoguo/index.html").is_file()


def test_no_task_passes_a_path_through_a_shell():
    """The shell line that broke in `Haihui Site`: every program is run with its words listed."""
    source = (ROOT / "tasks.py").read_text("utf-8")
    assert "c.run(" not in source and "shell=True" not in source and "os.system" not in source
    assert "Collection.to_contexts" not in source, "invoke's internals are patched again"


# ---------------------------------------------------------------- bootstrap.py


def test_on_windows_every_step_uses_the_python_in_scripts(tmp_path):
    root = r"C:\Users\佳\Documents\Haihui Site"
    steps = bootstrap.plan(
        "test",
        ["-k", "x"],
        root,
        True,
        r"C:\Program Files\Python312\python.exe",
        exists=lambda path: False,
        npm=r"C:\Program Files\nodejs\npm.cmd",
    )
    python = r"C:\Users\佳\Documents\Haihui Site\.venv\Scripts\python.exe"
    commands = [step.command for step in steps]
    assert commands[0] == [
        r"C:\Program Files\Python312\python.exe",
        "-m",
        "venv",
        r"C:\Users\佳\Documents\Haihui Site\.venv",
    ]
    pip = [python, "-m", "pip", "install", "--quiet", "--disable-pip-version-check"]
    assert commands[1] == [*pip, "--require-hashes", "-r", rf"{root}\requirements.txt"]
    assert commands[2] == [*pip, "--no-deps", "-e", root]
    assert commands[3] == [*pip, "--require-hashes", "-r", rf"{root}\requirements-dev.txt"]
    assert commands[4] == [
        r"C:\Program Files\nodejs\npm.cmd",
        "ci",
        "--ignore-scripts",
        "--no-audit",
        "--no-fund",
    ]
    assert commands[5] == [python, "-m", "invoke", "test", "-k", "x"]
    assert [step.stamp for step in steps] == [
        None,
        None,
        rf"{root}\.venv\.requirements-installed",
        rf"{root}\.venv\.dev-requirements-installed",
        None,
        None,
    ]
    assert not any("/" in word for command in commands for word in command)


def test_on_linux_and_macos_the_python_is_in_bin():
    assert bootstrap.venv_python("/home/jia/Haihui Site", False) == "/home/jia/Haihui Site/.venv/bin/python"
    steps = bootstrap.plan(
        "serve",
        [],
        "/home/jia/Haihui Site",
        False,
        "python3.12",
        exists=lambda path: True,
        stale=lambda *a: False,
    )
    assert [step.command for step in steps] == [
        ["/home/jia/Haihui Site/.venv/bin/python", "-m", "invoke", "serve"]
    ]


def test_only_what_changed_is_installed_again(tmp_path):
    root = str(tmp_path)
    for name in ("requirements.txt", "requirements-dev.txt", "pyproject.toml", "package-lock.json"):
        (tmp_path / name).write_text("", "utf-8")
    python = Path(bootstrap.venv_python(root, os.name == "nt"))
    python.parent.mkdir(parents=True)
    python.touch()
    (tmp_path / "node_modules").mkdir()
    earlier = time.time() - 100
    for name in ("requirements.txt", "requirements-dev.txt", "pyproject.toml", "package-lock.json"):
        os.utime(tmp_path / name, (earlier, earlier))
    for stamp in (
        ".venv/.requirements-installed",
        ".venv/.dev-requirements-installed",
        "node_modules/.package-lock.json",
    ):
        (tmp_path / stamp).touch()
        os.utime(tmp_path / stamp, (earlier + 10, earlier + 10))  # installed after the files were written

    def installs(task):
        return [
            step.command[-1]
            for step in bootstrap.plan(task, [], root, os.name == "nt", "python3", npm="npm")[:-1]
        ]

    assert installs("serve") == [] and installs("test") == []
    os.utime(tmp_path / "requirements-dev.txt", (earlier + 50, earlier + 50))  # a new test package pinned
    assert installs("serve") == []
    assert installs("test") == [str(tmp_path / "requirements-dev.txt")]
    os.utime(tmp_path / "pyproject.toml", (earlier + 50, earlier + 50))  # the project changed: all again
    assert installs("serve") == [str(tmp_path / "requirements.txt"), root]
    assert installs("test") == [
        str(tmp_path / "requirements.txt"),
        root,
        str(tmp_path / "requirements-dev.txt"),
    ]


def test_without_npm_the_tests_still_run_and_say_why_the_validator_is_missing():
    steps = bootstrap.plan(
        "test", [], "/p", False, "python3", exists=lambda path: True, stale=lambda *a: False
    )
    assert steps[0] == bootstrap.Step(None, "npm")
    assert steps[-1].command[-2:] == ["invoke", "test"]


def test_a_failed_venv_is_removed_and_the_debian_package_named(tmp_path, capsys):
    venv = tmp_path / "Haihui Site" / ".venv"
    venv.mkdir(parents=True)
    (venv / "half-made").touch()
    with pytest.raises(SystemExit) as stopped:
        bootstrap._run(bootstrap.Step([sys.executable, "-m", "venv", "--no-such-option", str(venv)], None))
    assert stopped.value.code != 0
    assert not venv.exists()
    told = capsys.readouterr().err
    assert "sudo apt install python3-venv" in told and "无法创建 .venv" in told


@pytest.mark.parametrize("old", [(3, 6, 15), (3, 9, 6), (3, 11, 2)])
def test_an_old_python_is_told_what_to_install(old):
    """What a stock Mac (3.9), an old Debian (3.11.2) or older hears, in both languages.

    bootstrap.py itself is run for real by `make test` and CI (the Makefile hands over
    to it), with the packages of requirements.txt; this test needs no other Python.
    """
    told = bootstrap.too_old(old)
    found = ".".join(map(str, old))
    assert f"Python {found} is too old" in told and "make PYTHON=python3.12 serve" in told
    assert "py -3.12 bootstrap.py serve" in told and "版本太旧" in told
    assert bootstrap.too_old((3, 11, 5)) is None and bootstrap.too_old((3, 13, 0)) is None


# ---------------------------------------------------------------- the Makefile and `make help`


def makefile_tasks() -> set[str]:
    text = (ROOT / "Makefile").read_text("utf-8").replace("\\\n", " ")
    return set(re.search(r"^TASKS\s*:=(.*)$", text, re.M).group(1).split())


def test_the_makefile_bootstrap_py_and_tasks_py_name_the_same_tasks():
    import tasks

    invoke_tasks = set(Collection.from_module(tasks).task_names)
    assert makefile_tasks() == {t.name for t in bootstrap.TASKS} == invoke_tasks


def test_the_makefile_quotes_the_python_and_hands_over_to_bootstrap():
    text = (ROOT / "Makefile").read_text("utf-8")
    assert '"$(PYTHON)" bootstrap.py $@ $(ARGS)' in text
    assert "$(BIN)" not in text and "c.run" not in text


def test_make_help_lists_every_target_in_both_languages():
    if shutil.which("make") is None:
        pytest.skip("make is not installed (py bootstrap.py help shows the same list)")
    shown = subprocess.run(
        ["make", "--no-print-directory", "help", f"PYTHON={sys.executable}"],
        cwd=ROOT,
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    lines = shown.splitlines()
    for t in (*bootstrap.TASKS, *bootstrap.OWN):
        line = next((i for i, text in enumerate(lines) if text.split()[:1] == [t.name]), None)
        assert line is not None, f"make help does not list {t.name}"
        assert t.en in lines[line] and t.zh in lines[line + 1]
    assert "py bootstrap.py" in shown and "PYTHON=python3.12" in shown


# ---------------------------------------------------------------- what the README promises


@pytest.mark.parametrize("doc", ["README.md", "docs/staff-guide.md", "docs/staff-guide.zh.md"])
def test_each_laptop_has_its_route(doc):
    text = (ROOT / doc).read_text("utf-8")
    for words in ("python3-venv", "make PYTHON=python3.12 serve", "py bootstrap.py serve", "make help"):
        assert words in text, f"{doc} does not say {words!r}"
