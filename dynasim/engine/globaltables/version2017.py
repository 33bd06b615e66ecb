"""Global tables version 2017.11.29 (Legacy): CreateGlobalTable, UpdateGlobalTable, DescribeGlobalTable,
ListGlobalTables, DescribeGlobalTableSettings and UpdateGlobalTableSettings.

Sources: the API Reference pages of the six operations; the Developer Guide's "Global tables version
2017.11.29 (Legacy)" pages (requirements, "Determining the version", "Upgrading"); botocore's model; and
the service's answers recorded in 2026 (ack-api-quirks dynamodb findings DDB-GLOBALTABLE-001 to -004 and
DDB-GLOBALTABLESETTINGS-001, verified 2026-10-09; crossplane-contrib/provider-aws#2308).

The service no longer creates version 2017.11.29 groups: CreateGlobalTable, and UpdateGlobalTable with a
Create, answer ValidationException "... version 2017.11.29 is not supported ..." in every region, so an
account made now holds none (Describe* and UpdateGlobalTableSettings answer GlobalTableNotFoundException,
ListGlobalTables an empty list). That is the simulator's default. An account that still holds such groups
is simulated with `Simulator.global_tables_2017 = True` (the `Version2017` state): the two operations then
do what the API Reference documents. CreateGlobalTable, called in one region, joins tables of the same
name in every region of its ReplicationGroup, each of which must exist (TableNotFoundException), be empty,
have DynamoDB Streams with NEW_AND_OLD_IMAGES, and the same key schema and secondary indexes (names and
keys) as the others, and belong to no other global table.

The group is the record of `group.py` with "Version": VERSION_2017, in every replica's settings; the
group's status (GlobalTableStatus) and each replica's move from CREATING or UPDATING to ACTIVE
`SETTLE_SECONDS` of the simulator's clock later. A global table is account-wide: any region's client
sees it. Moving data between replicas is replication's job, not this module's. DescribeTable of a replica
shows no GlobalTableVersion: that member identifies version 2019.11.21 replicas, a version 2017.11.29
replica is known by DescribeGlobalTable answering (the Developer Guide, "Determining the version").

UpdateGlobalTableSettings changes the replicas' tables themselves (billing mode, provisioned write
capacity of the tables and their global secondary indexes everywhere; a replica's read capacity and
table class), and keeps the auto scaling settings (which the simulator does not act on) in the record.
"""

from __future__ import annotations

import functools
from typing import TYPE_CHECKING, Any

from dynasim import errors
from dynasim.engine.globaltables import group
from dynasim.engine.registry import Request, Response, operation
from dynasim.engine.touches import named
from dynasim.storage.changes import TableUpdated

if TYPE_CHECKING:
    from dynasim.engine import Engine
    from dynasim.engine.regions import Regions
    from dynasim.storage.table import Table

SETTLE_SECONDS = 1.0  # CREATING and UPDATING last this long on the simulator's clock
DEFAULT_LIST_LIMIT = 100  # ListGlobalTables' Limit when none is given (the API Reference)


class Version2017:
    """Whether the account may create version 2017.11.29 global tables (False: as the service today)."""

    def __init__(self, regions: Regions) -> None:
        self.creates = False


def _creates(engine: Engine) -> bool:
    return engine.regions is not None and engine.regions.state(Version2017).creates


def _settling(status: str, now: float) -> dict[str, Any]:
    return {"Status": status, "Since": now, "Until": now + SETTLE_SECONDS, "Next": "ACTIVE"}


def find(engine: Engine, name: str) -> group.Record | None:
    """The record of the version 2017.11.29 global table `name`, as its replicas hold it, or None."""
    engines = [engine] + ([other for other in engine.regions if other is not engine] if engine.regions else [])
    for holder in engines:
        table = holder.tables.get(name)
        record = group.record_of(table) if table is not None else None
        if record is not None and record["Version"] == group.VERSION_2017:
            return record
    return None


def _table_in(engine: Engine, region: str, name: str) -> Table | None:
    holder = engine.regions.get(region) if engine.regions is not None else None
    if holder is None and region == engine.region:
        holder = engine
    return holder.tables.get(name) if holder is not None else None


def _indexes(table: Table, kind: str) -> dict[str, Any]:
    return {index.name: index.key_schema for index in table.settings.indexes if index.kind == kind}


def _check_replica(engine: Engine, name: str, region: str, like: Table | None) -> Table:
    """The table that may join the group in `region` (the Developer Guide's requirements), or the error."""
    table = _table_in(engine, region, name)
    if table is None:
        raise errors.global_table_replica_table_not_found(name, region)
    version = group.version_of(table)
    if version == group.VERSION_2019:
        raise errors.global_table_replica_of_2019(name, region)
    if version == group.VERSION_2017:
        raise errors.global_table_exists(name)
    stream = table.settings.extra.get("StreamSpecification") or {}
    if not stream.get("StreamEnabled") or stream.get("StreamViewType") != "NEW_AND_OLD_IMAGES":
        raise errors.global_table_replica_stream(name, region)
    if table.item_count:
        raise errors.global_table_replica_not_empty(name, region)
    if like is not None:
        if table.settings.key_schema != like.settings.key_schema:
            raise errors.global_table_replica_schema(name, region, "key schema")
        if _indexes(table, "GLOBAL") != _indexes(like, "GLOBAL"):
            raise errors.global_table_replica_schema(name, region, "global secondary indexes")
        if _indexes(table, "LOCAL") != _indexes(like, "LOCAL"):
            raise errors.global_table_replica_schema(name, region, "local secondary indexes")
    return table


def _distinct(regions: list[str]) -> None:
    seen: set[str] = set()
    for region in regions:
        if region in seen:
            raise errors.global_table_region_repeated(region)
        seen.add(region)


def _arn(engine: Engine, name: str) -> str:
    return f"arn:aws:dynamodb::{engine.account_id}:global-table/{name}"


def _description(engine: Engine, name: str, record: group.Record, status: str | None = None) -> dict[str, Any]:
    now = engine.clock()
    return {
        "ReplicationGroup": [{"RegionName": region} for region in record["Replicas"]],
        "GlobalTableArn": _arn(engine, name),
        "CreationDateTime": record["CreatedAt"],
        "GlobalTableStatus": status or group.status(record["GlobalTableStatus"], now),
        "GlobalTableName": name,
    }


# --- CreateGlobalTable, UpdateGlobalTable, DescribeGlobalTable, ListGlobalTables ---------------------


@operation("CreateGlobalTable", access="control", finds=named("GlobalTableName"))
def create_global_table(engine: Engine, request: Request) -> Response:
    if not _creates(engine):
        raise errors.global_tables_2017_unsupported()
    name = request["GlobalTableName"]
    regions = [replica["RegionName"] for replica in request["ReplicationGroup"]]
    if not regions:
        raise errors.global_table_replication_group_empty()
    _distinct(regions)
    if find(engine, name) is not None:
        raise errors.global_table_exists(name)
    first: Table | None = None
    for region in regions:
        table = _check_replica(engine, name, region, first)
        first = first or table
    now = engine.clock()
    record: group.Record = {
        "Version": group.VERSION_2017,
        "CreatedAt": now,
        "Consistency": "EVENTUAL",
        "Replicas": {region: _settling("CREATING", now) for region in regions},
        "Witnesses": {},
        "GlobalTableStatus": _settling("CREATING", now),
        "WriteAutoScaling": None,
        "IndexWriteAutoScaling": {},
    }
    group.write(group.regions_of(engine), name, record)
    return {"GlobalTableDescription": _description(engine, name, record)}


@operation("UpdateGlobalTable", access="control", finds=named("GlobalTableName"))
def update_global_table(engine: Engine, request: Request) -> Response:
    name = request["GlobalTableName"]
    updates = request["ReplicaUpdates"]
    # Checked before the group is looked up, as the service does: an empty list, then any Create.
    if not updates or any(len([kind for kind in update if update[kind] is not None]) != 1 for update in updates):
        raise errors.replica_updates_empty()
    if any(update.get("Create") is not None for update in updates) and not _creates(engine):
        raise errors.global_tables_2017_unsupported()
    record = find(engine, name)
    if record is None:
        raise errors.global_table_settings_not_found(name)
    creates = [update["Create"]["RegionName"] for update in updates if update.get("Create") is not None]
    deletes = [update["Delete"]["RegionName"] for update in updates if update.get("Delete") is not None]
    _distinct(creates + deletes)
    like = next(
        (table for region in record["Replicas"] if (table := _table_in(engine, region, name)) is not None), None
    )
    for region in creates:
        if region in record["Replicas"]:
            raise errors.global_table_replica_exists(name, region)
        table = _check_replica(engine, name, region, like)
        like = like or table
    for region in deletes:
        if region not in record["Replicas"]:
            raise errors.global_table_replica_not_found(name, region)

    now = engine.clock()
    updated = dict(record)
    updated["Replicas"] = {region: entry for region, entry in record["Replicas"].items() if region not in deletes}
    updated["Replicas"].update({region: _settling("CREATING", now) for region in creates})
    updated["GlobalTableStatus"] = _settling("UPDATING", now)
    regions = group.regions_of(engine)
    group.write(regions, name, None, also=tuple(deletes))  # the leaving replicas are tables of their own again
    if not updated["Replicas"]:
        return {"GlobalTableDescription": _description(engine, name, updated, "DELETING")}
    group.write(regions, name, updated)
    return {"GlobalTableDescription": _description(engine, name, updated, "UPDATING")}


@operation("DescribeGlobalTable", access="control", finds=named("GlobalTableName"))
def describe_global_table(engine: Engine, request: Request) -> Response:
    name = request["GlobalTableName"]
    record = find(engine, name)
    if record is None:
        raise errors.global_table_not_found(name)
    return {"GlobalTableDescription": _description(engine, name, record)}


@functools.cache
def _known_regions() -> frozenset[str]:
    """The regions of every AWS partition botocore knows."""
    import botocore.loaders

    endpoints = botocore.loaders.create_loader().load_data("endpoints")
    return frozenset(region for partition in endpoints["partitions"] for region in partition["regions"])


@operation("ListGlobalTables", access="control", finds="no_table")
def list_global_tables(engine: Engine, request: Request) -> Response:
    region = request.get("RegionName")
    held = engine.regions.names if engine.regions is not None else [engine.region]
    if region is not None and region not in held and region not in _known_regions():
        raise errors.global_table_region_unknown()  # the service's 500 for a region that does not exist
    found: dict[str, group.Record] = {}
    for holder in engine.regions if engine.regions is not None else [engine]:
        for table in holder.tables.values():
            record = group.record_of(table)
            if record is not None and record["Version"] == group.VERSION_2017:
                found.setdefault(table.name, record)
    names = sorted(name for name, record in found.items() if region is None or region in record["Replicas"])
    start = request.get("ExclusiveStartGlobalTableName")
    if start is not None:
        names = [name for name in names if name > start]
    limit = request.get("Limit") or DEFAULT_LIST_LIMIT
    listed = [
        {"GlobalTableName": name, "ReplicationGroup": [{"RegionName": each} for each in found[name]["Replicas"]]}
        for name in names[:limit]
    ]
    response: Response = {"GlobalTables": listed}
    if len(names) > limit:
        response["LastEvaluatedGlobalTableName"] = names[limit - 1]
    return response


# --- DescribeGlobalTableSettings, UpdateGlobalTableSettings -----------------------------------------


def _replica_settings(engine: Engine, name: str, record: group.Record) -> list[dict[str, Any]]:
    now = engine.clock()
    described = []
    for region, entry in record["Replicas"].items():
        table = _table_in(engine, region, name)
        if table is None:
            continue
        settings = table.settings
        provisioned = settings.billing_mode == "PROVISIONED"
        replica: dict[str, Any] = {
            "RegionName": region,
            "ReplicaStatus": group.status(entry, now),
            "ReplicaBillingModeSummary": {"BillingMode": settings.billing_mode},
            "ReplicaProvisionedReadCapacityUnits": settings.read_capacity if provisioned else 0,
            "ReplicaProvisionedWriteCapacityUnits": settings.write_capacity if provisioned else 0,
        }
        if settings.billing_mode_updated_at is not None and not provisioned:
            replica["ReplicaBillingModeSummary"]["LastUpdateToPayPerRequestDateTime"] = settings.billing_mode_updated_at
        if entry.get("ReadAutoScaling"):
            replica["ReplicaProvisionedReadCapacityAutoScalingSettings"] = entry["ReadAutoScaling"]
        if record.get("WriteAutoScaling"):
            replica["ReplicaProvisionedWriteCapacityAutoScalingSettings"] = record["WriteAutoScaling"]
        indexes = []
        for index in settings.indexes:
            if index.kind != "GLOBAL":
                continue
            described_index: dict[str, Any] = {"IndexName": index.name, "IndexStatus": index.status}
            if provisioned:
                described_index["ProvisionedReadCapacityUnits"] = index.read_capacity
                described_index["ProvisionedWriteCapacityUnits"] = index.write_capacity
            read_scaling = entry.get("IndexReadAutoScaling", {}).get(index.name)
            write_scaling = record.get("IndexWriteAutoScaling", {}).get(index.name)
            if read_scaling:
                described_index["ProvisionedReadCapacityAutoScalingSettings"] = read_scaling
            if write_scaling:
                described_index["ProvisionedWriteCapacityAutoScalingSettings"] = write_scaling
            indexes.append(described_index)
        if indexes:
            replica["ReplicaGlobalSecondaryIndexSettings"] = indexes
        if settings.table_class is not None:
            replica["ReplicaTableClassSummary"] = {"TableClass": settings.table_class}
        described.append(replica)
    return described


@operation("DescribeGlobalTableSettings", access="control", finds=named("GlobalTableName"))
def describe_global_table_settings(engine: Engine, request: Request) -> Response:
    name = request["GlobalTableName"]
    record = find(engine, name)
    if record is None:
        raise errors.global_table_settings_not_found(name)
    return {"GlobalTableName": name, "ReplicaSettings": _replica_settings(engine, name, record)}


def _auto_scaling(current: dict[str, Any] | None, update: dict[str, Any]) -> dict[str, Any]:
    """An AutoScalingSettingsDescription with `update` (an AutoScalingSettingsUpdate) applied."""
    described = dict(current or {})
    for member in ("MinimumUnits", "MaximumUnits", "AutoScalingDisabled", "AutoScalingRoleArn"):
        if update.get(member) is not None:
            described[member] = update[member]
    policy = update.get("ScalingPolicyUpdate")
    if policy is not None:
        policies = described.get("ScalingPolicies", [])
        kept = [each for each in policies if each.get("PolicyName") != policy.get("PolicyName")]
        described["ScalingPolicies"] = kept + [dict(policy)]
    return described


@operation("UpdateGlobalTableSettings", access="control", finds=named("GlobalTableName"))
def update_global_table_settings(engine: Engine, request: Request) -> Response:
    name = request["GlobalTableName"]
    record = find(engine, name)
    if record is None:
        raise errors.global_table_settings_not_found(name)
    tables = {region: table for region in record["Replicas"] if (table := _table_in(engine, region, name)) is not None}
    mode = _check_settings_update(name, record, tables, request)  # everything first, then apply
    updated = _settings_record(record, request)
    write = request.get("GlobalTableProvisionedWriteCapacityUnits")
    index_updates = request.get("GlobalTableGlobalSecondaryIndexSettingsUpdate") or []
    by_region = {update["RegionName"]: update for update in request.get("ReplicaSettingsUpdate") or []}
    regions = group.regions_of(engine)
    for region, table in tables.items():
        holder = regions.add(region)
        holder.apply(
            functools.partial(_apply_capacity, holder, table, mode, write, index_updates, by_region.get(region))
        )
    group.write(regions, name, updated)
    return {"GlobalTableName": name, "ReplicaSettings": _replica_settings(engine, name, updated)}


def _check_settings_update(name: str, record: group.Record, tables: dict[str, Table], request: Request) -> str:
    """Check an UpdateGlobalTableSettings request against the group; return the billing mode it leaves."""
    some = next(iter(tables.values()), None)
    index_names = set(_indexes(some, "GLOBAL")) if some is not None else set()
    write = request.get("GlobalTableProvisionedWriteCapacityUnits")
    index_updates = request.get("GlobalTableGlobalSecondaryIndexSettingsUpdate") or []
    replica_updates = request.get("ReplicaSettingsUpdate") or []
    mode = request.get("GlobalTableBillingMode") or (some.settings.billing_mode if some else "PAY_PER_REQUEST")
    replica_indexes = [
        each for update in replica_updates for each in update.get("ReplicaGlobalSecondaryIndexSettingsUpdate") or []
    ]
    capacities = [write]
    capacities += [update.get("ReplicaProvisionedReadCapacityUnits") for update in replica_updates]
    capacities += [update.get("ProvisionedWriteCapacityUnits") for update in index_updates]
    capacities += [each.get("ProvisionedReadCapacityUnits") for each in replica_indexes]
    if mode == "PAY_PER_REQUEST" and any(value is not None for value in capacities):
        raise errors.global_table_capacity_on_demand()
    switching = any(table.settings.billing_mode != mode for table in tables.values())
    if mode == "PROVISIONED" and switching and write is None:
        raise errors.global_table_provisioned_without_capacity()
    for update in replica_updates:
        if update["RegionName"] not in record["Replicas"]:
            raise errors.global_table_replica_not_found(name, update["RegionName"])
    for update in index_updates + replica_indexes:
        if update["IndexName"] not in index_names:
            raise errors.global_table_index_not_found(name, update["IndexName"])
    return str(mode)


def _settings_record(record: group.Record, request: Request) -> group.Record:
    """The group's record with an UpdateGlobalTableSettings request's auto scaling settings."""
    updated = dict(record)
    updated["Replicas"] = {region: dict(entry) for region, entry in record["Replicas"].items()}
    updated["IndexWriteAutoScaling"] = dict(record.get("IndexWriteAutoScaling") or {})
    scaling = request.get("GlobalTableProvisionedWriteCapacityAutoScalingSettingsUpdate")
    if scaling is not None:
        updated["WriteAutoScaling"] = _auto_scaling(record.get("WriteAutoScaling"), scaling)
    for update in request.get("GlobalTableGlobalSecondaryIndexSettingsUpdate") or []:
        scaling = update.get("ProvisionedWriteCapacityAutoScalingSettingsUpdate")
        if scaling is not None:
            writes = updated["IndexWriteAutoScaling"]
            writes[update["IndexName"]] = _auto_scaling(writes.get(update["IndexName"]), scaling)
    for update in request.get("ReplicaSettingsUpdate") or []:
        entry = updated["Replicas"][update["RegionName"]]
        scaling = update.get("ReplicaProvisionedReadCapacityAutoScalingSettingsUpdate")
        if scaling is not None:
            entry["ReadAutoScaling"] = _auto_scaling(entry.get("ReadAutoScaling"), scaling)
        for each in update.get("ReplicaGlobalSecondaryIndexSettingsUpdate") or []:
            scaling = each.get("ProvisionedReadCapacityAutoScalingSettingsUpdate")
            if scaling is not None:
                reads = entry["IndexReadAutoScaling"] = dict(entry.get("IndexReadAutoScaling") or {})
                reads[each["IndexName"]] = _auto_scaling(reads.get(each["IndexName"]), scaling)
    return updated


def _apply_capacity(
    engine: Engine,
    table: Table,
    mode: str,
    write: int | None,
    index_updates: list[dict[str, Any]],
    replica: dict[str, Any] | None,
) -> None:
    """One replica's part of UpdateGlobalTableSettings (checked): its billing mode and capacities."""
    settings = table.settings
    replica = replica or {}
    read = replica.get("ReplicaProvisionedReadCapacityUnits")
    if mode == "PAY_PER_REQUEST":
        if settings.billing_mode != mode:
            settings.billing_mode_updated_at = engine.clock()
        settings.billing_mode, settings.read_capacity, settings.write_capacity = mode, 0, 0
        for index in settings.indexes:
            index.read_capacity = index.write_capacity = 0
    else:
        if settings.billing_mode != mode:  # from on-demand: the read capacity starts at the write capacity
            assert write is not None
            settings.read_capacity = write
            for index in settings.indexes:
                if index.kind == "GLOBAL":
                    index.read_capacity = index.write_capacity = write
        settings.billing_mode = mode
        if write is not None:
            settings.write_capacity = write
        if read is not None:
            settings.read_capacity = read
        by_index = {index.name: index for index in settings.indexes}
        for update in index_updates:
            if update.get("ProvisionedWriteCapacityUnits") is not None:
                by_index[update["IndexName"]].write_capacity = update["ProvisionedWriteCapacityUnits"]
        for each in replica.get("ReplicaGlobalSecondaryIndexSettingsUpdate") or []:
            if each.get("ProvisionedReadCapacityUnits") is not None:
                by_index[each["IndexName"]].read_capacity = each["ProvisionedReadCapacityUnits"]
    if replica.get("ReplicaTableClass") is not None:
        settings.table_class = replica["ReplicaTableClass"]
    engine.record(TableUpdated(settings))
