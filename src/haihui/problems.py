"""A problem found in content: where it is, what is wrong, how to fix it.

Staff read each problem in English and in the other languages of the site:
the message and the fix are message ids of the staff catalog
(haihui.languages.staff), with named parameters, never text in one language.
"""

import os
from dataclasses import dataclass
from functools import cached_property, total_ordering
from pathlib import Path

from haihui.languages.staff import (
    N_,
    P_,
    SOURCE_LANGUAGE,
    Count,
    Items,
    Msg,
    Params,
    msg,
    named,
    other_languages,
)

__all__ = ["ERROR", "N_", "P_", "WARNING", "ContentError", "Count", "Items", "Msg", "Problem", "msg", "named"]

ERROR = "error"
WARNING = "warning"


@total_ordering
@dataclass(frozen=True, eq=True)
class Problem:
    """`message_id` and `fix_id` are English message ids; `params` fills their placeholders.

    Problem(path, line, N_("'{value}' is not a date"), N_("write it as YYYY-MM-DD"),
            params=named(value=value))
    """

    path: str
    line: int
    message_id: str
    fix_id: str
    severity: str = ERROR
    params: Params = ()

    @classmethod
    def of(cls, path: str, line: int, message: Msg, fix: Msg, severity: str = ERROR) -> "Problem":
        """A problem from two messages that carry their own parameters."""
        params = dict(message.params)
        for name, value in fix.params:
            if params.setdefault(name, value) != value:
                raise ValueError(f"the message and the fix give '{name}' different values")
        return cls(path, line, message.msgid, fix.msgid, severity, tuple(params.items()))

    @property
    def message_text(self) -> Msg:
        return Msg(self.message_id, self.params)

    @property
    def fix_text(self) -> Msg:
        return Msg(self.fix_id, self.params)

    @cached_property
    def message(self) -> str:
        """What is wrong, in English."""
        return self.message_text.render(SOURCE_LANGUAGE)

    @cached_property
    def fix(self) -> str:
        """How to fix it, in English."""
        return self.fix_text.render(SOURCE_LANGUAGE)

    def message_in(self, lang: str) -> str:
        return self.message_text.render(lang)

    def fix_in(self, lang: str) -> str:
        return self.fix_text.render(lang)

    def translated(self, lang: str) -> bool:
        """True when the staff catalog of `lang` has both the message and the fix."""
        return self.message_text.translated(lang) and self.fix_text.translated(lang)

    def text_in(self, lang: str) -> str:
        """'message; fix' in `lang`, or in English when that language's catalog lacks the message."""
        shown = lang if self.message_text.translated(lang) else SOURCE_LANGUAGE
        return msg(N_("{message}; {fix}"), message=self.message_text, fix=self.fix_text).render(shown)

    def render(self, languages=None) -> str:
        """The English line, then an indented line in each other language (default: the
        site's) whose catalog has the message."""
        label = "" if self.severity == ERROR else "warning: "
        lines = [f"{self.path}:{self.line}: {label}{self.text_in(SOURCE_LANGUAGE)}"]
        lines += [
            f"    {self.text_in(lang)}"
            for lang in other_languages(languages)
            if self.message_text.translated(lang)
        ]
        return "\n".join(lines)

    def __str__(self) -> str:
        return self.render()

    def _order(self) -> tuple:
        return (self.path, self.line, self.message, self.fix, self.severity)

    def __lt__(self, other: object) -> bool:
        if not isinstance(other, Problem):
            return NotImplemented
        return self._order() < other._order()


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
        N_("the file is not saved as UTF-8 text (it may be GBK/ANSI, as older Windows Notepad saves it)"),
        N_(
            "open it and save it again as UTF-8: in Notepad, File > Save as > Encoding: UTF-8; in WPS, "
            "File > Save as > Encoding: UTF-8; on a Mac, TextEdit > Save > Plain Text "
            "Encoding: Unicode (UTF-8)"
        ),
    )


def read_utf8(path, shown_path: str) -> str:
    """The text of a file staff wrote; ContentError naming the file when it is not UTF-8."""
    data = Path(path).read_bytes()
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError as error:
        raise ContentError([not_utf8_problem(shown_path, error)]) from None
