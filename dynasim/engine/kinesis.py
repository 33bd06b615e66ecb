"""Kinesis Data Streams destinations: EnableKinesisStreamingDestination,
DisableKinesisStreamingDestination, UpdateKinesisStreamingDestination,
DescribeKinesisStreamingDestination, and the records DynamoDB writes to the destination.

The statuses follow the service (ack-api-quirks dynamodb findings DDB-TABLE-268, -299, -300, -302,
-318, recorded 2026-10-09): Enable answers ENABLING and the destination becomes ACTIVE (or
ENABLE_FAILED, with a DestinationStatusDescription) `SETTLE_SECONDS` of the simulator's clock later;
Disable answers DISABLING, then DISABLED; Update (the timestamps' precision) answers UPDATING, then
ACTIVE. A table has at most one destination that is not DISABLED or ENABLE_FAILED; every other
request on a destination in the wrong state is ValidationException, never ResourceNotFoundException.
Enable never refuses a stream ARN itself: a stream that does not exist (or is not the caller's, or
is in another region) makes the destination ENABLE_FAILED, as on the service.

Whether the stream exists is the sink's answer (`KinesisSink`: a boto3 Kinesis client the user
gave, see `dynasim.kinesis_client`); without one, any ARN shaped like a Kinesis stream's of the
simulator's region and account is taken to exist.

Records: `KinesisDestinations` observes the change feed; each item an operation puts or deletes on
a table whose destination is ACTIVE (or UPDATING) becomes one record in the Kinesis format of the
service (the JSON payload DynamoDB puts: awsRegion, eventID, eventName, userIdentity, recordFormat,
tableName, dynamodb {ApproximateCreationDateTime in the destination's precision, its
ApproximateCreationDateTimePrecision, Keys, NewImage, OldImage, SizeBytes}, eventSource), always
with both images. After the operation, outside the engine's lock, each record is put into the
sink's stream and handed to the table's subscribers (`Simulator.on_kinesis_record`), in commit
order; what a sink or a callback raises is logged and kept in `errors`, the write stands.

The destinations live in the table's settings (`KinesisDataStreamDestinations`), so they are
persisted and snapshotted with it; records not yet delivered are not.
"""

from __future__ import annotations

import hashlib
import json
import logging
import re
import uuid
from collections.abc import Callable
from typing import TYPE_CHECKING, Any, Protocol

from dynasim import errors, wire
from dynasim.engine.deliveries import Outbox, Subscribers, Subscription
from dynasim.engine.features import Feature, register
from dynasim.engine.registry import Request, Response, operation
from dynasim.engine.touches import named
from dynasim.storage.changes import Change, ItemDeleted, ItemPut, TableUpdated
from dynasim.values import item_size

if TYPE_CHECKING:
    from dynasim.engine import Engine
    from dynasim.storage.table import Table

logger = logging.getLogger(__name__)

SETTLE_SECONDS = 1.0  # ENABLING, DISABLING and UPDATING last this long on the simulator's clock
SETTING = "KinesisDataStreamDestinations"  # newest first, as DescribeKinesisStreamingDestination lists them
DEFAULT_PRECISION = "MILLISECOND"
LIVE = ("ENABLING", "ACTIVE", "UPDATING", "DISABLING")
DELIVERING = ("ACTIVE", "UPDATING")
TTL_IDENTITY = {"principalId": "dynamodb.amazonaws.com", "type": "Service"}
_STREAM_ARN = re.compile(r"arn:aws[a-z-]*:kinesis:(?P<region>[^:]*):(?P<account>[^:]*):stream/[a-zA-Z0-9_.-]+")


class KinesisSink(Protocol):
    """Where a destination's records go besides the subscribers (a boto3 Kinesis client)."""

    def check(self, stream_arn: str) -> str | None:
        """None when the stream can take records; else why not (a DestinationStatusDescription)."""

    def put(self, stream_arn: str, partition_key: str, data: bytes) -> None:
        """Put one record into the stream."""


def status(entry: dict[str, Any], now: float) -> str:
    """A destination's status now: its settling status until it settles."""
    if now < entry["Since"] + SETTLE_SECONDS:
        return str(entry["Settling"])
    return str(entry["Status"])


def _destinations(table: Table) -> list[dict[str, Any]]:
    found: list[dict[str, Any]] = table.settings.extra.setdefault(SETTING, [])
    return found


def _entry(table: Table, stream_arn: str) -> dict[str, Any] | None:
    return next((entry for entry in table.settings.extra.get(SETTING, []) if entry["StreamArn"] == stream_arn), None)


def _response(table: Table, stream_arn: str, destination_status: str, **members: Any) -> Response:
    return {"TableName": table.name, "StreamArn": stream_arn, "DestinationStatus": destination_status, **members}


@operation("EnableKinesisStreamingDestination", access="control", finds=named("TableName"))
def enable(engine: Engine, request: Request) -> Response:
    table = engine.table(request["TableName"], named_in_error=True)
    stream_arn = request["StreamArn"]
    now = engine.clock()
    if any(status(entry, now) in LIVE for entry in table.settings.extra.get(SETTING, [])):
        raise errors.kinesis_enable_not_allowed()
    configuration = request.get("EnableKinesisStreamingConfiguration") or {}
    failure = engine.state(KinesisDestinations).check(stream_arn)
    entry: dict[str, Any] = {
        "StreamArn": stream_arn,
        "Status": "ENABLE_FAILED" if failure else "ACTIVE",
        "Settling": "ENABLING",
        "Since": now,
    }
    if failure:
        entry["Description"] = failure
    if configuration.get("ApproximateCreationDateTimePrecision"):
        entry["Precision"] = configuration["ApproximateCreationDateTimePrecision"]
    destinations = _destinations(table)
    destinations[:] = [entry] + [other for other in destinations if other["StreamArn"] != stream_arn]
    engine.record(TableUpdated(table.settings))
    return _response(table, stream_arn, "ENABLING", EnableKinesisStreamingConfiguration=configuration)


@operation("DisableKinesisStreamingDestination", access="control", finds=named("TableName"))
def disable(engine: Engine, request: Request) -> Response:
    table = engine.table(request["TableName"], named_in_error=True)
    stream_arn = request["StreamArn"]
    entry = _entry(table, stream_arn)
    now = engine.clock()
    if entry is None or status(entry, now) != "ACTIVE":
        raise errors.kinesis_disable_not_allowed()
    entry.update(Status="DISABLED", Settling="DISABLING", Since=now)
    entry.pop("Precision", None)  # a later Enable starts from the default again
    engine.record(TableUpdated(table.settings))
    members = {}
    if request.get("EnableKinesisStreamingConfiguration") is not None:
        members["EnableKinesisStreamingConfiguration"] = request["EnableKinesisStreamingConfiguration"]
    return _response(table, stream_arn, "DISABLING", **members)


@operation("UpdateKinesisStreamingDestination", access="control", finds=named("TableName"))
def update(engine: Engine, request: Request) -> Response:
    table = engine.table(request["TableName"], named_in_error=True)
    stream_arn = request["StreamArn"]
    configuration = request.get("UpdateKinesisStreamingConfiguration") or {}
    precision = configuration.get("ApproximateCreationDateTimePrecision")
    if precision is None:
        raise errors.kinesis_update_without_configuration()
    entry = _entry(table, stream_arn)
    now = engine.clock()
    if entry is None or status(entry, now) != "ACTIVE":
        raise errors.kinesis_update_not_allowed(table.name)
    if entry.get("Precision", DEFAULT_PRECISION) == precision:
        raise errors.kinesis_precision_already_set(precision, table.settings.table_id, stream_arn)
    entry.update(Precision=precision, Status="ACTIVE", Settling="UPDATING", Since=now)
    engine.record(TableUpdated(table.settings))
    return _response(table, stream_arn, "UPDATING", UpdateKinesisStreamingConfiguration=configuration)


@operation("DescribeKinesisStreamingDestination", access="control", finds=named("TableName"))
def describe(engine: Engine, request: Request) -> Response:
    table = engine.table(request["TableName"], named_in_error=True)
    now = engine.clock()
    described = []
    for entry in table.settings.extra.get(SETTING, []):
        destination = {"StreamArn": entry["StreamArn"], "DestinationStatus": status(entry, now)}
        if "Description" in entry and destination["DestinationStatus"] == "ENABLE_FAILED":
            destination["DestinationStatusDescription"] = entry["Description"]
        if "Precision" in entry:
            destination["ApproximateCreationDateTimePrecision"] = entry["Precision"]
        described.append(destination)
    return {"TableName": table.name, "KinesisDataStreamDestinations": described}


# The handle `Simulator.on_kinesis_record` returns.
KinesisSubscription = Subscription


class KinesisDestinations:
    """The destinations' sink and subscribers, and the records on their way; the engine's observer."""

    def __init__(self, engine: Engine) -> None:
        self.engine = engine
        self.sink: KinesisSink | None = None
        self.errors: list[BaseException] = []  # what the sink raised
        self._subscribers = Subscribers(engine.lock)
        self._outbox: Outbox[tuple[str, str, str, dict[str, Any]]] = Outbox(lambda record: self._deliver(*record))

    def check(self, stream_arn: str) -> str | None:
        """Why a destination on `stream_arn` would fail to enable, or None."""
        match = _STREAM_ARN.fullmatch(stream_arn)
        if match is None:
            return errors.KINESIS_NO_PERMISSION
        if match["region"] != self.engine.region:
            return errors.KINESIS_OTHER_REGION
        if match["account"] != self.engine.account_id:
            return errors.KINESIS_NOT_ACTIVE  # the service's words for another account's stream
        return self.sink.check(stream_arn) if self.sink is not None else None

    # --- the change feed -------------------------------------------------------------------

    def committed(self, changes: list[Change]) -> None:
        now = None
        for change in changes:
            if not isinstance(change, ItemPut | ItemDeleted):
                continue
            table = self.engine.tables.get(change.table)
            if table is None or not table.settings.extra.get(SETTING):
                continue
            if isinstance(change, ItemPut) and change.item == change.old:
                continue  # nothing changed: no record
            now = self.engine.clock() if now is None else now
            for entry in table.settings.extra[SETTING]:
                if status(entry, now) in DELIVERING:
                    record = kinesis_record(self.engine.region, table, change, entry.get("Precision"), now)
                    partition_key = hashlib.md5(
                        json.dumps(record["dynamodb"]["Keys"], sort_keys=True).encode()
                    ).hexdigest()
                    self._outbox.add((table.name, entry["StreamArn"], partition_key.upper(), record))

    # --- subscriptions and delivery --------------------------------------------------------

    def subscribe(self, table: str, callback: Callable[[dict[str, Any]], Any]) -> KinesisSubscription:
        return self._subscribers.add(table, callback)

    def deliver(self) -> None:
        """Put the records committed so far, in commit order (outside the engine's lock)."""
        self._outbox.deliver()

    def _deliver(self, table: str, stream_arn: str, partition_key: str, record: dict[str, Any]) -> None:
        data = wire.dumps(record)
        if self.sink is not None:
            try:
                self.sink.put(stream_arn, partition_key, data)
            except Exception as error:  # noqa: BLE001  (kept for the test to see)
                logger.exception("putting a record of %s into %s failed", table, stream_arn)
                self.errors.append(error)
        for subscription in self._subscribers.of(table):
            subscription.call(json.loads(data), "Kinesis record")


def kinesis_record(
    region: str, table: Table, change: ItemPut | ItemDeleted, precision: str | None, now: float
) -> dict[str, Any]:
    """One record as DynamoDB writes it to a Kinesis data stream (the payload, in wire form)."""
    if isinstance(change, ItemPut):
        new, old = change.item, change.old
        event = "INSERT" if old is None else "MODIFY"
    else:
        new, old, event = None, change.old, "REMOVE"
    some = new if new is not None else old
    assert some is not None
    keys = {name: some[name] for name in table.key_schema.names}
    precision = precision or DEFAULT_PRECISION
    created = int(now * 1_000_000) if precision == "MICROSECOND" else int(now * 1000)
    body: dict[str, Any] = {
        "ApproximateCreationDateTime": created,
        "ApproximateCreationDateTimePrecision": precision,
        "Keys": keys,
    }
    size = item_size(keys)
    if new is not None:
        body["NewImage"] = new
        size += item_size(new)
    if old is not None:
        body["OldImage"] = old
        size += item_size(old)
    body["SizeBytes"] = size
    expired = isinstance(change, ItemDeleted) and change.expired
    return {
        "awsRegion": region,
        "eventID": str(uuid.uuid4()),
        "eventName": event,
        "userIdentity": dict(TTL_IDENTITY) if expired else None,
        "recordFormat": "application/json",
        "tableName": table.name,
        "dynamodb": body,
        "eventSource": "aws:dynamodb",
    }


FEATURE = register(Feature(KinesisDestinations, observes=True, after_operation=KinesisDestinations.deliver))
