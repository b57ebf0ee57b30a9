"""Tasks for staff and developers (`invoke --list`); the Makefile calls these.

Names follow Pelican's quickstart: build, rebuild, regenerate, serve,
livereload, preview, publish; plus ours: check, test, bench, bench-images, translations.
"""

import shutil
import sys
from pathlib import Path

from invoke import Collection, task

from haihui.build import build_and_swap, publish_site
from haihui.languages.staff import SOURCE_LANGUAGE, Items, Msg, in_each_language, msg
from haihui.settings import read_settings

ROOT = Path(__file__).resolve().parent


def _with_long_one_letter_options(to_contexts):
    """invoke spells a one-letter option with one dash only (`-n 100`); people
    type `--n 100` as well (the benchmark's own script takes `--n`), so accept both."""

    def wrapped(self, *args, **kwargs):
        contexts = to_contexts(self, *args, **kwargs)
        for context in contexts:
            for flag in [flag for flag in context.flags if len(flag) == len("-n")]:
                context.flags.alias(f"-{flag}", to=flag)
        return contexts

    return wrapped


Collection.to_contexts = _with_long_one_letter_options(Collection.to_contexts)

OUTPUT = ROOT / "output"
PREVIEW_SETTINGS = "pelicanconf.py"
PUBLISH_SETTINGS = "publishconf.py"
HOST, PORT = "127.0.0.1", 8000


def _say(message: Msg, sep: str = "\n") -> str:
    """A message for staff, in English and each other language of the site (the staff catalog)."""
    return in_each_language(message, sep)


def _settings(settings_file: str) -> dict:
    """A settings file read as Pelican reads it, with our defaults."""
    return read_settings(settings_file, root=ROOT)


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


@task
def regenerate(c):
    """Rebuild whenever content, theme or settings change (no server)."""
    c.run(f"{sys.executable} -m pelican content -r -s {PREVIEW_SETTINGS} -o {OUTPUT}", pty=False)


@task
def serve(c, port=PORT):
    """Build, serve on http://127.0.0.1:8000 and rebuild on change."""
    c.run(
        f"{sys.executable} -m pelican content -lr -s {PREVIEW_SETTINGS} -o {OUTPUT} -b {HOST} -p {port}",
        pty=False,
    )


@task
def livereload(c, port=PORT):
    """Like serve, and the browser reloads itself after each rebuild."""
    from livereload import Server

    build(c)
    server = Server()
    for pattern in ("content/**/*", "theme/**/*", "plugins/**/*.py", "src/**/*.py", "*.py"):
        server.watch(pattern, lambda: build_and_swap(PREVIEW_SETTINGS, OUTPUT, cwd=ROOT))
    server.serve(host=HOST, port=port, root=str(OUTPUT))


@task
def preview(c):
    """Build with the public settings into output/, warning instead of refusing."""
    from haihui.build import settings_value
    from haihui.build.linkcheck import check_built_site

    origins = [settings_value(PUBLISH_SETTINGS, key, cwd=ROOT) or "" for key in ("SITEURL", "SITE_ORIGIN")]
    broken = []

    def warn_about_links(staging):  # what `make publish` would refuse, as warnings
        broken.extend(check_built_site(staging, origins))
        return []

    _report(
        build_and_swap(
            PUBLISH_SETTINGS, OUTPUT, extra={"STRICT_PUBLISH": "false"}, cwd=ROOT, verify=warn_about_links
        ),
        msg("The preview build failed (see above). The previous output/ is unchanged."),
    )
    for problem in broken:
        print(f"warning: {problem}")


@task
def publish(c):
    """Build the public site; output/ is replaced only if every check and link passes."""
    if _check_content(PUBLISH_SETTINGS, "make publish"):
        sys.exit("\n" + _say(msg("Nothing was built: the previous output/ is unchanged.")))
    result = publish_site(OUTPUT, settings_file=PUBLISH_SETTINGS, cwd=ROOT)
    sys.stdout.write(result.stdout)
    sys.stderr.write(result.stderr)
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


def _check_content(settings_file: str, again: str) -> int:
    """Print every problem of the content (English, then the site's other languages);
    return the number of errors."""
    from haihui.content.project import check_project
    from haihui.problems import ERROR, ContentError

    settings = _settings(settings_file)
    try:
        problems = check_project(settings)
    except ContentError as error:  # files the checks cannot read at all (not UTF-8, not .md)
        problems = error.problems
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
    c.run(f"{sys.executable} -m ruff check .", pty=False)
    c.run(f"{sys.executable} -m ruff format --check .", pty=False)
    c.run(f"{sys.executable} -m mypy", pty=False)
    c.run(f"{sys.executable} -m pytest", pty=False)


# The staff catalog: what the checks, the tasks and the new-story guide say to staff
# (haihui.languages.staff), marked in the code with N_("...") or msg("...").
STAFF_CATALOGS = "src/haihui/translations"
STAFF_SOURCES = "src/haihui plugins tasks.py"


def _babel(c, command: str) -> None:
    c.run(f"{sys.executable} -m babel.messages.frontend {command}", hide="out")


def _catalogs(c, folder: Path, domain: str, languages) -> list[Path]:
    """Update every language's catalog of `domain` from `folder`/<domain>.pot (made first),
    starting one for a language of the site that has none; the template is then removed."""
    pot = folder / f"{domain}.pot"
    for lang in languages:
        if lang != SOURCE_LANGUAGE and not (folder / lang / "LC_MESSAGES" / f"{domain}.po").exists():
            _babel(c, f"init -i {pot} -d {folder} -D {domain} -l {lang} --width 0")
    _babel(c, f"update -i {pot} -d {folder} -D {domain} --no-fuzzy-matching --omit-header --width 0")
    pot.unlink()
    return sorted(folder.glob(f"*/LC_MESSAGES/{domain}.po"))


@task
def translations(c):
    """Extract what people read from the theme and from the code, and update the catalogs
    (one for each language of the site; a new language gets its own to fill in)."""
    languages = list(read_settings(PREVIEW_SETTINGS, root=ROOT)["LANGUAGES"])
    theme = ROOT / "theme/translations"
    with c.cd("theme"):
        _babel(c, "extract -F babel.cfg -o translations/messages.pot --no-location --omit-header .")
    catalogs = _catalogs(c, theme, "messages", languages)
    staff = ROOT / STAFF_CATALOGS
    with c.cd(ROOT):
        _babel(
            c,
            f"extract --no-default-keywords -k N_ -k msg -o {staff / 'staff.pot'} "
            f"--no-location --omit-header --width 0 {STAFF_SOURCES}",
        )
    catalogs += _catalogs(c, staff, "staff", languages)
    print("Now fill every empty msgstr in:")
    for po in catalogs:
        print(f"  {po.relative_to(ROOT)}")


@task(
    help={
        "n": "stories per language (default 500)",
        "runs": "timed builds per side (default 5)",
        "warmup": "untimed builds per side first (default 1)",
    }
)
def bench(c, n=500, runs=5, warmup=1):
    """Build time of this site against bare Pelican on the same synthetic stories."""
    c.run(f"{sys.executable} benchmarks/build_bench.py --n {n} --runs {runs} --warmup {warmup}", pty=False)


@task(name="bench-images", help={"n": "new 4000x3000 photos (default 40)", "runs": "builds per figure"})
def bench_images(c, n=40, runs=2):
    """Time to publish a new shoot: first build (encoding) and cached rebuild."""
    c.run(f"{sys.executable} benchmarks/images_bench.py --n {n} --runs {runs}", pty=False)


@task(
    help={
        "pages": "comma-separated root-relative URLs (default: home, a story, the campaign; both languages)"
    }
)
def audit(c, pages=""):
    """Lighthouse (npm, mobile, Debian's Chromium) on the served site; scores into audit/."""
    c.run(f"{sys.executable} tools/lighthouse_audit.py" + (f" --pages {pages}" if pages else ""), pty=False)


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
