"""Structured data for search engines: the organisation as schema.org JSON-LD.

Built from content/data/organisation.yaml (haihui.organisation), never typed
into a template, and serialised so that no value can end the <script> element
that carries it (tests/test_metadata.py checks the types and properties against
a cited excerpt of the schema.org vocabulary).
"""

import json
from typing import Any

from haihui.organisation import Organisation

SCHEMA_ORG = "https://schema.org"

# Characters that must not appear as themselves inside <script>: "<" could start
# "</script>" or "<!--", ">" and "&" are escaped too (as Jinja's |tojson does), and
# U+2028/U+2029 end a line in JavaScript. JSON reads each escape as the same character.
_SCRIPT_UNSAFE = str.maketrans(
    {"<": "\\u003c", ">": "\\u003e", "&": "\\u0026", "\u2028": "\\u2028", "\u2029": "\\u2029"}
)


def organisation_json_ld(organisation: Organisation, lang: str, url: str) -> dict[str, Any]:
    """Haihui as an NGO, named in `lang`, at `url` (the language's home page)."""
    contact = organisation.contact
    return {
        "@context": SCHEMA_ORG,
        "@type": "NGO",
        "name": organisation.fundraising_disclosure.organisation[lang],
        "url": url,
        "email": contact.email,
        "contactPoint": {
            "@type": "ContactPoint",
            "telephone": contact.phone,
            "email": contact.email,
        },
    }


def script_json(data: Any) -> str:
    """`data` as JSON text safe to put between <script type="application/ld+json"> and </script>."""
    text = json.dumps(data, ensure_ascii=False, indent=2)
    return text.translate(_SCRIPT_UNSAFE)
