"""The engine's backups: each holds its table's settings and items as they were when it was made.

A backup is engine-wide state that outlives its table. It holds a copy of the table
(`Table.copy`): the items themselves are shared, never copied (stored items are never changed in
place), so making a backup costs O(partitions) references, and afterwards the source table copies
each partition the first time it changes it (copy-on-write). A backup is never written to, so
snapshots and restores share it as it is.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from dynasim import errors
from dynasim.storage.changes import FeatureChanged
from dynasim.storage.table import Table

if TYPE_CHECKING:
    from dynasim.engine import Engine

CREATING, AVAILABLE, DELETED = "CREATING", "AVAILABLE", "DELETED"
SYSTEM_BACKUP_DAYS = 35  # a SYSTEM backup (of a deleted table that had recovery on) expires after


@dataclass
class Backup:
    arn: str
    name: str
    type: str  # USER or SYSTEM
    created_at: float
    table: Table  # the table as it was, settings and items
    status: str = CREATING
    expires_at: float | None = None

    @property
    def table_name(self) -> str:
        return self.table.settings.name

    def details(self) -> dict[str, Any]:
        """BackupDetails."""
        details: dict[str, Any] = {
            "BackupArn": self.arn,
            "BackupName": self.name,
            "BackupSizeBytes": self.table.size_bytes,
            "BackupStatus": self.status,
            "BackupType": self.type,
            "BackupCreationDateTime": self.created_at,
        }
        if self.expires_at is not None:
            details["BackupExpiryDateTime"] = self.expires_at
        return details

    def summary(self) -> dict[str, Any]:
        """BackupSummary, as ListBackups lists it."""
        settings = self.table.settings
        summary = {"TableName": settings.name, "TableId": settings.table_id, "TableArn": settings.arn}
        summary.update(self.details())
        return summary

    def description(self) -> dict[str, Any]:
        """BackupDescription: the backup, its source table and the table's features."""
        return {
            "BackupDetails": self.details(),
            "SourceTableDetails": _source_table(self.table),
            "SourceTableFeatureDetails": _source_features(self.table),
        }


def _source_table(table: Table) -> dict[str, Any]:
    settings = table.settings
    return {
        "TableName": settings.name,
        "TableId": settings.table_id,
        "TableArn": settings.arn,
        "TableSizeBytes": table.size_bytes,
        "KeySchema": settings.key_schema.elements(),
        "TableCreationDateTime": settings.created_at,
        "ProvisionedThroughput": {
            "ReadCapacityUnits": settings.read_capacity,
            "WriteCapacityUnits": settings.write_capacity,
        },
        "ItemCount": table.item_count,
        "BillingMode": settings.billing_mode,
    }


def _source_features(table: Table) -> dict[str, Any]:
    features: dict[str, Any] = {}
    local, global_ = [], []
    for index in table.settings.indexes:
        projection: dict[str, Any] = {"ProjectionType": index.projection_type}
        if index.non_key_attributes:
            projection["NonKeyAttributes"] = list(index.non_key_attributes)
        info: dict[str, Any] = {
            "IndexName": index.name,
            "KeySchema": index.key_schema.elements(),
            "Projection": projection,
        }
        if index.kind == "LOCAL":
            local.append(info)
        else:
            info["ProvisionedThroughput"] = {
                "ReadCapacityUnits": index.read_capacity,
                "WriteCapacityUnits": index.write_capacity,
            }
            global_.append(info)
    if local:
        features["LocalSecondaryIndexes"] = local
    if global_:
        features["GlobalSecondaryIndexes"] = global_
    stream = table.settings.extra.get("StreamSpecification")
    if stream and stream.get("StreamEnabled"):
        features["StreamDescription"] = dict(stream)
    ttl = table.settings.extra.get("TimeToLiveSpecification")
    if ttl and ttl.get("Enabled"):
        features["TimeToLiveDescription"] = {"TimeToLiveStatus": "ENABLED", "AttributeName": ttl["AttributeName"]}
    sse = table.settings.extra.get("SSEDescription")
    if sse:
        features["SSEDescription"] = dict(sse)
    return features


def source_table(engine: Engine, name: Any) -> Table:
    """The table a backup or recovery request names, by name or ARN; TableNotFoundException."""
    table = engine.find_table(name) if isinstance(name, str) else None
    if table is None:
        raise errors.table_not_found_by_name(name)
    return table


class Backups:
    """Every backup of the engine, by ARN, in the order they were made; a feature's state."""

    def __init__(self, engine: Engine) -> None:
        self.engine = engine
        self.backups: dict[str, Backup] = {}

    def make(self, table: Table, name: str, kind: str = "USER") -> Backup:
        """A new backup of `table` as it is now (under the lock)."""
        milliseconds = int(self.engine.clock() * 1000)  # the service's precision, its ARN's too
        now = milliseconds / 1000
        arn = f"{table.settings.arn}/backup/{milliseconds:014d}-{uuid.uuid4().hex[:8]}"
        # the table's settings deep-copied, its items shared; a SYSTEM backup is made at once
        backup = Backup(arn, name, kind, now, table.copy(), AVAILABLE if kind == "SYSTEM" else CREATING)
        if kind == "SYSTEM":
            backup.expires_at = now + SYSTEM_BACKUP_DAYS * 86400
        self.backups[arn] = backup
        self.changed()
        return backup

    def get(self, arn: Any) -> Backup:
        backup = self.backups.get(arn) if isinstance(arn, str) else None
        if backup is None:
            raise errors.backup_not_found(arn)
        return backup

    def available(self, arn: Any) -> Backup:
        """The backup `arn` names, which must be AVAILABLE to restore or delete."""
        backup = self.get(arn)
        if backup.status != AVAILABLE:
            raise errors.backup_in_use(backup.arn)
        return backup

    def delete(self, backup: Backup) -> None:
        del self.backups[backup.arn]
        backup.status = DELETED
        self.changed()

    def expire(self) -> None:
        """Forget the SYSTEM backups past their expiry time."""
        now = self.engine.clock()
        expired = [arn for arn, b in self.backups.items() if b.expires_at is not None and b.expires_at <= now]
        for arn in expired:
            self.delete(self.backups[arn])

    def changed(self) -> None:
        self.engine.record(FeatureChanged("backups"))

    # --- saved state (see `dynasim.engine.features`) --------------------------------------------

    def save(self) -> list[dict[str, Any]]:
        return [
            {
                "arn": b.arn,
                "name": b.name,
                "type": b.type,
                "created_at": b.created_at,
                "expires_at": b.expires_at,
                "status": b.status,
                "table": b.table,
            }
            for b in self.backups.values()
        ]

    def load(self, saved: list[dict[str, Any]] | None) -> None:
        """Put saved backups back. The jobs in progress when they were saved are gone: what they
        were making is made (a backup is AVAILABLE, a restored table's restore over)."""
        self.backups = {}
        for entry in saved or []:
            backup = Backup(
                entry["arn"], entry["name"], entry["type"], entry["created_at"], entry["table"],
                AVAILABLE, entry["expires_at"],
            )
            self.backups[backup.arn] = backup
        for table in self.engine.tables.values():
            summary = table.settings.extra.get("RestoreSummary")
            if summary is not None and summary["RestoreInProgress"]:
                summary["RestoreInProgress"] = False
