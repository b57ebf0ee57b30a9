"""Helpers for the Stripe sync tests: tiers shaped like haihui_giving' Tier, and a harness
that runs the real command (haihui.stripe_sync.sync.main) through the real SDK against the
fake Stripe server on 127.0.0.1."""

from __future__ import annotations

import io
import shutil
from dataclasses import dataclass, field, replace
from pathlib import Path

import requests
import stripe

from haihui.build import ROOT
from haihui.giving.tiers import CustomAmount, Tier
from haihui.organisation import organisation_file
from haihui.settings import data_path, read_settings
from haihui.stripe_sync.gateway import StripeGateway
from haihui.stripe_sync.sync import main

TEST_KEY = "sk_test_51_haihui_fake_key_Qz7w"


CAMPAIGN = "left-behind-mothers"
SAMPLE_TIERS = (
    Tier(
        "mothers-start",
        CAMPAIGN,
        {"en": "A mother's start", "zh": "一位母亲的起步"},
        {"en": "Piglets, a pigsty grant, training and vet care.", "zh": "猪仔、猪圈补助、培训和兽医服务。"},
        "CNY",
        "one_time",
        450000,
        None,
        (),
    ),
    Tier(
        "monthly",
        CAMPAIGN,
        {"en": "Monthly friend", "zh": "每月之友"},
        {"en": "Every month, toward the next mother's start.", "zh": "每月支持下一位母亲。"},
        "CNY",
        "month",
        10000,
        None,
        (),
    ),
    Tier(
        "any-amount",
        CAMPAIGN,
        {"en": "Your amount", "zh": "自定金额"},
        {"en": "Give what you choose.", "zh": "随心捐赠。"},
        "CNY",
        "one_time",
        None,
        CustomAmount(1000, 20000, 10_000_000),
        (),
    ),
)


def with_amount(tiers, tier_id: str, amount_fen: int):
    return tuple(replace(t, amount_fen=amount_fen) if t.id == tier_id else t for t in tiers)


class NoSleepClient(stripe.RequestsClient):
    """The SDK's own requests client, minus the sleep between its retries, and never via a proxy."""

    def __init__(self):
        session = requests.Session()
        session.trust_env = False
        super().__init__(session=session, timeout=10)

    def _sleep_time_seconds(self, num_retries, *args, **kwargs) -> float:
        return 0.0


@dataclass
class Result:
    code: int
    out: str
    err: str
    sleeps: list = field(default_factory=list)
    gateway: StripeGateway | None = None

    @property
    def text(self) -> str:
        return self.out + self.err


class Harness:
    """One project folder and one fake Stripe; `run()` is one `invoke stripe-sync`."""

    def __init__(self, fake, root: Path, tiers=SAMPLE_TIERS):
        self.fake = fake
        self.root = root
        self.tiers = tiers
        # The real publish settings, with the content folder of this throw-away project, and the
        # real organisation file (the words a replaced link shows donors).
        self.settings = dict(read_settings("publishconf.py", root=ROOT), PATH=str(root / "content"))
        organisation = organisation_file(self.settings)
        organisation.parent.mkdir(parents=True, exist_ok=True)
        shutil.copy2(organisation_file(dict(self.settings, PATH=str(ROOT / "content"))), organisation)

    @property
    def links_path(self) -> Path:
        return data_path(self.settings, "CHECKOUT_LINKS_FILE")

    def run(
        self,
        *,
        key: str = TEST_KEY,
        tiers=None,
        dry_run=False,
        live=False,
        api_base="fake",
        max_network_retries: int = 3,
        rate_limit_retries: int = 5,
        settings=None,
    ) -> Result:
        sleeps: list[float] = []
        made: list[StripeGateway] = []

        def factory(api_key, base):
            gateway = StripeGateway(
                api_key,
                api_base=base,
                max_network_retries=max_network_retries,
                rate_limit_retries=rate_limit_retries,
                sleep=sleeps.append,
                http_client=NoSleepClient(),
            )
            made.append(gateway)
            return gateway

        out, err = io.StringIO(), io.StringIO()
        code = main(
            self.root,
            dry_run=dry_run,
            live=live,
            api_base=self.fake.url if api_base == "fake" else api_base,
            environ={"STRIPE_API_KEY": key} if key is not None else {},
            out=out,
            err=err,
            tiers=self.tiers if tiers is None else tiers,
            settings=self.settings if settings is None else settings,
            gateway_factory=factory,
        )
        return Result(code, out.getvalue(), err.getvalue(), sleeps, made[0] if made else None)
