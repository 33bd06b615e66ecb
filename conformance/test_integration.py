"""dynasim.integration's example code, unchanged, against every target: a single-table design
(customers and their orders under one partition key, a GSI by order status)."""

from __future__ import annotations

import asyncio
from typing import Any

import pytest

from conformance.conftest import Backend
from conformance.helpers import readme_example
from conformance.single_table import Order, create_table
from dynasim.integration import (
    ConditionalCheckFailedError,
    DynamoDbClient,
    Key,
    PutItemOptions,
    TableClient,
    TransactGet,
    TransactionCanceledError,
    UpdateExpression,
    UpdateItemOptions,
)


@pytest.fixture
def app(ddb: Any) -> TableClient:
    return DynamoDbClient.from_boto3(ddb).table(create_table(ddb))


def order(customer: int, number: int, status: str, total: float) -> Order:
    return Order(f"CUST#{customer}", f"ORDER#{number:03d}", status, total, f"STATUS#{status}", f"{number:03d}")


def test_items_and_typed_mapping(app: TableClient) -> None:
    app.put_item({"PK": "CUST#1", "SK": "PROFILE", "name": "Ann", "size": "M"}, PutItemOptions.if_not_exists())
    with pytest.raises(ConditionalCheckFailedError):
        app.put_item({"PK": "CUST#1", "SK": "PROFILE"}, PutItemOptions.if_not_exists())
    app.put_item(order(1, 1, "new", 19.99))
    assert app.get_item(Key("CUST#1").with_sort_key("ORDER#001"), as_type=Order) == order(1, 1, "new", 19.99)
    update = UpdateExpression().remove("size").set("name", "Anne").set("a.b", 1).increment("logins")
    updated = app.update_item(Key("CUST#1", "PROFILE"), update, UpdateItemOptions.returning_new())
    assert updated.attributes == {"PK": "CUST#1", "SK": "PROFILE", "name": "Anne", "a.b": 1, "logins": 1}
    assert app.delete_item(Key("CUST#1", "ORDER#001")).old_item is None
    assert app.get_item(Key("CUST#1", "ORDER#001")) is None


def test_queries_pages_and_index(app: TableClient) -> None:
    written = app.batch_put_all(order(c, n, "shipped" if n % 3 == 0 else "new", n) for c in (1, 2) for n in range(40))
    assert written == 80
    q = app.query_builder().partition_key("CUST#1").sort_key_begins_with("ORDER#").limit(15)
    pages = list(q.pages())
    assert [p.count for p in pages] == [15, 15, 10]
    assert len(q.collect_all()) == 40
    shipped = (
        app.query_builder()
        .index("GSI1", "GSI1PK", "GSI1SK")
        .partition_key("STATUS#shipped")
        .sort_key_between("010", "020")
        .filter("#t > :min", names={"#t": "total"}, values={":min": 12})
        .descending()
        .collect_all(as_type=Order)
    )
    # descending by GSI1SK; items with equal index keys come in no defined order
    assert [o.SK for o in shipped] == ["ORDER#018", "ORDER#018", "ORDER#015", "ORDER#015"]
    assert {o.PK for o in shipped} == {"CUST#1", "CUST#2"}
    assert len(app.scan()) == 80
    assert len(app.scan_parallel(3)) == 80
    keys = [Key(f"CUST#{c}", f"ORDER#{n:03d}") for c in (1, 2) for n in range(40)] + [Key("CUST#9", "ORDER#000")]
    assert len(app.batch_get_all(keys)) == 80


def test_transactions(app: TableClient) -> None:
    client = app.client
    app.put_item({"PK": "ACCT#1", "SK": "ACCT", "balance": 100})
    app.put_item({"PK": "ACCT#2", "SK": "ACCT", "balance": 0})

    def transfer(amount: int, token: str) -> None:
        (
            client.transaction()
            .update(
                app,
                Key("ACCT#1", "ACCT"),
                UpdateExpression().increment("balance", -amount),
                "#b >= :amount",
                names={"#b": "balance"},
                values={":amount": amount},
            )
            .update(app, Key("ACCT#2", "ACCT"), UpdateExpression().increment("balance", amount))
            .put(app, {"PK": "TX#" + token, "SK": "TX", "amount": amount}, "attribute_not_exists(PK)")
            .idempotency_token(token)
            .execute()
        )

    transfer(60, "t1")
    with pytest.raises(TransactionCanceledError) as info:
        transfer(60, "t2")
    assert [r.code for r in info.value.reasons] == ["ConditionalCheckFailed", "None", "None"]
    balances = client.transact_get([TransactGet(app, Key(f"ACCT#{i}", "ACCT"), projection=["balance"]) for i in (1, 2)])
    assert balances == [{"balance": 40}, {"balance": 60}]


def test_condition_failures_and_metrics(ddb: Any) -> None:
    from dynasim.integration import DeleteItemOptions, InMemoryMetrics

    metrics = InMemoryMetrics()
    app = DynamoDbClient.from_boto3(ddb, metrics=metrics).table(create_table(ddb))
    app.put_item({"PK": "CUST#1", "SK": "PROFILE", "state": "active"})
    with pytest.raises(ConditionalCheckFailedError) as info:
        app.delete_item(
            Key("CUST#1", "PROFILE"),
            DeleteItemOptions(
                condition="#s = :closed",
                names={"#s": "state"},
                values={":closed": "closed"},
                return_item_on_condition_failure=True,
            ),
        )
    assert info.value.item == {"PK": "CUST#1", "SK": "PROFILE", "state": "active"}
    assert app.get_item(Key("CUST#1", "PROFILE")) == {"PK": "CUST#1", "SK": "PROFILE", "state": "active"}
    assert metrics.count("dynamodb.requests", table=app.name) == 3
    assert metrics.count("dynamodb.errors", code="ConditionalCheckFailedException") == 1
    # a small put outside the GSI: 1 WCU; an eventually consistent get: 0.5 RCU; the failed delete reports none
    assert metrics.count("dynamodb.consumed_capacity", table=app.name) == 1.5
    assert app.client.circuit_breaker.state == "closed"


def test_readme_async_example(backend: Backend, ddb: Any) -> None:
    """The README's async example, as written, on an aiobotocore client of the target (in-process on
    the simulator, over HTTP on DynamoDB Local). Runs where aiobotocore is installed."""
    pytest.importorskip("aiobotocore", reason="the async client needs aiobotocore")
    create_table(ddb, "app")  # the example's table
    namespace: dict[str, Any] = {"Order": Order}
    exec(compile(readme_example("### The async client"), "README.md", "exec"), namespace)
    shipped_orders = [order(1, n, "shipped", 150) for n in range(2, 40)]
    keys = [Key("CUST#1", f"ORDER#{n:03d}") for n in range(1, 40)]

    async def service() -> Any:
        async with backend.async_client() as client:
            return await namespace["import_orders"](client, shipped_orders, keys)

    shipped, everything, found, balance = asyncio.run(service())
    assert sorted(o.SK for o in shipped) == [o.SK for o in shipped_orders]
    assert len(everything) == 40 and len(found) == 39  # ACCT#1 and 39 orders
    assert balance == {"balance": 40}
