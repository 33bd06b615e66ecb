"""Global tables' replication: every write to one replica reaches the others, on the clock.

What DynamoDB documents, and how it is simulated:

- Every item change a replica commits (PutItem, UpdateItem, DeleteItem, batch and transaction
  writes, PartiQL writes, TTL deletions: what reaches the change feed as `ItemPut`/`ItemDeleted`)
  is queued for each peer replica the group record lists (`group.peers`, CREATING ones too: the
  control plane copies the items a new replica starts with, later writes must reach it). A
  multi-Region eventually consistent (MREC) table's changes are replicated "typically within a
  second or less" (Developer Guide, "Global tables: How it works" / "Consistency modes",
  https://docs.aws.amazon.com/amazondynamodb/latest/developerguide/V2globaltables_HowItWorks.html):
  a delivery is due `DEFAULT_LAG` seconds of the simulator's clock later, per ordered pair of
  regions configurable (`set_lag`). Due deliveries are made before and after every operation of
  any region and when the simulator's clock is advanced; each is one operation of the target's
  engine (`Engine.apply`), so it reaches that replica's change feed and DynamoDB Stream like any
  write there. A change replication applied carries `replicated_from` and is never sent on again.
- Conflicts: "last writer wins" (same page: concurrent updates of one item in different Regions
  are reconciled so that every replica keeps the same, latest, version). Every replica keeps per
  item the `Stamp` of the write that made it (its time on the clock and an account-wide commit
  sequence); a delivery older than the item's stamp is dropped. The tie rule: two writes at the
  same clock time are ordered by the sequence, i.e. the one committed later wins everywhere; a
  local write never gets a stamp older than the item's, so replicas always converge.
- TTL: with version 2019.11.21, "DynamoDB replicates TTL deletes to all replica tables"
  (Developer Guide, "Time to Live (TTL)",
  https://docs.aws.amazon.com/amazondynamodb/latest/developerguide/TTL.html); a stream record
  carries the service's `userIdentity` only for an item the TTL process deleted after it expired
  (Developer Guide, "DynamoDB Streams and Time to Live",
  https://docs.aws.amazon.com/amazondynamodb/latest/developerguide/time-to-live-ttl-streams.html):
  the region where the item expired. Elsewhere the delete is a replicated write, without one.
- Version 2017.11.29: global tables add three attributes to every item to keep the replicas in
  sync, `aws:rep:deleting`, `aws:rep:updatetime`, `aws:rep:updateregion` (Developer Guide,
  "Global tables: How it works" for version 2017.11.29,
  https://docs.aws.amazon.com/amazondynamodb/latest/developerguide/globaltables_HowItWorks.html).
  Each item written in a region is written again there at once with the three attributes (the
  region, the write's time in seconds, false; a 2017.11.29 PutItem costs two replicated write
  units per region, Developer Guide, "Upgrading global tables"), and that stamped item is what
  the peers receive.
- Multi-Region strong consistency (the group's Consistency "STRONG"; Developer Guide,
  "Multi-Region strong consistency",
  https://docs.aws.amazon.com/amazondynamodb/latest/developerguide/multi-region-strong-consistency-gt.html):
  a write is replicated before its answer returns (no lag), so a strongly consistent read in any
  region sees it. A write is refused first (`check`, before its handler changes anything):
  with ReplicatedWriteConflictException ("one or more items in the request are being modified by
  a request in another Region", API Reference, PutItem/UpdateItem/DeleteItem/TransactWriteItems
  errors) when an item it names has another region's write on its way to this replica; and, when
  this region reaches no majority of the group's replicas and witnesses (replication from it
  paused), with the error `errors.replication_quorum_lost` documents (none is documented).

Not simulated: a strongly consistent read in a region cut off from the others still answers
from its replica (the service's answer there is not documented); `aws:rep:deleting` is always
false (the service's own use of it while it replicates a delete is not observable in one step).

The test doubles (`Simulator.set_replication_lag`, `pause_replication`, `resume_replication`,
`pending_replication`, `settle_replication`) forward to `Replication`, the account-wide state
(`Regions.state`). Queued deliveries and stamps are not saved: a snapshot's restore (and a reset)
empties them, so no stray write lands after it; an item without a stamp takes any delivery.
"""

from __future__ import annotations

import itertools
from collections import Counter, deque
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, NamedTuple

from dynasim import errors
from dynasim.engine.features import Feature, register
from dynasim.engine.globaltables import group
from dynasim.engine.keys import StorageKey, item_key
from dynasim.engine.registry import ACCESS
from dynasim.storage.changes import Change, ItemDeleted, ItemPut
from dynasim.values import Item, item_size

if TYPE_CHECKING:
    from dynasim.engine import Engine
    from dynasim.engine.regions import Regions
    from dynasim.storage.table import Table

DEFAULT_LAG = 1.0  # seconds: "typically within a second or less"
STRONG = "STRONG"
# The attributes version 2017.11.29 adds to every item.
UPDATE_REGION = "aws:rep:updateregion"
UPDATE_TIME = "aws:rep:updatetime"
DELETING = "aws:rep:deleting"

Pair = tuple[str | None, str | None]  # (source, target); None: every region


class Stamp(NamedTuple):
    """Which write made an item: ordered by time, then by commit order (`sequence`, account-wide)."""

    time: float
    sequence: int
    region: str


@dataclass(frozen=True)
class Delivery:
    """One write on its way from `source` to `target` (`item` None: a delete)."""

    table: str
    source: str
    target: str
    key: StorageKey
    item: Item | None
    stamp: Stamp
    due: float


class ReplicationPause:
    """A pause of replication from `source` to `target` (`Replication.pause`); as a context
    manager, resumed at the end of the block."""

    def __init__(self, replication: Replication, rule: Pair) -> None:
        self._replication = replication
        self.rule = rule

    def resume(self) -> None:
        self._replication.lift(self)

    def __enter__(self) -> ReplicationPause:
        return self

    def __exit__(self, *exc_info: object) -> None:
        self.resume()


class Replication:
    """The account's writes on their way between replicas, the items' stamps, and the lag and
    pause rules; every method runs under the account's one lock."""

    def __init__(self, regions: Regions) -> None:
        self.regions = regions
        self._queues: dict[tuple[str, str], deque[Delivery]] = {}
        self._waiting = 0  # deliveries queued, in all
        self._inbound: Counter[tuple[str, str, StorageKey]] = Counter()  # (target, table, key) queued
        self._stamps: dict[tuple[str, str, StorageKey], Stamp] = {}  # (region, table, key)
        self._sequence = itertools.count(1)
        self._lags: dict[Pair, float] = {}
        self._pauses: list[ReplicationPause] = []
        self._delivering = False
        self.dropped = 0  # deliveries last-writer-wins discarded (older than the item they met)

    # --- rules ----------------------------------------------------------------------------------

    def lag(self, source: str, target: str) -> float:
        """The lag of writes from `source` to `target`: the most specific rule's, else `DEFAULT_LAG`."""
        for rule in ((source, target), (source, None), (None, target), (None, None)):
            if rule in self._lags:
                return self._lags[rule]
        return DEFAULT_LAG

    def set_lag(self, seconds: float, source: str | None = None, target: str | None = None) -> None:
        if seconds < 0:
            raise ValueError("a replication lag cannot be negative")
        with self.regions.lock:
            if source is None and target is None:
                self._lags.clear()  # one lag for every pair, replacing the narrower rules
            self._lags[(source, target)] = float(seconds)

    def paused(self, source: str, target: str) -> bool:
        return any(pause.rule[0] in (None, source) and pause.rule[1] in (None, target) for pause in self._pauses)

    def pause(self, source: str | None = None, target: str | None = None) -> ReplicationPause:
        with self.regions.lock:
            pause = ReplicationPause(self, (source, target))
            self._pauses.append(pause)
            return pause

    def resume(self, source: str | None = None, target: str | None = None) -> None:
        """Lift the pauses of exactly this pair (both None: every pause); what is due then flows."""
        with self.regions.lock:
            self._pauses = [pause for pause in self._pauses if (source, target) not in ((None, None), pause.rule)]
        self.run_due()

    def lift(self, pause: ReplicationPause) -> None:
        with self.regions.lock:
            if pause in self._pauses:
                self._pauses.remove(pause)
        self.run_due()

    def clear_rules(self) -> None:
        with self.regions.lock:
            self._lags.clear()
            self._pauses.clear()

    def clear(self) -> None:
        """No write on its way and no stamps (a snapshot was restored: they were the old state's)."""
        with self.regions.lock:
            self._queues.clear()
            self._waiting = 0
            self._inbound.clear()
            self._stamps.clear()

    # --- queueing -------------------------------------------------------------------------------

    def pending(self, source: str | None = None, target: str | None = None) -> int:
        """How many writes wait from `source` to `target` (None: any region)."""
        with self.regions.lock:
            return sum(
                len(queue)
                for (from_region, to_region), queue in self._queues.items()
                if source in (None, from_region) and target in (None, to_region)
            )

    def committed(self, engine: Engine, changes: list[Change]) -> None:
        """Queue the item changes an operation of `engine` committed on replicas (the change feed)."""
        for change in changes:
            if not isinstance(change, ItemPut | ItemDeleted) or change.replicated_from is not None:
                continue
            table = engine.tables.get(change.table)
            record = group.record_of(table) if table is not None else None
            if table is None or record is None:
                continue
            self._queue(engine, table, record, change)

    def _queue(self, engine: Engine, table: Table, record: group.Record, change: ItemPut | ItemDeleted) -> None:
        now = engine.clock()
        item = change.item if isinstance(change, ItemPut) else None
        key = item_key(table.key_schema, change.item if isinstance(change, ItemPut) else change.old)
        held = (engine.region, table.name, key)
        current = self._stamps.get(held)
        stamp = Stamp(max(now, current.time) if current else now, next(self._sequence), engine.region)
        self._stamps[held] = stamp
        if item is not None and record.get("Version") == group.VERSION_2017:
            item = {**item, UPDATE_REGION: {"S": engine.region}, UPDATE_TIME: {"N": _seconds(now)}}
            item[DELETING] = {"BOOL": False}
            self._add(Delivery(table.name, engine.region, engine.region, key, item, stamp, now))
        strong = record.get("Consistency") == STRONG
        for peer in group.peers(engine, table):
            due = now if strong else now + self.lag(engine.region, peer)
            self._add(Delivery(table.name, engine.region, peer, key, item, stamp, due))

    def _add(self, delivery: Delivery) -> None:
        self._queues.setdefault((delivery.source, delivery.target), deque()).append(delivery)
        self._waiting += 1
        self._inbound[(delivery.target, delivery.table, delivery.key)] += 1

    # --- delivery -------------------------------------------------------------------------------

    def run_due(self, everything: bool = False) -> int:
        """Deliver every write whose time has come (`everything`: every one, due or not) on the
        pairs not paused, oldest first; return how many."""
        if not self._waiting:
            return 0  # run around every operation: usually nothing to do
        with self.regions.lock:
            if self._delivering:
                return 0  # a delivery's own operation ends: its caller goes on delivering
            self._delivering = True
            try:
                delivered = 0
                while (delivery := self._next(everything)) is not None:
                    self._deliver(delivery)
                    delivered += 1
                return delivered
            finally:
                self._delivering = False

    def _next(self, everything: bool) -> Delivery | None:
        now = self.regions.clock()
        # a region's own second write (the 2017 attributes) crosses no link a pause cuts
        ready = [
            queue
            for (source, target), queue in self._queues.items()
            if queue and (everything or queue[0].due <= now) and (source == target or not self.paused(source, target))
        ]
        if not ready:
            return None
        queue = min(ready, key=lambda waiting: (waiting[0].due, waiting[0].stamp.sequence))
        delivery = queue.popleft()
        self._waiting -= 1
        inbound = (delivery.target, delivery.table, delivery.key)
        self._inbound[inbound] -= 1
        if not self._inbound[inbound]:
            del self._inbound[inbound]
        return delivery

    def _deliver(self, delivery: Delivery) -> None:
        engine = self.regions.get(delivery.target)
        table = engine.tables.get(delivery.table) if engine is not None else None
        if engine is None or table is None or group.record_of(table) is None:
            return  # the replica was deleted or left the group meanwhile
        held = (delivery.target, delivery.table, delivery.key)
        current = self._stamps.get(held)
        if current is not None and delivery.stamp < current:
            self.dropped += 1  # last writer wins: this replica holds a later write of the item
            return

        def apply() -> None:
            self._stamps[held] = delivery.stamp
            hash_key, range_key = delivery.key
            if delivery.item is None:
                table.delete(hash_key, range_key, replicated_from=delivery.source)
            else:
                item = delivery.item
                table.put(hash_key, range_key, item, item_size(item), replicated_from=delivery.source)

        engine.apply(apply)

    # --- multi-Region strong consistency --------------------------------------------------------

    def check(self, engine: Engine, operation: str, request: dict[str, Any]) -> None:
        """Refuse a write to a STRONG global table that this region cannot make now (see the module)."""
        if ACCESS.get(operation) not in ("write", "statement"):
            return
        if not any(_consistency(table) == STRONG for table in engine.tables.values()):
            return
        touches = engine.touches(operation, request)
        if touches.access != "write":
            return
        for name in touches.tables:
            table = engine.tables.get(engine.table_name(name))
            if table is None or _consistency(table) != STRONG:
                continue
            record = group.record_of(table)
            assert record is not None
            if not self._quorum(engine.region, record, engine.clock()):
                raise errors.replication_quorum_lost()
            for entry in touches.entries:
                if engine.table_name(entry.table) != table.name:
                    continue
                try:
                    key = item_key(table.key_schema, dict(entry.key))
                except errors.DynamoDBError:
                    continue  # a malformed key: the handler refuses it
                if self._inbound.get((engine.region, table.name, key)):
                    raise errors.replicated_write_conflict()

    def _quorum(self, region: str, record: group.Record, now: float) -> bool:
        entries = [*record["Replicas"].items(), *(record.get("Witnesses") or {}).items()]
        members = [name for name, entry in entries if group.status(entry, now) in group.RECEIVING]
        reached = sum(1 for member in members if member == region or not self.paused(region, member))
        return 2 * reached > len(members)


def _consistency(table: Table) -> str | None:
    record = group.record_of(table)
    return None if record is None else record.get("Consistency")


def _seconds(now: float) -> str:
    """A time as aws:rep:updatetime holds it: seconds since the epoch, to the microsecond."""
    return f"{now:.6f}".rstrip("0").rstrip(".")


class ReplicaFeed:
    """One engine's part in replication (the feature's state): hands its change feed to the
    account's `Replication`, delivers what is due around its operations, checks STRONG writes."""

    def __init__(self, engine: Engine) -> None:
        self.engine = engine
        engine.before_operation.append(self.run_due)
        engine.checks.append(self.check)

    def _replication(self) -> Replication | None:
        regions = self.engine.regions  # None until the engine joins its account's regions
        return regions.state(Replication) if regions is not None else None

    def committed(self, changes: list[Change]) -> None:
        replication = self._replication()
        if replication is not None:
            replication.committed(self.engine, changes)

    def run_due(self) -> None:
        replication = self._replication()
        if replication is not None:
            replication.run_due()

    def check(self, operation: str, request: dict[str, Any]) -> None:
        replication = self._replication()
        if replication is not None:
            replication.check(self.engine, operation, request)

    def load(self, saved: None) -> None:
        """A snapshot was restored (or the simulator reset): the writes on their way and the stamps
        were the old state's."""
        replication = self._replication()
        if replication is not None:
            replication.clear()


def _save(feed: ReplicaFeed) -> None:
    return None  # nothing outlives a restore: see `ReplicaFeed.load`


FEATURE = register(
    Feature(ReplicaFeed, observes=True, after_operation=ReplicaFeed.run_due, save=_save, load=ReplicaFeed.load)
)
