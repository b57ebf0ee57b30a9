"""The fund-use bar chart's layout: labels wrapped to stay inside the chart."""

from haihui.giving.chart import LABEL_SIZE, WIDTH, _em, bar_chart, label_lines
from haihui.giving.summary import AccountRow, AccountView

LONG_EN = "Training by breeding experts and disease-prevention coordinators"
LONG_ZH = "由养殖专家和防疫员开展的培训，以及为母亲们提供的长期技术支持和回访"
ROOM = WIDTH / LABEL_SIZE


def test_a_long_label_wraps_at_spaces_and_keeps_every_word():
    lines = label_lines(LONG_EN, ROOM)
    assert len(lines) == 2
    assert " ".join(lines) == LONG_EN
    assert all(_em(line) <= ROOM for line in lines)


def test_chinese_wraps_between_characters():
    lines = label_lines(LONG_ZH, ROOM)
    assert len(lines) == 2 and "".join(lines) == LONG_ZH
    assert all(_em(line) <= ROOM for line in lines)


def test_a_short_label_stays_on_one_line():
    assert label_lines("Piglets", ROOM) == ("Piglets",)
    assert label_lines("猪仔", ROOM) == ("猪仔",)


def test_rows_make_room_for_wrapped_labels_and_the_largest_share_gets_the_longest_bar():
    view = AccountView(
        1000,
        (
            AccountRow("training", {"en": LONG_EN}, 300, 300),
            AccountRow("piglets", {"en": "Piglets"}, 700, 700),
        ),
    )
    chart = bar_chart(view, "en")
    first, second = chart.bars
    assert first.lines == label_lines(LONG_EN, ROOM)
    assert first.bar_y > first.label_y + LABEL_SIZE  # below its second line
    assert second.label_y > first.bar_y  # the next row starts below the bar
    assert chart.height > second.bar_y
    assert second.bar_width > first.bar_width
    assert second.value_x > second.bar_width
