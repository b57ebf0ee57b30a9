"""The donor's path, as a donor takes it: home, campaign, a tier, its checkout link.

In both languages, on a 360x740 phone and a 1280x800 laptop, with JavaScript off:
no page has anything that runs or shows only with it on (no script, no event
handler, no javascript: link, no <noscript>: test_bilingual_site.py), so with
it on the path is the same. Checkout links are read, never followed: nothing
leaves 127.0.0.1.
"""

from __future__ import annotations

from urllib.parse import parse_qs, unquote, urlsplit

import pytest
import yaml

from haihui.build import ROOT
from haihui.organisation import load_organisation

from .browsing import LANGS, SETTINGS, VIEWPORTS, template_url

CHECKOUT_LINKS = ROOT / "content" / SETTINGS.get("CHECKOUT_LINKS_FILE", "data/checkout-links.yaml")
# The published contact, from content/data/organisation.yaml as the build reads it.
CONTACT_EMAIL = load_organisation(SETTINGS)[0].contact.email
# Each channel's allowlisted hosts, from the one place the settings keep them.
CHANNEL_HOSTS = {
    name: set(spec.get("hosts", ())) for name, spec in SETTINGS.get("CHECKOUT_CHANNELS", {}).items()
}


def expected_checkout_links(lang: str) -> dict[str, dict[str, str]]:
    """{tier id: {channel: url}} in `lang`, as content/data/checkout-links.yaml publishes them.

    Read without assuming more of the file's layout than that a tier's entry maps
    channel names to a URL, to a mapping holding `url`, or to one such per language.
    """
    if not CHECKOUT_LINKS.is_file():
        return {}
    found: dict[str, dict[str, str]] = {}

    def url_of(value):
        if isinstance(value, str):
            return value
        if isinstance(value, dict):
            return value.get("url") or url_of(value.get(lang))
        return None

    def walk(node, key=None):
        if isinstance(node, dict):
            channels = {ch: url_of(node[ch]) for ch in CHANNEL_HOSTS if ch in node and url_of(node[ch])}
            if channels and key is not None:
                found[str(key)] = channels
            for child_key, child in node.items():
                walk(child, child_key)
        elif isinstance(node, list):
            for child in node:
                tier = (child.get("tier") or child.get("id")) if isinstance(child, dict) else None
                walk(child, tier or key)

    walk(yaml.safe_load(CHECKOUT_LINKS.read_text("utf-8")))
    return found


def check_tier_card(card, tier: str, expected: dict[str, str]) -> list[str]:
    """What a donor would find wrong with one tier card (empty list: nothing)."""
    problems = []
    amount = card.locator("[data-amount-fen]")
    if amount.count():  # a choose-your-amount tier has none
        fen = amount.first.get_attribute("data-amount-fen") or ""
        if not fen.isdigit() or int(fen) <= 0:
            problems.append(f"{tier}: data-amount-fen {fen!r} is not a positive whole number of fen")
        if not amount.first.is_visible():
            problems.append(f"{tier}: the amount is not visible")
    links = card.locator("a[data-checkout]")
    shown = {}
    for i in range(links.count()):
        link = links.nth(i)
        shown[link.get_attribute("data-checkout")] = href = link.get_attribute("href")
        if not link.is_visible():
            problems.append(f"{tier}: checkout link {href} is not visible")
    if expected:
        for channel, url in expected.items():
            if shown.get(channel) != url:
                problems.append(f"{tier}: {channel} link is {shown.get(channel)!r}, expected {url!r}")
        for channel, url in shown.items():
            scheme, host = urlsplit(url or "").scheme, urlsplit(url or "").hostname
            if scheme != "https" or host not in CHANNEL_HOSTS.get(channel, ()):
                problems.append(f"{tier}: {channel} link {url!r} is not https on its channel's host")
    else:
        # Preview build, no link yet: a mail link to Haihui naming the tier.
        mail = card.locator(f'a[href^="mailto:{CONTACT_EMAIL}"]')
        if not mail.count():
            problems.append(f"{tier}: no checkout link and no 'contact us to sponsor' mail link")
        else:
            subject = parse_qs(urlsplit(mail.first.get_attribute("href")).query).get("subject", [""])[0]
            if not unquote(subject).strip():
                problems.append(f"{tier}: the sponsor mail link has no subject naming the tier")
            if not mail.first.is_visible():
                problems.append(f"{tier}: the sponsor mail link is not visible")
    return problems


@pytest.mark.parametrize("viewport", list(VIEWPORTS))
@pytest.mark.parametrize("lang", list(LANGS))
def test_donor_path_home_campaign_tier_checkout(open_tab, lang, viewport):
    tab = open_tab(viewport, javascript=False)
    home, campaign = template_url("home", lang), template_url("campaign", lang)

    tab.goto(home)
    assert tab.horizontal_overflow() == 0, f"{home} scrolls sideways at {viewport}"
    call_to_action = tab.page.locator("main a.button").first
    assert call_to_action.is_visible(), "the home page has no visible call to action"
    call_to_action.click()
    tab.settle()
    assert tab.path == campaign, f"the home page's call to action leads to {tab.path}, not {campaign}"
    assert tab.horizontal_overflow() == 0, f"{campaign} scrolls sideways at {viewport}"

    give_now = tab.page.locator('main a[href="#give"]').first
    assert give_now.is_visible(), "the campaign page has no visible 'Give now' link"
    give_now.click()
    assert urlsplit(tab.page.url).fragment == "give"
    give = tab.page.locator("#give")
    assert give.is_visible()
    top = give.bounding_box()["y"]
    assert -1 <= top < VIEWPORTS[viewport]["viewport"]["height"], (
        "'Give now' did not bring the tiers into view"
    )

    cards = tab.page.locator("main [data-tier]")
    if cards.count():
        links = expected_checkout_links(lang)
        problems = []
        for i in range(cards.count()):
            card = cards.nth(i)
            card.scroll_into_view_if_needed()
            tier = card.get_attribute("data-tier")
            problems += check_tier_card(card, tier, links.get(tier, {}))
        assert not problems, "\n".join(problems)
        assert tab.page.locator("main [data-tier] [data-amount-fen]").count(), "no tier shows an amount"
    else:
        # Before the tiers: the give section offers Haihui's contact for sponsoring.
        mail = give.locator(f'a[href^="mailto:{CONTACT_EMAIL}"]')
        assert mail.count() and mail.first.is_visible(), "the give section offers no way to give"

    # Switching language on this page and back: test_every_page.py, on its campaign visit.
    assert tab.horizontal_overflow() == 0
    tab.assert_clean()
