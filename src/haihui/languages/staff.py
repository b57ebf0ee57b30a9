"""What staff read (the checker's problems, the tasks' messages, the new-story
guide), in every language of the site, through one gettext catalog.

The English text is the message id, with named `{placeholders}` filled in
by `str.format` (so `{{` and `}}` stand for a literal brace). `N_` and `msg`
mark a message for `invoke translations`, which extracts every marked message
of src/haihui, plugins/ and tasks.py into src/haihui/translations/staff.pot and
merges it into each language's catalog,
src/haihui/translations/<lang>/LC_MESSAGES/staff.po. A language is added with
its catalog only: no code names a language.

As with the theme (catalogs.py), the .po is read directly, and kept while its
file is unchanged: `make serve` rebuilds in one process, and an edited msgstr
must show in the next build.
"""

import gettext
import os
import re
import string
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Union

# The language the message ids are written in.
SOURCE_LANGUAGE = "en"
# The catalogs: <CATALOGS>/<lang>/LC_MESSAGES/<DOMAIN>.po.
CATALOGS = Path(__file__).resolve().parent.parent / "translations"
DOMAIN = "staff"
# The functions that mark a message for extraction, as Babel's -k options take them.
EXTRACT_KEYWORDS = ("N_", "msg", "P_:1,2")


def N_(message: str) -> str:
    """Marks `message` as a message id for extraction; translated where it is shown."""
    return message


Value = Union[str, int, "Msg", "Items", "Count"]
Params = tuple[tuple[str, Value], ...]


def named(**values: Value) -> Params:
    """The parameters of a message, hashable: named(slug="ayi") -> (("slug", "ayi"),)."""
    return tuple(values.items())


@dataclass(frozen=True, order=True)
class Msg:
    """A message id and its parameters; shown in any language with `render`."""

    msgid: str
    params: Params = ()

    def render(self, lang: str) -> str:
        return render(self.msgid, self.params, lang)

    def translated(self, lang: str) -> bool:
        """True when the catalog of `lang` has this message (and every message inside it)."""
        return is_translated(self.msgid, self.params, lang)

    def __str__(self) -> str:
        return self.render(SOURCE_LANGUAGE)


def msg(msgid: str, **values: Value) -> Msg:
    """A message with its parameters: msg("'{value}' is not a date", value=value)."""
    return Msg(msgid, named(**values))


@dataclass(frozen=True, order=True)
class Items:
    """A list shown as a parameter, joined the way each language joins lists
    (", " in English, "、" in Chinese); `empty` when there is nothing to list."""

    values: tuple[Value, ...]
    empty: Value = ""
    joiner: str = N_("{first}, {second}")


@dataclass(frozen=True, order=True)
class Count:
    """A number with its noun, in the plural form each language gives that number
    ("1 day", "5 days"; "5 天"): a gettext plural entry, msgid `singular` and
    msgid_plural `plural`, each with an `{n}` placeholder. Made by `P_`."""

    n: int
    singular: str
    plural: str


def P_(singular: str, plural: str, n: int) -> Count:
    """Marks a counted message for extraction: P_("{n} day", "{n} days", days)."""
    return Count(n, singular, plural)


# ---------------------------------------------------------------- catalogs


def catalog(lang: str) -> Mapping[str, str]:
    """{msgid: msgstr} of the staff catalog of `lang` ({} when there is none); cached on the
    file's identity (path, size, modification time), never for the life of the process."""
    return _catalog_file(lang)[0]


def plural_catalog(lang: str) -> Mapping[str, tuple[str, ...]]:
    """{singular msgid: (msgstr[0], msgstr[1], ...)} of the plural entries of `lang`'s catalog."""
    return _catalog_file(lang)[1]


def _catalog_file(lang: str) -> tuple[Mapping[str, str], Mapping[str, tuple[str, ...]]]:
    """The messages and the plural entries of `lang`'s catalog (none when it has none)."""
    # Every staff message asks (9,000 times a build of 1,000 stories): strings, not Paths.
    po = os.path.join(CATALOGS, lang, "LC_MESSAGES", f"{DOMAIN}.po")
    try:
        stat = os.stat(po)
    except OSError:
        return {}, {}
    return _read(po, stat.st_size, stat.st_mtime_ns)


@lru_cache(maxsize=16)
def _read(po: str, size: int, mtime_ns: int) -> tuple[Mapping[str, str], Mapping[str, tuple[str, ...]]]:
    from babel.messages.pofile import read_po

    with open(po, "rb") as f:
        # The language (the folder's name) sets how many plural forms an entry has.
        messages = read_po(f, locale=Path(po).parent.parent.name)
    # An empty or fuzzy msgstr is no translation: the English is shown instead.
    usable = [m for m in messages if m.id and m.string and not m.fuzzy]
    singles = {m.id: m.string for m in usable if isinstance(m.id, str) and isinstance(m.string, str)}
    plurals = {
        m.id[0]: tuple(m.string)
        for m in usable
        if isinstance(m.id, tuple) and isinstance(m.string, tuple) and all(m.string)
    }
    return singles, plurals


@lru_cache(maxsize=16)
def _plural_index(lang: str):
    """The language's gettext plural rule (CLDR's, through Babel): n -> index of the msgstr."""
    from babel.messages.plurals import get_plural

    return gettext.c2py(get_plural(lang).plural_expr)


# ---------------------------------------------------------------- rendering


def render(msgid: str, params: Params, lang: str) -> str:
    """The message in `lang`, its parameters filled in (each one in `lang` too)."""
    values = {name: render_value(value, lang) for name, value in params}
    translation = catalog(lang).get(msgid, msgid)
    try:
        return translation.format_map(values)
    except (KeyError, IndexError, ValueError):
        return msgid.format_map(values)  # a msgstr whose placeholders do not fit: the English


def render_value(value: Value, lang: str) -> str:
    if isinstance(value, Msg):
        return value.render(lang)
    if isinstance(value, Count):
        forms = plural_catalog(lang).get(value.singular)
        if forms is None:  # untranslated: the English forms, by the English rule
            forms, lang = (value.singular, value.plural), SOURCE_LANGUAGE
        return forms[min(_plural_index(lang)(value.n), len(forms) - 1)].format(n=value.n)
    if isinstance(value, Items):
        shown = [render_value(item, lang) for item in value.values]
        if not shown:
            return render_value(value.empty, lang)
        text = shown[0]
        for item in shown[1:]:
            text = render(value.joiner, named(first=text, second=item), lang)
        return text
    return str(value)


_PLACEHOLDER = re.compile(r"\{[^{}]*\}")


def is_translated(msgid: str, params: Params, lang: str) -> bool:
    """True when `lang`'s catalog translates the message and every message among the
    parameters it shows; a message of placeholders and punctuation only needs none."""
    if lang == SOURCE_LANGUAGE:
        return True
    if msgid not in catalog(lang) and any(ch.isalpha() for ch in _PLACEHOLDER.sub("", msgid)):
        return False
    shown = {name for _, name, _, _ in string.Formatter().parse(msgid) if name}
    return all(_value_translated(value, lang) for name, value in params if name in shown)


def _value_translated(value: Value, lang: str) -> bool:
    if isinstance(value, Msg):
        return value.translated(lang)
    if isinstance(value, Count):
        return value.singular in plural_catalog(lang)
    if isinstance(value, Items):
        if not value.values:
            return _value_translated(value.empty, lang)
        return all(_value_translated(item, lang) for item in value.values)
    return True


# ---------------------------------------------------------------- the site's languages


def site_languages() -> tuple[str, ...]:
    """English, then every language that has a staff catalog (translations/<lang>/), in name order.

    Read from the disk each time, never remembered: a language is added by adding its
    catalog, and nothing about it outlives a build.
    """
    found = sorted(
        folder.name
        for folder in CATALOGS.iterdir()
        if (folder / "LC_MESSAGES" / f"{DOMAIN}.po").is_file() and folder.name != SOURCE_LANGUAGE
    )
    return (SOURCE_LANGUAGE, *found)


def other_languages(languages: Iterable[str] | None = None) -> tuple[str, ...]:
    """The languages shown after the English, in site order."""
    chosen = site_languages() if languages is None else tuple(languages)
    return tuple(lang for lang in chosen if lang != SOURCE_LANGUAGE)


def in_each_language(message: Msg, sep: str = "\n", languages: Iterable[str] | None = None) -> str:
    """The message in English, then in each other language of the site whose catalog has it."""
    shown = [message.render(SOURCE_LANGUAGE)]
    shown += [message.render(lang) for lang in other_languages(languages) if message.translated(lang)]
    return sep.join(shown)
