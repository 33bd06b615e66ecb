"""ION lines: `$ion_1_0 {Item:{...}}`, one item per line in Ion's text format.

The Developer Guide ("DynamoDB table export output format", "Amazon S3 import formats for
DynamoDB") maps the types: S string, N decimal, B blob, BOOL bool, NULL null, L list, M struct,
and SS, NS, BS lists annotated `$dynamodb_SS`, `$dynamodb_NS`, `$dynamodb_BS`. Its example writes
numbers in decimal's shortest form (600 as `6d2`), so numbers are written normalised; `amazon.ion`
spells them in its own equivalent text (`6d+2`, `103d0` for the guide's `103.`), which every Ion
reader reads as the same decimal. An incremental export's line has the JSON line's members, each
item a struct (`Metadata:{WriteTimestampMicros:1695097218000000.}`).
"""

from __future__ import annotations

from collections.abc import Mapping
from decimal import Context, Decimal
from typing import Any

from dynasim import values
from dynasim.formats.extras import require

EXTENSION = ".ion.gz"
_SET_ANNOTATIONS = {"SS": "$dynamodb_SS", "NS": "$dynamodb_NS", "BS": "$dynamodb_BS"}
_SET_OF_ANNOTATION = {annotation: kind for kind, annotation in _SET_ANNOTATIONS.items()}
_DECIMALS = Context(prec=values.MAX_SIGNIFICANT_DIGITS + 2)  # room for every DynamoDB number


def _ion() -> Any:
    return require("amazon.ion.simpleion", "Ion exports and imports")


class IonValueError(ValueError):
    """An Ion value with no DynamoDB type (a float, a timestamp, an S-expression, ...)."""


# --- writing --------------------------------------------------------------------------------------


def encode_line(record: dict[str, dict[str, Any]]) -> bytes:
    """One line: each member of `record` is an item (name -> attribute value, binary as bytes)."""
    ion = _ion()
    document = {member: _item_to_ion(item) for member, item in record.items()}
    text: str = ion.dumps(document, binary=False)
    return text.encode("utf-8") + b"\n"


def _item_to_ion(item: dict[str, Any]) -> dict[str, Any]:
    return {name: _to_ion(value) for name, value in item.items()}


def _to_ion(value: dict[str, Any]) -> Any:
    ((kind, payload),) = value.items()
    if kind == "N":
        return _DECIMALS.normalize(Decimal(payload))
    if kind == "NULL":
        return None
    if kind == "B":
        return bytes(payload)
    if kind == "L":
        return [_to_ion(member) for member in payload]
    if kind == "M":
        return _item_to_ion(payload)
    if kind in _SET_ANNOTATIONS:
        from amazon.ion.core import IonType
        from amazon.ion.simple_types import IonPyList

        members = [_to_ion({kind[0]: member}) for member in payload]
        return IonPyList.from_value(IonType.LIST, members, (_SET_ANNOTATIONS[kind],))
    return payload  # S, BOOL


# --- reading --------------------------------------------------------------------------------------


def decode_line(line: str) -> Any:
    """One line's value, its items in DynamoDB's wire form (binary as bytes). Raises ValueError
    (IonValueError for a value of no DynamoDB type) for a line that is not an Ion value."""
    ion = _ion()
    try:
        document = ion.loads(line)
    except IonValueError:
        raise
    except Exception as error:  # amazon.ion raises its own exceptions, and ValueErrors, for bad text
        raise ValueError(f"not an Ion value: {error}") from None
    if not isinstance(document, Mapping):
        return document
    return {member: _item_from_ion(item) if isinstance(item, Mapping) else item for member, item in document.items()}


def _item_from_ion(struct: Mapping[str, Any]) -> dict[str, Any]:
    return {str(name): _from_ion(member) for name, member in struct.items()}


def _from_ion(value: Any) -> dict[str, Any]:
    from amazon.ion.core import IonType

    ion_type = getattr(value, "ion_type", None)
    if value is None or type(value).__name__ == "IonPyNull":
        return {"NULL": True}
    annotations = [getattr(annotation, "text", annotation) for annotation in getattr(value, "ion_annotations", ())]
    if ion_type is IonType.LIST and annotations and annotations[0] in _SET_OF_ANNOTATION:
        kind = _SET_OF_ANNOTATION[annotations[0]]
        return {kind: [next(iter(_from_ion(member).values())) for member in value]}
    if ion_type is IonType.BOOL:
        return {"BOOL": bool(value)}
    if ion_type in (IonType.DECIMAL, IonType.INT):
        return {"N": values.normalize_number(str(value))}
    if ion_type in (IonType.STRING, IonType.SYMBOL):
        return {"S": str(value)}
    if ion_type in (IonType.BLOB, IonType.CLOB):
        return {"B": bytes(value)}
    if ion_type is IonType.LIST:
        return {"L": [_from_ion(member) for member in value]}
    if ion_type is IonType.STRUCT:
        return {"M": _item_from_ion(value)}
    raise IonValueError(f"Ion type {ion_type.name if ion_type else type(value).__name__} has no DynamoDB type")
