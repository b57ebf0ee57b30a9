"""`make serve` keeps the last good pages: a failed rebuild never empties output/ or the preview.

The server test runs `invoke serve` in a project copy, as staff run it; the
others drive haihui.build.serve's pieces directly.
"""

import os
import shutil
import signal
import subprocess
import sys
import threading
import time
import urllib.error
import urllib.request
from pathlib import Path

import pytest
from local_server import end_after_ctrl_c, free_port, wake

import haihui.build.serve
from conftest import edit, tree_digest
from haihui.build import ROOT
from haihui.build.serve import snapshot, start_server, watch

STORY = "content/stories/jibuguoguo.en.md"
PICTURE = "content/images/illustrations/passing-on-the-gift.png"
TEMPLATE = "theme/templates/article.html"
BUILT, FAILED, SERVING = "Built at", "The build failed", "Preview at"


def get(port: int, url: str) -> tuple[int, bytes]:
    try:
        with urllib.request.urlopen(f"http://127.0.0.1:{port}{url}", timeout=10) as response:
            return response.status, response.read()
    except urllib.error.HTTPError as error:
        return error.code, error.read()
    except (urllib.error.URLError, OSError):  # not listening (yet)
        return 0, b""


def wait_for(condition, timeout: float, what: str):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        found = condition()
        if found:
            return found
        time.sleep(0.05)
    raise AssertionError(f"waited {timeout:.0f} s for {what}")


def shut_down(server) -> None:
    """server.shutdown() and server_close(), woken instead of waiting for the next poll."""
    stopping = threading.Thread(target=server.shutdown)
    stopping.start()
    while stopping.is_alive():
        wake(server.server_address[1])
        stopping.join(0.02)
    server.server_close()


class Serving:
    """`invoke serve --port N` running in `project`, its terminal output in a file."""

    def __init__(self, project: Path, port: int, log: Path):
        self.port, self.log = port, log
        self._out = log.open("w", encoding="utf-8")
        self.process = subprocess.Popen(
            [sys.executable, "-m", "invoke", "serve", "--port", str(port)],
            cwd=project,
            stdout=self._out,
            stderr=subprocess.STDOUT,
            stdin=subprocess.DEVNULL,
            env=dict(os.environ, COLUMNS="200", PYTHONDONTWRITEBYTECODE="1"),
            start_new_session=True,
        )

    def text(self) -> str:
        return self.log.read_text("utf-8", errors="replace")

    def wait_for_line(self, words: str, after: int, timeout: float = 120) -> int:
        """Wait until `words` appear in the output past position `after`; their position."""

        def seen():
            assert self.process.poll() is None, f"invoke serve ended:\n{self.text()[-3000:]}"
            position = self.text().find(words, after)
            return position + 1 if position >= 0 else None

        return wait_for(seen, timeout, f"{words!r} in the output of invoke serve") - 1

    def stop(self) -> None:
        if self.process.poll() is None:
            self.process.send_signal(signal.SIGINT)  # Ctrl+C
            end_after_ctrl_c(self.process, self.port)
        self._out.close()


@pytest.fixture
def staff_project(good_build, tmp_path) -> Path:
    """A copy of the project with a good build in output/ and tasks.py, as staff have it."""
    project = tmp_path / "project"
    shutil.copytree(good_build, project)
    shutil.copy2(ROOT / "tasks.py", project / "tasks.py")
    return project


def test_serve_keeps_the_last_good_pages_through_failed_rebuilds_and_names_a_content_mistake(
    staff_project, tmp_path
):
    """One `invoke serve` (a new Python and a first build) for four saves in turn: a content
    mistake, a picture that is not a picture, a template that does not compile, the fix."""
    project = staff_project
    port = free_port()
    serving = Serving(project, port, tmp_path / "serve.log")
    try:
        # Pelican's own last line of a build (in the old `pelican -lr` serve too).
        started = serving.wait_for_line("Done: Processed", 0, timeout=180)
        started = serving.wait_for_line(SERVING, started)
        wait_for(lambda: get(port, "/")[0] == 200, 60, "the preview to answer")
        good = tree_digest(project / "output")
        page = get(port, "/stories/jibuguoguo/")
        assert page[0] == 200 and b"Jibuguoguo" in page[1]

        # A content mistake is named, in both languages, and the pages stay.
        edit(project / STORY, "Date: 2026-10-12", "Date: soon")
        failed = serving.wait_for_line(FAILED, started)
        shown = serving.text()[started:]
        assert "Date: 'soon' is not a date" in shown and "“soon”不是日期" in shown
        assert "仍显示上一次成功生成的页面" in shown  # the failure line, in Chinese too
        assert tree_digest(project / "output") == good
        assert get(port, "/stories/jibuguoguo/") == page

        # A picture that is not a picture (a copy that failed half-way, say): the build fails
        # while it writes, after Pelican has emptied its output folder.
        edit(project / STORY, "Date: soon", "Date: 2026-10-12")
        picture = (project / PICTURE).read_bytes()
        (project / PICTURE).write_bytes(b"not a picture")
        wait_for(
            lambda: FAILED in serving.text()[failed + 1 :] or tree_digest(project / "output") != good,
            120,
            "the rebuild to fail",
        )
        assert tree_digest(project / "output") == good, "the failed rebuild changed output/"
        failed = serving.wait_for_line(FAILED, failed + 1)
        assert get(port, "/stories/jibuguoguo/") == page
        assert get(port, "/zh/")[0] == 200
        assert not [p.name for p in project.iterdir() if p.name.startswith(".output")], "staging left behind"

        # A template that does not compile: Pelican would stop while writing, after emptying
        # its output folder.
        template = project / TEMPLATE
        good_template = template.read_text("utf-8")
        (project / PICTURE).write_bytes(picture)
        template.write_text(good_template + "{% if %}", "utf-8")
        failed = serving.wait_for_line(FAILED, failed + 1)
        assert tree_digest(project / "output") == good
        assert get(port, "/stories/jibuguoguo/") == page

        # The fix shows at the next save.
        template.write_text(good_template, "utf-8")
        edit(
            project / STORY,
            "Title: Jibuguoguo: from recipient to contributor",
            "Title: Jibuguoguo passes it on",
        )
        serving.wait_for_line(BUILT, failed)
        status, body = get(port, "/stories/jibuguoguo/")
        assert status == 200 and b"Jibuguoguo passes it on" in body
    finally:
        serving.stop()
    assert serving.process.returncode is not None


# ---------------------------------------------------------------- the pieces


def test_the_snapshot_changes_with_a_save_an_addition_and_a_removal_but_not_with_caches(tmp_path):
    (tmp_path / "content/stories").mkdir(parents=True)
    story = tmp_path / "content/stories/a.en.md"
    story.write_text("Title: A\n", "utf-8")
    (tmp_path / "pelicanconf.py").write_text("X = 1\n", "utf-8")
    before = snapshot(tmp_path)
    assert set(before) == {str(story), str(tmp_path / "pelicanconf.py")}
    for ignored in (
        "output/index.html",
        ".cache/x",
        "content/stories/.a.en.md.swp",
        "plugins/__pycache__/p.pyc",
    ):
        (tmp_path / ignored).parent.mkdir(parents=True, exist_ok=True)
        (tmp_path / ignored).write_text("x", "utf-8")
    assert snapshot(tmp_path) == before
    story.write_text("Title: A longer title\n", "utf-8")
    assert snapshot(tmp_path) != before
    added = tmp_path / "theme/templates/base.html"
    added.parent.mkdir(parents=True)
    added.write_text("x", "utf-8")
    assert str(added) in snapshot(tmp_path)
    added.unlink()
    assert str(added) not in snapshot(tmp_path)


def test_watch_rebuilds_once_per_change_and_again_for_a_change_saved_during_a_build(tmp_path, monkeypatch):
    (tmp_path / "content").mkdir()
    story = tmp_path / "content/a.md"
    story.write_text("one", "utf-8")
    stop, builds = threading.Event(), []
    # The watcher's snapshots are counted: "no rebuild" is checked over a number of its polls,
    # however slowly a busy machine runs them, rather than over a stretch of time.
    looks = []

    def counted_snapshot(root):
        looks.append(root)
        return snapshot(root)

    monkeypatch.setattr(haihui.build.serve, "snapshot", counted_snapshot)

    def rebuild():
        builds.append(story.read_text("utf-8"))
        if len(builds) == 1:
            story.write_text("three: saved while the first rebuild ran", "utf-8")

    def looked(times: int) -> None:
        """Wait for `times` more snapshots: a change is seen in one, has settled in the next,
        and its rebuild runs before the one after."""
        seen = len(looks)
        wait_for(lambda: len(looks) >= seen + times, 10, f"{times} more snapshots of the watcher")

    watcher = threading.Thread(target=watch, args=(tmp_path, rebuild, stop, 0.05))
    watcher.start()
    try:
        looked(4)  # its first snapshot and three polls
        assert builds == []
        story.write_text("two", "utf-8")
        wait_for(lambda: len(builds) >= 2, 10, "two rebuilds")
        looked(4)
        assert builds == ["two", "three: saved while the first rebuild ran"]
    finally:
        stop.set()
        watcher.join(timeout=10)
    assert not watcher.is_alive()


def test_the_server_follows_output_across_a_swap(tmp_path):
    output = tmp_path / "output"
    (output / "stories/a").mkdir(parents=True)
    (output / "stories/a/index.html").write_text("old", "utf-8")
    server = start_server(output, "127.0.0.1", 0)
    port = server.server_address[1]
    try:
        assert get(port, "/stories/a/") == (200, b"old")
        assert get(port, "/stories/a")[0] in (200, 301)
        new = tmp_path / ".output-new"
        (new / "stories/a").mkdir(parents=True)
        (new / "stories/a/index.html").write_text("new", "utf-8")
        output.rename(tmp_path / ".output-old")
        new.rename(output)
        assert get(port, "/stories/a/") == (200, b"new")
        assert get(port, "/stories/gone/")[0] == 404
        (output / "404.html").write_text("the site's own page", "utf-8")
        assert get(port, "/stories/gone/") == (404, b"the site's own page")
        assert get(port, "/../../etc/passwd")[0] == 404
        assert get(port, "/stories/")[0] == 404, "a folder is not listed"
    finally:
        shut_down(server)


def test_a_port_in_use_is_named_with_what_to_do_in_both_languages(tmp_path):
    taken = start_server(tmp_path, "127.0.0.1", 0)
    try:
        with pytest.raises(SystemExit) as stopped:
            start_server(tmp_path, "127.0.0.1", taken.server_address[1])
        text = str(stopped.value.code)
        assert "--port=8001" in text and "另一个预览" in text
    finally:
        shut_down(taken)
