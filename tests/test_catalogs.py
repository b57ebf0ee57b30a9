"""Every interface string in the theme has a Chinese translation."""

import subprocess
import sys

from babel.messages.pofile import read_po

from haihui.build import ROOT
from haihui.languages.formatting import AMOUNT, MONEY_PATTERN

THEME = ROOT / "theme"
ZH_PO = THEME / "translations/zh/LC_MESSAGES/messages.po"


def extracted_ids(tmp_path) -> set[str]:
    """The message ids `make translations` extracts from the theme's templates."""
    pot = tmp_path / "messages.pot"
    subprocess.run(
        [
            sys.executable,
            "-m",
            "babel.messages.frontend",
            "extract",
            "-F",
            "babel.cfg",
            "-o",
            str(pot),
            "--no-location",
            "--omit-header",
            ".",
        ],
        cwd=THEME,
        check=True,
        capture_output=True,
    )
    with pot.open("rb") as f:
        return {m.id for m in read_po(f) if m.id}


def test_every_template_string_is_in_the_chinese_catalog(tmp_path):
    extracted = extracted_ids(tmp_path)
    with ZH_PO.open("rb") as f:
        catalog = read_po(f, locale="zh")
    translated = {m.id for m in catalog if m.id and m.string and not m.fuzzy}
    missing = sorted(str(i) for i in extracted - translated)
    assert not missing, f"add Chinese translations to {ZH_PO.relative_to(ROOT)} for: {missing}"
    assert len(extracted) > 20


def test_the_money_pattern_is_a_message_every_catalog_keeps_with_its_amount(tmp_path):
    """The money filter reads MONEY_PATTERN from the catalog: `make translations` must keep it
    (partials/money.html holds it), and a translation must keep {amount} exactly once."""
    assert MONEY_PATTERN in extracted_ids(tmp_path)
    for po in sorted(THEME.glob("translations/*/LC_MESSAGES/messages.po")):
        with po.open("rb") as f:
            catalog = read_po(f)
        message = catalog.get(MONEY_PATTERN)
        if message is not None and message.string:
            assert message.string.count(AMOUNT) == 1, f"{po.relative_to(ROOT)}: {message.string!r}"
    with ZH_PO.open("rb") as f:
        assert read_po(f, locale="zh").get(MONEY_PATTERN).string == "{amount}\u00a0元"
