"""A table's items, kept in DynamoDB's key order.

Items live per partition: a table with only a partition key maps each partition-key value to its
item; a table with a sort key maps each partition-key value to a SortedDict from sort-key value to
item, so reading a range of one partition costs O(log n + k) and never touches other partitions.
Keys are the ordering values of `values.sort_key`: Decimal for N, str for S, bytes for B.
Each entry is an (item, size) pair, so replacing or removing an item never re-measures it.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from typing import Any

from sortedcontainers import SortedDict

from dynasim.storage.changes import ItemDeleted, ItemPut
from dynasim.values import Item


@dataclass(frozen=True)
class KeySchema:
    hash_name: str
    hash_type: str
    range_name: str | None = None
    range_type: str | None = None

    @property
    def names(self) -> tuple[str, ...]:
        return (self.hash_name,) if self.range_name is None else (self.hash_name, self.range_name)


@dataclass
class TableSettings:
    """Everything DescribeTable reports that is not derived from the items."""

    name: str
    arn: str
    table_id: str
    key_schema: KeySchema
    attribute_definitions: list[dict[str, str]]
    billing_mode: str
    read_capacity: int
    write_capacity: int
    created_at: float
    billing_mode_updated_at: float | None = None
    last_increase_at: float | None = None
    last_decrease_at: float | None = None
    decreases_today: int = 0
    deletion_protection: bool = False
    table_class: str | None = None
    extra: dict[str, Any] = field(default_factory=dict)


class Table:
    """One table's settings and items. Not thread-safe by itself: the engine serialises access.

    Every write is reported to `record` (the engine's change feed) as an ItemPut or ItemDeleted.
    """

    def __init__(self, settings: TableSettings, record: Callable[[Any], None] | None = None) -> None:
        self.settings = settings
        self._record = record or (lambda change: None)
        self.key_schema = settings.key_schema
        self._composite = settings.key_schema.range_name is not None
        # partition key -> item, or partition key -> SortedDict(sort key -> item)
        self._partitions: dict[Any, Any] = {}
        self.item_count = 0
        self.size_bytes = 0

    @property
    def name(self) -> str:
        return self.settings.name

    def get(self, hash_key: Any, range_key: Any = None) -> Item | None:
        entry = self._partitions.get(hash_key)
        if entry is not None and self._composite:
            entry = entry.get(range_key)
        return None if entry is None else entry[0]

    def put(self, hash_key: Any, range_key: Any, item: Item, size: int) -> Item | None:
        """Store `item` (of `size` bytes) under its key; return the item it replaced, if any."""
        if self._composite:
            partition = self._partitions.get(hash_key)
            if partition is None:
                partition = self._partitions[hash_key] = SortedDict()
            old = partition.get(range_key)
            partition[range_key] = (item, size)
        else:
            old = self._partitions.get(hash_key)
            self._partitions[hash_key] = (item, size)
        self.item_count += 1
        self.size_bytes += size
        old_item = self._forget(old)
        self._record(ItemPut(self.settings.name, item, old_item))
        return old_item

    def delete(self, hash_key: Any, range_key: Any = None) -> Item | None:
        """Remove the item under this key; return it, or None if there was none."""
        if self._composite:
            partition = self._partitions.get(hash_key)
            if partition is None:
                return None
            old = partition.pop(range_key, None)
            if not partition:
                del self._partitions[hash_key]
        else:
            old = self._partitions.pop(hash_key, None)
        old_item = self._forget(old)
        if old_item is not None:
            self._record(ItemDeleted(self.settings.name, old_item))
        return old_item

    def _forget(self, entry: tuple[Item, int] | None) -> Item | None:
        """Take a removed entry out of the counts; return its item."""
        if entry is None:
            return None
        self.item_count -= 1
        self.size_bytes -= entry[1]
        return entry[0]

    def items(self) -> Iterator[Item]:
        """Every item, partition by partition, each partition in sort-key order."""
        for entry in self._partitions.values():
            if self._composite:
                for item, _ in entry.values():
                    yield item
            else:
                yield entry[0]
