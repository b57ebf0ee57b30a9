"""The build benchmark (`invoke bench`) still runs: a tiny run, not a timing assertion."""

import re
import shutil
import subprocess
import sys

from conftest import copy_project
from haihui.build import ROOT


def test_benchmark_builds_both_sides_and_ends_with_the_ratio(tmp_path):
    # In a copy of the project, whose cache it uses: nothing is written into the working tree.
    project = copy_project(tmp_path / "project")
    shutil.copy2(ROOT / "tasks.py", project / "tasks.py")
    shutil.copytree(ROOT / "benchmarks", project / "benchmarks", ignore=shutil.ignore_patterns("__pycache__"))
    # As the README spells it: `invoke bench --stories 100`.
    result = subprocess.run(
        [
            *(sys.executable, "-m", "invoke", "bench", "--stories", "3", "--runs", "1", "--warmup", "0"),
            *("--families", "60"),  # a synthetic gift chain: beyond the drawing's limit of 40
        ],
        cwd=project,
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )
    assert result.returncode == 0, result.stdout + result.stderr
    lines = result.stdout.strip().splitlines()
    assert re.fullmatch(r"ratio \d+\.\d\d", lines[-1]), lines[-1]
    assert any(line.startswith("ours ") and "median" in line for line in lines), result.stdout
    assert any(line.startswith("bare ") and "median" in line for line in lines), result.stdout
    assert any(line.startswith("gift chain: 60 families") and "% of ours'" in line for line in lines)
    assert any(line.startswith("gift chain page, gzip: /passing-on-the-gift/ ") for line in lines)
    assert any(line.startswith("share images: ") and "% of ours'" in line for line in lines), result.stdout


def keys(header_lines):
    return [m[1].lower() for line in header_lines if (m := re.match(r"([A-Za-z0-9_-]+):", line))]


def test_synthetic_stories_copy_the_real_header_and_replace_four_fields(tmp_path):
    sys.path.insert(0, str(ROOT / "benchmarks"))
    try:
        import build_bench
    finally:
        sys.path.remove(str(ROOT / "benchmarks"))
    content = build_bench.make_site(tmp_path, 4, families=4)  # story k is about family k
    for lang in build_bench.LANGS:
        real, _ = build_bench.split_header(
            (ROOT / "content" / "stories" / f"jibuguoguo.{lang}.md").read_text("utf-8")
        )
        made, body = build_bench.split_header(
            (content / "stories" / f"bench-00004.{lang}.md").read_text("utf-8")
        )
        assert keys(made) == keys(real)
        changed = set(keys(set(made) - set(real)))
        assert changed <= {"title", "slug", "date", "summary", "family"}
        assert "Slug: bench-00004" in made and "Family: s-00004" in made
        assert len(body.split()) >= 500 if lang == "en" else len(body) >= 1000
        if lang == "zh":
            assert re.search(r"[\u4e00-\u9fff]{20}", body)
    assert (content / "pages").is_dir()
