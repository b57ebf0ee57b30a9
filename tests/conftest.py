"""Shared fixtures: the site is built once per test run, into a temporary folder."""

import hashlib
import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from bs4 import BeautifulSoup
from pelican.settings import read_settings
from pelican_fork_server import ForkedPelican

import haihui.build
from haihui.build import ROOT
from haihui.build.browser import CHROMIUM
from haihui.content.content_rules import load_sources
from haihui.content.project import markdown_files

# ---------------------------------------------------------------- the build's "today"
# The disclosure clock (haihui.clock) makes a publish build refuse a campaign
# whose progress report is overdue. The sample reports are dated, so on a real
# clock the suite would start failing the day the next one falls due. Every
# build a test starts (forked, subprocess or task) takes this day as today;
# the clock's own tests pass their dates explicitly.
os.environ["SOURCE_DATE_EPOCH"] = "1796126400"  # 2026-12-01 12:00 UTC

# ---------------------------------------------------------------- this checkout's code
# A build or task in a new Python (the fork server, its picture workers, a test marked
# pelican_process, invoke_in_new_python, `make serve`) mostly runs in a project copy, where
# a relative PYTHONPATH means nothing, and the virtualenv's editable install points at the
# main checkout: in a worktree they would run another checkout's core. This one's src/
# first, every entry absolute.
os.environ["PYTHONPATH"] = os.pathsep.join(
    dict.fromkeys(
        [
            str(ROOT / "src"),
            *(os.path.abspath(p) for p in os.environ.get("PYTHONPATH", "").split(os.pathsep) if p),
        ]
    )
)

# ---------------------------------------------------------------- Pelican builds
# A build in a fresh Python spends most of its time importing (about 0.9 s of
# 1.7 s here). The tests' builds are forks of one process per test worker that
# has imported Pelican and the core once (tests/pelican_fork_server.py), each
# run as `python -m pelican` would be: own process group, folder, environment,
# arguments; the plugins and the settings imported afresh by each build. This
# stands in for haihui.build.run_pelican (and so for build_and_swap) in every
# test module, which imports it after this file. A test about the subprocess
# itself (killing it, its process group) asks for the real one with
# @pytest.mark.pelican_process. The tasks (`invoke build`, `publish`...) run
# in subprocesses of their own and always use the real run_pelican.
_REAL_RUN_PELICAN = haihui.build.run_pelican
_FORKED = ForkedPelican()
_REAL_PROCESS: list[bool] = []  # [True] while a test marked pelican_process runs


def run_pelican(*args, cwd=ROOT, **kwargs):
    """haihui.build.run_pelican's arguments; a fork of the prewarmed process unless the test
    asked for the real subprocess."""
    if _REAL_PROCESS:
        return _REAL_RUN_PELICAN(*args, cwd=cwd, **kwargs)
    return _FORKED.run(*args, cwd=cwd, **kwargs)


haihui.build.run_pelican = run_pelican


def _task_env(env: dict | None) -> dict:
    return dict(os.environ if env is None else env, COLUMNS="200", PYTHONDONTWRITEBYTECODE="1")


def invoke_in_new_python(project: Path, *args: str, env: dict | None = None) -> subprocess.CompletedProcess:
    """`python -m invoke ARGS` in `project` as `make` runs it: a new Python, no terminal,
    nothing on stdin, output captured; `env` (default: this process's)."""
    return subprocess.run(
        [sys.executable, "-m", "invoke", *args],
        cwd=project,
        env=_task_env(env),
        capture_output=True,
        text=True,
        stdin=subprocess.DEVNULL,
        check=False,
    )


def run_invoke(project: Path, *args: str, env: dict | None = None) -> subprocess.CompletedProcess:
    """invoke_in_new_python's task as a fork of the prewarmed process, whose builds are forks
    too (tests/test_forked_tasks.py shows they end and print alike); a new Python for a test
    marked pelican_process."""
    if _REAL_PROCESS:
        return invoke_in_new_python(project, *args, env=env)
    return _FORKED.invoke(list(args), cwd=project, env=_task_env(env))


@pytest.fixture(autouse=True)
def _pelican_process(request):
    if request.node.get_closest_marker("pelican_process"):
        _REAL_PROCESS.append(True)
        yield
        _REAL_PROCESS.clear()
    else:
        yield


@pytest.hookimpl(tryfirst=True)
def pytest_sessionfinish():
    _FORKED.close()  # the server exits (and saves its coverage data) before the run's report


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
def site() -> BuiltSite:
    """The real content, built with the preview settings (once per test process, in a copy
    of the project: nothing is written into the working tree). Read it, never change it."""
    return BuiltSite(warm_project() / "output")


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


# ---------------------------------------------------------------- project copies, warm
# A copy of the project starts from this test process's warm cache: the pictures
# of the real content already encoded (.cache/images, keyed by a hash of each
# picture and of the encoding settings) and the templates compiled (.cache/jinja,
# keyed by the Jinja environment and each template's source). Both are keyed by
# what they were made from, so a copy whose content or templates differ simply
# misses and makes its own. The files are hard links: the cache never changes a
# file in place (a new entry is written beside it and renamed), except the
# statistics of the last build, which each copy writes afresh.
CACHE = ".cache"
CACHE_STATS = "last-build.json"  # haihui.pictures.pipeline.STATS, written over in place
_TMP: list[pytest.TempPathFactory] = []  # this session's, for the warm project
_WARM: list[Path] = []


@pytest.fixture(scope="session", autouse=True)
def _session_tmp(tmp_path_factory):
    _TMP.append(tmp_path_factory)
    yield
    _TMP.remove(tmp_path_factory)


def _link_or_copy(source, destination) -> None:
    try:
        os.link(source, destination)
    except OSError:  # another filesystem, or no hard links there
        shutil.copy2(source, destination)


def _copy_parts(destination: Path) -> Path:
    for part in PROJECT_PARTS:
        source = ROOT / part
        if source.is_dir():
            shutil.copytree(source, destination / part, ignore=shutil.ignore_patterns("__pycache__", "*.pyc"))
        else:
            shutil.copy2(source, destination / part)
    return destination


def warm_project() -> Path:
    """A copy of the project built once per test process, from a cold cache, with the
    preview settings: its output/ is the `site`, its .cache/ what every copy starts from."""
    if not _WARM:
        project = _copy_parts(_TMP[0].mktemp("warm") / "project")
        result = run_pelican("pelicanconf.py", project / "output", cwd=project)
        assert result.returncode == 0, result.stdout + result.stderr
        _WARM.append(project)
    return _WARM[0]


def copy_warm_cache(source: Path, destination: Path) -> None:
    """`source`'s .cache/ into `destination`, as hard links, less the last build's statistics."""
    if (source / CACHE).is_dir():
        shutil.copytree(
            source / CACHE,
            destination / CACHE,
            copy_function=_link_or_copy,
            ignore=shutil.ignore_patterns(CACHE_STATS),
        )


def copy_project(destination: Path, *, warm_cache: bool = True) -> Path:
    """A throw-away copy of the project to break on purpose, with a warm cache;
    `warm_cache=False` for a test whose subject is the cache itself (it starts cold)."""
    _copy_parts(destination)
    if warm_cache:
        copy_warm_cache(warm_project(), destination)
    return destination


def copy_built(source: Path, destination: Path) -> Path:
    """A copy of a built project (output/ copied, so that a build over it changes only
    the copy; the cache linked)."""
    shutil.copytree(source, destination, ignore=shutil.ignore_patterns(CACHE))
    copy_warm_cache(source, destination)
    return destination


@pytest.fixture
def project(tmp_path) -> Path:
    return copy_project(tmp_path / "project")


def edit(path: Path, old: str, new: str) -> None:
    """Make a mistake on purpose: replace the first `old` in a file (which must be there)."""
    text = path.read_text("utf-8")
    assert old in text, f"{old!r} not in {path}"
    path.write_text(text.replace(old, new, 1), "utf-8")


def content_checks(project: Path, settings_file: str = "pelicanconf.py", **override) -> list:
    """Every problem the content checks find in a project copy, without building: the
    settings file read as Pelican reads it there (`override` as its `-e`), the checks run
    over the content as `make check` runs them and as a build runs them first, before it
    writes anything (haihui_content; tests/test_publishing.py shows the build reports the
    same). A file the checks cannot read at all gives its problem too, as in a build."""
    from haihui.content.project import check_project
    from haihui.problems import ContentError
    from haihui.settings import read_settings as read_project_settings

    settings = read_project_settings(settings_file, root=project, override=override)
    cwd = os.getcwd()
    os.chdir(project)  # paths are shown relative to the folder the build runs in
    try:
        return check_project(settings)
    except ContentError as error:
        return error.problems
    finally:
        os.chdir(cwd)


def problems_text(problems: list) -> str:
    """`problems` as staff read them in a build's log (English, then Chinese; warnings
    marked), on one line with single spaces: the text tests look for fragments in."""
    return " ".join(" ".join(str(p) for p in problems).split())


def text_of(project: Path, url: str) -> str:
    """The text of a built page's <main>, as a reader sees it, on one line."""
    page = BeautifulSoup((project / "output" / url / "index.html").read_text("utf-8"), "lxml")
    # Collapse ASCII white space only: the no-break space in "1,000\u00a0元" is part of the amount.
    return re.sub(r"[ \t\r\n]+", " ", (page.find("main") or page).get_text(" "))


def plain(result) -> str:
    """Pelican's log as one line of text: its console wraps long messages and adds the logger's file."""
    lines = (result.stdout + result.stderr).splitlines()
    return " ".join(" ".join(re.sub(r"\s{2,}[\w.]+\.py:\d+\s*$", "", line).split()) for line in lines)


def add_language_beside_chinese(
    text: str, lang: str = "fr", words: str = "Texte en français", *, placeholders: bool = False
) -> str:
    """A data file's YAML `text` with a `lang` text beside every Chinese one, as staff add a
    language: block maps (`  zh: ...` on a line of its own) and flow maps (`{en: ..., zh: ...}`).
    With `placeholders`, a text holding {url} (the replaced-link message) keeps it."""

    def beside(line):
        kept = " {url}" if placeholders and "{url}" in line.group(0) else ""
        return f"{line.group(0)}\n{line.group(1)}{lang}: {words}{kept}"

    text = re.sub(r"^(\s+)zh: .*$", beside, text, flags=re.M)
    return re.sub(r"(\bzh: [^{}\n]*)\}", rf"\1, {lang}: {words}}}", text)


def site_settings(tmp_path: Path, strict: bool = False) -> dict:
    """The project's preview settings over a copy of content/data/, to edit."""
    content = tmp_path / "content"
    shutil.copytree(ROOT / "content" / "data", content / "data")
    return dict(read_settings(str(ROOT / "pelicanconf.py")), PATH=str(content), STRICT_PUBLISH=strict)


def has_error(problems: list) -> bool:
    """True when a build would stop on `problems` (and `make check` exit non-zero)."""
    return any(p.severity == "error" for p in problems)


def built_copy(folder: Path) -> Path:
    """A copy of the project with a good preview build in its output/."""
    project = copy_project(folder / "project")
    result = run_pelican("pelicanconf.py", project / "output", cwd=project)
    assert result.returncode == 0, result.stdout + result.stderr
    return project


@pytest.fixture(scope="module")
def good_build(tmp_path_factory) -> Path:
    """A project copy with a good preview build in output/, one per test module: a copy
    of the warm project, whose build is the real content's preview build."""
    return copy_built(warm_project(), tmp_path_factory.mktemp("good") / "project")


@pytest.fixture
def broken(good_build, tmp_path) -> Path:
    """A throw-away copy of `good_build`, output/ included, to break on purpose."""
    return copy_built(good_build, tmp_path / "project")


def tree_digest(folder: Path) -> dict[str, str]:
    """SHA-256 of every file below `folder`, by relative path."""
    return {
        str(p.relative_to(folder)): hashlib.sha256(p.read_bytes()).hexdigest()
        for p in sorted(folder.rglob("*"))
        if p.is_file()
    }


# ---------------------------------------------------------------- spread over workers
def pytest_collection_modifyitems(items):
    """With pytest-xdist (`make test`: --dist loadgroup), the tests of a module that share
    a module-scoped fixture of their own (a site built once for them) run in one worker,
    which builds it once; every other test goes wherever a worker is free."""
    for item in items:
        info = getattr(item, "_fixtureinfo", None)
        if info is None:
            continue
        own = [
            name
            for name in item.fixturenames
            for definition in info.name2fixturedefs.get(name, ())[-1:]
            if definition.scope == "module" and definition.baseid == item.nodeid.split("::")[0]
        ]
        if own:
            item.add_marker(pytest.mark.xdist_group(item.nodeid.split("::")[0]))


# ---------------------------------------------------------------- findings at the end of the run
# Lines a test wants shown after the run (tests/browser: axe-core's moderate findings,
# page weights), by section title. A test records them as a property of its report
# (tests/browser/conftest.py), which pytest-xdist sends from the worker that ran it
# to this process, so the summary is whole however the run is spread.
SUMMARY_PROPERTY = "end-of-run summary"
_END_OF_RUN: dict[str, list[str]] = {}


def pytest_runtest_logreport(report):
    if report.when != "teardown":
        return
    for name, value in report.user_properties:
        if name == SUMMARY_PROPERTY:
            title, lines = value
            _END_OF_RUN.setdefault(title, []).extend(lines)


@pytest.hookimpl(wrapper=True, trylast=True)
def pytest_runtestloop(session):
    """After the tests, before pytest-cov combines the data files (its wrapper is outside this
    one): the files of the processes tests kill on purpose (a build SIGKILLed mid-run) are
    empty or cut off. They hold nothing to report; combining them would print a warning each,
    so they are removed and counted at the end of the run instead."""
    result = yield
    plugin = session.config.pluginmanager.getplugin("_cov")
    controller = getattr(plugin, "cov_controller", None)
    if controller is None or hasattr(session.config, "workerinput"):
        return result  # no coverage, or an xdist worker: the reporting process does this
    from coverage import CoverageData
    from coverage.exceptions import CoverageException

    data_file = Path(controller.cov.config.data_file).resolve()
    cut_off = 0
    for path in data_file.parent.glob(data_file.name + ".*"):
        try:
            CoverageData(str(path)).read()
        except CoverageException:
            cut_off += 1
            path.unlink(missing_ok=True)
    if cut_off:
        _END_OF_RUN.setdefault("coverage", []).append(
            f"{cut_off} data file(s) of processes the tests killed mid-run left out (empty or cut off)"
        )
    return result


def pytest_terminal_summary(terminalreporter):
    for title, lines in _END_OF_RUN.items():
        terminalreporter.section(title, sep="-")
        for line in sorted(lines) or ["(none)"]:
            terminalreporter.write_line(line)


# ---------------------------------------------------------------- outside tools
# The one place that decides what happens when a tool the quality gates drive
# (Debian's Chromium, Java and the Nu HTML Checker) is missing: a skip that says
# how to install it on a staff laptop, a failure in CI (CI=true), where .ci/run
# installs everything.
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
