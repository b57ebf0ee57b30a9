"""The same content builds to the same bytes, whatever the picture and share-image cache held
and whatever order Pelican reads it in: after an unchanged rebuild a deploy finds no file
changed, and anyone can rebuild and compare.

Pelican finds the pages as a set of paths (Generator.get_files), so the order it reads
them in follows the process's hash seed: a new Python with PYTHONHASHSEED set reads them
in an order known in advance."""

import json
import os
import subprocess
import sys

import pytest

from conftest import copy_project, run_pelican, tree_digest
from haihui.pictures.pipeline import STATS as PICTURE_STATS
from haihui.settings import DEFAULTS
from haihui.sharing.cache import FOLDER as SHARE_FOLDER
from haihui.sharing.cache import STATS as SHARE_STATS

CAMPAIGN = "pages/campaigns/left-behind-mothers.{}.md"
# Pelican's PagesGenerator.get_files over PAGE_PATHS, with the paths it keeps (relative to content/).
READ_ORDER = """
import json, os, sys
root, files = sys.argv[1], set()
for folder in json.loads(sys.argv[2]):
    for dirpath, _, names in os.walk(os.path.join(root, folder), topdown=True, followlinks=True):
        files.update(os.path.join(os.path.relpath(dirpath, root), name) for name in names)
print(json.dumps(list(files)))
"""


def english_read_first(content, page_paths, seed: str) -> bool:
    order = subprocess.run(
        [sys.executable, "-c", READ_ORDER, str(content), json.dumps(page_paths)],
        env=dict(os.environ, PYTHONHASHSEED=seed),
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    paths = json.loads(order)
    return paths.index(CAMPAIGN.format("en")) < paths.index(CAMPAIGN.format("zh"))


def cache_stats(project) -> tuple[dict, dict]:
    """What the last build in `project` found in its picture cache and its share-image cache."""
    pictures = project / DEFAULTS["IMAGE_CACHE_PATH"]
    return (
        json.loads((pictures / PICTURE_STATS).read_text("utf-8")),
        json.loads((pictures / SHARE_FOLDER / SHARE_STATS).read_text("utf-8")),
    )


@pytest.mark.pelican_process  # each build a new Python, with the hash seed chosen here
def test_either_reading_order_and_a_cold_or_warm_cache_write_the_same_bytes(
    tmp_path, monkeypatch, conf, site
):
    # The cold build is the session's `site` (conftest.warm_project: a build from an empty
    # cache, whose cache every project copy starts from); the builds here start from that
    # cache, warm, one reading the campaign's English page first, one its Chinese page.
    pictures, shares = cache_stats(site.root.parent)
    assert pictures["encoded"] == pictures["pictures"] > 0 and pictures["reused"] == 0, pictures
    assert shares["drawn"] == shares["images"] > 0 and shares["reused"] == 0, shares
    project = copy_project(tmp_path / "project")
    seeds = {}
    for seed in map(str, range(1, 64)):
        seeds.setdefault(english_read_first(project / "content", conf["PAGE_PATHS"], seed), seed)
        if len(seeds) == 2:
            break
    assert len(seeds) == 2, "no hash seed reads the campaign's languages in both orders"
    cold = tree_digest(site.root)
    for seed in seeds.values():
        monkeypatch.setenv("PYTHONHASHSEED", seed)
        output = tmp_path / f"output-{seed}"
        result = run_pelican("pelicanconf.py", output, cwd=project)
        assert result.returncode == 0, result.stdout + result.stderr
        pictures, shares = cache_stats(project)
        assert pictures["encoded"] == 0 and shares["drawn"] == 0, (pictures, shares)  # warm
        warm = tree_digest(output)
        assert sorted(warm) == sorted(cold)
        assert [name for name in cold if cold[name] != warm[name]] == []
