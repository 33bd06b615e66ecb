"""ItemCollectionMetrics: writes to a table with a local secondary index report the size of the
item collection they wrote to, when asked. DynamoDB Local never returns the member; the tests
follow AWS's API reference (PutItem, UpdateItem, DeleteItem, BatchWriteItem, TransactWriteItems:
"ItemCollectionMetrics ... only returned if the ReturnItemCollectionMetrics parameter was
specified. If the table does not have any local secondary indexes, this information is not
returned")."""

from __future__ import annotations

from typing import Any

from conformance.helpers import VALIDATION, assert_error, service_behaviour
from conformance.indexes_support import ALL, S, create_table, index

NO_ITEM_COLLECTION_METRICS = service_behaviour(
    "DynamoDB Local never returns ItemCollectionMetrics",
    source="API Reference, PutItem/UpdateItem/DeleteItem/BatchWriteItem/TransactWriteItems: ItemCollectionMetrics",
)
COLLECTION = {"ItemCollectionKey": {"pk": S("a")}, "SizeEstimateRangeGB": [0.0, 1.0]}


def lsi_table(ddb: Any) -> str:
    return create_table(ddb, types={"pk": "S", "sk": "S", "ls": "S"}, lsis=[index("lsi1", "pk", "ls", ALL)])


@NO_ITEM_COLLECTION_METRICS
def test_single_item_writes_report_their_collection(ddb):
    table = lsi_table(ddb)
    key = {"pk": S("a"), "sk": S("1")}
    put = ddb.put_item(TableName=table, Item={**key, "ls": S("x")}, ReturnItemCollectionMetrics="SIZE")
    assert put["ItemCollectionMetrics"] == COLLECTION
    update = ddb.update_item(
        TableName=table,
        Key=key,
        UpdateExpression="SET v = :v",
        ExpressionAttributeValues={":v": S("v")},
        ReturnItemCollectionMetrics="SIZE",
    )
    assert update["ItemCollectionMetrics"] == COLLECTION
    deleted = ddb.delete_item(TableName=table, Key=key, ReturnItemCollectionMetrics="SIZE")
    assert deleted["ItemCollectionMetrics"] == COLLECTION


@NO_ITEM_COLLECTION_METRICS
def test_multi_item_writes_report_each_collection_once(ddb):
    table = lsi_table(ddb)
    batch = ddb.batch_write_item(
        RequestItems={
            table: [
                {"PutRequest": {"Item": {"pk": S("a"), "sk": S("1")}}},
                {"PutRequest": {"Item": {"pk": S("a"), "sk": S("2")}}},
                {"PutRequest": {"Item": {"pk": S("b"), "sk": S("1")}}},
            ]
        },
        ReturnItemCollectionMetrics="SIZE",
    )
    keys = [entry["ItemCollectionKey"] for entry in batch["ItemCollectionMetrics"][table]]
    assert sorted(keys, key=repr) == [{"pk": S("a")}, {"pk": S("b")}]
    transaction = ddb.transact_write_items(
        TransactItems=[{"Put": {"TableName": table, "Item": {"pk": S("c"), "sk": S("1")}}}],
        ReturnItemCollectionMetrics="SIZE",
    )
    assert transaction["ItemCollectionMetrics"] == {
        table: [{"ItemCollectionKey": {"pk": S("c")}, "SizeEstimateRangeGB": [0.0, 1.0]}]
    }


def test_no_metrics_without_a_local_index_or_unasked(ddb):
    table = create_table(ddb)
    item = {"pk": S("a"), "sk": S("1")}
    assert "ItemCollectionMetrics" not in ddb.put_item(TableName=table, Item=item, ReturnItemCollectionMetrics="SIZE")
    with_lsi = lsi_table(ddb)
    assert "ItemCollectionMetrics" not in ddb.put_item(TableName=with_lsi, Item=item)
    assert "ItemCollectionMetrics" not in ddb.put_item(
        TableName=with_lsi, Item=item, ReturnItemCollectionMetrics="NONE"
    )


@service_behaviour(
    "DynamoDB Local accepts any ReturnItemCollectionMetrics value",
    source="API Reference, PutItem: ReturnItemCollectionMetrics valid values (botocore's enum)",
)
def test_invalid_choice_is_refused(ddb_raw):
    table = lsi_table(ddb_raw)
    assert_error(
        lambda: ddb_raw.put_item(TableName=table, Item={"pk": S("a"), "sk": S("1")}, ReturnItemCollectionMetrics="ALL"),
        VALIDATION,
        "1 validation error detected: Value 'ALL' at 'returnItemCollectionMetrics' failed to satisfy "
        "constraint: Member must satisfy enum value set: [SIZE, NONE]",
    )
