"""The checks every request passes before its operation runs: the JSON type of each member
(SerializationException, in the words of the service's JSON reader) and the constraints of the
service model (one ValidationException listing every violation, in the service's member order).

Bodies are sent as written here (the client's own serialization is replaced), so members can have
JSON types no SDK would send."""

from __future__ import annotations

import json
from collections.abc import Callable
from typing import Any

import pytest
from botocore.config import Config

from conformance.conftest import Backend, unique_name
from conformance.helpers import (
    COMPARISON_OPERATOR_ENUM,
    FRAMEWORK,
    FRAMEWORK_SOURCE,
    NEWER_SOURCE,
    RETURN_VALUES_NEWER,
    VALIDATION,
    assert_error,
    clause,
    constraint_error,
    null_clause,
    service_behaviour,
)

SERIALIZATION = "SerializationException"
READER = service_behaviour(
    "DynamoDB Local reads some JSON types its own way",
    source="dynalite's live-service tests, test/helpers.js assertType (the service's JSON reader's texts)",
)


@pytest.fixture
def send(backend: Backend) -> Callable[[str, dict[str, Any]], Any]:
    """send(operation, body): the operation with exactly this JSON body."""
    client = backend.client(Config(parameter_validation=False, retries={"total_max_attempts": 1}))

    def call(operation: str, body: dict[str, Any]) -> Any:
        def replace(request: Any, **_: Any) -> None:
            request.data = json.dumps(body).encode()

        event = f"before-sign.dynamodb.{operation}"
        client.meta.events.register_first(event, replace)
        try:
            method = "".join("_" + c.lower() if c.isupper() else c for c in operation).lstrip("_")
            return (
                getattr(client, method)(TableName="placeholder") if "TableName" in body else getattr(client, method)()
            )
        finally:
            client.meta.events.unregister(event, replace)

    return call


def item_body(table: str, item: Any) -> dict[str, Any]:
    return {"TableName": table, "Item": item}


TYPE_CASES = [
    pytest.param(
        "DescribeTable", {"TableName": 5}, "class java.lang.Short can not be converted to an String", id="short"
    ),
    pytest.param(
        "DescribeTable", {"TableName": 70000}, "class java.lang.Integer can not be converted to an String", id="integer"
    ),
    pytest.param(
        "DescribeTable", {"TableName": 2**40}, "class java.lang.Long can not be converted to an String", id="long"
    ),
    pytest.param(
        "DescribeTable", {"TableName": 1.5}, "class java.lang.Double can not be converted to an String", id="double"
    ),
    pytest.param(
        "DescribeTable", {"TableName": True}, "class java.lang.Boolean can not be converted to an String", id="boolean"
    ),
    pytest.param("DescribeTable", {"TableName": []}, "Start of list found where not expected", id="list-for-string"),
    pytest.param(
        "DescribeTable", {"TableName": {}}, "Start of structure or map found where not expected.", id="map-for-string"
    ),
    pytest.param(
        "Scan",
        {"TableName": "t", "Limit": "5"},
        "class java.lang.String can not be converted to an Integer",
        id="limit",
    ),
    pytest.param(
        "Scan",
        {"TableName": "t", "ConsistentRead": "maybe"},
        "'MAYBE' can not be converted to an Boolean",
        id="boolean-word",
    ),
    pytest.param("GetItem", {"TableName": "t", "Key": []}, "Start of list found where not expected", id="list-for-map"),
    pytest.param("GetItem", {"TableName": "t", "Key": "k"}, "Expected map or null", id="string-for-map"),
    pytest.param("GetItem", {"TableName": "t", "Key": {"pk": "k"}}, "Expected null", id="string-for-value"),
    pytest.param(
        "GetItem",
        {"TableName": "t", "Key": {"pk": {"S": 1}}},
        "class java.lang.Short can not be converted to an String",
        id="number-in-S",
    ),
    pytest.param(
        "GetItem",
        {"TableName": "t", "Key": {"pk": {"S": "k"}}, "AttributesToGet": "a"},
        "Expected list or null",
        id="string-for-list",
    ),
    pytest.param(
        "PutItem",
        item_body("t", {"pk": {"S": "k"}, "l": {"L": [{"SS": "a"}]}}),
        "Expected list or null",
        id="nested-set",
    ),
    pytest.param(
        "PutItem",
        item_body("t", {"pk": {"S": "k"}, "b": {"B": "abc"}}),
        "'abc' can not be converted to a Blob: Base64 encoded length is expected a multiple of 4 bytes but found: 3",
        id="base64-length",
    ),
    pytest.param(
        "PutItem",
        item_body("t", {"pk": {"S": "k"}, "b": {"BS": ["YWJj", "ab!="]}}),
        "'ab!=' can not be converted to a Blob: Invalid Base64 character: '!'",
        id="base64-character",
    ),
    # The first wrong type in the document wins, wherever the model lists the member.
    pytest.param(
        "Scan", {"Limit": "x", "TableName": 5}, "class java.lang.String can not be converted to an Integer", id="first"
    ),
]


@pytest.mark.parametrize(("operation", "body", "message"), TYPE_CASES)
@READER
def test_json_types(send, operation, body, message):
    assert_error(lambda: send(operation, body), SERIALIZATION, message)


def test_unknown_members_and_nulls_are_ignored(send, make_table):
    table = make_table()
    answer = send(
        "GetItem", {"TableName": table, "Key": {"pk": {"S": "k"}}, "Bogus": [1], "ProjectionExpression": None}
    )
    assert "Item" not in answer


@FRAMEWORK
def test_constraints_are_listed_in_the_service_order(send):
    body = {
        "TableName": "",
        "ReturnConsumedCapacity": "INVALID",
        "ReturnValues": "INVALID",
        "UpdateExpression": "SET a = :a",
    }
    assert_error(
        lambda: send("UpdateItem", body),
        VALIDATION,
        constraint_error(
            clause("INVALID", "returnConsumedCapacity", "must satisfy enum value set: [INDEXES, TOTAL, NONE]"),
            clause("", "tableName", "must have length greater than or equal to 1"),
            clause(
                "INVALID",
                "returnValues",
                "must satisfy enum value set: [ALL_NEW, UPDATED_OLD, ALL_OLD, NONE, UPDATED_NEW]",
            ),
            null_clause("key"),
        ),
    )


@FRAMEWORK
def test_map_entries_are_reported_last_first(send):
    body = {"TableName": "abc", "KeyConditions": {"a": {}, "b": {"ComparisonOperator": ""}}}
    enum = COMPARISON_OPERATOR_ENUM
    assert_error(
        lambda: send("Query", body),
        VALIDATION,
        constraint_error(
            clause("", "keyConditions.b.member.comparisonOperator", enum),
            null_clause("keyConditions.a.member.comparisonOperator"),
        ),
    )


@service_behaviour(
    "DynamoDB Local looks the table up before it checks the request's members",
    source=f"{FRAMEWORK_SOURCE}; {NEWER_SOURCE}",
)
def test_constraints_come_before_the_table_is_looked_up(send):
    missing = unique_name()
    assert_error(
        lambda: send("DeleteItem", {"TableName": missing, "Key": {"pk": {"S": "k"}}, "ReturnValues": "BOGUS"}),
        VALIDATION,
        constraint_error(RETURN_VALUES_NEWER),
    )
