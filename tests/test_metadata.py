"""Metadata that others read: feeds, Open Graph and Twitter cards, schema.org JSON-LD,
icons, what search engines may index, and how amounts of money are written.

Each problem of issue 13 (item 8, "Metadata others read", and the money wording)
is checked on the built pages parsed as HTML (the session's `site`); one extra
build puts hostile text in the organisation data and leaves og_locale out.
"""

import importlib.util
import json
import re

import pytest
from bs4 import BeautifulSoup
from lxml import etree
from pelican.settings import read_settings
from PIL import Image

from haihui.build import ROOT, run_pelican
from haihui.content.content_rules import Rules, check_sources, load_sources
from haihui.giving.site_data import load_site_tiers
from haihui.languages.catalogs import load_translations
from haihui.languages.formatting import format_money
from haihui.organisation import load_organisation
from haihui.settings import add_defaults
from haihui.structured_data import script_json

SETTINGS = read_settings(str(ROOT / "pelicanconf.py"))
LANGS = SETTINGS["LANGUAGES"]
ORIGIN = SETTINGS["SITE_ORIGIN"]
BY_HTML_LANG = {spec["html_lang"]: lang for lang, spec in LANGS.items()}
VOCABULARY = json.loads((ROOT / "tests/data/schema-org-excerpt.json").read_text("utf-8"))
ATOM = {"a": "http://www.w3.org/2005/Atom"}
SITEMAP = {"sm": "http://www.sitemaps.org/schemas/sitemap/0.9", "x": "http://www.w3.org/1999/xhtml"}
THANK_YOU = [f"/{spec['prefix']}thank-you/" for spec in LANGS.values()]
NOT_FOUND = "/404.html"
# Every element the theme marks with an amount in fen (tier cards, fund-use table, progress).
AMOUNT_ATTRIBUTES = ("data-amount-fen", "data-minimum-fen", "data-preset-fen", "data-maximum-fen")


def home(lang: str) -> str:
    return "/" + SETTINGS["LISTING_URLS"]["index"].format(prefix=LANGS[lang]["prefix"])


def page_lang(soup) -> str:
    return BY_HTML_LANG[soup.html["lang"]]


def meta(soup, key: str, value: str) -> list[str]:
    """The content of each <meta key="value">, e.g. meta(soup, "property", "og:locale")."""
    return [tag["content"] for tag in soup.find_all("meta", attrs={key: value})]


# ---------------------------------------------------------------- feeds


def test_each_language_has_its_own_feed_id_and_links_to_its_own_home(site):
    ids = {}
    for lang, spec in LANGS.items():
        path = SETTINGS["FEED_URL"].format(prefix=spec["prefix"])
        feed = etree.parse(str(site.path(path))).getroot()
        feed_id = feed.find("a:id", ATOM).text
        alternate = feed.find("a:link[@rel='alternate']", ATOM).get("href")
        own = feed.find("a:link[@rel='self']", ATOM).get("href")
        assert alternate == ORIGIN + home(lang), (lang, alternate)
        assert feed_id == own == f"{ORIGIN}/{path}", (lang, feed_id)
        ids[lang] = feed_id
    assert len(set(ids.values())) == len(LANGS), ids


# ---------------------------------------------------------------- Open Graph, Twitter


@pytest.mark.parametrize("lang", list(LANGS))
def test_og_locale_is_language_and_territory_with_the_other_languages_as_alternates(site, lang):
    expected = {"en": "en_US", "zh": "zh_CN"}
    story = next(url for url in site.html_pages() if "/stories/" in url and page_lang(site.soup(url)) == lang)
    for url in (home(lang), story):
        soup = site.soup(url)
        assert meta(soup, "property", "og:locale") == [expected[lang]], url
        others = {expected[other] for other in LANGS if other != lang}
        assert set(meta(soup, "property", "og:locale:alternate")) == others, url


def test_og_locale_comes_from_languages_or_is_derived_from_the_babel_locale():
    settings = add_defaults(
        {
            "LANGUAGES": {
                "en": {"name": "English", "html_lang": "en", "locale": "en", "prefix": ""},
                "zh": {"name": "中文", "html_lang": "zh-Hans", "locale": "zh_Hans_CN", "prefix": "zh/"},
                "fr": {"name": "Français", "html_lang": "fr", "locale": "fr", "prefix": "fr/"},
                "gb": {"name": "English", "html_lang": "en-GB", "locale": "en", "og_locale": "en_GB"},
            }
        }
    )
    derived = {lang: spec["og_locale"] for lang, spec in settings["LANGUAGES"].items()}
    assert derived == {"en": "en_US", "zh": "zh_CN", "fr": "fr_FR", "gb": "en_GB"}
    assert {lang: spec["og_locale"] for lang, spec in LANGS.items()} == {"en": "en_US", "zh": "zh_CN"}


def test_every_page_has_a_twitter_card_that_matches_its_og_image(site):
    for url in site.html_pages():
        soup = site.soup(url)
        cards = meta(soup, "name", "twitter:card")
        expected = "summary_large_image" if meta(soup, "property", "og:image") else "summary"
        assert cards == [expected], url


# ---------------------------------------------------------------- JSON-LD


def json_ld(soup) -> list[dict]:
    return [json.loads(s.string) for s in soup.find_all("script", attrs={"type": "application/ld+json"})]


def lineage(type_name: str) -> set[str]:
    """The type and all its supertypes in the vocabulary excerpt."""
    found, todo = set(), [type_name]
    while todo:
        name = todo.pop()
        if name in VOCABULARY["types"] and name not in found:
            found.add(name)
            todo += VOCABULARY["types"][name]["subTypeOf"]
    return found


def vocabulary_problems(node: dict, where: str = "$") -> list[str]:
    """Where `node` strays from the schema.org excerpt (tests/data/schema-org-excerpt.json)."""
    problems = []
    type_name = node.get("@type")
    if type_name not in VOCABULARY["types"]:
        return [f"{where}: @type {type_name!r} is not a schema.org type (of the excerpt)"]
    for key, value in node.items():
        if key == "@context":
            if where != "$" or value != VOCABULARY["context"]:
                problems.append(f"{where}: @context {value!r}")
            continue
        if key == "@type":
            continue
        spec = VOCABULARY["properties"].get(key)
        if spec is None:
            problems.append(f"{where}.{key}: not a schema.org property (of the excerpt)")
            continue
        if not set(spec["domainIncludes"]) & lineage(type_name):
            problems.append(f"{where}.{key}: not a property of {type_name} or its supertypes")
        if isinstance(value, dict):
            problems += vocabulary_problems(value, f"{where}.{key}")
            if not set(spec["rangeIncludes"]) & lineage(value.get("@type", "")):
                problems.append(f"{where}.{key}: a {value.get('@type')} is not in its range")
        elif not (isinstance(value, str) and set(spec["rangeIncludes"]) & set(VOCABULARY["dataTypes"])):
            problems.append(f"{where}.{key}: {value!r} is not a value of its range")
    return problems


def test_the_vocabulary_check_finds_what_schema_org_does_not_define():
    assert vocabulary_problems({"@context": "https://schema.org", "@type": "Charity"})
    assert vocabulary_problems({"@type": "ContactPoint", "contactPoint": {"@type": "ContactPoint"}})
    assert vocabulary_problems({"@type": "NGO", "contactPoint": {"@type": "NGO"}})
    assert vocabulary_problems({"@type": "NGO", "phone": "+86"})
    assert vocabulary_problems({"@type": "NGO", "name": 5})
    fine = {"@type": "NGO", "contactPoint": {"@type": "ContactPoint", "email": "a@b.c"}}
    assert vocabulary_problems(fine) == []


@pytest.mark.parametrize("lang", list(LANGS))
def test_home_pages_describe_the_organisation_as_an_ngo_in_json_ld(site, lang):
    organisation, _ = load_organisation(SETTINGS)
    (data,) = json_ld(site.soup(home(lang)))
    assert data["@context"] == "https://schema.org" and data["@type"] == "NGO"
    assert data["name"] == organisation.fundraising_disclosure.organisation[lang]
    assert data["url"] == ORIGIN + home(lang)
    assert data["email"] == organisation.contact.email
    assert data["contactPoint"] == {
        "@type": "ContactPoint",
        "telephone": organisation.contact.phone,
        "email": organisation.contact.email,
    }
    assert vocabulary_problems(data) == []


def test_json_ld_text_cannot_end_its_script_element():
    hostile = {"name": "</script><script>alert(1)</script><!-- & \u2028 海惠"}
    text = script_json(hostile)
    assert "<" not in text and ">" not in text and "&" not in text
    page = BeautifulSoup(f'<head><script type="application/ld+json">{text}</script></head>', "lxml")
    (script,) = page.find_all("script")
    assert json.loads(script.string) == hostile


def test_organisation_data_cannot_break_out_of_the_json_ld_and_og_locale_defaults(project):
    """One extra build: a name that tries to close the <script>, and LANGUAGES without og_locale."""
    data = project / "content/data/organisation.yaml"
    hostile = "Haihui</script><script>alert(1)</script>"
    text = data.read_text("utf-8")
    assert 'organisation: {en: "Haihui (海惠)", zh: 海惠}' in text
    data.write_text(text.replace('{en: "Haihui (海惠)"', f'{{en: "{hostile}"'), "utf-8")
    languages = {lang: {k: v for k, v in spec.items() if k != "og_locale"} for lang, spec in LANGS.items()}
    result = run_pelican(
        "pelicanconf.py",
        project / "output",
        cwd=project,
        extra={"LANGUAGES": json.dumps(languages, ensure_ascii=False)},
    )
    assert result.returncode == 0, result.stdout + result.stderr
    page = BeautifulSoup((project / "output/index.html").read_text("utf-8"), "lxml")
    scripts = page.find_all("script")
    assert [s.get("type") for s in scripts] == ["application/ld+json"]
    assert json.loads(scripts[0].string)["name"] == hostile
    assert meta(page, "property", "og:locale") == ["en_US"]
    assert meta(page, "property", "og:locale:alternate") == ["zh_CN"]


# ---------------------------------------------------------------- icons


def make_icons():
    spec = importlib.util.spec_from_file_location("make_icons", ROOT / "tools/make_icons.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_the_site_has_a_favicon_ico_at_its_root_and_an_apple_touch_icon(site):
    with Image.open(site.path("favicon.ico")) as icon:
        assert icon.format == "ICO" and {(16, 16), (32, 32), (48, 48)} <= icon.info["sizes"]
    touch_icons = set()
    for url in site.html_pages():
        soup = site.soup(url)
        icons = [link["href"] for link in soup.select('link[rel="icon"]')]
        assert icons[0] == "/favicon.ico", url  # first: the bitmap every browser can read
        svg = soup.select_one('link[rel="icon"][type="image/svg+xml"]')["href"]
        touch = soup.select_one('link[rel="apple-touch-icon"]')["href"]
        assert site.exists(svg) and site.exists(touch), url
        touch_icons.add(touch)
    (touch,) = touch_icons
    with Image.open(site.path(touch)) as touch_icon:
        assert touch_icon.format == "PNG" and touch_icon.size == (180, 180) and touch_icon.mode == "RGB"


def test_the_committed_icons_are_what_the_script_draws_from_the_sites_colours():
    tool = make_icons()
    leaf = tool.css_colour("leaf")
    assert leaf in (ROOT / "theme/static/images/favicon.svg").read_text("utf-8")
    with Image.open(tool.TOUCH_ICON) as committed:
        drawn = tool.draw(tool.TOUCH_SIZE, leaf, "#ffffff", rounded=False).convert("RGB")
        assert committed.tobytes() == drawn.tobytes()
    with Image.open(tool.FAVICON) as committed:
        committed.size = (32, 32)
        committed.load()
        drawn = tool.draw(32, leaf, "#ffffff", rounded=True)
        assert committed.convert("RGBA").tobytes() == drawn.tobytes()


# ---------------------------------------------------------------- what search engines index


def hreflang_and_canonical_targets(soup) -> set[str]:
    return {link["href"] for link in soup.select('link[rel="canonical"], link[rel="alternate"][hreflang]')}


@pytest.mark.parametrize("url", THANK_YOU)
def test_thank_you_pages_are_kept_out_of_search_engines(site, url):
    soup = site.soup(url)
    assert meta(soup, "name", "robots") == ["noindex"]
    assert hreflang_and_canonical_targets(soup) == set()
    assert soup.select_one("nav.language-switcher a[hreflang]") is not None  # donors can still switch


def test_the_sitemap_and_hreflang_never_name_a_page_kept_out(site):
    kept_out = {ORIGIN + url for url in [*THANK_YOU, NOT_FOUND]}
    sitemap = etree.parse(str(site.path("sitemap.xml")))
    named = {loc.text for loc in sitemap.findall(".//sm:loc", SITEMAP)}
    named |= {link.get("href") for link in sitemap.findall(".//x:link", SITEMAP)}
    assert not named & kept_out
    assert named, "the sitemap lists the other pages"
    for url in site.html_pages():
        assert not hreflang_and_canonical_targets(site.soup(url)) & kept_out, url


def test_the_404_page_has_no_canonical_address(site):
    soup = site.soup(NOT_FOUND)
    assert soup.select_one('link[rel="canonical"]') is None
    assert soup.select('link[rel="alternate"][hreflang]') == []
    assert meta(soup, "name", "robots") == ["noindex"]


def test_robots_in_a_page_header_must_say_noindex():
    rules = Rules(languages=("en",), strict=False, templates=frozenset())

    def problems(value):
        text = f"Title: T\nSlug: t\nLang: en\nRobots: {value}\n\nText.\n"
        return [str(p) for p in check_sources(load_sources([("pages/t.en.md", "page", text)]), rules)]

    assert problems("noindex") == problems("NoIndex") == []
    (wrong,) = problems("nofollow")
    assert "t.en.md:4" in wrong and "write 'Robots: noindex'" in wrong
    assert "Robots: noindex" in wrong.splitlines()[-1]  # and in Chinese


# ---------------------------------------------------------------- money


def amount_text(element) -> str:
    return re.sub(r"[ \t\r\n]+", " ", element.get_text()).strip()


def test_every_amount_on_every_page_is_written_as_the_money_filter_writes_it(site):
    catalogs = {lang: load_translations(SETTINGS["THEME"], lang) for lang in LANGS}
    checked = 0
    for url in site.html_pages():
        soup = site.soup(url)
        lang = page_lang(soup)
        for element in soup.select(", ".join(f"main [{a}]" for a in AMOUNT_ATTRIBUTES)):
            attribute = next(a for a in AMOUNT_ATTRIBUTES if element.has_attr(a))
            fen = int(element[attribute])
            assert amount_text(element) == format_money(fen, LANGS[lang]["locale"], catalogs[lang]), url
            checked += 1
    assert checked > 20


def test_english_amounts_say_which_yuan_and_chinese_ones_are_unchanged(site):
    tiers, _ = load_site_tiers(SETTINGS)
    grant = tiers.amounts()["pigsty-grant"]
    story = {lang: f"/{spec['prefix']}stories/jibuguoguo/" for lang, spec in LANGS.items()}
    english = site.soup(story["en"]).find("main").get_text()
    chinese = site.soup(story["zh"]).find("main").get_text()
    assert f"CN¥{grant // 100:,}" in english  # the [amount: pigsty-grant] short code
    assert f"{grant // 100:,}\u00a0元" in chinese
    for url in site.html_pages():
        soup = site.soup(url)
        text = soup.find("main").get_text()
        if page_lang(soup) == "en":
            assert not re.search(r"(?<!CN)¥\d", text), f"{url}: a bare ¥ reads as yen"
        else:
            assert "CN¥" not in text and not re.search(r"¥\d", text), url
