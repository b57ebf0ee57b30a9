"""Employee giving: a Stripe Payment Link that carries a company's reference to checkout.

Stripe records `client_reference_id` from a Payment Link's address on the
Checkout Session it opens, when the value is letters, digits, '-' and '_', at
most 200 characters (Stripe's Payment Links documentation); anything else is
dropped silently. So the reference is checked here (and in the data file), the
link must be https on a host of the Stripe channel (CHECKOUT_CHANNELS), and a
reference never holds anything personal: the partner kit's own code for the
company, or the brief's.
"""

from urllib.parse import parse_qs, urlencode, urlsplit, urlunsplit

from haihui.giving.checkout_links import host_problem
from haihui.partners.data import REFERENCE

PARAMETER = "client_reference_id"
STRIPE = "stripe"


def brief_reference(campaign: str) -> str:
    """The reference of gifts made from a campaign's brief when no company is named."""
    return f"partner-brief-{campaign}"[:200]


def employee_giving_url(payment_link: str, reference: str, hosts: list[str]) -> str | None:
    """The Payment Link with `?client_reference_id=<reference>`; None when the link is not https on
    an allowed Stripe host or the reference is not one Stripe keeps (deny by default)."""
    if host_problem(payment_link, hosts) or not REFERENCE.match(reference):
        return None
    parts = urlsplit(payment_link)
    query = [(k, v) for k, values in parse_qs(parts.query).items() for v in values if k != PARAMETER]
    query.append((PARAMETER, reference))
    return urlunsplit((parts.scheme, parts.netloc, parts.path, urlencode(query), ""))


def decode(url: str) -> tuple[str | None, str | None]:
    """(host, client_reference_id) of a link, for tests and staff tooling."""
    parts = urlsplit(url)
    values = parse_qs(parts.query).get(PARAMETER, [])
    return parts.hostname, values[0] if len(values) == 1 else None
