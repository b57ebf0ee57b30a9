"""A project copy as staff have it: `invoke` tasks run in it, and its sample data can be
completed with fake but valid values, as staff complete it before `make publish`."""

import re
import shutil
import subprocess
from pathlib import Path

import yaml
from pelican.settings import read_settings

from conftest import copy_project, edit, run_invoke
from haihui.build import ROOT
from haihui.giving.fund_use import load_fund_use
from haihui.giving.tiers import compute_tiers


def invoke(project: Path, *args: str) -> subprocess.CompletedProcess:
    """`invoke <args>` in `project`, as `make` runs it, with no terminal attached."""
    return run_invoke(project, *args)


def staff_copy(destination: Path) -> Path:
    """A project copy with tasks.py, so `invoke` runs there as in the repository."""
    project = copy_project(destination)
    shutil.copy2(ROOT / "tasks.py", project / "tasks.py")
    return project


def make_publishable(project: Path) -> None:
    """Replace what is sample in the repository with complete, fake but valid data."""
    complete_checkout_links(project)
    complete_consent_records(project)
    complete_disclosure(project)
    complete_partner_kit(project)


def complete_partner_kit(project: Path) -> None:
    """The partner kit's wording and the donation-receipt fields, as confirmed by staff (issue 17)."""
    kit = project / "content/data/partner-kit.yaml"
    if kit.is_file():
        edit(kit, "\nstatus: sample\n", "\nstatus: confirmed\n")
    organisation = project / "content/data/organisation.yaml"
    if "donation_receipt:\n  sample: true\n" in organisation.read_text("utf-8"):
        edit(organisation, "donation_receipt:\n  sample: true\n", "donation_receipt:\n  sample: false\n")


def complete_consent_records(project: Path) -> None:
    """Sample stories record `Consent_form: SAMPLE ...`; a real record names where the form is."""
    for number, story in enumerate(sorted((project / "content/stories").glob("*.md")), start=1):
        text = story.read_text("utf-8")
        fixed = re.sub(
            r"(?mi)^(Consent_form:\s*)SAMPLE\b.*$",
            lambda m, number=number: f"{m[1]}Chengdu office, consent binder 2026, no. {number}",
            text,
        )
        story.write_text(fixed, "utf-8")


def complete_disclosure(project: Path) -> None:
    """The fundraising disclosure in content/data/organisation.yaml with its sample values replaced."""
    organisation = project / "content/data/organisation.yaml"
    edit(
        organisation,
        '    en: "Holds a public-fundraising qualification (sample wording: staff to confirm)"',
        '    en: "Holds a public-fundraising qualification (fixture)"',
    )
    edit(
        organisation,
        "    zh: 具有公开募捐资格（示例表述，待工作人员确认）",
        "    zh: 具有公开募捐资格（测试数据）",
    )
    edit(organisation, "record_number: SAMPLE-0000-0000", "record_number: 51000000FIXTURE0001")
    edit(organisation, "samples: [qualification, record_number]", "samples: []")


def complete_checkout_links(project: Path) -> None:
    """Replace sample checkout links with complete fake-but-valid live ones, if the site has tiers.

    Without tiers data there is nothing to complete.
    """
    data = project / "content" / "data"
    fund_use_file, links_file = data / "fund-use.yaml", data / "checkout-links.yaml"
    if not fund_use_file.is_file():
        return
    settings = read_settings(str(project / "pelicanconf.py"))
    channels = settings.get("CHECKOUT_CHANNELS", {})
    platform_host = channels.get("platform", {}).get("hosts", ["gongyi.qq.com"])[0]
    stripe_host = channels.get("stripe", {}).get("hosts", ["buy.stripe.com"])[0]
    tiers = {}
    for tier in compute_tiers(load_fund_use(fund_use_file, tuple(settings["LANGUAGES"]))):
        stripe = {
            lang: {
                "url": f"https://{stripe_host}/fixture{n}{tier.id.replace('-', '')}{lang}",
                "amount_fen": tier.amount_fen,
                "currency": tier.currency.lower(),
                "interval": tier.interval,
                "price": f"price_fixture_{tier.id}_{lang}",
                "payment_link": f"plink_fixture_{tier.id}_{lang}",
                "livemode": True,
            }
            for n, lang in enumerate(settings["LANGUAGES"])
        }
        tiers[tier.id] = {
            "stripe": stripe,
            "platform": {"url": f"https://{platform_host}/fixture/{tier.id}", "sample": False},
        }
    links_file.write_text(yaml.safe_dump({"tiers": tiers}, allow_unicode=True, sort_keys=False), "utf-8")


# A story's title as the repository has it, and as the published fixture changes it.
