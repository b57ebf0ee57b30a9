"""`invoke new-story`: the text of a new story's files, as plain functions.

The header lists every required field of STORY_FIELDS (content_rules.py), so
a field another rule makes required appears in new stories without a change
here. What the task knows (slug, language, date, campaign, the person's name)
is filled in; everything else is a placeholder (`TODO: ...` in English,
`待填写：...` in Chinese) that the checker refuses until a person replaces it.
A short guide follows the header as an HTML comment.
"""

from collections.abc import Iterable, Mapping
from datetime import date as Date
from pathlib import Path

from haihui.content.content_rules import SLUG, STORY_FIELDS, Field
from haihui.content.frontmatter import parse_front_matter
from haihui.content.placeholders import MARKERS_EN, MARKERS_ZH
from haihui.problems import display_path

# What each known field means, for the guide (English, Chinese). Fields that
# other rules add and that are not listed here are explained by their example.
FIELD_GUIDE = {
    "title": ("the headline, in this file's language", "标题，用本文件的语言"),
    "slug": (
        "the story's address; the same in both files, never changed once published",
        "故事的网址名；两个文件必须相同，发布后不要再改",
    ),
    "lang": ("the language of this file: en or zh", "本文件的语言：en 或 zh"),
    "date": ("the day the story is published, YYYY-MM-DD", "发布日期，格式 YYYY-MM-DD"),
    "summary": ("one sentence, shown in lists and search results", "一句话简介，显示在列表和搜索结果里"),
    "campaign": ("the Slug of the campaign page the story belongs to", "故事所属项目页面的 Slug"),
    "person": (
        "the name exactly as the person agreed to show it; no surname she did not agree to",
        "按本人同意公开的方式写名字；不要写本人没有同意公开的姓氏",
    ),
    "person_note": (
        "a note about the name, e.g. that the Chinese spelling is a transliteration",
        "关于名字的说明，例如中文名为音译、待本人确认",
    ),
    "single_language": (
        "yes if the story is on purpose in one language only",
        "如果故事有意只用一种语言，写 yes",
    ),
    "status": (
        "draft keeps the story off the site while you work on it",
        "写 draft 可以在完成前不让故事上线",
    ),
    "modified": ("the day of the last real change, YYYY-MM-DD", "最后一次实质修改的日期，格式 YYYY-MM-DD"),
    "consent": (
        (
            "'given YYYY-MM-DD' when she gave informed consent; 'withdrawn YYYY-MM-DD' takes the "
            "story down everywhere"
        ),
        "“given 日期”表示本人知情同意的日期；写“withdrawn 日期”会让故事在各处下线",
    ),
    "consent_languages": (
        "the languages she agreed to be published in, e.g. en, zh",
        "本人同意发布的语言，例如 en, zh",
    ),
    "photos": (
        "yes only if she agreed that photos of her may be shown",
        "只有本人同意展示她的照片时才写 yes",
    ),
    "consent_form": (
        "where the signed form is kept (never the form itself, never a link)",
        "签字同意书的存放位置（不要放同意书本身，也不要放链接）",
    ),
    "location": (
        "county level at most, e.g. Daliang Mountains, Sichuan; never a village",
        "最多写到县一级，例如“四川大凉山”；不要写村名",
    ),
    "image": (
        "the story's main picture, a path in content/, e.g. images/photos/ayi-2026.jpg",
        "故事的主图，content/ 里的路径，例如 images/photos/ayi-2026.jpg",
    ),
    "image_alt": (
        "what the picture shows, for people who cannot see it (needed to publish)",
        "图片内容说明，写给看不见图片的人（正式发布必须填写）",
    ),
}


def field_label(key: str, spec: Field) -> str:
    """How staff write the key: from the field's example when it has one ('Single_language')."""
    head = spec.example.split(":", 1)[0].strip() if ":" in spec.example else ""
    return head if head.lower() == key else key.capitalize()


def _example_value(spec: Field) -> str:
    return spec.example.split(":", 1)[1].strip() if ":" in spec.example else ""


def placeholder(key: str, spec: Field, lang: str, name: str) -> str:
    zh = lang == "zh"
    if key == "title":
        return (
            f"{MARKERS_ZH}：用一句话概括{name}的故事"
            if zh
            else f"{MARKERS_EN}: {name}'s story in a few words"
        )
    if key == "summary":
        return (
            f"{MARKERS_ZH}：用一句话说明这个故事讲什么"
            if zh
            else (f"{MARKERS_EN}: one sentence that says what the story is about")
        )
    example = _example_value(spec)
    if zh:
        return f"{MARKERS_ZH}：例如 {example}" if example else MARKERS_ZH
    return f"{MARKERS_EN}: e.g. {example}" if example else MARKERS_EN


def _guide(slug: str, lang: str, other_langs: Iterable[str], fields: Mapping[str, Field]) -> str:
    zh = lang == "zh"
    required = [k for k, s in fields.items() if s.required or s.in_new_story]
    optional = [k for k, s in fields.items() if not (s.required or s.in_new_story)]

    def describe(key):
        en_text, zh_text = FIELD_GUIDE.get(key, ("", ""))
        text = (zh_text if zh else en_text) or (
            ("例如 " if zh else "e.g. ") + (fields[key].example or field_label(key, fields[key]))
        )
        return f"  - {field_label(key, fields[key])}: {text}"

    others = ", ".join(f"{slug}.{other}.md" for other in other_langs)
    if zh:
        lines = [
            "<!--",
            "写作指南（写完后可以删除这段注释，它不会显示在网页上）：",
            f"- 把上面字段区和下面正文里所有“{MARKERS_ZH}”都换成真实内容。",
            "  运行 make check 会列出还没填的地方；全部填好之前，网站不会生成。",
            "- 字段区到第一个空行为止，每行一个字段，格式是“Key: value”（英文冒号）。",
            "- 必填字段：",
            *map(describe, required),
            "- 可选字段（需要时加在字段区里）：",
            *map(describe, optional),
            f"- 同一个故事的其他语言版本：{others}，Slug 必须相同。",
            "- 只有在本人知情同意并且有记录的情况下才能发布故事和照片；本人撤回同意，故事必须下线。",
            "- 尊重本人：尽量用她自己的话；不要悲情化，不要刻板印象；",
            "  不写村名或精确位置，不写她没有同意公开的姓氏。",
            "- 照片放在 content/images/，写法见 docs/staff-guide.zh.md。",
            "- 链接网站的其他页面：[文字]({filename}/pages/about.zh.md)。",
            f"- 预览：运行 make serve，打开 http://127.0.0.1:8000/zh/stories/{slug}/",
            "-->",
        ]
    else:
        lines = [
            "<!--",
            "How to write this story (delete this comment when you are done; it never shows on the page):",
            f"- Replace every {MARKERS_EN} in the header above and in the text below with real text.",
            "  `make check` lists what is still missing; the site does not build until all are filled.",
            "- The header ends at the first blank line: one field per line, written `Key: value`.",
            "- Required fields:",
            *map(describe, required),
            "- Optional fields (add them to the header when you need them):",
            *map(describe, optional),
            f"- The same story in the other language: {others}, with the same Slug.",
            "- Publish a story or photo only with the person's informed consent, recorded; if she",
            "  withdraws it, the story comes down.",
            "- Respect her: her own words where she wishes; no pity, no stereotypes; no village",
            "  name or exact location, no surname beyond what she agreed to.",
            "- Photos go in content/images/; see docs/staff-guide.md for how to add them.",
            "- Link another page of the site like this: [text]({filename}/pages/about.en.md).",
            f"- Preview: run `make serve` and open http://127.0.0.1:8000/stories/{slug}/",
            "-->",
        ]
    return "\n".join(lines)


def story_text(
    slug: str,
    lang: str,
    names: Mapping[str, str],
    campaign: str,
    today: Date,
    languages: Iterable[str] = ("en", "zh"),
    fields: Mapping[str, Field] | None = None,
) -> str:
    """The whole text of `<slug>.<lang>.md` for a new story."""
    fields = STORY_FIELDS if fields is None else fields
    name = names.get(lang) or next(iter(names.values()))
    known = {"slug": slug, "lang": lang, "date": today.isoformat(), "campaign": campaign, "person": name}
    header = [
        f"{field_label(key, spec)}: {known.get(key) or placeholder(key, spec, lang, name)}"
        for key, spec in fields.items()
        if spec.required or spec.in_new_story
    ]
    body = (
        f"{MARKERS_ZH}：在这里写故事正文。尽量用她自己的话，写她同意公开的内容。"
        if lang == "zh"
        else f"{MARKERS_EN}: write the story here, in her own words where she wishes, "
        "and only what she agreed to share."
    )
    others = [other for other in languages if other != lang]
    return "\n".join(header) + "\n\n" + _guide(slug, lang, others, fields) + "\n\n" + body + "\n"


def story_files(
    slug: str, names: Mapping[str, str], campaign: str, today: Date, languages: Iterable[str] = ("en", "zh")
) -> dict[str, str]:
    """{file name: text} of a new story, one file per language."""
    languages = tuple(languages)
    return {
        f"{slug}.{lang}.md": story_text(slug, lang, names, campaign, today, languages) for lang in languages
    }


def slug_problem(slug: str, stories: Path) -> str | None:
    """Why `slug` cannot be a new story's slug, or None."""
    if not SLUG.match(slug):
        return (
            f"'{slug}' is not a valid slug: use lower-case letters a-z, digits and hyphens, e.g. 'adiniuniu'"
        )
    for path in sorted(stories.rglob("*.md")) if stories.is_dir() else []:
        if (
            path.name.split(".")[0] == slug
            or parse_front_matter(path.read_text("utf-8")).values.get("slug") == slug
        ):
            return (
                f"a story with the slug '{slug}' already exists ({display_path(path, Path.cwd())}): "
                "choose another slug, or edit that story"
            )
    return None


def suggest_slug(name: str) -> str:
    """'Ji Bu Guo-guo' -> 'ji-bu-guo-guo' (Latin letters only; empty if nothing is left)."""
    cleaned = "".join(ch.lower() if ch.isascii() and ch.isalnum() else "-" for ch in name)
    return "-".join(part for part in cleaned.split("-") if part)
