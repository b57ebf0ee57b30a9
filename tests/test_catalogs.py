"""Every interface string in the theme has a Chinese translation."""

import subprocess
import sys

from babel.messages.pofile import read_po

from haihui.build import ROOT

THEME = ROOT / "theme"
ZH_PO = THEME / "translations/zh/LC_MESSAGES/messages.po"


def test_every_template_string_is_in_the_chinese_catalog(tmp_path):
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
        extracted = {m.id for m in read_po(f) if m.id}
    with ZH_PO.open("rb") as f:
        catalog = read_po(f, locale="zh")
    translated = {m.id for m in catalog if m.id and m.string and not m.fuzzy}
    missing = sorted(str(i) for i in extracted - translated)
    assert not missing, f"add Chinese translations to {ZH_PO.relative_to(ROOT)} for: {missing}"
    assert len(extracted) > 20
