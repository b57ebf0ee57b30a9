"""Haihui as the site shows it (content/data/organisation.yaml): read and check.

The published contact, the ICP filing number, the Charity Law disclosure
beside every set of checkout links, and the name of each checkout channel per
language. The file is read like fund-use.yaml (YAML 1.2, duplicate keys and
aliases refused), so every problem names the file and the line.

Which hosts a channel may link to stays in the settings (CHECKOUT_CHANNELS):
it is a safety rule, not a fact about the organisation. Sample values in the
disclosure (`samples`) are marked on the pages in a preview and refused by a
publish build.
"""

import re
from collections.abc import Iterable
from pathlib import Path
from typing import Annotated
from urllib.parse import urlsplit

from pydantic import Field, StrictBool, StrictStr, StringConstraints, ValidationError

from haihui.content.content_rules import Rules, Source
from haihui.giving.data_problems import (
    data_problem,
    duplicate_key_problems,
    placeholder_problems,
    read_data_file,
    shown_path,
)
from haihui.giving.fund_use import Model, Slug, Text, Texts, language_findings
from haihui.giving.validation import fields_at, validation_problems
from haihui.giving.yaml_source import Loc, YamlSource
from haihui.problems import ERROR, N_, WARNING, Msg, Problem, msg, named
from haihui.settings import DEFAULTS

DEFAULT_FILE = DEFAULTS["ORGANISATION_FILE"]  # inside PATH
SETTINGS_FILE = "pelicanconf.py"
# Channels the theme names itself, in its translations: a name here would be ignored.
THEME_NAMED_CHANNELS = ("stripe",)

EMAIL = re.compile(r"^[A-Za-z0-9._%+-]+@[A-Za-z0-9-]+(?:\.[A-Za-z0-9-]+)+$")
PHONE = re.compile(r"^\+?[0-9 ()-]+$")
MIN_PHONE_DIGITS = 5


class Contact(Model):
    name: Text
    phone: Text
    email: Text


class Disclosure(Model):
    organisation: Texts
    qualification: Texts
    record_number: Text
    lookup_url: Text
    samples: list[StrictStr] = Field(default_factory=list)


class Channel(Model):
    names: Texts


class DonationReceipt(Model):
    """How a company receives an official donation receipt (捐赠票据): sample until staff confirm."""

    sample: StrictBool = True
    issuer: Texts  # who issues it and the deduction qualification it rests on
    needed: list[Texts]  # what Haihui needs from the company, one item each
    when: Texts  # when and how the receipt is sent


class Organisation(Model):
    contact: Contact
    icp_number: Annotated[StrictStr, StringConstraints(strip_whitespace=True)] = ""
    fundraising_disclosure: Disclosure
    checkout_channels: dict[Slug, Channel] = Field(default_factory=dict)
    donation_receipt: DonationReceipt | None = None  # the partner brief's "giving as a company"
    # What Stripe shows a donor on a payment link the sync has replaced; {url}: the campaign's page.
    replaced_link_message: Texts


DISCLOSURE_FIELDS = tuple(name for name in Disclosure.model_fields if name != "samples")

# (key path, what, fix, severity): what and fix are staff messages
Finding = tuple[Loc, Msg, Msg, str]
# The one placeholder of replaced_link_message: the sync puts the campaign page's address there.
URL_PLACEHOLDER = "{url}"


def _language_findings(loc: Loc, texts: dict[str, str], languages: tuple[str, ...]) -> Iterable[Finding]:
    return ((*finding, ERROR) for finding in language_findings(loc, texts, languages))


def _is_https_page(url: str) -> bool:
    if any(c.isspace() for c in url):
        return False
    parts = urlsplit(url)
    return parts.scheme == "https" and bool(parts.hostname)


def _url_placeholder_findings(loc: Loc, texts: dict[str, str]) -> Iterable[Finding]:
    """Each text has {url} once, and no other brace: the sync fills it with str.format."""
    for lang, text in texts.items():
        count = text.count(URL_PLACEHOLDER)
        if count == 0:
            what = msg("has no {{url}}, where the address of the campaign's page goes")
        elif count > 1:
            what = msg(
                "has {{url}} {count} times; the address of the campaign's page goes in once", count=count
            )
        elif set("{}") & set(text.replace(URL_PLACEHOLDER, "")):
            what = msg("has a brace {{ or }} other than the one {{url}}")
        else:
            continue
        yield (
            (*loc, lang),
            what,
            msg(
                "write {{url}} exactly once in the text, where the donor should read the address of the "
                "campaign's page, and no other {{ or }}"
            ),
            ERROR,
        )


def consistency_findings(
    organisation: Organisation, languages: tuple[str, ...], channels: dict | None, strict: bool
) -> list[Finding]:
    """What the schema cannot see: addresses, languages, channels and sample values."""
    findings: list[Finding] = []

    def add(loc: Loc, what: Msg, fix: Msg, severity: str = ERROR) -> None:
        findings.append((loc, what, fix, severity))

    contact = organisation.contact
    if not EMAIL.match(contact.email):
        add(
            ("contact", "email"),
            msg("{value} is not an e-mail address", value=repr(contact.email)),
            msg("write the address alone, e.g. name@haihuichina.org (no 'mailto:', no spaces, no name)"),
        )
    digits = sum(c in "0123456789" for c in contact.phone)
    if not PHONE.match(contact.phone) or digits < MIN_PHONE_DIGITS:
        add(
            ("contact", "phone"),
            msg(
                "{value} is not a phone number: only the digits 0-9, spaces and + - ( ) "
                "may be used (it becomes a tel: link)",
                value=repr(contact.phone),
            ),
            msg(
                'write the number alone, e.g. "+86 28 8537 3997" (no letters, no extension, no '
                "full-width digits)"
            ),
        )
    disclosure = organisation.fundraising_disclosure
    for field in ("organisation", "qualification"):
        findings += _language_findings(
            ("fundraising_disclosure", field), getattr(disclosure, field), languages
        )
    if not _is_https_page(disclosure.lookup_url):
        add(
            ("fundraising_disclosure", "lookup_url"),
            msg("{value} is not an https address", value=repr(disclosure.lookup_url)),
            msg(
                "write the full address of the page starting with https://, e.g. https://cishan.chinanpo.gov.cn/"
            ),
        )
    known = ", ".join(DISCLOSURE_FIELDS)
    for index, name in enumerate(disclosure.samples):
        if name not in DISCLOSURE_FIELDS:
            add(
                ("fundraising_disclosure", "samples", index),
                msg("'{name}' is not a field of fundraising_disclosure", name=name),
                msg("list only the fields that still hold a sample value: {known}", known=known),
            )
    listed = ", ".join(name for name in disclosure.samples if name in DISCLOSURE_FIELDS)
    if listed:
        add(
            ("fundraising_disclosure", "samples"),
            msg(
                "the disclosure still has sample values ({listed}), which a publish build refuses",
                listed=listed,
            ),
            msg("write the real values in fundraising_disclosure and remove their names from samples"),
            ERROR if strict else WARNING,
        )
    receipt = organisation.donation_receipt
    if receipt is not None:
        for field in ("issuer", "when"):
            findings += _language_findings(("donation_receipt", field), getattr(receipt, field), languages)
        for index, item in enumerate(receipt.needed):
            findings += _language_findings(("donation_receipt", "needed", index), item, languages)
        if receipt.sample:
            add(
                ("donation_receipt", "sample"),
                msg("the donation-receipt details are still a sample, which a publish build refuses"),
                msg("have the finance team confirm them, then remove 'sample: true'"),
                ERROR if strict else WARNING,
            )
    findings += _language_findings(("replaced_link_message",), organisation.replaced_link_message, languages)
    findings += _url_placeholder_findings(("replaced_link_message",), organisation.replaced_link_message)
    for channel, spec in organisation.checkout_channels.items():
        findings += _language_findings(("checkout_channels", channel, "names"), spec.names, languages)
        if channels is None:
            continue
        if channel in THEME_NAMED_CHANNELS:
            add(
                ("checkout_channels", channel),
                msg("the theme names the '{channel}' channel itself, in every language", channel=channel),
                msg("remove this entry"),
            )
        elif channel not in channels:
            add(
                ("checkout_channels", channel),
                msg("'{channel}' is not a checkout channel of this site", channel=channel),
                msg(
                    "use one of: {known} (CHECKOUT_CHANNELS in pelicanconf.py), or remove this entry",
                    known=", ".join(c for c in channels if c not in THEME_NAMED_CHANNELS),
                ),
            )
    for channel in channels or {}:
        if channel not in THEME_NAMED_CHANNELS and channel not in organisation.checkout_channels:
            add(
                ("checkout_channels",),
                msg("the checkout channel '{channel}' has no name to show on the pages", channel=channel),
                msg(
                    "add '{channel}:' with 'names:' in every language of the site under checkout_channels",
                    channel=channel,
                ),
            )
    return findings


def read_organisation(
    path: Path,
    languages: tuple[str, ...] = (),
    channels: dict | None = None,
    strict: bool = False,
) -> tuple[Organisation | None, list[Problem]]:
    """Read and check the file: the organisation (None if unusable) and every problem found.

    languages: every per-language text must exist in each of them (and in no other).
    channels: CHECKOUT_CHANNELS; when given, each channel but Stripe needs a name, and only they.
    strict: a publish build, which refuses the sample values the disclosure lists.
    """
    source, unread = read_data_file(
        path, N_("the organisation file (contact, fundraising disclosure, channel names) is missing")
    )
    if source is None:
        return None, unread
    problems = duplicate_key_problems(path, source) + placeholder_problems(path, source, strict)
    if not isinstance(source.data, dict):
        return None, [
            *problems,
            data_problem(
                path,
                source,
                (),
                msg("is not a list of keys and values (contact:, fundraising_disclosure: ...)"),
                msg("restore the file from git and make your change again"),
            ),
        ]
    try:
        organisation = Organisation.model_validate(source.data)
    except ValidationError as error:
        return None, problems + _schema_problems(error, path, source, languages, channels)
    problems += [
        _problem(path, source, finding)
        for finding in consistency_findings(organisation, languages, channels, strict)
    ]
    usable = not any(p.severity == ERROR for p in problems)
    return (organisation if usable else None), problems


def _schema_problems(
    error: ValidationError, path: Path, source: YamlSource, languages: tuple[str, ...], channels: dict | None
) -> list[Problem]:
    """Pydantic's errors worded for staff; a value of the wrong shape (text for a list...) said plainly."""
    problems = validation_problems(error, Organisation, path, source)  # one per error, in order
    for index, item in enumerate(error.errors(include_url=False)):
        loc = tuple(part for part in item["loc"] if part != "[key]")
        if item["type"] == "list_type":
            problems[index] = data_problem(
                path,
                source,
                loc,
                msg("should be a list"),
                msg(
                    "write the names in square brackets, e.g. [qualification, record_number], or [] for none"
                ),
            )
        elif item["type"] in ("dict_type", "model_type"):
            if loc == ("checkout_channels",):  # channel ids, each with its names
                keys = [c for c in channels or {} if c not in THEME_NAMED_CHANNELS] or ["platform"]
            else:  # the fields of a section, or else the languages of a text
                keys = fields_at(Organisation, loc) or list(languages) or ["en"]
            example = ", ".join(f"{key}:" for key in keys)
            problems[index] = data_problem(
                path,
                source,
                loc,
                msg("should hold keys and values ({example}), not a single value", example=example),
                msg(
                    "write {example} on the lines below it, indented (see the comments at the top of "
                    "the file)",
                    example=example,
                ),
            )
    return problems


def _problem(path: Path, source: YamlSource, finding: Finding) -> Problem:
    return data_problem(path, source, *finding)


def _settings_line(key: str) -> int:
    """Line of `key` in pelicanconf.py, so a message points at the setting to change."""
    path = Path(SETTINGS_FILE)
    if path.exists():
        for number, line in enumerate(path.read_text("utf-8").splitlines(), start=1):
            if line.lstrip().startswith((key, f'"{key}"')):
                return number
    return 1


def moved_settings_problems(settings: dict, shown: str) -> list[Problem]:
    """Settings this file replaced: still set, they would be silently ignored."""
    # (the setting, where pelicanconf.py writes it, where the file has it now)
    moved = [
        (name, name, field)
        for name, field in (
            ("CONTACT", "contact"),
            ("ICP_NUMBER", "icp_number"),
            ("FUNDRAISING_DISCLOSURE", "fundraising_disclosure"),
        )
        if name in settings
    ]
    moved += [
        (f"CHECKOUT_CHANNELS['{channel}']['names']", '"names"', f"checkout_channels.{channel}.names")
        for channel, spec in (settings.get("CHECKOUT_CHANNELS") or {}).items()
        if isinstance(spec, dict) and "names" in spec
    ]
    return [
        Problem(
            SETTINGS_FILE,
            _settings_line(written),
            N_("{name} is no longer read: the site takes it from {file}"),
            N_("write the value as '{field}' in {file} and remove {name} from the settings"),
            params=named(name=name, file=shown, field=field),
        )
        for name, written, field in moved
    ]


def organisation_file(settings: dict) -> Path:
    return Path(settings["PATH"]) / settings.get("ORGANISATION_FILE", DEFAULT_FILE)


def load_organisation(settings: dict) -> tuple[Organisation | None, list[Problem]]:
    """The site's organisation (None if unusable) and every problem, for a build or a check."""
    path = organisation_file(settings)
    organisation, problems = read_organisation(
        path,
        tuple(settings["LANGUAGES"]),
        settings.get("CHECKOUT_CHANNELS") or {},
        bool(settings.get("STRICT_PUBLISH")),
    )
    return organisation, moved_settings_problems(settings, shown_path(path)) + problems


def check_organisation(sources: list[Source], rules: Rules) -> Iterable[Problem]:
    """The check haihui_content runs before every build and in `invoke check`."""
    if not rules.settings:
        return []  # rules made for front matter alone, without a project to read data from
    _, problems = rules.organisation if rules.organisation is not None else load_organisation(rules.settings)
    return problems
