"""dynasim.integration.core on its own, with no client and nothing sent: the requests it builds,
the answers it reads, and the retry decisions it takes with the circuit breaker and metrics."""

from __future__ import annotations

import dataclasses
from decimal import Decimal
from typing import Any

import botocore.session
import pytest
from botocore.exceptions import ClientError, EndpointConnectionError, ParamValidationError
from botocore.validate import ParamValidator

from dynasim.integration import (
    BatchIncompleteError,
    ConditionalCheckFailedError,
    DynamoDbConfig,
    InMemoryMetrics,
    Key,
    MappingError,
    PutItemOptions,
    RetryConfig,
    ThrottlingError,
    TooManyItemsError,
    TransactGet,
    TransportError,
    UpdateExpression,
    ValidationError,
    core,
)
from dynasim.integration.resilience import CircuitBreaker, CircuitBreakerConfig


@dataclasses.dataclass
class Order:
    PK: str
    SK: str
    total: int


def client_core(max_attempts: int = 2, failure_threshold: int = 5) -> core.ClientCore:
    config = DynamoDbConfig(
        retry=RetryConfig(max_attempts=max_attempts, base_delay=0.1, throttle_base_delay=0.05),
        circuit_breaker=CircuitBreakerConfig(failure_threshold=failure_threshold),
    )
    return core.ClientCore(
        config, CircuitBreaker(config.circuit_breaker, clock=lambda: 0.0), InMemoryMetrics(), lambda: 1.0
    )


def client_error(code: str, status: int = 400, **extra: Any) -> ClientError:
    return ClientError(
        {"Error": {"Code": code, "Message": code}, "ResponseMetadata": {"HTTPStatusCode": status}, **extra}, "X"
    )


TABLE = core.NamedTable("app")


def test_item_requests_follow_the_table_key_schema() -> None:
    orders = core.NamedTable("orders", "id", None)
    assert core.get_item_request(orders, Key("o1"), None) == {"TableName": "orders", "Key": {"id": {"S": "o1"}}}
    with pytest.raises(ValidationError):
        core.get_item_request(orders, Key("o1", "x"), None)
    request = core.put_item_request(orders, {"id": "o1"}, PutItemOptions.if_not_exists(return_old_values=True))
    assert request["ConditionExpression"] == "attribute_not_exists(#ifnewpk)"
    assert request["ExpressionAttributeNames"] == {"#ifnewpk": "id"}
    assert request["ReturnValues"] == "ALL_OLD"


def test_update_and_delete_requests() -> None:
    update = core.update_item_request(TABLE, Key("a", "b"), UpdateExpression().set("total", 3), None)
    assert update["Key"] == {"PK": {"S": "a"}, "SK": {"S": "b"}}
    assert list(update["ExpressionAttributeValues"].values()) == [{"N": "3"}]
    assert "ReturnValues" not in update
    delete = core.delete_item_request(TABLE, Key("a", "b"), None)
    assert delete == {"TableName": "app", "Key": {"PK": {"S": "a"}, "SK": {"S": "b"}}}


def test_answers_are_mapped_to_types() -> None:
    item = {"PK": {"S": "a"}, "SK": {"S": "b"}, "total": {"N": "3"}}
    assert core.get_item_result({"Item": item}, Order) == Order("a", "b", 3)
    assert core.get_item_result({}, Order) is None
    assert core.put_item_result({"Attributes": item}, None).old_item == {"PK": "a", "SK": "b", "total": 3}
    assert core.delete_item_result({}, None).old_item is None
    page = core.page_result({"Items": [item], "Count": 1, "ScannedCount": 2, "LastEvaluatedKey": {"k": 1}}, Order)
    assert (page.items, page.count, page.scanned_count, page.last_evaluated_key) == (
        [Order("a", "b", 3)],
        1,
        2,
        {"k": 1},
    )


def test_pages_continue_from_the_last_key_without_changing_the_request() -> None:
    request = {"TableName": "app"}
    assert core.page_request(request, {"PK": {"S": "a"}}) == {
        "TableName": "app",
        "ExclusiveStartKey": {"PK": {"S": "a"}},
    }
    assert core.page_request(request, None) == {"TableName": "app"}


def test_query_builder_core_builds_the_request() -> None:
    request = core.QueryBuilderCore(TABLE).partition_key("u#1").sort_key_begins_with("o#").limit(5).descending().build()
    assert request["KeyConditionExpression"] == "#k0 = :k0 AND begins_with(#k1, :k1)"
    assert request["ExpressionAttributeNames"] == {"#k0": "PK", "#k1": "SK"}
    assert (request["Limit"], request["ScanIndexForward"]) == (5, False)
    with pytest.raises(ValidationError):
        core.QueryBuilderCore(TABLE).build()


def test_scan_request_segments() -> None:
    assert core.scan_request(TABLE, segment=2, total_segments=4)["Segment"] == 2
    with pytest.raises(ValidationError):
        core.check_total_segments(0)


def test_transactions_and_their_limits() -> None:
    built = core.TransactionBuilderCore().put("a", {"PK": "1", "SK": "x"}).delete("b", Key("2", "y")).request()
    assert built is not None
    request, tables = built
    assert tables == ["a", "b"] and [next(iter(a)) for a in request["TransactItems"]] == ["Put", "Delete"]
    assert core.TransactionBuilderCore().request() is None
    gets = [TransactGet("app", Key(str(i), "x")) for i in range(101)]
    with pytest.raises(TooManyItemsError):
        core.transact_get_request(gets)
    response = {"Responses": [{"Item": {"PK": {"S": "0"}, "SK": {"S": "x"}, "total": {"N": "1"}}}, {}]}
    gets = [TransactGet("app", Key("0", "x"), as_type=Order), TransactGet("app", Key("1", "x"))]
    assert core.transact_get_result(response, gets) == [Order("0", "x", 1), None]


def test_batch_answers_find_and_count_unprocessed_entries() -> None:
    c = client_core()
    keys = [{"PK": {"S": "a"}, "SK": {"S": "b"}}]
    result = c.batch_get_result(TABLE, {"Responses": {"app": []}, "UnprocessedKeys": {"app": {"Keys": keys}}}, None)
    assert result.unprocessed_keys == keys
    writes = [core.write_request(TABLE, core.PutRequest({"PK": "a", "SK": "b"}))] * 3
    written = c.batch_write_result(TABLE, writes, {"UnprocessedItems": {"app": writes[:1]}})
    assert (written.processed_count, written.unprocessed_count) == (2, 1)
    assert isinstance(c.metrics, InMemoryMetrics)
    assert c.metrics.count("dynamodb.unprocessed_items", table="app") == 2
    assert [len(chunk) for chunk in core.chunks(writes * 9, 25)] == [25, 2]


def test_batch_retries_run_out() -> None:
    c = client_core(max_attempts=2)
    assert c.batch_retry_delay(0, [{}], "BatchWriteItem") == 0.1
    assert c.batch_retry_delay(1, [{}], "BatchWriteItem") == 0.2
    with pytest.raises(BatchIncompleteError, match="1 writes still unprocessed after 2 retries"):
        c.batch_retry_delay(2, [{}], "BatchWriteItem")


def test_a_call_retries_retryable_errors_with_backoff_then_opens_the_circuit() -> None:
    c = client_core(max_attempts=2, failure_threshold=1)
    request: dict[str, Any] = {"TableName": "app"}
    call = c.call("GetItem", request, ["app"])
    assert request["ReturnConsumedCapacity"] == "TOTAL" and call.method == "get_item"
    call.before()
    throttled = call.typed_error(client_error("ThrottlingException"))
    assert isinstance(throttled, ThrottlingError)
    assert call.retry_delay(throttled, 0.0) == 0.05  # the throttling base, full jitter at rng 1.0
    lost = call.typed_error(EndpointConnectionError(endpoint_url="http://127.0.0.1:9"))
    assert isinstance(lost, TransportError)
    assert call.retry_delay(lost, 0.0) == 0.2
    with pytest.raises(TransportError):
        call.retry_delay(lost, 0.0)
    assert c.circuit_breaker.state == "open"
    assert isinstance(c.metrics, InMemoryMetrics)
    assert c.metrics.count("dynamodb.retries", operation="GetItem") == 2
    assert c.metrics.count("dynamodb.errors", operation="GetItem") == 3


def test_a_call_does_not_retry_condition_failures_nor_count_them_against_the_service() -> None:
    c = client_core(failure_threshold=1)
    call = c.call("PutItem", {}, ["app"])
    call.before()
    failed = call.typed_error(client_error("ConditionalCheckFailedException"))
    assert isinstance(failed, ConditionalCheckFailedError)
    with pytest.raises(ConditionalCheckFailedError):
        call.retry_delay(failed, 0.0)
    assert c.circuit_breaker.state == "closed"
    assert isinstance(call.typed_error(ParamValidationError(report="bad")), ValidationError)
    assert call.typed_error(KeyboardInterrupt()) is None  # raised as it is by the driver


def test_a_successful_call_counts_capacity() -> None:
    c = client_core()
    call = c.call("BatchGetItem", {}, ["a", "b"])
    response = {"ConsumedCapacity": [{"TableName": "a", "CapacityUnits": 1.5}, {"TableName": "b"}]}
    assert call.succeeded(response, 0.0) is response
    assert isinstance(c.metrics, InMemoryMetrics)
    assert c.metrics.count("dynamodb.consumed_capacity", table="a") == 1.5
    assert c.metrics.count("dynamodb.requests", operation="BatchGetItem", table="a,b") == 1


# --- vector search ---------------------------------------------------------------------------------

DOCS = core.NamedTable("docs", "id", None)


def test_search_vectors_request_in_wire_form() -> None:
    request = core.search_vectors_request(DOCS, "by-embedding", [1, 0.5, Decimal("-0.25")], 3)
    assert request == {
        "TableName": "docs",
        "IndexName": "by-embedding",
        "SearchVector": [{"N": "1"}, {"N": "0.5"}, {"N": "-0.25"}],
        "TopK": 3,
    }


def test_search_vectors_partition_condition_and_projection_share_their_placeholders() -> None:
    request = core.search_vectors_request(
        DOCS,
        "by-tenant",
        (0.1, 0.2),
        5,
        partition={"tenant": "acme"},
        condition="#k = :k",
        names={"#k": "kind"},
        values={":k": "guide"},
        projection=["title", ("meta", "lang")],
    )
    assert request["SearchConditionExpression"] == "#s0 = :s0 AND (#k = :k)"
    assert request["ProjectionExpression"] == "#p0, #p1.#p2"
    assert request["ExpressionAttributeNames"] == {
        "#p0": "title", "#p1": "meta", "#p2": "lang", "#s0": "tenant", "#k": "kind"
    }  # fmt: skip
    assert request["ExpressionAttributeValues"] == {":s0": {"S": "acme"}, ":k": {"S": "guide"}}
    only_partition = core.search_vectors_request(DOCS, "by-tenant", [1], 1, partition={"tenant": "a", "region": 2})
    assert only_partition["SearchConditionExpression"] == "#s0 = :s0 AND #s1 = :s1"
    only_condition = core.search_vectors_request(DOCS, "by-tenant", [1], 1, condition="rank > :r", values={":r": 2})
    assert only_condition["SearchConditionExpression"] == "rank > :r"
    assert "ExpressionAttributeNames" not in only_condition
    with pytest.raises(ValueError):  # a placeholder given two meanings
        core.search_vectors_request(DOCS, "i", [1], 1, partition={"tenant": "a"}, condition="#s0 = :x",
                                    names={"#s0": "other"}, values={":x": 1})  # fmt: skip


def test_search_vectors_request_satisfies_the_service_model() -> None:
    model = botocore.session.get_session().get_service_model("dynamodb")
    if "SearchVectors" not in model.operation_names:
        pytest.skip("this botocore's DynamoDB model has no SearchVectors")
    request = core.search_vectors_request(
        DOCS, "by-tenant", [0.5] * 4, 2, partition={"tenant": "acme"}, projection=["title"]
    )
    report = ParamValidator().validate(request, model.operation_model("SearchVectors").input_shape)
    assert not report.has_errors(), report.generate_report()


def test_search_vector_components_keep_their_exact_value() -> None:
    assert core.search_vector([3, 1e-7, 0.1]) == [{"N": "3"}, {"N": "1E-7"}, {"N": "0.1"}]
    for not_a_number in (True, "0.5", None, [1]):
        with pytest.raises(ValidationError):
            core.search_vector([not_a_number])
    with pytest.raises(MappingError):  # DynamoDB has no NaN nor infinity
        core.search_vector([float("nan")])


def test_search_vector_of_numpy_float32_is_exact() -> None:
    numpy = pytest.importorskip("numpy")
    vector = numpy.array([0.1, -2.5, 1 / 3], dtype=numpy.float32)
    read_back = numpy.array([c["N"] for c in core.search_vector(vector)], dtype=numpy.float32)
    assert read_back.tobytes() == vector.tobytes()  # the same float32 values, bit for bit


def test_search_results_are_typed_items_with_scores_in_the_services_order() -> None:
    response = {
        "SearchResults": [
            {"Item": {"PK": {"S": "a"}, "SK": {"S": "1"}, "total": {"N": "3"}}, "Score": 0.25},
            {"Item": {"PK": {"S": "b"}, "SK": {"S": "2"}, "total": {"N": "4"}}, "Score": 1},
        ],
        "ConsumedCapacity": {"VectorSearchRequestBytes": 24.0},
    }
    assert core.search_vectors_result(response, Order) == [
        core.SearchResult(Order("a", "1", 3), 0.25),
        core.SearchResult(Order("b", "2", 4), 1.0),
    ]
    [first, _] = core.search_vectors_result(response, None)
    assert first.item == {"PK": "a", "SK": "1", "total": 3} and isinstance(first.score, float)
    assert core.search_vectors_result({}, None) == []


def test_a_search_is_sent_as_the_clients_search_vectors_and_counted() -> None:
    c = client_core()
    request = core.search_vectors_request(DOCS, "by-embedding", [1.0], 1)
    call = c.call("SearchVectors", request, ["docs"])
    assert (call.method, call.span_name) == ("search_vectors", "dynamodb.search_vectors")
    assert request["ReturnConsumedCapacity"] == "TOTAL"
    call.succeeded({"SearchResults": [], "ConsumedCapacity": {"VectorSearchRequestBytes": 8.0}}, 0.0)
    assert isinstance(c.metrics, InMemoryMetrics)
    assert c.metrics.count("dynamodb.requests", operation="SearchVectors", table="docs") == 1
