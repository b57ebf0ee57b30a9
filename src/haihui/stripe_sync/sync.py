"""Run a sync: list what Stripe holds, plan, act, and record the links.

`main()` is the command behind `invoke stripe-sync`; `run()` is the same
without the command-line concerns (key, settings, tiers), for tests.

Order of work, chosen so that a crash at any point is repaired by the next
run without duplicates: per tier, the product, then the price, then each
language's link; then the links file is written (atomically) so it points at
the new links; only then are old links deactivated. Creates are idempotent
(see gateway.py), and the next run finds by listing whatever a dead run made.
"""

from __future__ import annotations

import os
import sys
import traceback
from collections.abc import Callable, Iterable, Mapping
from pathlib import Path
from typing import Any, TextIO, cast
from urllib.parse import urlsplit

from haihui.languages.staff import N_, P_, Msg, Value, in_each_language, msg
from haihui.settings import data_path, read_settings
from haihui.stripe_sync.desired import DesiredTier, desired_state, site_from_settings
from haihui.stripe_sync.errors import SyncError
from haihui.stripe_sync.gateway import STRIPE_API_BASE, StripeGateway
from haihui.stripe_sync.keys import ApiKey, KeyProblem, read_key, scrub
from haihui.stripe_sync.links_file import LinksFile
from haihui.stripe_sync.reconcile import KINDS, Obj, Plan, Snapshot, Step, make_plan

SETTINGS_FILE = "publishconf.py"
MODES = {"test": N_("test mode"), "live": N_("live mode")}


# ------------------------------------------------------------------ state


def fetch_snapshot(gateway: StripeGateway, tiers: list[DesiredTier]) -> Snapshot:
    """What Stripe holds for these tiers: one list request per resource type per page."""
    products = gateway.list_products([tier.product.id for tier in tiers])
    prices = gateway.list_prices([tier.price.lookup_key for tier in tiers])
    links = gateway.list_payment_links()
    by_key: dict[str, Obj] = {}
    for price in prices:
        key = price.get("lookup_key")
        # Lookup keys are unique in Stripe; should two ever come back, prefer the active one.
        if key and (key not in by_key or (price.get("active") and not by_key[key].get("active"))):
            by_key[key] = price
    return Snapshot(products={p["id"]: p for p in products}, prices=by_key, links=links)


def link_entry(tier: DesiredTier, price_id: str, link: Mapping[str, Any]) -> dict:
    """One language's `stripe` entry in checkout-links.yaml."""
    return {
        "url": link["url"],
        "amount_fen": tier.amount_fen,
        "currency": tier.currency,
        "interval": tier.interval,
        "price": price_id,
        "payment_link": link["id"],
        "livemode": bool(link.get("livemode")),
    }


def _current(step: Step) -> Obj:
    """The object Stripe holds for a step that is not a create."""
    # make_plan sets `current` on every step but create and replace (the kept, updated,
    # reactivated and deactivated ones); only those reach here.
    return cast(Obj, step.current)


def _changes(step: Step) -> dict:
    """The update params of an update or reactivate step."""
    # make_plan sets `changes` on every update and reactivate step; only those reach here.
    return cast(dict, step.changes)


def _entries_if_unchanged(plan: Plan) -> dict:
    """Links-file entries of the tiers whose links all exist as they should already."""
    entries = {}
    for tp in plan.tiers:
        if tp.price.current is None or any(lp.step.op != "keep" for lp in tp.links):
            continue
        price_id = tp.price.current["id"]
        entries[tp.desired.id] = {
            lp.desired.lang: link_entry(tp.desired, price_id, _current(lp.step)) for lp in tp.links
        }
    return entries


# ------------------------------------------------------------------ acting


# What a request was doing, named in its error: a message id of the staff catalog each.
DOING = {
    "create": N_("creating"),
    "replace": N_("creating"),
    "update": N_("updating"),
    "reactivate": N_("reactivating"),
    "deactivate": N_("deactivating"),
}


def _what(step: Step) -> Msg:
    """'tier monthly (zh): creating link -> https://...': the step a request carries out."""
    values: dict[str, Value] = {
        "tier": step.tier,
        "doing": msg(DOING[step.op]),
        "kind": msg(KINDS[step.kind]),
        "target": step.target,
    }
    if step.lang:
        return msg("tier {tier} ({lang}): {doing} {kind} {target}", lang=step.lang, **values)
    return msg("tier {tier}: {doing} {kind} {target}", **values)


def apply_plan(plan: Plan, gateway: StripeGateway, links_file: LinksFile, say: Callable[[Msg], None]) -> bool:
    """Carry out the plan; returns True if the links file was written."""
    entries: dict[str, dict] = {}
    wrote = False
    for tp in plan.tiers:
        tier = tp.desired
        step = tp.product
        if step.op == "create":
            gateway.create_product(tier.product.create_params(), _what(step))
        elif step.op in ("update", "reactivate"):
            gateway.update_product(tier.product.id, _changes(step), _what(step))
        say(step.line())

        step = tp.price
        price: Obj
        if step.op == "create":
            price = gateway.create_price(tier.price.create_params(), _what(step))
            step.detail = price["id"]
        elif step.op == "reactivate":
            price = gateway.update_price(_current(step)["id"], _changes(step), _what(step))
        else:
            price = _current(step)
        price_id = price["id"]
        say(step.line())

        by_lang = {}
        for lp in tp.links:
            step = lp.step
            link: Obj
            if step.op in ("create", "replace"):
                link = gateway.create_payment_link(lp.desired.create_params(price_id), _what(step))
                step.target = link["id"]
                url = link.get("url", "")
                if step.detail and url:
                    step.detail = msg("{url} {detail}", url=url, detail=step.detail)
                elif url:
                    step.detail = url
            elif step.op in ("update", "reactivate"):
                link = gateway.update_payment_link(_current(step)["id"], _changes(step), _what(step))
            else:
                link = _current(step)
            by_lang[lp.desired.lang] = link_entry(tier, price_id, link)
            say(step.line())

        # The file points at the new links before any old link stops working.
        entries[tier.id] = by_lang
        wrote = links_file.save(entries) or wrote

        for lp in tp.links:
            for step in lp.deactivate:
                gateway.update_payment_link(
                    step.target,
                    {"active": False, "inactive_message": lp.desired.inactive_message},
                    _what(step),
                )
                say(step.line())
    return wrote


def run(
    desired: list[DesiredTier],
    gateway: StripeGateway,
    links_file: LinksFile,
    *,
    dry_run: bool,
    say: Callable[[Msg], None],
) -> Plan:
    snapshot = fetch_snapshot(gateway, desired)
    plan = make_plan(desired, snapshot, links_file.recorded_links())
    for link in plan.unmanaged:
        tier = (link.get("metadata") or {}).get("haihui_tier")
        say(
            msg(
                "  note: active link {link} is for tier {tier}, which is not in the data any more; "
                "left alone (deactivate it in the Stripe Dashboard if that tier is retired)",
                link=link["id"],
                tier=repr(tier),
            )
        )
    if dry_run:
        for step in plan.steps():
            say(step.line())
        say(plan.summary())
        known = _entries_if_unchanged(plan)
        would = bool(known) and links_file.merged(known) != links_file.data
        if plan.changes_stripe:
            say(
                msg("Dry run: nothing was changed; a real run makes the changes above and records the links.")
            )
        elif would:
            say(
                msg(
                    "Dry run: nothing was changed; a real run would only update {file} "
                    "from what Stripe holds.",
                    file=links_file.path.name,
                )
            )
        else:
            say(msg("Dry run: nothing was changed, and a real run would change nothing."))
        return plan
    say(plan.summary())
    wrote = apply_plan(plan, gateway, links_file, say)
    file = str(links_file.path)
    say(msg("Wrote {file}.", file=file) if wrote else msg("{file} unchanged.", file=file))
    return plan


# ------------------------------------------------------------------ command


def load_tiers(settings: Mapping[str, Any], languages: tuple[str, ...]) -> list:
    """The tiers, computed as the build computes them from the fund-use file (FUND_USE_FILE)."""
    try:
        from haihui.giving.fund_use import FundUseError, load_fund_use
        from haihui.giving.tiers import compute_tiers
    except ImportError as exc:
        raise SyncError(
            msg("the tiers plugin (plugins/haihui_giving) could not be imported: {error}", error=str(exc))
        ) from None
    try:
        return list(compute_tiers(load_fund_use(data_path(settings, "FUND_USE_FILE"), languages)))
    except FundUseError as exc:
        shown = Path(settings["PATH"]).name + "/" + settings["FUND_USE_FILE"]
        # The file's problems are in every language already: shown as they are, below the message.
        raise SyncError(
            msg("{file} has mistakes; nothing was sent to Stripe:", file=shown), str(exc)
        ) from None


def _check_mode(key: ApiKey, live: bool) -> None:
    """A live key only with --live, and --live only with a live key."""
    if key.live and not live:
        raise KeyProblem(
            msg(
                "STRIPE_API_KEY is a live key: run again with --live to create "
                "real payment links (nothing was sent to Stripe)"
            )
        )
    if live and not key.live:
        raise KeyProblem(
            msg(
                "--live was given but STRIPE_API_KEY is a test key; "
                "drop --live to write test links, or use the live key"
            )
        )


def check_api_base(api_base: str | None, key: ApiKey) -> str:
    base = (api_base or STRIPE_API_BASE).rstrip("/")
    parts = urlsplit(base)
    if parts.scheme not in ("http", "https") or not parts.hostname:
        raise KeyProblem(
            msg("--api-base {value} is not an http(s) address, e.g. http://127.0.0.1:12111", value=repr(base))
        )
    loopback = parts.hostname in ("127.0.0.1", "localhost", "::1")
    if parts.scheme == "http" and not loopback:
        raise KeyProblem(
            msg(
                "--api-base {value}: plain http is allowed only for a server on this machine",
                value=repr(base),
            )
        )
    if key.live and base != STRIPE_API_BASE:
        raise KeyProblem(
            msg("a live key is only ever sent to Stripe itself: drop --api-base, or rehearse with a test key")
        )
    return base


def main(
    root: Path,
    *,
    dry_run: bool = False,
    live: bool = False,
    api_base: str | None = None,
    environ: Mapping[str, str] = os.environ,
    out: TextIO | None = None,
    err: TextIO | None = None,
    tiers: Iterable | None = None,
    settings: Mapping[str, Any] | None = None,
    gateway_factory: Callable[[ApiKey, str], StripeGateway] | None = None,
) -> int:
    """`invoke stripe-sync`. Returns the exit status: 0 done, 1 sync failed, 2 refused."""
    out = out or sys.stdout
    err = err or sys.stderr
    root = Path(root)
    key: ApiKey | None = None

    def shown(message: Msg) -> str:
        """The message in English, then in each other language of the site, scrubbed of any key."""
        return scrub(in_each_language(message), key)

    def say(message: Msg) -> None:
        print(shown(message), file=out, flush=True)

    try:
        # Everything about the key is settled before any request is made.
        key = read_key(environ)
        _check_mode(key, live)
        base = check_api_base(api_base, key)
    except KeyProblem as exc:
        print(shown(msg("stripe-sync: {problem}", problem=exc.message)), file=err)
        return 2

    try:
        if settings is None:
            settings = read_settings(SETTINGS_FILE, root=root)
        site = site_from_settings(settings)
        desired = desired_state(load_tiers(settings, site.languages) if tiers is None else tiers, site)
        links_file = LinksFile.load(data_path(settings, "CHECKOUT_LINKS_FILE"))
        factory = gateway_factory or (lambda k, b: StripeGateway(k, api_base=b))
        gateway = factory(key, base)
        values: dict[str, Value] = {
            "tiers": P_("{n} tier", "{n} tiers", len(desired)),
            "languages": P_("{n} language", "{n} languages", len(site.languages)),
            "codes": ", ".join(site.languages),
            "mode": msg(MODES[key.mode]),
            "base": base,
        }
        if dry_run:
            say(msg("Stripe sync: {tiers} x {languages} ({codes}), {mode}, {base} (dry run)", **values))
        else:
            say(msg("Stripe sync: {tiers} x {languages} ({codes}), {mode}, {base}", **values))
        try:
            run(desired, gateway, links_file, dry_run=dry_run, say=say)
        finally:
            counts = gateway.requests
            say(
                msg(
                    "Stripe requests: {total} ({reads} reads, {writes} writes)",
                    total=counts["read"] + counts["write"],
                    reads=counts["read"],
                    writes=counts["write"],
                )
            )
    except SyncError as exc:
        print(shown(msg("stripe-sync failed: {error}", error=exc.message)), file=err)
        if exc.detail:
            print(scrub(exc.detail, key), file=err)
        print(shown(msg("Nothing is duplicated by running again once the cause is fixed.")), file=err)
        return 1
    except Exception:  # noqa: BLE001 - a bug: show its traceback, but never the key (scrubbed here)
        print(scrub(traceback.format_exc(), key), file=err)
        return 1
    return 0
