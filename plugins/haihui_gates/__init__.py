"""The safety gates, brought by every Haihui plugin so they hold whichever plugins are loaded.

Each plugin's `register()` calls `register()` here; connecting a receiver
twice is a no-op, so the gates run once per build however many plugins
bring them, and in no order that another plugin can change.

- consent_gate: a story without consent is never read; withdrawal wins.
- static_gate: nothing under content/ is copied to the site as it is.
- sanitize: every story's and page's HTML passes the nh3 allowlist (its
  allowlist includes the pictures' markup, so plugin order does not matter).
- A content mistake is logged as its message, without a traceback.
"""

import logging

from pelican import signals

import haihui_consent as consent_gate
from haihui.content import sanitize
from haihui.problems import ContentError
from haihui.settings import add_defaults
from haihui_gates import static_gate


class _NoTracebackForContentErrors(logging.Filter):
    """Pelican logs a failed build with its traceback; a content mistake needs none."""

    def filter(self, record):
        if record.exc_info and isinstance(record.exc_info[1], ContentError):
            record.msg, record.args, record.exc_info = "%s", (record.exc_info[1],), None
        return True


_NO_TRACEBACK = _NoTracebackForContentErrors()  # one instance: adding it again is a no-op


def add_our_defaults(pelican):
    """Every Haihui setting a site leaves out gets its default (haihui.settings.DEFAULTS)."""
    add_defaults(pelican.settings)


def register():
    logging.getLogger("pelican").addFilter(_NO_TRACEBACK)
    signals.initialized.connect(add_our_defaults)
    consent_gate.register()
    signals.static_generator_init.connect(static_gate.deny_static_files)
    signals.content_object_init.connect(sanitize.sanitize_content)
