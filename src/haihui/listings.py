"""Who is where, per language: plain functions over Pelican content objects."""

from collections import defaultdict
from collections.abc import Mapping
from dataclasses import dataclass

from haihui.languages.staff import N_, Msg, msg


@dataclass(frozen=True)
class Alternate:
    lang: str
    html_lang: str
    name: str
    url: str  # site-relative, e.g. "zh/stories/adiniuniu/"
    # False for a page kept out of search engines (`Robots: noindex`): no hreflang names it.
    indexable: bool = True


@dataclass(frozen=True)
class NavItem:
    title: str
    url: str


def lang_prefix(languages: dict, lang: str) -> str:
    return languages[lang]["prefix"]


def listing_url(settings: Mapping, listing: str, lang: str) -> str:
    return settings["LISTING_URLS"][listing].format(prefix=lang_prefix(settings["LANGUAGES"], lang))


def save_as(url: str) -> str:
    return f"{url}index.html" if url == "" or url.endswith("/") else url


ROBOTS_FILE = "robots.txt"
# The icon browsers ask the site root for; the build copies it there from the theme
# (theme/root/favicon.ico, made by tools/make_icons.py).
FAVICON_FILE = "favicon.ico"
THEME_ROOT_FILES = "root"

# Where the plugins that write pages of their own (reports, the partner brief, print pages)
# put them for the sitemap, in the build's context: a list of (url, alternates).
SITEMAP_EXTRA = "haihui_sitemap_extra"

# A page whose header says `Robots: noindex` (the thank-you and 404 pages) is kept out
# of search engines: a robots meta tag, no canonical or hreflang link, not in the sitemap.
ROBOTS_FIELD = "robots"
NOINDEX = "noindex"


def indexable(item) -> bool:
    """Whether search engines may list this story or page: the one reading of `Robots:`."""
    return str(getattr(item, ROBOTS_FIELD, "") or "").strip().lower() != NOINDEX


# What each listing is called in messages to staff (haihui_content/output_paths.py).
LISTING_NAMES = {
    "index": N_("the home page ({language})"),
    "stories": N_("the stories listing ({language})"),
    "campaigns": N_("the campaigns listing ({language})"),
}


def feed_file(settings: Mapping, lang: str) -> str:
    return settings["FEED_URL"].format(prefix=lang_prefix(settings["LANGUAGES"], lang))


@dataclass(frozen=True)
class WrittenFile:
    path: str  # in the output folder, e.g. "zh/stories/index.html"
    what: Msg  # for staff, e.g. "the stories listing (English)"
    paginated: bool = False  # its pages after the first are written beside it (PAGINATION_PATTERNS)


def written_files(settings: Mapping) -> list[WrittenFile]:
    """Every file ListingsGenerator writes; the writer and the output-path check both use these names."""
    found = []
    paginated = settings.get("PAGINATED_TEMPLATES", {})
    for lang, spec in settings["LANGUAGES"].items():
        for listing in settings["LISTING_URLS"]:
            name = LISTING_NAMES.get(listing, N_("the {listing} listing ({language})"))
            found.append(
                WrittenFile(
                    save_as(listing_url(settings, listing, lang)),
                    msg(name, listing=listing, language=spec["name"]),
                    paginated=listing in paginated,
                )
            )
        found.append(
            WrittenFile(
                feed_file(settings, lang), msg("the stories feed ({language})", language=spec["name"])
            )
        )
    found.append(WrittenFile(settings["SITEMAP_URL"], msg("the sitemap")))
    found.append(WrittenFile(ROBOTS_FILE, msg("the robots.txt file for search engines")))
    found.append(WrittenFile(FAVICON_FILE, msg("the site's icon (favicon.ico)")))
    return found


def alternates_of(item, languages: dict) -> list[Alternate]:
    """The item and its translations, in the site's language order."""
    by_lang = {item.lang: item}
    for translation in getattr(item, "translations", []):
        by_lang.setdefault(translation.lang, translation)
    return [
        Alternate(lang, spec["html_lang"], spec["name"], by_lang[lang].url, indexable(by_lang[lang]))
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
