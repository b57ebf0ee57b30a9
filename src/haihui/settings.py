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
    # Languages in site order: name, html_lang, Babel locale, URL prefix.
    "LANGUAGES": {"en": {"name": "English", "html_lang": "en", "locale": "en", "prefix": ""}},
    # Addresses our plugins write; `{prefix}` is the language's prefix.
    "CAMPAIGN_URL": "{prefix}campaigns/{slug}/",
    "LISTING_URLS": {"index": "{prefix}", "stories": "{prefix}stories/", "campaigns": "{prefix}campaigns/"},
    "FEED_URL": "{prefix}feeds/stories.atom.xml",
    "SITEMAP_URL": "sitemap.xml",
    "CHECK_REPORT_URL": "{prefix}preview-problems/",
    "HOME_STORIES_SHOWN": 3,
    "CAMPAIGN_STORIES_SHOWN": 6,
    # A publish build refuses what a preview only warns about.
    "STRICT_PUBLISH": False,
    # Data files, inside PATH.
    "FUND_USE_FILE": "data/fund-use.yaml",
    "CHECKOUT_LINKS_FILE": "data/checkout-links.yaml",
    # Contact, ICP number, Charity Law disclosure and channel names (haihui.organisation).
    "ORGANISATION_FILE": "data/organisation.yaml",
    "FUND_USE_DATA_FILES": {"csv": "fund-use/fund-use.csv", "json": "fund-use/fund-use.json"},
    # Allowlists: no checkout host and no payment link is allowed unless named here.
    "CHECKOUT_CHANNELS": {},
    "PAYMENT_LINKS": {"hosts": [], "schemes": [], "words": []},
    # Caches, relative to where Pelican runs; keyed by content, safe to delete.
    "IMAGE_CACHE_PATH": ".cache/images",
    "TEMPLATE_CACHE_PATH": ".cache/jinja",
}


def add_defaults(settings: dict) -> dict:
    """`settings` with every one of our settings it lacks set to its default (in place)."""
    for key, value in DEFAULTS.items():
        if key not in settings:
            settings[key] = copy.deepcopy(value)
    return settings


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
