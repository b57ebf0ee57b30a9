"""Tasks for staff and developers (`invoke --list`); the Makefile calls these.

Names follow Pelican's quickstart: build, rebuild, regenerate, serve,
livereload, preview, publish; plus ours: check, test, bench, translations.
"""

import shutil
import sys
from pathlib import Path

from invoke import task

ROOT = Path(__file__).resolve().parent
sys.path.insert(0, str(ROOT / "plugins"))

from haihui_build import build_and_swap, run_pelican  # noqa: E402

OUTPUT = ROOT / "output"
PREVIEW_SETTINGS = "pelicanconf.py"
PUBLISH_SETTINGS = "publishconf.py"
HOST, PORT = "127.0.0.1", 8000


def _report(result, what: str) -> None:
    """Show Pelican's messages; stop with its exit status if the build failed."""
    sys.stdout.write(result.stdout)
    sys.stderr.write(result.stderr)
    if result.returncode != 0:
        sys.exit(f"\n{what} failed (see above). The previous output/ is unchanged.")


@task
def build(c):
    """Build the preview site into output/."""
    _report(build_and_swap(PREVIEW_SETTINGS, OUTPUT), "The build")


@task
def rebuild(c):
    """Delete output/ and build again."""
    shutil.rmtree(OUTPUT, ignore_errors=True)
    build(c)


@task
def regenerate(c):
    """Rebuild whenever content, theme or settings change (no server)."""
    c.run(f"{sys.executable} -m pelican content -r -s {PREVIEW_SETTINGS} -o {OUTPUT}", pty=False)


@task
def serve(c, port=PORT):
    """Build, serve on http://127.0.0.1:8000 and rebuild on change."""
    c.run(f"{sys.executable} -m pelican content -lr -s {PREVIEW_SETTINGS} -o {OUTPUT} "
          f"-b {HOST} -p {port}", pty=False)


@task
def livereload(c, port=PORT):
    """Like serve, and the browser reloads itself after each rebuild."""
    from livereload import Server

    build(c)
    server = Server()
    for pattern in ("content/**/*", "theme/**/*", "plugins/**/*.py", "*.py"):
        server.watch(pattern, lambda: build_and_swap(PREVIEW_SETTINGS, OUTPUT))
    server.serve(host=HOST, port=port, root=str(OUTPUT))


@task
def preview(c):
    """Build with the public settings into output/, warning instead of refusing."""
    _report(build_and_swap(PUBLISH_SETTINGS, OUTPUT, extra={"STRICT_PUBLISH": "false"}),
            "The preview build")


@task
def publish(c):
    """Build the public site; output/ is replaced only if everything passes."""
    _report(build_and_swap(PUBLISH_SETTINGS, OUTPUT), "The publish build")


@task
def check(c):
    """Check all content without building."""
    from pelican.settings import read_settings

    from haihui_checks.problems import ERROR
    from haihui_checks.project import check_project

    problems = check_project(read_settings(PREVIEW_SETTINGS))
    for problem in problems:
        print(problem)
    errors = sum(p.severity == ERROR for p in problems)
    if errors:
        sys.exit(f"{errors} error(s): fix them and run `make check` again.")
    print(f"Content is fine ({len(problems)} warning(s)).")


@task
def test(c):
    """Run the whole test suite."""
    c.run(f"{sys.executable} -m pytest", pty=False)


@task
def translations(c):
    """Extract interface strings from the theme and update the catalogs."""
    with c.cd("theme"):
        c.run(f"{sys.executable} -m babel.messages.frontend extract -F babel.cfg "
              "-o translations/messages.pot --no-location --omit-header .")
        c.run(f"{sys.executable} -m babel.messages.frontend update -i translations/messages.pot "
              "-d translations --no-fuzzy-matching --omit-header --width 0")
        (ROOT / "theme/translations/messages.pot").unlink()
    print("Now fill every empty msgstr in theme/translations/zh/LC_MESSAGES/messages.po.")


@task(help={"n": "stories per language (default 500)", "runs": "builds per side"})
def bench(c, n=500, runs=3):
    """Build time of this site against bare Pelican on the same synthetic stories."""
    c.run(f"{sys.executable} benchmarks/build_bench.py --n {n} --runs {runs}", pty=False)
