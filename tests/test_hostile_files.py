"""Hostile and careless files (issue 11): deny by default, no symlinks, withdrawal off every
page, and builds that end when they are killed.

Pictures are made here with Pillow, with a GPS position in their EXIF (Pillow's Exif API);
what the build writes is read back with Pillow.
"""

import os
import shutil
import signal
import threading
import time
from io import BytesIO
from pathlib import Path

import pytest
from bs4 import BeautifulSoup
from hypothesis import given
from hypothesis import settings as hsettings
from hypothesis import strategies as st
from PIL import ExifTags, Image

from conftest import copy_project, edit, tree_digest
from haihui.build import run_pelican
from haihui.content import image_rules, links
from haihui.content.content_rules import Rules, load_sources
from haihui.content.image_rules import PICTURE_EXTENSIONS, RASTER, UNREADABLE, check_files
from haihui.pictures.encode import ImageSettings, encode
from haihui.pictures.pipeline import POOL_FROM, ImageCache

STORY_EN = "content/stories/jibuguoguo.en.md"
STORY_ZH = "content/stories/jibuguoguo.zh.md"
ILLUSTRATION = "Image: images/illustrations/passing-on-the-gift.png"
ABOUT_EN = "content/pages/about.en.md"
ABOUT_ZH = "content/pages/about.zh.md"
CAMPAIGN_EN = "content/pages/campaigns/left-behind-mothers.en.md"
CAMPAIGN_ZH = "content/pages/campaigns/left-behind-mothers.zh.md"
SMALL = ImageSettings(widths=(160,), og_size=(120, 63))


# ---------------------------------------------------------------- pictures with GPS


def gps_exif() -> Image.Exif:
    exif = Image.Exif()
    exif[ExifTags.Base.Make] = "Xiaomi"
    exif[ExifTags.Base.Model] = "Redmi-near-her-house"
    gps = exif.get_ifd(ExifTags.IFD.GPSInfo)
    gps[ExifTags.GPS.GPSLatitudeRef] = "N"
    gps[ExifTags.GPS.GPSLatitude] = (28.0, 1.0, 30.0)
    gps[ExifTags.GPS.GPSLongitudeRef] = "E"
    gps[ExifTags.GPS.GPSLongitude] = (102.0, 51.0, 10.0)
    return exif


def picture_bytes(fmt: str, size=(320, 240)) -> bytes | None:
    """A picture in Pillow format `fmt`, with GPS EXIF where the format holds EXIF; None if
    Pillow cannot write that format from any ordinary mode."""
    base = Image.new("RGB", size, (40, 60, 200))
    base.paste((220, 30, 30), (0, 0, size[0], size[1] // 4))
    for mode in ("RGB", "L", "P", "1", "RGBA", "F", "I"):
        try:
            image = base.convert(mode)
        except ValueError:
            continue
        for kwargs in ({"exif": gps_exif()}, {}):
            buffer = BytesIO()
            try:
                image.save(buffer, fmt, **kwargs)
            except Exception:  # noqa: BLE001 - this mode or option is not for this format
                continue
            return buffer.getvalue()
    return None


def gps_photo(path: Path, fmt="JPEG", size=(600, 450)) -> Path:
    """Small, quick to encode, yet published at two widths (480 px, scaled, and 600 px)."""
    path.parent.mkdir(parents=True, exist_ok=True)
    data = picture_bytes(fmt, size)
    path.write_bytes(data)
    with Image.open(path) as image:
        assert image.getexif().get_ifd(ExifTags.IFD.GPSInfo), f"{path.name} has no GPS to strip"
    return path


def no_metadata(data: bytes) -> bool:
    with Image.open(BytesIO(data)) as image:
        exif = image.getexif()
        return (
            not dict(exif)
            and not exif.get_ifd(ExifTags.IFD.GPSInfo)
            and "exif" not in image.info
            and b"Redmi-near-her-house" not in data
        )


def messages(result) -> str:
    return " ".join((result.stdout + result.stderr).split())


def build(project: Path, settings="pelicanconf.py", **extra):
    return run_pelican(settings, project / "output", cwd=project, extra=extra or None, timeout=600)


def output_files(project: Path) -> list[Path]:
    return [p for p in (project / "output").rglob("*") if p.is_file()]


def show_in(path: Path, markdown: str) -> None:
    path.write_text(path.read_text("utf-8") + f"\n{markdown}\n", "utf-8")


def photos_yes(project: Path) -> None:
    for story in (STORY_EN, STORY_ZH):
        edit(project / story, "Photos: no", "Photos: yes")


# ---------------------------------------------------------------- one definition of "raster"


def pillow_formats_that_open() -> dict[str, str]:
    """Extension -> format, for every format Pillow opens and decodes (stubs have no decoder)."""
    from PIL import ImageFile

    Image.init()
    found = {}
    for ext, fmt in Image.registered_extensions().items():
        factory = Image.OPEN.get("JPEG" if fmt == "MPO" else fmt, (None,))[0]
        if factory is None or (isinstance(factory, type) and issubclass(factory, ImageFile.StubImageFile)):
            continue
        found[ext] = fmt
    return found


def test_raster_is_every_format_pillow_opens_and_the_checks_and_build_share_it():
    for ext, fmt in pillow_formats_that_open().items():
        if fmt not in image_rules.NOT_PICTURES:
            assert ext in RASTER, f"{ext} ({fmt}) opens in Pillow but would not be re-encoded"
    for ext in (".jfif", ".jpe", ".avif", ".jpg", ".png", ".webp", ".tif", ".mpo"):
        assert ext in RASTER
    for ext in (".svg", ".pdf", ".eps", ".ps", ".html", ".txt", ".mp4"):
        assert ext not in RASTER and ext not in PICTURE_EXTENSIONS
    assert UNREADABLE.isdisjoint(RASTER)
    assert links.PICTURES == PICTURE_EXTENSIONS, "links.py defers pictures to image_rules"
    from haihui_gates import static_gate

    assert static_gate.PICTURE_EXTENSIONS is PICTURE_EXTENSIONS, "the build uses the same set"


@pytest.mark.parametrize("ext", sorted(RASTER))
def test_every_raster_type_is_accepted_as_a_picture_and_encoded_without_metadata(ext):
    rules = Rules(languages=("en", "zh"), strict=False, templates=frozenset())
    assert image_rules.image_path(f"images/photos/her{ext}", rules) is None, f"Image: ...{ext} refused"
    fmt = Image.registered_extensions()[ext]
    data = picture_bytes("JPEG" if fmt == "MPO" else fmt)
    if data is None:
        return  # Pillow reads this format but cannot write one to try (e.g. PSD, PCD)
    files = encode(data, SMALL)
    assert files, ext
    for rendition, encoded in files:
        assert no_metadata(encoded), f"{ext}: {rendition.file} keeps metadata"


# ---------------------------------------------------------------- checks on a content folder


def content_tree(tmp_path: Path, files: dict[str, bytes | str], text: str = "") -> tuple[list, Rules]:
    content = tmp_path / "content"
    for rel, data in files.items():
        target = content / rel
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_bytes(data if isinstance(data, bytes) else data.encode())
    page = "Title: About\nSlug: about\nLang: en\n\n" + text + "\n"
    (content / "pages").mkdir(parents=True, exist_ok=True)
    (content / "pages/about.en.md").write_text(page, "utf-8")
    sources = load_sources([("content/pages/about.en.md", "page", page)])
    found = frozenset(
        str(p.relative_to(content)).replace(os.sep, "/")
        for p in content.rglob("*")
        if p.is_file() or p.is_symlink()
    )
    rules = Rules(
        languages=("en", "zh"),
        strict=False,
        templates=frozenset(),
        content_root="content",
        content_files=found,
        static_paths=("images",),
        settings={"PATH": str(content), "STATIC_PATHS": ["images"], "IGNORE_FILES": [".#*"]},
    )
    return sources, rules


NOT_PICTURES = [".pdf", ".svg", ".txt", ".docx", ".zip", ".html", ".eps", ".mp4", ".xlsx", ""]


@pytest.mark.parametrize("ext", NOT_PICTURES)
def test_a_file_that_is_not_a_picture_is_named_and_a_link_to_it_is_an_error(tmp_path, ext):
    name = f"images/consent-scan{ext}"
    sources, rules = content_tree(
        tmp_path,
        {name: b"%PDF-1.4 her signature"},
        f'Intro.\n\nSee [the form]({{static}}/{name}).\n\n<img src="/{name}" alt="x">',
    )
    problems = list(check_files(sources, rules))
    shown = f"content/{name}"
    assert any(
        p.path == shown and p.severity == "warning" and "not published" in p.message and p.translated("zh")
        for p in problems
    ), problems
    errors = [p for p in problems if p.severity == "error"]
    assert [p.line for p in errors] == [7, 9], errors
    assert all(p.path == "content/pages/about.en.md" and "never publishes" in p.message for p in errors)


@pytest.mark.parametrize("link_to", ["folder", "file"])
def test_a_symlink_to_a_file_or_folder_outside_is_an_error_naming_it(tmp_path, link_to):
    outside = tmp_path / "outside"
    outside.mkdir()
    (outside / "passwd").write_text("root:x:0:0")
    (outside / "photo.jpg").write_bytes(picture_bytes("JPEG"))
    sources, rules = content_tree(tmp_path, {"images/ok.png": picture_bytes("PNG")})
    link = tmp_path / "content/images" / ("etc" if link_to == "folder" else "photo.jpg")
    link.symlink_to(outside if link_to == "folder" else outside / "photo.jpg")
    (tmp_path / "content/images/.#about.en.md").symlink_to("user@host.1234")  # an editor's lock
    problems = [p for p in check_files(sources, rules) if p.severity == "error"]
    assert [p.path for p in problems] == [f"content/images/{link.name}"], problems
    assert "replace the link with the file itself" in problems[0].fix and problems[0].translated("zh")


@given(
    name=st.text(alphabet="abcdefghijklmnopqrstuvwxyz0123456789-_", min_size=1, max_size=12),
    ext=st.sampled_from(sorted(RASTER | UNREADABLE) + NOT_PICTURES + [".JFIF", ".Avif", ".SVG"]),
    folder=st.sampled_from(["images", "images/photos", "images/illustrations", "images/a/b"]),
    as_link=st.sampled_from(["no", "file", "folder"]),
)
@hsettings(max_examples=60, deadline=None)
def test_property_nothing_under_content_is_copied_and_links_are_refused(
    tmp_path_factory, name, ext, folder, as_link
):
    """Whatever a file is called and wherever it is: a picture is left to the picture pipeline,
    anything else is named as not published, and any symlink is an error."""
    tmp = tmp_path_factory.mktemp("prop")
    rel = f"{folder}/{name}{ext}"
    files = {} if as_link != "no" else {rel: b"data"}
    sources, rules = content_tree(tmp, files)
    content = tmp / "content"
    if as_link != "no":
        (tmp / "elsewhere").mkdir()
        (tmp / "elsewhere/x").write_bytes(b"data")
        (content / folder).mkdir(parents=True, exist_ok=True)
        target = tmp / "elsewhere" if as_link == "folder" else tmp / "elsewhere/x"
        (content / rel).symlink_to(target)
    problems = list(check_files(sources, rules))
    shown = f"content/{rel}"
    if as_link != "no":
        assert [(p.path, p.severity) for p in problems] == [(shown, "error")]
    elif ext.lower() in PICTURE_EXTENSIONS:
        assert problems == []
    else:
        assert [(p.path, p.severity) for p in problems] == [(shown, "warning")]


# ---------------------------------------------------------------- builds: deny by default


@pytest.fixture(scope="module")
def hostile_site(tmp_path_factory) -> Path:
    """GPS originals as .jfif (WeChat via Windows), .jpe and .avif, shown and not shown; a consent
    scan as PDF and an SVG with script under content/images/, linked from nowhere."""
    project = copy_project(tmp_path_factory.mktemp("hostile") / "project")
    photos = project / "content/images/photos"
    shown = {"wechat.jfif": "JPEG", "old.jpe": "JPEG", "new.avif": "AVIF"}
    for name, fmt in shown.items():
        gps_photo(photos / name, fmt)
        gps_photo(photos / f"unshown-{name}", fmt, size=(500, 350))
    (project / "content/images/consent-scan.pdf").write_bytes(b"%PDF-1.4\n% signed consent form, no. 14\n")
    (project / "content/images/drawing.svg").write_text(
        '<svg xmlns="http://www.w3.org/2000/svg"><script>alert(1)</script></svg>', "utf-8"
    )
    photos_yes(project)
    for story, alt in ((STORY_EN, "A black sow"), (STORY_ZH, "一头黑母猪")):
        for name in shown:
            show_in(project / story, f"![{alt}]({{static}}/images/photos/{name})")
    result = build(project)
    assert result.returncode == 0, messages(result)
    project.joinpath("build.log").write_text(messages(result), "utf-8")
    return project


def test_no_original_and_no_other_file_of_content_is_published(hostile_site):
    content = hostile_site / "content"
    originals = {p.read_bytes(): p for p in (content / "images").rglob("*") if p.is_file()}
    names = {p.name for p in (content / "images").rglob("*") if p.is_file()}
    for path in output_files(hostile_site):
        assert path.name not in names, f"{path} copied from content/"
        assert path.read_bytes() not in originals, f"{path} is {originals.get(path.read_bytes())}"


def test_jfif_jpe_and_avif_shown_in_a_story_are_published_re_encoded_without_gps(hostile_site):
    output = hostile_site / "output"
    for url in ("stories/jibuguoguo/", "zh/stories/jibuguoguo/"):
        soup = BeautifulSoup((output / url / "index.html").read_text("utf-8"), "lxml")
        pictures = soup.select("main picture")
        sources = [img["src"] for img in soup.select("main img")]
        assert not any(s.endswith((".jfif", ".jpe", ".avif")) or "{static}" in s for s in sources), sources
        assert len(pictures) >= 4, "hero + the three pictures in the text"
        for img in soup.select("main picture img"):
            for part in img["srcset"].split(","):
                file = output / part.split()[0].lstrip("/")
                assert no_metadata(file.read_bytes()), file


def test_files_that_are_not_pictures_are_named_in_a_warning(hostile_site):
    log = (hostile_site / "build.log").read_text("utf-8")
    for name in ("consent-scan.pdf", "drawing.svg"):
        assert f"content/images/{name}:1: warning: this file is not published" in log, log[-3000:]


def test_a_link_to_a_pdf_in_a_story_stops_the_build_at_its_line(broken):
    (broken / "content/images/consent-scan.pdf").write_bytes(b"%PDF-1.4\n")
    show_in(broken / ABOUT_EN, "Read [her consent form]({static}/images/consent-scan.pdf).")
    line = len((broken / ABOUT_EN).read_text("utf-8").splitlines())
    before = tree_digest(broken / "output")
    result = build(broken)
    text = messages(result)
    assert result.returncode != 0 and "Traceback" not in text, text
    assert (
        f"{ABOUT_EN}:{line}: '{{static}}/images/consent-scan.pdf' leads to content/images/consent-scan.pdf, "
        "which the site never publishes" in text
    ), text
    assert tree_digest(broken / "output") == before


@pytest.mark.parametrize("link_to", ["folder", "file"])
def test_a_symlink_out_of_the_project_stops_the_build_and_nothing_is_copied(broken, tmp_path, link_to):
    outside = tmp_path / "etc"
    outside.mkdir()
    (outside / "shadow").write_text("root:secret-hash:19000")
    gps_photo(outside / "her.jpg")
    if link_to == "folder":
        (broken / "content/images/etc").symlink_to(outside)
        shown = "content/images/etc"
    else:
        (broken / "content/images/photos").mkdir(parents=True, exist_ok=True)
        (broken / "content/images/photos/her.jpg").symlink_to(outside / "her.jpg")
        photos_yes(broken)
        show_in(broken / STORY_EN, "![A sow]({static}/images/photos/her.jpg)")
        show_in(broken / STORY_ZH, "![一头母猪]({static}/images/photos/her.jpg)")
        shown = "content/images/photos/her.jpg"
    before = tree_digest(broken / "output")
    result = build(broken)
    text = messages(result)
    assert result.returncode != 0 and "Traceback" not in text, text
    assert f"{shown}:1: this is a symbolic link" in text and "replace the link with the file itself" in text
    assert tree_digest(broken / "output") == before


def test_the_build_itself_never_follows_a_symlink_even_without_the_checks(tmp_path):
    """Fail closed where static files are gathered: the static generator refuses a link."""
    from types import SimpleNamespace

    from haihui.problems import ContentError
    from haihui_gates import static_gate

    content = tmp_path / "content"
    (content / "images").mkdir(parents=True)
    (tmp_path / "etc").mkdir()
    (tmp_path / "etc/passwd").write_text("root")
    (content / "images/etc").symlink_to(tmp_path / "etc")
    generator = SimpleNamespace(
        path=str(content),
        context={"static_links": set()},
        settings={"STATIC_PATHS": ["images"], "IGNORE_FILES": [".#*"]},
    )
    with pytest.raises(ContentError, match="images/etc:1: this is a symbolic link"):
        static_gate._gather_nothing(generator)


# ---------------------------------------------------------------- withdrawal off every page


@pytest.fixture(scope="module")
def withdrawn_site(tmp_path_factory) -> Path:
    """Jibuguoguo's photo is her hero and is shown on About and the campaign page (and a copy
    of it, under another name, on the Chinese About page); then she withdraws."""
    project = copy_project(tmp_path_factory.mktemp("withdrawn") / "project")
    her = gps_photo(project / "content/images/photos/her.jpg")
    shutil.copyfile(her, project / "content/images/photos/copy-of-her.jpg")
    photos_yes(project)
    for story in (STORY_EN, STORY_ZH):
        edit(project / story, ILLUSTRATION, "Image: images/photos/her.jpg")
    show_in(project / ABOUT_EN, "![Jibuguoguo with her sow]({static}/images/photos/her.jpg)")
    show_in(project / ABOUT_ZH, "![]({static}/images/photos/copy-of-her.jpg)")  # no alt: still no stop
    show_in(project / CAMPAIGN_EN, '<img src="/images/photos/her.jpg" alt="Jibuguoguo">')
    show_in(project / CAMPAIGN_ZH, "![吉布果果和她的母猪](../../../images/photos/her.jpg)")
    edit(project / STORY_ZH, "Consent: given 2026-10-12", "Consent: withdrawn 2026-12-01")
    result = build(project)
    assert result.returncode == 0, messages(result)
    project.joinpath("build.log").write_text(messages(result), "utf-8")
    return project


def her_key(project: Path) -> str:
    cache = ImageCache(project / ".cache/images", ImageSettings())
    return cache.key((project / "content/images/photos/her.jpg").read_bytes())[:16]


def test_her_photo_is_on_no_page_and_not_in_the_output(withdrawn_site):
    key = her_key(withdrawn_site)
    for path in output_files(withdrawn_site):
        assert not path.name.startswith(key), f"her picture {path.relative_to(withdrawn_site)}"
        if path.suffix == ".xml":  # feeds, sitemap
            assert "her.jpg" not in path.read_text("utf-8") and key not in path.read_text("utf-8")
        if path.suffix == ".html":
            soup = BeautifulSoup(path.read_text("utf-8"), "lxml")
            for tag in soup.select("img, source, meta[property='og:image']"):
                shown = " ".join(tag.get(a, "") for a in ("src", "srcset", "content"))
                assert "her.jpg" not in shown and key not in shown, f"{path}: {tag}"
    for url in ("about/", "zh/about/", "campaigns/left-behind-mothers/", "zh/campaigns/left-behind-mothers/"):
        page = withdrawn_site / "output" / url / "index.html"
        assert page.is_file(), url
        assert "Jibuguoguo with her sow" not in page.read_text("utf-8")


def test_the_checks_warn_at_each_page_and_line_that_still_shows_her_photo(withdrawn_site):
    log = (withdrawn_site / "build.log").read_text("utf-8")
    for page in (ABOUT_EN, CAMPAIGN_EN, CAMPAIGN_ZH):
        line = len((withdrawn_site / page).read_text("utf-8").splitlines())
        assert (
            f"{page}:{line}: warning: the picture images/photos/her.jpg is shown by a story taken down"
        ) in log, page


def test_withdrawal_keeps_her_photo_off_the_pages_in_a_publish_build_too(withdrawn_site, tmp_path):
    project = tmp_path / "project"
    shutil.copytree(withdrawn_site, project, ignore=shutil.ignore_patterns("output"))
    result = build(project, "publishconf.py", STRICT_PUBLISH="false")
    assert result.returncode == 0, messages(result)
    key = her_key(project)
    assert not any(p.name.startswith(key) for p in output_files(project))


# ---------------------------------------------------------------- process faults


def children_of(pid: int) -> list[int]:
    found = []
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                stat = (entry / "stat").read_text()
            except OSError:
                continue
            if int(stat.rsplit(")", 1)[1].split()[1]) == pid:
                found.append(int(entry.name))
    return found


def cmdline(pid: int) -> str:
    try:
        return Path(f"/proc/{pid}/cmdline").read_bytes().replace(b"\0", b" ").decode()
    except OSError:
        return ""


def alive(pid: int) -> bool:
    try:
        state = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0]
    except OSError:
        return False
    return state != "Z"


def wait_for(condition, seconds: float, every=0.1):
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        value = condition()
        if value:
            return value
        time.sleep(every)
    return condition()


@pytest.fixture
def many_new_photos(tmp_path) -> Path:
    """A project with as many new 800 x 600 photos of noise in one story as start the picture
    workers (POOL_FROM): each slow enough to encode (about 0.2 s) that the workers are still
    at work when the first is stored, small enough that the next build encodes the rest quickly."""
    project = copy_project(tmp_path / "project")
    noise = Image.merge("RGB", [Image.effect_noise((800, 600), 80)] * 3)
    buffer = BytesIO()
    noise.save(buffer, "JPEG", quality=90, exif=gps_exif())
    (project / "content/images/photos").mkdir(parents=True)
    photos_yes(project)
    for number in range(POOL_FROM):
        (project / f"content/images/photos/{number}.jpg").write_bytes(buffer.getvalue() + bytes(number))
        show_in(project / STORY_EN, f"![A pigsty, picture {number}]({{static}}/images/photos/{number}.jpg)")
        show_in(project / STORY_ZH, f"![猪圈，第 {number} 张]({{static}}/images/photos/{number}.jpg)")
    return project


def in_the_cache(project: Path, keys: list[str]) -> int:
    """How many of the pictures with these cache keys the picture cache holds whole."""
    cache = ImageCache(project / ".cache/images", ImageSettings())
    return sum(cache.get(key) is not None for key in keys)


@pytest.mark.pelican_process
@pytest.mark.skipif(not Path("/proc/self/stat").exists(), reason="reads processes from /proc (Linux)")
@pytest.mark.parametrize("sig", [signal.SIGKILL, signal.SIGTERM])
def test_a_killed_build_leaves_no_worker_and_the_next_build_completes(many_new_photos, sig, monkeypatch):
    project = many_new_photos
    # Not measured by coverage: a build killed mid-write would leave a broken data file behind.
    monkeypatch.delenv("COVERAGE_PROCESS_CONFIG", raising=False)
    cache = ImageCache(project / ".cache/images", ImageSettings())
    photos = [cache.key(p.read_bytes()) for p in (project / "content/images/photos").glob("*.jpg")]
    done = {}
    runner = threading.Thread(target=lambda: done.setdefault("result", build(project)), daemon=True)
    workers: list[int] = []
    pelican = None
    try:
        runner.start()
        pelican = wait_for(
            lambda: next((p for p in children_of(os.getpid()) if " -m pelican " in cmdline(p)), None), 60
        )
        assert pelican, "pelican did not start"
        # Killed in the middle of the work: the workers have stored a first photo and are
        # encoding the others.
        assert wait_for(lambda: in_the_cache(project, photos), 90, every=0.02), "no photo was encoded"
        workers = [p for p in children_of(pelican) if "spawn_main" in cmdline(p)]
        assert workers, "no picture workers started"
        os.kill(pelican, sig)
        runner.join(30)
        assert not runner.is_alive(), "the build's caller still waits on the killed build"
        assert done["result"].returncode != 0
        assert wait_for(lambda: not any(alive(p) for p in workers), 15), "workers outlived their build"
        assert in_the_cache(project, photos) < len(photos), "killed once the photos were all encoded"
        result = build(project)
        assert result.returncode == 0, messages(result)
        page = (project / "output/stories/jibuguoguo/index.html").read_text("utf-8")
        assert page.count("<picture") >= 5  # the 4 photos and the story's drawing
    finally:
        for pid in [*workers, *([pelican] if pelican else [])]:
            if alive(pid):
                os.kill(pid, signal.SIGKILL)
        runner.join(30)


@pytest.mark.pelican_process
def test_run_pelican_does_not_wait_for_what_the_build_left_running(tmp_path):
    """A stand-in `pelican` that leaves a grandchild holding its output pipes, then exits."""
    fake = tmp_path / "pelican"
    fake.mkdir()
    (fake / "__init__.py").write_text("")
    (fake / "__main__.py").write_text(
        "import subprocess, sys\n"
        "child = subprocess.Popen([sys.executable, '-c', 'import time; time.sleep(30)'])\n"
        "open('straggler.pid', 'w').write(str(child.pid))\n"
        "print('built', flush=True)\n"
    )
    started = time.monotonic()
    try:
        result = run_pelican("pelicanconf.py", tmp_path / "out", cwd=tmp_path)  # old: no timeout
        elapsed = time.monotonic() - started
        assert result.returncode == 0 and "built" in result.stdout
        assert elapsed < 15, f"waited {elapsed:.1f} s for a straggler"
        straggler = int((tmp_path / "straggler.pid").read_text())
        assert wait_for(lambda: not alive(straggler), 5), "the straggler was left running"
    finally:
        pid_file = tmp_path / "straggler.pid"
        if pid_file.exists() and alive(int(pid_file.read_text())):
            os.kill(int(pid_file.read_text()), signal.SIGKILL)
