"""One page of every template, in each language, on a 360x740 phone and a 1280x800 laptop,
visited once as a visitor would: all that she would notice, checked on that one visit.

- On the phone, the first visit (a new profile) weighs at most 30 kB without photos and
  runs no script.
- Nothing scrolls sideways; no label of the fund-use charts passes the chart's edge.
- axe-core finds no serious or critical WCAG 2.2 A/AA violation.
- The keyboard: the skip link first and on screen, every interactive element (the language
  switcher's links too) reached by Tab with a visible focus, the skip link moving focus to
  the main content.
- On the phone, the language switcher leads to the same page in every other language, and
  back (its links are the same HTML at both widths).
- Nothing leaves 127.0.0.1, no request fails, no console error.
"""

from __future__ import annotations

import pytest

from .browsing import TEMPLATE_PAGES, VIEWPORTS, template_url
from .checks import (
    axe_problems,
    chart_label_problems,
    keyboard_problems,
    overflow_problems,
    round_trip_problems,
    weight_problems,
)

# What one template has that the others do not.
OWN_CHECKS = {"fund-use": chart_label_problems}


@pytest.mark.parametrize("viewport", list(VIEWPORTS))
@pytest.mark.parametrize("template,lang", TEMPLATE_PAGES)
def test_a_visit_to_each_template_finds_nothing_wrong(open_tab, template, lang, viewport):
    tab = open_tab(viewport)
    url = template_url(template, lang)
    assert tab.goto(url).status == 200, url
    problems = weight_problems(tab, template) if viewport == "phone" else []
    problems += overflow_problems(tab, viewport)
    problems += OWN_CHECKS.get(template, lambda tab: [])(tab)
    problems += axe_problems(tab, f"{url} ({viewport})")
    problems += keyboard_problems(tab)
    if viewport == "phone":
        problems += round_trip_problems(tab, lang)
    assert not problems, "\n".join(problems)
    tab.assert_clean()
