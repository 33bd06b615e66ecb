"""Slow and broken clients: a request that never finishes is answered 408 and closed after the read
timeout, one that can never become a request is refused at once, unfinished requests hold bounded
memory, and HTTP/1.0 with Transfer-Encoding closes its connection.

Each server here has a read timeout of a fraction of a second (or one far longer than the client's
socket timeout, where the answer must not wait for it); every socket read is bounded by
`http_helpers.TIMEOUT`.
"""

from __future__ import annotations

import json
import socket
import time

import pytest
from http_helpers import Connection, ServerProcess, post
from hypothesis import given, settings
from hypothesis import strategies as st

import dynasim

LIST_TABLES = "DynamoDB_20120810.ListTables"
SHORT = 0.3  # seconds: the read timeout of the servers that must time requests out
LONG = 60.0  # seconds: far past the client's socket timeout, for answers that must not wait


@pytest.fixture
def short_server():
    with dynasim.Simulator().serve(read_timeout=SHORT) as server:
        yield server


@pytest.fixture
def long_server():
    with dynasim.Simulator().serve(read_timeout=LONG) as server:
        yield server


def error_of(payload: bytes) -> tuple[str, str]:
    answer = json.loads(payload)
    return answer["__type"].rsplit("#", 1)[1], answer.get("message", answer.get("Message", ""))


def head(body_framing: str) -> bytes:
    return (
        f"POST / HTTP/1.1\r\nHost: localhost\r\nX-Amz-Target: {LIST_TABLES}\r\n"
        f"Content-Type: application/x-amz-json-1.0\r\n{body_framing}\r\n"
    ).encode()


@pytest.mark.parametrize(
    "unfinished",
    [
        b"POST / HTTP/1.1\r\nHost: localhost\r\n",  # a head without its blank line
        b"POST / HT",  # a request line cut short
        head("Content-Length: 100\r\n") + b'{"Limit": 1',  # a Content-Length longer than the body
        head("Transfer-Encoding: chunked\r\n") + b"5\r\n{}   \r\n",  # a chunked body without its last chunk
        head("Transfer-Encoding: chunked\r\n") + b"10\r\n{",  # a chunk cut short
    ],
    ids=["partial-head", "partial-request-line", "short-body", "no-last-chunk", "short-chunk"],
)
def test_a_request_that_never_finishes_gets_a_408_and_is_closed(short_server, unfinished):
    with Connection(short_server.port) as conn:
        conn.send(unfinished)
        status, headers, payload = conn.response()
        assert status == 408
        assert headers["connection"] == "close"
        assert error_of(payload) == (
            "SerializationException",
            f"Malformed HTTP request: request not received within {SHORT:g} seconds",
        )
        assert conn.closed_by_server()
    with Connection(short_server.port) as conn:  # the server goes on
        conn.send(post(LIST_TABLES))
        assert conn.response()[0] == 200


def test_a_head_arriving_byte_by_byte_is_timed_from_its_first_byte(short_server):
    request = post(LIST_TABLES)
    with Connection(short_server.port) as conn:
        for position in range(len(request)):  # bounded: far more steps than the timeout allows
            try:
                conn.send(request[position : position + 1])
            except OSError:  # closed after the 408
                break
            time.sleep(SHORT / 5)
        assert conn.response()[0] == 408


def test_a_body_that_keeps_arriving_is_read_to_its_end():
    body = json.dumps({"Limit": 5}).encode()
    timeout = 1.0  # ten times each pause, so a busy machine does not make a pause look like one
    with dynasim.Simulator().serve(read_timeout=timeout) as server, Connection(server.port) as conn:
        conn.send(head(f"Content-Length: {len(body)}\r\n"))
        for byte in body:  # longer in all than the timeout, never pausing as long as it
            time.sleep(timeout / 10)
            conn.send(bytes([byte]))
        assert conn.response()[0] == 200


def test_an_idle_keep_alive_connection_is_left_open(short_server):
    with Connection(short_server.port) as conn:
        conn.send(post(LIST_TABLES))
        assert conn.response()[0] == 200
        time.sleep(SHORT * 3)
        conn.send(post(LIST_TABLES))
        assert conn.response()[0] == 200


@pytest.mark.parametrize(
    "garbage, reason",
    [
        (b"\x16\x03\x01\x02\x00\x01\x00\x01\xfc\x03\x03", "invalid request line"),  # a TLS ClientHello
        (b"\x00\xff\xfe garbage", "invalid request line"),
        (b"POST / HTTP/1.1\nHost: localhost\n", "bare CR or LF in the request head"),
        (b"POST / HTTP/1.1\r\nHost: localhost\nX-Amz-Target: x", "bare CR or LF in the request head"),
        (b"POST /only-two-parts\r\nHost: localhost\r\n", "invalid request line"),
        (b"POST / HTTP/1.1 extra\r\n", "invalid request line"),
    ],
    ids=["tls", "binary", "bare-lf", "bare-lf-in-header", "two-part-line", "four-part-line"],
)
def test_a_head_that_can_never_be_a_request_is_refused_at_once(long_server, garbage, reason):
    with Connection(long_server.port) as conn:
        conn.send(garbage)
        status, headers, payload = conn.response()  # long before the read timeout
        assert status == 400
        assert headers["connection"] == "close"
        assert error_of(payload) == ("SerializationException", f"Malformed HTTP request: {reason}")
        assert conn.closed_by_server()


def test_a_first_line_arriving_in_pieces_is_not_refused(short_server):
    with Connection(short_server.port) as conn:
        for piece in (b"\r", b"\n", b"P", b"OST", b" / HTTP/1.1\r", b"\n"):
            conn.send(piece)
            time.sleep(0.01)
        conn.send(post(LIST_TABLES)[len(b"POST / HTTP/1.1\r\n") :])
        assert conn.response()[0] == 200


def test_http_1_0_with_transfer_encoding_is_answered_then_closed(long_server):
    with Connection(long_server.port) as conn:
        conn.send(
            f"POST / HTTP/1.0\r\nConnection: keep-alive\r\nX-Amz-Target: {LIST_TABLES}\r\n"
            "Content-Type: application/x-amz-json-1.0\r\nTransfer-Encoding: chunked\r\n\r\n"
            "2\r\n{}\r\n0\r\n\r\n".encode()
            + post(LIST_TABLES)  # never read: the framing of what follows is not to be trusted
        )
        status, headers, _ = conn.response()
        assert status == 200
        assert headers["connection"] == "close"
        assert conn.closed_by_server()


def test_http_1_0_keep_alive_without_transfer_encoding_stays_open(long_server):
    with Connection(long_server.port) as conn:
        request = post(LIST_TABLES).replace(b"HTTP/1.1", b"HTTP/1.0", 1)
        conn.send(request.replace(b"\r\n\r\n", b"\r\nConnection: keep-alive\r\n\r\n", 1))
        status, headers, _ = conn.response()
        assert (status, headers["connection"]) == (200, "keep-alive")


def test_unfinished_requests_of_all_connections_hold_bounded_memory():
    budget, length = 1000, 1000
    body = json.dumps({"Limit": 5}).encode().ljust(length)
    with dynasim.Simulator().serve(read_timeout=LONG, max_buffered_bytes=budget) as server:
        http_server = server.server
        with Connection(server.port) as first, Connection(server.port) as second:
            first.send(head(f"Content-Length: {length}\r\n") + body[:900])
            second.send(head(f"Content-Length: {length}\r\n") + body[:200])
            deadline = time.monotonic() + 5
            while http_server.buffered < 1001 and time.monotonic() < deadline:  # bounded wait for the reads
                time.sleep(0.01)
            assert 1000 < http_server.buffered <= 1100  # the second is over the budget: not read from
            second.send(body[200:])
            time.sleep(0.2)
            assert http_server.buffered <= 1100  # still not read
            first.send(body[900:])  # the first finishes, and the second is read again
            assert first.response()[0] == 200
            assert second.response()[0] == 200
        deadline = time.monotonic() + 5
        while http_server.buffered and time.monotonic() < deadline:
            time.sleep(0.01)
        assert http_server.buffered == 0


def test_read_timeout_must_be_positive():
    with pytest.raises(ValueError, match="read_timeout"):
        dynasim.Simulator().serve(read_timeout=0)


def test_read_timeout_flag():
    with ServerProcess("--read-timeout", "0.3") as server, Connection(server.port) as conn:
        conn.send(b"POST / HTTP/1.1\r\n")
        status, _, payload = conn.response()
        assert status == 408
        assert error_of(payload)[1] == "Malformed HTTP request: request not received within 0.3 seconds"


# --- a bounded fuzz of the framing: whatever the bytes, a 4xx or a clean close, never a 5xx ----------

VALID_STREAM = (
    post(LIST_TABLES, b'{"Limit": 5}')
    + b"POST / HTTP/1.1\r\nHost: localhost\r\nX-Amz-Target: "
    + LIST_TABLES.encode()
    + b"\r\nTransfer-Encoding: chunked\r\n\r\n2\r\n{}\r\n0\r\n\r\n"
)
FRAMING_NOISE = [
    b"\n",
    b"\r",
    b"\x00",
    b"\xff\xfe",
    b" ",
    b":",
    b"HTTP/1.0",
    b"HTTP/2.0",
    b"Content-Length: 99999999999999999999\r\n",
    b"Content-Length: -1\r\n",
    b"Transfer-Encoding: gzip, chunked\r\n",
    b"Transfer-Encoding: chunked\r\n",
    b"Expect: 100-continue\r\n",
    b"ffffffffffffffffff\r\n",
    b"0\r\n\r\n",
]


@st.composite
def mangled_streams(draw):
    stream = VALID_STREAM
    for _ in range(draw(st.integers(1, 4))):
        position = draw(st.integers(0, len(stream)))
        noise = draw(st.sampled_from(FRAMING_NOISE) | st.binary(min_size=1, max_size=6))
        stream = stream[:position] + noise + stream[position + draw(st.integers(0, 6)) :]
    return stream


@pytest.fixture(scope="module")
def framing_server():
    with dynasim.Simulator().serve(read_timeout=SHORT) as server:
        yield server


@given(stream=mangled_streams())
@settings(max_examples=100, deadline=None, derandomize=True, database=None)
def test_mangled_framing_gets_answers_below_500_or_a_clean_close(framing_server, stream):
    with Connection(framing_server.port) as conn:
        conn.send(stream)
        conn.sock.shutdown(socket.SHUT_WR)  # no more bytes: an unfinished request ends here
        for _ in range(4):  # at most the stream's two requests, and bounded
            try:
                status, _, _ = conn.response()
            except ConnectionError:  # closed, having answered everything it could read
                break
            assert status < 500, stream
    with Connection(framing_server.port) as conn:  # the server goes on
        conn.send(post(LIST_TABLES))
        assert conn.response()[0] == 200
