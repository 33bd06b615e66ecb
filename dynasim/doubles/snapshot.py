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
    from dynasim.engine import Engine
    from dynasim.simulator import Simulator
    from dynasim.storage.table import Table


class Snapshot:
    """The tables of a simulator at one moment, independent of it, and the state its features keep
    beside them (backups; see `dynasim.engine.features`)."""

    def __init__(self, tables: dict[str, Table], saved: dict[str, Any] | None = None) -> None:
        self._tables = tables  # the home region's
        self._saved = saved or {}
        self._regions: dict[str, Snapshot] = {}  # the other regions held, each its own

    @property
    def table_names(self) -> list[str]:
        return list(self._tables)

    def item_count(self) -> int:
        """The items of every region's tables."""
        own = sum(table.item_count for table in self._tables.values())
        return own + sum(region.item_count() for region in self._regions.values())

    def __repr__(self) -> str:
        return f"<Snapshot of {len(self._tables)} tables, {self.item_count()} items>"


def take(simulator: Simulator) -> Snapshot:
    engines = list(simulator._regions)
    home, others = engines[0], engines[1:]
    snapshot = _take(home)
    snapshot._regions = {engine.region: _take(engine) for engine in others}
    return snapshot


def _take(engine: Engine) -> Snapshot:
    with engine.lock:
        tables = {name: table.copy() for name, table in engine.tables.items()}
        return Snapshot(tables, features.save_all(engine))


EMPTY = Snapshot({})


def restore(simulator: Simulator, snapshot: Snapshot) -> None:
    """Replace the simulator's tables by copies of the snapshot's, in every region (a region the
    snapshot did not hold is emptied; one it held is held again). The change feed's observers are
    not told, so a simulator that keeps its data on disk refuses (ValueError): its files would no
    longer match what it answers."""
    if any(getattr(observer, "durable", False) for observer in simulator.engine.observers):
        raise ValueError("this simulator keeps its data on disk: snapshots restore in-memory simulators only")
    for region in snapshot._regions:
        simulator.add_region(region)
    for engine in simulator._regions:
        if engine is simulator.engine:
            _restore(engine, snapshot)
        else:
            _restore(engine, snapshot._regions.get(engine.region, EMPTY))


def _restore(engine: Engine, snapshot: Snapshot) -> None:
    with engine.lock:
        engine.tables.clear()
        engine.tables.update({name: table.copy(engine.record) for name, table in snapshot._tables.items()})
        features.load_all(engine, snapshot._saved)
