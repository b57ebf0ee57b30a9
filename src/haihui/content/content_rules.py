"""Rules for the front matter of stories and pages: plain functions over text.

`check_sources` is the one entry point; the build, `invoke check` and the
tests all call it, so a rule lives here once.
"""

import difflib
import re
from collections import defaultdict
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from datetime import date as Day
from datetime import datetime
from pathlib import Path

from haihui import consent as consent_rules
from haihui.content import image_rules
from haihui.content.frontmatter import FrontMatter, parse_front_matter
from haihui.content.placeholders import (
    is_placeholder,
    placeholder_lines,
    placeholder_problem,
)
from haihui.problems import ERROR, WARNING, Problem

# A slug: lower-case letters and digits in words joined by single hyphens (not "a--b").
SLUG_PATTERN = r"^[a-z0-9]+(?:-[a-z0-9]+)*$"
SLUG = re.compile(SLUG_PATTERN)
YES_NO = {"yes": True, "true": True, "no": False, "false": False}
# A field check answers (message, fix) or, with the Chinese, (message, fix, message_zh, fix_zh).
ZH_PARTS = 2
DATE_FORMATS = ("%Y-%m-%d", "%Y-%m-%d %H:%M", "%Y-%m-%dT%H:%M", "%Y-%m-%d %H:%M:%S")

# A field check returns None when the value is fine, or (what is wrong, how to fix it),
# optionally followed by the same two in Chinese: (what, fix, what_zh, fix_zh).
FieldCheck = Callable[[str, "Rules"], tuple[str, ...] | None]


@dataclass(frozen=True)
class Field:
    check: FieldCheck
    required: bool = True
    example: str = ""
    # `invoke new-story` writes every required field, and optional ones marked
    # here (e.g. what a publish build requires), as placeholders to fill in.
    in_new_story: bool = False


@dataclass(frozen=True)
class Rules:
    """What the rules need from the settings."""

    languages: tuple[str, ...]
    strict: bool  # a publish build: warnings about completeness become errors
    templates: frozenset[str]
    # The day of the build, in the site's time zone: consent cannot be dated after it.
    today: Day = field(default_factory=Day.today)
    # What links in the text may point at (links.py); project.py reads them from
    # the disk. None skips that part of the link check (plain-text tests).
    content_root: str = "content"  # the content folder as staff see it
    content_files: frozenset[str] | None = None  # every file below it, e.g. "images/a.jpg"
    static_paths: tuple[str, ...] = ()  # folders copied as they are (STATIC_PATHS)
    site_urls: frozenset[str] | None = None  # every address a build writes, e.g. "zh/about/"
    source_urls: tuple[tuple[str, str], ...] = ()  # (source path, its address)
    # Files ("stories/a.en.md") and addresses ("stories/a/") of stories taken down.
    taken_down: frozenset[str] = frozenset()
    # All settings, for the checks that read the data files (fund use, checkout
    # links, organisation). Empty: no project (plain-text tests).
    settings: dict = field(default_factory=dict, compare=False, hash=False)
    # The giving data as this build reads it once: (SiteTiers or None, problems);
    # None until read (haihui.giving.site_data.check_tiers reads it then).
    giving: tuple | None = field(default=None, compare=False, hash=False)


@dataclass
class Source:
    """One Markdown file with its parsed front matter."""

    path: str  # as shown to staff
    kind: str  # "story" or "page"
    front: FrontMatter
    text: str

    @property
    def slug(self) -> str:
        return self.front.values.get("slug", "")

    @property
    def lang(self) -> str:
        return self.front.values.get("lang", "")


def text(value: str, rules: Rules):
    if not value.strip():
        return "is empty", "write a value after the colon", "是空的", "请在冒号后面填写内容"
    return None


def slug(value: str, rules: Rules):
    if not SLUG.match(value):
        return (
            f"'{value}' is not a valid slug",
            "use lower-case letters a-z, digits and hyphens only, e.g. 'jibuguoguo'",
            f"“{value}”不是有效的 Slug（网址名）",
            "只能用小写字母 a-z、数字和连字符，例如“jibuguoguo”",
        )
    return None


def language(value: str, rules: Rules):
    if value not in rules.languages:
        known = ", ".join(rules.languages)
        return (
            f"'{value}' is not a language of this site",
            f"write one of: {known}",
            f"“{value}”不是本网站的语言",
            f"请填写以下之一：{known}",
        )
    return None


# Feeds and the sitemap need a four-digit year (RFC 3339); no story of Haihui's is older.
EARLIEST_YEAR = 1900


def parse_date(value: str) -> datetime | None:
    for fmt in DATE_FORMATS:
        try:
            day = datetime.strptime(value.strip(), fmt)
        except ValueError:
            continue
        return day if day.year >= EARLIEST_YEAR else None
    return None


def date(value: str, rules: Rules):
    if parse_date(value) is None:
        return (
            f"'{value}' is not a date",
            "write it as YYYY-MM-DD, e.g. 2026-11-28",
            f"“{value}”不是日期",
            "请按 YYYY-MM-DD 的格式填写，例如 2026-11-28",
        )
    return None


def yes_no(value: str, rules: Rules):
    if value.strip().lower() not in YES_NO:
        return (
            f"'{value}' is neither yes nor no",
            "write yes or no",
            f"“{value}”既不是 yes 也不是 no",
            "请填写 yes 或 no",
        )
    return None


def status(value: str, rules: Rules):
    if value not in {"published", "draft", "hidden"}:
        return (
            f"'{value}' is not a status",
            "write published, draft or hidden",
            f"“{value}”不是有效的状态",
            "请填写 published（发布）、draft（草稿）或 hidden（隐藏）",
        )
    return None


def whole_number(value: str, rules: Rules):
    if not value.strip().isdigit():
        return (
            f"'{value}' is not a whole number",
            "write a number such as 1, 2 or 3",
            f"“{value}”不是整数",
            "请填写 1、2、3 这样的数字",
        )
    return None


def template(value: str, rules: Rules):
    if value not in rules.templates:
        known = ", ".join(sorted(rules.templates))
        return (
            f"there is no template '{value}' in the theme",
            f"use one of: {known}",
            f"主题里没有名为“{value}”的模板",
            f"请使用以下之一：{known}",
        )
    return None


COMMON_FIELDS = {
    "title": Field(text, example="Title: Jibuguoguo: from recipient to contributor"),
    "slug": Field(slug, example="Slug: jibuguoguo"),
    "lang": Field(language, example="Lang: en"),
    "summary": Field(text, required=False),
    "single_language": Field(yes_no, required=False),
    "status": Field(status, required=False),
    "modified": Field(date, required=False),
}
STORY_FIELDS = {
    **COMMON_FIELDS,
    "date": Field(date, example="Date: 2026-11-28"),
    "summary": Field(text, example="Summary: One sentence that says what the story is about."),
    "campaign": Field(slug, example="Campaign: left-behind-mothers"),
    "person": Field(text, example="Person: Jibuguoguo"),  # the name as she agreed to show it
    "person_note": Field(text, required=False),
    # Her informed consent, the place and the hero picture (consent_rules.py, image_rules.py).
    "consent": Field(consent_rules.consent, example="Consent: given 2026-11-28"),
    "consent_languages": Field(consent_rules.consent_languages, example="Consent_languages: en, zh"),
    "photos": Field(yes_no, example="Photos: no"),
    "consent_form": Field(
        consent_rules.form_reference, example="Consent_form: Chengdu office, consent binder 2026, no. 14"
    ),
    "location": Field(consent_rules.county_level, required=False),
    "image": Field(image_rules.image_path, example="Image: images/illustrations/jibuguoguo.png"),
    # Required in a publish build (image_rules.check_images), so new stories have it.
    "image_alt": Field(text, required=False, in_new_story=True),
}
PAGE_FIELDS = {
    **COMMON_FIELDS,
    "template": Field(template, required=False),
    "date": Field(date, required=False),
    # Pages with a Nav_order appear in the main navigation, in that order.
    "nav_order": Field(whole_number, required=False),
    "nav_title": Field(text, required=False),
    # Only for pages with a fixed address, such as the 404 page (Save_as: 404.html).
    "save_as": Field(text, required=False),
    "url": Field(text, required=False),
}
FIELDS = {"story": STORY_FIELDS, "page": PAGE_FIELDS}


def check_fields(source: Source, rules: Rules) -> Iterable[Problem]:
    fields = FIELDS[source.kind]
    front = source.front
    for line, content in front.malformed:
        yield Problem(
            source.path,
            line,
            f"the header line '{content.strip()}' is not 'Key: value'",
            "write each field as 'Key: value' and leave one blank line before the text",
            message_zh=f"文件开头字段区的这一行“{content.strip()}”不是“Key: value”的格式",
            fix_zh="每个字段写成“Key: value”一行，字段区和正文之间空一行",
        )
    for key, value in front.values.items():
        if key not in fields:
            close = difflib.get_close_matches(key, fields, n=1)
            hint = (
                f"did you mean '{close[0].capitalize()}'?"
                if close
                else ("remove it, or check the spelling against the staff guide")
            )
            hint_zh = (
                f"是不是想写“{close[0].capitalize()}”？"
                if close
                else ("请删除这一行，或对照员工指南（docs/staff-guide.zh.md）检查拼写")
            )
            yield Problem(
                source.path,
                front.line_of(key),
                f"unknown field '{key.capitalize()}'",
                hint,
                message_zh=f"未知字段“{key.capitalize()}”",
                fix_zh=hint_zh,
            )
            continue
        if is_placeholder(value):
            yield placeholder_problem(source.path, front.line_of(key), key.capitalize(), value)
            continue
        wrong = fields[key].check(value, rules)
        if wrong:
            what, fix, *zh = wrong
            what_zh, fix_zh = zh if len(zh) == ZH_PARTS else ("", "")
            yield Problem(
                source.path,
                front.line_of(key),
                f"{key.capitalize()}: {what}",
                fix,
                message_zh=f"{key.capitalize()}：{what_zh}" if what_zh else "",
                fix_zh=fix_zh,
            )
    yield from _repeated_fields(source, rules)
    for key, spec in fields.items():
        if spec.required and key not in front.values:
            yield Problem(
                source.path,
                1,
                f"the required field '{key.capitalize()}' is missing",
                f"add a line such as '{spec.example}' to the header at the top of the file",
                message_zh=f"缺少必填字段“{key.capitalize()}”",
                fix_zh=f"在文件开头的字段区加一行，例如“{spec.example}”",
            )


def _repeated_fields(source: Source, rules: Rules) -> Iterable[Problem]:
    """A field written twice, or continued on an indented line, is a list to Pelican: refused."""
    front = source.front
    for key, line in front.repeated():
        label = key.capitalize()
        yield Problem(
            source.path,
            line,
            f"{label} is written twice (first on line {front.line_of(key)}); Pelican would not "
            "publish the value you see",
            f"keep one '{label}:' line and delete the other",
            message_zh=f"{label} 写了两次（第一次在第 {front.line_of(key)} 行）；网站不会按你看到的值发布",
            fix_zh=f"只保留一行“{label}:”，删除另一行",
        )
    formatted = {f.lower() for f in rules.settings.get("FORMATTED_FIELDS", ["summary"])}
    for key, line in front.continuations:
        if key in formatted:
            continue  # Summary may run over several lines
        label = key.capitalize()
        yield Problem(
            source.path,
            line,
            f"this indented line continues {label}, which Pelican would turn into a list",
            f"write {label} on one line (line {front.line_of(key)}), or leave a blank line "
            "before the text if this line belongs to it",
            message_zh=f"这一行有缩进，会被当作 {label} 的续行，网站会把它变成列表",
            fix_zh=f"请把 {label} 写在一行里（第 {front.line_of(key)} 行）；"
            "如果这一行属于正文，请在它前面空一行",
        )


def check_pairs(sources: list[Source], rules: Rules) -> Iterable[Problem]:
    """Each slug once per language, and every story in every language."""
    by_slug: dict[tuple[str, str], list[Source]] = defaultdict(list)
    for source in sources:
        if source.slug and source.lang in rules.languages:
            by_slug[(source.kind, source.slug)].append(source)
    for (_kind, slug_value), group in sorted(by_slug.items()):
        by_lang: dict[str, list[Source]] = defaultdict(list)
        for source in group:
            by_lang[source.lang].append(source)
        for lang, same in sorted(by_lang.items()):
            for duplicate in same[1:]:
                yield Problem(
                    duplicate.path,
                    duplicate.front.line_of("slug"),
                    f"{same[0].path} already has Slug '{slug_value}' in language '{lang}'",
                    "give one of the two files another Slug, or another Lang if it is the translation",
                    message_zh=f"{same[0].path} 已经用了 Slug“{slug_value}”和语言“{lang}”",
                    fix_zh="请给两个文件之一换一个 Slug；如果它是译文，请改它的 Lang",
                )
        missing = [lang for lang in rules.languages if lang not in by_lang]
        on_purpose = any(YES_NO.get(s.front.values.get("single_language", "").lower(), False) for s in group)
        if missing and not on_purpose:
            first = group[0]
            yield Problem(
                first.path,
                first.front.line_of("lang"),
                f"'{slug_value}' has no translation in {', '.join(missing)}, "
                "so it is listed in one language only",
                f"add the translation as {Path(first.path).name.split('.')[0]}.{missing[0]}.md "
                "with the same Slug, or add 'Single_language: yes' if that is on purpose",
                ERROR if rules.strict else WARNING,
                message_zh=f"“{slug_value}”没有 {'、'.join(missing)} 版本，所以只会在一种语言里列出",
                fix_zh=f"请添加译文 {Path(first.path).name.split('.')[0]}.{missing[0]}.md（Slug 相同）；"
                "如果有意只用一种语言，请在字段区加上“Single_language: yes”",
            )


def check_campaign_links(sources: list[Source], rules: Rules) -> Iterable[Problem]:
    campaigns = {s.slug for s in sources if s.front.values.get("template") == "campaign"}
    for source in sources:
        campaign = source.front.values.get("campaign")
        if source.kind == "story" and campaign and SLUG.match(campaign) and campaign not in campaigns:
            known = ", ".join(sorted(campaigns)) or "none yet"
            yield Problem(
                source.path,
                source.front.line_of("campaign"),
                f"Campaign: there is no campaign page with Slug '{campaign}'",
                f"use the Slug of a campaign page (known: {known})",
                message_zh=f"Campaign：没有 Slug 为“{campaign}”的项目页面",
                fix_zh=f"请填写一个项目页面的 Slug（现有：{'、'.join(sorted(campaigns)) or '暂无'}）",
            )


def load_sources(files: Iterable[tuple[str, str, str]]) -> list[Source]:
    """files: (displayed path, kind, text)."""
    return [Source(path, kind, parse_front_matter(body), body) for path, kind, body in files]


def check_sources(sources: list[Source], rules: Rules) -> list[Problem]:
    problems: list[Problem] = []
    # A story whose consent is withdrawn is not built, in any language: nothing
    # about it may hold up the takedown. Its other mistakes are only warnings.
    down = {id(source) for source in consent_rules.taken_down(sources)}
    for source in sources:
        if id(source) in down:
            problems.extend(consent_rules.ignored_while_down(source, check_fields(source, rules)))
    problems.extend(
        consent_rules.check_names_of_taken_down(
            [s for s in sources if id(s) in down], [s for s in sources if id(s) not in down]
        )
    )
    sources = [s for s in sources if id(s) not in down]
    for source in sources:
        problems.extend(check_fields(source, rules))
    # A header line still holding its placeholder is reported once, as such:
    # what other checks make of the placeholder text is noise.
    unfilled = placeholder_lines(sources)
    from haihui import checks  # the list of checks imports this module

    for check in checks.CHECKS:
        problems.extend(p for p in check(sources, rules) if (p.path, p.line) not in unfilled)
    return sorted(problems)
