"""The theme's files are written under fingerprinted names only, and pages name them through asset()."""

import hashlib
import re

import pytest

from conftest import copy_project, edit
from haihui.assets import (
    HASH_LENGTH,
    UnknownAsset,
    asset_url,
    fingerprinted,
    is_fingerprinted,
    theme_assets,
)
from haihui.build import ROOT, run_pelican
from haihui.content.output_paths import Claim, collisions, owned_by_build
from haihui.settings import read_settings

SHA = hashlib.sha256(b"body{}").hexdigest()[:HASH_LENGTH]


@pytest.mark.parametrize(
    "name,expected",
    [
        ("css/main.css", f"css/main.{SHA}.css"),
        ("favicon.svg", f"favicon.{SHA}.svg"),
        ("fonts/a.b.woff2", f"fonts/a.b.{SHA}.woff2"),
        ("LICENSE", f"LICENSE.{SHA}"),
        (".nojekyll", f".nojekyll.{SHA}"),
    ],
)
def test_a_fingerprinted_name_carries_the_hash_of_the_content_before_the_extension(name, expected):
    assert fingerprinted(name, b"body{}") == expected
    assert is_fingerprinted(expected) and not is_fingerprinted(name)


def test_the_theme_files_are_found_as_pelican_copies_them(tmp_path):
    static = tmp_path / "theme/static"
    (static / "css").mkdir(parents=True)
    (static / "css/main.css").write_bytes(b"body{}")
    (static / "css/.#main.css").write_bytes(b"an editor's lock file")
    (tmp_path / "theme/extra.txt").write_bytes(b"one file by its own name")
    (static / "elsewhere.css").symlink_to(tmp_path / "theme/extra.txt")
    settings = {
        "THEME": str(tmp_path / "theme"),
        "THEME_STATIC_PATHS": ["static", "extra.txt"],
        "THEME_STATIC_DIR": "theme",
    }
    assets = theme_assets(settings)
    assert sorted(assets) == ["css/main.css", "extra.txt"]
    assert assets["css/main.css"].file == f"theme/css/main.{SHA}.css"
    assert assets["css/main.css"].data == b"body{}"
    assert re.fullmatch(r"theme/extra\.[0-9a-f]{8}\.txt", assets["extra.txt"].file)
    assert asset_url(assets, "/css/main.css") == f"theme/css/main.{SHA}.css"
    with pytest.raises(UnknownAsset, match=r"asset\('css/mian.css'\).*css/main.css"):
        asset_url(assets, "css/mian.css")


def test_an_edited_file_gets_a_new_name(tmp_path):
    (tmp_path / "static").mkdir()
    css = tmp_path / "static/main.css"
    css.write_bytes(b"body{}")
    before = theme_assets({"THEME": str(tmp_path)})["main.css"].file
    css.write_bytes(b"body{color:red}")
    after = theme_assets({"THEME": str(tmp_path)})["main.css"].file
    assert before != after and is_fingerprinted(after)


def test_the_built_site_has_each_theme_file_once_under_its_fingerprinted_name(site):
    assets = theme_assets(read_settings("pelicanconf.py", root=ROOT))
    assert {"css/main.css", "css/print.css", "images/favicon.svg"} <= set(assets)
    written = sorted(
        p.relative_to(site.root).as_posix() for p in (site.root / "theme").rglob("*") if p.is_file()
    )
    assert written == sorted(asset.file for asset in assets.values())
    for file in written:  # the name says what is in it
        digest = hashlib.sha256((site.root / file).read_bytes()).hexdigest()[:HASH_LENGTH]
        assert f".{digest}." in file, file
    for url in site.html_pages():
        soup = site.soup(url)
        sheets = [link["href"] for link in soup.select('link[rel="stylesheet"]')]
        assert sheets == [f"/{assets['css/main.css'].file}", f"/{assets['css/print.css'].file}"], url
        icon = soup.select_one('link[rel="icon"][type="image/svg+xml"]')["href"]
        assert icon == f"/{assets['images/favicon.svg'].file}", url


def test_no_page_can_claim_a_fingerprinted_file(site):
    owned = owned_by_build(read_settings("pelicanconf.py", root=ROOT))
    for path in (site.root / "theme").rglob("*.*"):
        if not path.is_file():
            continue
        file = path.relative_to(site.root).as_posix()
        claim = Claim(file, "content/pages/p.en.md", 3, "Save_as")
        [problem] = collisions([claim], owned)
        assert "the build writes that file itself" in problem.message, file


def test_a_template_naming_a_theme_file_that_is_not_there_stops_the_build(tmp_path):
    project = copy_project(tmp_path / "project")
    edit(project / "theme/templates/base.html", "asset('css/print.css')", "asset('css/printer.css')")
    result = run_pelican("pelicanconf.py", project / "output", cwd=project)
    messages = " ".join((result.stdout + result.stderr).split())
    assert result.returncode != 0
    assert "asset('css/printer.css'): the theme has no static file 'css/printer.css'" in messages
