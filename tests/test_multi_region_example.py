"""The two-region order service of examples/multi_region_failover.py, on a simulator holding both
regions: replication lag, a partition, a region down and a write conflict, each produced on demand."""

from __future__ import annotations

import sys
from pathlib import Path

import pytest

import dynasim

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "examples"))
from multi_region_failover import OrderService, create_global_table  # noqa: E402

EAST, WEST = "us-east-1", "eu-west-1"


@pytest.fixture
def sim():
    simulator = dynasim.Simulator(EAST, regions=[WEST])
    simulator.clock.freeze(1_800_000_000.0)
    create_global_table(simulator.client(region_name=EAST), WEST)
    simulator.advance(600)  # the replica's creation runs on the clock
    replicas = simulator.client().describe_table(TableName="orders")["Table"]["Replicas"]
    assert [(r["RegionName"], r["ReplicaStatus"]) for r in replicas] == [(WEST, "ACTIVE")]
    return simulator


@pytest.fixture
def service(sim):
    return OrderService(sim.client(region_name=EAST), sim.client(region_name=WEST))


def amount_in(sim, region, order_id):
    """What a strongly consistent read in `region` sees (consistent within the region only)."""
    item = (
        sim.client(region_name=region)
        .get_item(TableName="orders", Key={"order_id": {"S": order_id}}, ConsistentRead=True)
        .get("Item")
    )
    return int(item["amount"]["N"]) if item else None


def test_a_write_reaches_the_other_region_after_the_replication_lag(sim, service):
    service.place("o-1", 10)
    assert amount_in(sim, EAST, "o-1") == 10
    assert amount_in(sim, WEST, "o-1") is None  # not replicated yet
    sim.advance(1)
    assert amount_in(sim, WEST, "o-1") == 10


def test_the_lag_is_set_per_direction(sim, service):
    sim.set_replication_lag(5, source=EAST, target=WEST)
    service.place("o-1", 10)
    sim.advance(4)
    assert amount_in(sim, WEST, "o-1") is None
    sim.advance(1)
    assert amount_in(sim, WEST, "o-1") == 10


def test_writes_made_during_a_partition_arrive_once_it_heals(sim, service):
    with sim.pause_replication(EAST, WEST):
        service.place("o-1", 10)
        sim.advance(60)
        assert amount_in(sim, WEST, "o-1") is None
        assert sim.pending_replication(EAST, WEST) == 1
    sim.advance(1)
    assert amount_in(sim, WEST, "o-1") == 10
    assert sim.pending_replication() == 0


def test_the_service_fails_over_when_its_region_is_down_and_comes_back(sim, service):
    service.place("o-1", 10)
    with sim.inject_fault("*", error="EndpointConnectionError", region=EAST) as outage:
        service.place("o-2", 20)  # us-east-1 does not answer: written in eu-west-1
        assert service.active == WEST
        assert service.amount("o-2") == 20
    assert outage.fired > 0
    assert sim.call_log.filter(region=EAST, operation="PutItem")[-1].error_code is not None
    sim.advance(1)
    assert amount_in(sim, EAST, "o-2") == 20  # replicated back once the region answers again
    service.place("o-3", 30)
    assert service.active == EAST


def test_concurrent_writes_in_two_regions_end_with_the_last_writer_everywhere(sim):
    east, west = sim.client(region_name=EAST), sim.client(region_name=WEST)
    with sim.pause_replication():  # both directions: neither region sees the other's write yet
        east.put_item(TableName="orders", Item={"order_id": {"S": "o-1"}, "amount": {"N": "10"}})
        sim.advance(0.5)
        west.put_item(TableName="orders", Item={"order_id": {"S": "o-1"}, "amount": {"N": "20"}})
        assert (amount_in(sim, EAST, "o-1"), amount_in(sim, WEST, "o-1")) == (10, 20)
    sim.advance(1)
    assert (amount_in(sim, EAST, "o-1"), amount_in(sim, WEST, "o-1")) == (20, 20)  # the later write wins
