"""The CSR partner kit: figures a company can put in its own report, and a brief it can print.

- data.py: content/data/partner-kit.yaml (PARTNER_KIT_FILE): frameworks (GRI 413-1, SDG
  targets), the words staff can correct, employee giving and the named partners, with
  file:line problems; a partner is named only when the file records its agreement;
- outcomes.py: what each tier buys and leads to, the period's cost per mother, every figure
  by its data path (the brief's `data-source`);
- links.py: the employee-giving link, `client_reference_id` on a Stripe Payment Link.

The kit is read once per build with the content (kept in the build's Rules, as the giving
data is) and checked with every other check (`check_partner_kit`), before anything is written.
"""

from collections.abc import Iterable
from pathlib import Path

from haihui.partners.data import ReadKit, read_partner_kit


def load_partner_kit(settings: dict, today, giving: tuple | None = None) -> ReadKit:
    """The kit of this build; `giving` (SiteTiers, problems) names the unit costs and tiers it may use."""
    site = giving[0] if giving is not None else None
    known = {"units": list(site.fund_use.unit_costs), "tiers": list(site.tiers)} if site is not None else {}
    root = Path(settings["PATH"])
    return read_partner_kit(
        root / settings["PARTNER_KIT_FILE"],
        tuple(settings["LANGUAGES"]),
        today,
        root,
        known,
        bool(settings.get("STRICT_PUBLISH")),
    )


def check_partner_kit(sources, rules) -> Iterable:
    """The check haihui_content runs before every build and in `invoke check`."""
    if not rules.settings or "PARTNER_KIT_FILE" not in rules.settings:
        return []  # rules made for front matter alone, without a project to read data from
    read = rules.partner_kit
    if read is None:
        read = load_partner_kit(rules.settings, rules.today, rules.giving)
    return read.problems
