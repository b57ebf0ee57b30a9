"""Pelican plugin: the same build, without work Pelican repeats.

With a thousand stories these were most of what a build spent beyond reading
and writing (README, "Build speed"); none of them changes a byte of output.

- Markdown: one parser for the whole build, reset between files
  (markdown_reader.py), instead of a new one per file.
- Templates: compiled once and kept in .cache/jinja/ between builds (Jinja's
  bytecode cache, which recompiles a template whose source changed); every
  generator has its own Jinja environment, so without it base.html was
  compiled four times a build.
- URLs: each story's and page's address and file name are worked out once,
  when every file has been read; Pelican formats them anew on every access,
  and listings, switchers, alternates and the sitemap ask thousands of times.
"""

from pathlib import Path

from jinja2 import FileSystemBytecodeCache
from pelican import signals
from pelican.readers import MarkdownReader

from .markdown_reader import ReusingMarkdownReader

DEFAULT_TEMPLATE_CACHE = ".cache/jinja"  # TEMPLATE_CACHE_PATH overrides it (relative to where Pelican runs)

_template_caches: dict[str, FileSystemBytecodeCache] = {}


def use_reusing_reader(readers):
    for extension, reader_class in list(readers.reader_classes.items()):
        if reader_class is MarkdownReader:
            readers.reader_classes[extension] = ReusingMarkdownReader


def keep_compiled_templates(generator):
    folder = str(generator.settings.get("TEMPLATE_CACHE_PATH") or DEFAULT_TEMPLATE_CACHE)
    if folder not in _template_caches:
        Path(folder).mkdir(parents=True, exist_ok=True)
        _template_caches[folder] = FileSystemBytecodeCache(folder)
    generator.env.bytecode_cache = _template_caches[folder]


def freeze_urls(generators):
    context = generators[0].context  # one context, shared by every generator
    for item in context.get("generated_content", {}).values():
        item.override_url, item.override_save_as = item.url, item.save_as


def register():
    signals.readers_init.connect(use_reusing_reader)
    signals.generator_init.connect(keep_compiled_templates)
    signals.all_generators_finalized.connect(freeze_urls)
