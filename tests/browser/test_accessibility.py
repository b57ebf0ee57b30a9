"""Accessibility: axe-core on one page of every template, and the keyboard.

axe-core (bundled by axe-playwright-python) runs the WCAG 2.0, 2.1 and 2.2
level A and AA rules. A serious or critical violation fails the test; moderate
and minor ones are listed at the end of the run.
"""

from __future__ import annotations

import pytest
from axe_playwright_python.sync_playwright import Axe

from .browsing import SUMMARY, TEMPLATE_PAGES, VIEWPORTS, template_url

WCAG_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa"]
BLOCKING = {"serious", "critical"}
AXE = Axe()


def describe(violation) -> str:
    targets = ", ".join(" ".join(node["target"]) for node in violation["nodes"][:3])
    more = len(violation["nodes"]) - 3
    return (
        f"{violation['id']} ({violation['impact']}): {violation['help']} "
        f"[{targets}{f' and {more} more' if more > 0 else ''}]"
    )


@pytest.mark.parametrize("viewport", list(VIEWPORTS))
@pytest.mark.parametrize("template,lang", TEMPLATE_PAGES)
def test_axe_finds_no_serious_or_critical_violation(open_tab, template, lang, viewport):
    tab = open_tab(viewport)
    url = template_url(template, lang)
    assert tab.goto(url, settle=False).status == 200
    results = AXE.run(
        tab.page, options={"runOnly": {"type": "tag", "values": WCAG_TAGS}, "resultTypes": ["violations"]}
    )
    violations = results.response["violations"]
    SUMMARY.setdefault("axe-core: moderate and minor findings", [])
    for violation in violations:
        if violation["impact"] not in BLOCKING:
            SUMMARY.setdefault("axe-core: moderate and minor findings", []).append(
                f"{url} ({viewport}): {describe(violation)}"
            )
    SUMMARY.setdefault("axe-core: violations per page", []).append(
        f"{url:<40} {viewport:<8} serious/critical {sum(v['impact'] in BLOCKING for v in violations)}, "
        f"other {sum(v['impact'] not in BLOCKING for v in violations)}"
    )
    blocking = [describe(v) for v in violations if v["impact"] in BLOCKING]
    assert not blocking, f"{url} at {viewport}:\n" + "\n".join(blocking)


FOCUSABLE = (
    "a[href], area[href], button, input:not([type=hidden]), select, textarea, summary, "
    "iframe, [tabindex]:not([tabindex='-1']), [contenteditable='true']"
)

FOCUS_STYLE = """(el) => {
  const s = getComputedStyle(el);
  return {outline: s.outlineStyle === 'none' || parseFloat(s.outlineWidth) === 0
                   ? 'none' : `${s.outlineStyle} ${s.outlineWidth} ${s.outlineColor}`,
          shadow: s.boxShadow, background: s.backgroundColor, color: s.color,
          decoration: `${s.textDecorationLine} ${s.textDecorationThickness}`};
}"""


@pytest.mark.parametrize("viewport", list(VIEWPORTS))
@pytest.mark.parametrize("template,lang", TEMPLATE_PAGES)
def test_keyboard_skip_link_first_and_visible_focus_everywhere(open_tab, template, lang, viewport):
    tab = open_tab(viewport)
    page = tab.page
    url = template_url(template, lang)
    tab.goto(url, settle=False)

    # Every interactive element, unfocused; numbered so that the focused one can be named.
    resting = page.evaluate(f"""() => [...document.querySelectorAll({FOCUSABLE!r})]
        .filter(el => el.checkVisibility({{checkVisibilityCSS: true}})).map((el, i) => {{
        el.dataset.focusIndex = i; return ({FOCUS_STYLE})(el); }})""")
    count = len(resting)
    assert count > 0

    # The first Tab lands on the skip link, which is then on screen.
    page.keyboard.press("Tab")
    assert page.evaluate("document.activeElement.matches('a.skip-link[href=\"#main\"]')"), (
        f"the first tab stop on {url} is not the skip link"
    )
    box = page.locator("a.skip-link").bounding_box()
    assert box and box["x"] >= 0 and box["y"] >= 0 and box["width"] > 1, (
        "the focused skip link is not on screen"
    )

    # Tab through the whole page: each interactive element must look different when focused.
    reached, invisible = [], []
    for _ in range(count + 5):
        index, focused, html = page.evaluate(f"""() => {{ const el = document.activeElement;
            return [el.dataset.focusIndex, ({FOCUS_STYLE})(el), el.outerHTML.slice(0, 120)]; }}""")
        if index is None or int(index) in reached:
            break
        reached.append(int(index))
        before = resting[int(index)]
        if (focused["outline"] == "none" and focused["shadow"] == "none") or (
            focused["outline"],
            focused["shadow"],
        ) == (before["outline"], before["shadow"]):
            invisible.append(html)
        page.keyboard.press("Tab")
    assert len(reached) == count, f"only {len(reached)} of {count} interactive elements are reachable by Tab"
    assert not invisible, "no visible focus indicator on:\n" + "\n".join(invisible)

    # Following the skip link moves focus to the main content.
    page.goto(tab.base_url + url)
    page.keyboard.press("Tab")
    page.keyboard.press("Enter")
    assert page.evaluate("document.activeElement.id") == "main", "the skip link does not move focus to main"
    assert page.evaluate("location.hash") == "#main"
    tab.assert_clean()
