"""Kinesis streaming destinations: records in the service's Kinesis format, delivered to in-process
subscribers (`Simulator.on_kinesis_record`) and put into a Kinesis client (moto's, in-process);
statuses on the simulator's clock; and the settings of destinations, contributor insights and
resource policies surviving restarts and snapshots."""

from __future__ import annotations

import json

import boto3
import pytest
from botocore.config import Config
from botocore.exceptions import ClientError
from http_helpers import SCHEMA

import dynasim
from dynasim import persistence
from dynasim.engine.kinesis import SETTLE_SECONDS

moto = pytest.importorskip("moto")

ACCOUNT = "123456789012"
STREAM = f"arn:aws:kinesis:us-east-1:{ACCOUNT}:stream/changes"
NO_RETRIES = Config(retries={"mode": "standard", "total_max_attempts": 1})


@pytest.fixture
def sim():
    simulator = dynasim.Simulator()
    simulator.clock.freeze(1_000_000.0)
    simulator.client().create_table(TableName="orders", **SCHEMA)
    return simulator


def enable(sim, stream=STREAM, **extra):
    ddb = sim.client()
    ddb.enable_kinesis_streaming_destination(TableName="orders", StreamArn=stream, **extra)
    sim.advance(SETTLE_SECONDS)
    return ddb.describe_kinesis_streaming_destination(TableName="orders")["KinesisDataStreamDestinations"][0]


def test_subscriber_gets_records_once_the_destination_is_active(sim):
    ddb = sim.client()
    seen = []
    subscription = sim.on_kinesis_record("orders", seen.append)
    ddb.put_item(TableName="orders", Item={"pk": {"S": "before"}})  # no destination yet
    ddb.enable_kinesis_streaming_destination(TableName="orders", StreamArn=STREAM)
    ddb.put_item(TableName="orders", Item={"pk": {"S": "enabling"}})
    assert seen == []
    sim.advance(SETTLE_SECONDS)
    ddb.put_item(TableName="orders", Item={"pk": {"S": "a"}, "n": {"N": "1"}})
    ddb.put_item(TableName="orders", Item={"pk": {"S": "a"}, "n": {"N": "1"}})  # changes nothing: no record
    ddb.update_item(
        TableName="orders",
        Key={"pk": {"S": "a"}},
        UpdateExpression="SET n = :n",
        ExpressionAttributeValues={":n": {"N": "2"}},
    )
    ddb.delete_item(TableName="orders", Key={"pk": {"S": "a"}})
    assert [record["eventName"] for record in seen] == ["INSERT", "MODIFY", "REMOVE"]
    first = seen[0]
    assert set(first) == {
        "awsRegion", "eventID", "eventName", "userIdentity", "recordFormat", "tableName", "dynamodb", "eventSource"
    }  # fmt: skip
    assert first["recordFormat"] == "application/json"
    assert first["eventSource"] == "aws:dynamodb"
    assert first["tableName"] == "orders"
    assert first["userIdentity"] is None
    body = first["dynamodb"]
    assert body["ApproximateCreationDateTime"] == int((1_000_000.0 + SETTLE_SECONDS) * 1000)
    assert body["ApproximateCreationDateTimePrecision"] == "MILLISECOND"
    assert body["Keys"] == {"pk": {"S": "a"}}
    assert body["NewImage"] == {"pk": {"S": "a"}, "n": {"N": "1"}}
    assert "OldImage" not in body and body["SizeBytes"] > 0
    assert seen[1]["dynamodb"]["OldImage"] == {"pk": {"S": "a"}, "n": {"N": "1"}}
    assert (
        seen[2]["dynamodb"]["OldImage"] == {"pk": {"S": "a"}, "n": {"N": "2"}} and "NewImage" not in seen[2]["dynamodb"]
    )
    subscription.unsubscribe()
    ddb.put_item(TableName="orders", Item={"pk": {"S": "b"}})
    assert len(seen) == 3


def test_precision_update_and_disable(sim):
    ddb = sim.client()
    seen = []
    sim.on_kinesis_record("orders", seen.append)
    enable(sim)
    answer = ddb.update_kinesis_streaming_destination(
        TableName="orders",
        StreamArn=STREAM,
        UpdateKinesisStreamingConfiguration={"ApproximateCreationDateTimePrecision": "MICROSECOND"},
    )
    assert answer["DestinationStatus"] == "UPDATING"
    ddb.put_item(TableName="orders", Item={"pk": {"S": "a"}})  # UPDATING still delivers
    assert seen[-1]["dynamodb"]["ApproximateCreationDateTimePrecision"] == "MICROSECOND"
    assert seen[-1]["dynamodb"]["ApproximateCreationDateTime"] == int((1_000_000.0 + SETTLE_SECONDS) * 1_000_000)
    sim.advance(SETTLE_SECONDS)
    described = ddb.describe_kinesis_streaming_destination(TableName="orders")["KinesisDataStreamDestinations"]
    assert described == [
        {"StreamArn": STREAM, "DestinationStatus": "ACTIVE", "ApproximateCreationDateTimePrecision": "MICROSECOND"}
    ]
    assert (
        ddb.disable_kinesis_streaming_destination(TableName="orders", StreamArn=STREAM)["DestinationStatus"]
        == "DISABLING"
    )
    sim.advance(SETTLE_SECONDS)
    described = ddb.describe_kinesis_streaming_destination(TableName="orders")["KinesisDataStreamDestinations"]
    assert described == [{"StreamArn": STREAM, "DestinationStatus": "DISABLED"}]
    count = len(seen)
    ddb.put_item(TableName="orders", Item={"pk": {"S": "b"}})
    assert len(seen) == count


def test_a_ttl_deletion_names_the_service(sim):
    ddb = sim.client()
    seen = []
    sim.on_kinesis_record("orders", seen.append)
    enable(sim)
    ddb.update_time_to_live(TableName="orders", TimeToLiveSpecification={"Enabled": True, "AttributeName": "expires"})
    ddb.put_item(TableName="orders", Item={"pk": {"S": "old"}, "expires": {"N": "1000000"}})
    sim.sweep_ttl()
    assert seen[-1]["eventName"] == "REMOVE"
    assert seen[-1]["userIdentity"] == {"principalId": "dynamodb.amazonaws.com", "type": "Service"}


def test_a_failing_callback_keeps_the_write(sim):
    ddb = sim.client()
    enable(sim)

    def fail(record):
        raise RuntimeError("consumer bug")

    subscription = sim.on_kinesis_record("orders", fail)
    ddb.put_item(TableName="orders", Item={"pk": {"S": "a"}})
    assert [str(error) for error in subscription.errors] == ["consumer bug"]
    assert "Item" in ddb.get_item(TableName="orders", Key={"pk": {"S": "a"}})


@pytest.fixture
def kinesis():
    with moto.mock_aws():
        client = boto3.client("kinesis", region_name="us-east-1", aws_access_key_id="k", aws_secret_access_key="s")
        client.create_stream(StreamName="changes", ShardCount=1)
        yield client


def test_records_are_put_into_the_kinesis_client(sim, kinesis):
    sim.kinesis_client = kinesis
    assert sim.kinesis_client is kinesis
    assert enable(sim)["DestinationStatus"] == "ACTIVE"
    ddb = sim.client()
    ddb.put_item(TableName="orders", Item={"pk": {"S": "a"}, "blob": {"B": b"\x00\xff"}})
    iterator = kinesis.get_shard_iterator(
        StreamName="changes", ShardId="shardId-000000000000", ShardIteratorType="TRIM_HORIZON"
    )["ShardIterator"]
    records = kinesis.get_records(ShardIterator=iterator)["Records"]
    assert len(records) == 1
    payload = json.loads(records[0]["Data"])
    assert payload["eventName"] == "INSERT"
    assert payload["dynamodb"]["NewImage"] == {"pk": {"S": "a"}, "blob": {"B": "AP8="}}  # base64, as on the wire


def test_a_stream_the_client_lacks_fails_to_enable(sim, kinesis):
    sim.kinesis_client = kinesis
    missing = f"arn:aws:kinesis:us-east-1:{ACCOUNT}:stream/missing"
    assert enable(sim, missing) == {
        "StreamArn": missing,
        "DestinationStatus": "ENABLE_FAILED",
        "DestinationStatusDescription": "User does not have a permission to use kinesis stream",
    }
    sim.kinesis_client = None
    assert enable(sim, missing)["DestinationStatus"] == "ACTIVE"  # without a client any stream of the account is taken


def test_settings_survive_restarts_and_snapshots(tmp_path):
    sim = dynasim.Simulator()
    store = persistence.open_store(sim, tmp_path)
    ddb = sim.client()
    ddb.create_table(TableName="settled", **SCHEMA)
    arn = ddb.describe_table(TableName="settled")["Table"]["TableArn"]
    policy = json.dumps(
        {"Version": "2012-10-17", "Statement": [{"Effect": "Deny", "Principal": "*", "Action": "*", "Resource": arn}]}
    )
    revision = ddb.put_resource_policy(ResourceArn=arn, Policy=policy)["RevisionId"]
    ddb.update_contributor_insights(TableName="settled", ContributorInsightsAction="ENABLE")
    ddb.enable_kinesis_streaming_destination(TableName="settled", StreamArn=STREAM)
    sim.advance(SETTLE_SECONDS)

    def settings(simulator):
        client = simulator.client()
        return (
            client.get_resource_policy(ResourceArn=arn)["RevisionId"],
            client.describe_contributor_insights(TableName="settled")["ContributorInsightsStatus"],
            client.describe_kinesis_streaming_destination(TableName="settled")["KinesisDataStreamDestinations"],
        )

    before = settings(sim)
    assert before == (revision, "ENABLED", [{"StreamArn": STREAM, "DestinationStatus": "ACTIVE"}])
    snapshot = sim.snapshot()
    store.close()
    restarted = dynasim.Simulator()
    restarted.advance(SETTLE_SECONDS)  # its own clock: the settings settled on the first's
    store = persistence.open_store(restarted, tmp_path)
    assert settings(restarted) == before
    store.close()
    fresh = dynasim.Simulator()
    fresh.advance(SETTLE_SECONDS)  # its own clock: the settings settled on the first's
    fresh.restore(snapshot)
    assert settings(fresh) == before


def test_the_new_operations_pass_the_call_log_and_fault_rules(sim):
    ddb = sim.client(config=NO_RETRIES)
    arn = ddb.describe_table(TableName="orders")["Table"]["TableArn"]
    sim.inject_fault(
        ["PutResourcePolicy", "UpdateContributorInsights"], error="InternalServerError", table="orders", times=2
    )
    policy = json.dumps(
        {"Version": "2012-10-17", "Statement": [{"Effect": "Deny", "Principal": "*", "Action": "*", "Resource": arn}]}
    )
    with pytest.raises(ClientError, match="InternalServerError"):
        ddb.put_resource_policy(ResourceArn=arn, Policy=policy)
    with pytest.raises(ClientError, match="InternalServerError"):
        ddb.update_contributor_insights(TableName="orders", ContributorInsightsAction="ENABLE")
    ddb.put_resource_policy(ResourceArn=arn, Policy=policy)
    ddb.enable_kinesis_streaming_destination(TableName="orders", StreamArn=STREAM)
    assert [call.ok for call in sim.verify_operation("PutResourcePolicy", table="orders")] == [False, True]
    assert len(sim.verify_operation("UpdateContributorInsights", table="orders")) == 1
    assert sim.verify_operation("EnableKinesisStreamingDestination", table="orders")[0].touches.access == "control"
