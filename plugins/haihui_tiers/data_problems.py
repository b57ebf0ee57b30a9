"""Problems found in a data file, worded for staff: file, line, key path, what, how to fix."""

from pathlib import Path

from haihui_checks.problems import ERROR, Problem, display_path

from .yaml_source import Loc, YamlSource, key_path


class DataFileError(ValueError):
    """A data file is wrong; carries every problem found in it."""

    def __init__(self, problems: list[Problem]):
        self.problems = sorted(problems)
        super().__init__("\n".join(str(p) for p in self.problems))


def shown_path(path: Path) -> str:
    return display_path(path, Path.cwd())


def data_problem(path: Path, source: YamlSource | None, loc: Loc, what: str, fix: str,
                 what_zh: str, fix_zh: str, severity: str = ERROR) -> Problem:
    where = key_path(loc)
    return Problem(
        shown_path(path), source.line_of(loc) if source else 1,
        f"{where}: {what}", fix, severity,
        message_zh=f"{where}：{what_zh}", fix_zh=fix_zh,
    )


def yuan(fen: int) -> str:
    """An amount in a message: 1,000 yuan (100000 fen)."""
    whole, rest = divmod(fen, 100)
    return f"{whole:,}{f'.{rest:02d}' if rest else ''} yuan ({fen} fen)"


def yuan_zh(fen: int) -> str:
    whole, rest = divmod(fen, 100)
    return f"{whole:,}{f'.{rest:02d}' if rest else ''} 元（{fen} 分）"
