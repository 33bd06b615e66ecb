"""Point-in-time recovery: UpdateContinuousBackups, DescribeContinuousBackups and
RestoreTableToPointInTime (API Reference of each; Developer Guide, "Point-in-time recovery").

Continuous backups are ENABLED on every table; point-in-time recovery is off until
UpdateContinuousBackups turns it on, with a recovery period of 1 to 35 days (35 unless
RecoveryPeriodInDays says otherwise). While it is on, a table can be restored to any second from
EarliestRestorableDateTime (when recovery was turned on, or the start of the recovery period,
whichever is later) to LatestRestorableDateTime (five minutes before now, as the service keeps it;
never before the earliest). Turning it off forgets the table's history; turning it on again starts
a new one. A table deleted while recovery is on leaves a SYSTEM backup of itself, kept 35 days.

`Recovery`, the feature's state, keeps each such table's history from the change feed: the table
as it was at the start of its recovery window (a `Table.copy`, sharing the items) and every write
since, with its time. Writes older than the window are folded into that base as the clock passes.
Memory: one reference per write within the window (the items themselves are the ones the table
stores or stored), plus the partitions the base and the table no longer share (each copied once,
the first time the table changes it after the history began). A restore copies the base in
O(partitions) and replays the writes up to the restore time. The history lives in memory only:
after a restart of a simulator kept in a data directory, a table's history starts again from the
table as loaded (EarliestRestorableDateTime says so).
"""

from __future__ import annotations

import collections
import math
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from dynasim import errors
from dynasim.engine.backups import restore
from dynasim.engine.backups.store import Backups, source_table
from dynasim.engine.keys import item_key
from dynasim.engine.registry import Request, Response, operation
from dynasim.engine.touches import named
from dynasim.storage.changes import Change, ItemDeleted, ItemPut, TableDeleted, TableUpdated
from dynasim.storage.table import Table
from dynasim.values import Item, item_size

if TYPE_CHECKING:
    from dynasim.engine import Engine

RECOVERY_DAYS = (1, 35)
LATEST_LAG = 300.0  # LatestRestorableDateTime "is typically 5 minutes before the current time"
SETTING = "PointInTimeRecovery"  # the member of TableSettings.extra: {EnabledAt, RecoveryPeriodInDays}


@dataclass
class History:
    """A table's writes within its recovery window."""

    live: Table  # the table itself
    base: Table  # the table as it was at `since`
    since: float
    writes: collections.deque[tuple[float, ItemPut | ItemDeleted]] = field(default_factory=collections.deque)

    def fold(self, before: float) -> None:
        """Apply the writes made before `before` to the base, and forget them."""
        while self.writes and self.writes[0][0] < before:
            _, change = self.writes.popleft()
            _apply(self.base, change)
        self.since = max(self.since, before)

    def items_at(self, moment: float) -> list[Item]:
        """The table's items as they were at `moment` (writes made at or before it)."""
        table = self.base.copy()
        for when, change in self.writes:
            if when > moment:
                break
            _apply(table, change)
        return list(table.items())


def _apply(table: Table, change: ItemPut | ItemDeleted) -> None:
    if isinstance(change, ItemPut):
        hash_key, range_key = item_key(table.key_schema, change.item)
        table.put(hash_key, range_key, change.item, item_size(change.item))
    else:
        table.delete(*item_key(table.key_schema, change.old))


class Recovery:
    """The histories of the tables with point-in-time recovery on; an observer of the engine."""

    def __init__(self, engine: Engine) -> None:
        self.engine = engine
        self.histories: dict[str, History] = {}

    def begin(self, table: Table) -> None:
        self.histories[table.name] = History(table, table.copy(), self.engine.clock())

    def committed(self, changes: list[Change]) -> None:
        if not self.histories:
            return
        now = self.engine.clock()
        for change in changes:
            if isinstance(change, (ItemPut, ItemDeleted)):
                history = self.histories.get(change.table)
                if history is not None:
                    history.writes.append((now, change))
            elif isinstance(change, TableDeleted) and change.table in self.histories:
                history = self.histories.pop(change.table)
                self.engine.state(Backups).make(history.live, f"{change.table}$DeletedTableBackup", "SYSTEM")
            elif isinstance(change, TableUpdated) and change.settings.name in self.histories:
                if SETTING not in change.settings.extra:
                    del self.histories[change.settings.name]
        for history in self.histories.values():
            history.fold(now - _period(history.live) * 86400)

    def window(self, table: Table) -> tuple[float, float]:
        """(EarliestRestorableDateTime, LatestRestorableDateTime) of a table with recovery on."""
        now = self.engine.clock()
        history = self.histories.get(table.name)
        if history is None or history.live is not table:  # a table loaded or restored since
            self.begin(table)
            history = self.histories[table.name]
        history.fold(now - _period(table) * 86400)
        # in whole milliseconds, as the service gives times: within what the clock says
        earliest = math.ceil(max(table.settings.extra[SETTING]["EnabledAt"], history.since) * 1000) / 1000
        return earliest, max(earliest, math.floor((now - LATEST_LAG) * 1000) / 1000)

    def items_at(self, table: Table, moment: float) -> list[Item]:
        return self.histories[table.name].items_at(moment)

    # --- saved state: none; the histories start again from the tables (see the module) ---------

    def save(self) -> None:
        return None

    def load(self, saved: Any) -> None:
        self.histories = {}
        for table in self.engine.tables.values():
            if SETTING in table.settings.extra:
                self.begin(table)


def _period(table: Table) -> int:
    return int(table.settings.extra[SETTING]["RecoveryPeriodInDays"])


def _description(engine: Engine, table: Table) -> Response:
    recovery = table.settings.extra.get(SETTING)
    if recovery is None:
        description: dict[str, Any] = {"PointInTimeRecoveryStatus": "DISABLED"}
    else:
        earliest, latest = engine.state(Recovery).window(table)
        description = {
            "PointInTimeRecoveryStatus": "ENABLED",
            "RecoveryPeriodInDays": recovery["RecoveryPeriodInDays"],
            "EarliestRestorableDateTime": earliest,
            "LatestRestorableDateTime": latest,
        }
    return {
        "ContinuousBackupsDescription": {
            "ContinuousBackupsStatus": "ENABLED",
            "PointInTimeRecoveryDescription": description,
        }
    }


@operation("DescribeContinuousBackups", access="control", finds=named("TableName"))
def describe_continuous_backups(engine: Engine, request: Request) -> Response:
    return _description(engine, source_table(engine, request.get("TableName")))


@operation("UpdateContinuousBackups", access="control", finds=named("TableName"))
def update_continuous_backups(engine: Engine, request: Request) -> Response:
    table = source_table(engine, request.get("TableName"))
    specification = request.get("PointInTimeRecoverySpecification") or {}
    enabled = bool(specification.get("PointInTimeRecoveryEnabled"))
    days = specification.get("RecoveryPeriodInDays")
    if days is not None:
        if not enabled:
            raise errors.recovery_period_when_disabled()
        if not RECOVERY_DAYS[0] <= days <= RECOVERY_DAYS[1]:
            raise errors.recovery_period_invalid(days)
    current = table.settings.extra.get(SETTING)
    recovery = engine.state(Recovery)
    if enabled:
        if current is None:
            recovery.begin(table)
        table.settings.extra[SETTING] = {
            "EnabledAt": current["EnabledAt"] if current is not None else engine.clock(),
            "RecoveryPeriodInDays": days if days is not None else RECOVERY_DAYS[1],
        }
    else:
        table.settings.extra.pop(SETTING, None)
        recovery.histories.pop(table.name, None)
    engine.record(TableUpdated(table.settings))
    return _description(engine, table)


@operation(
    "RestoreTableToPointInTime", access="control", finds=named("TargetTableName", "SourceTableName", "SourceTableArn")
)
def restore_table_to_point_in_time(engine: Engine, request: Request) -> Response:
    source = request.get("SourceTableName") or request.get("SourceTableArn")
    if source is None:
        raise errors.restore_source_missing()
    table = source_table(engine, source)
    if SETTING not in table.settings.extra:
        raise errors.recovery_not_enabled(table.name)
    restore.check_target(engine, request["TargetTableName"])
    latest_wanted = bool(request.get("UseLatestRestorableTime"))
    moment = request.get("RestoreDateTime")
    if latest_wanted and moment is not None:
        raise errors.restore_time_twice()
    if not latest_wanted and moment is None:
        raise errors.restore_time_missing()
    recovery = engine.state(Recovery)
    earliest, latest = recovery.window(table)
    when = latest if moment is None else float(moment)
    if not earliest <= when <= latest:
        raise errors.restore_time_invalid()
    items = recovery.items_at(table, when)
    summary = {"SourceTableArn": table.settings.arn, "RestoreDateTime": when}
    return {"TableDescription": restore.restore(engine, request, table.settings, items, summary)}
