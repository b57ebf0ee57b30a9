"""Pelican plugin: the Passing on the Gift chain (content/data/gift-chain.yaml, haihui.gift_chain).

- The chain is read once per build with the content (haihui_content keeps it in
  the build's Rules) and checked with every other check, before anything is written.
- When every story is read, it works out which families' stories are published in
  each language (a named family only: consent given, no story of hers taken down),
  and puts in the context what the page with `Template: gift-chain` shows: the
  drawing, the figures and the open data; each story with `Family:` gets
  `gift_chain` (the families before and after her) when she is named.
- Writes the chain as CSV and JSON beside the page (GIFT_CHAIN_DATA_FILES).
"""

from dataclasses import dataclass
from itertools import chain
from pathlib import Path

from pelican import signals
from pelican.generators import Generator

import haihui_consent as consent_gate
import haihui_gates as gates
from haihui.gift_chain import FAMILY_FIELD, LoadedChain, load_gift_chain
from haihui.gift_chain.drawing import Drawing, chain_drawing
from haihui.gift_chain.figures import ChainFamily, ChainView
from haihui.gift_chain.open_data import published_files
from haihui.giving.open_data import PublishedFile
from haihui.problems import ERROR, ContentError
from haihui_content import RULES

CHAIN = "gift_chain"  # the page's model, in the build's context
PUBLISHED_STATUS = "published"


@dataclass(frozen=True)
class Relation:
    family: ChainFamily
    story: dict[str, str]  # {lang: site-relative address} of her published story


@dataclass(frozen=True)
class StoryChain:
    family: ChainFamily
    received_from: tuple[Relation, ...]  # empty: her gift came from Haihui
    passed_to: tuple[Relation, ...]


@dataclass(frozen=True)
class ChainPage:
    view: ChainView
    drawing: Drawing
    files: list[PublishedFile]
    stories: dict[str, dict[str, str]]  # public key -> {lang: address}, named families only

    def family(self, key: str) -> ChainFamily:
        return next(f for f in self.view.families if f.key == key)


def _loaded(generator) -> LoadedChain:
    rules = generator.context.get(RULES)  # haihui_content read it with the content
    if rules is not None and rules.gift_chain is not None:
        return rules.gift_chain
    from haihui.content.project import site_today

    sources = consent_gate.sources_for_build(generator)
    loaded = load_gift_chain(generator.settings, sources, site_today(generator.settings))
    errors = [p for p in loaded.problems if p.severity == ERROR]
    if errors:  # only reached when the checks plugin is not loaded
        raise ContentError(errors)
    return loaded


def link_stories(generators):
    """After every story is read: who is linked where, the page's model, each story's neighbours."""
    articles_gen = next(g for g in generators if hasattr(g, "articles"))
    context, settings = articles_gen.context, articles_gen.settings
    loaded = _loaded(articles_gen)
    view = loaded.view
    if view is None:
        return
    languages = tuple(settings["LANGUAGES"])
    stories = [
        a
        for a in chain(articles_gen.articles, articles_gen.translations)
        if a.status == PUBLISHED_STATUS and getattr(a, FAMILY_FIELD, None)
    ]
    by_key: dict[str, dict[str, str]] = {}
    for story in stories:
        family = view.by_id.get(str(getattr(story, FAMILY_FIELD)).strip())
        if family is not None and family.named:  # deny by default: only a named family is linked
            by_key.setdefault(family.key, {})[story.lang] = story.url
    page = ChainPage(
        view,
        chain_drawing(view, int(settings["GIFT_CHAIN_DRAW_LIMIT"])),
        published_files(settings["GIFT_CHAIN_DATA_FILES"], view, languages, by_key),
        by_key,
    )
    context[CHAIN] = page
    families = {f.key: f for f in view.families}
    for story in stories:
        family = view.by_id.get(str(getattr(story, FAMILY_FIELD)).strip())
        if family is None or not family.named:
            continue
        story.gift_chain = StoryChain(
            family,
            tuple(Relation(families[key], by_key.get(key, {})) for key in family.givers),
            tuple(Relation(families[p.to], by_key.get(p.to, {})) for p in family.passed_on),
        )


class GiftChainFilesGenerator(Generator):
    """Writes gift-chain.csv and gift-chain.json: the bytes whose SHA-256 the page prints."""

    def generate_output(self, writer):
        page = self.context.get(CHAIN)
        for published in page.files if page is not None else ():
            path = Path(self.output_path) / published.url
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_bytes(published.data)


def get_generators(pelican):
    return GiftChainFilesGenerator


def register():
    gates.register()  # every Haihui plugin brings the safety gates: they hold whichever are loaded
    signals.all_generators_finalized.connect(link_stories)
    signals.get_generators.connect(get_generators)
