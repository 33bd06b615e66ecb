"""Global tables version 2019.11.21: writes to one replica reach the others. DynamoDB Local does not
implement this version of global tables, so every test follows the service's documentation.

What the service documents: a write to any replica is replicated to every other replica, typically
within a second; the other region's stream carries the replicated write as a record of its own; a
delete is replicated as a delete; with multi-Region strong consistency, a strongly consistent read
in any region returns the latest write, wherever it was made. How the simulator orders conflicting
writes, and its lag and partition doubles, are tested in tests/test_replication.py and
tests/test_multi_region_example.py: the service cannot be made to produce them on demand."""

from __future__ import annotations

from typing import Any

from conformance import target_clock
from conformance.helpers import service_behaviour
from conformance.test_global_tables import OTHER, STRONG_OTHER, add_replica, remove_replica, settled
from conformance.test_streams import read_all

SOURCE = (
    "Developer Guide: How DynamoDB global tables work (replication typically within a second; a write to "
    "any replica is replicated to the others), Global tables and DynamoDB Streams, Multi-Region strong "
    "consistency (strongly consistent reads return the latest version from any replica)"
)
pytestmark = service_behaviour("DynamoDB Local does not implement global tables version 2019.11.21", source=SOURCE)


def eventually(backend: Any, done: Any) -> None:
    """Wait for `done()` for up to a minute of the target's time (replication is typically sub-second)."""
    target_clock.settle(backend, done, seconds=60, step=1)


def item_in(client: Any, table: str, key: dict[str, Any]) -> dict[str, Any] | None:
    found: dict[str, Any] | None = client.get_item(TableName=table, Key=key, ConsistentRead=True).get("Item")
    return found


def test_writes_and_deletes_in_either_region_reach_the_other(backend, ddb, make_table):
    table = make_table()
    add_replica(backend, ddb, table)
    other = backend.client(region_name=OTHER)
    here = {"pk": {"S": "written-here"}}
    there = {"pk": {"S": "written-there"}}

    ddb.put_item(TableName=table, Item={**here, "v": {"N": "1"}})
    other.put_item(TableName=table, Item={**there, "v": {"N": "2"}})
    eventually(backend, lambda: item_in(other, table, here) is not None and item_in(ddb, table, there) is not None)
    assert item_in(other, table, here) == {**here, "v": {"N": "1"}}
    assert item_in(ddb, table, there) == {**there, "v": {"N": "2"}}

    other.update_item(
        TableName=table, Key=here, UpdateExpression="SET v = v + :one", ExpressionAttributeValues={":one": {"N": "1"}}
    )
    ddb.delete_item(TableName=table, Key=there)
    eventually(backend, lambda: item_in(ddb, table, here) == {**here, "v": {"N": "2"}})
    eventually(backend, lambda: item_in(other, table, there) is None)
    remove_replica(backend, ddb, table)


def test_the_other_regions_stream_carries_the_replicated_write(backend, ddb, make_table):
    table = make_table()
    add_replica(backend, ddb, table)
    other = backend.client(region_name=OTHER)
    key = {"pk": {"S": "streamed"}}
    ddb.put_item(TableName=table, Item={**key, "v": {"S": "one"}})
    eventually(backend, lambda: item_in(other, table, key) is not None)

    streams = backend.client(service_name="dynamodbstreams", region_name=OTHER)
    arn = other.describe_table(TableName=table)["Table"]["LatestStreamArn"]
    assert f":{OTHER}:" in arn
    [record] = read_all(streams, arn)
    assert record["eventName"] == "INSERT"
    assert record["awsRegion"] == OTHER
    assert record["dynamodb"]["Keys"] == key
    assert record["dynamodb"]["NewImage"] == {**key, "v": {"S": "one"}}
    assert "userIdentity" not in record
    remove_replica(backend, ddb, table)


def test_a_strongly_consistent_read_in_any_region_sees_the_latest_write_of_a_strong_table(backend, ddb, make_table):
    table = make_table()
    ddb.update_table(
        TableName=table,
        MultiRegionConsistency="STRONG",
        ReplicaUpdates=[{"Create": {"RegionName": STRONG_OTHER}}, {"Create": {"RegionName": OTHER}}],
    )
    settled(backend, ddb, table)
    key = {"pk": {"S": "latest"}}
    ddb.put_item(TableName=table, Item={**key, "v": {"N": "1"}})
    for region in (STRONG_OTHER, OTHER):  # no waiting: the write returned once replicated
        assert item_in(backend.client(region_name=region), table, key) == {**key, "v": {"N": "1"}}
    backend.client(region_name=OTHER).delete_item(TableName=table, Key=key)
    assert item_in(ddb, table, key) is None
    ddb.update_table(
        TableName=table,
        ReplicaUpdates=[{"Delete": {"RegionName": STRONG_OTHER}}, {"Delete": {"RegionName": OTHER}}],
    )
    target_clock.settle(
        backend, lambda: "Replicas" not in ddb.describe_table(TableName=table)["Table"], seconds=3600, step=10
    )
