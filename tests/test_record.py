"""dynasim.record(): cassettes of real boto3 traffic, recorded against the simulator's HTTP endpoint
standing in for production."""

import json

import boto3
import botocore.config
import botocore.exceptions
import pytest

import dynasim
import dynasim.recording
from dynasim.recording import Redact, load, record

SECRETS = {
    "aws_access_key_id": "AKIAPRODUCTIONKEY01",
    "aws_secret_access_key": "prod-secret-Zq9",
    "aws_session_token": "prod-session-token-XYZ",
}
SCHEMA = dict(
    KeySchema=[{"AttributeName": "email", "KeyType": "HASH"}],
    AttributeDefinitions=[{"AttributeName": "email", "AttributeType": "S"}],
    BillingMode="PAY_PER_REQUEST",
)


@pytest.fixture
def production():
    with dynasim.Simulator().serve() as server:
        yield server.url


def production_client(url, service="dynamodb"):
    return boto3.client(service, endpoint_url=url, region_name="eu-west-1", **SECRETS)


def test_records_calls_responses_and_errors_in_wire_form(production, tmp_path):
    path = tmp_path / "calls.jsonl"
    with dynasim.record(path) as recording:
        ddb = production_client(production)
        ddb.create_table(TableName="users", **SCHEMA)
        ddb.put_item(TableName="users", Item={"email": {"S": "a@example.com"}, "age": {"N": "41"}})
        ddb.get_item(TableName="users", Key={"email": {"S": "a@example.com"}})
        with pytest.raises(ddb.exceptions.ConditionalCheckFailedException):
            ddb.put_item(
                TableName="users",
                Item={"email": {"S": "a@example.com"}},
                ConditionExpression="attribute_not_exists(email)",
            )
    assert recording.calls == 4
    tape = load(path)
    assert tape.header["dynasim_cassette"] == 1
    assert [i.operation for i in tape] == ["CreateTable", "PutItem", "GetItem", "PutItem"]
    assert [i.seq for i in tape] == [0, 1, 2, 3]
    get = tape.interactions[2]
    assert get.request == {"TableName": "users", "Key": {"email": {"S": "a@example.com"}}}
    assert get.response == {"Item": {"email": {"S": "a@example.com"}, "age": {"N": "41"}}}
    assert get.status == 200 and get.error is None
    assert get.duration_ms >= 0 and get.timestamp.endswith("Z")
    failed = tape.interactions[3]
    assert failed.response is None
    assert failed.error == {
        "code": "ConditionalCheckFailedException",
        "message": "The conditional request failed",
        "status": 400,
    }


def test_no_secret_reaches_the_cassette(production, tmp_path):
    path = tmp_path / "calls.jsonl"
    with record(path):
        ddb = production_client(production)
        ddb.list_tables()
        ddb.create_table(TableName="users", **SCHEMA)
        ddb.describe_table(TableName="users")
    text = path.read_text()
    for secret in SECRETS.values():
        assert secret not in text
    for header in ("Authorization", "X-Amz-Security-Token", "X-Amz-Date", "Signature", "Credential"):
        assert header.lower() not in text.lower()


def test_resources_and_streams_clients_made_inside_are_recorded_and_others_not(production, tmp_path):
    outside = production_client(production)
    path = tmp_path / "calls.jsonl"
    with record(path):
        table = boto3.resource("dynamodb", endpoint_url=production, region_name="eu-west-1", **SECRETS).create_table(
            TableName="users", StreamSpecification={"StreamEnabled": True, "StreamViewType": "NEW_IMAGE"}, **SCHEMA
        )
        table.put_item(Item={"email": "b@example.com"})
        outside.list_tables()  # made before the block: not recorded
        production_client(production, "dynamodbstreams").list_streams()
    production_client(production).list_tables()  # after the block: not recorded
    tape = load(path)
    assert [(i.service, i.operation) for i in tape] == [
        ("dynamodb", "CreateTable"),
        ("dynamodb", "PutItem"),
        ("dynamodb-streams", "ListStreams"),
    ]


def test_record_an_existing_client_and_as_a_decorator(production, tmp_path):
    ddb = production_client(production)
    with record(tmp_path / "one.jsonl", client=ddb):
        ddb.list_tables()
        production_client(production).list_tables()  # another client: not recorded
    ddb.list_tables()  # recording over
    assert [i.operation for i in load(tmp_path / "one.jsonl")] == ["ListTables"]

    @record(tmp_path / "decorated.jsonl")
    def job():
        production_client(production).list_tables()

    job()
    job()  # each call rewrites the cassette
    assert len(load(tmp_path / "decorated.jsonl")) == 1


def test_redaction_hashes_consistently_and_masks(production, tmp_path):
    path = tmp_path / "calls.jsonl"
    rules = [
        "email",
        Redact(path="address.street", action="mask"),
        lambda path, value: {"S": "[ssn]"} if path == "ssn" else None,
    ]
    with record(path, redact=rules):
        ddb = production_client(production)
        ddb.create_table(TableName="users", **SCHEMA)
        item = {
            "email": {"S": "c@example.com"},
            "ssn": {"S": "123-45-6789"},
            "address": {"M": {"street": {"S": "1 Secret Road"}, "city": {"S": "Lyon"}}},
        }
        ddb.put_item(TableName="users", Item=item)
        ddb.get_item(TableName="users", Key={"email": {"S": "c@example.com"}})
        ddb.scan(
            TableName="users",
            FilterExpression="#e = :e",
            ExpressionAttributeNames={"#e": "email"},
            ExpressionAttributeValues={":e": {"S": "c@example.com"}},
        )
    text = path.read_text()
    for secret in ("c@example.com", "123-45-6789", "Secret Road"):
        assert secret not in text
    assert "Lyon" in text
    tape = load(path)
    put, get, scan = tape.interactions[1:]
    hashed = put.request["Item"]["email"]
    assert hashed["S"].startswith("redacted-")
    assert get.request["Key"]["email"] == hashed == get.response["Item"]["email"]
    assert scan.request["ExpressionAttributeValues"][":e"] == hashed
    assert put.request["Item"]["address"]["M"]["street"] == {"S": "***"}
    assert put.request["Item"]["ssn"] == {"S": "[ssn]"}
    assert tape.header["redaction"][0] == {"attribute": "email", "action": "hash"}


def test_each_line_is_one_json_document(production, tmp_path):
    path = tmp_path / "calls.jsonl"
    with record(path):
        production_client(production).list_tables()
    lines = path.read_text().splitlines()
    assert len(lines) == 2
    assert set(json.loads(lines[1])) == {
        "seq",
        "service",
        "operation",
        "request",
        "status",
        "response",
        "error",
        "duration_ms",
        "timestamp",
        "region",
    }
    assert json.loads(lines[1])["region"] == "eu-west-1"


def test_transport_errors_are_recorded_without_a_status(tmp_path):
    sim = dynasim.Simulator()
    ddb = sim.client(config=botocore.config.Config(retries={"total_max_attempts": 1}))
    ddb.create_table(TableName="users", **SCHEMA)
    sim.inject_fault("GetItem", "EndpointConnectionError", times=1)
    path = tmp_path / "calls.jsonl"
    with record(path, client=ddb):
        with pytest.raises(botocore.exceptions.EndpointConnectionError):
            ddb.get_item(TableName="users", Key={"email": {"S": "x@example.com"}})
    (failed,) = load(path).interactions
    assert failed.operation == "GetItem"
    assert failed.status is None and failed.response is None
    assert failed.error["code"] == "EndpointConnectionError" and failed.error["status"] is None
    report = dynasim.recording.simulate(path)
    assert report.skipped == 1 and report.compared == 0 and report.ok


def test_recording_inside_mock_records_what_the_simulator_answered(tmp_path):
    path = tmp_path / "calls.jsonl"
    with dynasim.mock(), record(path):
        boto3.client("dynamodb").list_tables()
    assert [(i.operation, i.response) for i in load(path)] == [("ListTables", {"TableNames": []})]


def test_cancelled_transactions_keep_their_reasons_and_replay_them(production, tmp_path):
    path = tmp_path / "calls.jsonl"
    with record(path, redact=["email"]):
        ddb = production_client(production)
        ddb.create_table(TableName="users", **SCHEMA)
        ddb.put_item(TableName="users", Item={"email": {"S": "d@example.com"}})
        action = {
            "Put": {
                "TableName": "users",
                "Item": {"email": {"S": "d@example.com"}},
                "ConditionExpression": "attribute_not_exists(email)",
                "ReturnValuesOnConditionCheckFailure": "ALL_OLD",
            }
        }
        with pytest.raises(ddb.exceptions.TransactionCanceledException):
            ddb.transact_write_items(TransactItems=[action])
    assert "d@example.com" not in path.read_text()
    cancelled = load(path).interactions[-1]
    assert cancelled.error["code"] == "TransactionCanceledException"
    assert cancelled.error["details"]["CancellationReasons"][0]["Code"] == "ConditionalCheckFailed"
    replayed = dynasim.replay(path, mode="matched")
    with pytest.raises(replayed.exceptions.TransactionCanceledException) as raised:
        replayed.transact_write_items(TransactItems=[action])
    assert raised.value.response["CancellationReasons"][0]["Code"] == "ConditionalCheckFailed"


def test_record_refuses_a_client_of_another_service(tmp_path):
    s3 = boto3.client("s3", region_name="us-east-1", aws_access_key_id="k", aws_secret_access_key="s")
    with pytest.raises(ValueError, match="DynamoDB or DynamoDB Streams client, not s3"):
        with record(tmp_path / "calls.jsonl", client=s3):
            pass
    assert not (tmp_path / "calls.jsonl").exists()


def test_calls_from_many_threads_each_get_one_whole_line(tmp_path):
    import threading

    sim = dynasim.Simulator()
    ddb = sim.client()
    ddb.create_table(TableName="users", **SCHEMA)
    path = tmp_path / "calls.jsonl"

    def writer(n):
        for i in range(20):
            ddb.put_item(TableName="users", Item={"email": {"S": f"{n}-{i}@example.com"}})

    with record(path, client=ddb):
        threads = [threading.Thread(target=writer, args=(n,)) for n in range(8)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
    tape = load(path)
    assert [i.seq for i in tape] == list(range(160))
    assert len({i.request["Item"]["email"]["S"] for i in tape}) == 160
