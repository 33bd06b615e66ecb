"""Secondary indexes (global and local), kept current by the table on every write.

An index partition (one index partition-key value) is a SortedList of entries
`(*index sort key values, table partition key, table sort key)` — one value per sort attribute of
the index, none for an index without a sort key — so a query on it costs O(log n + k) like one on
the table, entries come in the order of the sort attributes (first, then second, ...), and entries
with equal index keys come in table-key order. A multi-attribute partition key is the tuple of its
attributes' values. Items lacking an index key attribute, or holding one of another type, are not
in the index (sparse indexes). Entries hold keys only: reads fetch the item from the table
and project it. An index's size counts its items' full sizes, as DynamoDB Local reports it.
"""

from __future__ import annotations

import copy
import dataclasses
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any

from sortedcontainers import SortedList

from dynasim.storage.ranges import EVERYTHING, TOKEN_SPACE, SortRange, scan_partitions, token
from dynasim.storage.schema import KeySchema
from dynasim.values import Item, sort_key

Entry = tuple[Any, ...]


@dataclass
class IndexSettings:
    """An index as CreateTable/UpdateTable defined it (everything DescribeTable reports)."""

    name: str
    kind: str  # "GLOBAL" or "LOCAL"
    arn: str
    key_schema: KeySchema
    projection_type: str  # "ALL", "KEYS_ONLY" or "INCLUDE"
    non_key_attributes: list[str] = field(default_factory=list)
    read_capacity: int = 0
    write_capacity: int = 0
    status: str = "ACTIVE"
    # Reported for global indexes that UpdateTable created on an on-demand table.
    on_demand_throughput: dict[str, int] | None = None

    def copy(self) -> IndexSettings:
        """An independent copy: what `copy.deepcopy` gives, made field by field (a fraction of its cost)."""
        throughput = dict(self.on_demand_throughput) if self.on_demand_throughput is not None else None
        return dataclasses.replace(
            self, non_key_attributes=list(self.non_key_attributes), on_demand_throughput=throughput
        )


class Index:
    def __init__(self, settings: IndexSettings, table_key_names: tuple[str, ...]) -> None:
        self.settings = settings
        schema = settings.key_schema
        self.hash_attributes = schema.hash_attributes
        self.range_attributes = schema.range_attributes
        self.key_names = tuple(dict.fromkeys((*table_key_names, *schema.names)))
        self.projected: frozenset[str] | None = (
            None
            if settings.projection_type == "ALL"
            else frozenset(self.key_names) | frozenset(settings.non_key_attributes)
        )
        self._partitions: dict[Any, SortedList] = {}
        self._scan_order = SortedList()  # (token, index partition key)
        self._borrowed: set[Any] = set()  # partitions shared with a copy: copied before a change
        self.item_count = 0
        self.size_bytes = 0

    @property
    def name(self) -> str:
        return self.settings.name

    def copy(self) -> Index:
        """An independent copy (for table snapshots); partitions are shared, copy-on-write."""
        new = copy.copy(self)
        new._partitions = self._partitions.copy()
        self._borrowed.update(self._partitions)
        new._borrowed = set(self._borrowed)
        new._scan_order = self._scan_order.copy()
        return new

    def _own(self, hash_key: Any) -> SortedList:
        self._borrowed.discard(hash_key)
        partition = self._partitions[hash_key] = self._partitions[hash_key].copy()
        return partition

    def entry(self, item: Item, table_hash: Any, table_range: Any) -> tuple[Any, Entry] | None:
        """(index partition key, entry) for an item, or None when the item is not in the index."""
        hash_values = _key_values(item, self.hash_attributes)
        range_values = _key_values(item, self.range_attributes)
        if hash_values is None or range_values is None:
            return None
        return partition_key(hash_values), (*range_values, table_hash, table_range)

    def project(self, item: Item) -> Item:
        if self.projected is None:
            return item
        return {name: value for name, value in item.items() if name in self.projected}

    def add(self, item: Item, size: int, table_hash: Any, table_range: Any) -> None:
        self._add(self.entry(item, table_hash, table_range), size)

    def remove(self, item: Item, size: int, table_hash: Any, table_range: Any) -> None:
        self._remove(self.entry(item, table_hash, table_range), size)

    def replace(self, old: Item, old_size: int, new: Item, new_size: int, table_hash: Any, table_range: Any) -> None:
        """The item under this table key, `old`, replaced by `new`."""
        old_placed = self.entry(old, table_hash, table_range)
        new_placed = self.entry(new, table_hash, table_range)
        if old_placed is not None and old_placed == new_placed:
            self.size_bytes += new_size - old_size  # the same entry: saves taking it out and putting it back
            return
        self._remove(old_placed, old_size)
        self._add(new_placed, new_size)

    def _add(self, placed: tuple[Any, Entry] | None, size: int) -> None:
        if placed is None:
            return
        hash_key, entry = placed
        partition = self._partitions.get(hash_key)
        if partition is None:
            partition = self._partitions[hash_key] = SortedList()
            self._scan_order.add((token(hash_key), hash_key))
        elif self._borrowed and hash_key in self._borrowed:
            partition = self._own(hash_key)
        partition.add(entry)
        self.item_count += 1
        self.size_bytes += size

    def _remove(self, placed: tuple[Any, Entry] | None, size: int) -> None:
        if placed is None:
            return
        hash_key, entry = placed
        partition = self._partitions[hash_key]
        if self._borrowed and hash_key in self._borrowed:
            partition = self._own(hash_key)
        partition.remove(entry)
        if not partition:
            del self._partitions[hash_key]
            self._scan_order.remove((token(hash_key), hash_key))
        self.item_count -= 1
        self.size_bytes -= size

    def query(
        self,
        hash_key: Any,
        sort_range: SortRange = EVERYTHING,
        forward: bool = True,
        start: Entry | None = None,
        prefix: tuple[Any, ...] = (),
    ) -> Iterator[Entry]:
        """Entries of one index partition whose first sort values equal `prefix` and whose next
        one lies within `sort_range`, after `start`, in order."""
        partition = self._partitions.get(hash_key)
        if partition is None:
            return iter(())
        bounds: dict[str, Any] = (
            sort_range.tuple_irange_args(prefix) if self.range_attributes else {"minimum": None, "maximum": None}
        )
        inclusive = [True, True]
        if start is not None:
            side, keep = ("minimum", max) if forward else ("maximum", min)
            current = bounds[side]
            if current is None or keep(current, start) == start:
                bounds[side] = start
                inclusive[0 if forward else 1] = False
        return partition.irange(**bounds, inclusive=tuple(inclusive), reverse=not forward)

    def scan(
        self, token_low: int = 0, token_high: int = TOKEN_SPACE, start: tuple[Any, Entry] | None = None
    ) -> Iterator[tuple[Any, Entry]]:
        """(index partition key, entry) pairs in scan order within a token range, after `start`."""

        def entries(hash_key: Any, after: Entry | None) -> Iterator[Entry]:
            partition = self._partitions[hash_key]
            if after is None:
                return iter(partition)
            return partition.irange(minimum=after, inclusive=(False, True))

        return scan_partitions(self._scan_order, entries, token_low, token_high, start)


def _key_values(item: Item, attributes: tuple[tuple[str, str], ...]) -> tuple[Any, ...] | None:
    """The ordering values of these key attributes in an item, or None if one is absent or (filled
    in before the index existed) of another type."""
    values = []
    for name, kind in attributes:
        value = item.get(name)
        if value is None or kind not in value:
            return None
        values.append(sort_key(kind, value[kind]))
    return tuple(values)


def partition_key(hash_values: tuple[Any, ...]) -> Any:
    """An index partition's key: its one partition value, or the tuple of a multi-attribute key."""
    return hash_values[0] if len(hash_values) == 1 else hash_values
