"""Problems found in a data file, worded for staff: file, line, key path, what, how to fix."""

from pathlib import Path

from haihui.giving.yaml_source import Loc, NotUtf8Error, YamlSource, YamlSyntaxError, key_path, read_yaml
from haihui.problems import ERROR, N_, WARNING, Msg, Problem, display_path, msg, named

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
    what: Msg,
    fix: Msg,
    severity: str = ERROR,
) -> Problem:
    """`{key path}: what`, at the line of the key."""
    return Problem.of(
        shown_path(path),
        source.line_of(loc) if source else 1,
        msg(N_("{field}: {what}"), field=key_path(loc), what=what),
        fix,
        severity,
    )


def yuan(fen: int) -> Msg:
    """An amount in a message: 1,000 yuan (100000 fen)."""
    whole, rest = divmod(fen, 100)
    return msg("{yuan} yuan ({fen} fen)", yuan=f"{whole:,}{f'.{rest:02d}' if rest else ''}", fen=fen)


def read_data_file(
    path: Path, missing: str, *, fast: bool = False, data: bytes | None = None
) -> tuple[YamlSource | None, list[Problem]]:
    """A data file's nodes (from `data`, its bytes, when already read); or None and its
    problem when it is missing (`missing`: the message id that names it) or cannot be read
    as YAML."""
    try:
        return read_yaml(path, fast=fast, data=data), []
    except FileNotFoundError:
        shown = shown_path(path)
        restore = N_("restore it from git (git checkout -- {path})")
        return None, [Problem(shown, 1, missing, restore, params=named(path=shown))]
    except (YamlSyntaxError, NotUtf8Error) as error:
        return None, [unreadable_problem(path, error)]


def unreadable_problem(path: Path, error: Exception) -> Problem:
    """A data file that cannot be read as YAML text: not UTF-8, or not valid (1.2) YAML."""
    from haihui.problems import not_utf8_problem

    if isinstance(error, NotUtf8Error):
        return not_utf8_problem(shown_path(path), error.error)
    return Problem(
        shown_path(path),
        getattr(error, "line", 1),
        N_("not valid YAML ({error})"),
        N_("check the indentation and the colons on this line"),
        params=named(error=str(error)),
    )


def duplicate_key_problems(path: Path, source: YamlSource) -> list[Problem]:
    """Each key written a second time in the same mapping, at the line of the second one."""
    return [duplicate_key_problem(path, loc, line) for loc, line in source.duplicate_keys()]


def duplicate_key_problem(path: Path, loc: Loc, line: int) -> Problem:
    return Problem(
        shown_path(path),
        line,
        N_("{field}: is written twice (YAML would silently keep only this one)"),
        N_("keep one of the two entries and delete the other"),
        params=named(field=key_path(loc)),
    )


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
                    N_("{field}: still a placeholder ({shown}), which would be published as it is"),
                    N_("replace it with the real value (a publish build refuses TODO and 待填写)"),
                    ERROR if strict else WARNING,
                    params=named(field=where, shown=repr(shown)),
                )
            )
    return problems
