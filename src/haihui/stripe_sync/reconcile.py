"""Planning: desired state + what Stripe holds -> what to do, per tier and language.

Pure: no SDK, no network. The current state is plain dicts shaped like
Stripe's JSON objects, as the gateway lists them.

Operations:
- product: create, keep, update (name, description or our metadata drifted),
  reactivate (archived by hand).
- price (by lookup key): create, keep, reactivate.
- link (per language): create; keep; update (settings drifted: the link and
  its URL stay); reactivate (the link for this very price exists but was
  deactivated); replace (no link for the current price, but an active link
  for an older one: create a new link, then deactivate the old one).
- deactivate: an active link of the tier and language that is not the one
  kept (an older price's link, or a duplicate). Links are never deleted.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from haihui.languages.staff import N_, Items, Msg, Value, msg
from haihui.stripe_sync.desired import (
    META_LANG,
    META_LOOKUP_KEY,
    META_PRICE,
    META_TIER,
    DesiredLink,
    DesiredTier,
)
from haihui.stripe_sync.errors import SyncError

Obj = Mapping[str, Any]

# The words of the plan, in the staff catalog: what a step acts on, and what it does.
KINDS = {"product": N_("product"), "price": N_("price"), "link": N_("link")}
OPS = {
    "create": N_("create"),
    "keep": N_("keep"),
    "update": N_("update"),
    "reactivate": N_("reactivate"),
    "replace": N_("replace"),
    "deactivate": N_("deactivate"),
}
# The plan's summary: how many steps of each kind, in this order.
COUNTED = {
    "create": N_("{n} create"),
    "replace": N_("{n} replace"),
    "update": N_("{n} update"),
    "reactivate": N_("{n} reactivate"),
    "deactivate": N_("{n} deactivate"),
    "keep": N_("{n} keep"),
}


@dataclass
class Snapshot:
    """What Stripe holds that concerns the sync."""

    products: dict[str, Obj] = field(default_factory=dict)  # by id
    prices: dict[str, Obj] = field(default_factory=dict)  # by lookup key
    links: Sequence[Obj] = field(default_factory=list)  # every payment link listed


@dataclass
class Step:
    kind: str  # product, price, link
    op: str  # create, keep, update, reactivate, replace, deactivate
    tier: str
    lang: str | None = None
    target: str = ""  # id or lookup key shown in the plan
    detail: Value = ""  # shown after it, in brackets: ids, a URL, or a message
    current: Obj | None = None  # the existing object, if any
    changes: dict | None = None  # update params, for update and reactivate

    @property
    def writes(self) -> bool:
        return self.op != "keep"

    def line(self) -> Msg:
        kind = msg(KINDS[self.kind])
        what = msg("{kind} {lang}", kind=kind, lang=self.lang) if self.lang else kind
        values: dict[str, Value] = {
            "tier": self.tier,
            "what": what,
            "op": msg(OPS[self.op]),
            "target": self.target,
        }
        if self.detail:
            return msg("  {tier:<22} {what:<9} {op:<11} {target}  ({detail})", detail=self.detail, **values)
        return msg("  {tier:<22} {what:<9} {op:<11} {target}", **values)


@dataclass
class LinkPlan:
    desired: DesiredLink
    step: Step
    deactivate: list[Step] = field(default_factory=list)


@dataclass
class TierPlan:
    desired: DesiredTier
    product: Step
    price: Step
    links: list[LinkPlan]

    def steps(self) -> list[Step]:
        out = [self.product, self.price]
        for link in self.links:
            out.append(link.step)
            out.extend(link.deactivate)
        return out


@dataclass
class Plan:
    tiers: list[TierPlan]
    unmanaged: list[Obj] = field(default_factory=list)  # active links of tiers no longer in the data

    def steps(self) -> list[Step]:
        return [step for tier in self.tiers for step in tier.steps()]

    def counts(self) -> Counter:
        return Counter(step.op for step in self.steps())

    def summary(self) -> Msg:
        counts = self.counts()
        steps = tuple(msg(counted, n=counts[op]) for op, counted in COUNTED.items() if counts[op])
        return msg("Plan: {steps}.", steps=Items(steps, empty=msg("nothing to do")))

    @property
    def changes_stripe(self) -> bool:
        return any(step.writes for step in self.steps())


def _deactivation(tier: str, lang: str, link: Obj, detail: Msg) -> Step:
    """The step that switches off a payment link no tier should sell through any more."""
    return Step("link", "deactivate", tier, lang, target=link["id"], current=link, detail=detail)


def _meta(obj: Obj) -> Mapping[str, Any]:
    return obj.get("metadata") or {}


def _pick(matching: list[Obj], recorded_id: str | None) -> Obj:
    """The link to keep among several for the same price and language."""
    for link in matching:
        if link.get("id") == recorded_id:
            return link
    active = [link for link in matching if link.get("active")]
    pool = active or matching
    return min(pool, key=lambda link: (link.get("created") or 0, link.get("id") or ""))


def plan_tier(tier: DesiredTier, snap: Snapshot, recorded: Mapping[str, str] | None = None) -> TierPlan:
    """The steps for one tier. `recorded` maps language -> payment link id in the links file."""
    recorded = recorded or {}

    product = snap.products.get(tier.product.id)
    if product is None:
        product_step = Step("product", "create", tier.id, target=tier.product.id)
    else:
        changes = tier.product.drift(product)
        op = "reactivate" if changes.get("active") else ("update" if changes else "keep")
        product_step = Step(
            "product",
            op,
            tier.id,
            target=tier.product.id,
            current=product,
            changes=changes or None,
            detail=", ".join(sorted(changes)) if op == "update" else "",
        )

    price = snap.prices.get(tier.price.lookup_key)
    if price is None:
        price_step = Step("price", "create", tier.id, target=tier.price.lookup_key)
        price_id = None
    else:
        problems = tier.price.mismatch(price)
        if problems:
            raise SyncError(
                msg(
                    "tier {tier}: the Stripe price {price} holds the lookup key {key} but its "
                    "{problems}. Prices cannot change: archive that price and remove its lookup key "
                    "in the Stripe Dashboard, then run again.",
                    tier=tier.id,
                    price=str(price.get("id")),
                    key=tier.price.lookup_key,
                    problems=Items(tuple(problems), joiner=N_("{first}; {second}")),
                )
            )
        price_id = price["id"]
        if price.get("active", True):
            price_step = Step(
                "price", "keep", tier.id, target=tier.price.lookup_key, current=price, detail=price_id
            )
        else:
            price_step = Step(
                "price",
                "reactivate",
                tier.id,
                target=tier.price.lookup_key,
                current=price,
                changes={"active": True},
                detail=price_id,
            )

    link_plans = []
    for want in tier.links:
        ours = [
            link
            for link in snap.links
            if _meta(link).get(META_TIER) == tier.id and _meta(link).get(META_LANG) == want.lang
        ]
        matching = [
            link
            for link in ours
            if price_id is not None
            and _meta(link).get(META_PRICE) == price_id
            and _meta(link).get(META_LOOKUP_KEY) == want.lookup_key
        ]
        others = [link for link in ours if link not in matching]
        deactivate = []
        # `matching` is only non-empty when price_id is set; the check says so to the type checker.
        if matching and price_id is not None:
            chosen = _pick(matching, recorded.get(want.lang))
            changes = want.drift(chosen, price_id)
            if not chosen.get("active"):
                step = Step(
                    "link",
                    "reactivate",
                    tier.id,
                    want.lang,
                    target=chosen["id"],
                    current=chosen,
                    changes={**changes, "active": True},
                )
            elif changes:
                step = Step(
                    "link",
                    "update",
                    tier.id,
                    want.lang,
                    target=chosen["id"],
                    current=chosen,
                    changes=changes,
                    detail=", ".join(sorted(changes)),
                )
            else:
                step = Step(
                    "link",
                    "keep",
                    tier.id,
                    want.lang,
                    target=chosen["id"],
                    current=chosen,
                    detail=chosen.get("url", ""),
                )
            for link in matching:
                if link is not chosen and link.get("active"):
                    deactivate.append(
                        _deactivation(tier.id, want.lang, link, msg("duplicate of {link}", link=chosen["id"]))
                    )
        else:
            old = [link for link in others if link.get("active")]
            op = "replace" if old else "create"
            replaced = ", ".join(link["id"] for link in old)
            step = Step(
                "link",
                op,
                tier.id,
                want.lang,
                target=f"-> {want.redirect_url}",
                detail=msg("replaces {links}", links=replaced) if old else "",
            )
        for link in others:
            if link.get("active"):
                was = _meta(link).get(META_LOOKUP_KEY) or msg("another price")
                deactivate.append(_deactivation(tier.id, want.lang, link, msg("was {price}", price=was)))
        link_plans.append(LinkPlan(desired=want, step=step, deactivate=deactivate))

    return TierPlan(desired=tier, product=product_step, price=price_step, links=link_plans)


def make_plan(
    tiers: Iterable[DesiredTier], snap: Snapshot, recorded: Mapping[str, Mapping[str, str]] | None = None
) -> Plan:
    """The whole plan. `recorded` maps tier -> language -> payment link id from the links file."""
    recorded = recorded or {}
    tiers = list(tiers)
    plans = [plan_tier(tier, snap, recorded.get(tier.id)) for tier in tiers]
    known = {tier.id for tier in tiers}
    unmanaged = [
        link
        for link in snap.links
        if _meta(link).get(META_TIER) and _meta(link).get(META_TIER) not in known and link.get("active")
    ]
    return Plan(tiers=plans, unmanaged=unmanaged)
