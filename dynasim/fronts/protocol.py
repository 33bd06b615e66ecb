"""DynamoDB's JSON 1.0 protocol, shared by every front that receives raw requests: the target
header names the operation, the body is the request, the answer is a status, headers and body."""

from __future__ import annotations

import base64
import itertools
import os
import zlib
from typing import TYPE_CHECKING

from dynasim import errors, wire
from dynasim.errors import DynamoDBError

if TYPE_CHECKING:
    from dynasim.simulator import Simulator

CONTENT_TYPE = "application/x-amz-json-1.0"
# The X-Amz-Target prefix of each API the engine answers.
TARGET_PREFIXES = ("DynamoDB_20120810.", "DynamoDBStreams_20120810.")


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


def respond(
    simulator: Simulator,
    target: str | bytes | None,
    body: bytes | str | None,
    *,
    checksum: bool = False,
    front: str = "direct",
) -> tuple[int, dict[str, str], bytes]:
    """Answer one raw request: (HTTP status, headers, body). An injected transport fault
    (`dynasim.doubles.faults.TransportFault`) is raised for the front to enact."""
    operation = operation_of(target)
    try:
        if operation is None:
            raise errors.unknown_operation(str(target))
        response = simulator.handle(operation, wire.loads(body), front=front)
        status, payload = 200, wire.dumps(response)
    except DynamoDBError as error:
        status, payload = error.status, wire.dumps(error.body())
    headers = {
        "x-amzn-RequestId": request_id(),
        "Content-Type": CONTENT_TYPE,
        "Content-Length": str(len(payload)),
    }
    if checksum:
        headers["x-amz-crc32"] = str(zlib.crc32(payload))
    return status, headers, payload
