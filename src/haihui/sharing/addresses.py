"""What a QR code or a share link may carry: a published page's public address, tagged.

- `tagged(origin, url, source)`: the page's public address with `?src=<source>`
  (poster, flyer, card, link), so the campaign can tell which printed or shared
  piece brought a visitor; only for a page of this build (`published`),
  else `NotPublished`: a code on paper lives for years, it must never lead
  to a page the site does not have.
- `mainland(url, hosts)`: a code for donors in mainland China leads to the
  page or to the designated platform's page, never to Stripe (which does not
  serve mainland donors, facts.md); a Stripe address raises `NotForMainland`.
"""

from collections.abc import Collection, Iterable
from urllib.parse import urlsplit

SOURCES = ("poster", "flyer", "card", "link")  # where a visitor came from: ?src=...
STRIPE_DOMAIN = "stripe.com"


class NotPublished(ValueError):
    """A share address for a page the build does not write."""


class NotForMainland(ValueError):
    """A mainland code that would lead to Stripe."""


def tagged(origin: str, url: str, source: str, published: Collection[str]) -> str:
    """`origin/url?src=source` for a site-relative `url` of a page this build publishes."""
    if source not in SOURCES:
        raise ValueError(f"unknown source tag {source!r}; one of {', '.join(SOURCES)}")
    if url not in published:
        raise NotPublished(url)
    return f"{origin.rstrip('/')}/{url}?src={source}"


def is_stripe(url: str, stripe_hosts: Iterable[str] = ()) -> bool:
    host = (urlsplit(url).hostname or "").lower()
    hosts = {h.lower() for h in stripe_hosts}
    return host in hosts or host == STRIPE_DOMAIN or host.endswith("." + STRIPE_DOMAIN)


def mainland(url: str, stripe_hosts: Iterable[str] = ()) -> str:
    """`url` itself, when a donor in mainland China can give there (never a Stripe host)."""
    if is_stripe(url, stripe_hosts):
        raise NotForMainland(url)
    return url


def page_of(address: str, origin: str) -> str | None:
    """The site-relative page a decoded address leads to (query and fragment dropped), or None
    for another site."""
    base = origin.rstrip("/") + "/"
    if not address.startswith(base):
        return None
    parts = urlsplit(address)
    return parts.path.removeprefix(urlsplit(base).path)
