"""Throughput limits: token buckets that throttle like DynamoDB (off unless switched on).

    sim.enable_throughput_limits()                                   # PROVISIONED tables
    sim.enable_throughput_limits(on_demand={"events": (100, 50)})    # and a limit for an on-demand table

What is modelled, from DynamoDB's documentation:

* a PROVISIONED table has a read and a write bucket that refill at its ReadCapacityUnits and
  WriteCapacityUnits per second, and keep up to 300 seconds of unused capacity (burst capacity).
  A new bucket starts with one second's worth, so bursts come from idle time (advance the clock to
  accrue them). A provisioned global secondary index has its own buckets; a write to a table whose
  index has no write capacity left is throttled (DynamoDB's back-pressure), with the index message.
  Local secondary indexes share the table's capacity.
* one partition key value (one partition) serves at most 3,000 RCU and 1,000 WCU per second,
  whatever the table's capacity or mode, so a hot key throttles (single-item operations).
* an on-demand table is only limited when given a limit (reads, writes per second, no burst); it
  then throttles with ThrottlingException, as DynamoDB does when an on-demand table or a hot key is
  over its capacity.

A request is refused (ProvisionedThroughputExceededException, unapplied) when a bucket it draws on
holds less than its smallest possible cost (1 unit, or 0.5 for an eventually consistent read); once
it has run, what it really consumed (the engine's capacity numbers, which may be more) is taken
from the buckets, which may go below zero and refill from there. BatchWriteItem and BatchGetItem
return the entries of throttled tables as UnprocessedItems / UnprocessedKeys, and fail only when
nothing could be processed, as DynamoDB does. What a request draws on comes from what it touches
(`Engine.touches`): its access, table, index and, for a single item, its partition, so a PartiQL
statement draws as the operation it stands for. Transactions, control-plane and stream operations
are not limited; a PartiQL batch draws on the buckets but is not refused.
Time is the simulator's clock, so `sim.advance(seconds)` refills the buckets.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import TYPE_CHECKING, Any

from dynasim import errors
from dynasim.doubles.batches import batch_entries, leave_out
from dynasim.doubles.stages import Progress, Stage, stage
from dynasim.engine.touches import table_name
from dynasim.errors import DynamoDBError

if TYPE_CHECKING:
    from dynasim.doubles.hub import Doubles
    from dynasim.engine import Engine
    from dynasim.engine.capacity import Consumed
    from dynasim.engine.touches import Touches
    from dynasim.storage.table import Table

BURST_SECONDS = 300.0
PARTITION_READ_UNITS = 3000.0
PARTITION_WRITE_UNITS = 1000.0
_MAX_PARTITION_BUCKETS = 10_000


class Bucket:
    __slots__ = ("tokens", "updated")

    def __init__(self, tokens: float, now: float) -> None:
        self.tokens = tokens
        self.updated = now

    def level(self, now: float, rate: float, capacity: float) -> float:
        if now > self.updated:
            self.tokens = min(capacity, self.tokens + (now - self.updated) * rate)
            self.updated = now
        return self.tokens


Limit = tuple[float, float, Callable[[], DynamoDBError]]  # (rate per second, capacity, error)


class ThroughputLimiter:
    def __init__(
        self,
        clock: Callable[[], float],
        *,
        burst_seconds: float = BURST_SECONDS,
        on_demand: dict[str, tuple[float, float]] | None = None,
        partition_limits: bool = True,
    ) -> None:
        self.clock = clock
        self.burst_seconds = burst_seconds
        self.on_demand = dict(on_demand or {})
        self.partition_limits = partition_limits
        self.buckets: dict[tuple[Any, ...], Bucket] = {}

    # --- limits -----------------------------------------------------------------------------

    def _limit(self, table: Table, index: str | None, kind: str) -> Limit | None:
        settings = table.settings
        if index is not None:
            found = table.indexes.get(index)
            if found is None or found.settings.kind != "GLOBAL" or settings.billing_mode != "PROVISIONED":
                return None
            rate = float(found.settings.read_capacity if kind == "read" else found.settings.write_capacity)
            return (rate, rate * self.burst_seconds, errors.index_throughput_exceeded) if rate > 0 else None
        if settings.billing_mode == "PROVISIONED":
            rate = float(settings.read_capacity if kind == "read" else settings.write_capacity)
            return (rate, rate * self.burst_seconds, errors.table_throughput_exceeded) if rate > 0 else None
        limit = self.on_demand.get(settings.name)
        if limit is None:
            return None
        rate = float(limit[0] if kind == "read" else limit[1])
        return rate, rate, errors.on_demand_throttled

    def _partition_limit(self, table: Table, kind: str) -> Limit:
        rate = PARTITION_READ_UNITS if kind == "read" else PARTITION_WRITE_UNITS
        error = errors.table_throughput_exceeded
        if table.settings.billing_mode != "PROVISIONED":
            error = errors.on_demand_throttled
        return rate, rate, error

    def _bucket(self, key: tuple[Any, ...], limit: Limit, now: float) -> float:
        rate, capacity, _ = limit
        bucket = self.buckets.get(key)
        if bucket is None:
            initial = capacity if key[0] == "partition" else min(capacity, rate)
            bucket = self.buckets[key] = Bucket(initial, now)
        return bucket.level(now, rate, capacity)

    # --- what a request draws on --------------------------------------------------------------

    def _draws(self, engine: Engine, touches: Touches, table_name: str) -> list[Any]:
        """(bucket key, limit) pairs a request draws on for one table."""
        table = engine.tables.get(table_name)
        if table is None:
            return []
        kind = touches.access
        draws: list[tuple[tuple[str, ...], Any]] = []
        arn = table.settings.arn  # buckets are per table of one region: its ARN names both
        index = table.indexes.get(touches.index) if touches.index is not None else None
        if index is not None and index.settings.kind == "GLOBAL":
            limit = self._limit(table, index.name, "read")
            if limit is not None:
                draws.append((("index", arn, index.name, "read"), limit))
        else:
            limit = self._limit(table, None, kind)
            if limit is not None:
                draws.append((("table", arn, kind), limit))
        if kind == "write":
            for name in table.indexes:
                limit = self._limit(table, name, "write")
                if limit is not None:
                    draws.append((("index", arn, name, "write"), limit))
        partition = self._partition_of(table, touches)
        if partition is not None:
            draws.append((("partition", arn, partition, kind), self._partition_limit(table, kind)))
        return draws

    def _partition_of(self, table: Table, touches: Touches) -> Any:
        """The partition a single-item request draws on (when partitions are limited)."""
        entry = touches.item
        if not self.partition_limits or entry is None or entry.table != table.name:
            return None
        return _partition(table, entry.key)

    @staticmethod
    def _need(touches: Touches, table: str) -> float:
        """The smallest cost of a request on one table: a strongly consistent read or a write 1,
        an eventually consistent read 0.5."""
        return 1.0 if touches.access == "write" or table in touches.consistent else 0.5

    @staticmethod
    def _limited(touches: Touches) -> bool:
        """Reads and writes of items are limited; transactions and the control plane are not."""
        return touches.on_items and not touches.transaction

    def _blocking(self, draws: list[Any], need: float, now: float) -> Callable[[], DynamoDBError] | None:
        for key, limit in draws:
            if self._bucket(key, limit, now) < need:
                return limit[2]
        return None

    def check(self, engine: Engine, touches: Touches) -> None:
        """Raise DynamoDB's throttling error if a single-table request cannot run now."""
        if not self._limited(touches) or touches.batch or len(touches.tables) != 1:
            return
        name = touches.tables[0]
        draws = self._draws(engine, touches, name)
        if draws:
            blocked = self._blocking(draws, self._need(touches, name), self.clock())
            if blocked is not None:
                raise blocked()

    def throttled_tables(self, engine: Engine, touches: Touches) -> tuple[set[str], Any]:
        """For a batch: the tables that cannot take more now, and the error if none can."""
        if not self._limited(touches):
            return set(), None
        now = self.clock()
        throttled: set[str] = set()
        error = None
        for name in touches.tables:
            blocked = self._blocking(self._draws(engine, touches, name), self._need(touches, name), now)
            if blocked is not None:
                throttled.add(name)
                error = error or blocked
        return throttled, error

    def charge(self, touches: Touches, consumed: list[Consumed]) -> None:
        """Take what a request consumed from the buckets it drew on."""
        if not self._limited(touches):
            return
        kind = touches.access
        now = self.clock()
        for capacity in consumed:
            table = capacity.table
            name = table.settings.arn
            table_units = capacity.table_units
            for index_name, units in capacity.index_units.items():
                index = table.indexes.get(index_name)
                if index is not None and index.settings.kind == "GLOBAL":
                    limit = self._limit(table, index_name, kind)
                    if limit is not None:
                        self._take(("index", name, index_name, kind), limit, units, now)
                else:
                    table_units += units  # local indexes use the table's capacity
            limit = self._limit(table, None, kind)
            if limit is not None:
                self._take(("table", name, kind), limit, table_units, now)
            partition = self._partition_of(table, touches)
            if partition is not None:
                self._take(("partition", name, partition, kind), self._partition_limit(table, kind), table_units, now)
        if len(self.buckets) > _MAX_PARTITION_BUCKETS:
            self._forget_full_partitions(now)

    def _take(self, key: tuple[Any, ...], limit: Limit, units: float, now: float) -> None:
        self._bucket(key, limit, now)
        self.buckets[key].tokens -= units

    def _forget_full_partitions(self, now: float) -> None:
        for key in [key for key in self.buckets if key[0] == "partition"]:
            rate = PARTITION_READ_UNITS if key[-1] == "read" else PARTITION_WRITE_UNITS
            if self.buckets[key].level(now, rate, rate) >= rate:
                del self.buckets[key]

    def available(self, engine: Engine, table: str, kind: str = "write", index: str | None = None) -> float | None:
        """The units a table's (or global index's) bucket holds now; None if it is not limited."""
        found = engine.tables.get(table)
        if found is None:
            return None
        limit = self._limit(found, index, kind)
        if limit is None:
            return None
        arn = found.settings.arn
        key = ("table", arn, kind) if index is None else ("index", arn, index, kind)
        return self._bucket(key, limit, self.clock())


def _partition(table: Table, key: Mapping[str, Any]) -> Any:
    """The partition-key value of a key (or an item), as a hashable (type, value)."""
    value = key.get(table.key_schema.hash_name)
    if not isinstance(value, dict) or len(value) != 1:
        return None
    kind, payload = next(iter(value.items()))
    return kind, payload if not isinstance(payload, list) else tuple(payload)


@stage(order=30)
class Throughput(Stage):
    """Throughput limits as a stage: a request is refused (or a batch narrowed to the tables that
    can take it) before the engine runs it, and what it consumed is taken from the buckets after.
    Active while `limiter` is set (`Simulator.enable_throughput_limits`)."""

    _active = False  # until limits are switched on

    def __init__(self, hub: Doubles) -> None:
        self._limiter: ThroughputLimiter | None = None

    @property
    def limiter(self) -> ThroughputLimiter | None:
        return self._limiter

    @limiter.setter
    def limiter(self, limiter: ThroughputLimiter | None) -> None:
        self._limiter = limiter
        self.active = limiter is not None

    def before(self, progress: Progress) -> None:
        limiter, touches = self.limiter, progress.touches
        assert limiter is not None
        if not touches.batch:
            limiter.check(progress.engine, touches)
            return
        throttled, error = limiter.throttled_tables(progress.engine, touches)
        if not throttled:
            return
        entries = batch_entries(touches, progress.request)
        if entries is None:  # a PartiQL batch, or one the engine refuses
            return
        chosen = {i for i, (table, _) in enumerate(entries) if table_name(table) in throttled}
        if len(chosen) == len(entries):
            raise error()
        progress.request, progress.left_out = leave_out(touches, progress.request, chosen, progress.left_out)

    def after(self, progress: Progress, response: dict[str, Any]) -> None:
        limiter = self.limiter
        if limiter is not None:
            limiter.charge(progress.touches, progress.consumed)
