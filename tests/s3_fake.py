"""A tiny S3-compatible server on loopback, enough for rclone's s3 backend to copy, list and
delete: objects kept in memory with the headers they were uploaded with, so a test can see
what Tencent Cloud COS or Alibaba OSS would store (Content-Type, Cache-Control,
Content-Encoding). No authentication is checked; nothing leaves the machine."""

import hashlib
import threading
from dataclasses import dataclass, field
from email.utils import formatdate
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import parse_qs, unquote, urlsplit
from xml.sax.saxutils import escape

KEPT_HEADERS = ("content-type", "cache-control", "content-encoding")


@dataclass
class StoredObject:
    data: bytes
    headers: dict[str, str]
    meta: dict[str, str] = field(default_factory=dict)

    @property
    def etag(self) -> str:
        return hashlib.md5(self.data).hexdigest()  # S3: the ETag of a simple upload


class FakeS3:
    def __init__(self):
        self.objects: dict[tuple[str, str], StoredObject] = {}
        self.lock = threading.Lock()
        handler = type("Handler", (_Handler,), {"store": self})
        self.server = ThreadingHTTPServer(("127.0.0.1", 0), handler)
        # shutdown() returns at the server's next poll: every 0.05 s, not the default 0.5 s.
        self.thread = threading.Thread(
            target=self.server.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True
        )

    @property
    def endpoint(self) -> str:
        return f"http://127.0.0.1:{self.server.server_address[1]}"

    def __enter__(self):
        self.thread.start()
        return self

    def __exit__(self, *exc):
        self.server.shutdown()
        self.server.server_close()

    def bucket(self, name: str) -> dict[str, StoredObject]:
        with self.lock:
            return {key: obj for (bucket, key), obj in self.objects.items() if bucket == name}


class _Handler(BaseHTTPRequestHandler):
    store: FakeS3
    protocol_version = "HTTP/1.1"

    def log_message(self, format, *args):  # quiet
        pass

    def _target(self) -> tuple[str, str, dict[str, list[str]]]:
        parts = urlsplit(self.path)
        bucket, _, key = unquote(parts.path).lstrip("/").partition("/")
        return bucket, key, parse_qs(parts.query, keep_blank_values=True)

    def _reply(self, status: int, body: bytes = b"", headers: dict[str, str] | None = None) -> None:
        self.send_response(status)
        for name, value in (headers or {}).items():
            self.send_header(name, value)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        if self.command != "HEAD":
            self.wfile.write(body)

    def _body(self) -> bytes:
        if "chunked" in self.headers.get("Transfer-Encoding", ""):
            data = b""
            while True:
                size = int(self.rfile.readline().split(b";")[0].strip(), 16)
                if size == 0:
                    self.rfile.readline()
                    return data
                data += self.rfile.read(size)
                self.rfile.readline()
        return self.rfile.read(int(self.headers.get("Content-Length") or 0))

    def do_PUT(self):
        bucket, key, _ = self._target()
        data = self._body()
        if not key:  # make the bucket
            self._reply(200)
            return
        headers = {name: self.headers[name] for name in KEPT_HEADERS if self.headers.get(name)}
        meta = {k.lower(): v for k, v in self.headers.items() if k.lower().startswith("x-amz-meta-")}
        stored = StoredObject(data, headers, meta)
        with self.store.lock:
            self.store.objects[(bucket, key)] = stored
        self._reply(200, headers={"ETag": f'"{stored.etag}"'})

    def do_HEAD(self):
        bucket, key, _ = self._target()
        if not key:
            self._reply(200)
            return
        self._send_object(bucket, key)

    def do_GET(self):
        bucket, key, query = self._target()
        if key:
            self._send_object(bucket, key)
            return
        self._list(bucket, query)

    def do_DELETE(self):
        bucket, key, _ = self._target()
        with self.store.lock:
            self.store.objects.pop((bucket, key), None)
        self._reply(204)

    def _send_object(self, bucket: str, key: str) -> None:
        with self.store.lock:
            found = self.store.objects.get((bucket, key))
        if found is None:
            self._reply(404, b"<Error><Code>NoSuchKey</Code></Error>", {"Content-Type": "application/xml"})
            return
        headers = {**found.headers, **found.meta, "ETag": f'"{found.etag}"'}
        headers["Last-Modified"] = formatdate(usegmt=True)
        self._reply(200, found.data, headers)

    def _list(self, bucket: str, query: dict[str, list[str]]) -> None:
        prefix = query.get("prefix", [""])[0]
        delimiter = query.get("delimiter", [""])[0]
        keys, folders = [], set()
        for key, stored in sorted(self.store.bucket(bucket).items()):
            if not key.startswith(prefix):
                continue
            rest = key[len(prefix) :]
            if delimiter and delimiter in rest:
                folders.add(prefix + rest.split(delimiter, 1)[0] + delimiter)
                continue
            keys.append((key, stored))
        contents = "".join(
            f"<Contents><Key>{escape(key)}</Key><LastModified>2026-01-01T00:00:00.000Z</LastModified>"
            f'<ETag>"{stored.etag}"</ETag><Size>{len(stored.data)}</Size>'
            "<StorageClass>STANDARD</StorageClass></Contents>"
            for key, stored in keys
        )
        prefixes = "".join(
            f"<CommonPrefixes><Prefix>{escape(p)}</Prefix></CommonPrefixes>" for p in sorted(folders)
        )
        v2 = query.get("list-type", [""])[0] == "2"
        count = f"<KeyCount>{len(keys) + len(folders)}</KeyCount>" if v2 else ""
        body = (
            '<?xml version="1.0" encoding="UTF-8"?>'
            '<ListBucketResult xmlns="http://s3.amazonaws.com/doc/2006-03-01/">'
            f"<Name>{escape(bucket)}</Name><Prefix>{escape(prefix)}</Prefix>{count}"
            f"<MaxKeys>1000</MaxKeys><IsTruncated>false</IsTruncated>{contents}{prefixes}</ListBucketResult>"
        ).encode()
        self._reply(200, body, {"Content-Type": "application/xml"})
