"""Fault injection: DynamoDB errors, transport faults, lost responses and partial batches, through
every front, and botocore's retry modes treating them as real ones."""

from __future__ import annotations

import time
from itertools import pairwise

import boto3
import pytest
from botocore.config import Config
from botocore.exceptions import ClientError, ConnectionClosedError, EndpointConnectionError, ReadTimeoutError

import dynasim
from dynasim import errors
from dynasim.doubles import response_lost, transport_error, unprocessed
from dynasim.engine.registry import HANDLERS
from dynasim.errors import DynamoDBError

KEY = {"pk": {"S": "a"}}


@pytest.fixture
def sim():
    simulator = dynasim.Simulator()
    simulator.client().create_table(
        TableName="orders",
        KeySchema=[{"AttributeName": "pk", "KeyType": "HASH"}],
        AttributeDefinitions=[{"AttributeName": "pk", "AttributeType": "S"}],
        BillingMode="PAY_PER_REQUEST",
    )
    simulator.call_log.clear()
    return simulator


@pytest.fixture
def sleeps(monkeypatch):
    """botocore's retry back-off, recorded instead of slept."""
    slept = []
    monkeypatch.setattr(time, "sleep", slept.append)
    return slept


def no_retries():
    return Config(retries={"mode": "standard", "total_max_attempts": 1})


@pytest.mark.parametrize(
    ("code", "status"),
    [
        ("ProvisionedThroughputExceededException", 400),
        ("ThrottlingException", 400),
        ("RequestLimitExceeded", 400),
        ("InternalServerError", 500),
        ("ServiceUnavailable", 503),
        ("TransactionConflictException", 400),
        ("ItemCollectionSizeLimitExceededException", 400),
    ],
)
def test_injected_errors_have_dynamodbs_status_type_and_message(sim, code, status):
    sim.inject_fault("PutItem", error=code)
    with pytest.raises(ClientError) as raised:
        sim.client(config=no_retries()).put_item(TableName="orders", Item=KEY)
    error = raised.value.response
    assert error["Error"]["Code"] == code
    assert error["Error"]["Message"] == errors.INJECTABLE_MESSAGES[code]
    assert error["ResponseMetadata"]["HTTPStatusCode"] == status
    assert type(raised.value).__name__ == code or code in ("InternalServerError", "ServiceUnavailable")
    assert sim.call_log.last.error_code == code and not sim.call_log.last.applied


def test_throughput_message_is_dynamodbs():
    assert errors.injected("ProvisionedThroughputExceededException").message == (
        "The level of configured provisioned throughput for the table was exceeded. "
        "Consider increasing your provisioning level with the UpdateTable API."
    )


def test_injected_error_is_not_applied(sim):
    sim.inject_fault("PutItem", error="InternalServerError")
    with pytest.raises(ClientError):
        sim.client(config=no_retries()).put_item(TableName="orders", Item=KEY)
    assert "Item" not in sim.client().get_item(TableName="orders", Key=KEY)


@pytest.mark.parametrize("mode", ["standard", "legacy", "adaptive"])
@pytest.mark.parametrize(
    "code", ["ProvisionedThroughputExceededException", "ThrottlingException", "InternalServerError"]
)
def test_retry_modes_retry_injected_errors(sim, sleeps, mode, code):
    rule = sim.inject_fault("PutItem", error=code, times=2)
    ddb = sim.client(config=Config(retries={"mode": mode, "max_attempts": 5}))
    sim.clock.freeze()  # so the clock moves by the back-off alone
    response = ddb.put_item(TableName="orders", Item=KEY)
    assert response["ResponseMetadata"]["RetryAttempts"] == 2
    assert rule.fired == 2
    calls = sim.verify_operation("PutItem")
    assert [call.error_code for call in calls] == [code, code, None]
    # botocore backed off between attempts, on the simulator's clock rather than asleep
    assert all(later.start > earlier.start for earlier, later in pairwise(calls))
    assert [s for s in sleeps if s > 0] == []


@pytest.mark.parametrize("mode", ["standard", "legacy"])
def test_retries_give_up_like_on_real_errors(sim, sleeps, mode):
    sim.inject_fault("GetItem", error="ServiceUnavailable")
    ddb = sim.client(config=Config(retries={"mode": mode, "total_max_attempts": 3}))
    with pytest.raises(ClientError, match=r"reached max retries: 2"):
        ddb.get_item(TableName="orders", Key=KEY)
    assert len(sim.verify_operation("GetItem")) == 3


def test_non_retryable_errors_are_not_retried(sim, sleeps):
    sim.inject_fault("PutItem", error="TransactionConflictException", times=1)
    with pytest.raises(ClientError) as raised:
        sim.client(config=Config(retries={"mode": "standard"})).put_item(TableName="orders", Item=KEY)
    assert raised.value.response["Error"]["Code"] == "TransactionConflictException"
    assert len(sim.verify_operation("PutItem")) == 1


def test_sequence_throttle_twice_then_succeed(sim, sleeps):
    rule = sim.inject_fault("UpdateItem", error=["ThrottlingException", "ThrottlingException", None])
    ddb = sim.client(config=no_retries())
    update = {
        "TableName": "orders",
        "Key": KEY,
        "UpdateExpression": "SET n = :n",
        "ExpressionAttributeValues": {":n": {"N": "1"}},
    }
    for _ in range(2):
        with pytest.raises(ClientError, match="ThrottlingException"):
            ddb.update_item(**update)
    ddb.update_item(**update)
    ddb.update_item(**update)  # the sequence is used up: calls go through
    assert rule.fired == 3 and rule.exhausted
    assert [c.error_code for c in sim.verify_operation("UpdateItem")] == ["ThrottlingException"] * 2 + [None, None]


def test_iterator_and_function_outcomes(sim):
    def every_other(call):
        every_other.count += 1
        return "InternalServerError" if every_other.count % 2 else None

    every_other.count = 0
    sim.inject_fault("GetItem", error=every_other)
    sim.inject_fault("PutItem", error=iter(["RequestLimitExceeded"]))
    ddb = sim.client(config=no_retries())
    outcomes = []
    for _ in range(4):
        try:
            ddb.get_item(TableName="orders", Key=KEY)
            outcomes.append("ok")
        except ClientError as error:
            outcomes.append(error.response["Error"]["Code"])
    assert outcomes == ["InternalServerError", "ok", "InternalServerError", "ok"]
    with pytest.raises(ClientError, match="RequestLimitExceeded"):
        ddb.put_item(TableName="orders", Item=KEY)
    ddb.put_item(TableName="orders", Item=KEY)


def test_probability_is_deterministic_with_a_seed(sim):
    def run(seed):
        simulator = dynasim.Simulator()
        simulator.inject_fault("ListTables", error="InternalServerError", probability=0.5, seed=seed)
        outcomes = []
        for _ in range(40):
            try:
                simulator.handle("ListTables", {})
                outcomes.append(True)
            except DynamoDBError:
                outcomes.append(False)
        return outcomes

    first = run(7)
    assert first == run(7)
    assert 5 < first.count(False) < 35


def test_table_and_request_matchers(sim):
    ddb = sim.client(config=no_retries())
    sim.inject_fault("PutItem", error="InternalServerError", table="other")
    sim.inject_fault("PutItem", error="ThrottlingException", match={"Item": {"pk": {"S": "hot"}}})
    sim.inject_fault("PutItem", error="RequestLimitExceeded", match=lambda request: "big" in request["Item"])
    ddb.put_item(TableName="orders", Item=KEY)
    with pytest.raises(ClientError, match="ThrottlingException"):
        ddb.put_item(TableName="orders", Item={"pk": {"S": "hot"}})
    with pytest.raises(ClientError, match="RequestLimitExceeded"):
        ddb.put_item(TableName="orders", Item={"pk": {"S": "b"}, "big": {"S": "x"}})


def test_unused_faults_are_reported_with_reasons(sim):
    ddb = sim.client(config=no_retries())
    used = sim.inject_fault("GetItem", error="InternalServerError", times=1)
    wrong_table = sim.inject_fault("PutItem", error="ThrottlingException", table="users")

    def is_vip(request):
        return False

    never = sim.inject_fault("PutItem", error="ThrottlingException", match=is_vip)
    with pytest.raises(ClientError):
        ddb.get_item(TableName="orders", Key=KEY)  # decided by the first rule: the others never see it
    ddb.get_item(TableName="orders", Key=KEY)
    ddb.put_item(TableName="orders", Item=KEY)
    assert sim.unused_faults() == [wrong_table, never]
    assert "table is 'orders', not 'users'" in wrong_table.report()
    assert "is_vip(request) is false" in never.report()
    assert "fired 1 time(s)" in used.report()
    with pytest.raises(AssertionError, match="2 injected fault\\(s\\) never fired") as failure:
        sim.assert_faults_used()
    assert "operation is GetItem, not PutItem" in str(failure.value)


def test_removed_and_cleared_rules_stop(sim):
    rule = sim.inject_fault("ListTables", error="InternalServerError")
    rule.remove()
    sim.handle("ListTables", {})
    sim.inject_fault("ListTables", error="InternalServerError")
    sim.clear_faults()
    sim.handle("ListTables", {})
    assert sim.faults == []


def test_a_rule_used_as_a_context_manager_applies_inside_the_block_only(sim):
    with sim.inject_fault("ListTables", error="InternalServerError"), pytest.raises(DynamoDBError):
        sim.handle("ListTables", {})
    sim.handle("ListTables", {})


def test_bad_fault_arguments_fail_early(sim):
    with pytest.raises(ValueError, match="no known message"):
        sim.inject_fault("PutItem", error="MadeUpException")
    sim.inject_fault("PutItem", error="ValidationException", message="custom", times=1)
    with pytest.raises(ClientError, match="custom"):
        sim.client().put_item(TableName="orders", Item=KEY)
    with pytest.raises(TypeError):
        sim.inject_fault("PutItem", error=42)
    with pytest.raises(ValueError):
        sim.inject_fault("PutItem", error="ThrottlingException", probability=2)
    with pytest.raises(ValueError, match="cannot be applied"):
        transport_error("EndpointConnectionError", applied=True)


def test_a_dynamodb_error_instance_can_be_injected(sim):
    cancel = DynamoDBError(
        "TransactionCanceledException",
        "Transaction cancelled, please refer cancellation reasons for specific reasons [TransactionConflict]",
        CancellationReasons=[{"Code": "TransactionConflict", "Message": "Transaction is ongoing for the item"}],
    )
    sim.inject_fault("PutItem", error=cancel, times=2)
    for _ in range(2):  # a fresh error each time
        with pytest.raises(ClientError) as raised:
            sim.client(config=no_retries()).put_item(TableName="orders", Item=KEY)
        assert raised.value.response["CancellationReasons"][0]["Code"] == "TransactionConflict"


# --- transport faults ------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("kind", "exception"),
    [
        ("EndpointConnectionError", EndpointConnectionError),
        ("ReadTimeoutError", ReadTimeoutError),
        ("ConnectionClosedError", ConnectionClosedError),
    ],
)
def test_transport_faults_are_botocores_exceptions(sim, kind, exception):
    sim.inject_fault("PutItem", error=kind)
    with pytest.raises(exception):
        sim.client(config=no_retries()).put_item(TableName="orders", Item=KEY)
    assert "Item" not in sim.client().get_item(TableName="orders", Key=KEY)
    assert sim.verify_operation("PutItem")[0].error_code == kind


@pytest.mark.parametrize("mode", ["standard", "legacy", "adaptive"])
def test_retry_modes_retry_transport_faults(sim, sleeps, mode):
    sim.inject_fault("GetItem", error=["EndpointConnectionError", "ReadTimeoutError", "ConnectionClosedError"])
    response = sim.client(config=Config(retries={"mode": mode, "max_attempts": 5})).get_item(
        TableName="orders", Key=KEY
    )
    assert response["ResponseMetadata"]["RetryAttempts"] == 3


def test_response_lost_applies_the_write(sim):
    sim.inject_fault("PutItem", error="ResponseLost", times=1)
    ddb = sim.client(config=no_retries())
    with pytest.raises(ConnectionClosedError):
        ddb.put_item(TableName="orders", Item={"pk": {"S": "a"}, "v": {"N": "1"}})
    assert ddb.get_item(TableName="orders", Key=KEY)["Item"]["v"] == {"N": "1"}
    lost = sim.verify_operation("PutItem")[0]
    assert lost.applied and lost.error_code == "ConnectionClosedError"
    assert "applied, response lost" in lost.describe()


def test_response_lost_then_retry_shows_non_idempotent_writes(sim, sleeps):
    """A retried conditional put sees its own first attempt: the idempotency bug a test should catch."""
    sim.inject_fault("PutItem", error=response_lost("ReadTimeoutError"), times=1)
    ddb = sim.client(config=Config(retries={"mode": "standard", "max_attempts": 3}))
    with pytest.raises(ClientError, match="ConditionalCheckFailedException"):
        ddb.put_item(TableName="orders", Item=KEY, ConditionExpression="attribute_not_exists(pk)")
    assert [c.error_code for c in sim.verify_operation("PutItem")] == [
        "ReadTimeoutError",
        "ConditionalCheckFailedException",
    ]


def test_faults_work_through_mock(sim):
    sim.inject_fault("PutItem", error="ThrottlingException", times=1)
    sim.inject_fault("GetItem", error="ConnectionClosedError", times=1)
    with dynasim.mock(sim):
        ddb = boto3.session.Session().client("dynamodb", region_name="us-east-1", config=no_retries())
        with pytest.raises(ClientError, match="ThrottlingException"):
            ddb.put_item(TableName="orders", Item=KEY)
        with pytest.raises(ConnectionClosedError):
            ddb.get_item(TableName="orders", Key=KEY)
    assert {call.front for call in sim.call_log} == {"mock"}


def http_client(server, **config):
    return boto3.client(
        "dynamodb",
        endpoint_url=server.url,
        region_name="us-east-1",
        aws_access_key_id="x",
        aws_secret_access_key="x",
        config=Config(**config),
    )


def test_faults_work_through_the_http_endpoint(sim, sleeps):
    sim.inject_fault("PutItem", error="ProvisionedThroughputExceededException", times=2)
    with sim.serve() as server:
        ddb = http_client(server, retries={"mode": "standard", "max_attempts": 5})
        assert ddb.put_item(TableName="orders", Item=KEY)["ResponseMetadata"]["RetryAttempts"] == 2
        sim.inject_fault("GetItem", error="InternalServerError", times=1)
        assert ddb.get_item(TableName="orders", Key=KEY)["Item"] == KEY
    assert [c.front for c in sim.verify_operation("PutItem")] == ["http"] * 3


def test_http_endpoint_closes_the_connection_for_lost_responses(sim):
    sim.inject_fault("PutItem", error="ResponseLost", times=1)
    sim.inject_fault("DeleteItem", error="EndpointConnectionError", times=1)
    with sim.serve() as server:
        ddb = http_client(server, retries={"mode": "standard", "total_max_attempts": 1})
        with pytest.raises(ConnectionClosedError):
            ddb.put_item(TableName="orders", Item=KEY)
        assert ddb.get_item(TableName="orders", Key=KEY)["Item"] == KEY  # applied; the next call works
        with pytest.raises(ConnectionClosedError):
            ddb.delete_item(TableName="orders", Key=KEY)
        assert ddb.get_item(TableName="orders", Key=KEY)["Item"] == KEY  # not applied


def test_http_endpoint_never_answers_a_read_timeout(sim):
    sim.inject_fault("GetItem", error="ReadTimeoutError", times=1)
    with sim.serve() as server:
        ddb = http_client(server, retries={"mode": "standard", "total_max_attempts": 1}, read_timeout=0.3)
        with pytest.raises(ReadTimeoutError):
            ddb.get_item(TableName="orders", Key=KEY)
        assert ddb.list_tables()["TableNames"] == ["orders"]


# --- partial batches -----------------------------------------------------------------------

needs_batches = pytest.mark.skipif(
    "BatchWriteItem" not in HANDLERS or "BatchGetItem" not in HANDLERS,
    reason="BatchWriteItem/BatchGetItem are not in the engine yet",
)


@needs_batches
def test_unprocessed_fraction_of_a_batch_write(sim):
    rule = sim.inject_fault("BatchWriteItem", unprocessed=0.5, seed=3, times=1)
    ddb = sim.client()
    writes = [{"PutRequest": {"Item": {"pk": {"S": f"k{i}"}}}} for i in range(4)]
    response = ddb.batch_write_item(RequestItems={"orders": writes})
    left = response["UnprocessedItems"]["orders"]
    assert len(left) == 2 and rule.fired == 1
    stored = {item["pk"]["S"] for item in ddb.scan(TableName="orders")["Items"]}
    assert stored == {w["PutRequest"]["Item"]["pk"]["S"] for w in writes} - {
        w["PutRequest"]["Item"]["pk"]["S"] for w in left
    }
    ddb.batch_write_item(RequestItems={"orders": left})  # the retry the caller must make
    assert ddb.scan(TableName="orders")["Count"] == 4


@needs_batches
def test_unprocessed_chooser_for_batch_get(sim):
    ddb = sim.client()
    for key in "abc":
        ddb.put_item(TableName="orders", Item={"pk": {"S": key}})
    sim.inject_fault("BatchGetItem", unprocessed=lambda table, key: key["pk"]["S"] == "b")
    response = ddb.batch_get_item(
        RequestItems={"orders": {"Keys": [{"pk": {"S": k}} for k in "abc"], "ConsistentRead": True}}
    )
    assert sorted(item["pk"]["S"] for item in response["Responses"]["orders"]) == ["a", "c"]
    assert response["UnprocessedKeys"] == {"orders": {"Keys": [{"pk": {"S": "b"}}], "ConsistentRead": True}}


@needs_batches
def test_a_batch_with_nothing_processed_fails_like_dynamodb(sim):
    sim.inject_fault("BatchWriteItem", unprocessed=1.0)
    with pytest.raises(ClientError, match="ProvisionedThroughputExceededException"):
        sim.client(config=no_retries()).batch_write_item(RequestItems={"orders": [{"PutRequest": {"Item": KEY}}]})


def test_unprocessed_splits_requests_without_changing_them():
    from dynasim.doubles.faults import batch_entries, merge_unprocessed, split_batch
    from dynasim.engine.registry import touches

    request = {
        "RequestItems": {
            "a": {"Keys": [{"k": {"S": "1"}}, {"k": {"S": "2"}}], "ProjectionExpression": "k"},
            "b": {"Keys": [{"k": {"S": "3"}}]},
        }
    }
    get = touches(None, "BatchGetItem", request)
    entries = batch_entries(get, request)
    assert [table for table, _ in entries] == ["a", "a", "b"]
    kept, removed = split_batch(get, request, {1, 2})
    assert kept == {"RequestItems": {"a": {"Keys": [{"k": {"S": "1"}}], "ProjectionExpression": "k"}}}
    assert removed == {
        "a": {"Keys": [{"k": {"S": "2"}}], "ProjectionExpression": "k"},
        "b": {"Keys": [{"k": {"S": "3"}}]},
    }
    assert len(request["RequestItems"]["a"]["Keys"]) == 2
    response = merge_unprocessed(get, {"UnprocessedKeys": {}}, removed)
    assert response["UnprocessedKeys"] == removed
    too_many = {"RequestItems": {"a": [{}] * 26}}
    assert batch_entries(touches(None, "BatchWriteItem", too_many), too_many) is None  # the engine refuses it
    statements = {"Statements": [{"Statement": "DELETE FROM a WHERE k = '1'"}]}
    assert batch_entries(touches(None, "BatchExecuteStatement", statements), statements) is None  # not items
    assert unprocessed(0.5).choose([("a", 1)] * 4, __import__("random").Random(1)).__len__() == 2


def test_a_rule_can_name_the_index_a_read_uses():
    """index= matches the index a Query or Scan reads (as the call log's queries do): a fault on a
    GSI leaves the table's own reads alone."""
    sim = dynasim.Simulator()
    ddb = sim.client(config=no_retries())
    ddb.create_table(
        TableName="users",
        KeySchema=[{"AttributeName": "pk", "KeyType": "HASH"}],
        AttributeDefinitions=[{"AttributeName": n, "AttributeType": "S"} for n in ("pk", "email")],
        BillingMode="PAY_PER_REQUEST",
        GlobalSecondaryIndexes=[
            {
                "IndexName": "by-email",
                "KeySchema": [{"AttributeName": "email", "KeyType": "HASH"}],
                "Projection": {"ProjectionType": "ALL"},
            }
        ],
    )
    rule = sim.inject_fault("Query", error="ThrottlingException", index="by-email")
    by_email = {"TableName": "users", "IndexName": "by-email", "KeyConditionExpression": "email = :e"}
    with pytest.raises(ClientError, match="ThrottlingException"):
        ddb.query(**by_email, ExpressionAttributeValues={":e": {"S": "a@example.com"}})
    ddb.query(TableName="users", KeyConditionExpression="pk = :p", ExpressionAttributeValues={":p": {"S": "u"}})
    assert rule.fired == 1
