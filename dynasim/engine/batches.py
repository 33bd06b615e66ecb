"""BatchGetItem and BatchWriteItem: many single-item reads or writes, over several tables, in
one request.

Checks run in DynamoDB's order: each table's list of requests in turn (not empty, at most 100
keys or 25 writes in all, every attribute value valid); then, table by table, that the table
exists, each request's key (and, for BatchWriteItem, its secondary-index keys), duplicates, and the
table's projection. Only then is anything read or written, so a failed BatchWriteItem writes
nothing. The writes of one BatchWriteItem reach the change feed as one list.

BatchGetItem stops once the items it read add up to 16 MB; the keys it did not read come back
in UnprocessedKeys, with the rest of their table's request. BatchWriteItem always processes
everything (UnprocessedItems is empty) unless a throughput limit of the simulator says otherwise.
"""

from __future__ import annotations

import json
from typing import TYPE_CHECKING, Any

from dynasim import errors
from dynasim.engine import item_collections
from dynasim.engine.capacity import Consumed, requested
from dynasim.engine.keys import StorageKey, check_index_keys, item_key, key_attributes, request_key
from dynasim.engine.registry import Request, Response, operation
from dynasim.expressions.requests import read_projection_if_any
from dynasim.storage.table import Table
from dynasim.values import Item, validate_item

if TYPE_CHECKING:
    from dynasim.engine import Engine

MAX_GET_KEYS = 100
MAX_WRITES = 25
MAX_GET_RESPONSE_BYTES = 16 * 1024 * 1024


def consumed_capacity(capacities: dict[str, Consumed]) -> list[dict[str, Any]]:
    """The ConsumedCapacity member of a multi-table operation: one entry per table."""
    reports = (capacity.report() for capacity in capacities.values())
    return [report for report in reports if report is not None]


# --- BatchWriteItem ------------------------------------------------------------------------


# One write of a BatchWriteItem as the request has it: (table name, item to put or None for a
# delete, the item or key, its size); then, planned: (table, storage key, item to put or None, size).
_Write = tuple[str, Item | None, Item, int]
_Planned = tuple[Table, StorageKey, Item | None, int]


@operation("BatchWriteItem", access="write", finds="batch_write")
def batch_write_item(engine: Engine, request: Request) -> Response:
    request_items = request.get("RequestItems")
    if not request_items:
        raise errors.batch_write_no_requests()
    choice = requested(request)
    collections_wanted = item_collections.requested(request)
    writes = _checked_writes(request_items)
    tables, planned = _planned_writes(engine, writes)
    capacities = _write(tables, planned, choice)
    response: Response = {"UnprocessedItems": {}}
    if choice != "NONE":
        response["ConsumedCapacity"] = consumed_capacity(capacities)
    if collections_wanted:
        # (table, the item or key written), write by write
        written = [(table, document) for (table, *_), (_, _, document, _) in zip(planned, writes, strict=True)]
        metrics = item_collections.by_table(written)
        if metrics:
            response["ItemCollectionMetrics"] = metrics
    return response


def _checked_writes(request_items: dict[str, Any]) -> list[_Write]:
    """Each table's writes: present, not too many, one action each, values valid."""
    count = 0
    writes: list[_Write] = []
    for name, requests in request_items.items():
        if not requests:
            raise errors.batch_write_list_empty(name)
        for write in requests:
            count += 1
            if count > MAX_WRITES:
                raise errors.batch_write_too_many()
            put, delete = write.get("PutRequest"), write.get("DeleteRequest")
            if (put is None) == (delete is None):
                raise errors.write_request_not_one_action()
            document = put.get("Item") if put is not None else delete.get("Key")
            if document is None:
                raise errors.item_null()
            size = validate_item(document)
            writes.append((name, document if put is not None else None, document, size))
    return writes


def _planned_writes(engine: Engine, writes: list[_Write]) -> tuple[dict[str, Table], list[_Planned]]:
    """Table by table: the table, then its requests' keys, secondary-index keys and duplicates."""
    tables: dict[str, Table] = {}
    planned: list[_Planned] = []
    seen: set[tuple[str, StorageKey]] = set()
    for name, item, document, size in writes:
        table = tables.get(name) or tables.setdefault(name, engine.table(name))
        if item is not None:
            key = item_key(table.key_schema, item, as_key=True)  # a put's key errors read as a Key's
        else:
            key = request_key(table.key_schema, document)
        if (name, key) in seen:
            raise errors.batch_duplicate_keys()
        seen.add((name, key))
        if item is not None:
            check_index_keys(table, item)
        planned.append((table, key, item, size))
    return tables, planned


def _write(tables: dict[str, Table], planned: list[_Planned], choice: str) -> dict[str, Consumed]:
    """Make the checked writes; return the capacity each table consumed."""
    capacities = {name: Consumed(table, choice) for name, table in tables.items()}
    for table, (hash_key, range_key), item, size in planned:
        old_size = table.size_of(hash_key, range_key) or 0  # the size of what is replaced: saves sizing it again
        if item is not None:
            old = table.put(hash_key, range_key, item, size)
        else:
            old = table.delete(hash_key, range_key)
            if old is None:
                # DynamoDB charges a batch delete of a missing item 2 units (DeleteItem: 1).
                capacities[table.name].write(None, None)
        capacities[table.name].write(old, item, old_size, size if item is not None else 0)
    return capacities


# --- BatchGetItem --------------------------------------------------------------------------


def _as_sent(key: Item) -> Any:
    """A key as the request spelled it: DynamoDB finds duplicate keys by their text, so "1" and
    "1.0" are different keys here."""
    parts = []
    for name, value in key.items():
        for kind, payload in value.items() if type(value) is dict else ((None, value),):
            if type(payload) is not str:
                return json.dumps(key, sort_keys=True, default=repr)
            parts.append((name, kind, payload))
    # Every payload a string (every well-formed key): its parts, sorted, say the same as the text
    # and cost a quarter of encoding it.
    return tuple(sorted(parts))


@operation("BatchGetItem", access="read", finds="batch_get")
def batch_get_item(engine: Engine, request: Request) -> Response:
    request_items = request.get("RequestItems")
    if not request_items:
        raise errors.batch_get_no_requests()
    choice = requested(request)
    # Legacy and expression projections may not be mixed in one request, even over two tables.
    specs = request_items.values()
    if any(spec.get("AttributesToGet") is not None for spec in specs) and any(
        spec.get("ProjectionExpression") is not None for spec in specs
    ):
        raise errors.batch_get_mixed_projections()

    count = 0
    for name, spec in request_items.items():
        keys = spec.get("Keys")
        if not keys:
            raise errors.batch_get_keys_empty(name)
        seen: set[Any] = set()
        for key in keys:
            count += 1
            if count > MAX_GET_KEYS:
                raise errors.batch_get_too_many()
            sent = _as_sent(key)
            validate_item(key)
            if sent in seen:
                raise errors.batch_duplicate_keys()
            seen.add(sent)

    tables: dict[str, Table] = {}
    reads: list[tuple[str, list[StorageKey], Any, bool]] = []
    for name, spec in request_items.items():
        table = tables[name] = engine.table(name)
        storage_keys = [request_key(table.key_schema, key) for key in spec["Keys"]]
        projection = read_projection_if_any(spec, key_attributes(table))
        reads.append((name, storage_keys, projection, bool(spec.get("ConsistentRead", False))))

    capacities = {name: Consumed(table, choice) for name, table in tables.items()}
    responses: dict[str, list[Item]] = {name: [] for name in request_items}
    unprocessed: dict[str, Any] = {}
    total = 0
    for name, storage_keys, projection, consistent in reads:
        table = tables[name]
        for position, storage_key in enumerate(storage_keys):
            entry = table.entry(*storage_key)
            size = entry[1] if entry is not None else 0
            if total + size > MAX_GET_RESPONSE_BYTES:
                _leave_unprocessed(unprocessed, request_items, name, position)
                break
            total += size
            capacities[name].read(size, consistent)
            if entry is not None:
                responses[name].append(entry[0] if projection is None else projection(entry[0]))
        else:
            continue
        break
    response: Response = {"Responses": responses, "UnprocessedKeys": unprocessed}
    if choice != "NONE":
        response["ConsumedCapacity"] = consumed_capacity(capacities)
    return response


def _leave_unprocessed(unprocessed: dict[str, Any], request_items: dict[str, Any], name: str, position: int) -> None:
    """Every key from `position` of table `name` on, and every later table's, unread."""
    names = list(request_items)
    for later in names[names.index(name) :]:
        spec = request_items[later]
        keys = spec["Keys"][position:] if later == name else spec["Keys"]
        unprocessed[later] = {**spec, "Keys": keys}
