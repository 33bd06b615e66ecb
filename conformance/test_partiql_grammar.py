"""PartiQL's grammar: the forms a statement can take (number literals, comments, ORDER BY, the
FROM-first UPDATE) and DynamoDB's words for the statements its parser refuses.

Service facts: paritysuite/dynamodb-conformance tests/tier2/partiql/grammar.test.ts,
fromFirstUpdate.test.ts and tests/tier3/error-messages/partiqlGrammar.test.ts (live service, 2026).
"""

from __future__ import annotations

from typing import Any

import pytest

from conformance.helpers import (
    NOT_FOUND,
    NUMBER_OVERFLOW,
    NUMBER_PRECISION,
    NUMBER_UNDERFLOW,
    TABLE_NOT_FOUND,
    VALIDATION,
    assert_error,
    cases,
    service_behaviour,
    strip_metadata,
)

MALFORMED = "Statement wasn't well formed, can't be processed: "
LEFTOVER = MALFORMED + "Unexpected token after expression"
UNEXPECTED_TERM = MALFORMED + "Unexpected term"
NO_RIGHT_HAND_SIDE = MALFORMED + "Missing right-hand side expression of infix operator"
NO_TABLE = MALFORMED + "Expected identifier for simple path"
KEY_EQUALITY = "Where clause does not contain a mandatory equality on all key attributes"
GRAMMAR_SOURCE = (
    "paritysuite/dynamodb-conformance tests/tier3/error-messages/partiqlGrammar.test.ts (live service, 2026)"
)
SYNTAX_WORDED = service_behaviour(
    "DynamoDB Local puts the statement itself after 'Statement wasn't well formed, can't be processed: ', where "
    "the service puts the parser's reason, or nothing",
    source=GRAMMAR_SOURCE,
)


@pytest.fixture
def numbers(make_table: Any, ddb: Any) -> str:
    name = make_table(hash_key="N")
    for number in ("7310000", "7.3", "-7.3"):
        ddb.put_item(TableName=name, Item={"pk": {"N": number}})
    return name


@pytest.fixture
def strings(make_table: Any, ddb: Any) -> str:
    name = make_table()
    for key in ("a", "b", "c"):
        ddb.put_item(TableName=name, Item={"pk": {"S": key}, "x": {"N": "1"}})
    return name


def _keys(ddb: Any, statement: str, key: str = "pk") -> list[Any]:
    items = ddb.execute_statement(Statement=statement, ConsistentRead=True)["Items"]
    return [next(iter(item[key].values())) for item in items]


# --- forms that run --------------------------------------------------------------------------


@pytest.mark.parametrize("literal", ["7.31e6", "7.31E6", "7.31e+6", "731e4", "73100000e-1"])
def test_an_exponent_literal_matches_the_number_it_denotes(ddb: Any, numbers: str, literal: str) -> None:
    assert _keys(ddb, f'SELECT * FROM "{numbers}" WHERE pk = {literal}') == ["7310000"]


@pytest.mark.parametrize(("literal", "number"), [(".73e1", "7.3"), ("-.73e1", "-7.3")])
def test_a_number_without_a_leading_digit(ddb: Any, numbers: str, literal: str, number: str) -> None:
    assert _keys(ddb, f'SELECT * FROM "{numbers}" WHERE pk = {literal}') == [number]


@pytest.mark.parametrize(("literal", "stored"), [("7.32e6", "7320000"), (".7325e1", "7.325")])
def test_an_insert_stores_the_number_a_literal_denotes(ddb: Any, numbers: str, literal: str, stored: str) -> None:
    ddb.execute_statement(Statement=f"INSERT INTO \"{numbers}\" VALUE {{'pk': {literal}}}")
    assert "Item" in ddb.get_item(TableName=numbers, Key={"pk": {"N": stored}})


@pytest.mark.parametrize(
    ("where", "key"),
    [
        ("WHERE pk = 'a' -- a note", "a"),
        ("-- a note\nWHERE pk = 'b'", "b"),
        ("/* a note */ WHERE pk = 'c'", "c"),
        ("WHERE pk = 'c' /* a note */", "c"),
    ],
    ids=["line-after", "line-between", "block-between", "block-after"],
)
def test_comments_are_whitespace(ddb: Any, strings: str, where: str, key: str) -> None:
    assert _keys(ddb, f'SELECT * FROM "{strings}" {where}') == [key]
    assert _keys(ddb, f"-- a note\nSELECT * FROM \"{strings}\" WHERE pk = '{key}'") == [key]


def test_order_by_the_sort_key(ddb: Any, make_table: Any) -> None:
    name = make_table(range_key="N")
    for sk in ("2", "1", "3"):
        ddb.put_item(TableName=name, Item={"pk": {"S": "o"}, "sk": {"N": sk}})
    statement = f"SELECT * FROM \"{name}\" WHERE pk = 'o' ORDER BY sk"
    assert _keys(ddb, statement + " DESC", "sk") == ["3", "2", "1"]
    assert _keys(ddb, statement + " ASC", "sk") == ["1", "2", "3"]


# --- the FROM-first UPDATE -------------------------------------------------------------------


@pytest.fixture
def seeded(make_table: Any, ddb: Any) -> str:
    name = make_table()
    for key in ("k", "t", "b"):
        ddb.put_item(TableName=name, Item={"pk": {"S": key}, "a": {"N": "1"}, "b": {"S": "bee"}})
    return name


def _item(ddb: Any, table: str, key: str) -> Any:
    return ddb.get_item(TableName=table, Key={"pk": {"S": key}}, ConsistentRead=True).get("Item")


def test_from_first_update(ddb: Any, seeded: str) -> None:
    ddb.execute_statement(Statement=f"FROM \"{seeded}\" WHERE pk = 'k' SET c = 1")
    ddb.execute_statement(Statement=f"from \"{seeded}\" where pk = 'k' remove b")
    ddb.execute_statement(
        Statement=f'FROM "{seeded}" WHERE pk = ? SET d = ? REMOVE a', Parameters=[{"S": "k"}, {"N": "7"}]
    )
    assert _item(ddb, seeded, "k") == {"pk": {"S": "k"}, "c": {"N": "1"}, "d": {"N": "7"}}
    statement = f"FROM \"{seeded}\" WHERE pk = 'k' AND c = 1 SET e = 3 RETURNING ALL NEW *"
    response = ddb.execute_statement(Statement=statement)
    assert response["Items"] == [{"pk": {"S": "k"}, "c": {"N": "1"}, "d": {"N": "7"}, "e": {"N": "3"}}]


def test_from_first_update_conditions(ddb: Any, seeded: str) -> None:
    failed = "ConditionalCheckFailedException", "The conditional request failed"
    for where in ("pk = 'k' AND a = 2", "pk = 'none'"):
        statement = f'FROM "{seeded}" WHERE {where} SET c = 5'
        assert_error(lambda statement=statement: ddb.execute_statement(Statement=statement), *failed)
    assert _item(ddb, seeded, "k") == {"pk": {"S": "k"}, "a": {"N": "1"}, "b": {"S": "bee"}}
    assert _item(ddb, seeded, "none") is None


def test_from_first_update_in_transactions_and_batches(ddb: Any, seeded: str) -> None:
    statement = f"FROM \"{seeded}\" WHERE pk = 't' SET c = 1"
    transaction = ddb.execute_transaction(TransactStatements=[{"Statement": statement}])
    assert strip_metadata(transaction) == {"Responses": []}
    batch = ddb.batch_execute_statement(Statements=[{"Statement": f"FROM \"{seeded}\" WHERE pk = 'b' SET c = 1"}])
    assert batch["Responses"] == [{"TableName": seeded}]
    assert _item(ddb, seeded, "t")["c"] == _item(ddb, seeded, "b")["c"] == {"N": "1"}


@pytest.mark.parametrize(
    "statement", ['FROM "{t}" SET c = 1', 'FROM "{t}" REMOVE a', 'FROM "{t}" WHERE a = 1 SET c = 1']
)
def test_from_first_update_needs_the_key(ddb: Any, seeded: str, statement: str) -> None:
    assert_error(lambda: ddb.execute_statement(Statement=statement.format(t=seeded)), VALIDATION, KEY_EQUALITY)


@SYNTAX_WORDED
@pytest.mark.parametrize(
    "statement", ["FROM \"{t}\" SET c = 1 WHERE pk = 'k'", "FROM \"{t}\" SET c = 1 WHERE pk = 'k' SET d = 2"]
)
def test_from_first_update_takes_its_where_first(ddb: Any, seeded: str, statement: str) -> None:
    assert_error(lambda: ddb.execute_statement(Statement=statement.format(t=seeded)), VALIDATION, LEFTOVER)
    assert _item(ddb, seeded, "k") == {"pk": {"S": "k"}, "a": {"N": "1"}, "b": {"S": "bee"}}


@service_behaviour(
    "DynamoDB Local says 'Cannot do operations on a non-existent table'",
    source="paritysuite/dynamodb-conformance tests/tier3/error-messages/partiqlGrammar.test.ts (live service, 2026)",
)
def test_from_first_update_of_a_missing_table(ddb: Any) -> None:
    statement = "FROM \"no-such-table\" WHERE pk = 'x' SET c = 1"
    assert_error(lambda: ddb.execute_statement(Statement=statement), NOT_FOUND, TABLE_NOT_FOUND)


# --- statements the parser refuses -----------------------------------------------------------

# (id, statement with {s} for a string-keyed table and {n} for a number-keyed one, message)
SYNTAX_ERRORS = [
    ("token-after-select", 'SELECT * FROM "{n}" WHERE pk = 1 foo', LEFTOVER),
    ("number-split-from-exponent", 'SELECT * FROM "{n}" WHERE pk = 1 e5', LEFTOVER),
    ("token-after-insert", "INSERT INTO \"{n}\" VALUE {{'pk': 970001}} foo", LEFTOVER),
    ("token-after-update", 'UPDATE "{n}" SET a = 9 WHERE pk = 970002 foo', LEFTOVER),
    ("token-after-delete", 'DELETE FROM "{n}" WHERE pk = 970003 foo', LEFTOVER),
    ("stray-parenthesis", 'SELECT * FROM "{n}" WHERE pk = 1)', LEFTOVER),
    ("order-by-on-delete", 'DELETE FROM "{n}" WHERE pk = 970004 ORDER BY pk', LEFTOVER),
    ("order-by-before-where", 'SELECT * FROM "{n}" ORDER BY pk WHERE pk = 1', LEFTOVER),
    ("alias-on-insert", "INSERT INTO \"{s}\" t VALUE {{'pk': 'x'}}", LEFTOVER),
    ("exponent-past-32-bits", 'SELECT * FROM "{n}" WHERE pk = 1e2147483648', MALFORMED),
    ("exponent-far-past-32-bits", 'SELECT * FROM "{n}" WHERE pk = 1e99999999999', MALFORMED),
    ("scale-past-32-bits", 'SELECT * FROM "{n}" WHERE pk = 1.5e-2147483647', MALFORMED),
    ("hash-comment", 'SELECT * FROM "{n}" WHERE pk = 1 # note', MALFORMED),
    ("open-block-comment", 'SELECT * FROM "{n}" WHERE pk = 1 /* note', MALFORMED),
    ("where-at-the-end", 'SELECT * FROM "{s}" WHERE', UNEXPECTED_TERM),
    ("where-then-semicolon", 'SELECT * FROM "{s}" WHERE;', UNEXPECTED_TERM),
    ("where-then-spaces", 'SELECT * FROM "{s}" WHERE   ', UNEXPECTED_TERM),
    ("where-after-projection", 'SELECT pk FROM "{s}" WHERE', UNEXPECTED_TERM),
    ("where-ending-update", 'UPDATE "{s}" SET a = 1 WHERE', UNEXPECTED_TERM),
    ("where-ending-delete", 'DELETE FROM "{s}" WHERE', UNEXPECTED_TERM),
    ("where-not", 'SELECT * FROM "{s}" WHERE NOT', UNEXPECTED_TERM),
    ("where-parenthesis", 'SELECT * FROM "{s}" WHERE (', UNEXPECTED_TERM),
    ("where-on-a-missing-table", 'SELECT * FROM "{s}-never" WHERE', UNEXPECTED_TERM),
    ("select-from-nothing", "SELECT * FROM", UNEXPECTED_TERM),
    ("ending-in-and", "SELECT * FROM \"{s}\" WHERE pk = 'p1' AND", NO_RIGHT_HAND_SIDE),
    ("ending-in-or", "SELECT * FROM \"{s}\" WHERE pk = 'p1' OR", NO_RIGHT_HAND_SIDE),
    ("where-order-by", 'SELECT * FROM "{s}" WHERE ORDER BY pk', MALFORMED + "Unexpected keyword"),
    ("is-not-a-type", "SELECT * FROM \"{s}\" WHERE pk = 'a' AND x IS FOO", MALFORMED + "Expected type name"),
    ("is-where-a-term-starts", 'SELECT * FROM "{s}" WHERE IS NULL', MALFORMED + "Unexpected operator"),
    ("like-where-a-term-starts", 'SELECT * FROM "{s}" WHERE pk = LIKE', MALFORMED + "Unexpected operator"),
    ("delete-from-nothing", "DELETE FROM", NO_TABLE),
    ("delete-from-spaces", "DELETE FROM   ", NO_TABLE),
    ("delete-from-semicolon", "DELETE FROM;", NO_TABLE),
    ("delete-from-where", "DELETE FROM WHERE pk = 'a'", NO_TABLE),
]


@SYNTAX_WORDED
@pytest.mark.parametrize(("statement", "message"), cases(SYNTAX_ERRORS))
def test_syntax_errors(ddb: Any, numbers: str, strings: str, statement: str, message: str) -> None:
    text = statement.format(s=strings, n=numbers)
    assert_error(lambda: ddb.execute_statement(Statement=text), VALIDATION, message)


def test_refused_statements_change_nothing(ddb: Any, numbers: str, strings: str) -> None:
    for statement in (
        f"INSERT INTO \"{numbers}\" VALUE {{'pk': 7330000}} foo",
        f"DELETE FROM \"{strings}\" t WHERE pk = 'a'",
        f"DELETE FROM \"{strings}\" WHERE pk = 'b' ORDER BY pk",
    ):
        with pytest.raises(ddb.exceptions.ClientError) as error:
            ddb.execute_statement(Statement=statement)
        assert error.value.response["Error"]["Code"] == VALIDATION
    assert "Item" not in ddb.get_item(TableName=numbers, Key={"pk": {"N": "7330000"}})
    assert len(ddb.scan(TableName=strings)["Items"]) == 3


@pytest.mark.parametrize(
    "statement",
    [
        "SELECT * FROM \"{t}\" t WHERE pk = 'x'",
        "SELECT * FROM \"{t}\" AS t WHERE pk = 'x'",
        "UPDATE \"{t}\" t SET a = 3 WHERE pk = 'x'",
        "DELETE FROM \"{t}\" t WHERE pk = 'x'",
    ],
)
def test_table_aliases_are_refused(ddb: Any, strings: str, statement: str) -> None:
    text = statement.format(t=strings)
    assert_error(lambda: ddb.execute_statement(Statement=text), VALIDATION, "Aliasing is not supported")


@SYNTAX_WORDED
def test_syntax_errors_in_transactions_and_batches(ddb: Any, strings: str) -> None:
    statement = f'SELECT * FROM "{strings}" WHERE'
    assert_error(
        lambda: ddb.execute_transaction(TransactStatements=[{"Statement": statement}]),
        VALIDATION,
        "Validation failed in TransactStatements[0]: " + UNEXPECTED_TERM,
    )
    response = ddb.batch_execute_statement(Statements=[{"Statement": statement}])
    assert response["Responses"] == [{"Error": {"Code": "ValidationError", "Message": UNEXPECTED_TERM}}]


@service_behaviour(
    "DynamoDB Local's parser does not know INT4 and INT8 (its statement is not well formed) and names the "
    "expression of the others 'Typed'",
    source=GRAMMAR_SOURCE,
)
@pytest.mark.parametrize("type_name", ["INT4", "INT8", "DOUBLE PRECISION", "CHARACTER VARYING"])
def test_an_expression_alone_is_refused_by_its_kind(ddb: Any, type_name: str) -> None:
    assert_error(
        lambda: ddb.execute_statement(Statement=f"x IS {type_name}"), VALIDATION, "Unsupported operation: IsType"
    )


# --- number literals DynamoDB refuses --------------------------------------------------------


@service_behaviour(
    "DynamoDB Local does not say where in the value the number is, and words 39 digits 'DynamoDB only supports "
    "precision up to 38 digits'",
    source=GRAMMAR_SOURCE,
)
@pytest.mark.parametrize(
    ("statement", "message"),
    [
        ('SELECT * FROM "{n}" WHERE pk = 1e126', f"{NUMBER_OVERFLOW} under root"),
        ('SELECT * FROM "{n}" WHERE pk = 1e-131', f"{NUMBER_UNDERFLOW} under root"),
        ('SELECT * FROM "{n}" WHERE pk = 123456789012345678901234567890123456789', f"{NUMBER_PRECISION} under root"),
        ("INSERT INTO \"{n}\" VALUE {{'pk': 1e126}}", f"{NUMBER_OVERFLOW} under root"),
        ('UPDATE "{n}" SET a = 1e-131 WHERE pk = 970005', f"{NUMBER_UNDERFLOW} under root"),
        ("INSERT INTO \"{n}\" VALUE {{'pk': 970006, 'm': {{'x': 1e126}}}}", f"{NUMBER_OVERFLOW} under root.x"),
        ("INSERT INTO \"{n}\" VALUE {{'pk': 970007, 'l': [1, 1e126]}}", f"{NUMBER_OVERFLOW} under root[1]"),
    ],
    ids=["where-overflow", "where-underflow", "where-39-digits", "insert", "update-set", "in-a-map", "in-a-list"],
)
def test_number_literals_name_where_they_are(ddb: Any, numbers: str, statement: str, message: str) -> None:
    text = statement.format(n=numbers)
    assert_error(lambda: ddb.execute_statement(Statement=text), VALIDATION, message)
    assert len(ddb.scan(TableName=numbers)["Items"]) == 3
