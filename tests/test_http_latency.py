"""Injected latency that is really slept delays only the calls it matches, also over HTTP: the
endpoint answers such calls off its event loop."""

from __future__ import annotations

import threading
import time

import boto3
from botocore.config import Config

import dynasim

SCHEMA = dict(
    KeySchema=[{"AttributeName": "pk", "KeyType": "HASH"}],
    AttributeDefinitions=[{"AttributeName": "pk", "AttributeType": "S"}],
    BillingMode="PAY_PER_REQUEST",
)


def client(url: str) -> object:
    return boto3.client(
        "dynamodb",
        endpoint_url=url,
        region_name="us-east-1",
        aws_access_key_id="x",
        aws_secret_access_key="x",
        config=Config(retries={"max_attempts": 1}, read_timeout=10),
    )


def test_a_slow_call_does_not_hold_up_other_connections():
    sim = dynasim.Simulator()
    sim.client().create_table(TableName="slow", **SCHEMA)
    sim.set_latency("GetItem", seconds=1.5)
    with sim.serve() as server:
        slow, fast = client(server.url), client(server.url)
        fast.list_tables()  # connect first
        finished: dict[str, float] = {}

        def get() -> None:
            slow.get_item(TableName="slow", Key={"pk": {"S": "a"}})
            finished["get"] = time.monotonic()

        started = time.monotonic()
        worker = threading.Thread(target=get)
        worker.start()
        time.sleep(0.2)  # the GetItem is now sleeping in the endpoint
        assert fast.list_tables()["TableNames"] == ["slow"]
        listed = time.monotonic()
        worker.join(timeout=10)
        assert listed - started < 1.2, "ListTables waited for the slow GetItem"
        assert finished["get"] - started >= 1.5


def test_calls_on_one_connection_keep_their_order_while_slow():
    sim = dynasim.Simulator()
    sim.client().create_table(TableName="ordered", **SCHEMA)
    sim.set_latency("PutItem", seconds=0.05)
    with sim.serve() as server:
        ddb = client(server.url)
        for n in range(5):
            ddb.put_item(TableName="ordered", Item={"pk": {"S": "k"}, "n": {"N": str(n)}})
        assert ddb.get_item(TableName="ordered", Key={"pk": {"S": "k"}})["Item"]["n"] == {"N": "4"}
    puts = [call for call in sim.call_log if call.operation == "PutItem"]
    assert [call.request["Item"]["n"]["N"] for call in puts] == ["0", "1", "2", "3", "4"]
