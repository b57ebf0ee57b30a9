"""Pelican plugin: validate all content before anything is read or written.

The checks run when the first generator of a build is created, which is
before Pelican cleans or writes the output folder, so a content mistake
leaves the last good build intact.
"""

import logging

from jinja2 import pass_context
from markupsafe import Markup
from pelican import signals
from pelican.generators import ArticlesGenerator

from .problems import ERROR, ContentError
from .project import check_project

logger = logging.getLogger(__name__)


def validate_before_reading(generator):
    if not isinstance(generator, ArticlesGenerator):
        return
    problems = check_project(generator.settings)
    for problem in problems:
        if problem.severity != ERROR:
            logger.warning("%s", problem)
    errors = [p for p in problems if p.severity == ERROR]
    if errors:
        raise ContentError(errors)
    # Preview builds show the warnings on every page too (base.html), for staff
    # who never look at the terminal; a publish build never does.
    strict = bool(generator.settings.get("STRICT_PUBLISH"))
    generator.context["CHECK_PROBLEMS"] = [] if strict else problems


def check_banner_renderer():
    """check_banner(lang): the preview's list of problems (partials/check-banner.html).

    The list is the same on every page of a language; rendered again for every
    page, a preview build would grow with stories times problems. So it is
    rendered once per language (and list of problems), then reused.
    """
    rendered = {}

    @pass_context
    def check_banner(ctx, lang):
        problems = ctx.get("CHECK_PROBLEMS")
        cached = rendered.get(lang)
        if cached is None or cached[0] is not problems:
            template = ctx.environment.get_template("partials/check-banner.html")
            cached = rendered[lang] = (problems, Markup(template.render(dict(ctx.get_all(), lang=lang))))
        return cached[1]

    return check_banner


def install_check_banner(generator):
    if hasattr(generator, "env"):
        generator.env.globals["check_banner"] = check_banner_renderer()


class _NoTracebackForContentErrors(logging.Filter):
    """Pelican logs a failed build with its traceback; a content mistake needs none."""

    def filter(self, record):
        if record.exc_info and isinstance(record.exc_info[1], ContentError):
            record.msg, record.args, record.exc_info = "%s", (record.exc_info[1],), None
        return True


def register():
    logging.getLogger("pelican").addFilter(_NoTracebackForContentErrors())
    signals.generator_init.connect(validate_before_reading)
    signals.generator_init.connect(install_check_banner)
