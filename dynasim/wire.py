"""DynamoDB's JSON wire form: decoding requests and encoding responses.

Inside dynasim binary values are `bytes`; on the wire they are base64 strings. Encoding turns
any bytes left in a response into base64, so handlers can return stored values as they are.
"""

from __future__ import annotations

import base64
import json
from typing import Any

from dynasim import errors


def _encode_bytes(value: Any) -> str:
    if isinstance(value, (bytes, bytearray)):
        return base64.b64encode(value).decode("ascii")
    raise TypeError(f"{type(value).__name__} is not JSON serializable")


_encoder = json.JSONEncoder(default=_encode_bytes, separators=(",", ":"), ensure_ascii=False)


def dumps(document: Any) -> bytes:
    """Encode a response (or request) document as DynamoDB's JSON."""
    return _encoder.encode(document).encode("utf-8")


def loads(body: bytes | str | None) -> dict[str, Any]:
    """Decode a request body; bad JSON is DynamoDB's SerializationException."""
    if not body:
        return {}
    try:
        document = json.loads(body)
    except (ValueError, UnicodeDecodeError):
        raise errors.serialization("Start of structure or map found where not expected.") from None
    if not isinstance(document, dict):
        raise errors.serialization("Start of list found where not expected")
    return document
