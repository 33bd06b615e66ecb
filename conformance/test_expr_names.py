"""Attribute names, wherever a request names an attribute: in items, ExpressionAttributeNames
and the legacy parameters. A name is 1 byte to 64 KB long (Developer Guide, "Attribute names");
a `#name` or `:value` placeholder at most 255 characters (Developer Guide, "Expression
parameters")."""

from __future__ import annotations

from typing import Any

import pytest

from conformance.helpers import (
    EMPTY_ATTRIBUTE_NAME,
    VALIDATION,
    WRITE_ENVELOPE,
    assert_error,
    attributes_to_get_duplicate,
    envelope_marks,
    enveloped,
    request_error,
    service_behaviour,
)

KEY = {"pk": {"S": "k"}}
LONGEST = "a" * 65535  # 64 KB less a byte: the longest name
TOO_LONG = "é" * 32768  # 65,536 bytes
NAME_TOO_LARGE = "Attribute name is too large, must be less than 65536 bytes"
KC = {"pk": {"ComparisonOperator": "EQ", "AttributeValueList": [{"S": "k"}]}}

INTERNAL_ERROR = service_behaviour(
    "DynamoDB Local fails with an internal error (HTTP 500) on an attribute name of 64 KB or more",
    source="AWS Developer Guide, Service quotas, Attribute names: at least one character, no greater than 64 KB",
)


@pytest.fixture
def table(ddb, make_table) -> str:
    name = make_table(range_key="N")
    ddb.put_item(TableName=name, Item={**KEY, "sk": {"N": "1"}, "a": {"N": "1"}})
    return name


def requests(table: str, name: str) -> dict[str, tuple[str, dict[str, Any]]]:
    """One request per place a request names an attribute, each naming `name`."""
    key = {**KEY, "sk": {"N": "1"}}
    return {
        "item": ("put_item", {"TableName": table, "Item": {**key, name: {"S": "v"}}}),
        "item-map": ("put_item", {"TableName": table, "Item": {**key, "m": {"M": {name: {"S": "v"}}}}}),
        "expected": ("put_item", {"TableName": table, "Item": key, "Expected": {name: {"Exists": False}}}),
        "attribute-updates": (
            "update_item",
            {"TableName": table, "Key": key, "AttributeUpdates": {name: {"Action": "PUT", "Value": {"S": "v"}}}},
        ),
        "attributes-to-get": ("get_item", {"TableName": table, "Key": key, "AttributesToGet": [name]}),
        "scan-filter": ("scan", {"TableName": table, "ScanFilter": {name: {"ComparisonOperator": "NULL"}}}),
        "query-filter": (
            "query",
            {"TableName": table, "KeyConditions": KC, "QueryFilter": {name: {"ComparisonOperator": "NULL"}}},
        ),
        "key-conditions": (
            "query",
            {"TableName": table, "KeyConditions": {**KC, name: {"ComparisonOperator": "NULL"}}},
        ),
    }


PLACES = [
    pytest.param(place, marks=envelope_marks(operation)) for place, (operation, _) in requests("t", "n").items()
]


@pytest.mark.parametrize("place", PLACES)
def test_empty_name(ddb, table, place):
    operation, request = requests(table, "")[place]
    assert_error(
        lambda: getattr(ddb, operation)(**request), VALIDATION, request_error(operation, EMPTY_ATTRIBUTE_NAME)
    )


@INTERNAL_ERROR
@pytest.mark.parametrize("place", PLACES)
def test_name_too_large(ddb, table, place):
    operation, request = requests(table, TOO_LONG)[place]
    assert_error(lambda: getattr(ddb, operation)(**request), VALIDATION, request_error(operation, NAME_TOO_LARGE))


@INTERNAL_ERROR
def test_longest_name(ddb, table):
    key = {**KEY, "sk": {"N": "2"}}
    ddb.put_item(TableName=table, Item={**key, LONGEST: {"S": "v"}})
    got = ddb.get_item(TableName=table, Key=key, ProjectionExpression="#n", ExpressionAttributeNames={"#n": LONGEST})
    assert got["Item"] == {LONGEST: {"S": "v"}}


@pytest.mark.parametrize(
    ("name", "message"),
    [
        ("", "Empty attribute name"),
        (TOO_LONG, NAME_TOO_LARGE),
    ],
)
def test_expression_attribute_name_value(ddb, table, name, message):
    assert_error(
        lambda: ddb.get_item(
            TableName=table,
            Key={**KEY, "sk": {"N": "1"}},
            ProjectionExpression="#a",
            ExpressionAttributeNames={"#a": name},
        ),
        VALIDATION,
        f"ExpressionAttributeNames contains invalid value: {message} for key #a",
    )


def test_longest_expression_attribute_name_value(ddb, table):
    key = {**KEY, "sk": {"N": "1"}}
    got = ddb.get_item(TableName=table, Key=key, ProjectionExpression="#a", ExpressionAttributeNames={"#a": LONGEST})
    assert got["Item"] == {}


def write(ddb, table: str, names: dict[str, str] | None, values: dict[str, Any] | None) -> None:
    kw: dict[str, Any] = {}
    if names is not None:
        kw["ExpressionAttributeNames"] = names
    if values is not None:
        kw["ExpressionAttributeValues"] = values
    ddb.put_item(TableName=table, Item={**KEY, "sk": {"N": "9"}}, ConditionExpression="a = :v", **kw)


LONG_NAME_KEY = "#" + "a" * 255
LONG_VALUE_KEY = ":" + "a" * 255
NAMES_KEY_TOO_LONG = (
    "ExpressionAttributeNames contains invalid key: The expression attribute map contains a key that is too long; "
    "size of key: 256"
)
VALUES_KEY_TOO_LONG = (
    "ExpressionAttributeValues contains invalid key: The expression attribute map contains a key that is too long;"
)
V = {":v": {"S": "x"}}


@pytest.mark.parametrize(
    ("names", "values", "message"),
    [
        pytest.param({LONG_NAME_KEY: "a"}, V, NAMES_KEY_TOO_LONG, id="name-key"),
        pytest.param({"#-" + "a" * 254: "a"}, V, NAMES_KEY_TOO_LONG, id="name-key-length-before-syntax"),
        pytest.param({"#b": "", LONG_NAME_KEY: "a"}, V, NAMES_KEY_TOO_LONG, id="name-keys-before-name-values"),
        pytest.param(None, {LONG_VALUE_KEY: {"S": "x"}}, VALUES_KEY_TOO_LONG, id="value-key"),
        pytest.param({"#b": ""}, {LONG_VALUE_KEY: {"S": "x"}}, VALUES_KEY_TOO_LONG, id="value-keys-before-name-values"),
        pytest.param(
            {"b": "a"},
            {LONG_VALUE_KEY: {"S": "x"}},
            'ExpressionAttributeNames contains invalid key: Syntax error; key: "b"',
            id="name-keys-before-value-keys",
        ),
        pytest.param(
            {"#b": ""},
            {":v": {}},
            # PutItem names no key here (nor any value error: see dynasim.values).
            "Supplied AttributeValue is empty, must contain exactly one of the supported datatypes",
            id="values-before-name-values",
        ),
        pytest.param(
            None,
            {":v": {}, "w": {"S": "x"}},
            'ExpressionAttributeValues contains invalid key: Syntax error; key: "w"',
            id="value-keys-before-values",
        ),
    ],
)
@WRITE_ENVELOPE
def test_placeholder_keys(ddb_raw, table, names, values, message):
    assert_error(lambda: write(ddb_raw, table, names, values), VALIDATION, enveloped(message))


def test_longest_placeholder_keys(ddb, table):
    with pytest.raises(ddb.exceptions.ConditionalCheckFailedException):
        ddb.put_item(
            TableName=table,
            Item={**KEY, "sk": {"N": "9"}},
            ConditionExpression=f"{LONG_NAME_KEY[:-1]} = {LONG_VALUE_KEY[:-1]}",
            ExpressionAttributeNames={LONG_NAME_KEY[:-1]: "a"},
            ExpressionAttributeValues={LONG_VALUE_KEY[:-1]: {"S": "x"}},
        )


def test_attributes_to_get_empty_name_before_duplicate(ddb, table):
    key = {**KEY, "sk": {"N": "1"}}
    assert_error(
        lambda: ddb.get_item(TableName=table, Key=key, AttributesToGet=["", "a", "a"]), VALIDATION, EMPTY_ATTRIBUTE_NAME
    )


@service_behaviour(
    "DynamoDB Local says 'Cannot have two attributes with the same name'",
    source="architect/dynalite test/getItem.js, 'should return ValidationException for duplicate values in "
    "AttributesToGet'",
)
def test_attributes_to_get_duplicate_before_empty_name(ddb, table):
    key = {**KEY, "sk": {"N": "1"}}
    assert_error(
        lambda: ddb.get_item(TableName=table, Key=key, AttributesToGet=["a", "a", ""]),
        VALIDATION,
        attributes_to_get_duplicate("a"),
    )


@pytest.mark.parametrize(
    ("request_", "message"),
    [
        pytest.param(
            {"Expected": {"": {"Exists": False}, "a": {"Exists": True}}}, EMPTY_ATTRIBUTE_NAME, id="expected-in-order"
        ),
        pytest.param(
            {"Expected": {"": {"Exists": True}}},
            "One or more parameter values were invalid: Value must be provided when Exists is true for Attribute: ",
            id="expected-condition-before-name",
        ),
        pytest.param(
            {"AttributeUpdates": {"": {"Action": "ADD", "Value": {"S": "x"}}}},
            EMPTY_ATTRIBUTE_NAME,
            id="attribute-updates-name-before-action",
        ),
    ],
)
@WRITE_ENVELOPE
def test_legacy_name_order(ddb_raw, table, request_, message):
    key = {**KEY, "sk": {"N": "1"}}
    if "AttributeUpdates" in request_:
        call = lambda: ddb_raw.update_item(TableName=table, Key=key, **request_)  # noqa: E731
    else:
        call = lambda: ddb_raw.put_item(TableName=table, Item=key, **request_)  # noqa: E731
    assert_error(call, VALIDATION, enveloped(message))


@pytest.mark.parametrize(
    ("scan_filter", "message"),
    [
        pytest.param(
            {"": {"ComparisonOperator": "EQ"}},
            "One or more parameter values were invalid: Invalid number of argument(s) for the EQ ComparisonOperator",
            id="condition-before-name",
        ),
        pytest.param(
            {"": {"ComparisonOperator": "NULL"}, "a": {"ComparisonOperator": "EQ"}}, EMPTY_ATTRIBUTE_NAME, id="in-order"
        ),
    ],
)
def test_scan_filter_name_order(ddb_raw, table, scan_filter, message):
    assert_error(lambda: ddb_raw.scan(TableName=table, ScanFilter=scan_filter), VALIDATION, message)
