"""Pictures fast and safe, stories only with consent: built sites read back with Pillow and lxml.

Fixture photos are made here with Pillow the way a phone makes them: EXIF
GPS position, camera make and model, orientation 6 (stored on its side),
an ICC profile, an XMP packet and a comment.
"""

import json
import shutil
from io import BytesIO
from pathlib import Path

import pytest
from bs4 import BeautifulSoup
from PIL import ExifTags, Image, ImageCms

from conftest import content_checks, copy_project, edit, has_error, problems_text, tree_digest
from haihui.build import run_pelican
from haihui.pictures.encode import ImageSettings

WIDTHS = ImageSettings().widths
OG_SIZE = ImageSettings().og_size
MODEL = "Pixel 9 Pro"
XMP_SECRET = "xmp-marker-near-the-house"
COMMENT = b"comment-marker-taken-at-home"
RED, BLUE = (220, 30, 30), (40, 60, 200)
STORY_EN = "content/stories/jibuguoguo.en.md"
STORY_ZH = "content/stories/jibuguoguo.zh.md"
ILLUSTRATION = "Image: images/illustrations/passing-on-the-gift.png"
TITLES = {"en": "Jibuguoguo: from recipient to contributor", "zh": "吉布果果：从受助者到助人者"}


# ---------------------------------------------------------------- fixture photos


def phone_photo(path: Path, size=(1700, 1640), orientation=6) -> Path:
    """A JPEG as a phone writes it. Stored on its side: the red band on top of the stored
    pixels is the right-hand edge of the picture the right way up (orientation 6), which is
    1640 px wide: just over the widest width published (1600 px), so that it is scaled down
    to it, and no wider, since it is encoded at every width."""
    image = Image.new("RGB", size, BLUE)
    image.paste(RED, (0, 0, size[0], size[1] // 6))
    exif = Image.Exif()
    exif[ExifTags.Base.Make] = "Google"
    exif[ExifTags.Base.Model] = MODEL
    exif[ExifTags.Base.Orientation] = orientation
    gps = exif.get_ifd(ExifTags.IFD.GPSInfo)
    gps[ExifTags.GPS.GPSLatitudeRef] = "N"
    gps[ExifTags.GPS.GPSLatitude] = (28.0, 1.0, 30.0)
    gps[ExifTags.GPS.GPSLongitudeRef] = "E"
    gps[ExifTags.GPS.GPSLongitude] = (102.0, 51.0, 10.0)
    icc = ImageCms.ImageCmsProfile(ImageCms.createProfile("sRGB")).tobytes()
    xmp = f'<x:xmpmeta xmlns:x="adobe:ns:meta/"><rdf:Description>{XMP_SECRET}</rdf:Description></x:xmpmeta>'
    path.parent.mkdir(parents=True, exist_ok=True)
    image.save(path, "JPEG", quality=92, exif=exif, icc_profile=icc, xmp=xmp.encode(), comment=COMMENT)
    return path


def metadata_of(image: Image.Image) -> dict:
    exif = image.getexif()
    return {
        "tags": dict(exif),
        "gps": dict(exif.get_ifd(ExifTags.IFD.GPSInfo)),
        **{key: image.info[key] for key in ("icc_profile", "xmp", "exif", "comment") if key in image.info},
    }


def build(project: Path, settings="pelicanconf.py", **extra):
    return run_pelican(settings, project / "output", cwd=project, extra=extra or None)


def messages(result) -> str:
    return result.stdout + result.stderr


def cache_stats(project: Path) -> dict:
    return json.loads((project / ".cache/images/last-build.json").read_text("utf-8"))


def picture_files(output: Path) -> list[Path]:
    return sorted((output / "images").iterdir())


def url_to_path(output: Path, url: str) -> Path:
    return output / url.split("://", 1)[-1].split("/", 1)[1] if "://" in url else output / url.lstrip("/")


def srcset(tag) -> dict[int, str]:
    return {int(width.rstrip("w")): url for url, width in (part.split() for part in tag["srcset"].split(","))}


# ---------------------------------------------------------------- a site with phone photos


def with_photos(project: Path) -> Path:
    """Jibuguoguo's story with a phone photo as hero and a smaller one in the text."""
    phone_photo(project / "content/images/photos/phone.jpg")
    phone_photo(project / "content/images/photos/small.jpg", size=(1200, 800), orientation=1)
    for path, alt in ((STORY_EN, "A black sow in her new pigsty"), (STORY_ZH, "新猪圈里的一头黑母猪")):
        edit(project / path, "Photos: no", "Photos: yes")
        edit(project / path, ILLUSTRATION, "Image: images/photos/phone.jpg")
        text = (project / path).read_text("utf-8")
        (project / path).write_text(text + f"\n![{alt}]({{static}}/images/photos/small.jpg)\n", "utf-8")
    return project


@pytest.fixture(scope="module")
def photo_site(tmp_path_factory) -> Path:
    # The cache tests below count what the next builds encode; the drawings and share images
    # already in the warm cache are reused.
    project = with_photos(copy_project(tmp_path_factory.mktemp("photos") / "project"))
    result = build(project)
    assert result.returncode == 0, messages(result)
    return project


def test_the_fixture_photo_really_carries_gps_camera_and_orientation(tmp_path):
    with Image.open(phone_photo(tmp_path / "p.jpg")) as image:
        found = metadata_of(image)
    assert found["tags"][ExifTags.Base.Model] == MODEL and found["tags"][ExifTags.Base.Orientation] == 6
    assert found["gps"][ExifTags.GPS.GPSLatitudeRef] == "N"
    assert {"icc_profile", "xmp", "comment", "exif"} <= set(found)


def test_published_pictures_carry_no_metadata_at_all(photo_site):
    files = picture_files(photo_site / "output")
    assert len(files) >= 14
    for path in files:
        data = path.read_bytes()
        with Image.open(BytesIO(data)) as image:
            assert metadata_of(image) == {"tags": {}, "gps": {}}, path.name
        for secret in (MODEL.encode(), XMP_SECRET.encode(), COMMENT):
            assert secret not in data, f"{secret!r} in {path.name}"


def test_the_photo_is_the_right_way_up(photo_site):
    soup = BeautifulSoup((photo_site / "output/stories/jibuguoguo/index.html").read_text("utf-8"), "lxml")
    largest = srcset(soup.select_one(".story__hero img"))[max(WIDTHS)]
    with Image.open(url_to_path(photo_site / "output", largest)) as image:
        width, height = image.size
        assert height > width, "orientation 6 turns the stored landscape into a portrait"
        assert image.convert("RGB").getpixel((width - 5, height // 2))[0] > 180, "red band on the right"
        assert image.convert("RGB").getpixel((5, height // 2))[2] > 150, "blue on the left"


@pytest.mark.parametrize("url", ["stories/jibuguoguo/", "zh/stories/jibuguoguo/"])
def test_pictures_come_in_every_width_as_webp_and_jpeg_with_their_size(photo_site, url):
    output = photo_site / "output"
    soup = BeautifulSoup((output / url / "index.html").read_text("utf-8"), "lxml")
    pictures = soup.select("main picture")
    assert len(pictures) == 2, "the hero and the picture in the text"
    hero, in_text = pictures
    # The hero: portrait 1640x1700 on screen, so 480, 960 and 1600 px wide.
    # The photo in the text is 1200 px wide: never upscaled.
    for picture, widths in ((hero, list(WIDTHS)), (in_text, [w for w in WIDTHS if w < 1200] + [1200])):
        webp, img = picture.select_one('source[type="image/webp"]'), picture.img
        for tag, fmt in ((webp, "WEBP"), (img, "JPEG")):
            assert sorted(srcset(tag)) == widths
            assert tag["sizes"]
            for width, file_url in srcset(tag).items():
                with Image.open(url_to_path(output, file_url)) as image:
                    assert (image.format, image.width) == (fmt, width)
        assert int(img["width"]) == widths[-1]
        with Image.open(url_to_path(output, srcset(img)[widths[-1]])) as image:
            assert int(img["height"]) == image.height
        assert img["alt"].strip()
    assert int(hero.img["height"]) > int(hero.img["width"])
    assert hero.img.get("loading") != "lazy", "the hero is at the top: it loads at once"
    assert in_text.img["loading"] == "lazy"


def test_originals_are_never_copied_to_the_output(photo_site):
    originals = {path.read_bytes() for path in (photo_site / "content/images").rglob("*") if path.is_file()}
    names = {path.name for path in (photo_site / "content/images").rglob("*") if path.is_file()}
    for path in (photo_site / "output").rglob("*"):
        if path.is_file():
            assert path.name not in names and path.read_bytes() not in originals, path


@pytest.mark.parametrize("url", ["stories/jibuguoguo/", "zh/stories/adiniuniu/"])
def test_open_graph_image_is_the_page_s_share_image_at_1200_by_630(photo_site, url):
    """Its share image (haihui_sharing: her photo with the title; tests/test_sharing_site.py)."""
    soup = BeautifulSoup((photo_site / "output" / url / "index.html").read_text("utf-8"), "lxml")
    og = soup.find("meta", property="og:image")["content"]
    assert f"/{url}share-" in og
    with Image.open(url_to_path(photo_site / "output", og)) as image:
        assert image.size == OG_SIZE and metadata_of(image) == {"tags": {}, "gps": {}}
    assert soup.find("meta", property="og:image:width")["content"] == str(OG_SIZE[0])
    assert soup.find("meta", property="og:image:alt")["content"].strip()


# ---------------------------------------------------------------- the cache


@pytest.fixture
def rebuilt(photo_site, tmp_path) -> Path:
    project = tmp_path / "project"
    shutil.copytree(photo_site, project)
    return project


def test_a_rebuild_with_output_deleted_encodes_nothing(rebuilt):
    before_files = tree_digest(rebuilt / "output/images")
    cache = {
        p: p.stat().st_mtime_ns
        for p in (rebuilt / ".cache/images").rglob("*")
        if p.is_file() and p.name != "last-build.json"
    }
    shutil.rmtree(rebuilt / "output")
    result = build(rebuilt)
    assert result.returncode == 0, messages(result)
    stats = cache_stats(rebuilt)
    assert stats["encoded"] == 0 and stats["reused"] == stats["pictures"] == 3
    after = {
        p: p.stat().st_mtime_ns
        for p in (rebuilt / ".cache/images").rglob("*")
        if p.is_file() and p.name != "last-build.json"
    }
    assert after == cache, "no cached file was written again"
    assert tree_digest(rebuilt / "output/images") == before_files


def test_a_changed_photo_is_the_only_one_encoded_again(rebuilt):
    phone_photo(rebuilt / "content/images/photos/small.jpg", size=(300, 200), orientation=1)
    result = build(rebuilt)
    assert result.returncode == 0, messages(result)
    assert cache_stats(rebuilt)["encoded"] == 1


def test_a_new_shoot_is_encoded_with_a_progress_line(rebuilt):
    shoot = rebuilt / "content/images/photos/shoot"
    lines = []
    for number in range(8):
        phone_photo(shoot / f"{number}.jpg", size=(240 + number, 180))  # small: their number counts
        lines.append(f"![A pigsty, picture {number}]({{static}}/images/photos/shoot/{number}.jpg)")
    text = (rebuilt / STORY_EN).read_text("utf-8")
    (rebuilt / STORY_EN).write_text(text + "\n" + "\n\n".join(lines) + "\n", "utf-8")
    result = build(rebuilt)
    assert result.returncode == 0, messages(result)
    assert cache_stats(rebuilt)["encoded"] == 8
    assert "Encoding pictures" in result.stderr and "8/8" in result.stderr
    soup = BeautifulSoup((rebuilt / "output/stories/jibuguoguo/index.html").read_text("utf-8"), "lxml")
    assert len(soup.select("main picture")) == 2 + 8


# ---------------------------------------------------------------- consent


@pytest.mark.parametrize("settings", ["publishconf.py", "pelicanconf.py"])
def test_withdrawn_consent_takes_the_story_down_everywhere(broken, settings):
    project = broken  # with the real content's preview build in output/
    soup = BeautifulSoup((project / "output/stories/jibuguoguo/index.html").read_text("utf-8"), "lxml")
    hero = soup.select_one(".story__hero img")
    hero_files = {Path(url).name.split("-")[0] for url in srcset(hero).values()}
    # Withdrawn in one language file: the story comes down in both.
    edit(project / STORY_EN, "Consent: given 2026-10-12", "Consent: withdrawn 2026-12-01")
    # Built over the previous output, as `make publish` builds (warnings only here, so
    # that sample data elsewhere does not stop it) and as `make serve` rebuilds: both
    # start from a clean folder, so nothing of her is left in either.
    result = build(project, settings, STRICT_PUBLISH="false")
    assert result.returncode == 0, messages(result)
    output = project / "output"
    wanted = [b"jibuguoguo", TITLES["en"].encode(), TITLES["zh"].encode(), "吉布果果".encode()]
    files = [p for p in output.rglob("*") if p.is_file()]
    for path in files:
        data = path.read_bytes()
        for word in wanted:
            assert word not in data, f"{word.decode()} in {path.relative_to(output)}"
        assert not any(path.name.startswith(key) for key in hero_files), f"her picture {path.name}"
    sitemap = (output / "sitemap.xml").read_bytes()
    assert b"adiniuniu" in sitemap, "the other story stays"


def fails_and_keeps_output(project: Path, settings: str, expected: list[str]) -> str:
    before = tree_digest(project / "output")
    result = build(project, settings)
    text = messages(result)
    assert result.returncode != 0, text
    for fragment in expected:
        assert fragment in text, f"{fragment!r} not in:\n{text}"
    assert "Traceback" not in text
    assert tree_digest(project / "output") == before
    return text


def refused_by_the_checks(project: Path, settings: str, expected: list[str]) -> None:
    """The checks, a build's first step, find an error (the build stops on it, as
    fails_and_keeps_output shows for the pictures below) and say `expected`."""
    problems = content_checks(project, settings)
    assert has_error(problems)
    for fragment in expected:
        assert fragment in problems_text(problems), f"{fragment!r} not in:\n{problems_text(problems)}"


def test_a_story_without_consent_is_not_built(project):
    edit(project / "content/stories/adiniuniu.en.md", "Consent: given 2026-11-02\n", "")
    refused_by_the_checks(
        project,
        "pelicanconf.py",
        [
            "content/stories/adiniuniu.en.md:1: the required field 'Consent' is missing",
            "add a line such as 'Consent: given",
        ],
    )


def test_missing_alt_text_warns_in_preview_and_fails_publish(broken):
    text = (broken / STORY_ZH).read_text("utf-8")
    alt_line = next(line for line in text.splitlines(keepends=True) if line.startswith("Image_alt: "))
    edit(broken / STORY_ZH, alt_line, "")  # no alt text left
    expected = (
        "content/stories/jibuguoguo.zh.md:13: the picture "
        "images/illustrations/passing-on-the-gift.png has no alt text"
    )
    refused_by_the_checks(broken, "publishconf.py", [expected, "Image_alt"])
    preview = build(broken)
    assert preview.returncode == 0, messages(preview)
    assert f"{expected.replace(':13: ', ':13: warning: ')}" in " ".join(messages(preview).split())


def test_a_photo_in_a_story_that_says_photos_no_is_an_error(project):
    phone_photo(project / "content/images/photos/phone.jpg")
    text = (project / STORY_EN).read_text("utf-8")
    (project / STORY_EN).write_text(text + "\n![A sow]({static}/images/photos/phone.jpg)\n", "utf-8")
    refused_by_the_checks(
        project, "pelicanconf.py", ["Photos: no, but images/photos/phone.jpg is a photo", "Photos: yes"]
    )


def test_a_location_below_county_level_is_an_error(project):
    edit(project / STORY_ZH, "Location: 四川大凉山", "Location: 四川省昭觉县竹核乡")
    refused_by_the_checks(
        project,
        "pelicanconf.py",
        ["content/stories/jibuguoguo.zh.md:12: Location: '四川省昭觉县竹核乡' is more precise than a county"],
    )


def truncated(path: Path) -> None:
    buffer = BytesIO()
    phone_photo(path)
    data = path.read_bytes()
    buffer.write(data[: len(data) // 2])
    path.write_bytes(buffer.getvalue())


def not_a_picture(path: Path) -> None:
    path.write_bytes(b"<html><body>A web page saved with the name of a photo</body></html>")


def jpeg_header_then_garbage(path: Path) -> None:
    path.write_bytes(b"\xff\xd8\xff\xe0" + b"this is not really a JPEG " * 50)


def decompression_bomb(path: Path) -> None:
    """A PNG whose header says 60000 x 60000 pixels: small on disk, 10 GB once decoded."""
    import struct
    import zlib

    def chunk(kind, data):
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))

    header = struct.pack(">IIBBBBB", 60000, 60000, 8, 2, 0, 0, 0)
    path.write_bytes(
        b"\x89PNG\r\n\x1a\n"
        + chunk(b"IHDR", header)
        + chunk(b"IDAT", zlib.compress(b"\0" * 1000))
        + chunk(b"IEND", b"")
    )


@pytest.mark.parametrize(
    "make_bad, name, reason",
    [
        (truncated, "broken.jpg", "damaged or cut short"),
        (not_a_picture, "broken.jpg", "not a picture the site can read"),
        (jpeg_header_then_garbage, "broken.jpg", "damaged or cut short"),
        (decompression_bomb, "huge.png", "decompression bomb"),
    ],
)
def test_a_damaged_or_enormous_picture_stops_the_build(broken, make_bad, name, reason):
    (broken / "content/images/photos").mkdir(parents=True)
    make_bad(broken / "content/images/photos" / name)
    for story in (STORY_EN, STORY_ZH):
        edit(broken / story, "Photos: no", "Photos: yes")
        edit(broken / story, ILLUSTRATION, f"Image: images/photos/{name}")
    fails_and_keeps_output(
        broken,
        "pelicanconf.py",
        [
            (
                "content/stories/jibuguoguo.en.md:12: the picture "
                f"content/images/photos/{name} cannot be published"
            ),
            reason,
        ],
    )
    leftovers = list((broken / ".cache/images").rglob(".*"))
    assert leftovers == [], "half-written cache entries"
