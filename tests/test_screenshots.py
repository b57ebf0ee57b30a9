"""The staff guides' screenshots (`make screenshots`, haihui.build.screenshots), without a browser.

Which pictures there are and what they are called, that each guide shows
those of its language with alt text, that the committed ones stay small, the
PNG optimisation, and the copy with one deliberate warning that gives the
preview problems page when the real content has no warning. Taking the
pictures in Chromium: tests/browser/test_staff_screenshots.py.
"""

import io
import re

from PIL import Image

from haihui.build import ROOT
from haihui.build.screenshots import (
    PAGES,
    SCREENSHOTS,
    VIEWPORTS,
    build_with_a_warning,
    optimise_png,
    staff_shots,
)

GUIDES = {"en": ROOT / "docs/staff-guide.md", "zh": ROOT / "docs/staff-guide.zh.md"}
IMAGE_LINK = re.compile(r"!\[([^\]]*)\]\((screenshots/[^)\s]+)\)")


def test_every_page_language_and_window_has_one_screenshot_with_a_stable_name():
    shots = staff_shots()
    names = [shot.name for shot in shots]
    assert len(names) == len(set(names)) == len(PAGES) * len(GUIDES) * len(VIEWPORTS)
    assert "story-zh-phone" in names and "campaign-en-desktop" in names
    urls = {shot.name: shot.url for shot in shots}
    assert urls["home-en-phone"] == "/"
    assert urls["home-zh-phone"] == "/zh/"
    assert urls["problems-zh-desktop"] == "/zh/preview-problems/"
    assert urls["fund-use-en-desktop"] == "/fund-use/"
    assert re.fullmatch(r"/zh/stories/[a-z0-9-]+/", urls["story-zh-phone"])
    assert re.fullmatch(r"/campaigns/[a-z0-9-]+/", urls["campaign-en-phone"])


def test_the_guides_show_every_screenshot_of_their_language_with_alt_text():
    shots = staff_shots()
    committed = sorted(path.stem for path in SCREENSHOTS.glob("*.png"))
    assert committed == sorted(shot.name for shot in shots), "run `make screenshots`"
    for lang, guide in GUIDES.items():
        links = IMAGE_LINK.findall(guide.read_text("utf-8"))
        shown = {path.removeprefix("screenshots/").removesuffix(".png") for _, path in links}
        assert shown == {shot.name for shot in shots if shot.lang == lang}, guide.name
        for alt, path in links:
            assert len(alt) >= 4, f"{guide.name}: {path} needs alt text"
            assert (guide.parent / path).is_file(), f"{guide.name}: {path} does not exist"
        if lang == "zh":
            assert all(re.search(r"[\u4e00-\u9fff]", alt) for alt, _ in links), "Chinese alt text"


def test_the_committed_screenshots_have_their_window_size_and_stay_small():
    total = 0
    for shot in staff_shots():
        path = SCREENSHOTS / f"{shot.name}.png"
        total += path.stat().st_size
        with Image.open(path) as image:
            viewport = VIEWPORTS[shot.viewport]["viewport"]
            assert image.size == (viewport["width"], viewport["height"]), path.name
            assert image.mode == "P", f"{path.name} is not a palette PNG"
        assert path.stat().st_size < 200_000, path.name
    assert total < 2_000_000


def test_the_png_optimisation_gives_a_small_palette_png_the_same_each_time():
    image = Image.new("RGB", (300, 200), "#fffdf8")
    for x in range(300):  # a gradient: more colours than a palette holds
        for y in range(0, 200, 2):
            image.putpixel((x, y), (x % 256, y, (x * y) % 256))
    raw = io.BytesIO()
    image.save(raw, "PNG")
    first, second = optimise_png(raw.getvalue()), optimise_png(raw.getvalue())
    assert first == second
    with Image.open(io.BytesIO(first)) as optimised:
        assert optimised.mode == "P" and optimised.size == (300, 200)
        assert len(optimised.getcolors(maxcolors=257) or []) <= 256
        assert not optimised.text, "no metadata (a date would change the bytes on every run)"


def test_a_copy_with_one_deliberate_warning_has_a_preview_problems_page(tmp_path):
    site = build_with_a_warning(tmp_path)
    for problems_page in ("preview-problems/index.html", "zh/preview-problems/index.html"):
        text = (site / problems_page).read_text("utf-8")
        assert "content/pages/about.en.md" in text and "1,000 yuan" in text
    assert not (ROOT / "content/pages/about.en.md").read_text("utf-8").rstrip().endswith("1,000 yuan.")
