"""Passing on the Gift: who received, who passed on, and to whom (content/data/gift-chain.yaml).

- data.py: the file's schema and rules (ids, dates, cycles, places), with file:line problems;
- figures.py: who is named (consent, deny by default), generations, figures per cohort;
- drawing.py: the SVG's layout (every family, or a summary beyond GIFT_CHAIN_DRAW_LIMIT);
- open_data.py: the CSV and JSON published beside the page, with their SHA-256.

A story names the family it is about with `Family: <id>` in its header. The
chain is read once per build, with the content (`load_gift_chain`, kept in
the build's Rules), and checked with every other check (`check_gift_chain`).
"""

import datetime as dt
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path
from types import SimpleNamespace

from haihui import consent as consent_rules
from haihui.gift_chain.cache import read_checked_chain
from haihui.gift_chain.data import ReadChain, name_shown
from haihui.gift_chain.figures import ChainView, chain_view, pass_ons_between
from haihui.giving.data_problems import shown_path
from haihui.problems import ERROR, N_, WARNING, Problem, named

FAMILY_FIELD = "family"


@dataclass(frozen=True)
class LoadedChain:
    read: ReadChain
    anonymous: frozenset[str]  # staff ids named by a story taken down: never named anywhere
    view: ChainView | None  # None when the file is missing or wrong
    path: Path  # the file, as it is named in settings

    @property
    def problems(self) -> list[Problem]:
        return self.read.problems


def families_of_taken_down(sources) -> frozenset[str]:
    """Every id a story taken down names, however its header is written (fails closed: every
    `Family:` line of every file of the story, also one Markdown would read as text)."""
    found = set()
    for source in consent_rules.taken_down(sources):
        found |= {value.strip() for _, value in source.front.all_values.get(FAMILY_FIELD, ())}
        for line in consent_rules.header_lines(source.text):
            key, colon, value = line.partition(":")
            if colon and key.strip().lower() == FAMILY_FIELD:
                found.add(value.strip())
    return frozenset(found - {""})


def load_gift_chain(settings: dict, sources, today: dt.date) -> LoadedChain:
    """The chain of this build, read once; `sources`: all the content, stories taken down too."""
    languages = tuple(settings["LANGUAGES"])
    path = Path(settings["PATH"]) / settings["GIFT_CHAIN_FILE"]
    rules = SimpleNamespace(today=today, languages=languages)  # what haihui.consent's checks read
    cache = Path(settings["DATA_CACHE_PATH"]) if settings.get("DATA_CACHE_PATH") else None
    read = read_checked_chain(path, languages, today, rules, bool(settings.get("STRICT_PUBLISH")), cache)
    anonymous = families_of_taken_down(sources)
    view = chain_view(read.chain, today, anonymous) if read.chain is not None else None
    return LoadedChain(read, anonymous, view, path)


def _story_problems(sources, loaded: LoadedChain, today: dt.date) -> Iterable[Problem]:
    chain = loaded.read.chain
    named_by: dict[str, dict[str, list]] = defaultdict(lambda: defaultdict(list))
    for source in sources:
        family_id = source.front.values.get(FAMILY_FIELD, "").strip()
        if source.kind != "story" or not family_id:
            continue
        line = source.front.line_of(FAMILY_FIELD)
        if chain is None:
            continue  # the file itself is wrong or missing, and reported
        if family_id not in chain.families:
            known = ", ".join(list(chain.families)[:20])
            yield Problem(
                source.path,
                line,
                N_("Family: there is no family '{family}' in the Passing on the Gift chain"),
                N_("use her id from {file} (e.g. {known}), or add her there first"),
                params=named(family=family_id, file=shown_path(loaded.path), known=known),
            )
            continue
        named_by[family_id][source.slug].append(source)
        family = chain.families[family_id]
        if not name_shown(family, today):
            yield Problem(
                source.path,
                line,
                N_(
                    "Family: her record in the chain has no consent given ({consent}), so the chain "
                    "shows her only as a family in her county and her story page shows no chain"
                ),
                N_(
                    "if she agreed to be named in the chain, write 'consent: given YYYY-MM-DD' in her "
                    "record in {file}"
                ),
                WARNING,
                params=named(consent=family.consent, file=shown_path(loaded.path)),
            )
    for family_id, by_slug in named_by.items():
        if len(by_slug) > 1:
            slugs = sorted(by_slug)
            for slug in slugs[1:]:
                for source in by_slug[slug]:
                    yield Problem(
                        source.path,
                        source.front.line_of(FAMILY_FIELD),
                        N_("Family: the story '{other}' is already about the family '{family}'"),
                        N_("a family has one story: name another family here, or remove this line"),
                        params=named(other=slugs[0], family=family_id),
                    )


def _report_problems(sources, loaded: LoadedChain, strict: bool) -> Iterable[Problem]:
    """A progress report's Gifts_passed_on counts the chain's pass-ons of its campaign's cohorts
    in its period: the two must agree (the report is the published figure)."""
    from haihui.reports import is_report

    chain = loaded.read.chain
    if chain is None or not any(c.campaign for c in chain.cohorts.values()):
        return
    for source in sources:
        values = source.front.values
        if source.kind != "page" or not is_report(values):
            continue
        try:
            start = dt.date.fromisoformat(values.get("period_start", "").strip())
            end = dt.date.fromisoformat(values.get("period_end", "").strip())
            written = int(values.get("gifts_passed_on", "").strip())
        except ValueError:
            continue  # the report's own check names what is wrong
        counted = pass_ons_between(chain, values.get("campaign", ""), start, end)
        if counted != written:
            yield Problem(
                source.path,
                source.front.line_of("gifts_passed_on"),
                N_(
                    "Gifts_passed_on: {written}, but the Passing on the Gift chain records {counted} "
                    "pass-ons by this campaign's families from {start} to {end}"
                ),
                N_("correct this figure, or record the pass-ons in {file}, so that both say the same"),
                ERROR if strict else WARNING,
                params=named(
                    written=str(written),
                    counted=str(counted),
                    start=start.isoformat(),
                    end=end.isoformat(),
                    file=shown_path(loaded.path),
                ),
            )


def check_gift_chain(sources, rules) -> Iterable[Problem]:
    """The check haihui_content runs before every build and in `invoke check`."""
    if not rules.settings:
        return  # rules made for front matter alone, without a project to read data from
    loaded = rules.gift_chain
    if loaded is None:
        loaded = load_gift_chain(rules.settings, sources, rules.today)
    yield from loaded.problems
    yield from _story_problems(sources, loaded, rules.today)
    yield from _report_problems(sources, loaded, rules.strict)
