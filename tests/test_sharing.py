"""haihui.sharing on small data, in this process: addresses, QR codes, fonts, images, cache."""

import io
from pathlib import Path

import pytest
from PIL import Image, ImageChops
from qr_decode import decode, decode_svg

from conftest import require_tool
from haihui.consent import photos_allowed
from haihui.sharing import addresses
from haihui.sharing.cache import ShareCache, key_of
from haihui.sharing.compose import (
    OG_BUDGET,
    OG_SIZE,
    POSTER_BUDGET,
    POSTER_SIZE,
    PREVIEW_BUDGET,
    PREVIEW_SIZE,
    OverBudget,
    ShareTexts,
    _jpeg,
    og_image,
    poster,
    poster_preview,
    wrap,
)
from haihui.sharing.drawing import PageJob, draw_all
from haihui.sharing.fonts import FontFace, find_face, font, missing_characters
from haihui.sharing.qr import qr_image, qr_svg

NOTO = "/usr/share/fonts/opentype/noto/NotoSansCJK-Regular.ttc"
DEJAVU = "/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf"  # no Chinese characters
ORIGIN = "https://haihui.example"
ZH = ShareTexts(
    title="吉布果果：从受助者到助人者",
    line="一位留守母亲得到帮助之后，又把礼物传递给下一户人家。",
    campaign="留守母亲",
    tier="1,000 元：一个猪圈",
    organisation="海惠",
    call="扫码阅读她的故事并捐助",
)
EN = ShareTexts(
    title="Jibuguoguo: from recipient to contributor",
    line="The re-birth of a left-behind woman who received help and now passes it on.",
    campaign="Left-Behind Mothers",
    tier="CN¥1,000: A pigsty",
    organisation="Haihui",
    call="Scan the code to read her story and give",
)


@pytest.fixture(scope="module")
def noto() -> FontFace:
    face = find_face([NOTO])
    require_tool(
        face is not None, f"{NOTO} is missing", "install Debian's package: `apt-get install fonts-noto-cjk`"
    )
    return face


@pytest.fixture(scope="module")
def dejavu() -> FontFace:
    face = find_face([DEJAVU])
    require_tool(
        face is not None,
        f"{DEJAVU} is missing",
        "install Debian's package: `apt-get install fonts-dejavu-core`",
    )
    return face


# ---------------------------------------------------------------- addresses
def test_a_share_address_is_the_public_page_tagged_with_where_it_was_shared():
    published = {"stories/ayi/", "zh/stories/ayi/"}
    assert addresses.tagged(ORIGIN + "/", "zh/stories/ayi/", "poster", published) == (
        "https://haihui.example/zh/stories/ayi/?src=poster"
    )


def test_no_share_address_for_a_page_the_build_does_not_publish():
    with pytest.raises(addresses.NotPublished):
        addresses.tagged(ORIGIN, "stories/withdrawn/", "poster", {"stories/ayi/"})
    with pytest.raises(ValueError, match="unknown source"):
        addresses.tagged(ORIGIN, "stories/ayi/", "billboard", {"stories/ayi/"})


@pytest.mark.parametrize(
    "url",
    [
        "https://buy.stripe.com/abc",
        "https://donate.stripe.com/abc",
        "https://checkout.stripe.com/c/pay",
        "https://STRIPE.com/",
        "https://pay.example.org/x",  # a host named as Stripe's in CHECKOUT_CHANNELS
    ],
)
def test_a_mainland_code_never_leads_to_stripe(url):
    with pytest.raises(addresses.NotForMainland):
        addresses.mainland(url, ["pay.example.org"])


def test_a_mainland_code_may_lead_to_the_platform():
    url = "https://gongyi.qq.com/succor/detail.htm?id=1"
    assert addresses.mainland(url, ["buy.stripe.com"]) == url
    assert not addresses.is_stripe("https://notstripe.com/")


def test_page_of_a_decoded_address():
    assert addresses.page_of(f"{ORIGIN}/zh/stories/ayi/?src=poster", ORIGIN) == "zh/stories/ayi/"
    assert addresses.page_of("https://gongyi.qq.com/x", ORIGIN) is None


# ---------------------------------------------------------------- QR codes
def test_the_poster_code_scans_to_its_address():
    address = f"{ORIGIN}/zh/stories/jibuguoguo/?src=poster"
    image = qr_image(address, 330)
    assert image.width <= 330 and image.width == image.height
    assert decode(image) == [address]


def test_the_print_code_is_inline_svg_that_scans_and_is_hidden_from_screen_readers():
    address = f"{ORIGIN}/campaigns/left-behind-mothers/?src=flyer"
    svg = qr_svg(address)
    assert svg.startswith('<svg aria-hidden="true" focusable="false" data-qr ')
    assert "<?xml" not in svg and "<script" not in svg
    assert decode_svg(svg) == [address]


# ---------------------------------------------------------------- fonts
def test_the_collection_s_simplified_chinese_face_is_picked(noto):
    assert font(noto, 20).getname()[0] == "Noto Sans CJK SC"
    assert find_face(["/no/such/font.ttc", NOTO]) == noto
    assert find_face(["/no/such/font.ttc"]) is None


def test_a_font_without_chinese_draws_boxes_and_is_told_apart(noto, dejavu):
    assert missing_characters(noto, ZH.title + ZH.line + EN.title + "CN¥") == ""
    assert missing_characters(dejavu, ZH.title) == "吉布果：从受助者到人"
    assert missing_characters(dejavu, EN.title) == ""


def test_the_chinese_title_is_drawn_in_glyphs_not_boxes(noto, dejavu):
    """The same card drawn with a font lacking the characters differs where the title is."""
    with_glyphs = Image.open(io.BytesIO(og_image(ZH, None, noto))).convert("L")
    with_boxes = Image.open(io.BytesIO(og_image(ZH, None, dejavu))).convert("L")
    title_band = (64, 100, 560, 400)
    difference = ImageChops.difference(with_glyphs.crop(title_band), with_boxes.crop(title_band))
    assert sum(difference.point(lambda d: 255 if d > 64 else 0).histogram()[255:]) > 2000  # other shapes


# ---------------------------------------------------------------- wrapping
def test_chinese_wraps_at_any_character_but_never_starts_a_line_with_punctuation(noto):
    typeface = font(noto, 40)
    lines = wrap(
        "一位留守母亲得到帮助之后，又把礼物传递给下一户人家。她的故事讲述了重生。", typeface, 400, 10
    )
    assert len(lines) > 2
    assert all(typeface.getlength(line) <= 400 + typeface.getlength("，") for line in lines)
    assert not any(line[0] in "，。" for line in lines)
    assert "".join(lines) == "一位留守母亲得到帮助之后，又把礼物传递给下一户人家。她的故事讲述了重生。"


def test_english_wraps_between_words_and_a_cut_ends_with_an_ellipsis(noto):
    typeface = font(noto, 40)
    lines = wrap("from recipient to contributor and back again", typeface, 300, 2)
    assert len(lines) == 2 and lines[-1].endswith("…")
    assert all(not line.startswith(" ") for line in lines)
    words = ["from", "recipient", "to", "contributor", "and", "back", "again"]
    assert lines[0].split() == words[: len(lines[0].split())]


# ---------------------------------------------------------------- images
def _no_metadata(data: bytes) -> None:
    image = Image.open(io.BytesIO(data))
    assert image.format == "JPEG"
    assert not image.getexif() and "exif" not in image.info and "icc_profile" not in image.info
    assert b"Exif\x00\x00" not in data[:4096]


@pytest.mark.parametrize("texts", [ZH, EN], ids=["zh", "en"])
def test_the_open_graph_card_and_the_poster_keep_their_size_budget_and_no_metadata(noto, texts):
    picture = Image.new("RGB", (1600, 1000), (90, 120, 70))
    picture.paste((200, 170, 120), (0, 600, 1600, 1000))
    card = og_image(texts, picture, noto)
    address = f"{ORIGIN}/stories/jibuguoguo/?src=poster"
    sheet = poster(texts, picture, address, noto)
    assert Image.open(io.BytesIO(card)).size == OG_SIZE and len(card) <= OG_BUDGET
    assert Image.open(io.BytesIO(sheet)).size == POSTER_SIZE and len(sheet) <= POSTER_BUDGET
    _no_metadata(card)
    _no_metadata(sheet)
    assert decode(Image.open(io.BytesIO(sheet))) == [address]
    small = poster_preview(sheet)
    assert Image.open(io.BytesIO(small)).size == PREVIEW_SIZE and len(small) <= PREVIEW_BUDGET
    _no_metadata(small)
    assert decode(Image.open(io.BytesIO(small))) == [address]  # still scans at half size


def test_a_picture_too_busy_for_its_budget_is_refused():
    noise = Image.effect_noise((300, 300), 120).convert("RGB")
    with pytest.raises(OverBudget):
        _jpeg(noise, 2_000)


# ---------------------------------------------------------------- cache
def test_the_cache_draws_once_and_never_rewrites_a_file(tmp_path: Path):
    cache = ShareCache(tmp_path / "share")
    calls = []

    def draw() -> bytes:
        calls.append(1)
        return b"jpeg"

    key = key_of("og", "1", ZH, "", "font")
    first = cache.get_or_draw(key, draw)
    inode = first.stat().st_ino
    again = ShareCache(tmp_path / "share")
    assert again.get_or_draw(key, draw) == first and first.stat().st_ino == inode
    assert len(calls) == 1 and (cache.drawn, again.drawn, again.reused) == (1, 0, 1)
    assert key_of("og", "1", EN, "", "font") != key
    again.write_stats()
    assert (
        tmp_path / "share/last-build.json"
    ).read_text() == '{"images": 1, "drawn": 0, "reused": 1, "seconds": 0.0}'
    assert not list((tmp_path / "share").rglob(".*"))  # no temporary file left


def test_a_build_draws_only_what_the_cache_lacks(tmp_path: Path, noto):
    picture = tmp_path / "picture.jpg"
    Image.new("RGB", (800, 500), (90, 120, 70)).save(picture)
    jobs = [
        PageJob(texts, str(picture) if texts is ZH else None, f"{ORIGIN}/p{n}/?src=poster", noto, *keys)
        for n, texts in enumerate([ZH, EN])
        for keys in [[key_of(kind, n) for kind in ("og", "poster", "preview")]]
    ]
    first = ShareCache(tmp_path / "share")
    draw_all(jobs, first, cores=1)  # in this process (the workers: from POOL_FROM pages on)
    assert (first.drawn, first.reused, len(first.keys)) == (6, 0, 6)
    ShareCache(tmp_path / "share").file(jobs[1].og_key).unlink()  # one image lost
    again = ShareCache(tmp_path / "share")
    draw_all(jobs, again, cores=1)
    assert (again.drawn, again.reused) == (1, 5)
    assert Image.open(again.file(jobs[1].og_key)).size == OG_SIZE


# ---------------------------------------------------------------- consent
@pytest.mark.parametrize(
    ("values", "allowed"),
    [
        ({"consent": "given 2026-09-14", "photos": "yes"}, True),
        ({"consent": "given 2026-09-14", "photos": "Yes "}, True),
        ({"consent": "given 2026-09-14", "photos": "no"}, False),
        ({"consent": "given 2026-09-14"}, False),
        ({"consent": "withdrawn 2026-12-01", "photos": "yes"}, False),
        ({"consent": "given soon", "photos": "yes"}, False),
        ({"photos": "yes"}, False),
    ],
)
def test_a_photo_is_drawn_only_with_her_recorded_photo_consent(values, allowed):
    assert photos_allowed(values) is allowed
