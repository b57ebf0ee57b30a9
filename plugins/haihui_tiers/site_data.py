"""Everything the tiers add to a site, read from the settings and the data files, and its checks.

`load_site_tiers` is used by the check (before Pelican reads anything) and by
the build, so both see the same data and the same problems.
"""

from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

from haihui_checks.content_rules import Rules, Source
from haihui_checks.problems import ERROR, WARNING, Problem

from .checkout_links import LinksByTier, check_checkout_links
from .fund_use import FundUse, check_fund_use
from .open_data import PublishedFile, published_files
from .short_codes import EXAMPLE, Selection, find_short_codes
from .summary import FundUseSummary, summarise
from .tiers import Tier, compute_tiers

SETTINGS_FILE = "pelicanconf.py"


@dataclass(frozen=True)
class SiteTiers:
    fund_use: FundUse
    summary: FundUseSummary
    tiers: dict[str, Tier]  # by id, in the order of the file
    links: LinksByTier
    files: list[PublishedFile]

    def select(self, selection: Selection) -> list[Tier]:
        if selection.campaign is not None:
            return [t for t in self.tiers.values() if t.campaign == selection.campaign]
        return [self.tiers[tier_id] for tier_id in selection.tier_ids]


def _settings_line(key: str) -> int:
    """Line of `key` in pelicanconf.py, so a message points at the setting to change."""
    path = Path(SETTINGS_FILE)
    if path.exists():
        for number, line in enumerate(path.read_text("utf-8").splitlines(), start=1):
            if line.lstrip().startswith((key, f'"{key}"')):
                return number
    return 1


def disclosure_problems(settings: dict) -> list[Problem]:
    """Sample values in the Charity Law disclosure: marked in a preview, refused in a publish build."""
    samples = settings["FUNDRAISING_DISCLOSURE"].get("samples", [])
    if not samples:
        return []
    listed = ", ".join(samples)
    return [Problem(
        SETTINGS_FILE, _settings_line("samples"),
        f"FUNDRAISING_DISCLOSURE still has sample values ({listed}), which a publish build refuses",
        "write the real values and remove their names from FUNDRAISING_DISCLOSURE['samples']",
        ERROR if settings.get("STRICT_PUBLISH") else WARNING,
        message_zh=f"FUNDRAISING_DISCLOSURE 仍有示例值（{listed}），正式发布时不允许",
        fix_zh="请填写真实信息，并从 FUNDRAISING_DISCLOSURE['samples'] 中删去对应的名称",
    )]


def load_site_tiers(settings: dict) -> tuple[SiteTiers | None, list[Problem]]:
    """The site's tiers and fund-use figures (None if the summary is unusable), and every problem."""
    root = Path(settings["PATH"])
    languages = tuple(settings["LANGUAGES"])
    fund_use, problems = check_fund_use(root / settings["FUND_USE_FILE"], languages)
    problems += disclosure_problems(settings)
    if fund_use is None:
        return None, problems
    tiers = compute_tiers(fund_use)
    links, link_problems = check_checkout_links(
        root / settings["CHECKOUT_LINKS_FILE"], tiers, settings["CHECKOUT_CHANNELS"], languages,
        bool(settings.get("STRICT_PUBLISH")))
    summary = summarise(fund_use)
    site = SiteTiers(fund_use, summary, {t.id: t for t in tiers}, links,
                     published_files(settings["FUND_USE_DATA_FILES"], fund_use, summary, tiers))
    return site, problems + link_problems


def short_code_problems(source: Source, site: SiteTiers | None) -> Iterable[Problem]:
    for found in find_short_codes(source.text):
        if found.selection is None:
            yield Problem(source.path, found.line, f"'{found.text}' is not a tier short code",
                          f"write it on a line of its own as {EXAMPLE}",
                          message_zh=f"“{found.text}”不是有效的档位短代码",
                          fix_zh=f"请单独一行写成 {EXAMPLE}")
            continue
        if site is None:
            continue  # the summary itself is wrong and reported; its ids cannot be checked
        selection = found.selection
        if selection.campaign is not None:
            campaigns = sorted(site.fund_use.campaigns)
            if selection.campaign not in campaigns:
                yield Problem(source.path, found.line, f"'{found.text}': there is no campaign "
                              f"'{selection.campaign}' in the fund-use summary",
                              f"use one of: {', '.join(campaigns)}",
                              message_zh=f"“{found.text}”：资金使用摘要里没有项目“{selection.campaign}”",
                              fix_zh=f"请使用以下之一：{', '.join(campaigns)}")
            continue
        for tier_id in selection.tier_ids:
            if tier_id not in site.tiers:
                known = ", ".join(site.tiers)
                yield Problem(source.path, found.line, f"'{found.text}': there is no tier '{tier_id}'",
                              f"use tier ids from the fund-use summary: {known}",
                              message_zh=f"“{found.text}”：没有档位“{tier_id}”",
                              fix_zh=f"请使用资金使用摘要里的档位：{known}")


def check_tiers(sources: list[Source], rules: Rules) -> Iterable[Problem]:
    """The check haihui_checks runs before every build and in `invoke check`."""
    if not rules.settings:
        return  # rules made for front matter alone, without a project to read data from
    site, problems = load_site_tiers(rules.settings)
    yield from problems
    for source in sources:
        yield from short_code_problems(source, site)
