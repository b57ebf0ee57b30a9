"""A third language needs catalogs and data only: no Python file of the project or the core changes."""

import csv
import io
import json

from conftest import BuiltSite, add_language_beside_chinese, tree_digest
from haihui.build import run_pelican
from haihui.settings import read_settings

FRENCH = {"name": "Français", "html_lang": "fr", "locale": "fr", "prefix": "fr/"}
# The theme's catalog, in part: what it lacks is shown in English.
FRENCH_CATALOG = (
    'msgid "Stories"\nmsgstr "Histoires"\n\nmsgid "Campaigns"\nmsgstr "Campagnes"\n\n'
    'msgid "Balance"\nmsgstr "Solde"\n'
)


def add_french(project) -> str:
    """French as staff would add it: a theme catalog, a French text beside every Chinese one
    in the data files, and the language in LANGUAGES (given on Pelican's command line here,
    as `-e`, so that not even pelicanconf.py is edited). Returns that LANGUAGES."""
    catalog = project / "theme/translations/fr/LC_MESSAGES/messages.po"
    catalog.parent.mkdir(parents=True)
    catalog.write_text(FRENCH_CATALOG, "utf-8")
    for data in sorted((project / "content/data").glob("*.yaml")):
        data.write_text(add_language_beside_chinese(data.read_text("utf-8"), placeholders=True), "utf-8")
    languages = dict(read_settings("pelicanconf.py", root=project)["LANGUAGES"], fr=FRENCH)
    return json.dumps(languages, ensure_ascii=False)


def test_a_third_language_builds_from_catalogs_and_data_alone(project):
    python_before = {p: d for p, d in tree_digest(project).items() if p.endswith(".py")}
    result = run_pelican(
        "pelicanconf.py", project / "output", cwd=project, extra={"LANGUAGES": add_french(project)}
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert {p: d for p, d in tree_digest(project).items() if p.endswith(".py")} == python_before

    site = BuiltSite(project / "output")
    home = site.soup("/fr/")
    assert home.html["lang"] == "fr"
    nav = " ".join(a.get_text(strip=True) for a in home.select("nav a"))
    assert "Histoires" in nav and "Campagnes" in nav  # the French catalog
    assert "Stories" not in nav
    assert site.exists("/fr/stories/") and site.exists("/fr/campaigns/")
    assert site.exists("/fr/feeds/stories.atom.xml")
    # The other languages announce the French page, and the switcher offers it.
    english = site.soup("/")
    assert english.find("link", rel="alternate", hreflang="fr")["href"].endswith("/fr/")
    assert any(a.get_text(strip=True) == "Français" for a in english.select("a[hreflang=fr], a[lang=fr]"))
    assert "fr/" in site.path("sitemap.xml").read_text("utf-8")
    # The fund-use open data names each figure in French too, its balance in the catalog's word.
    fund_use_csv = read_settings("pelicanconf.py", root=project)["FUND_USE_DATA_FILES"]["csv"]
    rows = list(csv.DictReader(io.StringIO(site.path(fund_use_csv).read_text("utf-8-sig"))))
    assert all(row["name_fr"] for row in rows)
    assert next(row for row in rows if row["section"] == "balance")["name_fr"] == "Solde"
    # A story not yet translated is a warning in a preview, listed in the other languages only.
    assert "has no translation in fr" in result.stdout + result.stderr
