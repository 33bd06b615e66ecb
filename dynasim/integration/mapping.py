"""Python values, dicts and dataclasses to DynamoDB items and back, through boto3's own
TypeSerializer and TypeDeserializer."""

from __future__ import annotations

import dataclasses
import types
import typing
from decimal import Decimal
from typing import Any

from boto3.dynamodb.types import TypeDeserializer, TypeSerializer

from dynasim.integration.errors import MappingError

_serializer = TypeSerializer()
_deserializer = TypeDeserializer()


def _prepare(value: Any) -> Any:
    """Floats become Decimals (TypeSerializer refuses floats), recursively; dataclasses become dicts."""
    if isinstance(value, bool) or value is None:
        return value
    if isinstance(value, float):
        return Decimal(repr(value))
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        return {
            f.name: _prepare(getattr(value, f.name))
            for f in dataclasses.fields(value)
            if getattr(value, f.name) is not None
        }
    if isinstance(value, dict):
        return {k: _prepare(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [_prepare(v) for v in value]
    if isinstance(value, (set, frozenset)):
        return {_prepare(v) for v in value}
    return value


def to_attribute_value(value: Any) -> dict[str, Any]:
    try:
        return _serializer.serialize(_prepare(value))
    except (TypeError, ValueError) as exc:
        raise MappingError(f"cannot store {value!r}: {exc}", code="Mapping") from exc


def to_item(obj: Any) -> dict[str, Any]:
    """A dict or dataclass instance as an item in wire form (None-valued dataclass fields are left out)."""
    prepared = _prepare(obj)
    if not isinstance(prepared, dict):
        raise MappingError(f"an item must be a dict or a dataclass instance, not {type(obj).__name__}", code="Mapping")
    return {name: to_attribute_value(value) for name, value in prepared.items()}


def from_attribute_value(value: dict[str, Any]) -> Any:
    return _deserializer.deserialize(value)


def _convert(value: Any, hint: Any) -> Any:
    origin = typing.get_origin(hint)
    if origin in (typing.Union, types.UnionType):
        args = [a for a in typing.get_args(hint) if a is not type(None)]
        if value is None:
            return None
        return _convert(value, args[0]) if len(args) == 1 else value
    if hint is int and isinstance(value, Decimal):
        return int(value)
    if hint is float and isinstance(value, Decimal):
        return float(value)
    if hint is bytes and hasattr(value, "value"):
        return bytes(value.value)
    if dataclasses.is_dataclass(hint) and isinstance(value, dict):
        return _build(hint, value)
    if origin in (list, tuple) and isinstance(value, list):
        (arg,) = typing.get_args(hint)[:1] or (Any,)
        return origin(_convert(v, arg) for v in value)
    if origin in (set, frozenset) and isinstance(value, set):
        (arg,) = typing.get_args(hint)[:1] or (Any,)
        return origin(_convert(v, arg) for v in value)
    if origin is dict and isinstance(value, dict):
        key_and_value = typing.get_args(hint)
        return {k: _convert(v, key_and_value[1]) for k, v in value.items()} if key_and_value else value
    return value


def _build(cls: Any, data: dict[str, Any]) -> Any:
    hints = typing.get_type_hints(cls)
    kwargs = {f.name: _convert(data[f.name], hints.get(f.name, Any)) for f in dataclasses.fields(cls) if f.name in data}
    try:
        return cls(**kwargs)
    except TypeError as exc:
        raise MappingError(f"cannot build {cls.__name__} from item: {exc}", code="Mapping") from exc


def from_item(item: dict[str, Any], as_type: Any = None) -> Any:
    """An item in wire form as a dict of Python values (numbers as Decimal, as boto3's resource
    gives them), or as an instance of the dataclass `as_type` (numbers converted to the fields'
    int / float types; attributes without a field, such as key attributes, are ignored)."""
    data = {name: _deserializer.deserialize(value) for name, value in item.items()}
    if as_type is None or as_type is dict:
        return data
    if dataclasses.is_dataclass(as_type):
        return _build(as_type, data)
    if callable(as_type):
        return as_type(data)
    raise MappingError(f"cannot map an item to {as_type!r}", code="Mapping")
