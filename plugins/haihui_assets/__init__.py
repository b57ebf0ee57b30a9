"""Pelican plugin: the theme's files under fingerprinted names (haihui.assets).

- `asset('css/main.css')` in a template gives `theme/css/main.3f9a1c2b.css`
  (write `{{ SITEURL }}/{{ asset('css/main.css') }}`); a name the theme does
  not have stops the build, naming the template's mistake.
- The theme's files are written once each, under those names only: Pelican's
  own copy of THEME_STATIC_PATHS (plain names) is turned off for this build.

The names are worked out once per build, in the build's context, from the
files as they are when the build starts: `make serve` rebuilds in one process,
and an edited stylesheet gets its new name in the next build.
"""

import logging
from pathlib import Path

from pelican import signals

import haihui_gates as gates
from haihui.assets import Asset, asset_url, theme_assets

logger = logging.getLogger(__name__)

ASSETS = "haihui_theme_assets"  # this build's theme files by name, in the build's context


def _assets(context, settings) -> dict[str, Asset]:
    found = context.get(ASSETS)
    if found is None:
        found = context[ASSETS] = theme_assets(settings)
    return found


def install_asset_helper(generator):
    """`asset(name)` in every template of every generator (one context per build)."""
    assets = _assets(generator.context, generator.settings)
    generator.env.globals["asset"] = lambda name: asset_url(assets, name)


def no_plain_copies(generator):
    """Pelican's static generator would copy the theme's files under their plain names:
    this build's copy of its settings says there are none (the shared settings keep them)."""
    generator.settings = {**generator.settings, "THEME_STATIC_PATHS": []}


class ThemeFiles:
    """Writes each theme file under its fingerprinted name (a generator with nothing to read)."""

    def __init__(self, context, settings, path, theme, output_path, **kwargs):
        self.context = context
        self.settings = settings
        self.output_path = output_path

    def generate_output(self, writer):
        for asset in _assets(self.context, self.settings).values():
            target = Path(self.output_path, asset.file)
            target.parent.mkdir(parents=True, exist_ok=True)
            target.write_bytes(asset.data)
            logger.info('Writing "%s"', target)


def get_generators(pelican):
    return ThemeFiles


def register():
    gates.register()  # every Haihui plugin brings the safety gates: they hold whichever are loaded
    signals.generator_init.connect(install_asset_helper)
    signals.static_generator_init.connect(no_plain_copies)
    signals.get_generators.connect(get_generators)
