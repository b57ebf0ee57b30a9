"""The same content builds to the same bytes, whatever the picture and share-image cache held:
an unchanged rebuild uploads nothing (haihui.build.deploy sends what changed) and anyone
can rebuild a release and compare."""

from conftest import copy_project, run_pelican, tree_digest, warm_project


def test_a_build_with_a_warm_cache_writes_the_bytes_of_the_build_from_a_cold_one(tmp_path):
    cold = warm_project() / "output"  # built from an empty cache
    project = copy_project(tmp_path / "project")  # that build's cache, warm
    result = run_pelican("pelicanconf.py", project / "output", cwd=project)
    assert result.returncode == 0, result.stdout + result.stderr
    before, after = tree_digest(cold), tree_digest(project / "output")
    assert sorted(before) == sorted(after)
    assert [name for name in before if before[name] != after[name]] == []
