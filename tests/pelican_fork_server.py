"""Pelican builds and staff tasks for the tests, each a fork of a process that has already
imported Pelican, invoke and the core.

A build in a fresh Python spends about 0.9 s importing Pelican, Markdown,
Jinja, Pillow, pydantic and the core before it reads a file (1.4 s traced by
coverage), and the suite runs a few hundred builds and tasks. This server
imports them once; each build is then a fork of it, run exactly as
`python -m pelican` would run (its own session and process group, its own
working folder, environment and arguments, `pelican.main`), and what it printed
comes back as from a subprocess. A task (`python -m invoke ARGS`) is run the
same way, and the builds it starts are forks of it in turn. The plugins are
not imported here: each build imports them from its own project's `plugins/`,
as a fresh process does, and registers them afresh, so no build sees
another's signals or state.

Protocol, one JSON object per line: the client sends {"kind" ("build" or
"task"), "argv", "cwd", "env", "stdout", "stderr"} (the last two: files for
the output); the server answers {"pid"} at once, then {"returncode"} when the
process and everything it left in its process group have ended. End of input:
the server exits (and coverage, when it measures this process, saves its data).
"""

from __future__ import annotations

import contextlib
import importlib
import json
import os
import pkgutil
import select
import signal
import subprocess
import sys
import tempfile
from collections.abc import Callable
from pathlib import Path
from typing import NoReturn

import haihui
from haihui.build import ROOT, pelican_arguments


def warm_modules() -> tuple[str, ...]:
    """What every build and task imports: Pelican, invoke and the whole core (not the plugins,
    not the settings, not tasks.py: those are each project's own). Listed when serving only:
    a picture worker spawned by a forked build imports this file again as its `__main__`, and
    walking the core's packages there cost each worker 0.35 s."""
    return (
        "markdown",
        "pelican",
        "pelican.generators",
        "pelican.readers",
        "pelican.writers",
        "invoke.main",
        *(module.name for module in pkgutil.walk_packages(haihui.__path__, "haihui.")),
    )


def _become_process(request: dict) -> None:
    """In a forked child: what a new process started by run_pelican has of its own."""
    os.setsid()  # its own process group, as run_pelican gives a subprocess
    signal.signal(signal.SIGTERM, signal.SIG_DFL)
    signal.signal(signal.SIGINT, signal.default_int_handler)
    os.chdir(request["cwd"])
    os.environ.clear()
    os.environ.update(request["env"])
    null = os.open(os.devnull, os.O_RDONLY)
    os.dup2(null, 0)
    for fd, name in ((1, "stdout"), (2, "stderr")):
        target = os.open(request[name], os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
        os.dup2(target, fd)
        os.close(target)
    # A fresh Python's stdout on fd 1 (the server's own went nowhere); stderr already writes to fd 2.
    sys.stdout = os.fdopen(
        1, "w", encoding=sys.__stdout__.encoding, errors=sys.__stdout__.errors, closefd=False
    )


def _run_then_exit(main: Callable[[], object]) -> NoReturn:
    """Run `main` as `python -m ...` would, then exit with its code (coverage saved first)."""
    code = 0
    try:
        main()
    except SystemExit as stop:  # as Python ends on it: sys.exit("message") prints it, exits 1
        code = stop.code if isinstance(stop.code, int) else (0 if stop.code is None else 1)
        if not isinstance(stop.code, int | None):
            sys.stderr.write(f"{stop.code}\n")
    except BaseException:  # noqa: BLE001 (what an uncaught exception does to `python -m`)
        import traceback

        traceback.print_exc()
        code = 1
    with contextlib.suppress(Exception):
        sys.stdout.flush()
        sys.stderr.flush()
    _save_coverage()
    os._exit(code)


def _build(request: dict) -> NoReturn:
    """In the forked child: become `python -m pelican ARGV` in CWD with ENV, then exit."""
    _become_process(request)
    sys.argv = ["pelican", *request["argv"]]
    from pelican import main

    _run_then_exit(lambda: main(request["argv"]))


def _task(request: dict) -> NoReturn:
    """In the forked child: become `python -m invoke ARGV` (the staff tasks, tasks.py) in CWD.

    The builds the task starts are forks of this child, as the tests' own are of the server.
    """
    _become_process(request)
    sys.argv = ["invoke", *request["argv"]]
    from invoke.main import program

    import haihui.build

    haihui.build.run_pelican = _forked_run_pelican
    _run_then_exit(program.run)


def _forked_run_pelican(
    settings_file: str, output: Path, *, cwd: Path = ROOT, **arguments
) -> subprocess.CompletedProcess:
    """haihui.build.run_pelican, as a fork of this (prewarmed) process; `arguments` are
    pelican_arguments' (no task sets a timeout: one would be refused there)."""
    argv = pelican_arguments(settings_file, output, **arguments)
    with tempfile.TemporaryDirectory(prefix="pelican-fork-") as folder:
        request = _request(argv, cwd, dict(os.environ, COLUMNS="200"), folder)
        sys.stdout.flush()
        sys.stderr.flush()
        pid = os.fork()
        if pid == 0:
            _build(request)
        return _finished(["pelican", *argv], _reap(pid), folder)


def _request(argv: list[str], cwd: Path, env: dict, folder: str, kind: str = "build") -> dict:
    return {
        "kind": kind,
        "argv": argv,
        "cwd": str(cwd),
        "env": env,
        "stdout": str(Path(folder, "stdout")),
        "stderr": str(Path(folder, "stderr")),
    }


def _finished(argv: list[str], returncode: int, folder: str) -> subprocess.CompletedProcess:
    """What subprocess.run would return for `python -m ARGV`, from the files it wrote."""
    stdout = Path(folder, "stdout").read_text("utf-8", errors="replace")
    stderr = Path(folder, "stderr").read_text("utf-8", errors="replace")
    if returncode < 0 and argv[0] == "pelican":  # as run_pelican adds it
        stderr += f"\nPelican was stopped by signal {-returncode}.\n"
    return subprocess.CompletedProcess([sys.executable, "-m", *argv], returncode, stdout, stderr)


def _reap(pid: int) -> int:
    """Wait for `pid` without reaping it, so that its pid, and so its group id, stays taken;
    end whatever it left in its group (picture workers), then reap it: its exit code."""
    try:
        os.waitid(os.P_PID, pid, os.WEXITED | os.WNOWAIT)
    finally:  # interrupted too: nothing of the build outlives the wait
        with contextlib.suppress(ProcessLookupError, PermissionError):
            os.killpg(pid, signal.SIGKILL)
    _, status = os.waitpid(pid, 0)
    return os.waitstatus_to_exitcode(status)


def _save_coverage() -> None:
    """What a fresh process's coverage does at its exit (coverage restarts itself in a fork
    child: `patch = ["fork"]` in pyproject.toml); os._exit skips the atexit handlers."""
    with contextlib.suppress(Exception):
        import coverage

        current = coverage.Coverage.current()
        if current is not None:
            current.stop()
            current.save()


def serve() -> None:
    # Answers go to a copy of stdout; fd 1 itself goes nowhere, so that nothing else printed
    # here can break the protocol.
    answers = os.fdopen(os.dup(1), "w", buffering=1)
    os.dup2(os.open(os.devnull, os.O_WRONLY), 1)
    sys.stdout = open(os.devnull, "w")  # noqa: SIM115 (for the life of the server)
    for name in warm_modules():
        importlib.import_module(name)
    for line in sys.stdin:
        request = json.loads(line)
        answers.flush()
        pid = os.fork()
        if pid == 0:
            {"build": _build, "task": _task}[request["kind"]](request)
        answers.write(json.dumps({"pid": pid}) + "\n")
        answers.write(json.dumps({"returncode": _reap(pid)}) + "\n")


class ForkedPelican:
    """The client: `run(...)` takes run_pelican's arguments and returns what it returns."""

    def __init__(self) -> None:
        self.server: subprocess.Popen | None = None

    def _started(self) -> subprocess.Popen:
        if self.server is None or self.server.poll() is not None:
            self.server = subprocess.Popen(
                [sys.executable, str(Path(__file__).resolve())],
                stdin=subprocess.PIPE,
                stdout=subprocess.PIPE,
                text=True,
                # As run_pelican gives its subprocess: rich reads the width once, at import.
                env=dict(os.environ, COLUMNS="200"),
            )
        return self.server

    def run(
        self,
        settings_file: str,
        output: Path,
        *,
        extra: dict | None = None,
        content: Path | None = None,
        cwd: Path,
        timeout: float | None = None,
    ) -> subprocess.CompletedProcess:
        """run_pelican(...), as a fork of the server."""
        argv = pelican_arguments(settings_file, output, extra=extra, content=content)
        return self._run("build", argv, cwd, dict(os.environ, COLUMNS="200"), timeout)

    def invoke(
        self, args: list[str], *, cwd: Path, env: dict, timeout: float | None = None
    ) -> subprocess.CompletedProcess:
        """`python -m invoke ARGS` (stdin empty, output captured), as a fork of the server."""
        return self._run("task", args, cwd, env, timeout)

    def _run(
        self, kind: str, argv: list[str], cwd: Path, env: dict, timeout: float | None
    ) -> subprocess.CompletedProcess:
        server = self._started()
        assert server.stdin and server.stdout
        with tempfile.TemporaryDirectory(prefix="pelican-fork-") as folder:
            server.stdin.write(json.dumps(_request(argv, cwd, env, folder, kind)) + "\n")
            server.stdin.flush()
            pid = json.loads(server.stdout.readline())["pid"]
            ready, _, _ = select.select([server.stdout], [], [], timeout)
            if not ready:  # too long: end the build and whatever it started, as run_pelican does
                with contextlib.suppress(ProcessLookupError, PermissionError):
                    os.killpg(pid, signal.SIGKILL)
            returncode = json.loads(server.stdout.readline())["returncode"]
            return _finished(["pelican" if kind == "build" else "invoke", *argv], returncode, folder)

    def close(self) -> None:
        if self.server is not None and self.server.poll() is None:
            assert self.server.stdin
            self.server.stdin.close()
            try:
                self.server.wait(30)
            except subprocess.TimeoutExpired:
                self.server.kill()
        self.server = None


if __name__ == "__main__":
    serve()
