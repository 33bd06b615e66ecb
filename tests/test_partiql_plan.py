"""PartiQL on the expression AST: a statement's WHERE, SET and REMOVE become expression nodes
(no expression text is written or parsed), a SELECT becomes a Query or Scan plan, and the
expression language's errors are worded for a statement."""

from __future__ import annotations

from typing import Any

import pytest

import dynasim
from dynasim import errors, expressions, partiql
from dynasim.engine.partiql_select import plan_select
from dynasim.engine.reads import run_query
from dynasim.expressions import ast as expr
from dynasim.expressions.keys import KeyCondition, SortCondition
from dynasim.grammar_files import grammar_path, grammar_text
from dynasim.partiql.ast import Select, Update
from dynasim.partiql.expressions import StatementExpressions


@pytest.fixture
def sim() -> dynasim.Simulator:
    return dynasim.Simulator()


@pytest.fixture
def ddb(sim: dynasim.Simulator) -> Any:
    ddb = sim.client()
    ddb.create_table(
        TableName="orders",
        KeySchema=[{"AttributeName": "pk", "KeyType": "HASH"}, {"AttributeName": "sk", "KeyType": "RANGE"}],
        AttributeDefinitions=[
            {"AttributeName": "pk", "AttributeType": "S"},
            {"AttributeName": "sk", "AttributeType": "N"},
            {"AttributeName": "status", "AttributeType": "S"},
        ],
        GlobalSecondaryIndexes=[
            {
                "IndexName": "by-status",
                "KeySchema": [{"AttributeName": "status", "KeyType": "HASH"}],
                "Projection": {"ProjectionType": "KEYS_ONLY"},
            }
        ],
        BillingMode="PAY_PER_REQUEST",
    )
    for sk in range(1, 7):
        status = "open" if sk % 2 else "done"
        ddb.put_item(
            TableName="orders",
            Item={"pk": {"S": "p"}, "sk": {"N": str(sk)}, "status": {"S": status}, "n": {"N": str(sk * 10)}},
        )
    return ddb


def _where(text: str, parameters: list[Any] | None = None) -> tuple[Any, dict[str, Any]]:
    statement, _ = partiql.parse(text)
    assert isinstance(statement, Select)
    built = StatementExpressions(parameters or [])
    condition = built.condition(statement.where)
    assert condition.error is None
    return condition.root, built.values


def test_where_becomes_expression_nodes_with_bound_values() -> None:
    root, values = _where("SELECT * FROM t WHERE a = 1 AND (b BETWEEN ? AND 'z' OR NOT c IN [1, 2])", [{"S": "a"}])
    assert root == expr.And(
        expr.Compare("=", expr.Path(("a",)), expr.Value(":0")),
        expr.Or(
            expr.Between(expr.Path(("b",)), expr.Value(":1"), expr.Value(":2")),
            expr.Not(expr.In(expr.Path(("c",)), (expr.Value(":3"), expr.Value(":4")))),
        ),
    )
    assert values == {":0": {"N": "1"}, ":1": {"S": "a"}, ":2": {"S": "z"}, ":3": {"N": "1"}, ":4": {"N": "2"}}


def test_is_tests_and_truth_comparisons_become_condition_functions() -> None:
    root, values = _where("SELECT * FROM t WHERE a IS NOT MISSING AND b IS NOT STRING AND contains(c, 'x') = false")
    assert root == expr.And(
        expr.And(
            expr.Call("attribute_exists", (expr.Path(("a",)),)),
            expr.Not(expr.Call("attribute_type", (expr.Path(("b",)), expr.Value(":0")))),
        ),
        expr.Not(expr.Call("contains", (expr.Path(("c",)), expr.Value(":1")))),
    )
    assert values == {":0": {"S": "S"}, ":1": {"S": "x"}}


def test_set_and_remove_become_update_actions_in_clause_order() -> None:
    statement, _ = partiql.parse("UPDATE t SET a = a + 1, s = set_add(s, <<'x'>>) REMOVE b.c[2] WHERE pk = 'k'")
    assert isinstance(statement, Update)
    built = StatementExpressions([])
    update = built.update(statement.sets, statement.removes)
    assert update.root.actions == (
        expr.SetAction(expr.Path(("a",)), expr.Arith("+", expr.Path(("a",)), expr.Value(":0"))),
        expr.RemoveAction(expr.Path(("b", "c", 2))),
        expr.AddAction(expr.Path(("s",)), expr.Value(":1")),
    )
    assert built.values == {":0": {"N": "1"}, ":1": {"SS": ["x"]}}


def test_statements_write_and_parse_no_expression_text(ddb: Any) -> None:
    """Every kind of statement runs without the expression grammar: its parse cache stays empty."""
    expressions._cache.clear()
    ddb.execute_statement(Statement="SELECT * FROM orders WHERE pk = 'p' AND sk > 2 AND n < 60")
    ddb.execute_statement(Statement="SELECT * FROM orders WHERE n BETWEEN 10 AND 30")
    ddb.execute_statement(Statement="UPDATE orders SET n = n + 1 REMOVE status WHERE pk = 'p' AND sk = 1 AND n = 10")
    ddb.execute_statement(Statement="INSERT INTO orders VALUE {'pk': 'q', 'sk': 1}")
    ddb.execute_statement(Statement="DELETE FROM orders WHERE pk = 'p' AND sk = 2 AND attribute_exists(n)")
    ddb.execute_transaction(
        TransactStatements=[
            {"Statement": "UPDATE orders SET n = 0 WHERE pk = 'p' AND sk = 3"},
            {"Statement": "EXISTS(SELECT * FROM orders WHERE pk = 'p' AND sk = 4 AND n = 40)"},
        ]
    )
    assert expressions._cache == {}
    item = ddb.get_item(TableName="orders", Key={"pk": {"S": "p"}, "sk": {"N": "1"}})["Item"]
    assert item == {"pk": {"S": "p"}, "sk": {"N": "1"}, "n": {"N": "11"}}
    assert "Item" not in ddb.get_item(TableName="orders", Key={"pk": {"S": "p"}, "sk": {"N": "2"}})
    assert ddb.get_item(TableName="orders", Key={"pk": {"S": "p"}, "sk": {"N": "3"}})["Item"]["n"] == {"N": "0"}


def test_select_fixing_the_partition_key_is_planned_as_a_query(sim: dynasim.Simulator, ddb: Any) -> None:
    statement, _ = partiql.parse("SELECT * FROM orders WHERE pk = ? AND sk >= 3 AND n < 60 ORDER BY sk DESC")
    assert isinstance(statement, Select)
    plan = plan_select(sim.engine, statement, [{"S": "p"}], {"Statement": "", "Limit": 2})
    assert plan.key_condition == KeyCondition(({"S": "p"},), SortCondition(">=", ({"N": "3"},)))
    assert plan.index is None and plan.limit == 2 and plan.forward is False
    # The whole WHERE filters what the key range reads.
    key = {"pk": {"S": "p"}, "sk": {"N": "4"}}
    assert plan.filter is not None
    assert plan.filter({**key, "n": {"N": "50"}}) and not plan.filter({**key, "n": {"N": "60"}})
    # Limit counts the items evaluated, newest first: 6 (filtered out), then 5.
    response = run_query(plan)
    assert [item["sk"]["N"] for item in response["Items"]] == ["5"]
    assert response["LastEvaluatedKey"] == {"pk": {"S": "p"}, "sk": {"N": "5"}}


def test_select_on_an_index_is_a_scan_whose_where_sees_the_table_item(sim: dynasim.Simulator, ddb: Any) -> None:
    statement, _ = partiql.parse('SELECT * FROM orders."by-status" WHERE n > 20')
    assert isinstance(statement, Select)
    plan = plan_select(sim.engine, statement, [], {"Statement": ""})
    assert plan.key_condition is None
    assert plan.index is not None and plan.index.name == "by-status"
    assert plan.filter_sees_table_item
    # The WHERE reads an attribute the KEYS_ONLY index does not hold; the answer is the index's view.
    items = ddb.execute_statement(Statement='SELECT * FROM orders."by-status" WHERE n > 40')["Items"]
    assert sorted(item["sk"]["N"] for item in items) == ["5", "6"]
    assert all("n" not in item for item in items)


def test_expression_errors_are_worded_for_a_statement_in_every_operation(ddb: Any) -> None:
    """No statement's error names an UpdateExpression or ConditionExpression it does not have."""
    statement = "UPDATE orders SET n = n + 'x' WHERE pk = 'p' AND sk = 1"
    message = "Incorrect operand type for operator or function; operator or function: +, operand type: S"
    with pytest.raises(ddb.exceptions.ClientError) as alone:
        ddb.execute_statement(Statement=statement)
    assert alone.value.response["Error"]["Message"] == message
    batch = ddb.batch_execute_statement(Statements=[{"Statement": statement}])
    assert batch["Responses"][0]["Error"]["Message"] == message
    with pytest.raises(ddb.exceptions.ClientError) as transaction:
        ddb.execute_transaction(TransactStatements=[{"Statement": statement}])
    assert transaction.value.response["Error"] == {"Code": "ValidationException", "Message": message}


def test_statement_kind_words_expression_errors_bare() -> None:
    assert errors.expression_in_too_many("FilterExpression", 101).message.startswith("Invalid FilterExpression: ")
    assert errors.expression_in_too_many(errors.STATEMENT, 101).message == (
        "The IN operator is provided with too many operands; number of operands: 101"
    )


def test_one_function_finds_both_grammars() -> None:
    for name in ("expressions.lark", "partiql.lark"):
        assert grammar_path(name).parent.name == "grammar"
        assert grammar_text(name) == grammar_path(name).read_text(encoding="utf-8") != ""
    with pytest.raises(FileNotFoundError):
        grammar_path("missing.lark")
