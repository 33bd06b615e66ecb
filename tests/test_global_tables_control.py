"""Global tables 2019.11.21, the parts the conformance tests cannot see: the group record every
replica holds, statuses as `sim.clock` passes their ends, and which replicas take writes."""

from __future__ import annotations

import pytest
from botocore.exceptions import ClientError
from http_helpers import SCHEMA

from dynasim import Simulator
from dynasim.engine.globaltables import group, replicas


def global_table(sim: Simulator, name: str = "orders") -> None:
    sim.client().create_table(TableName=name, **SCHEMA)
    sim.client().update_table(TableName=name, ReplicaUpdates=[{"Create": {"RegionName": "us-west-2"}}])


def test_every_replica_holds_the_same_record():
    sim = Simulator()
    global_table(sim)
    records = [group.record_of(sim.engine_of(region).tables["orders"]) for region in ("us-east-1", "us-west-2")]
    assert records[0] == records[1]
    assert records[0] is not records[1]
    assert set(records[0]["Replicas"]) == {"us-east-1", "us-west-2"}
    assert records[0]["Replicas"]["us-west-2"]["Source"] == "us-east-1"


def test_a_replica_becomes_active_when_the_clock_passes_its_creation():
    sim = Simulator()
    global_table(sim)
    west = sim.client(region_name="us-west-2")
    sim.advance(replicas.CREATE_SECONDS - 5)
    assert west.describe_table(TableName="orders")["Table"]["TableStatus"] == "CREATING"
    assert sim.client().describe_table(TableName="orders")["Table"]["TableStatus"] == "UPDATING"
    sim.advance(5)
    assert west.describe_table(TableName="orders")["Table"]["TableStatus"] == "ACTIVE"
    assert sim.client().describe_table(TableName="orders")["Table"]["TableStatus"] == "ACTIVE"


def test_a_creating_replica_takes_the_groups_writes():
    sim = Simulator()
    global_table(sim)
    assert group.peers(sim.engine, sim.engine.tables["orders"]) == ["us-west-2"]


def test_a_refused_replica_change_makes_no_table_elsewhere():
    sim = Simulator()
    provisioned = {"ReadCapacityUnits": 1, "WriteCapacityUnits": 1}
    schema = {**SCHEMA, "BillingMode": "PROVISIONED", "ProvisionedThroughput": provisioned}
    sim.client().create_table(TableName="orders", **schema)
    with pytest.raises(ClientError):
        sim.client().update_table(TableName="orders", ReplicaUpdates=[{"Create": {"RegionName": "us-west-2"}}])
    west = sim.client(region_name="us-west-2")
    assert west.list_tables()["TableNames"] == []
    assert group.record_of(sim.engine.tables["orders"]) is None
