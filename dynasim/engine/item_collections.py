"""Item collections: in a table with local secondary indexes, all items sharing a partition-key
value, with their index entries. Writes report their size when ReturnItemCollectionMetrics=SIZE.

DynamoDB reports the size as a range in GB (an estimate, documented as imprecise); dynasim counts
the partition's items once per copy (the table and each local index holding them all) and
reports the whole-GB range around it. The 10 GB limit of a collection is not enforced: an
in-memory collection that size is out of reach.
"""

from __future__ import annotations

import math
from typing import Any

from dynasim.storage.table import Table
from dynasim.values import Item, sort_key

GB = 1024**3


def requested(request: dict[str, Any]) -> bool:
    """Whether the request asks for ItemCollectionMetrics (its enum is checked by the model's constraints)."""
    return request.get("ReturnItemCollectionMetrics") == "SIZE"


def metrics(table: Table, item: Item) -> dict[str, Any] | None:
    """The ItemCollectionMetrics of the collection `item` (an item or a key) belongs to, or None
    when the table has no local secondary index."""
    local_indexes = sum(1 for index in table.indexes.values() if index.settings.kind == "LOCAL")
    if not local_indexes:
        return None
    name = table.key_schema.hash_name
    hash_value = item[name]
    size = table.partition_bytes(sort_key(*next(iter(hash_value.items())))) * (1 + local_indexes)
    lower = float(math.floor(size / GB))
    return {"ItemCollectionKey": {name: hash_value}, "SizeEstimateRangeGB": [lower, lower + 1.0]}


def add_to(response: dict[str, Any], table: Table, item: Item, wanted: bool) -> dict[str, Any]:
    """Add a single-item write's ItemCollectionMetrics, when asked for and the table has any."""
    if wanted:
        found = metrics(table, item)
        if found is not None:
            response["ItemCollectionMetrics"] = found
    return response


def by_table(tables_items: list[tuple[Table, Item]]) -> dict[str, list[dict[str, Any]]]:
    """The ItemCollectionMetrics member of a multi-item write: per table, one entry per item
    collection it wrote to."""
    found: dict[str, dict[str, dict[str, Any]]] = {}
    for table, item in tables_items:
        entry = metrics(table, item)
        if entry is not None:
            key = repr(entry["ItemCollectionKey"])
            found.setdefault(table.name, {})[key] = entry
    return {name: list(entries.values()) for name, entries in found.items()}
