"""`invoke stripe-sync` as staff run it: tasks.py in a copy of the project, the real
tiers from content/data/fund-use.yaml, the real SDK, the fake Stripe on 127.0.0.1."""

from __future__ import annotations

import os
import re
import shutil
import subprocess
from pathlib import Path

import pytest
import yaml

from conftest import edit, run_invoke
from haihui.build import ROOT
from haihui.giving.checkout_links import check_checkout_links
from haihui.giving.fund_use import load_fund_use
from haihui.giving.tiers import compute_tiers
from haihui.problems import ERROR
from haihui.settings import read_settings
from stripe_fake import FakeStripe
from stripe_support import TEST_KEY


@pytest.fixture
def staff_project(project):
    shutil.copy2(ROOT / "tasks.py", project / "tasks.py")
    return project


def invoke(project: Path, *args: str, key: str | None = TEST_KEY) -> subprocess.CompletedProcess:
    env = {k: v for k, v in os.environ.items() if k not in ("STRIPE_API_KEY", "SITEURL")}
    if key is not None:
        env["STRIPE_API_KEY"] = key
    return run_invoke(project, "stripe-sync", *args, env=env)


def test_invoke_stripe_sync_links_every_real_tier_and_a_rerun_writes_nothing(staff_project):
    tiers = compute_tiers(load_fund_use(staff_project / "content/data/fund-use.yaml"))
    links_path = staff_project / "content/data/checkout-links.yaml"
    platform_before = {
        tier: channels["platform"]
        for tier, channels in yaml.safe_load(links_path.read_text("utf-8"))["tiers"].items()
        if "platform" in channels
    }
    with FakeStripe(keys={TEST_KEY: None}) as fake:
        dry = invoke(staff_project, "--dry-run", "--api-base", fake.url)
        assert dry.returncode == 0, dry.stdout + dry.stderr
        assert fake.count(method="POST") == 0
        assert f"Plan: {4 * len(tiers)} create." in dry.stdout

        first = invoke(staff_project, "--api-base", fake.url)
        assert first.returncode == 0, first.stdout + first.stderr
        first_count = len(fake.requests)
        after_first = links_path.read_bytes()

        again = invoke(staff_project, "--api-base", fake.url)
        assert again.returncode == 0, again.stdout + again.stderr
        rerun = fake.requests[first_count:]

    # The request budget: one list per resource type per page; writes only on the first run.
    assert fake.count(method="POST") == 4 * len(tiers)  # product, price, a link per language
    assert sum(r.method == "GET" for r in rerun) == 3 and not any(r.write for r in rerun)
    assert links_path.read_bytes() == after_first
    for output in (dry, first, again):
        text = output.stdout + output.stderr
        assert TEST_KEY not in text and "sk_test" not in text

    data = yaml.safe_load(after_first)["tiers"]
    for tier in tiers:
        for lang in ("en", "zh"):
            entry = data[tier.id]["stripe"][lang]
            assert entry["amount_fen"] == tier.amount_fen and entry["interval"] == tier.interval
    assert {t: c["platform"] for t, c in data.items() if "platform" in c} == platform_before

    # What the build makes of the file: accepted in a preview, test links refused when publishing.
    settings = read_settings("publishconf.py", root=staff_project)
    languages = tuple(settings["LANGUAGES"])
    channels = settings["CHECKOUT_CHANNELS"]
    _, problems = check_checkout_links(links_path, tiers, channels, languages, strict=False)
    assert not [p for p in problems if p.severity == ERROR], problems
    _, problems = check_checkout_links(links_path, tiers, channels, languages, strict=True)
    assert any("test-mode" in str(p) for p in problems if p.severity == ERROR)


def test_invoke_stripe_sync_refuses_a_live_key_without_live(staff_project):
    with FakeStripe(keys={TEST_KEY: None}) as fake:
        result = invoke(staff_project, "--api-base", fake.url, key="rk_live_51_haihui_live_abcz")
        assert result.returncode == 2
        assert "--live" in result.stderr
        assert "STRIPE_API_KEY 是正式密钥" in result.stderr  # and in Chinese
        assert fake.requests == []
    assert "abcz" not in result.stdout + result.stderr


def test_invoke_stripe_sync_shows_a_fund_use_mistake_as_the_build_does_and_sends_nothing(staff_project):
    """The file's problems are already in English and Chinese: shown once each, under the
    sync's own message in both languages."""
    edit(staff_project / "content/data/fund-use.yaml", "  total_fen: 12190000", "  total_fen: 12190001")
    with FakeStripe(keys={TEST_KEY: None}) as fake:
        result = invoke(staff_project, "--api-base", fake.url)
        assert fake.requests == []
    assert result.returncode == 1, result.stdout + result.stderr
    lines = result.stderr.splitlines()
    start = lines.index(
        "stripe-sync failed: content/data/fund-use.yaml has mistakes; nothing was sent to Stripe:"
    )
    assert (
        lines[start + 1]
        == "stripe-sync 失败：content/data/fund-use.yaml 有错误，没有向 Stripe 发送任何内容："
    )
    problem = lines[start + 2]
    assert problem.startswith("content/data/fund-use.yaml:") and "121,900.01" in problem
    assert lines[start + 3].startswith("    ") and "121,900.01" in lines[start + 3]  # its Chinese line
    assert re.search(r"[\u4e00-\u9fff]", lines[start + 3])
    assert result.stderr.count("121,900.01") == 2  # once in each language, not translated again
    assert lines[-2:] == [
        "Nothing is duplicated by running again once the cause is fixed.",
        "解决问题后再次运行，不会重复创建任何内容。",
    ]


def test_invoke_stripe_sync_without_a_key_says_how_to_make_one(staff_project):
    result = invoke(staff_project, key=None)
    assert result.returncode == 2
    assert "STRIPE_API_KEY is not set" in result.stderr and "restricted key" in result.stderr
    assert "没有设置 STRIPE_API_KEY" in result.stderr
    assert "Traceback" not in result.stderr
