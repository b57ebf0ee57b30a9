"""Front-matter rules as plain functions, without Pelican."""

from conftest import story_fields
from haihui.content.content_rules import Rules, check_sources, load_sources
from haihui.content.frontmatter import parse_front_matter

RULES = Rules(languages=("en", "zh"), strict=False, templates=frozenset({"page", "campaign"}))
CAMPAIGN = ("pages/c.en.md", "page", "Title: C\nSlug: c\nLang: en\nTemplate: campaign\n\nText")
CAMPAIGN_ZH = ("pages/c.zh.md", "page", "Title: C\nSlug: c\nLang: zh\nTemplate: campaign\n\nText")


def story(lang="en", **fields):
    values = story_fields(lang, **fields)
    header = "\n".join(f"{k}: {v}" for k, v in values.items() if v is not None)
    return (f"stories/s.{lang}.md", "story", header + "\n\nBody text.")


def problems(*files, rules=RULES):
    return check_sources(load_sources(files), rules)


def test_a_good_pair_has_no_problem():
    assert problems(story("en"), story("zh"), CAMPAIGN, CAMPAIGN_ZH) == []


def test_front_matter_keeps_line_numbers_and_continuations():
    front = parse_front_matter("Title: A\nSummary: one\n    two\nLang: en\n\nBody")
    assert front.values == {"title": "A", "summary": "one two", "lang": "en"}
    assert front.lines["lang"] == 4 and front.body_line == 6


def test_every_problem_is_reported_at_once_with_its_line():
    found = problems(story("en", Title=None, Date="soon", Lang="fr", Slug="Not A Slug", Summry="x"))
    text = "\n".join(map(str, found))
    assert "'Title' is missing" in text
    assert "stories/s.en.md:3: Date: 'soon' is not a date" in text
    assert "Lang: 'fr' is not a language" in text
    assert "Slug: 'Not A Slug' is not a valid slug" in text
    assert "unknown field 'Summry'; did you mean 'Summary'?" in text


def test_a_missing_translation_is_a_warning_in_preview_and_an_error_in_publish():
    (warning,) = problems(story("en"), CAMPAIGN, CAMPAIGN_ZH)
    assert warning.severity == "warning"
    strict = Rules(languages=RULES.languages, strict=True, templates=RULES.templates)
    (error,) = problems(story("en"), CAMPAIGN, CAMPAIGN_ZH, rules=strict)
    assert error.severity == "error"
    assert problems(story("en", Single_language="yes"), CAMPAIGN, CAMPAIGN_ZH, rules=strict) == []


def test_a_story_must_name_an_existing_campaign():
    found = problems(story("en", Campaign="nowhere"), story("zh"), CAMPAIGN, CAMPAIGN_ZH)
    assert any("no campaign page with Slug 'nowhere'" in str(p) for p in found)
