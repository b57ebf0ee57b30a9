"""Whatever staff or a hostile contributor put in the content, the build either refuses it (a
message, no traceback, output/ byte for byte as it was) or publishes nothing unsafe: no script,
no event handler, no file from outside the project or not made by the build, no photo metadata,
and nothing of a woman whose consent is withdrawn."""

import json
import os
from pathlib import Path

import pytest
from bs4 import BeautifulSoup
from PIL import Image

from conftest import edit, tree_digest
from haihui.assets import theme_assets
from haihui.build import run_pelican

EN, ZH = "content/stories/jibuguoguo.en.md", "content/stories/jibuguoguo.zh.md"
ABOUT = "content/pages/about.en.md"
# What a build writes: pages, feeds, sitemap, robots, open data, the theme's files, pictures.
BUILT_SUFFIXES = {".html", ".xml", ".txt", ".csv", ".json", ".css", ".ico", ".svg", ".webp", ".jpg"}
DANGEROUS_ELEMENTS = ("script", "iframe", "object", "embed", "frame", "frameset", "applet", "base", "form")
DANGEROUS_SCHEMES = ("javascript:", "vbscript:", "data:text", "data:image/svg")


def gps_jpeg(path: Path, fmt: str = "JPEG") -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    exif = Image.Exif()
    exif[0x8825] = {2: (27.0, 59.0, 10.0), 1: "N", 4: (102.0, 49.0, 0.0), 3: "E"}  # GPSInfo
    Image.new("RGB", (640, 480), (90, 60, 30)).save(path, fmt, exif=exif)
    return path


def append(path: Path, text: str) -> None:
    path.write_text(path.read_text("utf-8") + text, "utf-8")


def withdraw(project: Path) -> None:
    edit(project / ZH, "Consent: given 2026-10-12", "Consent: withdrawn 2026-11-29")


def her_photo_everywhere(project: Path) -> None:
    gps_jpeg(project / "content/images/photos/her.jpg")
    for story in (EN, ZH):
        edit(project / story, "Photos: no", "Photos: yes")
        edit(
            project / story,
            "Image: images/illustrations/passing-on-the-gift.png",
            "Image: images/photos/her.jpg",
        )
    append(project / ABOUT, "\n![Jibuguoguo at her pigsty]({static}/images/photos/her.jpg)\n")
    withdraw(project)


CASES = {
    "script in a story": lambda p: append(p / EN, "\n<script>alert(document.cookie)</script>\n"),
    "event handler on an image": lambda p: append(p / EN, '\n<img src="x" onerror="alert(1)">\n'),
    "javascript: link": lambda p: append(p / EN, "\n[click](javascript:alert(1))\n"),
    "entity-encoded javascript link": lambda p: append(
        p / EN, '\n<a href="jav&#x61;script&colon;alert(1)">x</a>\n'
    ),
    "iframe": lambda p: append(p / EN, '\n<iframe src="https://example.org/"></iframe>\n'),
    "tracking pixel": lambda p: append(p / EN, '\n<img src="https://tracker.example/p.gif" alt="">\n'),
    "svg with script": lambda p: append(p / EN, "\n<svg onload=alert(1)><script>alert(2)</script></svg>\n"),
    "style tag": lambda p: append(p / EN, "\n<style>body{background:url(https://x.example/)}</style>\n"),
    "HTML in the title": lambda p: edit(p / EN, "Title: ", "Title: <img src=x onerror=alert(1)>"),
    "HTML in the person": lambda p: edit(p / EN, "Person: Jibuguoguo", "Person: <b onclick=alert(1)>J</b>"),
    "script in the summary": lambda p: edit(p / EN, "Summary: ", "Summary: <script>alert(1)</script>"),
    "donation link to another host": lambda p: append(p / EN, "\n[Give here](https://paypal.me/someone)\n"),
    "GPS original as .jfif, unlinked": lambda p: gps_jpeg(p / "content/images/photos/wechat.jfif"),
    "GPS original as .jpe, shown": lambda p: (
        gps_jpeg(p / "content/images/photos/phone.jpe"),
        edit(p / EN, "Photos: no", "Photos: yes"),
        edit(p / ZH, "Photos: no", "Photos: yes"),
        append(p / EN, "\n![A pigsty]({static}/images/photos/phone.jpe)\n"),
    ),
    "scanned consent form as PDF": lambda p: (p / "content/images/consent-14.pdf").write_bytes(b"%PDF-1.4"),
    "SVG drawing with script": lambda p: (p / "content/images/illustrations/x.svg").write_text(
        '<svg xmlns="http://www.w3.org/2000/svg"><script>alert(1)</script></svg>', "utf-8"
    ),
    "symlink to /etc": lambda p: os.symlink("/etc", p / "content/images/etc"),
    "story saved as .markdown without consent": lambda p: (p / "content/stories/ayi.en.markdown").write_text(
        (p / EN)
        .read_text("utf-8")
        .replace("Slug: jibuguoguo", "Slug: ayi")
        .replace("Consent: given 2026-10-12\n", ""),
        "utf-8",
    ),
    "story saved as .html": lambda p: (p / "content/pages/x.html").write_text(
        "<html><head><title>X</title></head><body><script>alert(1)</script></body></html>", "utf-8"
    ),
    "withdrawal above the old consent line": lambda p: edit(
        p / EN, "Consent: given", "Consent: withdrawn 2026-11-29\nConsent: given"
    ),
    "withdrawn, with a broken date": lambda p: (withdraw(p), edit(p / EN, "Date: 2026-10-12", "Date: soon")),
    "withdrawn, her photo on About": her_photo_everywhere,
    "Save_as outside the site": lambda p: edit(
        p / ABOUT, "Slug: about", "Slug: about\nSave_as: ../../x.html"
    ),
    "page replacing the Chinese home": lambda p: edit(p / ABOUT, "Slug: about", "Slug: zh"),
}
WITHDRAWN = {
    "withdrawal above the old consent line",
    "withdrawn, with a broken date",
    "withdrawn, her photo on About",
}


def structured_data(element) -> bool:
    """The theme's JSON-LD in the head (haihui.structured_data): data no browser runs."""
    if element.name != "script" or element.get("type") != "application/ld+json" or element.get("src"):
        return False
    if element.find_parent("head") is None:
        return False
    try:
        json.loads(element.string or "")
    except ValueError:
        return False
    return True


def unsafe_in(page: BeautifulSoup) -> list[str]:
    found = [f"<{el.name}>" for el in page.find_all(DANGEROUS_ELEMENTS) if not structured_data(el)]
    for element in page.find_all(True):
        for name, value in element.attrs.items():
            if name.lower().startswith("on"):
                found.append(f"{element.name} {name}=")
            values = value if isinstance(value, list) else [value]
            for item in values:
                compact = "".join(str(item).split()).lower()
                if name.lower() in (
                    "href",
                    "src",
                    "srcset",
                    "action",
                    "formaction",
                    "poster",
                    "content",
                ) and compact.startswith(DANGEROUS_SCHEMES):
                    found.append(f"{element.name} {name}={item}")
                if name.lower() in ("src", "srcset") and compact.startswith(("http:", "https:", "//")):
                    found.append(f"{element.name} {name} loads from another host: {item}")
    return found


def pictures_with_metadata(folder: Path) -> list[str]:
    found = []
    for path in folder.rglob("*"):
        if path.suffix.lower() in (".jpg", ".jpeg", ".webp", ".png", ".jfif", ".jpe", ".avif", ".tif"):
            with Image.open(path) as image:
                if image.getexif() or {"exif", "xmp", "icc_profile"} & set(image.info):
                    found.append(str(path.relative_to(folder)))
    return found


@pytest.mark.parametrize("case", list(CASES))
def test_hostile_input_is_refused_or_published_safely(broken, case):
    before = tree_digest(broken / "output")
    CASES[case](broken)
    result = run_pelican("pelicanconf.py", broken / "output", cwd=broken)
    messages = result.stdout + result.stderr
    assert "Traceback" not in messages, messages
    output = broken / "output"
    if result.returncode != 0:
        assert tree_digest(output) == before, "a refused input changed output/"
        return
    files = [p for p in output.rglob("*") if p.is_file()]
    assert not [p for p in output.rglob("*") if p.is_symlink()]
    # The theme's files, under the fingerprinted names the build gives them (haihui.assets).
    theme_files = {asset.file for asset in theme_assets({"THEME": str(broken / "theme")}).values()}
    strays = [
        str(p.relative_to(output))
        for p in files
        if p.suffix.lower() not in BUILT_SUFFIXES and str(p.relative_to(output)) not in theme_files
    ]
    assert strays == [], f"files the build did not make: {strays}"
    for path in files:
        if path.suffix in (".html", ".xml"):
            text = path.read_text("utf-8")
            parsed = BeautifulSoup(text, "lxml-xml" if path.suffix == ".xml" else "lxml")
            assert unsafe_in(parsed) == [], f"{path.relative_to(output)}"
            if path.name.endswith(".atom.xml"):  # entries carry HTML as escaped text
                for content in parsed.find_all(["content", "summary", "title"]):
                    assert unsafe_in(BeautifulSoup(content.get_text(), "lxml")) == [], path.name
    assert pictures_with_metadata(output) == []
    if case in WITHDRAWN:
        naming = [
            str(p.relative_to(output))
            for p in files
            if "preview-problems" not in str(p)
            and (b"jibuguoguo" in p.read_bytes().lower() or "吉布果果".encode() in p.read_bytes())
        ]
        assert naming == [], "a withdrawn woman is still on the site"
        assert not (output / "images" / "photos").exists()
