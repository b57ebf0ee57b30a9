"""Tasks for staff and developers (`invoke --list`); the Makefile calls these.

Names follow Pelican's quickstart: build, rebuild, regenerate, serve,
livereload, preview, publish; plus ours: deploy, check, test, bench, bench-images, translations,
screenshots.
"""

import os
import shutil
import subprocess
import sys
from pathlib import Path

from invoke import task

from haihui.build import build_and_swap, publish_site
from haihui.languages.staff import EXTRACT_KEYWORDS, SOURCE_LANGUAGE, Items, Msg, in_each_language, msg
from haihui.settings import read_settings

ROOT = Path(__file__).resolve().parent
OUTPUT = ROOT / "output"
PREVIEW_SETTINGS = "pelicanconf.py"
PUBLISH_SETTINGS = "publishconf.py"
HOST, PORT = "127.0.0.1", 8000


def _say(message: Msg, sep: str = "\n") -> str:
    """A message for staff, in English and each other language of the site (the staff catalog)."""
    return in_each_language(message, sep)


def _settings(settings_file: str, extra: dict | None = None) -> dict:
    """A settings file read as Pelican reads it, with our defaults (and `extra`, as `-e` gives them)."""
    return read_settings(settings_file, root=ROOT, override=extra)


def _run(*command: str | Path, cwd: Path = ROOT, quiet: bool = False) -> None:
    """Run a program with these arguments, no shell between: a project folder may be called
    `Haihui Site` or `文档/网站`. Stops with the program's exit status if it fails."""
    result = subprocess.run(
        [str(word) for word in command],
        cwd=cwd,
        check=False,
        stdout=subprocess.PIPE if quiet else None,
        text=True,
    )
    if result.returncode != 0:
        if quiet:
            sys.stdout.write(result.stdout)
        sys.exit(result.returncode)


def _report(result, failed: Msg) -> None:
    """Show Pelican's messages; stop with its exit status if the build failed."""
    sys.stdout.write(result.stdout)
    sys.stderr.write(result.stderr)
    if result.returncode != 0:
        sys.exit("\n" + _say(failed))


@task
def build(c):
    """Build the preview site into output/."""
    _report(
        build_and_swap(PREVIEW_SETTINGS, OUTPUT, cwd=ROOT),
        msg("The build failed (see above). The previous output/ is unchanged."),
    )


@task
def rebuild(c):
    """Delete output/ and build again."""
    shutil.rmtree(OUTPUT, ignore_errors=True)
    build(c)


def _build_preview():
    """One preview build, through a staging folder: a failed build leaves output/ as it was."""
    return build_and_swap(PREVIEW_SETTINGS, OUTPUT, cwd=ROOT)


@task
def regenerate(c):
    """Rebuild whenever content, theme or settings change (no server); a failed build keeps output/."""
    from haihui.build.serve import regenerate as watch_and_rebuild

    watch_and_rebuild(ROOT, _build_preview)


@task(help={"port": "the port to serve on (default 8000)"})
def serve(c, port=PORT):
    """Build, serve on http://127.0.0.1:8000 and rebuild on change; a failed build keeps the good pages."""
    from haihui.build.serve import serve_preview

    serve_preview(ROOT, OUTPUT, _build_preview, HOST, int(port))


@task(help={"port": "the port to serve on (default 8000)"})
def livereload(c, port=PORT):
    """Like serve, and the browser reloads itself after each rebuild."""
    from livereload import Server

    from haihui.build.serve import WATCHED_FOLDERS, WATCHED_TOP, report

    report(_build_preview())
    server = Server()
    for pattern in (*(f"{folder}/**/*" for folder in WATCHED_FOLDERS), WATCHED_TOP):
        server.watch(pattern, lambda: report(_build_preview()))
    server.serve(host=HOST, port=int(port), root=str(OUTPUT))


SUMMARY_HELP = (
    "append what a pull request shows (each error and warning, in each language) to this "
    "Markdown file; the workflow passes $GITHUB_STEP_SUMMARY"
)


def _tell_github(
    command: str, problems, *, passed: bool, summary: str, refused_by_publish=(), log=""
) -> None:
    """The job summary (`--summary FILE`) and, on GitHub Actions, an annotation at each problem's line."""
    from haihui.build.summary import annotations, summary_markdown, write_summary

    if summary:
        text = summary_markdown(
            command, problems, passed=passed, refused_by_publish=refused_by_publish, log=log
        )
        write_summary(summary, text)
    if os.environ.get("GITHUB_ACTIONS") == "true":
        for line in annotations(problems, ROOT):
            print(line)


@task(help={"summary": SUMMARY_HELP})
def preview(c, summary=""):
    """Build with the public settings into output/, warning instead of refusing."""
    from haihui.build import settings_value
    from haihui.build.linkcheck import check_built_site
    from haihui.build.summary import as_warnings

    origins = [settings_value(PUBLISH_SETTINGS, key, cwd=ROOT) or "" for key in ("SITEURL", "SITE_ORIGIN")]
    broken = []

    def warn_about_links(staging):  # what `make publish` would refuse, as warnings
        broken.extend(check_built_site(staging, origins))
        return []

    result = build_and_swap(
        PUBLISH_SETTINGS, OUTPUT, extra={"STRICT_PUBLISH": "false"}, cwd=ROOT, verify=warn_about_links
    )
    if summary or os.environ.get("GITHUB_ACTIONS") == "true":
        _tell_github(
            "make preview",
            _content_problems(PUBLISH_SETTINGS, {"STRICT_PUBLISH": False}) + as_warnings(broken),
            passed=result.returncode == 0,
            summary=summary,
            refused_by_publish=_content_problems(PUBLISH_SETTINGS) + broken,
            log=result.stdout + result.stderr,
        )
    _report(result, msg("The preview build failed (see above). The previous output/ is unchanged."))
    for problem in broken:
        print(f"warning: {problem}")


@task(help={"summary": SUMMARY_HELP})
def publish(c, summary=""):
    """Build the public site; output/ is replaced only if every check and link passes."""
    problems = _content_problems(PUBLISH_SETTINGS)
    if _show_problems(problems, "make publish"):
        _tell_github("make publish", problems, passed=False, summary=summary)
        sys.exit("\n" + _say(msg("Nothing was built: the previous output/ is unchanged.")))
    result = publish_site(OUTPUT, settings_file=PUBLISH_SETTINGS, cwd=ROOT)
    sys.stdout.write(result.stdout)
    sys.stderr.write(result.stderr)
    _tell_github(
        "make publish",
        problems,
        passed=result.returncode == 0,
        summary=summary,
        log=result.stdout + result.stderr,
    )
    if result.returncode != 0:
        sys.exit("\n" + _say(msg("The publish build failed (see above). The previous output/ is unchanged.")))
    print(
        _say(
            msg(
                "Published into {folder}/: every check and every link passed.",
                folder=str(OUTPUT.relative_to(ROOT)),
            )
        )
    )


@task(help={"dry_run": "say what would be uploaded and deleted, and change nothing"})
def deploy(c, dry_run=False):
    """Upload the last `make publish` to DEPLOY_REMOTE (an rclone remote: COS, OSS, S3, SFTP);
    assets first, pages last, then delete what is gone (README, "Hosting in mainland China")."""
    from haihui.build.deploy import deploy as deploy_site

    status = deploy_site(OUTPUT, _settings(PUBLISH_SETTINGS), dry_run=dry_run)
    if status:
        sys.exit(status)


def _content_problems(settings_file: str, extra: dict | None = None) -> list:
    """Every problem of the content under these settings' rules, without building."""
    from haihui.content.project import check_project
    from haihui.problems import ContentError

    try:
        return check_project(_settings(settings_file, extra))
    except ContentError as error:  # files the checks cannot read at all (not UTF-8, not .md)
        return error.problems


def _check_content(settings_file: str, again: str) -> int:
    """Print every problem of the content (English, then the site's other languages);
    return the number of errors."""
    return _show_problems(_content_problems(settings_file), again)


def _show_problems(problems: list, again: str) -> int:
    """Print each problem (English, then the site's other languages); return the number of errors."""
    from haihui.problems import ERROR

    for problem in problems:
        print(problem)
    errors = sum(p.severity == ERROR for p in problems)
    warnings = len(problems) - errors
    if errors:
        summary = msg(
            "{errors} error(s), {warnings} warning(s): fix the errors and run `{again}` again.",
            errors=errors,
            warnings=warnings,
            again=again,
        )
        print("\n" + _say(summary), file=sys.stderr)
    return errors


@task(help={"publish": "check with the public build's rules (what `make publish` refuses)"})
def check(c, publish=False):
    """Check all content without building: every problem at once, in English and Chinese."""
    settings_file = PUBLISH_SETTINGS if publish else PREVIEW_SETTINGS
    if _check_content(settings_file, "make check"):
        sys.exit(1)
    print(_say(msg("No errors: the content builds."), sep=" "))
    if not publish:
        print(_say(msg("`make check ARGS=--publish` checks with the public build's rules."), sep=" "))


@task(
    help={
        "slug": "the story's address, e.g. adiniuniu (lower-case letters, digits, hyphens)",
        "name_en": "the person's name as she agreed to show it, in English (Latin letters)",
        "name_zh": "the same name in Chinese characters",
        "campaign": "the Slug of the campaign page, e.g. left-behind-mothers",
    }
)
def new_story(c, slug="", name_en="", name_zh="", campaign=""):
    """Start a new story: writes content/stories/<slug>.en.md and .zh.md to fill in."""
    from datetime import date

    from haihui.content.content_rules import load_sources
    from haihui.content.project import markdown_files
    from haihui.content.scaffold import MARKER, slug_problem, story_files, suggest_slug

    settings = _settings(PREVIEW_SETTINGS)
    stories = Path(settings["PATH"]) / settings["ARTICLE_PATHS"][0]
    campaigns = sorted(
        {
            s.slug
            for s in load_sources(markdown_files(settings))
            if s.front.values.get("template") == "campaign"
        }
    )

    known = Items(tuple(campaigns), empty=msg("none yet"))

    def ask(value, option, question: Msg, default=""):
        if value:
            return value.strip()
        if not sys.stdin.isatty():
            sys.exit(_say(msg("Missing --{option}: {question}", option=option, question=question)))
        shown = f" [{default}]" if default else ""
        return input(f"{_say(question, sep=' / ')}{shown}: ").strip() or default

    name_en = ask(name_en, "name-en", msg("Her name in English, as she agreed to show it (e.g. Adiniuniu)"))
    name_zh = ask(name_zh, "name-zh", msg("Her name in Chinese characters (e.g. 阿地妞妞)"))
    slug = ask(slug, "slug", msg("The story's slug (its address)"), suggest_slug(name_en))
    campaign = ask(
        campaign,
        "campaign",
        msg("The campaign ({known})", known=known),
        campaigns[0] if len(campaigns) == 1 else "",
    )
    wrong = [
        problem
        for problem in (
            None if name_en else msg("--name-en is empty: write her name in English"),
            None if name_zh else msg("--name-zh is empty: write her name in Chinese"),
            slug_problem(slug, stories),
            None
            if campaign in campaigns
            else msg(
                "there is no campaign page with Slug '{campaign}': use one of {known}",
                campaign=campaign,
                known=known,
            ),
        )
        if problem
    ]
    if wrong:
        listed = [f"- {_say(w, sep=chr(10) + '  ')}" for w in wrong]
        sys.exit("\n".join([_say(msg("Nothing was written:")), *listed]))
    files = story_files(slug, {"en": name_en, "zh": name_zh}, campaign, date.today(), settings["LANGUAGES"])
    stories.mkdir(parents=True, exist_ok=True)
    for name, text in files.items():
        (stories / name).write_text(text, "utf-8")
        print(_say(msg("Wrote {file}", file=str((stories / name).relative_to(ROOT))), sep=" / "))
    markers = " / ".join(
        dict.fromkeys(msg(MARKER).render(lang) for lang in (SOURCE_LANGUAGE, *settings["LANGUAGES"]))
    )
    print(
        _say(
            msg(
                "Next: replace every {markers} in both files (the comment in each file explains the "
                "fields), then run `make serve` to see it, or `make check` to list what is still missing.",
                markers=markers,
            )
        )
    )


@task
def test(c):
    """The gates (ruff lint and format, mypy on plugins/, at zero findings), then the whole suite."""
    _run(sys.executable, "-m", "ruff", "check", ".")
    _run(sys.executable, "-m", "ruff", "format", "--check", ".")
    _run(sys.executable, "-m", "mypy")
    # Spread over every core (pytest-xdist); branch coverage of the core (src/haihui),
    # Pelican's subprocesses included, at the end ([tool.coverage] in pyproject.toml).
    _run(sys.executable, "-m", "pytest", "-n", "auto", "--dist", "loadgroup", "--cov")


# The staff catalog: what the checks, the tasks and the new-story guide say to staff
# (haihui.languages.staff), marked in the code with N_("...") or msg("...").
STAFF_CATALOGS = "src/haihui/translations"
STAFF_SOURCES = ("src/haihui", "plugins", "tasks.py")


def _babel(*arguments: str | Path, cwd: Path = ROOT) -> None:
    _run(sys.executable, "-m", "babel.messages.frontend", *arguments, cwd=cwd, quiet=True)


def _catalogs(folder: Path, domain: str, languages) -> list[Path]:
    """Update every language's catalog of `domain` from `folder`/<domain>.pot (made first),
    starting one for a language of the site that has none; the template is then removed."""
    pot = folder / f"{domain}.pot"
    for lang in languages:
        if lang != SOURCE_LANGUAGE and not (folder / lang / "LC_MESSAGES" / f"{domain}.po").exists():
            _babel("init", "-i", pot, "-d", folder, "-D", domain, "-l", lang, "--width", "0")
    _babel(
        "update",
        "-i",
        pot,
        "-d",
        folder,
        "-D",
        domain,
        "--no-fuzzy-matching",
        "--ignore-obsolete",  # a message no longer in the code is gone; git keeps its history
        "--omit-header",
        "--width",
        "0",
    )
    pot.unlink()
    return sorted(folder.glob(f"*/LC_MESSAGES/{domain}.po"))


@task
def translations(c):
    """Extract what people read from the theme and from the code, and update the catalogs
    (one for each language of the site; a new language gets its own to fill in)."""
    languages = list(read_settings(PREVIEW_SETTINGS, root=ROOT)["LANGUAGES"])
    theme = ROOT / "theme/translations"
    _babel(
        "extract",
        "-F",
        "babel.cfg",
        "-o",
        "translations/messages.pot",
        "--no-location",
        "--omit-header",
        ".",
        cwd=ROOT / "theme",
    )
    catalogs = _catalogs(theme, "messages", languages)
    staff = ROOT / STAFF_CATALOGS
    _babel(
        "extract",
        "--no-default-keywords",
        *(option for keyword in EXTRACT_KEYWORDS for option in ("-k", keyword)),
        "-o",
        staff / "staff.pot",
        "--no-location",
        "--omit-header",
        "--width",
        "0",
        *STAFF_SOURCES,
    )
    catalogs += _catalogs(staff, "staff", languages)
    print("Now fill every empty msgstr in:")
    for po in catalogs:
        print(f"  {po.relative_to(ROOT)}")


@task(
    help={
        "stories": "stories per language (default 500)",
        "runs": "timed builds per side (default 5)",
        "warmup": "untimed builds per side first (default 1)",
        "families": "families of a synthetic gift chain, e.g. 10000 (default 0: the real chain)",
    }
)
def bench(c, stories=500, runs=5, warmup=1, families=0):
    """Build time of this site against bare Pelican on the same synthetic stories."""
    _run(
        sys.executable,
        "benchmarks/build_bench.py",
        "--stories",
        stories,
        "--runs",
        runs,
        "--warmup",
        warmup,
        "--families",
        families,
    )


@task(name="bench-images", help={"photos": "new 4000x3000 photos (default 40)", "runs": "builds per figure"})
def bench_images(c, photos=40, runs=2):
    """Time to publish a new shoot: first build (encoding) and cached rebuild."""
    _run(sys.executable, "benchmarks/images_bench.py", "--photos", photos, "--runs", runs)


@task(
    help={
        "pages": "comma-separated root-relative URLs (default: home, a story, the campaign; both languages)"
    }
)
def audit(c, pages=""):
    """Lighthouse (npm, mobile, Debian's Chromium) on the served site; scores into audit/."""
    _run(sys.executable, "tools/lighthouse_audit.py", *(["--pages", pages] if pages else []))


@task
def screenshots(c):
    """Screenshots of the pages staff check (both languages, phone and desktop) into
    docs/screenshots/, where the staff guides show them."""
    import importlib.util

    from haihui.build.browser import CHROMIUM
    from haihui.build.screenshots import SCREENSHOTS, chinese_font_missing, make_screenshots

    if importlib.util.find_spec("playwright") is None:
        sys.exit(_say(msg("Playwright is missing: run `make screenshots`, which installs it.")))
    if not CHROMIUM.is_file():
        sys.exit(
            _say(
                msg(
                    "The screenshots need Chromium: install Debian's package with "
                    "`sudo apt-get install chromium`."
                )
            )
        )
    if chinese_font_missing():
        sys.exit(
            _say(
                msg(
                    "No Chinese font is installed, so the Chinese screenshots would show boxes instead of "
                    "characters: install one (Debian: `sudo apt-get install fonts-noto-cjk`) and run "
                    "`make screenshots` again."
                )
            )
        )
    try:
        written = make_screenshots()
    except RuntimeError as error:  # the build failed: Pelican's messages are in it
        print(error, file=sys.stderr)
        sys.exit("\n" + _say(msg("The build failed (see above): no screenshot was taken.")))
    size = sum(path.stat().st_size for path in written)
    print(
        _say(
            msg(
                "Wrote {count} screenshots into {folder}/ ({size} KB in all): check them, then commit them "
                "with the change that made them differ.",
                count=len(written),
                folder=SCREENSHOTS.relative_to(ROOT).as_posix(),
                size=round(size / 1024),
            )
        )
    )


@task(
    help={
        "dry_run": "print the plan (create, keep, replace, deactivate per tier) and change nothing",
        "live": "allow a live key (sk_live_/rk_live_): real payment links for the public site",
        "api_base": "another API server, e.g. a local fake: http://127.0.0.1:12111 (default: Stripe)",
    }
)
def stripe_sync(c, dry_run=False, live=False, api_base=None):
    """Create or update every tier's Stripe Payment Links.

    Records them in content/data/checkout-links.yaml. The key comes from the
    STRIPE_API_KEY environment variable only.
    """
    from haihui.stripe_sync.sync import main

    status = main(ROOT, dry_run=dry_run, live=live, api_base=api_base)
    if status:
        sys.exit(status)
