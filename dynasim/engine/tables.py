"""Table operations: CreateTable, DescribeTable, ListTables, DeleteTable, UpdateTable.

Features add members of their own to these (streams: StreamSpecification): each checks its members
after the request's own, and applies them once the whole request is good (`features.TableMembers`).
"""

from __future__ import annotations

import bisect
import uuid
from typing import TYPE_CHECKING, Any

from dynasim import errors
from dynasim.engine import control, features, schema
from dynasim.engine.registry import Request, Response, operation
from dynasim.engine.touches import named, no_table
from dynasim.storage.changes import TableCreated, TableDeleted, TableUpdated
from dynasim.storage.index import Index
from dynasim.storage.table import Table, TableSettings

if TYPE_CHECKING:
    from dynasim.engine import Engine

MAX_LIST_TABLES = 100
# What an UpdateTable may change, besides the features' members; with none of them it changes
# nothing and is refused.
UPDATES = (
    "ProvisionedThroughput", "BillingMode", "GlobalSecondaryIndexUpdates", "SSESpecification", "ReplicaUpdates",
    "MultiRegionConsistency", "DeletionProtectionEnabled", "OnDemandThroughput", "WarmThroughput", "TableClass",
)


@operation("CreateTable", access="control", finds=named("TableName"))
def create_table(engine: Engine, request: Request) -> Response:
    name = request["TableName"]
    types = schema.attribute_types(request["AttributeDefinitions"])
    key_schema = schema.table_key_schema(request["KeySchema"], types)
    arn = engine.arn(f"table/{name}")
    mode = schema.billing_mode(request.get("BillingMode", "PROVISIONED"))
    indexes = schema.local_indexes(request.get("LocalSecondaryIndexes"), key_schema, types, arn)
    indexes += schema.global_indexes(request.get("GlobalSecondaryIndexes"), types, mode, arn)
    defined = [name for members in features.table_members() for name in members.defined_attributes(request)]
    schema.check_indexes_together(key_schema, types, indexes, defined)
    read, write = schema.throughput(mode, request.get("ProvisionedThroughput"), engine.region, creating=True)
    applying = [members.check_create(engine, request) for members in features.table_members()]
    tags = control.tags_on_create(request)
    if name in engine.tables:
        raise errors.table_exists(name)
    now = engine.clock()
    settings = TableSettings(
        name=name,
        arn=arn,
        table_id=str(uuid.uuid4()),
        key_schema=key_schema,
        attribute_definitions=[{"AttributeName": n, "AttributeType": t} for n, t in types.items()],
        billing_mode=mode,
        read_capacity=read,
        write_capacity=write,
        created_at=now,
        billing_mode_updated_at=now if mode == "PAY_PER_REQUEST" else None,
        deletion_protection=bool(request.get("DeletionProtectionEnabled", False)),
        indexes=indexes,
    )
    if tags:
        settings.extra["Tags"] = tags
    table = engine.tables[name] = Table(settings, engine.record)
    _apply(applying, table)
    engine.record(TableCreated(settings))
    # The service answers CREATING and turns the table ACTIVE moments later; here it is
    # usable at once, so DescribeTable already reports ACTIVE.
    return {"TableDescription": describe(engine, table, "CREATING")}


def _apply(applying: list[features.Apply | None], table: Table) -> None:
    """Apply the features' checked members of a table request."""
    for apply in applying:
        if apply is not None:
            apply(table)


def _update_members() -> tuple[str, ...]:
    return UPDATES + tuple(member for members in features.table_members() for member in members.update_members)


# --- DescribeTable, ListTables, DeleteTable --------------------------------------------------


def describe(engine: Engine, table: Table, status: str = "ACTIVE") -> dict[str, Any]:
    """The TableDescription DynamoDB reports for a table, in an answer with this TableStatus."""
    settings = table.settings
    description: dict[str, Any] = {
        "AttributeDefinitions": settings.attribute_definitions,
        "TableName": settings.name,
        "KeySchema": settings.key_schema.elements(),
        "TableStatus": status,
        "CreationDateTime": settings.created_at,
        "ProvisionedThroughput": {
            "LastIncreaseDateTime": settings.last_increase_at or 0,
            "LastDecreaseDateTime": settings.last_decrease_at or 0,
            "NumberOfDecreasesToday": settings.decreases_today,
            "ReadCapacityUnits": settings.read_capacity,
            "WriteCapacityUnits": settings.write_capacity,
        },
        "TableSizeBytes": table.size_bytes,
        "ItemCount": table.item_count,
        "TableArn": settings.arn,
        "TableId": settings.table_id,
        "DeletionProtectionEnabled": settings.deletion_protection,
    }
    for members in features.table_members():
        description.update(members.describe(engine, table, status))
    local = [_describe_index(table, index) for index in table.indexes.values() if index.settings.kind == "LOCAL"]
    if local:
        description["LocalSecondaryIndexes"] = local
    global_ = [_describe_index(table, index) for index in table.indexes.values() if index.settings.kind == "GLOBAL"]
    if global_:
        description["GlobalSecondaryIndexes"] = global_
    if settings.billing_mode_updated_at is not None:
        description["BillingModeSummary"] = {
            "BillingMode": settings.billing_mode,
            "LastUpdateToPayPerRequestDateTime": settings.billing_mode_updated_at,
        }
    return description


def _describe_index(table: Table, index: Index) -> dict[str, Any]:
    settings = index.settings
    projection: dict[str, Any] = {"ProjectionType": settings.projection_type}
    if settings.non_key_attributes:
        projection["NonKeyAttributes"] = settings.non_key_attributes
    description: dict[str, Any] = {
        "IndexName": settings.name,
        "KeySchema": settings.key_schema.elements(),
        "Projection": projection,
    }
    if settings.kind == "GLOBAL":
        description["IndexStatus"] = settings.status
        if table.settings.billing_mode == "PROVISIONED":
            description["ProvisionedThroughput"] = {
                "ReadCapacityUnits": settings.read_capacity,
                "WriteCapacityUnits": settings.write_capacity,
            }
        if settings.on_demand_throughput is not None:
            description["OnDemandThroughput"] = dict(settings.on_demand_throughput)
    description["IndexSizeBytes"] = index.size_bytes
    description["ItemCount"] = index.item_count
    description["IndexArn"] = settings.arn
    return description


@operation("DescribeTable", access="control", finds=named("TableName"))
def describe_table(engine: Engine, request: Request) -> Response:
    return {"Table": describe(engine, engine.table(request["TableName"], named_in_error=True))}


@operation("ListTables", access="control", finds=no_table)
def list_tables(engine: Engine, request: Request) -> Response:
    limit = request.get("Limit", MAX_LIST_TABLES)  # 1 to 100: checked by the model's constraints
    names = sorted(engine.tables)
    start = request.get("ExclusiveStartTableName")
    first = bisect.bisect_right(names, start) if start is not None else 0
    page = names[first : first + limit]
    response: Response = {"TableNames": page}
    if first + limit < len(names):
        response["LastEvaluatedTableName"] = page[-1]
    return response


@operation("DeleteTable", access="control", finds=named("TableName"))
def delete_table(engine: Engine, request: Request) -> Response:
    table = engine.table(request["TableName"], named_in_error=True)
    if table.settings.deletion_protection:
        raise errors.deletion_protected()
    leaving = [check(engine, table) for check in features.DELETE_CHECKS]
    del engine.tables[table.name]
    engine.record(TableDeleted(table.name))
    _apply(leaving, table)
    return {"TableDescription": _describe_deleting(engine, table)}


# What DynamoDB's DeleteTable answer keeps of a table's description: no key schema, attribute
# definitions, creation time, throughput timestamps or indexes (recorded answers of the service).
_DELETING_MEMBERS = (
    "TableName",
    "TableStatus",
    "ProvisionedThroughput",
    "TableSizeBytes",
    "ItemCount",
    "TableArn",
    "TableId",
)
_DELETING_THROUGHPUT = ("NumberOfDecreasesToday", "ReadCapacityUnits", "WriteCapacityUnits")


def _describe_deleting(engine: Engine, table: Table) -> dict[str, Any]:
    full = describe(engine, table, "DELETING")
    description = {name: full[name] for name in _DELETING_MEMBERS}
    description["ProvisionedThroughput"] = {name: full["ProvisionedThroughput"][name] for name in _DELETING_THROUGHPUT}
    return description


# --- UpdateTable ---------------------------------------------------------------------------


@operation("UpdateTable", access="control", finds=named("TableName"))
def update_table(engine: Engine, request: Request) -> Response:
    present = [member for member in _update_members() if request.get(member) not in (None, [])]
    if not present:  # a request that changes nothing is refused before the table is looked up
        raise errors.no_update(present)
    table = engine.table(request["TableName"], named_in_error=True)
    settings = table.settings
    billing_mode = request.get("BillingMode")
    throughput = request.get("ProvisionedThroughput")
    protection = request.get("DeletionProtectionEnabled")

    # Validate everything first; apply only once the whole request is known to be good.
    new_mode = schema.billing_mode(billing_mode) if billing_mode is not None else settings.billing_mode
    if new_mode == "PAY_PER_REQUEST":
        read, write = schema.throughput(new_mode, throughput, engine.region, creating=False)
    elif throughput is not None or new_mode != settings.billing_mode:
        read, write = schema.throughput(new_mode, throughput, engine.region, creating=False)
        if (
            new_mode == settings.billing_mode
            and (read, write) == (settings.read_capacity, settings.write_capacity)
            and protection is None
        ):
            raise errors.throughput_unchanged(settings.read_capacity, settings.write_capacity, read, write)
    else:
        read, write = settings.read_capacity, settings.write_capacity
    changes = schema.index_changes(request, table, new_mode)
    applying = [members.check_update(engine, request, table) for members in features.table_members()]

    now = engine.clock()
    if new_mode == settings.billing_mode == "PROVISIONED":
        if read > settings.read_capacity or write > settings.write_capacity:
            settings.last_increase_at = now
        if read < settings.read_capacity or write < settings.write_capacity:
            settings.last_decrease_at = now
            settings.decreases_today += 1
    if new_mode != settings.billing_mode:
        settings.billing_mode = new_mode
        if new_mode == "PAY_PER_REQUEST":
            settings.billing_mode_updated_at = now
    settings.read_capacity, settings.write_capacity = read, write
    if protection is not None:
        settings.deletion_protection = bool(protection)
    deleted = _apply_index_changes(table, changes) if changes is not None else None
    _apply(applying, table)
    engine.record(TableUpdated(settings))
    # A capacity, billing or index change puts the service's table in UPDATING for a while.
    updating = [name for members in features.table_members() for name in members.updating_members]
    only_protection = billing_mode is None and throughput is None and changes is None
    only_protection = only_protection and not any(request.get(name) for name in updating)
    description = describe(engine, table, "ACTIVE" if only_protection else "UPDATING")
    if changes is not None:
        _show_index_changes(description, table, changes, deleted)
    return {"TableDescription": description}


def _apply_index_changes(table: Table, changes: schema.IndexChanges) -> Index | None:
    """Apply checked index changes; return the deleted index, if any."""
    settings = table.settings
    settings.attribute_definitions = [
        {"AttributeName": name, "AttributeType": kind} for name, kind in changes.definitions.items()
    ]
    if changes.create is not None:
        settings.indexes.append(changes.create)
        table.add_index(changes.create)
    deleted = None
    if changes.delete is not None:
        deleted = table.indexes[changes.delete]
        table.remove_index(changes.delete)
        settings.indexes = [index for index in settings.indexes if index.name != changes.delete]
    for name, (read, write) in changes.throughput.items():
        index_settings = table.indexes[name].settings
        index_settings.read_capacity, index_settings.write_capacity = read, write
    return deleted


def _show_index_changes(
    description: dict[str, Any], table: Table, changes: schema.IndexChanges, deleted: Index | None
) -> None:
    """The service answers with the new index CREATING (not yet backfilled, so counted as empty)
    and a deleted one DELETING; here both changes have already taken effect."""
    entries = description.setdefault("GlobalSecondaryIndexes", [])
    for entry in entries:
        if changes.create is not None and entry["IndexName"] == changes.create.name:
            entry.update(IndexStatus="CREATING", Backfilling=False, IndexSizeBytes=0, ItemCount=0)
    if deleted is not None:
        entry = _describe_index(table, deleted)
        entry.update(IndexStatus="DELETING", IndexSizeBytes=0, ItemCount=0)
        entries.append(entry)
