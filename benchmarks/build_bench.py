"""Build time of this site against bare Pelican, on the same synthetic stories.

    .venv/bin/python benchmarks/build_bench.py --stories 500 --runs 5   (or: invoke bench)

In a temporary folder it writes N synthetic bilingual stories (N per language,
2N files, about 600 words each, some with headings, lists, links and quotes)
beside a copy of the real content (pages, data, images: everything but the
real stories). Each synthetic story's header is the header of a real story
(content/stories/jibuguoguo.<lang>.md) with only Title, Slug, Date and Summary
replaced, so fields that the checks require are there as they are added; the
text is generated (never copied, so it holds no tier short code that bare
Pelican would print raw).

Then it builds those files, alternately (ours, bare, ours, bare, ...), each
build a fresh `python -m pelican` process writing into an empty folder:

- ours: pelicanconf.py with this project's theme and plugins, as `make build`;
- bare: Pelican's defaults (default theme, no plugins), except the content
  paths, and a stand-in for each template the pages name that the default
  theme lacks (it extends the default page.html), without which Pelican
  could not render the same files.

First each side builds `--warmup` times untimed (default once), as a
benchmark tool does: what a staff member's second build finds ready is then
ready here too (Python's compiled modules, kept in the temporary folder for
both sides; the picture cache; the files in the operating system's cache).

Both run with --quiet: the header copied from the real story may draw a
warning per story (a sample consent record, say), and printing a thousand
warnings measures the terminal, not the build; errors still fail the build.
Our image cache (.cache/images) is used as `make build` uses it.

It prints the median, min and max wall time of each side, the CPU time (user +
system: steadier than wall time on a busy machine) and, as its last line,
`ratio <ours/bare>` of the median wall times, with two decimals. A failed
build stops it loudly.

`--families N` (e.g. 10000) puts a synthetic Passing on the Gift chain of N
families in place of the real one (haihui.gift_chain.synthetic; story k is
about family k); the synthetic stories name no family otherwise. Before the
ratio it prints the chain's share of our build (its own work, timed in this
process: reading and checking the file, the figures, the drawing, the open
data) and the gzip weight of the chain's page and stylesheet from the first
timed build.
"""

import argparse
import gzip
import json
import os
import random
import re
import resource
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from datetime import datetime, timedelta
from itertools import chain
from pathlib import Path

from haihui.gift_chain.synthetic import synthetic_chain_yaml

ROOT = Path(__file__).resolve().parents[1]
CONTENT = ROOT / "content"
TEMPLATE_STORY = CONTENT / "stories" / "jibuguoguo"  # .en.md and .zh.md
# Synthetic progress reports copy the header of a real one (haihui.reports), with their
# own Title, Slug, Date, Summary and period: consecutive periods from the campaign's start.
TEMPLATE_REPORT = CONTENT / "reports" / "left-behind-mothers-2026-07"  # .en.md and .zh.md
REPORT_PERIOD_DAYS = 6
LANGS = ("en", "zh")
WORDS_PER_STORY = 600
LIST_BLOCK = 3  # where a story with a list has it: its fourth block
MINUTES_PER_DAY = 24 * 60
HEADER_KEY = re.compile(r"^[ ]{0,3}([A-Za-z0-9_-]+):")  # as the `meta` extension reads it

EN_WORDS = [
    "mother",
    "village",
    "mountain",
    "pigsty",
    "piglet",
    "family",
    "harvest",
    "potato",
    "corn",
    "market",
    "school",
    "children",
    "training",
    "coordinator",
    "breeding",
    "vaccine",
    "neighbour",
    "season",
    "winter",
    "spring",
    "road",
    "house",
    "field",
    "water",
    "community",
    "gift",
    "pass",
    "share",
    "learn",
    "grow",
    "build",
    "sell",
    "save",
    "plan",
    "help",
    "together",
    "morning",
    "evening",
    "year",
    "month",
    "week",
    "first",
    "next",
    "every",
    "small",
    "strong",
    "careful",
    "warm",
    "long",
    "quiet",
    "proud",
    "new",
    "old",
    "the",
    "a",
    "of",
    "and",
    "to",
    "in",
    "with",
    "for",
    "on",
    "from",
    "that",
    "this",
    "her",
    "their",
    "our",
    "is",
    "was",
    "will",
    "has",
    "had",
    "she",
    "they",
    "we",
    "it",
    "as",
    "at",
    "by",
    "after",
    "before",
    "because",
    "mother's",  # real stories have apostrophes, which smart quotes act on
    "family's",
    "didn't",
]
ZH_WORDS = [
    "母亲",
    "村子",
    "山区",
    "猪圈",
    "猪仔",
    "家庭",
    "收成",
    "土豆",
    "玉米",
    "市场",
    "学校",
    "孩子",
    "培训",
    "防疫员",
    "养殖",
    "疫苗",
    "邻居",
    "季节",
    "冬天",
    "春天",
    "道路",
    "房子",
    "田地",
    "清水",
    "社区",
    "礼物",
    "传递",
    "分享",
    "学习",
    "成长",
    "修建",
    "出售",
    "储蓄",
    "计划",
    "帮助",
    "一起",
    "早上",
    "傍晚",
    "今年",
    "每月",
    "每周",
    "第一次",
    "下一步",
    "每一位",
    "小小的",
    "坚强",
    "细心",
    "温暖",
    "长久",
    "安静",
    "自豪",
    "新的",
    "老人",
    "我们",
    "她们",
    "他们",
    "已经",
    "正在",
    "将会",
    "因为",
    "所以",
    "但是",
    "然后",
    "如今",
    "还有",
    "以及",
    "关于",
    "通过",
    "为了",
    "虽然",
    "可以",
    "应该",
    "一直",
    "终于",
    "慢慢",
    "认真",
    "努力",
    "希望",
]
EN_HEADINGS = (
    "Receiving the gift",
    "A new pigsty",
    "Learning together",
    "Passing it on",
    "At the market",
    "What comes next",
)
ZH_HEADINGS = ("接过礼物", "新的猪圈", "一起学习", "传递下去", "赶集的日子", "接下来")
LINKS = (
    "https://example.org/haihui/report",
    "https://example.org/daliang-mountains",
    "https://example.org/passing-on-the-gift",
)


# ------------------------------------------------------------ the synthetic site


def split_header(text: str) -> tuple[list[str], str]:
    """Header lines (up to the first blank line) and the rest."""
    lines = text.splitlines()
    for number, line in enumerate(lines):
        if not line.strip():
            return lines[:number], "\n".join(lines[number + 1 :])
    return lines, ""


def derive_header(template_lines: list[str], values: dict[str, str]) -> str:
    """The real header with Title, Slug, Date and Summary replaced (continuation lines too)."""
    out, skipping = [], False
    for line in template_lines:
        if skipping and re.match(r"^[ ]{4,}\S", line):
            continue  # continuation of a replaced value
        skipping = False
        match = HEADER_KEY.match(line)
        key = match[1].lower() if match else ""
        if key in values:
            value = values.pop(key)
            if value is not None:  # None: the field is left out
                out.append(f"{match[1]}: {value}")
            skipping = True
        else:
            out.append(line)
    out += [f"{key.capitalize()}: {value}" for key, value in values.items() if value is not None]
    return "\n".join(out)


def sentence(rng: random.Random, lang: str, words: int) -> str:
    vocab = EN_WORDS if lang == "en" else ZH_WORDS
    picked = [rng.choice(vocab) for _ in range(words)]
    if lang == "en":
        return " ".join(picked).capitalize() + "."
    return "".join(picked) + "。"


def body(rng: random.Random, lang: str, number: int, n: int) -> str:
    """About WORDS_PER_STORY words (a Chinese word: one of ZH_WORDS).

    Every 2nd story has headings, every 3rd a list, every 4th links (out, and to another story).
    """
    blocks, words = [], 0
    headings = EN_HEADINGS if lang == "en" else ZH_HEADINGS
    joiner = " " if lang == "en" else ""
    while words < WORDS_PER_STORY:
        if number % 2 == 0 and len(blocks) % 4 == 1:
            blocks.append(f"## {rng.choice(headings)}")
        if number % 3 == 0 and len(blocks) == LIST_BLOCK:
            lengths = [rng.randint(4, 9) for _ in range(4)]
            blocks.append("\n".join(f"- {sentence(rng, lang, k)}" for k in lengths))
            words += sum(lengths)
        lengths = [rng.randint(8, 16) for _ in range(rng.randint(4, 6))]
        paragraph = [sentence(rng, lang, k) for k in lengths]
        words += sum(lengths)
        if lang == "en" and len(blocks) % 3 == 0:  # and quoted speech, typed with straight quotes
            paragraph[-1] = f'"{paragraph[-1][:-1]}," she said.'
        if number % 4 == 0 and len(blocks) in (2, 6):
            other = number % n + 1
            paragraph.append(f"[{'read more' if lang == 'en' else '延伸阅读'}]({rng.choice(LINKS)})")
            paragraph.append(
                f"[{'another story' if lang == 'en' else '另一个故事'}]"
                f"({{filename}}bench-{other:05d}.{lang}.md)"
            )
        blocks.append(joiner.join(paragraph))
    return "\n\n".join(blocks) + "\n"


def story_date(template_header: list[str], number: int, n: int) -> str:
    """The real story's day, one minute (or second) apart: orders the listings and
    keeps any rule that relates the date to other header fields (consent...) satisfied."""
    value = next(
        (line.split(":", 1)[1].strip() for line in template_header if line.lower().startswith("date:")),
        "2026-01-01",
    )
    day = datetime.strptime(value[:10], "%Y-%m-%d")
    if n <= MINUTES_PER_DAY:  # one story a minute fits in the day
        return f"{day:%Y-%m-%d} {number // 60 % 24:02d}:{number % 60:02d}"
    return f"{day:%Y-%m-%d} {number // 3600 % 24:02d}:{number // 60 % 60:02d}:{number % 60:02d}"


def make_site(folder: Path, n: int, reports: int = 0, families: int = 0) -> Path:
    """content/ with the real pages, data and images, 2n synthetic stories and, in place of
    the real reports, `reports` synthetic ones in each language; with `families`, a synthetic
    Passing on the Gift chain of that many families in place of the real one, story k being
    about family k (haihui.gift_chain.synthetic). Without, no story names a family."""
    content = folder / "content"
    content.mkdir(parents=True)
    for part in CONTENT.iterdir():
        if part.name == "stories" or (part.name == "reports" and reports):
            continue
        if part.is_dir():
            shutil.copytree(part, content / part.name, ignore=shutil.ignore_patterns("__pycache__", "*.pyc"))
        else:
            shutil.copy2(part, content / part.name)
    stories = content / "stories"
    stories.mkdir()
    rng = random.Random(2026)
    for lang in LANGS:
        header, _ = split_header(TEMPLATE_STORY.with_suffix(f".{lang}.md").read_text("utf-8"))
        for number in range(1, n + 1):
            if lang == "en":
                title = f"Story {number}: a mother of the Daliang Mountains"
                summary = f"How mother number {number} raised her piglets and passed on the gift."
            else:
                title = f"故事 {number}：大凉山的一位母亲"
                summary = f"第 {number} 位母亲怎样养大猪仔，又把礼物传递下去。"
            text = derive_header(
                header,
                {
                    "title": title,
                    "slug": f"bench-{number:05d}",
                    "date": story_date(header, number, n),
                    "summary": summary,
                    # A family has one story: story k is about synthetic family k, or none.
                    "family": f"s-{number:05d}" if number <= families else None,
                },
            )
            (stories / f"bench-{number:05d}.{lang}.md").write_text(
                text + "\n\n" + body(rng, lang, number, n), "utf-8"
            )
    if reports:
        make_reports(content / "reports", reports, rng)
    if families:
        (content / "data" / "gift-chain.yaml").write_text(synthetic_chain_yaml(families), "utf-8")
    return content


def chain_share(content: Path, build_seconds: float, runs: int = 3) -> str:
    """The chain's own work in a build (read and check the file, its figures, the drawing, the
    open data), timed in this process, against the median build."""
    from haihui.clock import build_today
    from haihui.gift_chain import load_gift_chain
    from haihui.gift_chain.drawing import chain_drawing
    from haihui.gift_chain.open_data import published_files
    from haihui.settings import read_settings

    settings = dict(read_settings("pelicanconf.py", root=ROOT), PATH=str(content))
    today = build_today(settings)
    # Once without the cache of the checked chain (a changed file), then as an unchanged
    # rebuild finds it (the timed builds filled the cache).
    start = time.perf_counter()
    load_gift_chain(dict(settings, DATA_CACHE_PATH=""), [], today)
    changed = time.perf_counter() - start
    reading, total = [], []
    for _ in range(runs):
        start = time.perf_counter()
        loaded = load_gift_chain(settings, [], today)
        read = time.perf_counter()
        assert loaded.view is not None, "\n".join(str(p) for p in loaded.problems)
        chain_drawing(loaded.view, settings["GIFT_CHAIN_DRAW_LIMIT"])
        published_files(settings["GIFT_CHAIN_DATA_FILES"], loaded.view, tuple(settings["LANGUAGES"]), {})
        reading.append(read - start)
        total.append(time.perf_counter() - start)
    families = len(loaded.view.families)
    spent = statistics.median(total)
    return (
        f"gift chain: {families:,} families, {len(loaded.view.generations)} generations; its work "
        f"{spent:.2f} s per build (reading and checking the file {statistics.median(reading):.2f} s, "
        f"{changed:.2f} s when it has changed), "
        f"{100 * spent / build_seconds:.0f}% of ours' median build"
    )


def chain_page_weight(output: Path) -> str:
    """The chain page's HTML and the stylesheets, gzip level 6 (the page-weight budget: 30,000)."""
    css = sum(len(gzip.compress(p.read_bytes(), compresslevel=6)) for p in output.glob("theme/css/*.css"))
    sizes = []
    for url in ("passing-on-the-gift/index.html", "zh/passing-on-the-gift/index.html"):
        page = output / url
        if page.is_file():
            size = len(gzip.compress(page.read_bytes(), compresslevel=6))
            sizes.append(f"/{url.removesuffix('index.html')} {size:,}")
    return (
        f"gift chain page, gzip: {', '.join(sizes)} bytes of HTML, plus {css:,} bytes of CSS (budget 30,000)"
    )


def make_reports(folder: Path, count: int, rng: random.Random) -> None:
    """`count` reports per language, each covering REPORT_PERIOD_DAYS days after the one before,
    from the first day of the real first report (the campaign's start)."""
    folder.mkdir()
    first = None
    for line in split_header(
        (TEMPLATE_REPORT.parent / "left-behind-mothers-2026-04.en.md").read_text("utf-8")
    )[0]:
        if line.lower().startswith("period_start:"):
            first = datetime.strptime(line.split(":", 1)[1].strip(), "%Y-%m-%d").date()
    assert first is not None, "the first real report has no Period_start"
    for lang in LANGS:
        header, _ = split_header(TEMPLATE_REPORT.with_suffix(f".{lang}.md").read_text("utf-8"))
        for number in range(count):
            start = first + timedelta(days=number * REPORT_PERIOD_DAYS)
            end = start + timedelta(days=REPORT_PERIOD_DAYS - 1)
            text = derive_header(
                header,
                {
                    "title": f"Report {number + 1}" if lang == "en" else f"报告 {number + 1}",
                    "slug": f"bench-report-{number + 1:03d}",
                    "date": (end + timedelta(days=1)).isoformat(),
                    "summary": f"Report {number + 1}." if lang == "en" else f"第 {number + 1} 期报告。",
                    "period_start": start.isoformat(),
                    "period_end": end.isoformat(),
                },
            )
            (folder / f"bench-report-{number + 1:03d}.{lang}.md").write_text(
                text + "\n\n" + body(rng, lang, 2 * number + 1, count),
                "utf-8",  # odd: no link to a story
            )


def bare_settings(folder: Path, content: Path) -> Path:
    """Pelican's defaults, but for the paths and templates needed to read the same files."""
    names = set()
    for md in chain((content / "pages").rglob("*.md"), (content / "reports").rglob("*.md")):
        for line in split_header(md.read_text("utf-8"))[0]:
            if line.lower().startswith("template:"):
                names.add(line.split(":", 1)[1].strip())
    overrides = folder / "bare-templates"
    overrides.mkdir()
    for name in names:
        # Pelican fails on a page whose template the theme lacks; render it as a plain page.
        (overrides / f"{name}.html").write_text('{% extends "page.html" %}\n', "utf-8")
    settings = folder / "bare_settings.py"
    settings.write_text(
        f"PATH = {str(content)!r}\n"
        "ARTICLE_PATHS = ['stories']\n"
        "PAGE_PATHS = ['pages', 'reports']\n"
        "ARTICLE_TRANSLATION_ID = 'slug'\n"
        "PAGE_TRANSLATION_ID = 'slug'\n"
        "PLUGINS = []\n"
        f"THEME_TEMPLATES_OVERRIDES = [{str(overrides)!r}]\n",
        "utf-8",
    )
    return settings


# ------------------------------------------------------------ timing


def share_stats() -> dict:
    """What the last build of ours drew and spent on share images (haihui_sharing writes it)."""
    from haihui.settings import DEFAULTS
    from haihui.sharing.cache import FOLDER, STATS

    path = ROOT / DEFAULTS["IMAGE_CACHE_PATH"] / FOLDER / STATS
    return json.loads(path.read_text("utf-8")) if path.is_file() else {}


def share_images_share(warmup: list[dict], timed: list[dict], build_seconds: float) -> str:
    """The share images' work in the timed builds (from the cache) against the median build, and
    what the untimed first build drew."""
    if not timed or not timed[-1]:
        return "share images: not built (haihui_sharing is not in PLUGINS)"
    work = [s.get("prepare_seconds", 0) + s.get("write_seconds", 0) for s in timed]
    spent = statistics.median(work)
    drawn = sum(s.get("drawn", 0) for s in warmup)
    drawing = sum(s.get("seconds", 0) for s in warmup)
    return (
        f"share images: {timed[-1]['images']:,} (an Open Graph image, a poster and its half-size copy "
        "per story and campaign page); "
        f"their work {spent:.2f} s per build from the cache ({100 * spent / build_seconds:.0f}% of ours' "
        f"median build); the untimed first build drew {drawn:,} in {drawing:.1f} s"
    )


def cpu_of_children() -> float:
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    return usage.ru_utime + usage.ru_stime


def build(
    name: str, settings: Path, content: Path, folder: Path, expect: str, inspect=None
) -> tuple[float, float]:
    """(wall, CPU) seconds of one `python -m pelican` build into an empty folder; stops on failure.
    `inspect(output)` looks at what it wrote before it is deleted."""
    output = Path(tempfile.mkdtemp(prefix=f"out-{name}-", dir=folder))
    command = [
        sys.executable,
        "-m",
        "pelican",
        str(content),
        "-s",
        str(settings),
        "-o",
        str(output),
        "--quiet",
        "--fatal",
        "errors",
    ]
    # Compiled modules are kept, as on a staff member's machine, but in the
    # temporary folder (both sides alike), never in the repository or .venv.
    env = dict(os.environ, COLUMNS="200", PYTHONPYCACHEPREFIX=str(folder / "pycache"))
    env.pop("PYTHONDONTWRITEBYTECODE", None)
    cpu = cpu_of_children()
    start = time.perf_counter()
    result = subprocess.run(command, cwd=ROOT, env=env, capture_output=True, text=True, check=False)
    elapsed = time.perf_counter() - start
    cpu = cpu_of_children() - cpu
    if result.returncode != 0 or not (output / expect).is_file():
        sys.stdout.write(result.stdout)
        sys.stderr.write(result.stderr)
        why = f"exit status {result.returncode}" if result.returncode else f"{expect} was not written"
        sys.exit(f"\nThe {name} build failed ({why}); command: {' '.join(command)}")
    if inspect is not None:
        inspect(output)
    shutil.rmtree(output, ignore_errors=True)
    return elapsed, cpu


def describe(times: list[float]) -> str:
    return f"median {statistics.median(times):6.2f} s   min {min(times):6.2f} s   max {max(times):6.2f} s"


def main(argv=None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--stories", type=int, default=500, help="stories per language (default 500)")
    parser.add_argument("--runs", type=int, default=5, help="timed builds per side (default 5)")
    parser.add_argument("--warmup", type=int, default=1, help="untimed builds per side first (default 1)")
    parser.add_argument(
        "--reports",
        type=int,
        default=40,
        help="progress reports per language, in place of the real ones (default 40)",
    )
    parser.add_argument(
        "--families",
        type=int,
        default=0,
        help="families of a synthetic Passing on the Gift chain in place of the real one, e.g. 10000 "
        "(default 0: the real chain)",
    )
    args = parser.parse_args(argv)
    if args.stories < 1 or args.runs < 1 or args.warmup < 0:
        parser.error("--stories and --runs must be at least 1, --warmup at least 0")

    with tempfile.TemporaryDirectory(prefix="haihui-bench-") as tmp:
        folder = Path(tmp)
        content = make_site(folder, args.stories, args.reports, args.families)
        bare = bare_settings(folder, content)
        ours = ROOT / "pelicanconf.py"
        print(
            f"{2 * args.stories} synthetic stories ({args.stories} per language), "
            f"{2 * args.reports} synthetic progress reports ({args.reports} per language), "
            f"a gift chain of {args.families:,} synthetic families plus the real pages; "
            f"{args.warmup} untimed and {args.runs} timed build(s) per side, interleaved",
            flush=True,
        )
        times: dict[str, list[float]] = {"ours": [], "bare": []}
        cpu: dict[str, list[float]] = {"ours": [], "bare": []}
        sides = (("ours", ours, "stories/bench-00001/index.html"), ("bare", bare, "bench-00001.html"))
        shares: dict[str, list[dict]] = {"warmup": [], "timed": []}  # share images' statistics
        for _ in range(args.warmup):
            for name, settings, expect in sides:
                build(name, settings, content, folder, expect)
                if name == "ours":
                    shares["warmup"].append(share_stats())
        weight: list[str] = []
        for run in range(1, args.runs + 1):
            for name, settings, expect in sides:  # interleaved, to share the machine's noise
                inspect = (
                    (lambda output: weight.append(chain_page_weight(output))) if name == "ours" else None
                )
                wall, used = build(name, settings, content, folder, expect, inspect if not weight else None)
                times[name].append(wall)
                cpu[name].append(used)
                if name == "ours":
                    shares["timed"].append(share_stats())
            print(
                f"run {run}: ours {times['ours'][-1]:.2f} s, bare {times['bare'][-1]:.2f} s "
                f"(CPU {cpu['ours'][-1]:.2f} s, {cpu['bare'][-1]:.2f} s)",
                flush=True,
            )
        share = chain_share(content, statistics.median(times["ours"]))
        share_images = share_images_share(shares["warmup"], shares["timed"], statistics.median(times["ours"]))
    print(f"ours (pelicanconf.py, theme, plugins): {describe(times['ours'])}")
    print(share)
    print(share_images)
    print(weight[0])
    print(f"bare (default theme, no plugins):      {describe(times['bare'])}")
    print(
        f"CPU time, median: ours {statistics.median(cpu['ours']):.2f} s, "
        f"bare {statistics.median(cpu['bare']):.2f} s "
        f"(ratio {statistics.median(cpu['ours']) / statistics.median(cpu['bare']):.2f})"
    )
    print(f"ratio {statistics.median(times['ours']) / statistics.median(times['bare']):.2f}")


if __name__ == "__main__":
    main()
