"""dynasim.integration on the simulator: items, typed mapping, expressions, queries, batches,
transactions, and (through fault injection) retries, the circuit breaker and unprocessed items.

One suite for both clients: every test that takes a client (`client`, `table`, `make_client`) runs
on `DynamoDbClient` and on `AsyncDynamoDbClient` (see `integration_clients`)."""

from __future__ import annotations

import dataclasses
from decimal import Decimal
from typing import TYPE_CHECKING, Any

import botocore.session
import pytest

import dynasim
from dynasim.integration import (
    BatchIncompleteError,
    CircuitOpenError,
    ConditionalCheckFailedError,
    DeleteItemOptions,
    DeleteRequest,
    DynamoDbClient,
    DynamoDbConfig,
    DynamoDbError,
    GetItemOptions,
    InMemoryMetrics,
    Key,
    PutItemOptions,
    PutRequest,
    ResourceNotFoundError,
    RetryConfig,
    ServiceError,
    ThrottlingError,
    TooManyItemsError,
    TransactGet,
    TransactionCanceledError,
    TransportError,
    UpdateExpression,
    UpdateItemOptions,
    ValidationError,
)
from dynasim.integration.resilience import CircuitBreakerConfig

pytest_plugins = ["integration_clients"]

if TYPE_CHECKING:
    from integration_clients import ClientMaker, Sleeps


@pytest.fixture
def sim() -> dynasim.Simulator:
    return dynasim.Simulator()


@dataclasses.dataclass
class Order:
    PK: str
    SK: str
    status: str
    total: float
    quantity: int = 1
    tags: set[str] | None = None



@pytest.fixture
def table(client: DynamoDbClient) -> Any:
    return client.table("app")


# --- items and mapping ------------------------------------------------------------------------------


def test_put_get_dataclass_round_trip(table: Any) -> None:
    order = Order("CUST#1", "ORDER#1", "new", 12.5, 3, {"a", "b"})
    table.put_item(order)
    got = table.get_item(Key("CUST#1").with_sort_key("ORDER#1"), as_type=Order)
    assert got == order
    assert isinstance(got.quantity, int) and isinstance(got.total, float)
    raw = table.get_item(Key("CUST#1", "ORDER#1"))
    assert raw["total"] == Decimal("12.5") and raw["quantity"] == 3
    assert table.get_item(Key("CUST#1", "ORDER#2")) is None


def test_none_fields_are_left_out_and_extra_attributes_ignored(table: Any) -> None:
    table.put_item({"PK": "c", "SK": "o", "status": "x", "total": 1, "GSI1PK": "extra"})
    assert table.get_item(Key("c", "o"), as_type=Order) == Order("c", "o", "x", 1.0)
    table.put_item(Order("c", "p", "y", 2.0))
    assert "tags" not in table.get_item(Key("c", "p"))


def test_get_options_projection_taken_literally(table: Any) -> None:
    table.put_item({"PK": "a", "SK": "b", "size": 3, "a.b": 1, "name": {"first": "x", "last": "y"}})
    got = table.get_item(Key("a", "b"), GetItemOptions(consistent_read=True, projection=["size", "a.b"]))
    assert got == {"size": 3, "a.b": 1}
    nested = table.get_item(Key("a", "b"), GetItemOptions(projection=[("name", "first")]))
    assert nested == {"name": {"first": "x"}}


def test_put_if_not_exists_uses_the_tables_key_name(client: DynamoDbClient, sim: dynasim.Simulator) -> None:
    sim.client().create_table(
        TableName="users",
        BillingMode="PAY_PER_REQUEST",
        KeySchema=[{"AttributeName": "id", "KeyType": "HASH"}],
        AttributeDefinitions=[{"AttributeName": "id", "AttributeType": "S"}],
    )
    users = client.table("users").with_key_schema("id")
    users.put_item({"id": "u1", "name": "a"}, PutItemOptions.if_not_exists())
    with pytest.raises(ConditionalCheckFailedError):
        users.put_item({"id": "u1", "name": "b"}, PutItemOptions.if_not_exists())
    assert users.get_item(Key("u1")) == {"id": "u1", "name": "a"}
    request = sim.verify_operation("PutItem")[-1].request
    assert request["ExpressionAttributeNames"] == {"#ifnewpk": "id"}


def test_put_condition_with_values_and_return_old(table: Any) -> None:
    table.put_item({"PK": "p", "SK": "s", "v": 1})
    out = table.put_item(
        {"PK": "p", "SK": "s", "v": 2},
        PutItemOptions(condition="#v = :one", names={"#v": "v"}, values={":one": 1}, return_old_values=True),
    )
    assert out.old_item == {"PK": "p", "SK": "s", "v": 1}
    with pytest.raises(ConditionalCheckFailedError) as info:
        table.put_item({"PK": "p", "SK": "s"}, PutItemOptions(condition="v = :one", values={":one": 1}))
    assert info.value.code == "ConditionalCheckFailedException"


def test_delete_with_condition_and_old_values(table: Any) -> None:
    table.put_item({"PK": "d", "SK": "1", "state": "open"})
    with pytest.raises(ConditionalCheckFailedError):
        table.delete_item(
            Key("d", "1"), DeleteItemOptions(condition="#s = :c", names={"#s": "state"}, values={":c": "closed"})
        )
    out = table.delete_item(Key("d", "1"), DeleteItemOptions(return_old_values=True))
    assert out.old_item == {"PK": "d", "SK": "1", "state": "open"}
    assert table.get_item(Key("d", "1")) is None


def test_key_schema_mismatch_is_refused_before_sending(table: Any) -> None:
    with pytest.raises(ValidationError):
        table.get_item(Key("only-pk"))
    with pytest.raises(ValidationError):
        table.with_key_schema("PK").get_item(Key("a", "b"))


# --- UpdateExpression ---------------------------------------------------------------------------------


def test_update_builder_any_order_and_awkward_names(table: Any) -> None:
    table.put_item({"PK": "u", "SK": "1", "old": 1, "a-b": 5, "tags": {"x", "y"}, "more": {"p", "q"}, "m": {"n": 1}})
    update = (
        UpdateExpression()
        .remove("old")
        .set("size", "L")  # reserved word
        .set("a.b", 1)  # a top-level attribute with a dot
        .set("a_b", 2)  # sanitises like a-b and a.b
        .increment("a-b", 10)
        .increment("count")  # missing: counts from 0
        .add("tags", {"z"})
        .delete("more", {"p"})
        .list_append("log", ["first"])
        .set(("m", "n"), 2)  # nested path
        .set_if_not_exists("created", "now")
        .remove(("m", "gone"))
    )
    out = table.update_item(Key("u", "1"), update, UpdateItemOptions.returning_new())
    assert out.attributes == {
        "PK": "u",
        "SK": "1",
        "size": "L",
        "a.b": 1,
        "a_b": 2,
        "a-b": 15,
        "count": 1,
        "tags": {"x", "y", "z"},
        "more": {"q"},
        "log": ["first"],
        "m": {"n": 2},
        "created": "now",
    }
    assert update.expression.startswith("SET ") and " REMOVE " in update.expression
    assert update.expression.count("SET") == 1


def test_update_with_condition_merges_placeholders(table: Any) -> None:
    table.put_item({"PK": "c", "SK": "1", "version": 1})
    update = UpdateExpression().increment("version")
    options = UpdateItemOptions(condition="#ver = :expected", names={"#ver": "version"}, values={":expected": 1})
    table.update_item(Key("c", "1"), update, options)
    with pytest.raises(ConditionalCheckFailedError):
        table.update_item(Key("c", "1"), update, options)
    assert table.get_item(Key("c", "1"))["version"] == 2


def test_update_placeholder_clash_is_refused() -> None:
    from dynasim.integration.expressions import merge_expression_attributes

    request: dict[str, Any] = {}
    merge_expression_attributes(request, {"#u0": "a"})
    with pytest.raises(ValueError):
        merge_expression_attributes(request, {"#u0": "b"})
    with pytest.raises(ValueError):
        UpdateExpression().expression  # noqa: B018


# --- queries and scans ----------------------------------------------------------------------------------


@pytest.fixture
def orders(table: Any) -> Any:
    for i in range(10):
        table.put_item(
            {
                "PK": "CUST#1",
                "SK": f"ORDER#{i:02d}",
                "status": "shipped" if i % 2 else "new",
                "total": i,
                "GSI1PK": "STATUS#shipped" if i % 2 else "STATUS#new",
                "GSI1SK": f"{i:02d}",
            }
        )
    table.put_item({"PK": "CUST#1", "SK": "PROFILE", "name": "Ann"})
    table.put_item({"PK": "CUST#2", "SK": "ORDER#00", "status": "new", "total": 5})
    return table


def test_query_sort_key_conditions(orders: Any) -> None:
    q = orders.query_builder().partition_key("CUST#1")
    assert len(q.collect_all()) == 11
    assert [o["SK"] for o in q.sort_key_begins_with("ORDER#").descending().limit(3).execute().items] == [
        "ORDER#09",
        "ORDER#08",
        "ORDER#07",
    ]
    between = orders.query_builder().partition_key("CUST#1").sort_key_between("ORDER#02", "ORDER#04").collect_all()
    assert [o["SK"] for o in between] == ["ORDER#02", "ORDER#03", "ORDER#04"]
    assert len(orders.query_builder().partition_key("CUST#1").sort_key_lt("ORDER#03").collect_all()) == 3
    assert len(orders.query_builder().partition_key("CUST#1").sort_key_ge("ORDER#08").collect_all()) == 3
    assert orders.query_builder().partition_key("CUST#1").sort_key_equals("PROFILE").collect_all()[0]["name"] == "Ann"


def test_query_filter_projection_pages_and_result(orders: Any) -> None:
    q = (
        orders.query_builder()
        .partition_key("CUST#1")
        .sort_key_begins_with("ORDER#")
        .filter("#s = :s", names={"#s": "status"}, values={":s": "shipped"})
        .projection("SK", "total")
        .limit(4)
    )
    pages = list(q.pages())
    assert [p.count for p in pages] == [2, 2, 1]
    assert [p.scanned_count for p in pages] == [4, 4, 2]
    assert pages[0].last_evaluated_key is not None and pages[-1].last_evaluated_key is None
    assert [i["total"] for i in q.items()] == [1, 3, 5, 7, 9]
    assert set(pages[0].items[0]) == {"SK", "total"}
    first = q.execute()
    resumed = q.start_from(first.last_evaluated_key).execute()
    assert [i["total"] for i in resumed.items] == [5, 7]


def test_query_index_and_typed_items(orders: Any) -> None:
    shipped = orders.query_builder().index("GSI1", "GSI1PK", "GSI1SK").partition_key("STATUS#shipped")
    items = shipped.sort_key_gt("04").collect_all(as_type=Order)
    assert [o.SK for o in items] == ["ORDER#05", "ORDER#07", "ORDER#09"]
    assert all(isinstance(o.total, float) for o in items)
    assert len(orders.query("CUST#2")) == 1


def test_scan_and_scan_parallel(orders: Any) -> None:
    assert len(orders.scan()) == 12
    assert len(orders.scan(filter="#t > :t", names={"#t": "total"}, values={":t": 7})) == 2
    assert len(orders.scan(limit=2)) == 12
    parallel = orders.scan_parallel(4)
    assert sorted((i["PK"], i["SK"]) for i in parallel) == sorted((i["PK"], i["SK"]) for i in orders.scan())
    assert len(orders.scan(index="GSI1")) == 10


# --- batches ------------------------------------------------------------------------------------------


def test_batch_limits(table: Any) -> None:
    with pytest.raises(TooManyItemsError):
        table.batch_put([{"PK": str(i), "SK": "x"} for i in range(26)])
    with pytest.raises(TooManyItemsError):
        table.batch_get([Key(str(i), "x") for i in range(101)])
    assert table.batch_get([]).items == []


def test_batch_put_get_delete(table: Any) -> None:
    result = table.batch_put([{"PK": f"b{i}", "SK": "x", "n": i} for i in range(25)])
    assert result.processed_count == 25 and result.unprocessed_count == 0
    got = table.batch_get([Key(f"b{i}", "x") for i in range(25)], projection=["n"])
    assert sorted(i["n"] for i in got.items) == list(range(25))
    table.batch_write([DeleteRequest(Key("b0", "x")), PutRequest({"PK": "b99", "SK": "x"})])
    assert table.get_item(Key("b0", "x")) is None and table.get_item(Key("b99", "x")) is not None
    table.batch_delete([Key(f"b{i}", "x") for i in range(1, 25)])
    assert len(table.scan()) == 1


def test_batch_write_all_retries_unprocessed_with_backoff(
    table: Any, sim: dynasim.Simulator, sleeps: Sleeps, metrics: InMemoryMetrics
) -> None:
    sim.inject_fault("BatchWriteItem", unprocessed=0.5, times=2, seed=3)
    written = table.batch_put_all({"PK": f"w{i:03d}", "SK": "x"} for i in range(20))
    assert written == 20
    assert len(table.scan()) == 20
    sim.assert_faults_used()
    assert metrics.count("dynamodb.unprocessed_items") > 0
    # full jitter with rng() == 1.0: the cap of each retry, doubling from base_delay
    assert sleeps[:2] == [0.1, 0.2]
    sim.call_log.assert_called("BatchWriteItem", times=3)
    table.batch_put_all({"PK": f"v{i:03d}", "SK": "x"} for i in range(60))
    calls = sim.verify_operation("BatchWriteItem")[3:]
    assert [len(c.request["RequestItems"]["app"]) for c in calls] == [25, 25, 10]


def test_batch_get_all_chunks_and_retries(table: Any, sim: dynasim.Simulator, sleeps: Sleeps) -> None:
    table.batch_put_all({"PK": f"g{i:03d}", "SK": "x", "n": i} for i in range(250))
    sim.inject_fault("BatchGetItem", unprocessed=0.5, times=2, seed=1)
    items = table.batch_get_all([Key(f"g{i:03d}", "x") for i in range(250)], as_type=dict)
    assert sorted(i["n"] for i in items) == list(range(250))
    calls = sim.call_log.assert_called("BatchGetItem")
    assert all(len(c.request["RequestItems"]["app"]["Keys"]) <= 100 for c in calls)
    assert len(sleeps) >= 1


def test_batch_write_all_gives_up_after_max_attempts(sim: dynasim.Simulator, make_client: ClientMaker) -> None:
    client = make_client(DynamoDbConfig(retry=RetryConfig(max_attempts=3)))
    # once only "a" is left, DynamoDB refuses the whole batch with ProvisionedThroughputExceededException
    sim.inject_fault("BatchWriteItem", unprocessed=lambda table, entry: entry["PutRequest"]["Item"]["PK"] == {"S": "a"})
    with pytest.raises(ThrottlingError):
        client.table("app").batch_put_all([{"PK": "a", "SK": "b"}, {"PK": "c", "SK": "d"}])
    assert client.table("app").get_item(Key("c", "d")) is not None


class StubClient:
    """A boto3-shaped client whose batches always leave their first entry unprocessed."""

    class meta:
        region_name = "stub"
        endpoint_url = None

    def batch_write_item(self, RequestItems: dict[str, Any], **kwargs: Any) -> dict[str, Any]:
        ((table, requests),) = RequestItems.items()
        return {"UnprocessedItems": {table: requests[:1]}}


class AsyncStubClient(StubClient):
    """The same, shaped as an aiobotocore client."""

    async def batch_write_item(self, RequestItems: dict[str, Any], **kwargs: Any) -> dict[str, Any]:  # type: ignore[override]
        return super().batch_write_item(RequestItems, **kwargs)


def test_batch_incomplete_after_retries_run_out(make_client: ClientMaker, sleeps: Sleeps) -> None:
    stub = StubClient() if make_client.kind == "sync" else AsyncStubClient()  # type: ignore[attr-defined]
    client = make_client(DynamoDbConfig(retry=RetryConfig(max_attempts=3)), raw=stub)
    with pytest.raises(BatchIncompleteError) as info:
        client.table("t").batch_put_all([{"PK": "a", "SK": "b"}, {"PK": "c", "SK": "d"}])
    assert info.value.unprocessed == [{"PutRequest": {"Item": {"PK": {"S": "a"}, "SK": {"S": "b"}}}}]
    assert len(sleeps) == 3


# --- transactions ------------------------------------------------------------------------------------


def test_transaction_and_transact_get(client: DynamoDbClient, table: Any) -> None:
    table.put_item({"PK": "acct#1", "SK": "A", "balance": 100})
    table.put_item({"PK": "acct#2", "SK": "A", "balance": 0})
    (
        client.transaction()
        .update(
            table,
            Key("acct#1", "A"),
            UpdateExpression().add("balance", -30),
            "#b >= :amt",
            names={"#b": "balance"},
            values={":amt": 30},
        )
        .update("app", Key("acct#2", "A"), UpdateExpression().add("balance", 30))
        .put_with_condition(table, {"PK": "tx#1", "SK": "T"}, "attribute_not_exists(PK)")
        .condition_check(table, Key("acct#3", "A"), "attribute_not_exists(#b)", names={"#b": "balance"})
        .idempotency_token("tx-1")
        .execute()
    )
    balances = client.transact_get(
        [TransactGet(table, Key("acct#1", "A")), TransactGet("app", Key("acct#2", "A"), projection=["balance"])]
    )
    assert balances == [{"PK": "acct#1", "SK": "A", "balance": 70}, {"balance": 30}]
    assert client.transact_get([TransactGet(table, Key("nope", "A"))]) == [None]


def test_cancelled_transaction_has_reasons_in_order(client: DynamoDbClient, table: Any) -> None:
    table.put_item({"PK": "acct#1", "SK": "A", "balance": 10})
    builder = (
        client.transaction()
        .put(table, {"PK": "new", "SK": "A"})
        .condition_check(table, Key("acct#1", "A"), "balance >= :amt", values={":amt": 50})
        .delete(table, Key("x", "A"))
    )
    with pytest.raises(TransactionCanceledError) as info:
        builder.execute()
    assert [r.code for r in info.value.reasons] == ["None", "ConditionalCheckFailed", "None"]
    assert table.get_item(Key("new", "A")) is None


# --- resilience and observability -------------------------------------------------------------------


def test_retries_throttling_with_backoff(
    table: Any, sim: dynasim.Simulator, sleeps: Sleeps, metrics: InMemoryMetrics
) -> None:
    sim.inject_fault("PutItem", error="ProvisionedThroughputExceededException", times=2)
    table.put_item({"PK": "r", "SK": "1"})
    assert table.get_item(Key("r", "1")) is not None
    assert sleeps == [0.05, 0.1]  # throttling base 50 ms, doubled; full jitter at its top
    assert metrics.count("dynamodb.retries", operation="PutItem") == 2
    assert metrics.count("dynamodb.errors", code="ProvisionedThroughputExceededException") == 2
    sim.call_log.assert_called("PutItem", times=3)


def test_retries_server_and_transport_errors(table: Any, sim: dynasim.Simulator, sleeps: Sleeps) -> None:
    sim.inject_fault("GetItem", error=["InternalServerError", "ReadTimeoutError", None])
    assert table.get_item(Key("x", "y")) is None
    assert sleeps == [0.1, 0.2]


def test_retries_run_out_and_raise_typed_errors(
    sim: dynasim.Simulator, make_client: ClientMaker, sleeps: Sleeps
) -> None:
    client = make_client(DynamoDbConfig(retry=RetryConfig(max_attempts=2)))
    sim.inject_fault("PutItem", error="ThrottlingException")
    with pytest.raises(ThrottlingError):
        client.table("app").put_item({"PK": "a", "SK": "b"})
    assert len(sleeps) == 2
    with pytest.raises(ResourceNotFoundError):
        client.table("missing").get_item(Key("a", "b"))
    sim.inject_fault("GetItem", error="EndpointConnectionError")
    with pytest.raises(TransportError):
        client.table("app").get_item(Key("a", "b"))


def test_full_jitter_stays_within_the_cap() -> None:
    config = RetryConfig()
    import random

    rng = random.Random(1).random
    for retry in range(1, 15):
        assert 0 <= config.delay(retry, None, rng) <= min(20.0, 0.1 * 2 ** (retry - 1))
    assert config.delay(30, None, lambda: 1.0) == 20.0


def test_circuit_breaker_opens_half_opens_and_closes(sim: dynasim.Simulator, make_client: ClientMaker) -> None:
    now = [0.0]
    config = DynamoDbConfig(
        retry=RetryConfig(max_attempts=0),
        circuit_breaker=CircuitBreakerConfig(failure_threshold=3, reset_timeout=10),
    )
    client = make_client(config, clock=lambda: now[0])
    table = client.table("app")
    sim.inject_fault("GetItem", error="InternalServerError", times=3)
    for _ in range(3):
        with pytest.raises(ServiceError):
            table.get_item(Key("a", "b"))
    assert client.circuit_breaker.state == "open"
    with pytest.raises(CircuitOpenError):
        table.get_item(Key("a", "b"))
    sim.call_log.assert_called("GetItem", times=3)  # the open circuit sent nothing
    now[0] = 10.0
    assert client.circuit_breaker.state == "half_open"
    assert table.get_item(Key("a", "b")) is None
    assert client.circuit_breaker.state == "closed"


def test_conditional_failures_do_not_open_the_circuit(table: Any, client: DynamoDbClient) -> None:
    for _ in range(10):
        with pytest.raises(ConditionalCheckFailedError):
            table.put_item({"PK": "a", "SK": "b"}, PutItemOptions(condition="attribute_exists(PK)"))
    assert client.circuit_breaker.state == "closed"


def test_metrics_latency_and_capacity(table: Any, metrics: InMemoryMetrics) -> None:
    table.put_item({"PK": "m", "SK": "1"})
    table.get_item(Key("m", "1"))
    assert metrics.count("dynamodb.requests", operation="GetItem", table="app") == 1
    assert len(metrics.values("dynamodb.latency", operation="PutItem")) == 1
    assert metrics.count("dynamodb.consumed_capacity", table="app") == 1.5


def test_spans_are_no_ops_without_opentelemetry(table: Any) -> None:
    from dynasim.integration.resilience import span

    with span("x", {}) as current:
        assert current is None or hasattr(current, "set_attribute")


def test_condition_failure_returns_the_item_when_asked(table: Any) -> None:
    table.put_item({"PK": "i", "SK": "1", "state": "open"})
    with pytest.raises(ConditionalCheckFailedError) as info:
        table.delete_item(
            Key("i", "1"),
            DeleteItemOptions(condition="attribute_not_exists(PK)", return_item_on_condition_failure=True),
        )
    assert info.value.item == {"PK": "i", "SK": "1", "state": "open"}
    with pytest.raises(ConditionalCheckFailedError) as info:
        table.put_item({"PK": "i", "SK": "1"}, PutItemOptions.if_not_exists())
    assert info.value.item is None


def test_client_side_validation_is_typed_and_leaves_the_breaker_closed(client: DynamoDbClient) -> None:
    with pytest.raises(ValidationError):
        client.call("GetItem", {"TableName": "app"})
    assert client.circuit_breaker.state == "closed"


def test_half_open_breaker_recovers_after_an_unexpected_exception(sim: dynasim.Simulator) -> None:
    from dynasim.integration import CircuitBreaker

    now = [0.0]
    breaker = CircuitBreaker(CircuitBreakerConfig(failure_threshold=1, reset_timeout=1), clock=lambda: now[0])
    breaker.record_failure()
    assert breaker.state == "open"
    now[0] = 1
    breaker.before_call()
    with pytest.raises(CircuitOpenError):
        breaker.before_call()  # one trial call at a time
    breaker.record_neutral()
    assert breaker.state == "closed"


def test_transaction_limits(client: DynamoDbClient) -> None:
    builder = client.transaction()
    for i in range(101):
        builder.put("app", {"PK": str(i), "SK": "x"})
    with pytest.raises(TooManyItemsError):
        builder.execute()
    with pytest.raises(TooManyItemsError):
        client.transact_get([TransactGet("app", Key(str(i), "x")) for i in range(101)])
    assert client.transact_get([]) == []
    client.transaction().execute()  # nothing to do


@dataclasses.dataclass
class Address:
    city: str
    lines: list[str]


@dataclasses.dataclass
class Customer:
    PK: str
    SK: str
    address: Address
    scores: list[int]
    ratios: dict[str, float]
    avatar: bytes
    nickname: str | None = None


def test_nested_dataclasses_lists_maps_and_bytes(table: Any, sim: dynasim.Simulator) -> None:
    customer = Customer("c", "PROFILE", Address("Oslo", ["Main St 1"]), [1, 2], {"a": 0.5}, b"\x00\x01")
    table.put_item(customer)
    got = table.get_item(Key("c", "PROFILE"), as_type=Customer)
    assert got == customer
    assert isinstance(got.scores[0], int) and isinstance(got.ratios["a"], float)
    raw = table.client.client  # the client under the high-level one: boto3's or aiobotocore's
    assert raw.meta.service_model.service_name == "dynamodb"
    raw = sim.client().get_item(TableName="app", Key={"PK": {"S": "c"}, "SK": {"S": "PROFILE"}})["Item"]
    assert raw["ratios"] == {"M": {"a": {"N": "0.5"}}} and "nickname" not in raw


# --- vector search ----------------------------------------------------------------------------------

needs_search_vectors = pytest.mark.skipif(
    "SearchVectors" not in botocore.session.get_session().get_service_model("dynamodb").operation_names,
    reason="this botocore's DynamoDB model has no SearchVectors",
)

DOCS_TABLE = {
    "TableName": "docs",
    "BillingMode": "PAY_PER_REQUEST",
    "KeySchema": [{"AttributeName": "PK", "KeyType": "HASH"}, {"AttributeName": "SK", "KeyType": "RANGE"}],
    "AttributeDefinitions": [
        {"AttributeName": "PK", "AttributeType": "S"},
        {"AttributeName": "SK", "AttributeType": "S"},
        {"AttributeName": "tenant", "AttributeType": "S"},
        {"AttributeName": "kind", "AttributeType": "S"},
    ],
    "VectorIndexes": [
        {
            "IndexName": "by-embedding",
            "VectorAttribute": {"AttributeName": "embedding"},
            "Dimensions": 3,
            "DistanceFunction": "COSINE",
            "Projection": {"ProjectionType": "ALL"},
        },
        {
            "IndexName": "by-tenant",
            "VectorAttribute": {"AttributeName": "embedding"},
            "Dimensions": 3,
            "DistanceFunction": "EUCLIDEAN",
            "SearchSchema": [
                {"AttributeName": "tenant", "SearchSchemaElementType": "HASH"},
                {"AttributeName": "kind", "SearchSchemaElementType": "INLINE_FILTER"},
            ],
            "Projection": {"ProjectionType": "ALL"},
        },
    ],
}


@dataclasses.dataclass
class Doc:
    PK: str
    SK: str
    title: str
    tenant: str = "acme"
    kind: str = "guide"
    embedding: list[float] | None = None


DOCS = [
    Doc("doc#1", "v1", "Vectors", embedding=[1.0, 0.0, 0.0]),
    Doc("doc#2", "v1", "Indexes", kind="note", embedding=[0.9, 0.1, 0.0]),
    Doc("doc#3", "v1", "Streams", embedding=[0.0, 1.0, 0.0]),
    Doc("doc#4", "v1", "Backups", tenant="other", embedding=[1.0, 0.05, 0.0]),
]


@pytest.fixture
def docs(client: DynamoDbClient, sim: dynasim.Simulator) -> Any:
    sim.client().create_table(**DOCS_TABLE)
    table = client.table("docs")
    table.batch_put_all(DOCS)
    return table


@needs_search_vectors
def test_search_vectors_returns_typed_items_nearest_first_with_scores(docs: Any) -> None:
    found = docs.search_vectors("by-embedding", [1, 0, 0], top_k=3, as_type=Doc)
    assert [(r.item.PK, r.item.title) for r in found] == [("doc#1", "Vectors"), ("doc#4", "Backups"),
                                                         ("doc#2", "Indexes")]  # fmt: skip
    assert [r.score for r in found] == pytest.approx([0.0, 1 - 1 / 1.0025**0.5, 1 - 0.9 / 0.82**0.5], abs=1e-6)
    # The service leaves the vector out of results unless a projection names it.
    assert found[0].item == dataclasses.replace(DOCS[0], embedding=None)


@needs_search_vectors
def test_search_vectors_in_a_partition_with_a_filter_and_a_projection(docs: Any) -> None:
    found = docs.search_vectors(
        "by-tenant", [1.0, 0.0, 0.0], top_k=5, partition={"tenant": "acme"},
        condition="#k = :k", names={"#k": "kind"}, values={":k": "guide"}, projection=["title"],
    )  # fmt: skip
    assert [r.item for r in found] == [{"title": "Vectors"}, {"title": "Streams"}]  # doc#2 a note, doc#4 not acme's
    assert [r.score for r in found] == pytest.approx([0.0, 2**0.5], abs=1e-6)


@needs_search_vectors
def test_search_vectors_goes_through_the_clients_retries(
    client: DynamoDbClient, sim: dynasim.Simulator, sleeps: Sleeps, metrics: InMemoryMetrics
) -> None:
    """Whatever the engine answers in the end, the request is the one built, sent as SearchVectors
    through the client's retries."""
    sim.inject_fault("SearchVectors", error="ThrottlingException", times=2)
    table = client.table("docs").with_key_schema("id")
    try:
        table.search_vectors("by-embedding", [0.5, 0.25], top_k=2, partition={"tenant": "acme"})
    except DynamoDbError as error:
        assert error.code == sim.call_log.last.error_code
    assert sleeps == [0.05, 0.1]
    assert metrics.count("dynamodb.retries", operation="SearchVectors") == 2
    calls = sim.verify_operation("SearchVectors", table="docs")
    assert [call.error_code for call in calls][:2] == ["ThrottlingException"] * 2 and len(calls) == 3
    assert calls[-1].request == {
        "TableName": "docs",
        "IndexName": "by-embedding",
        "SearchVector": [{"N": "0.5"}, {"N": "0.25"}],
        "TopK": 2,
        "SearchConditionExpression": "#s0 = :s0",
        "ExpressionAttributeNames": {"#s0": "tenant"},
        "ExpressionAttributeValues": {":s0": {"S": "acme"}},
        "ReturnConsumedCapacity": "TOTAL",
    }
