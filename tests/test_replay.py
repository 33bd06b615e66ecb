"""dynasim.replay(): boto3 clients answered from a cassette recorded against a stand-in for
production (the simulator's HTTP endpoint), in strict and matched modes."""

import boto3
import pytest

import dynasim
from dynasim.recording import ReplayMismatch, record

SCHEMA = dict(
    KeySchema=[{"AttributeName": "email", "KeyType": "HASH"}],
    AttributeDefinitions=[{"AttributeName": "email", "AttributeType": "S"}],
    BillingMode="PAY_PER_REQUEST",
)


def workload(ddb):
    ddb.create_table(TableName="users", **SCHEMA)
    ddb.put_item(TableName="users", Item={"email": {"S": "a@example.com"}, "n": {"N": "1"}})
    ddb.put_item(TableName="users", Item={"email": {"S": "b@example.com"}, "n": {"N": "2"}})
    got = ddb.get_item(TableName="users", Key={"email": {"S": "a@example.com"}})
    try:
        ddb.put_item(
            TableName="users", Item={"email": {"S": "a@example.com"}}, ConditionExpression="attribute_not_exists(email)"
        )
    except ddb.exceptions.ConditionalCheckFailedException as error:
        failed = error
    ddb.transact_write_items(
        TransactItems=[{"Put": {"TableName": "users", "Item": {"email": {"S": "c@example.com"}}}}]
    )  # botocore adds a fresh ClientRequestToken every time
    return got, failed


@pytest.fixture
def cassette(tmp_path):
    path = tmp_path / "calls.jsonl"
    with dynasim.Simulator().serve() as server, record(path, redact=["email"]):
        ddb = boto3.client(
            "dynamodb",
            endpoint_url=server.url,
            region_name="us-east-1",
            aws_access_key_id="k",
            aws_secret_access_key="s",
        )
        workload(ddb)
    return path


@pytest.mark.parametrize("mode", ["strict", "matched"])
def test_replaying_the_same_code_gives_the_recorded_answers(cassette, mode):
    ddb = dynasim.replay(cassette, mode=mode)
    got, failed = workload(ddb)
    assert got["Item"]["n"] == {"N": "1"}
    assert got["Item"]["email"]["S"].startswith("redacted-")  # recorded redacted, matched unredacted
    assert failed.response["Error"] == {
        "Code": "ConditionalCheckFailedException",
        "Message": "The conditional request failed",
    }
    assert failed.response["ResponseMetadata"]["HTTPStatusCode"] == 400
    assert ddb.dynasim_player.remaining == []


def test_strict_fails_on_the_first_request_that_differs_with_a_diff(cassette):
    ddb = dynasim.replay(cassette, mode="strict")
    ddb.create_table(TableName="users", **SCHEMA)
    with pytest.raises(ReplayMismatch) as raised:
        ddb.put_item(TableName="users", Item={"email": {"S": "a@example.com"}, "n": {"N": "7"}})
    message = str(raised.value)
    assert "request 2 (PutItem, recorded as seq=1) differs" in message
    assert 'Item.n.N: recorded "1", now "7"' in message


def test_strict_fails_on_requests_out_of_order_and_beyond_the_end(cassette):
    ddb = dynasim.replay(cassette, mode="strict")
    with pytest.raises(ReplayMismatch, match="expected CreateTable .*got GetItem"):
        ddb.get_item(TableName="users", Key={"email": {"S": "a@example.com"}})
    ddb = dynasim.replay(cassette, mode="strict")
    workload(ddb)
    with pytest.raises(ReplayMismatch, match="beyond the end of the cassette"):
        ddb.list_tables()


def test_matched_answers_in_any_order_and_repeats(cassette):
    ddb = dynasim.replay(cassette, mode="matched")
    key = {"email": {"S": "a@example.com"}}
    assert ddb.get_item(TableName="users", Key=key)["Item"]["n"] == {"N": "1"}
    assert ddb.get_item(TableName="users", Key=key)["Item"]["n"] == {"N": "1"}
    ddb.put_item(TableName="users", Item={"email": {"S": "b@example.com"}, "n": {"N": "2.0"}})  # numbers by value
    assert len(ddb.dynasim_player.remaining) == 4


def test_matched_miss_lists_the_closest_recorded_requests(cassette):
    ddb = dynasim.replay(cassette, mode="matched")
    with pytest.raises(ReplayMismatch) as raised:
        ddb.get_item(TableName="users", Key={"email": {"S": "a@example.com"}}, ConsistentRead=True)
    message = str(raised.value)
    assert "no recorded GetItem matches" in message
    closest = message.split("closest:")[1]
    assert "seq=3 (GetItem)" in closest
    assert "ConsistentRead: not recorded, now true" in closest


def test_streams_clients_replay_too(tmp_path):
    path = tmp_path / "streams.jsonl"
    sim = dynasim.Simulator()
    with record(path, client=sim.client("dynamodbstreams")) as recording:
        listed = recording._client.list_streams()
    ddb = dynasim.replay(path, service="dynamodbstreams")
    assert ddb.list_streams()["Streams"] == listed["Streams"]


def test_a_bad_mode_is_refused(cassette):
    with pytest.raises(ValueError, match="mode must be one of strict, matched"):
        dynasim.replay(cassette, mode="sometimes")


def test_fields_can_be_left_out_of_matching(cassette):
    ddb = dynasim.replay(cassette, mode="matched", ignore=["ReturnConsumedCapacity"])
    got = ddb.get_item(TableName="users", Key={"email": {"S": "a@example.com"}}, ReturnConsumedCapacity="TOTAL")
    assert got["Item"]["n"] == {"N": "1"}
