"""Language-specific formatting, without Pelican."""

from datetime import date

import pytest

from haihui.languages.formatting import format_day, format_fen


def test_dates_per_language():
    assert format_day(date(2026, 11, 28), "zh_Hans_CN") == "2026年11月28日"
    assert format_day(date(2026, 11, 28), "en") == "November 28, 2026"


@pytest.mark.parametrize(
    "fen,en,zh",
    [
        (100_000, "¥1,000", "1,000\u00a0元"),
        (123_456, "¥1,234.56", "1,234.56\u00a0元"),
        (5, "¥0.05", "0.05\u00a0元"),
    ],
)
def test_money_from_fen(fen, en, zh):
    assert format_fen(fen, "en") == en
    assert format_fen(fen, "zh_Hans_CN") == zh


def test_money_refuses_anything_but_integer_fen():
    with pytest.raises(TypeError):
        format_fen(10.5, "en")


def test_a_line_break_between_chinese_characters_is_not_a_space():
    from haihui_languages import join_cjk_lines

    assert join_cjk_lines("<p>留守\n母亲，\n她</p>") == "<p>留守母亲，她</p>"
    assert join_cjk_lines("<p>Left\nbehind 1000 元\nmothers</p>") == "<p>Left\nbehind 1000 元\nmothers</p>"
