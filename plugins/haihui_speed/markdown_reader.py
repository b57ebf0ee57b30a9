"""One Markdown parser per build instead of one per file.

Pelican's Markdown reader builds a new Python-Markdown instance (every
extension, every pattern) for each file it reads; with a thousand stories
that was about a tenth of a build. This reader keeps two instances and resets
them between files (`Markdown.reset()`, which exists for this): one for the
texts, one for the header fields Pelican renders as Markdown (`Summary`).
What it returns is what Pelican's own reader returns, file for file
(tests/test_speed_plugin.py).
"""

from markdown import Markdown
from markdown.preprocessors import Preprocessor
from pelican.readers import MarkdownReader, pelican_open


class _NoHeader(Preprocessor):
    """Stands in for the `meta` preprocessor in the instance for header fields.

    Pelican's `_parse_metadata` removes `meta` from the instance it renders
    fields with (a field holds no header), and fails if it is not there.
    """

    def run(self, lines):
        return lines


class ReusingMarkdownReader(MarkdownReader):
    _text: Markdown | None = None
    _fields: Markdown | None = None

    def read(self, source_path):
        self._source_path = source_path
        if self._text is None:
            self._text = Markdown(**self.settings["MARKDOWN"])
            self._fields = Markdown(**self.settings["MARKDOWN"])
        self._text.reset()
        with pelican_open(source_path) as text:
            content = self._text.convert(text)
        self._md = self._fields
        if "meta" not in self._fields.preprocessors:
            self._fields.preprocessors.register(_NoHeader(self._fields), "meta", 0)
        return content, self._parse_metadata(self._text.Meta)
