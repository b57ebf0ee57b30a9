"""How many Stripe API requests `invoke stripe-sync` makes for the sample tiers.

Runs the real sync (real SDK, over HTTP) against the fake Stripe of the test
suite on 127.0.0.1, in a temporary copy of content/, and counts the HTTP
requests the fake receives: a first run, a rerun with nothing changed, and a
run after one tier's amount changed. Nothing is sent anywhere else.

    .venv/bin/python benchmarks/stripe_sync_requests.py
"""

from __future__ import annotations

import io
import re
import shutil
import sys
import tempfile
from collections import Counter
from pathlib import Path

from haihui.settings import DEFAULTS
from haihui.stripe_sync.sync import main

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "tests"))  # the fake Stripe server the tests use

from stripe_fake import FakeStripe  # noqa: E402

FUND_USE_FILE = Path("content", DEFAULTS["FUND_USE_FILE"])

KEY = "sk_test_bench_mark_0000"


def run(fake: FakeStripe, root: Path) -> Counter:
    start = len(fake.requests)
    out, err = io.StringIO(), io.StringIO()
    code = main(root, api_base=fake.url, environ={"STRIPE_API_KEY": KEY}, out=out, err=err)
    if code:
        sys.exit(f"the sync failed:\n{out.getvalue()}{err.getvalue()}")
    counts = Counter()
    for request in fake.requests[start:]:
        counts[(request.method, request.resource)] += 1
    return counts


def row(name: str, counts: Counter) -> str:
    def n(method, resource):
        return counts.get((method, resource), 0)

    reads = sum(v for (m, _), v in counts.items() if m == "GET")
    writes = sum(v for (m, _), v in counts.items() if m == "POST")
    cells = [
        name,
        *(f"{n('GET', r)} / {n('POST', r)}" for r in ("products", "prices", "payment_links")),
        str(reads),
        str(writes),
        str(reads + writes),
    ]
    return "| " + " | ".join(cells) + " |"


def main_() -> None:
    with tempfile.TemporaryDirectory() as tmp:
        root = Path(tmp)
        shutil.copytree(ROOT / "content", root / "content")
        for name in ("pelicanconf.py", "publishconf.py"):
            shutil.copy2(ROOT / name, root / name)
        fund_use = root / FUND_USE_FILE
        tiers = len(re.findall(r"^  [a-z0-9-]+:\n    campaign:", fund_use.read_text("utf-8"), re.M))
        with FakeStripe(accept_any_test_key=True) as fake:
            first = run(fake, root)
            rerun = run(fake, root)
            # One unit cost changes: every tier that uses it gets a new price and links.
            text = fund_use.read_text("utf-8")
            fund_use.write_text(
                re.sub(
                    r"(pigsty-grant:\n(?:.*\n)*?\s+amount_fen: )(\d+)",
                    lambda m: m.group(1) + str(int(m.group(2)) + 100),
                    text,
                    count=1,
                ),
                "utf-8",
            )
            changed = run(fake, root)
    print(f"Sample tiers: {tiers} (from {FUND_USE_FILE}), 2 languages.\n")
    print(
        "| run | products GET / POST | prices GET / POST | payment links GET / POST "
        "| reads | writes | total |"
    )
    print("| --- | --- | --- | --- | --- | --- | --- |")
    print(row("first run", first))
    print(row("rerun, nothing changed", rerun))
    print(row("pigsty grant +1 yuan", changed))


if __name__ == "__main__":
    main_()
