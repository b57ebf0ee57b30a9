"""A problem found in content: where it is, what is wrong, how to fix it."""

import os
from dataclasses import dataclass
from pathlib import Path

ERROR = "error"
WARNING = "warning"


@dataclass(frozen=True, order=True)
class Problem:
    path: str
    line: int
    message: str
    fix: str
    severity: str = ERROR
    # The same in Chinese, for staff who read Chinese first.
    message_zh: str = ""
    fix_zh: str = ""

    def __str__(self) -> str:
        label = "" if self.severity == ERROR else "warning: "
        text = f"{self.path}:{self.line}: {label}{self.message}; {self.fix}"
        if self.message_zh:
            text += f"\n    {self.message_zh}；{self.fix_zh}"
        return text


class ContentError(Exception):
    """Content is wrong in a way staff can fix; carries every problem found.

    Pelican's command line exits with `exitcode`; the plugin strips the
    traceback from the log, because the message is the whole story.
    """

    exitcode = 1

    def __init__(self, problems: list[Problem]):
        self.problems = sorted(problems)
        count = len(self.problems)
        lines = [f"{count} problem{'s' if count != 1 else ''} in the content:"]
        lines += [f"  {p}" for p in self.problems]
        lines.append("Nothing was written: the last good build in output/ is unchanged.")
        super().__init__("\n".join(lines))


def display_path(path: Path, root: Path) -> str:
    """Path as staff see it in the repository (relative when possible)."""
    relative = os.path.relpath(os.path.abspath(path), os.path.abspath(root))
    return str(path) if relative.startswith("..") else relative
