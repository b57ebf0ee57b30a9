"""Consent and place: what a story must record before it may be published.

A story's header records the person's informed consent (facts.md, "Ethics of
beneficiary stories"):

    Consent: given 2026-09-14          (or: withdrawn 2026-12-01)
    Consent_languages: en, zh          (the languages she agreed to)
    Photos: no                         (whether photos of her may be shown)
    Consent_form: Chengdu office, consent binder 2026, no. 14
    Location: Daliang Mountains, Sichuan   (optional; county level at most)

`Person:` is the name as she agreed to show it. `Consent: withdrawn` in either
language file takes the story down in every language (haihui_pictures skips it
before Pelican reads it). A form reference that starts with "SAMPLE" marks a
record made up for a sample story: a preview warns, a publish build refuses.

Field checks are `(value, rules) -> None | (what, fix)`, two staff messages;
source checks are `(sources, rules) -> problems`. Sources and rules are the
objects of content_rules.py (used by their attributes only, so that module
can import this one).
"""

import re
from collections import defaultdict
from collections.abc import Iterable
from datetime import date

from haihui.content.frontmatter import normalised_lines
from haihui.problems import ERROR, N_, WARNING, Items, Problem, msg, named

WITHDRAWN = "withdrawn"
CONSENT = re.compile(r"^(?P<state>given|withdrawn)\s+(?P<day>\d{4}-\d{2}-\d{2})$", re.IGNORECASE)
SAMPLE_FORM = re.compile(r"^\s*sample\b", re.IGNORECASE)
# The form is kept on paper or in a records system; the site never links it.
# A link in any spelling (with or without https://, a cloud drive's address, a
# share code) or a file name is the form itself, or the way to it: refused.
FORM_ITSELF = re.compile(
    r"://|\bwww\.|[\\/]|@"
    r"|\b[a-z0-9-]+(?:\.[a-z0-9-]+)*\.(?:com|cn|net|org|io|me|cc|co|top|info|app|link|ly|gl|hk|tw)\b"
    r"|\.[a-z][a-z0-9]{1,4}\s*$|\.(?:pdf|jpe?g|jfif|png|gif|webp|avif|heic|heif|tiff?|bmp|docx?|odt|xlsx?|zip|rar)\b",
    re.IGNORECASE,
)
# Words that say "withdrawn" however a record is written: withdrawal wins even over a typo.
CJK_NAME = re.compile(r"[\u3400-\u9fff]")
WITHDRAWAL_WORDS = re.compile(r"withdr[ae]w|撤回|撤销|撤消", re.IGNORECASE)

# Places below county level (township, village, street, house): the story
# must not lead anyone to the house of a vulnerable woman.
TOO_PRECISE_EN = re.compile(
    r"\b(villages?|townships?|towns?|hamlets?|streets?|roads?|lanes?|groups?|houses?|compounds?|"
    r"xiang|zhen|cun|no\.)\b|\d|°",
    re.IGNORECASE,
)
# Chinese administrative units, coarse to fine; a name needs one character or more before its unit.
CHINESE_UNIT = re.compile(
    r"[\u4e00-\u9fff]+?(自治州|自治县|自治区|街道|社区|省|州|盟|市|县|区|旗|乡|镇|村|组|路|街|巷|号)"
)
BELOW_COUNTY_ZH = {"街道", "社区", "乡", "镇", "村", "组", "路", "街", "巷", "号"}


def consent_of(values: dict) -> tuple[str, date] | None:
    """('given' | 'withdrawn', day) from a header, or None when absent or malformed."""
    match = CONSENT.match(values.get("consent", "").strip())
    if not match:
        return None
    try:
        return match["state"].lower(), date.fromisoformat(match["day"])
    except ValueError:
        return None


def photos_allowed(values: dict) -> bool:
    """True only when a header records consent given and `Photos: yes` (deny by default):
    what a photo of her on a new medium (a share image, a poster) needs."""
    state = consent_of(values)
    return state is not None and state[0] == "given" and values.get("photos", "").strip().lower() == "yes"


def is_withdrawn(source) -> bool:
    """A story whose consent is withdrawn, however the header says it.

    Fails closed: any Consent line that says withdrawn (the first, a second
    one, a continuation, a misspelt record such as "Consent: withdrawn on 1
    Dec", or a Consent line Markdown would read as text after a broken header
    line) takes the story down.
    """
    if source.kind != "story":
        return False
    known = source.__dict__.get("_withdrawn")  # asked by several checks and gates per build
    if known is None:
        known = source.__dict__["_withdrawn"] = _says_withdrawn(source)
    return known


def _says_withdrawn(source) -> bool:
    front = source.front
    if any(WITHDRAWAL_WORDS.search(value) for _, value in front.all_values.get("consent", ())):
        return True
    if "撤" not in source.text and "withdr" not in source.text.lower():
        return False  # WITHDRAWAL_WORDS needs one of these; a quick test before the header scan
    for line in header_lines(source.text):
        key, colon, value = line.partition(":")
        if colon and key.strip().lower() == "consent" and WITHDRAWAL_WORDS.search(value):
            return True
    return False


def header_lines(text: str) -> list[str]:
    """The lines up to the first blank one: where staff write the header."""
    lines = []
    for line in normalised_lines(text):
        if not line.strip():
            break
        lines.append(line)
    return lines


def withdrawn_slugs(sources) -> frozenset[str]:
    """Stories taken down: withdrawn in any of their language files."""
    return frozenset(s.slug for s in sources if is_withdrawn(s) and s.slug)


def taken_down(sources) -> list:
    """Every file of a story taken down: withdrawn itself, or a translation of one that is."""
    down = withdrawn_slugs(sources)
    return [s for s in sources if s.kind == "story" and (is_withdrawn(s) or (s.slug and s.slug in down))]


def ignored_while_down(source, problems: Iterable[Problem]) -> Iterable[Problem]:
    """A taken-down story's own mistakes, as warnings: nothing may hold up the takedown."""
    for problem in problems:
        yield Problem.of(
            problem.path,
            problem.line,
            msg(
                N_("{message} (ignored: the story is taken down, Consent: withdrawn)"),
                message=problem.message_text,
            ),
            problem.fix_text,
            WARNING,
        )


def listed_languages(value: str) -> list[str]:
    return [code for code in re.split(r"[\s,;、，]+", value.strip()) if code]


# ------------------------------------------------------------ field checks


def consent(value: str, rules):
    record = consent_of({"consent": value})
    if record is not None and record[0] != WITHDRAWN and record[1] > rules.today:
        return (
            msg("'{value}' is dated in the future", value=value),
            msg(
                "write the day she actually gave consent (today or earlier); record consent only once "
                "it is given"
            ),
        )
    if record is None:
        return (
            msg("'{value}' is not a consent record", value=value),
            msg(
                "write 'given' and the day she gave consent, e.g. 'Consent: given 2026-11-28'; "
                "to take the story down everywhere write 'Consent: withdrawn' and the day, "
                "e.g. 'Consent: withdrawn 2026-12-01'"
            ),
        )
    return None


def consent_languages(value: str, rules):
    codes = listed_languages(value)
    unknown = [code for code in codes if code not in rules.languages]
    if not codes or unknown:
        known = ", ".join(rules.languages)
        return (
            msg("'{value}' is not a list of this site's languages", value=value),
            msg(
                "list the languages she agreed to be published in, from: {known}, e.g. 'en, zh'", known=known
            ),
        )
    return None


def form_reference(value: str, rules):
    if not value.strip():
        return msg("is empty"), msg("write where the signed consent form is kept")
    if FORM_ITSELF.search(value):
        return (
            msg("'{value}' looks like the form itself or a link to it", value=value),
            msg(
                "write only where the signed form is kept, e.g. 'Chengdu office, consent binder 2026, "
                "no. 14'; never put the form online"
            ),
        )
    return None


def county_level(value: str, rules):
    too_precise = TOO_PRECISE_EN.search(value) or any(
        m.group(1) in BELOW_COUNTY_ZH for m in CHINESE_UNIT.finditer(value)
    )
    if too_precise:
        return (
            msg("'{value}' is more precise than a county", value=value),
            msg(
                "name the county, prefecture or region at most (e.g. 'Daliang Mountains, Sichuan' or "
                "'Zhaojue County, Sichuan'); never a township, village, street, house number or "
                "coordinates, which could lead someone to her home"
            ),
        )
    return None


# ------------------------------------------------------------ whole-story checks


def check_consent(sources, rules) -> Iterable[Problem]:
    """Each language file is one she agreed to; translations agree on the record.

    (Withdrawn stories never get here: check_sources leaves them out.)
    """
    stories = defaultdict(list)
    for source in sources:
        # A progress report that names someone records her consent the same way (haihui.reports).
        if source.slug and (source.kind == "story" or "person" in source.front.values):
            stories[(source.kind, source.slug)].append(source)
    for _, group in sorted(stories.items()):
        for source in group:
            yield from _check_scope(source, rules)
        yield from _check_translations_agree(group)


def _check_scope(source, rules) -> Iterable[Problem]:
    values = source.front.values
    agreed = listed_languages(values.get("consent_languages", ""))
    if "consent_languages" in values and source.lang in rules.languages and source.lang not in agreed:
        yield Problem(
            source.path,
            source.front.line_of("consent_languages"),
            N_("Consent_languages: she agreed to {agreed}, not to this '{lang}' version"),
            N_("remove this translation, or record her consent to it and add the language here"),
            params=named(agreed=Items(tuple(agreed), empty=msg("no language")), lang=source.lang),
        )
    form = values.get("consent_form", "")
    if SAMPLE_FORM.match(form):
        yield Problem(
            source.path,
            source.front.line_of("consent_form"),
            N_("Consent_form: this is a sample consent record, not a real one"),
            N_(
                "before publishing, write the day she gave consent (Consent) and where her signed "
                "form is kept (Consent_form)"
            ),
            ERROR if rules.strict else WARNING,
        )


def _check_translations_agree(group) -> Iterable[Problem]:
    """Consent is one decision of one person: every language file records the same."""

    def record(source):
        values = source.front.values
        return {
            "Consent": consent_of(values),
            "Consent_languages": sorted(listed_languages(values.get("consent_languages", ""))),
            "Photos": values.get("photos", "").strip().lower(),
        }

    first, first_record = group[0], record(group[0])
    for other in group[1:]:
        other_record = record(other)
        for field, value in first_record.items():
            both = first.front.values.get(field.lower()) and other.front.values.get(field.lower())
            if both and other_record[field] != value:
                yield Problem(
                    other.path,
                    other.front.line_of(field.lower()),
                    N_("{field}: differs from {other}; both language files record one consent"),
                    N_("write the same {field} in both files"),
                    params=named(field=field, other=first.path),
                )


def check_names_of_taken_down(down, published) -> Iterable[Problem]:
    """Her name on a page still published, after her consent was withdrawn: a warning (the
    takedown must never wait), naming each line, so staff can remove it."""
    names = sorted(
        {name for source in down if len(name := source.front.values.get("person", "").strip()) > 1}
    )
    if not names:
        return
    patterns = [
        (
            name,
            re.compile(
                re.escape(name) if CJK_NAME.search(name) else rf"\b{re.escape(name)}\b", re.IGNORECASE
            ),
        )
        for name in names
    ]
    for source in published:
        if not any(name.lower() in source.text.lower() for name in names):
            continue
        for number, line in enumerate(normalised_lines(source.text), start=1):
            for name, pattern in patterns:
                if pattern.search(line):
                    yield Problem(
                        source.path,
                        number,
                        N_("this page still names {name}, whose consent is withdrawn"),
                        N_("remove her name and anything that could identify her from this page"),
                        WARNING,
                        params=named(name=name),
                    )
