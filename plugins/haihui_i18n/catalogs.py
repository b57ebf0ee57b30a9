"""Gettext catalogs of the theme, compiled in memory from the .po files.

Reading the .po directly means there is no compiled .mo to forget to rebuild.
"""

from functools import cache
from io import BytesIO
from pathlib import Path

from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po
from babel.support import NullTranslations, Translations


@cache
def load_translations(theme: str, locale: str) -> NullTranslations:
    """The theme's catalog for a language; cached, since every string of every page asks."""
    po = Path(theme) / "translations" / locale / "LC_MESSAGES" / "messages.po"
    if not po.exists():
        return NullTranslations()
    with po.open("rb") as f:
        catalog = read_po(f, locale=locale)
    compiled = BytesIO()
    write_mo(compiled, catalog)
    compiled.seek(0)
    return Translations(compiled)
