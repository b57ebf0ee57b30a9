"""Pelican plugin: validate all content before anything is read or written.

The checks run when the first generator of a build is created, which is
before Pelican cleans or writes the output folder, so a content mistake
leaves the last good build intact.

Comments in Markdown (`<!-- ... -->`) are notes for staff, such as the
new-story guide, which says it never shows on the page: they are removed from
every story and page, so none reaches the published HTML either.

A draft built for a local preview (haihui.content.drafts) carries its own
problems, `draft_problems`, for the banner on its page (partials/draft-banner.html).
A build that leaves drafts out shows nothing of them on the site, not even
in the preview problems page: their warnings are in the terminal only.
"""

import logging
import re

from jinja2 import pass_context
from pelican import signals
from pelican.generators import ArticlesGenerator, Generator

import haihui_consent as consent_gate
import haihui_gates as gates
from haihui.content import drafts
from haihui.content.content_rules import check_sources
from haihui.content.paths import relative_to_content
from haihui.content.project import rules_from_settings
from haihui.problems import ERROR, ContentError
from haihui_languages import page_lang

logger = logging.getLogger(__name__)

RULES = "haihui_rules"  # this build's Rules (with the giving data read once), in the build's context
DRAFT_PROBLEMS = "haihui_draft_problems"  # {file in the content folder: its problems}, drafts built


_COMMENT = re.compile(r"<!--.*?-->", re.DOTALL)


def drop_comments(content):
    text = getattr(content, "_content", None)
    if text and "<!--" in text:
        content._content = _COMMENT.sub("", text)


@pass_context
def _staff_text(ctx, problem):
    """`problem|staff_text`: the problem in the language of the page, from the staff catalog."""
    return problem.text_in(page_lang(ctx))


def validate_before_reading(generator):
    if not isinstance(generator, ArticlesGenerator):
        return
    # Read once per build, as Pelican will read it; the gate and the pictures reuse it.
    sources = consent_gate.sources_for_build(generator)
    rules = rules_from_settings(generator.settings, sources)
    generator.context[RULES] = rules  # this build's reading of the data files, for the other plugins
    problems = check_sources(sources, rules)
    for problem in problems:
        if problem.severity != ERROR:
            logger.warning("%s", problem)
    errors = [p for p in problems if p.severity == ERROR]
    if errors:
        raise ContentError(errors)
    # Preview builds show the warnings on the site too (a notice on every page,
    # the list on CHECK_REPORT_URL), for staff who never look at the terminal;
    # a publish build never does. Drafts: see the module's doc.
    strict = bool(generator.settings.get("STRICT_PUBLISH"))
    these_drafts = drafts.draft_files(sources, rules.drafts, rules.strict)
    if rules.drafts == drafts.BUILD:
        generator.context[DRAFT_PROBLEMS] = {
            relative_to_content(s.path, rules.content_root): [
                p for p in problems if p.path == s.path and not drafts.is_notice(p)
            ]
            for s in these_drafts
        }
        shown = problems
    else:
        not_read = {s.path for s in these_drafts}
        shown = [p for p in problems if p.path not in not_read]
    generator.context["CHECK_PROBLEMS"] = [] if strict else shown


def attach_draft_problems(content):
    """`draft_problems` of a draft built for a local preview: what its banner lists."""
    context = getattr(content, "_context", None) or {}
    if getattr(content, "status", None) == "draft" and DRAFT_PROBLEMS in context:
        where = (getattr(content, "relative_source_path", "") or "").replace("\\", "/")
        content.draft_problems = context[DRAFT_PROBLEMS].get(where, [])


def install_staff_text(generator):
    """`problem|staff_text` in every template (the problems page, a draft's banner)."""
    generator.env.filters["staff_text"] = _staff_text


class CheckReportGenerator(Generator):
    """Preview builds with warnings: one page per language listing them all.

    Every other page shows only a short notice linking here, so a preview
    does not grow with pages times problems.
    """

    def generate_output(self, writer):
        if not self.context.get("CHECK_PROBLEMS"):
            return
        for lang, spec in self.settings["LANGUAGES"].items():
            url = self.settings["CHECK_REPORT_URL"].format(prefix=spec["prefix"])
            writer.write_file(
                f"{url}index.html",
                self.get_template("check-report"),
                self.context,
                page_lang=lang,
                page_url=url,
            )


def get_generators(pelican):
    return CheckReportGenerator


def register():
    signals.generator_init.connect(validate_before_reading)
    signals.generator_init.connect(install_staff_text)
    gates.register()  # after the checks: their report is the fuller one
    signals.content_object_init.connect(drop_comments)
    signals.content_object_init.connect(attach_draft_problems)
    signals.get_generators.connect(get_generators)
