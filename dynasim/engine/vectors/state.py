"""The vector indexes' entries in one engine, kept current from the change feed.

`VectorSearch` is the feature's state (see `dynasim.engine.features`): for each table searched (or
described) since it was created, loaded or restored, one `store.IndexStore` per vector index, built
from the table's items the first time it is needed and then kept current by the change feed, which
every write reaches: PutItem, UpdateItem, DeleteItem, batches, transactions, PartiQL, TTL deletions.
A table object the engine no longer holds (restored from a snapshot, loaded from `--data-dir`) is
noticed by identity and its stores are built again from the items.

This module does not import numpy: the stores do (`store`), only once a vector index exists.
"""

from __future__ import annotations

import importlib.util
from typing import TYPE_CHECKING, Any

from dynasim.engine.vectors.definitions import VectorIndex, find
from dynasim.storage.changes import Change, ItemDeleted, ItemPut, TableCreated, TableDeleted, TableUpdated

if TYPE_CHECKING:
    from dynasim.engine import Engine
    from dynasim.engine.vectors.store import IndexStore
    from dynasim.storage.table import Table


def numpy_available() -> bool:
    """Whether numpy, which vector search needs (`pip install 'dynasim[vector]'`), is installed."""
    return importlib.util.find_spec("numpy") is not None


class VectorSearch:
    """The engine's vector index entries (see the module's documentation)."""

    def __init__(self, engine: Engine) -> None:
        self.engine = engine
        # How long (seconds of `sim.clock`) an index that UpdateTable adds backfills.
        self.backfill_seconds = 0.0
        # The index the running UpdateTable created (its answer shows it CREATING and Backfilling).
        self.created_now: tuple[str, str] | None = None
        self._stores: dict[str, tuple[Table, dict[str, IndexStore]]] = {}  # table name -> (table, stores)

    def store(self, table: Table, index: VectorIndex) -> IndexStore:
        """The index's entries, built from the table's items if they are not yet kept."""
        from dynasim.engine.vectors.store import IndexStore

        kept = self._stores.get(table.name)
        if kept is None or kept[0] is not table:
            kept = self._stores[table.name] = (table, {})
        found = kept[1].get(index.name)
        if found is None or found.index != index:
            found = kept[1][index.name] = IndexStore(index, table.key_schema)
            found.fill(table.items())
        return found

    def describing(self, table: Table, index: VectorIndex, now: float, status: str) -> tuple[str, bool, int, int]:
        """(IndexStatus, Backfilling, IndexSizeBytes, ItemCount) for DescribeTable, in an answer
        whose TableStatus is `status`."""
        if index.backfilled_at is None:  # created with its table
            backfilling, state = False, "CREATING" if status == "CREATING" else "ACTIVE"
        else:
            answering_creation = status == "UPDATING" and self.created_now == (table.name, index.name)
            backfilling = answering_creation or index.backfilling(now)
            state = "CREATING" if backfilling else "ACTIVE"
        if backfilling or not numpy_available() or table is not self.engine.tables.get(table.name):
            return state, backfilling, 0, 0
        store = self.store(table, index)
        return state, backfilling, store.size_bytes, store.count

    def committed(self, changes: list[Change]) -> None:
        if not self._stores:
            return
        for change in changes:
            if isinstance(change, ItemPut):
                for store in self._current(change.table):
                    store.put(change.item, change.old)
            elif isinstance(change, ItemDeleted):
                for store in self._current(change.table):
                    store.delete(change.old)
            elif isinstance(change, (TableCreated, TableDeleted)):
                self._stores.pop(change.table if isinstance(change, TableDeleted) else change.settings.name, None)
            elif isinstance(change, TableUpdated):
                self._forget_changed(change.settings.name)

    def _current(self, name: str) -> list[Any]:
        kept = self._stores.get(name)
        if kept is None:
            return []
        if kept[0] is not self.engine.tables.get(name):
            del self._stores[name]  # replaced: built again when next needed
            return []
        return list(kept[1].values())

    def _forget_changed(self, name: str) -> None:
        """Drop the stores of indexes a table no longer has as they were (deleted ones)."""
        kept = self._stores.get(name)
        if kept is None:
            return
        table, stores = kept
        for index_name, store in list(stores.items()):
            if find(table, index_name) != store.index:
                del stores[index_name]
