"""`invoke new-story`: the text of a new story's files, as plain functions.

The header lists every required field of STORY_FIELDS (content_rules.py), so
a field another rule makes required appears in new stories without a change
here. What the task knows (slug, language, date, campaign, the person's name)
is filled in; everything else is a placeholder (`TODO: ...` in English,
`待填写：...` in Chinese) that the checker refuses until a person replaces it.
A short guide follows the header as an HTML comment.

There is one guide: its sentences are messages of the staff catalog
(haihui.languages.staff), so each file gets it in its own language.
"""

from collections.abc import Iterable, Mapping
from datetime import date as Date
from pathlib import Path

from haihui.content.content_rules import SLUG, STORY_FIELDS, Field
from haihui.content.frontmatter import parse_front_matter
from haihui.languages.staff import Value
from haihui.problems import N_, Msg, display_path, msg

# The placeholder (in the staff catalog: "待填写" in Chinese); placeholders.py knows each one.
MARKER = N_("TODO")

# What each known field means, for the guide. Fields that other rules add and
# that are not listed here are explained by their example.
FIELD_GUIDE = {
    "title": N_("the headline, in this file's language"),
    "slug": N_("the story's address; the same in both files, never changed once published"),
    "lang": N_("the language of this file: en or zh"),
    "date": N_("the day the story is published, YYYY-MM-DD"),
    "summary": N_("one sentence, shown in lists and search results"),
    "campaign": N_("the Slug of the campaign page the story belongs to"),
    "person": N_("the name exactly as the person agreed to show it; no surname she did not agree to"),
    "person_note": N_("a note about the name, e.g. that the Chinese spelling is a transliteration"),
    "single_language": N_("yes if the story is on purpose in one language only"),
    "status": N_(
        "draft keeps the story off the published site while you work on it (make serve still shows it)"
    ),
    "modified": N_("the day of the last real change, YYYY-MM-DD"),
    "consent": N_(
        "'given YYYY-MM-DD' when she gave informed consent; 'withdrawn YYYY-MM-DD' takes the "
        "story down everywhere"
    ),
    "consent_languages": N_("the languages she agreed to be published in, e.g. en, zh"),
    "photos": N_("yes only if she agreed that photos of her may be shown"),
    "consent_form": N_("where the signed form is kept (never the form itself, never a link)"),
    "location": N_("county level at most, e.g. Daliang Mountains, Sichuan; never a village"),
    "image": N_("the story's main picture, a path in content/, e.g. images/photos/ayi-2026.jpg"),
    "image_alt": N_("what the picture shows, for people who cannot see it (needed to publish)"),
}

# The guide, line by line: each line a message (one may hold several lines of the
# file); {required} and {optional} are the lists of fields.
GUIDE = (
    "<!--",
    N_("How to write this story (delete this comment when you are done; it never shows on the page):"),
    N_(
        "- Replace every {marker} in the header above and in the text below with real text.\n"
        "  Until then the story is a draft: `make serve` shows it on your computer only, with what\n"
        "  is still missing, `make publish` refuses it, and `make check` lists what is missing."
    ),
    N_("- The header ends at the first blank line: one field per line, written `Key: value`."),
    N_("- Required fields:"),
    "{required}",
    N_("- Optional fields (add them to the header when you need them):"),
    "{optional}",
    N_("- The same story in the other language: {others}, with the same Slug."),
    N_(
        "- Publish a story or photo only with the person's informed consent, recorded; if she\n"
        "  withdraws it, the story comes down."
    ),
    N_(
        "- Respect her: her own words where she wishes; no pity, no stereotypes; no village\n"
        "  name or exact location, no surname beyond what she agreed to."
    ),
    N_("- Photos go in content/images/; see docs/staff-guide.md for how to add them."),
    N_("- Link another page of the site like this: [text]({{filename}}/pages/about.en.md)."),
    N_("- Preview: run `make serve` and open {preview}"),
    "-->",
)
PREVIEW_ORIGIN = "http://127.0.0.1:8000"


def field_label(key: str, spec: Field) -> str:
    """How staff write the key: from the field's example when it has one ('Single_language')."""
    head = spec.example.split(":", 1)[0].strip() if ":" in spec.example else ""
    return head if head.lower() == key else key.capitalize()


def _example_value(spec: Field) -> str:
    return spec.example.split(":", 1)[1].strip() if ":" in spec.example else ""


def placeholder(key: str, spec: Field, lang: str, name: str) -> str:
    marker = msg(MARKER)
    if key == "title":
        return msg("{marker}: {name}'s story in a few words", marker=marker, name=name).render(lang)
    if key == "summary":
        return msg("{marker}: one sentence that says what the story is about", marker=marker).render(lang)
    example = _example_value(spec)
    if example:
        return msg("{marker}: e.g. {example}", marker=marker, example=example).render(lang)
    return marker.render(lang)


def _prefix(lang: str, languages: Iterable[str] | Mapping[str, Mapping]) -> str:
    """The language's URL prefix: from LANGUAGES when given, else none for the first language."""
    if isinstance(languages, Mapping) and "prefix" in languages.get(lang, {}):
        return str(languages[lang]["prefix"])
    return "" if lang == next(iter(languages), lang) else f"{lang}/"


def _guide(
    slug: str,
    lang: str,
    other_langs: Iterable[str],
    fields: Mapping[str, Field],
    prefix: str = "",
) -> str:
    required = [k for k, s in fields.items() if s.required or s.in_new_story]
    optional = [k for k, s in fields.items() if not (s.required or s.in_new_story)]

    def describe(key):
        if key in FIELD_GUIDE:
            text = msg(FIELD_GUIDE[key])
        else:
            text = msg("e.g. {example}", example=fields[key].example or field_label(key, fields[key]))
        return f"  - {field_label(key, fields[key])}: {text.render(lang)}"

    values: dict[str, Value] = {
        "marker": msg(MARKER),
        "required": "\n".join(map(describe, required)),
        "optional": "\n".join(map(describe, optional)),
        "others": ", ".join(f"{slug}.{other}.md" for other in other_langs),
        "preview": f"{PREVIEW_ORIGIN}/{prefix}stories/{slug}/",
    }
    return "\n".join(msg(line, **values).render(lang) for line in GUIDE)


def story_text(
    slug: str,
    lang: str,
    names: Mapping[str, str],
    campaign: str,
    today: Date,
    languages: Iterable[str] | Mapping[str, Mapping] = ("en", "zh"),
    fields: Mapping[str, Field] | None = None,
) -> str:
    """The whole text of `<slug>.<lang>.md` for a new story.

    languages: the site's language codes, or its LANGUAGES (for each one's URL prefix).
    """
    fields = STORY_FIELDS if fields is None else fields
    name = names.get(lang) or next(iter(names.values()))
    known = {"slug": slug, "lang": lang, "date": today.isoformat(), "campaign": campaign, "person": name}
    header = [
        f"{field_label(key, spec)}: {known.get(key) or placeholder(key, spec, lang, name)}"
        for key, spec in fields.items()
        if spec.required or spec.in_new_story
    ]
    body = msg(
        "{marker}: write the story here, in her own words where she wishes, and only "
        "what she agreed to share.",
        marker=msg(MARKER),
    ).render(lang)
    others = [other for other in languages if other != lang]
    guide = _guide(slug, lang, others, fields, _prefix(lang, languages))
    return "\n".join(header) + "\n\n" + guide + "\n\n" + body + "\n"


def story_files(
    slug: str,
    names: Mapping[str, str],
    campaign: str,
    today: Date,
    languages: Iterable[str] | Mapping[str, Mapping] = ("en", "zh"),
) -> dict[str, str]:
    """{file name: text} of a new story, one file per language (the site's LANGUAGES, or codes)."""
    languages = languages if isinstance(languages, Mapping) else tuple(languages)
    return {
        f"{slug}.{lang}.md": story_text(slug, lang, names, campaign, today, languages) for lang in languages
    }


def slug_problem(slug: str, stories: Path) -> Msg | None:
    """Why `slug` cannot be a new story's slug (a staff message), or None."""
    if not SLUG.match(slug):
        return msg(
            "'{slug}' is not a valid slug: use lower-case letters a-z, digits and hyphens, e.g. 'adiniuniu'",
            slug=slug,
        )
    for path in sorted(stories.rglob("*.md")) if stories.is_dir() else []:
        if (
            path.name.split(".")[0] == slug
            or parse_front_matter(path.read_text("utf-8")).values.get("slug") == slug
        ):
            return msg(
                "a story with the slug '{slug}' already exists ({file}): choose another slug, or "
                "edit that story",
                slug=slug,
                file=display_path(path, Path.cwd()),
            )
    return None


def suggest_slug(name: str) -> str:
    """'Ji Bu Guo-guo' -> 'ji-bu-guo-guo' (Latin letters only; empty if nothing is left)."""
    cleaned = "".join(ch.lower() if ch.isascii() and ch.isalnum() else "-" for ch in name)
    return "-".join(part for part in cleaned.split("-") if part)
