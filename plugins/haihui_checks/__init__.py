"""Pelican plugin: validate all content before anything is read or written.

The checks run when the first generator of a build is created, which is
before Pelican cleans or writes the output folder, so a content mistake
leaves the last good build intact.
"""

import logging

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


class _NoTracebackForContentErrors(logging.Filter):
    """Pelican logs a failed build with its traceback; a content mistake needs none."""

    def filter(self, record):
        if record.exc_info and isinstance(record.exc_info[1], ContentError):
            record.msg, record.args, record.exc_info = "%s", (record.exc_info[1],), None
        return True


def register():
    logging.getLogger("pelican").addFilter(_NoTracebackForContentErrors())
    signals.generator_init.connect(validate_before_reading)
