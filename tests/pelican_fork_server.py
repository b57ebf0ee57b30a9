"""Pelican builds for the tests, each a fork of a process that has already imported Pelican.

A build in a fresh Python spends about 0.9 s importing Pelican, Markdown,
Jinja, Pillow, pydantic and the core before it reads a file (1.4 s traced by
coverage), and the suite runs a few hundred builds. This server imports them
once; each build is then a fork of it, run exactly as `python -m pelican`
would run (its own session and process group, its own working folder,
environment and arguments, `pelican.main`), and what it printed comes back as
from a subprocess. The plugins are not imported here: each build imports them
from its own project's `plugins/`, as a fresh process does, and registers them
afresh, so no build sees another's signals or state.

Protocol, one JSON object per line: the client sends {"argv", "cwd", "env",
"stdout", "stderr"} (the last two: files for the build's output); the server
answers {"pid"} at once, then {"returncode"} when the build and everything it
left in its process group have ended. End of input: the server exits (and
coverage, when it measures this process, saves its data).
"""

from __future__ import annotations

import contextlib
import importlib
import json
import os
import select
import signal
import subprocess
import sys
import tempfile
from pathlib import Path

from haihui.build import pelican_arguments

# What every build imports (not the plugins, not the settings: those are each project's own).
WARM_MODULES = (
    "markdown",
    "pelican",
    "pelican.generators",
    "pelican.readers",
    "pelican.writers",
    "haihui.checks",
    "haihui.consent",
    "haihui.giving.open_data",
    "haihui.giving.site_data",
    "haihui.languages.staff",
    "haihui.listings",
    "haihui.pictures",
    "haihui.settings",
    "haihui.structured_data",
)


def _build(request: dict) -> None:
    """In the forked child: become `python -m pelican ARGV` in CWD with ENV, then exit."""
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
    sys.argv = ["pelican", *request["argv"]]
    code = 0
    try:
        from pelican import main

        main(request["argv"])
    except SystemExit as stop:
        code = stop.code if isinstance(stop.code, int) else (0 if stop.code is None else 1)
    except BaseException:  # noqa: BLE001 (what an uncaught exception does to `python -m pelican`)
        import traceback

        traceback.print_exc()
        code = 1
    with contextlib.suppress(Exception):
        sys.stdout.flush()
        sys.stderr.flush()
    _save_coverage()
    os._exit(code)


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
    for name in WARM_MODULES:
        importlib.import_module(name)
    for line in sys.stdin:
        request = json.loads(line)
        answers.flush()
        pid = os.fork()
        if pid == 0:
            _build(request)
        answers.write(json.dumps({"pid": pid}) + "\n")
        # Wait for the build without reaping it (its pid, and so its group id, stays taken),
        # end whatever it left in its group (picture workers), then reap it.
        os.waitid(os.P_PID, pid, os.WEXITED | os.WNOWAIT)
        with contextlib.suppress(ProcessLookupError, PermissionError):
            os.killpg(pid, signal.SIGKILL)
        _, status = os.waitpid(pid, 0)
        answers.write(json.dumps({"returncode": os.waitstatus_to_exitcode(status)}) + "\n")


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
        argv = pelican_arguments(settings_file, output, extra=extra, content=content)
        server = self._started()
        assert server.stdin and server.stdout
        with tempfile.TemporaryDirectory(prefix="pelican-fork-") as folder:
            request = {
                "argv": argv,
                "cwd": str(cwd),
                "env": dict(os.environ, COLUMNS="200"),
                "stdout": str(Path(folder, "stdout")),
                "stderr": str(Path(folder, "stderr")),
            }
            server.stdin.write(json.dumps(request) + "\n")
            server.stdin.flush()
            pid = json.loads(server.stdout.readline())["pid"]
            ready, _, _ = select.select([server.stdout], [], [], timeout)
            if not ready:  # too long: end the build and whatever it started, as run_pelican does
                with contextlib.suppress(ProcessLookupError, PermissionError):
                    os.killpg(pid, signal.SIGKILL)
            returncode = json.loads(server.stdout.readline())["returncode"]
            stdout = Path(folder, "stdout").read_text("utf-8", errors="replace")
            stderr = Path(folder, "stderr").read_text("utf-8", errors="replace")
        if returncode < 0:
            stderr += f"\nPelican was stopped by signal {-returncode}.\n"
        command = [sys.executable, "-m", "pelican", *argv]
        return subprocess.CompletedProcess(command, returncode, stdout, stderr)

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
