"""Checkout links per tier and channel (content/data/checkout-links.yaml): read and check.

`stripe` entries (one Payment Link per language) are written by `invoke
stripe-sync`; `platform` entries (the project page on a designated mainland
fundraising platform) by hand. Every URL must be https on one of its channel's
hosts (CHECKOUT_CHANNELS in pelicanconf.py): a tampered link would send
donations elsewhere, so that is an error in every build. What only a public
site must not show (sample links, Stripe test links, links made for another
amount, tiers without any link) is a warning in a preview and an error in a
publish build.
"""

from dataclasses import dataclass
from pathlib import Path
from urllib.parse import urlsplit

from pydantic import Field, StrictBool, ValidationError

from haihui.giving.data_problems import (
    data_problem,
    duplicate_key_problems,
    placeholder_problems,
    unreadable_problem,
    yuan,
)
from haihui.giving.fund_use import Fen, Interval, Model, Slug, Text
from haihui.giving.tiers import Tier
from haihui.giving.validation import validation_problems
from haihui.giving.yaml_source import NotUtf8Error, YamlSource, YamlSyntaxError, key_path, read_yaml
from haihui.problems import ERROR, N_, WARNING, Msg, Problem, msg


class StripeLink(Model):
    url: Text
    amount_fen: Fen | None = None
    currency: str | None = None
    interval: Interval | None = None
    price: str | None = None
    payment_link: str | None = None
    livemode: StrictBool | None = None


class PlatformLink(Model):
    url: Text
    sample: StrictBool = False  # a placeholder: preview shows it, marked; publish refuses it


class TierLinks(Model):
    stripe: dict[str, StripeLink] = Field(default_factory=dict)  # per language code
    platform: PlatformLink | None = None


class CheckoutLinksFile(Model):
    tiers: dict[Slug, TierLinks] = Field(default_factory=dict)


@dataclass(frozen=True)
class CheckoutLink:
    channel: str
    url: str
    sample: bool = False
    test_mode: bool = False


# tier id -> language -> links in the order of CHECKOUT_CHANNELS
LinksByTier = dict[str, dict[str, list[CheckoutLink]]]


def host_problem(url: str, hosts: list[str]) -> bool:
    """True when `url` is not https on exactly one of `hosts` (no port, no user, no spaces)."""
    if any(c.isspace() for c in url):
        return True
    parts = urlsplit(url)
    try:
        port = parts.port
    except ValueError:
        return True
    return (
        parts.scheme != "https"
        or parts.hostname not in hosts
        or port is not None
        or parts.username is not None
        or parts.netloc.lower() != parts.hostname
    )


def is_stripe_test_mode(link: StripeLink) -> bool:
    return link.livemode is False or urlsplit(link.url).path.startswith("/test_")


def _stale(link: StripeLink, tier: Tier) -> list[str]:
    """What a Stripe link was made for that the tier no longer is."""
    changed = []
    if link.amount_fen is not None and tier.amount_fen is not None and link.amount_fen != tier.amount_fen:
        # The details are quoted as they are, in English, in every language's line.
        changed.append(f"{yuan(link.amount_fen)} instead of {yuan(tier.amount_fen)}")
    if link.currency is not None and link.currency.upper() != tier.currency:
        changed.append(f"{link.currency} instead of {tier.currency}")
    if link.interval is not None and link.interval != tier.interval:
        changed.append(f"{link.interval} instead of {tier.interval}")
    return changed


def check_checkout_links(
    path: Path, tiers: list[Tier] | None, channels: dict, languages: tuple[str, ...], strict: bool
) -> tuple[LinksByTier, list[Problem]]:
    """The links each tier shows per language, and every problem with the file.

    A missing file means no tier has a link yet (each shows a contact link in a preview).
    With `tiers` None (the fund-use summary could not be read) the file's own rules are
    still checked, hosts first, so that one build names every mistake; what depends on
    the tiers (an unknown tier, a stale or missing link) waits for a readable summary.
    """
    by_id = {tier.id: tier for tier in tiers or ()}
    shown: LinksByTier = {tier_id: {lang: [] for lang in languages} for tier_id in by_id}
    completeness = ERROR if strict else WARNING
    try:
        source = read_yaml(path) if path.exists() else YamlSource({"tiers": {}}, None)
    except (YamlSyntaxError, NotUtf8Error) as error:
        return shown, [unreadable_problem(path, error)]
    read_problems = duplicate_key_problems(path, source) + placeholder_problems(path, source, strict)
    try:
        links = CheckoutLinksFile.model_validate(source.data or {"tiers": {}})
    except ValidationError as error:
        return shown, read_problems + validation_problems(error, CheckoutLinksFile, path, source)

    def problem(loc, what: Msg, fix: Msg, severity=ERROR):
        return data_problem(path, source, loc, what, fix, severity)

    problems: list[Problem] = read_problems
    samples, tests, stale = [], [], []
    for tier_id, entry in links.tiers.items():
        if tiers is not None and tier_id not in by_id:
            problems.append(
                problem(
                    ("tiers", tier_id),
                    msg("there is no tier '{tier}' in the fund-use summary", tier=tier_id),
                    msg("remove this entry, or restore the tier in fund-use.yaml"),
                    WARNING,
                )
            )
            continue
        tier = by_id.get(tier_id)
        for channel in entry.model_fields_set:
            if channel not in channels:
                problems.append(
                    problem(
                        ("tiers", tier_id, channel),
                        msg("'{channel}' is not a checkout channel of this site", channel=channel),
                        msg(
                            "use one of: {channels} (CHECKOUT_CHANNELS in pelicanconf.py)",
                            channels=", ".join(channels),
                        ),
                    )
                )
        candidates: list[tuple[tuple, str, CheckoutLink, list[str]]] = []  # (loc, lang or "", link, stale)
        for lang, stripe_link in entry.stripe.items():
            loc = ("tiers", tier_id, "stripe", lang)
            if lang not in languages:
                problems.append(
                    problem(
                        loc,
                        msg("'{value}' is not a language of this site", value=lang),
                        msg("use the language codes: {codes}", codes=", ".join(languages)),
                    )
                )
                continue
            shown_link = CheckoutLink("stripe", stripe_link.url, test_mode=is_stripe_test_mode(stripe_link))
            candidates.append((loc, lang, shown_link, _stale(stripe_link, tier) if tier else []))
        if entry.platform is not None:
            shown_link = CheckoutLink("platform", entry.platform.url, sample=entry.platform.sample)
            candidates.append((("tiers", tier_id, "platform"), "", shown_link, []))
        for loc, lang, link, changed in candidates:
            if link.channel not in channels:
                continue
            hosts = channels[link.channel]["hosts"]
            if host_problem(link.url, hosts):
                problems.append(
                    problem(
                        (*loc, "url"),
                        msg(
                            "tier '{tier}', channel '{channel}': {url} is not an https link "
                            "on an allowed host ({hosts})",
                            tier=tier_id,
                            channel=link.channel,
                            url=repr(link.url),
                            hosts=", ".join(hosts),
                        ),
                        msg(
                            "use the link {channel} gave you; if the host is right, add it to "
                            "CHECKOUT_CHANNELS['{channel}']['hosts'] in pelicanconf.py",
                            channel=link.channel,
                        ),
                    )
                )
                continue
            where = key_path(loc)
            if link.sample:
                samples.append((loc, where))
            if link.test_mode:
                tests.append((loc, where))
            if changed:
                stale.append((loc, f"{where} ({', '.join(changed)})"))
            if tier is None:  # no readable summary: nothing is shown this build
                continue
            for shown_lang in [lang] if lang else languages:
                shown[tier_id][shown_lang].append(link)
    for tier_links in shown.values():
        for found in tier_links.values():
            found.sort(key=lambda link: list(channels).index(link.channel))

    def grouped(items, what: str, fix: Msg):
        if items:
            listed = "; ".join(text for _, text in items)
            problems.append(problem(items[0][0], msg(what, listed=listed), fix, completeness))

    grouped(
        samples,
        N_("sample links, which a publish build refuses: {listed}"),
        msg("replace each with the real project page and remove 'sample: true'"),
    )
    grouped(
        tests,
        N_("Stripe test-mode links, which take no real payment: {listed}"),
        msg("run `invoke stripe-sync --live` with a live key to replace them"),
    )
    grouped(
        stale,
        N_("Stripe links made for another amount, currency or interval than the tier's: {listed}"),
        msg("run `invoke stripe-sync` to make new links for the changed tiers"),
    )
    # A tier needs a link in every language: in a preview any link, in a publish build a real one.
    missing = [
        (("tiers", tier.id), f"{tier.id} ({lang})")
        for tier in by_id.values()
        for lang in languages
        if not any(not strict or not (link.sample or link.test_mode) for link in shown[tier.id][lang])
    ]
    grouped(
        missing,
        N_("tiers with no checkout link that a publish build accepts: {listed}")
        if strict
        else N_("tiers with no checkout link: {listed}"),
        msg("add a platform link or run `invoke stripe-sync` (with `--live` for the public site)"),
    )
    return shown, problems
