"""DynamoDB's JSON 1.0 protocol, shared by every front that receives raw requests: the target
header names the operation, the body (compressed or not, as `Content-Encoding` says) is the
request, the answer is a status, headers and body."""

from __future__ import annotations

import base64
import itertools
import os
import zlib
from collections.abc import Mapping
from typing import TYPE_CHECKING, Any
from urllib.parse import urlsplit

from dynasim import errors, wire
from dynasim.engine import model
from dynasim.errors import DynamoDBError
from dynasim.fronts.sigv4 import parse_authorization

if TYPE_CHECKING:
    from dynasim.simulator import Simulator

CONTENT_TYPE = "application/x-amz-json-1.0"
# The X-Amz-Target prefix of each API the engine answers.
TARGET_PREFIXES = ("DynamoDB_20120810.", "DynamoDBStreams_20120810.")
MAX_REQUEST_BYTES = 16 * 1024 * 1024  # DynamoDB's own request size limit
# Content codings DynamoDB decodes, as zlib window bits: gzip and zlib ("deflate") framing.
_CODINGS = {"gzip": 16 + zlib.MAX_WBITS, "deflate": zlib.MAX_WBITS}
_GZIP_MAGIC = b"\x1f\x8b"


# Request ids shaped like DynamoDB's (52 upper-case letters and digits): a random per-process
# prefix and a counter, unique without drawing randomness on every call.
_ID_PREFIX = base64.b32encode(os.urandom(20)).decode("ascii")[:32]
_id_counter = itertools.count()


def request_id() -> str:
    return f"{_ID_PREFIX}{next(_id_counter):020d}"


def operation_of(target: str | bytes | None) -> str | None:
    """The operation an X-Amz-Target header names, or None when it names none we serve."""
    if isinstance(target, bytes):
        target = target.decode("latin-1")
    for prefix in TARGET_PREFIXES:
        if target and target.startswith(prefix):
            return target[len(prefix) :]
    return None


def decode_content(
    body: bytes | str | None, coding: str | bytes | None, limit: int = MAX_REQUEST_BYTES
) -> bytes | str | None:
    """The request body a `Content-Encoding` header describes (codings applied in the order
    listed), never more than `limit` bytes of it: decompression stops there."""
    if isinstance(coding, bytes):
        coding = coding.decode("latin-1")
    names = [name.strip().lower() for name in (coding or "").split(",")]
    names = [name for name in names if name and name != "identity"]
    if not names:
        return body
    data = body.encode("utf-8") if isinstance(body, str) else bytes(body or b"")
    for name in reversed(names):
        data = _inflate(data, name, limit)
    return data


def _inflate(data: bytes, coding: str, limit: int) -> bytes:
    """Decompress one coding, as DynamoDB's (Java's) streams do: gzip members one after another
    with anything else after them ignored; one zlib stream, with anything after it ignored."""
    wbits = _CODINGS.get(coding)
    if wbits is None:
        raise errors.undecodable_body()
    out = bytearray()
    while True:
        inflater = zlib.decompressobj(wbits)
        try:
            out += inflater.decompress(data, limit + 1 - len(out))
            while inflater.unconsumed_tail and len(out) <= limit:
                out += inflater.decompress(inflater.unconsumed_tail, limit + 1 - len(out))
        except zlib.error:
            raise errors.undecodable_body() from None
        if len(out) > limit:
            raise errors.decompressed_too_large(limit)
        if not inflater.eof:
            raise errors.undecodable_body()  # truncated (or empty)
        data = inflater.unused_data
        if coding != "gzip" or not data.startswith(_GZIP_MAGIC):
            return bytes(out)


def respond(
    simulator: Simulator,
    target: str | bytes | None,
    body: bytes | str | None,
    *,
    checksum: bool = False,
    front: str = "direct",
    content_encoding: str | bytes | None = None,
    max_request_bytes: int = MAX_REQUEST_BYTES,
    typed: bool = False,
    region: str | None = None,
) -> tuple[int, dict[str, str], bytes]:
    """Answer one raw request: (HTTP status, headers, body). An injected transport fault
    (`dynasim.doubles.faults.TransportFault`) is raised for the front to enact. `typed` and
    `region`: see `Simulator.handle`."""
    status, document = answer_document(
        simulator,
        target,
        body,
        front=front,
        content_encoding=content_encoding,
        max_request_bytes=max_request_bytes,
        typed=typed,
        region=region,
    )
    headers, payload = encoded(document, checksum)
    return status, headers, payload


def encoded(document: dict[str, Any] | None, checksum: bool = False) -> tuple[dict[str, str], bytes]:
    """The headers and body of an answer's document (`answer_document`); `checksum`: with the
    CRC32 header the service sends."""
    payload = body_of(document)
    headers = response_headers()
    headers["Content-Length"] = str(len(payload))
    if checksum:
        headers["x-amz-crc32"] = str(zlib.crc32(payload))
    return headers, payload


def body_of(document: dict[str, Any] | None) -> bytes:
    """An answer's body: an operation with no output (TagResource, UntagResource) has an empty one."""
    return b"" if document is None else wire.dumps(document)


def answer_document(
    simulator: Simulator,
    target: str | bytes | None,
    body: bytes | str | None,
    *,
    front: str,
    content_encoding: str | bytes | None = None,
    max_request_bytes: int = MAX_REQUEST_BYTES,
    typed: bool = False,
    region: str | None = None,
) -> tuple[int, dict[str, Any] | None]:
    """Answer one raw request with (HTTP status, the answer's JSON document, or None for an
    operation with no output), not yet encoded (see `respond`)."""
    operation = operation_of(target)
    try:
        if operation is None:
            raise errors.unknown_operation(str(target))
        request = wire.loads(decode_content(body, content_encoding, max_request_bytes))
        response = simulator.handle(operation, request, front=front, typed=typed, region=region)
        return 200, response if model.has_output(operation) else None
    except DynamoDBError as error:
        return error.status, error.body()


def region_of(headers: Mapping[str, Any], url: str | None = None) -> str | None:
    """The region a request is for: its signature's credential scope names it (every SDK signs
    for its client's region); an unsigned one, its host's (dynamodb.<region>.amazonaws.com);
    else None. Only read, never checked (the endpoint's `Verifier` checks signatures)."""
    authorization = headers.get("Authorization") or headers.get("authorization")
    if isinstance(authorization, bytes):
        authorization = authorization.decode("latin-1")
    if authorization:
        scope = parse_authorization(authorization).get("Credential", "").split("/")
        if len(scope) == 5 and scope[2]:
            return scope[2]
    labels = (urlsplit(url).hostname or "").split(".") if url else []
    if "amazonaws" in labels and labels.index("amazonaws") >= 2:
        return labels[labels.index("amazonaws") - 1]
    return None


def response_headers() -> dict[str, str]:
    """The headers of every answer, before its length."""
    return {"x-amzn-RequestId": request_id(), "Content-Type": CONTENT_TYPE}
