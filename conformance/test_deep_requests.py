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


@pytest.mark.parametrize("literal", ["1e99999999999999999999", "1e99999999999", "-1e-3000000000"])
def test_partiql_numbers_whose_exponent_cannot_be_read(ddb, table, literal):
    statement = f"INSERT INTO \"{table}\" VALUE {{'pk': 'new', 'n': {literal}}}"
    assert_error(
        lambda: ddb.execute_statement(Statement=statement),
        VALIDATION,
        f"Statement wasn't well formed, can't be processed: {statement}",
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
