"""The HTTP front: DynamoDB's JSON 1.0 protocol (and DynamoDB Streams') over HTTP/1.1, so any SDK,
the AWS CLI or curl can talk to a simulator as they talk to DynamoDB.

One asyncio event loop serves every connection: a small HTTP/1.1 parser (keep-alive, pipelining,
`Content-Length` and chunked bodies, `Expect: 100-continue`) hands each complete request to
`protocol.respond`, which holds all the DynamoDB behaviour; this module only frames bytes. The engine
call runs on the loop thread: it takes microseconds, and the engine serialises operations anyway.
With a durable store (`store=`, fsync "always"), an answer waits until the writes before it are on
disk; one fsync in a background thread covers every request that arrived meanwhile (group commit).

What it answers besides DynamoDB operations:

* ``/_dynasim/...`` without ``X-Amz-Target``: the admin API (faults, latency, call log, clock), in
  `dynasim.fronts.admin`; ``admin_api=False`` turns it off.
* ``GET /`` and ``HEAD /``: DynamoDB's health check, ``healthy: HOST `` naming the Host header.
* ``OPTIONS``: 200 with an ``Allow`` header; CORS preflight headers only for configured origins.
* any other path, or another method: 404 with DynamoDB's ``<UnknownOperationException/>`` body.
* a compressed body (``Content-Encoding: gzip`` or ``deflate``): decompressed up to the size limit
  (decompressing more is a 413); any other coding, or a body that does not decompress, gets a 400
  (DynamoDB answers a 500: see `errors.undecodable_body`).
* a body over the size limit: 413 before the body is read (it is discarded as it arrives, never kept).
* broken framing (bad request line, bad or conflicting ``Content-Length``, bad chunk sizes, an
  unsupported HTTP version or transfer coding, an oversized head): a 400 JSON error (431 for the
  head; never a 5xx, which a client would retry), then the connection is closed (its framing is
  lost). A request line that cannot become valid (binary garbage, a bare LF) is refused as soon as
  it arrives.
* a request that never finishes: its head must arrive within ``read_timeout`` seconds of its first
  byte, and its body may pause no longer than that between reads; otherwise a 408, and the
  connection is closed. An idle keep-alive connection (no request begun) is left open.
* HTTP/1.0 with ``Transfer-Encoding``: answered, then the connection is closed (RFC 9112 section 6.1).
* memory: a connection holds at most one request head (64 KiB) and one body (``max_request_bytes``);
  all connections together hold at most ``max_buffered_bytes`` of unfinished requests (default
  64 MiB, and never less than four bodies of the limit): past it, the server stops reading from the
  connections that are sending until others finish, and their read timeout still runs.
* any error inside the front or the engine: 500 with DynamoDB's InternalServerError body; the
  traceback goes to the ``dynasim.http`` logger, never to the client.
"""

from __future__ import annotations

import asyncio
import concurrent.futures
import contextlib
import email.utils
import logging
import re
import threading
import time
import urllib.parse
import zlib
from collections.abc import Iterable, Mapping
from http import HTTPStatus
from typing import TYPE_CHECKING, Any

from dynasim import errors, wire
from dynasim.doubles.faults import TransportFault
from dynasim.errors import DynamoDBError
from dynasim.fronts import admin
from dynasim.fronts.protocol import CONTENT_TYPE, MAX_REQUEST_BYTES, region_of, request_id, respond
from dynasim.fronts.sigv4 import Verifier

if TYPE_CHECKING:
    from dynasim.persistence import DurableStore
    from dynasim.simulator import Simulator

logger = logging.getLogger("dynasim.http")

DEFAULT_HOST = "127.0.0.1"
DEFAULT_PORT = 8000
DEFAULT_MAX_REQUEST_BYTES = MAX_REQUEST_BYTES
MAX_HEAD_BYTES = 64 * 1024  # request line and headers
MAX_CHUNK_LINE_BYTES = 4096
DEFAULT_READ_TIMEOUT = 10.0  # seconds for a request's head, and between reads of its body
DEFAULT_MAX_BUFFERED_BYTES = 64 * 1024 * 1024  # unfinished requests of all connections together
LINGER_SECONDS = 2.0  # how long a closing connection waits for the client to read our answer
START_TIMEOUT = 30.0
STOP_TIMEOUT = 10.0

_STATUS_LINES = {status.value: f"HTTP/1.1 {status.value} {status.phrase}\r\n" for status in HTTPStatus}
_HEX = re.compile(rb"[0-9A-Fa-f]{1,16}")
_ALLOWED_METHODS = "GET, HEAD, POST, OPTIONS"
_CONTINUE = b"HTTP/1.1 100 Continue\r\n\r\n"
# What a request line may start with: a method (a token), then a space. Anything else can never
# become a request, so it is refused at once rather than after the read timeout.
_METHOD_START = re.compile(rb"[!#$%&'*+\-.^_`|~0-9A-Za-z]{0,32}(?: |$)|\r$")
_BARE_LF = re.compile(rb"(?<!\r)\n")

Headers = dict[str, str]


class BadRequest(Exception):
    """The request cannot be parsed as HTTP/1.1: answer once, then close the connection."""

    def __init__(self, reason: str, status: int = 400) -> None:
        super().__init__(reason)
        self.status = status


# --- what to answer -------------------------------------------------------------------------


class Endpoint:
    """Answers one parsed HTTP request; shared by every connection of a server."""

    def __init__(
        self,
        simulator: Simulator,
        *,
        max_request_bytes: int = DEFAULT_MAX_REQUEST_BYTES,
        credentials: Mapping[str, str] | None = None,
        cors_origins: Iterable[str] = (),
        store: DurableStore | None = None,
        admin_api: bool = True,
        admin_hosts: Iterable[str] = (),
    ) -> None:
        self.simulator = simulator
        # /_dynasim/... without X-Amz-Target: faults, latency, the call log (see dynasim.fronts.admin);
        # admin_hosts: names a Host header may give for this server besides loopback ones
        self.admin = admin.Admin(simulator, credentials, admin_hosts) if admin_api else None
        self.store = store  # answers wait until the writes they follow are on disk (group commit)
        self.max_request_bytes = max_request_bytes
        self.verifier = Verifier(credentials, simulator.region, held=lambda: simulator.regions) if credentials else None
        self.cors_origins = frozenset(cors_origins)

    def answer(self, method: str, target: str, headers: Headers, body: bytes) -> tuple[int, Headers, bytes]:
        """(status, headers, body) for one request; never raises."""
        try:
            if self.admin is not None and admin.is_admin_request(target, headers):
                status, response_headers, payload = self.admin.answer(method, target, headers, body)
            elif method == "OPTIONS":
                status, payload = 200, b""
                response_headers = {"Allow": _ALLOWED_METHODS, "Content-Length": "0"}
                response_headers.update(self._preflight(headers))
            elif _path(target) != "/" or method not in ("POST", "GET", "HEAD"):
                status, response_headers, payload = plain_response(404, errors.UNKNOWN_PATH_BODY)
            elif method == "POST":
                status, response_headers, payload = self._post(target, headers, body)
            else:
                status, response_headers, payload = plain_response(200, self._health(headers), "text/plain")
        except TransportFault:
            raise  # an injected network failure: the connection enacts it
        except Exception:
            logger.exception("internal error answering %s %s", method, target)
            status, response_headers, payload = error_response(errors.internal_error())
        if self.cors_origins:
            response_headers.update(self._cors(headers))
        return status, response_headers, payload

    def _health(self, headers: Headers) -> bytes:
        """DynamoDB's health check names the host the client addressed, with a trailing space."""
        host = headers.get("host") or f"dynamodb.{self.simulator.region}.amazonaws.com"
        return f"healthy: {host} ".encode("latin-1")

    def _post(self, target: str, headers: Headers, body: bytes) -> tuple[int, Headers, bytes]:
        if self.verifier is not None:
            try:
                self.verifier.verify("POST", target, headers, body)
            except DynamoDBError as error:
                return error_response(error)
        return respond(
            self.simulator,
            headers.get("x-amz-target"),
            body,
            checksum=True,
            front="http",
            content_encoding=headers.get("content-encoding"),
            max_request_bytes=self.max_request_bytes,
            region=region_of(headers),
        )

    def _allowed_origin(self, headers: Headers) -> str | None:
        origin = headers.get("origin")
        if origin is None:
            return None
        if "*" in self.cors_origins:
            return "*"
        return origin if origin in self.cors_origins else None

    def _cors(self, headers: Headers) -> Headers:
        origin = self._allowed_origin(headers)
        if origin is None:
            return {}
        return {
            "Access-Control-Allow-Origin": origin,
            "Access-Control-Expose-Headers": "x-amzn-RequestId, x-amz-crc32",
            "Vary": "Origin",
        }

    def _preflight(self, headers: Headers) -> Headers:
        if self._allowed_origin(headers) is None:
            return {}
        return {
            "Access-Control-Allow-Methods": "POST, GET, OPTIONS",
            "Access-Control-Allow-Headers": headers.get("access-control-request-headers", "*"),
            "Access-Control-Max-Age": "86400",
        }


def _path(target: str) -> str:
    """The path of a request target (origin form `/x?y`, or absolute form `http://host/x`)."""
    if "://" in target:
        return urllib.parse.urlsplit(target).path or "/"
    return target.split("?", 1)[0]


def plain_response(status: int, payload: bytes, content_type: str | None = None) -> tuple[int, Headers, bytes]:
    """An answer that is not DynamoDB JSON (the health check, an unknown path), with DynamoDB's headers."""
    headers = {"x-amzn-RequestId": request_id(), "x-amz-crc32": str(zlib.crc32(payload))}
    if content_type is not None:
        headers["Content-Type"] = content_type
    headers["Content-Length"] = str(len(payload))
    return status, headers, payload


def error_response(error: DynamoDBError) -> tuple[int, Headers, bytes]:
    """An error raised in the front, shaped as DynamoDB's errors are."""
    payload = wire.dumps(error.body())
    headers = {
        "x-amzn-RequestId": request_id(),
        "Content-Type": CONTENT_TYPE,
        "Content-Length": str(len(payload)),
        "x-amz-crc32": str(zlib.crc32(payload)),
    }
    return error.status, headers, payload


_date_cache: tuple[int, str] = (0, "")


def _date() -> str:
    global _date_cache
    now = int(time.time())
    if _date_cache[0] != now:
        _date_cache = (now, email.utils.formatdate(now, usegmt=True))
    return _date_cache[1]


def _serialize(status: int, headers: Headers, payload: bytes, keep_alive: bool, head_only: bool) -> bytes:
    lines = [_STATUS_LINES.get(status) or f"HTTP/1.1 {status} Unknown\r\n"]
    lines.extend(f"{name}: {value}\r\n" for name, value in headers.items())
    lines.append(f"Date: {_date()}\r\nServer: dynasim\r\n")
    lines.append("Connection: keep-alive\r\n\r\n" if keep_alive else "Connection: close\r\n\r\n")
    head = "".join(lines).encode("latin-1")
    return head if head_only else head + payload


# --- HTTP/1.1 framing -----------------------------------------------------------------------


_COMBINED = ("content-length", "host", "transfer-encoding")


def parse_head(head: bytes) -> tuple[str, str, bool, Headers]:
    """(method, target, keep_alive, headers) of a request head (without its final blank line)."""
    text = head.decode("latin-1")
    crlf = text.count("\r\n")
    if text.count("\n") != crlf or text.count("\r") != crlf:
        raise BadRequest("bare CR or LF in the request head")
    lines = text.split("\r\n")
    method, target, version = parse_request_line(lines[0])
    headers: Headers = {}
    for line in lines[1:]:
        name, sep, value = line.partition(":")
        # no field without a colon or a name, no blanks in names (nor folded continuation lines)
        if not sep or not name or " " in name or "\t" in name:
            raise BadRequest("invalid header line")
        key = name.lower()
        value = value.strip(" \t")
        if key in headers:  # a repeated field: combine as RFC 9110 section 5.3 says
            if key == "transfer-encoding":
                value = f"{headers[key]}, {value}"
            elif key in _COMBINED:
                if headers[key] != value:
                    raise BadRequest(f"conflicting {key} headers")
            else:
                value = f"{headers[key]},{value}"
        headers[key] = value
    connection = headers.get("connection")
    if version == "HTTP/1.1":
        keep_alive = connection is None or "close" not in connection.lower()
    else:
        keep_alive = connection is not None and "keep-alive" in connection.lower()
        if "transfer-encoding" in headers:
            keep_alive = False  # RFC 9112 section 6.1: the framing is faulty; close after answering
    return method.upper(), target, keep_alive, headers


def parse_request_line(line: str) -> tuple[str, str, str]:
    """(method, target, version) of a request line."""
    parts = line.split(" ")
    if len(parts) != 3 or not parts[0] or not parts[1]:
        raise BadRequest("invalid request line")
    method, target, version = parts
    if version != "HTTP/1.1" and version != "HTTP/1.0":
        if version.startswith("HTTP/"):
            # A 400, not RFC 9110's 505: no request gets a 5xx, which a client would take for a
            # server fault and retry.
            raise BadRequest(f"unsupported HTTP version {version}")
        raise BadRequest("invalid request line")
    return method, target, version


def check_partial_head(buffer: bytearray, scanned: int) -> None:
    """Refuse a head still arriving that can never become a request: one that does not start as a
    request line does, has a bare LF (from `scanned` on), or whose complete first line is invalid."""
    if _BARE_LF.search(buffer, max(0, scanned - 1)):
        raise BadRequest("bare CR or LF in the request head")
    if not _METHOD_START.match(buffer):
        raise BadRequest("invalid request line")
    line_end = buffer.find(b"\r\n")
    if line_end >= 0:
        parse_request_line(bytes(buffer[:line_end]).decode("latin-1"))


class _Connection(asyncio.Protocol):
    """One client connection: reads requests in order and answers each in turn."""

    def __init__(self, server: HTTPServer) -> None:
        self.server = server
        self.endpoint = server.endpoint
        self.limit = server.endpoint.max_request_bytes
        self.transport: asyncio.Transport | None = None
        self.buffer = bytearray()
        self.scan = 0  # where to resume looking for the end of a head
        # The request being read: (method, target, keep_alive, headers), and how its body comes.
        self.request: tuple[str, str, bool, Headers] | None = None
        self.length = 0  # Content-Length of the body being read
        self.chunks: _ChunkedBody | None = None
        self.discard = 0  # bytes of an oversized body still to drop as they arrive
        self.closing = False
        self.answering = False  # an answer is being computed off the event loop (real latency)
        self.linger: asyncio.TimerHandle | None = None
        # Answers waiting for the durable store: (sequence number to wait for, bytes, keep-alive).
        self.held: list[tuple[int, bytes, bool]] = []
        self.timer: asyncio.TimerHandle | None = None  # the read timeout of the request being read
        self.timing = ""  # what the timer waits for: "head" or "body"
        self.buffered = 0  # bytes of unfinished requests held, as the server counts them
        self.starved = False  # reading paused while the server holds too many unfinished requests

    # asyncio callbacks

    def connection_made(self, transport: asyncio.BaseTransport) -> None:
        self.transport = transport  # type: ignore[assignment]
        self.server.connections.add(self)

    def connection_lost(self, exc: Exception | None) -> None:
        self.server.connections.discard(self)
        self.server.waiting.discard(self)
        self.server.starved.discard(self)
        self.held.clear()
        if self.linger is not None:
            self.linger.cancel()
        self._stop_timer()
        self.buffer = bytearray()
        self.chunks = None
        self.server.account(self)

    def eof_received(self) -> bool:
        return False  # close our side too; a half-sent request can never be answered

    def pause_writing(self) -> None:
        # The client is not reading its answers: stop reading its requests until it does.
        if self.transport is not None:
            self.transport.pause_reading()

    def resume_writing(self) -> None:
        if self.transport is not None and not self.closing:
            self.transport.resume_reading()

    def data_received(self, data: bytes) -> None:
        if self.closing:
            return
        if self.discard:
            dropped = min(self.discard, len(data))
            self.discard -= dropped
            data = data[dropped:]
            if not data:
                self._watch()
                return
        self.buffer += data
        try:
            self._process()
        except BadRequest as bad:
            self._refuse(bad)
        except Exception:
            logger.exception("internal error in the HTTP front")
            self._send(*error_response(errors.internal_error()), keep_alive=False, head_only=False)
        self._watch()

    # read timeouts and the bound on unfinished requests

    def _watch(self) -> None:
        """Count what the request being read holds, and time it: a head from its first byte, a
        body from its last read."""
        self.server.account(self)
        if self.closing or self.answering:
            self._stop_timer()
            return
        if self.request is not None or self.discard:
            phase = "body"
        elif self.buffer:
            phase = "head"
        else:  # idle between requests
            self._stop_timer()
            return
        if phase == "head" and self.timing == "head":
            return
        self._stop_timer()
        self.timing = phase
        self.timer = asyncio.get_running_loop().call_later(self.server.read_timeout, self._timed_out)

    def _stop_timer(self) -> None:
        if self.timer is not None:
            self.timer.cancel()
            self.timer = None
        self.timing = ""

    def _timed_out(self) -> None:
        self.timer = None
        if self.closing or self.answering:
            return
        if self.discard:  # the body of a request already refused with its 413
            self._close()
            return
        self._refuse(BadRequest(f"request not received within {self.server.read_timeout:g} seconds", 408))

    def holding(self) -> int:
        """Bytes of unfinished requests this connection holds."""
        if self.closing:
            return 0
        return len(self.buffer) + (len(self.chunks.body) if self.chunks is not None else 0)

    def starve(self) -> None:
        if self.transport is not None and not self.starved:
            self.starved = True
            self.transport.pause_reading()

    def feed(self) -> None:
        if self.starved:
            self.starved = False
            if self.transport is not None and not self.closing and not self.answering:
                self.transport.resume_reading()

    # reading requests

    def _process(self) -> None:
        buffer = self.buffer
        while not self.closing and not self.answering:
            if self.request is None:
                if not self._read_head():
                    return
                continue
            oversized = 0
            if self.chunks is not None:
                chunks = self.chunks
                body = chunks.feed(buffer)
                if body is None:
                    return
                self.chunks = None
                if chunks.total > self.limit:
                    oversized = chunks.total
            else:
                if len(buffer) < self.length:
                    return
                body = bytes(buffer[: self.length])
                del buffer[: self.length]
            method, target, keep_alive, headers = self.request
            self.request = None
            if oversized:
                status, response_headers, payload = error_response(errors.request_too_large(oversized, self.limit))
            elif self.endpoint.simulator.sleeps:
                self._answer_off_loop(method, target, headers, body, keep_alive)
                return
            else:
                try:
                    status, response_headers, payload = self.endpoint.answer(method, target, headers, body)
                except TransportFault as fault:
                    self._fail(fault)
                    return
            self._send(status, response_headers, payload, keep_alive=keep_alive, head_only=method == "HEAD")

    def _answer_off_loop(self, method: str, target: str, headers: Headers, body: bytes, keep_alive: bool) -> None:
        """Answer in a worker thread, so a call that really sleeps (injected latency) delays only
        its own connection; this connection reads no further request until the answer is sent."""
        self.answering = True
        if self.transport is not None:
            self.transport.pause_reading()
        loop = asyncio.get_running_loop()
        future = loop.run_in_executor(None, self.endpoint.answer, method, target, headers, body)

        def done(future: asyncio.Future[tuple[int, Headers, bytes]]) -> None:
            self.answering = False
            try:
                status, response_headers, payload = future.result()
            except TransportFault as fault:
                self._fail(fault)
                return
            except Exception:
                logger.exception("internal error in the HTTP front")
                status, response_headers, payload = error_response(errors.internal_error())
            self._send(status, response_headers, payload, keep_alive=keep_alive, head_only=method == "HEAD")
            if self.transport is not None and not self.closing:
                self.transport.resume_reading()
            self.data_received(b"")  # requests that arrived meanwhile

        future.add_done_callback(done)

    def _read_head(self) -> bool:
        buffer = self.buffer
        while buffer[:2] == b"\r\n":  # blank lines before a request line are allowed
            del buffer[:2]
        end = buffer.find(b"\r\n\r\n", self.scan)
        if end < 0:
            if len(buffer) > MAX_HEAD_BYTES:
                raise BadRequest("request head too large", 431)
            check_partial_head(buffer, self.scan)
            self.scan = max(0, len(buffer) - 3)
            return False
        if end > MAX_HEAD_BYTES:
            raise BadRequest("request head too large", 431)
        head = bytes(buffer[:end])
        del buffer[: end + 4]
        self.scan = 0
        method, target, keep_alive, headers = parse_head(head)
        encoding = headers.get("transfer-encoding")
        length_text = headers.get("content-length")
        if encoding is not None:
            if encoding.lower() != "chunked":
                raise BadRequest(f"unsupported transfer-encoding {encoding}")  # a 400, not a 501: as above
            if length_text is not None:
                keep_alive = False  # both framings: the message is suspect, do not reuse
            self.chunks = _ChunkedBody(self.limit)
            self.length = 0
        elif length_text is not None:
            if not (length_text.isascii() and length_text.isdigit()):
                raise BadRequest("invalid content-length")
            self.length = int(length_text)
        else:
            self.length = 0
        expects_continue = headers.get("expect", "").lower() == "100-continue"
        if self.chunks is None and self.length > self.limit:
            error = error_response(errors.request_too_large(self.length, self.limit))
            if expects_continue:
                # The client may or may not send the body now; the framing is unknowable.
                self._send(*error, keep_alive=False, head_only=method == "HEAD")
                return False
            dropped = min(self.length, len(buffer))
            del buffer[:dropped]
            self.discard = self.length - dropped
            self._send(*error, keep_alive=keep_alive, head_only=method == "HEAD")
            return True
        self.request = (method, target, keep_alive, headers)
        if expects_continue and not self.held and (self.chunks is not None or len(buffer) < self.length):
            self.transport.write(_CONTINUE)  # type: ignore[union-attr]
        return True

    # writing answers

    def _send(self, status: int, headers: Headers, payload: bytes, *, keep_alive: bool, head_only: bool) -> None:
        transport = self.transport
        if transport is None or transport.is_closing():
            return
        data = _serialize(status, headers, payload, keep_alive, head_only)
        store = self.endpoint.store
        wait_for = store.unsynced_seq() if store is not None else 0
        if wait_for or self.held:
            # Group commit: this answer follows writes not on disk yet. It goes out (in order) once
            # one fsync, shared with every request that came meanwhile, has covered them.
            self.held.append((wait_for, data, keep_alive))
            if not keep_alive:
                self.closing = True  # read no further requests
            self.server.hold(self)
            return
        transport.write(data)
        if not keep_alive:
            self._close()

    def release(self, synced: int | None) -> None:
        """Send the held answers the store's fsync up to `synced` covers (None: the fsync failed, and
        answers to requests that saw unsaved writes become errors)."""
        transport = self.transport
        while self.held and transport is not None and not transport.is_closing():
            wait_for, data, keep_alive = self.held[0]
            if synced is not None and wait_for > synced:
                return
            self.held.pop(0)
            if synced is None and wait_for:
                data = _serialize(*error_response(errors.internal_error()), keep_alive, False)
            transport.write(data)
            if not keep_alive:
                self._close()
                return

    def _fail(self, fault: TransportFault) -> None:
        """Enact an injected network failure: a read timeout never answers (the client gives up);
        the others close the connection without an answer."""
        self.closing = True
        self._stop_timer()
        self.buffer = bytearray()
        transport = self.transport
        if transport is None:
            return
        if fault.kind != "ReadTimeoutError":  # a read timeout stays silent until the client gives up
            transport.abort()

    def _refuse(self, bad: BadRequest) -> None:
        status, headers, payload = error_response(errors.bad_http_request(str(bad)))
        self._send(bad.status, headers, payload, keep_alive=False, head_only=False)

    def _close(self) -> None:
        """Close after the answer is sent, letting the client read it: half-close, wait for its end."""
        self.closing = True
        self._stop_timer()
        self.buffer = bytearray()
        transport = self.transport
        if transport is None:
            return
        transport.resume_reading()  # keep draining what the client still sends, so no reset
        if transport.can_write_eof():
            transport.write_eof()
            self.linger = asyncio.get_running_loop().call_later(LINGER_SECONDS, transport.close)
        else:
            transport.close()


class _ChunkedBody:
    """Incremental decoder of a chunked request body; drops the data once it exceeds the limit."""

    def __init__(self, limit: int) -> None:
        self.limit = limit
        self.body = bytearray()
        self.total = 0
        self.left = 0  # bytes of the current chunk still to come
        self.stage = "size"  # size -> data -> data-end -> size ... -> trailer

    def feed(self, buffer: bytearray) -> bytes | None:
        """Consume what `buffer` holds; the whole body once its last chunk is read, else None."""
        steps = {"size": self._size, "data": self._data, "data-end": self._data_end, "trailer": self._trailer}
        while True:
            stop, body = steps[self.stage](buffer)
            if stop:
                return body

    # Each step reads its part from the buffer: (True, what `feed` answers) when it must stop
    # there (more data needed, or the body is whole), (False, None) to go on with the next stage.

    def _size(self, buffer: bytearray) -> tuple[bool, bytes | None]:
        end = buffer.find(b"\r\n")
        if end < 0:
            if len(buffer) > MAX_CHUNK_LINE_BYTES:
                raise BadRequest("invalid chunk size line")
            return True, None
        size_text = bytes(buffer[:end]).split(b";", 1)[0].strip()
        del buffer[: end + 2]
        if not _HEX.fullmatch(size_text):
            raise BadRequest("invalid chunk size")
        size = int(size_text, 16)
        if size == 0:
            self.stage = "trailer"
            return False, None
        self.total += size
        self.left = size
        self.stage = "data"
        return False, None

    def _data(self, buffer: bytearray) -> tuple[bool, bytes | None]:
        take = min(self.left, len(buffer))
        if self.total <= self.limit:
            self.body += buffer[:take]
        elif self.body:
            self.body = bytearray()
        del buffer[:take]
        self.left -= take
        if self.left:
            return True, None
        self.stage = "data-end"
        return False, None

    def _data_end(self, buffer: bytearray) -> tuple[bool, bytes | None]:
        if len(buffer) < 2:
            return True, None
        if buffer[:2] != b"\r\n":
            raise BadRequest("chunk data not followed by CRLF")
        del buffer[:2]
        self.stage = "size"
        return False, None

    def _trailer(self, buffer: bytearray) -> tuple[bool, bytes | None]:
        """Trailer fields, ignored, up to a blank line."""
        end = buffer.find(b"\r\n")
        if end < 0:
            if len(buffer) > MAX_HEAD_BYTES:
                raise BadRequest("request trailer too large", 431)
            return True, None
        del buffer[: end + 2]
        if end == 0:
            return True, bytes(self.body)  # empty (and to be refused) if over the limit
        return False, None


# --- servers --------------------------------------------------------------------------------


class HTTPServer:
    """The listening socket and its connections, on the running event loop."""

    def __init__(
        self,
        simulator: Simulator,
        host: str = DEFAULT_HOST,
        port: int = DEFAULT_PORT,
        *,
        read_timeout: float = DEFAULT_READ_TIMEOUT,
        max_buffered_bytes: int | None = None,
        **options: Any,
    ) -> None:
        if not read_timeout > 0:
            raise ValueError(f"read_timeout must be a positive number of seconds, not {read_timeout!r}")
        admin_hosts = (host, *options.pop("admin_hosts", ()))  # the address listened on names the server
        self.endpoint = Endpoint(simulator, admin_hosts=admin_hosts, **options)
        self.host = host
        self.port = port
        self.read_timeout = read_timeout
        if max_buffered_bytes is None:  # room for a few requests of the largest size at once
            max_buffered_bytes = max(DEFAULT_MAX_BUFFERED_BYTES, 4 * (self.endpoint.max_request_bytes + MAX_HEAD_BYTES))
        self.max_buffered_bytes = max_buffered_bytes
        self.buffered = 0  # bytes of unfinished requests all connections hold
        self.starved: set[_Connection] = set()  # connections not read from while that is too much
        self.connections: set[_Connection] = set()
        self.waiting: set[_Connection] = set()  # connections holding answers for the store's fsync
        self._syncing = False
        self._sync_thread: concurrent.futures.ThreadPoolExecutor | None = None
        self._server: asyncio.base_events.Server | None = None

    async def start(self) -> HTTPServer:
        loop = asyncio.get_running_loop()
        self._server = await loop.create_server(
            lambda: _Connection(self), self.host, self.port, reuse_address=True, backlog=1024
        )
        self.port = self._server.sockets[0].getsockname()[1]
        store = self.endpoint.store
        if store is not None:
            # Writes made on this (the loop's) thread are fsynced in groups before their answers.
            store.defer_syncs_to_caller()
            self._sync_thread = concurrent.futures.ThreadPoolExecutor(1, thread_name_prefix="dynasim-fsync")
        return self

    def account(self, connection: _Connection) -> None:
        """Count what `connection` holds now; stop reading from it while all connections together
        hold too much, and read from the starved ones again once they do not."""
        holding = connection.holding()
        self.buffered += holding - connection.buffered
        connection.buffered = holding
        if holding and self.buffered > self.max_buffered_bytes:
            connection.starve()
            self.starved.add(connection)
        elif self.starved and self.buffered <= self.max_buffered_bytes:
            starved, self.starved = self.starved, set()
            for waiting in starved:
                waiting.feed()

    def hold(self, connection: _Connection) -> None:
        """`connection` holds answers until the store's next fsync."""
        self.waiting.add(connection)
        if not self._syncing:
            self._sync()

    def _sync(self) -> None:
        self._syncing = True
        loop = asyncio.get_running_loop()
        done = loop.run_in_executor(self._sync_thread, self.endpoint.store.sync)  # type: ignore[union-attr]
        done.add_done_callback(self._synced)

    def _synced(self, done: asyncio.Future[int]) -> None:
        self._syncing = False
        try:
            synced: int | None = done.result()
        except Exception:
            logger.exception("the durable store could not fsync; answering with errors")
            synced = None
        for connection in list(self.waiting):
            connection.release(synced)
            if not connection.held:
                self.waiting.discard(connection)
        if self.waiting:  # answers to writes that came during that fsync
            self._sync()

    @property
    def url(self) -> str:
        host = f"[{self.host}]" if ":" in self.host else self.host
        return f"http://{host}:{self.port}"

    async def close(self) -> None:
        if self._server is None:
            return
        self._server.close()
        for connection in list(self.connections):
            if connection.transport is not None:
                connection.transport.close()
        with contextlib.suppress(asyncio.TimeoutError):
            await asyncio.wait_for(self._server.wait_closed(), STOP_TIMEOUT)
        self._server = None
        if self._sync_thread is not None:
            self._sync_thread.shutdown(wait=True)


class RunningServer:
    """An HTTP endpoint for a simulator, served from a background thread.

    >>> with Simulator().serve() as server:
    ...     client = boto3.client("dynamodb", endpoint_url=server.url, ...)
    """

    def __init__(self, simulator: Simulator, host: str = DEFAULT_HOST, port: int = 0, **options: Any) -> None:
        self.server = HTTPServer(simulator, host, port, **options)
        self._loop = asyncio.new_event_loop()
        self._ready = threading.Event()
        self._error: BaseException | None = None
        self._thread = threading.Thread(target=self._run, name=f"dynasim-http-{port}", daemon=True)
        self._thread.start()
        if not self._ready.wait(START_TIMEOUT):
            raise RuntimeError(f"the dynasim endpoint did not start within {START_TIMEOUT}s")
        if self._error is not None:
            raise self._error

    def _run(self) -> None:
        loop = self._loop
        asyncio.set_event_loop(loop)
        try:
            loop.run_until_complete(self.server.start())
        except BaseException as error:
            self._error = error
            self._ready.set()
            loop.close()
            return
        self._ready.set()
        try:
            loop.run_forever()
        finally:
            loop.run_until_complete(self.server.close())
            loop.close()

    @property
    def url(self) -> str:
        return self.server.url

    @property
    def host(self) -> str:
        return self.server.host

    @property
    def port(self) -> int:
        return self.server.port

    def stop(self) -> None:
        """Stop listening and close every connection; safe to call twice."""
        if self._thread.is_alive() and not self._loop.is_closed():
            with contextlib.suppress(RuntimeError):  # the loop closed in the meantime
                self._loop.call_soon_threadsafe(self._loop.stop)
        self._thread.join(STOP_TIMEOUT)

    def __enter__(self) -> RunningServer:
        return self

    def __exit__(self, *exc_info: object) -> None:
        self.stop()

    def __repr__(self) -> str:
        return f"<dynasim endpoint {self.url}>"
