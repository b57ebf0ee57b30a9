"""The font the share images are drawn with: one that has the Chinese characters.

The images carry the page's title in the page's language, so the font must
hold CJK glyphs; a font without them draws each character as the same empty
box (".notdef"). The font is never published: it is read from the machine
(Debian's `fonts-noto-cjk`, installed by the bootstrap's instructions and by
CI) or from the path staff give in SHARE_FONTS. A collection (`.ttc`) holds
one face per region; the Simplified Chinese one is picked by its name.
"""

from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

from PIL import Image, ImageChops, ImageDraw, ImageFont

# A private-use character no font draws: what a font shows for a character it lacks.
NO_SUCH_CHARACTER = "\U0010fffd"
SIMPLIFIED = "SC"  # the face of a CJK collection for Simplified Chinese ("Noto Sans CJK SC")


@dataclass(frozen=True)
class FontFace:
    path: str
    index: int  # the face in a collection (.ttc); 0 for a single font

    def identity(self) -> str:
        """What a cached image drawn with this face depends on: the file's path, size and time."""
        stat = Path(self.path).stat()
        return f"{self.path}:{self.index}:{stat.st_size}:{stat.st_mtime_ns}"


def find_face(candidates: list[str]) -> FontFace | None:
    """The first candidate file that exists, at its Simplified Chinese face if it is a collection."""
    for candidate in candidates:
        path = Path(candidate).expanduser()
        if path.is_file():
            return FontFace(str(path), _simplified_index(str(path)))
    return None


def _simplified_index(path: str) -> int:
    for index in range(32):
        try:
            family, _style = ImageFont.truetype(path, 12, index=index).getname()
        except OSError:  # past the last face of the collection (or a single font)
            break
        if family and family.split()[-1] == SIMPLIFIED:
            return index
    return 0


@lru_cache(maxsize=64)
def font(face: FontFace, size: int) -> ImageFont.FreeTypeFont:
    return ImageFont.truetype(face.path, size, index=face.index)


def _mask(face: FontFace, character: str) -> Image.Image:
    drawn = Image.new("L", (64, 64), 0)
    ImageDraw.Draw(drawn).text((8, 4), character, font=font(face, 40), fill=255)
    return drawn


def missing_characters(face: FontFace, text: str) -> str:
    """The characters of `text` that `face` would draw as its empty box, in order, once each."""
    notdef = _mask(face, NO_SUCH_CHARACTER)
    missing = []
    for character in dict.fromkeys(text):
        if character.isspace() or not character.isprintable():
            continue
        if ImageChops.difference(_mask(face, character), notdef).getbbox() is None:
            missing.append(character)
    return "".join(missing)
