"""`make screenshots` in Debian's Chromium: two pictures of the built site, their size and weight.

The same function as the task (haihui.build.screenshots.take), on the test
build, into a temporary folder; taken twice, a picture comes out the same.
It starts Playwright and Chromium of its own, as the task does, so it runs in
a thread of its own: the other browser tests' Playwright (a session fixture)
holds this thread's event loop.
"""

from concurrent.futures import ThreadPoolExecutor

from PIL import Image

from haihui.build.screenshots import VIEWPORTS, staff_shots, take

WANTED = ("home-en-desktop", "story-zh-phone")


def take_in_a_thread(*args):
    with ThreadPoolExecutor(max_workers=1) as pool:
        return pool.submit(take, *args).result()


def test_screenshots_have_the_window_size_a_palette_and_a_modest_weight(site, chromium_executable, tmp_path):
    shots = [shot for shot in staff_shots() if shot.name in WANTED]
    written = take_in_a_thread(site.root, shots, tmp_path / "first", chromium_executable)
    assert [path.name for path in written] == [f"{name}.png" for name in WANTED]
    for shot, path in zip(shots, written, strict=True):
        with Image.open(path) as image:
            viewport = VIEWPORTS[shot.viewport]["viewport"]
            assert image.size == (viewport["width"], viewport["height"])
            assert image.mode == "P"
            assert len(image.getcolors(maxcolors=257) or []) > 8, f"{path.name} is (nearly) blank"
        assert 5_000 < path.stat().st_size < 200_000, path.name
    again = take_in_a_thread(site.root, shots[:1], tmp_path / "again", chromium_executable)
    assert again[0].read_bytes() == written[0].read_bytes(), "the same page gave another picture"
