"""Table operations: CreateTable, DescribeTable, ListTables, DeleteTable, UpdateTable."""

from __future__ import annotations

import bisect
import re
import uuid
from typing import TYPE_CHECKING, Any

from dynasim import errors
from dynasim.engine.registry import Request, Response, operation
from dynasim.storage.changes import TableCreated, TableDeleted, TableUpdated
from dynasim.storage.table import KeySchema, Table, TableSettings

if TYPE_CHECKING:
    from dynasim.engine import Engine

_TABLE_NAME = re.compile(r"[a-zA-Z0-9_.\-]{3,255}")
_KEY_TYPES = ("B", "N", "S")
_BILLING_MODES = ("PROVISIONED", "PAY_PER_REQUEST")
MAX_TABLE_THROUGHPUT = 40_000
MAX_LIST_TABLES = 100


def check_table_name(name: Any) -> str:
    if not isinstance(name, str) or not _TABLE_NAME.fullmatch(name):
        raise errors.invalid_table_name()
    return name


# --- CreateTable ---------------------------------------------------------------------------


def _attribute_types(definitions: list[dict[str, Any]]) -> dict[str, str]:
    types: dict[str, str] = {}
    for definition in definitions:
        name, kind = definition.get("AttributeName"), definition.get("AttributeType")
        if not isinstance(name, str) or not 1 <= len(name) <= 255:
            raise errors.key_name_length()
        if kind not in _KEY_TYPES:
            raise errors.attribute_type_not_enum()
        if name in types:
            raise errors.attribute_defined_twice()
        types[name] = kind
    return types


def _key_schema(elements: Any, definitions: Any) -> KeySchema:
    if not elements:
        raise errors.no_key_schema()
    if not definitions:
        raise errors.no_attribute_definitions()
    if len(elements) > 2:
        raise errors.key_schema_too_big()
    kinds = [element.get("KeyType") for element in elements]
    if kinds.count("HASH") == 0:
        raise errors.no_hash_key()
    if kinds.count("HASH") > 1:
        raise errors.too_many_hash_keys()
    if kinds[0] != "HASH" or (len(kinds) == 2 and kinds[1] != "RANGE"):
        raise errors.invalid_key_order()
    names = [element.get("AttributeName") for element in elements]
    if len(names) == 2 and names[0] == names[1]:
        raise errors.key_names_equal()
    types = _attribute_types(definitions)  # a key name not defined there is "not specified"
    for role, name in zip(("Hash", "Range"), names, strict=False):
        if name not in types:
            raise errors.key_not_defined(role)
    if len(types) != len(names):
        raise errors.definitions_do_not_match_keys()
    if len(names) == 1:
        return KeySchema(names[0], types[names[0]])
    return KeySchema(names[0], types[names[0]], names[1], types[names[1]])


def _throughput(billing_mode: str, throughput: Any) -> tuple[int, int]:
    if billing_mode == "PAY_PER_REQUEST":
        if throughput:
            raise errors.throughput_with_pay_per_request()
        return 0, 0
    if not throughput:
        raise errors.no_throughput()
    read, write = throughput.get("ReadCapacityUnits"), throughput.get("WriteCapacityUnits")
    if not all(isinstance(units, int) and units >= 1 for units in (read, write)):
        raise errors.throughput_below_one()
    if read > MAX_TABLE_THROUGHPUT or write > MAX_TABLE_THROUGHPUT:
        raise errors.throughput_too_high()
    return read, write


def _billing_mode(mode: Any) -> str:
    if mode not in _BILLING_MODES:
        raise errors.constraints(
            [
                errors.constraint(
                    mode, "billingMode", "must satisfy enum value set: [PROVISIONED, PAY_PER_REQUEST]"
                )
            ]
        )
    return mode


@operation("CreateTable")
def create_table(engine: Engine, request: Request) -> Response:
    name = check_table_name(request.get("TableName"))
    key_schema = _key_schema(request.get("KeySchema"), request.get("AttributeDefinitions"))
    billing_mode = _billing_mode(request.get("BillingMode", "PROVISIONED"))
    read, write = _throughput(billing_mode, request.get("ProvisionedThroughput"))
    if name in engine.tables:
        raise errors.table_exists(name)
    now = engine.clock()
    settings = TableSettings(
        name=name,
        arn=engine.arn(f"table/{name}"),
        table_id=str(uuid.uuid4()),
        key_schema=key_schema,
        attribute_definitions=[
            {"AttributeName": name, "AttributeType": kind}
            for name, kind in (
                (key_schema.hash_name, key_schema.hash_type),
                (key_schema.range_name, key_schema.range_type),
            )
            if name is not None
        ],
        billing_mode=billing_mode,
        read_capacity=read,
        write_capacity=write,
        created_at=now,
        billing_mode_updated_at=now if billing_mode == "PAY_PER_REQUEST" else None,
        deletion_protection=bool(request.get("DeletionProtectionEnabled", False)),
    )
    table = engine.tables[name] = Table(settings, engine.record)
    engine.record(TableCreated(settings))
    # The service answers CREATING and turns the table ACTIVE moments later; here it is
    # usable at once, so DescribeTable already reports ACTIVE.
    return {"TableDescription": describe(table, "CREATING")}


# --- DescribeTable, ListTables, DeleteTable --------------------------------------------------


def describe(table: Table, status: str = "ACTIVE") -> dict[str, Any]:
    """The TableDescription DynamoDB reports for a table."""
    settings = table.settings
    schema = settings.key_schema
    key_schema = [{"AttributeName": schema.hash_name, "KeyType": "HASH"}]
    if schema.range_name is not None:
        key_schema.append({"AttributeName": schema.range_name, "KeyType": "RANGE"})
    description: dict[str, Any] = {
        "AttributeDefinitions": settings.attribute_definitions,
        "TableName": settings.name,
        "KeySchema": key_schema,
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
    if settings.billing_mode_updated_at is not None:
        description["BillingModeSummary"] = {
            "BillingMode": settings.billing_mode,
            "LastUpdateToPayPerRequestDateTime": settings.billing_mode_updated_at,
        }
    return description


@operation("DescribeTable")
def describe_table(engine: Engine, request: Request) -> Response:
    return {"Table": describe(engine.table(request.get("TableName")))}


@operation("ListTables")
def list_tables(engine: Engine, request: Request) -> Response:
    limit = request.get("Limit", MAX_LIST_TABLES)
    if limit > MAX_LIST_TABLES:
        raise errors.list_limit_too_large()
    if limit < 1:
        raise errors.list_limit_too_small()
    names = sorted(engine.tables)
    start = request.get("ExclusiveStartTableName")
    first = bisect.bisect_right(names, check_table_name(start)) if start is not None else 0
    page = names[first : first + limit]
    response: Response = {"TableNames": page}
    if first + limit < len(names):
        response["LastEvaluatedTableName"] = page[-1]
    return response


@operation("DeleteTable")
def delete_table(engine: Engine, request: Request) -> Response:
    table = engine.table(request.get("TableName"))
    if table.settings.deletion_protection:
        raise errors.deletion_protected()
    del engine.tables[table.name]
    engine.record(TableDeleted(table.name))
    return {"TableDescription": describe(table, "DELETING")}


# --- UpdateTable ---------------------------------------------------------------------------


@operation("UpdateTable")
def update_table(engine: Engine, request: Request) -> Response:
    table = engine.table(request.get("TableName"))
    settings = table.settings
    billing_mode = request.get("BillingMode")
    throughput = request.get("ProvisionedThroughput")
    protection = request.get("DeletionProtectionEnabled")
    if billing_mode is None and throughput is None and protection is None:
        raise errors.nothing_to_update()

    # Validate everything first; apply only once the whole request is known to be good.
    new_mode = _billing_mode(billing_mode) if billing_mode is not None else settings.billing_mode
    if new_mode == "PAY_PER_REQUEST":
        read, write = _throughput(new_mode, throughput)
    elif throughput is not None or new_mode != settings.billing_mode:
        read, write = _throughput(new_mode, throughput)
        if (
            new_mode == settings.billing_mode
            and (read, write) == (settings.read_capacity, settings.write_capacity)
            and protection is None
        ):
            raise errors.throughput_unchanged()
    else:
        read, write = settings.read_capacity, settings.write_capacity

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
    engine.record(TableUpdated(settings))
    # A capacity or billing change puts the service's table in UPDATING for a while.
    capacity_changed = billing_mode is not None or throughput is not None
    return {"TableDescription": describe(table, "UPDATING" if capacity_changed else "ACTIVE")}
