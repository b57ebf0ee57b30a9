"""The record a publish build leaves in its output: which site it is, and every file of it.

`make publish` writes it into the staging folder once every check and link
has passed, so it is swapped into output/ with the site it describes; a
preview build (`make build`, `make serve`) replaces output/ without one.
`make deploy` uploads only a folder that has it and whose every file is still
what the publish build wrote (the SHA-256 of each), so what goes online is
always the last successful `make publish`, never a preview or a hand-edited file.

It is a hidden file: nothing hidden is ever uploaded.
"""

import hashlib
import json
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

from haihui.problems import Msg, msg

PUBLISH_RECORD = ".haihui-publish.json"


@dataclass(frozen=True)
class PublishRecord:
    siteurl: str
    published: str  # when, ISO 8601 with the zone
    files: Mapping[str, str]  # every file of the site (path in output/, with /) -> SHA-256


class NotPublished(Exception):
    """output/ is not (or no longer) a publish build; `reason` says which, for staff."""

    def __init__(self, reason: Msg):
        super().__init__(str(reason))
        self.reason = reason


def site_files(folder: Path) -> dict[str, str]:
    """SHA-256 of every file below `folder` but the record, by path with /."""
    return {
        path.relative_to(folder).as_posix(): hashlib.sha256(path.read_bytes()).hexdigest()
        for path in sorted(folder.rglob("*"))
        if path.is_file() and path.relative_to(folder).as_posix() != PUBLISH_RECORD
    }


def record_publish(folder: Path, siteurl: str, when: datetime | None = None) -> None:
    """Write the record of a publish build into `folder` (its staging folder)."""
    record = {
        "siteurl": siteurl,
        "published": (when or datetime.now().astimezone()).isoformat(timespec="seconds"),
        "files": site_files(folder),
    }
    (folder / PUBLISH_RECORD).write_text(json.dumps(record, indent=1, sort_keys=True) + "\n", "utf-8")


def read_publish_record(folder: Path) -> PublishRecord:
    """The record of the publish build in `folder`; NotPublished if there is none, or if the
    files are no longer those it lists."""
    again = msg("run `make publish`, then `make deploy` again")
    path = folder / PUBLISH_RECORD
    if not folder.is_dir():
        raise NotPublished(msg("{folder}/ does not exist: {again}", folder=folder.name, again=again))
    try:
        data = json.loads(path.read_text("utf-8"))
        record = PublishRecord(str(data["siteurl"]), str(data["published"]), dict(data["files"]))
    except FileNotFoundError:
        raise NotPublished(
            msg(
                "{folder}/ holds a preview build, not a publish build (`make build`, `make serve` and "
                "`make preview` replace it): {again}",
                folder=folder.name,
                again=again,
            )
        ) from None
    except (OSError, ValueError, KeyError, TypeError):
        raise NotPublished(
            msg(
                "the record of the publish build in {folder}/ is unreadable: {again}",
                folder=folder.name,
                again=again,
            )
        ) from None
    changed = changed_files(record.files, site_files(folder))
    if changed:
        raise NotPublished(
            msg(
                "{count} file(s) of {folder}/ changed after `make publish` (e.g. {file}): {again}",
                count=len(changed),
                folder=folder.name,
                file=changed[0],
                again=again,
            )
        )
    return record


def changed_files(recorded: Mapping[str, str], found: Mapping[str, str]) -> list[str]:
    """Files added, removed or changed since the record was written, sorted."""
    return sorted(path for path in recorded.keys() | found.keys() if recorded.get(path) != found.get(path))
