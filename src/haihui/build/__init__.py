"""How the site is built: into a fresh folder, then swapped into place.

Not a Pelican plugin: tasks.py and the tests call it. Pelican writes into a
staging folder beside the output; only a build that succeeded replaces the
output, in two renames, so a failed build never damages the last good one.
"""

import contextlib
import os
import shutil
import signal
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[3]


def pelican_arguments(
    settings_file: str, output: Path, *, extra: dict | None = None, content=None
) -> list[str]:
    """What follows `python -m pelican` for one build: content, settings, output, overrides."""
    arguments = [str(content or "content"), "-s", settings_file, "-o", str(output)]
    for key, value in (extra or {}).items():
        arguments += ["-e", f"{key}={value}"]
    return arguments


def run_pelican(
    settings_file: str,
    output: Path,
    *,
    extra: dict | None = None,
    content: Path | None = None,
    cwd: Path = ROOT,
    timeout: float | None = None,
) -> subprocess.CompletedProcess:
    """Run Pelican once; returns the finished process with its output captured.

    Pelican runs in a process group of its own. Once it has exited (or been
    killed, or `timeout` seconds have passed), whatever it left in that group
    (picture workers, say) is killed, so nothing it started can keep its
    output pipes open and make this wait. Interrupted here (Ctrl-C), the whole
    group is ended before the interruption goes on.
    """
    command = [
        sys.executable,
        "-m",
        "pelican",
        *pelican_arguments(settings_file, output, extra=extra, content=content),
    ]
    # A wide terminal keeps Pelican's log messages on one line each.
    env = dict(os.environ, COLUMNS="200")
    posix = os.name == "posix"
    process = subprocess.Popen(
        command,
        cwd=cwd,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        start_new_session=posix,
    )
    streams: dict[str, list[str]] = {"stdout": [], "stderr": []}
    readers = [
        threading.Thread(target=_drain, args=(getattr(process, name), streams[name]), daemon=True)
        for name in streams
    ]
    for reader in readers:
        reader.start()
    try:
        _wait_for_exit(process, timeout)
    finally:
        # Pelican has exited (its pid is kept as a zombie where waitid allows, so the
        # group id cannot be reused): end its stragglers, then reap it.
        _end_group(process, posix)
        process.wait()
        for reader in readers:
            reader.join(timeout=10)  # the pipes close once the group is gone
    returncode = process.returncode
    stderr = "".join(streams["stderr"])
    if returncode < 0:
        stderr += f"\nPelican was stopped by signal {-returncode}.\n"
    return subprocess.CompletedProcess(command, returncode, "".join(streams["stdout"]), stderr)


def _drain(stream, chunks: list) -> None:
    try:
        for line in stream:
            chunks.append(line)
    except (OSError, ValueError):
        pass
    finally:
        stream.close()


def _wait_for_exit(process: subprocess.Popen, timeout: float | None) -> None:
    """Until the process exits, without reaping it where the platform allows (os.waitid)."""
    deadline = None if timeout is None else time.monotonic() + timeout
    if hasattr(os, "waitid") and deadline is None:
        while True:
            try:
                os.waitid(os.P_PID, process.pid, os.WEXITED | os.WNOWAIT)
            except InterruptedError:
                continue
            except ChildProcessError:
                return
            else:
                return
    while process.poll() is None:
        if deadline is not None and time.monotonic() > deadline:
            return  # _end_group kills it
        time.sleep(0.05)


def _end_group(process: subprocess.Popen, posix: bool) -> None:
    if posix:
        with contextlib.suppress(ProcessLookupError, PermissionError):
            os.killpg(process.pid, signal.SIGKILL)
    elif process.poll() is None:
        process.kill()


def build_and_swap(
    settings_file: str,
    output: Path,
    *,
    extra: dict | None = None,
    content: Path | None = None,
    cwd: Path = ROOT,
    verify=None,
) -> subprocess.CompletedProcess:
    """Build into a staging folder; replace `output` only if the build (and `verify`) pass.

    verify(staging) may return a list of problems; any problem keeps the old output.
    """
    output = Path(cwd, output)
    output.parent.mkdir(parents=True, exist_ok=True)
    staging = Path(tempfile.mkdtemp(prefix=f".{output.name}-", dir=output.parent))
    try:
        result = run_pelican(settings_file, staging, extra=extra, content=content, cwd=cwd)
        if result.returncode == 0 and verify is not None:
            problems = verify(staging)
            if problems:
                result = subprocess.CompletedProcess(
                    result.args, 1, result.stdout, result.stderr + "\n".join(str(p) for p in problems) + "\n"
                )
        if result.returncode == 0:
            replace_dir(staging, output)
        return result
    finally:
        shutil.rmtree(staging, ignore_errors=True)


def replace_dir(new: Path, target: Path) -> None:
    """Put `new` where `target` is, in two renames on the same filesystem."""
    old = target.with_name(f".{target.name}-old")
    shutil.rmtree(old, ignore_errors=True)
    if target.exists():
        target.rename(old)
    new.rename(target)
    shutil.rmtree(old, ignore_errors=True)


def settings_value(settings_file: str, key: str, *, cwd: Path = ROOT, extra: dict | None = None):
    """One value of a settings file of the project in `cwd`, read as the build reads it."""
    from haihui.settings import read_settings

    return read_settings(settings_file, root=cwd, override=extra).get(key)


def publish_site(
    output: Path, *, settings_file: str = "publishconf.py", cwd: Path = ROOT, extra: dict | None = None
) -> subprocess.CompletedProcess:
    """The public build: build into a fresh folder, check every link of the result,
    and only then replace `output` (the content checks run inside Pelican). A build
    that passed carries the record `make deploy` asks for (haihui.build.publish_record)."""
    from haihui.build.linkcheck import check_built_site
    from haihui.build.publish_record import record_publish

    origins = [
        settings_value(settings_file, key, cwd=cwd, extra=extra) or "" for key in ("SITEURL", "SITE_ORIGIN")
    ]

    def verify(staging: Path) -> list:
        problems = check_built_site(staging, origins) + _figure_problems(staging, origins, settings)
        if not problems:
            record_publish(staging, origins[0] or origins[1])
        return problems

    from haihui.settings import read_settings

    settings = read_settings(settings_file, root=cwd, override=extra)
    result = build_and_swap(settings_file, output, extra=extra, cwd=cwd, verify=verify)
    if result.returncode == 0:
        _record_releases(Path(cwd, output), settings, cwd)
    return result


def _figure_problems(staging: Path, origins: list[str], settings: dict) -> list:
    """Figures that differ between twin pages, or from the data (haihui.figures)."""
    from haihui.figures import check_built_figures, expected_figures
    from haihui.giving.site_data import load_site_tiers

    cwd = os.getcwd()
    os.chdir(Path(settings["PATH"]).parent)  # data files' paths are shown as the build shows them
    try:
        site, _ = load_site_tiers(settings)
    finally:
        os.chdir(cwd)
    return check_built_figures(staging, origins, expected_figures(site) if site is not None else {})


def _record_releases(output: Path, settings: dict, cwd: Path) -> None:
    """Keep the manifest of fund-use releases just published in the repository
    (FUND_USE_RELEASES_FILE): the next build compares every published period with it."""
    published = output / settings["FUND_USE_RELEASES_URL"]
    record = Path(cwd, settings["PATH"], settings["FUND_USE_RELEASES_FILE"])
    if published.is_file() and (not record.is_file() or record.read_bytes() != published.read_bytes()):
        record.parent.mkdir(parents=True, exist_ok=True)
        record.write_bytes(published.read_bytes())
