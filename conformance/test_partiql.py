"""PartiQL: ExecuteStatement, BatchExecuteStatement and ExecuteTransaction, with DynamoDB's errors."""

from __future__ import annotations

from typing import Any

import pytest

from conformance.conftest import unique_name
from conformance.helpers import (
    FRAMEWORK,
    MISSING_TABLE,
    NESTING_TOO_DEEP,
    NOT_FOUND,
    NUMBER_UNDERFLOW,
    TABLE_NOT_FOUND,
    VALIDATION,
    VALUES_DIFFER,
    assert_error,
    clause,
    constraint_error,
    constraint_pattern,
    nested,
    not_a_number,
    service_behaviour,
    strip_metadata,
)

KEY_EQUALITY = "Where clause does not contain a mandatory equality on all key attributes"
DUPLICATE = "Duplicate primary key exists in table"
FAILED = "The conditional request failed"


@pytest.fixture
def table(make_table: Any, ddb: Any) -> str:
    name = make_table(range_key="N")
    for sk in range(1, 6):
        ddb.execute_statement(Statement=f"INSERT INTO \"{name}\" VALUE {{'pk': 'a', 'sk': {sk}, 'x': {sk * 10}}}")
    ddb.execute_statement(Statement=f"INSERT INTO \"{name}\" VALUE {{'pk': 'b', 'sk': 1, 'tags': <<'p', 'q'>>}}")
    return name


def _items(response: dict[str, Any]) -> list[dict[str, Any]]:
    return sorted(response["Items"], key=lambda item: (item["pk"]["S"], item["sk"]["N"]))


def test_insert_and_select_every_type(ddb: Any, make_table: Any) -> None:
    name = make_table()
    statement = (
        f"INSERT INTO \"{name}\" VALUE {{'pk': 'k', 'n': 1.50, 'b': true, 'z': null, 'l': [1, 'two', false], "
        "'m': {'in': 'side'}, 'ns': <<3, 1>>, 'ss': <<'x'>>}"
    )
    assert strip_metadata(ddb.execute_statement(Statement=statement)) == {"Items": []}
    response = ddb.execute_statement(Statement=f"SELECT * FROM \"{name}\" WHERE pk = 'k'")
    item = response["Items"][0]
    assert item["n"] == {"N": "1.5"}
    assert item["b"] == {"BOOL": True}
    assert item["z"] == {"NULL": True}
    assert item["l"] == {"L": [{"N": "1"}, {"S": "two"}, {"BOOL": False}]}
    assert item["m"] == {"M": {"in": {"S": "side"}}}
    assert sorted(item["ns"]["NS"]) == ["1", "3"]
    assert item["ss"] == {"SS": ["x"]}


def test_insert_duplicate_key(ddb: Any, table: str, target: Any) -> None:
    # AWS documents DuplicateItemException (ExecuteStatement's Errors; botocore's model, so
    # `client.exceptions.DuplicateItemException` catches it); DynamoDB Local answers "DuplicateItem".
    code = "DuplicateItem" if target.kind == "ddblocal" else "DuplicateItemException"
    error = assert_error(
        lambda: ddb.execute_statement(Statement=f"INSERT INTO \"{table}\" VALUE {{'pk': 'a', 'sk': 1}}"),
        code,
        DUPLICATE,
    )
    if target.kind != "ddblocal":
        assert isinstance(error, ddb.exceptions.DuplicateItemException)


@pytest.mark.parametrize(
    ("value", "message"),
    [
        ("{'pk': 'a'}", "Key attribute should be present in the item: Key sk"),
        ("{'pk': 'a', 'sk': 'one'}", "Key attribute's data type should match its data type in table's schema: Key sk"),
    ],
)
def test_insert_key_errors(ddb: Any, table: str, value: str, message: str) -> None:
    assert_error(lambda: ddb.execute_statement(Statement=f'INSERT INTO "{table}" VALUE {value}'), VALIDATION, message)


def test_select_partition_and_sort_conditions(ddb: Any, table: str) -> None:
    response = ddb.execute_statement(Statement=f"SELECT pk, sk FROM \"{table}\" WHERE pk = 'a' AND sk > 3")
    assert response["Items"] == [{"pk": {"S": "a"}, "sk": {"N": "4"}}, {"pk": {"S": "a"}, "sk": {"N": "5"}}]
    response = ddb.execute_statement(Statement=f"SELECT x FROM \"{table}\" WHERE pk = 'a' AND x BETWEEN 20 AND 30")
    assert response["Items"] == [{"x": {"N": "20"}}, {"x": {"N": "30"}}]


def test_select_scan_with_filters(ddb: Any, table: str) -> None:
    both = ddb.execute_statement(Statement=f'SELECT * FROM "{table}" WHERE sk = 1')
    assert [item["pk"]["S"] for item in _items(both)] == ["a", "b"]
    missing = ddb.execute_statement(Statement=f'SELECT * FROM "{table}" WHERE x IS MISSING')
    assert [item["pk"]["S"] for item in missing["Items"]] == ["b"]
    present = ddb.execute_statement(Statement=f'SELECT * FROM "{table}" WHERE x IS NOT MISSING AND NOT x IN [10, 20]')
    assert sorted(item["sk"]["N"] for item in present["Items"]) == ["3", "4", "5"]
    functions = ddb.execute_statement(
        Statement=f"SELECT * FROM \"{table}\" WHERE contains(tags, 'p') OR begins_with(pk, 'zz') OR size(x) > 100"
    )
    assert [item["pk"]["S"] for item in functions["Items"]] == ["b"]


def test_select_parameters(ddb: Any, table: str) -> None:
    response = ddb.execute_statement(
        Statement=f'SELECT sk FROM "{table}" WHERE pk = ? AND sk >= ?', Parameters=[{"S": "a"}, {"N": "4"}]
    )
    assert response["Items"] == [{"sk": {"N": "4"}}, {"sk": {"N": "5"}}]


def test_parameter_count(ddb: Any, table: str) -> None:
    assert_error(
        lambda: ddb.execute_statement(
            Statement=f'SELECT * FROM "{table}" WHERE pk = ? AND sk = ?', Parameters=[{"S": "a"}]
        ),
        VALIDATION,
        "Number of parameters in request and statement don't match.",
    )


def test_limit_and_next_token(ddb: Any, table: str) -> None:
    statement = f"SELECT sk FROM \"{table}\" WHERE pk = 'a'"
    seen = []
    response = ddb.execute_statement(Statement=statement, Limit=2)
    pages = 1
    while True:
        seen += [item["sk"]["N"] for item in response["Items"]]
        if "NextToken" not in response:
            break
        response = ddb.execute_statement(Statement=statement, Limit=2, NextToken=response["NextToken"])
        pages += 1
    assert seen == ["1", "2", "3", "4", "5"]
    assert pages == 3


def test_invalid_next_token(ddb: Any, table: str) -> None:
    assert_error(
        lambda: ddb.execute_statement(Statement=f'SELECT * FROM "{table}"', NextToken="garbage"),
        VALIDATION,
        "Invalid NextToken",
    )


def test_limit_too_small(ddb_raw: Any, table: str) -> None:
    assert_error(
        lambda: ddb_raw.execute_statement(Statement=f'SELECT * FROM "{table}"', Limit=0),
        VALIDATION,
        "1 validation error detected: Value '0' at 'limit' failed to satisfy constraint: Member must have value "
        "greater than or equal to 1",
    )


@FRAMEWORK
def test_statement_length(ddb_raw: Any) -> None:
    assert_error(
        lambda: ddb_raw.execute_statement(Statement=""),
        VALIDATION,
        constraint_error(clause("", "statement", "must have length greater than or equal to 1")),
    )
    assert_error(
        lambda: ddb_raw.execute_statement(Statement="x" * 8193),
        VALIDATION,
        constraint_error(clause("x" * 8193, "statement", "must have length less than or equal to 8192")),
    )


@MISSING_TABLE
def test_missing_table(ddb: Any) -> None:
    assert_error(lambda: ddb.execute_statement(Statement='SELECT * FROM "no-such-table"'), NOT_FOUND, TABLE_NOT_FOUND)
    response = ddb.batch_execute_statement(
        Statements=[{"Statement": "SELECT * FROM \"no-such-table\" WHERE pk = 'a' AND sk = 3"}]
    )
    assert response["Responses"] == [{"Error": {"Code": "ResourceNotFound", "Message": TABLE_NOT_FOUND}}]


def test_unknown_index_and_duplicate_columns(ddb: Any, table: str) -> None:
    assert_error(
        lambda: ddb.execute_statement(Statement=f'SELECT x.q, z.q FROM "{table}"'),
        VALIDATION,
        "Duplicate identifiers in select clause: q",
    )


@service_behaviour(
    "DynamoDB Local names the index, and words a consistent read on a global index as Query does",
    source="paritysuite/dynamodb-conformance tests/tier3/error-messages/indexReads.test.ts (live service, 2026)",
)
def test_index_errors_in_execute_statement_words(ddb: Any) -> None:
    """ExecuteStatement words its index errors its own way; an unknown index is reported first."""
    name = unique_name()
    ddb.create_table(
        TableName=name,
        KeySchema=[{"AttributeName": "pk", "KeyType": "HASH"}],
        AttributeDefinitions=[{"AttributeName": key, "AttributeType": "S"} for key in ("pk", "st")],
        BillingMode="PAY_PER_REQUEST",
        GlobalSecondaryIndexes=[
            {
                "IndexName": "by-st",
                "KeySchema": [{"AttributeName": "st", "KeyType": "HASH"}],
                "Projection": {"ProjectionType": "ALL"},
            }
        ],
    )
    unknown = "The table does not have the specified index"
    for consistent in (False, True):
        assert_error(
            lambda consistent=consistent: ddb.execute_statement(
                Statement=f'SELECT * FROM "{name}"."nope"', ConsistentRead=consistent
            ),
            VALIDATION,
            unknown,
        )
    assert_error(
        lambda: ddb.execute_statement(Statement=f'SELECT * FROM "{name}"."by-st"', ConsistentRead=True),
        VALIDATION,
        "Strongly consistent read is not supported on Global Secondary Indexes",
    )


def test_update(ddb: Any, table: str) -> None:
    ddb.execute_statement(
        Statement=f"UPDATE \"{table}\" SET x = x + 1, y = ? SET l = [1] REMOVE z WHERE pk = 'a' AND sk = 1",
        Parameters=[{"S": "new"}],
    )
    item = ddb.execute_statement(Statement=f"SELECT * FROM \"{table}\" WHERE pk = 'a' AND sk = 1")["Items"][0]
    assert item == {"pk": {"S": "a"}, "sk": {"N": "1"}, "x": {"N": "11"}, "y": {"S": "new"}, "l": {"L": [{"N": "1"}]}}


def test_update_conditions(ddb: Any, table: str) -> None:
    assert_error(
        lambda: ddb.execute_statement(Statement=f"UPDATE \"{table}\" SET x = 1 WHERE pk = 'zz' AND sk = 1"),
        "ConditionalCheckFailedException",
        FAILED,
    )
    error = assert_error(
        lambda: ddb.execute_statement(
            Statement=f"UPDATE \"{table}\" SET x = 1 WHERE pk = 'a' AND sk = 2 AND x = 7",
            ReturnValuesOnConditionCheckFailure="ALL_OLD",
        ),
        "ConditionalCheckFailedException",
        FAILED,
    )
    assert error.response["Item"] == {"pk": {"S": "a"}, "sk": {"N": "2"}, "x": {"N": "20"}}
    assert_error(
        lambda: ddb.execute_statement(Statement=f"UPDATE \"{table}\" SET x = 1 WHERE pk = 'a'"),
        VALIDATION,
        KEY_EQUALITY,
    )
    assert_error(
        lambda: ddb.execute_statement(Statement=f"UPDATE \"{table}\" SET pk = 'b' WHERE pk = 'a' AND sk = 2"),
        VALIDATION,
        "One or more parameter values were invalid: Cannot update attribute pk. This attribute is part of the key",
    )


def test_delete(ddb: Any, table: str) -> None:
    assert strip_metadata(ddb.execute_statement(Statement=f"DELETE FROM \"{table}\" WHERE pk = 'zz' AND sk = 1")) == {
        "Items": []
    }
    assert_error(
        lambda: ddb.execute_statement(Statement=f"DELETE FROM \"{table}\" WHERE pk = 'a' AND sk = 1 AND x = 2"),
        "ConditionalCheckFailedException",
        FAILED,
    )
    assert_error(
        lambda: ddb.execute_statement(Statement=f'DELETE FROM "{table}" WHERE sk = 1'), VALIDATION, KEY_EQUALITY
    )
    ddb.execute_statement(Statement=f"DELETE FROM \"{table}\" WHERE pk = 'a' AND sk = 1 AND x = 10")
    assert ddb.execute_statement(Statement=f"SELECT * FROM \"{table}\" WHERE pk = 'a' AND sk = 1")["Items"] == []


# --- BatchExecuteStatement -------------------------------------------------------------------


def test_batch_reads(ddb: Any, table: str) -> None:
    response = ddb.batch_execute_statement(
        Statements=[
            {"Statement": f"SELECT * FROM \"{table}\" WHERE pk = 'a' AND sk = 3"},
            {"Statement": f'SELECT * FROM "{table}" WHERE pk = ? AND sk = ?', "Parameters": [{"S": "a"}, {"N": "9"}]},
        ]
    )
    assert response["Responses"] == [
        {"TableName": table, "Item": {"pk": {"S": "a"}, "sk": {"N": "3"}, "x": {"N": "30"}}},
        {"TableName": table},
    ]


def test_batch_writes(ddb: Any, table: str) -> None:
    response = ddb.batch_execute_statement(
        Statements=[
            {"Statement": f"INSERT INTO \"{table}\" VALUE {{'pk': 'a', 'sk': 1}}"},
            {
                "Statement": f"UPDATE \"{table}\" SET x = 0 WHERE pk = 'a' AND sk = 2 AND x = 1",
                "ReturnValuesOnConditionCheckFailure": "ALL_OLD",
            },
            {"Statement": f"UPDATE \"{table}\" SET x = 0 WHERE pk = 'a'"},
            {"Statement": f"INSERT INTO \"{table}\" VALUE {{'pk': 'c', 'sk': 1}}"},
            {"Statement": f"DELETE FROM \"{table}\" WHERE pk = 'a' AND sk = 5"},
        ]
    )
    assert response["Responses"] == [
        {"Error": {"Code": "DuplicateItem", "Message": DUPLICATE}, "TableName": table},
        {
            "Error": {
                "Code": "ConditionalCheckFailed",
                "Message": FAILED,
                "Item": {"pk": {"S": "a"}, "sk": {"N": "2"}, "x": {"N": "20"}},
            },
            "TableName": table,
        },
        {"Error": {"Code": "ValidationError", "Message": KEY_EQUALITY}},
        {"TableName": table},
        {"TableName": table},
    ]
    assert ddb.execute_statement(Statement=f"SELECT * FROM \"{table}\" WHERE pk = 'c'")["Items"] != []
    assert ddb.execute_statement(Statement=f"SELECT * FROM \"{table}\" WHERE pk = 'a' AND sk = 5")["Items"] == []


@FRAMEWORK
def test_statement_counts(ddb_raw: Any, table: str) -> None:
    read = {"Statement": f"SELECT * FROM \"{table}\" WHERE pk = 'a' AND sk = 3"}
    write = {"Statement": f"INSERT INTO \"{table}\" VALUE {{'pk': 'c', 'sk': 1}}"}
    empty = "must have length greater than or equal to 1"
    assert_error(
        lambda: ddb_raw.batch_execute_statement(Statements=[]),
        VALIDATION,
        constraint_error(clause("[]", "statements", empty)),
    )
    for many in ([read] * 26, [write] * 26):
        assert_error(
            lambda many=many: ddb_raw.batch_execute_statement(Statements=many),
            VALIDATION,
            constraint_pattern("statements", "Member must have length less than or equal to 25"),
        )
    assert_error(
        lambda: ddb_raw.execute_transaction(TransactStatements=[]),
        VALIDATION,
        constraint_error(clause("[]", "transactStatements", empty)),
    )


def test_batch_errors(ddb_raw: Any, table: str) -> None:
    read = {"Statement": f"SELECT * FROM \"{table}\" WHERE pk = 'a' AND sk = 3"}
    write = {"Statement": f"INSERT INTO \"{table}\" VALUE {{'pk': 'c', 'sk': 1}}"}
    assert_error(
        lambda: ddb_raw.batch_execute_statement(Statements=[read, write]),
        VALIDATION,
        "Read and write requests together in the same batch is not supported.",
    )
    for same in ([write, write], [read, read]):
        assert_error(
            lambda same=same: ddb_raw.batch_execute_statement(Statements=same),
            VALIDATION,
            "Provided list of item keys contains duplicates",
        )
    exists = {"Statement": f"EXISTS(SELECT * FROM \"{table}\" WHERE pk = 'a' AND sk = 1 AND x = 1)"}
    response = ddb_raw.batch_execute_statement(Statements=[exists])
    assert response["Responses"] == [
        {
            "Error": {
                "Code": "ValidationError",
                "Message": "EXISTS can only be used in ExecuteTransaction write requests.",
            }
        }
    ]


# --- ExecuteTransaction ----------------------------------------------------------------------


def test_transaction_writes(ddb: Any, table: str) -> None:
    insert = {"Statement": f"INSERT INTO \"{table}\" VALUE {{'pk': 't', 'sk': 1}}"}
    failing = {"Statement": f"UPDATE \"{table}\" SET x = 1 WHERE pk = 'zz' AND sk = 1"}
    error = assert_error(
        lambda: ddb.execute_transaction(TransactStatements=[insert, failing]),
        "TransactionCanceledException",
        "Transaction cancelled, please refer cancellation reasons for specific reasons [None, ConditionalCheckFailed]",
    )
    assert error.response["CancellationReasons"] == [
        {"Code": "None"},
        {"Code": "ConditionalCheckFailed", "Message": FAILED},
    ]
    assert ddb.execute_statement(Statement=f"SELECT * FROM \"{table}\" WHERE pk = 't'")["Items"] == []
    update = {"Statement": f"UPDATE \"{table}\" SET x = 1 WHERE pk = 'a' AND sk = 1"}
    assert strip_metadata(ddb.execute_transaction(TransactStatements=[insert, update])) == {"Responses": []}
    assert ddb.execute_statement(Statement=f"SELECT * FROM \"{table}\" WHERE pk = 't'")["Items"] != []
    error = assert_error(
        lambda: ddb.execute_transaction(TransactStatements=[insert]),
        "TransactionCanceledException",
        "Transaction cancelled, please refer cancellation reasons for specific reasons [ValidationError]",
    )
    assert error.response["CancellationReasons"] == [{"Code": "ValidationError", "Message": DUPLICATE}]


def test_transaction_reads(ddb: Any, table: str) -> None:
    response = ddb.execute_transaction(
        TransactStatements=[
            {"Statement": f"SELECT x FROM \"{table}\" WHERE pk = 'a' AND sk = 3"},
            {"Statement": f"SELECT * FROM \"{table}\" WHERE pk = 'zz' AND sk = 3"},
        ]
    )
    assert response["Responses"] == [{"Item": {"x": {"N": "30"}}}, {}]


def test_transaction_errors(ddb_raw: Any, table: str) -> None:
    read = {"Statement": f"SELECT * FROM \"{table}\" WHERE pk = 'a' AND sk = 3"}
    update = {"Statement": f"UPDATE \"{table}\" SET x = 1 WHERE pk = 'a' AND sk = 3"}
    assert_error(
        lambda: ddb_raw.execute_transaction(TransactStatements=[read, update]),
        VALIDATION,
        "ExecuteTransaction API does not support both read and write operations in the same request.",
    )
    insert = {"Statement": f"INSERT INTO \"{table}\" VALUE {{'pk': 'new', 'sk': 1}}"}
    change = {"Statement": f"UPDATE \"{table}\" SET x = 1 WHERE pk = 'new' AND sk = 1"}
    for same in ([update, update], [insert, change], [read, read]):
        assert_error(
            lambda same=same: ddb_raw.execute_transaction(TransactStatements=same),
            VALIDATION,
            "Transaction request cannot include multiple operations on one item",
        )
    assert_error(
        lambda: ddb_raw.execute_transaction(
            TransactStatements=[read, {"Statement": f"SELECT * FROM \"{table}\" WHERE pk = 'a'"}]
        ),
        VALIDATION,
        "Validation failed in TransactStatements[1]: Select statements within ExecuteTransaction must specify the "
        "primary key in the where clause.",
    )


def test_transaction_idempotency(ddb: Any, table: str) -> None:
    delete = {"Statement": f"DELETE FROM \"{table}\" WHERE pk = 'a' AND sk = 1"}
    other = {"Statement": f"DELETE FROM \"{table}\" WHERE pk = 'a' AND sk = 2"}
    ddb.execute_transaction(TransactStatements=[delete], ClientRequestToken="token-1")
    ddb.execute_transaction(TransactStatements=[delete], ClientRequestToken="token-1")
    assert_error(
        lambda: ddb.execute_transaction(TransactStatements=[other], ClientRequestToken="token-1"),
        "IdempotentParameterMismatchException",
        "Specified idempotent token was used with different request parameters within the idempotency window",
    )


# --- query plans, ORDER BY, expression errors --------------------------------------------------


def test_sort_key_condition_narrows_the_query(ddb: Any, table: str) -> None:
    response = ddb.execute_statement(Statement=f"SELECT sk FROM \"{table}\" WHERE pk = 'a' AND sk > 3", Limit=1)
    assert response["Items"] == [{"sk": {"N": "4"}}]
    response = ddb.execute_statement(Statement=f"SELECT sk FROM \"{table}\" WHERE pk = 'a' AND x = 40", Limit=1)
    assert response["Items"] == []
    assert "NextToken" in response


def test_order_by(ddb: Any, table: str) -> None:
    # DynamoDB Local fails (InternalFailure) on DESC with a projection list: select * here.
    response = ddb.execute_statement(Statement=f"SELECT * FROM \"{table}\" WHERE pk = 'a' ORDER BY sk DESC")
    assert [item["sk"]["N"] for item in response["Items"]] == ["5", "4", "3", "2", "1"]
    assert_error(
        lambda: ddb.execute_statement(Statement=f'SELECT sk FROM "{table}" ORDER BY sk DESC'),
        VALIDATION,
        "Must have WHERE clause in the statement when using ORDER BY clause.",
    )
    assert_error(
        lambda: ddb.execute_statement(Statement=f"SELECT sk FROM \"{table}\" WHERE pk = 'a' ORDER BY x"),
        VALIDATION,
        "Variable reference x in ORDER BY clause must be part of the primary key",
    )


def test_expression_errors_without_expression_names(ddb: Any, table: str) -> None:
    assert_error(
        lambda: ddb.execute_statement(Statement=f"SELECT * FROM \"{table}\" WHERE pk = 'a' AND begins_with(sk, 1)"),
        VALIDATION,
        "Incorrect operand type for operator or function; operator or function: begins_with, operand type: N",
    )
    assert_error(
        lambda: ddb.execute_statement(Statement=f"UPDATE \"{table}\" SET x = x + 'a' WHERE pk = 'a' AND sk = 1"),
        VALIDATION,
        "Incorrect operand type for operator or function; operator or function: +, operand type: S",
    )
    assert_error(
        lambda: ddb.execute_statement(Statement=f"SELECT * FROM \"{table}\" WHERE attribute_type(x, 'Q')"),
        VALIDATION,
        "Invalid attribute type name found; type: Q, valid types: {N,BS,L,B,NULL,M,S,SS,NS,BOOL}",
    )


def test_empty_key_value(ddb: Any, table: str) -> None:
    message = (
        "One or more parameter values are not valid. The AttributeValue for a key attribute cannot contain an "
        "empty string value. Key: pk"
    )
    assert_error(
        lambda: ddb.execute_statement(Statement=f'SELECT * FROM "{table}" WHERE pk = ?', Parameters=[{"S": ""}]),
        VALIDATION,
        message,
    )
    assert_error(
        lambda: ddb.execute_statement(Statement=f"INSERT INTO \"{table}\" VALUE {{'pk': '', 'sk': 1}}"),
        VALIDATION,
        message,
    )


# --- RETURNING, set functions, EXISTS ----------------------------------------------------------


def test_returning(ddb: Any, table: str) -> None:
    response = ddb.execute_statement(
        Statement=f"UPDATE \"{table}\" SET n = 1 WHERE pk = 'a' AND sk = 1 RETURNING ALL NEW *"
    )
    assert response["Items"] == [{"pk": {"S": "a"}, "sk": {"N": "1"}, "x": {"N": "10"}, "n": {"N": "1"}}]
    response = ddb.execute_statement(
        Statement=f"UPDATE \"{table}\" SET n = 2 WHERE pk = 'a' AND sk = 1 RETURNING MODIFIED OLD *"
    )
    assert response["Items"] == [{"n": {"N": "1"}}]
    response = ddb.execute_statement(Statement=f"DELETE FROM \"{table}\" WHERE pk = 'a' AND sk = 1 RETURNING ALL OLD *")
    assert response["Items"] == [{"pk": {"S": "a"}, "sk": {"N": "1"}, "x": {"N": "10"}, "n": {"N": "2"}}]
    response = ddb.execute_statement(Statement=f"DELETE FROM \"{table}\" WHERE pk = 'a' AND sk = 1 RETURNING ALL OLD *")
    assert response["Items"] == []


def test_set_add_and_set_delete(ddb: Any, table: str) -> None:
    ddb.execute_statement(
        Statement=f"UPDATE \"{table}\" SET tags = set_add(tags, <<'r', 's'>>) WHERE pk = 'b' AND sk = 1"
    )
    ddb.execute_statement(
        Statement=f"UPDATE \"{table}\" SET tags = set_delete(tags, <<'p'>>) WHERE pk = 'b' AND sk = 1"
    )
    item = ddb.execute_statement(Statement=f"SELECT tags FROM \"{table}\" WHERE pk = 'b' AND sk = 1")["Items"][0]
    assert sorted(item["tags"]["SS"]) == ["q", "r", "s"]


def test_exists_in_transactions(ddb: Any, table: str) -> None:
    insert = {"Statement": f"INSERT INTO \"{table}\" VALUE {{'pk': 'n', 'sk': 1}}"}
    holds = {"Statement": f"EXISTS(SELECT * FROM \"{table}\" WHERE pk = 'a' AND sk = 2 AND x = 20)"}
    fails = {"Statement": f"EXISTS(SELECT * FROM \"{table}\" WHERE pk = 'a' AND sk = 2 AND x = 21)"}
    error = assert_error(
        lambda: ddb.execute_transaction(TransactStatements=[fails, insert]),
        "TransactionCanceledException",
        "Transaction cancelled, please refer cancellation reasons for specific reasons [ConditionalCheckFailed, None]",
    )
    assert error.response["CancellationReasons"] == [
        {"Code": "ConditionalCheckFailed", "Message": FAILED + "."},
        {"Code": "None"},
    ]
    assert strip_metadata(ddb.execute_transaction(TransactStatements=[holds, insert])) == {"Responses": []}
    assert_error(
        lambda: ddb.execute_transaction(
            TransactStatements=[{"Statement": f"EXISTS(SELECT * FROM \"{table}\" WHERE pk = 'a' AND sk = 2)"}, insert]
        ),
        VALIDATION,
        "Validation failed in TransactStatements[0]: EXISTS() must contain a single item read with additional "
        "condition",
    )
    assert_error(
        lambda: ddb.execute_statement(Statement=holds["Statement"]),
        VALIDATION,
        "EXISTS can only be used in ExecuteTransaction write requests.",
    )
    assert_error(
        lambda: ddb.execute_transaction(
            TransactStatements=[
                {"Statement": f"UPDATE \"{table}\" SET x = 3 WHERE pk = 'a' AND sk = 3 RETURNING ALL NEW *"}
            ]
        ),
        VALIDATION,
        "Validation failed in TransactStatements[0]: RETURNING clause is not supported in ExecuteTransaction.",
    )


def test_projected_paths(ddb: Any, make_table: Any) -> None:
    name = make_table()
    ddb.execute_statement(
        Statement=f"INSERT INTO \"{name}\" VALUE {{'pk': 'o', 'z': {{'q': 1, 'd': {{'e': {{'f': 7}}}}, "
        "'r': [1, 2, {'s': 'x'}]}, 'l': [[1, 2], [3]]}"
    )
    cases = {
        "z.q, z.d.e.f": {"q": {"N": "1"}, "f": {"N": "7"}},
        "z.d.e": {"e": {"M": {"f": {"N": "7"}}}},
        "z.r[0]": {"r[0]": {"N": "1"}},
        "z.r[2].s": {"r[2]": {"M": {"s": {"S": "x"}}}},
        "l[1][0]": {"l[1]": {"L": [{"N": "3"}]}},
        "z.nope, zz": {},
    }
    for columns, expected in cases.items():
        response = ddb.execute_statement(Statement=f"SELECT {columns} FROM \"{name}\" WHERE pk = 'o'")
        assert response["Items"] == [expected], columns
    response = ddb.execute_statement(Statement=f"SELECT pk FROM \"{name}\" WHERE pk = 'o' AND z.r[2].s = 'x'")
    assert response["Items"] == [{"pk": {"S": "o"}}]


def test_transaction_statement_errors(ddb_raw: Any, table: str) -> None:
    assert_error(
        lambda: ddb_raw.execute_transaction(
            TransactStatements=[{"Statement": "INSERT INTO \"no-such-table\" VALUE {'pk': 'a'}"}]
        ),
        "ResourceNotFoundException",
        "Requested resource not found",
    )
    assert_error(
        lambda: ddb_raw.execute_transaction(
            TransactStatements=[{"Statement": f"INSERT INTO \"{table}\" VALUE {{'pk': ?, 'sk': 1}}"}]
        ),
        VALIDATION,
        "Validation failed in TransactStatements[0]: Number of parameters in request and statement don't match.",
    )
    error = assert_error(
        lambda: ddb_raw.execute_transaction(
            TransactStatements=[{"Statement": f"UPDATE \"{table}\" SET x = 1 WHERE pk = 'a'"}]
        ),
        "TransactionCanceledException",
        "ValidationError " + KEY_EQUALITY,
    )
    assert "CancellationReasons" not in error.response


def test_batch_returning_and_parameter_values(ddb_raw: Any, table: str) -> None:
    response = ddb_raw.batch_execute_statement(
        Statements=[{"Statement": f"DELETE FROM \"{table}\" WHERE pk = 'a' AND sk = 2 RETURNING ALL OLD *"}]
    )
    assert response["Responses"] == [
        {"TableName": table, "Item": {"pk": {"S": "a"}, "sk": {"N": "2"}, "x": {"N": "20"}}}
    ]


@VALUES_DIFFER
def test_parameter_numbers_are_read_by_the_older_check(ddb_raw: Any, table: str) -> None:
    """PartiQL parameters are read as Java's BigDecimal reads them: an exponent or scale past a
    32-bit integer cannot be converted, precision - scale wraps round, and an empty string gets the
    message with no colon (paritysuite partiqlParameterNumbers.test.ts, 2026)."""
    statement = f'SELECT * FROM "{table}" WHERE pk = ?'
    for number, message in [
        ("x", not_a_number("x")),
        ("", not_a_number("", older=True)),
        ("1e99999999999", not_a_number("1e99999999999")),
        ("1e2147483648", not_a_number("1e2147483648")),
        ("1e-2147483648", not_a_number("1e-2147483648")),
        ("1e2147483647", NUMBER_UNDERFLOW),
    ]:
        call = lambda number=number: ddb_raw.execute_statement(  # noqa: E731
            Statement=statement, Parameters=[{"N": number}]
        )
        assert_error(call, VALIDATION, message)


PARAMETER_NUMBERS_SOURCE = (
    "paritysuite/dynamodb-conformance tests/tier3/error-messages/partiqlParameterNumbers.test.ts (live service, "
    "2026)"
)


@VALUES_DIFFER
@pytest.mark.parametrize(
    "statement",
    [
        "SELECT * FROM \"{t}\" WHERE pk = 'a' AND n = ?",
        "INSERT INTO \"{t}\" VALUE {{'pk': 'new', 'sk': 1, 'n': ?}}",
        "UPDATE \"{t}\" SET n = ? WHERE pk = 'a' AND sk = 1",
    ],
    ids=["where", "insert", "update-set"],
)
def test_parameter_numbers_in_every_position(ddb_raw: Any, table: str, statement: str) -> None:
    text = statement.format(t=table)
    unconvertible = ["1e99999999999", "-1e99999999999", "1e-99999999999", "1e2147483648", "1e-2147483648"]
    for number, message in [
        *[(number, not_a_number(number)) for number in unconvertible],
        ("1e2147483647", NUMBER_UNDERFLOW),
        ("", not_a_number("", older=True)),
    ]:
        call = lambda number=number: ddb_raw.execute_statement(  # noqa: E731
            Statement=text, Parameters=[{"N": number}]
        )
        assert_error(call, VALIDATION, message)
    where = f"SELECT * FROM \"{table}\" WHERE pk = 'a' AND n = ?"
    for value in (
        {"L": [{"N": "1"}, {"N": "1e99999999999"}]},
        {"M": {"x": {"N": "1e99999999999"}}},
        {"NS": ["1", "1e99999999999"]},
    ):
        assert_error(
            lambda value=value: ddb_raw.execute_statement(Statement=where, Parameters=[value]),
            VALIDATION,
            not_a_number("1e99999999999"),
        )
    response = ddb_raw.batch_execute_statement(
        Statements=[{"Statement": where.replace("AND n", "AND sk = 1 AND n"), "Parameters": [{"N": "1e99999999999"}]}]
    )
    assert response["Responses"] == [{"Error": {"Code": "ValidationError", "Message": not_a_number("1e99999999999")}}]


@service_behaviour(
    "DynamoDB Local says 'A value provided cannot be converted into a number' and puts a parameter's error inside "
    "'Validation failed in TransactStatements[0]: '",
    source=PARAMETER_NUMBERS_SOURCE,
)
@pytest.mark.parametrize("depth", [40, 100])
def test_a_parameter_reports_its_first_problem_in_document_order(ddb_raw: Any, table: str, depth: int) -> None:
    """A parameter's error does not name the statement, in a transaction either; of a value nested
    too deep and a number that is none, the first one reached is reported."""
    pair = f"SELECT * FROM \"{table}\" WHERE pk = 'a' AND x = ? AND y = ?"
    single = f"SELECT * FROM \"{table}\" WHERE pk = 'a' AND x = ?"
    deep = nested(depth, {"S": "leaf"})
    for statement, parameters, message in [
        (pair, [deep, {"N": "abc"}], NESTING_TOO_DEEP),
        (pair, [{"N": "abc"}, deep], not_a_number("abc")),
        (single, [{"M": {"d": deep, "bad": {"N": "abc"}}}], NESTING_TOO_DEEP),
        (single, [{"M": {"bad": {"N": "abc"}, "d": deep}}], not_a_number("abc")),
        (single, [nested(depth, {"N": "abc"})], NESTING_TOO_DEEP),
        (pair, [deep, {"N": "1e126"}], NESTING_TOO_DEEP),
    ]:
        call = lambda statement=statement, parameters=parameters: ddb_raw.execute_statement(  # noqa: E731
            Statement=statement, Parameters=parameters
        )
        assert_error(call, VALIDATION, message)
    update = f"UPDATE \"{table}\" SET x = ? SET y = ? WHERE pk = 'a' AND sk = 1"
    for parameters, message in [
        ([deep, {"N": "abc"}], NESTING_TOO_DEEP),
        ([{"N": "1"}, {"N": "1e99999999999"}], not_a_number("1e99999999999")),
    ]:
        statements = [{"Statement": update, "Parameters": parameters}]
        call = lambda statements=statements: ddb_raw.execute_transaction(TransactStatements=statements)  # noqa: E731
        assert_error(call, VALIDATION, message)


# --- what writes answer -------------------------------------------------------------------------


def test_writes_answer_with_no_items(ddb: Any, table: str) -> None:
    for statement in (
        f"INSERT INTO \"{table}\" VALUE {{'pk': 'w', 'sk': 1}}",
        f"UPDATE \"{table}\" SET x = 2 WHERE pk = 'a' AND sk = 1",
        f"DELETE FROM \"{table}\" WHERE pk = 'a' AND sk = 2",
        f"DELETE FROM \"{table}\" WHERE pk = 'never' AND sk = 2",
    ):
        assert strip_metadata(ddb.execute_statement(Statement=statement)) == {"Items": []}
    writes = [
        {"Statement": f"INSERT INTO \"{table}\" VALUE {{'pk': 'w2', 'sk': 1}}"},
        {"Statement": f"DELETE FROM \"{table}\" WHERE pk = 'a' AND sk = 3"},
        {"Statement": f"UPDATE \"{table}\" SET x = 2 WHERE pk = 'a' AND sk = 4"},
    ]
    assert strip_metadata(ddb.execute_transaction(TransactStatements=writes)) == {"Responses": []}


@service_behaviour(
    "DynamoDB Local leaves ConsumedCapacity out of ExecuteTransaction's answer",
    source="paritysuite/dynamodb-conformance tests/tier2/partiql/writeResponses.test.ts (live service, 2026); "
    "ExecuteTransaction's ConsumedCapacity in AWS's API Reference",
)
def test_a_transaction_of_writes_reports_its_capacity(ddb: Any, table: str) -> None:
    response = ddb.execute_transaction(
        TransactStatements=[{"Statement": f"UPDATE \"{table}\" SET x = 3 WHERE pk = 'a' AND sk = 1"}],
        ReturnConsumedCapacity="TOTAL",
    )
    assert response["Responses"] == []
    assert [consumed["TableName"] for consumed in response["ConsumedCapacity"]] == [table]


# --- indexes -----------------------------------------------------------------------------------


def test_select_on_a_global_index(ddb: Any) -> None:
    name = unique_name()
    ddb.create_table(
        TableName=name,
        KeySchema=[{"AttributeName": "pk", "KeyType": "HASH"}],
        AttributeDefinitions=[
            {"AttributeName": "pk", "AttributeType": "S"},
            {"AttributeName": "st", "AttributeType": "S"},
        ],
        BillingMode="PAY_PER_REQUEST",
        GlobalSecondaryIndexes=[
            {
                "IndexName": "by-st",
                "KeySchema": [{"AttributeName": "st", "KeyType": "HASH"}],
                "Projection": {"ProjectionType": "KEYS_ONLY"},
            }
        ],
    )
    for i in range(3):
        ddb.execute_statement(Statement=f"INSERT INTO \"{name}\" VALUE {{'pk': 'k{i}', 'st': 's', 'v': {i}}}")
    ddb.execute_statement(Statement=f"INSERT INTO \"{name}\" VALUE {{'pk': 'other', 'st': 't'}}")
    response = ddb.execute_statement(Statement=f'SELECT * FROM "{name}"."by-st" WHERE st = \'s\'')
    assert sorted(item["pk"]["S"] for item in response["Items"]) == ["k0", "k1", "k2"]
    assert all(set(item) == {"pk", "st"} for item in response["Items"])
    # The WHERE sees attributes the index does not project (as DynamoDB Local evaluates it).
    response = ddb.execute_statement(Statement=f'SELECT * FROM "{name}"."by-st" WHERE v = 1')
    assert response["Items"] == [{"pk": {"S": "k1"}, "st": {"S": "s"}}]
    assert_error(
        lambda: ddb.execute_statement(Statement=f'SELECT v FROM "{name}"."by-st" WHERE st = \'s\''),
        VALIDATION,
        "One or more parameter values were invalid: Global secondary index by-st does not project [v]",
    )
    assert_error(
        lambda: ddb.execute_statement(Statement=f'UPDATE "{name}"."by-st" SET v = 1 WHERE pk = \'k1\''),
        VALIDATION,
        "This operation is not supported on an index",
    )
    assert_error(
        lambda: ddb.execute_statement(Statement=f"INSERT INTO \"{name}\" VALUE {{'pk': 'z', 'st': 1}}"),
        VALIDATION,
        "One or more parameter values were invalid: Type mismatch for Index Key",
    )


def test_return_values_on_condition_check_failure(ddb_raw: Any, table: str) -> None:
    error = assert_error(
        lambda: ddb_raw.execute_transaction(
            TransactStatements=[
                {
                    "Statement": f"UPDATE \"{table}\" SET x = 2 WHERE pk = 'a' AND sk = 1 AND x = 5",
                    "ReturnValuesOnConditionCheckFailure": "ALL_OLD",
                }
            ]
        ),
        "TransactionCanceledException",
        "Transaction cancelled, please refer cancellation reasons for specific reasons [ConditionalCheckFailed]",
    )
    assert error.response["CancellationReasons"] == [
        {
            "Code": "ConditionalCheckFailed",
            "Message": FAILED,
            "Item": {"pk": {"S": "a"}, "sk": {"N": "1"}, "x": {"N": "10"}},
        }
    ]
    assert_error(
        lambda: ddb_raw.execute_statement(
            Statement=f'SELECT * FROM "{table}"', ReturnValuesOnConditionCheckFailure="BAD"
        ),
        VALIDATION,
        "1 validation error detected: Value 'BAD' at 'returnValuesOnConditionCheckFailure' failed to satisfy "
        "constraint: Member must satisfy enum value set: [ALL_OLD, NONE]",
    )


def test_statement_shapes(ddb: Any, table: str) -> None:
    response = ddb.execute_statement(Statement=f"select sk from \"{table}\" where pk = 'b';")
    assert response["Items"] == [{"sk": {"N": "1"}}]
    assert_error(lambda: ddb.execute_statement(Statement=f'UPDATE "{table}" SET x = 1'), VALIDATION, KEY_EQUALITY)
    assert_error(
        lambda: ddb.execute_statement(Statement=f'SELECT * FROM "{table}" WHERE x'),
        VALIDATION,
        "WHERE clause must contain an expression that resolves to a boolean",
    )
    assert_error(
        lambda: ddb.execute_statement(
            Statement=f"INSERT INTO \"{table}\" VALUE {{'pk': 'n', 'sk': 1, 'e': <<1, 'a'>>}}"
        ),
        VALIDATION,
        "Unsupported data type in Bag. DynamoDB only supports either numbers or strings in bags",
    )


@pytest.mark.parametrize(
    ("value", "message"),
    [
        (
            "'x'",
            "Unsupported format in item expression. Please use struct format {{...}} to express item values for "
            "insert statement. at 1:{column}:3",
        ),
        ("{'pk': 'a', 'sk': 1, 'pk': 'b'}", "Duplicate keys in tuple. Key: pk under root at 1:{column+21}:4"),
        ("{'m': {'b': 1, 'b': 2}, 'pk': 'q', 'sk': 9}", "Duplicate keys in tuple. Key: b under root at 1:{column+6}:1"),
        (
            "{'pk': 'q', \"sk\": 9}",
            "Tuple keys must be of type String. Actual type: VariableReference under root at 1:{column+12}:4",
        ),
        ("{'pk': 'q', 'sk': 9, 'e': <<>>}", "Empty bags are not supported at 1:{column+26}:2"),
    ],
)
def test_literal_errors_name_their_place(ddb: Any, table: str, value: str, message: str) -> None:
    statement = f'INSERT INTO "{table}" VALUE {value}'
    column = len(statement) - len(value) + 1
    expected = message.format(column=column, **{f"column+{n}": column + n for n in (6, 12, 21, 26)})
    assert_error(lambda: ddb.execute_statement(Statement=statement), VALIDATION, expected)


def test_unsupported_clauses(ddb: Any, table: str) -> None:
    statement = f"SELECT * FROM \"{table}\" WHERE pk = 'a' LIMIT 100"
    assert_error(
        lambda: ddb.execute_statement(Statement=statement),
        VALIDATION,
        f"Unsupported clause: LIMIT at 1:{statement.index('100') + 1}:3",
    )
    assert_error(
        lambda: ddb.execute_statement(Statement=f'SELECT * FROM "{table}".a.b'),
        VALIDATION,
        "A path may contain at most 2 components in the FROM clause",
    )
