"""Shared fixtures: the site is built once per test run, into a temporary folder."""

import hashlib
import os
import shutil
from pathlib import Path

import pytest
from bs4 import BeautifulSoup
from pelican.settings import read_settings

from haihui.build import ROOT, run_pelican
from haihui.content.content_rules import load_sources
from haihui.content.project import markdown_files

PROJECT_PARTS = ("content", "theme", "plugins", "pelicanconf.py", "publishconf.py")


class BuiltSite:
    def __init__(self, root: Path):
        self.root = root

    def path(self, url: str) -> Path:
        url = url.lstrip("/")
        return self.root / (url + "index.html" if url == "" or url.endswith("/") else url)

    def exists(self, url: str) -> bool:
        return self.path(url).is_file()

    def soup(self, url: str) -> BeautifulSoup:
        return BeautifulSoup(self.path(url).read_text("utf-8"), "lxml")

    def html_pages(self) -> list[str]:
        return sorted(
            "/" + str(p.relative_to(self.root)).removesuffix("index.html") for p in self.root.rglob("*.html")
        )


@pytest.fixture(scope="session")
def site(tmp_path_factory) -> BuiltSite:
    """The real content, built with the preview settings."""
    output = tmp_path_factory.mktemp("site")
    result = run_pelican("pelicanconf.py", output)
    assert result.returncode == 0, result.stdout + result.stderr
    return BuiltSite(output)


@pytest.fixture(scope="module")
def conf():
    """The real project's preview settings, read from the project folder as Pelican reads them."""
    cwd = os.getcwd()
    os.chdir(ROOT)
    try:
        yield read_settings(str(ROOT / "pelicanconf.py"))
    finally:
        os.chdir(cwd)


@pytest.fixture(scope="module")
def real_sources(conf):
    """The real content, read as the checks read it."""
    cwd = os.getcwd()
    os.chdir(ROOT)
    try:
        return load_sources(markdown_files(conf))
    finally:
        os.chdir(cwd)


# Alt text of a drawing in each language, and a complete story header: what the
# plain-text tests of the checks start from and change one field of.
ALT = {"en": "A drawing of black piglets", "zh": "一幅黑猪仔的插图"}


def story_fields(lang: str = "en", **fields) -> dict:
    """Every field a story needs, complete and valid; `fields` replace or (None) remove some."""
    values = {
        "Title": "T",
        "Slug": "s",
        "Lang": lang,
        "Date": "2026-11-28",
        "Summary": "S",
        "Campaign": "c",
        "Person": "P",
        "Consent": "given 2026-11-20",
        "Consent_languages": "en, zh",
        "Photos": "no",
        "Consent_form": "Chengdu office, binder 2026, no. 1",
        "Image": "images/illustrations/s.png",
        "Image_alt": ALT[lang],
        **fields,
    }
    return {key: value for key, value in values.items() if value is not None}


def copy_project(destination: Path) -> Path:
    """A throw-away copy of the project to break on purpose."""
    for part in PROJECT_PARTS:
        source = ROOT / part
        if source.is_dir():
            shutil.copytree(source, destination / part, ignore=shutil.ignore_patterns("__pycache__", "*.pyc"))
        else:
            shutil.copy2(source, destination / part)
    return destination


@pytest.fixture
def project(tmp_path) -> Path:
    return copy_project(tmp_path / "project")


def edit(path: Path, old: str, new: str) -> None:
    """Make a mistake on purpose: replace the first `old` in a file (which must be there)."""
    text = path.read_text("utf-8")
    assert old in text, f"{old!r} not in {path}"
    path.write_text(text.replace(old, new, 1), "utf-8")


def built_copy(folder: Path) -> Path:
    """A copy of the project with a good preview build in its output/."""
    project = copy_project(folder / "project")
    result = run_pelican("pelicanconf.py", project / "output", cwd=project)
    assert result.returncode == 0, result.stdout + result.stderr
    return project


@pytest.fixture(scope="module")
def good_build(tmp_path_factory) -> Path:
    """A project copy with a good preview build in output/, made once per test module."""
    return built_copy(tmp_path_factory.mktemp("good"))


@pytest.fixture
def broken(good_build, tmp_path) -> Path:
    """A throw-away copy of `good_build`, output/ included, to break on purpose."""
    project = tmp_path / "project"
    shutil.copytree(good_build, project)
    return project


def tree_digest(folder: Path) -> dict[str, str]:
    """SHA-256 of every file below `folder`, by relative path."""
    return {
        str(p.relative_to(folder)): hashlib.sha256(p.read_bytes()).hexdigest()
        for p in sorted(folder.rglob("*"))
        if p.is_file()
    }


# ---------------------------------------------------------------- outside tools
# The one place that decides what happens when a tool the quality gates drive
# (Debian's Chromium, Java and the Nu HTML Checker) is missing: a skip that says
# how to install it on a staff laptop, a failure in CI (CI=true), where .ci/run
# installs everything.
CHROMIUM = Path("/usr/bin/chromium")
VNU_JAR = ROOT / "node_modules" / "vnu-jar" / "build" / "dist" / "vnu.jar"


def require_tool(present: bool, missing: str, how: str) -> None:
    """Skip (or, in CI, fail) the calling test when a tool is absent."""
    if present:
        return
    message = f"{missing}; {how}"
    if os.environ.get("CI", "").lower() in ("1", "true", "yes"):
        pytest.fail(f"{message} (CI=true: a missing tool is a failure, not a skip)", pytrace=False)
    pytest.skip(message)


@pytest.fixture(scope="session")
def chromium_executable() -> str:
    require_tool(
        CHROMIUM.is_file() and os.access(CHROMIUM, os.X_OK),
        f"Chromium is not installed at {CHROMIUM}",
        "install Debian's package: `sudo apt-get install chromium`",
    )
    return str(CHROMIUM)


@pytest.fixture(scope="session")
def vnu_command() -> list[str]:
    java = shutil.which("java")
    require_tool(
        java is not None,
        "Java is not installed (the Nu HTML Checker needs it)",
        "install Debian's package: `sudo apt-get install default-jre-headless`",
    )
    require_tool(
        VNU_JAR.is_file(),
        f"the Nu HTML Checker is missing ({VNU_JAR.relative_to(ROOT)})",
        "run `npm ci` in the project folder (`make test` does it when npm is installed)",
    )
    return [java, "-jar", str(VNU_JAR)]
