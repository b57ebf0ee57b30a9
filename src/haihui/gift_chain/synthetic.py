"""A made-up chain of any size, for `invoke bench` and the tests of the page's budget.

Every family is "Synthetic N" (a name only every NAMED_EVERY-th one, with consent); none
is a person. Families arrive one after another from FIRST_DAY to LAST_DAY; the
first year's are the first generation, and each later family received her gift
from an earlier one that had held hers for at least a year (about one in ten
from Haihui directly), on the day she received it: dates in order, no cycle.
Cohorts are quarters; counties are the real sample's four.
"""

import datetime as dt
import random

FIRST_DAY = dt.date(2018, 1, 1)
LAST_DAY = dt.date(2026, 6, 30)
NAMED_EVERY = 50
FROM_HAIHUI = 0.1
COUNTIES = {
    "daliang": ("Daliang Mountains, Sichuan", "四川大凉山"),
    "zhaojue": ("Zhaojue County, Sichuan", "四川省昭觉县"),
    "meigu": ("Meigu County, Sichuan", "四川省美姑县"),
    "butuo": ("Butuo County, Sichuan", "四川省布拖县"),
}
GIFTS = (["piglets", "funds", "training"], ["piglets", "training"], ["piglets"], ["funds", "training"])
DAYS_DUE = 365


def _cohort(day: dt.date) -> str:
    return f"{day.year}-q{(day.month - 1) // 3 + 1}"


def synthetic_chain(families: int, seed: int = 2026) -> dict:
    """The data of a gift-chain.yaml with `families` families (status: sample), as YAML reads it."""
    rng = random.Random(seed)
    span = (LAST_DAY - FIRST_DAY).days
    received = [FIRST_DAY + dt.timedelta(days=span * i // max(families, 1)) for i in range(families)]
    passes: dict[int, list[tuple[dt.date, int]]] = {}
    due_before = 0  # families[:due_before] held their gift a year before the current one's day
    for i, day in enumerate(received):
        while due_before < i and (day - received[due_before]).days >= DAYS_DUE:
            due_before += 1
        if due_before and rng.random() > FROM_HAIHUI:
            giver = rng.randrange(due_before)
            passes.setdefault(giver, []).append((day, i))
    cohorts = {}
    for cohort in sorted({_cohort(day) for day in received}):
        year, quarter = cohort.split("-q")
        cohorts[cohort] = {
            "names": {"en": f"Q{quarter} {year} (synthetic)", "zh": f"{year} 年第 {quarter} 季（合成）"}
        }
    counties = list(COUNTIES)
    chain: dict = {
        "status": "sample",
        "pass_on_due_months": 12,
        "counties": {cid: {"en": en, "zh": zh} for cid, (en, zh) in COUNTIES.items()},
        "cohorts": cohorts,
        "families": {},
    }
    for i, day in enumerate(received):
        family: dict = {}
        if i % NAMED_EVERY == 0:
            family["name"] = {"en": f"Synthetic {i + 1}", "zh": f"合成 {i + 1}"}
            family["consent"] = f"given {day.isoformat()}"
        else:
            family["consent"] = "none"
        family.update(
            county=counties[i % len(counties)], cohort=_cohort(day), received=day, gift=GIFTS[i % len(GIFTS)]
        )
        if i in passes:
            family["passed_on"] = [
                {"date": when, "to": f"s-{to + 1:05d}", "gift": GIFTS[to % len(GIFTS)]}
                for when, to in passes[i]
            ]
        chain["families"][f"s-{i + 1:05d}"] = family
    return chain


def _flow(value) -> str:
    if isinstance(value, dict):
        return "{" + ", ".join(f"{k}: {_flow(v)}" for k, v in value.items()) + "}"
    if isinstance(value, list):
        return "[" + ", ".join(_flow(v) for v in value) + "]"
    if isinstance(value, dt.date):
        return value.isoformat()
    return f'"{value}"' if "," in str(value) else str(value)


def synthetic_chain_yaml(families: int, seed: int = 2026) -> str:
    """The same chain as gift-chain.yaml text, in the file's own layout (a block per family)."""
    chain = synthetic_chain(families, seed)
    lines = [f"status: {chain['status']}", f"pass_on_due_months: {chain['pass_on_due_months']}", "counties:"]
    lines += [f"  {cid}: {_flow(names)}" for cid, names in chain["counties"].items()]
    lines.append("cohorts:")
    lines += [f"  {cid}: {_flow(cohort)}" for cid, cohort in chain["cohorts"].items()]
    lines.append("families:")
    for family_id, family in chain["families"].items():
        lines.append(f"  {family_id}:")
        for key, value in family.items():
            if key == "passed_on":
                lines.append("    passed_on:")
                lines += [f"      - {_flow(passed)}" for passed in value]
            else:
                lines.append(f"    {key}: {_flow(value)}")
    return "\n".join(lines) + "\n"
