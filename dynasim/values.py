"""Attribute values: validation, normalisation, ordering keys and DynamoDB's size rules.

Inside dynasim an attribute value keeps its wire shape (`{"S": "x"}`, `{"M": {...}}`, ...) with
two differences that make it cheap to compare and to send back: numbers are strings in
DynamoDB's normalised form (`"1.50"` becomes `"1.5"`) and binary values are `bytes`, not base64.
`wire.dumps` turns the bytes back into base64 on the way out.
"""

from __future__ import annotations

import base64
import binascii
import functools
import re
from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from decimal import Decimal
from typing import Any

from dynasim import errors

AttributeValue = dict[str, Any]
Item = dict[str, AttributeValue]

MAX_ITEM_BYTES = 400 * 1024
MAX_HASH_KEY_BYTES = 2048
MAX_RANGE_KEY_BYTES = 1024
MAX_ATTRIBUTE_NAME_BYTES = 65535
MAX_CONTAINER_DEPTH = 31  # maps and lists nested in one another, counting the outermost
# From about 62 levels of nesting (63 and 100 recorded; 40 not) the service reads a request
# differently: such a value's depth is found only after the other checks of its transaction
# action. (A body nested past `wire.MAX_JSON_DEPTH` is cut at about the same depth, so a value
# deeper still arrives here 62 levels deep.)
LATE_NESTING_DEPTH = 62
MAX_SIGNIFICANT_DIGITS = 38
MIN_EXPONENT = -130  # smallest magnitude: 1E-130
MAX_EXPONENT = 125  # largest magnitude: 9.99...E+125

SCALAR_TYPES = frozenset({"S", "N", "B", "BOOL", "NULL"})
SET_TYPES = {"SS": "S", "NS": "N", "BS": "B"}
ALL_TYPES = frozenset({"S", "N", "B", "BOOL", "NULL", "M", "L", "SS", "NS", "BS"})

_NUMBER = re.compile(r"([+-]?(?:\d+\.?\d*|\.\d+))(?:[eE]([+-]?\d+))?")

# DynamoDB checks attribute values in one of two layers, and the operation decides which: that
# decides the wording of a malformed number or a duplicate set member (the other value errors read
# the same in both). The current check answers PutItem, UpdateItem and DeleteItem, which put every
# error of their own checks inside the "1 validation error detected: " envelope (see
# `errors.enveloped`) and wrap no value error in the ExpressionAttributeValues message, and GetItem,
# BatchGetItem and Query, bare; the older one answers BatchWriteItem, TransactWriteItems,
# TransactGetItems and Scan, reads numbers as Java's BigDecimal does and words errors as before
# (recorded in four regions, 2026; one of them ran the current check on transactions too).
# PartiQL's parameters are read by the older one.
ENVELOPED = "enveloped"
CURRENT = "current"
OLDER = "older"
_LAYERS = {
    "PutItem": ENVELOPED,
    "UpdateItem": ENVELOPED,
    "DeleteItem": ENVELOPED,
    "BatchWriteItem": OLDER,
    "TransactWriteItems": OLDER,
    "TransactGetItems": OLDER,
    "Scan": OLDER,
    "ExecuteStatement": OLDER,
    "BatchExecuteStatement": OLDER,
    "ExecuteTransaction": OLDER,
}
_layer: ContextVar[str] = ContextVar("dynasim_value_layer", default=CURRENT)
_operation: ContextVar[str] = ContextVar("dynasim_value_operation", default="")
_INT_BITS = 32
_LONG_BITS = 64


@contextmanager
def checking_for(operation: str) -> Iterator[None]:
    """Check values, while the block runs, as DynamoDB does for `operation`."""
    token = _layer.set(_LAYERS.get(operation, CURRENT))
    operation_token = _operation.set(operation)
    try:
        yield
    finally:
        _operation.reset(operation_token)
        _layer.reset(token)


def expression_value_depth() -> int:
    """The most maps and lists an ExpressionAttributeValue may nest in the running operation.
    TransactWriteItems takes one level more than an item holds, and cancels an Update that would
    write it into the item (30 of 33 regions, us-east-1 among them; the other three refuse it up
    front: paritysuite/dynamodb-conformance tests/tier3/limits/nestingDepth.test.ts and
    captures/2026-10-08-transact-write-rollout.json, 2026-10-08/09)."""
    return MAX_CONTAINER_DEPTH + 1 if _operation.get() == "TransactWriteItems" else MAX_CONTAINER_DEPTH


def older_check() -> bool:
    """Whether the running operation checks values in the older layer."""
    return _layer.get() == OLDER


def enveloped_checks() -> bool:
    """Whether the running operation reports its request's own checks inside the envelope
    (PutItem, UpdateItem and DeleteItem; not when a PartiQL statement or a transaction runs them)."""
    return _layer.get() == ENVELOPED


# --- numbers -------------------------------------------------------------------------------


def normalize_number(text: str, layer: str | None = None) -> str:
    """Validate a number as DynamoDB does and return it in DynamoDB's normalised form:
    plain notation, no leading or trailing zeros, no sign on zero. `layer`: the value check whose
    wording to use, by default the running operation's.

    The current check reads the exponent in full (one past a 64-bit integer cannot be converted);
    the older one as Java's BigDecimal does: the exponent, and the scale it makes, must be 32-bit
    integers, and precision - scale wraps round (1e2147483647 is an underflow). Zero is
    range-checked by the exponent it is written with."""
    layer = layer or _layer.get()
    if isinstance(text, str):
        return _normalized(text, layer)
    return _normalize(text, layer)  # raises: not a number


@functools.lru_cache(maxsize=65536)  # saves re-checking the numbers requests repeat (keys, counters)
def _normalized(text: str, layer: str) -> str:
    return _normalize(text, layer)


def _normalize(text: Any, layer: str) -> str:
    older = layer == OLDER
    match = _NUMBER.fullmatch(text) if isinstance(text, str) else None
    if match is None:
        raise errors.number_not_a_number(str(text), older)
    exponent_text = (match.group(2) or "0").lstrip("+-").lstrip("0")
    if len(exponent_text) > len(str(2**_LONG_BITS)):  # past any integer (and int()'s digit limit)
        raise errors.number_not_a_number(text, older)
    written = int(match.group(2) or 0)
    sign, digit_tuple, exponent = Decimal(match.group(1)).as_tuple()
    exponent = int(exponent) + written
    if not _fits(written, _INT_BITS if older else _LONG_BITS) or (older and not _fits(-exponent, _INT_BITS)):
        raise errors.number_not_a_number(text, older)
    digits = "".join(map(str, digit_tuple)).lstrip("0")
    stripped = digits.rstrip("0")
    exponent += len(digits) - len(stripped)
    if len(stripped) > MAX_SIGNIFICANT_DIGITS:
        raise errors.number_too_precise()
    precision = len(stripped) or 1  # zero has one digit
    magnitude = exponent + precision - 1
    if older:
        magnitude = _int32(exponent + precision) - 1
    if magnitude > MAX_EXPONENT:
        raise errors.number_overflow()
    if magnitude < MIN_EXPONENT:
        raise errors.number_underflow()
    if not stripped:
        return "0"
    return ("-" if sign else "") + _plain(stripped, exponent)


def _fits(number: int, bits: int) -> bool:
    return -(2 ** (bits - 1)) <= number < 2 ** (bits - 1)


def _int32(number: int) -> int:
    return (number + 2 ** (_INT_BITS - 1)) % 2**_INT_BITS - 2 ** (_INT_BITS - 1)


def _plain(digits: str, exponent: int) -> str:
    """`digits` × 10**`exponent` written out without an exponent."""
    if exponent >= 0:
        return digits + "0" * exponent
    point = len(digits) + exponent
    if point > 0:
        return f"{digits[:point]}.{digits[point:]}"
    return "0." + "0" * -point + digits


@functools.lru_cache(maxsize=65536)  # saves re-parsing the numbers items repeat, sized on every write
def number_size(text: str) -> int:
    """Bytes DynamoDB counts for a number: one per pair of significant digits (pairs aligned
    on the decimal point), one for the exponent, and one more for a negative number."""
    sign, digits, exponent = Decimal(text).as_tuple()
    assert isinstance(exponent, int)  # DynamoDB numbers are finite: no NaN or infinity
    end = len(digits)
    while end and digits[end - 1] == 0:
        end -= 1
    if not end:
        return 1  # zero
    highest = exponent + len(digits) - 1  # power of ten of the first significant digit
    lowest = exponent + len(digits) - end  # and of the last
    return highest // 2 - lowest // 2 + 2 + sign


# --- validation ----------------------------------------------------------------------------


def check_attribute_name(name: str) -> int:
    """An attribute name must be 1 byte to 64 KB long (Developer Guide, "Attribute names");
    return its length in bytes."""
    length = len(name) if name.isascii() else len(name.encode())  # saves encoding ASCII
    if not length:
        raise errors.empty_attribute_name()
    if length > MAX_ATTRIBUTE_NAME_BYTES:
        raise errors.attribute_name_too_large()
    return length


def validate_item(item: Item) -> int:
    """Validate and normalise (in place) every value of an item; return the item's size in bytes
    as DynamoDB counts it. As DynamoDB does, values are checked in request order and the size is
    added up as they go: an invalid value after the item is already too large is reported as
    "too large"."""
    size = 0
    for name, value in item.items():
        size += validate_value(value, 1)
        size += check_attribute_name(name)  # after the value, as DynamoDB does
        if size > MAX_ITEM_BYTES:
            raise errors.item_too_large()
    return size


def validate_value(value: AttributeValue, depth: int = 1, max_depth: int = MAX_CONTAINER_DEPTH) -> int:
    """Validate and normalise one attribute value in place; return its size in bytes.
    `depth` is 1 for a top-level attribute, one more for each map or list around the value;
    `max_depth` the most maps and lists it may nest (see `expression_value_depth`)."""
    if not isinstance(value, dict):
        raise errors.unexpected_value_type(value)
    if None in value.values():  # a member sent as null is absent, as the service reads JSON
        for kind in [kind for kind, payload in value.items() if payload is None]:
            del value[kind]
    if len(value) != 1:
        raise errors.value_empty() if not value else errors.value_multiple_types()
    ((kind, payload),) = value.items()
    if kind == "S":
        return len(payload) if payload.isascii() else len(payload.encode())  # saves encoding ASCII
    if kind == "N":
        normalized = normalize_number(payload)
        if depth == 1:  # DynamoDB returns numbers inside maps and lists as they were sent
            value["N"] = normalized
        return number_size(normalized)
    if kind == "B":
        value["B"] = data = to_bytes(payload)
        return len(data)
    if kind == "BOOL":
        return 1
    if kind == "NULL":
        if payload is not True:
            raise errors.null_not_true()
        return 1
    if kind in ("M", "L"):
        return _validate_document(kind, payload, depth, max_depth)
    if kind in SET_TYPES:
        return _validate_set(value, kind, payload, depth)
    raise errors.value_type_unknown(kind)


def _validate_document(kind: str, payload: Any, depth: int, max_depth: int) -> int:
    """Validate a map's or list's members (`depth`: the map's or list's own); return its size."""
    if depth > max_depth:
        raise errors.nesting_too_deep()
    size = 3 + len(payload)
    if kind == "M":
        for name, member in payload.items():
            size += validate_value(member, depth + 1, max_depth) + len(name.encode())
            check_attribute_name(name)
    else:
        for member in payload:
            size += validate_value(member, depth + 1, max_depth)
    return size


def container_depth(value: Any, cap: int = LATE_NESTING_DEPTH) -> int:
    """How many maps and lists `value` nests in one another (0 for a scalar), counted up to `cap`:
    iteratively, however deep the request."""
    if type(value) is dict and len(value) == 1 and "M" not in value and "L" not in value:
        return 0  # a scalar, as most values are: saves setting up the walk
    deepest = 0
    pending = [(value, 0)]
    while pending:
        current, depth = pending.pop()
        if not isinstance(current, dict) or len(current) != 1:
            continue
        ((kind, payload),) = current.items()
        if kind not in ("M", "L") or not isinstance(payload, (dict, list)):
            continue
        deepest = max(deepest, depth + 1)
        if deepest >= cap:
            return cap
        members = payload.values() if isinstance(payload, dict) else payload
        pending.extend((member, depth + 1) for member in members)
    return deepest


def _validate_set(value: AttributeValue, kind: str, members: list[Any], depth: int) -> int:
    if not members:
        raise errors.set_empty(kind)
    if None in members:  # the model's type check lets a null member through, as absent
        raise errors.unexpected_value_type(None)
    if kind == "SS":
        normalized: list[Any] = members
        size = sum(len(member.encode()) for member in members)
    elif kind == "NS":
        normalized = [normalize_number(member) for member in members]
        size = sum(number_size(member) for member in normalized)
    else:
        normalized = [to_bytes(member) for member in members]
        size = sum(len(member) for member in normalized)
    if len(set(normalized)) != len(normalized):
        layer = _layer.get()
        listed = members if layer == OLDER else _duplicate_listing(members, normalized)
        if kind == "BS":
            listed = [base64.b64encode(member).decode() if isinstance(member, bytes) else member for member in listed]
        raise errors.set_duplicates(kind, listed, layer == OLDER)
    if kind == "NS" and depth > 1:
        # Inside a map or list DynamoDB keeps a number set's members in decimal's standard
        # notation of the value as sent ("1e2" -> "1E+2", "01" -> "1", "1.50" stays).
        normalized = [str(abs(number) if number.is_zero() else number) for number in map(Decimal, members)]
    value[kind] = in_set_order(kind, normalized)
    return size


def in_set_order(kind: str, members: list[Any]) -> list[Any]:
    """A set's members in the order DynamoDB keeps and returns them, whatever order they were
    written in: strings and binaries by their bytes, numbers by value (paritysuite/dynamodb-conformance
    tests/tier1/updateItem/basic.test.ts, live service 2026; DynamoDB Local agrees)."""
    if kind == "NS":
        return sorted(members, key=Decimal)
    if kind == "SS":
        return sorted(members, key=lambda member: member.encode("utf-8", "surrogatepass"))
    return sorted(members)


def _duplicate_listing(members: list[Any], normalized: list[Any]) -> list[Any]:
    """The members as the current check lists a set with a repeat: those before the first repeat
    in byte order, then the repeat, then the rest as sent."""
    seen: dict[Any, Any] = {}
    for position, (member, value) in enumerate(zip(members, normalized, strict=True)):
        if value in seen:
            return [seen[key] for key in sorted(seen)] + [member, *members[position + 1 :]]
        seen[value] = member
    return members


def to_bytes(payload: Any) -> bytes:
    """Binary values arrive base64-encoded on the wire; already-decoded bytes pass through."""
    if isinstance(payload, bytes):
        return payload
    try:
        return base64.b64decode(payload, validate=True)
    except (binascii.Error, TypeError, ValueError):
        raise errors.invalid_binary() from None


# --- sizes and ordering --------------------------------------------------------------------


def value_size(value: AttributeValue) -> int:
    """Size of an already-validated value (no normalisation, no checks)."""
    ((kind, payload),) = value.items()
    if kind == "S":
        return len(payload) if payload.isascii() else len(payload.encode())  # saves encoding ASCII
    if kind == "N":
        return number_size(payload)
    if kind == "B":
        return len(payload)
    if kind in ("BOOL", "NULL"):
        return 1
    if kind == "M":
        return 3 + len(payload) + item_size(payload)
    if kind == "L":
        return 3 + len(payload) + sum(value_size(member) for member in payload)
    if kind == "SS":
        return sum(len(member.encode()) for member in payload)
    if kind == "NS":
        return sum(number_size(member) for member in payload)
    return sum(len(member) for member in payload)


def item_size(item: Item) -> int:
    """Size of an already-validated item: attribute names plus values."""
    total = 0
    for name, value in item.items():  # a loop, not sum() over a generator: sized on every write
        total += (len(name) if name.isascii() else len(name.encode())) + value_size(value)
    return total


def sort_key(kind: str, payload: Any) -> Any:
    """A Python value that orders as DynamoDB orders key values of this type: numbers by value,
    strings by their UTF-8 bytes (the same order as code points), binary by unsigned bytes."""
    if kind == "N":
        return _number_key(payload)
    return payload


@functools.lru_cache(maxsize=65536)  # saves parsing the numbers keys repeat; equal keys share one Decimal
def _number_key(payload: str) -> Decimal:
    return Decimal(payload)


def type_of(value: AttributeValue) -> str:
    return next(iter(value))
