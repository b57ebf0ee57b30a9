"""Gettext catalogs of the theme, compiled in memory from the .po files.

Reading the .po directly means there is no compiled .mo to forget to rebuild.
A catalog is kept while its file is unchanged: `make serve` rebuilds in one
process, and an edited msgstr must show in the next build.
"""

from functools import lru_cache
from io import BytesIO
from pathlib import Path

from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po
from babel.support import NullTranslations, Translations


def load_translations(theme: str, locale: str) -> NullTranslations:
    """The theme's catalog for a language; every string of every page asks, so it is cached
    on the file's identity (path, size, modification time), never for the life of the process."""
    po = Path(theme) / "translations" / locale / "LC_MESSAGES" / "messages.po"
    try:
        stat = po.stat()
    except FileNotFoundError:
        return NullTranslations()
    return _compiled(str(po.resolve()), locale, stat.st_size, stat.st_mtime_ns)


@lru_cache(maxsize=16)
def _compiled(po: str, locale: str, size: int, mtime_ns: int) -> Translations:
    with open(po, "rb") as f:
        catalog = read_po(f, locale=locale)
    compiled = BytesIO()
    write_mo(compiled, catalog)
    compiled.seek(0)
    return Translations(compiled)
