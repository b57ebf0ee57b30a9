"""The preview server: build, serve output/, rebuild on every save; never an empty preview.

`make serve` and `make regenerate` (and `make livereload`'s rebuilds) go
through `build_and_swap`: Pelican writes into a staging folder and only a
build that succeeded replaces output/. A mistake saved while the preview runs
leaves the last good pages in output/, the server keeps serving them, and the
terminal says what is wrong; the next save that fixes it shows again.

Each rebuild is a fresh Pelican process, as `make build` is: a change to the
settings, a plugin or src/ shows in the next rebuild, and nothing a build
leaves behind (picture workers, module state) outlives it.
"""

import os
import subprocess
import sys
import threading
import time
from collections.abc import Callable, Iterator
from functools import partial
from http import HTTPStatus
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

from haihui.languages.staff import in_each_language, msg

# Where a save starts a rebuild, relative to the project folder: folders (every file
# below them) and the settings and tasks files at the top.
WATCHED_FOLDERS = ("content", "theme", "plugins", "src")
WATCHED_TOP = "*.py"
# Editors' swap and backup files, caches: saving them is not a change of the site.
_SKIPPED_SUFFIXES = (".pyc", "~", ".swp", ".swx", ".tmp")

Snapshot = dict[str, tuple[int, int]]


def _files(root: Path) -> Iterator[str]:
    for folder in WATCHED_FOLDERS:
        for directory, folders, names in os.walk(root / folder):
            folders[:] = [name for name in folders if not name.startswith(".") and name != "__pycache__"]
            for name in names:
                if not name.startswith((".", "#")) and not name.endswith(_SKIPPED_SUFFIXES):
                    yield os.path.join(directory, name)
    for path in root.glob(WATCHED_TOP):
        yield str(path)


def snapshot(root: Path) -> Snapshot:
    """(modification time, size) of every watched file: two snapshots differ when a file
    was saved, added, removed or renamed."""
    found = {}
    for path in _files(root):
        try:
            stat = os.stat(path)
        except OSError:  # removed while we looked
            continue
        found[path] = (stat.st_mtime_ns, stat.st_size)
    return found


def watch(root: Path, rebuild: Callable[[], object], stop: threading.Event, interval: float = 0.5) -> None:
    """Call `rebuild` after each change below `root` until `stop` is set.

    A change saved while a build runs starts another build once it ends (the
    snapshot compared is the one taken before the build began).
    """
    before = snapshot(root)
    while not stop.wait(interval):
        now = snapshot(root)
        if now == before:
            continue
        # An editor may save in several writes: wait until the files stay still.
        while not stop.wait(interval):
            settled = snapshot(root)
            if settled == now:
                break
            now = settled
        if stop.is_set():
            return
        before = now
        rebuild()


def _tell(text: str) -> None:
    """A line for staff in the terminal, shown at once (the terminal may be a pipe)."""
    sys.stdout.write(text + "\n")
    sys.stdout.flush()


def report(result: subprocess.CompletedProcess) -> bool:
    """Show Pelican's messages, then a line for staff in each language; True if the build passed."""
    sys.stdout.write(result.stdout)
    sys.stderr.write(result.stderr)
    sys.stderr.flush()
    if result.returncode == 0:
        built = msg("Built at {time}: reload the page in your browser.", time=time.strftime("%H:%M:%S"))
        _tell(in_each_language(built, sep=" "))
        return True
    failed = msg(
        "The build failed (see above). The preview keeps showing the last good pages: "
        "fix the mistake and save again."
    )
    _tell("\n" + in_each_language(failed))
    return False


class PreviewHandler(SimpleHTTPRequestHandler):
    """output/ served as a static host serves it: /stories/x/ is its index.html, a page that
    is not there is the site's own 404.html (with status 404), and no folder is listed.

    The folder is named by its path, looked up on each request: the server keeps serving
    output/ across the swaps of build_and_swap.
    """

    def list_directory(self, path):
        self.send_error(HTTPStatus.NOT_FOUND)

    def send_error(self, code, message=None, explain=None):
        page = Path(self.directory, "404.html")
        if code != HTTPStatus.NOT_FOUND or not page.is_file():
            super().send_error(code, message, explain)
            return
        body = page.read_bytes()
        self.send_response(code)
        self.send_header("Content-Type", "text/html; charset=utf-8")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        if self.command != "HEAD":
            self.wfile.write(body)

    def log_message(self, format, *args):
        """Quiet: the terminal is for the build's messages."""


def start_server(output: Path, host: str, port: int) -> ThreadingHTTPServer:
    """Serve `output` on host:port in a thread (port 0: any free port)."""
    handler = partial(PreviewHandler, directory=str(output))
    try:
        server = ThreadingHTTPServer((host, port), handler)
    except OSError as error:
        sys.exit(
            f"{error}\n"
            + in_each_language(
                msg(
                    "Cannot serve on {host}:{port}: is another preview running? Stop it (Ctrl+C in its "
                    "terminal) or choose another port, e.g. `make serve ARGS=--port=8001`.",
                    host=host,
                    port=port,
                )
            )
        )
    threading.Thread(target=server.serve_forever, name="preview-server", daemon=True).start()
    return server


def serve_preview(
    root: Path,
    output: Path,
    build: Callable[[], subprocess.CompletedProcess],
    host: str,
    port: int,
    *,
    stop: threading.Event | None = None,
    interval: float = 0.5,
) -> None:
    """`make serve`: serve `output` on host:port, build once, then rebuild on every change
    below `root` until Ctrl+C (or `stop`). A failed build never stops the preview."""
    stop = stop or threading.Event()
    server = start_server(output, host, port)
    try:
        report(build())
        address = f"http://{host}:{server.server_address[1]}/"
        serving = msg(
            "Preview at {address} (Chinese: {address}zh/). It rebuilds each time you save a "
            "file; press Ctrl+C to stop.",
            address=address,
        )
        _tell(in_each_language(serving))
        watch(root, lambda: report(build()), stop, interval)
    except KeyboardInterrupt:
        pass
    finally:
        server.shutdown()
        server.server_close()


def regenerate(
    root: Path,
    build: Callable[[], subprocess.CompletedProcess],
    *,
    stop: threading.Event | None = None,
    interval: float = 0.5,
) -> None:
    """`make regenerate`: build once, then rebuild on every change, with no server."""
    try:
        report(build())
        watch(root, lambda: report(build()), stop or threading.Event(), interval)
    except KeyboardInterrupt:
        pass
