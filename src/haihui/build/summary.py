"""What a pull request shows staff: the build's problems as a job summary, in each language.

GitHub Actions shows the Markdown that a step appends to the file named by
$GITHUB_STEP_SUMMARY on the run's page ("Summary"). `make preview` and
`make publish` append `summary_markdown` to the file given with `--summary`
(the workflow passes $GITHUB_STEP_SUMMARY), and print `annotations`, which
GitHub shows beside the line of the file in the pull request: an error in
red, a warning in yellow. Without GitHub the same text is in the file, so
the tests read what a pull request would show.
"""

import dataclasses
import html
from collections.abc import Iterable, Sequence
from pathlib import Path

from haihui.languages.staff import SOURCE_LANGUAGE, Msg, in_each_language, msg, other_languages
from haihui.problems import ERROR, WARNING, Problem

ERROR_MARK, WARNING_MARK, PASSED_MARK = "❌", "⚠️", "✅"
# Pelican's last lines shown when a build failed without a problem the checks name.
LOG_LINES = 40


def _key(problem: Problem) -> tuple:
    return (problem.path, problem.line, problem.message_id, problem.params)


def _both(message: Msg, languages: Iterable[str] | None, sep: str = " / ") -> str:
    return html.escape(in_each_language(message, sep=sep, languages=languages), quote=False)


def _item(problem: Problem, languages: Iterable[str] | None, note: str = "") -> str:
    """One problem: where (file:line), then what and how to fix it in each language."""
    texts = [problem.text_in(SOURCE_LANGUAGE)]
    texts += [
        problem.text_in(lang) for lang in other_languages(languages) if problem.message_text.translated(lang)
    ]
    shown = "<br>".join(html.escape(text, quote=False) for text in texts)
    return f"- `{problem.path}:{problem.line}`{note} {shown}"


def as_warnings(problems: Iterable[Problem]) -> list[Problem]:
    """Problems a preview only warns about (the built site's broken links, say)."""
    return [dataclasses.replace(p, severity=WARNING) for p in problems]


def summary_markdown(
    command: str,
    problems: Sequence[Problem],
    *,
    passed: bool,
    refused_by_publish: Sequence[Problem] = (),
    log: str = "",
    languages: Iterable[str] | None = None,
) -> str:
    """The job summary of `command` (`make preview`, `make publish`).

    `problems` are what the build found (errors stop it, warnings do not);
    `refused_by_publish`, the errors `make publish` would find in the same
    content: each warning among them is marked, so staff see what still keeps
    the live site from being updated. `log` is Pelican's output, whose last
    lines are shown when the build failed and no problem says why.
    """
    languages = tuple(languages) if languages is not None else None
    errors = [p for p in problems if p.severity == ERROR]
    warnings = [p for p in problems if p.severity != ERROR]
    blocking = {_key(p) for p in refused_by_publish if p.severity == ERROR}
    known = {_key(p) for p in problems}
    # What only the public build refuses, and the preview does not see at all.
    warnings += [
        dataclasses.replace(p, severity=WARNING) for p in refused_by_publish if _key(p) in blocking - known
    ]
    warnings.sort()
    counts = msg(
        "`{command}`: {errors} error(s), {warnings} warning(s)",
        command=command,
        errors=len(errors),
        warnings=len(warnings),
    )
    if not passed:
        mark = ERROR_MARK
        verdict = msg(
            "Red: the build failed. Fix each error below (file and line), commit and push again; "
            "merge only when the check is green."
        )
    elif warnings:
        mark = WARNING_MARK
        verdict = msg(
            "Green, with warnings (yellow): the site builds and you may merge once a colleague has "
            "read the change. Warnings marked 'blocks publishing' keep the live site from being "
            "updated until they are fixed."
        )
    else:
        mark = PASSED_MARK
        verdict = msg("Green: no errors and no warnings. Merge once a colleague has read the change.")
    lines = [f"## {mark} {_both(counts, languages)}", ""]
    lines += [html.escape(text, quote=False) for text in _each(verdict, languages)]
    lines.append("")
    if errors:
        heading = _both(msg("Errors"), languages)
        lines += [f"### {ERROR_MARK} {heading}", ""]
        lines += [_item(p, languages) for p in errors]
        lines.append("")
    if warnings:
        heading = _both(msg("Warnings"), languages)
        lines += [f"### {WARNING_MARK} {heading}", ""]
        blocks = _both(msg("blocks publishing"), languages)
        note = f" **{blocks}**"
        lines += [_item(p, languages, note if _key(p) in blocking else "") for p in warnings]
        lines.append("")
    if not passed and not errors and log.strip():
        tail = "\n".join(log.rstrip().splitlines()[-LOG_LINES:]).replace("```", "'''")
        shown = _both(msg("The last lines of the build log"), languages)
        lines += [f"<details><summary>{shown}</summary>", ""]
        lines += ["```text", tail, "```", "", "</details>", ""]
    return "\n".join(lines) + "\n"


def _each(message: Msg, languages: Iterable[str] | None) -> list[str]:
    """The message as one paragraph per language."""
    return in_each_language(message, sep="\n\n", languages=languages).split("\n\n")


def write_summary(path: str | Path, text: str) -> None:
    """Append `text` to the summary file (GitHub keeps each step's summary by appending)."""
    with Path(path).open("a", encoding="utf-8") as summary:
        summary.write(text)


# ---------------------------------------------------------------- annotations


def _data(text: str) -> str:
    return text.replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A")


def _property(text: str) -> str:
    return _data(text).replace(":", "%3A").replace(",", "%2C")


def annotations(problems: Iterable[Problem], root: Path, languages: Iterable[str] | None = None) -> list[str]:
    """GitHub's workflow commands that show each problem beside its line (red for an error,
    yellow for a warning); a problem in a file that is not in the repository (a page of the
    built site) is shown on the run's page without a line."""
    languages = tuple(languages) if languages is not None else None
    found = []
    for problem in problems:
        level = "error" if problem.severity == ERROR else "warning"
        place = ""
        if (Path(root) / problem.path).is_file():
            place = f" file={_property(problem.path)},line={problem.line}"
        texts = [problem.text_in(SOURCE_LANGUAGE)]
        texts += [
            problem.text_in(lang)
            for lang in other_languages(languages)
            if problem.message_text.translated(lang)
        ]
        found.append(f"::{level}{place}::{_data(chr(10).join(texts))}")
    return found
