"""What a visitor would notice on an open page, one function per check.

Each returns the problems it found as sentences (an empty list: none), so that one
visit to a page can run them all and a failing test names every problem at once.
"""

from __future__ import annotations

import gzip
from collections import defaultdict

from axe_playwright_python.base import AXE_SCRIPT

from .browsing import LANGS, SUMMARY, Visit

# axe-core (the axe.min.js bundled by axe-playwright-python, read once per process): the
# WCAG 2.0, 2.1 and 2.2 level A and AA rules. A serious or critical violation is a problem;
# moderate and minor ones are listed at the end of the run.
WCAG_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa"]
BLOCKING = {"serious", "critical"}
# Only the violations come back from the page: the whole result is several times larger.
AXE_RUN = "([context, options]) => axe.run(context ?? document, options).then(r => r.violations)"

# What a phone downloads on a first visit: 30 kB (30,000 bytes) of HTML, CSS, fonts and
# any other non-photo file, each counted gzip-compressed (level 6, what a CDN or nginx
# serves), and no script at all (test_gift_chain.py holds its drawing to it too). Photos
# have their own budget (test_page_weight.py).
PAGE_BUDGET = 30_000
PHOTO_TYPES = {"image/jpeg", "image/png", "image/webp", "image/avif", "image/gif"}

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


def describe(violation) -> str:
    targets = ", ".join(" ".join(node["target"]) for node in violation["nodes"][:3])
    more = len(violation["nodes"]) - 3
    return (
        f"{violation['id']} ({violation['impact']}): {violation['help']} "
        f"[{targets}{f' and {more} more' if more > 0 else ''}]"
    )


def axe_problems(tab: Visit, where: str, context: dict | None = None) -> list[str]:
    """axe-core's serious and critical violations on the open page (or the part `context`
    names); the others go to the end-of-run summary under `where`."""
    tab.page.evaluate(AXE_SCRIPT)
    options = {"runOnly": {"type": "tag", "values": WCAG_TAGS}, "resultTypes": ["violations"]}
    violations = tab.page.evaluate(AXE_RUN, [context, options])
    minor = SUMMARY.setdefault("axe-core: moderate and minor findings", [])
    minor += [f"{where}: {describe(v)}" for v in violations if v["impact"] not in BLOCKING]
    blocking = [describe(v) for v in violations if v["impact"] in BLOCKING]
    SUMMARY.setdefault("axe-core: violations per page", []).append(
        f"{where:<50} serious/critical {len(blocking)}, other {len(violations) - len(blocking)}"
    )
    return [f"axe-core, {where}: {b}" for b in blocking]


def content_type(response) -> str:
    return response.headers.get("content-type", "").split(";")[0].strip().lower()


def downloaded(tab: Visit):
    """(response, body) of every response with a body that the tab received."""
    for response in tab.responses:
        if 300 <= response.status < 400:
            continue
        yield response, response.body()


def weight_problems(tab: Visit, template: str) -> list[str]:
    """The page as first visited (a new profile, nothing cached) against PAGE_BUDGET, and no
    script; its weight by kind of file goes to the end-of-run summary."""
    url = tab.path
    by_kind: dict[str, int] = defaultdict(int)
    for response, body in downloaded(tab):
        if content_type(response) not in PHOTO_TYPES:
            by_kind[response.request.resource_type] += len(gzip.compress(body, compresslevel=6))
    total = sum(by_kind.values())
    detail = ", ".join(f"{kind} {size:,}" for kind, size in sorted(by_kind.items()))
    SUMMARY.setdefault("page weight, first visit, gzip, without photos (bytes)", []).append(
        f"{template:<13} {url:<40} {total:>7,}  ({detail})"
    )
    problems = []
    if by_kind.get("script", 0):
        problems.append(f"{url} downloads script")
    # A home page's JSON-LD (schema.org data for search engines) is not run by any browser.
    if tab.page.locator('script:not([type="application/ld+json"])').count():
        problems.append(f"{url} has a <script> element")
    if total > PAGE_BUDGET:
        problems.append(f"{url} weighs {total:,} bytes gzip-compressed ({detail}), budget {PAGE_BUDGET:,}")
    return problems


def keyboard_problems(tab: Visit) -> list[str]:
    """The first Tab lands on a visible skip link; Tab reaches every interactive element,
    each looking different when focused; the skip link takes focus to the main content."""
    page, url = tab.page, tab.path
    # Every interactive element, unfocused, numbered so that the focused one can be named;
    # then each element that takes focus is written down as it does (one read at the end
    # instead of one per Tab).
    resting = page.evaluate(f"""() => {{
        const style = {FOCUS_STYLE};
        window.focusLog = [];
        document.addEventListener('focusin', ({{target: el}}) => window.focusLog.push(
            [el.dataset.focusIndex ?? null, style(el), el.outerHTML.slice(0, 120)]));
        return [...document.querySelectorAll({FOCUSABLE!r})]
            .filter(el => el.checkVisibility({{checkVisibilityCSS: true}}))
            .map((el, i) => {{ el.dataset.focusIndex = i; return style(el); }}); }}""")
    if not resting:
        return [f"{url} has nothing to reach with the keyboard"]

    page.keyboard.press("Tab")
    if not page.evaluate("document.activeElement.matches('a.skip-link[href=\"#main\"]')"):
        return [f"the first tab stop on {url} is not the skip link"]
    box = page.locator("a.skip-link").bounding_box()
    problems = (
        []
        if box and box["x"] >= 0 and box["y"] >= 0 and box["width"] > 1
        else [f"the focused skip link of {url} is not on screen"]
    )

    for _ in range(len(resting)):  # one more than the elements after the skip link: past the last
        page.keyboard.press("Tab")
    reached, invisible = [], []
    for index, focused, html in page.evaluate("window.focusLog"):
        if index is None or int(index) in reached:
            break
        reached.append(int(index))
        before = resting[int(index)]
        shown = (focused["outline"], focused["shadow"])
        if shown == ("none", "none") or shown == (before["outline"], before["shadow"]):
            invisible.append(html)
    if len(reached) != len(resting):
        problems.append(f"{url}: only {len(reached)} of {len(resting)} interactive elements reached by Tab")
    if invisible:
        problems.append(f"{url}: no visible focus indicator on:\n" + "\n".join(invisible))

    # Back to the skip link, as a visitor who tabs to it, and follow it with Enter.
    page.focus("a.skip-link")
    page.keyboard.press("Enter")
    if page.evaluate("[document.activeElement.id, location.hash]") != ["main", "#main"]:
        problems.append(f"{url}: the skip link does not move focus to main")
    return problems


def round_trip_problems(tab: Visit, lang: str) -> list[str]:
    """Switch to every other language and back: the visitor lands on the page she left."""
    start = tab.path
    for other, spec in LANGS.items():
        if other == lang:
            continue
        tab.page.locator(f'nav.language-switcher a[hreflang="{spec["html_lang"]}"]').click()
        tab.settle()
        if tab.page.locator("html").get_attribute("lang") != spec["html_lang"] or tab.path == start:
            return [f"the {other} link of {start}'s language switcher leads to {tab.path}"]
        tab.page.locator(f'nav.language-switcher a[hreflang="{LANGS[lang]["html_lang"]}"]').click()
        tab.settle()
        if tab.path != start:
            return [f"switching {lang} -> {other} -> {lang} ended on {tab.path}, not {start}"]
    return []


def chart_label_problems(tab: Visit) -> list[str]:
    """SVG text does not wrap: a label wider than its chart would be cut off (as one was)."""
    charts = tab.page.eval_on_selector_all(
        "figure.chart svg",
        """svgs => svgs.map(svg => ({
        width: svg.viewBox.baseVal.width,
        labels: [...svg.querySelectorAll('text.chart__label')].map(t => ({
            text: t.textContent, right: t.getBBox().x + t.getBBox().width}))
    }))""",
    )
    if len(charts) != 2 or not all(chart["labels"] for chart in charts):
        return [f"{tab.path}: not the two labelled charts (income and expenditure): {charts}"]
    cut = [label["text"] for chart in charts for label in chart["labels"] if label["right"] > chart["width"]]
    return [f"{tab.path}: cut off at the chart's edge: {cut}"] if cut else []


def overflow_problems(tab: Visit, viewport: str) -> list[str]:
    overflow = tab.horizontal_overflow()
    return [f"{tab.path} scrolls {overflow} px sideways at {viewport}"] if overflow > 0 else []
