"""What Stripe should hold for the tiers: desired products, prices and payment links.

Pure Python over plain data: a tier is any object with the attributes of
`haihui.giving.tiers.Tier` (id, campaign, names, descriptions, currency,
interval, amount_fen, custom_amount), and the site addresses come from the
Pelican settings (publishconf.py), so nothing here is hard-coded to a host.

Naming, so that a rerun finds what an earlier run made:
- Product: id `haihui_<tier>` (one per tier).
- Price: lookup key `haihui:<tier>:<amount>:<currency>:<interval>`, where
  amount is the fen amount, or `custom-<minimum>-<preset>-<maximum>` for the
  choose-your-amount tier. Prices are immutable, so the lookup key names
  exactly one price; a new amount is a new key.
- Payment Link: one per (price, language), found again by its metadata
  (`haihui_tier`, `haihui_lang`, `haihui_price`, `haihui_lookup_key`).
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

from haihui.content.content_rules import SLUG
from haihui.content.links import content_url
from haihui.languages.staff import Items, Msg, msg
from haihui.organisation import load_organisation, organisation_file
from haihui.problems import ERROR, display_path
from haihui.stripe_sync.errors import SyncError

PRODUCT_PREFIX = "haihui_"
LOOKUP_PREFIX = "haihui"
THANK_YOU_SLUG = "thank-you"
SUBMIT_TYPE = "donate"
INTERVALS = ("one_time", "month")

# Metadata keys the sync owns; any other metadata staff add is left alone.
META_TIER = "haihui_tier"
META_CAMPAIGN = "haihui_campaign"
META_LANG = "haihui_lang"
META_PRICE = "haihui_price"
META_LOOKUP_KEY = "haihui_lookup_key"

# Card always; Alipay and WeChat Pay for one-time payments in a currency both
# accept (Stripe offers neither for recurring payments). Kept to CNY, the
# only currency this site charges in, rather than guessing other currencies.
# Payment Links need no WeChat Pay options (their payment_method_options take
# `card` only; the `wechat_pay[client]` option belongs to Checkout Sessions).
WALLETS_BY_CURRENCY = {"cny": ("alipay", "wechat_pay")}


# --------------------------------------------------------------------- site


@dataclass(frozen=True)
class Site:
    """The public addresses the links return donors to, asked of the site's own URL patterns,
    and the words a replaced link shows donors (replaced_link_message in the organisation file)."""

    origin: str
    languages: tuple[str, ...]
    settings: Mapping[str, Any] = field(repr=False, compare=False)
    # Per language, with one {url}: the text Stripe shows on a link that has been replaced.
    replaced_link_message: Mapping[str, str] = field(default_factory=dict, repr=False, compare=False)

    def _absolute(self, path: str | None) -> str:
        if path is None:
            raise SyncError(
                msg("the settings give this page no address (PAGE_URL, PAGE_LANG_URL, CAMPAIGN_URL)")
            )
        return f"{self.origin}/{path.lstrip('/')}"

    def page(self, slug: str, lang: str) -> str:
        return self._absolute(content_url("page", {"slug": slug, "lang": lang}, self.settings))

    def thank_you(self, lang: str) -> str:
        return self.page(THANK_YOU_SLUG, lang)

    def campaign(self, slug: str, lang: str) -> str:
        values = {"slug": slug, "lang": lang, "template": "campaign"}
        return self._absolute(content_url("page", values, self.settings))

    def replaced_link(self, campaign: str, lang: str) -> str:
        """What a replaced link of `campaign` tells donors in `lang`: the organisation's words,
        {url} being the campaign's page in that language."""
        return self.replaced_link_message[lang].format(url=self.campaign(campaign, lang))


def site_from_settings(settings: Mapping[str, Any]) -> Site:
    """The Site of the publish settings (publishconf.py, read as Pelican reads it)."""
    origin = (settings.get("SITEURL") or settings.get("SITE_ORIGIN") or "").rstrip("/")
    parts = urlsplit(origin)
    if parts.scheme not in ("http", "https") or not parts.netloc:
        raise SyncError(
            msg(
                "SITEURL {value} in the publish settings is not an absolute address; "
                "Stripe must send donors back to the public site, e.g. https://haihuichina.org",
                value=repr(origin),
            )
        )
    if parts.scheme != "https" and parts.hostname not in ("127.0.0.1", "localhost", "::1"):
        raise SyncError(
            msg("SITEURL {value} must use https: Stripe returns donors there.", value=repr(origin))
        )
    languages = settings.get("LANGUAGES") or {settings.get("DEFAULT_LANG", "en"): {"prefix": ""}}
    settings = dict(settings, LANGUAGES=languages)
    site = Site(
        origin=origin,
        languages=tuple(languages),
        settings=settings,
        replaced_link_message=_replaced_link_message(settings),
    )
    try:
        for lang in site.languages:
            site.thank_you(lang)
            site.campaign("x", lang)
    except (KeyError, IndexError, ValueError) as exc:
        raise SyncError(
            msg(
                "PAGE_URL, PAGE_LANG_URL or CAMPAIGN_URL in the settings has an "
                "unknown placeholder ({error}); use {{slug}}, {{lang}} and {{prefix}}.",
                error=str(exc),
            )
        ) from None
    return site


def _replaced_link_message(settings: dict[str, Any]) -> dict[str, str]:
    """replaced_link_message of the organisation file, checked as a build checks it (but for the
    disclosure's sample values, which only a publish build refuses): in every language of the
    site, each with one {url}. SyncError with the file's problems, at their lines, otherwise."""
    organisation, problems = load_organisation(dict(settings, STRICT_PUBLISH=False))
    if organisation is None:
        errors = [problem for problem in problems if problem.severity == ERROR]
        shown = display_path(organisation_file(settings), Path(settings["PATH"]).parent)
        raise SyncError(
            msg("{file} has mistakes; nothing was sent to Stripe:", file=shown),
            "\n".join(str(problem) for problem in errors),
        )
    return dict(organisation.replaced_link_message)


# ------------------------------------------------------------------ desired


@dataclass(frozen=True)
class DesiredProduct:
    id: str
    name: str
    description: str
    metadata: Mapping[str, str]

    def create_params(self) -> dict:
        params = {"id": self.id, "name": self.name, "metadata": dict(self.metadata)}
        if self.description:
            params["description"] = self.description
        return params

    def drift(self, current: Mapping[str, Any]) -> dict:
        """Update params that bring `current` to this product ({} when it matches)."""
        changes: dict = {}
        if current.get("name") != self.name:
            changes["name"] = self.name
        if (current.get("description") or "") != self.description:
            changes["description"] = self.description
        if _meta_differs(current, self.metadata):
            changes["metadata"] = dict(self.metadata)
        if not current.get("active", True):
            changes["active"] = True
        return changes


@dataclass(frozen=True)
class DesiredPrice:
    lookup_key: str
    product: str
    currency: str
    interval: str
    unit_amount: int | None
    custom: tuple[int, int, int] | None  # minimum, preset, maximum
    metadata: Mapping[str, str]

    def create_params(self) -> dict:
        params: dict = {
            "product": self.product,
            "currency": self.currency,
            "lookup_key": self.lookup_key,
            # Only matters if a price archived by hand still holds the key
            # and a list did not show it: the key moves to the new price.
            "transfer_lookup_key": True,
            "metadata": dict(self.metadata),
        }
        if self.custom is not None:
            minimum, preset, maximum = self.custom
            params["custom_unit_amount"] = {
                "enabled": True,
                "minimum": minimum,
                "preset": preset,
                "maximum": maximum,
            }
        else:
            params["unit_amount"] = self.unit_amount
        if self.interval != "one_time":
            params["recurring"] = {"interval": self.interval}
        return params

    def mismatch(self, current: Mapping[str, Any]) -> list[Msg]:
        """What differs between a price found under this lookup key and this one."""
        problems = []
        recurring = current.get("recurring") or {}
        interval = recurring.get("interval") if recurring else "one_time"
        custom = current.get("custom_unit_amount") or None
        found = {
            "product": current.get("product"),
            "currency": current.get("currency"),
            "interval": interval,
            "unit_amount": None if custom else current.get("unit_amount"),
            "custom": (
                (custom.get("minimum"), custom.get("preset"), custom.get("maximum")) if custom else None
            ),
        }
        wanted = {
            "product": self.product,
            "currency": self.currency,
            "interval": self.interval,
            "unit_amount": self.unit_amount,
            "custom": self.custom,
        }
        for name, value in wanted.items():
            if found[name] != value:
                problems.append(
                    msg(
                        "{name} is {found}, expected {wanted}",
                        name=name,
                        found=repr(found[name]),
                        wanted=repr(value),
                    )
                )
        return problems


@dataclass(frozen=True)
class DesiredLink:
    tier: str
    lang: str
    lookup_key: str
    redirect_url: str
    payment_method_types: tuple[str, ...]
    inactive_message: str
    metadata: Mapping[str, str]  # without META_PRICE, which is known only once the price is

    def full_metadata(self, price_id: str) -> dict:
        return {**self.metadata, META_PRICE: price_id}

    def after_completion(self) -> dict:
        return {"type": "redirect", "redirect": {"url": self.redirect_url}}

    def create_params(self, price_id: str) -> dict:
        return {
            # One line item, quantity 1: a custom_unit_amount price allows no other.
            "line_items": [{"price": price_id, "quantity": 1}],
            "submit_type": SUBMIT_TYPE,
            "payment_method_types": list(self.payment_method_types),
            "after_completion": self.after_completion(),
            "inactive_message": self.inactive_message,
            "metadata": self.full_metadata(price_id),
        }

    def drift(self, current: Mapping[str, Any], price_id: str) -> dict:
        """Update params that bring the link `current` to this one ({} when it matches)."""
        changes: dict = {}
        after = current.get("after_completion") or {}
        if after.get("type") != "redirect" or (after.get("redirect") or {}).get("url") != self.redirect_url:
            changes["after_completion"] = self.after_completion()
        if current.get("submit_type") != SUBMIT_TYPE:
            changes["submit_type"] = SUBMIT_TYPE
        if sorted(current.get("payment_method_types") or []) != sorted(self.payment_method_types):
            changes["payment_method_types"] = list(self.payment_method_types)
        if (current.get("inactive_message") or "") != self.inactive_message:
            changes["inactive_message"] = self.inactive_message
        if _meta_differs(current, self.full_metadata(price_id)):
            changes["metadata"] = self.full_metadata(price_id)
        return changes


@dataclass(frozen=True)
class DesiredTier:
    id: str
    campaign: str
    currency: str
    interval: str
    amount_fen: int | None
    product: DesiredProduct
    price: DesiredPrice
    links: tuple[DesiredLink, ...] = field(default_factory=tuple)

    def link(self, lang: str) -> DesiredLink:
        return next(link for link in self.links if link.lang == lang)


def _meta_differs(current: Mapping[str, Any], wanted: Mapping[str, str]) -> bool:
    have = current.get("metadata") or {}
    return any(have.get(key) != value for key, value in wanted.items())


def lookup_key(tier_id: str, amount: str, currency: str, interval: str) -> str:
    return f"{LOOKUP_PREFIX}:{tier_id}:{amount}:{currency}:{interval}"


def payment_method_types(currency: str, interval: str) -> tuple[str, ...]:
    """Card, plus Alipay and WeChat Pay for one-time payments where the currency allows them."""
    if interval != "one_time":
        return ("card",)
    return ("card", *WALLETS_BY_CURRENCY.get(currency, ()))


def _text(values: Mapping[str, str], languages: Iterable[str]) -> str:
    """One line from per-language texts: each distinct text once, in language order."""
    seen: list[str] = []
    for lang in [*languages, *values]:
        text = (values.get(lang) or "").strip()
        if text and text not in seen:
            seen.append(text)
    return " · ".join(seen)


def desired_tier(tier, site: Site) -> DesiredTier:
    """The Stripe objects one tier needs; SyncError names the tier if it cannot be sold."""
    tid = getattr(tier, "id", None)
    if not isinstance(tid, str) or not SLUG.match(tid):
        raise SyncError(
            msg("tier {tier}: the id must be a slug (lower-case letters, digits, hyphens)", tier=repr(tid))
        )
    currency = str(tier.currency or "").lower()
    if not re.fullmatch(r"[a-z]{3}", currency):
        raise SyncError(
            msg(
                "tier {tier}: currency {value} is not a three-letter ISO code",
                tier=tid,
                value=repr(tier.currency),
            )
        )
    if tier.interval not in INTERVALS:
        raise SyncError(
            msg(
                "tier {tier}: interval {value} is not one of {known}",
                tier=tid,
                value=repr(tier.interval),
                known=", ".join(INTERVALS),
            )
        )
    custom = getattr(tier, "custom_amount", None)
    if custom is not None:
        if tier.interval != "one_time":
            raise SyncError(
                msg(
                    "tier {tier}: Stripe allows a donor-chosen amount (custom_unit_amount) "
                    "on one-time prices only, not on monthly ones",
                    tier=tid,
                )
            )
        bounds = (custom.minimum_fen, custom.preset_fen, custom.maximum_fen)
        if not all(isinstance(v, int) and v > 0 for v in bounds) or not bounds[0] <= bounds[1] <= bounds[2]:
            raise SyncError(
                msg(
                    "tier {tier}: the chosen-amount bounds {bounds} must be whole fen with "
                    "minimum <= preset <= maximum",
                    tier=tid,
                    bounds=str(bounds),
                )
            )
        amount = "custom-{}-{}-{}".format(*bounds)
        unit_amount = None
    else:
        unit_amount = tier.amount_fen
        if not isinstance(unit_amount, int) or isinstance(unit_amount, bool) or unit_amount <= 0:
            raise SyncError(
                msg(
                    "tier {tier}: amount_fen {value} must be a positive whole number of fen",
                    tier=tid,
                    value=repr(unit_amount),
                )
            )
        amount = str(unit_amount)
        bounds = None
    key = lookup_key(tid, amount, currency, tier.interval)
    base_meta = {META_TIER: tid, META_CAMPAIGN: str(tier.campaign)}
    product = DesiredProduct(
        id=PRODUCT_PREFIX + tid,
        name=_text(tier.names, site.languages) or tid,
        description=_text(getattr(tier, "descriptions", {}) or {}, site.languages),
        metadata=base_meta,
    )
    price = DesiredPrice(
        lookup_key=key,
        product=product.id,
        currency=currency,
        interval=tier.interval,
        unit_amount=unit_amount,
        custom=bounds,
        metadata=base_meta,
    )
    methods = payment_method_types(currency, tier.interval)
    links = tuple(
        DesiredLink(
            tier=tid,
            lang=lang,
            lookup_key=key,
            redirect_url=site.thank_you(lang),
            payment_method_types=methods,
            inactive_message=site.replaced_link(str(tier.campaign), lang),
            metadata={**base_meta, META_LANG: lang, META_LOOKUP_KEY: key},
        )
        for lang in site.languages
    )
    return DesiredTier(
        id=tid,
        campaign=str(tier.campaign),
        currency=currency,
        interval=tier.interval,
        amount_fen=unit_amount,
        product=product,
        price=price,
        links=links,
    )


def desired_state(tiers: Iterable, site: Site) -> list[DesiredTier]:
    result = [desired_tier(tier, site) for tier in tiers]
    ids = [t.id for t in result]
    duplicated = sorted({i for i in ids if ids.count(i) > 1})
    if duplicated:
        raise SyncError(msg("tier id(s) {tiers} appear more than once", tiers=Items(tuple(duplicated))))
    return result
