"""`make serve` rebuilds in one process: every change shows in the next build, nothing stale stays."""

import re

from pelican import Pelican
from pelican.settings import read_settings

from conftest import BuiltSite, edit

STORY_EN, STORY_ZH = "content/stories/jibuguoguo.en.md", "content/stories/jibuguoguo.zh.md"
CATALOG_ZH = "theme/translations/zh/LC_MESSAGES/messages.po"


def build_in_this_process(project) -> BuiltSite:
    settings = read_settings(
        str(project / "pelicanconf.py"),
        override={
            "PATH": str(project / "content"),
            "OUTPUT_PATH": str(project / "output"),
            "THEME": str(project / "theme"),
            "TEMPLATE_CACHE_PATH": str(project / ".cache/jinja"),
            "IMAGE_CACHE_PATH": str(project / ".cache/images"),
        },
    )
    Pelican(settings).run()
    return BuiltSite(project / "output")


def pigsty_amounts(site: BuiltSite) -> set[str]:
    soup = site.soup("/campaigns/left-behind-mothers/")
    return {
        card.select_one("[data-amount-fen]")["data-amount-fen"]
        for card in soup.select('[data-tier="pigsty"]')
    }


def test_each_change_shows_in_the_next_build_of_the_same_process(project, monkeypatch):
    monkeypatch.chdir(project)
    site = build_in_this_process(project)
    assert site.soup("/zh/").find("a", string="故事") is not None
    assert pigsty_amounts(site) == {"100000"}
    assert site.exists("/stories/jibuguoguo/")

    # A translation in the catalog (the bug: the old msgstr stayed until a restart).
    edit(project / CATALOG_ZH, 'msgid "Stories"\nmsgstr "故事"', 'msgid "Stories"\nmsgstr "她们的故事"')
    # A template.
    edit(
        project / "theme/templates/partials/footer.html",
        '<footer class="site-footer">',
        '<footer class="site-footer" data-edited="yes">',
    )
    # The fund-use data.
    fund_use = project / "content/data/fund-use.yaml"
    fund_use.write_text(
        re.sub(
            r"(pigsty-grant:\n(?:.*\n)*?\s+amount_fen: )100000",
            r"\g<1>120000",
            fund_use.read_text("utf-8"),
            count=1,
        ),
        "utf-8",
    )
    # A story's title.
    edit(project / STORY_EN, "Title: ", "Title: Edited: ")
    site = build_in_this_process(project)
    assert site.soup("/zh/").find("a", string="她们的故事") is not None
    assert site.soup("/zh/").find("a", string="故事") is None
    assert site.soup("/about/").select_one('footer[data-edited="yes"]') is not None
    assert pigsty_amounts(site) == {"120000"}
    assert site.soup("/stories/jibuguoguo/").h1.get_text().startswith("Edited: ")

    # Consent withdrawn: the story is gone from this build, as from a fresh process.
    edit(project / STORY_ZH, "Consent: given 2026-10-12", "Consent: withdrawn 2026-11-29")
    site = build_in_this_process(project)
    assert not site.exists("/stories/jibuguoguo/") and not site.exists("/zh/stories/jibuguoguo/")
    assert "jibuguoguo" not in site.path("/stories/").read_text("utf-8")
