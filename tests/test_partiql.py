"""PartiQL on the simulator only: parsing and its cache, consumed capacity, indexes, the endpoint."""

from __future__ import annotations

from typing import Any

import pytest
from http_helpers import client

import dynasim
from dynasim import partiql
from dynasim.errors import DynamoDBError
from dynasim.partiql.ast import And, BagValue, Compare, Literal, MapValue, Param, Path, Select, Update


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
                "Projection": {"ProjectionType": "ALL"},
            }
        ],
        BillingMode="PAY_PER_REQUEST",
    )
    for sk in range(1, 11):
        status = "open" if sk % 2 else "done"
        ddb.execute_statement(Statement=f"INSERT INTO orders VALUE {{'pk': 'p', 'sk': {sk}, 'status': '{status}'}}")
    ddb.execute_statement(Statement="INSERT INTO orders VALUE {'pk': 'q', 'sk': 1, 'status': 'open'}")
    return ddb


def test_parse_builds_symbolic_parameters_and_is_cached() -> None:
    text = "UPDATE \"t\" SET a = ? WHERE pk = 'x' AND sk = ?"
    statement, count = partiql.parse(text)
    assert count == 2
    assert isinstance(statement, Update)
    assert statement.sets == ((Path(("a",)), Param(0)),)
    assert statement.where == And(
        Compare("=", Path(("pk",)), Literal({"S": "x"})), Compare("=", Path(("sk",)), Param(1))
    )
    assert partiql.parse(text)[0] is statement


def test_parse_literals_keywords_and_paths() -> None:
    statement, _ = partiql.parse('select a."b c"[2] FROM "t"."i" where x = {\'k\': <<1, 2>>, "q": \'it\'\'s\'}')
    assert isinstance(statement, Select)
    assert statement.columns == (Path(("a", "b c", 2)),)
    assert (statement.table, statement.index) == ("t", "i")
    assert statement.where.right == MapValue(
        (("k", BagValue((Literal({"N": "1"}), Literal({"N": "2"})))), ("q", Literal({"S": "it's"})))
    )


def test_malformed_statements_are_cached_too() -> None:
    for _ in range(2):
        with pytest.raises(DynamoDBError) as error:
            partiql.parse('SELECT * FROM "t" WHERE')
        assert error.value.message == "Statement wasn't well formed, can't be processed: Unexpected term"


@pytest.mark.parametrize(
    ("statement", "detail"),
    [
        ("SELECT * FROM \"t\" WHERE pk = 'a' AND", "Missing right-hand side expression of infix operator"),
        ('SELECT * FROM "t" WHERE pk = 1 AND size = 2', "Unexpected keyword"),
        ('SELECT * FROM "t" WHERE date(x) = 2', "Unexpected keyword"),
        ('SELECT * FROM "t" WHERE m.value = 1', "Invalid path dot component"),
        ('UPDATE "t" SET value = 1 WHERE pk = 1', "Expected identifier for simple path"),
        ('UPDATE "t" SET a = 1, key = 2 WHERE pk = 1', "Expected identifier for simple path"),
        ('SELECT * FROM "t" WHERE x IS 5', "Expected type name"),
        ('SELECT * FROM "t" WHERE x = <', "Unexpected operator"),
        ('SELECT * FROM "t" WHERE pk = 1 # c', ""),
    ],
)
def test_syntax_errors_say_what_the_parser_wanted(statement: str, detail: str) -> None:
    with pytest.raises(DynamoDBError) as error:
        partiql.parse(statement)
    assert error.value.message == "Statement wasn't well formed, can't be processed: " + detail


def test_a_select_fixing_the_partition_key_is_a_query(ddb: Any) -> None:
    query = ddb.execute_statement(Statement="SELECT * FROM orders WHERE pk = 'q'", ReturnConsumedCapacity="TOTAL")
    scan = ddb.execute_statement(Statement="SELECT * FROM orders WHERE sk = 1", ReturnConsumedCapacity="TOTAL")
    assert len(query["Items"]) == 1 and len(scan["Items"]) == 2
    assert query["ConsumedCapacity"] == {"TableName": "orders", "CapacityUnits": 0.5}
    assert scan["ConsumedCapacity"]["CapacityUnits"] >= 0.5


def test_writes_report_capacity(ddb: Any) -> None:
    response = ddb.execute_statement(
        Statement="UPDATE orders SET n = 1 WHERE pk = 'p' AND sk = 1", ReturnConsumedCapacity="TOTAL"
    )
    assert response["Items"] == []
    assert response["ConsumedCapacity"]["CapacityUnits"] >= 1.0


def test_select_on_an_index(ddb: Any) -> None:
    response = ddb.execute_statement(Statement="SELECT sk FROM orders.\"by-status\" WHERE status = 'done'")
    assert sorted(int(item["sk"]["N"]) for item in response["Items"]) == [2, 4, 6, 8, 10]
    with pytest.raises(ddb.exceptions.ClientError) as error:
        ddb.execute_statement(Statement="SELECT * FROM orders.\"by-status\" WHERE status = 'done'", ConsistentRead=True)
    assert error.value.response["Error"]["Code"] == "ValidationException"


def test_paging_visits_every_item_once(ddb: Any) -> None:
    seen: list[str] = []
    kwargs: dict[str, Any] = {"Statement": "SELECT pk, sk FROM orders", "Limit": 3}
    while True:
        response = ddb.execute_statement(**kwargs)
        seen += [f"{item['pk']['S']}{item['sk']['N']}" for item in response["Items"]]
        if "NextToken" not in response:
            break
        kwargs["NextToken"] = response["NextToken"]
    assert sorted(seen) == sorted([f"p{sk}" for sk in range(1, 11)] + ["q1"])


def test_a_cancelled_transaction_changes_nothing(ddb: Any) -> None:
    with pytest.raises(ddb.exceptions.TransactionCanceledException):
        ddb.execute_transaction(
            TransactStatements=[
                {"Statement": "DELETE FROM orders WHERE pk = 'p' AND sk = 1"},
                {"Statement": "INSERT INTO orders VALUE {'pk': 'new', 'sk': 1}"},
                {"Statement": "INSERT INTO orders VALUE {'pk': 'q', 'sk': 1}"},
            ]
        )
    assert len(ddb.execute_statement(Statement="SELECT * FROM orders WHERE pk = 'p' AND sk = 1")["Items"]) == 1
    assert ddb.execute_statement(Statement="SELECT * FROM orders WHERE pk = 'new'")["Items"] == []


def test_through_the_endpoint(sim: dynasim.Simulator, ddb: Any) -> None:
    with sim.serve() as running:
        remote = client(running.url)
        response = remote.execute_statement(Statement="SELECT sk FROM orders WHERE pk = ?", Parameters=[{"S": "q"}])
        assert response["Items"] == [{"sk": {"N": "1"}}]
        batch = remote.batch_execute_statement(
            Statements=[{"Statement": "INSERT INTO orders VALUE {'pk': 'q', 'sk': 1}"}]
        )
        assert batch["Responses"][0]["Error"]["Code"] == "DuplicateItem"


def test_writes_reach_stream_subscribers(sim: dynasim.Simulator) -> None:
    ddb = sim.client()
    ddb.create_table(
        TableName="events",
        KeySchema=[{"AttributeName": "pk", "KeyType": "HASH"}],
        AttributeDefinitions=[{"AttributeName": "pk", "AttributeType": "S"}],
        BillingMode="PAY_PER_REQUEST",
        StreamSpecification={"StreamEnabled": True, "StreamViewType": "NEW_AND_OLD_IMAGES"},
    )
    records: list[dict[str, Any]] = []
    with sim.on_stream_record("events", records.append):
        ddb.execute_statement(Statement="INSERT INTO events VALUE {'pk': 'a', 'n': 1}")
        ddb.execute_statement(Statement="UPDATE events SET n = 2 WHERE pk = 'a'")
        ddb.execute_transaction(TransactStatements=[{"Statement": "DELETE FROM events WHERE pk = 'a'"}])
        with pytest.raises(ddb.exceptions.ClientError):
            ddb.execute_statement(Statement="UPDATE events SET n = 3 WHERE pk = 'a'")
    assert [record["eventName"] for record in records] == ["INSERT", "MODIFY", "REMOVE"]
    assert records[1]["dynamodb"]["NewImage"]["n"] == {"N": "2"}
