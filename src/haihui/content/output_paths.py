"""Output addresses: every story and page gets a file of its own, inside output/.

A page whose file is one the build writes itself (a home page, a listing or
one of its pages, a feed, the sitemap, robots.txt, the preview problems page,
the fund-use open data, a picture, the theme's files) would replace it, and
two pages with one file would replace each other: Pelican writes whichever
comes last, silently. A `Save_as` or `Url` such as `../..`, `/etc/x` or
`C:\\x` would write outside output/ or somewhere no one expects.

`check_output_paths` judges the header values (one of haihui.checks.CHECKS, before
Pelican reads anything); `collisions` is shared with haihui_speed, which asks
it again at write time about the files Pelican actually worked out, so the
build fails closed if anything got past the header check.

Pure functions over the sources and settings; no disk.
"""

import posixpath
import re
import unicodedata
from collections.abc import Iterable, Mapping
from dataclasses import dataclass

from haihui.content.links import content_save_as
from haihui.problems import Problem

# What a part of a Save_as or Url may be: lower-case letters, digits, '-', '_'
# and '.', not starting with a dot (no '.', '..' or hidden files like .htaccess).
SAFE_PART = re.compile(r"^[a-z0-9_-][a-z0-9._-]*$")
EXAMPLE = "Save_as: 404.html and Url: 404.html"
EXAMPLE_ZH = "Save_as: 404.html 和 Url: 404.html"


@dataclass(frozen=True)
class Owned:
    """A file (or, with a trailing '/', a folder) the build itself writes."""

    path: str
    what: str
    what_zh: str
    pattern: re.Pattern | None = None  # the pages after the first of a paginated listing


@dataclass(frozen=True)
class Claim:
    """The file one story or page is written to, and the header line that decides it."""

    file: str  # in output/, as Pelican will write it
    source: str  # the file staff edit, as they see it
    line: int
    field: str  # "Slug", "Save_as" (what to change to move the file)
    kind: str = "page"
    slug: str = ""
    lang: str = ""

    @property
    def from_slug(self) -> bool:
        return self.field == "Slug"


def path_key(path: str) -> str:
    """One spelling per file: `./a//b` is `a/b`, and `A` is `a` (Windows and macOS disks ignore case)."""
    normal = posixpath.normpath(path.replace("\\", "/")) if path else ""
    return unicodedata.normalize("NFC", normal).casefold()


# ------------------------------------------------------------ what the build writes


def _rule_parts(rule) -> tuple[int, str]:
    """(first page, SAVE_AS) of a PAGINATION_PATTERNS rule (a tuple, or Pelican's PaginationRule)."""
    return int(rule[0]), str(rule[2])


def pagination_pattern(settings: Mapping, first_page: str) -> re.Pattern | None:
    """Every later page Pelican may write for a paginated listing whose first page is `first_page`."""
    name, extension = posixpath.splitext(first_page)
    folder, file = posixpath.split(first_page)
    base_name = folder if file in ("index.htm", "index.html") else name
    marker = "\x00"
    shapes = []
    for min_page, save_as in (_rule_parts(r) for r in settings.get("PAGINATION_PATTERNS", ())):
        if min_page == 1:
            continue  # the first page is the listing itself
        try:
            spelled = save_as.format(
                save_as=first_page, name=name, base_name=base_name, extension=extension, number=marker, url=""
            )
        except (KeyError, IndexError):
            continue
        shapes.append(re.escape(path_key(spelled.removeprefix("/"))).replace(re.escape(marker), "[0-9]+"))
    return re.compile("|".join(shapes)) if shapes else None


def owned_by_build(settings: Mapping) -> list[Owned]:
    """Every file and folder the build writes besides stories and pages, described for staff."""
    owned: list[Owned] = []
    languages = settings.get("LANGUAGES", {})
    plugins = settings.get("PLUGINS", [])
    if "haihui_listings" in plugins and settings.get("LISTING_URLS"):
        from haihui.listings import written_files

        for written in written_files(settings):
            owned.append(Owned(written.path, written.what, written.what_zh))
            later = pagination_pattern(settings, written.path) if written.paginated else None
            if later is not None:
                owned.append(
                    Owned(
                        written.path,
                        f"a later page of {written.what}",
                        f"{written.what_zh}的后续分页",
                        pattern=later,
                    )
                )
    if "haihui_content" in plugins and settings.get("CHECK_REPORT_URL"):
        for lang, spec in languages.items():
            url = settings["CHECK_REPORT_URL"].format(prefix=spec.get("prefix", ""))
            owned.append(
                Owned(
                    f"{url}index.html" if url.endswith("/") or not url else url,
                    f"the preview problems page ({spec.get('name', lang)})",
                    f"预览问题列表页（{spec.get('name', lang)}）",
                )
            )
    if "haihui_giving" in plugins:
        for kind, path in settings.get("FUND_USE_DATA_FILES", {}).items():
            owned.append(Owned(path, f"the fund-use open data ({kind})", f"善款使用公开数据（{kind}）"))
    folders = [f.strip("/") for f in settings.get("STATIC_PATHS", [])]
    if "haihui_pictures" in plugins:
        from haihui.pictures import OUTPUT_FOLDER

        folders.append(OUTPUT_FOLDER)
    for folder in dict.fromkeys(f for f in folders if f):
        owned.append(Owned(f"{folder}/", f"the pictures folder {folder}/", f"图片文件夹 {folder}/"))
    theme = str(settings.get("THEME_STATIC_DIR", "theme")).strip("/")
    if theme:
        owned.append(
            Owned(
                f"{theme}/", f"the theme's folder {theme}/ (CSS, icons)", f"主题文件夹 {theme}/（CSS、图标）"
            )
        )
    return owned


def reserved_names(settings: Mapping, owned: list[Owned]) -> dict[str, tuple[str, str]]:
    """Names a page's Slug may not take where it becomes the first folder of an address:
    the language codes and the folders the build writes into."""
    names: dict[str, tuple[str, str]] = {}
    for lang, spec in settings.get("LANGUAGES", {}).items():
        names.setdefault(
            lang.casefold(),
            (f"the language code of {spec.get('name', lang)}", f"{spec.get('name', lang)}的语言代码"),
        )
        prefix = spec.get("prefix", "").strip("/")
        if prefix:
            names.setdefault(
                prefix.casefold(),
                (f"the folder of the {spec.get('name', lang)} site", f"{spec.get('name', lang)}网站的文件夹"),
            )
    data_files = set(settings.get("FUND_USE_DATA_FILES", {}).values())  # beside the fund-use page
    for item in owned:
        if item.path in data_files:
            continue
        rest = _without_prefix(item.path, settings)
        if "/" in rest:
            names.setdefault(
                path_key(rest.split("/", 1)[0]),
                (f"a folder the site writes ({item.what})", f"网站自己使用的文件夹（{item.what_zh}）"),
            )
    for key in ("DRAFT_SAVE_AS", "DRAFT_PAGE_SAVE_AS"):
        pattern = str(settings.get(key, "drafts/"))
        if "/" in pattern and "{" not in pattern.split("/", 1)[0]:
            names.setdefault(path_key(pattern.split("/", 1)[0]), ("the folder of drafts", "草稿文件夹"))
    return names


def _without_prefix(path: str, settings: Mapping, lang: str | None = None) -> str:
    """`zh/stories/index.html` -> `stories/index.html` (only `lang`'s prefix, when given)."""
    for code, spec in settings.get("LANGUAGES", {}).items():
        prefix = spec.get("prefix", "")
        if prefix and (lang is None or code == lang) and path.startswith(prefix):
            return path[len(prefix) :]
    return path


# ------------------------------------------------------------ how an address is spelled


def address_problem(value: str, field: str) -> tuple[str, str, str, str, bool] | None:
    """What is wrong with a Save_as or Url value: (what, fix, what_zh, fix_zh, stops_the_check).

    `stops_the_check`: the value cannot be a place in output/ at all, so no
    collision is looked for.
    """
    label = field
    fix = (
        f"write a place inside the site with lower-case letters, digits and hyphens, e.g. "
        f"{EXAMPLE}; or remove Save_as and Url so the page's address comes from its Slug"
    )
    fix_zh = (
        f"请写网站内的位置，只用小写字母、数字和连字符，例如 {EXAMPLE_ZH}；或者删除 Save_as 和 Url，"
        "让页面地址由 Slug 决定"
    )

    def wrong(what, what_zh, stops=True):
        return (f"{label} '{value}' {what}", fix, f"{label}“{value}”{what_zh}", fix_zh, stops)

    if "\\" in value:
        return wrong("has a backslash (\\): addresses are written with /", "含有反斜杠（\\）：地址要用 /")
    if any(c < " " or c == "\x7f" for c in value):
        return wrong("has a control character", "含有控制字符")
    if value.startswith(("/", "~")):
        return wrong(
            "starts at the root of the computer, outside the site's output folder",
            "从电脑的根目录算起，超出了网站的输出文件夹",
        )
    if ":" in value:
        return wrong(
            "has a colon: a drive (C:) or another site (https://) is not a place in this site",
            "含有冒号：盘符（C:）或其他网站（https://）都不是本网站里的位置",
        )
    parts = value.split("/")
    if field == "Url" and len(parts) > 1 and parts[-1] == "":
        parts = parts[:-1]  # an address may end with / (a folder's index.html)
    if ".." in parts:
        return wrong("goes up out of the site's output folder ('..')", "用“..”跳出了网站的输出文件夹")
    if field == "Save_as" and parts[-1] == "":
        return wrong("names a folder, not a file", "是文件夹而不是文件")
    if "" in parts:
        return wrong("has an empty part (// or a / at the start)", "含有空的一段（// 或开头的 /）")
    if "." in parts:
        return wrong("has a '.' part", "含有“.”这一段")
    for part in parts:
        if part.startswith("."):
            return wrong(
                f"names a hidden file ('{part}'), which web servers treat as configuration",
                f"指向隐藏文件（“{part}”），网页服务器会把它当作配置文件",
            )
        if not SAFE_PART.match(part):
            return wrong(
                f"has '{part}', with a character other than a-z, 0-9, '-', '_' or '.'",
                f"其中“{part}”含有 a-z、0-9、-、_、. 以外的字符",
            )
    if not (field == "Url" and value.endswith("/")) and not value.endswith(".html"):
        return wrong(
            "does not end with .html: a page is an HTML file",
            "不是以 .html 结尾：页面是 HTML 文件",
            stops=False,
        )
    return None


def _url_of(save_as: str) -> str:
    return save_as.removesuffix("index.html") if save_as.endswith("/index.html") else save_as


def _save_as_of(url: str) -> str:
    return f"{url}index.html" if url == "" or url.endswith("/") else url


# ------------------------------------------------------------ collisions


def _where(claim: Claim) -> str:
    return f"{claim.source}:{claim.line}"


def _move_fix(claim: Claim) -> tuple[str, str]:
    if claim.from_slug:
        return (
            f"give this {claim.kind} another Slug (its file comes from its Slug)",
            f"请给这个{'故事' if claim.kind == 'story' else '页面'}换一个 Slug（文件位置由 Slug 决定）",
        )
    return (
        "choose another Save_as and Url, or remove both so the address comes from the Slug",
        "请换一个 Save_as 和 Url，或者把两行都删除，让地址由 Slug 决定",
    )


def _claim_said(claim: Claim) -> tuple[str, str]:
    if claim.from_slug:
        return (
            f"Slug '{claim.slug}' puts this {claim.kind} at {claim.file}",
            f"Slug“{claim.slug}”让这个{'故事' if claim.kind == 'story' else '页面'}写到 {claim.file}",
        )
    return (
        f"{claim.field} puts this {claim.kind} at {claim.file}",
        f"{claim.field} 让这个{'故事' if claim.kind == 'story' else '页面'}写到 {claim.file}",
    )


def _owned_parents(owned: list[Owned]) -> dict[str, Owned]:
    parents: dict[str, Owned] = {}
    for item in owned:
        if item.pattern is not None:
            continue
        parts = path_key(item.path).split("/")
        for end in range(1, len(parts)):
            parents.setdefault("/".join(parts[:end]), item)
    return parents


def _owned_at(key: str, exact: dict, folders: list, patterns: list) -> Owned | None:
    hit = exact.get(key)
    if hit is None:
        hit = next((o for mine, o in folders if key == mine or key.startswith(mine + "/")), None)
    if hit is None:
        hit = next((o for o in patterns if o.pattern.fullmatch(key)), None)
    return hit


def collisions(claims: list[Claim], owned: list[Owned]) -> list[Problem]:
    """A problem for every claim whose file the build writes itself, or another claim has.

    Said in plain words for each: the file, what it is, which header line to change.
    A thousand stories: one pass of dictionary look-ups (the build asks this too).
    """
    problems: list[Problem] = []
    parents = _owned_parents(owned)
    exact = {path_key(o.path): o for o in owned if o.pattern is None and not o.path.endswith("/")}
    folders = [(path_key(o.path), o) for o in owned if o.pattern is None and o.path.endswith("/")]
    patterns = [o for o in owned if o.pattern is not None]
    keys = [path_key(claim.file) for claim in claims]
    for claim, key in zip(claims, keys, strict=True):
        hit = _owned_at(key, exact, folders, patterns)
        under = parents.get(key) if hit is None else None
        above = None
        if hit is None and under is None and "/" in key:
            parts = key.split("/")
            above = next(
                (exact[f] for end in range(1, len(parts)) if (f := "/".join(parts[:end])) in exact), None
            )
        if hit is None and under is None and above is None:
            continue
        said, said_zh = _claim_said(claim)
        fix, fix_zh = _move_fix(claim)
        if hit is not None:
            problems.append(
                Problem(
                    claim.source,
                    claim.line,
                    f"{said}, which is {hit.what}: the build writes that file itself, and this {claim.kind} "
                    "would replace it",
                    fix,
                    message_zh=f"{said_zh}，而这是{hit.what_zh}：网站自己会写这个文件，这个页面会把它替换掉",
                    fix_zh=fix_zh,
                )
            )
        elif under is not None:
            problems.append(
                Problem(
                    claim.source,
                    claim.line,
                    f"{said}, the name of the folder that holds {under.what} ({under.path})",
                    fix,
                    message_zh=f"{said_zh}，这正是存放{under.what_zh}（{under.path}）的文件夹的名字",
                    fix_zh=fix_zh,
                )
            )
        elif above is not None:  # always so here: the claims with no hit, under or above were skipped
            problems.append(
                Problem(
                    claim.source,
                    claim.line,
                    f"{said}, inside {above.path}, which is a file: {above.what}",
                    fix,
                    message_zh=f"{said_zh}，在 {above.path} 里面，但那是一个文件：{above.what_zh}",
                    fix_zh=fix_zh,
                )
            )
    problems += _claims_against_each_other(claims, keys)
    return problems


def _claims_against_each_other(claims: list[Claim], keys: list[str]) -> list[Problem]:
    problems: list[Problem] = []
    first_of: dict[str, Claim] = {}
    folders: dict[str, Claim] = {}
    for claim, key in zip(claims, keys, strict=True):
        parts = key.split("/")
        for end in range(1, len(parts)):
            folders.setdefault("/".join(parts[:end]), claim)
    for claim, key in zip(claims, keys, strict=True):
        earlier = first_of.setdefault(key, claim)
        holder = folders.get(key)
        if earlier is claim and (holder is None or holder is claim):
            continue
        said, said_zh = _claim_said(claim)
        fix, fix_zh = _move_fix(claim)
        if earlier is not claim:
            same_pair = (
                claim.from_slug
                and earlier.from_slug
                and claim.kind == earlier.kind
                and claim.slug == earlier.slug
                and claim.lang == earlier.lang
            )
            if same_pair:
                continue  # one Slug twice in one language: check_pairs says so
            problems.append(
                Problem(
                    claim.source,
                    claim.line,
                    f"{said}, the same file as {_where(earlier)} gives: one of the two "
                    "would silently replace the other",
                    fix,
                    message_zh=f"{said_zh}，与 {_where(earlier)} 是同一个文件：其中一个会悄悄替换另一个",
                    fix_zh=fix_zh,
                )
            )
        elif holder is not None:  # always so here: a claim with no earlier one and no holder was skipped
            problems.append(
                Problem(
                    claim.source,
                    claim.line,
                    f"{said}, the name of the folder {_where(holder)} is written into ({holder.file})",
                    fix,
                    message_zh=f"{said_zh}，而 {_where(holder)} 要写进以它为名的文件夹（{holder.file}）",
                    fix_zh=fix_zh,
                )
            )
    return problems


# ------------------------------------------------------------ the check over the headers


def _slug_problem(source, slug: str, file: str, settings: Mapping, reserved) -> Problem | None:
    """A Slug that becomes the first folder of the page's address and is a name the site uses."""
    rest = _without_prefix(file, settings, source.front.values.get("lang"))
    if path_key(rest.split("/", 1)[0]) != slug.casefold() or slug.casefold() not in reserved:
        return None
    what, what_zh = reserved[slug.casefold()]
    return Problem(
        source.path,
        source.front.line_of("slug"),
        f"Slug '{slug}' is {what}; a page with this Slug would sit where the site keeps its own "
        "pages and files, and could replace them",
        f"choose a Slug that says what the page is about (e.g. 'our-{slug}'); these are taken: "
        + ", ".join(sorted(reserved)),
        message_zh=f"Slug“{slug}”是{what_zh}；用这个 Slug 的页面会放在网站自己的页面和文件所在的位置，"
        "可能把它们替换掉",
        fix_zh=f"请换一个说明页面内容的 Slug（例如“our-{slug}”）；以下名字已被占用："
        + "、".join(sorted(reserved)),
    )


def page_claims(sources, settings: Mapping) -> tuple[list[Claim], list[Problem]]:
    """The file every source is written to, and what is wrong with how its header sets it."""
    claims: list[Claim] = []
    problems: list[Problem] = []
    # Reported only when the file collides with nothing: a collision says more.
    if_nothing_else: list[Problem] = []
    owned = owned_by_build(settings)
    reserved = reserved_names(settings, owned)
    campaign_url: str = settings.get("CAMPAIGN_URL") or ""  # unset and empty both mean no campaigns
    for source in sources:
        values = source.front.values
        line = source.front.line_of
        spelled_ok = True
        campaign = source.kind == "page" and values.get("template") == "campaign" and bool(campaign_url)
        for key, label in (("save_as", "Save_as"), ("url", "Url")):
            if key not in values:
                continue
            if campaign:
                where = campaign_url.replace("{prefix}", "").replace("{slug}", "<slug>")
                problems.append(
                    Problem(
                        source.path,
                        line(key),
                        f"{label} is ignored on a campaign page: every campaign page is at {where}",
                        f"remove the {label} line; the Slug gives the campaign its address",
                        message_zh=f"项目页面的 {label} 不起作用：所有项目页面都在 {where}",
                        fix_zh=f"请删除 {label} 这一行；项目的地址由 Slug 决定",
                    )
                )
                continue
            wrong = address_problem(values[key], label)
            if wrong is not None:
                what, fix, what_zh, fix_zh, stops = wrong
                problem = Problem(source.path, line(key), what, fix, message_zh=what_zh, fix_zh=fix_zh)
                (problems if stops else if_nothing_else).append(problem)
                spelled_ok = spelled_ok and not stops
        if not spelled_ok:
            continue
        if not campaign and ("save_as" in values) != ("url" in values):
            given, missing = ("Save_as", "Url") if "save_as" in values else ("Url", "Save_as")
            shown = values.get("save_as") or values.get("url") or ""
            other = _url_of(shown) if given == "Save_as" else _save_as_of(shown)
            if_nothing_else.append(
                Problem(
                    source.path,
                    line(given.lower()),
                    f"{given} is given without {missing}: links, the language switcher and the sitemap "
                    f"would point to another address than the file",
                    f"add '{missing}: {other}', or remove {given} so the Slug gives the address",
                    message_zh=f"只写了 {given}，没有写 {missing}："
                    "链接、语言切换和网站地图会指向与文件不同的地址",
                    fix_zh=f"请加上“{missing}: {other}”，或删除 {given}，让地址由 Slug 决定",
                )
            )
        elif not campaign and "save_as" in values and _save_as_of(values["url"]) != values["save_as"]:
            if_nothing_else.append(
                Problem(
                    source.path,
                    line("url"),
                    f"Url '{values['url']}' is not the address of Save_as '{values['save_as']}': links would "
                    "go to another page than this one",
                    f"write 'Url: {_url_of(values['save_as'])}'",
                    message_zh=f"Url“{values['url']}”不是 Save_as“{values['save_as']}”对应的地址："
                    "链接会指向别的页面",
                    fix_zh=f"请写成“Url: {_url_of(values['save_as'])}”",
                )
            )
        file = content_save_as(source.kind, values, settings)
        if file is None:
            continue
        by_slug = campaign or "save_as" not in values
        if by_slug and values.get("slug"):
            slug_problem = _slug_problem(source, values["slug"], file, settings, reserved)
            if slug_problem is not None:
                if_nothing_else.append(slug_problem)
        claims.append(
            Claim(
                file,
                source.path,
                line("slug" if by_slug else "save_as"),
                "Slug" if by_slug else "Save_as",
                source.kind,
                values.get("slug", ""),
                values.get("lang", ""),
            )
        )
    collided = collisions(claims, owned)
    told = {p.path for p in collided}
    return claims, problems + collided + [p for p in if_nothing_else if p.path not in told]


def check_output_paths(sources, rules) -> Iterable[Problem]:
    """Every story and page gets a file of its own, inside output/ (one of haihui.checks.CHECKS)."""
    settings = rules.settings
    if not settings or not settings.get("LANGUAGES"):
        return []
    return page_claims(sources, settings)[1]
