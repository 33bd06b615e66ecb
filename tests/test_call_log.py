"""The call log: every call through every front, with its outcome, timing and capacity."""

from __future__ import annotations

import json

import boto3
import pytest
from botocore.exceptions import ClientError
from http_helpers import client

import dynasim
from dynasim.doubles import Call


def make_table(ddb, name="orders", **extra):
    ddb.create_table(
        TableName=name,
        KeySchema=[{"AttributeName": "pk", "KeyType": "HASH"}],
        AttributeDefinitions=[{"AttributeName": "pk", "AttributeType": "S"}],
        BillingMode="PAY_PER_REQUEST",
        **extra,
    )


@pytest.fixture
def sim():
    return dynasim.Simulator()


def test_every_call_is_logged_with_its_outcome(sim):
    ddb = sim.client()
    make_table(ddb)
    ddb.put_item(TableName="orders", Item={"pk": {"S": "a"}, "n": {"N": "1"}})
    ddb.get_item(TableName="orders", Key={"pk": {"S": "a"}})
    with pytest.raises(ClientError):
        ddb.get_item(TableName="missing", Key={"pk": {"S": "a"}})

    log = sim.call_log
    assert len(log) == 4
    assert log.operations() == ["CreateTable", "PutItem", "GetItem", "GetItem"]
    put = log[1]
    assert isinstance(put, Call)
    assert (put.operation, put.table, put.front, put.ok) == ("PutItem", "orders", "client", True)
    assert put.request["Item"]["pk"] == {"S": "a"}
    assert put.response == {}
    assert put.applied
    assert log[2].response["Item"]["n"] == {"N": "1"}
    failed = log.last
    assert failed.error_code == "ResourceNotFoundException"
    assert failed.response is None and not failed.applied
    assert all(call.duration >= 0 for call in log)
    assert log[0].start <= log[1].start <= log[3].start


def test_start_time_is_the_simulator_clock(sim):
    sim.clock.freeze(1_000_000.0)
    make_table(sim.client())
    assert sim.call_log.last.start == 1_000_000.0
    sim.advance(5)
    sim.client().list_tables()
    assert sim.call_log.last.start == 1_000_005.0


def test_capacity_is_logged_even_when_not_requested(sim):
    ddb = sim.client()
    make_table(ddb)
    ddb.put_item(TableName="orders", Item={"pk": {"S": "a"}, "big": {"S": "x" * 3000}})
    ddb.get_item(TableName="orders", Key={"pk": {"S": "a"}}, ConsistentRead=True)
    ddb.get_item(TableName="orders", Key={"pk": {"S": "a"}})
    put, strong, eventual = sim.call_log[1:]
    assert put.write_units == 3 and put.read_units == 0
    assert strong.read_units == 1 and eventual.read_units == 0.5
    assert put.capacity[0].as_dict()["TableName"] == "orders"
    assert sim.call_log[0].capacity == ()  # CreateTable consumes nothing


def test_fronts_are_named(sim):
    make_table(sim.client())
    sim.handle("ListTables", {})
    with dynasim.mock(sim):
        boto3.session.Session().client("dynamodb", region_name="us-east-1").list_tables()
    with sim.serve() as server:
        client(server.url).list_tables()
    assert [call.front for call in sim.call_log] == ["client", "direct", "mock", "http"]


def test_verify_operation_and_filters(sim):
    ddb = sim.client()
    make_table(ddb)
    make_table(ddb, "users")
    for key in "abc":
        ddb.put_item(TableName="orders", Item={"pk": {"S": key}})
    ddb.put_item(TableName="users", Item={"pk": {"S": "u"}})

    assert len(sim.verify_operation("PutItem")) == 4
    assert len(sim.verify_operation("PutItem", table="users")) == 1
    assert [c.request["Item"]["pk"]["S"] for c in sim.verify_operation("PutItem", table="orders")] == list("abc")
    assert sim.call_log.count(["CreateTable", "PutItem"]) == 6
    assert sim.call_log.filter(where=lambda request: request.get("Item", {}).get("pk") == {"S": "b"})[0].index == 3
    assert sim.call_log.filter(error=True) == []


def test_assertion_helpers_explain_failures(sim):
    ddb = sim.client()
    make_table(ddb)
    ddb.put_item(TableName="orders", Item={"pk": {"S": "a"}})

    sim.call_log.assert_called("PutItem", table="orders", times=1)
    sim.call_log.assert_called_once("CreateTable")
    sim.call_log.assert_not_called("DeleteItem")
    sim.call_log.assert_no_scan()
    sim.call_log.assert_operations("CreateTable", "PutItem")

    with pytest.raises(AssertionError) as failure:
        sim.call_log.assert_called("PutItem", table="orders", times=2)
    message = str(failure.value)
    assert "expected 2 PutItem call(s) on table 'orders', got 1" in message
    assert "#1 PutItem orders via client -> ok (1 WCU)" in message

    with pytest.raises(AssertionError, match="expected at least 1 GetItem call"):
        sim.call_log.assert_called("GetItem")

    def is_big(request):
        return "big" in request.get("Item", {})

    with pytest.raises(AssertionError, match="matching is_big"):
        sim.call_log.assert_called("PutItem", where=is_big)


def test_json_lines_export(sim, tmp_path):
    ddb = sim.client()
    make_table(ddb)
    ddb.put_item(TableName="orders", Item={"pk": {"S": "a"}, "b": {"B": b"\x00\x01"}})
    with pytest.raises(ClientError):
        ddb.delete_table(TableName="nope")
    path = tmp_path / "calls.jsonl"
    text = sim.call_log.to_jsonl(path)
    assert path.read_text() == text
    lines = [json.loads(line) for line in text.splitlines()]
    assert [line["operation"] for line in lines] == ["CreateTable", "PutItem", "DeleteTable"]
    assert lines[1]["request"]["Item"]["b"] == {"B": "AAE="}
    assert lines[1]["consumed_capacity"][0]["CapacityUnits"] == 1
    assert lines[2]["error"]["code"] == "ResourceNotFoundException"
    assert "response" not in lines[2]


def test_log_is_bounded_and_can_be_switched_off():
    sim = dynasim.Simulator(max_logged_calls=3)
    for _ in range(5):
        sim.handle("ListTables", {})
    assert [call.index for call in sim.call_log] == [2, 3, 4]
    quiet = dynasim.Simulator(max_logged_calls=0)
    quiet.handle("ListTables", {})
    assert len(quiet.call_log) == 0


def test_batches_and_transactions_name_all_their_tables(sim):
    requests = [
        ("BatchWriteItem", {"RequestItems": {"aaa": [], "bbb": []}}),
        ("TransactWriteItems", {"TransactItems": [{"Put": {"TableName": "xxx"}}, {"Update": {"TableName": "yyy"}}]}),
    ]
    for operation, request in requests:
        with pytest.raises(dynasim.DynamoDBError):  # refused, and logged with the tables it names
            sim.handle(operation, request)
    sim.handle("ListTables", {})
    assert [call.tables for call in sim.call_log] == [("aaa", "bbb"), ("xxx", "yyy"), ()]


def test_clear_and_last(sim):
    with pytest.raises(AssertionError, match="no calls were made"):
        sim.call_log.last  # noqa: B018
    sim.handle("ListTables", {})
    assert sim.call_log.last.operation == "ListTables"
    sim.call_log.clear()
    assert not sim.call_log


# --- bounded in bytes -----------------------------------------------------------------------------


def test_large_calls_are_kept_within_the_byte_bound_oldest_dropped_first():
    bound = 1_000_000
    sim = dynasim.Simulator(max_logged_bytes=bound)
    ddb = sim.client()
    make_table(ddb)
    value = "x" * 100_000
    for number in range(1_000):
        ddb.put_item(TableName="orders", Item={"pk": {"S": "big"}, "n": {"N": str(number)}, "v": {"S": value}})
    log = sim.call_log
    assert 0 < log.logged_bytes <= bound
    assert log.logged_bytes == sum(call.size for call in log)
    assert all(call.size > 100_000 for call in log)
    assert len(log) == bound // log[-1].size  # as many of the newest as fit
    assert log[-1].request["Item"]["n"] == {"N": "999"}
    assert [call.index for call in log] == list(range(log[0].index, log[-1].index + 1))


def test_a_call_larger_than_the_bound_is_not_kept():
    sim = dynasim.Simulator(max_logged_bytes=10_000)
    ddb = sim.client()
    make_table(ddb)
    ddb.put_item(TableName="orders", Item={"pk": {"S": "small"}})
    ddb.put_item(TableName="orders", Item={"pk": {"S": "big"}, "v": {"S": "x" * 20_000}})
    assert sim.call_log.logged_bytes == 0 and len(sim.call_log) == 0


def test_the_count_bound_still_holds_beside_the_byte_bound():
    sim = dynasim.Simulator(max_logged_calls=3, max_logged_bytes=1_000_000)
    ddb = sim.client()
    make_table(ddb)
    for number in range(10):
        ddb.put_item(TableName="orders", Item={"pk": {"S": str(number)}})
    assert [call.request["Item"]["pk"]["S"] for call in sim.call_log] == ["7", "8", "9"]
    assert sim.call_log.logged_bytes == sum(call.size for call in sim.call_log)


def test_clear_lets_go_of_every_call():
    import gc
    import weakref

    sim = dynasim.Simulator(max_logged_bytes=10_000_000)
    ddb = sim.client()
    make_table(ddb)
    for number in range(20):
        ddb.put_item(TableName="orders", Item={"pk": {"S": str(number)}, "v": {"S": "y" * 50_000}})
    refs = [weakref.ref(call) for call in sim.call_log]
    assert len(refs) == 21 and sim.call_log.logged_bytes > 20 * 50_000
    sim.call_log.clear()
    gc.collect()
    assert sim.call_log.logged_bytes == 0
    assert [ref for ref in refs if ref() is not None] == []


def test_clearing_over_the_admin_api_frees_the_calls():
    import gc
    import urllib.request
    import weakref

    sim = dynasim.Simulator(max_logged_bytes=10_000_000)
    with sim.serve() as server:
        ddb = client(server.url)
        make_table(ddb)
        ddb.put_item(TableName="orders", Item={"pk": {"S": "a"}, "v": {"S": "z" * 200_000}})
        refs = [weakref.ref(call) for call in sim.call_log]
        assert sim.call_log.logged_bytes > 200_000
        request = urllib.request.Request(
            server.url + "/_dynasim/calls", method="DELETE", headers={"X-Dynasim-Admin": "1"}
        )
        with urllib.request.urlopen(request, timeout=10) as response:
            assert json.loads(response.read()) == {"cleared": 2}
    gc.collect()
    assert sim.call_log.logged_bytes == 0
    assert [ref for ref in refs if ref() is not None] == []


def test_wire_size_is_about_the_json_size_and_needs_no_recursion():
    from dynasim.doubles.calls import wire_size

    request = {"TableName": "orders", "Item": {"pk": {"S": "a" * 1000}, "b": {"B": b"\0" * 300}, "l": {"L": []}}}
    encoded = len(json.dumps({**request, "Item": {**request["Item"], "b": {"B": "A" * 400}}}))
    assert encoded * 0.8 <= wire_size(request) <= encoded * 1.2
    deep: dict = {}
    node = deep
    for _ in range(100_000):
        node["M"] = {}
        node = node["M"]
    assert wire_size(deep) > 100_000
