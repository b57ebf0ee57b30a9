"""The Stripe sync's pure parts: key handling, site addresses, desired objects, planning,
the links file. No server here (see test_stripe_sync.py for the runs over HTTP)."""

from __future__ import annotations

import os
import shutil
import stat
from dataclasses import replace

import pytest
import yaml

from conftest import add_language_beside_chinese
from haihui.build import ROOT
from haihui.organisation import load_organisation, organisation_file
from haihui.settings import read_settings
from haihui.stripe_sync.desired import desired_state, desired_tier, site_from_settings
from haihui.stripe_sync.errors import SyncError
from haihui.stripe_sync.gateway import idempotency_key
from haihui.stripe_sync.keys import KeyProblem, read_key, scrub
from haihui.stripe_sync.links_file import DEFAULT_HEADER, LinksFile
from haihui.stripe_sync.reconcile import Snapshot, make_plan
from stripe_support import SAMPLE_TIERS, CustomAmount


@pytest.fixture
def site(monkeypatch):
    monkeypatch.delenv("SITEURL", raising=False)
    return site_from_settings(read_settings("publishconf.py", root=ROOT))


# ---------------------------------------------------------------- keys


@pytest.mark.parametrize(
    "value, mode, kind",
    [
        ("sk_test_51abc_DEF", "test", "secret"),
        ("rk_test_51abc_DEF", "test", "restricted"),
        ("sk_live_51abc_DEF", "live", "secret"),
        ("rk_live_51abc_DEF", "live", "restricted"),
    ],
)
def test_key_mode_and_kind_come_from_its_prefix(value, mode, kind):
    key = read_key({"STRIPE_API_KEY": value})
    assert (key.mode, key.kind, key.live) == (mode, kind, mode == "live")
    assert value not in repr(key) and value not in str(key)


@pytest.mark.parametrize("value", ["", "pk_live_51abc_DEF", "sk_51abc_DEF", "Bearer sk_test_x y"])
def test_unusable_keys_are_refused_without_repeating_them(value):
    with pytest.raises(KeyProblem) as caught:
        read_key({"STRIPE_API_KEY": value})
    if value:
        assert value not in str(caught.value)


def test_a_key_of_the_wrong_shape_is_told_which_prefixes_to_look_for():
    """Scrubbing hides keys, not the bare prefixes the message names to help."""
    with pytest.raises(KeyProblem) as caught:
        read_key({"STRIPE_API_KEY": "sk_51abc_DEF"})
    shown = scrub(str(caught.value), "sk_51abc_DEF")
    assert "rk_test_, rk_live_, sk_test_ or sk_live_" in shown, shown


def test_scrub_removes_the_key_and_anything_shaped_like_a_key():
    key = read_key({"STRIPE_API_KEY": "rk_live_51Sec_ret_Value_9x8y"})
    text = (
        "Invalid API Key provided: rk_live_***********9x8y; also sk_test_abc and "
        "pk_live_zzz; raw 51Sec_ret_Value_9x8y? rk_live_51Sec_ret_Value_9x8y"
    )
    cleaned = scrub(text, key)
    for fragment in ("rk_live", "sk_test", "pk_live", "9x8y", "51Sec_ret_Value"):
        assert fragment not in cleaned
    assert "rak_payment_link_write" in scrub("the 'rak_payment_link_write' permission", key)


# ---------------------------------------------------------------- site addresses


def test_thank_you_and_campaign_addresses_come_from_the_publish_settings(site):
    assert site.languages == ("en", "zh")
    assert site.thank_you("en") == "https://haihuichina.org/thank-you/"
    assert site.thank_you("zh") == "https://haihuichina.org/zh/thank-you/"
    assert (
        site.campaign("left-behind-mothers", "zh")
        == "https://haihuichina.org/zh/campaigns/left-behind-mothers/"
    )


def test_siteurl_from_the_environment_moves_the_return_addresses(monkeypatch):
    monkeypatch.setenv("SITEURL", "https://give.example.org/")
    site = site_from_settings(read_settings("publishconf.py", root=ROOT))
    assert site.thank_you("zh") == "https://give.example.org/zh/thank-you/"


@pytest.mark.parametrize("siteurl", ["", "/relative", "http://haihuichina.org"])
def test_a_site_address_stripe_cannot_return_to_is_refused(siteurl):
    settings = dict(read_settings("publishconf.py", root=ROOT), SITEURL=siteurl, SITE_ORIGIN="")
    with pytest.raises(SyncError):
        site_from_settings(settings)


# ---------------------------------------------------------------- desired objects


def test_one_time_tiers_offer_card_alipay_and_wechat_pay_monthly_card_only(site):
    tiers = {t.id: t for t in desired_state(SAMPLE_TIERS, site)}
    one_time = tiers["mothers-start"].link("zh").create_params("price_1")
    assert one_time["payment_method_types"] == ["card", "alipay", "wechat_pay"]
    assert one_time["submit_type"] == "donate"
    assert one_time["line_items"] == [{"price": "price_1", "quantity": 1}]
    assert one_time["after_completion"] == {
        "type": "redirect",
        "redirect": {"url": "https://haihuichina.org/zh/thank-you/"},
    }
    assert one_time["metadata"] == {
        "haihui_tier": "mothers-start",
        "haihui_campaign": "left-behind-mothers",
        "haihui_lang": "zh",
        "haihui_price": "price_1",
        "haihui_lookup_key": "haihui:mothers-start:450000:cny:one_time",
    }
    monthly = tiers["monthly"]
    assert monthly.link("en").create_params("price_2")["payment_method_types"] == ["card"]
    assert monthly.price.create_params()["recurring"] == {"interval": "month"}
    custom = tiers["any-amount"].price.create_params()
    assert custom["custom_unit_amount"] == {
        "enabled": True,
        "minimum": 1000,
        "preset": 20000,
        "maximum": 10_000_000,
    }
    assert "unit_amount" not in custom and "recurring" not in custom


def test_a_replaced_link_shows_donors_the_organisation_files_words_in_its_language(site):
    """inactive_message comes from replaced_link_message in content/data/organisation.yaml, each
    language's own, its {url} the campaign's page in that language; the wording is Haihui's as before."""
    settings = dict(read_settings("publishconf.py", root=ROOT), STRICT_PUBLISH=False)  # sample values aside
    organisation, _ = load_organisation(settings)
    assert organisation is not None
    tier = desired_tier(SAMPLE_TIERS[0], site)
    for lang in site.languages:
        page = site.campaign("left-behind-mothers", lang)
        wanted = organisation.replaced_link_message[lang].replace("{url}", page)
        assert tier.link(lang).inactive_message == wanted
        assert tier.link(lang).create_params("price_1")["inactive_message"] == wanted
    assert tier.link("en").inactive_message == (
        "This donation link has been replaced. Please give through "
        "https://haihuichina.org/campaigns/left-behind-mothers/ - thank you."
    )
    assert tier.link("zh").inactive_message == (
        "此捐赠链接已更换。请前往 https://haihuichina.org/zh/campaigns/left-behind-mothers/ "
        "捐赠,谢谢您的支持。"
    )


def _project_with_french(tmp_path, monkeypatch) -> dict:
    """The publish settings of a copy of the data with French added: its text beside every Chinese one."""
    monkeypatch.delenv("SITEURL", raising=False)
    settings = read_settings("publishconf.py", root=ROOT)
    languages = dict(settings["LANGUAGES"], fr={**settings["LANGUAGES"]["zh"], "prefix": "fr/"})
    settings = dict(settings, PATH=str(tmp_path / "content"), LANGUAGES=languages)
    path = organisation_file(settings)
    path.parent.mkdir(parents=True)
    shutil.copy2(organisation_file(dict(settings, PATH=str(ROOT / "content"))), path)
    path.write_text(add_language_beside_chinese(path.read_text("utf-8")), "utf-8")
    return settings


def test_a_third_language_shows_its_own_words_on_a_replaced_link_never_english(tmp_path, monkeypatch):
    settings = _project_with_french(tmp_path, monkeypatch)
    path = organisation_file(settings)
    text = path.read_text("utf-8")
    marker = "fr: Texte en français"  # the French line added below replaced_link_message's Chinese one
    at = text.index(marker, text.index("\nreplaced_link_message:\n"))
    french = 'fr: "Ce lien de don a été remplacé. Merci de donner sur {url}."'
    path.write_text(text[:at] + french + text[at + len(marker) :], "utf-8")
    site = site_from_settings(settings)
    assert site.languages == ("en", "zh", "fr")
    link = desired_tier(SAMPLE_TIERS[0], site).link("fr")
    assert link.inactive_message == (
        "Ce lien de don a été remplacé. Merci de donner sur "
        "https://haihuichina.org/fr/campaigns/left-behind-mothers/."
    )


def test_without_the_words_for_a_replaced_link_the_sync_stops_naming_the_file_and_line(tmp_path, monkeypatch):
    """No Python text stands in for the organisation's words, in any language."""
    settings = _project_with_french(tmp_path, monkeypatch)
    with pytest.raises(SyncError) as caught:
        site_from_settings(settings)  # French has no {url}: refused, never English instead
    assert "content/data/organisation.yaml has mistakes; nothing was sent to Stripe:" in str(caught.value)
    lines = organisation_file(settings).read_text("utf-8").splitlines()
    start = lines.index("replaced_link_message:")
    line = next(n for n in range(start + 1, len(lines) + 1) if lines[n - 1].strip().startswith("fr:"))
    assert f"organisation.yaml:{line}: replaced_link_message.fr: has no {{url}}" in caught.value.detail
    assert "replaced_link_message.fr：缺少 {url}" in caught.value.detail
    assert caught.value.message.render("zh").startswith("content/data/organisation.yaml 有错误")


def test_other_currencies_get_card_only(site):
    tier = desired_tier(replace(SAMPLE_TIERS[0], currency="USD"), site)
    assert tier.link("en").payment_method_types == ("card",)


@pytest.mark.parametrize(
    "change, says",
    [
        ({"interval": "month", "amount_fen": None, "custom_amount": CustomAmount(100, 200, 300)}, "one-time"),
        ({"amount_fen": 0}, "positive"),
        ({"amount_fen": 12.5}, "positive"),
        ({"interval": "week"}, "interval"),
        ({"currency": "yuan"}, "three-letter"),
        ({"id": "Mothers Start"}, "slug"),
        ({"amount_fen": None, "custom_amount": CustomAmount(500, 100, 1000)}, "minimum <= preset"),
    ],
)
def test_tiers_stripe_cannot_sell_are_refused_naming_the_tier(site, change, says):
    with pytest.raises(SyncError) as caught:
        desired_tier(replace(SAMPLE_TIERS[0], **change), site)
    assert says in str(caught.value)
    assert "tier" in str(caught.value)


def test_a_new_amount_is_a_new_lookup_key_and_names_are_bilingual(site):
    first = desired_tier(SAMPLE_TIERS[0], site)
    second = desired_tier(replace(SAMPLE_TIERS[0], amount_fen=450001), site)
    assert first.price.lookup_key == "haihui:mothers-start:450000:cny:one_time"
    assert second.price.lookup_key == "haihui:mothers-start:450001:cny:one_time"
    assert first.product.id == second.product.id == "haihui_mothers-start"
    assert first.product.name == "A mother's start · 一位母亲的起步"


def test_idempotency_keys_are_stable_per_create_and_differ_otherwise():
    params = {"a": 1, "b": {"c": [1, 2]}}
    assert idempotency_key("price", params) == idempotency_key("price", {"b": {"c": [1, 2]}, "a": 1})
    assert idempotency_key("price", params) != idempotency_key("price", {**params, "a": 2})
    assert idempotency_key("price", params) != idempotency_key("payment_link", params)
    assert len(idempotency_key("payment_link", params)) <= 255


# ---------------------------------------------------------------- planning (pure)


def _stripe_state(site, tiers=SAMPLE_TIERS) -> Snapshot:
    """What Stripe holds after a clean first run of `tiers`."""
    snap = Snapshot()
    for n, tier in enumerate(desired_state(tiers, site)):
        snap.products[tier.product.id] = {
            "id": tier.product.id,
            "active": True,
            **tier.product.create_params(),
        }
        p = tier.price.create_params()
        price = {
            "id": f"price_{n}",
            "active": True,
            "product": p["product"],
            "currency": p["currency"],
            "lookup_key": p["lookup_key"],
            "unit_amount": p.get("unit_amount"),
            "custom_unit_amount": p.get("custom_unit_amount"),
            "recurring": {"interval": tier.interval} if "recurring" in p else None,
        }
        snap.prices[p["lookup_key"]] = price
        for link in tier.links:
            params = link.create_params(price["id"])
            snap.links.append(
                {
                    "id": f"plink_{n}_{link.lang}",
                    "active": True,
                    "url": "https://x",
                    "created": n,
                    **{k: v for k, v in params.items() if k != "line_items"},
                }
            )
    return snap


def test_nothing_to_do_when_stripe_matches(site):
    plan = make_plan(desired_state(SAMPLE_TIERS, site), _stripe_state(site))
    assert set(plan.counts()) == {"keep"} and not plan.changes_stripe


def test_a_changed_amount_plans_a_new_price_and_replaces_each_language(site):
    changed = (replace(SAMPLE_TIERS[0], amount_fen=1), *SAMPLE_TIERS[1:])
    plan = make_plan(desired_state(changed, site), _stripe_state(site))
    tp = plan.tiers[0]
    assert tp.price.op == "create" and tp.product.op == "keep"
    assert [lp.step.op for lp in tp.links] == ["replace", "replace"]
    assert [[d.target for d in lp.deactivate] for lp in tp.links] == [["plink_0_en"], ["plink_0_zh"]]
    assert plan.counts()["deactivate"] == 2


def test_drift_is_an_update_in_place_and_duplicates_are_deactivated(site):
    snap = _stripe_state(site)
    snap.links[0]["after_completion"] = {"type": "hosted_confirmation"}
    snap.links.append({**snap.links[1], "id": "plink_dup", "created": 99})
    plan = make_plan(desired_state(SAMPLE_TIERS, site), snap, {"mothers-start": {"zh": "plink_0_zh"}})
    en, zh = plan.tiers[0].links
    assert en.step.op == "update" and set(en.step.changes) == {"after_completion"}
    assert zh.step.op == "keep" and [d.target for d in zh.deactivate] == ["plink_dup"]


def test_the_recorded_link_is_kept_among_duplicates(site):
    snap = _stripe_state(site)
    snap.links.append({**snap.links[1], "id": "plink_newer", "created": 99})
    plan = make_plan(desired_state(SAMPLE_TIERS, site), snap, {"mothers-start": {"zh": "plink_newer"}})
    zh = plan.tiers[0].links[1]
    assert zh.step.target == "plink_newer" and [d.target for d in zh.deactivate] == ["plink_0_zh"]


def test_a_price_under_our_lookup_key_with_another_amount_is_an_error(site):
    snap = _stripe_state(site)
    snap.prices["haihui:mothers-start:450000:cny:one_time"]["unit_amount"] = 1
    with pytest.raises(SyncError) as caught:
        make_plan(desired_state(SAMPLE_TIERS, site), snap)
    assert "tier mothers-start" in str(caught.value) and "unit_amount" in str(caught.value)


# ---------------------------------------------------------------- the links file


def test_the_links_file_keeps_its_order_and_header_and_leaves_no_temporary_file(tmp_path):
    path = tmp_path / "checkout-links.yaml"
    path.write_text("# my header\n# second line\ntiers:\n  b: {platform: {url: 'https://gongyi.qq.com/b'}}\n")
    os.chmod(path, 0o640)
    links = LinksFile.load(path)
    entry = {
        "url": "https://donate.stripe.com/test_1",
        "amount_fen": 5,
        "currency": "cny",
        "interval": "one_time",
        "price": "price_1",
        "payment_link": "plink_1",
        "livemode": False,
    }
    assert links.save({"a": {"zh": entry, "en": entry}})
    text = path.read_text()
    # Nothing re-sorted: tier b stays as staff wrote it, the new tier a comes after it, and
    # its languages and keys in the order the sync gives them.
    assert text.startswith(
        "# my header\n# second line\ntiers:\n  b: {platform: {url: 'https://gongyi.qq.com/b'}}\n  a:\n"
    )
    assert text.index("      zh:") < text.index("      en:")
    assert text.index("        url:") < text.index("        amount_fen:") < text.index("        livemode:")
    assert yaml.safe_load(text)["tiers"]["b"] == {"platform": {"url": "https://gongyi.qq.com/b"}}
    assert sorted(p.name for p in tmp_path.iterdir()) == ["checkout-links.yaml"]
    assert stat.S_IMODE(path.stat().st_mode) == 0o640
    assert not LinksFile.load(path).save({"a": {"en": entry, "zh": entry}}), "same data: not rewritten"


def test_a_new_links_file_gets_the_default_header(tmp_path):
    links = LinksFile.load(tmp_path / "data" / "checkout-links.yaml")
    entry = {
        "url": "u",
        "amount_fen": 1,
        "currency": "cny",
        "interval": "month",
        "price": "p",
        "payment_link": "l",
        "livemode": True,
    }
    links.save({"t": {"en": entry}})
    assert links.path.read_text().startswith(DEFAULT_HEADER)


@pytest.mark.parametrize("text", ["tiers: [a, b\n", "- a list\n", "tiers:\n  t:\n    stripe: [1]\n"])
def test_a_broken_links_file_stops_the_sync_and_is_left_alone(tmp_path, text):
    path = tmp_path / "checkout-links.yaml"
    path.write_text(text)
    with pytest.raises(SyncError) as caught:
        LinksFile.load(path)
    assert str(path) in str(caught.value)
    assert path.read_text() == text
