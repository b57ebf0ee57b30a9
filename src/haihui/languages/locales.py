"""What other sites read about a language: its Open Graph locale."""

from babel.core import Locale, UnknownLocaleError, get_global


def open_graph_locale(locale: str) -> str:
    """language_TERRITORY, as Open Graph's og:locale wants it, from a Babel locale.

    A locale that names its territory keeps it ("zh_Hans_CN" -> "zh_CN"); one
    that does not takes the territory CLDR considers likely for the language
    ("en" -> "en_US", "fr" -> "fr_FR"). A language CLDR does not know stays as written.
    """
    try:
        parsed = Locale.parse(locale)
    except (UnknownLocaleError, ValueError, TypeError):
        return str(locale).replace("-", "_")
    territory = parsed.territory
    if not territory:
        likely_subtags = get_global("likely_subtags")
        key = f"{parsed.language}_{parsed.script}" if parsed.script else parsed.language
        likely = likely_subtags.get(key) or likely_subtags.get(parsed.language)
        territory = Locale.parse(likely).territory if likely else None
    return f"{parsed.language}_{territory}" if territory else parsed.language
