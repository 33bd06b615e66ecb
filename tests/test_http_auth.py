"""SigV4 verification at the endpoint: signatures checked by botocore's signer against configured keys."""

from __future__ import annotations

import datetime
import hashlib
import json
import re

import boto3
import pytest
from botocore import UNSIGNED
from botocore.config import Config
from http_helpers import CREDENTIALS, SCHEMA, Connection, client, post

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
    streams = boto3.client("dynamodbstreams", endpoint_url=server.url, region_name="us-east-1", **CREDENTIALS)
    assert streams.list_streams()["Streams"] == []  # Streams signs as DynamoDB (botocore's signingName)


def test_a_region_other_than_the_endpoints_is_refused(server):
    ddb = client(server.url, region_name="eu-west-3", config=NO_RETRIES)
    with pytest.raises(ddb.exceptions.ClientError) as raised:
        ddb.list_tables()
    assert _code(raised.value) == (
        "InvalidSignatureException",
        "Credential should be scoped to a valid region, not 'eu-west-3'. ",
    )
    with dynasim.Simulator(region="eu-west-3").serve(credentials=KEYS) as other:
        assert client(other.url, region_name="eu-west-3").list_tables()["TableNames"] == []


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


def _signed_raw(
    body: bytes,
    tamper=None,
    *,
    target: str = TARGET,
    service: str = "dynamodb",
    region: str = "us-east-1",
    sign_only: tuple[str, ...] | None = None,
    extra: dict[str, str] | None = None,
) -> bytes:
    """A request signed by botocore, as raw bytes (so a test can change it after signing).

    `sign_only` limits the signed headers (botocore signs every header otherwise); `extra` headers
    are added before signing (an `X-Amz-Content-SHA256` is signed as the payload's hash)."""
    from botocore.auth import SigV4Auth
    from botocore.awsrequest import AWSRequest
    from botocore.credentials import Credentials

    class Signer(SigV4Auth):
        def headers_to_sign(self, request):
            chosen = super().headers_to_sign(request)
            if sign_only is not None:
                for name in list(chosen.keys()):
                    if name not in sign_only:
                        del chosen[name]
            return chosen

    request = AWSRequest(
        method="POST",
        url="http://localhost/",
        data=body,
        headers={"X-Amz-Target": target, "Content-Type": "application/x-amz-json-1.0", **(extra or {})},
    )
    Signer(Credentials(*CREDENTIALS.values()), service, region).add_auth(request)
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
    assert body["__type"].endswith("#MissingAuthenticationTokenException")  # not an AWS4- scheme at all


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


# --- a request signed by a configured key, then tampered with: every forgery refused, nothing written


SIGNATURE_MISMATCH = (
    "The request signature we calculated does not match the signature you provided. Check your AWS "
    "Secret Access Key and signing method. Consult the service documentation for details."
)
PUT = "DynamoDB_20120810.PutItem"


@pytest.fixture
def table():
    sim = dynasim.Simulator()
    sim.client().create_table(TableName="orders", **SCHEMA)
    with sim.serve(credentials=KEYS) as running:
        yield sim, running


def _put(pk: str) -> bytes:
    return json.dumps({"TableName": "orders", "Item": {"pk": {"S": pk}}}).encode()


def _error(server, data: bytes) -> tuple[int, str, str]:
    status, body = _answer(server, data)
    return status, body["__type"].split("#")[-1], body.get("message", "")


def dynasim_items(sim) -> list[dict]:
    return sim.client().scan(TableName="orders")["Items"]


def test_an_honest_put_is_stored(table):
    sim, server = table
    assert _answer(server, _signed_raw(_put("honest"), target=PUT))[0] == 200
    assert [item["pk"]["S"] for item in dynasim_items(sim)] == ["honest"]


def test_a_body_swapped_under_unsigned_payload_is_refused(table):
    sim, server = table
    signed = _signed_raw(_put("honest"), target=PUT, extra={"X-Amz-Content-SHA256": "UNSIGNED-PAYLOAD"})
    assert _error(server, signed) == (400, "InvalidSignatureException", SIGNATURE_MISMATCH)
    forged = signed.replace(_put("honest"), _put("forged!"))
    assert _error(server, forged) == (400, "InvalidSignatureException", SIGNATURE_MISMATCH)
    assert dynasim_items(sim) == []


def test_a_declared_payload_hash_must_be_the_bodys(table):
    sim, server = table
    honest = hashlib.sha256(_put("honest")).hexdigest()
    signed = _signed_raw(_put("honest"), target=PUT, extra={"X-Amz-Content-SHA256": honest})
    assert _answer(server, signed)[0] == 200  # the right hash, signed: accepted
    forged = signed.replace(_put("honest"), _put("forged!"))
    assert _error(server, forged) == (400, "InvalidSignatureException", SIGNATURE_MISMATCH)
    assert [item["pk"]["S"] for item in dynasim_items(sim)] == ["honest"]


def test_the_target_must_be_signed(table):
    sim, server = table

    def retarget(headers):
        headers["X-Amz-Target"] = PUT

    signed = _signed_raw(_put("forged"), retarget, target=TARGET, sign_only=("host", "x-amz-date"))
    assert _error(server, signed) == (
        400,
        "InvalidSignatureException",
        "'X-Amz-Target' must be a 'SignedHeader' in the AWS Authorization.",
    )
    assert dynasim_items(sim) == []


def test_host_and_date_must_be_signed(table):
    sim, server = table
    only_date = _signed_raw(_put("a"), target=PUT, sign_only=("x-amz-date", "x-amz-target"))
    assert _error(server, only_date) == (
        400,
        "InvalidSignatureException",
        "'Host' or ':authority' must be a 'SignedHeader' in the AWS Authorization.",
    )
    no_date = _signed_raw(_put("a"), target=PUT, sign_only=("host", "x-amz-target"))
    assert _error(server, no_date) == (
        400,
        "InvalidSignatureException",
        "'X-Amz-Date' must be a 'SignedHeader' in the AWS Authorization.",
    )
    assert dynasim_items(sim) == []


def test_the_scope_must_name_dynamodb_and_the_endpoints_region(table):
    sim, server = table
    assert _error(server, _signed_raw(_put("a"), target=PUT, service="s3", region="mars-west-9")) == (
        400,
        "InvalidSignatureException",
        "Credential should be scoped to a valid region, not 'mars-west-9'. "
        "Credential should be scoped to correct service: 'dynamodb'. ",
    )
    assert _error(server, _signed_raw(_put("a"), target=PUT, service="dynamodbstreams")) == (
        400,
        "InvalidSignatureException",
        "Credential should be scoped to correct service: 'dynamodb'. ",
    )
    assert dynasim_items(sim) == []


def test_the_scope_date_must_be_the_requests_and_end_in_aws4_request(table):
    sim, server = table

    def yesterday(headers):
        headers["Authorization"] = re.sub(r"/(\d{8})/", "/20000101/", headers["Authorization"])

    signed = _signed_raw(_put("a"), yesterday, target=PUT)
    stamp = re.search(rb"X-Amz-Date: (\w+)", signed).group(1).decode()
    assert _error(server, signed) == (
        400,
        "InvalidSignatureException",
        "Date in Credential scope does not match YYYYMMDD from ISO-8601 version of date from HTTP: "
        f"'20000101' != '{stamp[:8]}', from '{stamp}'. ",
    )

    def terminator(headers):
        headers["Authorization"] = headers["Authorization"].replace("/aws4_request", "/aws5_request")

    assert _error(server, _signed_raw(_put("a"), terminator, target=PUT))[2] == (
        "Credential should be scoped with a valid terminator: 'aws4_request', not 'aws5_request'. "
    )

    def short(headers):
        headers["Authorization"] = headers["Authorization"].replace("/us-east-1/dynamodb/", "/us-east-1/")

    status, code, message = _error(server, _signed_raw(_put("a"), short, target=PUT))
    assert (status, code) == (400, "IncompleteSignatureException")
    assert message.startswith("Credential must have exactly 5 slash-delimited elements, e.g. keyid/date/region")
    assert dynasim_items(sim) == []


def test_an_unknown_algorithm_is_named(table):
    sim, server = table

    def algorithm(headers):
        headers["Authorization"] = headers["Authorization"].replace("AWS4-HMAC-SHA256", "AWS4-HMAC-SHA1", 1)

    assert _error(server, _signed_raw(_put("a"), algorithm, target=PUT)) == (
        400,
        "IncompleteSignatureException",
        "Unsupported AWS 'algorithm': 'AWS4-HMAC-SHA1' (only AWS4-HMAC-SHA256 for now). ",
    )
    assert dynasim_items(sim) == []


@pytest.mark.parametrize("host", ["[", "[::1", "a b"])
def test_a_host_no_url_can_hold_is_a_wrong_signature_not_a_server_error(table, host):
    sim, server = table

    def rehost(headers):
        headers["Host"] = host

    assert _error(server, _signed_raw(_put("a"), rehost, target=PUT)) == (
        400,
        "InvalidSignatureException",
        SIGNATURE_MISMATCH,
    )
    assert dynasim_items(sim) == []


def test_a_date_header_may_carry_the_time_signed():
    import email.utils

    from botocore.auth import SigV4Auth
    from botocore.awsrequest import AWSRequest
    from botocore.credentials import Credentials

    class DateHeaderSigner(SigV4Auth):
        """Signs with an HTTP Date header where botocore would send X-Amz-Date (as some SDKs may)."""

        def _modify_request_before_signing(self, request):
            super()._modify_request_before_signing(request)
            del request.headers["X-Amz-Date"]
            signed_at = datetime.datetime.strptime(request.context["timestamp"], "%Y%m%dT%H%M%SZ")
            request.headers["Date"] = email.utils.format_datetime(
                signed_at.replace(tzinfo=datetime.timezone.utc), usegmt=True
            )

    request = AWSRequest(method="POST", url="http://localhost/", data=b"{}", headers={"X-Amz-Target": TARGET})
    DateHeaderSigner(Credentials(*CREDENTIALS.values()), "dynamodb", "us-east-1").add_auth(request)
    headers = {name.lower(): value for name, value in request.headers.items()}
    headers["host"] = "localhost"
    assert "x-amz-date" not in headers and "date" in headers
    verifier = Verifier(KEYS)
    assert verifier.verify("POST", "/", headers, b"{}") == CREDENTIALS["aws_access_key_id"]
    with pytest.raises(dynasim.DynamoDBError) as raised:
        verifier.verify("POST", "/", {**headers, "date": "yesterday"}, b"{}")
    assert raised.value.message == (
        "Date must be in ISO-8601 'basic format'. Got 'yesterday'. See http://en.wikipedia.org/wiki/ISO_8601"
    )
