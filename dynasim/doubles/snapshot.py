"""Snapshots of a simulator's tables: taken once, restored into any simulator in O(items) container
copies (the items themselves are shared: stored items are never changed in place).

    snapshot = sim.snapshot()      # tables, items, indexes, settings, backups
    ...
    sim.restore(snapshot)          # back to that state (the call log and rules are kept)

Restoring is what the pytest plugin does before each test with the declared tables.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from dynasim.engine import features

if TYPE_CHECKING:
    from dynasim.simulator import Simulator
    from dynasim.storage.table import Table


class Snapshot:
    """The tables of a simulator at one moment, independent of it, and the state its features keep
    beside them (backups; see `dynasim.engine.features`)."""

    def __init__(self, tables: dict[str, Table], saved: dict[str, Any] | None = None) -> None:
        self._tables = tables
        self._saved = saved or {}

    @property
    def table_names(self) -> list[str]:
        return list(self._tables)

    def item_count(self) -> int:
        return sum(table.item_count for table in self._tables.values())

    def __repr__(self) -> str:
        return f"<Snapshot of {len(self._tables)} tables, {self.item_count()} items>"


def take(simulator: Simulator) -> Snapshot:
    engine = simulator.engine
    with engine.lock:
        tables = {name: table.copy() for name, table in engine.tables.items()}
        return Snapshot(tables, features.save_all(engine))


EMPTY = Snapshot({})


def restore(simulator: Simulator, snapshot: Snapshot) -> None:
    """Replace the simulator's tables by copies of the snapshot's. The change feed's observers are
    not told, so a simulator that keeps its data on disk refuses (ValueError): its files would no
    longer match what it answers."""
    engine = simulator.engine
    if any(getattr(observer, "durable", False) for observer in engine.observers):
        raise ValueError("this simulator keeps its data on disk: snapshots restore in-memory simulators only")
    with engine.lock:
        engine.tables.clear()
        engine.tables.update({name: table.copy(engine.record) for name, table in snapshot._tables.items()})
        features.load_all(engine, snapshot._saved)
