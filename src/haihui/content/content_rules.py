"""Rules for the front matter of stories and pages: plain functions over text.

`check_sources` is the one entry point; the build, `invoke check` and the
tests all call it, so a rule lives here once.
"""

import difflib
import re
from collections import defaultdict
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from datetime import date as Day
from datetime import datetime
from functools import cached_property
from pathlib import Path

from haihui import consent as consent_rules
from haihui import reports
from haihui.content import image_rules
from haihui.content.frontmatter import FrontMatter, parse_front_matter
from haihui.content.placeholders import (
    is_placeholder,
    placeholder_lines,
    placeholder_problem,
)
from haihui.listings import NOINDEX
from haihui.problems import ERROR, N_, WARNING, Items, Msg, Problem, msg, named

# A slug: lower-case letters and digits in words joined by single hyphens (not "a--b").
SLUG_PATTERN = r"^[a-z0-9]+(?:-[a-z0-9]+)*$"
SLUG = re.compile(SLUG_PATTERN)
YES_NO = {"yes": True, "true": True, "no": False, "false": False}
DATE_FORMATS = ("%Y-%m-%d", "%Y-%m-%d %H:%M", "%Y-%m-%dT%H:%M", "%Y-%m-%d %H:%M:%S")

# A field check returns None when the value is fine, or (what is wrong, how to fix it),
# two messages of the staff catalog.
FieldCheck = Callable[[str, "Rules"], tuple[Msg, Msg] | None]


@dataclass(frozen=True)
class Field:
    check: FieldCheck
    required: bool = True
    example: str = ""
    # `invoke new-story` writes every required field, and optional ones marked
    # here (e.g. what a publish build requires), as placeholders to fill in.
    in_new_story: bool = False


@dataclass(frozen=True)
class Rules:
    """What the rules need from the settings."""

    languages: tuple[str, ...]
    strict: bool  # a publish build: warnings about completeness become errors
    templates: frozenset[str]
    # The day of the build, in the site's time zone: consent cannot be dated after it.
    today: Day = field(default_factory=Day.today)
    # What links in the text may point at (links.py); project.py reads them from
    # the disk. None skips that part of the link check (plain-text tests).
    content_root: str = "content"  # the content folder as staff see it
    content_files: frozenset[str] | None = None  # every file below it, e.g. "images/a.jpg"
    static_paths: tuple[str, ...] = ()  # folders copied as they are (STATIC_PATHS)
    site_urls: frozenset[str] | None = None  # every address a build writes, e.g. "zh/about/"
    source_urls: tuple[tuple[str, str], ...] = ()  # (source path, its address)
    # Files ("stories/a.en.md") and addresses ("stories/a/") of stories taken down.
    taken_down: frozenset[str] = frozenset()
    # What this build does with drafts (haihui.content.drafts): "build" them for a local
    # preview or "leave_out"; None checks a draft like any story (plain-text tests).
    drafts: str | None = None
    # All settings, for the checks that read the data files (fund use, checkout
    # links, organisation). Empty: no project (plain-text tests).
    settings: dict = field(default_factory=dict, compare=False, hash=False)
    # The giving data as this build reads it once: (SiteTiers or None, problems);
    # None until read (haihui.giving.site_data.check_tiers reads it then).
    giving: tuple | None = field(default=None, compare=False, hash=False)
    # The same for content/data/organisation.yaml: (Organisation or None, problems);
    # None until read (haihui.organisation.check_organisation reads it then).
    organisation: tuple | None = field(default=None, compare=False, hash=False)
    # The Passing on the Gift chain as this build reads it once (haihui.gift_chain.LoadedChain);
    # None until read (haihui.gift_chain.check_gift_chain reads it then).
    gift_chain: object | None = field(default=None, compare=False, hash=False)
    # The CSR partner kit as this build reads it once (haihui.partners.data.ReadKit);
    # None until read (haihui.partners.check_partner_kit reads it then).
    partner_kit: object | None = field(default=None, compare=False, hash=False)


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

    @cached_property
    def holds_placeholder(self) -> bool:
        """A placeholder left in its header or text; read once (the drafts' rules ask several times
        a build, and a Source lives for one build)."""
        from haihui.content.placeholders import has_placeholder

        return has_placeholder(self)


def text(value: str, rules: Rules):
    if not value.strip():
        return msg("is empty"), msg("write a value after the colon")
    return None


def slug(value: str, rules: Rules):
    if not SLUG.match(value):
        return (
            msg("'{value}' is not a valid slug", value=value),
            msg("use lower-case letters a-z, digits and hyphens only, e.g. 'jibuguoguo'"),
        )
    return None


def language(value: str, rules: Rules):
    if value not in rules.languages:
        known = ", ".join(rules.languages)
        return (
            msg("'{value}' is not a language of this site", value=value),
            msg("write one of: {known}", known=known),
        )
    return None


# Feeds and the sitemap need a four-digit year (RFC 3339); no story of Haihui's is older.
EARLIEST_YEAR = 1900


def parse_date(value: str) -> datetime | None:
    for fmt in DATE_FORMATS:
        try:
            day = datetime.strptime(value.strip(), fmt)
        except ValueError:
            continue
        return day if day.year >= EARLIEST_YEAR else None
    return None


def date(value: str, rules: Rules):
    if parse_date(value) is None:
        return (
            msg("'{value}' is not a date", value=value),
            msg("write it as YYYY-MM-DD, e.g. 2026-11-28"),
        )
    return None


def yes_no(value: str, rules: Rules):
    if value.strip().lower() not in YES_NO:
        return msg("'{value}' is neither yes nor no", value=value), msg("write yes or no")
    return None


def status(value: str, rules: Rules):
    if value not in {"published", "draft", "hidden"}:
        return msg("'{value}' is not a status", value=value), msg("write published, draft or hidden")
    return None


def whole_number(value: str, rules: Rules):
    if not value.strip().isdigit():
        return msg("'{value}' is not a whole number", value=value), msg("write a number such as 1, 2 or 3")
    return None


def template(value: str, rules: Rules):
    if value not in rules.templates:
        known = ", ".join(sorted(rules.templates))
        return (
            msg("there is no template '{value}' in the theme", value=value),
            msg("use one of: {known}", known=known),
        )
    return None


def robots(value: str, rules: Rules):
    if value.strip().lower() != NOINDEX:
        return (
            msg("'{value}' is not 'noindex'", value=value),
            msg(
                "write 'Robots: noindex' to keep the page out of search engines and the sitemap, "
                "or remove the line"
            ),
        )
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
    "person": Field(text, example="Person: Jibuguoguo"),  # the name as she agreed to show it
    "person_note": Field(text, required=False),
    # The family of the Passing on the Gift chain she is (her id in gift-chain.yaml; haihui.gift_chain).
    "family": Field(slug, required=False),
    # Her informed consent, the place and the hero picture (consent_rules.py, image_rules.py).
    "consent": Field(consent_rules.consent, example="Consent: given 2026-11-28"),
    "consent_languages": Field(consent_rules.consent_languages, example="Consent_languages: en, zh"),
    "photos": Field(yes_no, example="Photos: no"),
    "consent_form": Field(
        consent_rules.form_reference, example="Consent_form: Chengdu office, consent binder 2026, no. 14"
    ),
    "location": Field(consent_rules.county_level, required=False),
    "image": Field(image_rules.image_path, example="Image: images/illustrations/jibuguoguo.png"),
    # Required in a publish build (image_rules.check_images), so new stories have it.
    "image_alt": Field(text, required=False, in_new_story=True),
}
PAGE_FIELDS = {
    **COMMON_FIELDS,
    "template": Field(template, required=False),
    "date": Field(date, required=False),
    # Pages with a Nav_order appear in the main navigation, in that order.
    "nav_order": Field(whole_number, required=False),
    "nav_title": Field(text, required=False),
    # Only for pages with a fixed address, such as the 404 page (Save_as: 404.html).
    "save_as": Field(text, required=False),
    "url": Field(text, required=False),
    # `Robots: noindex` keeps a page out of search engines and the sitemap (the
    # thank-you and 404 pages); haihui.listings.indexable reads it.
    "robots": Field(robots, required=False),
}
_FIGURE_EXAMPLE = {"spent_fen": "Spent_fen: 3800000"}
# A progress report (haihui.reports): a page with `Template: report`, in both languages always.
REPORT_FIELDS = {
    **{key: spec for key, spec in COMMON_FIELDS.items() if key != "single_language"},
    "template": Field(reports.report_template, example="Template: report"),
    "date": Field(date, example="Date: 2026-11-20"),
    "summary": Field(text, example="Summary: One sentence that says what happened in the period."),
    "campaign": Field(slug, example="Campaign: left-behind-mothers"),
    "period_start": Field(date, example="Period_start: 2026-07-01"),
    "period_end": Field(date, example="Period_end: 2026-09-30"),
    **{
        name: Field(reports.count, example=_FIGURE_EXAMPLE.get(name, f"{name.capitalize()}: 0"))
        for name in reports.FIGURES
    },
    "setbacks": Field(reports.setbacks, example="Setbacks: none"),
    "tiers_delivered": Field(reports.tier_counts, required=False),
    "final": Field(yes_no, required=False),
    "left_over_fen": Field(reports.count, required=False),
    "left_over": Field(text, required=False),
    "sample": Field(yes_no, required=False),
    # A person named or shown in a report: her consent record, as in a story (haihui.consent).
    "person": Field(text, required=False),
    "consent": Field(consent_rules.consent, required=False),
    "consent_languages": Field(consent_rules.consent_languages, required=False),
    "photos": Field(yes_no, required=False),
    "consent_form": Field(consent_rules.form_reference, required=False),
    "location": Field(consent_rules.county_level, required=False),
    "image": Field(image_rules.image_path, required=False),
    "image_alt": Field(text, required=False),
}
FIELDS = {"story": STORY_FIELDS, "page": PAGE_FIELDS}


def fields_of(source: Source) -> dict[str, Field]:
    """The header fields a file may have: a story's, a page's, or a progress report's."""
    if source.kind == "page" and reports.is_report(source.front.values):
        return REPORT_FIELDS
    return FIELDS[source.kind]


def check_fields(source: Source, rules: Rules) -> Iterable[Problem]:
    fields = fields_of(source)
    front = source.front
    for line, content in front.malformed:
        yield Problem(
            source.path,
            line,
            N_("the header line '{line}' is not 'Key: value'"),
            N_("write each field as 'Key: value' and leave one blank line before the text"),
            params=named(line=content.strip()),
        )
    for key, value in front.values.items():
        if key not in fields:
            close = difflib.get_close_matches(key, fields, n=1)
            yield Problem(
                source.path,
                front.line_of(key),
                N_("unknown field '{field}'"),
                N_("did you mean '{close}'?")
                if close
                else N_("remove it, or check the spelling against the staff guide"),
                params=named(field=key.capitalize(), close=close[0].capitalize() if close else ""),
            )
            continue
        if is_placeholder(value):
            yield placeholder_problem(source.path, front.line_of(key), key.capitalize(), value)
            continue
        wrong = fields[key].check(value, rules)
        if wrong:
            what, fix = wrong
            yield Problem.of(
                source.path,
                front.line_of(key),
                msg(N_("{field}: {what}"), field=key.capitalize(), what=what),
                fix,
            )
    yield from _repeated_fields(source, rules)
    for key, spec in fields.items():
        if spec.required and key not in front.values:
            yield Problem(
                source.path,
                1,
                N_("the required field '{field}' is missing"),
                N_("add a line such as '{example}' to the header at the top of the file"),
                params=named(field=key.capitalize(), example=spec.example),
            )


def _repeated_fields(source: Source, rules: Rules) -> Iterable[Problem]:
    """A field written twice, or continued on an indented line, is a list to Pelican: refused."""
    front = source.front
    for key, line in front.repeated():
        label = key.capitalize()
        yield Problem(
            source.path,
            line,
            N_(
                "{field} is written twice (first on line {first}); Pelican would not publish the "
                "value you see"
            ),
            N_("keep one '{field}:' line and delete the other"),
            params=named(field=label, first=front.line_of(key)),
        )
    formatted = {f.lower() for f in rules.settings.get("FORMATTED_FIELDS", ["summary"])}
    for key, line in front.continuations:
        if key in formatted:
            continue  # Summary may run over several lines
        label = key.capitalize()
        yield Problem(
            source.path,
            line,
            N_("this indented line continues {field}, which Pelican would turn into a list"),
            N_(
                "write {field} on one line (line {first}), or leave a blank line "
                "before the text if this line belongs to it"
            ),
            params=named(field=label, first=front.line_of(key)),
        )


def check_pairs(sources: list[Source], rules: Rules) -> Iterable[Problem]:
    """Each slug once per language, and every story in every language."""
    by_slug: dict[tuple[str, str], list[Source]] = defaultdict(list)
    for source in sources:
        if source.slug and source.lang in rules.languages:
            by_slug[(source.kind, source.slug)].append(source)
    for (_kind, slug_value), group in sorted(by_slug.items()):
        by_lang: dict[str, list[Source]] = defaultdict(list)
        for source in group:
            by_lang[source.lang].append(source)
        for lang, same in sorted(by_lang.items()):
            for duplicate in same[1:]:
                yield Problem(
                    duplicate.path,
                    duplicate.front.line_of("slug"),
                    N_("{other} already has Slug '{slug}' in language '{lang}'"),
                    N_("give one of the two files another Slug, or another Lang if it is the translation"),
                    params=named(other=same[0].path, slug=slug_value, lang=lang),
                )
        missing = [lang for lang in rules.languages if lang not in by_lang]
        on_purpose = any(YES_NO.get(s.front.values.get("single_language", "").lower(), False) for s in group)
        if missing and not on_purpose:
            first = group[0]
            yield Problem(
                first.path,
                first.front.line_of("lang"),
                N_("'{slug}' has no translation in {missing}, so it is listed in one language only"),
                N_(
                    "add the translation as {file} with the same Slug, "
                    "or add 'Single_language: yes' if that is on purpose"
                ),
                ERROR if rules.strict else WARNING,
                params=named(
                    slug=slug_value,
                    missing=Items(tuple(missing)),
                    file=f"{Path(first.path).name.split('.')[0]}.{missing[0]}.md",
                ),
            )


def check_campaign_links(sources: list[Source], rules: Rules) -> Iterable[Problem]:
    campaigns = {s.slug for s in sources if s.front.values.get("template") == "campaign"}
    for source in sources:
        campaign = source.front.values.get("campaign")
        if source.kind == "story" and campaign and SLUG.match(campaign) and campaign not in campaigns:
            yield Problem(
                source.path,
                source.front.line_of("campaign"),
                N_("Campaign: there is no campaign page with Slug '{campaign}'"),
                N_("use the Slug of a campaign page (known: {known})"),
                params=named(campaign=campaign, known=Items(tuple(sorted(campaigns)), empty=msg("none yet"))),
            )


def load_sources(files: Iterable[tuple[str, str, str]]) -> list[Source]:
    """files: (displayed path, kind, text)."""
    return [Source(path, kind, parse_front_matter(body), body) for path, kind, body in files]


def check_sources(sources: list[Source], rules: Rules) -> list[Problem]:
    problems: list[Problem] = []
    # A story whose consent is withdrawn is not built, in any language: nothing
    # about it may hold up the takedown. Its other mistakes are only warnings.
    down = {id(source) for source in consent_rules.taken_down(sources)}
    for source in sources:
        if id(source) in down:
            problems.extend(consent_rules.ignored_while_down(source, check_fields(source, rules)))
    problems.extend(
        consent_rules.check_names_of_taken_down(
            [s for s in sources if id(s) in down], [s for s in sources if id(s) not in down]
        )
    )
    sources = [s for s in sources if id(s) not in down]
    for source in sources:
        problems.extend(check_fields(source, rules))
    # A header line still holding its placeholder is reported once, as such:
    # what other checks make of the placeholder text is noise.
    unfilled = placeholder_lines(sources)
    from haihui import checks  # the list of checks imports this module
    from haihui.content import drafts  # and so does this one

    for check in checks.CHECKS:
        problems.extend(p for p in check(sources, rules) if (p.path, p.line) not in unfilled)
    # A draft is not published: its own mistakes are warnings (drafts.py says when).
    return sorted(drafts.mark_drafts(problems, sources, rules))
