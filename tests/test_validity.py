"""Validity of what the build writes: HTML, internal links, Atom feeds, sitemap.

- Every HTML page (and the CSS and SVG beside them) passes the Nu HTML Checker
  (npm `vnu-jar`, run with the machine's Java) with zero errors.
- No internal link, anchor or image points at nothing: every reference in every
  page, feed and sitemap that stays on this site resolves to a built file, and
  every #fragment to an id on the target page (the same check `make publish`
  runs: haihui.build.linkcheck, unit-tested in tests/test_publishing.py).
- Each Atom feed has what RFC 4287 requires; sitemap.xml passes the sitemap 0.9
  schema (tests/data/sitemap-0.9.xsd, with the xhtml:link alternates).
"""

from __future__ import annotations

import json
import re
import subprocess
from functools import cache
from pathlib import Path
from urllib.parse import urlsplit

import pytest
from lxml import etree
from pelican.settings import read_settings

from haihui.build import ROOT
from haihui.build.linkcheck import check_built_site

SETTINGS = read_settings(str(ROOT / "pelicanconf.py"))
ORIGIN = SETTINGS["SITE_ORIGIN"].rstrip("/")
DATA = Path(__file__).parent / "data"
ATOM = "{http://www.w3.org/2005/Atom}"
RFC3339 = re.compile(r"\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?(Z|[+-]\d{2}:\d{2})")


# ---------------------------------------------------------------- HTML
def test_every_page_is_valid_html_per_the_nu_checker(site, vnu_command):
    files = sorted(str(p) for pattern in ("*.html", "*.css", "*.svg") for p in site.root.rglob(pattern))
    assert any(f.endswith(".html") for f in files)
    result = subprocess.run(
        [*vnu_command, "--errors-only", "--format", "json", "--also-check-css", "--also-check-svg", *files],
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )
    report = json.loads(result.stderr or result.stdout)
    errors = [m for m in report["messages"] if m["type"] in ("error", "non-document-error")]
    lines = [
        f"{m.get('url', '').removeprefix('file:' + str(site.root))}:{m.get('lastLine', '?')}: {m['message']}"
        for m in errors
    ]
    assert not errors, f"{len(errors)} error(s) from the Nu HTML Checker:\n" + "\n".join(lines)


# ---------------------------------------------------------------- links
def test_no_broken_internal_link_anchor_or_image(site):
    """The publish build's own link check (haihui.build.linkcheck), on the test build:
    every page, feed and sitemap, with the preview build's own origin as internal."""
    assert any(site.root.rglob("*.html")) and any(site.root.rglob("*.atom.xml"))
    assert site.exists("sitemap.xml")
    problems = check_built_site(site.root, [SETTINGS["SITEURL"], ORIGIN])
    assert not problems, "\n".join(map(str, problems))


# ---------------------------------------------------------------- feeds
def atom_problems(feed) -> list[str]:
    """What RFC 4287 section 4.1 requires of a feed and its entries, and is missing."""
    problems = []

    def one(parent, name, where):
        found = parent.findall(ATOM + name)
        if len(found) != 1:
            problems.append(f"{where} has {len(found)} atom:{name}, needs exactly one")
            return None
        return found[0]

    def check_construct(parent, where):
        id_ = one(parent, "id", where)
        if id_ is not None and not urlsplit((id_.text or "").strip()).scheme:
            problems.append(f"{where}: atom:id {id_.text!r} is not an absolute IRI")
        title = one(parent, "title", where)
        if title is not None and not "".join(title.itertext()).strip():
            problems.append(f"{where}: empty atom:title")
        updated = one(parent, "updated", where)
        if updated is not None and not RFC3339.fullmatch((updated.text or "").strip()):
            problems.append(f"{where}: atom:updated {updated.text!r} is not an RFC 3339 date-time")
        for author in parent.findall(ATOM + "author"):
            if author.find(ATOM + "name") is None or not (author.find(ATOM + "name").text or "").strip():
                problems.append(f"{where}: atom:author without atom:name")
        return id_

    if feed.tag != ATOM + "feed":
        return [f"root element is {feed.tag}, not atom:feed"]
    check_construct(feed, "feed")
    if not [link for link in feed.findall(ATOM + "link") if link.get("rel") == "self"]:
        problems.append("feed has no atom:link rel=self")
    feed_has_author = feed.find(ATOM + "author") is not None
    ids = []
    for n, entry in enumerate(feed.findall(ATOM + "entry"), 1):
        where = f"entry {n}"
        id_ = check_construct(entry, where)
        if id_ is not None:
            ids.append(id_.text)
        alternates = [
            link for link in entry.findall(ATOM + "link") if link.get("rel", "alternate") == "alternate"
        ]
        if not alternates or not all(link.get("href") for link in alternates):
            problems.append(f"{where} has no atom:link rel=alternate with an href")
        if not feed_has_author and entry.find(ATOM + "author") is None:
            problems.append(f"{where} has no atom:author and neither has the feed")
        if entry.find(ATOM + "content") is None and entry.find(ATOM + "summary") is None:
            problems.append(f"{where} has neither atom:content nor atom:summary")
    if len(set(ids)) != len(ids):
        problems.append("two entries share an atom:id")
    return problems


def feeds() -> list[str]:
    return [SETTINGS["FEED_URL"].format(prefix=spec["prefix"]) for spec in SETTINGS["LANGUAGES"].values()]


@pytest.mark.parametrize("feed_url", feeds())
def test_atom_feed_has_every_element_rfc_4287_requires(site, feed_url):
    root = etree.parse(str(site.path(feed_url))).getroot()
    assert root.findall(ATOM + "entry"), f"{feed_url} has no entries"
    problems = atom_problems(root)
    assert not problems, f"{feed_url}:\n" + "\n".join(problems)


def test_the_atom_check_rejects_a_feed_missing_required_elements():
    bad = etree.fromstring(
        '<feed xmlns="http://www.w3.org/2005/Atom"><title>t</title><updated>yesterday</updated>'
        "<entry><title>e</title><id>tag:x,2026:1</id><updated>2026-01-01T00:00:00Z</updated></entry></feed>"
    )
    problems = "\n".join(atom_problems(bad))
    for expected in (
        "feed has 0 atom:id",
        "not an RFC 3339",
        "rel=self",
        "no atom:link rel=alternate",
        "no atom:author",
        "neither atom:content",
    ):
        assert expected in problems


# ---------------------------------------------------------------- sitemap
@cache
def sitemap_schema() -> etree.XMLSchema:
    return etree.XMLSchema(etree.parse(str(DATA / "sitemap-0.9.xsd")))


def test_sitemap_is_valid_against_the_sitemap_schema(site):
    schema = sitemap_schema()
    tree = etree.parse(str(site.path("sitemap.xml")))
    assert schema.validate(tree), "\n".join(str(e) for e in schema.error_log)
    assert len(tree.getroot()) > 0


def test_the_sitemap_schema_rejects_a_broken_sitemap():
    bad = etree.fromstring(
        '<urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9" xmlns:xhtml="http://www.w3.org/1999/xhtml">'
        "<url><lastmod>2026-13-45</lastmod><loc>http://127.0.0.1:8000/</loc>"
        '<xhtml:link rel="alternate" href="http://127.0.0.1:8000/zh/"/></url></urlset>'
    )
    assert not sitemap_schema().validate(bad)
