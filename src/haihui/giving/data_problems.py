"""Problems found in a data file, worded for staff: file, line, key path, what, how to fix."""

from pathlib import Path

from haihui.giving.yaml_source import Loc, YamlSource, key_path
from haihui.problems import ERROR, WARNING, Problem, display_path

SHOWN_VALUE = 60  # characters of a placeholder value quoted in its problem


class DataFileError(ValueError):
    """A data file is wrong; carries every problem found in it."""

    def __init__(self, problems: list[Problem]):
        self.problems = sorted(problems)
        super().__init__("\n".join(str(p) for p in self.problems))


def shown_path(path: Path) -> str:
    return display_path(path, Path.cwd())


def data_problem(
    path: Path,
    source: YamlSource | None,
    loc: Loc,
    what: str,
    fix: str,
    what_zh: str,
    fix_zh: str,
    severity: str = ERROR,
) -> Problem:
    where = key_path(loc)
    return Problem(
        shown_path(path),
        source.line_of(loc) if source else 1,
        f"{where}: {what}",
        fix,
        severity,
        message_zh=f"{where}：{what_zh}",
        fix_zh=fix_zh,
    )


def yuan(fen: int) -> str:
    """An amount in a message: 1,000 yuan (100000 fen)."""
    whole, rest = divmod(fen, 100)
    return f"{whole:,}{f'.{rest:02d}' if rest else ''} yuan ({fen} fen)"


def yuan_zh(fen: int) -> str:
    whole, rest = divmod(fen, 100)
    return f"{whole:,}{f'.{rest:02d}' if rest else ''} 元（{fen} 分）"


def unreadable_problem(path: Path, error: Exception) -> Problem:
    """A data file that cannot be read as YAML text: not UTF-8, or not valid (1.2) YAML."""
    from haihui.giving.yaml_source import NotUtf8Error
    from haihui.problems import not_utf8_problem

    if isinstance(error, NotUtf8Error):
        return not_utf8_problem(shown_path(path), error.error)
    return Problem(
        shown_path(path),
        getattr(error, "line", 1),
        f"not valid YAML ({error})",
        "check the indentation and the colons on this line",
        message_zh=f"不是有效的 YAML（{error}）",
        fix_zh="请检查这一行的缩进和冒号",
    )


def duplicate_key_problems(path: Path, source: YamlSource) -> list[Problem]:
    """Each key written a second time in the same mapping, at the line of the second one."""
    problems = []
    for loc, line in source.duplicate_keys():
        where = key_path(loc)
        problems.append(
            Problem(
                shown_path(path),
                line,
                f"{where}: is written twice (YAML would silently keep only this one)",
                "keep one of the two entries and delete the other",
                message_zh=f"{where}：写了两次（YAML 只会保留这一项，另一项被悄悄丢弃）",
                fix_zh="请只保留其中一项，删除另一项",
            )
        )
    return problems


def placeholder_problems(path: Path, source: YamlSource, strict: bool) -> list[Problem]:
    """TODO / 待填写 left in a value: a preview warns, a publish build refuses it ("Audited by TODO")."""
    from haihui.content.placeholders import PLACEHOLDER

    problems = []
    for loc, line, value in source.scalars():
        if ("TODO" in value or "待填写" in value) and PLACEHOLDER.search(value):
            where = key_path(loc)
            shown = value if len(value) <= SHOWN_VALUE else value[: SHOWN_VALUE - 1] + "…"
            problems.append(
                Problem(
                    shown_path(path),
                    line,
                    f"{where}: still a placeholder ({shown!r}), which would be published as it is",
                    "replace it with the real value (a publish build refuses TODO and 待填写)",
                    ERROR if strict else WARNING,
                    message_zh=f"{where}：还是占位文字（{shown!r}），会原样发布到网站上",
                    fix_zh="请换成真实内容（正式发布时不允许 TODO 或“待填写”）",
                )
            )
    return problems
