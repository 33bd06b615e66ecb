"""CreateTable, DescribeTable, ListTables, DeleteTable and UpdateTable."""

from __future__ import annotations

import datetime
import re
import uuid
from typing import Any

import pytest

from conformance.conftest import unique_name
from conformance.helpers import (
    BAD_ATTRIBUTE_TYPE,
    DEFINITIONS_MISMATCH,
    DUPLICATE_DEFINITION,
    HASH_KEY_NOT_DEFINED,
    IN_USE,
    INVALID_TABLE_NAME,
    KEY_NAME_LENGTH,
    KEY_ORDER,
    KEY_SCHEMA_TOO_BIG,
    LIST_LIMIT_TOO_HIGH,
    LIST_LIMIT_TOO_LOW,
    NO_ATTRIBUTE_SCHEMA,
    NO_HASH_KEY,
    NO_KEY_SCHEMA,
    NO_THROUGHPUT,
    NOT_FOUND,
    NOTHING_TO_UPDATE,
    RANGE_KEY_NOT_DEFINED,
    SAME_KEY_NAMES,
    SAME_THROUGHPUT,
    TABLE_EXISTS,
    TABLE_NOT_FOUND,
    THROUGHPUT_TOO_HIGH,
    THROUGHPUT_TOO_LOW,
    TOO_MANY_HASH_KEYS,
    VALIDATION,
    assert_error,
    service_behaviour,
    strip_metadata,
    table_arn_pattern,
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
def test_create_table_invalid_names(ddb_raw, name):
    assert_error(
        lambda: ddb_raw.create_table(TableName=name, KeySchema=HASH, AttributeDefinitions=PK_S, **PPR),
        VALIDATION,
        INVALID_TABLE_NAME,
    )


def test_create_table_name_is_checked_before_everything_else(ddb_raw):
    assert_error(
        lambda: ddb_raw.create_table(
            TableName="a", KeySchema=[], AttributeDefinitions=[], BillingMode="PROVISIONED"
        ),
        VALIDATION,
        INVALID_TABLE_NAME,
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
        pytest.param(None, PK_S, NO_KEY_SCHEMA, id="no-key-schema"),
        pytest.param([], PK_S, NO_KEY_SCHEMA, id="empty-key-schema"),
        pytest.param(HASH, None, NO_ATTRIBUTE_SCHEMA, id="no-definitions"),
        pytest.param(HASH, [], NO_ATTRIBUTE_SCHEMA, id="empty-definitions"),
        pytest.param(None, None, NO_KEY_SCHEMA, id="neither"),
        pytest.param(RANGE_ONLY, PK_S, NO_HASH_KEY, id="range-only"),
        pytest.param(TWO_RANGE, PK_S + SK_S, NO_HASH_KEY, id="two-range"),
        pytest.param(BAD_KEY_TYPE, PK_S, NO_HASH_KEY, id="unknown-key-type"),
        pytest.param(TWO_HASH, PK_S + SK_S, TOO_MANY_HASH_KEYS, id="two-hash"),
        pytest.param(RANGE_FIRST, PK_S + SK_S, KEY_ORDER, id="range-first"),
        pytest.param(THREE_KEYS, PK_S + SK_S + definition("x"), KEY_SCHEMA_TOO_BIG, id="three-keys"),
        pytest.param(SAME_NAME, PK_S, SAME_KEY_NAMES, id="hash-and-range-same-name"),
        pytest.param(hash_key("other"), PK_S, HASH_KEY_NOT_DEFINED, id="hash-not-defined"),
        pytest.param(HASH_RANGE, PK_S, RANGE_KEY_NOT_DEFINED, id="range-not-defined"),
        pytest.param(
            HASH, definition("a") + definition("b"), HASH_KEY_NOT_DEFINED, id="hash-not-defined-extra"
        ),
        pytest.param(HASH_RANGE, SK_S, HASH_KEY_NOT_DEFINED, id="only-range-defined"),
        pytest.param(HASH_RANGE, PK_S + definition("x"), RANGE_KEY_NOT_DEFINED, id="range-not-defined-extra"),
        pytest.param(HASH, PK_S + definition("extra"), DEFINITIONS_MISMATCH, id="unused-definition"),
        pytest.param(
            HASH, PK_S + definition("e1") + definition("e2", "N"), DEFINITIONS_MISMATCH, id="two-unused"
        ),
        pytest.param(HASH_RANGE, PK_S + SK_S + definition("x"), DEFINITIONS_MISMATCH, id="unused-with-range"),
        pytest.param(HASH, PK_S + PK_S, DUPLICATE_DEFINITION, id="duplicate-definition"),
        pytest.param(HASH, PK_S + definition("pk", "N"), DUPLICATE_DEFINITION, id="duplicate-other-type"),
        pytest.param(HASH, definition("a") + definition("a"), DUPLICATE_DEFINITION, id="duplicate-not-key"),
        pytest.param(HASH, definition("pk", "BOOL"), BAD_ATTRIBUTE_TYPE, id="type-BOOL"),
        pytest.param(HASH, definition("pk", "SS"), BAD_ATTRIBUTE_TYPE, id="type-SS"),
        pytest.param(HASH, definition("pk", "M"), BAD_ATTRIBUTE_TYPE, id="type-M"),
        pytest.param(HASH, definition("pk", "s"), BAD_ATTRIBUTE_TYPE, id="type-lowercase"),
        pytest.param(HASH, definition("pk", ""), BAD_ATTRIBUTE_TYPE, id="type-empty"),
        pytest.param(hash_key(""), definition(""), KEY_NAME_LENGTH, id="key-name-empty"),
        pytest.param(hash_key(LONG), definition(LONG), KEY_NAME_LENGTH, id="hash-name-256"),
        pytest.param(
            HASH + [{"AttributeName": LONG, "KeyType": "RANGE"}],
            PK_S + definition(LONG),
            KEY_NAME_LENGTH,
            id="range-name-256",
        ),
        pytest.param(HASH, PK_S + definition(LONG), KEY_NAME_LENGTH, id="definition-name-256"),
        pytest.param(hash_key(LONG), PK_S, HASH_KEY_NOT_DEFINED, id="undefined-hash-name-256"),
        pytest.param(RANGE_ONLY, definition("pk", "X"), NO_HASH_KEY, id="key-schema-before-types"),
        pytest.param(HASH, [], NO_ATTRIBUTE_SCHEMA, id="definitions-before-billing"),
    ],
)
def test_create_table_schema_errors(ddb_raw, key_schema, definitions, message):
    kwargs: dict[str, Any] = {"TableName": unique_name(), **PPR}
    if key_schema is not None:
        kwargs["KeySchema"] = key_schema
    if definitions is not None:
        kwargs["AttributeDefinitions"] = definitions
    assert_error(lambda: ddb_raw.create_table(**kwargs), VALIDATION, message)


def test_create_table_schema_errors_come_before_billing_errors(ddb_raw):
    for key_schema, definitions, message in [
        (HASH, [], NO_ATTRIBUTE_SCHEMA),
        (HASH, PK_S + definition("x"), DEFINITIONS_MISMATCH),
        (HASH, definition("pk", "X"), BAD_ATTRIBUTE_TYPE),
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
        pytest.param({"BillingMode": "PROVISIONED"}, {}, NO_THROUGHPUT, id="provisioned-without-throughput"),
        pytest.param({}, {}, NO_THROUGHPUT, id="default-mode-without-throughput"),
        pytest.param({"BillingMode": "PROVISIONED"}, throughput(0, 1), THROUGHPUT_TOO_LOW, id="read-0"),
        pytest.param({"BillingMode": "PROVISIONED"}, throughput(1, 0), THROUGHPUT_TOO_LOW, id="write-0"),
        pytest.param({"BillingMode": "PROVISIONED"}, throughput(0, 0), THROUGHPUT_TOO_LOW, id="both-0"),
        pytest.param({}, throughput(-1, 1), THROUGHPUT_TOO_LOW, id="negative"),
        pytest.param(
            {}, {"ProvisionedThroughput": {"WriteCapacityUnits": 1}}, THROUGHPUT_TOO_LOW, id="read-missing"
        ),
        pytest.param(
            {}, {"ProvisionedThroughput": {"ReadCapacityUnits": 1}}, THROUGHPUT_TOO_LOW, id="write-missing"
        ),
        pytest.param({}, throughput(40001, 1), THROUGHPUT_TOO_HIGH, id="read-40001"),
        pytest.param({}, throughput(1, 40001), THROUGHPUT_TOO_HIGH, id="write-40001"),
        pytest.param({}, throughput(0, 40001), THROUGHPUT_TOO_LOW, id="too-low-before-too-high"),
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
    response = ddb.create_table(
        TableName=name, KeySchema=HASH, AttributeDefinitions=PK_S, **throughput(40000, 40000)
    )
    pt = response["TableDescription"]["ProvisionedThroughput"]
    assert (pt["ReadCapacityUnits"], pt["WriteCapacityUnits"]) == (40000, 40000)


def test_create_table_response_is_strictly_a_table_description(ddb):
    name = unique_name()
    response = strip_metadata(
        ddb.create_table(TableName=name, KeySchema=HASH, AttributeDefinitions=PK_S, **PPR)
    )
    assert set(response) == {"TableDescription"}
    check_description(
        response["TableDescription"],
        name=name,
        key_schema=HASH,
        definitions=PK_S,
        billing="PAY_PER_REQUEST",
        statuses=("ACTIVE", "CREATING"),
    )


def test_create_duplicate_table(ddb, make_table):
    name = make_table()
    assert_error(
        lambda: ddb.create_table(TableName=name, KeySchema=HASH, AttributeDefinitions=PK_S, **PPR),
        IN_USE,
        TABLE_EXISTS,
    )
    # A different (valid) schema does not matter ...
    assert_error(
        lambda: ddb.create_table(
            TableName=name, KeySchema=hash_key("id"), AttributeDefinitions=definition("id", "N"), **PPR
        ),
        IN_USE,
        TABLE_EXISTS,
    )
    # ... but an invalid one is reported first.
    assert_error(
        lambda: ddb.create_table(TableName=name, KeySchema=RANGE_ONLY, AttributeDefinitions=PK_S, **PPR),
        VALIDATION,
        NO_HASH_KEY,
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
    check_description(
        desc, name=name, key_schema=HASH_RANGE, definitions=definitions, billing=None, read=5, write=7
    )
    assert without_status(desc) == without_status(created["TableDescription"])


def test_describe_table_is_stable(ddb, make_table):
    name = make_table()
    assert ddb.describe_table(TableName=name)["Table"] == ddb.describe_table(TableName=name)["Table"]


def test_describe_table_creation_time_is_now(ddb, make_table):
    before = datetime.datetime.now(datetime.timezone.utc) - datetime.timedelta(minutes=5)
    desc = ddb.describe_table(TableName=make_table())["Table"]
    after = datetime.datetime.now(datetime.timezone.utc) + datetime.timedelta(minutes=5)
    assert before <= desc["CreationDateTime"] <= after


def test_describe_missing_table(ddb):
    assert_error(lambda: ddb.describe_table(TableName=unique_name()), NOT_FOUND, TABLE_NOT_FOUND)


@pytest.mark.parametrize("name", ["ab", "bad name", "a" * 256, "a" * 1025])
def test_describe_table_invalid_name(ddb, name):
    assert_error(lambda: ddb.describe_table(TableName=name), VALIDATION, INVALID_TABLE_NAME)


def test_describe_table_names_are_exact(ddb, make_table):
    name = make_table()
    assert_error(lambda: ddb.describe_table(TableName=name.upper()), NOT_FOUND, TABLE_NOT_FOUND)
    assert_error(lambda: ddb.describe_table(TableName=name + "x"), NOT_FOUND, TABLE_NOT_FOUND)


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
    assert strip_metadata(ddb.list_tables(ExclusiveStartTableName=f"{prefix}-e", Limit=1)) == {
        "TableNames": names[2:]
    }
    assert strip_metadata(ddb.list_tables(ExclusiveStartTableName=names[-1])) == {"TableNames": []}
    assert strip_metadata(ddb.list_tables(ExclusiveStartTableName=f"{prefix}-z", Limit=2)) == {
        "TableNames": []
    }


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
    ("kwargs", "message"),
    [
        pytest.param({"Limit": 101}, LIST_LIMIT_TOO_HIGH, id="limit-101"),
        pytest.param({"Limit": 1000}, LIST_LIMIT_TOO_HIGH, id="limit-1000"),
        pytest.param({"Limit": 0}, LIST_LIMIT_TOO_LOW, id="limit-0"),
        pytest.param({"Limit": -1}, LIST_LIMIT_TOO_LOW, id="limit-negative"),
        pytest.param({"ExclusiveStartTableName": "bad name!"}, INVALID_TABLE_NAME, id="start-bad-chars"),
        pytest.param({"ExclusiveStartTableName": "ab"}, INVALID_TABLE_NAME, id="start-too-short"),
        pytest.param({"ExclusiveStartTableName": "a" * 256}, INVALID_TABLE_NAME, id="start-too-long"),
        pytest.param({"Limit": 101, "ExclusiveStartTableName": "a"}, LIST_LIMIT_TOO_HIGH, id="limit-first"),
    ],
)
def test_list_tables_errors(ddb_raw, kwargs, message):
    assert_error(lambda: ddb_raw.list_tables(**kwargs), VALIDATION, message)


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


def test_deleted_table_is_gone(ddb, make_table):
    name = make_table()
    ddb.put_item(TableName=name, Item={"pk": {"S": "a"}})
    ddb.delete_table(TableName=name)
    assert_error(lambda: ddb.describe_table(TableName=name), NOT_FOUND, TABLE_NOT_FOUND)
    assert_error(lambda: ddb.get_item(TableName=name, Key={"pk": {"S": "a"}}), NOT_FOUND, TABLE_NOT_FOUND)
    assert_error(lambda: ddb.delete_table(TableName=name), NOT_FOUND, TABLE_NOT_FOUND)
    assert name not in ddb.list_tables()["TableNames"]


def test_recreated_table_is_empty(ddb, make_table):
    name = make_table()
    ddb.put_item(TableName=name, Item={"pk": {"S": "a"}})
    ddb.delete_table(TableName=name)
    make_table(name, hash_key="N")
    desc = ddb.describe_table(TableName=name)["Table"]
    assert (desc["ItemCount"], desc["AttributeDefinitions"]) == (0, definition("pk", "N"))
    assert "Item" not in ddb.get_item(TableName=name, Key={"pk": {"N": "1"}})


def test_delete_missing_table(ddb):
    assert_error(lambda: ddb.delete_table(TableName=unique_name()), NOT_FOUND, TABLE_NOT_FOUND)


@pytest.mark.parametrize("name", ["ab", "bad name", "a" * 256])
def test_delete_table_invalid_name(ddb, name):
    assert_error(lambda: ddb.delete_table(TableName=name), VALIDATION, INVALID_TABLE_NAME)


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
    assert (
        ddb.describe_table(TableName=name)["Table"]["BillingModeSummary"]["BillingMode"] == "PAY_PER_REQUEST"
    )

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
    ("provisioned", "kwargs", "message"),
    [
        pytest.param((5, 5), {}, NOTHING_TO_UPDATE, id="no-changes"),
        pytest.param((5, 5), {"AttributeDefinitions": PK_S}, NOTHING_TO_UPDATE, id="definitions-only"),
        pytest.param(None, {}, NOTHING_TO_UPDATE, id="no-changes-pay-per-request"),
        pytest.param((5, 5), throughput(5, 5), SAME_THROUGHPUT, id="same-throughput"),
        pytest.param(
            (5, 5),
            {"BillingMode": "PROVISIONED", **throughput(5, 5)},
            SAME_THROUGHPUT,
            id="same-throughput-with-mode",
        ),
        pytest.param(
            None, {"BillingMode": "PROVISIONED"}, NO_THROUGHPUT, id="to-provisioned-without-throughput"
        ),
        pytest.param((5, 5), throughput(0, 1), THROUGHPUT_TOO_LOW, id="read-0"),
        pytest.param((5, 5), throughput(1, -1), THROUGHPUT_TOO_LOW, id="write-negative"),
        pytest.param(
            (5, 5),
            {"ProvisionedThroughput": {"ReadCapacityUnits": 3}},
            THROUGHPUT_TOO_LOW,
            id="write-missing",
        ),
        pytest.param((5, 5), throughput(50000, 1), THROUGHPUT_TOO_HIGH, id="read-50000"),
        pytest.param((5, 5), throughput(1, 40001), THROUGHPUT_TOO_HIGH, id="write-40001"),
        pytest.param(
            None,
            {"BillingMode": "PROVISIONED", **throughput(0, 1)},
            THROUGHPUT_TOO_LOW,
            id="to-provisioned-read-0",
        ),
    ],
)
def test_update_table_errors(ddb_raw, make_table, provisioned, kwargs, message):
    name = make_table(provisioned=provisioned)
    before = ddb_raw.describe_table(TableName=name)["Table"]
    assert_error(lambda: ddb_raw.update_table(TableName=name, **kwargs), VALIDATION, message)
    assert ddb_raw.describe_table(TableName=name)["Table"] == before


def test_update_missing_table(ddb_raw):
    for kwargs in [{}, {"BillingMode": "PAY_PER_REQUEST"}, throughput(1, 1), throughput(0, 1)]:
        assert_error(
            lambda: ddb_raw.update_table(TableName=unique_name(), **kwargs),  # noqa: B023
            NOT_FOUND,
            TABLE_NOT_FOUND,
        )


@pytest.mark.parametrize("name", ["ab", "bad name", "a" * 256])
def test_update_table_invalid_name(ddb, name):
    assert_error(
        lambda: ddb.update_table(TableName=name, BillingMode="PAY_PER_REQUEST"),
        VALIDATION,
        INVALID_TABLE_NAME,
    )
