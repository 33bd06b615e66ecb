"""Multi-attribute GSI keys beside the request path: persistence, TTL deletions, snapshots, the
strategies and declarations, and the index key checks every write path shares. (What DynamoDB does
with them is in conformance/test_indexes_multikey.py.)"""

from __future__ import annotations

import json
from typing import Any

import pytest
from botocore.exceptions import ClientError
from hypothesis import HealthCheck, given, settings

import dynasim
from dynasim import declare, persistence
from dynasim import strategies as ds

TABLE: dict[str, Any] = {
    "TableName": "matches",
    "KeySchema": [{"AttributeName": "id", "KeyType": "HASH"}],
    "AttributeDefinitions": [
        {"AttributeName": "id", "AttributeType": "S"},
        {"AttributeName": "tournament", "AttributeType": "S"},
        {"AttributeName": "region", "AttributeType": "N"},
        {"AttributeName": "round", "AttributeType": "S"},
        {"AttributeName": "seq", "AttributeType": "B"},
    ],
    "BillingMode": "PAY_PER_REQUEST",
    "GlobalSecondaryIndexes": [
        {
            "IndexName": "by-place",
            "KeySchema": [
                {"AttributeName": "tournament", "KeyType": "HASH"},
                {"AttributeName": "region", "KeyType": "HASH"},
                {"AttributeName": "round", "KeyType": "RANGE"},
                {"AttributeName": "seq", "KeyType": "RANGE"},
            ],
            "Projection": {"ProjectionType": "KEYS_ONLY"},
        }
    ],
}


def match(number: int, **extra: Any) -> dict[str, Any]:
    return {
        "id": {"S": f"m{number}"},
        "tournament": {"S": "W24"},
        "region": {"N": str(number % 2)},
        "round": {"S": "final" if number % 3 == 0 else "semi"},
        "seq": {"B": bytes([number])},
        **extra,
    }


def place(ddb: Any, region: int = 0) -> list[str]:
    items = ddb.query(
        TableName="matches",
        IndexName="by-place",
        KeyConditionExpression="tournament = :t AND #r = :r",
        ExpressionAttributeNames={"#r": "region"},
        ExpressionAttributeValues={":t": {"S": "W24"}, ":r": {"N": str(region)}},
    )["Items"]
    return [item["id"]["S"] for item in items]


def test_the_index_and_its_entries_survive_restarts(tmp_path):
    sim = dynasim.Simulator()
    store = persistence.open_store(sim, tmp_path)
    ddb = sim.client()
    ddb.create_table(**TABLE)
    for number in range(10):
        ddb.put_item(TableName="matches", Item=match(number, stage={"S": "x"}))
    ddb.update_table(
        TableName="matches",
        AttributeDefinitions=[{"AttributeName": "stage", "AttributeType": "S"}],
        GlobalSecondaryIndexUpdates=[
            {
                "Create": {
                    "IndexName": "by-stage",
                    "KeySchema": [
                        {"AttributeName": "stage", "KeyType": "HASH"},
                        {"AttributeName": "region", "KeyType": "HASH"},
                    ],
                    "Projection": {"ProjectionType": "ALL"},
                }
            }
        ],
    )
    ddb.delete_item(TableName="matches", Key={"id": {"S": "m4"}})
    before = (place(ddb), ddb.describe_table(TableName="matches")["Table"])
    assert before[0] == ["m0", "m6", "m2", "m8"]  # final before semi, then by seq
    store.close(snapshot=False)  # the log alone

    for _ in range(2):  # then from the snapshot the previous close wrote
        restarted = dynasim.Simulator()
        reopened = persistence.open_store(restarted, tmp_path)
        client = restarted.client()
        assert (place(client), client.describe_table(TableName="matches")["Table"]) == before
        staged = client.query(
            TableName="matches",
            IndexName="by-stage",
            KeyConditionExpression="stage = :s AND #r = :r",
            ExpressionAttributeNames={"#r": "region"},
            ExpressionAttributeValues={":s": {"S": "x"}, ":r": {"N": "1"}},
        )["Items"]
        assert sorted(item["id"]["S"] for item in staged) == ["m1", "m3", "m5", "m7", "m9"]
        reopened.close()


def test_ttl_deletions_leave_the_index():
    sim = dynasim.Simulator()
    ddb = sim.client()
    ddb.create_table(**TABLE)
    ddb.update_time_to_live(TableName="matches", TimeToLiveSpecification={"Enabled": True, "AttributeName": "exp"})
    now = int(sim.clock.now())
    ddb.put_item(TableName="matches", Item=match(0, exp={"N": str(now - 10)}))
    ddb.put_item(TableName="matches", Item=match(2))
    assert place(ddb) == ["m0", "m2"]
    assert sim.sweep_ttl() == 1
    assert place(ddb) == ["m2"]


def test_snapshots_copy_the_index():
    sim = dynasim.Simulator()
    ddb = sim.client()
    ddb.create_table(**TABLE)
    ddb.put_item(TableName="matches", Item=match(0))
    copy = sim.engine.tables["matches"].copy()
    ddb.put_item(TableName="matches", Item=match(2))
    assert place(ddb) == ["m0", "m2"]
    assert [entry[-2] for entry in copy.indexes["by-place"].query(("W24", 0))] == ["m0"]


WRITES = {
    "PutItem": lambda ddb, item: ddb.put_item(TableName="matches", Item=item),
    "UpdateItem": lambda ddb, item: ddb.update_item(
        TableName="matches",
        Key={"id": item["id"]},
        UpdateExpression="SET tournament = :t",
        ExpressionAttributeValues={":t": item["tournament"]},
    ),
    "BatchWriteItem": lambda ddb, item: ddb.batch_write_item(
        RequestItems={"matches": [{"PutRequest": {"Item": item}}]}
    ),
    "ExecuteStatement": lambda ddb, item: ddb.execute_statement(
        Statement="INSERT INTO \"matches\" VALUE {'id': 'big', 'tournament': ?, 'region': 1}",
        Parameters=[item["tournament"]],
    ),
}


@pytest.mark.parametrize("write", WRITES)
def test_every_write_path_checks_the_aggregate_key_size(write):
    """A partition key of 2047 bytes of text and a one-digit number (2 bytes) is one byte too long."""
    ddb = dynasim.Simulator().client()
    ddb.create_table(**TABLE)
    item = {"id": {"S": "big"}, "tournament": {"S": "t" * 2047}, "region": {"N": "1"}}
    if write == "UpdateItem":
        ddb.put_item(TableName="matches", Item={"id": {"S": "big"}, "region": {"N": "1"}})
    with pytest.raises(ClientError) as raised:
        WRITES[write](ddb, item)
    assert raised.value.response["Error"]["Message"] == (
        "Aggregate size for HASH key attributes tournament, region of index by-place has exceeded limit "
        "2048 bytes, with actual size 2049 bytes"
    )


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(ds.items(TABLE))
def test_strategy_items_are_accepted(item):
    sim = dynasim.Simulator()
    sim.handle("CreateTable", TABLE)
    sim.handle("PutItem", {"TableName": "matches", "Item": item})
    for name, kind in (("tournament", "S"), ("region", "N"), ("round", "S"), ("seq", "B")):
        if name in item:
            assert set(item[name]) == {kind}


def test_declared_tables_keep_multi_attribute_keys():
    template = {
        "Resources": {
            "Matches": {
                "Type": "AWS::DynamoDB::Table",
                "Properties": {key: value for key, value in TABLE.items() if key != "TableName"}
                | {"TableName": "matches"},
            }
        }
    }
    declarations = declare.parse(json.dumps(template), source="template.json")
    assert declarations[0].request["GlobalSecondaryIndexes"] == TABLE["GlobalSecondaryIndexes"]
    sim = dynasim.Simulator()
    declare.apply(sim, declarations)
    described = sim.client().describe_table(TableName="matches")["Table"]["GlobalSecondaryIndexes"][0]
    assert described["KeySchema"] == TABLE["GlobalSecondaryIndexes"][0]["KeySchema"]
