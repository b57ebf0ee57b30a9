"""Re-encode one picture for the web, with Pillow: the pure core of the pipeline.

What goes in is a file straight from a phone; what comes out is a few widths
of it as WebP and JPEG, the right way up (EXIF orientation applied), in sRGB,
with no metadata at all (no EXIF, GPS, camera, XMP, ICC profile or comment),
plus a 1200x630 crop for Open Graph. Nothing here knows about Pelican.
"""

import contextlib
import io
import json
import math
import warnings
from dataclasses import asdict, dataclass
from typing import cast

import PIL
from PIL import ExifTags, Image, ImageCms, ImageOps

from haihui.languages.staff import Msg, msg

# Bump when a change here changes the files written, so every cached picture is redone.
ENCODER_VERSION = 1
WEBP, JPEG = "webp", "jpg"
MEDIA_TYPES = {WEBP: "image/webp", JPEG: "image/jpeg"}
PAPER = (255, 253, 248)  # the page background (--paper), under transparent parts
SRGB = ImageCms.createProfile("sRGB")


@dataclass(frozen=True)
class ImageSettings:
    """Everything that changes the files written (and so is part of the cache key)."""

    widths: tuple[int, ...] = (480, 960, 1600)
    webp_quality: int = 80
    jpeg_quality: int = 82
    og_size: tuple[int, int] = (1200, 630)
    # Larger than any phone camera but 200-megapixel ones; a decompression bomb
    # (a small file that unpacks to billions of pixels) is refused before decoding.
    max_pixels: int = 150_000_000

    def fingerprint(self) -> str:
        return json.dumps([ENCODER_VERSION, PIL.__version__, asdict(self)], sort_keys=True)


@dataclass(frozen=True)
class Rendition:
    file: str  # "960.webp", "og.jpg"
    width: int
    height: int

    @property
    def format(self) -> str:
        return self.file.rsplit(".", 1)[1]

    @property
    def media_type(self) -> str:
        return MEDIA_TYPES[self.format]


class UnreadablePicture(Exception):
    """The file cannot be published as a picture; the reason is for staff."""

    def __init__(self, reason: Msg):
        super().__init__(str(reason))
        self.reason = reason


def widths_for(source_width: int, widths: tuple[int, ...]) -> list[int]:
    """The widths to publish: never wider than the source (no upscaling)."""
    return sorted({w for w in widths if w < source_width} | {min(source_width, max(widths))})


def open_picture(data: bytes, max_pixels: int) -> Image.Image:
    """Open without decoding, refusing what is not a picture or too large to decode."""
    Image.MAX_IMAGE_PIXELS = max_pixels  # Pillow warns above this, and refuses at twice it
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("error", Image.DecompressionBombWarning)
            image = Image.open(io.BytesIO(data))
    except (Image.DecompressionBombError, Image.DecompressionBombWarning):
        raise _too_large(max_pixels) from None
    except Image.UnidentifiedImageError:
        raise UnreadablePicture(
            msg("it is not a picture the site can read (damaged, or not a JPEG, PNG or WebP file)")
        ) from None
    except Exception as error:  # noqa: BLE001 - a header the decoder cannot parse
        raise _damaged(error) from None
    if image.width * image.height > max_pixels:
        raise _too_large(max_pixels)
    return image


def _too_large(max_pixels: int) -> UnreadablePicture:
    megapixels = max_pixels // 1_000_000
    return UnreadablePicture(
        msg(
            "it is larger than {megapixels} megapixels, too large to decode safely "
            "(it may be a decompression bomb)",
            megapixels=megapixels,
        )
    )


def _damaged(error: Exception) -> UnreadablePicture:
    return UnreadablePicture(
        msg("it is damaged or cut short and cannot be decoded ({error})", error=str(error))
    )


def _decode_scale(image: Image.Image, settings: ImageSettings) -> None:
    """Let a JPEG decode at 1/2, 1/4 or 1/8 size when even that is larger than any output."""
    if image.format != "JPEG":
        return
    turned = image.getexif().get(ExifTags.Base.Orientation, 1) in (5, 6, 7, 8)
    width, height = image.size[::-1] if turned else image.size  # the right way up
    og_w, og_h = settings.og_size
    scale = min(1.0, max(max(settings.widths) / width, og_w / width, og_h / height))
    wanted = (math.ceil(width * scale), math.ceil(height * scale))
    image.draft(image.mode, wanted[::-1] if turned else wanted)


def _to_srgb(image: Image.Image) -> Image.Image:
    """Convert from the embedded colour profile, then flatten transparency onto the page colour."""
    profile = image.info.get("icc_profile")
    if profile and image.mode in ("RGB", "CMYK", "L"):
        # a broken profile: treat the pixels as sRGB, as browsers do
        with contextlib.suppress(ImageCms.PyCMSError, OSError):
            # Without inPlace=True, profileToProfile always returns the new image (None is only
            # returned when it converts in place).
            image = cast(
                Image.Image,
                ImageCms.profileToProfile(
                    image, ImageCms.ImageCmsProfile(io.BytesIO(profile)), SRGB, outputMode="RGB"
                ),
            )
    if image.mode in ("RGBA", "LA", "PA") or (image.mode == "P" and "transparency" in image.info):
        rgba = image.convert("RGBA")
        flat = Image.new("RGB", rgba.size, PAPER)
        flat.paste(rgba, mask=rgba.getchannel("A"))
        return flat
    return image.convert("RGB")


def _encoded(image: Image.Image, fmt: str, settings: ImageSettings) -> bytes:
    image.info = {}  # nothing of the original's metadata may ride along
    buffer = io.BytesIO()
    if fmt == WEBP:
        image.save(buffer, "WEBP", quality=settings.webp_quality, method=4)
    else:
        image.save(buffer, "JPEG", quality=settings.jpeg_quality, optimize=True, progressive=True)
    return buffer.getvalue()


def encode(data: bytes, settings: ImageSettings) -> list[tuple[Rendition, bytes]]:
    """Every published file of one picture: each width as WebP and JPEG, and the Open Graph crop."""
    image = open_picture(data, settings.max_pixels)
    try:
        _decode_scale(image, settings)
        upright = ImageOps.exif_transpose(image)  # decodes: a truncated file fails here
        upright = _to_srgb(upright)
    except MemoryError:
        raise
    except Exception as error:  # noqa: BLE001 - any decoder failure is a damaged file to staff
        raise _damaged(error) from None
    upright.info = {}
    files = []
    current = upright
    for width in sorted(widths_for(upright.width, settings.widths), reverse=True):
        height = max(1, round(upright.height * width / upright.width))
        # Each width from the next larger one: much faster than from the original, same result.
        current = (
            current.resize((width, height), Image.Resampling.LANCZOS)
            if ((width, height) != current.size)
            else current
        )
        for fmt in (WEBP, JPEG):
            files.append((Rendition(f"{width}.{fmt}", width, height), _encoded(current, fmt, settings)))
    og = ImageOps.fit(upright, settings.og_size, Image.Resampling.LANCZOS, centering=(0.5, 0.4))
    files.append((Rendition(f"og.{JPEG}", *settings.og_size), _encoded(og, JPEG, settings)))
    return sorted(files, key=lambda item: (item[0].width, item[0].file))
