# ruff: noqa: E501  (tables of DynamoDB messages, one per line)
"""BatchGetItem and BatchWriteItem: results, limits, validation order and messages."""

from __future__ import annotations

import re
from typing import Any

import pytest

from conformance.helpers import (
    EMPTY_VALUE,
    FRAMEWORK,
    ITEM_TOO_LARGE,
    KEY_SCHEMA_MISMATCH,
    KEYS_DIFFER,
    MISSING_TABLE,
    MULTIPLE_TYPES,
    NEWER_FRAMEWORK,
    NOT_FOUND,
    TABLE_NOT_FOUND,
    VALIDATION,
    VALUES_DIFFER,
    assert_error,
    clause,
    constraint_error,
    empty_key,
    not_a_number,
    null_clause,
    strip_metadata,
    unechoed_clause,
)

DUPLICATES = "Provided list of item keys contains duplicates"
WRITE_TOO_MANY = "Too many items requested for the BatchWriteItem call"
GET_TOO_MANY = "Too many items requested for the BatchGetItem call"
# The service prints the requests of a table as Java objects, with hashes no one can reproduce.
TOO_MANY_WRITES_FOR_ONE_TABLE = re.compile(
    r"1 validation error detected: Value '\{.+=\[.+\]\}' at 'requestItems' failed to satisfy constraint: "
    r"Map value must satisfy constraint: \[Member must have length less than or equal to 25, "
    r"Member must have length greater than or equal to 1\]"
)
# The newer validation names a table's Keys without echoing them (paritysuite/dynamodb-conformance
# tests/tier3/error-messages/batchGetItem.test.ts, 2026).
TOO_MANY_KEYS_FOR_ONE_TABLE = constraint_error(
    unechoed_clause("RequestItems.{t}.member.Keys", "must have length less than or equal to 100")
)
TABLE_NAME_RULES = (
    "Map keys must satisfy constraint: [Member must have length less than or equal to 255, "
    "Member must have length greater than or equal to 3, Member must satisfy regular expression pattern: "
    "[a-zA-Z0-9_.-]+]"
)
# BatchWriteItem echoes its requests in Lombok's form (captures/cross-region-latest.json, 2026-09-20),
# BatchGetItem its RequestItems as JSON (batchGetItem.test.ts, 2026-10-09).
AV_A = "AttributeValue(s=a, n=null, b=null, iNT=null, dECIMAL=null, dOUBLE=null, sS=null, nS=null, bS=null, iNTSET=null, dECIMALSET=null, dOUBLESET=null, m=null, l=null, nULL=null, bOOL=null)"
BAD_TABLE_NAME_WRITE = constraint_error(
    f"Value '{{{{n=[WriteRequest(putRequest=PutRequest(item={{{{pk={AV_A}}}}}, workloadProfileName=null), "
    f"deleteRequest=null)]}}}}' at 'requestItems' failed to satisfy constraint: {TABLE_NAME_RULES}"
)
BAD_TABLE_NAME_GET = constraint_error(
    """Value '{{"n":{{"Keys":[{{"pk":{{"S":"a"}}}}]}}}}' at 'requestItems' failed to satisfy constraint: """
    + TABLE_NAME_RULES
)


def S(value: str) -> dict[str, str]:
    return {"S": value}


def N(value: Any) -> dict[str, str]:
    return {"N": str(value)}


def put(pk: str, **attributes: Any) -> dict[str, Any]:
    return {"PutRequest": {"Item": {"pk": S(pk), **attributes}}}


def delete(pk: str) -> dict[str, Any]:
    return {"DeleteRequest": {"Key": {"pk": S(pk)}}}


def key(pk: str) -> dict[str, Any]:
    return {"pk": S(pk)}


@pytest.fixture
def tables(make_table: Any) -> tuple[str, str]:
    return make_table(), make_table(range_key="S")


# --- BatchWriteItem ------------------------------------------------------------------------


def test_batch_write_puts_and_deletes_over_tables(ddb, tables):
    table, ranged = tables
    ddb.put_item(TableName=table, Item={"pk": S("old")})
    answer = ddb.batch_write_item(
        RequestItems={
            table: [put("a", n=N(1)), put("b"), delete("old"), delete("never")],
            ranged: [{"PutRequest": {"Item": {"pk": S("a"), "sk": S("1")}}}],
        }
    )
    assert strip_metadata(answer) == {"UnprocessedItems": {}}
    items = sorted(item["pk"]["S"] for item in ddb.scan(TableName=table)["Items"])
    assert items == ["a", "b"]
    assert ddb.get_item(TableName=ranged, Key={"pk": S("a"), "sk": S("1")})["Item"] == {"pk": S("a"), "sk": S("1")}


def test_batch_write_capacity_per_table(ddb, tables):
    table, ranged = tables
    ddb.put_item(TableName=table, Item={"pk": S("there")})
    answer = ddb.batch_write_item(
        RequestItems={
            table: [put("a"), delete("there")],
            ranged: [{"PutRequest": {"Item": {"pk": S("a"), "sk": S("1")}}}],
        },
        ReturnConsumedCapacity="TOTAL",
    )
    capacity = sorted(answer["ConsumedCapacity"], key=lambda entry: entry["TableName"] != table)
    assert capacity == [{"TableName": table, "CapacityUnits": 2.0}, {"TableName": ranged, "CapacityUnits": 1.0}]
    # Deleting a missing item costs 2 units in a batch (1 in DeleteItem).
    answer = ddb.batch_write_item(RequestItems={table: [delete("gone")]}, ReturnConsumedCapacity="TOTAL")
    assert answer["ConsumedCapacity"] == [{"TableName": table, "CapacityUnits": 2.0}]


def test_batch_write_accepts_25_requests(ddb, tables):
    table, _ = tables
    ddb.batch_write_item(RequestItems={table: [put(str(i)) for i in range(25)]})
    assert ddb.scan(TableName=table, Select="COUNT")["Count"] == 25


@pytest.mark.parametrize(
    ("label", "request_items", "code", "message"),
    [
        pytest.param(
            "no tables",
            lambda t, r: {},
            VALIDATION,
            "The requestItems parameter is required for BatchWriteItem",
            marks=NEWER_FRAMEWORK,
        ),
        pytest.param(
            "empty list",
            lambda t, r: {t: []},
            VALIDATION,
            constraint_error(
                "Value '{{{t}=[]}}' at 'requestItems' failed to satisfy constraint: Map value must satisfy constraint: "
                "[Member must have length less than or equal to 25, Member must have length greater than or equal to 1]"
            ),
            marks=FRAMEWORK,
        ),
        pytest.param(
            "26 writes",
            lambda t, r: {t: [put(str(i)) for i in range(26)]},
            VALIDATION,
            TOO_MANY_WRITES_FOR_ONE_TABLE,
            marks=FRAMEWORK,
        ),
        (
            "26 over two tables",
            lambda t, r: {
                t: [put(str(i)) for i in range(13)],
                r: [{"PutRequest": {"Item": {"pk": S("a"), "sk": S(str(i))}}} for i in range(13)],
            },
            VALIDATION,
            WRITE_TOO_MANY,
        ),
        ("put and delete in one request", lambda t, r: {t: [{**put("a"), **delete("a")}]}, VALIDATION, MULTIPLE_TYPES),
        ("neither put nor delete", lambda t, r: {t: [{}]}, VALIDATION, MULTIPLE_TYPES),
        pytest.param(
            "put without item",
            lambda t, r: {t: [{"PutRequest": {}}]},
            VALIDATION,
            constraint_error(null_clause("requestItems.{t}.member.1.member.putRequest.item")),
            marks=FRAMEWORK,
        ),
        pytest.param(
            "delete without key",
            lambda t, r: {t: [{"DeleteRequest": {}}]},
            VALIDATION,
            constraint_error(null_clause("requestItems.{t}.member.1.member.deleteRequest.key")),
            marks=FRAMEWORK,
        ),
        pytest.param(
            "missing table", lambda t, r: {"nope-table": [put("a")]}, NOT_FOUND, TABLE_NOT_FOUND, marks=MISSING_TABLE
        ),
        pytest.param(
            "invalid table name", lambda t, r: {"n": [put("a")]}, VALIDATION, BAD_TABLE_NAME_WRITE, marks=FRAMEWORK
        ),
        pytest.param(
            "key missing",
            lambda t, r: {t: [{"PutRequest": {"Item": {"x": S("a")}}}]},
            VALIDATION,
            KEY_SCHEMA_MISMATCH,
            marks=KEYS_DIFFER,
        ),
        pytest.param(
            "delete key with extra attribute",
            lambda t, r: {t: [{"DeleteRequest": {"Key": {"pk": S("a"), "x": S("b")}}}]},
            VALIDATION,
            KEY_SCHEMA_MISMATCH,
            marks=KEYS_DIFFER,
        ),
        pytest.param(
            "key type",
            lambda t, r: {t: [{"PutRequest": {"Item": {"pk": N(1)}}}]},
            VALIDATION,
            KEY_SCHEMA_MISMATCH,
            marks=KEYS_DIFFER,
        ),
        ("empty key", lambda t, r: {t: [put("")]}, VALIDATION, empty_key("pk")),
        ("empty value", lambda t, r: {t: [put("a", e={})]}, VALIDATION, EMPTY_VALUE),
        ("too large", lambda t, r: {t: [put("a", v=S("x" * 410_000))]}, VALIDATION, ITEM_TOO_LARGE),
        ("put then delete of one key", lambda t, r: {t: [put("a"), delete("a")]}, VALIDATION, DUPLICATES),
        ("two deletes of one key", lambda t, r: {t: [delete("a"), delete("a")]}, VALIDATION, DUPLICATES),
        # Order: values before the count of what comes after them, the count before later values.
        pytest.param(
            "bad value, then 25 more",
            lambda t, r: {r: [put("a", n=N("x"))], t: [put(str(i)) for i in range(25)]},
            VALIDATION,
            not_a_number("x"),
            marks=VALUES_DIFFER,
        ),
        (
            "25, then a bad value",
            lambda t, r: {t: [put(str(i)) for i in range(25)], r: [put("a", n=N("x"))]},
            VALIDATION,
            WRITE_TOO_MANY,
        ),
        pytest.param(
            "duplicates before 26",
            lambda t, r: {t: [put("a")] * 26},
            VALIDATION,
            TOO_MANY_WRITES_FOR_ONE_TABLE,
            marks=FRAMEWORK,
        ),
        # Values of every table before any table is looked up.
        pytest.param(
            "missing table, bad value",
            lambda t, r: {"nope-table": [put("a")], t: [put("a", n=N("x"))]},
            VALIDATION,
            not_a_number("x"),
            marks=VALUES_DIFFER,
        ),
        pytest.param(
            "duplicate in a missing table",
            lambda t, r: {"nope-table": [put("a"), put("a")]},
            NOT_FOUND,
            TABLE_NOT_FOUND,
            marks=MISSING_TABLE,
        ),
        # Keys and duplicates request by request.
        (
            "duplicate, then bad key",
            lambda t, r: {t: [put("a"), put("a"), {"PutRequest": {"Item": {"x": S("a")}}}]},
            VALIDATION,
            DUPLICATES,
        ),
        pytest.param(
            "bad key, then duplicate",
            lambda t, r: {t: [{"PutRequest": {"Item": {"x": S("a")}}}, put("a"), put("a")]},
            VALIDATION,
            KEY_SCHEMA_MISMATCH,
            marks=KEYS_DIFFER,
        ),
    ],
)
def test_batch_write_errors(ddb_raw, tables, label, request_items, code, message):
    table, ranged = tables
    expected = message if isinstance(message, re.Pattern) else message.format(t=table)
    assert_error(lambda: ddb_raw.batch_write_item(RequestItems=request_items(table, ranged)), code, expected)
    assert ddb_raw.scan(TableName=table, Select="COUNT")["Count"] == 0  # nothing written


# Which failure a batch reports when it has more than one (paritysuite/dynamodb-conformance
# tests/tier3/validation-ordering/batchOperations.test.ts, us-east-1 and eu-west-2, 2026-10-09): member
# constraints first, every failing member in one message, before any table is looked up. A malformed table
# name is one of BatchGetItem's member constraints, reported beside the enum; BatchWriteItem reports the
# enum alone.
RCC_BOGUS = clause("BOGUS", "returnConsumedCapacity", "must satisfy enum value set: [INDEXES, TOTAL, NONE]")
RICM_BOGUS = clause("BOGUS2", "returnItemCollectionMetrics", "must satisfy enum value set: [SIZE, NONE]")
BOGUS_CAPACITY = {"ReturnConsumedCapacity": "BOGUS"}


@pytest.mark.parametrize(
    ("request_items", "members", "message"),
    [
        pytest.param(lambda t: {t: [put("a")]}, BOGUS_CAPACITY, constraint_error(RCC_BOGUS), id="capacity"),
        pytest.param(
            lambda t: {t: [put("a")]}, {"ReturnItemCollectionMetrics": "BOGUS2"}, constraint_error(RICM_BOGUS), id="metrics"
        ),
        pytest.param(
            lambda t: {t: [put("a")]},
            {**BOGUS_CAPACITY, "ReturnItemCollectionMetrics": "BOGUS2"},
            constraint_error(RCC_BOGUS, RICM_BOGUS),
            id="both",
        ),
        pytest.param(lambda t: {"nope-table": [put("a")]}, BOGUS_CAPACITY, constraint_error(RCC_BOGUS), id="missing-table"),
        pytest.param(lambda t: {"bad!name": [put("a")]}, BOGUS_CAPACITY, constraint_error(RCC_BOGUS), id="bad-name"),
    ],
)
@FRAMEWORK
def test_batch_write_member_constraints_come_first(ddb_raw, tables, request_items, members, message):
    table = tables[0]
    assert_error(
        lambda: ddb_raw.batch_write_item(RequestItems=request_items(table), **members), VALIDATION, message
    )
    assert ddb_raw.scan(TableName=table)["Items"] == []


@pytest.mark.parametrize(
    ("request_items", "message"),
    [
        pytest.param(lambda t: {t: {"Keys": [key("a")]}}, constraint_error(RCC_BOGUS), id="capacity"),
        pytest.param(lambda t: {"nope-table": {"Keys": [key("a")]}}, constraint_error(RCC_BOGUS), id="missing-table"),
        pytest.param(
            lambda t: {"bad!name": {"Keys": [key("a")]}},
            constraint_error(
                """Value '{"bad!name":{"Keys":[{"pk":{"S":"a"}}]}}' at 'requestItems' failed to satisfy constraint: """
                + TABLE_NAME_RULES,
                RCC_BOGUS,
            ),
            id="bad-name",
        ),
    ],
)
@FRAMEWORK
def test_batch_get_member_constraints_come_first(ddb_raw, tables, request_items, message):
    assert_error(
        lambda: ddb_raw.batch_get_item(RequestItems=request_items(tables[0]), **BOGUS_CAPACITY), VALIDATION, message
    )


def test_batch_write_duplicates_compare_normalised_numbers(ddb_raw, make_table):
    table = make_table(hash_key="N")
    requests = [{"PutRequest": {"Item": {"pk": N("1")}}}, {"DeleteRequest": {"Key": {"pk": N("1.0")}}}]
    assert_error(lambda: ddb_raw.batch_write_item(RequestItems={table: requests}), VALIDATION, DUPLICATES)


# --- BatchGetItem --------------------------------------------------------------------------


def test_batch_get_items_over_tables(ddb, tables):
    table, ranged = tables
    ddb.put_item(TableName=table, Item={"pk": S("a"), "x": N(1), "m": {"M": {"y": S("z"), "w": S("v")}}})
    ddb.put_item(TableName=table, Item={"pk": S("b"), "x": N(2)})
    ddb.put_item(TableName=ranged, Item={"pk": S("a"), "sk": S("1"), "x": N(3)})
    answer = ddb.batch_get_item(
        RequestItems={
            table: {
                "Keys": [key("a"), key("b"), key("missing")],
                "ProjectionExpression": "m.y, #x",
                "ExpressionAttributeNames": {"#x": "x"},
            },
            ranged: {"Keys": [{"pk": S("a"), "sk": S("1")}], "ConsistentRead": True},
        }
    )
    assert answer["UnprocessedKeys"] == {}
    got = sorted(answer["Responses"][table], key=lambda item: item["x"]["N"])
    assert got == [{"x": N(1), "m": {"M": {"y": S("z")}}}, {"x": N(2)}]
    assert answer["Responses"][ranged] == [{"pk": S("a"), "sk": S("1"), "x": N(3)}]


def test_batch_get_answers_every_table_and_attributes_to_get(ddb, tables):
    table, ranged = tables
    ddb.put_item(TableName=table, Item={"pk": S("a"), "x": N(1), "y": N(2)})
    answer = ddb.batch_get_item(
        RequestItems={
            table: {"Keys": [key("a")], "AttributesToGet": ["y"]},
            ranged: {"Keys": [{"pk": S("a"), "sk": S("1")}]},
        }
    )
    assert answer["Responses"] == {table: [{"y": N(2)}], ranged: []}


def test_batch_get_capacity_counts_found_items_only(ddb, tables):
    table, ranged = tables
    ddb.put_item(TableName=table, Item={"pk": S("a")})
    answer = ddb.batch_get_item(
        RequestItems={table: {"Keys": [key("a"), key("b")]}, ranged: {"Keys": [{"pk": S("a"), "sk": S("1")}]}},
        ReturnConsumedCapacity="TOTAL",
    )
    capacity = sorted(answer["ConsumedCapacity"], key=lambda entry: entry["TableName"] != table)
    assert capacity == [{"TableName": table, "CapacityUnits": 0.5}, {"TableName": ranged, "CapacityUnits": 0.0}]


def test_batch_get_16_mb_limit_leaves_unprocessed_keys(ddb, make_table):
    table = make_table()
    big = "x" * (390 * 1024)  # 399,366 bytes with its names: 42 of them fit in 16 MB
    for start in range(0, 50, 25):
        ddb.batch_write_item(RequestItems={table: [put(f"k{i:02}", v=S(big)) for i in range(start, start + 25)]})
    keys = [key(f"k{i:02}") for i in range(50)]
    answer = ddb.batch_get_item(RequestItems={table: {"Keys": keys, "ProjectionExpression": "pk"}})
    unprocessed = answer["UnprocessedKeys"][table]
    assert len(answer["Responses"][table]) == 42 and len(unprocessed["Keys"]) == 8
    assert unprocessed["ProjectionExpression"] == "pk"  # the rest of the request comes back too
    read = {item["pk"]["S"] for item in answer["Responses"][table]}
    assert read.isdisjoint(k["pk"]["S"] for k in unprocessed["Keys"])
    rest = ddb.batch_get_item(RequestItems=answer["UnprocessedKeys"])
    assert len(rest["Responses"][table]) == 8 and rest["UnprocessedKeys"] == {}


@pytest.mark.parametrize(
    ("label", "request_items", "code", "message"),
    [
        pytest.param(
            "no tables",
            lambda t: {},
            VALIDATION,
            constraint_error(unechoed_clause("RequestItems", "must have length greater than or equal to 1")),
            marks=NEWER_FRAMEWORK,
        ),
        pytest.param(
            "no keys",
            lambda t: {t: {"Keys": []}},
            VALIDATION,
            constraint_error(
                unechoed_clause("RequestItems.{t}.member.Keys", "must have length greater than or equal to 1")
            ),
            marks=NEWER_FRAMEWORK,
        ),
        pytest.param(
            "101 keys",
            lambda t: {t: {"Keys": [key(str(i)) for i in range(101)]}},
            VALIDATION,
            TOO_MANY_KEYS_FOR_ONE_TABLE,
            marks=NEWER_FRAMEWORK,
        ),
        ("duplicates", lambda t: {t: {"Keys": [key("a"), key("a")]}}, VALIDATION, DUPLICATES),
        pytest.param(
            "missing table",
            lambda t: {"nope-table": {"Keys": [key("a")]}},
            NOT_FOUND,
            TABLE_NOT_FOUND,
            marks=MISSING_TABLE,
        ),
        pytest.param(
            "invalid table name", lambda t: {"n": {"Keys": [key("a")]}}, VALIDATION, BAD_TABLE_NAME_GET, marks=FRAMEWORK
        ),
        pytest.param(
            "key missing", lambda t: {t: {"Keys": [{"x": S("a")}]}}, VALIDATION, KEY_SCHEMA_MISMATCH, marks=KEYS_DIFFER
        ),
        pytest.param(
            "extra key attribute",
            lambda t: {t: {"Keys": [{"pk": S("a"), "x": S("a")}]}},
            VALIDATION,
            KEY_SCHEMA_MISMATCH,
            marks=KEYS_DIFFER,
        ),
        pytest.param(
            "bad value", lambda t: {t: {"Keys": [{"pk": N("x")}]}}, VALIDATION, not_a_number("x"), marks=VALUES_DIFFER
        ),
        pytest.param(
            "key type", lambda t: {t: {"Keys": [{"pk": N(1)}]}}, VALIDATION, KEY_SCHEMA_MISMATCH, marks=KEYS_DIFFER
        ),
        (
            "both projections",
            lambda t: {t: {"Keys": [key("a")], "AttributesToGet": ["x"], "ProjectionExpression": "x"}},
            VALIDATION,
            "Can not use both expression and non-expression parameters in the same request: "
            "Non-expression parameters: {{AttributesToGet}} Expression parameters: {{ProjectionExpression}}",
        ),
        (
            "unused name",
            lambda t: {t: {"Keys": [key("a")], "ProjectionExpression": "x", "ExpressionAttributeNames": {"#x": "x"}}},
            VALIDATION,
            "Value provided in ExpressionAttributeNames unused in expressions: keys: {{#x}}",
        ),
        (
            "bad projection",
            lambda t: {t: {"Keys": [key("a")], "ProjectionExpression": "x,"}},
            VALIDATION,
            'Invalid ProjectionExpression: Syntax error; token: "<EOF>", near: ","',
        ),
        # Order: each key's value, then whether it repeats one before it; all that before tables.
        (
            "duplicate, then bad value",
            lambda t: {t: {"Keys": [key("a"), key("a"), {"pk": N("x")}]}},
            VALIDATION,
            DUPLICATES,
        ),
        pytest.param(
            "bad value, then duplicate",
            lambda t: {t: {"Keys": [key("a"), {"pk": N("x")}, key("a")]}},
            VALIDATION,
            not_a_number("x"),
            marks=VALUES_DIFFER,
        ),
        # More than 100 keys for one table break the model's limit, checked before any value.
        pytest.param(
            "bad value, then 100 keys",
            lambda t: {t: {"Keys": [{"pk": N("x")}] + [key(str(i)) for i in range(100)]}},
            VALIDATION,
            TOO_MANY_KEYS_FOR_ONE_TABLE,
            marks=NEWER_FRAMEWORK,
        ),
        pytest.param(
            "bad key, then 100 keys",
            lambda t: {t: {"Keys": [{"x": S("a")}] + [key(str(i)) for i in range(100)]}},
            VALIDATION,
            TOO_MANY_KEYS_FOR_ONE_TABLE,
            marks=NEWER_FRAMEWORK,
        ),
        (
            "duplicates in a missing table",
            lambda t: {"nope-table": {"Keys": [key("a"), key("a")]}},
            VALIDATION,
            DUPLICATES,
        ),
        pytest.param(
            "bad key in a missing table",
            lambda t: {"nope-table": {"Keys": [{"x": S("a")}]}},
            NOT_FOUND,
            TABLE_NOT_FOUND,
            marks=MISSING_TABLE,
        ),
        pytest.param(
            "bad key, bad projection",
            lambda t: {t: {"Keys": [{"x": S("a")}], "ProjectionExpression": "x,"}},
            VALIDATION,
            KEY_SCHEMA_MISMATCH,
            marks=KEYS_DIFFER,
        ),
    ],
)
def test_batch_get_errors(ddb_raw, tables, label, request_items, code, message):
    table, _ = tables
    expected = message if isinstance(message, re.Pattern) else message.format(t=table)
    assert_error(lambda: ddb_raw.batch_get_item(RequestItems=request_items(table)), code, expected)


def test_batch_get_duplicates_compare_numbers_as_sent(ddb_raw, make_table):
    table = make_table(hash_key="N")
    answer = ddb_raw.batch_get_item(RequestItems={table: {"Keys": [{"pk": N("1")}, {"pk": N("1.0")}]}})
    assert answer["Responses"] == {table: []}
