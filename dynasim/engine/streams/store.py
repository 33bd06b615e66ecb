"""DynamoDB Streams' records, made from the engine's change feed.

`StreamStore`, the feature's state in one engine, observes the engine's change feed (see
`storage/changes.py`): each item an operation puts or deletes on a table with an enabled stream
becomes one record (INSERT, MODIFY or REMOVE, with the images the stream's view type asks for),
numbered in commit order; a transaction's writes arrive together. A write that changes nothing
(an identical PutItem) makes no record, as in DynamoDB. TTL deletions are REMOVE records marked
with the service's `userIdentity`.

Each stream has one shard, open while the stream is enabled and closed when it is disabled or its
table deleted. Records are kept 24 hours of the simulator's clock, in memory only: a restarted
`dynasim serve --data-dir` keeps each table's stream settings but starts its records afresh.

In-process subscriptions (`Simulator.on_stream_record`) get every record of a table as the
record of a Lambda DynamoDB event (`eventSourceARN` included, binary values in base64), whether or
not the table has a stream (without one, records carry NEW_AND_OLD_IMAGES). Callbacks run after
the operation has committed, outside the engine's lock, in the thread that made the change, before
its call returns (unless another thread is already delivering records: that thread delivers them,
in commit order). An exception in a callback is logged and kept in `subscription.errors`; the
write it followed stands.
"""

from __future__ import annotations

import collections
import datetime
import json
import uuid
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from dynasim import wire
from dynasim.engine.deliveries import Outbox, Subscribers, Subscription
from dynasim.storage.changes import Change, ItemDeleted, ItemPut, TableDeleted
from dynasim.storage.table import Table, TableSettings
from dynasim.values import Item, item_size

if TYPE_CHECKING:
    from dynasim.engine import Engine


VIEW_TYPES = ("NEW_IMAGE", "OLD_IMAGE", "NEW_AND_OLD_IMAGES", "KEYS_ONLY")
RETENTION = 24 * 3600.0  # seconds a record is kept
# How a TTL deletion names its author: in GetRecords, and in a Lambda event (subscriptions).
SERVICE_IDENTITY = {"PrincipalId": "dynamodb.amazonaws.com", "Type": "Service"}
LAMBDA_SERVICE_IDENTITY = {"principalId": "dynamodb.amazonaws.com", "type": "Service"}
SUBSCRIPTION_VIEW_TYPE = "NEW_AND_OLD_IMAGES"  # for tables without a stream


@dataclass
class Stream:
    arn: str
    label: str
    table: str
    view_type: str
    key_schema: list[dict[str, str]]
    created_at: float
    shard_id: str
    starting_sequence: int
    enabled: bool = True
    ending_sequence: int | None = None
    # (sequence number, creation time, record), in sequence order; trimmed from the front.
    records: collections.deque[tuple[int, float, dict[str, Any]]] = field(default_factory=collections.deque)
    trimmed_through: int = 0  # the highest sequence number dropped for age

    def trim(self, now: float) -> None:
        while self.records and self.records[0][1] < now - RETENTION:
            self.trimmed_through = self.records.popleft()[0]

    def describe(self) -> dict[str, Any]:
        sequence_range: dict[str, str] = {"StartingSequenceNumber": sequence_text(self.starting_sequence)}
        if self.ending_sequence is not None:
            sequence_range["EndingSequenceNumber"] = sequence_text(self.ending_sequence)
        return {
            "StreamArn": self.arn,
            "StreamLabel": self.label,
            "StreamStatus": "ENABLED" if self.enabled else "DISABLED",
            "StreamViewType": self.view_type,
            "CreationRequestDateTime": self.created_at,
            "TableName": self.table,
            "KeySchema": self.key_schema,
            "Shards": [{"ShardId": self.shard_id, "SequenceNumberRange": sequence_range}],
        }


def sequence_text(number: int) -> str:
    return f"{number:021d}"


# The handle `Simulator.on_stream_record` returns.
StreamSubscription = Subscription


class StreamStore:
    """Every stream of one engine and its records; the engine's observer."""

    def __init__(self, engine: Engine) -> None:
        self.engine = engine
        self.streams: dict[str, Stream] = {}  # by ARN, oldest first
        self._next_sequence = 1
        self._subscribers = Subscribers(engine.lock)
        self._outbox: Outbox[tuple[Subscription, dict[str, Any]]] = Outbox(_call)

    # --- streams of tables -----------------------------------------------------------------

    def enable(self, table: Table, view_type: str) -> Stream:
        now = self.engine.clock()
        label = datetime.datetime.fromtimestamp(now, datetime.timezone.utc).strftime("%Y-%m-%dT%H:%M:%S.%f")[:-3]
        arn = f"{table.settings.arn}/stream/{label}"
        while arn in self.streams:  # two streams of one table within a millisecond
            now += 0.001
            label = datetime.datetime.fromtimestamp(now, datetime.timezone.utc).strftime("%Y-%m-%dT%H:%M:%S.%f")[:-3]
            arn = f"{table.settings.arn}/stream/{label}"
        stream = Stream(
            arn=arn,
            label=label,
            table=table.name,
            view_type=view_type,
            key_schema=_key_schema(table.settings),
            created_at=now,
            shard_id=f"shardId-{int(now * 1000):020d}-{uuid.uuid4().hex[:8]}",
            starting_sequence=self._next_sequence,
        )
        self.streams[arn] = stream
        table.settings.extra.update(
            StreamSpecification={"StreamEnabled": True, "StreamViewType": view_type},
            LatestStreamLabel=label,
            LatestStreamArn=arn,
        )
        return stream

    def disable(self, table_name: str, settings: TableSettings | None = None) -> None:
        for stream in self.streams.values():
            if stream.table == table_name and stream.enabled:
                stream.enabled = False
                stream.ending_sequence = stream.records[-1][0] if stream.records else stream.starting_sequence
        if settings is not None:
            settings.extra.pop("StreamSpecification", None)

    def active(self, table: Table) -> Stream | None:
        """The table's enabled stream, if any (rebuilt from its settings after a restart)."""
        extra = table.settings.extra
        if not extra.get("StreamSpecification", {}).get("StreamEnabled"):
            return None
        arn = extra.get("LatestStreamArn")
        if arn is None:
            return None
        stream = self.streams.get(arn)
        if stream is None or stream.table != table.name:
            created = extra.get("LatestStreamLabel", "")
            stream = self.streams[arn] = Stream(
                arn=arn,
                label=created,
                table=table.name,
                view_type=extra["StreamSpecification"]["StreamViewType"],
                key_schema=_key_schema(table.settings),
                created_at=self.engine.clock(),
                shard_id=f"shardId-{int(self.engine.clock() * 1000):020d}-{uuid.uuid4().hex[:8]}",
                starting_sequence=self._next_sequence,
            )
        return stream

    def find(self, arn: Any) -> Stream | None:
        stream = self.streams.get(arn) if isinstance(arn, str) else None
        if stream is not None:
            stream.trim(self.engine.clock())
        return stream

    @property
    def next_sequence(self) -> int:
        return self._next_sequence

    # --- the change feed -------------------------------------------------------------------

    def committed(self, changes: list[Change]) -> None:
        now = None
        for change in changes:
            if isinstance(change, TableDeleted):
                self.disable(change.table)
                continue
            if not isinstance(change, ItemPut | ItemDeleted):
                continue
            subscriptions = self._subscribers.of(change.table)
            table = self.engine.tables.get(change.table)
            stream = self.active(table) if table is not None else None
            if stream is None and not subscriptions:
                continue
            if isinstance(change, ItemPut) and change.item == change.old:
                continue  # nothing changed: no record
            if now is None:
                now = self.engine.clock()
            assert table is not None
            sequence = self._next_sequence
            self._next_sequence += 1
            if stream is not None:
                record = _record(self.engine.region, table, change, stream.view_type, sequence, now)
                stream.records.append((sequence, now, record))
                stream.trim(now)
            for subscription in subscriptions or ():
                view_type = stream.view_type if stream is not None else SUBSCRIPTION_VIEW_TYPE
                event = _record(self.engine.region, table, change, view_type, sequence, now)
                event["eventSourceARN"] = stream.arn if stream is not None else f"{table.settings.arn}/stream/none"
                if "userIdentity" in event:
                    event["userIdentity"] = dict(LAMBDA_SERVICE_IDENTITY)
                self._outbox.add((subscription, event))

    # --- subscriptions ---------------------------------------------------------------------

    def subscribe(self, table: str, callback: Callable[[dict[str, Any]], Any]) -> StreamSubscription:
        return self._subscribers.add(table, callback)

    def deliver(self) -> None:
        """Run the callbacks of records committed so far, in commit order (outside the lock)."""
        self._outbox.deliver()


def _call(delivery: tuple[Subscription, dict[str, Any]]) -> None:
    subscription, event = delivery
    subscription.call(json.loads(wire.dumps(event)), "stream subscription")


def _key_schema(settings: TableSettings) -> list[dict[str, str]]:
    schema = settings.key_schema
    elements = [{"AttributeName": schema.hash_name, "KeyType": "HASH"}]
    if schema.range_name is not None:
        elements.append({"AttributeName": schema.range_name, "KeyType": "RANGE"})
    return elements


def _record(
    region: str, table: Table, change: ItemPut | ItemDeleted, view_type: str, sequence: int, now: float
) -> dict[str, Any]:
    """One stream record, as GetRecords returns it."""
    if isinstance(change, ItemPut):
        new: Item | None = change.item
        old = change.old
        event = "INSERT" if old is None else "MODIFY"
    else:
        new, old, event = None, change.old, "REMOVE"
    some = new if new is not None else old
    assert some is not None
    keys = {name: some[name] for name in table.key_schema.names}
    size = item_size(keys)
    body: dict[str, Any] = {"ApproximateCreationDateTime": float(int(now)), "Keys": keys}
    if new is not None and view_type in ("NEW_IMAGE", "NEW_AND_OLD_IMAGES"):
        body["NewImage"] = new
        size += item_size(new)
    if old is not None and view_type in ("OLD_IMAGE", "NEW_AND_OLD_IMAGES"):
        body["OldImage"] = old
        size += item_size(old)
    body.update(SequenceNumber=sequence_text(sequence), SizeBytes=size, StreamViewType=view_type)
    record: dict[str, Any] = {
        "eventID": uuid.uuid4().hex,
        "eventName": event,
        "eventVersion": "1.1",
        "eventSource": "aws:dynamodb",
        "awsRegion": region,
        "dynamodb": body,
    }
    if isinstance(change, ItemDeleted) and change.expired:
        record["userIdentity"] = dict(SERVICE_IDENTITY)
    return record
