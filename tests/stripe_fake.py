"""A stateful fake of the part of the Stripe API the sync uses, on 127.0.0.1.

Products, prices and payment links: create, retrieve, list (with the filters
the sync uses: `ids`, `lookup_keys`, `active`, `limit`, `starting_after`) and
update. Bodies are form-encoded as the SDK sends them; errors are Stripe-style
JSON. It keeps Stripe's rules that matter here: unknown parameters are
refused, lookup keys are unique, a `custom_unit_amount` price takes a single
line item of quantity 1 and no recurring interval, Alipay and WeChat Pay are
refused for recurring prices, and an Idempotency-Key replays the first
answer (and refuses different parameters under the same key).

Faults can be injected (500, 429, a connection dropped before or after the
request was carried out), and every request is recorded for counting.

Staff can rehearse against it:
    .venv/bin/python tests/stripe_fake.py --port 12111
    STRIPE_API_KEY=sk_test_local_fake .venv/bin/invoke stripe-sync --api-base http://127.0.0.1:12111
"""

from __future__ import annotations

import argparse
import contextlib
import itertools
import json
import re
import socket
import threading
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import parse_qsl, urlsplit

CURRENCIES = {"cny", "usd", "eur", "gbp", "hkd", "jpy", "sgd", "aud", "cad", "chf"}
# Which currencies the wallets take here (enough for the tests: CNY takes both).
WALLET_CURRENCIES = {
    "alipay": {"cny", "hkd", "usd", "eur", "gbp"},
    "wechat_pay": {"cny", "hkd", "usd", "eur", "gbp"},
}
PAYMENT_METHOD_TYPES = {"card", "alipay", "wechat_pay", "link", "paypal"}
SUBMIT_TYPES = {"auto", "book", "donate", "pay", "subscribe"}

ALLOWED = {
    ("create", "products"): {"id", "name", "description", "metadata", "active", "expand"},
    ("update", "products"): {"name", "description", "metadata", "active", "expand"},
    ("list", "products"): {"ids", "active", "limit", "starting_after", "ending_before", "expand"},
    ("create", "prices"): {
        "product",
        "currency",
        "unit_amount",
        "custom_unit_amount",
        "recurring",
        "lookup_key",
        "transfer_lookup_key",
        "metadata",
        "nickname",
        "active",
        "expand",
    },
    ("update", "prices"): {"active", "metadata", "nickname", "lookup_key", "transfer_lookup_key", "expand"},
    ("list", "prices"): {
        "lookup_keys",
        "active",
        "product",
        "currency",
        "limit",
        "starting_after",
        "ending_before",
        "expand",
        "type",
    },
    ("create", "payment_links"): {
        "line_items",
        "after_completion",
        "submit_type",
        "payment_method_types",
        "inactive_message",
        "metadata",
        "restrictions",
        "expand",
    },
    ("update", "payment_links"): {
        "active",
        "after_completion",
        "submit_type",
        "payment_method_types",
        "inactive_message",
        "metadata",
        "restrictions",
        "expand",
    },
    ("list", "payment_links"): {"active", "limit", "starting_after", "ending_before", "expand"},
    ("retrieve", "products"): {"expand"},
    ("retrieve", "prices"): {"expand"},
    ("retrieve", "payment_links"): {"expand"},
}
PREFIX = {"products": "prod", "prices": "price", "payment_links": "plink"}
OBJECT = {"products": "product", "prices": "price", "payment_links": "payment_link"}


class StripeFault(Exception):
    def __init__(
        self,
        status: int,
        message: str,
        *,
        type_: str = "invalid_request_error",
        param: str | None = None,
        code: str | None = None,
    ):
        super().__init__(message)
        self.status = status
        self.body = {
            "error": {
                k: v
                for k, v in {"type": type_, "message": message, "param": param, "code": code}.items()
                if v is not None
            }
        }


def mask(key: str) -> str:
    """Stripe's way of showing a key in an error: prefix, stars, last four."""
    match = re.match(r"^((?:sk|rk|pk)_(?:test|live)_)(.*)$", key)
    if not match:
        return "*" * 8 + key[-4:]
    return match.group(1) + "*" * max(0, len(match.group(2)) - 4) + match.group(2)[-4:]


def decode_form(pairs: list[tuple[str, str]]) -> dict:
    """`a[b][0][c]=v` pairs into nested dicts and lists, as Stripe reads them."""
    root: dict = {}
    for raw_key, value in pairs:
        parts = raw_key.replace("]", "").split("[")
        node = root
        for i, part in enumerate(parts):
            last = i == len(parts) - 1
            name = part or str(len(node))  # `a[]` appends
            if last:
                node[name] = value
            else:
                node = node.setdefault(name, {})
    return _listify(root)


def _listify(node):
    if isinstance(node, dict):
        node = {k: _listify(v) for k, v in node.items()}
        if node and all(k.isdigit() for k in node):
            return [node[k] for k in sorted(node, key=int)]
    return node


def _bool(value, param: str) -> bool:
    if value in (True, "true"):
        return True
    if value in (False, "false"):
        return False
    raise StripeFault(400, f"Invalid boolean: {value}", param=param)


def _int(value, param: str, minimum: int = 0) -> int:
    try:
        number = int(value)
    except (TypeError, ValueError):
        raise StripeFault(400, f"Invalid integer: {value}", param=param) from None
    if number < minimum:
        raise StripeFault(400, f"Invalid integer: {value} (must be at least {minimum})", param=param)
    return number


def _metadata(current: dict, update) -> dict:
    if update in ("", None):
        return {} if update == "" else current
    if not isinstance(update, dict):
        raise StripeFault(400, "Invalid hash", param="metadata")
    merged = dict(current)
    for key, value in update.items():
        if value == "":
            merged.pop(key, None)
        else:
            merged[key] = value
    return merged


@dataclass
class Fault:
    """Fire `kind` on requests that match, after letting `skip` matching ones through.

    kind: "500", "429", "drop" (connection closed before the request is carried
    out) or "drop_after" (carried out, then closed without an answer).
    A crash mid-run: `first = Fault("drop_after", "POST", skip=n)` then
    `Fault("drop", times=inf, after=first)`: Stripe unreachable from then on.
    """

    kind: str
    method: str | None = None
    path: str | None = None  # prefix of the path, e.g. "/v1/prices"
    skip: int = 0
    times: int | float = 1
    retry_after: str | None = None
    after: Fault | None = None  # armed only once this other fault has fired
    fired: int = 0

    def matches(self, method: str, path: str) -> bool:
        return (
            (self.after is None or self.after.fired > 0)
            and self.method in (None, method)
            and (self.path is None or path.startswith(self.path))
        )


@dataclass
class Request:
    method: str
    path: str
    params: dict
    idempotency_key: str | None
    status: int | None = None  # None: the connection was dropped

    @property
    def resource(self) -> str:
        return self.path.split("/")[2] if self.path.count("/") >= 2 else self.path

    @property
    def write(self) -> bool:
        return self.method == "POST"


@dataclass
class State:
    objects: dict = field(default_factory=lambda: {"products": {}, "prices": {}, "payment_links": {}})
    line_items: dict = field(default_factory=dict)  # payment link id -> list of {price, quantity}
    idempotency: dict = field(default_factory=dict)  # key -> (fingerprint, status, body)


class FakeStripe:
    """Start with `with FakeStripe() as fake:`; `fake.url` is the API base."""

    def __init__(self, keys: dict | None = None, *, accept_any_test_key: bool = False):
        # key -> None (every permission) or a set of resources the key may write
        self.keys = keys if keys is not None else {}
        self.accept_any_test_key = accept_any_test_key
        self.state = State()
        self.faults: list[Fault] = []
        self.requests: list[Request] = []
        self.hidden: set[str] = set()  # ids lists leave out (a list lagging behind a write)
        self._seq = itertools.count(1)
        self._lock = threading.RLock()
        self._server = ThreadingHTTPServer(("127.0.0.1", 0), self._handler())
        self._server.daemon_threads = True
        self._thread: threading.Thread | None = None

    # -------------------------------------------------------------- lifecycle

    @property
    def url(self) -> str:
        host, port = self._server.server_address[:2]
        return f"http://{host}:{port}"

    def start(self) -> FakeStripe:
        self._thread = threading.Thread(
            target=self._server.serve_forever, kwargs={"poll_interval": 0.02}, name="fake-stripe", daemon=True
        )
        self._thread.start()
        return self

    def close(self) -> None:
        self._server.shutdown()
        self._server.server_close()
        if self._thread:
            self._thread.join()

    def __enter__(self) -> FakeStripe:
        return self.start()

    def __exit__(self, *exc) -> None:
        self.close()

    # -------------------------------------------------------------- inspection

    def objects(self, resource: str) -> list[dict]:
        with self._lock:
            return [json.loads(json.dumps(o)) for o in self.state.objects[resource].values()]

    def link_line_items(self, link_id: str) -> list[dict]:
        return list(self.state.line_items[link_id])

    def count(self, *, method: str | None = None, resource: str | None = None, since: int = 0) -> int:
        return sum(
            1
            for r in self.requests[since:]
            if (method is None or r.method == method) and (resource is None or r.resource == resource)
        )

    def inject(self, *faults: Fault) -> None:
        with self._lock:
            self.faults.extend(faults)

    def clear_faults(self) -> None:
        with self._lock:
            self.faults.clear()

    # -------------------------------------------------------------- HTTP

    def _handler(self):
        fake = self

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"
            disable_nagle_algorithm = True  # headers and body go out at once, not 40 ms apart

            def log_message(self, *args):  # quiet
                pass

            def do_GET(self):
                self._serve("GET")

            def do_POST(self):
                self._serve("POST")

            def do_DELETE(self):
                self._serve("DELETE")

            def _serve(self, method: str):
                split = urlsplit(self.path)
                length = int(self.headers.get("Content-Length") or 0)
                body = self.rfile.read(length).decode("utf-8") if length else ""
                raw = split.query if method == "GET" else body
                params = decode_form(parse_qsl(raw, keep_blank_values=True))
                request = Request(method, split.path, params, self.headers.get("Idempotency-Key"))
                with fake._lock:
                    fake.requests.append(request)
                    fault = fake._take_fault(method, split.path)
                if fault and fault.kind == "drop":
                    self._drop()
                    return
                if fault and fault.kind in ("500", "429"):
                    status = int(fault.kind)
                    error = StripeFault(
                        status,
                        "An unknown error occurred"
                        if status == 500
                        else "Too many requests hit the API too quickly.",
                        type_="api_error" if status == 500 else "invalid_request_error",
                        code=None if status == 500 else "rate_limit",
                    )
                    headers = {"Retry-After": fault.retry_after} if fault.retry_after else {}
                    request.status = status
                    self._send(status, error.body, headers)
                    return
                status, payload, headers = fake._dispatch(method, split.path, params, body, self.headers)
                if fault and fault.kind == "drop_after":
                    self._drop()
                    return
                request.status = status
                self._send(status, payload, headers)

            def _drop(self):
                self.close_connection = True
                with contextlib.suppress(OSError):
                    self.connection.shutdown(socket.SHUT_RDWR)

            def _send(self, status: int, payload: dict, headers: dict | None = None):
                data = json.dumps(payload).encode()
                self.send_response(status)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(data)))
                self.send_header("Request-Id", f"req_fake_{len(fake.requests)}")
                for name, value in (headers or {}).items():
                    self.send_header(name, value)
                self.end_headers()
                self.wfile.write(data)

        return Handler

    def _take_fault(self, method: str, path: str) -> Fault | None:
        for fault in self.faults:
            if fault.fired >= fault.times or not fault.matches(method, path):
                continue
            if fault.skip > 0:
                fault.skip -= 1
                continue
            fault.fired += 1
            return fault
        return None

    def _dispatch(self, method: str, path: str, params: dict, body: str, headers) -> tuple[int, dict, dict]:
        with self._lock:
            try:
                key = self._authenticate(headers)
                idem = headers.get("Idempotency-Key") if method == "POST" else None
                fingerprint = f"{method} {path}\n" + json.dumps(params, sort_keys=True)
                replayed = self._replayed(idem, fingerprint)
                if replayed:
                    return *replayed, {"Idempotent-Replayed": "true"}
                status, payload = self._route(method, path, params, key)
            except StripeFault as fault:
                return fault.status, fault.body, {}
            if idem and 200 <= status < 300:
                self.state.idempotency[idem] = (fingerprint, status, payload)
            return status, payload, {}

    def _replayed(self, idem: str | None, fingerprint: str) -> tuple[int, dict] | None:
        """The stored answer to an Idempotency-Key already used, or None; the key with other
        parameters is an error, as at Stripe."""
        if not idem or idem not in self.state.idempotency:
            return None
        stored_print, status, payload = self.state.idempotency[idem]
        if stored_print != fingerprint:
            raise StripeFault(
                400,
                "Keys for idempotent requests can only be used with the same parameters "
                "they were first used with.",
                type_="idempotency_error",
            )
        return status, payload

    def _authenticate(self, headers) -> str:
        auth = headers.get("Authorization") or ""
        key = auth[len("Bearer ") :] if auth.startswith("Bearer ") else ""
        if key in self.keys:
            return key
        if self.accept_any_test_key and re.match(r"^(sk|rk)_test_\w+$", key):
            return key
        raise StripeFault(401, f"Invalid API Key provided: {mask(key)}")

    def _check_permission(self, key: str, resource: str, write: bool) -> None:
        allowed = self.keys.get(key)
        if allowed is None or resource in allowed or not write:
            return
        permission = {
            "products": "rak_product_write",
            "prices": "rak_price_write",
            "payment_links": "rak_payment_link_write",
        }[resource]
        raise StripeFault(
            403,
            f"The provided key '{mask(key)}' does not have the required permissions "
            f"for this endpoint on account 'acct_fake'. Having the '{permission}' "
            "permission would allow this request to continue.",
        )

    def _route(self, method: str, path: str, params: dict, key: str) -> tuple[int, dict]:
        parts = path.strip("/").split("/")
        if len(parts) < 2 or parts[0] != "v1" or parts[1] not in PREFIX:
            raise StripeFault(404, f"Unrecognized request URL ({method}: {path}).")
        resource = parts[1]
        object_id = parts[2] if len(parts) > 2 else None
        if len(parts) > 3:
            raise StripeFault(404, f"Unrecognized request URL ({method}: {path}).")
        if method == "GET":
            action = "retrieve" if object_id else "list"
        elif method == "POST":
            action = "update" if object_id else "create"
        else:
            raise StripeFault(404, f"Unrecognized request URL ({method}: {path}).")
        unknown = sorted(set(params) - ALLOWED[(action, resource)])
        if unknown:
            raise StripeFault(400, f"Received unknown parameter: {unknown[0]}", param=unknown[0])
        self._check_permission(key, resource, method == "POST")
        livemode = "_live_" in key
        if action == "list":
            return 200, self._list(resource, params)
        if action == "retrieve":
            return 200, self._get(resource, object_id)
        handler = getattr(self, f"_{action}_{resource}")
        return 200, handler(params, object_id, livemode) if action == "update" else handler(params, livemode)

    # -------------------------------------------------------------- objects

    def _new_id(self, resource: str) -> tuple[str, int]:
        seq = next(self._seq)
        return f"{PREFIX[resource]}_fake{seq:05d}", seq

    def _get(self, resource: str, object_id: str) -> dict:
        obj = self.state.objects[resource].get(object_id)
        if obj is None:
            raise StripeFault(
                404,
                f"No such {OBJECT[resource].replace('_', ' ')}: '{object_id}'",
                param="id",
                code="resource_missing",
            )
        return obj

    def _list(self, resource: str, params: dict) -> dict:
        limit = _int(params.get("limit", 10), "limit", 1)
        if limit > 100:
            raise StripeFault(400, "Invalid integer: limit must be at most 100", param="limit")
        items = sorted(
            (o for o in self.state.objects[resource].values() if o["id"] not in self.hidden),
            key=lambda o: (o["created"], o["id"]),
            reverse=True,
        )
        if "active" in params:
            active = _bool(params["active"], "active")
            items = [o for o in items if o["active"] == active]
        if resource == "products" and "ids" in params:
            if "starting_after" in params:
                raise StripeFault(400, "You cannot use `ids` with `starting_after`.", param="ids")
            ids = params["ids"] if isinstance(params["ids"], list) else [params["ids"]]
            items = [o for o in items if o["id"] in ids]
        if resource == "prices":
            if "lookup_keys" in params:
                keys = params["lookup_keys"]
                keys = keys if isinstance(keys, list) else [keys]
                if len(keys) > 10:
                    raise StripeFault(400, "You can specify up to 10 lookup_keys.", param="lookup_keys")
                items = [o for o in items if o["lookup_key"] in keys]
            if "product" in params:
                items = [o for o in items if o["product"] == params["product"]]
        if "starting_after" in params:
            ids = [o["id"] for o in items]
            if params["starting_after"] not in ids:
                raise StripeFault(400, f"No such object: {params['starting_after']}", param="starting_after")
            items = items[ids.index(params["starting_after"]) + 1 :]
        return {
            "object": "list",
            "url": f"/v1/{resource}",
            "has_more": len(items) > limit,
            "data": items[:limit],
        }

    def _create_products(self, params: dict, livemode: bool) -> dict:
        if not params.get("name"):
            raise StripeFault(400, "Missing required param: name.", param="name")
        product_id = params.get("id")
        if product_id and product_id in self.state.objects["products"]:
            raise StripeFault(400, "Product already exists.", param="id", code="resource_already_exists")
        new_id, seq = self._new_id("products")
        product = {
            "id": product_id or new_id,
            "object": "product",
            "active": _bool(params.get("active", True), "active"),
            "name": params["name"],
            "description": params.get("description") or None,
            "metadata": _metadata({}, params.get("metadata")),
            "created": 1_700_000_000 + seq,
            "livemode": livemode,
            "default_price": None,
            "type": "service",
        }
        self.state.objects["products"][product["id"]] = product
        return product

    def _update_products(self, params: dict, product_id: str, livemode: bool) -> dict:
        product = self._get("products", product_id)
        if "name" in params:
            product["name"] = params["name"]
        if "description" in params:
            product["description"] = params["description"] or None
        if "active" in params:
            product["active"] = _bool(params["active"], "active")
        if "metadata" in params:
            product["metadata"] = _metadata(product["metadata"], params["metadata"])
        return product

    def _create_prices(self, params: dict, livemode: bool) -> dict:
        currency = params.get("currency")
        if not currency:
            raise StripeFault(400, "Missing required param: currency.", param="currency")
        if currency not in CURRENCIES:
            raise StripeFault(
                400,
                f"Invalid currency: {currency}. Stripe currently supports these "
                f"currencies: {', '.join(sorted(CURRENCIES))}",
                param="currency",
            )
        product = self.state.objects["products"].get(params.get("product"))
        if product is None:
            raise StripeFault(
                400, f"No such product: '{params.get('product')}'", param="product", code="resource_missing"
            )
        recurring = params.get("recurring")
        custom = params.get("custom_unit_amount")
        if custom is not None:
            if not _bool(custom.get("enabled"), "custom_unit_amount[enabled]"):
                raise StripeFault(400, "custom_unit_amount[enabled] must be true", param="custom_unit_amount")
            if recurring:
                raise StripeFault(
                    400,
                    "custom_unit_amount is not supported for recurring prices.",
                    param="custom_unit_amount",
                )
            if "unit_amount" in params:
                raise StripeFault(
                    400,
                    "You may only specify one of these parameters: unit_amount, custom_unit_amount.",
                    param="unit_amount",
                )
            custom = {
                k: (_int(custom[k], f"custom_unit_amount[{k}]", 1) if k in custom else None)
                for k in ("minimum", "preset", "maximum")
            }
            unit_amount = None
        else:
            if "unit_amount" not in params:
                raise StripeFault(400, "Missing required param: unit_amount.", param="unit_amount")
            unit_amount = _int(params["unit_amount"], "unit_amount")
        if recurring is not None:
            if recurring.get("interval") not in ("day", "week", "month", "year"):
                raise StripeFault(400, "Invalid recurring[interval]", param="recurring[interval]")
            recurring = {"interval": recurring["interval"], "interval_count": 1, "usage_type": "licensed"}
        lookup_key = params.get("lookup_key") or None
        if lookup_key:
            holder = next(
                (p for p in self.state.objects["prices"].values() if p["lookup_key"] == lookup_key), None
            )
            if holder is not None:
                if not _bool(params.get("transfer_lookup_key", False), "transfer_lookup_key"):
                    raise StripeFault(
                        400, f"A price (`{holder['id']}`) already uses that lookup key.", param="lookup_key"
                    )
                holder["lookup_key"] = None
        new_id, seq = self._new_id("prices")
        price = {
            "id": new_id,
            "object": "price",
            "active": _bool(params.get("active", True), "active"),
            "currency": currency,
            "unit_amount": unit_amount,
            "custom_unit_amount": custom,
            "recurring": recurring,
            "type": "recurring" if recurring else "one_time",
            "lookup_key": lookup_key,
            "product": product["id"],
            "nickname": params.get("nickname"),
            "metadata": _metadata({}, params.get("metadata")),
            "created": 1_700_000_000 + seq,
            "livemode": livemode,
            "billing_scheme": "per_unit",
        }
        self.state.objects["prices"][new_id] = price
        return price

    def _update_prices(self, params: dict, price_id: str, livemode: bool) -> dict:
        price = self._get("prices", price_id)
        if "active" in params:
            price["active"] = _bool(params["active"], "active")
        if "metadata" in params:
            price["metadata"] = _metadata(price["metadata"], params["metadata"])
        if "nickname" in params:
            price["nickname"] = params["nickname"] or None
        if "lookup_key" in params:
            price["lookup_key"] = params["lookup_key"] or None
        return price

    def _check_link_settings(self, params: dict, prices: list[dict]) -> None:
        recurring = any(p["recurring"] for p in prices)
        currency = prices[0]["currency"] if prices else None
        types = params.get("payment_method_types")
        if types is not None:
            if not isinstance(types, list) or not types:
                raise StripeFault(400, "Invalid array", param="payment_method_types")
            for kind in types:
                if kind not in PAYMENT_METHOD_TYPES:
                    raise StripeFault(
                        400, f"Invalid payment_method_types: {kind}", param="payment_method_types"
                    )
                if kind in WALLET_CURRENCIES and recurring:
                    raise StripeFault(
                        400,
                        f"The payment method `{kind}` cannot be used with recurring "
                        "prices (subscription mode).",
                        param="payment_method_types",
                    )
                if kind in WALLET_CURRENCIES and currency not in WALLET_CURRENCIES[kind]:
                    raise StripeFault(
                        400,
                        f"The payment method `{kind}` does not support {currency}.",
                        param="payment_method_types",
                    )
        if "submit_type" in params and params["submit_type"] not in SUBMIT_TYPES:
            raise StripeFault(400, f"Invalid submit_type: {params['submit_type']}", param="submit_type")
        after = params.get("after_completion")
        if after is not None:
            if after.get("type") == "redirect":
                url = (after.get("redirect") or {}).get("url") or ""
                if not re.match(r"^https?://", url):
                    raise StripeFault(
                        400,
                        "after_completion[redirect][url] must be a URL",
                        param="after_completion[redirect][url]",
                    )
            elif after.get("type") != "hosted_confirmation":
                raise StripeFault(400, "Invalid after_completion[type]", param="after_completion[type]")

    def _after(self, after: dict | None) -> dict:
        if not after or after.get("type") == "hosted_confirmation":
            return {
                "type": "hosted_confirmation",
                "hosted_confirmation": {"custom_message": None},
                "redirect": None,
            }
        return {
            "type": "redirect",
            "redirect": {"url": after["redirect"]["url"]},
            "hosted_confirmation": None,
        }

    def _create_payment_links(self, params: dict, livemode: bool) -> dict:
        items = params.get("line_items")
        if not isinstance(items, list) or not items:
            raise StripeFault(400, "Missing required param: line_items.", param="line_items")
        prices = []
        for i, item in enumerate(items):
            price = self.state.objects["prices"].get(item.get("price"))
            if price is None:
                raise StripeFault(
                    400,
                    f"No such price: '{item.get('price')}'",
                    param=f"line_items[{i}][price]",
                    code="resource_missing",
                )
            if not price["active"]:
                raise StripeFault(
                    400,
                    "The price specified is inactive. This field only accepts active prices.",
                    param=f"line_items[{i}][price]",
                )
            item["quantity"] = _int(item.get("quantity"), f"line_items[{i}][quantity]", 1)
            prices.append(price)
        if any(p["custom_unit_amount"] for p in prices) and (len(items) != 1 or items[0]["quantity"] != 1):
            raise StripeFault(
                400,
                "A price with custom_unit_amount must be the only line item, with quantity 1.",
                param="line_items",
            )
        if len({p["currency"] for p in prices}) > 1:
            raise StripeFault(400, "All prices must be in the same currency.", param="line_items")
        self._check_link_settings(params, prices)
        new_id, seq = self._new_id("payment_links")
        host = "donate.stripe.com" if params.get("submit_type") == "donate" else "buy.stripe.com"
        token = f"{'' if livemode else 'test_'}{seq:012d}"
        link = {
            "id": new_id,
            "object": "payment_link",
            "active": True,
            "url": f"https://{host}/{token}",
            "after_completion": self._after(params.get("after_completion")),
            "submit_type": params.get("submit_type", "auto"),
            "payment_method_types": params.get("payment_method_types"),
            "inactive_message": params.get("inactive_message") or None,
            "metadata": _metadata({}, params.get("metadata")),
            "currency": prices[0]["currency"],
            "restrictions": None,
            "livemode": livemode,
            "created": 1_700_000_000 + seq,
        }
        self.state.objects["payment_links"][new_id] = link
        self.state.line_items[new_id] = [{"price": i["price"], "quantity": i["quantity"]} for i in items]
        return link

    def _update_payment_links(self, params: dict, link_id: str, livemode: bool) -> dict:
        link = self._get("payment_links", link_id)
        prices = [self.state.objects["prices"][i["price"]] for i in self.state.line_items[link_id]]
        self._check_link_settings(params, prices)
        if "active" in params:
            link["active"] = _bool(params["active"], "active")
        if "after_completion" in params:
            link["after_completion"] = self._after(params["after_completion"])
        for name in ("submit_type", "payment_method_types"):
            if name in params:
                link[name] = params[name]
        if "inactive_message" in params:
            link["inactive_message"] = params["inactive_message"] or None
        if "metadata" in params:
            link["metadata"] = _metadata(link["metadata"], params["metadata"])
        return link


def main() -> None:
    parser = argparse.ArgumentParser(description="Fake Stripe API for rehearsing `invoke stripe-sync`.")
    parser.add_argument("--port", type=int, default=12111)
    args = parser.parse_args()
    fake = FakeStripe(accept_any_test_key=True)
    fake._server.server_close()
    fake._server = ThreadingHTTPServer(("127.0.0.1", args.port), fake._handler())
    # A command too (python tests/stripe_fake.py): staff read where it listens.
    print(f"Fake Stripe on {fake.url} (any sk_test_/rk_test_ key); Ctrl-C to stop.", flush=True)  # noqa: T201
    with contextlib.suppress(KeyboardInterrupt):
        fake._server.serve_forever()


if __name__ == "__main__":
    main()
