"""CreateTable, DescribeTable, ListTables, DeleteTable and UpdateTable."""

from __future__ import annotations

import datetime
import re
import uuid
from typing import Any

import pytest

from conformance import target_clock
from conformance.conftest import unique_name
from conformance.helpers import (
    DEFINITIONS_MISMATCH,
    FIRST_NOT_HASH,
    FRAMEWORK,
    IN_USE,
    MISSING_TABLE,
    NO_DEFINITION,
    NO_THROUGHPUT,
    NOT_FOUND,
    SECOND_NOT_RANGE,
    TABLE_NAME_LENGTH,
    TABLE_NAME_PATTERN,
    TABLE_NOT_FOUND,
    VALIDATION,
    assert_error,
    clause,
    constraint_error,
    constraint_pattern,
    duplicated,
    keys_not_defined,
    null_clause,
    service_behaviour,
    strip_metadata,
    table_arn_pattern,
    table_exists,
    table_not_found_named,
)

HASH = [{"AttributeName": "pk", "KeyType": "HASH"}]
HASH_RANGE = HASH + [{"AttributeName": "sk", "KeyType": "RANGE"}]
PK_S = [{"AttributeName": "pk", "AttributeType": "S"}]
SK_S = [{"AttributeName": "sk", "AttributeType": "S"}]
PPR = {"BillingMode": "PAY_PER_REQUEST"}


def hash_key(name: str) -> list[dict[str, str]]:
    return [{"AttributeName": name, "KeyType": "HASH"}]


def definition(name: str, type_: str = "S") -> list[dict[str, str]]:
    return [{"AttributeName": name, "AttributeType": type_}]


KEY_SCHEMA_TEXTS = service_behaviour(
    "DynamoDB Local words key-schema refusals its own way ('No Hash Key specified in schema...')",
    source="dynalite's live-service tests, test/createTable.js; the service's catalogue recorded live in 2026",
)
SAME_NAMES = "Both the Hash Key and the Range Key element in the KeySchema have the same name"

# The table-name texts of CreateTable, UpdateTable and DeleteTable (dynalite's live-service tests).
CONTROL_PLANE_NAMES = service_behaviour(
    "DynamoDB Local refuses every bad name with 'Invalid table/index name...'",
    source="dynalite's live-service tests (test/createTable.js, test/updateTable.js); 2026 record for "
    "RestoreTableFromBackup",
)
# Throughput and UpdateTable texts: the service's message catalogue as recorded live in 2026.
THROUGHPUT = service_behaviour(
    "DynamoDB Local has its own throughput and no-change texts",
    source="the service's ValidationException and LimitExceededException catalogues recorded live in 2026",
)
LIMIT = "LimitExceededException"
NO_UPDATE = (
    "At least one of ProvisionedThroughput, BillingMode, UpdateStreamEnabled, GlobalSecondaryIndexUpdates, "
    "SSESpecification, ReplicaUpdates, MultiAccountReplicaReady, ReplicaTransitRoleArn, MultiRegionConsistency, "
    "DeletionProtectionEnabled, OnDemandThroughput, WarmThroughput or TableClass is required"
)


def control_plane_name_error(name: str) -> str:
    if not 3 <= len(name) <= 255:
        return TABLE_NAME_LENGTH
    return constraint_error(clause(name, "tableName", TABLE_NAME_PATTERN))


# CreateTable's name checks as recorded live in 2026 (a message naming 'tableName', nothing else reported):
# DescribeTable's constraint clauses, reported on their own.
CREATE_TABLE_NAMES = service_behaviour(
    "DynamoDB Local refuses every bad name with 'Invalid table/index name...'",
    source="paritysuite/dynamodb-conformance tests/tier3/validation-ordering/createTable.test.ts (live service, "
    "2026); the clauses as DescribeTable words them",
)


def create_table_name_error(name: str) -> str:
    clauses = []
    if len(name) < 3:
        clauses.append(clause(name, "tableName", "must have length greater than or equal to 3"))
    if len(name) > 255:
        clauses.append(clause(name, "tableName", "must have length less than or equal to 255"))
    if not re.fullmatch(r"[a-zA-Z0-9_.-]+", name):
        clauses.append(clause(name, "tableName", TABLE_NAME_PATTERN))
    return constraint_error(*clauses)


def too_low(value: str, kind: str) -> str:
    return clause(value, f"provisionedThroughput.{kind}CapacityUnits", "must have value greater than or equal to 1")


def above_maximum(kind: str, units: int) -> str:
    return (
        f"The requested {kind}CapacityUnits, {units}, is above the per table maximum for the account in us-east-1. "
        "Per table maximum: 40000. Refer to the Amazon DynamoDB Developer Guide for current limits and how to "
        "request higher limits."
    )


def unchanged(read: int, write: int) -> str:
    return (
        "The provisioned throughput for the table will not change. The requested value equals the current value. "
        f"Current ReadCapacityUnits provisioned for the table: {read}. Requested ReadCapacityUnits: {read}. "
        f"Current WriteCapacityUnits provisioned for the table: {write}. Requested WriteCapacityUnits: {write}. "
        "Refer to the Amazon DynamoDB Developer Guide for current limits and how to request higher limits."
    )


def limit_clause(value: int, bound: str) -> str:
    return clause(value, "limit", f"must have value {bound}")


def start_clause(value: str, requirement: str) -> str:
    return clause(value, "exclusiveStartTableName", requirement)


def throughput(read: int, write: int) -> dict[str, dict[str, int]]:
    return {"ProvisionedThroughput": {"ReadCapacityUnits": read, "WriteCapacityUnits": write}}


# The exact key sets of a TableDescription (DescribeTable["Table"], CreateTable/DeleteTable/UpdateTable
# ["TableDescription"]). Provisioned tables created with BillingMode=PROVISIONED (or none) have no
# BillingModeSummary; PAY_PER_REQUEST tables report 0/0 throughput.
DESCRIPTION_KEYS = {
    "AttributeDefinitions",
    "TableName",
    "KeySchema",
    "TableStatus",
    "CreationDateTime",
    "ProvisionedThroughput",
    "TableSizeBytes",
    "ItemCount",
    "TableArn",
    "DeletionProtectionEnabled",
}
PPR_DESCRIPTION_KEYS = DESCRIPTION_KEYS | {"BillingModeSummary"}
OPTIONAL_DESCRIPTION_KEYS = {"TableId"}
THROUGHPUT_KEYS = {
    "LastIncreaseDateTime",
    "LastDecreaseDateTime",
    "NumberOfDecreasesToday",
    "ReadCapacityUnits",
    "WriteCapacityUnits",
}


def without_status(desc: dict[str, Any]) -> dict[str, Any]:
    return {k: v for k, v in desc.items() if k != "TableStatus"}


def check_description(
    desc: dict[str, Any],
    *,
    name: str,
    key_schema: list[dict[str, str]],
    definitions: list[dict[str, str]],
    billing: str | None,
    read: int = 0,
    write: int = 0,
    item_count: int = 0,
    size: int = 0,
    statuses: tuple[str, ...] = ("ACTIVE",),
    decreases: tuple[int, ...] = (0,),
) -> None:
    """Compare a TableDescription's key set and every field that is stable across targets.

    DynamoDB Local reports every table ACTIVE at once and never counts throughput decreases; DynamoDB
    reports CREATING / UPDATING / DELETING in the responses of the calls that start those transitions,
    and counts decreases. Callers pass the states and counts DynamoDB could report.
    """
    expected_keys = DESCRIPTION_KEYS if billing is None else PPR_DESCRIPTION_KEYS
    # DynamoDB (not DynamoDB Local) also reports a TableId; allowed, not required.
    assert set(desc) - OPTIONAL_DESCRIPTION_KEYS == expected_keys
    if "TableId" in desc:
        assert re.fullmatch(r"[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}", desc["TableId"])
    assert desc["TableName"] == name
    assert desc["KeySchema"] == key_schema
    assert sorted(desc["AttributeDefinitions"], key=lambda d: d["AttributeName"]) == sorted(
        definitions, key=lambda d: d["AttributeName"]
    )
    assert desc["TableStatus"] in statuses
    assert isinstance(desc["CreationDateTime"], datetime.datetime)
    assert table_arn_pattern(name).fullmatch(desc["TableArn"]), desc["TableArn"]
    assert desc["DeletionProtectionEnabled"] is False
    assert desc["ItemCount"] == item_count
    assert desc["TableSizeBytes"] == size
    pt = desc["ProvisionedThroughput"]
    assert set(pt) == THROUGHPUT_KEYS
    assert (pt["ReadCapacityUnits"], pt["WriteCapacityUnits"]) == (read, write)
    assert pt["NumberOfDecreasesToday"] in decreases
    assert isinstance(pt["LastIncreaseDateTime"], datetime.datetime)
    assert isinstance(pt["LastDecreaseDateTime"], datetime.datetime)
    if billing is not None:
        summary = desc["BillingModeSummary"]
        assert set(summary) == {"BillingMode", "LastUpdateToPayPerRequestDateTime"}
        assert summary["BillingMode"] == billing
        assert isinstance(summary["LastUpdateToPayPerRequestDateTime"], datetime.datetime)


# ---------------------------------------------------------------------------------------------------
# CreateTable: names


@pytest.mark.parametrize(
    "name",
    [
        pytest.param("x" + uuid.uuid4().hex[:2], id="3-chars"),
        pytest.param(unique_name().ljust(255, "z"), id="255-chars"),
        pytest.param(unique_name("Ok._-A9"), id="all-allowed-punctuation"),
        pytest.param(uuid.uuid4().hex[:6] + "0123", id="digits"),
    ],
)
def test_create_table_valid_names(ddb, name):
    response = ddb.create_table(TableName=name, KeySchema=HASH, AttributeDefinitions=PK_S, **PPR)
    assert response["TableDescription"]["TableName"] == name
    assert ddb.describe_table(TableName=name)["Table"]["TableName"] == name


@pytest.mark.parametrize(
    "name",
    [
        pytest.param("", id="empty"),
        pytest.param("a", id="1-char"),
        pytest.param("ab", id="2-chars"),
        pytest.param("a" * 256, id="256-chars"),
        pytest.param("bad name", id="space"),
        pytest.param("bad!", id="bang"),
        pytest.param("a/b", id="slash"),
        pytest.param("a$c", id="dollar"),
        pytest.param("a:b", id="colon"),
        pytest.param("tabé", id="non-ascii"),
    ],
)
@CREATE_TABLE_NAMES
def test_create_table_invalid_names(ddb_raw, name):
    assert_error(
        lambda: ddb_raw.create_table(TableName=name, KeySchema=HASH, AttributeDefinitions=PK_S, **PPR),
        VALIDATION,
        create_table_name_error(name),
    )


@CREATE_TABLE_NAMES
@pytest.mark.parametrize("name", ["", "a", "x!"])
def test_create_table_name_is_checked_before_everything_else(ddb_raw, name):
    """Only the name's constraints are reported, though the key schema is empty too."""
    assert_error(
        lambda: ddb_raw.create_table(TableName=name, KeySchema=[], AttributeDefinitions=[], BillingMode="PROVISIONED"),
        VALIDATION,
        create_table_name_error(name),
    )


@CONTROL_PLANE_NAMES
def test_create_table_without_a_name(ddb_raw):
    assert_error(
        lambda: ddb_raw.create_table(KeySchema=HASH, AttributeDefinitions=PK_S, **PPR),
        VALIDATION,
        "The parameter 'TableName' is required but was not present in the request",
    )


# ---------------------------------------------------------------------------------------------------
# CreateTable: key schema and attribute definitions

RANGE_ONLY = [{"AttributeName": "pk", "KeyType": "RANGE"}]
TWO_HASH = [{"AttributeName": "pk", "KeyType": "HASH"}, {"AttributeName": "sk", "KeyType": "HASH"}]
TWO_RANGE = [{"AttributeName": "pk", "KeyType": "RANGE"}, {"AttributeName": "sk", "KeyType": "RANGE"}]
RANGE_FIRST = [{"AttributeName": "sk", "KeyType": "RANGE"}, {"AttributeName": "pk", "KeyType": "HASH"}]
THREE_KEYS = HASH_RANGE + [{"AttributeName": "x", "KeyType": "RANGE"}]
SAME_NAME = [{"AttributeName": "pk", "KeyType": "HASH"}, {"AttributeName": "pk", "KeyType": "RANGE"}]
BAD_KEY_TYPE = [{"AttributeName": "pk", "KeyType": "PRIMARY"}]
LONG = "k" * 256


@pytest.mark.parametrize(
    ("key_schema", "definitions", "message"),
    [
        pytest.param(HASH, [], NO_DEFINITION, id="empty-definitions"),
        pytest.param(RANGE_ONLY, PK_S, FIRST_NOT_HASH, id="range-only"),
        pytest.param(TWO_RANGE, PK_S + SK_S, FIRST_NOT_HASH, id="two-range"),
        pytest.param(TWO_HASH, PK_S + SK_S, SECOND_NOT_RANGE, id="two-hash"),
        pytest.param(RANGE_FIRST, PK_S + SK_S, FIRST_NOT_HASH, id="range-first"),
        pytest.param(
            THREE_KEYS,
            PK_S + SK_S + definition("x"),
            constraint_pattern("keySchema", "Member must have length less than or equal to 2"),
            id="three-keys",
        ),
        # One definition for both key elements of the same name: "no definition", as recorded.
        pytest.param(SAME_NAME, PK_S, NO_DEFINITION, id="hash-and-range-same-name-one-definition"),
        pytest.param(SAME_NAME, PK_S + SK_S, SAME_NAMES, id="hash-and-range-same-name"),
        pytest.param(hash_key("other"), PK_S, keys_not_defined(["other"], ["pk"]), id="hash-not-defined"),
        pytest.param(HASH_RANGE, PK_S, NO_DEFINITION, id="range-not-defined"),
        pytest.param(
            HASH, definition("a") + definition("b"), keys_not_defined(["pk"], ["a", "b"]), id="hash-not-defined-extra"
        ),
        pytest.param(HASH_RANGE, SK_S, NO_DEFINITION, id="only-range-defined"),
        pytest.param(HASH_RANGE, PK_S + definition("x"), NO_DEFINITION, id="range-not-defined-extra"),
        pytest.param(HASH, PK_S + definition("extra"), DEFINITIONS_MISMATCH, id="unused-definition"),
        pytest.param(HASH, PK_S + definition("e1") + definition("e2", "N"), DEFINITIONS_MISMATCH, id="two-unused"),
        pytest.param(HASH_RANGE, PK_S + SK_S + definition("x"), DEFINITIONS_MISMATCH, id="unused-with-range"),
        pytest.param(HASH, PK_S + PK_S, duplicated("pk"), id="duplicate-definition"),
        pytest.param(HASH, PK_S + definition("pk", "N"), duplicated("pk"), id="duplicate-other-type"),
        pytest.param(HASH, definition("a") + definition("a"), duplicated("a"), id="duplicate-not-key"),
        pytest.param(HASH, [], NO_DEFINITION, id="definitions-before-billing"),
    ],
)
@KEY_SCHEMA_TEXTS
def test_create_table_schema_errors(ddb_raw, key_schema, definitions, message):
    kwargs: dict[str, Any] = {"TableName": unique_name(), **PPR}
    if key_schema is not None:
        kwargs["KeySchema"] = key_schema
    if definitions is not None:
        kwargs["AttributeDefinitions"] = definitions
    assert_error(lambda: ddb_raw.create_table(**kwargs), VALIDATION, message)


def _type_clause(position: int, kind: str) -> str:
    return clause(
        kind, f"attributeDefinitions.{position}.member.attributeType", "must satisfy enum value set: [B, N, S]"
    )


def _name_clause(name: str, path: str) -> str:
    bound = "greater than or equal to 1" if not name else "less than or equal to 255"
    return clause(name, f"{path}.member.attributeName", f"must have length {bound}")


@pytest.mark.parametrize(
    ("key_schema", "definitions", "clauses"),
    [
        pytest.param(None, PK_S, [null_clause("keySchema")], id="no-key-schema"),
        pytest.param([], PK_S, [clause("[]", "keySchema", "must have length greater than or equal to 1")], id="empty"),
        pytest.param(HASH, None, [null_clause("attributeDefinitions")], id="no-definitions"),
        pytest.param(None, None, [null_clause("attributeDefinitions"), null_clause("keySchema")], id="neither"),
        pytest.param(
            BAD_KEY_TYPE,
            PK_S,
            [clause("PRIMARY", "keySchema.1.member.keyType", "must satisfy enum value set: [HASH, RANGE]")],
            id="unknown-key-type",
        ),
        *[
            pytest.param(HASH, definition("pk", kind), [_type_clause(1, kind)], id=f"type-{kind or 'empty'}")
            for kind in ["BOOL", "SS", "M", "s", ""]
        ],
        pytest.param(
            hash_key(""),
            definition(""),
            [_name_clause("", "attributeDefinitions.1"), _name_clause("", "keySchema.1")],
            id="key-name-empty",
        ),
        pytest.param(
            hash_key(LONG),
            definition(LONG),
            [_name_clause(LONG, "attributeDefinitions.1"), _name_clause(LONG, "keySchema.1")],
            id="hash-name-256",
        ),
        pytest.param(
            HASH + [{"AttributeName": LONG, "KeyType": "RANGE"}],
            PK_S + definition(LONG),
            [_name_clause(LONG, "attributeDefinitions.2"), _name_clause(LONG, "keySchema.2")],
            id="range-name-256",
        ),
        pytest.param(
            HASH, PK_S + definition(LONG), [_name_clause(LONG, "attributeDefinitions.2")], id="definition-256"
        ),
        pytest.param(hash_key(LONG), PK_S, [_name_clause(LONG, "keySchema.1")], id="undefined-hash-name-256"),
        # The model's constraints come before the key schema's own rules.
        pytest.param(RANGE_ONLY, definition("pk", "X"), [_type_clause(1, "X")], id="key-schema-before-types"),
    ],
)
@FRAMEWORK
def test_create_table_schema_constraints(ddb_raw, key_schema, definitions, clauses):
    kwargs: dict[str, Any] = {"TableName": unique_name(), **PPR}
    if key_schema is not None:
        kwargs["KeySchema"] = key_schema
    if definitions is not None:
        kwargs["AttributeDefinitions"] = definitions
    assert_error(lambda: ddb_raw.create_table(**kwargs), VALIDATION, constraint_error(*clauses))


@pytest.mark.parametrize(
    ("lsi_name", "gsi_name"), [("l1", "g1"), ("aa", "zz")], ids=["lsi-listed-first", "lsi-sorts-first"]
)
@FRAMEWORK
def test_create_table_reports_index_errors_gsis_first(ddb_raw, lsi_name, gsi_name):
    """Whichever order the request lists them in and however their names sort, a global index's
    constraint comes before a local one's (paritysuite/dynamodb-conformance
    tests/tier3/validation-ordering/createTable.test.ts, live service 2026)."""

    def too_short(name: str, member: str) -> str:
        return clause(name, f"{member}.1.member.indexName", "must have length greater than or equal to 3")

    projection = {"ProjectionType": "ALL"}
    lsi_key = HASH + [{"AttributeName": "lr", "KeyType": "RANGE"}]
    assert_error(
        lambda: ddb_raw.create_table(
            TableName=unique_name(),
            KeySchema=HASH + [{"AttributeName": "sk", "KeyType": "RANGE"}],
            AttributeDefinitions=PK_S + definition("sk"),
            LocalSecondaryIndexes=[{"IndexName": lsi_name, "KeySchema": lsi_key, "Projection": projection}],
            GlobalSecondaryIndexes=[{"IndexName": gsi_name, "KeySchema": hash_key("gh"), "Projection": projection}],
            **PPR,
        ),
        VALIDATION,
        constraint_error(too_short(gsi_name, "globalSecondaryIndexes"), too_short(lsi_name, "localSecondaryIndexes")),
    )


@KEY_SCHEMA_TEXTS
def test_create_table_schema_errors_come_before_billing_errors(ddb_raw):
    for key_schema, definitions, message in [
        (HASH, [], NO_DEFINITION),
        (HASH, PK_S + definition("x"), DEFINITIONS_MISMATCH),
    ]:
        assert_error(
            lambda: ddb_raw.create_table(
                TableName=unique_name(),
                KeySchema=key_schema,  # noqa: B023
                AttributeDefinitions=definitions,  # noqa: B023
                BillingMode="PROVISIONED",
            ),
            VALIDATION,
            message,
        )


@pytest.mark.parametrize("type_", ["S", "N", "B"])
@pytest.mark.parametrize("range_type", [None, "S", "N", "B"])
def test_create_table_key_types(ddb, type_, range_type):
    name = unique_name()
    key_schema = HASH + ([{"AttributeName": "sk", "KeyType": "RANGE"}] if range_type else [])
    definitions = definition("pk", type_) + (definition("sk", range_type) if range_type else [])
    response = ddb.create_table(TableName=name, KeySchema=key_schema, AttributeDefinitions=definitions, **PPR)
    check_description(
        response["TableDescription"],
        name=name,
        key_schema=key_schema,
        definitions=definitions,
        billing="PAY_PER_REQUEST",
        statuses=("ACTIVE", "CREATING"),
    )


def test_create_table_key_names_up_to_255_chars(ddb):
    name = unique_name()
    long_hash, long_range = "h" * 255, "r" * 255
    key_schema = [
        {"AttributeName": long_hash, "KeyType": "HASH"},
        {"AttributeName": long_range, "KeyType": "RANGE"},
    ]
    definitions = definition(long_hash) + definition(long_range, "N")
    ddb.create_table(TableName=name, KeySchema=key_schema, AttributeDefinitions=definitions, **PPR)
    assert ddb.describe_table(TableName=name)["Table"]["KeySchema"] == key_schema


def test_create_table_definitions_order_may_differ_from_key_schema(ddb):
    name = unique_name()
    ddb.create_table(TableName=name, KeySchema=HASH_RANGE, AttributeDefinitions=SK_S + PK_S, **PPR)
    assert ddb.describe_table(TableName=name)["Table"]["KeySchema"] == HASH_RANGE


# ---------------------------------------------------------------------------------------------------
# CreateTable: billing mode and throughput


@pytest.mark.parametrize(
    ("billing", "pt", "message"),
    [
        pytest.param(
            {"BillingMode": "PROVISIONED"}, {}, NO_THROUGHPUT, id="provisioned-without-throughput", marks=THROUGHPUT
        ),
        pytest.param({}, {}, NO_THROUGHPUT, id="default-mode-without-throughput", marks=THROUGHPUT),
        pytest.param(
            {"BillingMode": "PROVISIONED"},
            throughput(0, 1),
            constraint_error(too_low("0", "read")),
            id="read-0",
            marks=FRAMEWORK,
        ),
        pytest.param(
            {"BillingMode": "PROVISIONED"},
            throughput(1, 0),
            constraint_error(too_low("0", "write")),
            id="write-0",
            marks=FRAMEWORK,
        ),
        pytest.param(
            {"BillingMode": "PROVISIONED"},
            throughput(0, 0),
            constraint_error(too_low("0", "write"), too_low("0", "read")),
            id="both-0",
            marks=FRAMEWORK,
        ),
        pytest.param({}, throughput(-1, 1), constraint_error(too_low("-1", "read")), id="negative", marks=FRAMEWORK),
        pytest.param(
            {},
            {"ProvisionedThroughput": {"WriteCapacityUnits": 1}},
            constraint_error(null_clause("provisionedThroughput.readCapacityUnits")),
            id="read-missing",
            marks=FRAMEWORK,
        ),
        pytest.param(
            {},
            {"ProvisionedThroughput": {"ReadCapacityUnits": 1}},
            constraint_error(null_clause("provisionedThroughput.writeCapacityUnits")),
            id="write-missing",
            marks=FRAMEWORK,
        ),
        pytest.param(
            {},
            throughput(0, 40001),
            constraint_error(too_low("0", "read")),
            id="too-low-before-too-high",
            marks=FRAMEWORK,
        ),
    ],
)
def test_create_table_throughput_errors(ddb_raw, billing, pt, message):
    assert_error(
        lambda: ddb_raw.create_table(
            TableName=unique_name(), KeySchema=HASH, AttributeDefinitions=PK_S, **billing, **pt
        ),
        VALIDATION,
        message,
    )


@pytest.mark.parametrize(("read", "write", "kind", "units"), [(40001, 1, "Read", 40001), (1, 40001, "Write", 40001)])
@THROUGHPUT
def test_create_table_throughput_above_the_table_maximum(ddb_raw, read, write, kind, units):
    assert_error(
        lambda: ddb_raw.create_table(
            TableName=unique_name(), KeySchema=HASH, AttributeDefinitions=PK_S, **throughput(read, write)
        ),
        "LimitExceededException",
        above_maximum(kind, units),
    )


@pytest.mark.parametrize(
    "billing",
    [pytest.param({"BillingMode": "PROVISIONED"}, id="explicit"), pytest.param({}, id="default")],
)
def test_create_table_provisioned(ddb, billing):
    name = unique_name()
    response = ddb.create_table(
        TableName=name, KeySchema=HASH, AttributeDefinitions=PK_S, **billing, **throughput(5, 7)
    )
    check_description(
        response["TableDescription"],
        name=name,
        key_schema=HASH,
        definitions=PK_S,
        billing=None,
        statuses=("ACTIVE", "CREATING"),
        read=5,
        write=7,
    )


def test_create_table_throughput_limits_are_inclusive(ddb):
    name = unique_name()
    response = ddb.create_table(TableName=name, KeySchema=HASH, AttributeDefinitions=PK_S, **throughput(40000, 40000))
    pt = response["TableDescription"]["ProvisionedThroughput"]
    assert (pt["ReadCapacityUnits"], pt["WriteCapacityUnits"]) == (40000, 40000)


def test_create_table_response_is_strictly_a_table_description(ddb):
    name = unique_name()
    response = strip_metadata(ddb.create_table(TableName=name, KeySchema=HASH, AttributeDefinitions=PK_S, **PPR))
    assert set(response) == {"TableDescription"}
    check_description(
        response["TableDescription"],
        name=name,
        key_schema=HASH,
        definitions=PK_S,
        billing="PAY_PER_REQUEST",
        statuses=("ACTIVE", "CREATING"),
    )


@service_behaviour(
    "DynamoDB Local says 'Cannot create preexisting table'",
    source="LocalStack's snapshot recorded against AWS (test_create_duplicate_table)",
)
def test_create_duplicate_table(ddb, make_table):
    name = make_table()
    assert_error(
        lambda: ddb.create_table(TableName=name, KeySchema=HASH, AttributeDefinitions=PK_S, **PPR),
        IN_USE,
        table_exists(name),
    )
    # A different (valid) schema does not matter ...
    assert_error(
        lambda: ddb.create_table(
            TableName=name, KeySchema=hash_key("id"), AttributeDefinitions=definition("id", "N"), **PPR
        ),
        IN_USE,
        table_exists(name),
    )
    # ... but an invalid one is reported first.
    assert_error(
        lambda: ddb.create_table(TableName=name, KeySchema=RANGE_ONLY, AttributeDefinitions=PK_S, **PPR),
        VALIDATION,
        FIRST_NOT_HASH,
    )


# ---------------------------------------------------------------------------------------------------
# DescribeTable


def test_describe_table_pay_per_request(ddb):
    name = unique_name()
    created = ddb.create_table(TableName=name, KeySchema=HASH, AttributeDefinitions=PK_S, **PPR)
    response = strip_metadata(ddb.describe_table(TableName=name))
    assert set(response) == {"Table"}
    desc = response["Table"]
    check_description(desc, name=name, key_schema=HASH, definitions=PK_S, billing="PAY_PER_REQUEST")
    assert without_status(desc) == without_status(created["TableDescription"])


def test_describe_table_provisioned_hash_and_range(ddb):
    name = unique_name()
    definitions = PK_S + definition("sk", "N")
    created = ddb.create_table(
        TableName=name,
        KeySchema=HASH_RANGE,
        AttributeDefinitions=definitions,
        BillingMode="PROVISIONED",
        **throughput(5, 7),
    )
    desc = ddb.describe_table(TableName=name)["Table"]
    check_description(desc, name=name, key_schema=HASH_RANGE, definitions=definitions, billing=None, read=5, write=7)
    assert without_status(desc) == without_status(created["TableDescription"])


def test_describe_table_is_stable(ddb, make_table):
    name = make_table()
    assert ddb.describe_table(TableName=name)["Table"] == ddb.describe_table(TableName=name)["Table"]


def test_describe_table_creation_time_is_now(ddb, backend, make_table):
    now = datetime.datetime.fromtimestamp(target_clock.now(backend), datetime.timezone.utc)
    before, after = now - datetime.timedelta(minutes=5), now + datetime.timedelta(minutes=5)
    desc = ddb.describe_table(TableName=make_table())["Table"]
    assert before <= desc["CreationDateTime"] <= after


@MISSING_TABLE
def test_describe_missing_table(ddb):
    name = unique_name()
    assert_error(lambda: ddb.describe_table(TableName=name), NOT_FOUND, table_not_found_named(name))


@pytest.mark.parametrize(
    ("name", "requirement"),
    [
        ("ab", "must have length greater than or equal to 3"),
        ("bad name", TABLE_NAME_PATTERN),
        ("a" * 256, "must have length less than or equal to 255"),
        ("a" * 1025, "must have length less than or equal to 255"),
    ],
)
@FRAMEWORK
def test_describe_table_invalid_name(ddb, name, requirement):
    assert_error(
        lambda: ddb.describe_table(TableName=name), VALIDATION, constraint_error(clause(name, "tableName", requirement))
    )


@FRAMEWORK
def test_describe_table_empty_name(ddb_raw):
    assert_error(
        lambda: ddb_raw.describe_table(TableName=""),
        VALIDATION,
        constraint_error(
            clause("", "tableName", "must have length greater than or equal to 3"),
            clause("", "tableName", TABLE_NAME_PATTERN),
        ),
    )


@MISSING_TABLE
def test_describe_table_names_are_exact(ddb, make_table):
    name = make_table()
    for other in [name.upper(), name + "x"]:
        assert_error(lambda: ddb.describe_table(TableName=other), NOT_FOUND, table_not_found_named(other))  # noqa: B023


def _counts(ddb, name):
    desc = ddb.describe_table(TableName=name)["Table"]
    return desc["ItemCount"], desc["TableSizeBytes"]


def test_item_count_and_size_follow_writes(ddb, make_table):
    name = make_table()
    assert _counts(ddb, name) == (0, 0)
    ddb.put_item(TableName=name, Item={"pk": {"S": "a"}})  # 2 + 1
    assert _counts(ddb, name) == (1, 3)
    ddb.put_item(TableName=name, Item={"pk": {"S": "bb"}, "x": {"N": "1"}})  # 2 + 2 + 1 + 2
    assert _counts(ddb, name) == (2, 10)
    ddb.put_item(TableName=name, Item={"pk": {"S": "ccc"}, "s": {"S": "hello"}, "b": {"BOOL": True}})  # 5+6+2
    assert _counts(ddb, name) == (3, 23)
    ddb.put_item(TableName=name, Item={"pk": {"S": "ccc"}})  # overwrite with a smaller item
    assert _counts(ddb, name) == (3, 15)
    ddb.delete_item(TableName=name, Key={"pk": {"S": "bb"}})
    assert _counts(ddb, name) == (2, 8)
    ddb.delete_item(TableName=name, Key={"pk": {"S": "absent"}})
    assert _counts(ddb, name) == (2, 8)
    ddb.delete_item(TableName=name, Key={"pk": {"S": "a"}})
    ddb.delete_item(TableName=name, Key={"pk": {"S": "ccc"}})
    assert _counts(ddb, name) == (0, 0)


def test_item_count_and_size_in_other_responses(ddb, make_table):
    name = make_table(range_key="N", provisioned=(2, 2))
    ddb.put_item(TableName=name, Item={"pk": {"S": "a"}, "sk": {"N": "1"}})  # 3 + 4
    updated = ddb.update_table(TableName=name, **throughput(3, 3))["TableDescription"]
    assert (updated["ItemCount"], updated["TableSizeBytes"]) == (1, 7)
    deleted = ddb.delete_table(TableName=name)["TableDescription"]
    assert (deleted["ItemCount"], deleted["TableSizeBytes"]) == (1, 7)


# ---------------------------------------------------------------------------------------------------
# ListTables


def _create(ddb, names):
    for name in names:
        ddb.create_table(TableName=name, KeySchema=HASH, AttributeDefinitions=PK_S, **PPR)


def test_list_tables_empty(ddb):
    assert strip_metadata(ddb.list_tables()) == {"TableNames": []}
    assert strip_metadata(ddb.list_tables(Limit=1)) == {"TableNames": []}


def test_list_tables_sorted_by_code_point(ddb):
    # Names differing only in case are avoided: DynamoDB Local cannot hold both.
    suffixes = ["delta", "Alpha", "beta", "_x_", "0num", "zeta", "a.b", "a-b", "Zed"]
    prefix = unique_name("lt")
    names = [f"{prefix}{s}" for s in suffixes]
    _create(ddb, names)
    assert strip_metadata(ddb.list_tables()) == {"TableNames": sorted(names)}


def test_list_tables_paging(ddb):
    prefix = unique_name("lt")
    names = [f"{prefix}-{i}" for i in range(7)]
    _create(ddb, reversed(names))
    first = strip_metadata(ddb.list_tables(Limit=3))
    assert first == {"TableNames": names[:3], "LastEvaluatedTableName": names[2]}
    second = strip_metadata(ddb.list_tables(Limit=3, ExclusiveStartTableName=first["LastEvaluatedTableName"]))
    assert second == {"TableNames": names[3:6], "LastEvaluatedTableName": names[5]}
    third = strip_metadata(ddb.list_tables(Limit=3, ExclusiveStartTableName=second["LastEvaluatedTableName"]))
    assert third == {"TableNames": names[6:]}


@pytest.mark.parametrize(
    ("limit", "expected_last"),
    [(1, 0), (3, 2), (4, None), (5, None), (100, None)],
)
def test_list_tables_limit(ddb, limit, expected_last):
    prefix = unique_name("lt")
    names = [f"{prefix}-{i}" for i in range(4)]
    _create(ddb, names)
    response = strip_metadata(ddb.list_tables(Limit=limit))
    expected: dict[str, Any] = {"TableNames": names[:limit]}
    if expected_last is not None:
        expected["LastEvaluatedTableName"] = names[expected_last]
    assert response == expected


def test_list_tables_exclusive_start(ddb):
    prefix = unique_name("lt")
    names = [f"{prefix}-{c}" for c in "bdf"]
    _create(ddb, names)
    # The start name need not exist; listing continues after it.
    assert ddb.list_tables(ExclusiveStartTableName=prefix)["TableNames"] == names
    assert ddb.list_tables(ExclusiveStartTableName=f"{prefix}-a")["TableNames"] == names
    assert ddb.list_tables(ExclusiveStartTableName=names[0])["TableNames"] == names[1:]
    assert ddb.list_tables(ExclusiveStartTableName=f"{prefix}-c")["TableNames"] == names[1:]
    assert strip_metadata(ddb.list_tables(ExclusiveStartTableName=f"{prefix}-e", Limit=1)) == {"TableNames": names[2:]}
    assert strip_metadata(ddb.list_tables(ExclusiveStartTableName=names[-1])) == {"TableNames": []}
    assert strip_metadata(ddb.list_tables(ExclusiveStartTableName=f"{prefix}-z", Limit=2)) == {"TableNames": []}


def test_list_tables_default_limit_is_100(ddb):
    prefix = unique_name("lt")
    names = [f"{prefix}-{i:03d}" for i in range(101)]
    _create(ddb, names)
    first = strip_metadata(ddb.list_tables())
    assert first == {"TableNames": names[:100], "LastEvaluatedTableName": names[99]}
    assert strip_metadata(ddb.list_tables(ExclusiveStartTableName=names[99])) == {"TableNames": names[100:]}
    ddb.delete_table(TableName=names[100])
    assert strip_metadata(ddb.list_tables()) == {"TableNames": names[:100]}


def test_list_tables_paginator(ddb):
    prefix = unique_name("lt")
    names = [f"{prefix}-{i:02d}" for i in range(11)]
    _create(ddb, names)
    pages = list(ddb.get_paginator("list_tables").paginate(PaginationConfig={"PageSize": 4}))
    assert [page["TableNames"] for page in pages] == [names[0:4], names[4:8], names[8:]]


def test_list_tables_after_delete(ddb):
    prefix = unique_name("lt")
    names = [f"{prefix}-{i}" for i in range(3)]
    _create(ddb, names)
    ddb.delete_table(TableName=names[1])
    assert ddb.list_tables()["TableNames"] == [names[0], names[2]]


@pytest.mark.parametrize(
    ("kwargs", "clauses"),
    [
        pytest.param({"Limit": 101}, [limit_clause(101, "less than or equal to 100")], id="limit-101"),
        pytest.param({"Limit": 1000}, [limit_clause(1000, "less than or equal to 100")], id="limit-1000"),
        pytest.param({"Limit": 0}, [limit_clause(0, "greater than or equal to 1")], id="limit-0"),
        pytest.param({"Limit": -1}, [limit_clause(-1, "greater than or equal to 1")], id="limit-negative"),
        pytest.param(
            {"ExclusiveStartTableName": "bad name!"},
            [start_clause("bad name!", TABLE_NAME_PATTERN)],
            id="start-bad-chars",
        ),
        pytest.param(
            {"ExclusiveStartTableName": "ab"},
            [start_clause("ab", "must have length greater than or equal to 3")],
            id="start-too-short",
        ),
        pytest.param(
            {"ExclusiveStartTableName": "a" * 256},
            [start_clause("a" * 256, "must have length less than or equal to 255")],
            id="start-too-long",
        ),
        pytest.param(
            {"ExclusiveStartTableName": ""},
            [start_clause("", TABLE_NAME_PATTERN), start_clause("", "must have length greater than or equal to 3")],
            id="start-empty",
        ),
        pytest.param(
            {"Limit": 101, "ExclusiveStartTableName": "a"},
            [
                start_clause("a", "must have length greater than or equal to 3"),
                limit_clause(101, "less than or equal to 100"),
            ],
            id="both",
        ),
    ],
)
@FRAMEWORK
def test_list_tables_errors(ddb_raw, kwargs, clauses):
    assert_error(lambda: ddb_raw.list_tables(**kwargs), VALIDATION, constraint_error(*clauses))


# ---------------------------------------------------------------------------------------------------
# DeleteTable


DELETE_SOURCE = (
    "API Reference, DeleteTable (response example); architect/dynalite#60 and answers of the service quoted in "
    "public documentation (TableName, TableStatus, ProvisionedThroughput, TableSizeBytes, ItemCount, TableArn, "
    "TableId)"
)


def test_delete_table_response(ddb):
    name = unique_name()
    definitions = PK_S + definition("sk", "N")
    ddb.create_table(TableName=name, KeySchema=HASH_RANGE, AttributeDefinitions=definitions, **PPR)
    ddb.put_item(TableName=name, Item={"pk": {"S": "a"}, "sk": {"N": "1"}})
    response = strip_metadata(ddb.delete_table(TableName=name))
    assert set(response) == {"TableDescription"}
    desc = response["TableDescription"]
    assert desc["TableName"] == name and table_arn_pattern(name).fullmatch(desc["TableArn"])
    assert (desc["ItemCount"], desc["TableSizeBytes"]) == (1, 7)
    throughput = desc["ProvisionedThroughput"]
    assert (throughput["ReadCapacityUnits"], throughput["WriteCapacityUnits"]) == (0, 0)


@service_behaviour("DynamoDB Local answers with the full description, ACTIVE", source=DELETE_SOURCE)
@pytest.mark.parametrize("provisioned", [False, True])
def test_delete_table_answers_deleting_without_schema_or_indexes(ddb, make_table, provisioned):
    name = unique_name()
    capacity = {"ReadCapacityUnits": 3, "WriteCapacityUnits": 4}
    mode = {"ProvisionedThroughput": capacity} if provisioned else PPR
    index = {"IndexName": "gsi", "KeySchema": [{"AttributeName": "g", "KeyType": "HASH"}]}
    index.update(Projection={"ProjectionType": "ALL"}, **({"ProvisionedThroughput": capacity} if provisioned else {}))
    ddb.create_table(
        TableName=name,
        KeySchema=HASH,
        AttributeDefinitions=PK_S + definition("g", "S"),
        GlobalSecondaryIndexes=[index],
        **mode,
    )
    desc = ddb.delete_table(TableName=name)["TableDescription"]
    assert set(desc) == {
        "TableName",
        "TableStatus",
        "ProvisionedThroughput",
        "TableSizeBytes",
        "ItemCount",
        "TableArn",
        "TableId",
    }
    assert desc["TableStatus"] == "DELETING"
    expected = (3, 4) if provisioned else (0, 0)
    assert desc["ProvisionedThroughput"] == {
        "NumberOfDecreasesToday": 0,
        "ReadCapacityUnits": expected[0],
        "WriteCapacityUnits": expected[1],
    }


@MISSING_TABLE
def test_deleted_table_is_gone(ddb, make_table):
    name = make_table()
    ddb.put_item(TableName=name, Item={"pk": {"S": "a"}})
    ddb.delete_table(TableName=name)
    assert_error(lambda: ddb.describe_table(TableName=name), NOT_FOUND, table_not_found_named(name))
    assert_error(lambda: ddb.get_item(TableName=name, Key={"pk": {"S": "a"}}), NOT_FOUND, TABLE_NOT_FOUND)
    assert_error(lambda: ddb.delete_table(TableName=name), NOT_FOUND, table_not_found_named(name))
    assert name not in ddb.list_tables()["TableNames"]


def test_recreated_table_is_empty(ddb, make_table):
    name = make_table()
    ddb.put_item(TableName=name, Item={"pk": {"S": "a"}})
    ddb.delete_table(TableName=name)
    make_table(name, hash_key="N")
    desc = ddb.describe_table(TableName=name)["Table"]
    assert (desc["ItemCount"], desc["AttributeDefinitions"]) == (0, definition("pk", "N"))
    assert "Item" not in ddb.get_item(TableName=name, Key={"pk": {"N": "1"}})


@MISSING_TABLE
def test_delete_missing_table(ddb):
    name = unique_name()
    assert_error(lambda: ddb.delete_table(TableName=name), NOT_FOUND, table_not_found_named(name))


@pytest.mark.parametrize("name", ["ab", "bad name", "a" * 256])
@CONTROL_PLANE_NAMES
def test_delete_table_invalid_name(ddb, name):
    assert_error(lambda: ddb.delete_table(TableName=name), VALIDATION, control_plane_name_error(name))


# ---------------------------------------------------------------------------------------------------
# UpdateTable


def _pt(desc):
    pt = desc["ProvisionedThroughput"]
    return pt["ReadCapacityUnits"], pt["WriteCapacityUnits"]


@pytest.mark.parametrize(
    "new",
    [
        pytest.param((10, 10), id="increase"),
        pytest.param((2, 3), id="decrease"),
        pytest.param((9, 1), id="mixed"),
        pytest.param((5, 6), id="write-only"),
        pytest.param((40000, 40000), id="maximum"),
    ],
)
def test_update_table_throughput(ddb, make_table, new):
    name = make_table(provisioned=(5, 5))
    ddb.put_item(TableName=name, Item={"pk": {"S": "a"}})
    desc = ddb.update_table(TableName=name, **throughput(*new))["TableDescription"]
    check_description(
        desc,
        name=name,
        key_schema=HASH,
        definitions=PK_S,
        billing=None,
        read=new[0],
        write=new[1],
        item_count=1,
        size=3,
        statuses=("ACTIVE", "UPDATING"),
        decreases=(0, 1),
    )
    assert _pt(ddb.describe_table(TableName=name)["Table"]) == new
    assert ddb.get_item(TableName=name, Key={"pk": {"S": "a"}})["Item"] == {"pk": {"S": "a"}}


def test_update_table_provisioned_mode_without_change(ddb, make_table):
    name = make_table(provisioned=(5, 5))
    desc = ddb.update_table(TableName=name, BillingMode="PROVISIONED")["TableDescription"]
    assert _pt(desc) == (5, 5)
    assert "BillingModeSummary" not in desc


def test_update_table_to_pay_per_request_and_back(ddb, make_table):
    name = make_table(provisioned=(5, 5))
    desc = ddb.update_table(TableName=name, BillingMode="PAY_PER_REQUEST")["TableDescription"]
    check_description(
        desc,
        name=name,
        key_schema=HASH,
        definitions=PK_S,
        billing="PAY_PER_REQUEST",
        statuses=("ACTIVE", "UPDATING"),
    )
    assert ddb.describe_table(TableName=name)["Table"]["BillingModeSummary"]["BillingMode"] == "PAY_PER_REQUEST"

    desc = ddb.update_table(TableName=name, BillingMode="PROVISIONED", **throughput(2, 3))["TableDescription"]
    check_description(
        desc,
        name=name,
        key_schema=HASH,
        definitions=PK_S,
        billing="PROVISIONED",
        read=2,
        write=3,
        statuses=("ACTIVE", "UPDATING"),
    )
    described = ddb.describe_table(TableName=name)["Table"]
    assert described["BillingModeSummary"]["BillingMode"] == "PROVISIONED"
    assert _pt(described) == (2, 3)


def test_update_pay_per_request_table_to_provisioned(ddb, make_table):
    name = make_table()
    desc = ddb.update_table(TableName=name, BillingMode="PROVISIONED", **throughput(3, 4))["TableDescription"]
    check_description(
        desc,
        name=name,
        key_schema=HASH,
        definitions=PK_S,
        billing="PROVISIONED",
        read=3,
        write=4,
        statuses=("ACTIVE", "UPDATING"),
    )


def test_update_table_pay_per_request_again(ddb, make_table):
    name = make_table()
    desc = ddb.update_table(TableName=name, BillingMode="PAY_PER_REQUEST")["TableDescription"]
    assert desc["BillingModeSummary"]["BillingMode"] == "PAY_PER_REQUEST"
    assert _pt(desc) == (0, 0)


@pytest.mark.parametrize(
    ("provisioned", "kwargs", "code", "message"),
    [
        pytest.param((5, 5), {}, VALIDATION, NO_UPDATE, id="no-changes", marks=THROUGHPUT),
        pytest.param(
            (5, 5), {"AttributeDefinitions": PK_S}, VALIDATION, NO_UPDATE, id="definitions-only", marks=THROUGHPUT
        ),
        pytest.param(None, {}, VALIDATION, NO_UPDATE, id="no-changes-pay-per-request", marks=THROUGHPUT),
        pytest.param((5, 5), throughput(5, 5), VALIDATION, unchanged(5, 5), id="same-throughput", marks=THROUGHPUT),
        pytest.param(
            (5, 5),
            {"BillingMode": "PROVISIONED", **throughput(5, 5)},
            VALIDATION,
            unchanged(5, 5),
            id="same-throughput-with-mode",
            marks=THROUGHPUT,
        ),
        pytest.param(
            None,
            {"BillingMode": "PROVISIONED"},
            VALIDATION,
            "One or more parameter values were invalid: ProvisionedThroughput must be specified when BillingMode is "
            "PROVISIONED",
            id="to-provisioned-without-throughput",
            marks=THROUGHPUT,
        ),
        pytest.param(
            (5, 5), throughput(0, 1), VALIDATION, constraint_error(too_low("0", "read")), id="read-0", marks=FRAMEWORK
        ),
        pytest.param(
            (5, 5),
            throughput(1, -1),
            VALIDATION,
            constraint_error(too_low("-1", "write")),
            id="write-negative",
            marks=FRAMEWORK,
        ),
        pytest.param(
            (5, 5),
            {"ProvisionedThroughput": {"ReadCapacityUnits": 3}},
            VALIDATION,
            constraint_error(null_clause("provisionedThroughput.writeCapacityUnits")),
            id="write-missing",
            marks=FRAMEWORK,
        ),
        pytest.param(
            (5, 5), throughput(50000, 1), LIMIT, above_maximum("Read", 50000), id="read-50000", marks=THROUGHPUT
        ),
        pytest.param(
            (5, 5), throughput(1, 40001), LIMIT, above_maximum("Write", 40001), id="write-40001", marks=THROUGHPUT
        ),
        pytest.param(
            None,
            {"BillingMode": "PROVISIONED", **throughput(0, 1)},
            VALIDATION,
            constraint_error(too_low("0", "read")),
            id="to-provisioned-read-0",
            marks=FRAMEWORK,
        ),
    ],
)
def test_update_table_errors(ddb_raw, make_table, provisioned, kwargs, code, message):
    name = make_table(provisioned=provisioned)
    before = ddb_raw.describe_table(TableName=name)["Table"]
    assert_error(lambda: ddb_raw.update_table(TableName=name, **kwargs), code, message)
    assert ddb_raw.describe_table(TableName=name)["Table"] == before


@MISSING_TABLE
def test_update_missing_table(ddb_raw):
    for kwargs in [{"BillingMode": "PAY_PER_REQUEST"}, throughput(1, 1)]:
        name = unique_name()
        assert_error(
            lambda: ddb_raw.update_table(TableName=name, **kwargs),  # noqa: B023
            NOT_FOUND,
            table_not_found_named(name),
        )


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        pytest.param({}, NO_UPDATE, id="no-changes"),
        pytest.param(throughput(0, 1), constraint_error(too_low("0", "read")), id="read-0"),
    ],
)
@service_behaviour(
    "DynamoDB Local looks the table up before it checks the request",
    source="the service's message catalogue recorded live in 2026: request checks come before existence checks",
)
def test_update_missing_table_checks_the_request_first(ddb_raw, kwargs, message):
    assert_error(lambda: ddb_raw.update_table(TableName=unique_name(), **kwargs), VALIDATION, message)


@pytest.mark.parametrize("name", ["ab", "bad name", "a" * 256])
@CONTROL_PLANE_NAMES
def test_update_table_invalid_name(ddb, name):
    assert_error(
        lambda: ddb.update_table(TableName=name, BillingMode="PAY_PER_REQUEST"),
        VALIDATION,
        control_plane_name_error(name),
    )
