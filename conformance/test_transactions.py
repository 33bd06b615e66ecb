# ruff: noqa: E501  (tables of DynamoDB messages, one per line)
"""TransactWriteItems and TransactGetItems: all-or-nothing, cancellation reasons, idempotency,
limits, validation order and messages."""

from __future__ import annotations

import re
import uuid
from typing import Any

import pytest
from botocore.exceptions import ClientError

from conformance.helpers import (
    FRAMEWORK,
    HASH_KEY_TOO_LARGE,
    ITEM_TOO_LARGE,
    KEY_SCHEMA_MISMATCH,
    KEYS_DIFFER,
    MISSING_TABLE,
    NESTING_TOO_DEEP,
    NOT_FOUND,
    SHORT_NAMES_LOOKED_UP,
    TABLE_NOT_FOUND,
    VALIDATION,
    VALUES_DIFFER,
    assert_error,
    clause,
    constraint_error,
    constraint_pattern,
    empty_key,
    key_type_mismatch,
    missing_key,
    nested,
    not_a_number,
    null_clause,
    service_behaviour,
    strip_metadata,
)

CANCELLED = "TransactionCanceledException"
SAME_ITEM = "Transaction request cannot include multiple operations on one item"
FAILED = "The conditional request failed"
UNDEFINED_ATTRIBUTE = "The provided expression refers to an attribute that does not exist in the item"
OPERAND_TYPE = "An operand in the update expression has an incorrect data type"


def S(value: str) -> dict[str, str]:
    return {"S": value}


def N(value: Any) -> dict[str, str]:
    return {"N": str(value)}


def cancelled(codes: list[str]) -> str:
    return f"Transaction cancelled, please refer cancellation reasons for specific reasons [{', '.join(codes)}]"


def cancellation(call: Any) -> tuple[str, list[dict[str, Any]]]:
    """The message and CancellationReasons of a cancelled transaction."""
    with pytest.raises(ClientError) as excinfo:
        call()
    error = excinfo.value.response
    assert error["Error"]["Code"] == CANCELLED
    return error["Error"]["Message"], error.get("CancellationReasons", [])


@pytest.fixture
def table(ddb: Any, make_table: Any) -> str:
    name = make_table()
    ddb.put_item(TableName=name, Item={"pk": S("a"), "n": N(1), "s": S("text")})
    return name


def put(table: str, pk: str, **extra: Any) -> dict[str, Any]:
    return {"Put": {"TableName": table, "Item": {"pk": S(pk)}, **extra}}


def add_one(table: str, pk: str, **extra: Any) -> dict[str, Any]:
    return {
        "Update": {
            "TableName": table,
            "Key": {"pk": S(pk)},
            "UpdateExpression": "ADD n :one",
            "ExpressionAttributeValues": {":one": N(1)},
            **extra,
        }
    }


def bad_update(table: str, pk: str, **extra: Any) -> dict[str, Any]:
    """An update that fails on an item whose `s` is a string (or that has no `s`)."""
    return {
        "Update": {
            "TableName": table,
            "Key": {"pk": S(pk)},
            "UpdateExpression": "SET n = s + :one",
            "ExpressionAttributeValues": {":one": N(1)},
            **extra,
        }
    }


def check(table: str, pk: str, condition: str = "attribute_not_exists(pk)", **extra: Any) -> dict[str, Any]:
    return {"ConditionCheck": {"TableName": table, "Key": {"pk": S(pk)}, "ConditionExpression": condition, **extra}}


def items(ddb: Any, table: str) -> dict[str, dict[str, Any]]:
    return {item["pk"]["S"]: item for item in ddb.scan(TableName=table, ConsistentRead=True)["Items"]}


# --- TransactWriteItems --------------------------------------------------------------------


def test_write_applies_every_action(ddb, table, make_table):
    other = make_table(range_key="S")
    ddb.put_item(TableName=table, Item={"pk": S("gone")})
    answer = ddb.transact_write_items(
        TransactItems=[
            put(table, "b", ConditionExpression="attribute_not_exists(pk)"),
            add_one(table, "a", ConditionExpression="n = :one"),
            check(table, "nobody"),
            {"Delete": {"TableName": table, "Key": {"pk": S("gone")}}},
            {"Put": {"TableName": other, "Item": {"pk": S("a"), "sk": S("1")}}},
        ]
    )
    assert strip_metadata(answer) == {}
    assert items(ddb, table) == {"a": {"pk": S("a"), "n": N(2), "s": S("text")}, "b": {"pk": S("b")}}
    assert ddb.get_item(TableName=other, Key={"pk": S("a"), "sk": S("1")})["Item"]


def test_write_accepts_100_actions(ddb, make_table):
    name = make_table()
    ddb.transact_write_items(TransactItems=[put(name, str(i)) for i in range(100)])
    assert ddb.scan(TableName=name, Select="COUNT")["Count"] == 100


def test_cancelled_transaction_changes_nothing_and_gives_reasons_in_order(ddb, table):
    message, reasons = cancellation(
        lambda: ddb.transact_write_items(
            TransactItems=[
                put(table, "new"),
                put(
                    table,
                    "a",
                    ConditionExpression="attribute_not_exists(pk)",
                    ReturnValuesOnConditionCheckFailure="ALL_OLD",
                ),
                check(table, "nobody", "attribute_exists(pk)"),
                add_one(table, "x"),
            ]
        )
    )
    assert message == cancelled(["None", "ConditionalCheckFailed", "ConditionalCheckFailed", "None"])
    assert reasons == [
        {"Code": "None"},
        {"Code": "ConditionalCheckFailed", "Message": FAILED, "Item": {"pk": S("a"), "n": N(1), "s": S("text")}},
        {"Code": "ConditionalCheckFailed", "Message": FAILED + "."},  # a ConditionCheck's ends with a period
        {"Code": "None"},
    ]
    assert set(items(ddb, table)) == {"a"}


@pytest.mark.parametrize(
    ("action", "reason"),
    [
        (
            lambda t: put(t, "a", ConditionExpression="attribute_not_exists(pk)"),
            {"Code": "ConditionalCheckFailed", "Message": FAILED},
        ),
        (
            lambda t: {
                "Delete": {
                    "TableName": t,
                    "Key": {"pk": S("a")},
                    "ConditionExpression": "n = :two",
                    "ExpressionAttributeValues": {":two": N(2)},
                    "ReturnValuesOnConditionCheckFailure": "ALL_OLD",
                }
            },
            {"Code": "ConditionalCheckFailed", "Message": FAILED, "Item": {"pk": S("a"), "n": N(1), "s": S("text")}},
        ),
        (
            lambda t: add_one(
                t, "a", ConditionExpression="attribute_not_exists(pk)", ReturnValuesOnConditionCheckFailure="ALL_OLD"
            ),
            {"Code": "ConditionalCheckFailed", "Message": FAILED, "Item": {"pk": S("a"), "n": N(1), "s": S("text")}},
        ),
        (
            lambda t: check(t, "a", ReturnValuesOnConditionCheckFailure="ALL_OLD"),
            {
                "Code": "ConditionalCheckFailed",
                "Message": FAILED + ".",
                "Item": {"pk": S("a"), "n": N(1), "s": S("text")},
            },
        ),
        # No item to return.
        (
            lambda t: check(t, "nobody", "attribute_exists(pk)", ReturnValuesOnConditionCheckFailure="ALL_OLD"),
            {"Code": "ConditionalCheckFailed", "Message": FAILED + "."},
        ),
        pytest.param(
            lambda t: {"Put": {"TableName": t, "Item": {"pk": N(1)}}},
            {"Code": "ValidationError", "Message": key_type_mismatch("pk", "S", "N")},
            marks=KEYS_DIFFER,
        ),
        pytest.param(
            lambda t: {"Put": {"TableName": t, "Item": {"pk": {"L": [S("x")]}}}},
            {"Code": "ValidationError", "Message": key_type_mismatch("pk", "S", "L")},
            marks=KEYS_DIFFER,
        ),
        pytest.param(
            lambda t: {"Update": {"TableName": t, "Key": {"pk": N(5)}, "UpdateExpression": "REMOVE n"}},
            {"Code": "ValidationError", "Message": KEY_SCHEMA_MISMATCH},
            marks=KEYS_DIFFER,
        ),
        pytest.param(
            lambda t: {"Delete": {"TableName": t, "Key": {"pk": {"L": [S("x")]}}}},
            {"Code": "ValidationError", "Message": KEY_SCHEMA_MISMATCH},
            marks=KEYS_DIFFER,
        ),
        pytest.param(
            lambda t: check(t, "a", Key={"pk": N(5)}),
            {"Code": "ValidationError", "Message": KEY_SCHEMA_MISMATCH},
            marks=KEYS_DIFFER,
        ),
        pytest.param(
            lambda t: {"Put": {"TableName": t, "Item": {"pk": S("x" * 2049)}}},
            {"Code": "ValidationError", "Message": HASH_KEY_TOO_LARGE},
            marks=KEYS_DIFFER,
        ),
        (
            lambda t: {
                "Update": {
                    "TableName": t,
                    "Key": {"pk": S("a")},
                    "UpdateExpression": "SET pk = :v",
                    "ExpressionAttributeValues": {":v": S("b")},
                }
            },
            {
                "Code": "ValidationError",
                "Message": "One or more parameter values were invalid: Cannot update attribute pk. This attribute "
                "is part of the key",
            },
        ),
    ],
)
def test_cancellation_reasons(ddb_raw, table, action, reason):
    message, reasons = cancellation(lambda: ddb_raw.transact_write_items(TransactItems=[action(table)]))
    assert message == cancelled([reason["Code"]])
    assert reasons == [reason]
    assert items(ddb_raw, table)["a"] == {"pk": S("a"), "n": N(1), "s": S("text")}


def test_every_failed_action_has_its_reason(ddb_raw, table):
    mismatch = {"Put": {"TableName": table, "Item": {"pk": N(1)}}}
    for actions, codes in [
        ([check(table, "a"), mismatch], ["ConditionalCheckFailed", "ValidationError"]),
        ([mismatch, check(table, "a")], ["ValidationError", "ConditionalCheckFailed"]),
        # An Update whose condition fails is not checked further (not even for a second action on its item).
        (
            [check(table, "a"), bad_update(table, "a", ConditionExpression="attribute_not_exists(pk)")],
            ["ConditionalCheckFailed", "ConditionalCheckFailed"],
        ),
    ]:
        message, _ = cancellation(lambda actions=actions: ddb_raw.transact_write_items(TransactItems=actions))
        assert message == cancelled(codes)


def test_update_that_cannot_apply_fails_the_request(ddb_raw, table):
    # As in UpdateItem; it even comes before a failed condition of an earlier action and before
    # a second action on the same item.
    for actions, message in [
        ([bad_update(table, "a")], OPERAND_TYPE),
        ([check(table, "a"), bad_update(table, "a")], OPERAND_TYPE),
        ([put(table, "x"), bad_update(table, "x")], UNDEFINED_ATTRIBUTE),
        ([{"Put": {"TableName": table, "Item": {"pk": N(1)}}}, bad_update(table, "a")], OPERAND_TYPE),
    ]:
        assert_error(lambda actions=actions: ddb_raw.transact_write_items(TransactItems=actions), VALIDATION, message)


@service_behaviour(
    "DynamoDB Local refuses an Update whose item grows too large up front, with a ValidationException",
    source="paritysuite/dynamodb-conformance tests/tier3/limits/itemSizeBySurface.test.ts (eu-west-2, 2026-08-18)",
)
@pytest.mark.parametrize("pk", ["a", "fresh"], ids=["existing-item", "new-item"])
def test_update_growing_too_large_cancels(ddb_raw, table, pk):
    """An update's size depends on the stored item, so it is found too large while the transaction
    runs: a cancellation (a Put too large is refused up front)."""
    big_update = {
        "Update": {
            "TableName": table,
            "Key": {"pk": S(pk)},
            "UpdateExpression": "SET v = :v, w = :v",
            "ExpressionAttributeValues": {":v": S("x" * 300_000)},
        }
    }
    message, reasons = cancellation(lambda: ddb_raw.transact_write_items(TransactItems=[put(table, "b"), big_update]))
    assert message == cancelled(["None", "ValidationError"])
    assert reasons == [
        {"Code": "None"},
        {"Code": "ValidationError", "Message": "Item size to update has exceeded the maximum allowed size"},
    ]
    assert "Item" not in ddb_raw.get_item(TableName=table, Key={"pk": S("b")})


def member_null(*paths: str) -> str:
    return constraint_error(*(null_clause(f"transactItems.1.member.{path}") for path in paths))


NO_ACTIONS = constraint_error(clause("[]", "transactItems", "must have length greater than or equal to 1"))
TOO_MANY_ACTIONS = constraint_pattern("transactItems", "Member must have length less than or equal to 100")


@pytest.mark.parametrize(
    ("label", "actions", "code", "message"),
    [
        pytest.param("none", lambda t: [], VALIDATION, NO_ACTIONS, marks=FRAMEWORK),
        pytest.param(
            "101", lambda t: [put(t, str(i)) for i in range(101)], VALIDATION, TOO_MANY_ACTIONS, marks=FRAMEWORK
        ),
        (
            "no action",
            lambda t: [{}],
            VALIDATION,
            "Invalid Request: TransactWriteRequest should contain Delete or Put or Update request",
        ),
        (
            "two actions",
            lambda t: [{**put(t, "x"), **check(t, "x")}],
            VALIDATION,
            "TransactItems can only contain one of Check, Put, Update or Delete",
        ),
        pytest.param(
            "put without table",
            lambda t: [{"Put": {"Item": {"pk": S("a")}}}],
            VALIDATION,
            member_null("put.tableName"),
            marks=FRAMEWORK,
        ),
        pytest.param(
            "put without anything",
            lambda t: [{"Put": {}}],
            VALIDATION,
            member_null("put.item", "put.tableName"),
            marks=FRAMEWORK,
        ),
        pytest.param(
            "put without item",
            lambda t: [{"Put": {"TableName": t}}],
            VALIDATION,
            member_null("put.item"),
            marks=FRAMEWORK,
        ),
        pytest.param(
            "delete without key",
            lambda t: [{"Delete": {"TableName": t}}],
            VALIDATION,
            member_null("delete.key"),
            marks=FRAMEWORK,
        ),
        pytest.param(
            "update without key",
            lambda t: [{"Update": {"TableName": t, "UpdateExpression": "REMOVE x"}}],
            VALIDATION,
            member_null("update.key"),
            marks=FRAMEWORK,
        ),
        pytest.param(
            "check without key",
            lambda t: [{"ConditionCheck": {"TableName": t}}],
            VALIDATION,
            member_null("conditionCheck.key", "conditionCheck.conditionExpression"),
            marks=FRAMEWORK,
        ),
        pytest.param(
            "check without condition",
            lambda t: [{"ConditionCheck": {"TableName": t, "Key": {"pk": S("a")}}}],
            VALIDATION,
            member_null("conditionCheck.conditionExpression"),
            marks=FRAMEWORK,
        ),
        pytest.param(
            "missing table", lambda t: [put("nope-table", "a")], NOT_FOUND, TABLE_NOT_FOUND, marks=MISSING_TABLE
        ),
        pytest.param(
            "short table name", lambda t: [put("n", "a")], NOT_FOUND, TABLE_NOT_FOUND, marks=SHORT_NAMES_LOOKED_UP
        ),
        (
            "same item twice",
            lambda t: [put(t, "x"), {"Delete": {"TableName": t, "Key": {"pk": S("x")}}}],
            VALIDATION,
            SAME_ITEM,
        ),
        pytest.param(
            "bad value",
            lambda t: [{"Put": {"TableName": t, "Item": {"pk": S("x"), "n": N("x")}}}],
            VALIDATION,
            not_a_number("x"),
            marks=VALUES_DIFFER,
        ),
        pytest.param(
            "key missing",
            lambda t: [{"Put": {"TableName": t, "Item": {"x": S("x")}}}],
            VALIDATION,
            missing_key("pk"),
            marks=KEYS_DIFFER,
        ),
        ("empty key", lambda t: [put(t, "")], VALIDATION, empty_key("pk")),
        (
            "too large",
            lambda t: [{"Put": {"TableName": t, "Item": {"pk": S("x"), "v": S("x" * 410_000)}}}],
            VALIDATION,
            ITEM_TOO_LARGE,
        ),
        (
            "bad update expression",
            lambda t: [{"Update": {"TableName": t, "Key": {"pk": S("x")}, "UpdateExpression": "SET"}}],
            VALIDATION,
            'Invalid UpdateExpression: Syntax error; token: "<EOF>", near: "SET"',
        ),
        (
            "unused value",
            lambda t: [
                {
                    "Update": {
                        "TableName": t,
                        "Key": {"pk": S("a")},
                        "UpdateExpression": "SET b = :v",
                        "ExpressionAttributeValues": {":v": N(1), ":w": N(2)},
                    }
                }
            ],
            VALIDATION,
            "Value provided in ExpressionAttributeValues unused in expressions: keys: {:w}",
        ),
        (
            "operand type known from the request",
            lambda t: [
                {
                    "Update": {
                        "TableName": t,
                        "Key": {"pk": S("a")},
                        "UpdateExpression": "SET n = n + :v",
                        "ExpressionAttributeValues": {":v": S("s")},
                    }
                }
            ],
            VALIDATION,
            "Invalid UpdateExpression: Incorrect operand type for operator or function; "
            "operator or function: +, operand type: S",
        ),
        # Order: the count, then each action's shape, then values and expressions of every
        # action, then action by action its table, key and whether its item came before.
        pytest.param(
            "no action, then 100",
            lambda t: [{"Put": {}}] + [put(t, str(i)) for i in range(100)],
            VALIDATION,
            re.compile(
                r"3 validation errors detected: Value '.+' at 'transactItems' failed to satisfy constraint: "
                r"Member must have length less than or equal to 100; "
                + re.escape(member_null("put.item", "put.tableName").split(": ", 1)[1])
            ),
            marks=FRAMEWORK,
        ),
        pytest.param(
            "two actions, each without members",
            lambda t: [{"Put": {}, "Delete": {}}],
            VALIDATION,
            member_null("put.item", "put.tableName", "delete.key", "delete.tableName"),
            marks=FRAMEWORK,
        ),
        pytest.param(
            "missing table, then bad value",
            lambda t: [put("nope-table", "a"), {"Put": {"TableName": t, "Item": {"pk": S("x"), "n": N("x")}}}],
            VALIDATION,
            not_a_number("x"),
            marks=VALUES_DIFFER,
        ),
        pytest.param(
            "same item, then bad value",
            lambda t: [put(t, "x"), put(t, "x"), {"Put": {"TableName": t, "Item": {"pk": S("y"), "n": N("x")}}}],
            VALIDATION,
            not_a_number("x"),
            marks=VALUES_DIFFER,
        ),
        (
            "bad expression, then bad value",
            lambda t: [
                {"Update": {"TableName": t, "Key": {"pk": S("x")}, "UpdateExpression": "SET"}},
                {"Put": {"TableName": t, "Item": {"pk": S("y"), "n": N("x")}}},
            ],
            VALIDATION,
            'Invalid UpdateExpression: Syntax error; token: "<EOF>", near: "SET"',
        ),
        pytest.param(
            "missing table, then bad key",
            lambda t: [put("nope-table", "a"), {"Put": {"TableName": t, "Item": {"x": S("x")}}}],
            NOT_FOUND,
            TABLE_NOT_FOUND,
            marks=MISSING_TABLE,
        ),
        pytest.param(
            "bad key, then missing table",
            lambda t: [{"Put": {"TableName": t, "Item": {"x": S("x")}}}, put("nope-table", "a")],
            VALIDATION,
            missing_key("pk"),
            marks=KEYS_DIFFER,
        ),
        (
            "same item, then missing table",
            lambda t: [put(t, "x"), put(t, "x"), put("nope-table", "a")],
            VALIDATION,
            SAME_ITEM,
        ),
        (
            "same item, then bad key",
            lambda t: [put(t, "x"), put(t, "x"), {"Put": {"TableName": t, "Item": {"x": S("x")}}}],
            VALIDATION,
            SAME_ITEM,
        ),
        pytest.param(
            "a missing condition before the missing table",
            lambda t: [{"ConditionCheck": {"TableName": "nope-table", "Key": {"pk": S("a")}}}],
            VALIDATION,
            member_null("conditionCheck.conditionExpression"),
            marks=FRAMEWORK,
        ),
        (
            "failed update before a second action on another item",
            lambda t: [bad_update(t, "a"), put(t, "y"), put(t, "y")],
            VALIDATION,
            OPERAND_TYPE,
        ),
        (
            "same item before a failed update",
            lambda t: [put(t, "y"), put(t, "y"), bad_update(t, "a")],
            VALIDATION,
            SAME_ITEM,
        ),
        pytest.param(
            "missing table before a failed update",
            lambda t: [put("nope-table", "a"), bad_update(t, "a")],
            NOT_FOUND,
            TABLE_NOT_FOUND,
            marks=MISSING_TABLE,
        ),
    ],
)
def test_write_errors(ddb_raw, table, label, actions, code, message):
    assert_error(lambda: ddb_raw.transact_write_items(TransactItems=actions(table)), code, message)
    assert set(items(ddb_raw, table)) == {"a"}


def test_payload_limit_of_4_mb(ddb, make_table):
    name = make_table()
    big = "x" * (390 * 1024)  # 399,366 bytes each with its names
    actions = [{"Put": {"TableName": name, "Item": {"pk": S(f"k{i:02}"), "v": S(big)}}} for i in range(12)]
    assert_error(
        lambda: ddb.transact_write_items(TransactItems=actions),
        VALIDATION,
        "Transaction payload size cannot exceed 4MB. Payload Size: 4393026",  # reported once over
    )
    ddb.transact_write_items(TransactItems=actions[:10])
    gets = [{"Get": {"TableName": name, "Key": {"pk": S(f"k{i:02}")}}} for i in range(10)]
    assert len(ddb.transact_get_items(TransactItems=gets)["Responses"]) == 10


def test_client_request_token_makes_a_retry_idempotent(ddb, table):
    token = uuid.uuid4().hex
    first = ddb.transact_write_items(
        TransactItems=[add_one(table, "a")], ClientRequestToken=token, ReturnConsumedCapacity="TOTAL"
    )
    assert first["ConsumedCapacity"] == [{"TableName": table, "CapacityUnits": 2.0}]
    again = ddb.transact_write_items(
        TransactItems=[add_one(table, "a")], ClientRequestToken=token, ReturnConsumedCapacity="TOTAL"
    )
    assert again["ConsumedCapacity"] == first["ConsumedCapacity"]
    assert strip_metadata(ddb.transact_write_items(TransactItems=[add_one(table, "a")], ClientRequestToken=token)) == {}
    assert items(ddb, table)["a"]["n"] == N(2)  # applied once
    with pytest.raises(ClientError) as excinfo:
        ddb.transact_write_items(TransactItems=[add_one(table, "a"), put(table, "b")], ClientRequestToken=token)
    assert excinfo.value.response["Error"] == {"Code": "IdempotentParameterMismatchException", "Message": ""}
    # Without a token, or with another, the same request applies again.
    ddb.transact_write_items(TransactItems=[add_one(table, "a")])
    ddb.transact_write_items(TransactItems=[add_one(table, "a")], ClientRequestToken=uuid.uuid4().hex)
    assert items(ddb, table)["a"]["n"] == N(4)


def test_a_cancelled_transaction_does_not_use_up_its_token(ddb, table):
    token = uuid.uuid4().hex
    for _ in range(2):
        message, _ = cancellation(
            lambda: ddb.transact_write_items(TransactItems=[check(table, "a")], ClientRequestToken=token)
        )
        assert message == cancelled(["ConditionalCheckFailed"])
    ddb.transact_write_items(TransactItems=[add_one(table, "a")], ClientRequestToken=token)
    assert items(ddb, table)["a"]["n"] == N(2)


@FRAMEWORK
def test_client_request_token_length(ddb_raw, table):
    assert_error(
        lambda: ddb_raw.transact_write_items(TransactItems=[add_one(table, "a")], ClientRequestToken="x" * 37),
        VALIDATION,
        constraint_error(clause("x" * 37, "clientRequestToken", "must have length less than or equal to 36")),
    )


# What a transaction reports first when a request has more than one thing wrong (paritysuite/
# dynamodb-conformance tests/tier3/validation-ordering/transactions.test.ts, us-east-1 and eu-west-2,
# 2026-10-09): member constraints, every failing member in one message, before anything else; then
# every action's expressions and values, in request order, before any table is looked up.
RCC_BOGUS = clause("BOGUS", "returnConsumedCapacity", "must satisfy enum value set: [INDEXES, TOTAL, NONE]")
RICM_BOGUS = clause("BOGUS2", "returnItemCollectionMetrics", "must satisfy enum value set: [SIZE, NONE]")
TOKEN_TOO_LONG = clause("x" * 37, "clientRequestToken", "must have length less than or equal to 36")
SYNTAX = 'Invalid ConditionExpression: Syntax error; token: "<EOF>", near: "("'
UNUSED = "Value provided in ExpressionAttributeValues unused in expressions: keys: {:v}"


def broken_check(table: str) -> dict[str, Any]:
    return check(table, "cc", "attribute_not_exists(")


def unused_check(table: str) -> dict[str, Any]:
    return check(table, "cc", ExpressionAttributeValues={":v": S("x")})


def too_deep(table: str) -> dict[str, Any]:
    """A Put body whose item nests 33 levels."""
    return {"TableName": table, "Item": {"pk": S("deep"), "d": nested(32, S("leaf"))}}


@pytest.mark.parametrize(
    ("label", "actions", "members", "message"),
    [
        pytest.param("enum", lambda t: [put(t, "b")], {"ReturnConsumedCapacity": "BOGUS"}, constraint_error(RCC_BOGUS), marks=FRAMEWORK),
        pytest.param(
            "other enum",
            lambda t: [put(t, "b")],
            {"ReturnItemCollectionMetrics": "BOGUS2"},
            constraint_error(RICM_BOGUS),
            marks=FRAMEWORK,
        ),
        pytest.param(
            "both enums",
            lambda t: [put(t, "b")],
            {"ReturnConsumedCapacity": "BOGUS", "ReturnItemCollectionMetrics": "BOGUS2"},
            constraint_error(RCC_BOGUS, RICM_BOGUS),
            marks=FRAMEWORK,
        ),
        pytest.param(
            "enum, then missing table",
            lambda t: [put("nope-table", "b")],
            {"ReturnConsumedCapacity": "BOGUS"},
            constraint_error(RCC_BOGUS),
            marks=FRAMEWORK,
        ),
        pytest.param(
            "enum, then same item",
            lambda t: [put(t, "b"), {"Delete": {"TableName": t, "Key": {"pk": S("b")}}}],
            {"ReturnConsumedCapacity": "BOGUS"},
            constraint_error(RCC_BOGUS),
            marks=FRAMEWORK,
        ),
        pytest.param(
            "token, then enum",
            lambda t: [put(t, "b")],
            {"ClientRequestToken": "x" * 37, "ReturnConsumedCapacity": "BOGUS"},
            constraint_error(TOKEN_TOO_LONG, RCC_BOGUS),
            marks=FRAMEWORK,
        ),
        ("syntax on a later action, then missing table", lambda t: [put("nope-table", "b"), broken_check(t)], {}, SYNTAX),
        ("syntax, then a too deep item", lambda t: [broken_check(t), {"Put": too_deep(t)}], {}, SYNTAX),
        ("too deep item, then syntax", lambda t: [{"Put": too_deep(t)}, broken_check(t)], {}, NESTING_TOO_DEEP),
        ("unused value on a later action, then missing table", lambda t: [put("nope-table", "b"), unused_check(t)], {}, UNUSED),
        ("unused value, then missing table", lambda t: [unused_check(t), put("nope-table", "b")], {}, UNUSED),
        ("unused value, then same item", lambda t: [put(t, "cc"), unused_check(t)], {}, UNUSED),
    ],
)
def test_write_checks_in_order(ddb_raw, table, label, actions, members, message):
    assert_error(lambda: ddb_raw.transact_write_items(TransactItems=actions(table), **members), VALIDATION, message)
    assert set(items(ddb_raw, table)) == {"a"}


BAD_NAME = "must satisfy regular expression pattern: [a-zA-Z0-9_.-]+"


@pytest.mark.parametrize(
    ("actions", "path"),
    [
        (lambda t: [{"Put": {"TableName": "bad!name", "Item": {"pk": S("a")}}}], "transactItems.1.member.put.tableName"),
        (
            lambda t: [put(t, "b"), {"Update": {"TableName": "bad!name", "Key": {"pk": S("a")}, "UpdateExpression": "REMOVE x"}}],
            "transactItems.2.member.update.tableName",
        ),
        (lambda t: [{"Delete": {"TableName": "bad!name", "Key": {"pk": S("a")}}}], "transactItems.1.member.delete.tableName"),
        (lambda t: [check("bad!name", "a")], "transactItems.1.member.conditionCheck.tableName"),
    ],
)
@FRAMEWORK
def test_write_table_name_is_a_member_constraint(ddb_raw, table, actions, path):
    assert_error(
        lambda: ddb_raw.transact_write_items(TransactItems=actions(table)),
        VALIDATION,
        constraint_error(clause("bad!name", path, BAD_NAME)),
    )


# An empty key value is refused up front, whichever action carries it (paritysuite/dynamodb-conformance
# tests/tier3/error-messages/transactWriteItems.test.ts, live service, 2026).
@pytest.mark.parametrize("action", ["Put", "Update", "Delete", "ConditionCheck"])
@pytest.mark.parametrize("key_type", ["S", "B"])
def test_write_empty_key_value_is_refused_up_front(ddb_raw, make_table, action, key_type):
    table = make_table(hash_key=key_type)
    key = {"pk": {key_type: "" if key_type == "S" else b""}}
    body: dict[str, Any] = {"TableName": table, "Item" if action == "Put" else "Key": key}
    if action == "Update":
        body.update(UpdateExpression="SET a = :v", ExpressionAttributeValues={":v": S("x")})
    elif action == "ConditionCheck":
        body["ConditionExpression"] = "attribute_not_exists(pk)"
    assert_error(
        lambda: ddb_raw.transact_write_items(TransactItems=[{action: body}]),
        VALIDATION,
        empty_key("pk", binary=key_type == "B"),
    )
    assert ddb_raw.scan(TableName=table)["Items"] == []


# A transaction's expression value may nest one level past an item's limit (32 maps, the leaf at level 33):
# the transaction runs, a condition compares it, and an Update that would write it is cancelled. One level
# deeper is refused up front, naming the key (paritysuite/dynamodb-conformance tests/tier3/limits/
# nestingDepth.test.ts and captures/2026-10-08-transact-write-rollout.json: 30 of 33 regions, us-east-1
# among them, 2026-10-08/09; the other three refuse both up front).
NESTING_REASON = "Nesting Levels have exceeded supported limits"
DEEP_VALUE_SOURCE = (
    "paritysuite/dynamodb-conformance tests/tier3/limits/nestingDepth.test.ts, "
    "captures/2026-10-08-transact-write-rollout.json (live service, 2026)"
)


def deep_condition(kind: str, table: str, value: dict[str, Any]) -> dict[str, Any]:
    body = {
        "TableName": table,
        "Key": {"pk": S("a")},
        "ConditionExpression": "#d = :deep",
        "ExpressionAttributeNames": {"#d": "data"},
        "ExpressionAttributeValues": {":deep": value},
    }
    if kind == "Update":
        body["UpdateExpression"] = "SET touched = :t"
        body["ExpressionAttributeValues"] = {":t": S("y"), ":deep": value}
    return {kind: body}


@pytest.mark.parametrize("kind", ["Update", "ConditionCheck"])
def test_write_compares_a_value_one_level_past_the_item_limit(ddb_raw, table, kind):
    with pytest.raises(ClientError) as caught:
        ddb_raw.transact_write_items(TransactItems=[deep_condition(kind, table, nested(32, S("leaf")))])
    assert [reason["Code"] for reason in caught.value.response["CancellationReasons"]] == ["ConditionalCheckFailed"]


@service_behaviour("DynamoDB Local refuses the update up front with a ValidationException", source=DEEP_VALUE_SOURCE)
def test_write_update_of_a_value_one_level_past_the_item_limit_is_cancelled(ddb_raw, table):
    update = {"TableName": table, "Key": {"pk": S("b")}, "UpdateExpression": "SET deep = :deep"}
    with pytest.raises(ClientError) as caught:
        ddb_raw.transact_write_items(
            TransactItems=[{"Update": {**update, "ExpressionAttributeValues": {":deep": nested(32, S("leaf"))}}}]
        )
    assert caught.value.response["Error"]["Code"] == CANCELLED
    assert caught.value.response["CancellationReasons"] == [{"Code": "ValidationError", "Message": NESTING_REASON}]
    assert set(items(ddb_raw, table)) == {"a"}


@pytest.mark.parametrize("levels", [33, 61])
@pytest.mark.parametrize("kind", ["Update", "ConditionCheck"])
def test_write_value_two_levels_past_the_item_limit_is_refused_up_front(ddb_raw, table, kind, levels):
    assert_error(
        lambda: ddb_raw.transact_write_items(TransactItems=[deep_condition(kind, table, nested(levels, S("leaf")))]),
        VALIDATION,
        f"ExpressionAttributeValues contains invalid value: {NESTING_TOO_DEEP} for key :deep",
    )


def test_write_capacity_is_doubled(ddb, table):
    answer = ddb.transact_write_items(TransactItems=[put(table, "b")], ReturnConsumedCapacity="INDEXES")
    assert answer["ConsumedCapacity"] == [{"TableName": table, "CapacityUnits": 2.0, "Table": {"CapacityUnits": 2.0}}]


# --- TransactGetItems ----------------------------------------------------------------------


def get(table: str, pk: str, **extra: Any) -> dict[str, Any]:
    return {"Get": {"TableName": table, "Key": {"pk": S(pk)}, **extra}}


def test_get_items_in_request_order(ddb, table, make_table):
    other = make_table(range_key="S")
    ddb.put_item(TableName=table, Item={"pk": S("m"), "m": {"M": {"x": S("y"), "z": S("w")}}, "n": N(5)})
    answer = ddb.transact_get_items(
        TransactItems=[
            get(table, "m", ProjectionExpression="m.x, #n", ExpressionAttributeNames={"#n": "n"}),
            get(table, "nobody"),
            {"Get": {"TableName": other, "Key": {"pk": S("a"), "sk": S("b")}}},
            get(table, "a"),
        ],
        ReturnConsumedCapacity="TOTAL",
    )
    assert answer["Responses"] == [
        {"Item": {"m": {"M": {"x": S("y")}}, "n": N(5)}},
        {},
        {},
        {"Item": {"pk": S("a"), "n": N(1), "s": S("text")}},
    ]
    # Twice a consistent read, at least one unit each, found or not.
    capacity = sorted(answer["ConsumedCapacity"], key=lambda entry: entry["TableName"] != table)
    assert capacity == [{"TableName": table, "CapacityUnits": 6.0}, {"TableName": other, "CapacityUnits": 2.0}]


def test_get_accepts_100_items(ddb, table):
    answer = ddb.transact_get_items(TransactItems=[get(table, str(i)) for i in range(100)])
    assert answer["Responses"] == [{}] * 100


@pytest.mark.parametrize(
    ("label", "actions", "code", "message"),
    [
        pytest.param("none", lambda t: [], VALIDATION, NO_ACTIONS, marks=FRAMEWORK),
        pytest.param("no get", lambda t: [{}], VALIDATION, member_null("get"), marks=FRAMEWORK),
        pytest.param(
            "101", lambda t: [get(t, str(i)) for i in range(101)], VALIDATION, TOO_MANY_ACTIONS, marks=FRAMEWORK
        ),
        pytest.param(
            "no key", lambda t: [{"Get": {"TableName": t}}], VALIDATION, member_null("get.key"), marks=FRAMEWORK
        ),
        pytest.param(
            "no table",
            lambda t: [{"Get": {"Key": {"pk": S("a")}}}],
            VALIDATION,
            member_null("get.tableName"),
            marks=FRAMEWORK,
        ),
        pytest.param(
            "missing table", lambda t: [get("nope-table", "a")], NOT_FOUND, TABLE_NOT_FOUND, marks=MISSING_TABLE
        ),
        ("same item", lambda t: [get(t, "a"), get(t, "a", ProjectionExpression="n")], VALIDATION, SAME_ITEM),
        pytest.param(
            "bad value",
            lambda t: [{"Get": {"TableName": t, "Key": {"pk": N("x")}}}],
            VALIDATION,
            not_a_number("x"),
            marks=VALUES_DIFFER,
        ),
        (
            "bad projection",
            lambda t: [get(t, "a", ProjectionExpression="a,")],
            VALIDATION,
            'Invalid ProjectionExpression: Syntax error; token: "<EOF>", near: ","',
        ),
        (
            "projection of punctuation",
            lambda t: [get(t, "a", ProjectionExpression="!!!")],
            VALIDATION,
            'Invalid ProjectionExpression: Syntax error; token: "!", near: "!!"',
        ),
        (
            "names without projection",
            lambda t: [get(t, "a", ExpressionAttributeNames={"#n": "n"})],
            VALIDATION,
            "ExpressionAttributeNames can only be specified when using expressions",
        ),
        # Item by item: table, values, key, repeats, projection.
        pytest.param(
            "missing table, then bad value",
            lambda t: [get("nope-table", "a"), {"Get": {"TableName": t, "Key": {"pk": N("x")}}}],
            NOT_FOUND,
            TABLE_NOT_FOUND,
            marks=MISSING_TABLE,
        ),
        (
            "same item, then bad value",
            lambda t: [get(t, "a"), get(t, "a"), {"Get": {"TableName": t, "Key": {"pk": N("x")}}}],
            VALIDATION,
            SAME_ITEM,
        ),
        (
            "bad projection, then bad value",
            lambda t: [get(t, "a", ProjectionExpression="a,"), {"Get": {"TableName": t, "Key": {"pk": N("x")}}}],
            VALIDATION,
            'Invalid ProjectionExpression: Syntax error; token: "<EOF>", near: ","',
        ),
        pytest.param(
            "missing table with a bad projection",
            lambda t: [get("nope-table", "a", ProjectionExpression="a,")],
            NOT_FOUND,
            TABLE_NOT_FOUND,
            marks=MISSING_TABLE,
        ),
    ],
)
def test_get_errors(ddb_raw, table, label, actions, code, message):
    assert_error(lambda: ddb_raw.transact_get_items(TransactItems=actions(table)), code, message)


BOGUS_CAPACITY = {"ReturnConsumedCapacity": "BOGUS"}


@pytest.mark.parametrize(
    ("actions", "members", "message"),
    [
        (lambda t: [get(t, "a")], BOGUS_CAPACITY, constraint_error(RCC_BOGUS)),
        (lambda t: [get("nope-table", "a")], BOGUS_CAPACITY, constraint_error(RCC_BOGUS)),
        (lambda t: [get(t, "a"), get(t, "a")], BOGUS_CAPACITY, constraint_error(RCC_BOGUS)),
        (
            lambda t: [get(t, "a"), get("bad!name", "a")],
            {},
            constraint_error(clause("bad!name", "transactItems.2.member.get.tableName", BAD_NAME)),
        ),
    ],
    ids=["enum", "enum-before-missing-table", "enum-before-same-item", "table-name"],
)
@FRAMEWORK
def test_get_member_constraints_come_first(ddb_raw, table, actions, members, message):
    assert_error(lambda: ddb_raw.transact_get_items(TransactItems=actions(table), **members), VALIDATION, message)


@KEYS_DIFFER
@pytest.mark.parametrize("key", [{}, {"x": S("a")}, {"pk": N(1)}, {"pk": {"SS": ["a"]}}, {"pk": S("a"), "x": S("b")}])
def test_get_with_a_bad_key_is_cancelled(ddb_raw, table, key):
    """DynamoDB Local cancels without reasons, its message the key error's."""
    with pytest.raises(ClientError) as excinfo:
        ddb_raw.transact_get_items(TransactItems=[get(table, "a"), {"Get": {"TableName": table, "Key": key}}])
    error = excinfo.value.response
    assert error["Error"] == {"Code": CANCELLED, "Message": cancelled(["None", "ValidationError"])}
    assert error["CancellationReasons"] == [
        {"Code": "None"},
        {"Code": "ValidationError", "Message": KEY_SCHEMA_MISMATCH},
    ]


def test_get_response_limit_of_4_mb(ddb, make_table):
    name = make_table()
    big = "x" * (100 * 1024)  # 102,406 bytes each; DynamoDB counts 4 more per item returned
    for start in range(0, 41, 25):
        ddb.batch_write_item(
            RequestItems={
                name: [
                    {"PutRequest": {"Item": {"pk": S(f"k{i:02}"), "v": S(big)}}}
                    for i in range(start, min(start + 25, 41))
                ]
            }
        )
    gets = [get(name, f"k{i:02}") for i in range(41)]
    assert_error(
        lambda: ddb.transact_get_items(TransactItems=gets), VALIDATION, "Payload in response is too large.4198810"
    )
    # What counts is what is returned.
    projected = [get(name, f"k{i:02}", ProjectionExpression="pk") for i in range(41)]
    assert len(ddb.transact_get_items(TransactItems=projected)["Responses"]) == 41
