"""SigV4 verification at the endpoint: signatures checked by botocore's signer against configured keys."""

from __future__ import annotations

import datetime
import json

import pytest
from botocore import UNSIGNED
from botocore.config import Config
from http_helpers import CREDENTIALS, Connection, client, post

import dynasim
from dynasim.fronts.sigv4 import Verifier

KEYS = {CREDENTIALS["aws_access_key_id"]: CREDENTIALS["aws_secret_access_key"], "second": "other-secret"}
TARGET = "DynamoDB_20120810.ListTables"
NO_RETRIES = Config(retries={"max_attempts": 0})


@pytest.fixture(scope="module")
def server():
    with dynasim.Simulator().serve(credentials=KEYS) as running:
        yield running


def _code(error) -> tuple[str, str]:
    return error.response["Error"]["Code"], error.response["Error"]["Message"]


def test_signed_requests_from_configured_keys_pass(server):
    assert client(server.url).list_tables()["TableNames"] == []
    other = client(server.url, aws_access_key_id="second", aws_secret_access_key="other-secret")
    assert other.list_tables()["TableNames"] == []
    # any region: the signature is checked with the region the client signed for
    assert client(server.url, region_name="eu-west-3").list_tables()["TableNames"] == []


def test_session_tokens_are_signed_like_any_header(server):
    assert client(server.url, aws_session_token="token").list_tables()["TableNames"] == []


def test_wrong_secret_is_an_invalid_signature(server):
    ddb = client(server.url, aws_secret_access_key="wrong", config=NO_RETRIES)
    with pytest.raises(ddb.exceptions.ClientError) as raised:
        ddb.list_tables()
    assert _code(raised.value) == (
        "InvalidSignatureException",
        "The request signature we calculated does not match the signature you provided. Check your AWS "
        "Secret Access Key and signing method. Consult the service documentation for details.",
    )
    assert raised.value.response["ResponseMetadata"]["HTTPStatusCode"] == 400


def test_unknown_key_is_an_unrecognized_client(server):
    ddb = client(server.url, aws_access_key_id="nobody", config=NO_RETRIES)
    with pytest.raises(ddb.exceptions.ClientError) as raised:
        ddb.list_tables()
    assert _code(raised.value) == (
        "UnrecognizedClientException",
        "The security token included in the request is invalid.",
    )


def test_unsigned_requests_miss_the_token(server):
    ddb = client(server.url, config=Config(signature_version=UNSIGNED, retries={"max_attempts": 0}))
    with pytest.raises(ddb.exceptions.ClientError) as raised:
        ddb.list_tables()
    assert _code(raised.value) == (
        "MissingAuthenticationTokenException",
        "Request is missing Authentication Token",
    )


def _signed_raw(body: bytes, tamper=None) -> bytes:
    """A request signed by botocore, as raw bytes (so a test can change it after signing)."""
    from botocore.auth import SigV4Auth
    from botocore.awsrequest import AWSRequest
    from botocore.credentials import Credentials

    request = AWSRequest(
        method="POST",
        url="http://localhost/",
        data=body,
        headers={"X-Amz-Target": TARGET, "Content-Type": "application/x-amz-json-1.0"},
    )
    SigV4Auth(Credentials(*CREDENTIALS.values()), "dynamodb", "us-east-1").add_auth(request)
    headers = dict(request.headers.items())
    headers["Host"] = "localhost"
    if tamper:
        tamper(headers)
    lines = [f"{name}: {value}" for name, value in headers.items()]
    lines.append(f"Content-Length: {len(body)}")
    return ("POST / HTTP/1.1\r\n" + "\r\n".join(lines) + "\r\n\r\n").encode() + body


def _answer(server, data: bytes) -> tuple[int, dict]:
    with Connection(server.port) as conn:
        conn.send(data)
        status, _, body = conn.response()
    return status, json.loads(body)


def test_a_body_changed_after_signing_is_rejected(server):
    assert _answer(server, _signed_raw(b"{}"))[0] == 200
    status, body = _answer(server, _signed_raw(b"{}").replace(b"\r\n\r\n{}", b"\r\n\r\n[]"))
    assert status == 400 and body["__type"].endswith("#InvalidSignatureException")


def test_a_signed_header_changed_after_signing_is_rejected(server):
    def retarget(headers):
        headers["X-Amz-Target"] = "DynamoDB_20120810.DescribeLimits"

    status, body = _answer(server, _signed_raw(b"{}", retarget))
    assert body["__type"].endswith("#InvalidSignatureException")


def test_incomplete_authorization_headers(server):
    def truncate(headers):
        headers["Authorization"] = headers["Authorization"].split(", Signature=")[0]

    status, body = _answer(server, _signed_raw(b"{}", truncate))
    assert status == 400 and body["__type"].endswith("#IncompleteSignatureException")
    assert "Authorization header requires 'Signature' parameter." in body["message"]

    def no_date(headers):
        del headers["X-Amz-Date"]

    status, body = _answer(server, _signed_raw(b"{}", no_date))
    assert body["__type"].endswith("#IncompleteSignatureException")
    status, body = _answer(server, post("DynamoDB_20120810.ListTables", extra="Authorization: Basic abc\r\n"))
    assert body["__type"].endswith("#IncompleteSignatureException")


def test_expired_and_future_signatures():
    verifier = Verifier(KEYS)
    raw = _signed_raw(b"{}")
    head, _, body = raw.partition(b"\r\n\r\n")
    headers = {}
    for line in head.decode().split("\r\n")[1:]:
        name, _, value = line.partition(":")
        headers[name.strip().lower()] = value.strip()
    assert verifier.verify("POST", "/", headers, body) == CREDENTIALS["aws_access_key_id"]
    signed_at = datetime.datetime.strptime(headers["x-amz-date"], "%Y%m%dT%H%M%SZ").replace(
        tzinfo=datetime.timezone.utc
    )
    late = Verifier(KEYS, clock=lambda: signed_at + datetime.timedelta(minutes=16))
    with pytest.raises(dynasim.DynamoDBError) as raised:
        late.verify("POST", "/", headers, body)
    assert raised.value.code == "InvalidSignatureException"
    assert raised.value.message.startswith(f"Signature expired: {headers['x-amz-date']} is now earlier than ")
    early = Verifier(KEYS, clock=lambda: signed_at - datetime.timedelta(minutes=16))
    with pytest.raises(dynasim.DynamoDBError) as raised:
        early.verify("POST", "/", headers, body)
    assert raised.value.message.startswith("Signature not yet current: ")


def test_health_check_needs_no_signature(server):
    with Connection(server.port) as conn:
        conn.send(b"GET / HTTP/1.1\r\n\r\n")
        assert conn.response()[0] == 200
