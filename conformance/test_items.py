"""PutItem, GetItem and DeleteItem: round trips, ReturnValues, ConsistentRead and key validation."""

from __future__ import annotations

from typing import Any

import pytest

from conformance.conftest import unique_name
from conformance.helpers import (
    EMPTY_ATTRIBUTE_NAME,
    EMPTY_SS,
    EMPTY_VALUE,
    FRAMEWORK,
    INVALID_KEY_VALUE_TYPE,
    KEY_COUNT,
    KEY_TOO_LARGE,
    KEY_TYPE_MISMATCH,
    MISSING_KEY,
    MISSING_TABLE,
    MULTIPLE_TYPES,
    NOT_A_NUMBER,
    NOT_FOUND,
    NULL_NOT_TRUE,
    RETURN_VALUES_INVALID,
    SHORT_NAMES_LOOKED_UP,
    TABLE_NAME_PATTERN,
    TABLE_NOT_FOUND,
    VALIDATION,
    assert_error,
    clause,
    constraint_error,
    empty_key,
    service_behaviour,
    strip_metadata,
)

S = {"S": "a"}
N = {"N": "1"}


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
# does not take is the operation's own error.
RETURN_VALUES_ENUM = "must satisfy enum value set: [ALL_NEW, UPDATED_OLD, ALL_OLD, NONE, UPDATED_NEW]"


@pytest.mark.parametrize(
    ("value", "message"),
    [
        ("ALL_NEW", RETURN_VALUES_INVALID),
        ("UPDATED_OLD", RETURN_VALUES_INVALID),
        ("UPDATED_NEW", RETURN_VALUES_INVALID),
        pytest.param(
            "all_old", constraint_error(clause("all_old", "returnValues", RETURN_VALUES_ENUM)), marks=FRAMEWORK
        ),
        pytest.param("BOGUS", constraint_error(clause("BOGUS", "returnValues", RETURN_VALUES_ENUM)), marks=FRAMEWORK),
    ],
)
def test_put_return_values_invalid(ddb_raw, hash_table, value, message):
    assert_error(
        lambda: ddb_raw.put_item(TableName=hash_table, Item={"pk": S}, ReturnValues=value), VALIDATION, message
    )
    assert get(ddb_raw, hash_table, {"pk": S}) == {}


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


@pytest.mark.parametrize(
    ("value", "message"),
    [
        ("ALL_NEW", RETURN_VALUES_INVALID),
        ("UPDATED_OLD", RETURN_VALUES_INVALID),
        ("UPDATED_NEW", RETURN_VALUES_INVALID),
        pytest.param("BOGUS", constraint_error(clause("BOGUS", "returnValues", RETURN_VALUES_ENUM)), marks=FRAMEWORK),
    ],
)
def test_delete_return_values_invalid(ddb_raw, hash_table, value, message):
    put(ddb_raw, hash_table, {"pk": S})
    assert_error(
        lambda: ddb_raw.delete_item(TableName=hash_table, Key={"pk": S}, ReturnValues=value), VALIDATION, message
    )
    assert get(ddb_raw, hash_table, {"pk": S}) == {"Item": {"pk": S}}


def test_return_values_checked_before_item(ddb_raw, hash_table):
    for item in [{"x": S}, {"pk": S, "v": {"N": "abc"}}, {"pk": {"N": "1"}}]:
        assert_error(
            lambda: ddb_raw.put_item(TableName=hash_table, Item=item, ReturnValues="ALL_NEW"),  # noqa: B023
            VALIDATION,
            RETURN_VALUES_INVALID,
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
        ("put_item", {"Item": {"pk": S}, "ReturnValues": "ALL_NEW"}, RETURN_VALUES_INVALID),
        ("delete_item", {"Key": {"pk": S}, "ReturnValues": "ALL_NEW"}, RETURN_VALUES_INVALID),
        ("put_item", {"Item": {"pk": S, "n": {"N": "abc"}}}, NOT_A_NUMBER),
        ("put_item", {"Item": {"x": {}}}, EMPTY_VALUE),
        ("put_item", {"Item": {"": S}}, EMPTY_ATTRIBUTE_NAME),
        ("put_item", {"Item": {"pk": S, "s": {"SS": []}}}, EMPTY_SS),
        ("get_item", {"Key": {"x": {}}}, EMPTY_VALUE),
    ],
)
@service_behaviour(
    "DynamoDB Local looks the table up before it checks the request",
    source="dynalite's live-service tests: a request's own checks run before its table is read",
)
def test_request_checked_before_table_is_looked_up(ddb_raw, operation, kwargs, message):
    assert_error(lambda: getattr(ddb_raw, operation)(TableName=unique_name(), **kwargs), VALIDATION, message)


@pytest.mark.parametrize(
    ("operation", "kwargs"),
    [
        ("put_item", {"Item": {"pk": S}}),
        ("put_item", {"Item": {}, "ReturnValues": "ALL_NEW"}),
        ("get_item", {"Key": {"pk": S}}),
        ("delete_item", {"Key": {"pk": S}}),
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
        pytest.param("hash", {}, MISSING_KEY, id="empty-item"),
        pytest.param("hash", {"x": S}, MISSING_KEY, id="no-key"),
        pytest.param("range", {"pk": S}, MISSING_KEY, id="missing-range"),
        pytest.param("range", {"sk": N}, MISSING_KEY, id="missing-hash"),
        pytest.param("hash", {"pk": N}, KEY_TYPE_MISMATCH, id="hash-N-for-S"),
        pytest.param("hash", {"pk": {"B": b"a"}}, KEY_TYPE_MISMATCH, id="hash-B-for-S"),
        pytest.param("range", {"pk": S, "sk": {"S": "1"}}, KEY_TYPE_MISMATCH, id="range-S-for-N"),
        pytest.param("range", {"pk": N, "sk": {"S": "1"}}, KEY_TYPE_MISMATCH, id="both-wrong"),
        pytest.param("binary", {"pk": S, "sk": {"B": b"a"}}, KEY_TYPE_MISMATCH, id="hash-S-for-B"),
        pytest.param("hash", {"pk": {"SS": ["a"]}}, INVALID_KEY_VALUE_TYPE, id="hash-SS"),
        pytest.param("hash", {"pk": {"NS": ["1"]}}, INVALID_KEY_VALUE_TYPE, id="hash-NS"),
        pytest.param("hash", {"pk": {"BS": [b"a"]}}, INVALID_KEY_VALUE_TYPE, id="hash-BS"),
        pytest.param("hash", {"pk": {"BOOL": True}}, INVALID_KEY_VALUE_TYPE, id="hash-BOOL"),
        pytest.param("hash", {"pk": {"NULL": True}}, INVALID_KEY_VALUE_TYPE, id="hash-NULL"),
        pytest.param("hash", {"pk": {"M": {}}}, INVALID_KEY_VALUE_TYPE, id="hash-M"),
        pytest.param("hash", {"pk": {"L": []}}, INVALID_KEY_VALUE_TYPE, id="hash-L"),
        pytest.param("range", {"pk": S, "sk": {"NS": ["1"]}}, INVALID_KEY_VALUE_TYPE, id="range-NS"),
        pytest.param("hash", {"pk": {"S": ""}}, empty_key("pk"), id="hash-empty-string"),
        pytest.param("binary", {"pk": {"B": b""}, "sk": {"B": b"a"}}, empty_key("pk", True), id="hash-empty-binary"),
        pytest.param("binary", {"pk": {"B": b"a"}, "sk": {"B": b""}}, empty_key("sk", True), id="range-empty-binary"),
        pytest.param("hash", {"pk": {}}, EMPTY_VALUE, id="hash-empty-value"),
        pytest.param("hash", {"pk": {"S": "a", "N": "1"}}, MULTIPLE_TYPES, id="hash-two-types"),
        pytest.param("hash", {"pk": {"NULL": False}}, NULL_NOT_TRUE, id="hash-NULL-false"),
        pytest.param("hash", {"pk": {"SS": []}}, EMPTY_SS, id="hash-empty-set"),
        pytest.param("range", {"pk": S, "sk": {"N": "abc"}}, NOT_A_NUMBER, id="range-not-a-number"),
        # Precedence: attribute values first (in request order), then the key attributes in key-schema
        # order, each checked for presence, type, emptiness and size.
        pytest.param("hash", {"x": {"N": "abc"}}, NOT_A_NUMBER, id="value-before-missing-key"),
        pytest.param("hash", {"pk": N, "x": {"N": "abc"}}, NOT_A_NUMBER, id="value-before-key-type"),
        pytest.param("hash", {"pk": {"S": ""}, "x": {"N": "abc"}}, NOT_A_NUMBER, id="value-before-empty-key"),
        pytest.param("hash", {"x": S, "": S}, EMPTY_ATTRIBUTE_NAME, id="empty-name-before-missing-key"),
        pytest.param("hash", {"x": {"NULL": False}}, NULL_NOT_TRUE, id="null-false-before-missing-key"),
        pytest.param("hash", {"x": {"S": "a", "N": "1"}}, MULTIPLE_TYPES, id="two-types-before-missing-key"),
        pytest.param("range", {"pk": N}, KEY_TYPE_MISMATCH, id="hash-type-before-missing-range"),
        pytest.param("range", {"pk": {"S": ""}}, empty_key("pk"), id="hash-empty-before-missing-range"),
        pytest.param("range", {"pk": N, "sk": {"S": ""}}, KEY_TYPE_MISMATCH, id="hash-type-before-range"),
        pytest.param("range", {"pk": {"S": ""}, "sk": {"S": "1"}}, empty_key("pk"), id="hash-empty-before-range"),
        pytest.param("range", {"pk": {"S": LONG_HASH}, "sk": {"S": "1"}}, KEY_TOO_LARGE, id="hash-size-before-range"),
        pytest.param("range", {"sk": {"S": "1"}, "pk": {"S": ""}}, empty_key("pk"), id="schema-order-not-item-order"),
        pytest.param("range", {"pk": {}}, EMPTY_VALUE, id="empty-value-before-missing-range"),
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
    assert_error(lambda: ddb.put_item(TableName=table, Item={"pk": S, "sk": S}), VALIDATION, MISSING_KEY)


# ---------------------------------------------------------------------------------------------------
# Key validation: GetItem and DeleteItem (same rules)


@pytest.mark.parametrize(
    ("table", "key", "message"),
    [
        pytest.param("hash", {}, KEY_COUNT, id="empty-key"),
        pytest.param("hash", {"x": S}, MISSING_KEY, id="other-attribute"),
        pytest.param("hash", {"pk": S, "x": S}, KEY_COUNT, id="extra-attribute"),
        pytest.param("range", {"pk": S}, KEY_COUNT, id="range-missing"),
        pytest.param("range", {"sk": N}, KEY_COUNT, id="hash-missing"),
        pytest.param("range", {"pk": S, "sk": N, "x": S}, KEY_COUNT, id="range-extra"),
        pytest.param("range", {"pk": S, "x": S}, MISSING_KEY, id="range-replaced"),
        pytest.param("hash", {"pk": N}, KEY_TYPE_MISMATCH, id="hash-wrong-type"),
        pytest.param("range", {"pk": S, "sk": S}, KEY_TYPE_MISMATCH, id="range-wrong-type"),
        pytest.param("hash", {"pk": {"SS": ["a"]}}, INVALID_KEY_VALUE_TYPE, id="hash-SS"),
        pytest.param("hash", {"pk": {"M": {}}}, INVALID_KEY_VALUE_TYPE, id="hash-M"),
        pytest.param("hash", {"pk": {"S": ""}}, empty_key("pk"), id="hash-empty-string"),
        pytest.param("range", {"pk": {"S": ""}, "sk": N}, empty_key("pk"), id="hash-empty-string-range-table"),
        pytest.param("binary", {"pk": {"B": b""}, "sk": {"B": b"a"}}, empty_key("pk", True), id="hash-empty-binary"),
        pytest.param("binary", {"pk": {"B": b"a"}, "sk": {"B": b""}}, empty_key("sk", True), id="range-empty-binary"),
        pytest.param("hash", {"pk": {}}, EMPTY_VALUE, id="empty-value"),
        pytest.param("hash", {"pk": {"S": "a", "N": "1"}}, MULTIPLE_TYPES, id="two-types"),
        pytest.param("hash", {"pk": {"NULL": False}}, NULL_NOT_TRUE, id="null-false"),
        pytest.param("hash", {"pk": {"SS": []}}, EMPTY_SS, id="empty-set"),
        pytest.param("hash", {"": S}, EMPTY_ATTRIBUTE_NAME, id="empty-attribute-name"),
        pytest.param("range", {"pk": S, "sk": {"N": "abc"}}, NOT_A_NUMBER, id="not-a-number"),
        pytest.param("hash", {"pk": {"S": "h" * 2049}}, KEY_TOO_LARGE, id="hash-too-large"),
        # Precedence
        pytest.param("hash", {"pk": N, "x": S}, KEY_COUNT, id="count-before-type"),
        pytest.param("hash", {"pk": {"S": ""}, "x": S}, KEY_COUNT, id="count-before-empty"),
        pytest.param("range", {"pk": N}, KEY_COUNT, id="count-before-type-range"),
        pytest.param("hash", {"pk": {}, "x": S}, EMPTY_VALUE, id="value-before-count"),
        pytest.param("range", {"pk": S, "sk": {"N": "abc"}, "x": S}, NOT_A_NUMBER, id="number-before-count"),
        pytest.param("range", {"pk": N, "sk": {"S": ""}}, KEY_TYPE_MISMATCH, id="hash-type-before-range"),
        pytest.param("range", {"pk": {"S": ""}, "sk": S}, empty_key("pk"), id="hash-empty-before-range-type"),
        pytest.param("range", {"pk": {"S": "h" * 2049}, "sk": S}, KEY_TOO_LARGE, id="hash-size-before-range"),
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
