"""A table's items, kept in DynamoDB's key order, and its secondary indexes.

Items live per partition: a table with only a partition key maps each partition-key value to its
item; a table with a sort key maps each partition-key value to a SortedDict from sort-key value to
item, so reading a range of one partition costs O(log n + k) and never touches other partitions.
Partitions are also kept in scan order (by a stable hash token of their key, see `ranges`), so a
Scan can resume from any key and split the table into parallel segments.
Keys are the ordering values of `values.sort_key`: Decimal for N, str for S, bytes for B.
Each entry is a (stored item, size) pair, so replacing or removing an item never re-measures it;
items are stored packed (`dynasim.storage.packed`) and read back in wire form.
"""

from __future__ import annotations

import copy
import dataclasses
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from typing import Any

from sortedcontainers import SortedDict, SortedList

from dynasim.storage.changes import ItemDeleted, ItemPut
from dynasim.storage.index import Index, IndexSettings
from dynasim.storage.packed import Packed, Shapes, unpack
from dynasim.storage.ranges import EVERYTHING, TOKEN_SPACE, SortRange, scan_partitions, token
from dynasim.storage.schema import KeySchema
from dynasim.values import Item


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
    indexes: list[IndexSettings] = field(default_factory=list)
    extra: dict[str, Any] = field(default_factory=dict)

    def copy(self) -> TableSettings:
        """An independent copy: what `copy.deepcopy` gives, made field by field (a fraction of its
        cost: every snapshot restore copies every table's settings). The key schemas are immutable."""
        return dataclasses.replace(
            self,
            attribute_definitions=[dict(definition) for definition in self.attribute_definitions],
            indexes=[index.copy() for index in self.indexes],
            extra=copy.deepcopy(self.extra),
        )


class Table:
    """One table's settings and items. Not thread-safe by itself: the engine serialises access.

    Every write is reported to `record` (the engine's change feed) as an ItemPut or ItemDeleted.
    """

    def __init__(self, settings: TableSettings, record: Callable[[Any], None] | None = None) -> None:
        self.settings = settings
        self._record = record or (lambda change: None)
        self.key_schema = settings.key_schema
        self._composite = settings.key_schema.range_name is not None
        # partition key -> (item, size), or partition key -> SortedDict(sort key -> (item, size))
        self._partitions: dict[Any, Any] = {}
        self._shapes = Shapes()
        self._scan_order = SortedList()  # (token, partition key)
        self._borrowed: set[Any] = set()  # partitions shared with a copy: copied before a change
        self.item_count = 0
        self.size_bytes = 0
        self.indexes: dict[str, Index] = {}
        for index_settings in settings.indexes:
            self.indexes[index_settings.name] = Index(index_settings, settings.key_schema.names)

    @property
    def name(self) -> str:
        return self.settings.name

    def copy(self, record: Callable[[Any], None] | None = None) -> Table:
        """An independent copy (for snapshots) reporting its writes to `record`, in O(partitions):
        items are shared (stored items are never changed in place, only replaced), and so are the
        partitions, copy-on-write: whichever table changes a shared partition first copies it."""
        new = copy.copy(self)
        new.settings = self.settings.copy()
        new._record = record or (lambda change: None)
        new._partitions = self._partitions.copy()
        if self._composite:
            self._borrowed.update(self._partitions)
            new._borrowed = set(self._borrowed)
        new._scan_order = self._scan_order.copy()
        new.indexes = {name: index.copy() for name, index in self.indexes.items()}
        for index_settings in new.settings.indexes:
            if index_settings.name in new.indexes:
                new.indexes[index_settings.name].settings = index_settings
        return new

    def _own(self, hash_key: Any) -> Any:
        """A partition shared with a copy, made this table's own before it changes."""
        self._borrowed.discard(hash_key)
        partition = self._partitions[hash_key] = self._partitions[hash_key].copy()
        return partition

    def partition_bytes(self, hash_key: Any) -> int:
        """The size of one partition's items (O(items in it))."""
        entry = self._partitions.get(hash_key)
        if entry is None:
            return 0
        if not self._composite:
            return entry[1]
        return sum(size for _, size in entry.values())

    def get(self, hash_key: Any, range_key: Any = None) -> Item | None:
        entry = self.entry(hash_key, range_key)
        return None if entry is None else entry[0]

    def entry(self, hash_key: Any, range_key: Any = None) -> tuple[Item, int] | None:
        """(item, size) under this key, or None."""
        entry = self._stored(hash_key, range_key)
        return None if entry is None else (unpack(entry[0]), entry[1])

    def size_of(self, hash_key: Any, range_key: Any = None) -> int | None:
        """The size of the item under this key, or None (saves reading the item)."""
        entry = self._stored(hash_key, range_key)
        return None if entry is None else entry[1]

    def _stored(self, hash_key: Any, range_key: Any) -> tuple[Packed, int] | None:
        entry = self._partitions.get(hash_key)
        if entry is not None and self._composite:
            entry = entry.get(range_key)
        return entry

    def put(
        self, hash_key: Any, range_key: Any, item: Item, size: int, *, replicated_from: str | None = None
    ) -> Item | None:
        """Store `item` (of `size` bytes) under its key; return the item it replaced, if any.
        `replicated_from`: a global table's replication writes it (the change feed says so)."""
        if self._composite:
            partition = self._partitions.get(hash_key)
            if partition is None:
                partition = self._partitions[hash_key] = SortedDict()
                self._scan_order.add((token(hash_key), hash_key))
            elif self._borrowed and hash_key in self._borrowed:
                partition = self._own(hash_key)
            old = partition.get(range_key)
            partition[range_key] = (self._shapes.pack(item), size)
        else:
            old = self._partitions.get(hash_key)
            self._partitions[hash_key] = (self._shapes.pack(item), size)
            if old is None:
                self._scan_order.add((token(hash_key), hash_key))
        self.size_bytes += size
        if old is None:
            self.item_count += 1
            old_item = None
            for index in self.indexes.values():
                index.add(item, size, hash_key, range_key)
        else:
            old_item = unpack(old[0])
            self.size_bytes -= old[1]
            for index in self.indexes.values():
                index.replace(old_item, old[1], item, size, hash_key, range_key)
        self._record(ItemPut(self.settings.name, item, old_item, replicated_from))
        return old_item

    def delete(
        self, hash_key: Any, range_key: Any = None, *, expired: bool = False, replicated_from: str | None = None
    ) -> Item | None:
        """Remove the item under this key; return it, or None if there was none. `expired`:
        TTL is deleting it; `replicated_from`: a global table's replication is (the change feed
        says so)."""
        if self._composite:
            partition = self._partitions.get(hash_key)
            if partition is None:
                return None
            if self._borrowed and hash_key in self._borrowed:
                partition = self._own(hash_key)
            old = partition.pop(range_key, None)
            if not partition:
                del self._partitions[hash_key]
                self._scan_order.remove((token(hash_key), hash_key))
        else:
            old = self._partitions.pop(hash_key, None)
            if old is not None:
                self._scan_order.remove((token(hash_key), hash_key))
        old_item = self._forget(old, hash_key, range_key)
        if old_item is not None:
            self._record(ItemDeleted(self.settings.name, old_item, expired, replicated_from))
        return old_item

    def _forget(self, entry: tuple[Packed, int] | None, hash_key: Any, range_key: Any) -> Item | None:
        """Take a removed entry out of the counts and the indexes; return its item."""
        if entry is None:
            return None
        item = unpack(entry[0])
        self.item_count -= 1
        self.size_bytes -= entry[1]
        for index in self.indexes.values():
            index.remove(item, entry[1], hash_key, range_key)
        return item

    # --- reads in key order ---------------------------------------------------------------

    def query(
        self, hash_key: Any, sort_range: SortRange = EVERYTHING, forward: bool = True, start: Any = None
    ) -> Iterator[tuple[Any, tuple[Item, int]]]:
        """(sort key, (item, size)) of one partition within `sort_range`, after sort key `start`."""
        partition = self._partitions.get(hash_key)
        if partition is None:
            return iter(())
        if not self._composite:
            return iter(() if start is not None else ((None, _read(partition)),))
        if start is not None:
            sort_range = sort_range.after(start, forward)
        return _read_range(partition, partition.irange(**sort_range.irange_args(), reverse=not forward))

    def scan(
        self, token_low: int = 0, token_high: int = TOKEN_SPACE, start: tuple[Any, Any] | None = None
    ) -> Iterator[tuple[Any, tuple[Any, tuple[Item, int]]]]:
        """(partition key, (sort key, (item, size))) in scan order, within a token range, after the
        item whose key is `start` = (partition key, sort key)."""

        def entries(hash_key: Any, after: Any) -> Iterator[tuple[Any, tuple[Item, int]]]:
            if self._composite:
                return self.query(hash_key, start=after)
            return iter(() if after is not None else ((None, _read(self._partitions[hash_key])),))

        if start is not None and not self._composite:
            start = (start[0], True)  # resume after the partition's only item
        return scan_partitions(self._scan_order, entries, token_low, token_high, start)

    # --- indexes --------------------------------------------------------------------------

    def add_index(self, settings: IndexSettings) -> Index:
        """Create an index and fill it from the items already stored."""
        index = self.indexes[settings.name] = Index(settings, self.key_schema.names)
        for hash_key, (range_key, (item, size)) in self.scan():
            index.add(item, size, hash_key, range_key)
        return index

    def remove_index(self, name: str) -> None:
        del self.indexes[name]

    def items(self) -> Iterator[Item]:
        """Every item, in scan order."""
        for _, (_, (item, _)) in self.scan():
            yield item


def _read(entry: tuple[Packed, int]) -> tuple[Item, int]:
    """A stored entry as reads see it: (item in wire form, size)."""
    return unpack(entry[0]), entry[1]


def _read_range(partition: SortedDict, keys: Iterator[Any]) -> Iterator[tuple[Any, tuple[Item, int]]]:
    """(sort key, (item, size)) of these keys of a partition, as `_read` reads each."""
    for key in keys:
        packed, size = partition[key]
        yield key, (unpack(packed), size)
