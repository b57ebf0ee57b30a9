"""`<picture>` markup for a cached picture: WebP with a JPEG fallback, every width.

The browser picks the smallest file that fills the space (`sizes`), so a phone
on a slow connection downloads the 480 or 960 px file, never the 1600 px one.
`width` and `height` give the shape before the file arrives (no jumping text);
pictures below the hero load only when scrolled near (`loading="lazy"`).
"""

import html
from functools import lru_cache

from markupsafe import Markup

from haihui.pictures.encode import JPEG, MEDIA_TYPES, WEBP
from haihui.pictures.pipeline import Entry

# How wide a picture is shown (theme/static/css/main.css): the hero at most
# 52rem (.story__hero), pictures in the text the column (.prose, 42rem).
HERO_SIZES = "(min-width: 54rem) 52rem, calc(100vw - 2rem)"
TEXT_SIZES = "(min-width: 44rem) 42rem, calc(100vw - 2rem)"
FALLBACK_WIDTH = 960  # the JPEG of `src`, for browsers that know no srcset


def file_url(siteurl: str, folder: str, entry: Entry, file: str) -> str:
    return f"{siteurl}/{folder}/{entry.key[:16]}-{file}"


def output_name(folder: str, entry: Entry, file: str) -> str:
    """Where a rendition is written, relative to the output folder."""
    return f"{folder}/{entry.key[:16]}-{file}"


@lru_cache(maxsize=4096)  # a pure function, and many stories may share a picture
def picture(
    entry: Entry, *, siteurl: str, folder: str, alt_html: str, sizes: str, lazy: bool, extra_html: str = ""
) -> Markup:
    """alt_html is already escaped (as Markdown wrote it); extra_html: more <img> attributes."""

    def srcset(fmt):
        return ", ".join(f"{file_url(siteurl, folder, entry, r.file)} {r.width}w" for r in entry.widths(fmt))

    jpegs = entry.widths(JPEG)
    fallback = max((r for r in jpegs if r.width <= FALLBACK_WIDTH), key=lambda r: r.width, default=jpegs[0])
    loading = ' loading="lazy" decoding="async"' if lazy else ' fetchpriority="high"'
    return Markup(
        f'<picture><source type="{MEDIA_TYPES[WEBP]}" srcset="{srcset(WEBP)}" sizes="{sizes}">'
        f'<img src="{file_url(siteurl, folder, entry, fallback.file)}" srcset="{srcset(JPEG)}" '
        f'sizes="{sizes}" width="{entry.width}" height="{entry.height}" alt="{alt_html}"'
        f"{extra_html}{loading}></picture>"
    )


def escape_alt(text: str) -> str:
    return html.escape(text, quote=True)
