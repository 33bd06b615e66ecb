"""Eventual consistency, on request: reads that may not see the latest writes yet.

    sim.enable_eventual_consistency(lag=1.0, stale_read_probability=0.5, seed=0)

While on, every write is remembered for `lag` seconds of the simulator's clock. Then:

* a read of a global secondary index (Query or Scan with an IndexName of a global index) does not
  see writes younger than `lag`: it sees the items as they were before them (deterministically);
* an eventually consistent read of the table (GetItem, Query, Scan, BatchGetItem, a PartiQL
  SELECT, without ConsistentRead; a local index counts as the table) sees, for each item written within `lag`,
  its previous version with probability `stale_read_probability` (drawn from a seeded generator);
* strongly consistent reads and writes always see the latest data.

The mode covers every region the simulator holds, each remembering its own writes.
`sim.advance(lag)` (or waiting) makes everything visible. The reads run on the engine as usual,
against read-only views of the tables (`storage.view.TableView`) that show the unseen writes'
older versions, in place of the tables for the duration of the read (under the engine's lock), so
filters, projections, paging and capacity all apply to the old versions; the tables themselves
are never changed.
When the mode is off nothing of this runs.
"""

from __future__ import annotations

import random
from collections import deque
from collections.abc import Callable
from typing import TYPE_CHECKING, Any

from dynasim.doubles.stages import Progress, Stage, stage
from dynasim.engine.keys import item_key
from dynasim.storage.changes import Change, ItemDeleted, ItemPut, TableCreated, TableDeleted
from dynasim.storage.view import TableView
from dynasim.values import Item

if TYPE_CHECKING:
    from dynasim.doubles.hub import Doubles
    from dynasim.engine import Engine
    from dynasim.engine.touches import Touches

Key = tuple[Any, Any]


class RecentWrites:
    """An engine observer remembering the writes of one region's tables: when each was made and
    the item it replaced."""

    def __init__(self, engine: Engine, clock: Callable[[], float]) -> None:
        self.engine = engine
        self.clock = clock
        # table name -> deque of (time, storage key, item before the write)
        self.pending: dict[str, deque[tuple[float, Key, Item | None]]] = {}

    def committed(self, changes: list[Change]) -> None:
        now = self.clock()
        for change in changes:
            if isinstance(change, ItemPut):
                table = self.engine.tables.get(change.table)
                if table is not None:
                    key = item_key(table.key_schema, change.item)
                    self.pending.setdefault(change.table, deque()).append((now, key, change.old))
            elif isinstance(change, ItemDeleted):
                table = self.engine.tables.get(change.table)
                if table is not None:
                    key = item_key(table.key_schema, change.old)
                    self.pending.setdefault(change.table, deque()).append((now, key, change.old))
            elif isinstance(change, (TableCreated, TableDeleted)):
                name = change.settings.name if isinstance(change, TableCreated) else change.table
                self.pending.pop(name, None)

    def older_versions(self, table_name: str, now: float, lag: float) -> dict[Key, Item | None]:
        """For each key written within `lag`, the item it held before those writes."""
        queue = self.pending.get(table_name)
        if not queue:
            return {}
        while queue and now - queue[0][0] >= lag:
            queue.popleft()
        versions: dict[Key, Item | None] = {}
        for _, key, old in queue:
            versions.setdefault(key, old)  # the earliest unseen write's old item
        return versions


class EventualConsistency:
    """The mode, in every region it watches (`watch`: each region's engine gets an observer that
    remembers recent writes), and a wrapper that runs reads against the versions they replaced."""

    def __init__(
        self,
        clock: Callable[[], float],
        *,
        lag: float = 1.0,
        stale_read_probability: float = 0.5,
        seed: int | None = None,
    ) -> None:
        if lag < 0:
            raise ValueError("lag cannot be negative")
        if not 0 <= stale_read_probability <= 1:
            raise ValueError("stale_read_probability must be between 0 and 1")
        self.clock = clock
        self.lag = lag
        self.stale_read_probability = stale_read_probability
        self.rng = random.Random(seed)
        self.recent: dict[Engine, RecentWrites] = {}

    def watch(self, engine: Engine) -> None:
        """Remember the writes of `engine`'s region from now on."""
        with engine.lock:
            if engine not in self.recent:
                self.recent[engine] = RecentWrites(engine, self.clock)
                engine.observers.append(self.recent[engine])

    def stop(self) -> None:
        """Stop watching every region."""
        for engine, recent in self.recent.items():
            with engine.lock:
                engine.observers.remove(recent)
        self.recent.clear()

    # --- reads ------------------------------------------------------------------------------

    def _hidden(self, recent: RecentWrites, touches: Touches, now: float) -> dict[str, dict[Key, Item | None]]:
        """Per table, the keys this read sees in an older version."""
        hidden: dict[str, dict[Key, Item | None]] = {}
        for name in touches.tables:
            if name in touches.consistent:
                continue
            versions = recent.older_versions(name, now, self.lag)
            if not versions:
                continue
            table = recent.engine.tables.get(name)
            index = table.indexes.get(touches.index) if table is not None and touches.index is not None else None
            if index is not None and index.settings.kind == "GLOBAL":
                hidden[name] = versions  # a global index lags behind, always
                continue
            chosen = self._draw(versions)
            if chosen:
                hidden[name] = chosen
        return hidden

    def _draw(self, versions: dict[Key, Item | None]) -> dict[Key, Item | None]:
        p = self.stale_read_probability
        return {key: old for key, old in versions.items() if p >= 1 or self.rng.random() < p}

    def run(self, engine: Engine, touches: Touches, execute: Callable[[], Any]) -> Any:
        """Run a request (`execute`) on `engine`; a read of items outside a transaction sees the
        tables as an eventually consistent read does: through a read-only view of each table it
        reads in an older version, which the engine reads through for this request alone."""
        recent = self.recent.get(engine)
        if recent is None or touches.access != "read" or touches.transaction or not touches.on_items:
            return execute()
        tables = engine.tables
        with engine.lock:
            hidden = self._hidden(recent, touches, self.clock())
            views = {name: TableView(tables[name], hidden[name]) for name in hidden if name in tables}
            if not views:
                return execute()
            with engine.reading_through(views):  # type: ignore[arg-type]
                return execute()


@stage(order=40)
class Consistency(Stage):
    """Eventual consistency as a stage around the engine; active while `mode` is set
    (`Simulator.enable_eventual_consistency`)."""

    _active = False  # until the mode is switched on

    def __init__(self, hub: Doubles) -> None:
        self.engine = hub.engine
        self._mode: EventualConsistency | None = None

    @property
    def mode(self) -> EventualConsistency | None:
        return self._mode

    @mode.setter
    def mode(self, mode: EventualConsistency | None) -> None:
        self._mode = mode
        self.active = mode is not None

    def around(self, progress: Progress, proceed: Callable[[], Any]) -> Any:
        mode = self.mode
        return proceed() if mode is None else mode.run(progress.engine, progress.touches, proceed)
