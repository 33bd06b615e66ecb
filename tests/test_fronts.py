"""The in-process fronts: sim.client(), sim.resource(), mock(), and the shared wire protocol."""

import json
import threading

import boto3
import botocore.config
import pytest
from botocore.exceptions import ClientError, NoCredentialsError

import dynasim
from dynasim.fronts.protocol import respond

SCHEMA = dict(
    KeySchema=[{"AttributeName": "pk", "KeyType": "HASH"}],
    AttributeDefinitions=[{"AttributeName": "pk", "AttributeType": "S"}],
    BillingMode="PAY_PER_REQUEST",
)


def test_client_errors_are_botocore_exception_classes():
    ddb = dynasim.Simulator().client()
    with pytest.raises(ddb.exceptions.ResourceNotFoundException) as raised:
        ddb.get_item(TableName="missing", Key={"pk": {"S": "a"}})
    assert raised.value.response["Error"]["Code"] == "ResourceNotFoundException"
    assert raised.value.response["ResponseMetadata"]["HTTPStatusCode"] == 400


def test_client_takes_a_config_and_clients_share_tables():
    sim = dynasim.Simulator()
    sim.client().create_table(TableName="shared", **SCHEMA)
    configured = sim.client(config=botocore.config.Config(retries={"max_attempts": 1}))
    assert configured.list_tables()["TableNames"] == ["shared"]
    assert [table.name for table in sim.resource().tables.all()] == ["shared"]


def test_resource_round_trips_python_values():
    sim = dynasim.Simulator()
    table = sim.resource().create_table(TableName="things", **SCHEMA)
    table.put_item(Item={"pk": "a", "n": 3, "tags": {"x", "y"}, "blob": b"\x00\x01"})
    item = table.get_item(Key={"pk": "a"})["Item"]
    assert item["n"] == 3 and item["tags"] == {"x", "y"} and item["blob"].value == b"\x00\x01"


def test_simulators_are_isolated():
    first, second = dynasim.Simulator(), dynasim.Simulator()
    first.client().create_table(TableName="only-here", **SCHEMA)
    assert second.client().list_tables()["TableNames"] == []


def test_mock_routes_clients_made_before_it_and_leaves_other_services_alone(monkeypatch):
    for name in ("AWS_ACCESS_KEY_ID", "AWS_SECRET_ACCESS_KEY", "AWS_PROFILE", "AWS_SESSION_TOKEN"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("AWS_SHARED_CREDENTIALS_FILE", "/nonexistent")
    monkeypatch.setenv("AWS_CONFIG_FILE", "/nonexistent")
    monkeypatch.setattr(boto3, "DEFAULT_SESSION", None)  # not one holding credentials an earlier test resolved
    early = boto3.client("dynamodb", region_name="eu-west-1")  # no credentials at all
    s3 = boto3.client("s3", region_name="eu-west-1")
    with dynasim.mock() as sim:
        boto3.resource("dynamodb").create_table(TableName="orders", **SCHEMA)
        assert early.list_tables()["TableNames"] == ["orders"]
        assert boto3.Session().client("dynamodb", region_name="ap-south-1").list_tables()["TableNames"] == [
            "orders"
        ]
        assert sim.handle("ListTables", {})["TableNames"] == ["orders"]
        with pytest.raises(NoCredentialsError):  # S3 still goes its own way
            s3.list_buckets()
    with pytest.raises(NoCredentialsError):  # and after the block, so does DynamoDB
        early.list_tables()


def test_mock_as_decorator_gives_each_call_a_fresh_simulator():
    @dynasim.mock()
    def create_and_count():
        ddb = boto3.client("dynamodb", region_name="us-east-1")
        ddb.create_table(TableName="fresh", **SCHEMA)
        return len(ddb.list_tables()["TableNames"])

    assert create_and_count() == 1
    assert create_and_count() == 1


def test_mock_with_a_given_simulator_shares_it():
    sim = dynasim.Simulator()
    with dynasim.mock(sim):
        boto3.client("dynamodb", region_name="us-east-1").create_table(TableName="given", **SCHEMA)
    assert sim.client().list_tables()["TableNames"] == ["given"]


def test_wire_protocol_errors():
    sim = dynasim.Simulator()
    status, _, body = respond(sim, "DynamoDB_20120810.NoSuchThing", b"{}")
    assert status == 400 and b"UnknownOperationException" in body
    status, headers, body = respond(sim, "DynamoDB_20120810.ListTables", b"{not json", checksum=True)
    assert status == 400 and b"SerializationException" in body and "x-amz-crc32" in headers


def test_many_threads_share_one_simulator():
    sim = dynasim.Simulator()
    sim.client().create_table(TableName="busy", **SCHEMA)

    def writer(worker: int) -> None:
        ddb = sim.client()
        for n in range(50):
            ddb.put_item(TableName="busy", Item={"pk": {"S": f"{worker}-{n}"}, "v": {"N": str(n)}})

    threads = [threading.Thread(target=writer, args=(worker,)) for worker in range(8)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    table = sim.client().describe_table(TableName="busy")["Table"]
    assert table["ItemCount"] == 400


def test_failed_request_changes_nothing():
    sim = dynasim.Simulator()
    ddb = sim.client()
    ddb.create_table(TableName="atomic", **SCHEMA)
    ddb.put_item(TableName="atomic", Item={"pk": {"S": "a"}, "v": {"N": "1"}})
    with pytest.raises(ClientError):
        ddb.put_item(TableName="atomic", Item={"pk": {"S": "a"}, "v": {"N": "1"}, "bad": {"SS": []}})
    assert ddb.get_item(TableName="atomic", Key={"pk": {"S": "a"}})["Item"] == {
        "pk": {"S": "a"},
        "v": {"N": "1"},
    }


def test_clock_follows_frozen_time_and_advances():
    from freezegun import freeze_time

    sim = dynasim.Simulator()
    with freeze_time("2030-01-01T00:00:00Z"):
        sim.client().create_table(TableName="timed", **SCHEMA)
        created = sim.client().describe_table(TableName="timed")["Table"]["CreationDateTime"]
        assert created.timestamp() == 1893456000.0
        sim.clock.advance(60)
        assert sim.clock.now() == 1893456060.0


# --- the in-process client's route: answered at before-call, sent only when it must be ---------


def test_each_attempt_of_a_retried_call_is_one_call_of_the_simulator():
    sim = dynasim.Simulator()
    ddb = sim.client(config=botocore.config.Config(retries={"mode": "standard", "max_attempts": 5}))
    ddb.create_table(TableName="users", **SCHEMA)
    sim.inject_fault("PutItem", error="EndpointConnectionError", times=1)  # on the first attempt
    sim.inject_fault("PutItem", error="ThrottlingException", times=1)
    response = ddb.put_item(TableName="users", Item={"pk": {"S": "a@x"}})
    assert response["ResponseMetadata"]["RetryAttempts"] == 2
    assert [call.error_code for call in sim.call_log.filter("PutItem")] == [
        "EndpointConnectionError",
        "ThrottlingException",
        None,
    ]


def test_a_handler_on_the_sent_request_events_sees_every_later_call():
    sim = dynasim.Simulator()
    ddb = sim.client()
    ddb.create_table(TableName="users", **SCHEMA)  # before anyone listens
    sent = []
    ddb.meta.events.register("before-send.dynamodb", lambda request, **_: sent.append(request.headers["X-Amz-Target"]))
    ddb.put_item(TableName="users", Item={"pk": {"S": "a@x"}})
    assert ddb.get_item(TableName="users", Key={"pk": {"S": "a@x"}})["Item"] == {"pk": {"S": "a@x"}}
    assert sent == [b"DynamoDB_20120810.PutItem", b"DynamoDB_20120810.GetItem"]
    assert len(sim.call_log) == 3


def test_an_answer_given_before_sending_reads_as_the_wire_answer():
    sim = dynasim.Simulator()
    ddb = sim.client()
    ddb.create_table(TableName="users", **SCHEMA)
    seen = []
    ddb.meta.events.register("after-call.dynamodb.GetItem", lambda http_response, **_: seen.append(http_response))
    item = {"pk": {"S": "a@x"}, "blob": {"B": b"\x00\xff"}, "tags": {"BS": [b"\x01"]}, "n": {"N": "1.50"}}
    ddb.put_item(TableName="users", Item=item)
    response = ddb.get_item(TableName="users", Key={"pk": {"S": "a@x"}})
    assert response["Item"] == {**item, "n": {"N": "1.5"}}
    assert response["ResponseMetadata"]["HTTPStatusCode"] == 200
    assert response["ResponseMetadata"]["RetryAttempts"] == 0
    assert response["ResponseMetadata"]["RequestId"]
    assert json.loads(seen[0].content)["Item"]["blob"] == {"B": "AP8="}  # the body, as the wire has it
