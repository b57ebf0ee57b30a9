"""Rules for the front matter of stories and pages: plain functions over text.

`check_sources` is the one entry point; the build, `invoke check` and the
tests all call it, so a rule lives here once.
"""

import difflib
import re
from collections import defaultdict
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

from .frontmatter import FrontMatter, parse_front_matter
from .problems import ERROR, WARNING, Problem

SLUG = re.compile(r"^[a-z0-9]+(?:-[a-z0-9]+)*$")
YES_NO = {"yes": True, "true": True, "no": False, "false": False}
DATE_FORMATS = ("%Y-%m-%d", "%Y-%m-%d %H:%M", "%Y-%m-%dT%H:%M", "%Y-%m-%d %H:%M:%S")

# A field check returns None when the value is fine, or (what is wrong, how to fix it).
FieldCheck = Callable[[str, "Rules"], tuple[str, str] | None]


@dataclass(frozen=True)
class Field:
    check: FieldCheck
    required: bool = True
    example: str = ""


@dataclass(frozen=True)
class Rules:
    """What the rules need from the settings."""

    languages: tuple[str, ...]
    strict: bool  # a publish build: warnings about completeness become errors
    templates: frozenset[str]


@dataclass
class Source:
    """One Markdown file with its parsed front matter."""

    path: str  # as shown to staff
    kind: str  # "story" or "page"
    front: FrontMatter
    text: str

    @property
    def slug(self) -> str:
        return self.front.values.get("slug", "")

    @property
    def lang(self) -> str:
        return self.front.values.get("lang", "")


def text(value: str, rules: Rules):
    if not value.strip():
        return "is empty", "write a value after the colon"
    return None


def slug(value: str, rules: Rules):
    if not SLUG.match(value):
        return (
            f"'{value}' is not a valid slug",
            "use lower-case letters a-z, digits and hyphens only, e.g. 'jibuguoguo'",
        )
    return None


def language(value: str, rules: Rules):
    if value not in rules.languages:
        known = ", ".join(rules.languages)
        return f"'{value}' is not a language of this site", f"write one of: {known}"
    return None


def parse_date(value: str) -> datetime | None:
    for fmt in DATE_FORMATS:
        try:
            return datetime.strptime(value.strip(), fmt)
        except ValueError:
            continue
    return None


def date(value: str, rules: Rules):
    if parse_date(value) is None:
        return f"'{value}' is not a date", "write it as YYYY-MM-DD, e.g. 2026-11-28"
    return None


def yes_no(value: str, rules: Rules):
    if value.strip().lower() not in YES_NO:
        return f"'{value}' is neither yes nor no", "write yes or no"
    return None


def status(value: str, rules: Rules):
    if value not in {"published", "draft", "hidden"}:
        return f"'{value}' is not a status", "write published, draft or hidden"
    return None


def whole_number(value: str, rules: Rules):
    if not value.strip().isdigit():
        return f"'{value}' is not a whole number", "write a number such as 1, 2 or 3"
    return None


def template(value: str, rules: Rules):
    if value not in rules.templates:
        known = ", ".join(sorted(rules.templates))
        return f"there is no template '{value}' in the theme", f"use one of: {known}"
    return None


COMMON_FIELDS = {
    "title": Field(text, example="Title: Jibuguoguo: from recipient to contributor"),
    "slug": Field(slug, example="Slug: jibuguoguo"),
    "lang": Field(language, example="Lang: en"),
    "summary": Field(text, required=False),
    "single_language": Field(yes_no, required=False),
    "status": Field(status, required=False),
    "modified": Field(date, required=False),
}
STORY_FIELDS = {
    **COMMON_FIELDS,
    "date": Field(date, example="Date: 2026-11-28"),
    "summary": Field(text, example="Summary: One sentence that says what the story is about."),
    "campaign": Field(slug, example="Campaign: left-behind-mothers"),
    "person": Field(text, example="Person: Jibuguoguo"),
    "person_note": Field(text, required=False),
}
PAGE_FIELDS = {
    **COMMON_FIELDS,
    "template": Field(template, required=False),
    "date": Field(date, required=False),
    # Pages with a Nav_order appear in the main navigation, in that order.
    "nav_order": Field(whole_number, required=False),
    "nav_title": Field(text, required=False),
}
FIELDS = {"story": STORY_FIELDS, "page": PAGE_FIELDS}


def check_fields(source: Source, rules: Rules) -> Iterable[Problem]:
    fields = FIELDS[source.kind]
    front = source.front
    for line, content in front.malformed:
        yield Problem(
            source.path, line, f"the header line '{content.strip()}' is not 'Key: value'",
            "write each field as 'Key: value' and leave one blank line before the text",
        )
    for key, value in front.values.items():
        if key not in fields:
            close = difflib.get_close_matches(key, fields, n=1)
            hint = f"did you mean '{close[0].capitalize()}'?" if close else (
                "remove it, or check the spelling against the staff guide")
            yield Problem(source.path, front.line_of(key), f"unknown field '{key.capitalize()}'", hint)
            continue
        wrong = fields[key].check(value, rules)
        if wrong:
            what, fix = wrong
            yield Problem(source.path, front.line_of(key), f"{key.capitalize()}: {what}", fix)
    for key, spec in fields.items():
        if spec.required and key not in front.values:
            yield Problem(
                source.path, 1, f"the required field '{key.capitalize()}' is missing",
                f"add a line such as '{spec.example}' to the header at the top of the file",
            )


def check_pairs(sources: list[Source], rules: Rules) -> Iterable[Problem]:
    """Each slug once per language, and every story in every language."""
    by_slug: dict[tuple[str, str], list[Source]] = defaultdict(list)
    for source in sources:
        if source.slug and source.lang in rules.languages:
            by_slug[(source.kind, source.slug)].append(source)
    for (kind, slug_value), group in sorted(by_slug.items()):
        by_lang: dict[str, list[Source]] = defaultdict(list)
        for source in group:
            by_lang[source.lang].append(source)
        for lang, same in sorted(by_lang.items()):
            for duplicate in same[1:]:
                yield Problem(
                    duplicate.path, duplicate.front.line_of("slug"),
                    f"{same[0].path} already has Slug '{slug_value}' in language '{lang}'",
                    "give one of the two files another Slug, or another Lang if it is the translation",
                )
        missing = [lang for lang in rules.languages if lang not in by_lang]
        on_purpose = any(
            YES_NO.get(s.front.values.get("single_language", "").lower(), False) for s in group
        )
        if missing and not on_purpose:
            first = group[0]
            yield Problem(
                first.path, first.front.line_of("lang"),
                f"'{slug_value}' has no translation in {', '.join(missing)}, "
                "so it is listed in one language only",
                f"add the translation as {Path(first.path).name.split('.')[0]}.{missing[0]}.md "
                "with the same Slug, or add 'Single_language: yes' if that is on purpose",
                ERROR if rules.strict else WARNING,
            )


def check_campaign_links(sources: list[Source], rules: Rules) -> Iterable[Problem]:
    campaigns = {s.slug for s in sources if s.front.values.get("template") == "campaign"}
    for source in sources:
        campaign = source.front.values.get("campaign")
        if source.kind == "story" and campaign and SLUG.match(campaign) and campaign not in campaigns:
            known = ", ".join(sorted(campaigns)) or "none yet"
            yield Problem(
                source.path, source.front.line_of("campaign"),
                f"Campaign: there is no campaign page with Slug '{campaign}'",
                f"use the Slug of a campaign page (known: {known})",
            )


# Checks over the whole set of sources; other plugins append theirs.
SOURCE_CHECKS: list[Callable[[list[Source], Rules], Iterable[Problem]]] = [
    check_pairs,
    check_campaign_links,
]


def load_sources(files: Iterable[tuple[str, str, str]]) -> list[Source]:
    """files: (displayed path, kind, text)."""
    return [Source(path, kind, parse_front_matter(body), body) for path, kind, body in files]


def check_sources(sources: list[Source], rules: Rules) -> list[Problem]:
    problems: list[Problem] = []
    for source in sources:
        problems.extend(check_fields(source, rules))
    for check in SOURCE_CHECKS:
        problems.extend(check(sources, rules))
    return sorted(problems)
