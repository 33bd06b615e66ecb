"""Single-item operations: PutItem, GetItem, DeleteItem.

Checks run in the service's order: what needs no table first (ReturnValues, the values and the
item's size, the expressions), then the table's existence, then the key. Nothing is stored until
every check has passed. PutItem, UpdateItem and DeleteItem report the errors of the first part
inside the "1 validation error detected: " envelope (`errors.enveloped`).
"""

from __future__ import annotations

from contextlib import AbstractContextManager
from typing import TYPE_CHECKING

from dynasim import errors
from dynasim.engine import item_collections
from dynasim.engine.capacity import Consumed, requested
from dynasim.engine.keys import check_index_keys, item_key, key_attributes, request_key
from dynasim.engine.registry import Request, Response, operation
from dynasim.engine.touches import item
from dynasim.expressions.requests import WriteExpressions, read_projection_if_any, write_expressions
from dynasim.values import LATE_NESTING_DEPTH, Item, container_depth, enveloped_checks, validate_item

if TYPE_CHECKING:
    from collections.abc import Callable

    from dynasim.engine import Engine
    from dynasim.storage.table import Table

_RETURN_OLD = ("NONE", "ALL_OLD")


def _return_values(request: Request) -> str:
    choice = request.get("ReturnValues", "NONE")
    if choice not in _RETURN_OLD:
        raise errors.return_values_not_old()
    return choice


def _read_the_older_way(request: Request) -> bool:
    """Whether the request holds a value nested past `LATE_NESTING_DEPTH`, which the service reads
    the older way, answering the request's own errors bare, outside the envelope."""
    values = [
        *(request.get("Item") or {}).values(),
        *(request.get("Key") or {}).values(),
        *(request.get("ExpressionAttributeValues") or {}).values(),
    ]
    for expected in (request.get("Expected") or {}).values():
        values += [expected.get("Value"), *(expected.get("AttributeValueList") or [])]
    return any(container_depth(value) >= LATE_NESTING_DEPTH for value in values)


def _answer(old: Item | None, return_values: str) -> Response:
    if return_values == "ALL_OLD" and old is not None:
        return {"Attributes": old}
    return {}


def request_checks(request: Request) -> AbstractContextManager[None]:
    """The block of a write's checks that need no table: enveloped when the running operation
    reports them so (PutItem, UpdateItem and DeleteItem themselves, not PartiQL running them) and
    the request is not read the older way."""
    return errors.enveloped(enveloped_checks() and not _read_the_older_way(request))


@operation("PutItem", access="write", finds=item("put", "Item"))
def put_item(engine: Engine, request: Request) -> Response:
    item = request["Item"]
    with request_checks(request):
        return_values = _return_values(request)
        size = validate_item(item)
        expressions = write_expressions(request, "PutItem")
    return put(engine, request, size, expressions, return_values)


def put(
    engine: Engine, request: Request, size: int, expressions: WriteExpressions | None, return_values: str
) -> Response:
    """PutItem's work once the request's own checks have passed: `request` names the table and
    holds the item (of `size` bytes) and what the response returns; `expressions`, its checked
    condition. Shared with PartiQL's INSERT."""
    item = request["Item"]
    table = engine.table(request["TableName"])
    if expressions is not None:
        expressions.check_key_paths(key_attributes(table))
    capacity = Consumed(table, requested(request))
    collection_wanted = item_collections.requested(request)
    hash_key, range_key = item_key(table.key_schema, item)
    check_index_keys(table, item)
    if expressions is not None:
        expressions.check(table.get(hash_key, range_key))
    old_size = table.size_of(hash_key, range_key) or 0  # saves sizing the replaced item again
    old = table.put(hash_key, range_key, item, size)
    capacity.write(old, item, old_size, size)
    return item_collections.add_to(capacity.add_to(_answer(old, return_values)), table, item, collection_wanted)


@operation("GetItem", access="read", finds=item("get", "Key"))
def get_item(engine: Engine, request: Request) -> Response:
    projection = read_projection_if_any(request)
    key = request["Key"]
    validate_item(key)
    table = engine.table(request["TableName"])
    if projection is not None:
        projection.check_key_paths(key_attributes(table))
    return read_item(table, key, bool(request.get("ConsistentRead")), requested(request), projection)


def read_item(
    table: Table, key: Item, consistent: bool, choice: str, projection: Callable[[Item], Item] | None = None
) -> Response:
    """GetItem's work once its request is checked: the item `key` names, if any (projected), and
    the capacity read (reported as `choice` asks). Shared with PartiQL's single-item SELECTs."""
    capacity = Consumed(table, choice)
    entry = table.entry(*request_key(table.key_schema, key))
    capacity.read(entry[1] if entry else 0, consistent, minimum=1)
    if entry is None:
        return capacity.add_to({})
    item = entry[0]
    return capacity.add_to({"Item": item if projection is None else projection(item)})


@operation("DeleteItem", access="write", finds=item("delete", "Key"))
def delete_item(engine: Engine, request: Request) -> Response:
    key = request["Key"]
    with request_checks(request):
        return_values = _return_values(request)
        validate_item(key)
        expressions = write_expressions(request, "DeleteItem")
    return delete(engine, request, expressions, return_values)


def delete(engine: Engine, request: Request, expressions: WriteExpressions | None, return_values: str) -> Response:
    """DeleteItem's work once the request's own checks have passed: `request` names the table
    and the key, and what the response returns. Shared with PartiQL's DELETE."""
    key = request["Key"]
    table = engine.table(request["TableName"])
    if expressions is not None:
        expressions.check_key_paths(key_attributes(table))
    capacity = Consumed(table, requested(request))
    collection_wanted = item_collections.requested(request)
    hash_key, range_key = request_key(table.key_schema, key)
    if expressions is not None:
        expressions.check(table.get(hash_key, range_key))
    old = table.delete(hash_key, range_key)
    capacity.write(old, None)
    return item_collections.add_to(capacity.add_to(_answer(old, return_values)), table, key, collection_wanted)
