"""The HTTP endpoint: real boto3 clients against Simulator.serve(), and the HTTP framing edge cases."""

from __future__ import annotations

import asyncio
import gzip
import json
import socket
import threading
import zlib

import pytest
from botocore.config import Config
from http_helpers import SCHEMA, TIMEOUT, Connection, client, post
from hypothesis import given, settings
from hypothesis import strategies as st

import dynasim
from dynasim.fronts import http

LIST_TABLES = "DynamoDB_20120810.ListTables"


@pytest.fixture
def sim():
    return dynasim.Simulator()


@pytest.fixture
def server(sim):
    with sim.serve() as running:
        yield running


# --- real clients -----------------------------------------------------------------------------


def test_boto3_round_trip_shares_the_simulators_tables(sim, server):
    ddb = client(server.url)
    ddb.create_table(TableName="orders", **SCHEMA)
    ddb.put_item(TableName="orders", Item={"pk": {"S": "a"}, "blob": {"B": b"\x00\xff"}, "n": {"N": "1.50"}})
    item = ddb.get_item(TableName="orders", Key={"pk": {"S": "a"}})["Item"]
    assert item == {"pk": {"S": "a"}, "blob": {"B": b"\x00\xff"}, "n": {"N": "1.5"}}
    assert sim.client().list_tables()["TableNames"] == ["orders"]


def test_boto3_errors_are_the_service_exceptions(server):
    ddb = client(server.url, config=Config(retries={"max_attempts": 1}))
    with pytest.raises(ddb.exceptions.ResourceNotFoundException) as raised:
        ddb.describe_table(TableName="missing")
    meta = raised.value.response["ResponseMetadata"]
    assert meta["HTTPStatusCode"] == 400
    assert raised.value.response["Error"]["Message"] == "Requested resource not found: Table: missing not found"


def test_response_headers_are_dynamodbs(server):
    with Connection(server.port) as conn:
        conn.send(post(LIST_TABLES))
        status, headers, body = conn.response()
    assert status == 200 and json.loads(body) == {"TableNames": []}
    assert headers["content-type"] == "application/x-amz-json-1.0"
    assert len(headers["x-amzn-requestid"]) == 52
    assert headers["x-amz-crc32"] == str(zlib.crc32(body))
    assert headers["connection"] == "keep-alive"


def test_serve_binds_loopback_on_a_free_port(server):
    assert server.host == "127.0.0.1" and server.port > 0
    assert server.url == f"http://127.0.0.1:{server.port}"


def test_stop_closes_the_listener_and_is_idempotent(sim):
    running = sim.serve()
    port = running.port
    running.stop()
    running.stop()
    with pytest.raises(OSError):
        socket.create_connection(("127.0.0.1", port), timeout=TIMEOUT).close()


# --- keep-alive, pipelining and concurrency ---------------------------------------------------------


def test_keep_alive_and_pipelined_requests_are_answered_in_order(sim, server):
    sim.client().create_table(TableName="pipes", **SCHEMA)
    with Connection(server.port) as conn:
        conn.send(post(LIST_TABLES) + post("DynamoDB_20120810.DescribeTable", b'{"TableName":"nope"}'))
        first, second = conn.response(), conn.response()
        conn.send(post(LIST_TABLES, b'{"Limit": 1}'))
        third = conn.response()
    assert json.loads(first[2]) == {"TableNames": ["pipes"]}
    assert second[0] == 400 and "ResourceNotFoundException" in json.loads(second[2])["__type"]
    assert third[0] == 200


def test_requests_split_into_single_bytes_are_reassembled(server):
    request = post(LIST_TABLES)
    with Connection(server.port) as conn:
        conn.sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
        for i in range(len(request)):
            conn.send(request[i : i + 1])
        assert conn.response()[0] == 200


def test_many_concurrent_connections_and_clients(sim, server):
    sim.client().create_table(TableName="busy", **SCHEMA)
    open_connections = [Connection(server.port) for _ in range(200)]
    failures: list[BaseException] = []

    def work(worker: int) -> None:
        try:
            ddb = client(server.url)
            for i in range(20):
                key = {"pk": {"S": f"{worker}-{i}"}}
                ddb.put_item(TableName="busy", Item={**key, "v": {"N": str(i)}})
                assert ddb.get_item(TableName="busy", Key=key)["Item"]["v"] == {"N": str(i)}
        except BaseException as error:  # noqa: BLE001  (reported below)
            failures.append(error)

    threads = [threading.Thread(target=work, args=(n,)) for n in range(16)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(60)
    for conn in open_connections:  # idle connections are still served
        conn.send(post(LIST_TABLES))
        assert conn.response()[0] == 200
        conn.close()
    assert not failures
    assert sim.client().describe_table(TableName="busy")["Table"]["ItemCount"] == 16 * 20


# --- protocol errors ------------------------------------------------------------------------------


def _one(server, data: bytes, head_only: bool = False):
    with Connection(server.port) as conn:
        conn.send(data)
        return conn.response(head_only)


def _error_type(body: bytes) -> str:
    return json.loads(body)["__type"].rsplit("#", 1)[1]


def test_unknown_target_and_missing_target(server):
    status, _, body = _one(server, post("DynamoDB_20120810.DoSomething"))
    assert (status, _error_type(body)) == (400, "UnknownOperationException")
    assert json.loads(body)["message"] == "An unknown operation was requested."
    status, _, body = _one(server, post(None))
    assert (status, _error_type(body)) == (400, "UnknownOperationException")


def test_streams_target_reaches_the_engine(server):
    status, _, body = _one(server, post("DynamoDBStreams_20120810.ListStreams"))
    assert status == 200 and json.loads(body) == {"Streams": []}


def test_a_dynamodb_streams_client_reaches_the_same_endpoint(server):
    import boto3

    streams = boto3.client(
        "dynamodbstreams",
        endpoint_url=server.url,
        region_name="us-east-1",
        aws_access_key_id="x",
        aws_secret_access_key="x",
        config=Config(retries={"max_attempts": 0}),
    )
    assert streams.list_streams()["Streams"] == []
    with pytest.raises(streams.exceptions.ResourceNotFoundException):  # the engine's answer, not a transport error
        streams.describe_stream(StreamArn="arn:aws:dynamodb:us-east-1:123456789012:table/t/stream/x")


@pytest.mark.parametrize("body", [b"{not json", b"[1, 2]", b"\xff\xfe"])
def test_malformed_json_is_a_serialization_exception(server, body):
    status, _, answer = _one(server, post(LIST_TABLES, body))
    assert (status, _error_type(answer)) == (400, "SerializationException")


def test_missing_content_length_means_an_empty_body(server):
    request = f"POST / HTTP/1.1\r\nHost: x\r\nX-Amz-Target: {LIST_TABLES}\r\n\r\n".encode()
    status, _, body = _one(server, request)
    assert status == 200 and json.loads(body) == {"TableNames": []}


@pytest.mark.parametrize("length", ["abc", "-1", "1e3", "", "²"])
def test_garbled_content_length_is_refused_and_the_connection_closed(server, length):
    request = f"POST / HTTP/1.1\r\nContent-Length: {length}\r\nX-Amz-Target: {LIST_TABLES}\r\n\r\n{{}}"
    with Connection(server.port) as conn:
        conn.send(request.encode("utf-8"))
        status, headers, body = conn.response()
        assert status == 400 and _error_type(body) == "SerializationException"
        assert headers["connection"] == "close"
        assert conn.closed_by_server()


def test_conflicting_content_lengths_are_refused(server):
    request = "POST / HTTP/1.1\r\nContent-Length: 2\r\nContent-Length: 3\r\n\r\n{}"
    assert _one(server, request.encode())[0] == 400


GARBAGE = [
    b"HELLO\r\n\r\n",
    b"GET /\r\n\r\n",
    b"POST / HTTP/1.1\r\nno colon\r\n\r\n",
    b"POST / HTTP/1.1\r\nName : space before the colon\r\n\r\n",
    b"POST / HTTP/1.1\r\nA: b\r\n folded: continuation\r\n\r\n",
    b"POST / HTTP/1.1\r\nA: bare\nLF\r\n\r\n",
    b"POST / HTTP/1.1\r\n: no name\r\n\r\n",
]


@pytest.mark.parametrize("garbage", GARBAGE)
def test_garbage_gets_an_answer_not_a_dropped_connection(server, garbage):
    status, _, body = _one(server, garbage)
    assert status == 400 and _error_type(body) == "SerializationException"


def test_unsupported_http_version(server):
    status, _, body = _one(server, b"GET / HTTP/2.0\r\n\r\n")
    assert status == 400  # not a 5xx: bad input never looks like a server fault
    assert json.loads(body)["message"] == "Malformed HTTP request: unsupported HTTP version HTTP/2.0"


def test_oversized_head_is_refused(server):
    request = b"GET / HTTP/1.1\r\nX-Big: " + b"a" * (http.MAX_HEAD_BYTES + 10) + b"\r\n\r\n"
    assert _one(server, request)[0] == 431


def test_internal_errors_are_500_without_a_stack_trace(sim, server, monkeypatch, caplog):
    def explode(operation, request, **_):
        raise RuntimeError("secret internals")

    monkeypatch.setattr(sim, "handle", explode)
    with Connection(server.port) as conn:
        conn.send(post(LIST_TABLES))
        status, _, body = conn.response()
        assert status == 500
        assert json.loads(body) == {
            "__type": "com.amazonaws.dynamodb.v20120810#InternalServerError",
            "message": "Internal server error",
        }
        conn.send(post(LIST_TABLES))  # the connection survives
        assert conn.response()[0] == 500
    assert "secret internals" in caplog.text


def test_boto3_retries_internal_errors_then_raises(sim, server, monkeypatch):
    calls = []

    def explode(operation, request, **_):
        calls.append(operation)
        raise RuntimeError("boom")

    monkeypatch.setattr(sim, "handle", explode)
    ddb = client(server.url, config=Config(retries={"max_attempts": 2, "mode": "standard"}))
    with pytest.raises(ddb.exceptions.InternalServerError):
        ddb.list_tables()
    assert len(calls) == 3  # max_attempts counts retries: one call, two retries


# --- bodies: chunked, oversized, Expect -------------------------------------------------------------


def _chunked(body: bytes, sizes: list[int]) -> bytes:
    out, position = b"", 0
    for size in sizes:
        piece = body[position : position + size]
        position += size
        out += f"{len(piece):x};ext=1\r\n".encode() + piece + b"\r\n"
    return out + b"0\r\nX-Trailer: yes\r\n\r\n"


def test_chunked_bodies(sim, server):
    sim.client().create_table(TableName="chunks", **SCHEMA)
    body = b'{"TableName": "chunks"}'
    head = b"POST / HTTP/1.1\r\nX-Amz-Target: DynamoDB_20120810.DescribeTable\r\nTransfer-Encoding: chunked\r\n\r\n"
    with Connection(server.port) as conn:
        conn.send(head + _chunked(body, [3, 10, 100]))
        status, _, answer = conn.response()
        assert status == 200 and json.loads(answer)["Table"]["TableName"] == "chunks"
        conn.send(post(LIST_TABLES))
        assert conn.response()[0] == 200


BAD_CHUNKS = [b"zz\r\n{}\r\n0\r\n\r\n", b"2\r\n{}XX0\r\n\r\n", b"0x2\r\n{}\r\n0\r\n\r\n"]


@pytest.mark.parametrize("chunks", BAD_CHUNKS)
def test_bad_chunks_are_refused(server, chunks):
    head = f"POST / HTTP/1.1\r\nX-Amz-Target: {LIST_TABLES}\r\nTransfer-Encoding: chunked\r\n\r\n".encode()
    with Connection(server.port) as conn:
        conn.send(head + chunks)
        assert conn.response()[0] == 400
        assert conn.closed_by_server()


def test_other_transfer_encodings_are_refused(server):
    request = b"POST / HTTP/1.1\r\nTransfer-Encoding: gzip\r\n\r\n"
    status, _, body = _one(server, request)
    assert status == 400  # not RFC 9112's 501: bad input never looks like a server fault
    assert json.loads(body)["message"] == "Malformed HTTP request: unsupported transfer-encoding gzip"


def test_oversized_body_is_refused_unread_and_the_connection_kept(sim):
    limit = 1024
    with sim.serve(max_request_bytes=limit) as server, Connection(server.port) as conn:
        big = b'{"TableName": "' + b"x" * 5000 + b'"}'
        conn.send(post(LIST_TABLES, big))
        status, headers, body = conn.response()
        assert status == 413 and _error_type(body) == "RequestEntityTooLarge"
        assert headers["connection"] == "keep-alive"
        conn.send(post(LIST_TABLES))  # the oversized body was skipped, not parsed as a request
        assert conn.response()[0] == 200


def test_oversized_body_is_refused_before_it_is_sent(sim):
    with sim.serve(max_request_bytes=1024) as server, Connection(server.port) as conn:
        head = f"POST / HTTP/1.1\r\nX-Amz-Target: {LIST_TABLES}\r\nContent-Length: {10**9}\r\n\r\n"
        conn.send(head.encode())
        status, _, body = conn.response()
        assert status == 413 and "1000000000" in json.loads(body)["message"]


def test_oversized_chunked_body_is_refused(sim):
    with sim.serve(max_request_bytes=100) as server, Connection(server.port) as conn:
        head = f"POST / HTTP/1.1\r\nX-Amz-Target: {LIST_TABLES}\r\nTransfer-Encoding: chunked\r\n\r\n"
        conn.send(head.encode() + _chunked(b"y" * 1000, [60, 60, 880]))
        assert conn.response()[0] == 413
        conn.send(post(LIST_TABLES))
        assert conn.response()[0] == 200


def test_expect_100_continue(sim):
    with sim.serve(max_request_bytes=1024) as server, Connection(server.port) as conn:
        conn.send(post(LIST_TABLES, b"{}", "Expect: 100-continue\r\n")[:-2])
        assert conn.response()[0] == 100
        conn.send(b"{}")
        assert conn.response()[0] == 200
        conn.send(post(LIST_TABLES, b"x" * 2000, "Expect: 100-continue\r\n")[:-2000])
        status, headers, _ = conn.response()
        assert status == 413 and headers["connection"] == "close"


# --- other methods -----------------------------------------------------------------------------


def test_get_is_dynamodbs_health_check_naming_the_host_addressed(server):
    status, headers, body = _one(server, b"GET / HTTP/1.1\r\nHost: dynamodb.us-east-1.amazonaws.com\r\n\r\n")
    assert status == 200 and body == b"healthy: dynamodb.us-east-1.amazonaws.com "
    assert headers["content-type"] == "text/plain"
    assert len(headers["x-amzn-requestid"]) == 52 and headers["x-amz-crc32"] == str(zlib.crc32(body))
    host = f"127.0.0.1:{server.port}".encode()
    status, headers, body = _one(server, b"GET /?probe=1 HTTP/1.1\r\nHost: " + host + b"\r\n\r\n")
    assert status == 200 and body == b"healthy: " + host + b" "
    status, headers, body = _one(server, b"HEAD / HTTP/1.1\r\nHost: x\r\n\r\n", head_only=True)
    assert status == 200 and body == b"" and headers["content-length"] == str(len(b"healthy: x "))


def test_health_check_without_a_host_names_the_regions_endpoint(server):
    status, _, body = _one(server, b"GET / HTTP/1.0\r\n\r\n")
    assert status == 200 and body == b"healthy: dynamodb.us-east-1.amazonaws.com "


UNKNOWN = b"<UnknownOperationException/>\n"


@pytest.mark.parametrize(
    "request_head",
    [
        b"GET /foo HTTP/1.1\r\nHost: x\r\n\r\n",
        b"GET /health HTTP/1.1\r\nHost: x\r\n\r\n",
        b"HEAD /index.htm HTTP/1.1\r\nHost: x\r\n\r\n",
        b"PUT / HTTP/1.1\r\nHost: x\r\n\r\n",
        b"DELETE / HTTP/1.1\r\nHost: x\r\n\r\n",
        b"PATCH /x HTTP/1.1\r\nHost: x\r\n\r\n",
    ],
)
def test_other_paths_and_methods_are_dynamodbs_404(server, request_head):
    status, headers, body = _one(server, request_head, head_only=request_head.startswith(b"HEAD"))
    assert status == 404
    assert headers["content-length"] == str(len(UNKNOWN)) and headers["x-amz-crc32"] == "3552371480"
    assert body == (b"" if request_head.startswith(b"HEAD") else UNKNOWN)


def test_a_dynamodb_call_on_another_path_is_refused_and_changes_nothing(sim, server):
    body = json.dumps({"TableName": "elsewhere", **SCHEMA}).encode()
    request = post("DynamoDB_20120810.CreateTable", body).replace(b"POST / ", b"POST /foo ")
    status, _, answer = _one(server, request)
    assert (status, answer) == (404, UNKNOWN)
    assert sim.client().list_tables()["TableNames"] == []


def test_options_answers_with_the_allowed_methods(server):
    status, headers, _ = _one(server, b"OPTIONS / HTTP/1.1\r\nOrigin: http://evil.example\r\n\r\n")
    assert status == 200 and "POST" in headers["allow"]
    assert "access-control-allow-origin" not in headers  # no CORS unless configured


def test_cors_for_configured_origins(sim):
    with sim.serve(cors_origins=["http://app.local"]) as server:
        preflight = (
            b"OPTIONS / HTTP/1.1\r\nOrigin: http://app.local\r\nAccess-Control-Request-Method: POST\r\n"
            b"Access-Control-Request-Headers: x-amz-target,content-type\r\n\r\n"
        )
        _, headers, _ = _one(server, preflight)
        assert headers["access-control-allow-origin"] == "http://app.local"
        assert headers["access-control-allow-headers"] == "x-amz-target,content-type"
        _, headers, _ = _one(server, post(LIST_TABLES, extra="Origin: http://app.local\r\n"))
        assert headers["access-control-allow-origin"] == "http://app.local"
        _, headers, _ = _one(server, post(LIST_TABLES, extra="Origin: http://other.local\r\n"))
        assert "access-control-allow-origin" not in headers


def test_http_10_closes_after_the_answer(server):
    with Connection(server.port) as conn:
        conn.send(post(LIST_TABLES).replace(b"HTTP/1.1", b"HTTP/1.0"))
        status, headers, _ = conn.response()
        assert status == 200 and headers["connection"] == "close"
        assert conn.closed_by_server()


def test_connection_close_is_honoured(server):
    with Connection(server.port) as conn:
        conn.send(post(LIST_TABLES, extra="Connection: close\r\n"))
        assert conn.response()[0] == 200
        assert conn.closed_by_server()


# --- the parser, fed in arbitrary pieces ---------------------------------------------------------


class _Transport:
    def __init__(self) -> None:
        self.written = bytearray()
        self.closed = False

    def write(self, data: bytes) -> None:
        self.written += data

    def is_closing(self) -> bool:
        return self.closed

    def can_write_eof(self) -> bool:
        return False

    def close(self) -> None:
        self.closed = True

    def pause_reading(self) -> None:
        pass

    def resume_reading(self) -> None:
        pass


def _feed(pieces: list[bytes]) -> bytes:
    async def feed() -> bytes:  # on an event loop, as the connection's read timeouts need one
        sim = dynasim.Simulator()
        connection = http._Connection(http.HTTPServer(sim))
        transport = _Transport()
        connection.connection_made(transport)
        for piece in pieces:
            connection.data_received(piece)
        return bytes(transport.written)

    return asyncio.run(feed())


def _without_volatile_headers(answer: bytes) -> bytes:
    lines = answer.split(b"\r\n")
    return b"\r\n".join(line for line in lines if not line.lower().startswith((b"x-amzn-requestid", b"date")))


@given(cuts=st.lists(st.integers(min_value=0, max_value=2000), max_size=12))
@settings(max_examples=150, deadline=None)
def test_any_split_of_a_request_stream_gives_the_same_answers(cuts):
    stream = (
        post(LIST_TABLES)
        + b"GET / HTTP/1.1\r\n\r\n"
        + b"POST / HTTP/1.1\r\nX-Amz-Target: "
        + LIST_TABLES.encode()
        + b"\r\nTransfer-Encoding: chunked\r\n\r\n1\r\n{\r\n1\r\n}\r\n0\r\n\r\n"
        + post("DynamoDB_20120810.Nope")
    )
    positions = sorted({cut % (len(stream) + 1) for cut in cuts})
    pieces = [stream[a:b] for a, b in zip([0, *positions], [*positions, len(stream)], strict=True)]
    whole = _feed([stream])
    assert whole.count(b"HTTP/1.1 200 OK") == 3 and whole.count(b"HTTP/1.1 400") == 1
    assert _without_volatile_headers(_feed(pieces)) == _without_volatile_headers(whole)


# --- compressed bodies -------------------------------------------------------------------------

PUT_BODY = json.dumps({"TableName": "zipped", "Item": {"pk": {"S": "a"}, "v": {"S": "x" * 100}}}).encode()


def _compressed(server, body: bytes, coding: str, target: str = "DynamoDB_20120810.PutItem"):
    return _one(server, post(target, body, f"Content-Encoding: {coding}\r\n"))


@pytest.mark.parametrize(
    ("coding", "body"),
    [
        ("gzip", gzip.compress(PUT_BODY)),
        ("GZIP", gzip.compress(PUT_BODY)),
        ("deflate", zlib.compress(PUT_BODY)),
        ("identity", PUT_BODY),
        ("gzip", gzip.compress(PUT_BODY[:10]) + gzip.compress(PUT_BODY[10:])),  # two members, one body
        ("gzip", gzip.compress(PUT_BODY) + b"junk"),  # the service ignores what follows the members
    ],
    ids=["gzip", "GZIP", "deflate", "identity", "gzip-two-members", "gzip-trailing-junk"],
)
def test_compressed_bodies_are_decoded(sim, server, coding, body):
    sim.client().create_table(TableName="zipped", **SCHEMA)
    status, _, answer = _compressed(server, body, coding)
    assert (status, answer) == (200, b"{}")
    assert sim.client().get_item(TableName="zipped", Key={"pk": {"S": "a"}})["Item"]["v"] == {"S": "x" * 100}


@pytest.mark.parametrize(
    ("coding", "body"),
    [
        ("br", gzip.compress(PUT_BODY)),
        ("garbage", PUT_BODY),
        ("gzip", PUT_BODY),  # not gzip at all
        ("gzip", gzip.compress(PUT_BODY)[:-1]),  # truncated
        ("gzip", b""),
        ("deflate", PUT_BODY),
        ("deflate", b""),
    ],
    ids=["br", "garbage", "gzip-not-gzip", "gzip-truncated", "gzip-empty", "deflate-not-deflate", "deflate-empty"],
)
def test_undecodable_bodies_get_a_400_and_change_nothing(sim, server, coding, body, caplog):
    sim.client().create_table(TableName="zipped", **SCHEMA)
    status, _, answer = _compressed(server, body, coding)
    assert status == 400 and json.loads(answer) == {
        "__type": "com.amazon.coral.service#SerializationException",
        "Message": "",
    }
    assert sim.client().scan(TableName="zipped")["Items"] == []
    assert "internal error" not in caplog.text  # an answer, not a crash


def test_decompression_stops_at_the_size_limit(sim):
    bomb = gzip.compress(PUT_BODY[:-1] + b" " * 50_000 + b"}")  # 50 kB that compresses to about 100 bytes
    with sim.serve(max_request_bytes=4096) as server:
        sim.client().create_table(TableName="zipped", **SCHEMA)
        status, _, answer = _compressed(server, bomb, "gzip")
        assert len(bomb) < 4096
        assert status == 413 and _error_type(answer) == "RequestEntityTooLarge"
        assert json.loads(answer)["message"] == "Request body decompresses to more than the limit of 4096 bytes"
        assert _compressed(server, gzip.compress(PUT_BODY), "gzip")[0] == 200  # within it, fine
    assert sim.client().scan(TableName="zipped")["Count"] == 1


def test_an_sdk_that_compresses_its_requests(sim):
    # botocore compresses the operations its model marks (DynamoDB's marks none yet): mark them all.
    ddb = sim.client(config=Config(request_min_compression_size_bytes=1))
    operations = ddb.meta.service_model._service_description["operations"]
    for operation in operations.values():
        operation["requestcompression"] = {"encodings": ["gzip"]}
    try:
        ddb.create_table(TableName="zipped", **SCHEMA)
        ddb.put_item(TableName="zipped", Item={"pk": {"S": "a"}})
        assert ddb.get_item(TableName="zipped", Key={"pk": {"S": "a"}})["Item"] == {"pk": {"S": "a"}}
    finally:  # the model is shared by every client of the session
        for operation in operations.values():
            operation.pop("requestcompression")


# --- operations without output ------------------------------------------------------------------


def test_tag_and_untag_answer_with_an_empty_body(sim, server):
    arn = sim.client().create_table(TableName="tagged", **SCHEMA)["TableDescription"]["TableArn"]
    tag = json.dumps({"ResourceArn": arn, "Tags": [{"Key": "k", "Value": "v"}]}).encode()
    status, headers, body = _one(server, post("DynamoDB_20120810.TagResource", tag))
    assert (status, body, headers["content-length"]) == (200, b"", "0")
    untag = json.dumps({"ResourceArn": arn, "TagKeys": ["k"]}).encode()
    status, headers, body = _one(server, post("DynamoDB_20120810.UntagResource", untag))
    assert (status, body, headers["content-length"]) == (200, b"", "0")
    ddb = client(server.url)  # and botocore reads them as the empty answers they are
    assert set(ddb.tag_resource(ResourceArn=arn, Tags=[{"Key": "a", "Value": "b"}])) == {"ResponseMetadata"}
    assert ddb.list_tags_of_resource(ResourceArn=arn)["Tags"] == [{"Key": "a", "Value": "b"}]


# --- oversized heads ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    "request_head",
    [
        b"GET /" + b"a" * (1024 * 1024) + b" HTTP/1.1\r\n\r\n",  # a request line of 1 MiB
        b"POST / HTTP/1.1\r\n" + b"X-Many: y\r\n" * 20_000 + b"\r\n",  # 20,000 header lines
        b"POST / HTTP/1.1\r\nX-Long: " + b"z" * (512 * 1024),  # one header, never ended
    ],
    ids=["request-line", "header-lines", "unended-header"],
)
def test_oversized_heads_get_an_answer_not_a_dropped_connection(server, request_head):
    with Connection(server.port) as conn:
        conn.sock.sendall(request_head)
        status, headers, body = conn.response()
        assert status == 431 and _error_type(body) == "SerializationException"
        assert headers["connection"] == "close" and conn.closed_by_server()
