"""A local server a test started (`make serve`, the preview server): its port, and how to
stop it without waiting for its next poll."""

import contextlib
import os
import signal
import socket
import subprocess
import time
import urllib.error
import urllib.request


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def wake(port: int) -> None:
    """Connect and hang up: the preview server's loop, which looks for a request to stop only
    between connections or every half second, looks at once."""
    with contextlib.suppress(OSError), socket.create_connection(("127.0.0.1", port), timeout=1):
        pass


def answers(port: int) -> bool:
    try:
        with urllib.request.urlopen(f"http://127.0.0.1:{port}/", timeout=5) as response:
            return response.status == 200
    except (urllib.error.URLError, OSError):
        return False


def end_after_ctrl_c(process: subprocess.Popen, port: int) -> None:
    """Wait for a preview sent Ctrl+C to end (its server, which shuts down on the way out,
    woken), or end its process group after 30 s."""
    deadline = time.monotonic() + 30
    while process.poll() is None and time.monotonic() < deadline:
        wake(port)
        time.sleep(0.02)
    if process.poll() is None:
        os.killpg(process.pid, signal.SIGKILL)
        process.wait()
