"""A read-only view of a table in which some items are seen in other versions (an earlier item,
or none): what an eventually consistent read sees while recent writes have not reached it.

The view never changes the table. It holds the other versions in a small table of their own
(with the same indexes), hides the live table's entries at those keys, and merges the two in key
order, so every read the engine makes of a table (get, query, scan, an index's query and scan,
counts and sizes) works on it at O(log n + k) plus the few items it overrides. It has no write
methods: a write through it fails loudly instead of reaching the live table.
"""

from __future__ import annotations

import heapq
from collections.abc import Iterator, Mapping
from typing import TYPE_CHECKING, Any

from dynasim.storage.index import Entry, Index
from dynasim.storage.ranges import EVERYTHING, TOKEN_SPACE, SortRange, token
from dynasim.storage.table import Table
from dynasim.values import Item, item_size

if TYPE_CHECKING:
    from dynasim.storage.index import IndexSettings
    from dynasim.storage.table import TableSettings

Key = tuple[Any, Any]  # (partition key, sort key or None), as the table stores them


class TableView:
    """`table` with the item under each key of `versions` replaced by that version (None: no item)."""

    def __init__(self, table: Table, versions: Mapping[Key, Item | None]) -> None:
        self._table = table
        self._hidden = frozenset(versions)
        overlay = Table(table.settings)
        overlay.indexes = {name: Index(index.settings, table.key_schema.names) for name, index in table.indexes.items()}
        for (hash_key, range_key), item in versions.items():
            if item is not None:
                overlay.put(hash_key, range_key, item, item_size(item))
        self._overlay = overlay
        hidden = [(key, table.entry(*key)) for key in self._hidden]
        hidden_entries = [(key, found) for key, found in hidden if found is not None]
        self.item_count = table.item_count - len(hidden_entries) + overlay.item_count
        self.size_bytes = table.size_bytes - sum(size for _, (_, size) in hidden_entries) + overlay.size_bytes
        self._hidden_bytes: dict[Any, int] = {}
        for (hash_key, _), (_, size) in hidden_entries:
            self._hidden_bytes[hash_key] = self._hidden_bytes.get(hash_key, 0) + size
        self.indexes = {
            name: IndexView(index, overlay.indexes[name], hidden_entries) for name, index in table.indexes.items()
        }

    # --- what a table says about itself -----------------------------------------------------

    @property
    def settings(self) -> TableSettings:
        return self._table.settings

    @property
    def name(self) -> str:
        return self._table.name

    @property
    def key_schema(self) -> Any:
        return self._table.key_schema

    def partition_bytes(self, hash_key: Any) -> int:
        return (
            self._table.partition_bytes(hash_key)
            - self._hidden_bytes.get(hash_key, 0)
            + self._overlay.partition_bytes(hash_key)
        )

    # --- reads ------------------------------------------------------------------------------

    def get(self, hash_key: Any, range_key: Any = None) -> Item | None:
        entry = self.entry(hash_key, range_key)
        return None if entry is None else entry[0]

    def entry(self, hash_key: Any, range_key: Any = None) -> tuple[Item, int] | None:
        if (hash_key, range_key) in self._hidden:
            return self._overlay.entry(hash_key, range_key)
        return self._table.entry(hash_key, range_key)

    def size_of(self, hash_key: Any, range_key: Any = None) -> int | None:
        entry = self.entry(hash_key, range_key)
        return None if entry is None else entry[1]

    def query(
        self, hash_key: Any, sort_range: SortRange = EVERYTHING, forward: bool = True, start: Any = None
    ) -> Iterator[tuple[Any, tuple[Item, int]]]:
        hidden = self._hidden
        live = (
            pair
            for pair in self._table.query(hash_key, sort_range, forward, start)
            if (hash_key, pair[0]) not in hidden
        )
        extra = self._overlay.query(hash_key, sort_range, forward, start)
        return heapq.merge(live, extra, key=lambda pair: pair[0], reverse=not forward)

    def scan(
        self, token_low: int = 0, token_high: int = TOKEN_SPACE, start: tuple[Any, Any] | None = None
    ) -> Iterator[tuple[Any, tuple[Any, tuple[Item, int]]]]:
        hidden = self._hidden
        live = (
            found for found in self._table.scan(token_low, token_high, start) if (found[0], found[1][0]) not in hidden
        )
        extra = self._overlay.scan(token_low, token_high, start)
        return heapq.merge(live, extra, key=lambda found: (token(found[0]), found[0], found[1][0]))

    def items(self) -> Iterator[Item]:
        for _, (_, (item, _)) in self.scan():
            yield item


class IndexView:
    """An index of a `TableView`: the live index without the entries of hidden items, merged with
    the entries of the versions seen instead."""

    def __init__(self, index: Index, overlay: Index, hidden: list[tuple[Key, tuple[Item, int]]]) -> None:
        self._index = index
        self._overlay = overlay
        self._hidden: set[tuple[Any, Entry]] = set()
        size = 0
        for (hash_key, range_key), (item, item_bytes) in hidden:
            placed = index.entry(item, hash_key, range_key)
            if placed is not None:
                self._hidden.add(placed)
                size += item_bytes
        self.item_count = index.item_count - len(self._hidden) + overlay.item_count
        self.size_bytes = index.size_bytes - size + overlay.size_bytes

    @property
    def settings(self) -> IndexSettings:
        return self._index.settings

    @property
    def name(self) -> str:
        return self._index.name

    @property
    def hash_attributes(self) -> tuple[tuple[str, str], ...]:
        return self._index.hash_attributes

    @property
    def range_attributes(self) -> tuple[tuple[str, str], ...]:
        return self._index.range_attributes

    @property
    def key_names(self) -> tuple[str, ...]:
        return self._index.key_names

    @property
    def projected(self) -> frozenset[str] | None:
        return self._index.projected

    def project(self, item: Item) -> Item:
        return self._index.project(item)

    def entry(self, item: Item, table_hash: Any, table_range: Any) -> tuple[Any, Entry] | None:
        return self._index.entry(item, table_hash, table_range)

    def query(
        self,
        hash_key: Any,
        sort_range: SortRange = EVERYTHING,
        forward: bool = True,
        start: Entry | None = None,
        prefix: tuple[Any, ...] = (),
    ) -> Iterator[Entry]:
        hidden = self._hidden
        live = self._index.query(hash_key, sort_range, forward, start, prefix)
        if hidden:
            live = (entry for entry in live if (hash_key, entry) not in hidden)
        extra = self._overlay.query(hash_key, sort_range, forward, start, prefix)
        return heapq.merge(live, extra, reverse=not forward)

    def scan(
        self, token_low: int = 0, token_high: int = TOKEN_SPACE, start: tuple[Any, Entry] | None = None
    ) -> Iterator[tuple[Any, Entry]]:
        hidden = self._hidden
        live = (found for found in self._index.scan(token_low, token_high, start) if found not in hidden)
        extra = self._overlay.scan(token_low, token_high, start)
        return heapq.merge(live, extra, key=lambda found: (token(found[0]), found[0], found[1]))
