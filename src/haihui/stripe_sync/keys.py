"""The Stripe API key: where it comes from, what mode it is, and keeping it out of text.

The key is read from the STRIPE_API_KEY environment variable only. It is
handed to the SDK and to nothing else: it is never printed, logged or written,
and every message this package shows goes through `scrub` first, which also
removes the masked key fragments Stripe itself puts in some error messages
("Invalid API Key provided: sk_test_****abcd").
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from haihui.languages.staff import SOURCE_LANGUAGE, Msg, msg

ENV_VAR = "STRIPE_API_KEY"

# Secret keys (sk_) and restricted keys (rk_); publishable keys (pk_) cannot write.
_KEY_SHAPE = re.compile(r"^(sk|rk)_(test|live)_[A-Za-z0-9_]+$")
# Anything that looks like a key or a masked key, in any text.
_KEY_LIKE = re.compile(r"\b(?:sk|rk|pk)_(?:test|live)_[A-Za-z0-9_*.\-]+")
HIDDEN = "[key hidden]"
# A key body shorter than this is not scrubbed on its own (it could match ordinary text).
_SHORTEST_BODY = 8


class KeyProblem(Exception):
    """The key is missing or not usable; the message (a staff message, shown in each
    language of the site) never contains it."""

    def __init__(self, message: Msg):
        self.message = message
        super().__init__(message.render(SOURCE_LANGUAGE))


@dataclass(frozen=True)
class ApiKey:
    """A key whose value stays out of repr() and str()."""

    value: str = field(repr=False)
    mode: str  # "test" or "live"
    kind: str  # "secret" or "restricted"

    def __str__(self) -> str:
        return f"<{self.mode} {self.kind} key>"

    @property
    def live(self) -> bool:
        return self.mode == "live"


def read_key(environ) -> ApiKey:
    """The key from the environment, checked for shape; raises KeyProblem with a safe message."""
    value = (environ.get(ENV_VAR) or "").strip()
    if not value:
        raise KeyProblem(
            msg(
                "{variable} is not set. Create a restricted key in the Stripe Dashboard "
                "(Developers > API keys > Create restricted key: Write for Products, Prices and "
                "Payment Links) and run again with {variable} set in the environment.",
                variable=ENV_VAR,
            )
        )
    if value.startswith("pk_"):
        raise KeyProblem(
            msg(
                "{variable} holds a publishable key (pk_...), which cannot create anything. "
                "Use a restricted key (rk_...) with write access to Products, Prices and Payment Links.",
                variable=ENV_VAR,
            )
        )
    match = _KEY_SHAPE.match(value)
    if not match:
        raise KeyProblem(
            msg(
                "{variable} does not look like a Stripe secret or restricted key "
                "(it should start with rk_test_, rk_live_, sk_test_ or sk_live_).",
                variable=ENV_VAR,
            )
        )
    prefix, mode = match.groups()
    return ApiKey(value=value, mode=mode, kind="restricted" if prefix == "rk" else "secret")


def scrub(text: str, key: ApiKey | str | None = None) -> str:
    """`text` with the key, and anything shaped like a key or a masked key, removed."""
    secret = key.value if isinstance(key, ApiKey) else key
    if secret:
        text = text.replace(secret, HIDDEN)
        body = secret.split("_", 2)[-1]  # the key without its sk_test_ prefix
        if len(body) >= _SHORTEST_BODY:
            text = text.replace(body, HIDDEN)
    return _KEY_LIKE.sub(HIDDEN, text)
