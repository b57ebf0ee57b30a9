"""The built site, read as a visitor's browser and a search engine read it."""

import re
from urllib.parse import urlparse

import feedparser
import pytest
from lxml import etree
from pelican.settings import read_settings

from haihui.assets import is_fingerprinted
from haihui.build import ROOT
from haihui.content.frontmatter import parse_front_matter

SETTINGS = read_settings(str(ROOT / "pelicanconf.py"))
LANGS = SETTINGS["LANGUAGES"]
ORIGIN = SETTINGS["SITE_ORIGIN"]
CJK = re.compile(r"[\u4e00-\u9fff]")


def content_urls(kind_dir: str) -> list[tuple[str, str, str]]:
    """(slug, lang, url) of every Markdown file under content/<kind_dir>."""
    found = []
    for path in sorted((ROOT / "content" / kind_dir).rglob("*.md")):
        meta = parse_front_matter(path.read_text("utf-8")).values
        prefix = LANGS[meta["lang"]]["prefix"]
        if "url" in meta:
            url = meta["url"]
        elif kind_dir == "stories":
            url = f"{prefix}stories/{meta['slug']}/"
        elif meta.get("template") == "campaign":
            url = SETTINGS["CAMPAIGN_URL"].format(prefix=prefix, slug=meta["slug"])
        else:
            url = f"{prefix}{meta['slug']}/"
        found.append((meta["slug"], meta["lang"], url))
    return found


STORIES = content_urls("stories")
PAGES = content_urls("pages")
ALL_CONTENT = STORIES + PAGES
# Pages in every language (the 404 page is one page for both, on purpose).
TRANSLATED = [c for c in ALL_CONTENT if sum(s == c[0] for s, _, _ in ALL_CONTENT) == len(LANGS)]
LISTINGS = [
    pattern.format(prefix=spec["prefix"])
    for pattern in SETTINGS["LISTING_URLS"].values()
    for spec in LANGS.values()
]


def test_the_two_first_stories_and_the_required_pages_exist_in_both_languages():
    by_slug = {}
    for slug, lang, _ in ALL_CONTENT:
        by_slug.setdefault(slug, set()).add(lang)
    required = {
        "jibuguoguo",
        "adiniuniu",
        "left-behind-mothers",
        "about",
        "passing-on-the-gift",
        "fund-use",
        "partner",
        "contact",
        "thank-you",
    }
    assert required <= set(by_slug), required - set(by_slug)
    for slug in required:
        assert by_slug[slug] == set(LANGS), f"{slug} is not in every language"


@pytest.mark.parametrize("slug,lang,url", ALL_CONTENT)
def test_each_story_and_page_is_built_with_its_language(site, slug, lang, url):
    soup = site.soup(url)
    assert soup.html["lang"] == LANGS[lang]["html_lang"]
    main = soup.find("main")
    assert main is not None and main.find("h1") is not None
    if lang == "zh":
        assert len(CJK.findall(main.get_text())) > 20, "the Chinese page has too little Chinese text"
        assert "Skip to main content" not in soup.get_text(), "interface strings not translated"
        for paragraph in main.find_all("p"):
            assert not re.search(r"[\u4e00-\u9fff]\s+[\u4e00-\u9fff]", paragraph.get_text()), (
                f"a space between Chinese characters on {url}: {paragraph.get_text()[:60]}"
            )
    else:
        assert not CJK.search(soup.find("nav", class_="site-nav").get_text())


@pytest.mark.parametrize("slug,lang,url", TRANSLATED)
def test_switcher_and_hreflang_point_at_the_real_translation(site, slug, lang, url):
    soup = site.soup(url)
    translations = {other_lang: other_url for s, other_lang, other_url in ALL_CONTENT if s == slug}
    hreflang = {link["hreflang"]: link["href"] for link in soup.select('link[rel="alternate"][hreflang]')}
    if soup.find("meta", attrs={"name": "robots", "content": "noindex"}):
        # `Robots: noindex` (the thank-you pages): no canonical, no hreflang; the switcher stays.
        assert hreflang == {} and soup.select_one('link[rel="canonical"]') is None
    else:
        for other_lang, other_url in translations.items():
            assert hreflang[LANGS[other_lang]["html_lang"]] == f"{ORIGIN}/{other_url}"
        assert hreflang["x-default"] == f"{ORIGIN}/{translations['en']}"
        assert soup.select_one('link[rel="canonical"]')["href"] == f"{ORIGIN}/{url}"
    switcher = soup.select_one("nav.language-switcher")
    links = {a["hreflang"]: a["href"] for a in switcher.select("a[hreflang]")}
    for other_lang, other_url in translations.items():
        if other_lang != lang:
            assert links[LANGS[other_lang]["html_lang"]] == f"/{other_url}"
            assert site.exists(other_url)
    assert switcher.select_one('[aria-current="true"]').get_text() == LANGS[lang]["name"]


@pytest.mark.parametrize("url", LISTINGS)
def test_listings_exist_per_language_and_list_only_their_language(site, url):
    soup = site.soup(url)
    lang = "zh" if url.startswith("zh/") else "en"
    assert soup.html["lang"] == LANGS[lang]["html_lang"]
    for a in soup.select("main a[href]"):
        href = a["href"]
        if href.startswith("/") and ("/stories/" in href or "/campaigns/" in href):
            assert href.startswith("/zh/") == (lang == "zh"), f"{href} on {url}"


def test_home_leads_with_the_campaign_and_newest_stories(site):
    for lang, spec in LANGS.items():
        soup = site.soup(spec["prefix"])
        campaign_url = SETTINGS["CAMPAIGN_URL"].format(prefix=spec["prefix"], slug="left-behind-mothers")
        first_link = soup.select_one("main a.button")
        assert first_link["href"] == f"/{campaign_url}", "the first call to action goes to the campaign"
        story_links = {a["href"] for a in soup.select("main .cards a")}
        expected = {f"/{u}" for s, lng, u in STORIES if lng == lang}
        assert story_links and story_links <= expected


JAVASCRIPT_URL = re.compile("javascript:", re.IGNORECASE)


def test_every_page_has_skip_link_og_tags_and_nothing_that_needs_javascript(site):
    for url in site.html_pages():
        soup = site.soup(url)
        first_link = soup.body.find("a")
        assert first_link["href"] == "#main" and soup.find(id="main") is not None, url
        for prop in ("og:title", "og:description", "og:image", "og:url"):
            tag = soup.find("meta", property=prop)
            assert tag is not None and tag["content"].strip(), f"{prop} missing on {url}"
        # JSON-LD (the home pages) is data, which no browser runs; any other script is refused,
        # and so is anything that runs or shows only with JavaScript on. A page with none of
        # them is the same page with JavaScript on or off (tests/browser: the donor's path is
        # walked with it off, every template with it on).
        scripts = [
            s for s in soup.find_all("script") if s.get("type") != "application/ld+json" or s.get("src")
        ]
        assert scripts == [], f"{url} has a script"
        assert soup.find("noscript") is None, f"{url} has a <noscript>"
        tags = soup.find_all(True)
        handlers = [f"<{t.name} {a}>" for t in tags for a in t.attrs if a.lower().startswith("on")]
        assert handlers == [], f"{url} has event handlers: {handlers}"
        script_urls = [
            f"<{t.name} {a}={t[a]!r}>"
            for t in tags
            for a in ("href", "src", "action", "formaction", "xlink:href")
            if isinstance(t.get(a), str) and JAVASCRIPT_URL.match(re.sub(r"[\s\x00-\x1f]", "", t[a]))
        ]
        assert script_urls == [], f"{url} has javascript: links: {script_urls}"


def test_nothing_is_loaded_from_another_host(site):
    for url in site.html_pages():
        soup = site.soup(url)
        loaded = [
            t.get("src") for t in soup.find_all(["img", "script", "iframe", "source", "video", "audio"])
        ]
        loaded += [
            t.get("href")
            for t in soup.find_all("link")
            if "alternate" not in t.get("rel", []) and "canonical" not in t.get("rel", [])
        ]
        for ref in filter(None, loaded):
            host = urlparse(ref).netloc
            assert host in ("", urlparse(ORIGIN).netloc), f"{url} loads {ref}"


def test_dates_are_written_for_the_language(site):
    zh_story = next(u for s, lang, u in STORIES if lang == "zh")
    en_story = next(u for s, lang, u in STORIES if lang == "en")
    zh_time = site.soup(zh_story).select_one("main time")
    en_time = site.soup(en_story).select_one("main time")
    assert re.fullmatch(r"\d{4}年\d{1,2}月\d{1,2}日", zh_time.get_text())
    assert re.fullmatch(r"[A-Z][a-z]+ \d{1,2}, \d{4}", en_time.get_text())


@pytest.mark.parametrize("lang", list(LANGS))
def test_feed_per_language_has_that_languages_stories(site, lang):
    path = SETTINGS["FEED_URL"].format(prefix=LANGS[lang]["prefix"])
    feed = feedparser.parse(site.path(path).read_bytes())
    assert not feed.bozo, feed.get("bozo_exception")
    links = sorted(entry.link for entry in feed.entries)
    assert links == sorted(f"{ORIGIN}/{u}" for s, lng, u in STORIES if lng == lang)


def test_sitemap_lists_every_page_with_its_alternates(site):
    tree = etree.parse(str(site.path("sitemap.xml")))
    ns = {"sm": "http://www.sitemaps.org/schemas/sitemap/0.9", "x": "http://www.w3.org/1999/xhtml"}
    locs = {loc.text for loc in tree.findall(".//sm:loc", ns)}
    # The preview's list of problems is for staff, not for search engines.
    reports = {SETTINGS["CHECK_REPORT_URL"].format(prefix=spec["prefix"]) for spec in LANGS.values()}
    # Pages whose header says `Robots: noindex` (the thank-you and 404 pages) stay out.
    kept_out = {url for url in site.html_pages() if site.soup(url).find("meta", attrs={"name": "robots"})}
    assert {"/thank-you/", "/zh/thank-you/", "/404.html"} <= kept_out
    assert not locs & {f"{ORIGIN}{url}" for url in kept_out}
    pages = {
        f"{ORIGIN}{url}"
        for url in site.html_pages()
        if url.lstrip("/") not in reports and url not in kept_out
    }
    assert not locs & {f"{ORIGIN}/{url}" for url in reports}
    assert pages - {f"{ORIGIN}/404.html"} <= locs | {p for p in pages if "/page/" in p}
    for entry in tree.findall("sm:url", ns):
        hreflangs = {link.get("hreflang") for link in entry.findall("x:link", ns)}
        assert "x-default" in hreflangs


def test_one_copy_of_static_files(site):
    # Under its fingerprinted name only (haihui.assets): no plain main.css for a page to link.
    css = list(site.root.rglob("main*.css"))
    assert len(css) == 1 and is_fingerprinted(css[0].name), css


def test_robots_txt_points_at_the_sitemap(site):
    lines = site.path("robots.txt").read_text("utf-8").splitlines()
    assert f"Sitemap: {ORIGIN}/sitemap.xml" in lines
