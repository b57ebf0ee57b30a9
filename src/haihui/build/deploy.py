"""`make deploy`: the last publish build, onto a host that visitors in mainland China reach.

rclone does the transfers (Debian package `rclone`), so any host it knows will
do: Tencent Cloud COS, Alibaba OSS or any S3 endpoint, an SFTP server, a folder.
Where to is a setting or the environment only (DEPLOY_REMOTE, an rclone remote
such as `cos:haihui-1250000000`); the credentials stay with rclone (its
RCLONE_CONFIG_<NAME>_... variables, or its config file), never in the project.

1. Refuse anything but the last successful `make publish` (its record in
   output/, every file unchanged: haihui.build.publish_record).
2. Ask rclone what the remote is: an object store keeps a content type per file
   (headers, compressed files stored compressed), anything else is served by a
   web server (a .gz copy beside each compressible file). DEPLOY_STYLE can say so.
3. Plan (haihui.build.deploy_plan): the files whose names carry a hash first,
   then the other files, the pages, the sitemap and feeds; then delete what the
   site no longer has. Each upload sends only what is new or changed (compared
   by checksum where the remote has one).
4. Upload from a folder beside output/ that holds the files as they go online
   (hard links to output/, the gzip-compressed copies written there), then delete.

An interrupted deploy (a dropped connection, Ctrl+C) leaves the site working:
nothing is deleted before every upload has passed, so every page online still
finds the files it names. Running it again finishes the job.
"""

import gzip
import json
import os
import re
import shutil
import subprocess
import sys
import tempfile
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import TextIO

from haihui.build.deploy_plan import (
    ASSETS,
    INDEXES,
    OBJECT_STORE,
    OTHER,
    PAGES,
    PHASES,
    STYLES,
    WEB_SERVER,
    Plan,
    deletions,
    fingerprinted_file,
    plan_deploy,
)
from haihui.build.publish_record import NotPublished, PublishRecord, read_publish_record
from haihui.languages.staff import Msg, in_each_language, msg

RCLONE = "rclone"
# Hashes rclone computes for a local file; --checksum only where the remote has one of them.
LOCAL_HASHES = frozenset({"md5", "sha1"})
# How often rclone says how far a long upload has got.
PROGRESS_EVERY = "15s"
# rclone's exit status for a folder that is not there (a remote not made yet).
DIRECTORY_NOT_FOUND = 3
# How many of the files a dry run would delete it names.
LISTED = 20

WHAT = {
    ASSETS: msg("the theme's files and the pictures (cached for a year)"),
    OTHER: msg("the other files (robots.txt, the icon, the open data)"),
    PAGES: msg("the pages"),
    INDEXES: msg("the sitemap and the feeds"),
}
STYLE_SAID = {
    OBJECT_STORE: msg("an object store: each file gets its headers, text is stored gzip-compressed"),
    WEB_SERVER: msg(
        "a web server or a folder: a .gz copy goes beside each text file, the server's "
        "configuration sets the headers"
    ),
}


@dataclass(frozen=True)
class RemoteInfo:
    """What rclone says about the remote (`rclone backend features`)."""

    style: str
    checksum: bool  # a hash in common with local files: compare by content, not by time
    empty_folders: bool  # folders exist of their own (SFTP, a folder): remove the emptied ones


def remote_info(features: Mapping, style: str = "") -> RemoteInfo:
    """From rclone's description of a remote; `style` ("" to decide from it) as DEPLOY_STYLE says."""
    flags = features.get("Features") or {}
    hashes = {str(h).lower() for h in features.get("Hashes") or ()}
    return RemoteInfo(
        style or (OBJECT_STORE if flags.get("WriteMimeType") else WEB_SERVER),
        bool(hashes & LOCAL_HASHES),
        bool(flags.get("CanHaveEmptyDirectories")),
    )


def shown_remote(remote: str) -> str:
    """The remote as it may be printed: a connection string's parameters (`:sftp,pass=...:`,
    `name,key=...:`) could hold a password, so they are left out."""
    return re.sub(r"^(:?[\w.-]*),[^:]*:", r"\1,…:", remote)


class _Stop(Exception):
    """Ends the deploy with a message for staff and an exit status."""

    def __init__(self, reason: Msg, status: int = 1):
        super().__init__(str(reason))
        self.reason = reason
        self.status = status


@dataclass
class _Counts:
    uploaded: int = 0
    checked: int = 0
    deleted: int = 0


class Deploy:
    """One run of `make deploy`; `deploy()` below is the whole of it."""

    def __init__(
        self,
        output: Path,
        settings: Mapping,
        *,
        environ: Mapping[str, str],
        rclone: str,
        out: TextIO,
        err: TextIO,
        dry_run: bool,
    ):
        self.output = Path(output)
        self.settings = settings
        self.environ = dict(environ)
        self.out, self.err = out, err
        self.dry_run = dry_run
        self.remote = (environ.get("DEPLOY_REMOTE") or settings.get("DEPLOY_REMOTE") or "").strip()
        self.shown = shown_remote(self.remote)
        self.rclone = rclone
        self.counts = _Counts()

    # ------------------------------------------------------------ saying

    def say(self, message: Msg, sep: str = "\n") -> None:
        self.out.write(in_each_language(message, sep) + "\n")
        self.out.flush()

    def scrub(self, text: str) -> str:
        return text.replace(self.remote, self.shown) if self.remote and self.remote != self.shown else text

    def tell_rclone(self, line: str) -> None:
        self.err.write(f"rclone: {self.scrub(line.rstrip())}\n")
        self.err.flush()

    # ------------------------------------------------------------ rclone

    def run_rclone(self, *args: str) -> subprocess.CompletedProcess:
        """rclone with these arguments, its output captured (a listing, a description)."""
        return subprocess.run(
            [self.rclone, *args], env=self.environ, capture_output=True, text=True, check=False
        )

    def run_logged(self, *args: str, on_message: Callable[[dict], None]) -> int:
        """rclone with its log as JSON, each message handed to `on_message` as it comes
        (errors and anything not JSON are shown); its exit status (< 0: killed by a signal)."""
        command = [self.rclone, *args, "--use-json-log", "-v", "--stats", PROGRESS_EVERY]
        process = subprocess.Popen(
            command, env=self.environ, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True
        )
        assert process.stderr is not None
        with process:
            for line in process.stderr:
                try:
                    message = json.loads(line)
                except ValueError:
                    if line.strip():
                        self.tell_rclone(line)
                    continue
                if not isinstance(message, dict):
                    continue
                if message.get("level") in ("error", "critical"):
                    where = f"{message['object']}: " if message.get("object") else ""
                    self.tell_rclone(f"{where}{message.get('msg', '')}")
                on_message(message)
        return process.returncode

    def describe_remote(self) -> RemoteInfo:
        style = str(self.settings.get("DEPLOY_STYLE") or "")
        if style and style not in STYLES:
            raise _Stop(
                msg(
                    "DEPLOY_STYLE '{style}' is not one of {styles} (or empty, to ask rclone). "
                    "Nothing was uploaded.",
                    style=style,
                    styles=", ".join(STYLES),
                ),
                2,
            )
        result = self.run_rclone("backend", "features", self.remote)
        try:
            features = json.loads(result.stdout) if result.returncode == 0 else None
        except ValueError:
            features = None
        if not isinstance(features, dict):
            for line in result.stderr.splitlines():
                if line.strip() and "Config file" not in line:
                    self.tell_rclone(line)
            raise _Stop(
                msg(
                    "rclone cannot open {remote} (its message is above): check DEPLOY_REMOTE, and the "
                    "remote's RCLONE_CONFIG_... variables or `rclone config`. Nothing was uploaded.",
                    remote=self.shown,
                )
            )
        return remote_info(features, style)

    # ------------------------------------------------------------ the run

    def preflight(self) -> PublishRecord:
        if not self.remote:
            raise _Stop(
                msg(
                    "No place to deploy to: set DEPLOY_REMOTE to an rclone remote, e.g. "
                    '`DEPLOY_REMOTE=cos:haihui-1250000000 make deploy` (README, "Hosting in mainland '
                    'China").'
                ),
                2,
            )
        found = shutil.which(self.rclone, path=self.environ.get("PATH"))
        if found is None:
            raise _Stop(
                msg(
                    "rclone is not installed: install it (Debian: `sudo apt-get install rclone`), then run "
                    "`make deploy` again."
                ),
                2,
            )
        self.rclone = found
        try:
            return read_publish_record(self.output)
        except NotPublished as refused:
            raise _Stop(msg("Nothing was uploaded: {reason}.", reason=refused.reason), 2) from None

    def plan(self, info: RemoteInfo, record: PublishRecord) -> Plan:
        from haihui.pictures import OUTPUT_FOLDER

        theme = str(self.settings.get("THEME_STATIC_DIR", "theme"))
        sizes = {path: (self.output / path).stat().st_size for path in record.files}
        return plan_deploy(
            sizes,
            style=info.style,
            fingerprinted=lambda path: fingerprinted_file(
                path, theme_folder=theme, pictures_folder=OUTPUT_FOLDER
            ),
            cache_control=self.settings["DEPLOY_CACHE_CONTROL"],
        )

    def prepare(self, plan: Plan, folder: Path) -> None:
        """The files as they go online: a hard link to each file of output/ (a copy where
        links cannot be made), the gzip-compressed ones written anew."""
        for remote_file in plan.files:
            source = self.output / remote_file.source
            target = folder / remote_file.name
            target.parent.mkdir(parents=True, exist_ok=True)
            if remote_file.gzip:
                target.write_bytes(gzip.compress(source.read_bytes(), compresslevel=9, mtime=0))
                continue
            try:
                os.link(source, target)
            except OSError:
                shutil.copy2(source, target)

    def upload(self, plan: Plan, info: RemoteInfo, folder: Path, lists: Path) -> None:
        phases = [phase for phase in PHASES if any(step.phase == phase for step in plan.steps)]
        for number, phase in enumerate(phases, start=1):
            steps = [step for step in plan.steps if step.phase == phase]
            count = sum(len(step.files) for step in steps)
            self.say(
                msg(
                    "{number}/{total} {what}: {count} file(s)",
                    number=number,
                    total=len(phases),
                    what=WHAT[phase],
                    count=count,
                ),
                sep=" / ",
            )
            uploaded = 0
            for index, step in enumerate(steps):
                listed = lists / f"{phase}-{index}.txt"
                listed.write_text("".join(f"{name}\n" for name in step.files), "utf-8")
                arguments = ["copy", str(folder), self.remote, "--files-from-raw", str(listed)]
                arguments += ["--checksum"] if info.checksum else []
                arguments += ["--dry-run"] if self.dry_run else []
                for name, value in step.headers:
                    arguments += ["--header-upload", f"{name}: {value}"]
                done = self.copy(arguments)
                if done is None:
                    raise _Stop(
                        msg(
                            "The deploy stopped while uploading {what} (rclone's message is above). Nothing "
                            "was deleted, so every page online still finds its stylesheet and pictures. Run "
                            "`make deploy` again once the connection or the remote is fixed: it uploads only "
                            "what is still missing.",
                            what=WHAT[phase],
                        )
                    )
                uploaded += done
            self.counts.uploaded += uploaded
            self.counts.checked += count - uploaded
            said = (
                msg(
                    "    {uploaded} to upload, {same} already there", uploaded=uploaded, same=count - uploaded
                )
                if self.dry_run
                else msg(
                    "    {uploaded} uploaded, {same} already there", uploaded=uploaded, same=count - uploaded
                )
            )
            self.say(said, sep=" / ")

    def copy(self, arguments: list[str]) -> int | None:
        """One `rclone copy`: the number of files it uploaded (or would), None if it failed."""
        copied = 0
        progress = {"at": 0}

        def on_message(message: dict) -> None:
            nonlocal copied
            text = str(message.get("msg", ""))
            if text.startswith("Copied (") or text.startswith("Skipped copy as --dry-run"):
                copied += 1
            stats = message.get("stats")
            if isinstance(stats, dict) and stats.get("transfers", 0) > progress["at"]:
                progress["at"] = stats["transfers"]
                if stats.get("totalTransfers", 0) > stats["transfers"]:
                    self.say(
                        msg(
                            "    … {done} of {total} uploaded",
                            done=stats["transfers"],
                            total=stats["totalTransfers"],
                        ),
                        sep=" / ",
                    )

        status = self.run_logged(*arguments, on_message=on_message)
        if status != 0:
            if status < 0:
                self.tell_rclone(f"stopped by signal {-status}")
            return None
        return copied

    def delete_the_rest(self, plan: Plan, info: RemoteInfo, lists: Path) -> None:
        listing = self.run_rclone("lsf", "-R", "--files-only", self.remote)
        if listing.returncode == DIRECTORY_NOT_FOUND:  # a first dry run: nothing there yet
            listing = subprocess.CompletedProcess(listing.args, 0, "", "")
        if listing.returncode != 0:
            for line in listing.stderr.splitlines():
                if line.strip():
                    self.tell_rclone(line)
            raise _Stop(
                msg(
                    "Every file was uploaded, but rclone could not list {remote} to delete what the site no "
                    "longer has (its message is above): run `make deploy` again.",
                    remote=self.shown,
                )
            )
        gone = deletions(listing.stdout.splitlines(), plan, self.settings.get("DEPLOY_KEEP") or ())
        if not gone:
            self.say(msg("Nothing to delete: the remote holds no file the site no longer has."), sep=" / ")
            return
        if self.dry_run:
            self.say(
                msg(
                    "{count} file(s) the site no longer has would be deleted: {files}",
                    count=len(gone),
                    files=", ".join(gone[:LISTED]) + (" …" if len(gone) > LISTED else ""),
                ),
            )
            return
        self.say(msg("Deleting {count} file(s) the site no longer has", count=len(gone)), sep=" / ")
        listed = lists / "delete.txt"
        listed.write_text("".join(f"{name}\n" for name in gone), "utf-8")
        deleted = 0

        def on_message(message: dict) -> None:
            nonlocal deleted
            if str(message.get("msg", "")) == "Deleted":
                deleted += 1

        status = self.run_logged(
            "delete", self.remote, "--files-from-raw", str(listed), on_message=on_message
        )
        if status == 0 and info.empty_folders:
            status = self.run_logged("rmdirs", self.remote, "--leave-root", on_message=lambda message: None)
        self.counts.deleted += deleted
        if status != 0:
            raise _Stop(
                msg(
                    "Every file was uploaded, but deleting what the site no longer has stopped (rclone's "
                    "message is above): the site works; run `make deploy` again to finish."
                )
            )

    def run(self) -> int:
        try:
            record = self.preflight()
            info = self.describe_remote()
            plan = self.plan(info, record)
            self.say(
                msg(
                    "Deploying the publish build of {siteurl} (made {published}) to {remote}, {style}.",
                    siteurl=record.siteurl,
                    published=record.published[:16].replace("T", " "),
                    remote=self.shown,
                    style=STYLE_SAID[info.style],
                )
            )
            if self.dry_run:
                self.say(msg("Dry run: nothing is uploaded or deleted; the counts say what would be."))
            workspace = Path(tempfile.mkdtemp(prefix=".deploy-", dir=self.output.parent))
            try:
                folder, lists = workspace / "files", workspace / "lists"
                folder.mkdir()
                lists.mkdir()
                self.prepare(plan, folder)
                self.upload(plan, info, folder, lists)
                self.delete_the_rest(plan, info, lists)
            finally:
                shutil.rmtree(workspace, ignore_errors=True)
        except _Stop as stop:
            self.err.write("\n" + in_each_language(stop.reason) + "\n")
            return stop.status
        except KeyboardInterrupt:
            stopped = msg(
                "Stopped before the end. The pages online still find their files (nothing is deleted "
                "before every upload has passed): run `make deploy` again to finish."
            )
            self.err.write("\n" + in_each_language(stopped) + "\n")
            return 130
        if self.dry_run:
            self.say(msg("Dry run done: nothing was changed."))
            return 0
        self.say(
            msg(
                "Deployed: {remote} now holds the publish build of {siteurl} ({uploaded} file(s) uploaded, "
                "{same} already there, {deleted} deleted).",
                remote=self.shown,
                siteurl=record.siteurl,
                uploaded=self.counts.uploaded,
                same=self.counts.checked,
                deleted=self.counts.deleted,
            )
        )
        return 0


def deploy(
    output: Path,
    settings: Mapping,
    *,
    environ: Mapping[str, str] | None = None,
    rclone: str = RCLONE,
    out: TextIO | None = None,
    err: TextIO | None = None,
    dry_run: bool = False,
) -> int:
    """`make deploy`: upload the publish build in `output` to DEPLOY_REMOTE (the environment
    variable, else the setting). Returns the exit status: 0 done, 1 failed (the site online
    still works), 2 refused before anything was sent."""
    return Deploy(
        output,
        settings,
        environ=os.environ if environ is None else environ,
        rclone=rclone,
        out=out or sys.stdout,
        err=err or sys.stderr,
        dry_run=dry_run,
    ).run()
