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


def not_utf8_problem(shown_path: str, error: UnicodeDecodeError) -> Problem:
    """A file that is not UTF-8 (GBK from an older Windows Notepad, say): where, and how to resave it."""
    line = error.object[: error.start].count(b"\n") + 1
    return Problem(
        shown_path,
        line,
        "the file is not saved as UTF-8 text (it may be GBK/ANSI, as older Windows Notepad saves it)",
        "open it and save it again as UTF-8: in Notepad, File > Save as > Encoding: UTF-8; in WPS, "
        "File > Save as > Encoding: UTF-8; on a Mac, TextEdit > Save > Plain Text Encoding: Unicode (UTF-8)",
        message_zh="文件不是 UTF-8 编码（可能是 GBK/ANSI，旧版 Windows 记事本默认这样保存）",
        fix_zh="请打开文件另存为 UTF-8：记事本中选“文件 > 另存为 > 编码：UTF-8”；WPS 中选“文件 > 另存为 > "
        "编码：UTF-8”；Mac 的文本编辑中选“存储 > 纯文本编码：Unicode (UTF-8)”",
    )


def read_utf8(path, shown_path: str) -> str:
    """The text of a file staff wrote; ContentError naming the file when it is not UTF-8."""
    data = Path(path).read_bytes()
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError as error:
        raise ContentError([not_utf8_problem(shown_path, error)]) from None
