"""DYNAMODB_JSON lines: one JSON object per line, the item in DynamoDB's marshalled JSON.

A full export's line is `{"Item":{...}}`; an incremental export's is
`{"Metadata":{"WriteTimestampMicros":{"N":"..."}},"Keys":{...},"NewImage":{...},"OldImage":{...}}`
(Developer Guide, "DynamoDB table export output format"). Binary values are base64, as on the wire.
"""

from __future__ import annotations

import json
from typing import Any

from dynasim import wire

EXTENSION = ".json.gz"


def encode_line(record: dict[str, dict[str, Any]]) -> bytes:
    """One line: each member of `record` is an item (name -> attribute value, binary as bytes)."""
    return wire.dumps(record) + b"\n"


def decode_line(line: str) -> Any:
    """The JSON object of one line, binary values still base64 (the value checks decode them).
    Raises ValueError for text that is not JSON."""
    return json.loads(line)
