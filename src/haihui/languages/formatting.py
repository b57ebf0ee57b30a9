"""Dates and money for a page's language. Money is integer fen until here.

How an amount is shown is data of the language, not code: the theme's catalog
translates MONEY_PATTERN ("CN¥{amount}", the English text, CLDR's English
symbol for the yuan, since "¥" alone reads as yen to many foreign donors) into
the language's pattern (Chinese: "{amount} 元", with a no-break space). The
digits follow the language's Babel locale.
"""

from datetime import date, datetime
from functools import cache
from typing import Protocol

from babel.dates import format_date
from babel.numbers import format_decimal

FEN_PER_YUAN = 100
# The message id of the money pattern in the theme's catalogs
# (theme/translations/<lang>/LC_MESSAGES/messages.po); its translation must keep {amount} once.
MONEY_PATTERN = "CN¥{amount}"
AMOUNT = "{amount}"


class Catalog(Protocol):
    def gettext(self, message: str) -> str: ...


def format_day(value: date | datetime, locale: str) -> str:
    """28 November 2026 / 2026年11月28日."""
    if isinstance(value, datetime):
        value = value.date()
    return _long_date(value, locale)


@cache
def _long_date(value: date, locale: str) -> str:
    # Every listing shows every story's date: Babel's formatting is worth remembering.
    return format_date(value, format="long", locale=locale)


def format_fen(fen: int, locale: str, pattern: str) -> str:
    """The amount in `locale`'s digits, put in the language's money `pattern`:
    CN¥1,000 in English, 1,000 元 in Chinese; cents only when there are any."""
    if not isinstance(fen, int) or isinstance(fen, bool):
        raise TypeError(f"money must be integer fen, got {fen!r}")
    if pattern.count(AMOUNT) != 1:
        raise ValueError(f"the money pattern {pattern!r} must hold {AMOUNT} exactly once")
    yuan, rest = divmod(abs(fen), FEN_PER_YUAN)
    number = format_decimal(yuan, locale=locale)
    if rest:
        number += f".{rest:02d}"
    sign = "-" if fen < 0 else ""
    return sign + pattern.replace(AMOUNT, number)


def format_money(fen: int, locale: str, catalog: Catalog) -> str:
    """fen as a page in this language shows it: the `money` filter and the [amount: id] short codes."""
    return format_fen(fen, locale, catalog.gettext(MONEY_PATTERN))
