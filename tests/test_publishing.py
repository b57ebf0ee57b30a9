"""Publishing for staff: new-story, check, the preview banner, publish and deployment.

The commands are run the way staff run them (`invoke <task>` in a copy of the
project, so tasks.py, the settings and the plugins are the real ones).
"""

import re
import shutil
import subprocess
from datetime import date
from pathlib import Path

import pytest
import yaml
from staff_project import (
    invoke,
    make_publishable,
    staff_copy,
)

from conftest import copy_built, edit, tree_digest
from haihui.build import ROOT, run_pelican
from haihui.build.linkcheck import check_built_site
from haihui.content.content_rules import STORY_FIELDS, Rules, check_sources, load_sources
from haihui.content.placeholders import is_placeholder
from haihui.content.scaffold import story_files

RULES = Rules(languages=("en", "zh"), strict=False, templates=frozenset({"page", "campaign"}))
CAMPAIGN = [
    (f"content/pages/c.{lang}.md", "page", f"Title: C\nSlug: c\nLang: {lang}\nTemplate: campaign\n\nText")
    for lang in ("en", "zh")
]
TRACEBACK = "Traceback"


def line_of(path: Path, fragment: str) -> int:
    for number, line in enumerate(path.read_text("utf-8").splitlines(), start=1):
        if fragment in line:
            return number
    raise AssertionError(f"{fragment!r} not in {path}")


# ---------------------------------------------------------------- complete (publishable) data


OLD_TITLE = "Title: Jibuguoguo: from recipient to contributor"
NEW_TITLE = "Title: Jibuguoguo passes it on"


@pytest.fixture(scope="module")
def published(good_build, tmp_path_factory) -> Path:
    """A copy of the project whose links are complete, published once with `invoke publish`
    over the output/ of an earlier preview build, made before a story's title changed."""
    project = copy_built(good_build, tmp_path_factory.mktemp("publishable") / "project")
    shutil.copy2(ROOT / "tasks.py", project / "tasks.py")
    make_publishable(project)
    edit(project / "content/stories/jibuguoguo.en.md", OLD_TITLE, NEW_TITLE)
    result = invoke(project, "publish")
    assert result.returncode == 0, result.stdout + result.stderr
    return project


@pytest.fixture
def live(published, tmp_path) -> Path:
    """A throw-away copy of the published project, output/ included."""
    project = tmp_path / "project"
    shutil.copytree(published, project)
    return project


# ---------------------------------------------------------------- new-story

FILLED = {
    "en": {
        "title": "Ayi starts her pigsty",
        "summary": "Ayi tells how it began.",
        "image_alt": "A drawing of a mother feeding black piglets",
        "text": "She agreed to tell this.",
    },
    "zh": {
        "title": "阿依建起了猪圈",
        "summary": "阿依讲述一切是怎样开始的。",
        "image_alt": "一幅母亲喂黑猪仔的插图",
        "text": "她同意讲述这一段经历。",
    },
}


def fill_placeholders(text: str, lang: str) -> str:
    """What a staff member does: replace every placeholder with a real value."""
    filled = []
    header = True
    for line in text.splitlines():
        written = line
        if header and not line.strip():
            header = False
        if header and ":" in line:
            key, value = (part.strip() for part in line.split(":", 1))
            if is_placeholder(value):
                example = STORY_FIELDS[key.lower()].example
                value = FILLED[lang].get(key.lower()) or example.split(":", 1)[1].strip()
                written = f"{key}: {value}"
        elif not header and is_placeholder(line) and not line.startswith(("-", " ", "<!--")):
            written = FILLED[lang]["text"]
        filled.append(written)
    return "\n".join(filled) + "\n"


def new_story_sources(files: dict[str, str]):
    return load_sources(
        [(f"content/stories/{name}", "story", text) for name, text in files.items()] + CAMPAIGN
    )


def test_a_new_story_has_every_required_field_and_fails_the_checker_until_filled():
    files = story_files("ayi", {"en": "Ayi", "zh": "阿依"}, "c", date(2026, 11, 28))
    assert sorted(files) == ["ayi.en.md", "ayi.zh.md"]
    for name, text in files.items():
        front = load_sources([(name, "story", text)])[0].front
        required = {key for key, spec in STORY_FIELDS.items() if spec.required}
        assert required <= set(front.values), f"{name} lacks {required - set(front.values)}"
        assert "<!--" in text and "-->" in text, "no guide comment"
    assert "Person: 阿依" in files["ayi.zh.md"] and "Person: Ayi" in files["ayi.en.md"]

    problems = check_sources(new_story_sources(files), RULES)
    text = "\n".join(map(str, problems))
    for name in files:
        assert f"content/stories/{name}:1: Title: still a placeholder" in text
        assert re.search(rf"content/stories/{re.escape(name)}:\d+: the text still has a placeholder", text)
    assert "Title：还是占位文字" in text and "正文里还有占位文字" in text
    assert all(p.severity == "error" for p in problems)

    filled = {name: fill_placeholders(text, name.split(".")[1]) for name, text in files.items()}
    assert check_sources(new_story_sources(filled), RULES) == []


def test_new_story_writes_both_files_and_refuses_an_existing_slug(tmp_path):
    project = staff_copy(tmp_path / "project")
    result = invoke(
        project,
        "new-story",
        "--slug",
        "ayi",
        "--name-en",
        "Ayi",
        "--name-zh",
        "阿依",
        "--campaign",
        "left-behind-mothers",
    )
    assert result.returncode == 0, result.stderr
    en, zh = project / "content/stories/ayi.en.md", project / "content/stories/ayi.zh.md"
    assert "Slug: ayi" in en.read_text("utf-8") and "Lang: zh" in zh.read_text("utf-8")

    # Until it is filled in the new story is a draft: `check` lists what is missing as
    # warnings (a preview builds it as a draft), and the public build's rules refuse it.
    check = invoke(project, "check")
    assert check.returncode == 0, check.stdout + check.stderr
    assert "content/stories/ayi.en.md:1: warning: Title: still a placeholder" in check.stdout
    check = invoke(project, "check", "--publish")
    assert check.returncode != 0
    assert "content/stories/ayi.en.md:1: Title: still a placeholder" in check.stdout

    before = tree_digest(project / "content")
    for slug in ("ayi", "jibuguoguo"):
        again = invoke(
            project,
            "new-story",
            "--slug",
            slug,
            "--name-en",
            "X",
            "--name-zh",
            "某",
            "--campaign",
            "left-behind-mothers",
        )
        assert again.returncode != 0
        assert f"a story with the slug '{slug}' already exists" in again.stderr
        assert "Nothing was written" in again.stderr and TRACEBACK not in again.stderr
    assert tree_digest(project / "content") == before


def test_new_story_refuses_a_bad_slug_and_an_unknown_campaign(tmp_path):
    project = staff_copy(tmp_path / "project")
    result = invoke(
        project,
        "new-story",
        "--slug",
        "Ayi Story",
        "--name-en",
        "Ayi",
        "--name-zh",
        "阿依",
        "--campaign",
        "nowhere",
    )
    assert result.returncode != 0
    assert "'Ayi Story' is not a valid slug" in result.stderr
    assert "no campaign page with Slug 'nowhere'" in result.stderr
    assert not list((project / "content/stories").glob("ayi*"))


# ---------------------------------------------------------------- check

STORY = "content/stories/jibuguoguo.en.md"
ABOUT = "content/pages/about.en.md"
CONTACT = "content/pages/contact.en.md"


def seed_mistakes(project: Path) -> list[str]:
    """Ten different mistakes in five files; returns what `check` must print for each."""
    story, other = project / STORY, project / "content/stories/adiniuniu.zh.md"
    about, contact = project / ABOUT, project / CONTACT
    edit(story, "Title: ", "Heading: ")  # 1 unknown field
    edit(story, "Date: 2026-10-12", "Date: next week")  # 2 + missing title (3)
    edit(other, "Lang: zh", "Lang: fr")  # 4 unknown language
    edit(other, "Campaign: left-behind-mothers", "Campaign: nowhere")  # 5 no such campaign
    edit(about, "{filename}/pages/fund-use.en.md", "{filename}/pages/fund-uses.en.md")  # 6
    edit(
        about,
        "## Our current campaign",
        "![A mother and her piglets]({static}/images/missing-photo.jpg)\n\n## Our current campaign",
    )  # 7
    edit(contact, "\n\n", "\nThis line is not a field\n\n")  # 8 malformed header
    with (project / CONTACT).open("a", encoding="utf-8") as f:
        f.write(
            "\nTODO: add the office opening hours.\n"  # 9 placeholder
            "\nSee [our stories](/stories/nobody/).\n"
        )  # 10 internal link
    return [
        f"{STORY}:{line_of(story, 'Heading:')}: unknown field 'Heading'",
        f"{STORY}:{line_of(story, 'Date:')}: Date: 'next week' is not a date",
        f"{STORY}:1: the required field 'Title' is missing",
        f"content/stories/adiniuniu.zh.md:{line_of(other, 'Lang:')}: Lang: 'fr' is not a language",
        f"content/stories/adiniuniu.zh.md:{line_of(other, 'Campaign:')}: Campaign: there is no campaign",
        (
            f"{ABOUT}:{line_of(about, 'fund-uses')}: the link '{{filename}}/pages/fund-uses.en.md' "
            "points to content/pages/fund-uses.en.md, which does not exist; did you mean "
            "'{filename}/pages/fund-use.en.md'?"
        ),
        (
            f"{ABOUT}:{line_of(about, 'missing-photo')}: the link '{{static}}/images/missing-photo.jpg' "
            "points to content/images/missing-photo.jpg, which does not exist"
        ),
        (
            f"{CONTACT}:{line_of(contact, 'not a field')}: the header line 'This line is not a field' "
            "is not 'Key: value'"
        ),
        f"{CONTACT}:{line_of(contact, 'TODO')}: the text still has a placeholder",
        (
            f"{CONTACT}:{line_of(contact, '/stories/nobody/')}: the link '/stories/nobody/' goes to "
            "/stories/nobody/, which is not a page of this site"
        ),
    ]


def test_check_reports_every_mistake_at_once_with_file_line_and_fix_in_both_languages(tmp_path):
    project = staff_copy(tmp_path / "project")
    expected = seed_mistakes(project)
    assert len(expected) >= 8
    result = invoke(project, "check")
    assert result.returncode != 0
    out = result.stdout
    missing = [fragment for fragment in expected if fragment not in out]
    assert not missing, f"not reported: {missing}\n--- output:\n{out}"
    assert TRACEBACK not in out + result.stderr
    # Every problem line says how to fix it and is followed by its Chinese line.
    lines = out.splitlines()
    problem_lines = [i for i, line in enumerate(lines) if re.match(r"^content/\S+:\d+: ", line)]
    assert len(problem_lines) >= len(expected)
    for i in problem_lines:
        assert "; " in lines[i], f"no fix in: {lines[i]}"
        assert lines[i + 1].startswith("    ") and re.search(r"[\u4e00-\u9fff]", lines[i + 1]), (
            f"no Chinese line after: {lines[i]}"
        )
    assert "错误" in result.stderr


def test_check_on_the_real_content_reports_no_error_and_exits_zero():
    result = invoke(ROOT, "check")
    assert result.returncode == 0, result.stdout + result.stderr
    assert "No errors" in result.stdout
    assert not [line for line in result.stdout.splitlines() if re.match(r"^\S+:\d+: (?!warning: )", line)], (
        result.stdout
    )


def test_the_build_runs_the_same_checks(tmp_path):
    project = staff_copy(tmp_path / "project")
    expected = seed_mistakes(project)
    result = run_pelican("pelicanconf.py", project / "output", cwd=project)
    assert result.returncode != 0
    messages = " ".join((result.stdout + result.stderr).split())
    for fragment in expected:
        assert " ".join(fragment.split()) in messages, fragment
    assert not (project / "output").exists()


# ---------------------------------------------------------------- links in Markdown (pure)


def test_filename_and_static_references_resolve_relative_to_the_file_or_the_content_folder():
    rules = Rules(
        languages=("en",),
        strict=False,
        templates=frozenset({"page"}),
        content_files=frozenset({"pages/a.en.md", "pages/b.en.md", "images/p.jpg"}),
        static_paths=("images",),
        site_urls=frozenset({"a/", "b/", "images/p.jpg", ""}),
        source_urls=(("content/pages/a.en.md", "a/"), ("content/pages/b.en.md", "b/")),
    )
    body = "\n".join(
        [
            "[ok]({filename}/pages/b.en.md) [ok]({filename}b.en.md#part) ![ok]({static}../images/p.jpg)",
            "[ok](/b/) [ok](../b/) [ok](https://example.org/) [ok](mailto:a@b.c) [ok](#top)",
            "[bad]({filename}c.en.md)",
            "![bad]({static}/images/q.jpg)",
            "[bad]({filename}/images/../pages/x.md)",
            "[bad](/c/)",
            '<a href="../d/">bad</a>',
            "`[code is not checked]({filename}/nothing.md)`",
            "<!-- [a comment is not checked]({filename}/nothing.md) -->",
        ]
    )
    sources = load_sources(
        [
            ("content/pages/a.en.md", "page", f"Title: A\nSlug: a\nLang: en\n\n{body}"),
            ("content/pages/b.en.md", "page", "Title: B\nSlug: b\nLang: en\n\nB"),
        ]
    )
    found = [(p.line, p.message) for p in check_sources(sources, rules)]
    assert [line for line, _ in found] == [7, 8, 9, 10, 11], found
    assert "points to content/pages/c.en.md, which does not exist" in found[0][1]
    assert "points to content/images/q.jpg" in found[1][1]
    assert "goes to /c/" in found[3][1] and "goes to /d/" in found[4][1]


def test_a_link_to_a_story_taken_down_is_an_error_and_the_story_itself_is_not_checked():
    rules = Rules(
        languages=("en",),
        strict=False,
        templates=frozenset({"page"}),
        content_files=frozenset({"pages/a.en.md", "stories/gone.en.md"}),
        site_urls=frozenset({"a/"}),
    )
    sources = load_sources(
        [
            (
                "content/pages/a.en.md",
                "page",
                "Title: A\nSlug: a\nLang: en\n\n[her]({filename}/stories/gone.en.md)",
            ),
            (
                "content/stories/gone.en.md",
                "story",
                "Title: G\nSlug: gone\nLang: en\nConsent: withdrawn 2026-12-01\n\n[x]({filename}/nothing.md)",
            ),
        ]
    )
    found = [str(p) for p in check_sources(sources, rules) if "link" in p.message]
    assert len(found) == 1, found
    assert found[0].startswith("content/pages/a.en.md:5: the link '{filename}/stories/gone.en.md'")
    assert "taken down (Consent: withdrawn)" in found[0]


# ---------------------------------------------------------------- link check of the built site (pure)


def write(root: Path, rel: str, html: str) -> None:
    path = root / rel
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(html, "utf-8")


def test_link_check_finds_missing_pages_anchors_and_images_once_each(tmp_path):
    footer = '<a href="/gone/">gone</a>'
    write(
        tmp_path,
        "index.html",
        f"""<html><body id="top">
<a href="/about/">ok</a> <a href="about/#team">ok</a> <a href="#top">ok</a>
<a href="https://site.example/about/">ok, own origin</a> <a href="https://other.example/x/">external</a>
<a href="mailto:a@b.c">mail</a> <img src="/images/a.webp" srcset="/images/a.webp 1x, /images/a-2x.webp 2x">
<a href="/about/#nowhere">bad anchor</a>
{footer}</body></html>""",
    )
    write(tmp_path, "about/index.html", f'<html><body><h2 id="team">T</h2>\n{footer}</body></html>')
    write(tmp_path, "images/a.webp", "x")
    problems = check_built_site(tmp_path, ["https://site.example"])
    text = "\n".join(map(str, problems))
    assert len(problems) == 3, text
    assert "index.html:4: the built page links to '/images/a-2x.webp', which the build did not write" in text
    assert "index.html:5: the built page links to '/about/#nowhere', but that page has no such anchor" in text
    assert "the built page links to '/gone/', which the build did not write (and on 1 other page)" in text
    assert "生成的页面链接到" in text


def test_link_check_reads_feeds_and_the_sitemap_and_finds_empty_links(tmp_path):
    write(
        tmp_path,
        "index.html",
        '<html><body>\n<a href="">empty</a> <img src alt="">\n<a href=" ">blank</a></body></html>',
    )
    write(
        tmp_path,
        "feeds/stories.atom.xml",
        '<feed xmlns="http://www.w3.org/2005/Atom"><link href="https://site.example/" rel="alternate"/>'
        '<link href="stories.atom.xml" rel="self"/>'
        '<entry><link href="https://site.example/stories/gone/" rel="alternate"/></entry></feed>',
    )
    write(
        tmp_path,
        "sitemap.xml",
        '<urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9" xmlns:xhtml="http://www.w3.org/1999/xhtml">'
        '<url><loc>https://site.example/</loc><xhtml:link rel="alternate" hreflang="zh" '
        'href="https://site.example/zh/"/></url></urlset>',
    )
    problems = check_built_site(tmp_path, ["https://site.example"])
    text = "\n".join(map(str, problems))
    assert len(problems) == 4, text
    assert "index.html:2: the built page has an empty <a href>: a link or image that goes nowhere" in text
    assert "index.html:2: the built page has an empty <img src>" in text
    assert "feeds/stories.atom.xml:1: the built page links to 'https://site.example/stories/gone/'" in text
    assert "sitemap.xml:1: the built page links to 'https://site.example/zh/'" in text
    assert "生成的页面里有一个空的 <a href>" in text


# ---------------------------------------------------------------- preview banner

ICP_NUMBER = "蜀ICP备12345678号-1"


def mark_a_checkout_link_sample(project: Path) -> None:
    """The first tier's platform link marked as a sample, as the repository ships it."""
    links = project / "content/data/checkout-links.yaml"
    if not links.is_file():
        pytest.fail("no content/data/checkout-links.yaml: the tiers data is missing")
    data = yaml.safe_load(links.read_text("utf-8"))
    tier = next(iter(data["tiers"]))
    data["tiers"][tier]["platform"]["sample"] = True
    links.write_text(yaml.safe_dump(data, allow_unicode=True, sort_keys=False), "utf-8")


@pytest.fixture(scope="module")
def previewed(
    published, tmp_path_factory
) -> tuple[Path, subprocess.CompletedProcess, subprocess.CompletedProcess]:
    """A copy of the published project with what a preview only warns about (a story without
    its Chinese file, a sample checkout link) and an ICP number, built once with the preview
    settings into preview/ and once by `invoke preview` into output/: (project, the build's
    result, the task's). One copy and two builds for the three tests that read them."""
    project = tmp_path_factory.mktemp("previewed") / "project"
    shutil.copytree(published, project)
    (project / "content/stories/adiniuniu.zh.md").unlink()
    mark_a_checkout_link_sample(project)
    edit(project / "content/data/organisation.yaml", 'icp_number: ""', f'icp_number: "{ICP_NUMBER}"')
    preview = run_pelican("pelicanconf.py", project / "preview", cwd=project)
    return project, preview, invoke(project, "preview")


def test_preview_shows_warnings_on_the_site_and_publish_never_does(previewed):
    from bs4 import BeautifulSoup

    project, preview, make_preview = previewed
    assert preview.returncode == 0, preview.stderr

    def soup(url):
        return BeautifulSoup((project / "preview" / url).read_text("utf-8"), "lxml")

    for url, words, report in (
        ("index.html", r"the checker found \d+ thing\(s\) to fix", "/preview-problems/"),
        ("zh/index.html", r"检查程序发现 \d+ 处", "/zh/preview-problems/"),
        ("stories/jibuguoguo/index.html", r"the checker found", "/preview-problems/"),
    ):
        banner = soup(url).select_one("aside.check-banner")
        assert banner is not None and re.search(words, banner.get_text()), url
        assert banner.find("a")["href"] == report
    for report, words in (
        ("preview-problems/index.html", "adiniuniu' has no translation in zh"),
        ("zh/preview-problems/index.html", "adiniuniu"),
    ):
        listed = soup(report).select_one("main ul.check-report").get_text()
        assert "content/stories/adiniuniu.en.md:" in listed and words in listed, report
    # make preview: the public settings, warnings only, banner included.
    assert make_preview.returncode == 0, make_preview.stderr
    assert 'class="check-banner"' in (project / "output/index.html").read_text("utf-8")


def test_a_published_site_has_no_banner_and_absolute_links(published):
    pages = list((published / "output").rglob("*.html"))
    assert len(pages) > 10
    for page in pages:
        assert "check-banner" not in page.read_text("utf-8"), page
    index = (published / "output/index.html").read_text("utf-8")
    assert '<link rel="canonical" href="https://haihuichina.org/">' in index


# ---------------------------------------------------------------- publish


def test_publish_with_a_broken_story_fails_and_leaves_output_byte_identical(live):
    before = tree_digest(live / "output")
    assert before, "the fixture has a published site"
    edit(live / STORY, "Date: 2026-10-12", "Date: soon")
    result = invoke(live, "publish")
    assert result.returncode != 0
    assert f"{STORY}:{line_of(live / STORY, 'Date:')}: Date: 'soon' is not a date" in result.stdout
    assert "output/ is unchanged" in result.stderr and TRACEBACK not in result.stdout + result.stderr
    assert tree_digest(live / "output") == before
    assert not [p.name for p in live.iterdir() if p.name.startswith(".output")], "staging left behind"


def test_publish_with_a_link_broken_only_in_the_built_site_fails_and_keeps_output(live):
    before = tree_digest(live / "output")
    # An anchor that does not exist: the Markdown check cannot know the page's headings.
    with (live / ABOUT).open("a", encoding="utf-8") as f:
        f.write("\nSee [the gift]({filename}/pages/passing-on-the-gift.en.md#no-such-part).\n")
    result = invoke(live, "publish")
    assert result.returncode != 0
    assert "about/index.html:" in result.stderr
    assert "passing-on-the-gift/#no-such-part', but that page has no such anchor" in result.stderr
    assert tree_digest(live / "output") == before


def test_a_sample_checkout_link_is_refused_by_publish_and_only_warned_about_by_preview(live, previewed):
    mark_a_checkout_link_sample(live)
    before = tree_digest(live / "output")
    result = invoke(live, "publish")
    assert result.returncode != 0
    refused = (
        r"^content/data/checkout-links.yaml:\d+: .*sample links, which a publish build "
        r"refuses.*; replace each with the real project page"
    )
    assert re.search(refused, result.stdout, re.M), result.stdout
    assert "Nothing was built" in result.stderr
    assert tree_digest(live / "output") == before
    # `make preview` of a copy with the same sample link (and other warnings): it passes, and says so.
    _, _, make_preview = previewed
    assert make_preview.returncode == 0, make_preview.stdout + make_preview.stderr
    assert "sample links" in make_preview.stdout + make_preview.stderr


def test_publish_replaces_output_when_everything_passes(published):
    # The fixture's publish passed (it asserts so), over an output/ built before the new title.
    page = (published / "output/stories/jibuguoguo/index.html").read_text("utf-8")
    assert "Jibuguoguo passes it on" in page
    assert not (published / "output/preview-problems").exists(), "the preview's own page is left"


# ---------------------------------------------------------------- footer, workflow, docs


def test_the_icp_number_shows_in_the_footer_only_when_set(previewed, site):
    project, preview, _ = previewed
    assert preview.returncode == 0, preview.stderr
    for url in ("index.html", "zh/index.html", "stories/jibuguoguo/index.html"):
        footer = (project / "preview" / url).read_text("utf-8").split('<footer class="site-footer">')[1]
        assert ICP_NUMBER in footer and "https://beian.miit.gov.cn/" in footer, url
    assert "beian.miit.gov.cn" not in site.path("/").read_text("utf-8")


WORKFLOWS = ROOT / ".github" / "workflows"


def workflow_runs(workflow: dict) -> list[str]:
    return [step.get("run", "") for job in workflow["jobs"].values() for step in job.get("steps", [])]


def test_the_workflow_is_valid_yaml_and_runs_the_readme_commands():
    files = sorted(WORKFLOWS.glob("*.yml"))
    assert files, "no workflow in .github/workflows/"
    workflow = yaml.safe_load(files[0].read_text("utf-8"))
    triggers = workflow.get("on", workflow.get(True))  # YAML 1.1 reads a bare `on` as true
    assert "pull_request" in triggers and triggers["push"]["branches"] == ["main"]
    runs = "\n".join(workflow_runs(workflow))
    readme = (ROOT / "README.md").read_text("utf-8")
    for command in ("make test", "make publish"):
        assert command in runs, f"the workflow does not run `{command}`"
        assert command in readme, f"the README does not show `{command}`"
    # The same Debian packages as .ci/run installs (chromium, Java, npm ...).
    ci_packages = re.findall(r"need\+=\(([\w.+-]+)\)", (ROOT / ".ci/run").read_text("utf-8"))
    assert "chromium" in ci_packages
    for package in ci_packages:
        assert re.search(rf"apt-get install .*\b{re.escape(package)}\b", runs), f"{package} not installed"
    uses = [step.get("uses", "") for job in workflow["jobs"].values() for step in job.get("steps", [])]
    assert any(u.startswith("actions/upload-pages-artifact@") for u in uses)
    deploy = next(
        job
        for job in workflow["jobs"].values()
        if any(s.get("uses", "").startswith("actions/deploy-pages@") for s in job.get("steps", []))
    )
    # Pull requests get the checks, never a deployment.
    assert "push" in deploy["if"] and "refs/heads/main" in deploy["if"]
    # Pages, and contents only to commit back the record of fund-use releases (test_ci_summary).
    assert deploy["permissions"] == {"pages": "write", "id-token": "write", "contents": "write"}


@pytest.mark.parametrize("guide", ["docs/staff-guide.md", "docs/staff-guide.zh.md"])
def test_the_staff_guides_cover_every_step(guide):
    text = (ROOT / guide).read_text("utf-8")
    for command in (
        "make new-story",
        "make serve",
        "make check",
        "make publish",
        "Single_language",
        "{filename}",
        "{static}",
        "Status: draft",
    ):
        assert command in text, f"{guide} does not explain {command}"
