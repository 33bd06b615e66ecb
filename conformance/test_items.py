# ruff: noqa: E501  (tables of DynamoDB messages, one per line)
"""PutItem, GetItem and DeleteItem: round trips, ReturnValues, ConsistentRead and key validation; an
UpdateItem that only removes, on a missing item."""

from __future__ import annotations

from typing import Any

import pytest

from conformance.conftest import unique_name
from conformance.helpers import (
    EMPTY_ATTRIBUTE_NAME,
    EMPTY_SS,
    EMPTY_VALUE,
    FRAMEWORK,
    HASH_KEY_TOO_LARGE,
    KEY_SCHEMA_MISMATCH,
    KEYS_DIFFER,
    MISSING_TABLE,
    MULTIPLE_TYPES,
    NEWER_FRAMEWORK,
    NOT_FOUND,
    NULL_NOT_TRUE,
    RETURN_VALUES_NEWER,
    RETURN_VALUES_NOT_OLD,
    SHORT_NAMES_LOOKED_UP,
    TABLE_NAME_PATTERN,
    TABLE_NOT_FOUND,
    VALIDATION,
    VALUES_DIFFER,
    WRITE_ENVELOPE,
    assert_error,
    clause,
    constraint_error,
    empty_key,
    envelope_marks,
    enveloped,
    key_type_mismatch,
    missing_key,
    not_a_number,
    null_clause,
    request_error,
    service_behaviour,
    strip_metadata,
    unechoed_clause,
)

S = {"S": "a"}
N = {"N": "1"}
PUT_NOT_A_NUMBER = enveloped(not_a_number("abc"))
UNDEFINED_VALUE = (
    "Invalid UpdateExpression: An expression attribute value used in expression is not defined; attribute value: :a"
)


@pytest.fixture
def hash_table(make_table) -> str:
    """pk S HASH."""
    return make_table()


@pytest.fixture
def range_table(make_table) -> str:
    """pk S HASH, sk N RANGE."""
    return make_table(range_key="N")


def put(ddb, table: str, item: dict[str, Any], **kwargs: Any) -> dict[str, Any]:
    return strip_metadata(ddb.put_item(TableName=table, Item=item, **kwargs))


def get(ddb, table: str, key: dict[str, Any], **kwargs: Any) -> dict[str, Any]:
    return strip_metadata(ddb.get_item(TableName=table, Key=key, **kwargs))


# ---------------------------------------------------------------------------------------------------
# Round trips


def test_put_then_get(ddb, hash_table):
    item = {"pk": {"S": "k"}, "name": {"S": "Ada"}, "age": {"N": "36"}, "tags": {"SS": ["x", "y"]}}
    assert put(ddb, hash_table, item) == {}
    assert get(ddb, hash_table, {"pk": {"S": "k"}}) == {"Item": item}


def test_put_then_get_hash_and_range(ddb, range_table):
    one = {"pk": S, "sk": {"N": "1"}, "v": {"S": "one"}}
    two = {"pk": S, "sk": {"N": "2"}, "v": {"S": "two"}}
    put(ddb, range_table, one)
    put(ddb, range_table, two)
    assert get(ddb, range_table, {"pk": S, "sk": {"N": "1"}}) == {"Item": one}
    assert get(ddb, range_table, {"pk": S, "sk": {"N": "2"}}) == {"Item": two}
    assert get(ddb, range_table, {"pk": S, "sk": {"N": "3"}}) == {}
    assert get(ddb, range_table, {"pk": {"S": "b"}, "sk": {"N": "1"}}) == {}


def test_binary_keys(ddb, make_table):
    table = make_table(hash_key="B", range_key="B")
    item = {"pk": {"B": b"\x00\xff"}, "sk": {"B": b"\x01"}, "v": {"B": b"\x80"}}
    put(ddb, table, item)
    assert get(ddb, table, {"pk": {"B": b"\x00\xff"}, "sk": {"B": b"\x01"}}) == {"Item": item}
    assert get(ddb, table, {"pk": {"B": b"\x00\xff"}, "sk": {"B": b"\x02"}}) == {}


def test_keys_are_exact_strings(ddb, hash_table):
    put(ddb, hash_table, {"pk": {"S": "a"}})
    for other in ["A", "a ", " a", "á"]:
        assert get(ddb, hash_table, {"pk": {"S": other}}) == {}


def test_number_keys_compare_by_value(ddb, make_table):
    table = make_table(hash_key="N")
    assert put(ddb, table, {"pk": {"N": "1.0"}, "v": {"S": "first"}}) == {}
    # "1" is the same key as "1.0": the put overwrites, and the key comes back normalised.
    old = put(ddb, table, {"pk": {"N": "1"}, "v": {"S": "second"}}, ReturnValues="ALL_OLD")
    assert old == {"Attributes": {"pk": {"N": "1"}, "v": {"S": "first"}}}
    for spelling in ["1", "1.00", "1e0", "0.1E1", "+1", "01"]:
        assert get(ddb, table, {"pk": {"N": spelling}}) == {"Item": {"pk": {"N": "1"}, "v": {"S": "second"}}}
    put(ddb, table, {"pk": {"N": "-0"}})
    assert get(ddb, table, {"pk": {"N": "0"}}) == {"Item": {"pk": {"N": "0"}}}
    assert ddb.describe_table(TableName=table)["Table"]["ItemCount"] == 2


def test_number_range_key_compares_by_value(ddb, range_table):
    put(ddb, range_table, {"pk": S, "sk": {"N": "2.50"}})
    assert get(ddb, range_table, {"pk": S, "sk": {"N": "25e-1"}}) == {"Item": {"pk": S, "sk": {"N": "2.5"}}}


def test_put_replaces_the_whole_item(ddb, hash_table):
    put(ddb, hash_table, {"pk": S, "a": {"S": "1"}, "b": {"S": "2"}})
    put(ddb, hash_table, {"pk": S, "c": {"S": "3"}})
    assert get(ddb, hash_table, {"pk": S}) == {"Item": {"pk": S, "c": {"S": "3"}}}


def test_get_absent_item(ddb, hash_table):
    assert get(ddb, hash_table, {"pk": {"S": "absent"}}) == {}


@pytest.mark.parametrize("consistent", [True, False])
def test_get_consistent_read(ddb, hash_table, consistent):
    item = {"pk": S, "v": N}
    put(ddb, hash_table, item)
    assert get(ddb, hash_table, {"pk": S}, ConsistentRead=consistent) == {"Item": item}
    assert get(ddb, hash_table, {"pk": {"S": "absent"}}, ConsistentRead=consistent) == {}


def test_delete_item(ddb, hash_table):
    put(ddb, hash_table, {"pk": S, "v": N})
    response = strip_metadata(ddb.delete_item(TableName=hash_table, Key={"pk": S}))
    assert "Attributes" not in response
    assert get(ddb, hash_table, {"pk": S}) == {}


def test_delete_absent_item_succeeds(ddb, hash_table):
    # DynamoDB Local adds ConsumedCapacity here even when not asked for; only Attributes matters.
    response = strip_metadata(ddb.delete_item(TableName=hash_table, Key={"pk": {"S": "absent"}}))
    assert "Attributes" not in response


def test_delete_item_hash_and_range(ddb, range_table):
    put(ddb, range_table, {"pk": S, "sk": {"N": "1"}})
    put(ddb, range_table, {"pk": S, "sk": {"N": "2"}})
    ddb.delete_item(TableName=range_table, Key={"pk": S, "sk": {"N": "1.0"}})
    assert get(ddb, range_table, {"pk": S, "sk": {"N": "1"}}) == {}
    assert get(ddb, range_table, {"pk": S, "sk": {"N": "2"}}) == {"Item": {"pk": S, "sk": {"N": "2"}}}


# ---------------------------------------------------------------------------------------------------
# ReturnValues


def test_put_return_values_all_old(ddb, hash_table):
    first = {"pk": S, "v": {"N": "1.50"}, "s": {"SS": ["b", "a"]}}
    assert put(ddb, hash_table, first, ReturnValues="ALL_OLD") == {}
    old = put(ddb, hash_table, {"pk": S, "v": {"N": "2"}}, ReturnValues="ALL_OLD")
    assert set(old) == {"Attributes"}
    assert old["Attributes"]["v"] == {"N": "1.5"}
    assert sorted(old["Attributes"]["s"]["SS"]) == ["a", "b"]
    assert set(old["Attributes"]) == {"pk", "v", "s"}


@pytest.mark.parametrize("kwargs", [{"ReturnValues": "NONE"}, {}], ids=["NONE", "omitted"])
def test_put_return_values_none(ddb, hash_table, kwargs):
    assert put(ddb, hash_table, {"pk": S, "v": N}, **kwargs) == {}
    assert put(ddb, hash_table, {"pk": S, "v": {"N": "2"}}, **kwargs) == {}
    assert get(ddb, hash_table, {"pk": S}) == {"Item": {"pk": S, "v": {"N": "2"}}}


# A value outside ReturnValues' enum breaks the model's constraint; one of the enum that the operation
# does not take is the operation's own error, inside the envelope (DynamoDB Local: "Return values set to
# invalid value").
RETURN_VALUES_ENUM = "must satisfy enum value set: [ALL_NEW, UPDATED_OLD, ALL_OLD, NONE, UPDATED_NEW]"
NOT_OLD = pytest.mark.parametrize("value", ["ALL_NEW", "UPDATED_OLD", "UPDATED_NEW"])


@NOT_OLD
@WRITE_ENVELOPE
def test_put_return_values_not_old(ddb_raw, hash_table, value):
    assert_error(
        lambda: ddb_raw.put_item(TableName=hash_table, Item={"pk": S}, ReturnValues=value),
        VALIDATION,
        enveloped(RETURN_VALUES_NOT_OLD),
    )
    assert get(ddb_raw, hash_table, {"pk": S}) == {}


@pytest.mark.parametrize("value", ["all_old", "BOGUS"])
@NEWER_FRAMEWORK
def test_put_return_values_invalid(ddb_raw, hash_table, value):
    assert_error(
        lambda: ddb_raw.put_item(TableName=hash_table, Item={"pk": S}, ReturnValues=value),
        VALIDATION,
        constraint_error(RETURN_VALUES_NEWER),
    )
    assert get(ddb_raw, hash_table, {"pk": S}) == {}


@pytest.mark.parametrize(
    ("operation", "document", "message"),
    [
        # The newer validation's enum clause among the older ones, in member order.
        (
            "put_item",
            {"Item": {"pk": S}, "ReturnItemCollectionMetrics": "INVALID"},
            constraint_error(
                clause("INVALID", "returnConsumedCapacity", "must satisfy enum value set: [INDEXES, TOTAL, NONE]"),
                RETURN_VALUES_NEWER,
                clause("INVALID", "returnItemCollectionMetrics", "must satisfy enum value set: [SIZE, NONE]"),
            ),
        ),
        (
            "delete_item",
            {"Key": {"pk": S}},
            constraint_error(
                clause("INVALID", "returnConsumedCapacity", "must satisfy enum value set: [INDEXES, TOTAL, NONE]"),
                RETURN_VALUES_NEWER,
            ),
        ),
        # UpdateItem reports it alone.
        ("update_item", {"Key": {"pk": S}}, constraint_error(RETURN_VALUES_NEWER)),
    ],
)
@NEWER_FRAMEWORK
def test_invalid_enums_beside_return_values(ddb_raw, operation, document, message):
    assert_error(
        lambda: getattr(ddb_raw, operation)(
            TableName=unique_name(), ReturnValues="INVALID", ReturnConsumedCapacity="INVALID", **document
        ),
        VALIDATION,
        message,
    )


# An empty table name: the newer validation reports it alone; with a required member missing, the older
# one reports every violation.
@pytest.mark.parametrize(
    ("operation", "request_", "message"),
    [
        (
            "put_item",
            {"Item": {}, "ReturnValues": "INVALID"},
            constraint_error(unechoed_clause("TableName", "must have length greater than or equal to 1")),
        ),
        ("delete_item", {"Key": {}}, constraint_error(unechoed_clause("TableName", "must have length greater than or equal to 1"))),
        ("update_item", {"Key": {}}, constraint_error(unechoed_clause("TableName", "must have length greater than or equal to 1"))),
        (
            "update_item",
            {"UpdateExpression": "SET a = :a", "ExpressionAttributeValues": {":a": S}},
            constraint_error(
                clause("", "tableName", "must have length greater than or equal to 1"), null_clause("key")
            ),
        ),
        (
            "update_item",
            {"UpdateExpression": "SET a = :a", "ExpressionAttributeValues": {":a": S}, "ReturnConsumedCapacity": "INVALID", "ReturnValues": "INVALID"},
            constraint_error(
                clause("INVALID", "returnConsumedCapacity", "must satisfy enum value set: [INDEXES, TOTAL, NONE]"),
                clause("", "tableName", "must have length greater than or equal to 1"),
                clause("INVALID", "returnValues", RETURN_VALUES_ENUM),
                null_clause("key"),
            ),
        ),
        (
            "update_item",
            {
                "TableName": "absent_table",
                "AttributeUpdates": {"x": {"Action": "PUT", "Value": S}},
                "Expected": {"a": {"Exists": False}, "b": {"Exists": False}},
                "ConditionalOperator": "XOR",
            },
            constraint_error(
                clause("XOR", "conditionalOperator", "must satisfy enum value set: [OR, AND]"), null_clause("key")
            ),
        ),
    ],
)
@NEWER_FRAMEWORK
def test_empty_table_name_and_missing_members(ddb_raw, operation, request_, message):
    assert_error(lambda: getattr(ddb_raw, operation)(**{"TableName": "", **request_}), VALIDATION, message)


def test_delete_return_values_all_old(ddb, range_table):
    item = {"pk": S, "sk": {"N": "1"}, "x": {"NS": ["2", "1"]}, "m": {"M": {"k": {"L": [{"NULL": True}]}}}}
    put(ddb, range_table, item)
    response = strip_metadata(
        ddb.delete_item(TableName=range_table, Key={"pk": S, "sk": {"N": "1"}}, ReturnValues="ALL_OLD")
    )
    attributes = response["Attributes"]
    assert sorted(attributes["x"]["NS"]) == ["1", "2"]
    assert {k: v for k, v in attributes.items() if k != "x"} == {k: v for k, v in item.items() if k != "x"}
    again = strip_metadata(
        ddb.delete_item(TableName=range_table, Key={"pk": S, "sk": {"N": "1"}}, ReturnValues="ALL_OLD")
    )
    assert "Attributes" not in again


def test_delete_return_values_none(ddb, hash_table):
    put(ddb, hash_table, {"pk": S})
    response = strip_metadata(ddb.delete_item(TableName=hash_table, Key={"pk": S}, ReturnValues="NONE"))
    assert "Attributes" not in response
    assert get(ddb, hash_table, {"pk": S}) == {}


@NOT_OLD
@WRITE_ENVELOPE
def test_delete_return_values_not_old(ddb_raw, hash_table, value):
    put(ddb_raw, hash_table, {"pk": S})
    assert_error(
        lambda: ddb_raw.delete_item(TableName=hash_table, Key={"pk": S}, ReturnValues=value),
        VALIDATION,
        enveloped(RETURN_VALUES_NOT_OLD),
    )
    assert get(ddb_raw, hash_table, {"pk": S}) == {"Item": {"pk": S}}


@NEWER_FRAMEWORK
def test_delete_return_values_invalid(ddb_raw, hash_table):
    put(ddb_raw, hash_table, {"pk": S})
    assert_error(
        lambda: ddb_raw.delete_item(TableName=hash_table, Key={"pk": S}, ReturnValues="BOGUS"),
        VALIDATION,
        constraint_error(RETURN_VALUES_NEWER),
    )
    assert get(ddb_raw, hash_table, {"pk": S}) == {"Item": {"pk": S}}


@WRITE_ENVELOPE
def test_return_values_checked_before_item(ddb_raw, hash_table):
    for item in [{"x": S}, {"pk": S, "v": {"N": "abc"}}, {"pk": {"N": "1"}}]:
        assert_error(
            lambda: ddb_raw.put_item(TableName=hash_table, Item=item, ReturnValues="ALL_NEW"),  # noqa: B023
            VALIDATION,
            enveloped(RETURN_VALUES_NOT_OLD),
        )


# ---------------------------------------------------------------------------------------------------
# Missing tables and bad table names


@pytest.mark.parametrize(
    ("operation", "kwargs"),
    [
        ("put_item", {"Item": {"pk": S}}),
        ("get_item", {"Key": {"pk": S}}),
        ("get_item", {"Key": {"pk": S}, "ConsistentRead": True}),
        ("delete_item", {"Key": {"pk": S}}),
        # What only the table can tell (the key's shape) comes after the lookup.
        ("get_item", {"Key": {"pk": S, "x": S}}),
        ("delete_item", {"Key": {}}),
    ],
)
@MISSING_TABLE
def test_item_operations_on_missing_table(ddb_raw, operation, kwargs):
    assert_error(lambda: getattr(ddb_raw, operation)(TableName=unique_name(), **kwargs), NOT_FOUND, TABLE_NOT_FOUND)


@pytest.mark.parametrize(
    ("operation", "kwargs", "message"),
    [
        ("put_item", {"Item": {"pk": S}, "ReturnValues": "ALL_NEW"}, RETURN_VALUES_NOT_OLD),
        ("delete_item", {"Key": {"pk": S}, "ReturnValues": "ALL_NEW"}, RETURN_VALUES_NOT_OLD),
        ("put_item", {"Item": {"pk": S, "n": {"N": "abc"}}}, not_a_number("abc")),
        ("put_item", {"Item": {"x": {}}}, EMPTY_VALUE),
        ("put_item", {"Item": {"": S}}, EMPTY_ATTRIBUTE_NAME),
        ("put_item", {"Item": {"pk": S, "s": {"SS": []}}}, EMPTY_SS),
        ("update_item", {"Key": {"pk": S}, "UpdateExpression": "SET a = :a"}, UNDEFINED_VALUE),
        ("get_item", {"Key": {"x": {}}}, EMPTY_VALUE),
    ],
)
@service_behaviour(
    "DynamoDB Local looks the table up before it checks the request",
    source="dynalite's live-service tests: a request's own checks run before its table is read",
)
def test_request_checked_before_table_is_looked_up(ddb_raw, operation, kwargs, message):
    assert_error(
        lambda: getattr(ddb_raw, operation)(TableName=unique_name(), **kwargs),
        VALIDATION,
        request_error(operation, message),
    )


# ---------------------------------------------------------------------------------------------------
# The single-item writes report every error of their request's own checks inside the envelope; what
# needs the table's key is reported bare (paritysuite/dynamodb-conformance tests/tier3/error-messages/
# putItem.test.ts, deleteItem.test.ts and updateItem.test.ts, eu-west-2 and us-east-1, 2026-10-09).

INVALID = "One or more parameter values were invalid: "
CONDITION = {"ConditionExpression": "attribute_exists(a)"}


@pytest.mark.parametrize(
    ("operation", "kwargs", "message"),
    [
        ("put_item", {"ExpressionAttributeValues": {":v": S}}, "ExpressionAttributeValues can only be specified when using expressions"),
        ("put_item", {"ExpressionAttributeNames": {"#a": "a"}}, "ExpressionAttributeNames can only be specified when using expressions"),
        ("put_item", {"ConditionExpression": ""}, "Invalid ConditionExpression: The expression can not be empty;"),
        ("put_item", {"Expected": {"a": {"Exists": True}}}, f"{INVALID}Value must be provided when Exists is true for Attribute: a"),
        (
            "put_item",
            {"Expected": {"a": {"ComparisonOperator": "EQ"}}},
            f"{INVALID}Value or AttributeValueList must be used with ComparisonOperator: EQ for Attribute: a",
        ),
        ("delete_item", {"ExpressionAttributeValues": {":v": S}}, "ExpressionAttributeValues can only be specified when using expressions"),
        ("delete_item", {"ExpressionAttributeNames": {"#a": "a"}}, "ExpressionAttributeNames can only be specified when using expressions"),
        # Names without an expression, beside a legacy condition: not the message for mixed parameters.
        (
            "delete_item",
            {"Expected": {"a": {"Exists": False}}, "ExpressionAttributeNames": {"#a": "a"}},
            "ExpressionAttributeNames can only be specified when using expressions",
        ),
        ("delete_item", {**CONDITION, "ExpressionAttributeValues": {}}, "ExpressionAttributeValues must not be empty"),
        ("delete_item", {**CONDITION, "ExpressionAttributeNames": {}}, "ExpressionAttributeNames must not be empty"),
        ("delete_item", {"ConditionExpression": ""}, "Invalid ConditionExpression: The expression can not be empty;"),
        ("delete_item", {"ReturnValues": "ALL_NEW"}, RETURN_VALUES_NOT_OLD),
        ("delete_item", {"ReturnValues": "UPDATED_NEW"}, RETURN_VALUES_NOT_OLD),
        ("delete_item", {"Expected": {"a": {"Exists": True}}}, f"{INVALID}Value must be provided when Exists is true for Attribute: a"),
        ("delete_item", {"Expected": {"a": {"Exists": False, "Value": S}}}, f"{INVALID}Value cannot be used when Exists is false for Attribute: a"),
        (
            "delete_item",
            {"Expected": {"a": {"Value": S, "ComparisonOperator": "EQ", "AttributeValueList": [S]}}},
            f"{INVALID}Value and AttributeValueList cannot be used together for Attribute: a",
        ),
        (
            "delete_item",
            {"Expected": {"a": {"ComparisonOperator": "EQ"}}},
            f"{INVALID}Value or AttributeValueList must be used with ComparisonOperator: EQ for Attribute: a",
        ),
        (
            "delete_item",
            {"Expected": {"a": {"ComparisonOperator": "BETWEEN", "AttributeValueList": [S]}}},
            f"{INVALID}Invalid number of argument(s) for the BETWEEN ComparisonOperator",
        ),
        # The update's own value is defined, so the condition is the only problem.
        (
            "update_item",
            {"UpdateExpression": "SET b = :w", "ConditionExpression": "a = :v", "ExpressionAttributeValues": {":w": S}},
            "Invalid ConditionExpression: An expression attribute value used in expression is not defined; attribute value: :v",
        ),
        (
            "update_item",
            {"UpdateExpression": "INVALID SYNTAX HERE", "ExpressionAttributeValues": {":v": S}},
            'Invalid UpdateExpression: Syntax error; token: "INVALID", near: "INVALID SYNTAX"',
        ),
    ],
)
@WRITE_ENVELOPE
def test_write_request_errors_are_enveloped(ddb_raw, hash_table, operation, kwargs, message):
    document = {"Item" if operation == "put_item" else "Key": {"pk": S}}
    assert_error(
        lambda: getattr(ddb_raw, operation)(TableName=hash_table, **document, **kwargs), VALIDATION, enveloped(message)
    )
    assert get(ddb_raw, hash_table, {"pk": S}) == {}


@pytest.mark.parametrize(
    ("operation", "kwargs"),
    [
        ("put_item", {"Item": {"pk": {"B": b""}}}),
        ("delete_item", {"Key": {"pk": {"B": b""}}}),
        ("update_item", {"Key": {"pk": {"B": b""}}, "UpdateExpression": "SET a = :v", "ExpressionAttributeValues": {":v": S}}),
    ],
)
def test_empty_binary_key_is_reported_bare(ddb, make_table, operation, kwargs):
    table = make_table(hash_key="B")
    assert_error(lambda: getattr(ddb, operation)(TableName=table, **kwargs), VALIDATION, empty_key("pk", True))


@MISSING_TABLE
def test_key_attribute_update_needs_the_table(ddb_raw):
    assert_error(
        lambda: ddb_raw.update_item(
            TableName=unique_name(), Key={"pk": S}, UpdateExpression="SET pk = :v", ExpressionAttributeValues={":v": S}
        ),
        NOT_FOUND,
        TABLE_NOT_FOUND,
    )


@pytest.mark.parametrize(
    ("operation", "kwargs"),
    [
        ("put_item", {"Item": {"pk": S}}),
        ("put_item", {"Item": {}, "ReturnValues": "ALL_NEW"}),
        ("get_item", {"Key": {"pk": S}}),
        ("delete_item", {"Key": {"pk": S}}),
        ("update_item", {"Key": {}}),  # only the name, not the empty key (validation-ordering/updateItem.test.ts)
    ],
)
@FRAMEWORK
def test_item_operations_invalid_table_name(ddb, operation, kwargs):
    assert_error(
        lambda: getattr(ddb, operation)(TableName="bad name", **kwargs),
        VALIDATION,
        constraint_error(clause("bad name", "tableName", TABLE_NAME_PATTERN)),
    )


@pytest.mark.parametrize("name", ["a", "ab", "a" * 255])
@SHORT_NAMES_LOOKED_UP
def test_short_table_names_are_looked_up(ddb, name):
    assert_error(lambda: ddb.get_item(TableName=name, Key={"pk": S}), NOT_FOUND, TABLE_NOT_FOUND)


# ---------------------------------------------------------------------------------------------------
# Key validation: PutItem. Tables: "hash" is pk S; "range" is pk S + sk N; "binary" is pk B + sk B.

LONG_HASH = "h" * 2049


@pytest.mark.parametrize(
    ("table", "item", "message"),
    [
        pytest.param("hash", {}, missing_key("pk"), id="empty-item", marks=KEYS_DIFFER),
        pytest.param("hash", {"x": S}, missing_key("pk"), id="no-key", marks=KEYS_DIFFER),
        pytest.param("range", {"pk": S}, missing_key("sk"), id="missing-range", marks=KEYS_DIFFER),
        pytest.param("range", {"sk": N}, missing_key("pk"), id="missing-hash", marks=KEYS_DIFFER),
        pytest.param("hash", {"pk": N}, key_type_mismatch("pk", "S", "N"), id="hash-N-for-S", marks=KEYS_DIFFER),
        pytest.param(
            "hash", {"pk": {"B": b"a"}}, key_type_mismatch("pk", "S", "B"), id="hash-B-for-S", marks=KEYS_DIFFER
        ),
        pytest.param(
            "range",
            {"pk": S, "sk": {"S": "1"}},
            key_type_mismatch("sk", "N", "S"),
            id="range-S-for-N",
            marks=KEYS_DIFFER,
        ),
        pytest.param(
            "range", {"pk": N, "sk": {"S": "1"}}, key_type_mismatch("pk", "S", "N"), id="both-wrong", marks=KEYS_DIFFER
        ),
        pytest.param(
            "binary",
            {"pk": S, "sk": {"B": b"a"}},
            key_type_mismatch("pk", "B", "S"),
            id="hash-S-for-B",
            marks=KEYS_DIFFER,
        ),
        pytest.param(
            "hash", {"pk": {"SS": ["a"]}}, key_type_mismatch("pk", "S", "SS"), id="hash-SS", marks=KEYS_DIFFER
        ),
        pytest.param(
            "hash", {"pk": {"NS": ["1"]}}, key_type_mismatch("pk", "S", "NS"), id="hash-NS", marks=KEYS_DIFFER
        ),
        pytest.param(
            "hash", {"pk": {"BS": [b"a"]}}, key_type_mismatch("pk", "S", "BS"), id="hash-BS", marks=KEYS_DIFFER
        ),
        pytest.param(
            "hash", {"pk": {"BOOL": True}}, key_type_mismatch("pk", "S", "BOOL"), id="hash-BOOL", marks=KEYS_DIFFER
        ),
        pytest.param(
            "hash", {"pk": {"NULL": True}}, key_type_mismatch("pk", "S", "NULL"), id="hash-NULL", marks=KEYS_DIFFER
        ),
        pytest.param(
            "hash", {"pk": {"M": {}}}, key_type_mismatch("pk", "S", "M"), id="hash-M", marks=KEYS_DIFFER
        ),
        pytest.param(
            "hash", {"pk": {"L": []}}, key_type_mismatch("pk", "S", "L"), id="hash-L", marks=KEYS_DIFFER
        ),
        pytest.param(
            "range",
            {"pk": S, "sk": {"NS": ["1"]}},
            key_type_mismatch("sk", "N", "NS"),
            id="range-NS",
            marks=KEYS_DIFFER,
        ),
        pytest.param("hash", {"pk": {"S": ""}}, empty_key("pk"), id="hash-empty-string"),
        pytest.param("binary", {"pk": {"B": b""}, "sk": {"B": b"a"}}, empty_key("pk", True), id="hash-empty-binary"),
        pytest.param("binary", {"pk": {"B": b"a"}, "sk": {"B": b""}}, empty_key("sk", True), id="range-empty-binary"),
        # The values are the request's own checks, reported inside the envelope.
        pytest.param("hash", {"pk": {}}, enveloped(EMPTY_VALUE), id="hash-empty-value", marks=WRITE_ENVELOPE),
        pytest.param(
            "hash", {"pk": {"S": "a", "N": "1"}}, enveloped(MULTIPLE_TYPES), id="hash-two-types", marks=WRITE_ENVELOPE
        ),
        pytest.param(
            "hash", {"pk": {"NULL": False}}, enveloped(NULL_NOT_TRUE), id="hash-NULL-false", marks=WRITE_ENVELOPE
        ),
        pytest.param("hash", {"pk": {"SS": []}}, enveloped(EMPTY_SS), id="hash-empty-set", marks=WRITE_ENVELOPE),
        pytest.param(
            "range", {"pk": S, "sk": {"N": "abc"}}, PUT_NOT_A_NUMBER, id="range-not-a-number", marks=VALUES_DIFFER
        ),
        # Precedence: attribute values first (in request order), then the key attributes in key-schema
        # order, each checked for presence, type, emptiness and size.
        pytest.param(
            "hash", {"x": {"N": "abc"}}, PUT_NOT_A_NUMBER, id="value-before-missing-key", marks=VALUES_DIFFER
        ),
        pytest.param(
            "hash", {"pk": N, "x": {"N": "abc"}}, PUT_NOT_A_NUMBER, id="value-before-key-type", marks=VALUES_DIFFER
        ),
        pytest.param(
            "hash",
            {"pk": {"S": ""}, "x": {"N": "abc"}},
            PUT_NOT_A_NUMBER,
            id="value-before-empty-key",
            marks=VALUES_DIFFER,
        ),
        pytest.param(
            "hash",
            {"x": S, "": S},
            enveloped(EMPTY_ATTRIBUTE_NAME),
            id="empty-name-before-missing-key",
            marks=WRITE_ENVELOPE,
        ),
        pytest.param(
            "hash",
            {"x": {"NULL": False}},
            enveloped(NULL_NOT_TRUE),
            id="null-false-before-missing-key",
            marks=WRITE_ENVELOPE,
        ),
        pytest.param(
            "hash",
            {"x": {"S": "a", "N": "1"}},
            enveloped(MULTIPLE_TYPES),
            id="two-types-before-missing-key",
            marks=WRITE_ENVELOPE,
        ),
        pytest.param(
            "range",
            {"pk": N},
            key_type_mismatch("pk", "S", "N"),
            id="hash-type-before-missing-range",
            marks=KEYS_DIFFER,
        ),
        pytest.param("range", {"pk": {"S": ""}}, empty_key("pk"), id="hash-empty-before-missing-range"),
        pytest.param(
            "range",
            {"pk": N, "sk": {"S": ""}},
            key_type_mismatch("pk", "S", "N"),
            id="hash-type-before-range",
            marks=KEYS_DIFFER,
        ),
        pytest.param(
            "range", {"pk": {"S": ""}, "sk": {"S": "1"}}, empty_key("pk"), id="hash-empty-before-range"
        ),
        pytest.param(
            "range",
            {"pk": {"S": LONG_HASH}, "sk": {"S": "1"}},
            HASH_KEY_TOO_LARGE,
            id="hash-size-before-range",
            marks=KEYS_DIFFER,
        ),
        pytest.param(
            "range", {"sk": {"S": "1"}, "pk": {"S": ""}}, empty_key("pk"), id="schema-order-not-item-order"
        ),
        pytest.param(
            "range", {"pk": {}}, enveloped(EMPTY_VALUE), id="empty-value-before-missing-range", marks=WRITE_ENVELOPE
        ),
    ],
)
def test_put_item_key_errors(ddb_raw, make_table, table, item, message):
    tables = {
        "hash": lambda: make_table(),
        "range": lambda: make_table(range_key="N"),
        "binary": lambda: make_table(hash_key="B", range_key="B"),
    }
    name = tables[table]()
    assert_error(lambda: ddb_raw.put_item(TableName=name, Item=item), VALIDATION, message)
    assert ddb_raw.describe_table(TableName=name)["Table"]["ItemCount"] == 0


def test_put_item_empty_string_range_key(ddb, make_table):
    table = make_table(range_key="S")
    assert_error(lambda: ddb.put_item(TableName=table, Item={"pk": S, "sk": {"S": ""}}), VALIDATION, empty_key("sk"))


def test_put_item_custom_key_names_in_messages(ddb, make_table):
    table = make_table(hash_name="Id", range_name="When", range_key="S")
    assert_error(
        lambda: ddb.put_item(TableName=table, Item={"Id": S, "When": {"S": ""}}),
        VALIDATION,
        empty_key("When"),
    )


@KEYS_DIFFER
def test_put_item_missing_key_names_it(ddb, make_table):
    table = make_table(hash_name="Id", range_name="When", range_key="S")
    assert_error(lambda: ddb.put_item(TableName=table, Item={"pk": S, "sk": S}), VALIDATION, missing_key("Id"))


# ---------------------------------------------------------------------------------------------------
# Key validation: GetItem and DeleteItem (same rules)


@pytest.mark.parametrize(
    ("table", "key", "message"),
    [
        pytest.param("hash", {}, KEY_SCHEMA_MISMATCH, id="empty-key", marks=KEYS_DIFFER),
        pytest.param("hash", {"x": S}, KEY_SCHEMA_MISMATCH, id="other-attribute", marks=KEYS_DIFFER),
        pytest.param("hash", {"pk": S, "x": S}, KEY_SCHEMA_MISMATCH, id="extra-attribute", marks=KEYS_DIFFER),
        pytest.param("range", {"pk": S}, KEY_SCHEMA_MISMATCH, id="range-missing", marks=KEYS_DIFFER),
        pytest.param("range", {"sk": N}, KEY_SCHEMA_MISMATCH, id="hash-missing", marks=KEYS_DIFFER),
        pytest.param("range", {"pk": S, "sk": N, "x": S}, KEY_SCHEMA_MISMATCH, id="range-extra", marks=KEYS_DIFFER),
        pytest.param("range", {"pk": S, "x": S}, KEY_SCHEMA_MISMATCH, id="range-replaced", marks=KEYS_DIFFER),
        pytest.param("hash", {"pk": N}, KEY_SCHEMA_MISMATCH, id="hash-wrong-type", marks=KEYS_DIFFER),
        pytest.param("range", {"pk": S, "sk": S}, KEY_SCHEMA_MISMATCH, id="range-wrong-type", marks=KEYS_DIFFER),
        pytest.param("hash", {"pk": {"SS": ["a"]}}, KEY_SCHEMA_MISMATCH, id="hash-SS", marks=KEYS_DIFFER),
        pytest.param("hash", {"pk": {"M": {}}}, KEY_SCHEMA_MISMATCH, id="hash-M", marks=KEYS_DIFFER),
        pytest.param("hash", {"pk": {"S": ""}}, empty_key("pk"), id="hash-empty-string"),
        pytest.param("range", {"pk": {"S": ""}, "sk": N}, empty_key("pk"), id="hash-empty-string-range-table"),
        pytest.param("binary", {"pk": {"B": b""}, "sk": {"B": b"a"}}, empty_key("pk", True), id="hash-empty-binary"),
        pytest.param("binary", {"pk": {"B": b"a"}, "sk": {"B": b""}}, empty_key("sk", True), id="range-empty-binary"),
        pytest.param("hash", {"pk": {"S": "h" * 2049}}, HASH_KEY_TOO_LARGE, id="hash-too-large", marks=KEYS_DIFFER),
        # Precedence
        pytest.param("hash", {"pk": N, "x": S}, KEY_SCHEMA_MISMATCH, id="count-before-type", marks=KEYS_DIFFER),
        pytest.param(
            "hash", {"pk": {"S": ""}, "x": S}, KEY_SCHEMA_MISMATCH, id="count-before-empty", marks=KEYS_DIFFER
        ),
        pytest.param("range", {"pk": N}, KEY_SCHEMA_MISMATCH, id="count-before-type-range", marks=KEYS_DIFFER),
        pytest.param(
            "range", {"pk": N, "sk": {"S": ""}}, KEY_SCHEMA_MISMATCH, id="hash-type-before-range", marks=KEYS_DIFFER
        ),
        pytest.param("range", {"pk": {"S": ""}, "sk": S}, empty_key("pk"), id="hash-empty-before-range-type"),
        pytest.param(
            "range",
            {"pk": {"S": "h" * 2049}, "sk": S},
            HASH_KEY_TOO_LARGE,
            id="hash-size-before-range",
            marks=KEYS_DIFFER,
        ),
    ],
)
@pytest.mark.parametrize("operation", ["get_item", "delete_item"])
def test_get_and_delete_key_errors(ddb_raw, make_table, operation, table, key, message):
    tables = {
        "hash": lambda: make_table(),
        "range": lambda: make_table(range_key="N"),
        "binary": lambda: make_table(hash_key="B", range_key="B"),
    }
    name = tables[table]()
    assert_error(lambda: getattr(ddb_raw, operation)(TableName=name, Key=key), VALIDATION, message)


# The key's values, checked before the table is read: DeleteItem reports them inside the envelope,
# GetItem bare.
@pytest.mark.parametrize(
    ("key", "message"),
    [
        pytest.param({"pk": {}}, EMPTY_VALUE, id="empty-value"),
        pytest.param({"pk": {"S": "a", "N": "1"}}, MULTIPLE_TYPES, id="two-types"),
        pytest.param({"pk": {"NULL": False}}, NULL_NOT_TRUE, id="null-false"),
        pytest.param({"pk": {"SS": []}}, EMPTY_SS, id="empty-set"),
        pytest.param({"": S}, EMPTY_ATTRIBUTE_NAME, id="empty-attribute-name"),
        pytest.param({"pk": S, "sk": {"N": "abc"}}, not_a_number("abc"), id="not-a-number", marks=VALUES_DIFFER),
        # Precedence: values before the number of key attributes.
        pytest.param({"pk": {}, "x": S}, EMPTY_VALUE, id="value-before-count"),
        pytest.param(
            {"pk": S, "sk": {"N": "abc"}, "x": S}, not_a_number("abc"), id="number-before-count", marks=VALUES_DIFFER
        ),
    ],
)
@pytest.mark.parametrize(
    "operation", [pytest.param(name, marks=envelope_marks(name)) for name in ("get_item", "delete_item")]
)
def test_get_and_delete_value_errors(ddb_raw, make_table, operation, key, message):
    name = make_table(range_key="N")
    assert_error(
        lambda: getattr(ddb_raw, operation)(TableName=name, Key=key), VALIDATION, request_error(operation, message)
    )


@pytest.mark.parametrize("operation", ["get_item", "delete_item"])
def test_get_and_delete_empty_string_range_key(ddb, make_table, operation):
    table = make_table(range_key="S")
    assert_error(
        lambda: getattr(ddb, operation)(TableName=table, Key={"pk": S, "sk": {"S": ""}}),
        VALIDATION,
        empty_key("sk"),
    )


def test_failed_delete_leaves_item(ddb, hash_table):
    put(ddb, hash_table, {"pk": S})
    with pytest.raises(ddb.exceptions.ClientError):
        ddb.delete_item(TableName=hash_table, Key={"pk": S, "x": S})
    assert get(ddb, hash_table, {"pk": S}) == {"Item": {"pk": S}}


def test_modeled_exception_classes(ddb, hash_table):
    with pytest.raises(ddb.exceptions.ResourceNotFoundException):
        ddb.get_item(TableName=unique_name(), Key={"pk": S})
    with pytest.raises(ddb.exceptions.ClientError) as excinfo:
        ddb.get_item(TableName=hash_table, Key={"pk": N})
    assert excinfo.value.response["Error"]["Code"] == VALIDATION


# ---------------------------------------------------------------------------------------------------
# UpdateItem on a missing item

ONLY_REMOVES = service_behaviour(
    "DynamoDB Local creates the item (its key alone) even when the update only removes attributes",
    source="scylladb/scylladb test/alternator/test_item.py test_update_item_non_existent and "
    "test/alternator/test_returnvalues.py test_update_item_returnvalues_all_new (pass on DynamoDB); "
    "scylladb/scylladb#5862",
)


@ONLY_REMOVES
@pytest.mark.parametrize(
    "update",
    [
        pytest.param({"UpdateExpression": "REMOVE a"}, id="remove"),
        pytest.param({"UpdateExpression": "REMOVE a, b.c, d[1]"}, id="remove-several"),
        pytest.param(
            {"UpdateExpression": "DELETE s :v", "ExpressionAttributeValues": {":v": {"SS": ["x"]}}}, id="delete"
        ),
        pytest.param(
            {"UpdateExpression": "REMOVE a DELETE s :v", "ExpressionAttributeValues": {":v": {"NS": ["1"]}}},
            id="remove-and-delete",
        ),
        pytest.param({"AttributeUpdates": {"a": {"Action": "DELETE"}}}, id="legacy-delete"),
        pytest.param(
            {"AttributeUpdates": {"s": {"Action": "DELETE", "Value": {"SS": ["x"]}}}}, id="legacy-delete-members"
        ),
    ],
)
@pytest.mark.parametrize("return_values", ["NONE", "ALL_NEW", "UPDATED_NEW", "ALL_OLD", "UPDATED_OLD"])
def test_update_that_only_removes_does_not_create_the_item(ddb, hash_table, update, return_values):
    answer = strip_metadata(ddb.update_item(TableName=hash_table, Key={"pk": S}, ReturnValues=return_values, **update))
    assert answer == {}
    assert get(ddb, hash_table, {"pk": S}, ConsistentRead=True) == {}
    assert ddb.scan(TableName=hash_table)["Count"] == 0


@pytest.mark.parametrize(
    "update",
    [
        pytest.param({}, id="no-update"),
        pytest.param({"AttributeUpdates": {}}, id="empty-legacy-update"),
        pytest.param(
            {"UpdateExpression": "REMOVE a SET b = :v", "ExpressionAttributeValues": {":v": S}}, id="remove-and-set"
        ),
        pytest.param({"UpdateExpression": "ADD n :v", "ExpressionAttributeValues": {":v": N}}, id="add"),
    ],
)
def test_update_that_writes_creates_the_item(ddb, hash_table, update):
    ddb.update_item(TableName=hash_table, Key={"pk": S}, **update)
    item = get(ddb, hash_table, {"pk": S}, ConsistentRead=True)["Item"]
    assert item["pk"] == S and set(item) <= {"pk", "b", "n"}


@ONLY_REMOVES
def test_update_that_only_removes_still_checks_its_condition(ddb, hash_table):
    with pytest.raises(ddb.exceptions.ConditionalCheckFailedException):
        ddb.update_item(
            TableName=hash_table, Key={"pk": S}, UpdateExpression="REMOVE a", ConditionExpression="attribute_exists(pk)"
        )
    ddb.update_item(
        TableName=hash_table, Key={"pk": S}, UpdateExpression="REMOVE a", ConditionExpression="attribute_not_exists(pk)"
    )
    assert get(ddb, hash_table, {"pk": S}, ConsistentRead=True) == {}


@ONLY_REMOVES
def test_transaction_update_that_only_removes_does_not_create_the_item(ddb, hash_table):
    ddb.transact_write_items(
        TransactItems=[
            {"Update": {"TableName": hash_table, "Key": {"pk": S}, "UpdateExpression": "REMOVE a"}},
            {"Put": {"TableName": hash_table, "Item": {"pk": {"S": "other"}}}},
        ]
    )
    assert get(ddb, hash_table, {"pk": S}, ConsistentRead=True) == {}
    assert ddb.scan(TableName=hash_table)["Count"] == 1


@pytest.mark.parametrize(
    ("expression", "expected"),
    [
        pytest.param(
            "SET a[84] = :a, a[37] = :b, a[17] = :c, a[50] = :d", ["0", "17", "37", "50", "84"], id="reversed"
        ),
        pytest.param("SET a[9] = :a, a[0] = :b, a[5] = :c", ["37", "17", "84"], id="one-in-place"),
        pytest.param("SET a[1] = :d, a[2] = :c", ["0", "50", "17"], id="written-in-order"),
    ],
)
def test_list_elements_set_past_the_end_append_in_index_order(ddb, hash_table, expression, expected):
    put(ddb, hash_table, {"pk": S, "a": {"L": [{"N": "0"}]}})
    values = {":a": {"N": "84"}, ":b": {"N": "37"}, ":c": {"N": "17"}, ":d": {"N": "50"}}
    used = {name: value for name, value in values.items() if name in expression}
    answer = ddb.update_item(
        TableName=hash_table,
        Key={"pk": S},
        UpdateExpression=expression,
        ExpressionAttributeValues=used,
        ReturnValues="ALL_NEW",
    )
    assert [member["N"] for member in answer["Attributes"]["a"]["L"]] == expected
