"""Time to live: UpdateTimeToLive, DescribeTimeToLive, and deleting expired items.

An item expires when its TTL attribute is a number (seconds since the epoch) at or before the
simulator's clock (`Simulator.clock`, which follows freezegun and time-machine and can be
advanced). As in DynamoDB, a value that is not a number, or more than five years in the past, never
expires the item.

DynamoDB deletes expired items in the background, usually within days, and until then reads still
return them. dynasim does the same by default: expired items stay until a sweep deletes them,
`Simulator.sweep_ttl()`, run whenever the test wants the background process to have happened.
`Simulator(ttl="immediate")` sweeps before every operation instead, so expired items vanish as
soon as they expire. A sweep's deletions are one operation on the change feed, and reach DynamoDB
Streams as REMOVE records of the service (`userIdentity` `dynamodb.amazonaws.com`).

`Expiry`, the feature's state in one engine (see `dynasim.engine.features`), keeps, for tables with
TTL enabled, a heap of (expiry time, table, key) fed by the change feed, so a sweep costs O(log n)
per item it looks at rather than a scan of every table.
"""

from __future__ import annotations

import heapq
from decimal import Decimal, InvalidOperation
from typing import TYPE_CHECKING, Any

from dynasim import errors
from dynasim.engine.features import Feature, register
from dynasim.engine.keys import item_key
from dynasim.engine.registry import Request, Response, operation
from dynasim.engine.touches import named
from dynasim.storage.changes import Change, ItemPut, TableUpdated
from dynasim.storage.table import Table
from dynasim.values import Item

if TYPE_CHECKING:
    from dynasim.engine import Engine

MAX_AGE = 5 * 365 * 24 * 3600.0  # items that expired longer ago than this are never deleted
MODES = ("sweep", "immediate")


def ttl_attribute(table: Table) -> str | None:
    """The table's TTL attribute while TTL is enabled."""
    specification = table.settings.extra.get("TimeToLiveSpecification")
    if specification and specification.get("Enabled"):
        return str(specification["AttributeName"])
    return None


def expiry(item: Item, attribute: str) -> float | None:
    value = item.get(attribute)
    if value is None or "N" not in value:
        return None
    try:
        return float(Decimal(value["N"]))
    except (InvalidOperation, ValueError):
        return None


@operation("UpdateTimeToLive", access="control", finds=named("TableName"))
def update_time_to_live(engine: Engine, request: Request) -> Response:
    table = engine.table(request["TableName"], named_in_error=True)
    specification = request["TimeToLiveSpecification"]  # both members present: checked by the model's constraints
    attribute, enable = specification["AttributeName"], specification["Enabled"]
    current = ttl_attribute(table)
    if enable:
        if current == attribute:
            raise errors.ttl_already_enabled()
        if current is not None:
            raise errors.ttl_other_attribute()
    else:
        if current is None:
            raise errors.ttl_already_disabled()
        if current != attribute:
            raise errors.ttl_other_attribute()
    answer = {"Enabled": bool(enable), "AttributeName": attribute}
    table.settings.extra["TimeToLiveSpecification"] = dict(answer)
    engine.record(TableUpdated(table.settings))
    engine.state(Expiry).forget(table.name)
    return {"TimeToLiveSpecification": answer}


@operation("DescribeTimeToLive", access="control", finds=named("TableName"))
def describe_time_to_live(engine: Engine, request: Request) -> Response:
    table = engine.table(request["TableName"], named_in_error=True)
    attribute = ttl_attribute(table)
    if attribute is None:
        return {"TimeToLiveDescription": {"TimeToLiveStatus": "DISABLED"}}
    return {"TimeToLiveDescription": {"TimeToLiveStatus": "ENABLED", "AttributeName": attribute}}


class Expiry:
    """When each item of the tables with TTL enabled expires; an observer of the engine."""

    def __init__(self, engine: Engine) -> None:
        self.engine = engine
        self._heap: list[tuple[float, str, int, Any]] = []  # (expires, table, tiebreak, key)
        self._tables: dict[str, tuple[Table, str]] = {}  # name -> (table object, attribute) indexed
        self._counter = 0
        self._mode = "sweep"

    @property
    def mode(self) -> str:
        """When expired items are deleted: "sweep" when `sweep()` is called, or "immediate":
        before every operation."""
        return self._mode

    @mode.setter
    def mode(self, mode: str) -> None:
        if mode not in MODES:
            raise ValueError(f'ttl must be "sweep" or "immediate", not {mode!r}')
        self._mode = mode
        hooks = self.engine.before_operation
        if mode == "immediate" and self.sweep not in hooks:
            hooks.append(self.sweep)
        elif mode == "sweep" and self.sweep in hooks:
            hooks.remove(self.sweep)

    def forget(self, name: str) -> None:
        self._tables.pop(name, None)

    def _push(self, table: Table, attribute: str, item: Item) -> None:
        expires = expiry(item, attribute)
        if expires is not None:
            self._counter += 1
            heapq.heappush(self._heap, (expires, table.name, self._counter, item_key(table.key_schema, item)))

    def _index(self) -> None:
        """Scan the tables whose TTL was enabled (or that were loaded or replaced) since the last
        sweep; the change feed keeps the others current."""
        for name, table in self.engine.tables.items():
            attribute = ttl_attribute(table)
            if attribute is None:
                self._tables.pop(name, None)
                continue
            if self._tables.get(name) == (table, attribute):
                continue
            self._tables[name] = (table, attribute)
            for item in table.items():
                self._push(table, attribute, item)

    def committed(self, changes: list[Change]) -> None:
        if not self._tables:
            return  # no table indexed yet: the next sweep scans them
        for change in changes:
            if isinstance(change, ItemPut):
                indexed = self._tables.get(change.table)
                if indexed is not None:
                    self._push(indexed[0], indexed[1], change.item)

    def sweep(self) -> int:
        """Delete every expired item now (one operation); return how many."""
        return int(self.engine.apply(self._sweep))

    def _sweep(self) -> int:
        self._index()
        now = self.engine.clock()
        deleted = 0
        while self._heap and self._heap[0][0] <= now:
            expires, name, _, key = heapq.heappop(self._heap)
            indexed = self._tables.get(name)
            if indexed is None or expires < now - MAX_AGE:
                continue
            table, attribute = indexed
            item = table.get(*key)
            if item is None or expiry(item, attribute) != expires:
                continue  # deleted or rewritten since: its newer expiry has its own entry
            table.delete(*key, expired=True)
            deleted += 1
        if len(self._heap) > 1024 and len(self._heap) > 4 * sum(t.item_count for t, _ in self._tables.values()):
            self._compact()
        return deleted

    def _compact(self) -> None:
        self._heap = []
        tables, self._tables = self._tables, {}
        del tables
        self._index()


FEATURE = register(Feature(Expiry, observes=True))
