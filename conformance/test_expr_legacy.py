# ruff: noqa: E501  (tables of DynamoDB messages, one per line)
"""The legacy parameters: Expected with ConditionalOperator, AttributeUpdates, and DynamoDB's
errors when legacy and expression parameters are mixed."""

from __future__ import annotations

import pytest

from conformance.helpers import (
    COMPARISON_OPERATOR_ENUM,
    FRAMEWORK,
    LEGACY_MIXED_TYPES,
    VALIDATION,
    WRITE_ENVELOPE,
    assert_error,
    clause,
    constraint_error,
    enveloped,
    service_behaviour,
)

KEY = {"pk": {"S": "k"}}
N = {"N": "1"}
SEED = {"pk": {"S": "k"}, "n": {"N": "5"}, "s": {"S": "xyz"}, "ss": {"SS": ["a", "b"]}, "l": {"L": [N]}}
FAILED = "ConditionalCheckFailedException"


@pytest.fixture
def table(ddb, make_table) -> str:
    name = make_table()
    ddb.put_item(TableName=name, Item=SEED)
    return name


def holds(ddb, table, expected, operator=None) -> bool:
    kw = {"ConditionalOperator": operator} if operator else {}
    try:
        ddb.put_item(TableName=table, Item=SEED, Expected=expected, **kw)
    except ddb.exceptions.ConditionalCheckFailedException:
        return False
    return True


def op(operator, *values):
    condition = {"ComparisonOperator": operator}
    if values:
        condition["AttributeValueList"] = list(values)
    return condition


@pytest.mark.parametrize(
    ("expected", "operator", "result"),
    [
        ({"q": {"Exists": False}}, None, True),
        ({"n": {"Exists": False}}, None, False),
        ({"n": {"Value": {"N": "5"}}}, None, True),
        ({"n": {"Value": {"N": "5"}, "Exists": True}}, None, True),
        ({"n": {"Value": {"N": "6"}}}, None, False),
        ({"n": {"Value": {"N": "5"}, "ComparisonOperator": "EQ"}}, None, True),
        ({"n": op("EQ", {"N": "5"})}, None, True),
        ({"n": op("NE", {"S": "a"})}, None, True),
        ({"q": op("NE", {"S": "a"})}, None, True),
        ({"n": op("LT", {"N": "6"})}, None, True),
        ({"n": op("LT", {"S": "a"})}, None, False),
        ({"n": op("GE", {"N": "5"})}, None, True),
        ({"n": op("NULL")}, None, False),
        ({"q": op("NULL")}, None, True),
        ({"n": op("NOT_NULL")}, None, True),
        ({"s": op("BEGINS_WITH", {"S": "xy"})}, None, True),
        ({"ss": op("CONTAINS", {"S": "a"})}, None, True),
        ({"ss": op("NOT_CONTAINS", {"S": "a"})}, None, False),
        ({"q": op("NOT_CONTAINS", {"S": "a"})}, None, False),
        ({"s": op("CONTAINS", {"S": "y"})}, None, True),
        ({"l": op("CONTAINS", N)}, None, True),
        ({"n": op("IN", {"N": "9"}, {"N": "5"})}, None, True),
        ({"n": op("BETWEEN", N, {"N": "9"})}, None, True),
        ({"n": op("BETWEEN", {"N": "6"}, {"N": "9"})}, None, False),
        ({"n": {"Exists": False}, "q": {"Exists": False}}, "OR", True),
        ({"n": {"Exists": False}, "q": {"Exists": False}}, "AND", False),
        ({"n": {"Value": {"N": "5"}}, "q": {"Exists": False}}, None, True),
        ({}, None, True),
        ({"n": op("CONTAINS", {"BOOL": True})}, None, False),
        ({"n": op("NOT_CONTAINS", {"NULL": True})}, None, True),
    ],
)
def test_expected(ddb, table, expected, operator, result):
    assert holds(ddb, table, expected, operator) is result


@pytest.mark.parametrize(
    ("expected", "operator", "message"),
    [
        (
            {"n": {"Exists": True}},
            None,
            "One or more parameter values were invalid: Value must be provided when Exists is true for Attribute: n",
        ),
        (
            {"n": {}},
            None,
            "One or more parameter values were invalid: Value must be provided when Exists is null for Attribute: n",
        ),
        (
            {"n": {"Exists": False, "Value": N}},
            None,
            "One or more parameter values were invalid: Value cannot be used when Exists is false for Attribute: n",
        ),
        (
            {"n": {"ComparisonOperator": "EQ"}},
            None,
            "One or more parameter values were invalid: Value or AttributeValueList must be used with ComparisonOperator: EQ for Attribute: n",
        ),
        (
            {"n": op("EQ", N, N)},
            None,
            "One or more parameter values were invalid: Invalid number of argument(s) for the EQ ComparisonOperator",
        ),
        (
            {"n": op("NULL", N)},
            None,
            "One or more parameter values were invalid: Invalid number of argument(s) for the NULL ComparisonOperator",
        ),
        (
            {"n": {"ComparisonOperator": "IN", "AttributeValueList": []}},
            None,
            "One or more parameter values were invalid: Invalid number of argument(s) for the IN ComparisonOperator",
        ),
        (
            {"n": op("BETWEEN", {"N": "9"}, N)},
            None,
            "The BETWEEN condition was provided a range where the lower bound is greater than the upper bound",
        ),
        (
            {"s": op("BEGINS_WITH", N)},
            None,
            "One or more parameter values were invalid: ComparisonOperator BEGINS_WITH is not valid for N AttributeValue type",
        ),
        (
            {"n": op("LT", {"SS": ["a"]})},
            None,
            "One or more parameter values were invalid: ComparisonOperator LT is not valid for SS AttributeValue type",
        ),
        (
            {"n": op("CONTAINS", {"SS": ["a"]})},
            None,
            "One or more parameter values were invalid: ComparisonOperator CONTAINS is not valid for SS AttributeValue type",
        ),
        (
            {"n": op("IN", {"SS": ["a"]})},
            None,
            "One or more parameter values were invalid: ComparisonOperator IN is not valid for SS AttributeValue type",
        ),
        (
            {"n": {"Value": N, "AttributeValueList": [N]}},
            None,
            "One or more parameter values were invalid: Value and AttributeValueList cannot be used together for Attribute: n",
        ),
        (
            {"n": {"Exists": False, "ComparisonOperator": "NULL"}},
            None,
            "One or more parameter values were invalid: Exists and ComparisonOperator cannot be used together for Attribute: n",
        ),
        (
            {"n": {"Exists": False}},
            "AND",
            "ConditionalOperator can only be used when Filter or Expected has two or more elements",
        ),
        ({}, "OR", "ConditionalOperator cannot be used without Filter or Expected"),
        (
            {"n": {"AttributeValueList": [N]}},
            None,
            "One or more parameter values were invalid: AttributeValueList can only be used with a ComparisonOperator for Attribute: n",
        ),
        (
            {"n": {"Exists": False, "AttributeValueList": [N]}},
            None,
            "One or more parameter values were invalid: AttributeValueList can only be used with a ComparisonOperator for Attribute: n",
        ),
        (
            {"n": {"AttributeValueList": [{}]}},
            None,
            "One or more parameter values were invalid: AttributeValueList can only be used with a ComparisonOperator for Attribute: n",
        ),
        (
            {"n": {"Exists": False, "Value": N, "AttributeValueList": [N]}},
            None,
            "One or more parameter values were invalid: Value and AttributeValueList cannot be used together for Attribute: n",
        ),
        ({"n": op("BETWEEN", N, {"S": "9"})}, None, LEGACY_MIXED_TYPES),
        ({"n": op("IN", N, {"N": "2"}, {"B": b"3"})}, None, LEGACY_MIXED_TYPES),
        (
            {"n": op("IN", {"S": "9"}, {"BOOL": True})},
            None,
            "One or more parameter values were invalid: ComparisonOperator IN is not valid for BOOL AttributeValue type",
        ),
    ],
)
@WRITE_ENVELOPE
def test_expected_errors(ddb_raw, table, expected, operator, message):
    kw = {"ConditionalOperator": operator} if operator else {}
    assert_error(
        lambda: ddb_raw.put_item(TableName=table, Item=SEED, Expected=expected, **kw), VALIDATION, enveloped(message)
    )


@FRAMEWORK
def test_unknown_comparison_operator(ddb_raw, table):
    assert_error(
        lambda: ddb_raw.put_item(TableName=table, Item=SEED, Expected={"n": op("XX", N)}),
        VALIDATION,
        constraint_error(clause("XX", "expected.n.member.comparisonOperator", COMPARISON_OPERATOR_ENUM)),
    )


@WRITE_ENVELOPE
def test_conditional_operator_alone(ddb, table):
    assert_error(
        lambda: ddb.put_item(TableName=table, Item=SEED, ConditionalOperator="AND"),
        VALIDATION,
        enveloped("ConditionalOperator cannot be used without Filter or Expected"),
    )


def test_empty_expected_is_no_condition(ddb, table):
    ddb.delete_item(TableName=table, Key={"pk": {"S": "none"}}, Expected={})
    ddb.update_item(TableName=table, Key=KEY, Expected={}, AttributeUpdates={})
    assert ddb.get_item(TableName=table, Key=KEY)["Item"] == SEED


def test_expected_on_delete_and_update(ddb, table):
    assert_error(
        lambda: ddb.delete_item(TableName=table, Key=KEY, Expected={"n": {"Value": {"N": "6"}}}),
        FAILED,
        "The conditional request failed",
    )
    assert_error(
        lambda: ddb.update_item(
            TableName=table,
            Key=KEY,
            AttributeUpdates={"n": {"Action": "ADD", "Value": N}},
            Expected={"n": {"Value": {"N": "100"}}},
        ),
        FAILED,
        "The conditional request failed",
    )
    ddb.delete_item(TableName=table, Key=KEY, Expected={"n": {"Value": {"N": "5"}}})
    assert "Item" not in ddb.get_item(TableName=table, Key=KEY)


# --- AttributeUpdates ------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("updates", "expected"),
    [
        ({"a": {"Action": "PUT", "Value": N}}, {"a": N}),
        ({"n": {"Action": "ADD", "Value": {"N": "2"}}}, {"n": {"N": "7"}}),
        ({"q": {"Action": "ADD", "Value": {"N": "2"}}}, {"q": {"N": "2"}}),
        ({"l": {"Action": "ADD", "Value": {"L": [{"N": "2"}]}}}, {"l": {"L": [N, {"N": "2"}]}}),
        ({"ss": {"Action": "ADD", "Value": {"SS": ["c"]}}}, {"ss": {"SS": ["a", "b", "c"]}}),
        ({"ss": {"Action": "DELETE", "Value": {"SS": ["a"]}}}, {"ss": {"SS": ["b"]}}),
        ({"ss": {"Action": "DELETE", "Value": {"SS": ["a", "b"]}}}, {"ss": None}),
        ({"s": {"Action": "DELETE"}}, {"s": None}),
        ({"zz": {"Action": "DELETE", "Value": {"SS": ["x"]}}}, {"zz": None}),
    ],
)
def test_attribute_updates(ddb, table, updates, expected):
    ddb.update_item(TableName=table, Key=KEY, AttributeUpdates=updates)
    item = ddb.get_item(TableName=table, Key=KEY)["Item"]
    for name, value in expected.items():
        got = item.get(name)
        if value is not None and "SS" in value:
            assert sorted(got["SS"]) == sorted(value["SS"])
        else:
            assert got == value


@service_behaviour(
    "DynamoDB Local leaves the attribute alone when Action is missing",
    source="API Reference, AttributeValueUpdate: 'Valid values are PUT (default), DELETE, and ADD'",
)
def test_attribute_updates_default_action_is_put(ddb, table):
    ddb.update_item(TableName=table, Key=KEY, AttributeUpdates={"a": {"Value": N}})
    assert ddb.get_item(TableName=table, Key=KEY)["Item"].get("a") == N


def test_attribute_updates_return_values(ddb, table):
    got = ddb.update_item(
        TableName=table,
        Key=KEY,
        AttributeUpdates={"n": {"Action": "ADD", "Value": N}, "s": {"Action": "DELETE"}},
        ReturnValues="UPDATED_OLD",
    )
    assert got["Attributes"] == {"n": {"N": "5"}, "s": {"S": "xyz"}}


@pytest.mark.parametrize(
    ("updates", "message"),
    [
        pytest.param(
            {"a": {"Action": "PUT"}},
            enveloped("One or more parameter values were invalid: Only DELETE action is allowed when no attribute value is specified"),
            marks=WRITE_ENVELOPE,
        ),
        pytest.param(
            {"a": {"Action": "ADD"}},
            enveloped("One or more parameter values were invalid: Only DELETE action is allowed when no attribute value is specified"),
            marks=WRITE_ENVELOPE,
        ),
        # What needs the table (its key) or the stored item is reported bare.
        (
            {"pk": {"Action": "PUT", "Value": {"S": "z"}}},
            "One or more parameter values were invalid: Cannot update attribute pk. This attribute is part of the key",
        ),
        ({"ss": {"Action": "ADD", "Value": {"NS": ["1"]}}}, "Type mismatch for attribute to update"),
        pytest.param(
            {"a": {"Action": "XX", "Value": N}},
            constraint_error(
                clause("XX", "attributeUpdates.a.member.action", "must satisfy enum value set: [ADD, DELETE, PUT]")
            ),
            marks=FRAMEWORK,
        ),
    ],
)
def test_attribute_updates_errors(ddb_raw, table, updates, message):
    assert_error(lambda: ddb_raw.update_item(TableName=table, Key=KEY, AttributeUpdates=updates), VALIDATION, message)
    assert ddb_raw.get_item(TableName=table, Key=KEY)["Item"] == SEED


@service_behaviour(
    "DynamoDB Local spells the type out (STRING, NUMBER, MAP, ...)",
    source="architect/dynalite test/updateItem.js, 'should return ValidationException if trying to add incorrect "
    "types' and '... delete incorrect types' (the type code: S, N, B, BOOL, NULL, M, L)",
)
@pytest.mark.parametrize(
    ("action", "value"),
    [
        ("ADD", {"S": "y"}),
        ("ADD", {"B": b"y"}),
        ("ADD", {"BOOL": True}),
        ("ADD", {"NULL": True}),
        ("ADD", {"M": {}}),
        ("DELETE", N),
        ("DELETE", {"S": "y"}),
        ("DELETE", {"L": []}),
    ],
)
@WRITE_ENVELOPE
def test_attribute_updates_action_type(ddb_raw, table, action, value):
    verb = "DELETE action with value" if action == "DELETE" else "ADD action"
    code = next(iter(value))
    assert_error(
        lambda: ddb_raw.update_item(TableName=table, Key=KEY, AttributeUpdates={"zz": {"Action": action, "Value": value}}),
        VALIDATION,
        enveloped(f"One or more parameter values were invalid: {verb} is not supported for the type {code}"),
    )
    assert ddb_raw.get_item(TableName=table, Key=KEY)["Item"] == SEED


# --- mixing -------------------------------------------------------------------------------------


def mixed(legacy: str, expressions: str) -> str:
    """The error for mixed parameters, as PutItem, UpdateItem and DeleteItem report it: enveloped."""
    return enveloped(
        "Can not use both expression and non-expression parameters in the same request: "
        f"Non-expression parameters: {{{legacy}}} Expression parameters: {{{expressions}}}"
    )


@WRITE_ENVELOPE
def test_mixing_on_update(ddb, table):
    put_b = {"b": {"Action": "PUT", "Value": N}}
    values = {":v": N}
    assert_error(
        lambda: ddb.update_item(
            TableName=table,
            Key=KEY,
            UpdateExpression="SET a = :v",
            ExpressionAttributeValues=values,
            AttributeUpdates=put_b,
        ),
        VALIDATION,
        mixed("AttributeUpdates", "UpdateExpression"),
    )
    assert_error(
        lambda: ddb.update_item(
            TableName=table,
            Key=KEY,
            UpdateExpression="SET a = :v",
            ExpressionAttributeValues=values,
            Expected={"b": {"Exists": False}},
        ),
        VALIDATION,
        mixed("Expected", "UpdateExpression"),
    )
    assert_error(
        lambda: ddb.update_item(
            TableName=table, Key=KEY, AttributeUpdates=put_b, ConditionExpression="attribute_exists(b)"
        ),
        VALIDATION,
        mixed("AttributeUpdates", "ConditionExpression"),
    )
    assert_error(
        lambda: ddb.update_item(
            TableName=table,
            Key=KEY,
            AttributeUpdates=put_b,
            Expected={"b": {"Exists": False}},
            UpdateExpression="SET c = :v",
            ConditionExpression="attribute_exists(b)",
            ExpressionAttributeValues=values,
        ),
        VALIDATION,
        mixed("AttributeUpdates, Expected", "UpdateExpression, ConditionExpression"),
    )


@WRITE_ENVELOPE
def test_mixing_on_put_and_delete(ddb, table):
    assert_error(
        lambda: ddb.put_item(
            TableName=table,
            Item=KEY,
            Expected={"b": {"Exists": False}},
            ConditionExpression="attribute_exists(b)",
        ),
        VALIDATION,
        mixed("Expected", "ConditionExpression"),
    )
    assert_error(
        lambda: ddb.put_item(
            TableName=table, Item=KEY, ConditionalOperator="AND", ConditionExpression="attribute_exists(b)"
        ),
        VALIDATION,
        mixed("ConditionalOperator", "ConditionExpression"),
    )
    assert_error(
        lambda: ddb.delete_item(
            TableName=table,
            Key=KEY,
            Expected={"b": {"Exists": False}},
            ConditionExpression="attribute_exists(b)",
        ),
        VALIDATION,
        mixed("Expected", "ConditionExpression"),
    )


@service_behaviour(
    "DynamoDB Local leaves an empty legacy parameter out when checking for mixed parameters",
    source="architect/dynalite test/updateItem.js, 'should return ValidationException if expression and "
    "non-expression' (AttributeUpdates: {} is listed)",
)
def test_empty_legacy_parameter_still_mixes(ddb, table):
    assert_error(
        lambda: ddb.update_item(TableName=table, Key=KEY, AttributeUpdates={}, UpdateExpression="REMOVE s"),
        VALIDATION,
        mixed("AttributeUpdates", "UpdateExpression"),
    )
