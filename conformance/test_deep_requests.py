"""Requests deep enough to exhaust a recursive parser: DynamoDB's 400, and nothing changed.

Values nested past the 32-level limit, expressions whose operators nest past the 300-operator
limit, PartiQL statements with deep values or too many operators, and number literals whose
exponent cannot be read. (Thousands of levels, and inputs where DynamoDB Local fails with a
500, are in tests/test_no_server_errors.py.)
"""

from __future__ import annotations

import gzip

import pytest
from botocore.config import Config
from botocore.exceptions import ClientError

from conformance.helpers import (
    NESTING_TOO_DEEP,
    VALIDATION,
    WRITE_ENVELOPE,
    assert_error,
    enveloped,
    nested,
    service_behaviour,
)

KEY = {"pk": {"S": "k"}}
SEED = {**KEY, "n": {"N": "1"}}
TOO_MANY_OPERATORS = "The expression contains too many operators; operator count: 301"


@pytest.fixture
def table(ddb, make_table):
    name = make_table()
    ddb.put_item(TableName=name, Item=SEED)
    return name


def unchanged(ddb, table: str) -> bool:
    return ddb.scan(TableName=table)["Items"] == [SEED]


# Past about 62 levels the service reads PutItem, UpdateItem and DeleteItem requests in an older form
# (their errors bare, not enveloped: paritysuite/dynamodb-conformance
# tests/tier3/validation-ordering/deepRequests.test.ts, 2026), which dynasim does not model; 40 levels
# is well inside the form they are answered in otherwise.
@pytest.mark.parametrize("levels", [40])
@WRITE_ENVELOPE
def test_values_nested_past_the_limit(ddb, table, levels):
    deep = nested(levels, {"S": "x"})
    put_item_error = enveloped(NESTING_TOO_DEEP)  # neither wraps an expression value's error
    assert_error(lambda: ddb.put_item(TableName=table, Item={**KEY, "d": deep}), VALIDATION, put_item_error)
    assert_error(
        lambda: ddb.batch_write_item(RequestItems={table: [{"PutRequest": {"Item": {**KEY, "d": deep}}}]}),
        VALIDATION,
        NESTING_TOO_DEEP,
    )
    assert_error(
        lambda: ddb.put_item(
            TableName=table, Item=KEY, ConditionExpression="d = :v", ExpressionAttributeValues={":v": deep}
        ),
        VALIDATION,
        put_item_error,
    )
    assert unchanged(ddb, table)


@service_behaviour(
    "DynamoDB Local looks the table up first",
    source="paritysuite/dynamodb-conformance tests/tier3/validation-ordering/deepRequests.test.ts (live service, "
    "2026: seven of ten regions report the depth, three the ConditionalOperator misuse)",
)
def test_scan_filter_checked_before_the_table(ddb_raw):
    request = {
        "TableName": "no-such-table",
        "ScanFilter": {"a": {"ComparisonOperator": "EQ", "AttributeValueList": [nested(40, {"S": "x"})]}},
        "ConditionalOperator": "AND",
    }
    with pytest.raises(ClientError) as caught:
        ddb_raw.scan(**request)
    error = caught.value.response["Error"]
    assert error["Code"] == VALIDATION
    assert error["Message"] in (
        NESTING_TOO_DEEP,
        "ConditionalOperator can only be used when Filter or Expected has two or more elements",
    )


# Between 61 and 63 levels PutItem and UpdateItem move to the older reading: a too deep item loses the
# envelope, a too deep expression value is named by its key (paritysuite/dynamodb-conformance
# tests/tier3/limits/nestingDepth.test.ts, exact, us-east-1 and eu-west-2, 2026-10-09).
@WRITE_ENVELOPE
def test_single_item_writes_move_to_the_older_reading_past_62_levels(ddb, table):
    def put(levels: int) -> None:
        ddb.put_item(TableName=table, Item={"pk": {"S": "new"}, "d": nested(levels, {"S": "x"})})

    def update(levels: int) -> None:
        ddb.update_item(
            TableName=table,
            Key=KEY,
            UpdateExpression="SET t = :t",
            ConditionExpression="#d = :deep",
            ExpressionAttributeNames={"#d": "d"},
            ExpressionAttributeValues={":t": {"S": "y"}, ":deep": nested(levels, {"S": "x"})},
        )

    assert_error(lambda: put(61), VALIDATION, enveloped(NESTING_TOO_DEEP))
    assert_error(lambda: put(63), VALIDATION, NESTING_TOO_DEEP)
    assert_error(lambda: update(61), VALIDATION, enveloped(NESTING_TOO_DEEP))
    named = f"ExpressionAttributeValues contains invalid value: {NESTING_TOO_DEEP} for key :deep"
    assert_error(lambda: update(63), VALIDATION, named)
    assert unchanged(ddb, table)


@pytest.mark.parametrize(
    "expression",
    [
        "NOT " * 1000 + "attribute_exists(pk)",  # 4 KB allows about 1,000
        "NOT " * 300 + "attribute_exists(pk)",  # one past the limit
        "NOT(" * 600 + "attribute_exists(pk)" + ")" * 600,
        " AND ".join(["attribute_exists(pk)"] * 60) + " AND " + "NOT " * 250 + "attribute_exists(pk)",
    ],
    ids=["not-1000", "not-300", "not-in-parentheses-600", "and-60-not-250"],
)
@WRITE_ENVELOPE
def test_operators_nested_past_the_limit(ddb, table, expression):
    assert_error(
        lambda: ddb.put_item(TableName=table, Item=KEY, ConditionExpression=expression),
        VALIDATION,
        enveloped(f"Invalid ConditionExpression: {TOO_MANY_OPERATORS}"),
    )
    assert_error(
        lambda: ddb.scan(TableName=table, FilterExpression=expression),
        VALIDATION,
        f"Invalid FilterExpression: {TOO_MANY_OPERATORS}",
    )
    assert unchanged(ddb, table)


def test_operators_nested_to_the_limit(ddb, table):
    expression, values = "NOT " * 299 + "n <> :v", {":v": {"N": "1"}}  # 300 operators
    ddb.put_item(TableName=table, Item=SEED, ConditionExpression=expression, ExpressionAttributeValues=values)
    assert ddb.scan(TableName=table, FilterExpression=expression, ExpressionAttributeValues=values)["Items"] == [SEED]


@pytest.mark.parametrize(
    "where",
    [
        " OR ".join(["pk='k'"] * 700),
        " OR ".join(["pk = 'k'"] * 151),  # 151 comparisons and 150 ORs
        "pk = 'k' AND " + "NOT " * 299 + "n = 1",
    ],
    ids=["or-700", "or-151", "not-299"],
)
def test_partiql_with_too_many_operators(ddb, table, where):
    statement = f'SELECT * FROM "{table}" WHERE {where}'
    assert len(statement) <= 8192
    assert_error(lambda: ddb.execute_statement(Statement=statement), VALIDATION, TOO_MANY_OPERATORS)


def test_partiql_with_operators_to_the_limit(ddb, table):
    where = " OR ".join(["pk = 'k'"] * 150)  # 150 comparisons and 149 ORs
    assert ddb.execute_statement(Statement=f'SELECT * FROM "{table}" WHERE {where}')["Items"] == [SEED]


@pytest.mark.parametrize(
    "statement",
    [
        "SELECT * FROM \"{t}\" WHERE pk = " + "[" * 100 + "]" * 100,
        "SELECT * FROM \"{t}\" WHERE pk = " + "[" * 33 + "]" * 33,
        "INSERT INTO \"{t}\" VALUE {{'pk': 'new', 'm': " + "{{'a': " * 100 + "1" + "}}" * 100 + "}}",
        "INSERT INTO \"{t}\" VALUE {{'pk': 'new', 'l': " + "[" * 32 + "1" + "]" * 32 + "}}",
    ],
    ids=["where-100", "where-33", "insert-map-100", "insert-list-32"],
)
def test_partiql_values_nested_past_the_limit(ddb, table, statement):
    assert_error(
        lambda: ddb.execute_statement(Statement=statement.format(t=table)),
        VALIDATION,
        "Nesting Levels have exceeded supported limits",
    )
    assert unchanged(ddb, table)


@service_behaviour(
    "DynamoDB Local puts the statement itself after 'Statement wasn't well formed, can't be processed: '",
    source="paritysuite/dynamodb-conformance tests/tier3/error-messages/partiqlGrammar.test.ts (live service, 2026)",
)
@pytest.mark.parametrize("literal", ["1e99999999999999999999", "1e99999999999", "-1e-3000000000"])
def test_partiql_numbers_whose_exponent_cannot_be_read(ddb, table, literal):
    statement = f"INSERT INTO \"{table}\" VALUE {{'pk': 'new', 'n': {literal}}}"
    assert_error(
        lambda: ddb.execute_statement(Statement=statement),
        VALIDATION,
        "Statement wasn't well formed, can't be processed: ",  # nothing after the colon
    )
    assert unchanged(ddb, table)


@service_behaviour(
    "DynamoDB Local fails a compressed body with a 500 InternalFailure",
    source="scylladb/scylladb test/alternator/test_compressed_request.py (passes against DynamoDB)",
)
def test_compressed_requests(backend, table):
    # botocore compresses the operations its model marks (DynamoDB's marks none yet): mark them all.
    ddb = backend.client(Config(request_min_compression_size_bytes=1))
    operations = ddb.meta.service_model._service_description["operations"]
    for operation in operations.values():
        operation["requestcompression"] = {"encodings": ["gzip"]}
    sent: list[bytes] = []
    ddb.meta.events.register("before-send.dynamodb.PutItem", lambda request, **_: sent.append(request.body))
    try:
        ddb.put_item(TableName=table, Item={"pk": {"S": "zipped"}, "v": {"S": "x" * 1000}})
        assert gzip.decompress(sent[0])  # it did go compressed
        got = ddb.get_item(TableName=table, Key={"pk": {"S": "zipped"}})["Item"]
    finally:  # the model is shared by every client of the session
        for operation in operations.values():
            operation.pop("requestcompression")
    assert got["v"] == {"S": "x" * 1000}


# --- which error a deep request reports when something else is wrong too ----------------------
#
# paritysuite/dynamodb-conformance tests/tier3/validation-ordering/deepRequests.test.ts, recorded against the
# live service in 2026 (ten regions), on a missing table: every answer comes before the table is looked up.
# TransactWriteItems checks its actions in order; within one, the depth of its item or key comes first,
# except that a value nested past about 62 levels is found only after the action's other checks.

DEEP_SOURCE = "paritysuite/dynamodb-conformance tests/tier3/validation-ordering/deepRequests.test.ts (live, 2026)"
ABSENT = "deep-order-absent"
EMPTY_NAME = "Empty attribute name"
SYNTAX = 'Invalid ConditionExpression: Syntax error; token: "=", near: "= = b"'


def composite(pk: dict) -> dict:
    return {"pk": pk, "sk": {"S": "1"}}


def put(item: dict, **extra) -> dict:
    return {"Put": {"TableName": ABSENT, "Item": item, **extra}}


def delete(pk: dict, **extra) -> dict:
    return {"Delete": {"TableName": ABSENT, "Key": composite(pk), **extra}}


A = composite({"S": "a"})
EMPTY_NAMED = {**A, "": {"S": "x"}}
ACTION_ORDER = {
    "depth-40-before-a-later-empty-name": (
        [put({**A, "d": nested(40, {"S": "x"})}), put(EMPTY_NAMED)],
        NESTING_TOO_DEEP,
    ),
    "empty-name-before-a-later-depth-100": ([put(EMPTY_NAMED), put({**A, "d": nested(100, {"S": "x"})})], EMPTY_NAME),
    "empty-name-before-depth-100-after-it": ([put({**A, "d": nested(100, {"S": "x"}), "": {"S": "x"}})], EMPTY_NAME),
    "depth-40-before-an-empty-map-key": (
        [put({**A, "m": {"M": {"": {"S": "x"}}}, "d": nested(40, {"S": "x"})})],
        NESTING_TOO_DEEP,
    ),
    "key-depth-40-before-a-later-syntax-error": (
        [delete(nested(40, {"S": "x"})), put(A, ConditionExpression="a = = b")],
        NESTING_TOO_DEEP,
    ),
    "syntax-error-before-the-same-actions-key-depth-100": (
        [delete(nested(100, {"S": "x"}), ConditionExpression="a = = b")],
        SYNTAX,
    ),
    "size-before-the-same-actions-key-depth-100": (
        [
            delete(
                nested(100, {"S": "x"}),
                ConditionExpression="a = :v" + " AND a = :v" * 373,
                ExpressionAttributeValues={":v": {"S": "x"}},
            )
        ],
        "Invalid ConditionExpression: Expression size has exceeded the maximum allowed size; expression size: 4109",
    ),
}


LOCAL_ORDER_DIFFERS = service_behaviour(
    "DynamoDB Local checks an item's names and values in its own order", source=DEEP_SOURCE
)
LOCAL_DIFFERS_IN = ("empty-name-before-depth-100-after-it", "depth-40-before-an-empty-map-key")


@pytest.mark.parametrize(
    "case",
    [pytest.param(case, marks=LOCAL_ORDER_DIFFERS) if case in LOCAL_DIFFERS_IN else case for case in ACTION_ORDER],
)
def test_transaction_reports_the_first_problem(ddb_raw, case):
    actions, message = ACTION_ORDER[case]
    assert_error(lambda: ddb_raw.transact_write_items(TransactItems=actions), VALIDATION, message)


@service_behaviour("DynamoDB Local words these its own way", source=DEEP_SOURCE)
def test_single_item_operations_read_a_deep_request_the_older_way(ddb_raw):
    deep = nested(100, {"S": "x"})
    enum = (
        "1 validation error detected: Value 'XOR' at 'conditionalOperator' failed to satisfy constraint: Member "
        "must satisfy enum value set: [OR, AND]"
    )
    expected = {"a": {"Value": deep}, "b": {"Exists": False}}
    assert_error(
        lambda: ddb_raw.put_item(TableName=ABSENT, Item=A, Expected=expected, ConditionalOperator="XOR"),
        VALIDATION,
        enum,
    )
    assert_error(
        lambda: ddb_raw.delete_item(
            TableName=ABSENT,
            Key=A,
            ConditionExpression="#d = :deep",
            ExpressionAttributeNames={"#d": "d"},
            ExpressionAttributeValues={":deep": deep},
            ReturnValues="UPDATED_NEW",
        ),
        VALIDATION,
        "ReturnValues can only be ALL_OLD or NONE",
    )
