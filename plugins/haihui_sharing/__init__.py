"""Pelican plugin: share images, posters and print pages (haihui.sharing).

- Per published story and campaign page, in each language: an Open Graph
  image (the page's `og:image`) and a WeChat poster with a QR code to the
  page (`?src=poster`), drawn with a CJK font (SHARE_FONTS) or taken from the
  cache (IMAGE_CACHE_PATH/share/, keyed by what they are drawn from). The
  page gets `share` (haihui_sharing.Share) for its share block.
- Only published pages: a withdrawn story is never read (haihui_consent), so
  it has no share image; a draft gets none. A photo is drawn only with her
  photo consent (haihui.consent.photos_allowed), an illustration always, a
  picture taken down never (haihui_pictures leaves it out).
- Per campaign and language, the print pages: an A5 flyer (FLYER_URL) and an
  honour card per tier (HONOUR_CARD_URL), with inline SVG QR codes: the
  campaign page (`?src=flyer`, `?src=card`) and, for donors in mainland China,
  the designated platform's page (never Stripe).
- A font that is missing, or that lacks a character of a title or summary,
  stops the build before anything is written (the content check
  haihui.sharing.checks), naming the line and what to install.
"""

import logging
import os
import shutil
import time
from dataclasses import dataclass
from html import unescape
from pathlib import Path

from markupsafe import Markup
from pelican import signals
from pelican.contents import Article, Page
from pelican.generators import Generator

import haihui_gates as gates
from haihui.consent import photos_allowed
from haihui.content.image_rules import ILLUSTRATIONS, hero_path
from haihui.content.links import content_url
from haihui.giving.tiers import Tier
from haihui.listings import SITEMAP_EXTRA, Alternate, save_as
from haihui.problems import ContentError
from haihui.settings import DEFAULTS
from haihui.sharing import addresses
from haihui.sharing.cache import FOLDER, ShareCache, key_of
from haihui.sharing.checks import font_candidates, no_font_problem
from haihui.sharing.compose import LAYOUT, OG_SIZE, POSTER_SIZE, PREVIEW_SIZE, ShareTexts
from haihui.sharing.drawing import PageJob, draw_all
from haihui.sharing.fonts import FontFace, find_face
from haihui.sharing.qr import qr_svg

logger = logging.getLogger(__name__)

SHARED = "haihui_sharing"  # this build's Shared, in the build's context
WORDS_TEMPLATE = "partials/share-words.html"
STORY, CAMPAIGN = "story", "campaign"


@dataclass(frozen=True)
class Share:
    """A page's share images and addresses, for its templates (`article.share`, `page.share`)."""

    og_url: str  # site-relative
    og_width: int
    og_height: int
    poster_url: str  # the poster to download, POSTER_SIZE
    preview_url: str  # the poster as the page shows it (and WeChat saves), PREVIEW_SIZE
    preview_width: int
    preview_height: int
    link: str  # the page's public address, tagged ?src=link: the text field to copy


@dataclass(frozen=True)
class QrCode:
    channel: str  # "page" or a checkout channel ("platform")
    address: str
    svg: Markup
    sample: bool = False  # a sample checkout link (a preview shows it marked; publish refuses it)


@dataclass(frozen=True)
class PrintPage:
    kind: str  # "flyer" or "honour-card"
    lang: str
    url: str
    campaign: object  # the campaign's Page in this language
    tiers: list[Tier]
    codes: list[QrCode]
    alternates: list[Alternate]


@dataclass
class Shared:
    files: dict[str, Path]  # site-relative output path -> cached file
    prints: list[PrintPage]
    cache: ShareCache
    prepare_seconds: float  # drawing or finding the images, planning the print pages


def _setting(settings, name: str):
    value = settings.get(name)
    return DEFAULTS[name] if value is None else value


def _kind(content) -> str | None:
    if getattr(content, "status", "") != "published":
        return None
    if isinstance(content, Article):
        return STORY
    if isinstance(content, Page) and content.metadata.get("template") == "campaign":
        return CAMPAIGN
    return None


def _plain(text) -> str:
    """A title or summary as drawn: no tags, entities decoded, one line."""
    return " ".join(unescape(Markup(str(text or "")).striptags()).split())


def _words(renderer, context, lang: str, tier: Tier | None) -> dict[str, str]:
    """The words of the theme (share-words.html), in `lang`: one `name: text` a line."""
    text = renderer.get_template(WORDS_TEMPLATE.removesuffix(".html")).render(
        context, lang=lang, page_lang=lang, tier=tier
    )
    words = {}
    for line in text.splitlines():
        name, colon, value = line.partition(":")
        if colon and name.strip():
            words[name.strip()] = unescape(value.strip())
    return words


def _face(settings) -> FontFace:
    """The font; the content checks stop a build without one first (haihui.sharing.checks)."""
    candidates = font_candidates(settings)
    face = find_face(candidates)
    if face is None:  # only reached when the checks plugin is not loaded
        raise ContentError([no_font_problem(candidates)])
    return face


def _picture(content, kind: str, prepared) -> tuple[str | None, str]:
    """The picture a page's share images may show (a file in the picture cache) and its cache
    key; (None, "") for none."""
    image = content.metadata.get("image")
    if prepared is None or not image:
        return None, ""
    path = hero_path(image)
    entry = prepared.entries.get(path)  # a picture taken down is not there (haihui_pictures)
    if entry is None:
        return None, ""
    illustration = path.startswith(ILLUSTRATIONS)
    if not illustration and (kind != STORY or not photos_allowed(content.metadata)):
        return None, ""  # deny by default: a photo needs her recorded photo consent
    jpegs = entry.widths("jpg")
    if not jpegs:
        return None, ""
    rendition = next((r for r in jpegs if r.width >= POSTER_SIZE[0]), jpegs[-1])
    return str(prepared.cache.file(entry, rendition)), entry.key


def _drawing(story, prepared) -> tuple[str | None, str]:
    """A story's hero if it is a drawing (images/illustrations/): (None, "") otherwise."""
    image = story.metadata.get("image")
    if not image or not hero_path(image).startswith(ILLUSTRATIONS):
        return None, ""
    return _picture(story, STORY, prepared)


def _of_campaign(story, campaign) -> bool:
    return story.lang == campaign.lang and story.metadata.get("campaign") == campaign.slug


def _campaign_tier(tiers: dict[str, Tier], campaign: str) -> Tier | None:
    """The first one-time tier of a fixed amount of the campaign, in the order of fund-use.yaml."""
    return next(
        (t for t in tiers.values() if t.campaign == campaign and t.amount_fen and t.interval == "one_time"),
        None,
    )


def prepare_share(generators):
    """Draw (or find in the cache) every share image, and plan the print pages."""
    started = time.perf_counter()
    renderer = next(g for g in generators if hasattr(g, "env"))
    context, settings = renderer.context, renderer.settings
    if context.get("haihui_giving") is None:
        return  # haihui_giving is not loaded: no tiers, no organisation
    face = _face(settings)
    origin = settings["SITE_ORIGIN"]
    site = context["haihui_giving"]
    prepared = context.get("haihui_pictures")
    items = [(c, _kind(c)) for c in context["generated_content"].values()]
    items = [(c, k) for c, k in items if k is not None]
    urls = {id(c): content_url(k if k == STORY else "page", c.metadata, settings) for c, k in items}
    published = {url for url in urls.values() if url is not None}
    cache = ShareCache(Path(_setting(settings, "IMAGE_CACHE_PATH")) / FOLDER)
    identity = face.identity()
    files: dict[str, Path] = {}
    jobs: list[PageJob] = []
    words_of: dict[tuple[str, str], dict[str, str]] = {}  # by language and tier, for this build
    for content, kind in items:
        url = urls[id(content)]
        if url is None:
            continue
        campaign_slug = content.slug if kind == CAMPAIGN else content.metadata.get("campaign", "")
        tier = _campaign_tier(site.tiers, campaign_slug)
        wording = (content.lang, tier.id if tier else "")
        if wording not in words_of:
            words_of[wording] = _words(renderer, context, content.lang, tier)
        words = words_of[wording]
        campaign_title = _campaign_title(context, content.lang, campaign_slug) or words.get("campaign", "")
        texts = ShareTexts(
            title=_plain(content.title),
            line=_plain(content.metadata.get("summary", "")),
            campaign=words.get("campaign", "") if kind == CAMPAIGN else campaign_title,
            tier=words.get("tier", ""),
            organisation=words.get("organisation", ""),
            call=words.get(f"call_{kind}", ""),
        )
        picture, picture_key = _picture(content, kind, prepared)
        if picture is None and kind == CAMPAIGN:  # its newest story's drawing, never a photo
            its = (c for c, k in items if k == STORY and _of_campaign(c, content))
            stories = sorted(its, key=lambda c: c.date, reverse=True)
            drawings = (_drawing(story, prepared) for story in stories)
            picture, picture_key = next((found for found in drawings if found[0] is not None), (None, ""))
        address = addresses.tagged(origin, url, "poster", published)
        og_key = key_of("og", LAYOUT, texts, picture_key, identity)
        poster_key = key_of("poster", LAYOUT, texts, address, picture_key, identity)
        preview_key = key_of("preview", LAYOUT, poster_key)
        jobs.append(PageJob(texts, picture, address, face, og_key, poster_key, preview_key))
        names = {
            og_key: f"{url}share-{og_key[:12]}.jpg",
            poster_key: f"{url}poster-{poster_key[:12]}.jpg",
            preview_key: f"{url}poster-{preview_key[:12]}-{PREVIEW_SIZE[0]}.jpg",
        }
        files.update({name: cache.file(key) for key, name in names.items()})
        content.share = Share(
            og_url=names[og_key],
            og_width=OG_SIZE[0],
            og_height=OG_SIZE[1],
            poster_url=names[poster_key],
            preview_url=names[preview_key],
            preview_width=PREVIEW_SIZE[0],
            preview_height=PREVIEW_SIZE[1],
            link=addresses.tagged(origin, url, "link", published),
        )
    draw_all(jobs, cache)
    logger.info(
        "Share images: %d (%d drawn in %.2f s, %d from the cache in %s)",
        len(cache.keys),
        cache.drawn,
        cache.seconds,
        cache.reused,
        cache.root,
    )
    campaigns = [(c, urls[id(c)]) for c, k in items if k == CAMPAIGN and urls[id(c)] is not None]
    prints = _print_pages(settings, site, campaigns, published)
    for content, _url in campaigns:
        content.print_pages = [p for p in prints if p.campaign is content]
    context[SHARED] = Shared(files, prints, cache, time.perf_counter() - started)
    # The print pages in the sitemap with their alternates (haihui_listings reads SITEMAP_EXTRA).
    context[SITEMAP_EXTRA] = context.get(SITEMAP_EXTRA, []) + [(p.url, p.alternates) for p in prints]


def _campaign_title(context, lang: str, slug: str) -> str:
    for campaign in context.get("campaigns_by_lang", {}).get(lang, []):
        if campaign.slug == slug:
            return _plain(campaign.title)
    return ""


def _print_pages(settings, site, campaigns, published) -> list[PrintPage]:
    origin = settings["SITE_ORIGIN"]
    languages = settings["LANGUAGES"]
    stripe_hosts = settings.get("CHECKOUT_CHANNELS", {}).get("stripe", {}).get("hosts", [])
    mainland_channels = list(_setting(settings, "MAINLAND_CHANNELS"))
    shown = int(_setting(settings, "FLYER_TIERS"))
    by_slug: dict[str, dict[str, tuple[object, str]]] = {}
    for content, url in campaigns:
        by_slug.setdefault(content.slug, {})[content.lang] = (content, url)
    prints = []
    # In the order of the settings (slug, then LANGUAGES), not of reading: the sitemap lists
    # them in this order, and the order content is read in differs between cold and warm builds.
    for slug, per_lang in sorted(by_slug.items()):
        tiers = [t for t in site.tiers.values() if t.campaign == slug]
        fixed = [t for t in tiers if t.amount_fen and t.interval == "one_time"][:shown]

        def url_of(pattern: str, lang: str, tier: str = "", slug=slug) -> str:
            prefix = languages[lang].get("prefix", "")
            return _setting(settings, pattern).format(prefix=prefix, slug=slug, tier=tier)

        for lang in (code for code in languages if code in per_lang):
            content, url = per_lang[lang]
            codes = [QrCode("page", *_code(addresses.tagged(origin, url, "flyer", published)))]
            for channel in mainland_channels:
                link = next(
                    (
                        link
                        for t in fixed
                        for link in site.links.get(t.id, {}).get(lang, [])
                        if link.channel == channel
                    ),
                    None,
                )
                if link is not None:
                    address = addresses.mainland(link.url, stripe_hosts)
                    codes.append(QrCode(channel, *_code(address), sample=link.sample))
            alternates = [
                Alternate(code, spec["html_lang"], spec["name"], url_of("FLYER_URL", code))
                for code, spec in languages.items()
                if code in per_lang
            ]
            prints.append(
                PrintPage("flyer", lang, url_of("FLYER_URL", lang), content, fixed, codes, alternates)
            )
            card_code = [QrCode("page", *_code(addresses.tagged(origin, url, "card", published)))]
            for tier in tiers:
                card_alternates = [
                    Alternate(code, spec["html_lang"], spec["name"], url_of("HONOUR_CARD_URL", code, tier.id))
                    for code, spec in languages.items()
                    if code in per_lang
                ]
                prints.append(
                    PrintPage(
                        "honour-card",
                        lang,
                        url_of("HONOUR_CARD_URL", lang, tier.id),
                        content,
                        [tier],
                        card_code,
                        card_alternates,
                    )
                )
    return prints


def _code(address: str) -> tuple[str, Markup]:
    return address, Markup(qr_svg(address))


def _publish(cached: Path, target: Path) -> None:
    """The cached file in the output as a hard link (no copy: a cache file is never changed in
    place, haihui.sharing.cache), or a copy where links cannot be made (another filesystem)."""
    try:
        os.link(cached, target)
    except OSError:
        shutil.copyfile(cached, target)


class ShareGenerator(Generator):
    """Writes the share images from the cache and the print pages."""

    def generate_output(self, writer):
        shared: Shared | None = self.context.get(SHARED)
        if shared is None:
            return
        started = time.perf_counter()
        for name, cached in shared.files.items():
            target = Path(self.output_path) / name
            target.parent.mkdir(parents=True, exist_ok=True)
            _publish(cached, target)
        for page in shared.prints:
            template = "flyer" if page.kind == "flyer" else "honour-card"
            writer.write_file(
                save_as(page.url),
                self.get_template(template),
                self.context,
                template_name=template,
                url=page.url,
                page_lang=page.lang,
                page_url=page.url,
                page_alternates=page.alternates,
                print_page=page,
                campaign=page.campaign,
            )
        written = time.perf_counter() - started
        logger.info(
            "Wrote %d share images and %d print pages in %.2f s",
            len(shared.files),
            len(shared.prints),
            written,
        )
        # What this build drew and reused, and the time it spent (tests, `make bench`).
        shared.cache.write_stats(prepare_seconds=shared.prepare_seconds, write_seconds=written)


def get_generators(pelican):
    return ShareGenerator


def register():
    gates.register()  # every Haihui plugin brings the safety gates: they hold whichever are loaded
    signals.all_generators_finalized.connect(prepare_share)
    signals.get_generators.connect(get_generators)
