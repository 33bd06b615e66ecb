"""Secondary indexes survive restarts: created with the table or later by UpdateTable, rebuilt on loading."""

from __future__ import annotations

from dynasim import Simulator, persistence

TABLE = dict(
    TableName="indexed",
    KeySchema=[{"AttributeName": "pk", "KeyType": "HASH"}, {"AttributeName": "sk", "KeyType": "RANGE"}],
    AttributeDefinitions=[
        {"AttributeName": "pk", "AttributeType": "S"},
        {"AttributeName": "sk", "AttributeType": "S"},
        {"AttributeName": "colour", "AttributeType": "S"},
        {"AttributeName": "size", "AttributeType": "N"},
    ],
    BillingMode="PAY_PER_REQUEST",
    GlobalSecondaryIndexes=[
        {
            "IndexName": "by-colour",
            "KeySchema": [{"AttributeName": "colour", "KeyType": "HASH"}],
            "Projection": {"ProjectionType": "KEYS_ONLY"},
        }
    ],
    LocalSecondaryIndexes=[
        {
            "IndexName": "by-size",
            "KeySchema": [{"AttributeName": "pk", "KeyType": "HASH"}, {"AttributeName": "size", "KeyType": "RANGE"}],
            "Projection": {"ProjectionType": "ALL"},
        }
    ],
)


def _queries(sim) -> tuple:
    ddb = sim.client()
    red = ddb.query(
        TableName="indexed",
        IndexName="by-colour",
        KeyConditionExpression="colour = :c",
        ExpressionAttributeValues={":c": {"S": "red"}},
    )["Items"]
    small = ddb.query(
        TableName="indexed",
        IndexName="by-size",
        KeyConditionExpression="pk = :p AND #size < :s",
        ExpressionAttributeNames={"#size": "size"},  # SIZE is a reserved word
        ExpressionAttributeValues={":p": {"S": "p0"}, ":s": {"N": "3"}},
    )["Items"]
    shaped = ddb.query(
        TableName="indexed",
        IndexName="by-shape",
        KeyConditionExpression="shape = :s",
        ExpressionAttributeValues={":s": {"S": "round"}},
    )["Items"]
    description = ddb.describe_table(TableName="indexed")["Table"]
    return red, small, shaped, description


def test_indexes_come_back_after_a_restart(tmp_path):
    sim = Simulator()
    store = persistence.open_store(sim, tmp_path)
    ddb = sim.client()
    ddb.create_table(**TABLE)
    for i in range(12):
        item = {
            "pk": {"S": f"p{i % 2}"},
            "sk": {"S": f"s{i:02d}"},
            "colour": {"S": "red" if i % 3 == 0 else "blue"},
            "size": {"N": str(i)},
        }
        if i % 4 == 0:
            item["shape"] = {"S": "round"}
        ddb.put_item(TableName="indexed", Item=item)
    ddb.update_table(
        TableName="indexed",
        AttributeDefinitions=[{"AttributeName": "shape", "AttributeType": "S"}],
        GlobalSecondaryIndexUpdates=[
            {
                "Create": {
                    "IndexName": "by-shape",
                    "KeySchema": [{"AttributeName": "shape", "KeyType": "HASH"}],
                    "Projection": {"ProjectionType": "ALL"},
                }
            }
        ],
    )
    ddb.delete_item(TableName="indexed", Key={"pk": {"S": "p0"}, "sk": {"S": "s00"}})
    before = _queries(sim)
    assert len(before[0]) == 3 and len(before[1]) == 1 and len(before[2]) == 2
    store.close(snapshot=False)  # the log alone: replayed operation by operation

    sim2 = Simulator()
    store2 = persistence.open_store(sim2, tmp_path)
    assert _queries(sim2) == before
    store2.close()  # now from the snapshot

    sim3 = Simulator()
    store3 = persistence.open_store(sim3, tmp_path)
    assert _queries(sim3) == before
    store3.close()
