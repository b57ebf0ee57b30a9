"""The thin adapter over the official `stripe` SDK (StripeClient, v1 services).

- `max_network_retries` is set: the SDK then retries connection errors, 409
  and 5xx answers itself, with the same Idempotency-Key.
- A 429 (rate limit) is not retried by the SDK; this adapter retries it with
  its own bounded exponential back-off, honouring Retry-After.
- Creates carry an Idempotency-Key derived from what is created, so a create
  repeated after a dropped connection (even by the next run, within Stripe's
  24 hours) returns the first object instead of making a second one. Updates
  keep the SDK's random key: the same update may legitimately be needed twice
  (a link deactivated, reactivated, deactivated again).
- Listing only, never the Search API (which lags behind writes): products by
  `ids`, prices by `lookup_keys` (10 per request, Stripe's limit), payment
  links page by page (100 per page), filtered by our metadata here.
- Every Stripe error becomes a SyncError that says what was being done and
  what Stripe said, scrubbed of any key.
"""

from __future__ import annotations

import hashlib
import json
import time
from collections import Counter
from collections.abc import Callable
from typing import Any
from urllib.parse import urlsplit

import stripe

from haihui.languages.staff import Items, Msg, msg
from haihui.stripe_sync.desired import META_TIER
from haihui.stripe_sync.errors import SyncError
from haihui.stripe_sync.keys import ApiKey, scrub

STRIPE_API_BASE = "https://api.stripe.com"
LOOKUP_KEYS_PER_LIST = 10  # Stripe: "You can specify up to 10 lookup_keys."
IDS_PER_LIST = 100  # products list: `ids` cannot be paginated; limit is at most 100
PAGE_LIMIT = 100
IDEMPOTENCY_PREFIX = "haihui-sync-v1"


def idempotency_key(kind: str, params: dict) -> str:
    """A key that is the same for the same create, and different for any other."""
    canonical = json.dumps(params, sort_keys=True, separators=(",", ":"), ensure_ascii=False)
    digest = hashlib.sha256(f"{kind}\n{canonical}".encode()).hexdigest()[:40]
    return f"{IDEMPOTENCY_PREFIX}-{kind}-{digest}"


def _is_loopback(url: str) -> bool:
    return urlsplit(url).hostname in ("127.0.0.1", "localhost", "::1")


def _plain(obj: Any) -> dict:
    return obj.to_dict() if hasattr(obj, "to_dict") else dict(obj)


class StripeGateway:
    """Lists and writes the objects the sync uses; counts the requests it makes."""

    def __init__(
        self,
        key: ApiKey,
        *,
        api_base: str | None = None,
        max_network_retries: int = 3,
        rate_limit_retries: int = 5,
        backoff_base: float = 1.0,
        backoff_cap: float = 30.0,
        sleep: Callable[[float], None] = time.sleep,
        http_client: Any = None,
    ):
        self._key = key
        self.api_base = (api_base or STRIPE_API_BASE).rstrip("/")
        if http_client is None and _is_loopback(self.api_base):
            # A local rehearsal server: never send that traffic through a proxy.
            import requests

            session = requests.Session()
            session.trust_env = False
            http_client = stripe.RequestsClient(session=session, timeout=30)
        self.client = stripe.StripeClient(
            key.value,
            base_addresses={"api": self.api_base},
            max_network_retries=max_network_retries,
            http_client=http_client,
        )
        self.rate_limit_retries = rate_limit_retries
        self.backoff_base = backoff_base
        self.backoff_cap = backoff_cap
        self.sleep = sleep
        self.requests: Counter = Counter()  # "read" / "write" calls, 429 retries included

    def __repr__(self) -> str:
        return f"StripeGateway({self.api_base!r}, {self._key})"

    # ------------------------------------------------------------ plumbing

    def _delay(self, error: stripe.StripeError, attempt: int) -> float:
        retry_after = (error.headers or {}).get("retry-after") or (error.headers or {}).get("Retry-After")
        try:
            if retry_after is not None:
                return min(self.backoff_cap, max(0.0, float(retry_after)))
        except ValueError:
            pass
        return min(self.backoff_cap, self.backoff_base * (2**attempt))

    def _call(self, what: Msg, write: bool, fn: Callable, *args, **kwargs):
        for attempt in range(self.rate_limit_retries + 1):
            self.requests["write" if write else "read"] += 1
            try:
                return fn(*args, **kwargs)
            except stripe.RateLimitError as error:
                if attempt == self.rate_limit_retries:
                    raise SyncError(self._explain(what, error, tries=attempt + 1)) from None
                self.sleep(self._delay(error, attempt))
            except stripe.StripeError as error:
                raise SyncError(self._explain(what, error)) from None
        raise AssertionError("unreachable")

    def _explain(self, what: Msg, error: stripe.StripeError, tries: int = 0) -> Msg:
        """What was being done and what Stripe said (its words scrubbed of any key); `tries`:
        the attempts made when Stripe still answered "rate limited" at the last one."""
        if isinstance(error, stripe.APIConnectionError):
            said = (error.user_message or "").split("\n")[0].strip()
            text = msg(
                "{what}: could not reach Stripe at {base} ({said})",
                what=what,
                base=self.api_base,
                said=scrub(said, self._key),
            )
        else:
            parts: list[str | Msg] = [f"HTTP {error.http_status}"] if error.http_status else []
            err = (error.json_body or {}).get("error") if isinstance(error.json_body, dict) else None
            if isinstance(err, dict):
                parts += [scrub(str(err[k]), self._key) for k in ("type", "code") if err.get(k)]
                if err.get("param"):
                    parts.append(msg("parameter {name}", name=scrub(str(err["param"]), self._key)))
            said = error.user_message or str(error) or type(error).__name__
            text = msg(
                "{what}: Stripe said: {said} [{parts}]",
                what=what,
                said=scrub(said, self._key),
                parts=Items(tuple(parts)),
            )
        if tries:
            text = msg(
                "{message} (still rate limited after {tries} tries; wait a minute and run again: "
                "nothing is duplicated)",
                message=text,
                tries=tries,
            )
        if isinstance(error, stripe.AuthenticationError):
            text = msg(
                "{message}. Check STRIPE_API_KEY (and that it is the key of the right account).", message=text
            )
        elif isinstance(error, stripe.PermissionError):
            text = msg(
                "{message}. The key needs write access to Products, Prices and Payment Links "
                "(see README, 'Stripe sync').",
                message=text,
            )
        return text

    # ------------------------------------------------------------ listing

    def list_products(self, ids: list[str]) -> list[dict]:
        found = []
        for start in range(0, len(ids), IDS_PER_LIST):
            chunk = ids[start : start + IDS_PER_LIST]
            page = self._call(
                msg("listing products"),
                False,
                self.client.v1.products.list,
                params={"ids": chunk, "limit": PAGE_LIMIT},
            )
            found += [_plain(p) for p in page.data]
        return found

    def list_prices(self, lookup_keys: list[str]) -> list[dict]:
        found = []
        for start in range(0, len(lookup_keys), LOOKUP_KEYS_PER_LIST):
            chunk = lookup_keys[start : start + LOOKUP_KEYS_PER_LIST]
            params: dict = {"lookup_keys": chunk, "limit": PAGE_LIMIT}
            while True:
                page = self._call(msg("listing prices"), False, self.client.v1.prices.list, params=params)
                found += [_plain(p) for p in page.data]
                if not page.has_more or not page.data:
                    break
                params = {**params, "starting_after": page.data[-1].id}
        return found

    def list_payment_links(self) -> list[dict]:
        """Every payment link that carries our tier metadata, active or not."""
        found = []
        params: dict = {"limit": PAGE_LIMIT}
        while True:
            page = self._call(
                msg("listing payment links"), False, self.client.v1.payment_links.list, params=params
            )
            found += [_plain(link) for link in page.data]
            if not page.has_more or not page.data:
                break
            params = {"limit": PAGE_LIMIT, "starting_after": page.data[-1].id}
        return [link for link in found if (link.get("metadata") or {}).get(META_TIER)]

    # ------------------------------------------------------------ writing

    def _create(self, what: Msg, service, kind: str, params: dict) -> dict:
        options = {"idempotency_key": idempotency_key(kind, params)}
        return _plain(self._call(what, True, service.create, params=params, options=options))

    def _update(self, what: Msg, service, object_id: str, params: dict) -> dict:
        return _plain(self._call(what, True, service.update, object_id, params=params))

    def create_product(self, params: dict, what: Msg) -> dict:
        return self._create(what, self.client.v1.products, "product", params)

    def update_product(self, product_id: str, params: dict, what: Msg) -> dict:
        return self._update(what, self.client.v1.products, product_id, params)

    def create_price(self, params: dict, what: Msg) -> dict:
        return self._create(what, self.client.v1.prices, "price", params)

    def update_price(self, price_id: str, params: dict, what: Msg) -> dict:
        return self._update(what, self.client.v1.prices, price_id, params)

    def create_payment_link(self, params: dict, what: Msg) -> dict:
        return self._create(what, self.client.v1.payment_links, "payment_link", params)

    def update_payment_link(self, link_id: str, params: dict, what: Msg) -> dict:
        return self._update(what, self.client.v1.payment_links, link_id, params)
