"""Language-specific formatting, without Pelican."""

from datetime import date

import pytest

from haihui.build import ROOT
from haihui.languages.catalogs import load_translations
from haihui.languages.formatting import MONEY_PATTERN, format_day, format_fen, format_money

THEME = str(ROOT / "theme")


def test_dates_per_language():
    assert format_day(date(2026, 11, 28), "zh_Hans_CN") == "2026年11月28日"
    assert format_day(date(2026, 11, 28), "en") == "November 28, 2026"


@pytest.mark.parametrize(
    "fen,en,zh",
    [
        (100_000, "CN¥1,000", "1,000\u00a0元"),
        (123_456, "CN¥1,234.56", "1,234.56\u00a0元"),
        (5, "CN¥0.05", "0.05\u00a0元"),
        (-100_000, "-CN¥1,000", "-1,000\u00a0元"),
    ],
)
def test_money_from_fen(fen, en, zh):
    """English says which yuan (CN¥, not ¥, which reads as yen); Chinese is as before."""
    assert format_money(fen, "en", load_translations(THEME, "en")) == en
    assert format_money(fen, "zh_Hans_CN", load_translations(THEME, "zh")) == zh


def test_the_money_pattern_is_the_languages_data_not_code():
    assert format_fen(100_000, "en", MONEY_PATTERN) == "CN¥1,000"
    assert format_fen(100_000, "zh_Hans_CN", "{amount}\u00a0元") == "1,000\u00a0元"
    assert format_fen(123_456, "fr", "{amount}\u00a0CNY") == "1\u202f234.56\u00a0CNY"


def test_money_refuses_anything_but_integer_fen():
    with pytest.raises(TypeError):
        format_fen(10.5, "en", MONEY_PATTERN)


@pytest.mark.parametrize("pattern", ["CN¥", "{amount} {amount}"])
def test_money_refuses_a_pattern_that_loses_or_repeats_the_amount(pattern):
    with pytest.raises(ValueError):
        format_fen(100, "en", pattern)


def test_a_line_break_between_chinese_characters_is_not_a_space():
    from haihui_languages import join_cjk_lines

    assert join_cjk_lines("<p>留守\n母亲，\n她</p>") == "<p>留守母亲，她</p>"
    assert join_cjk_lines("<p>Left\nbehind 1000 元\nmothers</p>") == "<p>Left\nbehind 1000 元\nmothers</p>"
