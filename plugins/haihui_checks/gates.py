"""The safety gates, brought by every Haihui plugin so they hold whichever plugins are loaded.

Each plugin's `register()` calls `register()` here; connecting a receiver
twice is a no-op, so the gates run once per build however many plugins
bring them, and in no order that another plugin can change.

- consent_gate: a story without consent is never read; withdrawal wins.
- static_gate: nothing under content/ is copied to the site as it is.
"""

from pelican import signals

from . import consent_gate, static_gate


def register():
    consent_gate.register()
    signals.static_generator_init.connect(static_gate.deny_static_files)
