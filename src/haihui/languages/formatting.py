"""Dates and money for a page's language. Money is integer fen until here."""

from datetime import date, datetime
from functools import cache

from babel.dates import format_date
from babel.numbers import format_decimal

FEN_PER_YUAN = 100


def format_day(value: date | datetime, locale: str) -> str:
    """28 November 2026 / 2026年11月28日."""
    if isinstance(value, datetime):
        value = value.date()
    return _long_date(value, locale)


@cache
def _long_date(value: date, locale: str) -> str:
    # Every listing shows every story's date: Babel's formatting is worth remembering.
    return format_date(value, format="long", locale=locale)


def format_fen(fen: int, locale: str) -> str:
    """¥1,000 in English, 1,000 元 in Chinese; cents only when there are any."""
    if not isinstance(fen, int) or isinstance(fen, bool):
        raise TypeError(f"money must be integer fen, got {fen!r}")
    yuan, rest = divmod(abs(fen), FEN_PER_YUAN)
    number = format_decimal(yuan, locale=locale)
    if rest:
        number += f".{rest:02d}"
    sign = "-" if fen < 0 else ""
    if locale.startswith("zh"):
        return f"{sign}{number}\u00a0元"
    return f"{sign}¥{number}"
