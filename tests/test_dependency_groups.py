"""The test and lint tools are named twice: PEP 735 groups in pyproject.toml and
requirements-dev.in, which requirements-dev.txt (pinned, hashed) is compiled from."""

import re
import tomllib

from haihui.build import ROOT


def names(requirements: list[str]) -> set[str]:
    """Each requirement as written, its name normalised (PEP 503): `types-PyYAML` is `types-pyyaml`."""
    found = set()
    for requirement in requirements:
        name, rest = re.match(r"([A-Za-z0-9._-]+)(.*)", requirement.strip()).groups()
        found.add(re.sub(r"[-_.]+", "-", name).lower() + rest.replace(" ", ""))
    return found


def test_requirements_dev_in_names_exactly_the_test_and_lint_groups():
    groups = tomllib.loads((ROOT / "pyproject.toml").read_text("utf-8"))["dependency-groups"]
    listed = [
        line.split("#")[0].strip()
        for line in (ROOT / "requirements-dev.in").read_text("utf-8").splitlines()
        if line.split("#")[0].strip() and not line.startswith("-")
    ]
    assert names(listed) == names(groups["test"] + groups["lint"])
    assert {"pytest", "pytest-cov", "pytest-xdist"} <= names(groups["test"])
    assert {"ruff", "mypy"} <= names(groups["lint"])
