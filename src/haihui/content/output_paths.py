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
from haihui.problems import N_, Items, Msg, Problem, msg, named

# What a part of a Save_as or Url may be: lower-case letters, digits, '-', '_'
# and '.', not starting with a dot (no '.', '..' or hidden files like .htaccess).
SAFE_PART = re.compile(r"^[a-z0-9_-][a-z0-9._-]*$")
# What a story and a page are called in messages to staff.
KINDS = {"story": msg("story"), "page": msg("page")}


@dataclass(frozen=True)
class Owned:
    """A file (or, with a trailing '/', a folder) the build itself writes."""

    path: str
    what: Msg  # for staff, e.g. "the sitemap"
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
            owned.append(Owned(written.path, written.what))
            later = pagination_pattern(settings, written.path) if written.paginated else None
            if later is not None:
                owned.append(
                    Owned(written.path, msg("a later page of {what}", what=written.what), pattern=later)
                )
    if "haihui_content" in plugins and settings.get("CHECK_REPORT_URL"):
        for lang, spec in languages.items():
            url = settings["CHECK_REPORT_URL"].format(prefix=spec.get("prefix", ""))
            owned.append(
                Owned(
                    f"{url}index.html" if url.endswith("/") or not url else url,
                    msg("the preview problems page ({language})", language=spec.get("name", lang)),
                )
            )
    if "haihui_giving" in plugins:
        for kind, path in settings.get("FUND_USE_DATA_FILES", {}).items():
            owned.append(Owned(path, msg("the fund-use open data ({kind})", kind=kind)))
    folders = [f.strip("/") for f in settings.get("STATIC_PATHS", [])]
    if "haihui_pictures" in plugins:
        from haihui.pictures import OUTPUT_FOLDER

        folders.append(OUTPUT_FOLDER)
    for folder in dict.fromkeys(f for f in folders if f):
        owned.append(Owned(f"{folder}/", msg("the pictures folder {folder}/", folder=folder)))
    theme = str(settings.get("THEME_STATIC_DIR", "theme")).strip("/")
    if theme:
        owned.append(Owned(f"{theme}/", msg("the theme's folder {folder}/ (CSS, icons)", folder=theme)))
    return owned


def reserved_names(settings: Mapping, owned: list[Owned]) -> dict[str, Msg]:
    """Names a page's Slug may not take where it becomes the first folder of an address:
    the language codes and the folders the build writes into."""
    names: dict[str, Msg] = {}
    for lang, spec in settings.get("LANGUAGES", {}).items():
        names.setdefault(
            lang.casefold(), msg("the language code of {language}", language=spec.get("name", lang))
        )
        prefix = spec.get("prefix", "").strip("/")
        if prefix:
            names.setdefault(
                prefix.casefold(), msg("the folder of the {language} site", language=spec.get("name", lang))
            )
    data_files = set(settings.get("FUND_USE_DATA_FILES", {}).values())  # beside the fund-use page
    for item in owned:
        if item.path in data_files:
            continue
        rest = _without_prefix(item.path, settings)
        if "/" in rest:
            names.setdefault(
                path_key(rest.split("/", 1)[0]), msg("a folder the site writes ({what})", what=item.what)
            )
    for key in ("DRAFT_SAVE_AS", "DRAFT_PAGE_SAVE_AS"):
        pattern = str(settings.get(key, "drafts/"))
        if "/" in pattern and "{" not in pattern.split("/", 1)[0]:
            names.setdefault(path_key(pattern.split("/", 1)[0]), msg("the folder of drafts"))
    return names


def _without_prefix(path: str, settings: Mapping, lang: str | None = None) -> str:
    """`zh/stories/index.html` -> `stories/index.html` (only `lang`'s prefix, when given)."""
    for code, spec in settings.get("LANGUAGES", {}).items():
        prefix = spec.get("prefix", "")
        if prefix and (lang is None or code == lang) and path.startswith(prefix):
            return path[len(prefix) :]
    return path


# ------------------------------------------------------------ how an address is spelled


def address_problem(value: str, field: str) -> tuple[Msg, Msg, bool] | None:
    """What is wrong with a Save_as or Url value: (what, fix, stops_the_check).

    `stops_the_check`: the value cannot be a place in output/ at all, so no
    collision is looked for.
    """
    fix = msg(
        "write a place inside the site with lower-case letters, digits and hyphens, e.g. "
        "Save_as: 404.html and Url: 404.html; or remove Save_as and Url so the page's "
        "address comes from its Slug"
    )

    def wrong(what: Msg, stops=True):
        return msg(N_("{field} '{value}' {what}"), field=field, value=value, what=what), fix, stops

    if "\\" in value:
        return wrong(msg("has a backslash (\\): addresses are written with /"))
    if any(c < " " or c == "\x7f" for c in value):
        return wrong(msg("has a control character"))
    if value.startswith(("/", "~")):
        return wrong(msg("starts at the root of the computer, outside the site's output folder"))
    if ":" in value:
        return wrong(msg("has a colon: a drive (C:) or another site (https://) is not a place in this site"))
    parts = value.split("/")
    if field == "Url" and len(parts) > 1 and parts[-1] == "":
        parts = parts[:-1]  # an address may end with / (a folder's index.html)
    if ".." in parts:
        return wrong(msg("goes up out of the site's output folder ('..')"))
    if field == "Save_as" and parts[-1] == "":
        return wrong(msg("names a folder, not a file"))
    if "" in parts:
        return wrong(msg("has an empty part (// or a / at the start)"))
    if "." in parts:
        return wrong(msg("has a '.' part"))
    for part in parts:
        if part.startswith("."):
            return wrong(
                msg("names a hidden file ('{part}'), which web servers treat as configuration", part=part)
            )
        if not SAFE_PART.match(part):
            return wrong(
                msg("has '{part}', with a character other than a-z, 0-9, '-', '_' or '.'", part=part)
            )
    if not (field == "Url" and value.endswith("/")) and not value.endswith(".html"):
        return wrong(msg("does not end with .html: a page is an HTML file"), stops=False)
    return None


def _url_of(save_as: str) -> str:
    return save_as.removesuffix("index.html") if save_as.endswith("/index.html") else save_as


def _save_as_of(url: str) -> str:
    return f"{url}index.html" if url == "" or url.endswith("/") else url


# ------------------------------------------------------------ collisions


def _where(claim: Claim) -> str:
    return f"{claim.source}:{claim.line}"


def _kind(claim: Claim) -> Msg:
    return KINDS.get(claim.kind) or KINDS["page"]


def _move_fix(claim: Claim) -> Msg:
    if claim.from_slug:
        return msg("give this {kind} another Slug (its file comes from its Slug)", kind=_kind(claim))
    return msg("choose another Save_as and Url, or remove both so the address comes from the Slug")


def _claim_said(claim: Claim) -> Msg:
    if claim.from_slug:
        return msg(
            "Slug '{slug}' puts this {kind} at {file}", slug=claim.slug, kind=_kind(claim), file=claim.file
        )
    return msg("{field} puts this {kind} at {file}", field=claim.field, kind=_kind(claim), file=claim.file)


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
        said, fix = _claim_said(claim), _move_fix(claim)
        if hit is not None:
            what = msg(
                "{said}, which is {what}: the build writes that file itself, and this {kind} "
                "would replace it",
                said=said,
                what=hit.what,
                kind=_kind(claim),
            )
        elif under is not None:
            what = msg(
                "{said}, the name of the folder that holds {what} ({path})",
                said=said,
                what=under.what,
                path=under.path,
            )
        else:  # above is not None: the claims with no hit, under or above were skipped
            assert above is not None
            what = msg(
                "{said}, inside {path}, which is a file: {what}", said=said, path=above.path, what=above.what
            )
        problems.append(Problem.of(claim.source, claim.line, what, fix))
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
        said, fix = _claim_said(claim), _move_fix(claim)
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
            what = msg(
                "{said}, the same file as {other} gives: one of the two would silently replace the other",
                said=said,
                other=_where(earlier),
            )
            problems.append(Problem.of(claim.source, claim.line, what, fix))
        elif holder is not None:  # always so here: a claim with no earlier one and no holder was skipped
            what = msg(
                "{said}, the name of the folder {other} is written into ({file})",
                said=said,
                other=_where(holder),
                file=holder.file,
            )
            problems.append(Problem.of(claim.source, claim.line, what, fix))
    return problems


# ------------------------------------------------------------ the check over the headers


def _slug_problem(source, slug: str, file: str, settings: Mapping, reserved) -> Problem | None:
    """A Slug that becomes the first folder of the page's address and is a name the site uses."""
    rest = _without_prefix(file, settings, source.front.values.get("lang"))
    if path_key(rest.split("/", 1)[0]) != slug.casefold() or slug.casefold() not in reserved:
        return None
    return Problem(
        source.path,
        source.front.line_of("slug"),
        N_(
            "Slug '{slug}' is {what}; a page with this Slug would sit where the site keeps its own "
            "pages and files, and could replace them"
        ),
        N_("choose a Slug that says what the page is about (e.g. 'our-{slug}'); these are taken: {taken}"),
        params=named(slug=slug, what=reserved[slug.casefold()], taken=Items(tuple(sorted(reserved)))),
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
                        N_("{field} is ignored on a campaign page: every campaign page is at {where}"),
                        N_("remove the {field} line; the Slug gives the campaign its address"),
                        params=named(field=label, where=where),
                    )
                )
                continue
            wrong = address_problem(values[key], label)
            if wrong is not None:
                what, fix, stops = wrong
                problem = Problem.of(source.path, line(key), what, fix)
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
                    N_(
                        "{given} is given without {missing}: links, the language switcher and the sitemap "
                        "would point to another address than the file"
                    ),
                    N_("add '{missing}: {other}', or remove {given} so the Slug gives the address"),
                    params=named(given=given, missing=missing, other=other),
                )
            )
        elif not campaign and "save_as" in values and _save_as_of(values["url"]) != values["save_as"]:
            if_nothing_else.append(
                Problem(
                    source.path,
                    line("url"),
                    N_(
                        "Url '{url}' is not the address of Save_as '{save_as}': links would "
                        "go to another page than this one"
                    ),
                    N_("write 'Url: {right}'"),
                    params=named(
                        url=values["url"], save_as=values["save_as"], right=_url_of(values["save_as"])
                    ),
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
