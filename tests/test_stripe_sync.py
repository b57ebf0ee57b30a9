"""`invoke stripe-sync` end to end: the real command and the real SDK over HTTP,
against a stateful fake Stripe on 127.0.0.1 (tests/stripe_fake.py)."""

from __future__ import annotations

import difflib
from dataclasses import replace

import pytest
import stripe
import yaml

from haihui.organisation import organisation_file
from stripe_fake import FakeStripe, Fault
from stripe_support import SAMPLE_TIERS, TEST_KEY, Harness, NoSleepClient, Tier, with_amount

THANK_YOU = {"en": "https://haihuichina.org/thank-you/", "zh": "https://haihuichina.org/zh/thank-you/"}
CAMPAIGN_PAGE = {
    "en": "https://haihuichina.org/campaigns/left-behind-mothers/",
    "zh": "https://haihuichina.org/zh/campaigns/left-behind-mothers/",
}


@pytest.fixture(autouse=True)
def public_site_url(monkeypatch):
    """publishconf.py reads SITEURL from the environment; the tests expect its default."""
    monkeypatch.delenv("SITEURL", raising=False)


@pytest.fixture
def fake():
    with FakeStripe(keys={TEST_KEY: None}) as server:
        yield server


@pytest.fixture
def harness(fake, tmp_path):
    return Harness(fake, tmp_path / "project")


def links_yaml(harness) -> dict:
    return yaml.safe_load(harness.links_path.read_text("utf-8"))


def assert_converged(fake, harness, tiers=SAMPLE_TIERS):
    """Exactly one product and one price per tier, one active link per tier and language,
    and the links file pointing at those links."""
    products = [p for p in fake.objects("products") if p["id"].startswith("haihui_")]
    assert sorted(p["id"] for p in products) == sorted(f"haihui_{t.id}" for t in tiers)
    prices = [p for p in fake.objects("prices") if p["active"]]
    keys = [p["lookup_key"] for p in prices]
    assert len(keys) == len(set(keys)), "duplicate prices"
    links = [link for link in fake.objects("payment_links") if link["metadata"].get("haihui_tier")]
    data = links_yaml(harness)["tiers"]
    for tier in tiers:
        tier_prices = [p for p in fake.objects("prices") if p["metadata"].get("haihui_tier") == tier.id]
        custom = tier.custom_amount
        wanted = (
            {"minimum": custom.minimum_fen, "preset": custom.preset_fen, "maximum": custom.maximum_fen}
            if custom
            else None
        )
        current = [
            p
            for p in tier_prices
            if p["unit_amount"] == tier.amount_fen and p["custom_unit_amount"] == wanted
        ]
        assert len(current) == 1, f"{tier.id}: {len(current)} prices for the current amount"
        for lang in ("en", "zh"):
            mine = [
                link
                for link in links
                if link["metadata"].get("haihui_tier") == tier.id
                and link["metadata"].get("haihui_lang") == lang
            ]
            active = [link for link in mine if link["active"]]
            assert len(active) == 1, f"{tier.id}/{lang}: {len(active)} active links"
            assert fake.link_line_items(active[0]["id"]) == [{"price": current[0]["id"], "quantity": 1}]
            entry = data[tier.id]["stripe"][lang]
            assert entry["payment_link"] == active[0]["id"]
            assert entry["url"] == active[0]["url"]
            assert entry["price"] == current[0]["id"]
            assert entry["amount_fen"] == tier.amount_fen
    # At most one link ever made per (price, language): nothing duplicated, even inactive.
    made = [(link["metadata"]["haihui_price"], link["metadata"]["haihui_lang"]) for link in links]
    assert len(made) == len(set(made)), "duplicate links"


# ---------------------------------------------------------------- first run and rerun


def test_first_run_creates_one_product_price_and_link_per_tier_and_language(fake, harness):
    result = harness.run()
    assert result.code == 0, result.text

    products = {p["id"]: p for p in fake.objects("products")}
    assert set(products) == {"haihui_mothers-start", "haihui_monthly", "haihui_any-amount"}
    assert products["haihui_mothers-start"]["metadata"]["haihui_tier"] == "mothers-start"
    assert "一位母亲的起步" in products["haihui_mothers-start"]["name"]

    prices = {p["lookup_key"]: p for p in fake.objects("prices")}
    assert set(prices) == {
        "haihui:mothers-start:450000:cny:one_time",
        "haihui:monthly:10000:cny:month",
        "haihui:any-amount:custom-1000-20000-10000000:cny:one_time",
    }
    assert prices["haihui:monthly:10000:cny:month"]["recurring"]["interval"] == "month"
    custom = prices["haihui:any-amount:custom-1000-20000-10000000:cny:one_time"]
    assert custom["custom_unit_amount"] == {"minimum": 1000, "preset": 20000, "maximum": 10_000_000}
    assert custom["unit_amount"] is None

    links = fake.objects("payment_links")
    assert len(links) == 6
    for link in links:
        meta = link["metadata"]
        lang = meta["haihui_lang"]
        price = fake.objects("prices")
        assert link["submit_type"] == "donate"
        assert link["after_completion"] == {
            "type": "redirect",
            "redirect": {"url": THANK_YOU[lang]},
            "hosted_confirmation": None,
        }
        assert meta["haihui_campaign"] == "left-behind-mothers"
        assert CAMPAIGN_PAGE[lang] in link["inactive_message"]
        items = fake.link_line_items(link["id"])
        assert len(items) == 1 and items[0]["quantity"] == 1
        price = next(p for p in price if p["id"] == items[0]["price"])
        assert meta["haihui_price"] == price["id"]
        if meta["haihui_tier"] == "monthly":
            assert link["payment_method_types"] == ["card"]
        else:
            assert link["payment_method_types"] == ["card", "alipay", "wechat_pay"]

    assert_converged(fake, harness)
    entry = links_yaml(harness)["tiers"]["mothers-start"]["stripe"]["zh"]
    assert entry["currency"] == "cny" and entry["interval"] == "one_time" and entry["livemode"] is False
    assert entry["url"].startswith("https://donate.stripe.com/test_")
    assert "create" in result.out and "Stripe requests: 15 (3 reads, 12 writes)" in result.out
    # Staff read the progress in English, then in Chinese, line by line (the staff catalog).
    lines = result.out.splitlines()
    assert lines[lines.index("Plan: 12 create.") + 1] == "计划：新建 12 项。"
    assert (
        lines[lines.index("Stripe requests: 15 (3 reads, 12 writes)") + 1]
        == "Stripe 请求：15 次（读取 3 次，写入 12 次）"
    )
    assert lines[0].startswith("Stripe sync: 3 tiers x 2 languages (en, zh), test mode, ")
    assert lines[1].startswith("Stripe 同步：3 个档位 × 2 种语言（en, zh），测试模式，")


def test_rerun_makes_no_writes_and_leaves_the_links_file_byte_identical(fake, harness):
    assert harness.run().code == 0
    before = harness.links_path.read_bytes()
    inode = harness.links_path.stat().st_ino
    start = len(fake.requests)

    result = harness.run()
    assert result.code == 0, result.text
    assert fake.count(method="POST", since=start) == 0
    for resource in ("products", "prices", "payment_links"):
        assert fake.count(method="GET", resource=resource, since=start) == 1
    assert harness.links_path.read_bytes() == before
    assert harness.links_path.stat().st_ino == inode, "the file was rewritten"
    assert "Plan: 12 keep.\n计划：保留 12 项。\n" in result.out
    assert "Stripe requests: 3 (3 reads, 0 writes)" in result.out


def test_a_lost_links_file_is_rebuilt_without_writing_to_stripe(fake, harness):
    assert harness.run().code == 0
    before = harness.links_path.read_bytes()
    harness.links_path.unlink()
    start = len(fake.requests)
    assert harness.run().code == 0
    assert fake.count(method="POST", since=start) == 0
    assert harness.links_path.read_bytes() == before


def test_amount_change_makes_one_price_and_link_per_language_and_retires_the_old_links(fake, harness):
    assert harness.run().code == 0
    old = links_yaml(harness)["tiers"]
    start = len(fake.requests)

    changed = with_amount(SAMPLE_TIERS, "mothers-start", 500000)
    result = harness.run(tiers=changed)
    assert result.code == 0, result.text
    posts = [r for r in fake.requests[start:] if r.method == "POST"]
    assert [r.path for r in posts if r.path == "/v1/prices"] == ["/v1/prices"]
    assert len([r for r in posts if r.path == "/v1/payment_links"]) == 2
    deactivations = [r for r in posts if r.path.startswith("/v1/payment_links/")]
    assert sorted(r.path.rsplit("/", 1)[1] for r in deactivations) == sorted(
        old["mothers-start"]["stripe"][lang]["payment_link"] for lang in ("en", "zh")
    )
    assert len(posts) == 5

    links = {link["id"]: link for link in fake.objects("payment_links")}
    assert len(links) == 8, "old links are kept (deactivated), never deleted"
    for lang in ("en", "zh"):
        retired = links[old["mothers-start"]["stripe"][lang]["payment_link"]]
        assert retired["active"] is False
        assert CAMPAIGN_PAGE[lang] in retired["inactive_message"]
    new = links_yaml(harness)["tiers"]
    assert new["mothers-start"]["stripe"]["en"]["amount_fen"] == 500000
    assert (
        new["mothers-start"]["stripe"]["en"]["payment_link"]
        != old["mothers-start"]["stripe"]["en"]["payment_link"]
    )
    assert new["monthly"] == old["monthly"] and new["any-amount"] == old["any-amount"]
    assert "replace" in result.out and "deactivate" in result.out
    assert_converged(fake, harness, changed)

    start = len(fake.requests)
    assert harness.run(tiers=changed).code == 0
    assert fake.count(method="POST", since=start) == 0


def test_changing_the_amount_back_reuses_the_first_price_and_link(fake, harness):
    assert harness.run().code == 0
    first = links_yaml(harness)["tiers"]["mothers-start"]
    assert harness.run(tiers=with_amount(SAMPLE_TIERS, "mothers-start", 500000)).code == 0
    start = len(fake.requests)
    assert harness.run().code == 0
    assert fake.count(method="POST", resource="prices", since=start) == 0
    assert [r for r in fake.requests[start:] if r.path == "/v1/payment_links" and r.method == "POST"] == []
    assert links_yaml(harness)["tiers"]["mothers-start"] == first
    assert_converged(fake, harness)


def test_other_channels_unknown_tiers_and_the_header_are_kept(fake, harness):
    harness.links_path.parent.mkdir(parents=True, exist_ok=True)
    harness.links_path.write_text(
        "# Edited by hand: platform links come from the Tencent Gongyi project page.\n"
        "tiers:\n"
        "  mothers-start:\n"
        "    platform: {url: 'https://gongyi.qq.com/succor/detail.htm?id=1', sample: true}\n"
        "  retired-tier:\n"
        "    stripe:\n"
        "      en: {url: 'https://buy.stripe.com/old', amount_fen: 1, currency: cny}\n"
        "    platform: {url: 'https://gongyi.qq.com/x'}\n"
        "notes: kept as it is\n",
        "utf-8",
    )
    assert harness.run().code == 0
    text = harness.links_path.read_text("utf-8")
    assert text.startswith("# Edited by hand: platform links come from the Tencent Gongyi project page.\n")
    data = yaml.safe_load(text)
    assert data["notes"] == "kept as it is"
    assert data["tiers"]["mothers-start"]["platform"] == {
        "url": "https://gongyi.qq.com/succor/detail.htm?id=1",
        "sample": True,
    }
    assert data["tiers"]["retired-tier"] == {
        "stripe": {"en": {"url": "https://buy.stripe.com/old", "amount_fen": 1, "currency": "cny"}},
        "platform": {"url": "https://gongyi.qq.com/x"},
    }
    assert set(data["tiers"]["mothers-start"]["stripe"]) == {"en", "zh"}


def _staff_links_file(tiers: dict) -> str:
    """checkout-links.yaml as staff keep it: comments everywhere, their own order of tiers,
    languages and keys, quoted URLs, and a tier and a key the sync knows nothing of."""

    def entry(tier: str, lang: str, comment: str = "") -> str:
        e = tiers[tier]["stripe"][lang]
        return (
            f"      {lang}:{comment}\n"
            f"        payment_link: {e['payment_link']}\n"
            f'        url: "{e["url"]}"  # the link donors follow\n'
            f"        price: {e['price']}\n"
            f"        amount_fen: {'null' if e['amount_fen'] is None else e['amount_fen']}\n"
            f"        currency: {e['currency']}\n"
            f"        interval: {e['interval']}\n"
            f"        livemode: {'true' if e['livemode'] else 'false'}\n"
        )

    return (
        "# Checkout links. Rachel keeps the platform links by hand.\n"
        "# 腾讯公益的链接由 Rachel 手工维护。\n"
        "\n"
        "tiers:\n"
        "  # The monthly tier first: it is the one we ask for most.\n"
        "  monthly:\n"
        "    platform:\n"
        "      url: 'https://gongyi.qq.com/succor/detail.htm?id=7'  # 每月捐\n"
        "    stripe:\n" + entry("monthly", "zh", "  # 中文页面的链接") + entry("monthly", "en") + "\n"
        "  mothers-start:\n"
        "    stripe:\n" + entry("mothers-start", "zh") + entry("mothers-start", "en", "  # English") + ""
        "    # Since 2026: the platform page of the appeal.\n"
        "    platform:\n"
        "      url: https://gongyi.qq.com/succor/detail.htm?id=8\n"
        "      sample: true\n"
        "  retired-tier:  # kept for the 2025 report\n"
        "    platform: {url: 'https://gongyi.qq.com/x'}\n"
        "  any-amount:\n"
        "    stripe:\n" + entry("any-amount", "en") + entry("any-amount", "zh") + ""
        "notes: kept as it is  # and so is this comment\n"
    )


def test_a_sync_changes_only_the_links_and_keeps_staff_comments_and_order(fake, harness):
    assert harness.run().code == 0
    old = links_yaml(harness)["tiers"]
    staff = _staff_links_file(old)
    harness.links_path.write_text(staff, "utf-8")

    assert harness.run(tiers=with_amount(SAMPLE_TIERS, "mothers-start", 500000)).code == 0
    text = harness.links_path.read_text("utf-8")
    new = links_yaml(harness)["tiers"]
    expected = staff
    for lang in ("en", "zh"):
        before, after = old["mothers-start"]["stripe"][lang], new["mothers-start"]["stripe"][lang]
        assert after["payment_link"] != before["payment_link"]
        for key, shown in (
            ("payment_link", "{}"),
            ("url", '"{}"'),  # a quoted value stays quoted
            ("price", "{}"),
            ("amount_fen", "{}"),
        ):
            expected = expected.replace(
                f"{key}: {shown.format(before[key])}", f"{key}: {shown.format(after[key])}"
            )
    assert new["mothers-start"]["stripe"]["en"]["amount_fen"] == 500000
    assert text == expected
    changed = [line for line in difflib.ndiff(staff.splitlines(), text.splitlines()) if line[:1] in "+-"]
    assert len(changed) == 2 * 8, "url, payment link, price and amount, in each language"

    # A run with nothing to change leaves the staff's file alone, byte for byte.
    assert harness.run(tiers=with_amount(SAMPLE_TIERS, "mothers-start", 500000)).code == 0
    assert harness.links_path.read_text("utf-8") == expected


# ---------------------------------------------------------------- dry run


def test_dry_run_prints_the_plan_and_changes_nothing(fake, harness):
    result = harness.run(dry_run=True)
    assert result.code == 0, result.text
    assert fake.count(method="POST") == 0
    assert not harness.links_path.exists()
    for tier in SAMPLE_TIERS:
        for kind in ("product", "price", "link en", "link zh"):
            assert any(
                tier.id in line and kind in line and "create" in line for line in result.out.splitlines()
            )
    assert "Plan: 12 create." in result.out

    assert harness.run().code == 0
    before = harness.links_path.read_bytes()
    start = len(fake.requests)
    result = harness.run(dry_run=True, tiers=with_amount(SAMPLE_TIERS, "monthly", 20000))
    assert result.code == 0
    assert fake.count(method="POST", since=start) == 0
    assert harness.links_path.read_bytes() == before
    assert "1 create, 2 replace, 2 deactivate" in result.out
    assert "新建 1 项、替换 2 项、停用 2 项" in result.out


# ---------------------------------------------------------------- drift and repair


def test_a_changed_site_address_updates_the_links_in_place(fake, harness):
    assert harness.run().code == 0
    urls = {link["id"]: link["url"] for link in fake.objects("payment_links")}
    settings = dict(harness.settings, SITEURL="https://give.haihuichina.org")
    result = harness.run(settings=settings)
    assert result.code == 0, result.text
    links = fake.objects("payment_links")
    assert {link["id"]: link["url"] for link in links} == urls, "same links, same URLs"
    for link in links:
        lang = link["metadata"]["haihui_lang"]
        expected = THANK_YOU[lang].replace("haihuichina.org", "give.haihuichina.org")
        assert link["after_completion"]["redirect"]["url"] == expected
    assert fake.count(method="POST", resource="prices") == 3


def test_objects_archived_by_hand_are_reactivated_not_duplicated(fake, harness):
    assert harness.run().code == 0
    client = stripe.StripeClient(TEST_KEY, base_addresses={"api": fake.url}, http_client=NoSleepClient())
    link_id = links_yaml(harness)["tiers"]["monthly"]["stripe"]["zh"]["payment_link"]
    client.v1.payment_links.update(link_id, params={"active": False})
    client.v1.products.update("haihui_any-amount", params={"active": False})
    result = harness.run()
    assert result.code == 0, result.text
    assert "reactivate" in result.out
    assert {link["id"]: link["active"] for link in fake.objects("payment_links")}[link_id] is True
    assert all(p["active"] for p in fake.objects("products"))
    assert_converged(fake, harness)


def test_a_duplicate_link_made_by_hand_is_deactivated(fake, harness):
    assert harness.run().code == 0
    recorded = links_yaml(harness)["tiers"]["mothers-start"]["stripe"]["en"]["payment_link"]
    original = next(link for link in fake.objects("payment_links") if link["id"] == recorded)
    client = stripe.StripeClient(TEST_KEY, base_addresses={"api": fake.url}, http_client=NoSleepClient())
    duplicate = client.v1.payment_links.create(
        params={
            "line_items": [{"price": original["metadata"]["haihui_price"], "quantity": 1}],
            "metadata": original["metadata"],
        }
    )
    result = harness.run()
    assert result.code == 0, result.text
    states = {link["id"]: link["active"] for link in fake.objects("payment_links")}
    assert states[recorded] is True and states[duplicate.id] is False
    assert links_yaml(harness)["tiers"]["mothers-start"]["stripe"]["en"]["payment_link"] == recorded


def test_listing_follows_pages_and_lookup_key_limits(fake, harness):
    client = stripe.StripeClient(TEST_KEY, base_addresses={"api": fake.url}, http_client=NoSleepClient())
    client.v1.products.create(params={"name": "Unrelated"})
    other = client.v1.prices.create(
        params={"product": fake.objects("products")[0]["id"], "currency": "usd", "unit_amount": 500}
    )
    for _ in range(230):  # links the sync does not manage: three pages of 100
        client.v1.payment_links.create(params={"line_items": [{"price": other.id, "quantity": 1}]})
    tiers = tuple(replace(SAMPLE_TIERS[0], id=f"tier-{n:02d}", amount_fen=100000 + n) for n in range(12))
    harness.tiers = tiers
    assert harness.run().code == 0
    start = len(fake.requests)
    result = harness.run()
    assert result.code == 0, result.text
    assert fake.count(method="POST", since=start) == 0
    assert fake.count(method="GET", resource="products", since=start) == 1
    assert fake.count(method="GET", resource="prices", since=start) == 2  # 12 lookup keys, 10 a request
    assert fake.count(method="GET", resource="payment_links", since=start) == 3  # 254 links, 100 a page
    assert_converged(fake, harness, tiers)


def test_links_of_a_tier_no_longer_in_the_data_are_left_alone_and_reported(fake, harness):
    assert harness.run().code == 0
    result = harness.run(tiers=SAMPLE_TIERS[:2])
    assert result.code == 0
    assert "any-amount" in result.out and "not in the data any more" in result.out
    assert all(link["active"] for link in fake.objects("payment_links"))


# ---------------------------------------------------------------- faults


def test_server_errors_are_retried_with_the_same_idempotency_key(fake, harness):
    fake.inject(
        Fault("500", "POST", "/v1/prices", skip=1), Fault("500", "POST", "/v1/payment_links", times=2)
    )
    result = harness.run()
    assert result.code == 0, result.text
    assert_converged(fake, harness)
    failed = [r for r in fake.requests if r.status == 500]
    assert len(failed) == 3
    for request in failed:
        retried = [
            r for r in fake.requests if r.idempotency_key == request.idempotency_key and r.status == 200
        ]
        assert len(retried) == 1


def test_rate_limits_are_backed_off_and_the_run_converges(fake, harness):
    fake.inject(
        Fault("429", "POST", "/v1/payment_links", times=2, retry_after="3"),
        Fault("429", "GET", "/v1/prices", times=1),
    )
    result = harness.run()
    assert result.code == 0, result.text
    assert result.sleeps == [1.0, 3.0, 3.0]  # back-off 1 s for the bare 429; Retry-After honoured
    assert_converged(fake, harness)


def test_a_rate_limit_that_does_not_end_stops_the_run_then_a_rerun_finishes(fake, harness):
    fake.inject(Fault("429", "POST", "/v1/payment_links", skip=3, times=float("inf")))
    result = harness.run(rate_limit_retries=4)
    assert result.code == 1
    assert "tier monthly (zh): creating link" in result.err and "rate limited after 5 tries" in result.err
    assert result.sleeps == [1.0, 2.0, 4.0, 8.0]
    fake.clear_faults()
    assert harness.run().code == 0
    assert_converged(fake, harness)


def test_a_dropped_answer_to_a_create_is_replayed_not_duplicated(fake, harness):
    fake.inject(
        Fault("drop_after", "POST", "/v1/payment_links", skip=2), Fault("drop_after", "POST", "/v1/prices")
    )
    result = harness.run()
    assert result.code == 0, result.text
    replayed = [r for r in fake.requests if r.status is None]
    assert len(replayed) == 2
    for request in replayed:
        again = [r for r in fake.requests if r.idempotency_key == request.idempotency_key]
        assert len(again) == 2 and again[1].status == 200
    assert len(fake.objects("prices")) == 3 and len(fake.objects("payment_links")) == 6
    assert_converged(fake, harness)


def test_a_create_repeated_by_the_next_run_is_replayed_by_its_idempotency_key(fake, harness):
    """Run 1 dies right after Stripe made a link; run 2's list does not show it yet. The
    repeated create carries the same Idempotency-Key, so Stripe answers with the same link."""
    crash = Fault("drop_after", "POST", "/v1/payment_links")
    fake.inject(crash, Fault("drop", times=float("inf"), after=crash))
    assert harness.run(max_network_retries=0).code == 1
    [made] = fake.objects("payment_links")
    fake.hidden.add(made["id"])
    fake.clear_faults()
    result = harness.run()
    assert result.code == 0, result.text
    fake.hidden.clear()
    assert len(fake.objects("payment_links")) == 6
    creates = [r for r in fake.requests if r.method == "POST" and r.path == "/v1/payment_links"]
    assert creates[0].idempotency_key == creates[1].idempotency_key
    assert links_yaml(harness)["tiers"]["mothers-start"]["stripe"]["en"]["payment_link"] == made["id"]
    assert_converged(fake, harness)


@pytest.mark.parametrize("writes_before_crash", range(12))
def test_a_run_that_dies_anywhere_is_finished_by_the_next_without_duplicates(
    fake, harness, writes_before_crash
):
    """The connection drops after the n-th write was carried out, and Stripe is then
    unreachable: the run dies. The next run reuses what was made and finishes."""
    crash = Fault("drop_after", "POST", skip=writes_before_crash)
    fake.inject(crash, Fault("drop", times=float("inf"), after=crash))
    result = harness.run(max_network_retries=1)
    assert result.code == 1
    assert "could not reach Stripe" in result.err
    fake.clear_faults()
    start = len(fake.requests)
    result = harness.run()
    assert result.code == 0, result.text
    assert_converged(fake, harness)
    assert fake.count(method="POST", since=start) == 12 - writes_before_crash - 1


@pytest.mark.parametrize("writes_before_crash", range(5))
def test_an_amount_change_that_dies_anywhere_converges(fake, harness, writes_before_crash):
    assert harness.run().code == 0
    changed = tuple(
        replace(t, custom_amount=replace(t.custom_amount, preset_fen=50000)) if t.id == "any-amount" else t
        for t in SAMPLE_TIERS
    )
    crash = Fault("drop_after", "POST", skip=writes_before_crash)
    fake.inject(crash, Fault("drop", times=float("inf"), after=crash))
    assert harness.run(tiers=changed, max_network_retries=0).code == 1
    fake.clear_faults()
    assert harness.run(tiers=changed).code == 0
    assert_converged(fake, harness, changed)
    retired = [
        link
        for link in fake.objects("payment_links")
        if link["metadata"]["haihui_tier"] == "any-amount" and not link["active"]
    ]
    assert len(retired) == 2


# ---------------------------------------------------------------- Stripe's errors


def test_a_missing_permission_names_the_tier_and_what_stripe_said(tmp_path):
    restricted = "rk_test_51_haihui_restricted_wxyz"
    with FakeStripe(keys={restricted: {"products", "prices"}}) as server:
        harness = Harness(server, tmp_path / "project")
        result = harness.run(key=restricted)
    assert result.code == 1
    assert "tier mothers-start (en): creating link" in result.err
    assert "rak_payment_link_write" in result.err and "HTTP 403" in result.err
    assert "wxyz" not in result.text and "rk_test" not in result.text


def test_an_invalid_currency_names_the_tier_and_what_stripe_said(fake, harness):
    bad = (
        *SAMPLE_TIERS,
        Tier("in-xyz", "left-behind-mothers", {"en": "X"}, {}, "XYZ", "one_time", 100, None, ()),
    )
    result = harness.run(tiers=bad)
    assert result.code == 1
    assert "tier in-xyz: creating price haihui:in-xyz:100:xyz:one_time" in result.err
    assert "Invalid currency: xyz" in result.err and "parameter currency" in result.err
    # The tiers before it were finished and recorded.
    assert set(links_yaml(harness)["tiers"]) == {t.id for t in SAMPLE_TIERS}


# ---------------------------------------------------------------- the key


def test_a_live_key_without_live_is_refused_before_any_request(fake, harness):
    live_key = "rk_live_51_haihui_live_key_qrst"
    result = harness.run(key=live_key)
    assert result.code == 2
    assert "--live" in result.err
    assert result.err.splitlines() == [
        (
            "stripe-sync: STRIPE_API_KEY is a live key: run again with --live to create real payment links "
            "(nothing was sent to Stripe)"
        ),
        (
            "stripe-sync：STRIPE_API_KEY 是正式密钥：如要创建真实的付款链接，"
            "请加上 --live 再运行（没有向 Stripe 发送任何内容）"
        ),
    ]
    assert fake.requests == []
    assert "qrst" not in result.text and live_key not in result.text
    assert not harness.links_path.exists()


@pytest.mark.parametrize(
    "siteurl, english, chinese",
    [
        (
            "http://haihuichina.org",
            (
                "stripe-sync failed: SITEURL 'http://haihuichina.org' must use https: Stripe returns donors "
                "there."
            ),
            (
                "stripe-sync 失败：SITEURL 'http://haihuichina.org' 必须使用 https："
                "Stripe 会把捐赠人送回这个网址。"
            ),
        ),
        (
            "/relative",
            (
                "stripe-sync failed: SITEURL '/relative' in the publish settings is not an absolute "
                "address; Stripe must send donors back to the public site, e.g. https://haihuichina.org"
            ),
            (
                "stripe-sync 失败：发布设置里的 SITEURL '/relative' 不是完整的网址；"
                "Stripe 必须把捐赠人送回公开的网站，例如 https://haihuichina.org"
            ),
        ),
    ],
)
def test_a_bad_siteurl_stops_the_run_in_english_and_chinese(fake, harness, siteurl, english, chinese):
    result = harness.run(settings=dict(harness.settings, SITEURL=siteurl, SITE_ORIGIN=""))
    assert result.code == 1
    assert result.err.splitlines() == [
        english,
        chinese,
        "Nothing is duplicated by running again once the cause is fixed.",
        "解决问题后再次运行，不会重复创建任何内容。",
    ]
    assert fake.requests == [] and result.out == ""


def test_without_the_words_for_a_replaced_link_nothing_is_sent_to_stripe(fake, harness):
    """replaced_link_message gone from the organisation file: no text of the code stands in for it."""
    organisation = organisation_file(harness.settings)
    text = organisation.read_text("utf-8")
    start = text.index("\nreplaced_link_message:\n")
    organisation.write_text(text[:start] + text[text.index("\n\n", start + 1) :], "utf-8")
    result = harness.run()
    assert result.code == 1
    lines = result.err.splitlines()
    assert lines[:2] == [
        "stripe-sync failed: content/data/organisation.yaml has mistakes; nothing was sent to Stripe:",
        "stripe-sync 失败：content/data/organisation.yaml 有错误，没有向 Stripe 发送任何内容：",
    ]
    assert f"{organisation}:1: replaced_link_message: 'replaced_link_message' is missing" in lines[2]
    assert "缺少“replaced_link_message”" in lines[3]
    assert fake.requests == [] and not harness.links_path.exists()


def test_live_and_test_must_agree_and_a_live_key_goes_only_to_stripe(fake, harness):
    result = harness.run(live=True)
    assert result.code == 2 and "test key" in result.err
    result = harness.run(key="sk_live_51_haihui_live_key_qrst", live=True)
    assert result.code == 2 and "only ever sent to Stripe" in result.err
    assert fake.requests == []
    assert "qrst" not in result.text


@pytest.mark.parametrize(
    "key, says",
    [
        (None, "STRIPE_API_KEY is not set"),
        ("pk_test_51HaihuiPublishable00zz", "publishable"),
        ("hunter2-not-a-key", "does not look like"),
    ],
)
def test_a_missing_or_unusable_key_is_refused_before_any_request(fake, harness, key, says):
    result = harness.run(key=key)
    assert result.code == 2 and says in result.err
    assert fake.requests == []
    if key:
        assert key not in result.text and key[-4:] not in result.text


def test_no_part_of_the_key_is_ever_printed_or_written(fake, harness, tmp_path):
    wrong = "sk_test_51_haihui_wrong_key_lmno"
    result = harness.run(key=wrong)
    assert result.code == 1
    assert "Invalid API Key provided" in result.err  # Stripe's words, with its masked key removed
    assert "sk_test" not in result.text and "lmno" not in result.text

    result = harness.run()
    assert result.code == 0
    for text in [result.text] + [
        p.read_text("utf-8", errors="replace") for p in tmp_path.rglob("*") if p.is_file()
    ]:
        assert TEST_KEY not in text and TEST_KEY[-4:] not in text and "sk_test" not in text
    assert TEST_KEY not in repr(result.gateway) and TEST_KEY not in str(vars(result.gateway))


# ---------------------------------------------------------------- the fake itself


def test_the_fake_answers_like_stripe_through_the_sdk(fake):
    """Retrieve, Stripe's rules and Stripe-style errors, as the real SDK sees them."""
    client = stripe.StripeClient(TEST_KEY, base_addresses={"api": fake.url}, http_client=NoSleepClient())
    product = client.v1.products.create(params={"id": "haihui_x", "name": "X"})
    assert client.v1.products.retrieve("haihui_x").name == "X"
    with pytest.raises(stripe.InvalidRequestError) as missing:
        client.v1.payment_links.retrieve("plink_nope")
    assert missing.value.http_status == 404 and missing.value.code == "resource_missing"
    with pytest.raises(stripe.InvalidRequestError, match="unknown parameter: colour"):
        client.v1.products.create(params={"name": "Y", "colour": "red"})
    monthly = client.v1.prices.create(
        params={
            "product": product.id,
            "currency": "cny",
            "unit_amount": 100,
            "recurring": {"interval": "month"},
            "lookup_key": "k",
        }
    )
    assert client.v1.prices.retrieve(monthly.id).recurring.interval == "month"
    with pytest.raises(stripe.InvalidRequestError, match="already uses that lookup key"):
        client.v1.prices.create(
            params={"product": product.id, "currency": "cny", "unit_amount": 1, "lookup_key": "k"}
        )
    with pytest.raises(stripe.InvalidRequestError, match="recurring"):
        client.v1.payment_links.create(
            params={
                "line_items": [{"price": monthly.id, "quantity": 1}],
                "payment_method_types": ["card", "wechat_pay"],
            }
        )
    custom = client.v1.prices.create(
        params={
            "product": product.id,
            "currency": "cny",
            "custom_unit_amount": {"enabled": True, "minimum": 100},
        }
    )
    with pytest.raises(stripe.InvalidRequestError, match="only line item"):
        client.v1.payment_links.create(params={"line_items": [{"price": custom.id, "quantity": 2}]})
    with pytest.raises(stripe.InvalidRequestError, match="up to 10 lookup_keys"):
        client.v1.prices.list(params={"lookup_keys": [f"k{n}" for n in range(11)]})
    client.v1.products.create(params={"name": "Z"}, options={"idempotency_key": "same"})
    with pytest.raises(stripe.IdempotencyError):
        client.v1.products.create(params={"name": "Other"}, options={"idempotency_key": "same"})
    with pytest.raises(stripe.AuthenticationError):
        stripe.StripeClient(
            "sk_test_other", base_addresses={"api": fake.url}, http_client=NoSleepClient()
        ).v1.products.list()
