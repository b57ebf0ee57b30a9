"""Pelican plugin: the same build, without work Pelican repeats.

With a thousand stories these were most of what a build spent beyond reading
and writing (README, "Build speed"); none of them changes a byte of output.

- Markdown: one parser for the whole build, reset between files
  (markdown_reader.py), instead of a new one per file.
- Templates: compiled once and kept in .cache/jinja/ between builds (Jinja's
  bytecode cache, keyed by template name, so a moved or copied project folder
  keeps it; Jinja recompiles a template whose source changed); every
  generator has its own Jinja environment, so without it base.html was
  compiled four times a build.
- URLs: each story's and page's address is worked out once, when every file
  has been read; Pelican formats it anew on every access, and listings,
  switchers, alternates and the sitemap ask thousands of times.

Speed never buys permission to overwrite: Pelican's Writer lets a content
object with `override_save_as` replace any file written before it (a page
with Slug `stories` replaced the listing, silently). So only the address is
frozen, not the file name; before anything is written the file of every story
and page is checked against every other and against the files the build
writes itself (haihui_content/output_paths.py, the same rules as the header
check); and the Writer refuses a second write to any file, and any file
outside output/. Each stops the build with a ContentError naming the source
files, not a traceback.
"""

import hashlib
import json
import os
from pathlib import Path

import jinja2
from jinja2 import FileSystemBytecodeCache
from pelican import signals
from pelican.readers import MarkdownReader
from pelican.writers import Writer

import haihui_gates as gates
from haihui.content.frontmatter import parse_front_matter
from haihui.content.output_paths import Claim, collisions, owned_by_build
from haihui.problems import N_, ContentError, Problem, display_path, msg, named
from haihui.settings import DEFAULTS
from haihui_speed.markdown_reader import ReusingMarkdownReader


def use_reusing_reader(readers):
    for extension, reader_class in list(readers.reader_classes.items()):
        if reader_class is MarkdownReader:
            readers.reader_classes[extension] = ReusingMarkdownReader


class TemplateCache(FileSystemBytecodeCache):
    """Jinja's file cache, keyed by the template's name alone.

    Jinja also puts the template file's absolute path in the key, so a project folder
    moved, renamed or copied (a second checkout, each test's copy) compiled every
    template again. Jinja checks each entry against the template's source before
    using it, so an edited template is still compiled afresh; and its error messages
    name the template file of this build, not the one the code was compiled from.
    """

    def get_cache_key(self, name: str, filename: str | None = None) -> str:
        return super().get_cache_key(name)


def keep_compiled_templates(generator):
    """The compiled templates, kept between builds (TemplateCache). The environment's
    options (autoescape, trim_blocks, extensions) are compiled in too: one folder per set
    of options and Jinja version, so changing them never reuses code compiled under others."""
    options = json.dumps(
        [jinja2.__version__, generator.settings.get("JINJA_ENVIRONMENT", {})], sort_keys=True, default=str
    )
    base = str(generator.settings.get("TEMPLATE_CACHE_PATH") or DEFAULTS["TEMPLATE_CACHE_PATH"])
    folder = Path(base) / hashlib.sha256(options.encode()).hexdigest()[:16]
    folder.mkdir(parents=True, exist_ok=True)
    generator.env.bytecode_cache = TemplateCache(str(folder))


def freeze_urls(generators):
    """Each address worked out once; then every output file checked before any is written."""
    context = generators[0].context  # one context, shared by every generator
    # None: a file Pelican could not read (it said why); nothing is written for it.
    items = [item for item in context.get("generated_content", {}).values() if item is not None]
    for item in items:
        # Only the address: `override_save_as` would let the item overwrite any file (Writer._open_w).
        item.override_url = item.url
    context[OUTPUT_SOURCES] = check_output_files(items, generators[0].settings, generators[0].output_path)


# ------------------------------------------------------------ fail closed at write time

# This build's output files (absolute) -> the source file that writes each, for the
# Writer's messages; in the build's context, so nothing of it outlives the build.
OUTPUT_SOURCES = "haihui_output_sources"


def _shown(source_path: str) -> str:
    return display_path(Path(source_path), Path.cwd())


def _header_line(source_path: str, key: str) -> int:
    """The line of `key` in a source's header (only read when there is something to report)."""
    try:
        return parse_front_matter(Path(source_path).read_text("utf-8-sig")).line_of(key)
    except (OSError, UnicodeDecodeError):
        return 1


def check_output_files(items, settings, output_path: str) -> dict[str, str]:
    """ContentError if a story's or page's file, as Pelican worked it out, leaves output/,
    is a file the build writes itself, or is another one's; else each output file's source."""
    problems, claims, fields = [], [], []
    sources_by_file: dict[str, str] = {}
    # The output folder is made by this build: a string test on the normalised path is
    # enough (a thousand realpath calls were a tenth of a second).
    output = os.path.abspath(output_path)
    for item in items:
        file = item.save_as
        if not file:
            continue  # Pelican writes nothing for an empty save_as
        field = "save_as" if "save_as" in item.metadata else "slug"
        target = os.path.normpath(os.path.join(output, file))
        if not target.startswith(output + os.sep):
            problems.append(_outside_problem(item.source_path, field, file))
            continue
        sources_by_file[target] = item.source_path
        fields.append(field)
        claims.append(
            Claim(
                file,
                item.source_path,
                0,
                "Save_as" if field == "save_as" else "Slug",
                "story" if item.__class__.__name__ in ("Article", "Draft") else "page",
                getattr(item, "slug", ""),
                getattr(item, "lang", ""),
            )
        )
    owned = owned_by_build(settings)
    if collisions(claims, owned):
        # Said again with the lines of the headers, read only now that something is wrong.
        claims = [
            Claim(
                claim.file,
                _shown(claim.source),
                _header_line(claim.source, field),
                claim.field,
                claim.kind,
                claim.slug,
                claim.lang,
            )
            for claim, field in zip(claims, fields, strict=True)
        ]
        problems += collisions(claims, owned)
    if problems:
        raise ContentError(problems)
    return sources_by_file


def _outside_problem(source_path: str, field: str, file: str) -> Problem:
    label = "Save_as" if field == "save_as" else "Slug"
    return Problem(
        _shown(source_path),
        _header_line(source_path, field),
        N_("{field} makes this file's output {file}, which is outside the output folder"),
        N_(
            "write a place inside the site, e.g. Save_as: 404.html and Url: 404.html, or remove Save_as "
            "and Url so the Slug gives the address"
        ),
        params=named(field=label, file=file),
    )


class OneWritePerFile(Writer):
    """Pelican's Writer, except that no file is written twice in one build, whatever
    `override` says, and none outside the output folder."""

    _sources_by_file: dict[str, str] | None = None  # the build's, from the context it writes

    def write_file(self, name, template, context, *args, **kwargs):
        self._sources_by_file = context.get(OUTPUT_SOURCES)
        return super().write_file(name, template, context, *args, **kwargs)

    def write_feed(self, elements, context, *args, **kwargs):
        self._sources_by_file = context.get(OUTPUT_SOURCES)
        return super().write_feed(elements, context, *args, **kwargs)

    def _source_shown(self, filename: str) -> str | None:
        source = (self._sources_by_file or {}).get(os.path.normpath(os.path.abspath(filename)))
        return _shown(source) if source else None

    def _open_w(self, filename, encoding, override=False):
        # Pelican hands over absolute, normalised paths (sanitised_join): a string test is
        # enough, and cheap on every file of the build (it lets `../output-old/x` through).
        output = os.path.abspath(self.output_path)
        if not os.path.normpath(filename).startswith(output + os.sep):
            shown = display_path(Path(filename), Path.cwd())
            raise ContentError(
                [
                    Problem(
                        self._source_shown(filename) or shown,
                        1,
                        N_("the build was about to write {file}, outside the output folder {output}"),
                        N_(
                            "nothing was written there; give the page a Save_as inside the site, or remove it"
                        ),
                        params=named(file=shown, output=str(self.output_path)),
                    )
                ]
            )
        if filename in self._written_files:
            shown = display_path(Path(filename), Path.cwd())
            source = self._source_shown(filename)
            by = msg("(one of them is {source})", source=source) if source else ""
            raise ContentError(
                [
                    Problem(
                        source or shown,
                        1,
                        N_(
                            "{file} is written twice in one build {by}: the second would silently replace "
                            "the first"
                        )
                        if source
                        else N_(
                            "{file} is written twice in one build: the second would silently replace the "
                            "first"
                        ),
                        N_(
                            "give the page another Slug (or Save_as); if no page is named, a plugin writes "
                            "the "
                            "file twice: report it to the site's developers"
                        ),
                        params=named(file=shown, by=by),
                    )
                ]
            )
        return super()._open_w(filename, encoding, override=False)


def one_write_per_file(pelican):
    return OneWritePerFile


def register():
    gates.register()  # every Haihui plugin brings the safety gates: they hold whichever are loaded
    signals.readers_init.connect(use_reusing_reader)
    signals.generator_init.connect(keep_compiled_templates)
    signals.all_generators_finalized.connect(freeze_urls)
    signals.get_writer.connect(one_write_per_file)
