"""Share and print on the real content (the session's `site`), and two builds of a copy:
an unchanged rebuild (with one story withdrawn) draws no image, and a build without the
font stops with nothing written."""

import io
import json
import re
from urllib.parse import urlsplit

import pytest
from PIL import Image
from qr_decode import decode, decode_svg

from conftest import edit, tree_digest
from haihui.build import build_and_swap, run_pelican
from haihui.settings import DEFAULTS
from haihui.sharing import addresses
from haihui.sharing.compose import (
    OG_BUDGET,
    OG_SIZE,
    POSTER_BUDGET,
    POSTER_SIZE,
    PREVIEW_BUDGET,
    PREVIEW_SIZE,
)

SHARED_PAGES = re.compile(r"^/(?:zh/)?(?:stories|campaigns)/[a-z0-9-]+/$")
INLINE_QR = re.compile(r"<svg [^>]*\bdata-qr\b.*?</svg>", re.DOTALL)
STORY_EN = "content/stories/jibuguoguo.en.md"


@pytest.fixture(scope="module")
def origin(conf) -> str:
    return conf["SITE_ORIGIN"].rstrip("/")


@pytest.fixture(scope="module")
def shared_pages(site) -> list[str]:
    pages = [url for url in site.html_pages() if SHARED_PAGES.match(url)]
    assert len(pages) >= 6, pages  # two stories and a campaign, in both languages
    return pages


def _jpeg(path, size, budget):
    data = path.read_bytes()
    image = Image.open(io.BytesIO(data))
    assert image.format == "JPEG" and image.size == size, path
    assert len(data) <= budget, f"{path.name}: {len(data)} bytes, budget {budget}"
    assert not image.getexif() and "icc_profile" not in image.info and b"Exif\x00\x00" not in data[:4096]
    return image


def test_every_story_and_campaign_has_its_own_open_graph_image(site, shared_pages, origin):
    for url in shared_pages:
        head = site.soup(url).head
        image = head.find("meta", property="og:image")["content"]
        assert image.startswith(f"{origin}{url}share-") and image.endswith(".jpg"), image
        _jpeg(site.path(image.removeprefix(origin)), OG_SIZE, OG_BUDGET)
        assert head.find("meta", property="og:image:width")["content"] == str(OG_SIZE[0])
        assert head.find("meta", property="og:image:height")["content"] == str(OG_SIZE[1])
        title = site.soup(url).h1.get_text(" ", strip=True)
        assert head.find("meta", property="og:image:alt")["content"] == title


def test_the_share_block_offers_the_poster_and_the_link_to_copy(site, shared_pages, origin):
    for url in shared_pages:
        block = site.soup(url).select_one("[data-share]")
        assert block is not None, url
        poster = block.select_one("a[data-poster]")
        assert poster["href"].startswith(f"{url}poster-"), poster["href"]
        _jpeg(site.path(poster["href"]), POSTER_SIZE, POSTER_BUDGET)
        assert poster.img["alt"] and poster.img["loading"] == "lazy"
        # The page shows (and WeChat saves on a long-press) the half-size poster.
        assert poster.img["src"].startswith(f"{url}poster-") and poster.img["src"].endswith("-540.jpg")
        _jpeg(site.path(poster.img["src"]), PREVIEW_SIZE, PREVIEW_BUDGET)
        field = block.select_one("input[data-share-url]")
        assert field.has_attr("readonly") and field["type"] == "text"
        assert field["value"] == f"{origin}{url}?src=link"
        assert block.find("label", attrs={"for": field["id"]}).get_text(strip=True)
        assert block.select_one(".share__hint").get_text(strip=True)
    zh = site.soup("/zh/stories/jibuguoguo/").select_one("[data-share]").get_text()
    assert "长按海报" in zh and "WeChat" not in zh  # the hint in the page's language


def test_every_poster_code_scans_to_its_own_page(site, shared_pages, origin):
    posters = sorted(site.root.rglob("poster-*.jpg"))
    assert len(posters) == 2 * len(shared_pages)  # the poster and the page's half-size copy
    for path in posters:
        image = Image.open(path)
        image.draft("L", (image.width // 2, image.height // 2))  # decoded at half size: quicker, still scans
        (address,) = decode(image)
        page = addresses.page_of(address, origin)
        assert address.endswith("?src=poster") and site.exists(page), address
        assert path.parent == site.path(page).parent  # the page it sits beside


def test_every_printed_code_scans_to_a_page_of_the_build_or_an_allowed_checkout(site, conf, origin):
    channels = conf["CHECKOUT_CHANNELS"]
    allowed = {host for channel in channels.values() for host in channel["hosts"]}
    stripe = channels["stripe"]["hosts"]
    found = 0
    for url in site.html_pages():
        html = site.path(url).read_text("utf-8")
        for svg in INLINE_QR.findall(html):
            (address,) = decode_svg(svg)
            found += 1
            page = addresses.page_of(address, origin)
            if page is not None:
                assert site.exists(page) and re.search(r"\?src=(flyer|card)$", address), address
            else:
                assert urlsplit(address).scheme == "https" and urlsplit(address).hostname in allowed, address
                assert not addresses.is_stripe(address, stripe), f"mainland code to Stripe on {url}"
    assert found >= 2 * (2 + 5)  # per language: the flyer's two codes and one per honour card


def test_each_campaign_has_an_a5_flyer_and_an_honour_card_per_tier(site, conf):
    tiers = ["pigsty", "mothers-start", "village-cohort", "monthly-care", "any-amount"]
    for prefix in ("", "zh/"):
        flyer = site.soup(f"/{prefix}campaigns/left-behind-mothers/flyer/")
        main = flyer.select_one("main[data-print='flyer']")
        assert main is not None
        assert 2 <= len(main.select("li[data-tier]")) <= conf.get("FLYER_TIERS", DEFAULTS["FLYER_TIERS"]) <= 3
        assert main.select_one(".disclosure") and main.select_one("a[href^='mailto:']")
        assert {f["data-qr-channel"] for f in main.select("figure.qr")} == {"page", "platform"}
        for tier in tiers:
            card = site.soup(f"/{prefix}campaigns/left-behind-mothers/honour-cards/{tier}/")
            main = card.select_one("main[data-print='honour-card']")
            assert main is not None and main.select_one(".honour-card__line")
        campaign = site.soup(f"/{prefix}campaigns/left-behind-mothers/")
        printed = [a["href"] for a in campaign.select("[data-share] .share__print a")]
        assert len(printed) == 1 + len(tiers) and all(site.exists(href) for href in printed)


def _share_files(output):
    return {
        str(p.relative_to(output)) for p in output.rglob("*.jpg") if p.name.startswith(("share-", "poster-"))
    }


def test_a_rebuild_draws_no_image_and_a_withdrawn_story_s_images_go_with_it(broken):
    project = broken
    before = _share_files(project / "output")
    # The older story: the campaign's images show the newest story's drawing, and stay as they are.
    edit(project / STORY_EN, "Consent: given 2026-10-12", "Consent: withdrawn 2026-12-01")
    result = run_pelican("pelicanconf.py", project / "output", cwd=project)
    assert result.returncode == 0, result.stdout + result.stderr
    stats = json.loads((project / ".cache/images/share/last-build.json").read_text())
    assert stats["drawn"] == 0 and stats["reused"] == stats["images"] == len(before) - 2 * 3
    after = _share_files(project / "output")
    assert after == {name for name in before if "jibuguoguo" not in name}


def test_without_the_font_the_build_stops_and_writes_nothing(broken):
    before = tree_digest(broken / "output")
    result = build_and_swap(
        "pelicanconf.py", broken / "output", cwd=broken, extra={"SHARE_FONTS": '["/no/such/font.ttc"]'}
    )
    text = " ".join((result.stdout + result.stderr).split())
    assert result.returncode != 0
    assert "no font with Chinese characters" in text and "fonts-noto-cjk" in text
    assert "没有可用的中文字体" in text and "Traceback" not in text
    assert tree_digest(broken / "output") == before
