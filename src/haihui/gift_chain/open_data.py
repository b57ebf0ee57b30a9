"""The chain as open data, beside its page: CSV and JSON bytes, and their SHA-256 (as fund use).

Only what the page shows: each family by her public key (F0001), her county,
cohort, generation, what she received and when, her pass-ons; her name and
her story's address only where the page names and links her. Staff ids and
consent records are never written.
"""

import csv
import io
import json
from collections.abc import Mapping

from haihui.gift_chain.figures import ChainView, CohortFigures
from haihui.giving.open_data import PublishedFile

# story urls: {public key: {lang: site-relative address}}, only for families the page links.
Stories = Mapping[str, Mapping[str, str]]


def csv_columns(languages: tuple[str, ...]) -> tuple[str, ...]:
    return (
        "record",  # "received": a family and her gift; "passed_on": one pass-on
        "family",
        "to",
        "date",
        "gift",
        "generation",
        "cohort",
        *(f"county_{lang}" for lang in languages),
        *(f"name_{lang}" for lang in languages),
        *(f"story_{lang}" for lang in languages),
    )


def csv_bytes(view: ChainView, languages: tuple[str, ...], stories: Stories) -> bytes:
    out = io.StringIO(newline="")
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(csv_columns(languages))
    for family in view.families:
        names = family.names or {}
        story = stories.get(family.key, {})
        writer.writerow(
            (
                "received",
                family.key,
                "",
                family.received.isoformat(),
                "+".join(family.gift),
                family.generation,
                family.cohort,
                *(family.county.get(lang, "") for lang in languages),
                *(names.get(lang, "") for lang in languages),
                *(story.get(lang, "") for lang in languages),
            )
        )
    blank = ("",) * (3 * len(languages))
    for family in view.families:
        for passed in family.passed_on:
            writer.writerow(
                (
                    "passed_on",
                    family.key,
                    passed.to,
                    passed.date.isoformat(),
                    "+".join(passed.gift),
                    "",
                    "",
                    *blank,
                )
            )
    # A byte-order mark lets spreadsheet programs open the Chinese names as UTF-8.
    return "\ufeff".encode() + out.getvalue().encode("utf-8")


def _cohort(figures: CohortFigures) -> dict:
    return {
        "families": figures.families,
        "due_to_pass_on": figures.due,
        "passed_on": figures.passed_on,
        "pass_on_rate_percent": figures.rate or None,
        "median_days_to_pass_on": figures.median_days,
    }


def json_bytes(view: ChainView, languages: tuple[str, ...], stories: Stories) -> bytes:
    document = {
        "status": view.status,
        "pass_on_due_months": view.due_months,
        "figures": {
            "families": len(view.families),
            "pass_ons": view.pass_ons,
            "generations": [{"generation": g, "families": n} for g, n in view.generations],
            "all_cohorts": _cohort(view.total),
            "cohorts": [{"id": c.id, "names": dict(c.names), **_cohort(c)} for c in view.cohorts],
        },
        "families": [
            {
                "family": f.key,
                "name": dict(f.names) if f.names else None,
                "county": {lang: f.county.get(lang, "") for lang in languages},
                "cohort": f.cohort,
                "received": f.received.isoformat(),
                "gift": list(f.gift),
                "generation": f.generation,
                "received_from": list(f.givers),
                "passed_on": [
                    {"date": p.date.isoformat(), "to": p.to, "gift": list(p.gift)} for p in f.passed_on
                ],
                "story": dict(stories.get(f.key, {})) or None,
            }
            for f in view.families
        ],
    }
    # Compact: at 10,000 families an indented file took 0.6 s to write and twice the bytes.
    return (json.dumps(document, ensure_ascii=False, separators=(",", ":")) + "\n").encode("utf-8")


def published_files(
    urls: Mapping[str, str], view: ChainView, languages: tuple[str, ...], stories: Stories
) -> list[PublishedFile]:
    """urls: {"csv": ..., "json": ...} from GIFT_CHAIN_DATA_FILES."""
    return [
        PublishedFile(urls["csv"], "text/csv", csv_bytes(view, languages, stories)),
        PublishedFile(urls["json"], "application/json", json_bytes(view, languages, stories)),
    ]
