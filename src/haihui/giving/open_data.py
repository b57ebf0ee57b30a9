"""The fund-use summary as open data: CSV and JSON bytes, and their SHA-256.

The bytes are made once per build; the page prints the digest of exactly the
bytes that are written, so a reader can check the file they downloaded.
"""

import csv
import hashlib
import io
import json
from collections.abc import Mapping
from dataclasses import dataclass

from haihui.giving.fund_use import FundUse
from haihui.giving.summary import FundUseSummary, percent_text
from haihui.giving.tiers import Tier
from haihui.languages.catalogs import load_translations


@dataclass(frozen=True)
class CsvWords:
    """What the fund-use CSVs write in each language of the site, in the site's order: a
    name column per language, and the labels of the total and balance rows, which are the
    fund-use page's own words from the theme's catalog (csv_words)."""

    total: Mapping[str, str]  # lang -> "Total"
    balance: Mapping[str, str]  # lang -> "Balance"

    @property
    def languages(self) -> tuple[str, ...]:
        return tuple(self.total)


def csv_words(settings: Mapping) -> CsvWords:
    """The CSVs' words for the site's languages (LANGUAGES), each from the theme's catalog."""
    catalogs = {lang: load_translations(settings["THEME"], lang) for lang in settings["LANGUAGES"]}
    return CsvWords(
        total={lang: catalog.gettext("Total") for lang, catalog in catalogs.items()},
        balance={lang: catalog.gettext("Balance") for lang, catalog in catalogs.items()},
    )


def figure_columns(languages: tuple[str, ...]) -> tuple[str, ...]:
    """The columns of a fund-use figure, in the open data of the latest period and of every period."""
    return (
        "period_start",
        "period_end",
        "status",
        "currency",
        "section",
        "id",
        *(f"name_{lang}" for lang in languages),
        "amount_fen",
        "amount_yuan",
        "share_percent",
    )


@dataclass(frozen=True)
class PublishedFile:
    url: str  # site-relative, e.g. "fund-use/fund-use.csv"
    media_type: str
    data: bytes

    @property
    def name(self) -> str:
        return self.url.rsplit("/", 1)[-1]

    @property
    def sha256(self) -> str:
        return hashlib.sha256(self.data).hexdigest()

    @property
    def size(self) -> int:
        return len(self.data)


def _yuan(fen: int) -> str:
    sign = "-" if fen < 0 else ""
    whole, rest = divmod(abs(fen), 100)
    return f"{sign}{whole}.{rest:02d}"


# The cells of a fund-use CSV row after the period's own (figure_columns from `section`), shared
# by the latest period's file and every period's file (haihui.giving.history).
def figure_cells(
    section: str, figure_id: str, names: Mapping[str, str], amount_fen: int, words: CsvWords, share: str = ""
) -> tuple:
    return (
        section,
        figure_id,
        *(names.get(lang, "") for lang in words.languages),
        amount_fen,
        _yuan(amount_fen),
        share,
    )


def category_cells(section: str, row, words: CsvWords) -> tuple:
    return figure_cells(section, row.id, row.names, row.amount_fen, words, row.percent)


def total_cells(section: str, total_fen: int, words: CsvWords) -> tuple:
    return figure_cells(f"{section}_total", "total", words.total, total_fen, words, "100.0%")


def balance_cells(balance_fen: int, words: CsvWords) -> tuple:
    return figure_cells("balance", "carried-forward", words.balance, balance_fen, words)


def csv_bytes(fund_use: FundUse, summary: FundUseSummary, tiers: list[Tier], words: CsvWords) -> bytes:
    """One row per figure; the first columns repeat the period and status so each row stands alone.

    What each tier buys, item by item, is in the JSON file.
    """
    head = (
        fund_use.period.start.isoformat(),
        fund_use.period.end.isoformat(),
        fund_use.status,
        fund_use.currency,
    )
    rows = []
    for section, view in (("income", summary.income), ("expenditure", summary.expenditure)):
        for row in view.rows:
            rows.append((*category_cells(section, row, words), ""))
        rows.append((*total_cells(section, view.total_fen, words), ""))
    rows.append((*balance_cells(summary.balance_fen, words), ""))
    for unit_id, unit in fund_use.unit_costs.items():
        rows.append((*figure_cells("unit_cost", unit_id, unit.names, unit.amount_fen, words), ""))
    for tier in tiers:
        if tier.amount_fen is not None:
            rows.append((*figure_cells("tier", tier.id, tier.names, tier.amount_fen, words), tier.interval))
    out = io.StringIO(newline="")
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow((*figure_columns(words.languages), "interval"))
    writer.writerows(head + row for row in rows)
    # A byte-order mark lets spreadsheet programs open the Chinese names as UTF-8.
    return "\ufeff".encode() + out.getvalue().encode("utf-8")


def json_bytes(fund_use: FundUse, summary: FundUseSummary, tiers: list[Tier]) -> bytes:
    def account(view):
        return {
            "total_fen": view.total_fen,
            "categories": [
                {
                    "id": r.id,
                    "names": r.names,
                    "amount_fen": r.amount_fen,
                    "share_percent": percent_text(r.share_tenths),
                }
                for r in view.rows
            ],
        }

    document = {
        "period": {"start": fund_use.period.start.isoformat(), "end": fund_use.period.end.isoformat()},
        "status": fund_use.status,
        "audit": (
            {"auditor": fund_use.audit.auditor, "date": fund_use.audit.date.isoformat()}
            if fund_use.audit
            else None
        ),
        "currency": fund_use.currency,
        "amounts_are_in": "fen (1 yuan = 100 fen)",
        "income": account(summary.income),
        "expenditure": account(summary.expenditure),
        "balance_carried_forward_fen": summary.balance_fen,
        "unit_costs": [
            {"id": k, "names": dict(u.names), "amount_fen": u.amount_fen}
            for k, u in fund_use.unit_costs.items()
        ],
        "campaigns": [
            {
                "id": k,
                "goal_mothers": c.goal.mothers,
                "mothers_funded": c.progress.mothers_funded,
                "raised_fen": c.progress.raised_fen,
                "as_of": c.progress.as_of.isoformat(),
            }
            for k, c in fund_use.campaigns.items()
        ],
        "tiers": [
            {
                "id": t.id,
                "campaign": t.campaign,
                "names": t.names,
                "descriptions": t.descriptions,
                "interval": t.interval,
                "amount_fen": t.amount_fen,
                "custom_amount": vars(t.custom_amount) if t.custom_amount else None,
                "breakdown": [
                    {"unit": b.unit, "quantity": b.quantity, "unit_fen": b.unit_fen, "total_fen": b.total_fen}
                    for b in t.breakdown
                ],
                "earmarked_fen": t.attribution.earmarked_fen if t.attribution else None,
                "when_met_or_pooled": t.attribution.texts if t.attribution else None,
            }
            for t in tiers
        ],
        "corrections": [
            {
                "date": c.date.isoformat(),
                "period": c.period,
                "field": c.field,
                "old_fen": c.old,
                "new_fen": c.new,
                "why": dict(c.why),
            }
            for c in fund_use.corrections
        ],
    }
    return (json.dumps(document, ensure_ascii=False, indent=2) + "\n").encode("utf-8")


def published_files(
    urls: dict[str, str], fund_use: FundUse, summary: FundUseSummary, tiers: list[Tier], words: CsvWords
) -> list[PublishedFile]:
    """urls: {"csv": ..., "json": ...} from FUND_USE_DATA_FILES."""
    return [
        PublishedFile(urls["csv"], "text/csv", csv_bytes(fund_use, summary, tiers, words)),
        PublishedFile(urls["json"], "application/json", json_bytes(fund_use, summary, tiers)),
    ]
