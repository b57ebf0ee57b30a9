"""The share images' check, one of the content checks (haihui.checks): before anything is written.

With `haihui_sharing` in PLUGINS the build draws each story's and campaign's
title and summary on images, so it needs a font with their characters: a
missing font stops the build, naming SHARE_FONTS and what to install; a
character the font lacks (it would be drawn as an empty box) stops it at the
Title or Summary line that has it.
"""

from collections.abc import Iterable

from haihui.problems import N_, Problem, named
from haihui.settings import DEFAULTS
from haihui.sharing.fonts import FontFace, find_face, missing_characters

PLUGIN = "haihui_sharing"
SETTINGS_FILE = "pelicanconf.py"
DRAWN_FIELDS = ("title", "summary")


def font_candidates(settings) -> list[str]:
    value = settings.get("SHARE_FONTS")
    return list(DEFAULTS["SHARE_FONTS"] if value is None else value)


def no_font_problem(candidates: list[str]) -> Problem:
    return Problem(
        SETTINGS_FILE,
        1,
        N_("no font with Chinese characters for the share images and posters: none of {paths} exists"),
        N_(
            "install a font with Chinese characters (Debian or Ubuntu: `sudo apt-get install "
            "fonts-noto-cjk`; macOS and Windows have one), or name such a font file in SHARE_FONTS"
        ),
        params=named(paths=", ".join(candidates)),
    )


def missing_glyph_problem(path: str, line: int, lacking: str, face: FontFace) -> Problem:
    return Problem(
        path,
        line,
        N_("the font of the share images has no {characters}: the poster would show empty boxes"),
        N_("write the title and summary without them, or name a font that has them in SHARE_FONTS ({font})"),
        params=named(characters=" ".join(lacking), font=face.path),
    )


def is_shared(source) -> bool:
    """A story, or a campaign page: the pages that get share images."""
    values = source.front.values
    return source.kind == "story" or values.get("template", "").strip() == "campaign"


def check_share_images(sources, rules) -> Iterable[Problem]:
    settings = rules.settings
    if not settings or PLUGIN not in [str(p) for p in settings.get("PLUGINS", [])]:
        return
    candidates = font_candidates(settings)
    face = find_face(candidates)
    if face is None:
        yield no_font_problem(candidates)
        return
    drawn = [
        (source, key, source.front.values.get(key, ""))
        for source in sources
        if is_shared(source)
        for key in DRAWN_FIELDS
    ]
    lacking_anywhere = set(missing_characters(face, "".join(text for _, _, text in drawn)))  # each once
    for source, key, text in drawn:
        lacking = "".join(c for c in dict.fromkeys(text) if c in lacking_anywhere)
        if lacking:
            yield missing_glyph_problem(source.path, source.front.line_of(key), lacking, face)
