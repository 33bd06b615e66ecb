"""The durable store keeps every region a simulator holds: the home region's tables as before, the
others' tagged with their region, and a region held after the store was opened from then on."""

from __future__ import annotations

import pytest

import dynasim
from dynasim import persistence
from dynasim.persistence import snapshot
from dynasim.persistence.store import LOG, SNAPSHOT

HASH = dict(
    KeySchema=[{"AttributeName": "pk", "KeyType": "HASH"}],
    AttributeDefinitions=[{"AttributeName": "pk", "AttributeType": "S"}],
    BillingMode="PAY_PER_REQUEST",
)
WEST = "eu-west-1"


def items(sim, region, table="orders"):
    return sorted(
        item["pk"]["S"] for item in sim.client(region_name=region).scan(TableName=table, ConsistentRead=True)["Items"]
    )


@pytest.mark.parametrize("final_snapshot", [True, False], ids=["snapshot", "log"])
def test_every_regions_tables_come_back_after_a_restart(tmp_path, final_snapshot):
    sim = dynasim.Simulator(regions=[WEST])
    store = persistence.open_store(sim, tmp_path)
    east, west = sim.client(), sim.client(region_name=WEST)
    east.create_table(TableName="orders", **HASH)
    west.create_table(TableName="orders", **HASH)
    east.put_item(TableName="orders", Item={"pk": {"S": "east-1"}})
    west.put_item(TableName="orders", Item={"pk": {"S": "west-1"}})
    west.delete_item(TableName="orders", Key={"pk": {"S": "west-1"}})
    west.put_item(TableName="orders", Item={"pk": {"S": "west-2"}})
    late = sim.client(region_name="ap-south-1")  # held after the store was opened
    late.create_table(TableName="audit", **HASH)
    late.put_item(TableName="audit", Item={"pk": {"S": "late"}})
    store.close(snapshot=final_snapshot)

    again = dynasim.Simulator()  # holds only its home region: the store brings back the others
    persistence.open_store(again, tmp_path).close()
    assert sorted(again.regions) == sorted(["us-east-1", WEST, "ap-south-1"])
    assert items(again, "us-east-1") == ["east-1"]
    assert items(again, WEST) == ["west-2"]
    assert items(again, "ap-south-1", "audit") == ["late"]
    assert f":{WEST}:" in again.client(region_name=WEST).describe_table(TableName="orders")["Table"]["TableArn"]


def test_only_other_regions_records_name_their_region(tmp_path):
    sim = dynasim.Simulator(regions=[WEST])
    store = persistence.open_store(sim, tmp_path, snapshot_bytes=2**40)
    sim.client().create_table(TableName="orders", **HASH)
    sim.client(region_name=WEST).create_table(TableName="orders", **HASH)
    store.close(snapshot=False)
    raw = (tmp_path / LOG).read_bytes()
    assert raw.count(b'"region"') == 1 and f'"region":"{WEST}"'.encode() in raw.replace(b" ", b"")
    persistence.open_store(dynasim.Simulator(), tmp_path).close()  # a snapshot now
    with open(tmp_path / SNAPSHOT, "rb") as handle:
        documents = list(snapshot.read(handle, str(tmp_path / SNAPSHOT)))
    assert [document.get("region") for document in documents if "table" in document] == [None, WEST]


def test_a_global_tables_replica_survives_a_restart_and_replication_goes_on(tmp_path):
    sim = dynasim.Simulator()
    store = persistence.open_store(sim, tmp_path)
    east = sim.client()
    east.create_table(TableName="orders", **HASH)
    east.put_item(TableName="orders", Item={"pk": {"S": "before"}})
    east.update_table(TableName="orders", ReplicaUpdates=[{"Create": {"RegionName": WEST}}])
    sim.advance(60)
    store.close()

    again = dynasim.Simulator()
    store = persistence.open_store(again, tmp_path)
    again.advance(60)  # the first simulator's clock was moved, not the machine's
    [replica] = again.client().describe_table(TableName="orders")["Table"]["Replicas"]
    assert (replica["RegionName"], replica["ReplicaStatus"]) == (WEST, "ACTIVE")
    assert items(again, WEST) == ["before"]
    again.client().put_item(TableName="orders", Item={"pk": {"S": "after"}})
    again.advance(1)
    assert items(again, WEST) == ["after", "before"]
    store.close()
