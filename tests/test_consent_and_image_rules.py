"""Consent, place and picture rules as plain functions, without Pelican or Pillow."""

import pytest

from conftest import story_fields
from haihui.consent import county_level, withdrawn_slugs
from haihui.content.content_rules import Rules, check_sources, load_sources
from haihui.content.image_rules import resolve
from haihui.pictures.encode import widths_for
from haihui.pictures.progress import format_line

FILES = frozenset({"images/illustrations/s.png", "images/photos/a.jpg", "pages/c.en.md", "pages/c.zh.md"})
RULES = Rules(
    languages=("en", "zh"),
    strict=False,
    templates=frozenset({"page", "campaign"}),
    content_root="content",
    content_files=FILES,
)
STRICT = Rules(
    languages=RULES.languages,
    strict=True,
    templates=RULES.templates,
    content_root="content",
    content_files=FILES,
)
CAMPAIGNS = [
    (f"content/pages/c.{lang}.md", "page", f"Title: C\nSlug: c\nLang: {lang}\nTemplate: campaign\n\nText")
    for lang in ("en", "zh")
]


def story(lang="en", body="Body text.", **fields):
    values = story_fields(lang, **fields)
    header = "\n".join(f"{k}: {v}" for k, v in values.items() if v is not None)
    return (f"content/stories/s.{lang}.md", "story", f"{header}\n\n{body}\n")


def problems(*stories, rules=RULES):
    return [str(p) for p in check_sources(load_sources([*stories, *CAMPAIGNS]), rules)]


def severities(*stories, rules=RULES):
    return [(p.severity, p.message) for p in check_sources(load_sources([*stories, *CAMPAIGNS]), rules)]


def test_a_complete_consent_record_has_no_problem():
    assert problems(story("en"), story("zh")) == []


@pytest.mark.parametrize("field", ["Consent", "Consent_languages", "Photos", "Consent_form", "Image"])
def test_each_part_of_the_record_is_required_with_an_example(field):
    (found,) = problems(story("en", **{field: None}), story("zh"))
    assert f"the required field '{field}' is missing; add a line such as '{field}: " in found


@pytest.mark.parametrize(
    "field, value, expected",
    [
        ("Consent", "yes", "Consent: 'yes' is not a consent record"),
        ("Consent", "given 2026-13-40", "is not a consent record"),
        ("Consent_languages", "en, fr", "is not a list of this site's languages"),
        (
            "Consent_form",
            "https://drive.example/consent-ayi.pdf",
            "looks like the form itself or a link to it",
        ),
        ("Consent_form", "consent-scan.jpg", "looks like the form itself"),
        ("Image", "https://cdn.example/a.jpg", "is not a file in the content folder"),
        ("Image", "images/photos/IMG_0001.HEIC", "is a HEIC picture"),
        ("Image", "images/photos/missing.jpg", "there is no file content/images/photos/missing.jpg"),
    ],
)
def test_malformed_values_are_named_with_a_fix(field, value, expected):
    found = "\n".join(problems(story("en", **{field: value, "Photos": "yes"}), story("zh", Photos="yes")))
    assert expected in found


@pytest.mark.parametrize(
    "place",
    [
        "Daliang Mountains, Sichuan",
        "Zhaojue County, Liangshan Prefecture, Sichuan",
        "Xichang City",
        "四川大凉山",
        "四川省凉山彝族自治州昭觉县",
        "乡城县",
        "镇雄县",
        "凉山州",
    ],
)
def test_county_level_places_are_accepted(place):
    assert county_level(place, RULES) is None


@pytest.mark.parametrize(
    "place",
    [
        "Zhuhe Township, Zhaojue County",
        "Sanhe Village",
        "Zhaojue county town",
        "28.02, 102.85",
        "四川省昭觉县竹核乡",
        "三河村",
        "昭觉县新城街道",
        "昭觉县城北路5号",
        "Group 3, Sanhe",
    ],
)
def test_places_below_county_level_are_refused(place):
    what, fix = county_level(place, RULES)
    assert "more precise than a county" in str(what) and "village" in str(fix) and "村" in fix.render("zh")


def test_a_translation_she_did_not_agree_to_is_an_error():
    found = problems(story("en", Consent_languages="en"), story("zh", Consent_languages="en"))
    assert any(
        "content/stories/s.zh.md:" in p and "she agreed to en, not to this 'zh' version" in p for p in found
    )
    assert not any("s.en.md" in p for p in found)


def test_both_language_files_record_the_same_consent():
    found = problems(story("en"), story("zh", Consent="given 2026-11-21", Photos="yes"))
    assert any("s.zh.md" in p and "Consent: differs from content/stories/s.en.md" in p for p in found)
    assert any("Photos: differs" in p for p in found)


def test_a_sample_consent_record_is_a_warning_in_preview_and_an_error_in_publish():
    sample = {"Consent_form": "SAMPLE placeholder, not a real record"}
    assert (
        severities(story("en", **sample), story("zh", **sample))
        == [("warning", "Consent_form: this is a sample consent record, not a real one")] * 2
    )
    assert {s for s, _ in severities(story("en", **sample), story("zh", **sample), rules=STRICT)} == {"error"}


def test_a_withdrawn_story_is_never_held_up_by_its_own_problems():
    withdrawn = story("en", Consent="withdrawn 2026-12-01", Consent_form="SAMPLE", Image_alt="")
    found = severities(withdrawn, story("zh", Consent_form="SAMPLE", Image_alt=""), rules=STRICT)
    # Its other mistakes are only warnings: nothing about it may hold up the takedown.
    assert found and {severity for severity, _ in found} == {"warning"}
    assert all("ignored: the story is taken down" in message for _, message in found)
    assert withdrawn_slugs(load_sources([withdrawn, story("zh")])) == {"s"}


def test_alt_text_missing_or_in_another_language_warns_in_preview_and_fails_publish():
    body = "![]({static}/images/illustrations/s.png) and ![A drawing](/images/illustrations/s.png)"
    zh = story("zh", body=body)
    found = severities(story("en"), zh)
    assert ("warning", "the picture images/illustrations/s.png has no alt text") in found
    assert (
        "warning",
        "the alt text of images/illustrations/s.png is not in Chinese, the language of this page",
    ) in found
    assert {s for s, _ in severities(story("en"), zh, rules=STRICT)} == {"error"}
    (hero,) = problems(story("en"), story("zh", Image_alt=None))
    assert (
        "content/stories/s.zh.md:12: warning: the picture images/illustrations/s.png has no alt text"
    ) in hero
    assert "Image_alt" in hero


def test_a_story_that_says_photos_no_may_show_drawings_but_no_photo():
    photo = "![A sow]({static}/images/photos/a.jpg)"
    found = problems(story("en", body=photo), story("zh"))
    assert any("Photos: no, but images/photos/a.jpg is a photo" in p for p in found)
    assert problems(story("en", body=photo, Photos="yes"), story("zh", Photos="yes")) == []
    assert any("is a photo" in p for p in problems(story("en", Image="images/photos/a.jpg"), story("zh")))


@pytest.mark.parametrize(
    "body, expected",
    [
        (
            "![A sow](https://cdn.example/sow.jpg)",
            "the picture 'https://cdn.example/sow.jpg' is on another site",
        ),
        ('<img src="//cdn.example/sow.jpg" alt="A sow">', "is on another site"),
        ("![A sow][sow]\n\n[sow]: https://cdn.example/sow.jpg", "is on another site"),
        (
            "See [the photo]({static}/images/photos/a.jpg).",
            "leads to the original picture images/photos/a.jpg",
        ),
        ("![A sow](IMG_0001.heic)", "is a HEIC picture"),
    ],
)
def test_pictures_from_elsewhere_and_links_to_originals_are_errors(body, expected):
    found = problems(story("en", body=body, Photos="yes"), story("zh", Photos="yes"))
    assert any(expected in p for p in found), found


@pytest.mark.parametrize(
    "target, here, page_url, expected",
    [
        ("{static}/images/a.jpg", "stories/s.en.md", None, ("images/a.jpg", False)),
        ("{static}../images/a.jpg", "stories/s.en.md", None, ("images/a.jpg", False)),
        ("|static|/images/a%20b.jpg", "stories/s.en.md", None, ("images/a b.jpg", False)),
        ("/images/a.jpg", "stories/s.en.md", "stories/s/", ("images/a.jpg", False)),
        ("../../images/a.jpg", "stories/s.en.md", "stories/s/", ("images/a.jpg", False)),
        ("https://cdn.example/a.jpg", "stories/s.en.md", None, (None, False)),
        ("{static}/../secret.jpg", "stories/s.en.md", None, ("../secret.jpg", True)),
    ],
)
def test_picture_paths_resolve_as_pelican_and_browsers_do(target, here, page_url, expected):
    assert resolve(target, here, page_url) == expected


@pytest.mark.parametrize(
    "source_width, expected",
    [(4000, [480, 960, 1600]), (1600, [480, 960, 1600]), (1200, [480, 960, 1200]), (300, [300])],
)
def test_widths_are_never_upscaled(source_width, expected):
    assert widths_for(source_width, (480, 960, 1600)) == expected


def test_the_progress_line_shows_count_and_time_left():
    assert format_line(0, 40, 0.0).endswith("] 0/40")
    assert format_line(10, 40, 5.0).endswith("10/40, about 15 s left")
    assert format_line(20, 40, 100.0).endswith("20/40, about 1 min 40 s left")
    assert format_line(40, 40, 12.4).endswith("40/40, done in 12 s")
