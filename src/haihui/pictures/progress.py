"""A progress line for staff who just added a shoot: how many pictures, and time left.

In a terminal the line redraws itself; in a log (CI, an editor's build
panel) it is written about every tenth of the way, so the log stays short.
"""

import sys
import time

BAR = 24
MINUTE = 60  # seconds


def format_line(done: int, total: int, elapsed: float) -> str:
    filled = BAR * done // total
    line = f"Encoding pictures [{'#' * filled}{'.' * (BAR - filled)}] {done}/{total}"
    if done == total:
        return f"{line}, done in {_duration(elapsed)}"
    if done == 0:
        return line
    return f"{line}, about {_duration(elapsed / done * (total - done))} left"


def _duration(seconds: float) -> str:
    if seconds < MINUTE:
        return f"{max(1, round(seconds))} s"
    minutes, rest = divmod(round(seconds), MINUTE)
    return f"{minutes} min {rest:02d} s"


class Progress:
    def __init__(self, total: int, stream=None, clock=time.monotonic):
        self.total, self.done = total, 0
        self.stream = stream or sys.stderr
        self.clock, self.started = clock, clock()
        self.live = hasattr(self.stream, "isatty") and self.stream.isatty()
        self._step = max(1, total // 10)
        self._show()

    def advance(self) -> None:
        self.done += 1
        if self.live or self.done == self.total or self.done % self._step == 0:
            self._show()

    def _show(self) -> None:
        line = format_line(self.done, self.total, self.clock() - self.started)
        if self.live:
            end = "\n" if self.done == self.total else ""
            self.stream.write(f"\r{line}{end}")
        else:
            self.stream.write(f"{line}\n")
        self.stream.flush()
