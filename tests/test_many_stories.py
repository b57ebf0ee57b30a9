"""With many stories, listings stay light: the stories listing is paginated
(24 a page) and a campaign page shows only its newest stories."""

import json
import shutil
import sys

import pytest

from conftest import BuiltSite, copy_project
from haihui.build import ROOT, run_pelican
from haihui.settings import read_settings

EXTRA = 30  # synthetic stories per language, beside the two real ones
LISTING_PAGE = 24  # PAGINATED_TEMPLATES in pelicanconf.py
CAMPAIGN_SHOWN = 6  # CAMPAIGN_STORIES_SHOWN
HOME_SHOWN = 3  # HOME_STORIES_SHOWN


@pytest.fixture(scope="module")
def many(tmp_path_factory) -> BuiltSite:
    sys.path.insert(0, str(ROOT / "benchmarks"))
    try:
        import build_bench  # its synthetic stories: the real header, new title, slug and date
    finally:
        sys.path.remove(str(ROOT / "benchmarks"))
    folder = tmp_path_factory.mktemp("many")
    project = copy_project(folder / "project")
    synthetic = build_bench.make_site(folder / "synthetic", EXTRA)
    for story in (synthetic / "stories").glob("*.md"):
        shutil.copy2(story, project / "content" / "stories" / story.name)
    # Listings are the subject, not the share images: drawing 180 new ones would triple the build.
    plugins = [p for p in read_settings("pelicanconf.py", root=project)["PLUGINS"] if p != "haihui_sharing"]
    result = run_pelican(
        "pelicanconf.py", project / "output", cwd=project, extra={"PLUGINS": json.dumps(plugins)}
    )
    assert result.returncode == 0, result.stdout + result.stderr
    return BuiltSite(project / "output")


def card_links(soup) -> list[str]:
    return [a["href"] for a in soup.select("li.card .card__title a")]


@pytest.mark.parametrize("prefix", ["/", "/zh/"])
def test_the_stories_listing_is_paginated_with_links_both_ways(many, prefix):
    first = many.soup(f"{prefix}stories/")
    assert len(card_links(first)) == LISTING_PAGE
    older = first.select_one('nav.pagination a[rel="next"]')
    assert older is not None and older["href"].endswith(f"{prefix}stories/page/2/")
    assert first.select_one('nav.pagination a[rel="prev"]') is None

    second = many.soup(f"{prefix}stories/page/2/")
    assert len(card_links(second)) == EXTRA + 2 - LISTING_PAGE
    newer = second.select_one('nav.pagination a[rel="prev"]')
    assert newer is not None and newer["href"].endswith(f"{prefix}stories/")
    assert not set(card_links(first)) & set(card_links(second))  # each story on one page only
    assert second.html["lang"] == first.html["lang"]


@pytest.mark.parametrize("prefix", ["/", "/zh/"])
def test_a_campaign_page_shows_its_newest_stories_and_links_to_the_rest(many, prefix):
    campaign = many.soup(f"{prefix}campaigns/left-behind-mothers/")
    section = campaign.find("section", attrs={"aria-labelledby": "campaign-stories-heading"})
    shown = card_links(section)
    assert len(shown) == CAMPAIGN_SHOWN
    assert shown == card_links(many.soup(f"{prefix}stories/"))[:CAMPAIGN_SHOWN]  # the newest, in order
    more = section.find_all("a")[-1]
    assert more["href"].endswith(f"{prefix}stories/")
    assert more.get_text(strip=True) == ("All stories" if prefix == "/" else "全部故事")


@pytest.mark.parametrize("prefix", ["/", "/zh/"])
def test_the_home_page_shows_the_newest_stories_and_links_to_all(many, prefix):
    home = many.soup(prefix)
    section = home.find("section", attrs={"aria-labelledby": "stories-heading"})
    assert card_links(section) == card_links(many.soup(f"{prefix}stories/"))[:HOME_SHOWN]
    assert section.find_all("a")[-1]["href"].endswith(f"{prefix}stories/")
