"""`make deploy`: the plan (which files, in which order, with which headers) as pure functions,
and real runs of rclone against a local folder and an SFTP server on loopback, interrupted too."""

import gzip
import hashlib
import io
import os
import re
import secrets
import shutil
import stat
import subprocess
import sys
import threading
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import settings as examples
from hypothesis import strategies as st

from conftest import require_tool
from haihui.assets import fingerprinted
from haihui.build import ROOT
from haihui.build.deploy import deploy, remote_info, shown_remote
from haihui.build.deploy_plan import (
    ASSETS,
    INDEXES,
    OBJECT_STORE,
    OTHER,
    PAGES,
    PHASES,
    WEB_SERVER,
    deletions,
    fingerprinted_file,
    plan_deploy,
)
from haihui.build.publish_record import (
    PUBLISH_RECORD,
    NotPublished,
    read_publish_record,
    record_publish,
)
from haihui.settings import DEFAULTS, read_settings
from s3_fake import FakeS3

CACHE = DEFAULTS["DEPLOY_CACHE_CONTROL"]
YEAR = "public, max-age=31536000, immutable"
SHORT = "public, max-age=300"
CSS = f"theme/css/main.{'a1b2c3d4'}.css"
PICTURE = "images/0123456789abcdef-960.webp"
SITE = {
    CSS: 4000,
    "theme/images/favicon.0f0f0f0f.svg": 300,
    PICTURE: 50_000,
    "robots.txt": 80,
    "favicon.ico": 5000,
    "fund-use/fund-use.csv": 900,
    "index.html": 9000,
    "zh/index.html": 9000,
    "stories/a/index.html": 7000,
    "sitemap.xml": 3000,
    "feeds/stories.atom.xml": 6000,
    PUBLISH_RECORD: 2000,
}


def plan(style, sizes=SITE):
    return plan_deploy(sizes, style=style, fingerprinted=fingerprinted_file, cache_control=CACHE)


# ---------------------------------------------------------------- the plan


def test_the_defaults_cache_fingerprinted_files_for_a_year_and_the_rest_for_five_minutes():
    assert CACHE == {"fingerprinted": YEAR, "other": SHORT}


def test_files_whose_name_carries_their_hash_are_the_theme_files_and_the_pictures():
    assert fingerprinted_file(CSS) and fingerprinted_file(PICTURE)
    assert fingerprinted_file("static/a.0123abcd.css", theme_folder="static")
    for other in (
        "theme/css/main.css",
        "images/og.jpg",
        "css/main.a1b2c3d4.css",
        "images/x/0123456789abcdef-9.jpg",
    ):
        assert not fingerprinted_file(other), other


def test_a_web_server_gets_assets_other_files_pages_and_indexes_in_that_order_with_gz_copies():
    planned = plan(WEB_SERVER)
    assert [step.phase for step in planned.steps] == [ASSETS, OTHER, PAGES, INDEXES]
    by_phase = {step.phase: step.files for step in planned.steps}
    assert by_phase[ASSETS] == (
        PICTURE,
        CSS,
        f"{CSS}.gz",
        "theme/images/favicon.0f0f0f0f.svg",
        "theme/images/favicon.0f0f0f0f.svg.gz",
    )
    # robots.txt is too small to be worth compressing; the icon and the open data are not.
    assert by_phase[OTHER] == (
        "favicon.ico",
        "favicon.ico.gz",
        "fund-use/fund-use.csv",
        "fund-use/fund-use.csv.gz",
        "robots.txt",
    )
    assert set(by_phase[PAGES]) == {
        f"{p}{gz}" for p in ("index.html", "zh/index.html", "stories/a/index.html") for gz in ("", ".gz")
    }
    assert set(by_phase[INDEXES]) == {
        "sitemap.xml",
        "sitemap.xml.gz",
        "feeds/stories.atom.xml",
        "feeds/stories.atom.xml.gz",
    }
    assert all(step.headers == () for step in planned.steps)  # the server's configuration sets them
    assert PUBLISH_RECORD not in planned.names
    gz = {f.name: f for f in planned.files if f.gzip}
    assert gz["index.html.gz"].source == "index.html"


def test_an_object_store_gets_headers_per_file_and_text_stored_compressed():
    planned = plan(OBJECT_STORE)
    headers = {name: dict(step.headers) for step in planned.steps for name in step.files}
    assert headers[CSS] == {
        "Cache-Control": YEAR,
        "Content-Type": "text/css; charset=utf-8",
        "Content-Encoding": "gzip",
    }
    assert headers[PICTURE] == {"Cache-Control": YEAR, "Content-Type": "image/webp"}
    assert headers["index.html"] == {
        "Cache-Control": SHORT,
        "Content-Type": "text/html; charset=utf-8",
        "Content-Encoding": "gzip",
    }
    assert headers["robots.txt"] == {"Cache-Control": SHORT, "Content-Type": "text/plain; charset=utf-8"}
    assert headers["feeds/stories.atom.xml"]["Content-Type"] == "application/atom+xml; charset=utf-8"
    assert headers["sitemap.xml"]["Content-Type"] == "application/xml; charset=utf-8"
    assert not any(name.endswith(".gz") for name in planned.names)  # compressed in place
    assert {f.name for f in planned.files if f.gzip} == {
        name for name, h in headers.items() if h.get("Content-Encoding") == "gzip"
    }
    phases = [step.phase for step in planned.steps]
    assert phases == sorted(phases, key=PHASES.index)


def test_an_unknown_style_is_refused():
    with pytest.raises(ValueError, match="unknown deploy style 'ftp'"):
        plan("ftp")


names = st.lists(st.sampled_from(["a", "zh", "theme", "images", "stories", ".well-known"]), max_size=3)
suffixes = st.sampled_from([".html", ".css", ".xml", ".atom.xml", ".webp", ".txt", ".json", ".png", ""])


@examples(max_examples=60, deadline=None)
@given(
    st.dictionaries(
        st.tuples(names, suffixes, st.booleans()).map(
            lambda t: "/".join([*t[0], "x"]) + (f".0123abcd{t[1]}" if t[2] else t[1])
        ),
        st.integers(0, 100_000),
        max_size=30,
    ),
    st.sampled_from([WEB_SERVER, OBJECT_STORE]),
)
def test_no_page_is_uploaded_before_a_file_it_may_name(sizes, style):
    planned = plan_deploy(
        sizes,
        style=style,
        fingerprinted=lambda p: fingerprinted_file(p, theme_folder=""),
        cache_control=CACHE,
    )
    uploaded = [name for step in planned.steps for name in step.files]
    assert sorted(uploaded) == sorted(planned.names)  # each file once
    sources = {f.source for f in planned.files}
    assert sources == {p for p in sizes if not any(part.startswith(".") for part in p.split("/"))}
    phases = [step.phase for step in planned.steps]
    assert phases == sorted(phases, key=PHASES.index)
    html_steps = [i for i, step in enumerate(planned.steps) if step.phase == PAGES]
    asset_steps = [i for i, step in enumerate(planned.steps) if step.phase in (ASSETS, OTHER)]
    assert not html_steps or not asset_steps or max(asset_steps) < min(html_steps)


def test_only_what_the_site_no_longer_has_is_deleted_never_a_hidden_or_kept_file():
    planned = plan(WEB_SERVER)
    remote = [
        "index.html",
        "index.html.gz",
        "stories/gone/index.html",
        "stories/gone/index.html.gz",
        "theme/css/main.00000000.css",
        ".htaccess",
        ".well-known/acme-challenge/token",
        "MP_verify_abc123.txt",
    ]
    assert deletions(remote, planned, keep=["MP_verify_*.txt"]) == (
        "stories/gone/index.html",
        "stories/gone/index.html.gz",
        "theme/css/main.00000000.css",
    )


def test_the_remote_says_whether_it_keeps_headers_and_which_hashes_it_has():
    s3 = {"Features": {"WriteMimeType": True, "CanHaveEmptyDirectories": False}, "Hashes": ["md5"]}
    sftp = {"Features": {"WriteMimeType": False, "CanHaveEmptyDirectories": True}, "Hashes": ["md5", "sha1"]}
    bare_sftp = {"Features": {"CanHaveEmptyDirectories": True}, "Hashes": []}
    assert remote_info(s3) == remote_info(s3).__class__(OBJECT_STORE, True, False)
    assert remote_info(sftp).style == WEB_SERVER and remote_info(sftp).checksum
    assert not remote_info(bare_sftp).checksum  # compared by size and time then, never by size alone
    assert remote_info(s3, WEB_SERVER).style == WEB_SERVER  # DEPLOY_STYLE decides when set


def test_a_connection_string_is_never_printed_with_its_parameters():
    assert shown_remote("cos:haihui-1250000000/site") == "cos:haihui-1250000000/site"
    assert shown_remote(":local:/tmp/x") == ":local:/tmp/x"
    assert shown_remote(":sftp,host=h,user=u,pass=SECRET:/var/www") == ":sftp,…:/var/www"
    assert shown_remote("web,pass=SECRET:/var/www") == "web,…:/var/www"


# ---------------------------------------------------------------- the publish record


def test_the_record_of_a_publish_build_lists_every_file_and_notices_any_change(tmp_path):
    site = tmp_path / "output"
    (site / "a").mkdir(parents=True)
    (site / "index.html").write_text("<p>home</p>", "utf-8")
    (site / "a/index.html").write_text("<p>a</p>", "utf-8")
    with pytest.raises(NotPublished, match="holds a preview build"):
        read_publish_record(site)
    record_publish(site, "https://example.org")
    record = read_publish_record(site)
    assert record.siteurl == "https://example.org"
    assert set(record.files) == {"index.html", "a/index.html"}
    (site / "a/index.html").write_text("<p>edited by hand</p>", "utf-8")
    with pytest.raises(
        NotPublished, match=r"1 file\(s\) of output/ changed after `make publish` \(e.g. a/index.html\)"
    ):
        read_publish_record(site)
    (site / "a/index.html").write_text("<p>a</p>", "utf-8")
    (site / "extra.html").write_text("x", "utf-8")
    with pytest.raises(NotPublished, match=r"e\.g\. extra\.html"):
        read_publish_record(site)
    (site / PUBLISH_RECORD).write_text("{not json", "utf-8")
    with pytest.raises(NotPublished, match="unreadable"):
        read_publish_record(site)
    with pytest.raises(NotPublished, match="does not exist"):
        read_publish_record(tmp_path / "nothing")


# ---------------------------------------------------------------- real runs of rclone


@pytest.fixture(scope="session")
def rclone() -> str:
    found = shutil.which("rclone")
    require_tool(
        found is not None,
        "rclone is not installed (make deploy uploads with it)",
        "install Debian's package: `sudo apt-get install rclone`",
    )
    assert found is not None
    return found


def rclone_environ(folder: Path) -> dict[str, str]:
    """rclone with nothing of this computer's: an empty config file, its own cache folder."""
    config = folder / "rclone.conf"
    config.write_text("", "utf-8")
    environ = {k: v for k, v in os.environ.items() if not k.startswith(("RCLONE_", "DEPLOY_"))}
    return {**environ, "RCLONE_CONFIG": str(config), "RCLONE_CACHE_DIR": str(folder / "rclone-cache")}


@pytest.fixture
def rclone_env(tmp_path) -> dict[str, str]:
    return rclone_environ(tmp_path)


def publish_build(folder: Path, version: int) -> Path:
    """A small publish build: a stylesheet and a picture named by their content, pages naming
    them, robots.txt, the sitemap and a feed; version 2 changes the stylesheet, the picture and
    the home page, drops story a and adds story b."""
    shutil.rmtree(folder, ignore_errors=True)
    css = f"body{{color:#{version}{version}{version}}}\n".encode() + b"p{margin:0 0 1rem}\n" * 40
    css_file = "theme/" + fingerprinted("css/main.css", css)
    picture = f"images/{hashlib.sha256(bytes([version])).hexdigest()[:16]}-480.webp"
    stories = ["a"] if version == 1 else ["b"]
    files: dict[str, bytes] = {css_file: css, picture: b"RIFF\x00\x00WEBP" + bytes([version]) * 3000}
    words = "A story of black pigs and the families who pass on the gift. " * 12

    def page(title: str) -> bytes:
        return (
            f'<!DOCTYPE html><html lang="en"><head><title>{title}</title>'
            f'<link rel="stylesheet" href="/{css_file}"></head>'
            f'<body><h1>{title} (version {version})</h1><img src="/{picture}" alt="">'
            f"<p>{words}</p></body></html>\n"
        ).encode()

    files["index.html"] = page("Home")
    files["about/index.html"] = page("About")
    for story in stories:
        files[f"stories/{story}/index.html"] = page(f"Story {story}")
    files["robots.txt"] = b"User-agent: *\nAllow: /\n"
    locs = "".join(f"<url><loc>https://example.org/stories/{s}/</loc></url>" for s in stories)
    files["sitemap.xml"] = f'<?xml version="1.0"?><urlset>{locs}{" " * 300}</urlset>\n'.encode()
    for name, data in files.items():
        (folder / name).parent.mkdir(parents=True, exist_ok=True)
        (folder / name).write_bytes(data)
    record_publish(folder, "https://example.org")
    return folder


def tree(folder: Path) -> dict[str, bytes]:
    return {
        p.relative_to(folder).as_posix(): p.read_bytes() for p in sorted(folder.rglob("*")) if p.is_file()
    }


# Text a web server may send compressed: beside each, its .gz copy (256 bytes and more).
TEXT = (".html", ".css", ".js", ".svg", ".xml", ".json", ".csv", ".txt", ".ico")


def assert_holds_exactly(remote: Path, output: Path) -> None:
    """The remote is the publish build, file for file, and a .gz copy beside each text file
    (whose content is the file's); no folder is left empty."""
    online, built = tree(remote), tree(output)
    del built[PUBLISH_RECORD]
    plain = {name: data for name, data in online.items() if not name.endswith(".gz")}
    assert plain == built
    copies = {name.removesuffix(".gz") for name in online if name.endswith(".gz")}
    assert copies == {name for name, data in built.items() if name.endswith(TEXT) and len(data) >= 256}
    for name in copies:
        assert gzip.decompress(online[f"{name}.gz"]) == built[name], name
    assert not [p for p in remote.rglob("*") if p.is_dir() and not any(p.iterdir())], (
        "an empty folder was left"
    )


# A theme file or a picture named in a page: "/theme/...", "https://host/images/...", in srcset too.
ASSET_LINK = re.compile(r'(?:"|\s|https?://[^/"\s]+)/((?:theme|images)/[^"\s,?#]+)')


def assets_named(html: str) -> set[str]:
    return set(ASSET_LINK.findall(html))


def assert_every_page_finds_its_files(remote: Path) -> None:
    """What a visitor sees at any moment: each page online finds every stylesheet, icon and
    picture it names."""
    named = 0
    for page in remote.rglob("*.html"):
        for name in assets_named(page.read_text("utf-8")):
            named += 1
            assert (remote / name).is_file(), f"{page.relative_to(remote)} names /{name}, which is not there"
    assert named, "no page names a stylesheet or a picture"


KILLER = """#!{python}
# rclone, except that the upload of the pages is cut off after its first file (the
# connection drops): the real rclone is killed, then this one kills itself.
import os, signal, subprocess, sys
real, args = os.environ["REAL_RCLONE"], sys.argv[1:]
listed = args[args.index("--files-from-raw") + 1] if "--files-from-raw" in args else None
if args[0] == "copy" and listed and any(n.strip().endswith(".html") for n in open(listed)):
    process = subprocess.Popen([real, *args, "--transfers", "1"], stderr=subprocess.PIPE, text=True)
    for line in process.stderr:
        if "Copied (" in line:
            break
    process.kill()
    process.wait()
    os.kill(os.getpid(), signal.SIGKILL)
os.execv(real, [real, *args])
"""


def cut_off_rclone(folder: Path, rclone: str) -> str:
    path = folder / "rclone-cut-off"
    path.write_text(KILLER.format(python=sys.executable), "utf-8")
    path.chmod(path.stat().st_mode | stat.S_IXUSR)
    return str(path)


def run_deploy(output: Path, environ: dict, **kwargs) -> tuple[int, str, str]:
    out, err = io.StringIO(), io.StringIO()
    settings = read_settings("publishconf.py", root=ROOT)
    status = deploy(output, settings, environ=environ, out=out, err=err, **kwargs)
    return status, out.getvalue(), err.getvalue()


@pytest.fixture(scope="module")
def deployed_v1(tmp_path_factory, rclone) -> tuple[Path, Path]:
    """Version 1 of the publish build and a folder it is deployed to, made once for the tests
    that start from a site online (each changes a copy: online_copy)."""
    folder = tmp_path_factory.mktemp("deployed-v1")
    output, remote = publish_build(folder / "output", 1), folder / "www"
    status, said, err = run_deploy(output, {**rclone_environ(folder), "DEPLOY_REMOTE": f":local:{remote}"})
    assert status == 0, said + err
    assert_holds_exactly(remote, output)
    return output, remote


def online_copy(deployed_v1: tuple[Path, Path], folder: Path) -> tuple[Path, Path]:
    """A copy of deployed_v1's publish build and of its remote folder, in `folder`."""
    output, remote = deployed_v1
    return shutil.copytree(output, folder / "output"), shutil.copytree(remote, folder / "www")


def interrupted_then_finished(tmp_path: Path, rclone: str, environ: dict, remote_folder: Path) -> str:
    """Version 1 deployed; version 2 cut off in the middle of the pages; then run again.
    Returns everything the deploys printed."""
    output = tmp_path / "output"
    printed = []
    status, said, err = run_deploy(publish_build(output, 1), environ)
    printed += [said, err]
    assert status == 0, said + err
    assert_holds_exactly(remote_folder, output)
    old = tree(remote_folder)

    publish_build(output, 2)
    status, said, err = run_deploy(
        output, {**environ, "REAL_RCLONE": rclone}, rclone=cut_off_rclone(tmp_path, rclone)
    )
    printed += [said, err]
    assert status == 1, said + err
    assert "The deploy stopped while uploading the pages" in err and "stopped by signal 9" in err
    assert "3/4 the pages" in said and "4/4" not in said
    now = tree(remote_folder)
    assert set(old) <= set(now), "something was deleted before every upload passed"
    new_assets = {n for n in tree(output) if n.startswith(("theme/", "images/"))}
    assert new_assets <= set(now), "the new stylesheet and picture are uploaded before any page"
    assert any(now[n] != old.get(n) for n in now if n.endswith((".html", ".html.gz"))), "no page went up"
    assert_every_page_finds_its_files(remote_folder)

    status, said, err = run_deploy(output, environ)
    printed += [said, err]
    assert status == 0, said + err
    assert_holds_exactly(remote_folder, output)
    assert re.search(r"Deleting [1-9]\d* file\(s\) the site no longer has", said)
    assert not (remote_folder / "stories/a").exists()

    status, said, err = run_deploy(output, environ)  # once more: nothing to send
    printed += [said, err]
    assert status == 0, said + err
    assert "(0 file(s) uploaded" in said and "0 deleted" in said
    assert_holds_exactly(remote_folder, output)
    return "".join(printed)


def test_deploy_to_a_local_folder_interrupted_in_the_pages_then_run_again(tmp_path, rclone, rclone_env):
    remote = tmp_path / "www"
    environ = {**rclone_env, "DEPLOY_REMOTE": f":local:{remote}"}
    interrupted_then_finished(tmp_path, rclone, environ, remote)


@pytest.fixture(scope="module")
def sftp_server(tmp_path_factory, rclone):
    """`rclone serve sftp` on 127.0.0.1, a port of its choosing, a throw-away user and password
    (given to the server and the client in environment variables, as a deploy gets them).
    One for the module (it makes its host keys as it starts): each test leaves the others'
    folders alone."""
    folder = tmp_path_factory.mktemp("sftp")
    rclone_env = rclone_environ(folder)
    root = folder / "sftp-root"
    root.mkdir()
    no_keys = folder / "authorized_keys"  # the password only, not this computer's keys
    no_keys.write_text("", "utf-8")
    user, password = "haihui-test", secrets.token_urlsafe(16)
    server_env = {
        **rclone_env,
        "RCLONE_USER": user,
        "RCLONE_PASS": password,
        "RCLONE_AUTHORIZED_KEYS": str(no_keys),
    }
    server = subprocess.Popen(
        [rclone, "serve", "sftp", str(root), "--addr", "127.0.0.1:0"],
        env=server_env,
        stderr=subprocess.PIPE,
        text=True,
    )
    try:
        port = _listening_port(server)
        obscured = subprocess.run(
            [rclone, "obscure", "-"],
            input=password,
            capture_output=True,
            text=True,
            env=rclone_env,
            check=True,
        ).stdout.strip()
        client = {
            **rclone_env,
            "RCLONE_CONFIG_HAIHUITEST_TYPE": "sftp",
            "RCLONE_CONFIG_HAIHUITEST_HOST": "127.0.0.1",
            "RCLONE_CONFIG_HAIHUITEST_PORT": str(port),
            "RCLONE_CONFIG_HAIHUITEST_USER": user,
            "RCLONE_CONFIG_HAIHUITEST_PASS": obscured,
            # rclone's SFTP backend opens a connection for each checker and each transfer, one
            # every 0.1 s: with its defaults (8 and 4) each command of a deploy took about a
            # second here; one of each is enough for a dozen files.
            "RCLONE_CHECKERS": "1",
            "RCLONE_TRANSFERS": "1",
            "DEPLOY_REMOTE": "haihuitest:",
        }
        yield root, client, password
    finally:
        server.terminate()
        try:
            server.wait(timeout=10)
        except subprocess.TimeoutExpired:
            server.kill()
            server.wait()


def _listening_port(server: subprocess.Popen) -> int:
    found: list[int] = []
    said: list[str] = []

    def read():
        assert server.stderr is not None
        for line in server.stderr:
            said.append(line)
            match = re.search(r"SFTP server listening on 127\.0\.0\.1:(\d+)", line)
            if match:
                found.append(int(match[1]))
                break
        for _ in server.stderr:  # keep the pipe drained
            pass

    threading.Thread(target=read, daemon=True).start()
    for _ in range(200):
        if found or server.poll() is not None:
            break
        threading.Event().wait(0.05)
    assert found, "rclone serve sftp did not start: " + "".join(said)
    return found[0]


FAILING = """#!{python}
# rclone, except that one of its commands fails as a full disk or a refused file would.
import json, os, sys
real, args = os.environ["REAL_RCLONE"], sys.argv[1:]
if args[0] == os.environ["FAIL_AT"]:
    print("a line that is not JSON", file=sys.stderr)
    said = {{"level": "error", "msg": "no space left on device", "object": "index.html"}}
    print(json.dumps(said), file=sys.stderr)
    sys.exit(1)
os.execv(real, [real, *args])
"""


@pytest.mark.parametrize(
    "command,says",
    [
        ("copy", "The deploy stopped while uploading the theme's files and the pictures"),
        ("lsf", "Every file was uploaded, but rclone could not list :local:"),
        ("delete", "Every file was uploaded, but deleting what the site no longer has stopped"),
    ],
)
def test_a_failing_rclone_command_stops_the_deploy_with_its_message(
    tmp_path, rclone, rclone_env, deployed_v1, command, says
):
    output, remote = online_copy(deployed_v1, tmp_path)
    environ = {**rclone_env, "DEPLOY_REMOTE": f":local:{remote}"}
    before = tree(remote)
    failing = tmp_path / "rclone-failing"
    failing.write_text(FAILING.format(python=sys.executable), "utf-8")
    failing.chmod(failing.stat().st_mode | stat.S_IXUSR)
    publish_build(output, 2)
    status, said, err = run_deploy(
        output, {**environ, "REAL_RCLONE": rclone, "FAIL_AT": command}, rclone=str(failing)
    )
    assert status == 1, said + err
    assert says in err and "no space left on device" in err, err
    if command != "lsf":  # rclone's log, read as JSON: each error with its file
        assert "rclone: index.html: no space left on device" in err, err
    assert "rclone: a line that is not JSON" in err
    assert set(before) <= set(tree(remote)), "nothing is deleted after a failure"
    assert_every_page_finds_its_files(remote)


def test_deploy_over_sftp_interrupted_in_the_pages_then_run_again(tmp_path, rclone, sftp_server):
    root, client, password = sftp_server
    printed = interrupted_then_finished(
        tmp_path, rclone, {**client, "DEPLOY_REMOTE": "haihuitest:site"}, root / "site"
    )
    assert password not in printed


def test_a_wrong_password_stops_before_anything_is_sent(tmp_path, rclone, sftp_server):
    root, client, _ = sftp_server
    before = sorted(root.rglob("*"))  # what the module's other SFTP tests left there
    wrong = subprocess.run(
        [rclone, "obscure", "-"], input="wrong", capture_output=True, text=True, env=client, check=True
    ).stdout.strip()
    status, _, err = run_deploy(
        publish_build(tmp_path / "output", 1),
        {**client, "RCLONE_CONFIG_HAIHUITEST_PASS": wrong, "RCLONE_LOW_LEVEL_RETRIES": "1"},
    )
    assert status == 1
    assert "rclone cannot open haihuitest: (its message is above)" in err
    assert "unable to authenticate" in err
    assert sorted(root.rglob("*")) == before


def test_deploy_refuses_anything_but_a_publish_build_and_says_what_to_do(tmp_path, rclone, rclone_env):
    remote = tmp_path / "www"
    environ = {**rclone_env, "DEPLOY_REMOTE": f":local:{remote}"}
    output = publish_build(tmp_path / "output", 1)
    for change, status, says in (
        (lambda: None, 2, "No place to deploy to: set DEPLOY_REMOTE"),
        (lambda: (output / "index.html").write_text("edited", "utf-8"), 2, "changed after `make publish`"),
        ((output / PUBLISH_RECORD).unlink, 2, "holds a preview build, not a publish build"),
    ):
        change()
        status_found, said, err = run_deploy(output, rclone_env if "DEPLOY_REMOTE" in says else environ)
        assert status_found == status, said + err
        assert says in err, err
        assert "DEPLOY_REMOTE" in says or "Nothing was uploaded" in err, err
    status_found, said, err = run_deploy(publish_build(output, 1), environ, rclone="no-such-rclone")
    assert status_found == 2 and "rclone is not installed" in err and "apt-get install rclone" in err
    status_found, said, err = run_deploy(output, {**environ, "DEPLOY_REMOTE": ":nosuchbackend:/x"})
    assert status_found == 1 and "rclone cannot open :nosuchbackend:/x" in err
    assert not remote.exists()


def test_a_dry_run_says_what_would_change_and_changes_nothing(tmp_path, rclone, rclone_env, deployed_v1):
    remote = tmp_path / "www"
    environ = {**rclone_env, "DEPLOY_REMOTE": f":local:{remote}"}
    output = publish_build(tmp_path / "output", 1)
    status, said, err = run_deploy(output, environ, dry_run=True)
    assert status == 0, said + err
    assert "1/4 the theme's files and the pictures (cached for a year): 3 file(s)" in said
    assert "3 to upload, 0 already there" in said and "Dry run done: nothing was changed." in said
    assert not remote.exists()
    output, remote = online_copy(deployed_v1, tmp_path / "online")  # version 1 deployed
    environ = {**rclone_env, "DEPLOY_REMOTE": f":local:{remote}"}
    online = tree(remote)
    publish_build(output, 2)
    status, said, err = run_deploy(output, environ, dry_run=True)
    assert status == 0, said + err
    assert "file(s) the site no longer has would be deleted: " in said and "stories/a/index.html" in said
    assert (remote / "stories/a/index.html").is_file() and tree(remote) == online


def test_an_object_store_gets_compressed_files_with_their_headers(tmp_path, rclone, rclone_env):
    """DEPLOY_STYLE=object-store on a folder: rclone takes the headers; the text is stored compressed."""
    remote = tmp_path / "bucket"
    environ = {**rclone_env, "DEPLOY_REMOTE": f":local:{remote}"}
    output = publish_build(tmp_path / "output", 1)
    out, err = io.StringIO(), io.StringIO()
    settings = read_settings("publishconf.py", root=ROOT, override={"DEPLOY_STYLE": "object-store"})
    assert deploy(output, settings, environ=environ, out=out, err=err) == 0, out.getvalue() + err.getvalue()
    assert "an object store: each file gets its headers" in out.getvalue()
    online, built = tree(remote), tree(output)
    assert set(online) == set(built) - {PUBLISH_RECORD}
    assert gzip.decompress(online["index.html"]) == built["index.html"]
    assert online["robots.txt"] == built["robots.txt"]  # too small to be worth it
    bad = read_settings("publishconf.py", root=ROOT, override={"DEPLOY_STYLE": "ftp"})
    assert deploy(output, bad, environ=environ, out=out, err=err) == 2
    assert "DEPLOY_STYLE 'ftp' is not one of" in err.getvalue()


# ---------------------------------------------------------------- an object store (S3, as COS and OSS)


@pytest.fixture
def s3_remote(rclone_env):
    """tests/s3_fake.py on loopback, as an rclone remote named by environment variables only
    (as a deploy to Tencent Cloud COS gets it: RCLONE_CONFIG_COS_...)."""
    with FakeS3() as s3:
        environ = {k: v for k, v in rclone_env.items() if not k.startswith("AWS_")}
        yield (
            s3,
            {
                **environ,
                "RCLONE_CONFIG_COS_TYPE": "s3",
                "RCLONE_CONFIG_COS_PROVIDER": "Other",
                "RCLONE_CONFIG_COS_ENDPOINT": s3.endpoint,
                "RCLONE_CONFIG_COS_FORCE_PATH_STYLE": "true",
                "RCLONE_CONFIG_COS_ACCESS_KEY_ID": "test-key-id",
                "RCLONE_CONFIG_COS_SECRET_ACCESS_KEY": secrets.token_urlsafe(16),
                "DEPLOY_REMOTE": "cos:haihui-test/site",
            },
        )


def bucket_tree(s3: FakeS3) -> dict[str, bytes]:
    """The site as a browser gets it: each object's bytes, decompressed where it says gzip."""
    return {
        key.removeprefix("site/"): gzip.decompress(obj.data)
        if obj.headers.get("content-encoding") == "gzip"
        else obj.data
        for key, obj in s3.bucket("haihui-test").items()
    }


def test_an_object_store_gets_each_file_with_its_headers_even_when_interrupted(tmp_path, rclone, s3_remote):
    s3, environ = s3_remote
    output = publish_build(tmp_path / "output", 1)
    status, said, err = run_deploy(output, environ)
    assert status == 0, said + err
    assert "an object store: each file gets its headers, text is stored gzip-compressed" in said
    built = tree(output)
    del built[PUBLISH_RECORD]
    assert bucket_tree(s3) == built
    stored = {key.removeprefix("site/"): obj for key, obj in s3.bucket("haihui-test").items()}
    css = next(name for name in stored if name.startswith("theme/css/main."))
    assert stored[css].headers == {
        "content-type": "text/css; charset=utf-8",
        "cache-control": YEAR,
        "content-encoding": "gzip",
    }
    assert stored["index.html"].headers == {
        "content-type": "text/html; charset=utf-8",
        "cache-control": SHORT,
        "content-encoding": "gzip",
    }
    picture = next(name for name in stored if name.startswith("images/"))
    assert stored[picture].headers == {"content-type": "image/webp", "cache-control": YEAR}
    assert stored["robots.txt"].headers == {
        "content-type": "text/plain; charset=utf-8",
        "cache-control": SHORT,
    }

    old = bucket_tree(s3)
    publish_build(output, 2)
    status, said, err = run_deploy(
        output, {**environ, "REAL_RCLONE": rclone}, rclone=cut_off_rclone(tmp_path, rclone)
    )
    assert status == 1 and "The deploy stopped while uploading the pages" in err, said + err
    now = bucket_tree(s3)
    assert set(old) <= set(now)
    for page, html in now.items():
        if page.endswith(".html"):
            for name in assets_named(html.decode()):
                assert name in now, f"{page} names /{name}, which is not there"

    status, said, err = run_deploy(output, environ)
    assert status == 0, said + err
    built = tree(output)
    del built[PUBLISH_RECORD]
    assert bucket_tree(s3) == built
    status, said, err = run_deploy(output, environ)
    assert status == 0 and "(0 file(s) uploaded" in said, said + err


# ---------------------------------------------------------------- as staff run it


def test_make_publish_then_make_deploy_and_a_preview_build_is_refused(
    tmp_path, rclone, rclone_env, monkeypatch
):
    from staff_project import invoke, make_publishable, staff_copy

    project = staff_copy(tmp_path / "project")
    make_publishable(project)
    published = invoke(project, "publish")
    assert published.returncode == 0, published.stdout + published.stderr
    assert read_publish_record(project / "output").siteurl == "https://haihuichina.org"
    remote = tmp_path / "www"
    for name, value in {**rclone_env, "DEPLOY_REMOTE": f":local:{remote}"}.items():
        monkeypatch.setenv(name, value)
    result = invoke(project, "deploy")
    assert result.returncode == 0, result.stdout + result.stderr
    said = result.stdout
    assert "Deploying the publish build of https://haihuichina.org" in said
    assert "正在把 https://haihuichina.org 的正式构建" in said  # every line for staff in both languages
    assert "1/4 the theme's files and the pictures (cached for a year)" in said
    assert re.search(r"Deployed: :local:\S+ now holds the publish build of https://haihuichina.org", said)
    assert "上传完成" in said
    assert_holds_exactly(remote, project / "output")
    assert_every_page_finds_its_files(remote)

    built = invoke(project, "build")
    assert built.returncode == 0, built.stdout + built.stderr
    refused = invoke(project, "deploy")
    assert refused.returncode == 2
    assert "output/ holds a preview build, not a publish build" in refused.stderr
    assert "output/ 里是预览构建，不是正式构建" in refused.stderr


# ---------------------------------------------------------------- what staff read

# What the guides quote of each message, and the part of it the staff catalog has as written.
QUOTED = {
    "docs/staff-guide.md": [
        ("No place to deploy to", None),
        ("rclone is not installed", None),
        (
            "output/ holds a preview build, not a publish build",
            "/ holds a preview build, not a publish build",
        ),
        ("changed after `make publish`", None),
        ("rclone cannot open", None),
        ("The deploy stopped while uploading", None),
        ("1/4 the theme's files and the pictures (cached for a year)", "the pictures (cached for a year)"),
        ("Deleting 2 file(s) the site no longer has", "file(s) the site no longer has"),
    ],
    "docs/staff-guide.zh.md": [
        ("没有设置上传到哪里", None),
        ("没有安装 rclone", None),
        ("output/ 里是预览构建，不是正式构建", "/ 里是预览构建，不是正式构建"),
        ("在 `make publish`\n  之后被改动过", "在 `make publish` 之后被改动过"),
        ("rclone 无法打开", None),
        ("上传……时中断了", "时中断了"),
        ("1/4 网站主题的文件和图片（缓存一年）", "网站主题的文件和图片（缓存一年）"),
        ("正在删除 2 个网站已不再有的文件", "个网站已不再有的文件"),
    ],
}


@pytest.mark.parametrize("guide", sorted(QUOTED))
def test_the_staff_guides_explain_make_deploy_with_its_own_words(guide):
    text = (ROOT / guide).read_text("utf-8")
    for needed in ("make publish\nmake deploy", "DEPLOY_REMOTE", "RCLONE_CONFIG_COS_", "ARGS=--dry-run"):
        assert needed in text, f"{guide} does not explain {needed!r}"
    catalog = (ROOT / "src/haihui/translations/zh/LC_MESSAGES/staff.po").read_text("utf-8")
    for quoted, fragment in QUOTED[guide]:
        assert quoted in text, f"{guide} does not quote {quoted!r}"
        assert (fragment or quoted) in catalog, f"no message of make deploy says {fragment or quoted!r}"
    assert "rsync" not in text, "the hand-typed rsync is replaced by make deploy"
