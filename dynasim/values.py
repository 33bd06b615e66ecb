"""Attribute values: validation, normalisation, ordering keys and DynamoDB's size rules.

Inside dynasim an attribute value keeps its wire shape (`{"S": "x"}`, `{"M": {...}}`, ...) with
two differences that make it cheap to compare and to send back: numbers are strings in
DynamoDB's normalised form (`"1.50"` becomes `"1.5"`) and binary values are `bytes`, not base64.
`wire.dumps` turns the bytes back into base64 on the way out.
"""

from __future__ import annotations

import base64
import binascii
import re
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
MAX_SIGNIFICANT_DIGITS = 38
MIN_EXPONENT = -130  # smallest magnitude: 1E-130
MAX_EXPONENT = 125  # largest magnitude: 9.99...E+125

SCALAR_TYPES = frozenset({"S", "N", "B", "BOOL", "NULL"})
SET_TYPES = {"SS": "S", "NS": "N", "BS": "B"}
ALL_TYPES = frozenset({"S", "N", "B", "BOOL", "NULL", "M", "L", "SS", "NS", "BS"})
_NUMBER = re.compile(r"([+-]?)([0-9]*)\.?([0-9]*)(?:[eE]([+-]?[0-9]+))?")
_LONG = 2**63  # DynamoDB reads an exponent as a 64-bit integer: a wider one is not a number
_LONG_DIGITS = len(str(_LONG))


# --- numbers -------------------------------------------------------------------------------


def normalize_number(text: str) -> str:
    """Validate a number as DynamoDB does and return it in DynamoDB's normalised form:
    plain notation, no leading or trailing zeros, no sign on zero.

    The exponent is read in full before the range checks, as DynamoDB reads it: one too wide
    for a 64-bit integer cannot be converted, any other out of range one overflows or
    underflows. Zero is range-checked by the exponent written after it (`0e126` overflows)."""
    parts = _NUMBER.fullmatch(text) if isinstance(text, str) else None
    if parts is None or not (parts[2] or parts[3]):
        raise errors.number_not_a_number()
    sign, whole, fraction, exponent_text = parts.groups()
    written = _exponent(exponent_text)
    digits = (whole + fraction).lstrip("0")
    if not digits:
        _check_range(written)
        return "0"
    exponent = written - len(fraction)  # of the last digit written
    stripped = digits.rstrip("0")
    exponent += len(digits) - len(stripped)
    if len(stripped) > MAX_SIGNIFICANT_DIGITS:
        raise errors.number_too_precise()
    _check_range(exponent + len(stripped) - 1)
    return ("-" if sign == "-" else "") + _plain(stripped, exponent)


def _exponent(text: str | None) -> int:
    if not text:
        return 0
    if len(text.lstrip("+-").lstrip("0")) > _LONG_DIGITS:  # int() would refuse thousands of digits
        raise errors.number_not_a_number()
    exponent = int(text)
    if not -_LONG <= exponent < _LONG:
        raise errors.number_not_a_number()
    return exponent


def _check_range(magnitude: int) -> None:
    """`magnitude` is the power of ten of a number's first significant digit."""
    if magnitude > MAX_EXPONENT:
        raise errors.number_overflow()
    if magnitude < MIN_EXPONENT:
        raise errors.number_underflow()


def _plain(digits: str, exponent: int) -> str:
    """`digits` × 10**`exponent` written out without an exponent."""
    if exponent >= 0:
        return digits + "0" * exponent
    point = len(digits) + exponent
    if point > 0:
        return f"{digits[:point]}.{digits[point:]}"
    return "0." + "0" * -point + digits


def number_size(text: str) -> int:
    """Bytes DynamoDB counts for a number: one per pair of significant digits (pairs aligned
    on the decimal point), one for the exponent, and one more for a negative number."""
    sign, digits, exponent = Decimal(text).as_tuple()
    end = len(digits)
    while end and digits[end - 1] == 0:
        end -= 1
    if not end:
        return 1  # zero
    highest = exponent + len(digits) - 1  # power of ten of the first significant digit
    lowest = exponent + len(digits) - end  # and of the last
    return highest // 2 - lowest // 2 + 2 + sign


# --- validation ----------------------------------------------------------------------------


def check_attribute_name(name: str) -> None:
    """An attribute name must be 1 byte to 64 KB long (Developer Guide, "Attribute names")."""
    if not name:
        raise errors.empty_attribute_name()
    if len(name.encode()) > MAX_ATTRIBUTE_NAME_BYTES:
        raise errors.attribute_name_too_large()


def validate_item(item: Item) -> int:
    """Validate and normalise (in place) every value of an item; return the item's size in bytes
    as DynamoDB counts it. As DynamoDB does, values are checked in request order and the size is
    added up as they go: an invalid value after the item is already too large is reported as
    "too large"."""
    size = 0
    for name, value in item.items():
        size += validate_value(value, 1) + len(name.encode())
        check_attribute_name(name)  # after the value, as DynamoDB does
        if size > MAX_ITEM_BYTES:
            raise errors.item_too_large()
    return size


def validate_value(value: AttributeValue, depth: int = 1) -> int:
    """Validate and normalise one attribute value in place; return its size in bytes.
    `depth` is 1 for a top-level attribute, one more for each map or list around the value."""
    if not isinstance(value, dict):
        raise errors.serialization(f"Unexpected value type in payload: {type(value).__name__}")
    if len(value) != 1:
        raise errors.value_empty() if not value else errors.value_multiple_types()
    ((kind, payload),) = value.items()
    if kind == "S":
        return len(payload.encode())
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
        if depth > MAX_CONTAINER_DEPTH:
            raise errors.nesting_too_deep()
        size = 3 + len(payload)
        if kind == "M":
            for name, member in payload.items():
                size += validate_value(member, depth + 1) + len(name.encode())
                check_attribute_name(name)
        else:
            for member in payload:
                size += validate_value(member, depth + 1)
        return size
    if kind in SET_TYPES:
        return _validate_set(value, kind, payload, depth)
    raise errors.serialization(f"Unknown attribute value type: {kind}")


def _validate_set(value: AttributeValue, kind: str, members: list[Any], depth: int) -> int:
    if not members:
        raise errors.set_empty(kind)
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
        raise errors.set_duplicates(kind, members)
    if kind == "NS" and depth > 1:
        # Inside a map or list DynamoDB keeps a number set's members in decimal's standard
        # notation of the value as sent ("1e2" -> "1E+2", "01" -> "1", "1.50" stays).
        normalized = [str(abs(number) if number.is_zero() else number) for number in map(Decimal, members)]
    value[kind] = normalized
    return size


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
        return len(payload.encode())
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
    return sum(len(name.encode()) + value_size(value) for name, value in item.items())


def sort_key(kind: str, payload: Any) -> Any:
    """A Python value that orders as DynamoDB orders key values of this type: numbers by value,
    strings by their UTF-8 bytes (the same order as code points), binary by unsigned bytes."""
    if kind == "N":
        return Decimal(payload)
    return payload


def type_of(value: AttributeValue) -> str:
    return next(iter(value))
