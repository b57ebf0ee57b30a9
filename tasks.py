"""Tasks for staff and developers (`invoke --list`); the Makefile calls these.

Names follow Pelican's quickstart: build, rebuild, regenerate, serve,
livereload, preview, publish; plus ours: check, test, bench, bench-images, translations.
"""

import shutil
import sys
from pathlib import Path

from invoke import Collection, task

from haihui.build import build_and_swap, publish_site
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
        server.watch(pattern, lambda: build_and_swap(PREVIEW_SETTINGS, OUTPUT))
    server.serve(host=HOST, port=port, root=str(OUTPUT))


@task
def preview(c):
    """Build with the public settings into output/, warning instead of refusing."""
    from haihui.build import settings_value
    from haihui.build.linkcheck import check_built_site

    origins = [settings_value(PUBLISH_SETTINGS, key) or "" for key in ("SITEURL", "SITE_ORIGIN")]
    broken = []

    def warn_about_links(staging):  # what `make publish` would refuse, as warnings
        broken.extend(check_built_site(staging, origins))
        return []

    _report(
        build_and_swap(PUBLISH_SETTINGS, OUTPUT, extra={"STRICT_PUBLISH": "false"}, verify=warn_about_links),
        "The preview build",
    )
    for problem in broken:
        print(f"warning: {problem}")


@task
def publish(c):
    """Build the public site; output/ is replaced only if every check and link passes."""
    if _check_content(PUBLISH_SETTINGS, "make publish"):
        sys.exit("\nNothing was built: the previous output/ is unchanged.\n没有生成网站：output/ 保持原样。")
    result = publish_site(OUTPUT, settings_file=PUBLISH_SETTINGS)
    sys.stdout.write(result.stdout)
    sys.stderr.write(result.stderr)
    if result.returncode != 0:
        sys.exit(
            "\nThe publish build failed (see above). The previous output/ is unchanged.\n"
            "正式构建失败（见上）。output/ 保持原样。"
        )
    print(
        f"Published into {OUTPUT.relative_to(ROOT)}/: every check and every link passed.\n"
        "已生成到 output/：所有检查和链接都通过了。"
    )


def _check_content(settings_file: str, again: str) -> int:
    """Print every problem of the content (English, then Chinese); return the number of errors."""
    from haihui.content.project import check_project
    from haihui.problems import ERROR, ContentError

    try:
        problems = check_project(read_settings(settings_file, root=ROOT))
    except ContentError as error:  # files the checks cannot read at all (not UTF-8, not .md)
        problems = error.problems
    for problem in problems:
        print(problem)
    errors = sum(p.severity == ERROR for p in problems)
    warnings = len(problems) - errors
    if errors:
        print(
            f"\n{errors} error(s), {warnings} warning(s): fix the errors and run `{again}` again.\n"
            f"{errors} 个错误，{warnings} 个警告：请改正错误后再运行 `{again}`。",
            file=sys.stderr,
        )
    return errors


@task(help={"publish": "check with the public build's rules (what `make publish` refuses)"})
def check(c, publish=False):
    """Check all content without building: every problem at once, in English and Chinese."""
    settings_file = PUBLISH_SETTINGS if publish else PREVIEW_SETTINGS
    if _check_content(settings_file, "make check"):
        sys.exit(1)
    print("No errors: the content builds. 没有错误：内容可以生成网站。")
    if not publish:
        print(
            "`make check ARGS=--publish` checks with the public build's rules. "
            "用 `make check ARGS=--publish` 可按正式发布的规则检查。"
        )


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
    from haihui.content.scaffold import slug_problem, story_files, suggest_slug

    settings = read_settings(PREVIEW_SETTINGS, root=ROOT)
    stories = Path(settings["PATH"]) / settings["ARTICLE_PATHS"][0]
    campaigns = sorted(
        {
            s.slug
            for s in load_sources(markdown_files(settings))
            if s.front.values.get("template") == "campaign"
        }
    )

    def ask(value, option, question, default=""):
        if value:
            return value.strip()
        if not sys.stdin.isatty():
            sys.exit(f"Missing --{option}: {question}")
        shown = f" [{default}]" if default else ""
        return input(f"{question}{shown}: ").strip() or default

    name_en = ask(name_en, "name-en", "Her name in English, as she agreed to show it (e.g. Adiniuniu)")
    name_zh = ask(name_zh, "name-zh", "Her name in Chinese characters (e.g. 阿地妞妞)")
    slug = ask(slug, "slug", "The story's slug (its address)", suggest_slug(name_en))
    campaign = ask(
        campaign,
        "campaign",
        f"The campaign ({', '.join(campaigns) or 'none yet'})",
        campaigns[0] if len(campaigns) == 1 else "",
    )
    wrong = [
        problem
        for problem in (
            None if name_en else "--name-en is empty: write her name in English",
            None if name_zh else "--name-zh is empty: write her name in Chinese",
            slug_problem(slug, stories),
            None
            if campaign in campaigns
            else (
                f"there is no campaign page with Slug '{campaign}': "
                f"use one of {', '.join(campaigns) or 'none yet'}"
            ),
        )
        if problem
    ]
    if wrong:
        sys.exit("Nothing was written:\n" + "\n".join(f"- {w}" for w in wrong))
    files = story_files(
        slug, {"en": name_en, "zh": name_zh}, campaign, date.today(), tuple(settings["LANGUAGES"])
    )
    stories.mkdir(parents=True, exist_ok=True)
    for name, text in files.items():
        (stories / name).write_text(text, "utf-8")
        print(f"Wrote {(stories / name).relative_to(ROOT)}")
    print(
        "Next: replace every TODO / 待填写 in both files (the comment in each file explains the "
        "fields), then run `make serve` to see it, or `make check` to list what is still missing."
    )


@task
def test(c):
    """The gates (ruff lint and format, mypy on plugins/, at zero findings), then the whole suite."""
    c.run(f"{sys.executable} -m ruff check .", pty=False)
    c.run(f"{sys.executable} -m ruff format --check .", pty=False)
    c.run(f"{sys.executable} -m mypy", pty=False)
    c.run(f"{sys.executable} -m pytest", pty=False)


@task
def translations(c):
    """Extract interface strings from the theme and update the catalogs."""
    with c.cd("theme"):
        c.run(
            f"{sys.executable} -m babel.messages.frontend extract -F babel.cfg "
            "-o translations/messages.pot --no-location --omit-header ."
        )
        c.run(
            f"{sys.executable} -m babel.messages.frontend update -i translations/messages.pot "
            "-d translations --no-fuzzy-matching --omit-header --width 0"
        )
        (ROOT / "theme/translations/messages.pot").unlink()
    print("Now fill every empty msgstr in theme/translations/zh/LC_MESSAGES/messages.po.")


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
