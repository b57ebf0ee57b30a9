"""Who is where, per language: plain functions over Pelican content objects."""

from collections import defaultdict
from dataclasses import dataclass


@dataclass(frozen=True)
class Alternate:
    lang: str
    html_lang: str
    name: str
    url: str  # site-relative, e.g. "zh/stories/adiniuniu/"


@dataclass(frozen=True)
class NavItem:
    title: str
    url: str


def lang_prefix(languages: dict, lang: str) -> str:
    return languages[lang]["prefix"]


def listing_url(settings: dict, listing: str, lang: str) -> str:
    return settings["LISTING_URLS"][listing].format(prefix=lang_prefix(settings["LANGUAGES"], lang))


def save_as(url: str) -> str:
    return f"{url}index.html" if url == "" or url.endswith("/") else url


def alternates_of(item, languages: dict) -> list[Alternate]:
    """The item and its translations, in the site's language order."""
    by_lang = {item.lang: item}
    for translation in getattr(item, "translations", []):
        by_lang.setdefault(translation.lang, translation)
    return [
        Alternate(lang, spec["html_lang"], spec["name"], by_lang[lang].url)
        for lang, spec in languages.items()
        if lang in by_lang
    ]


def listing_alternates(settings: dict, listing: str) -> list[Alternate]:
    return [
        Alternate(lang, spec["html_lang"], spec["name"], listing_url(settings, listing, lang))
        for lang, spec in settings["LANGUAGES"].items()
    ]


def by_language(items, languages: dict) -> dict[str, list]:
    grouped = defaultdict(list)
    for item in items:
        grouped[item.lang].append(item)
    return {lang: grouped.get(lang, []) for lang in languages}


def newest_first(items) -> list:
    return sorted(items, key=lambda item: item.date, reverse=True)
