"""Every check a build and `invoke check` run over the whole content, in one explicit list.

Each is a plain function `(sources, rules) -> problems`. The list is not
extended by importing a plugin: every check runs whichever plugins a site
loads, so leaving a plugin out can never switch a safety rule off.
"""

from collections.abc import Callable, Iterable

from haihui import consent
from haihui.content import content_rules, drafts, html_rules, image_rules
from haihui.content.content_rules import Rules, Source
from haihui.content.links import check_links
from haihui.content.output_paths import check_output_paths
from haihui.content.placeholders import check_placeholders
from haihui.gift_chain import check_gift_chain
from haihui.giving.site_data import check_tiers
from haihui.organisation import check_organisation
from haihui.partners import check_partner_kit
from haihui.problems import Problem
from haihui.reports import check_reports
from haihui.sharing.checks import check_share_images

Check = Callable[[list[Source], Rules], Iterable[Problem]]

CHECKS: tuple[Check, ...] = (
    content_rules.check_pairs,
    content_rules.check_campaign_links,
    check_placeholders,
    check_links,
    drafts.check_links_to_drafts,  # a published page must not link a draft
    check_output_paths,
    consent.check_consent,
    image_rules.check_images,
    image_rules.check_files,
    html_rules.check_html,
    check_tiers,  # fund-use.yaml, checkout-links.yaml and the short codes that name them
    check_organisation,  # organisation.yaml: contact, fundraising disclosure, channel names
    check_gift_chain,  # gift-chain.yaml: families, pass-ons, consent; stories' Family; reports agree
    check_reports,  # progress reports: periods in order, figures, the disclosure clock
    check_partner_kit,  # partner-kit.yaml: frameworks, employee giving, named partners and logos
    check_share_images,  # share images: a font with every character of the titles and summaries
)
