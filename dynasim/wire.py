"""DynamoDB's JSON wire form: decoding requests and encoding responses.

Inside dynasim binary values are `bytes`; on the wire they are base64 strings. Encoding turns
any bytes left in a response into base64, so handlers can return stored values as they are.

Decoding is bounded, because every later walk over a request (validation, the call log, fault
matchers) recurses over it: a body nested deeper than `MAX_JSON_DEPTH` keeps its shape down to
that depth and has each container below it replaced by an empty one of the same kind. No valid
request comes near the bound (attribute values nest at most 32 levels, two JSON levels each), so
such a body is refused by the checks that refuse the merely too deep: an attribute value gets
DynamoDB's nesting error, any other member the error for its wrong type.
"""

from __future__ import annotations

import base64
import itertools
import json
import re
from typing import Any

from dynasim import errors

MAX_JSON_DEPTH = 128

_STRING = re.compile(r'"(?:[^"\\]|\\.)*"', re.DOTALL)
_STRING_OR_BRACKET = re.compile(r'"(?:[^"\\]|\\.)*"|[\[\]{}]', re.DOTALL)
_NOT_BRACKET = re.compile(r"[^\[\]{}]+")
_STEP = {"[": 1, "{": 1, "]": -1, "}": -1}
_CLOSER = {"[": "]", "{": "}"}
# A lone UTF-16 surrogate: as a character (a str body) or escaped (`\ud800`); escaped pairs are
# joined into one character by the decoder, so only lone ones are left as surrogates after it.
_SURROGATE = re.compile("[\ud800-\udfff]")
_SURROGATE_ESCAPE = re.compile(r"\\u[dD][89a-fA-F][0-9a-fA-F]{2}")


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
    if isinstance(body, (bytes, bytearray)):
        try:
            text = bytes(body).decode("utf-8")
        except UnicodeDecodeError:
            raise errors.body_not_text() from None
    else:
        text = body
    document = _within_depth(text)
    if document is None:
        if json_depth(text) > MAX_JSON_DEPTH:
            text = _truncate(text, MAX_JSON_DEPTH)
        try:
            document = json.loads(text)
        except ValueError:
            raise errors.serialization("Start of structure or map found where not expected.") from None
    if (_SURROGATE.search(text) or _SURROGATE_ESCAPE.search(text)) and _has_lone_surrogate(document):
        raise errors.body_not_text()
    if not isinstance(document, dict):
        raise errors.serialization("Start of list found where not expected")
    return document


def _within_depth(text: str) -> Any:
    """The document of well-formed JSON `text` that holds more containers than `MAX_JSON_DEPTH` but
    nests no deeper, or None: any other text is read the careful way (measured, truncated where
    too deep, then decoded). Decoding first and walking the document costs a third of measuring
    the text, for the many bodies (a batch of a hundred keys) that hold many containers, few deep."""
    if text.count("[") + text.count("{") <= MAX_JSON_DEPTH:
        return None  # the careful way is cheap: the count bounds the depth
    try:
        document = json.loads(text)
    except (ValueError, RecursionError):
        return None
    pending = [(document, 1)] if type(document) is dict or type(document) is list else []
    while pending:
        value, depth = pending.pop()
        if depth > MAX_JSON_DEPTH:
            return None
        for child in value.values() if type(value) is dict else value:
            if type(child) is dict or type(child) is list:
                pending.append((child, depth + 1))
    return document


def json_depth(text: str) -> int:
    """How deep brackets nest in JSON `text`, outside strings (an upper bound for malformed JSON)."""
    openers = text.count("[") + text.count("{")
    if openers <= MAX_JSON_DEPTH:
        return openers  # no deeper than the number of containers: the common, cheap case
    brackets = _NOT_BRACKET.sub("", _STRING.sub("", text))
    return max(itertools.accumulate(map(_STEP.__getitem__, brackets)), default=0)


def _truncate(text: str, limit: int) -> str:
    """`text` with every container that starts deeper than `limit` replaced by an empty one."""
    pieces: list[str] = []
    kept = 0  # where the text not yet copied to `pieces` starts
    depth = 0
    cut_at = -1  # where the container being dropped starts, while one is
    cut_kind = ""
    for match in _STRING_OR_BRACKET.finditer(text):
        token = match.group()
        if token[0] == '"':
            continue
        if token in _CLOSER:
            depth += 1
            if depth == limit + 1:
                cut_at, cut_kind = match.start(), token
        else:
            if depth == limit + 1 and cut_at >= 0:
                pieces.append(text[kept:cut_at])
                pieces.append(cut_kind + _CLOSER[cut_kind])
                kept, cut_at = match.end(), -1
            depth -= 1
    pieces.append(text[kept:] if cut_at < 0 else text[kept:cut_at])
    return "".join(pieces)


def _has_lone_surrogate(document: Any) -> bool:
    """Whether any string in the decoded document (member names included) holds a lone surrogate."""
    pending = [document]
    while pending:
        node = pending.pop()
        if isinstance(node, str):
            if _SURROGATE.search(node):
                return True
        elif isinstance(node, dict):
            pending.extend(node.keys())
            pending.extend(node.values())
        elif isinstance(node, list):
            pending.extend(node)
    return False
