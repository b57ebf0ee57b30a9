"""Drafts: stories not finished yet, shown only in staff's own preview.

A story is a draft when one of its language files says `Status: draft`
(Pelican's own draft mechanism) or still holds a placeholder (`TODO` /
`待填写`, which `make new-story` writes). Both language files of a draft are
drafts: Pelican pairs drafts only with drafts, so a draft never appears in
the language switcher or the hreflang links of a published page.

What a build does with drafts depends on its settings (`mode_of`):

- BUILD (`make serve`, `make build`: BUILD_DRAFTS true, STRICT_PUBLISH
  false): each draft is built as a Pelican draft, at DRAFT_URL (DRAFT_LANG_URL
  for Chinese), with a banner listing what is still missing, and listed
  nowhere (home, listings, campaign pages, feeds, sitemap, other pages).
  Its problems are warnings. It is built only if its header can be read the
  way Pelican reads it and its consent is decided or still the placeholder
  (`buildable`); otherwise its problems stay errors, as for any story.
- LEAVE_OUT (`make preview`, `make publish`: the publish settings): drafts
  are not read at all, so nothing about them (page, picture, link, name)
  reaches the output. `make preview` leaves out every draft, with a warning;
  `make publish` leaves out the stories marked `Status: draft` (a warning)
  and refuses a story that still has placeholders without being marked (its
  placeholders are errors, as they always were): a half-written story
  never goes out by mistake, and `Status: draft` lets the rest of the site
  be published while it is being written.

Consent fails closed. A story whose consent is withdrawn is taken down first:
it is never a draft and never built, anywhere. A draft whose consent is only
the placeholder is built in BUILD mode only, on the staff member's own
computer; the publish settings never build it. Any other undecided consent
(no line, two lines, a malformed record, a date in the future) stops every
build, draft or not (haihui_consent).
"""

import posixpath
from collections.abc import Iterable, Mapping
from dataclasses import replace
from urllib.parse import unquote, urlsplit

from haihui.consent import consent_of, taken_down
from haihui.content.content_rules import SLUG, Rules, Source, parse_date
from haihui.content.links import REFERENCE, draft_url, may_link
from haihui.content.paths import relative_to_content
from haihui.content.placeholders import body_lines, is_placeholder
from haihui.problems import ERROR, N_, WARNING, Problem, named

BUILD = "build"
LEAVE_OUT = "leave_out"
DRAFT = "draft"

BUILT_NOTICE = N_(
    "this story is a draft: it is built only for your own preview, at {url}, and listed nowhere; "
    "make preview and make publish leave it out"
)
LEFT_OUT_NOTICE = N_(
    "this story is a draft (it still has placeholders, or says 'Status: draft'), so this build leaves it out"
)
TO_PUBLISH = N_(
    "to publish it, replace every TODO or 待填写 and delete any 'Status: draft' line, in both language files"
)
NOTICES = frozenset({BUILT_NOTICE, LEFT_OUT_NOTICE})
NOT_FINISHED = N_("this story still has placeholders, so a publish build refuses it")
KEEP_IT_OFF = N_(
    "finish it, or add the line 'Status: draft' to both language files to publish the rest of the "
    "site without it"
)


def mode_of(settings: Mapping) -> str:
    """BUILD when the settings build drafts for a local preview, else LEAVE_OUT.

    A publish build (STRICT_PUBLISH) never builds one, whatever BUILD_DRAFTS says."""
    return BUILD if settings.get("BUILD_DRAFTS") and not settings.get("STRICT_PUBLISH") else LEAVE_OUT


def is_marked(source: Source) -> bool:
    """The header says `Status: draft` (in any case, as Pelican reads it)."""
    return any(value.strip().lower() == DRAFT for _, value in source.front.all_values.get("status", ()))


def draft_files(sources: list[Source], mode: str | None, strict: bool) -> list[Source]:
    """Every story file this build treats as a draft; none when `mode` is None (plain-text tests).

    In a strict (publish) build only stories marked `Status: draft` are drafts:
    placeholders in any other story are errors.
    """
    if mode is None:
        return []
    down = {id(source) for source in taken_down(sources)}  # withdrawal wins over everything
    stories = [s for s in sources if s.kind == "story" and s.slug and id(s) not in down]
    marked_only = mode == LEAVE_OUT and strict
    slugs = {s.slug for s in stories if is_marked(s) or (not marked_only and s.holds_placeholder)}
    return [s for s in stories if s.slug in slugs]


def built(sources: list[Source], settings: Mapping) -> list[Source]:
    """The drafts this build reads and writes as drafts (BUILD mode), else none."""
    if mode_of(settings) != BUILD:
        return []
    return draft_files(sources, BUILD, strict=False)


def left_out(sources: list[Source], settings: Mapping) -> list[Source]:
    """The drafts this build does not read at all (LEAVE_OUT mode), else none."""
    if mode_of(settings) != LEAVE_OUT:
        return []
    return draft_files(sources, LEAVE_OUT, strict=bool(settings.get("STRICT_PUBLISH")))


def consent_pending(source: Source) -> bool:
    """Her consent is one line that still holds the placeholder: not recorded yet."""
    values = [value for _, value in source.front.all_values.get("consent", ())]
    return len(values) == 1 and is_placeholder(values[0])


def buildable(source: Source, rules: Rules) -> bool:
    """A draft that a local preview can build: its header reads as Pelican reads it (one line
    per field, a valid Slug and Lang, dates that are dates) and her consent is either given
    (today or earlier) or still the placeholder."""
    front = source.front
    if front.malformed or front.repeated() or any(key != "summary" for key, _ in front.continuations):
        return False
    if not SLUG.match(source.slug) or source.lang not in rules.languages:
        return False
    if any(key in front.values and parse_date(front.values[key]) is None for key in ("date", "modified")):
        return False
    if consent_pending(source):
        return True
    record = consent_of(front.values)
    return record is not None and record[0] == "given" and record[1] <= rules.today


def mark_drafts(problems: list[Problem], sources: list[Source], rules: Rules) -> list[Problem]:
    """`check_sources`' last step: a draft's own problems become warnings (it is not published),
    with one notice per file saying so; a draft BUILD mode cannot build keeps its errors."""
    if rules.drafts == LEAVE_OUT and rules.strict:
        # Placeholders in a story not marked `Status: draft` stay errors: say how to keep it off.
        kept_off = {id(s) for s in draft_files(sources, LEAVE_OUT, strict=True)}
        problems = problems + [
            Problem(s.path, 1, NOT_FINISHED, KEEP_IT_OFF)
            for s in draft_files(sources, LEAVE_OUT, strict=False)
            if id(s) not in kept_off and s.holds_placeholder
        ]
    drafts = draft_files(sources, rules.drafts, rules.strict)
    if not drafts:
        return problems
    tolerated = {s.path: s for s in drafts if rules.drafts != BUILD or buildable(s, rules)}
    marked = [
        replace(p, severity=WARNING) if p.path in tolerated and p.severity == ERROR else p for p in problems
    ]
    return marked + [_notice(source, rules) for source in tolerated.values()]


def _notice(source: Source, rules: Rules) -> Problem:
    line = source.front.line_of("status") if is_marked(source) else 1
    if rules.drafts == BUILD:
        url = draft_url("story", source.front.values, rules.settings) or ""
        origin = str(rules.settings.get("SITE_ORIGIN", "")).rstrip("/")
        return Problem(source.path, line, BUILT_NOTICE, TO_PUBLISH, WARNING, named(url=f"{origin}/{url}"))
    return Problem(source.path, line, LEFT_OUT_NOTICE, TO_PUBLISH, WARNING)


def is_notice(problem: Problem) -> bool:
    return problem.message_id in NOTICES


def check_links_to_drafts(sources: list[Source], rules: Rules) -> Iterable[Problem]:
    """A `{filename}` link from a published story or page to a draft (one of haihui.checks.CHECKS).

    A publish build leaves the draft out, so the link would lead nowhere: an
    error there (the other builds warn, and show the link's text without it)."""
    drafts = draft_files(sources, rules.drafts, rules.strict)
    if not drafts:
        return
    draft_paths = {relative_to_content(s.path, rules.content_root): s for s in drafts}
    for source in sources:
        here = relative_to_content(source.path, rules.content_root)
        if here in draft_paths:
            continue  # a draft may link its own translation
        for number, line in body_lines(source.text, source.front.body_line):
            if not may_link(line):
                continue
            for match in REFERENCE.finditer(line):
                if match["what"] != "filename":
                    continue
                path = unquote(urlsplit(match["target"]).path)
                rel = (
                    path[1:]
                    if path.startswith("/")
                    else posixpath.normpath(posixpath.join(posixpath.dirname(here), path))
                )
                if rel in draft_paths:
                    yield Problem(
                        source.path,
                        number,
                        N_(
                            "the link '{shown}' goes to a draft ({file}), which make preview and "
                            "make publish leave out; the page shows the link's text without it"
                        ),
                        N_("publish the story first, or remove the link"),
                        ERROR if rules.strict else WARNING,
                        named(shown=match[0], file=draft_paths[rel].path),
                    )
