"""Finding an item's primary key, in an item to write or in a request's `Key`, with DynamoDB's
checks and errors."""

from __future__ import annotations

from typing import Any

from dynasim import errors
from dynasim.storage.table import KeySchema
from dynasim.values import MAX_HASH_KEY_BYTES, MAX_RANGE_KEY_BYTES, Item, sort_key, value_size

StorageKey = tuple[Any, Any]


def item_key(schema: KeySchema, item: Item) -> StorageKey:
    """The storage key of an item about to be written (PutItem's rules and messages)."""
    hash_key = _key_part(schema.hash_name, schema.hash_type, item, MAX_HASH_KEY_BYTES)
    if schema.range_name is None:
        return hash_key, None
    return hash_key, _key_part(schema.range_name, schema.range_type, item, MAX_RANGE_KEY_BYTES)


def _key_part(name: str, expected: str | None, item: Item, limit: int) -> Any:
    value = item.get(name)
    if value is None:
        raise errors.key_missing_in_item(name)
    kind, payload = next(iter(value.items()))
    if kind != expected:
        raise errors.key_type_mismatch(name, expected or "", kind)
    _check_key_value(name, kind, payload, limit)
    return sort_key(kind, payload)


def request_key(schema: KeySchema, key: Item) -> StorageKey:
    """The storage key named by a request's `Key` (GetItem, DeleteItem, ...)."""
    if not isinstance(key, dict) or len(key) != len(schema.names):
        raise errors.key_schema_mismatch()
    parts = []
    for name, expected, limit in (
        (schema.hash_name, schema.hash_type, MAX_HASH_KEY_BYTES),
        (schema.range_name, schema.range_type, MAX_RANGE_KEY_BYTES),
    ):
        if name is None:
            parts.append(None)
            continue
        value = key.get(name)
        if value is None or next(iter(value)) != expected:
            raise errors.key_schema_mismatch()
        payload = value[expected]
        _check_key_value(name, expected, payload, limit)
        parts.append(sort_key(expected, payload))
    return parts[0], parts[1]


def _check_key_value(name: str, kind: str, payload: Any, limit: int) -> None:
    if kind == "S" and payload == "":
        raise errors.key_empty_string(name)
    if kind == "B" and payload == b"":
        raise errors.key_empty_binary(name)
    if kind != "N" and value_size({kind: payload}) > limit:
        raise errors.hash_key_too_large() if limit == MAX_HASH_KEY_BYTES else errors.range_key_too_large()
