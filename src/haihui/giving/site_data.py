"""Everything the tiers add to a site, read from the settings and the data files, and its checks.

`load_site_tiers` is used by the check (before Pelican reads anything) and by
the build, so both see the same data and the same problems.
"""

from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import cast

from haihui.content.content_rules import Rules, Source
from haihui.giving.checkout_links import LinksByTier, check_checkout_links
from haihui.giving.data_problems import shown_path
from haihui.giving.fund_use import FundUse, read_fund_use
from haihui.giving.open_data import PublishedFile, published_files
from haihui.giving.short_codes import (
    AMOUNT_EXAMPLE,
    EXAMPLE,
    LITERAL_EXAMPLE,
    REASONS,
    Selection,
    find_short_codes,
    typed_amounts,
)
from haihui.giving.summary import FundUseSummary, summarise
from haihui.giving.tiers import Tier, compute_tiers
from haihui.giving.yaml_source import YamlSource
from haihui.problems import ERROR, WARNING, Problem

SETTINGS_FILE = "pelicanconf.py"


@dataclass(frozen=True)
class SiteTiers:
    fund_use: FundUse
    summary: FundUseSummary
    tiers: dict[str, Tier]  # by id, in the order of the file
    links: LinksByTier
    files: list[PublishedFile]
    source: YamlSource | None = None  # fund-use.yaml as read: the line of each entry

    def select(self, selection: Selection) -> list[Tier]:
        if selection.campaign is not None:
            return [t for t in self.tiers.values() if t.campaign == selection.campaign]
        return [self.tiers[tier_id] for tier_id in selection.tier_ids]

    def amounts(self) -> dict[str, int]:
        """What [amount: id] may name: every unit cost, and every tier with a fixed amount (fen)."""
        found = {t.id: t.amount_fen for t in self.tiers.values() if t.amount_fen is not None}
        found.update({unit_id: unit.amount_fen for unit_id, unit in self.fund_use.unit_costs.items()})
        return found


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
    return [
        Problem(
            SETTINGS_FILE,
            _settings_line("samples"),
            f"FUNDRAISING_DISCLOSURE still has sample values ({listed}), which a publish build refuses",
            "write the real values and remove their names from FUNDRAISING_DISCLOSURE['samples']",
            ERROR if settings.get("STRICT_PUBLISH") else WARNING,
            message_zh=f"FUNDRAISING_DISCLOSURE 仍有示例值（{listed}），正式发布时不允许",
            fix_zh="请填写真实信息，并从 FUNDRAISING_DISCLOSURE['samples'] 中删去对应的名称",
        )
    ]


def load_site_tiers(settings: dict) -> tuple[SiteTiers | None, list[Problem]]:
    """The site's tiers and fund-use figures (None if the summary is unusable), and every problem."""
    root = Path(settings["PATH"])
    languages = tuple(settings["LANGUAGES"])
    strict = bool(settings.get("STRICT_PUBLISH"))
    fund_use, problems, source = read_fund_use(root / settings["FUND_USE_FILE"], languages, strict)
    problems += disclosure_problems(settings)
    if fund_use is None:
        return None, problems
    tiers = compute_tiers(fund_use)
    links, link_problems = check_checkout_links(
        root / settings["CHECKOUT_LINKS_FILE"], tiers, settings["CHECKOUT_CHANNELS"], languages, strict
    )
    summary = summarise(fund_use)
    site = SiteTiers(
        fund_use,
        summary,
        {t.id: t for t in tiers},
        links,
        published_files(settings["FUND_USE_DATA_FILES"], fund_use, summary, tiers),
        source,
    )
    return site, problems + link_problems


def _header_lines(source: Source, *keys: str) -> list[int]:
    """Lines of the header fields that show on the page as text and may hold amounts."""
    front = source.front
    lines: list[int] = []
    for key in keys:
        found = getattr(front, "all_values", {}).get(key)
        if found:
            lines += [line for line, _ in found]
        elif key in front.values:
            lines.append(front.line_of(key))
    return lines


SHOWN_HEADER_FIELDS = ("title", "summary")


def _bad_form_fix(kind: str) -> tuple[str, str]:
    if kind == "amount":
        return (
            f"write it in lower case with the id of a unit cost or a tier, e.g. {AMOUNT_EXAMPLE}",
            f"请用小写字母，写单位成本或档位的标识，例如 {AMOUNT_EXAMPLE}",
        )
    if kind == "literal":
        return (f"write it in lower case, e.g. {LITERAL_EXAMPLE}", f"请用小写字母，例如 {LITERAL_EXAMPLE}")
    return (
        f"write it in lower case on a line of its own, with an empty line before and after: {EXAMPLE}",
        f"请用小写字母单独写一行，前后各空一行：{EXAMPLE}",
    )


def short_code_problems(source: Source, site: SiteTiers | None, strict: bool = False) -> Iterable[Problem]:
    """Every short code that would not render or names nothing; every amount typed as text."""
    header = _header_lines(source, *SHOWN_HEADER_FIELDS)
    for found in find_short_codes(source.text, source.front.body_line, header):
        if found.reason is not None:
            what, what_zh = REASONS[found.reason]
            if found.reason == "form" and found.kind == "tiers":
                message, message_zh = (
                    f"'{found.text}' is not a tier short code",
                    f"“{found.text}”不是有效的档位短代码",
                )
            else:
                message, message_zh = f"'{found.text}' {what}", f"“{found.text}”{what_zh}"
            fix, fix_zh = _bad_form_fix(found.kind)
            if found.reason == "header":
                fix, fix_zh = (
                    "put the tiers in the text, on a line of their own",
                    "请把档位短代码写在正文里，单独一行",
                )
            yield Problem(source.path, found.line, message, fix, message_zh=message_zh, fix_zh=fix_zh)
            continue
        if site is None or found.kind == "literal":
            continue  # the summary itself is wrong and reported; its ids cannot be checked
        if found.kind == "amount":
            amounts = site.amounts()
            if found.value not in amounts:
                known = ", ".join(amounts)
                yield Problem(
                    source.path,
                    found.line,
                    f"'{found.text}': there is no unit cost or tier '{found.value}' with an amount",
                    f"use the id of a unit cost or of a tier with a fixed amount: {known}",
                    message_zh=f"“{found.text}”：没有标识为“{found.value}”且有金额的单位成本或档位",
                    fix_zh=f"请使用单位成本或固定金额档位的标识：{known}",
                )
            elif (
                found.value in site.fund_use.unit_costs
                and found.value in site.tiers
                and site.tiers[found.value].amount_fen != site.fund_use.unit_costs[found.value].amount_fen
            ):
                yield Problem(
                    source.path,
                    found.line,
                    f"'{found.text}': '{found.value}' is both a unit cost and a tier, with different amounts",
                    "rename the tier or the unit cost in fund-use.yaml so that each id is used once",
                    message_zh=f"“{found.text}”：“{found.value}”既是单位成本又是档位，金额不同",
                    fix_zh="请在 fund-use.yaml 里给档位或单位成本改名，使每个标识只用一次",
                )
            continue
        # Only a tiers short code that renders gets here, and find_short_codes gives each its selection.
        selection = cast(Selection, found.selection)
        if selection.campaign is not None:
            campaigns = sorted(site.fund_use.campaigns)
            if selection.campaign not in campaigns:
                yield Problem(
                    source.path,
                    found.line,
                    f"'{found.text}': there is no campaign '{selection.campaign}' in the fund-use summary",
                    f"use one of: {', '.join(campaigns)}",
                    message_zh=f"“{found.text}”：资金使用摘要里没有项目“{selection.campaign}”",
                    fix_zh=f"请使用以下之一：{', '.join(campaigns)}",
                )
            continue
        for tier_id in selection.tier_ids:
            if tier_id not in site.tiers:
                known = ", ".join(site.tiers)
                yield Problem(
                    source.path,
                    found.line,
                    f"'{found.text}': there is no tier '{tier_id}'",
                    f"use tier ids from the fund-use summary: {known}",
                    message_zh=f"“{found.text}”：没有档位“{tier_id}”",
                    fix_zh=f"请使用资金使用摘要里的档位：{known}",
                )
    for typed in typed_amounts(source.text, source.front.body_line, header):
        yield Problem(
            source.path,
            typed.line,
            f"'{typed.text}' is an amount typed as text: it would not change when fund-use.yaml does, "
            "and a publish build refuses it",
            f"write {AMOUNT_EXAMPLE} (any unit cost or tier id) to show our price from the data, or "
            f"{LITERAL_EXAMPLE} if it is not one of our prices (a market price, say)",
            ERROR if strict else WARNING,
            message_zh=f"“{typed.text}”是手写的金额：fund-use.yaml 改了它也不会变，正式发布时不允许",
            fix_zh=f"如果是我们的价格，请写 {AMOUNT_EXAMPLE}（单位成本或档位的标识），金额从数据里取；"
            f"如果不是（例如市场价），请写成 {LITERAL_EXAMPLE}",
        )


def campaign_problems(sources: list[Source], site: SiteTiers, settings: dict) -> Iterable[Problem]:
    """Campaign pages and fund-use campaigns must match both ways, or tiers and progress vanish silently."""
    pages: dict[str, list[Source]] = {}
    for source in sources:
        if source.kind == "page" and source.front.values.get("template") == "campaign" and source.slug:
            pages.setdefault(source.slug, []).append(source)
    data_path = Path(settings["PATH"]) / settings["FUND_USE_FILE"]
    shown = shown_path(data_path)
    campaigns = list(site.fund_use.campaigns)
    page_list = ", ".join(f"{slug} ({pages[slug][0].path})" for slug in sorted(pages))
    for slug in campaigns:
        if slug in pages:
            continue
        line = site.source.line_of(("campaigns", slug)) if site.source else 1
        yield Problem(
            shown,
            line,
            f"campaigns.{slug}: there is no campaign page with Slug '{slug}', so its tiers and progress "
            f"bar would show on no page (campaign pages: {page_list or 'none'})",
            f"rename it here (and in each tier's 'campaign:') to the Slug of its campaign page, or add a "
            f"page with 'Slug: {slug}' and 'Template: campaign' in content/pages/campaigns/",
            message_zh=f"campaigns.{slug}：没有 Slug 为“{slug}”的项目页面，"
            "它的档位和进度条不会显示在任何页面上"
            f"（现有项目页面：{page_list or '无'}）",
            fix_zh=f"请把这里（以及各档位的“campaign:”）改成项目页面的 Slug，或在 content/pages/campaigns/ "
            f"里添加一个写有“Slug: {slug}”和“Template: campaign”的页面",
        )
    known = ", ".join(campaigns)
    for slug, found in pages.items():
        if slug in site.fund_use.campaigns:
            continue
        for source in found:
            yield Problem(
                source.path,
                source.front.line_of("slug"),
                f"campaign page '{slug}' has no entry under campaigns in {shown}, so it would show "
                f"no tiers and no progress bar (campaigns there: {known})",
                f"change this Slug to the campaign's id in {shown} ({known}), or add "
                f"'{slug}:' with its goal and progress under campaigns there",
                message_zh=f"项目页面“{slug}”在 {shown} 的 campaigns 下没有对应项，页面上不会显示档位和进度条"
                f"（那里现有：{known}）",
                fix_zh=f"请把这个 Slug 改成 {shown} 里的项目标识（{known}），或在那里的 campaigns 下"
                f"加上“{slug}:”及其目标和进度",
            )


def check_tiers(sources: list[Source], rules: Rules) -> Iterable[Problem]:
    """The check haihui_content runs before every build and in `invoke check`."""
    if not rules.settings:
        return  # rules made for front matter alone, without a project to read data from
    site, problems = load_site_tiers(rules.settings)
    yield from problems
    if site is not None:
        yield from campaign_problems(sources, site, rules.settings)
    for source in sources:
        yield from short_code_problems(source, site, rules.strict)
