"""Restoring a table, from a backup or to a point in time: one new table, made from a source's
settings and items with the request's overrides, whose restore is a job on the clock.

As the service does, a restore keeps the source's key schema, attribute definitions, indexes,
billing mode and throughput unless the request overrides them (BillingModeOverride,
ProvisionedThroughputOverride, GlobalSecondaryIndexOverride and LocalSecondaryIndexOverride, which
keep some or none of the source's indexes, SSESpecificationOverride), and none of its stream, TTL,
point-in-time recovery, tags or deletion protection (the API Reference: to set again on the
restored table). The table answers at once, as a created table does here, and DescribeTable reports
it CREATING, its RestoreSummary `RestoreInProgress`, until the job finishes; a failed restore
deletes it.
"""

from __future__ import annotations

import dataclasses
import uuid
from collections.abc import Iterable
from typing import TYPE_CHECKING, Any

from dynasim import errors
from dynasim.engine import schema
from dynasim.engine.features import DescriptionMembers, Request
from dynasim.engine.jobs import Jobs
from dynasim.engine.keys import item_key
from dynasim.engine.tables import describe
from dynasim.storage.changes import TableCreated, TableDeleted, TableUpdated
from dynasim.storage.index import IndexSettings
from dynasim.storage.table import Table, TableSettings
from dynasim.values import Item, item_size

if TYPE_CHECKING:
    from dynasim.engine import Engine

SUMMARY = "RestoreSummary"  # the members of TableSettings.extra a restore keeps
SSE = "SSEDescription"


def check_target(engine: Engine, name: str) -> None:
    if name in engine.tables:
        raise errors.target_table_exists(name)


def restore(
    engine: Engine, request: Request, source: TableSettings, items: Iterable[Item], summary: dict[str, Any]
) -> dict[str, Any]:
    """Make the restored table (the request checked, its target free) and start its job; return
    the TableDescription the service answers with."""
    settings = target_settings(engine, request, source)
    settings.extra[SUMMARY] = {**summary, "RestoreInProgress": True}
    table = engine.tables[settings.name] = Table(settings, engine.record)
    engine.record(TableCreated(settings))
    for item in items:
        hash_key, range_key = item_key(table.key_schema, item)
        table.put(hash_key, range_key, item, item_size(item))
    description = describe(engine, table, "CREATING")

    def complete() -> None:
        if engine.tables.get(settings.name) is table:
            settings.extra[SUMMARY]["RestoreInProgress"] = False
            engine.record(TableUpdated(settings))

    def fail(code: str, message: str) -> None:
        if engine.tables.get(settings.name) is table:
            del engine.tables[settings.name]
            engine.record(TableDeleted(settings.name))

    engine.state(Jobs).start("restore", settings.arn, complete, fail)
    return description


def target_settings(engine: Engine, request: Request, source: TableSettings) -> TableSettings:
    """The restored table's settings: the source's, with the request's overrides (checked)."""
    name = request["TargetTableName"]
    arn = engine.arn(f"table/{name}")
    mode = schema.billing_mode(request.get("BillingModeOverride") or source.billing_mode)
    given = request.get("ProvisionedThroughputOverride")
    if mode == source.billing_mode == "PROVISIONED" and given is None:
        read, write = source.read_capacity, source.write_capacity
    else:
        read, write = schema.throughput(mode, given, engine.region, creating=True)
    types = {d["AttributeName"]: d["AttributeType"] for d in source.attribute_definitions}
    indexes = _local_indexes(request, source, types, arn)
    indexes += _global_indexes(request, source, types, mode, arn, read, write)
    used = dict.fromkeys(source.key_schema.names)
    for index in indexes:
        used.update(dict.fromkeys(index.key_schema.names))
    now = engine.clock()
    settings = TableSettings(
        name=name,
        arn=arn,
        table_id=str(uuid.uuid4()),
        key_schema=source.key_schema,
        attribute_definitions=[{"AttributeName": n, "AttributeType": types[n]} for n in used],
        billing_mode=mode,
        read_capacity=read,
        write_capacity=write,
        created_at=now,
        billing_mode_updated_at=now if mode == "PAY_PER_REQUEST" else None,
        indexes=indexes,
    )
    sse = _sse(engine, request.get("SSESpecificationOverride"), source)
    if sse is not None:
        settings.extra[SSE] = sse
    return settings


def _local_indexes(request: Request, source: TableSettings, types: dict[str, str], arn: str) -> list[IndexSettings]:
    kept = [index for index in source.indexes if index.kind == "LOCAL"]
    override = request.get("LocalSecondaryIndexOverride")
    if override is not None:
        chosen = schema.local_indexes(override, source.key_schema, types, arn) if override else []
        kept = _matching(kept, chosen, "LocalSecondaryIndex")
    return [dataclasses.replace(index, arn=f"{arn}/index/{index.name}") for index in kept]


def _global_indexes(
    request: Request, source: TableSettings, types: dict[str, str], mode: str, arn: str, read: int, write: int
) -> list[IndexSettings]:
    kept = [index for index in source.indexes if index.kind == "GLOBAL"]
    override = request.get("GlobalSecondaryIndexOverride")
    if override is not None:
        chosen = schema.global_indexes(override, types, mode, arn) if override else []
        return _matching(kept, chosen, "GlobalSecondaryIndex")
    restored = []
    for index in kept:
        if mode == "PAY_PER_REQUEST":
            capacity = (0, 0)
        elif index.read_capacity:
            capacity = (index.read_capacity, index.write_capacity)
        else:  # an on-demand source's index takes the restored table's throughput
            capacity = (read, write)
        restored.append(
            dataclasses.replace(
                index, arn=f"{arn}/index/{index.name}", read_capacity=capacity[0], write_capacity=capacity[1]
            )
        )
    return restored


def _matching(source: list[IndexSettings], chosen: list[IndexSettings], kind: str) -> list[IndexSettings]:
    """The indexes an override keeps: each must be one of the source's, with its key schema."""
    by_name = {index.name: index for index in source}
    for index in chosen:
        original = by_name.get(index.name)
        if original is None:
            raise errors.restore_index_unknown(kind, index.name)
        if original.key_schema != index.key_schema:
            raise errors.restore_index_changed(kind, index.name)
    return chosen


def _sse(engine: Engine, specification: Any, source: TableSettings) -> dict[str, Any] | None:
    """The restored table's SSEDescription: the override's, or the source's."""
    if specification is None:
        sse = source.extra.get(SSE)
        return dict(sse) if sse else None
    if not specification.get("Enabled"):
        return None
    key = specification.get("KMSMasterKeyId") or "alias/aws/dynamodb"
    key_arn = key if key.startswith("arn:") else f"arn:aws:kms:{engine.region}:{engine.account_id}:{_kms_resource(key)}"
    return {"Status": "ENABLED", "SSEType": "KMS", "KMSMasterKeyArn": key_arn}


def _kms_resource(key: str) -> str:
    return key if key.startswith("alias/") else f"key/{key}"


class RestoreMembers(DescriptionMembers):
    """What a restore adds to a TableDescription: its RestoreSummary (and CREATING while it runs)
    and the SSEDescription an SSESpecificationOverride gave."""

    def describe(self, engine: Engine, table: Table, status: str) -> dict[str, Any]:
        settings = table.settings
        members: dict[str, Any] = {}
        summary = settings.extra.get(SUMMARY)
        if summary is not None:
            members[SUMMARY] = dict(summary)
            if summary["RestoreInProgress"]:
                members["TableStatus"] = "CREATING"
        sse = settings.extra.get(SSE)
        if sse is not None:
            members[SSE] = dict(sse)
        return members
