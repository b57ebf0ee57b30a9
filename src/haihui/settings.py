"""The site's own settings: every name, its default, and one way to read a settings file.

Pelican's settings keep Pelican's defaults; ours are below, each documented in
the README ("Settings"). The build adds them when Pelican starts (the plugins'
`initialized` receiver), and the tasks, the checks and the Stripe sync read a
settings file with `read_settings` here, so all of them see the same values.
"""

import copy
import os
import sys
from collections.abc import Mapping
from pathlib import Path
from typing import Any

DEFAULTS: Mapping[str, Any] = {
    # Absolute origin for canonical URLs, hreflang, Open Graph, feeds and the sitemap.
    "SITE_ORIGIN": "http://127.0.0.1:8000",
    # Languages in site order: name, html_lang, Babel locale, URL prefix, and og_locale
    # (Open Graph's language_TERRITORY; when a language leaves it out, add_defaults
    # derives it from the Babel locale: haihui.languages.locales.open_graph_locale).
    "LANGUAGES": {
        "en": {"name": "English", "html_lang": "en", "locale": "en", "prefix": "", "og_locale": "en_US"}
    },
    # Addresses our plugins write; `{prefix}` is the language's prefix.
    "CAMPAIGN_URL": "{prefix}campaigns/{slug}/",
    "LISTING_URLS": {"index": "{prefix}", "stories": "{prefix}stories/", "campaigns": "{prefix}campaigns/"},
    "FEED_URL": "{prefix}feeds/stories.atom.xml",
    "SITEMAP_URL": "sitemap.xml",
    "CHECK_REPORT_URL": "{prefix}preview-problems/",
    "HOME_STORIES_SHOWN": 3,
    # Progress reports (haihui.reports): the folders inside PATH that hold them (also in
    # PAGE_PATHS: Pelican reads them as pages with `Template: report`), each report's address,
    # each campaign's listing of its reports and its Atom feed per language.
    "REPORT_PATHS": ["reports"],
    "REPORT_URL": "{prefix}reports/{slug}/",
    "REPORT_LISTING_URL": "{prefix}campaigns/{campaign}/reports/",
    "REPORT_FEED_URL": "{prefix}feeds/{campaign}-reports.atom.xml",
    # The disclosure clock (haihui.clock): a preview warns this many days before a report is due.
    "REPORT_WARNING_DAYS": 30,
    # The day the build takes as today (YYYY-MM-DD) for the clock and consent dates; "" reads the
    # SOURCE_DATE_EPOCH environment variable, else the clock (haihui.clock.build_today).
    "HAIHUI_TODAY": "",
    # Share and print (haihui.sharing, plugins/haihui_sharing): each campaign's printable A5
    # flyer and an honour card per tier (`{prefix}`, `{slug}` of the campaign, `{tier}`), the
    # one-time tiers a flyer shows (the first ones of fund-use.yaml), the checkout channels a
    # flyer's QR codes for donors in mainland China may lead to (never Stripe, whatever is
    # listed), and the font files the share images are drawn with, the first that exists
    # (a collection's Simplified Chinese face): it must have the Chinese characters.
    "FLYER_URL": "{prefix}campaigns/{slug}/flyer/",
    "HONOUR_CARD_URL": "{prefix}campaigns/{slug}/honour-cards/{tier}/",
    "FLYER_TIERS": 3,
    "MAINLAND_CHANNELS": ["platform"],
    "SHARE_FONTS": [
        "/usr/share/fonts/opentype/noto/NotoSansCJK-Regular.ttc",  # Debian, Ubuntu (CI)
        "/usr/share/fonts/google-noto-cjk/NotoSansCJK-Regular.ttc",  # Fedora
        "/usr/share/fonts/noto-cjk/NotoSansCJK-Regular.ttc",  # Arch
        "/System/Library/Fonts/PingFang.ttc",  # macOS
        "/System/Library/Fonts/Hiragino Sans GB.ttc",  # older macOS
        "C:/Windows/Fonts/msyh.ttc",  # Windows: Microsoft YaHei
        "C:/Windows/Fonts/simhei.ttf",  # Windows: SimHei
    ],
    "CAMPAIGN_STORIES_SHOWN": 6,
    # A publish build refuses what a preview only warns about.
    "STRICT_PUBLISH": False,
    # Build drafts (a story with a TODO / 待填写 left, or `Status: draft`) for a local
    # preview, with a banner, listed nowhere (haihui.content.drafts). Off unless a settings
    # file turns it on (pelicanconf.py does); never with STRICT_PUBLISH.
    "BUILD_DRAFTS": False,
    # Data files, inside PATH.
    "FUND_USE_FILE": "data/fund-use.yaml",
    "CHECKOUT_LINKS_FILE": "data/checkout-links.yaml",
    # Contact, ICP number, Charity Law disclosure and channel names (haihui.organisation).
    "ORGANISATION_FILE": "data/organisation.yaml",
    "FUND_USE_DATA_FILES": {"csv": "fund-use/fund-use.csv", "json": "fund-use/fund-use.json"},
    # The Passing on the Gift chain (haihui.gift_chain): its data file inside PATH, its open data
    # (written beside the page that shows it, `Template: gift-chain`), and the most families
    # drawn one by one; beyond it the drawing summarises by generation and cohort.
    "GIFT_CHAIN_FILE": "data/gift-chain.yaml",
    "GIFT_CHAIN_DATA_FILES": {
        "csv": "passing-on-the-gift/gift-chain.csv",
        "json": "passing-on-the-gift/gift-chain.json",
    },
    "GIFT_CHAIN_DRAW_LIMIT": 40,
    # The CSR partner kit (haihui.partners): its data file inside PATH (frameworks, employee giving,
    # named partners) and the address of each campaign's printable partner brief per language.
    "PARTNER_KIT_FILE": "data/partner-kit.yaml",
    "PARTNER_BRIEF_URL": "{prefix}partner/{campaign}/brief/",
    # Fund use over time (haihui.giving.history): each period's open data at a stable address
    # ({period} is its start_end), the manifest of every release with its SHA-256 and the one
    # before it, and (inside PATH) the copy of that manifest `make publish` keeps in the repository.
    "FUND_USE_PERIOD_FILES": {
        "csv": "fund-use/periods/{period}.csv",
        "json": "fund-use/periods/{period}.json",
    },
    "FUND_USE_RELEASES_URL": "fund-use/releases.json",
    "FUND_USE_RELEASES_FILE": "data/fund-use-releases.json",
    # Allowlists: no checkout host and no payment link is allowed unless named here.
    "CHECKOUT_CHANNELS": {},
    "PAYMENT_LINKS": {"hosts": [], "schemes": [], "words": []},
    # Caches, relative to where Pelican runs; keyed by content, safe to delete.
    "IMAGE_CACHE_PATH": ".cache/images",
    "TEMPLATE_CACHE_PATH": ".cache/jinja",
    "DATA_CACHE_PATH": ".cache/data",  # the checked Passing on the Gift chain (haihui.gift_chain.cache)
    # `make deploy` (haihui.build.deploy): the rclone remote that the last publish build goes
    # to, e.g. "cos:haihui-1250000000" (Tencent Cloud COS), "oss:haihui/site" (Alibaba OSS, any
    # S3 endpoint) or "web:/var/www/haihui" (SFTP). The DEPLOY_REMOTE environment variable wins.
    # Never a password or key here: rclone reads them from its RCLONE_CONFIG_<NAME>_... variables
    # or its own config file.
    "DEPLOY_REMOTE": "",
    # How the remote serves the files: "object-store" (a header per file, compressed files
    # stored compressed), "web-server" (no headers: the server's configuration sets them;
    # a .gz copy beside each compressible file), or "" to ask rclone (an object store
    # keeps a content type per file).
    "DEPLOY_STYLE": "",
    # Cache-Control per kind of file, where the remote keeps headers: files whose name carries
    # a hash of their content (the theme's, the pictures) for a year, everything else briefly.
    "DEPLOY_CACHE_CONTROL": {
        "fingerprinted": "public, max-age=31536000, immutable",
        "other": "public, max-age=300",
    },
    # Files on the remote that `make deploy` never deletes (shell patterns, e.g. a WeChat or
    # Baidu verification file: "MP_verify_*.txt"). Hidden files (.htaccess, .well-known/) never are.
    "DEPLOY_KEEP": [],
}


def add_defaults(settings: dict) -> dict:
    """`settings` with every one of our settings it lacks set to its default (in place),
    and every language of LANGUAGES with the fields it may leave out (og_locale)."""
    for key, value in DEFAULTS.items():
        if key not in settings:
            settings[key] = copy.deepcopy(value)
    languages = settings["LANGUAGES"]
    if isinstance(languages, Mapping):
        settings["LANGUAGES"] = {lang: language_defaults(spec) for lang, spec in languages.items()}
    return settings


def language_defaults(spec: Any) -> Any:
    """A language of LANGUAGES with og_locale derived from its Babel locale when it has none."""
    if not isinstance(spec, Mapping) or spec.get("og_locale") or not spec.get("locale"):
        return spec
    from haihui.languages.locales import open_graph_locale

    return {**spec, "og_locale": open_graph_locale(spec["locale"])}


def read_settings(settings_file: str | Path, *, root: Path, override: Mapping | None = None) -> dict:
    """A settings file of the project in `root`, read as Pelican reads it, with our defaults.

    publishconf.py imports pelicanconf by name: the module is read afresh from
    `root` each time (a test's project copy must not get another folder's).
    """
    from pelican.settings import read_settings as pelican_read_settings

    cwd, saved = os.getcwd(), sys.modules.pop("pelicanconf", None)
    os.chdir(root)
    try:
        settings = pelican_read_settings(str(Path(root, settings_file)), override=dict(override or {}))
    finally:
        os.chdir(cwd)
        sys.modules.pop("pelicanconf", None)
        if saved is not None:
            sys.modules["pelicanconf"] = saved
    return add_defaults(settings)


def data_path(settings: Mapping, key: str) -> Path:
    """A data file named by a setting (FUND_USE_FILE, CHECKOUT_LINKS_FILE ...), inside PATH."""
    return Path(settings["PATH"]) / settings[key]
