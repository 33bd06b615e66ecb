"""Finding an item's primary key, in an item to write or in a request's `Key`, with DynamoDB's
checks, in DynamoDB's order: each key attribute of the schema in turn (partition key first) is
present, of the table's type, not empty, and within the size limit. A request's Key that is not
exactly the table's key is one error ("does not match the schema"); an item to write names the
missing or mistyped attribute."""

from __future__ import annotations

from typing import Any

from dynasim import errors
from dynasim.engine.vectors.definitions import check_item as check_vector_attributes
from dynasim.storage.table import KeySchema, Table
from dynasim.values import MAX_HASH_KEY_BYTES, MAX_RANGE_KEY_BYTES, AttributeValue, Item, sort_key, value_size

StorageKey = tuple[Any, Any]
_KEY_TYPES = ("S", "N", "B")


def item_key(schema: KeySchema, item: Item, as_key: bool = False) -> StorageKey:
    """The storage key of an (already validated) item about to be written. `as_key`: a missing or
    mistyped key attribute is reported as in a request's Key (BatchWriteItem's puts)."""
    hash_key = _key_part(item, schema.hash_name, schema.hash_type, True, as_key)
    if schema.range_name is None:
        return hash_key, None
    return hash_key, _key_part(item, schema.range_name, schema.range_type, False, as_key)


def request_key(schema: KeySchema, key: Item) -> StorageKey:
    """The storage key named by a request's (already validated) `Key`: exactly the key
    attributes, no more."""
    if len(key) != len(schema.names):
        raise errors.key_schema_mismatch()
    return item_key(schema, key, as_key=True)


def _key_part(item: Item, name: str, expected: Any, is_hash: bool, as_key: bool) -> Any:
    value = item.get(name)
    if value is None:
        raise errors.key_schema_mismatch() if as_key else errors.key_missing_in_item(name)
    kind, payload = next(iter(value.items()))
    if kind != expected:  # of another key type, or of no key type at all
        raise errors.key_schema_mismatch() if as_key else errors.key_type_mismatch_in_item(name, expected, kind)
    if kind != "N" and len(payload) == 0:
        raise errors.key_empty_string(name) if kind == "S" else errors.key_empty_binary(name)
    if is_hash and _key_bytes(kind, payload) > MAX_HASH_KEY_BYTES:
        raise errors.hash_key_too_large()
    if not is_hash and _key_bytes(kind, payload) > MAX_RANGE_KEY_BYTES:
        raise errors.range_key_too_large()
    return sort_key(kind, payload)


def _key_bytes(kind: str, payload: Any) -> int:
    """A key value's size against the key size limits (a number of at most 38 digits always fits)."""
    if kind == "S":
        return len(payload) if payload.isascii() else len(payload.encode())  # saves encoding ASCII
    return len(payload) if kind == "B" else 0


def check_index_keys(table: Table, item: Item, by_update: bool = False) -> None:
    """DynamoDB's errors for an item whose secondary-index key attributes are present but not
    usable as index keys: not a key type, not the index's type, empty, or too large, alone or
    (a multi-attribute key) together, then its vector indexes' (`vectors.definitions.check_item`).
    An item simply lacking them is fine: it stays out of that index."""
    table_keys = table.key_schema.names
    for index in table.indexes.values():
        for _, attributes, limit in _roles(index.settings.key_schema):
            for name, expected in attributes:
                value = item.get(name) if name not in table_keys else None
                if value is not None:
                    _check_index_key(index.name, name, expected, limit, value, by_update)
    for index in table.indexes.values():
        for role, attributes, limit in _roles(index.settings.key_schema):
            if len(attributes) < 2:
                continue  # a single attribute was measured alone
            size = sum(value_size(item[name]) for name, _ in attributes if name in item)
            if size > limit:
                names = [name for name, _ in attributes]
                raise errors.index_key_aggregate_too_large(role, names, index.name, limit, size)
    check_vector_attributes(table, item, by_update)


def _roles(schema: KeySchema) -> tuple[tuple[str, tuple[tuple[str, str], ...], int], ...]:
    """(role, attributes, size limit) of an index's partition and sort key."""
    return (
        ("HASH", schema.hash_attributes, MAX_HASH_KEY_BYTES),
        ("RANGE", schema.range_attributes, MAX_RANGE_KEY_BYTES),
    )


def _check_index_key(index: str, name: str, expected: str, limit: int, value: AttributeValue, by_update: bool) -> None:
    kind, payload = next(iter(value.items()))
    if kind not in _KEY_TYPES:
        raise errors.key_not_scalar()
    if kind != expected:
        raise errors.index_key_type_mismatch()
    if kind != "N" and len(payload) == 0:
        empty = "string" if kind == "S" else "binary"
        if by_update:
            raise errors.index_key_empty_by_update(empty)
        raise errors.index_key_empty(index, name, empty)
    if _key_bytes(kind, payload) > limit:
        raise errors.index_key_too_large()


def key_attributes(table: Table) -> tuple[tuple[str, ...], tuple[str, ...]]:
    """The table's key attribute names, and its indexes' other key attribute names."""
    table_keys = table.key_schema.names
    index_keys = dict.fromkeys(
        name for index in table.indexes.values() for name in index.settings.key_schema.names if name not in table_keys
    )
    return table_keys, tuple(index_keys)
