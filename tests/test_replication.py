"""Global tables' replication between the regions of one simulator: lag on the clock, pauses,
last writer wins, streams and TTL in the target region, the 2017.11.29 attributes, multi-Region
strong consistency, and snapshots (`dynasim.engine.globaltables.replication`)."""

from __future__ import annotations

import threading
from typing import Any

import pytest
from botocore.config import Config
from botocore.exceptions import ClientError
from globaltables_support import STREAM, make_global

from dynasim import Simulator
from dynasim.engine.globaltables import group

EAST, WEST, EU = "us-east-1", "us-west-2", "eu-west-1"
NAME = "orders"
ONCE = Config(retries={"total_max_attempts": 1})  # see a retryable error as the service answers it


@pytest.fixture
def sim() -> Simulator:
    simulator = Simulator()
    simulator.clock.freeze()  # the lag is measured on the clock: only `advance` moves it
    return simulator


def put(sim: Simulator, region: str, key: str, value: str, **attributes: Any) -> None:
    item = {"pk": {"S": key}, "v": {"S": value}, **attributes}
    sim.client(region_name=region).put_item(TableName=NAME, Item=item)


def value(sim: Simulator, region: str, key: str, consistent: bool = True) -> str | None:
    item = sim.client(region_name=region).get_item(TableName=NAME, Key={"pk": {"S": key}}, ConsistentRead=consistent)
    return item["Item"]["v"]["S"] if "Item" in item else None


def item(sim: Simulator, region: str, key: str) -> dict[str, Any] | None:
    found: dict[str, Any] | None = (
        sim.client(region_name=region).get_item(TableName=NAME, Key={"pk": {"S": key}}).get("Item")
    )
    return found


def records(sim: Simulator, region: str) -> list[dict[str, Any]]:
    """The stream records of the table in `region` from now on (a list the writes fill)."""
    seen: list[dict[str, Any]] = []
    sim.on_stream_record(NAME, seen.append, region=region)
    return seen


# --- lag --------------------------------------------------------------------------------------------


def test_a_write_reaches_the_other_replica_a_second_later(sim):
    make_global(sim, NAME, [EAST, WEST])
    put(sim, EAST, "a", "one")
    assert value(sim, WEST, "a") is None
    assert sim.pending_replication() == 1
    sim.advance(0.5)
    assert value(sim, WEST, "a") is None
    sim.advance(0.5)
    assert value(sim, WEST, "a") == "one"
    assert sim.pending_replication() == 0


def test_due_writes_are_delivered_by_the_next_operation_of_any_region(sim):
    make_global(sim, NAME, [EAST, WEST])
    put(sim, EAST, "a", "one")
    sim.clock.advance(1.0)  # the clock alone, no delivery yet
    assert sim.pending_replication() == 1
    assert value(sim, WEST, "a") == "one"  # delivered before the read ran
    assert sim.pending_replication() == 0


def test_every_kind_of_write_replicates_and_only_to_replicas(sim):
    make_global(sim, NAME, [EAST, WEST, EU])
    east = sim.client(region_name=EAST)
    east.create_table(TableName="local-only", **_keys())
    east.put_item(TableName="local-only", Item={"pk": {"S": "x"}})
    east.update_item(
        TableName=NAME,
        Key={"pk": {"S": "u"}},
        UpdateExpression="SET v = :v",
        ExpressionAttributeValues={":v": {"S": "1"}},
    )
    east.batch_write_item(RequestItems={NAME: [{"PutRequest": {"Item": {"pk": {"S": "b"}, "v": {"S": "2"}}}}]})
    east.transact_write_items(TransactItems=[{"Put": {"TableName": NAME, "Item": {"pk": {"S": "t"}, "v": {"S": "3"}}}}])
    east.execute_statement(Statement=f"INSERT INTO \"{NAME}\" VALUE {{'pk': 'p', 'v': '4'}}")
    assert sim.pending_replication(EAST, WEST) == 4 and sim.pending_replication(EAST, EU) == 4
    assert sim.pending_replication() == 8
    sim.advance(1)
    for region in (WEST, EU):
        assert [value(sim, region, key) for key in "ubtp"] == ["1", "2", "3", "4"]
    east.delete_item(TableName=NAME, Key={"pk": {"S": "u"}})
    sim.advance(1)
    assert value(sim, WEST, "u") is None and value(sim, EU, "u") is None
    assert sim.client(region_name=WEST).list_tables()["TableNames"] == [NAME]
    assert sim.pending_replication() == 0  # nothing replicated in was sent on again


def test_the_lag_is_set_per_ordered_pair_or_for_all(sim):
    make_global(sim, NAME, [EAST, WEST, EU])
    sim.set_replication_lag(5, source=EAST, target=WEST)
    put(sim, EAST, "a", "one")
    put(sim, WEST, "b", "two")
    sim.advance(1)
    assert value(sim, EU, "a") == "one" and value(sim, EAST, "b") == "two"
    assert value(sim, WEST, "a") is None  # east -> west takes 5 s
    sim.advance(4)
    assert value(sim, WEST, "a") == "one"
    sim.set_replication_lag(0.25)  # every pair, replacing the narrower rule
    put(sim, EAST, "c", "three")
    sim.advance(0.25)
    assert value(sim, WEST, "c") == "three"
    sim.set_replication_lag(0)
    put(sim, EAST, "d", "four")
    assert value(sim, WEST, "d") == "four"
    with pytest.raises(ValueError):
        sim.set_replication_lag(-1)


def test_settle_delivers_everything_at_once_but_not_across_a_pause(sim):
    make_global(sim, NAME, [EAST, WEST, EU])
    sim.set_replication_lag(60)
    with sim.pause_replication(EAST, EU):
        put(sim, EAST, "a", "one")
        assert sim.settle_replication() == 1
        assert value(sim, WEST, "a") == "one"
        assert value(sim, EU, "a") is None
        assert sim.pending_replication(EAST, EU) == 1
    assert sim.settle_replication() == 1
    assert value(sim, EU, "a") == "one"


# --- pauses -----------------------------------------------------------------------------------------


def test_a_paused_pair_queues_its_writes_until_resumed_and_the_lag_has_passed(sim):
    make_global(sim, NAME, [EAST, WEST])
    with sim.pause_replication(EAST, WEST):
        put(sim, EAST, "a", "one")
        put(sim, WEST, "b", "two")  # the other direction flows
        sim.advance(10)
        assert value(sim, WEST, "a") is None
        assert value(sim, EAST, "b") == "two"
        assert sim.pending_replication(EAST, WEST) == 1
        assert sim.pending_replication(WEST, EAST) == 0
    assert value(sim, WEST, "a") == "one"  # its lag passed while paused
    pause = sim.pause_replication(EAST)  # from east to every region
    put(sim, EAST, "c", "three")
    pause.resume()
    assert value(sim, WEST, "c") is None  # resumed, but the second has not passed
    sim.advance(1)
    assert value(sim, WEST, "c") == "three"


def test_resume_lifts_the_pauses_of_a_pair_or_all(sim):
    make_global(sim, NAME, [EAST, WEST])
    sim.pause_replication(EAST, WEST)
    sim.pause_replication(WEST, EAST)
    put(sim, EAST, "a", "one")
    put(sim, WEST, "b", "two")
    sim.advance(1)
    sim.resume_replication(EAST, WEST)
    assert value(sim, WEST, "a") == "one" and value(sim, EAST, "b") is None
    sim.resume_replication()
    assert value(sim, EAST, "b") == "two"


# --- last writer wins -------------------------------------------------------------------------------


@pytest.mark.parametrize(("first", "second"), [(EAST, WEST), (WEST, EAST)])
def test_the_later_of_two_conflicting_writes_wins_in_every_region(sim, first, second):
    make_global(sim, NAME, [EAST, WEST])
    put(sim, first, "a", "first")
    sim.advance(0.5)
    put(sim, second, "a", "second")  # before the first write arrives there
    sim.advance(2)
    assert value(sim, EAST, "a") == value(sim, WEST, "a") == "second"
    assert sim.pending_replication() == 0


def test_writes_at_the_same_time_resolve_to_the_one_committed_last(sim):
    make_global(sim, NAME, [EAST, WEST, EU])
    put(sim, WEST, "a", "west")
    put(sim, EAST, "a", "east")  # same clock time, committed after west's
    put(sim, EU, "b", "eu")
    put(sim, EAST, "b", "east")
    sim.settle_replication()
    assert {value(sim, region, "a") for region in (EAST, WEST, EU)} == {"east"}
    assert {value(sim, region, "b") for region in (EAST, WEST, EU)} == {"east"}


def test_a_later_delete_wins_over_an_earlier_put_and_an_earlier_delete_loses(sim):
    make_global(sim, NAME, [EAST, WEST])
    put(sim, EAST, "a", "one")
    sim.advance(1)
    put(sim, WEST, "a", "two")
    sim.advance(0.5)
    sim.client(region_name=EAST).delete_item(TableName=NAME, Key={"pk": {"S": "a"}})  # later than west's put
    sim.advance(2)
    assert value(sim, EAST, "a") is None and value(sim, WEST, "a") is None
    put(sim, WEST, "b", "one")
    sim.advance(1)
    sim.client(region_name=EAST).delete_item(TableName=NAME, Key={"pk": {"S": "b"}})
    sim.advance(0.5)
    put(sim, WEST, "b", "two")  # later than east's delete
    sim.advance(2)
    assert value(sim, EAST, "b") == value(sim, WEST, "b") == "two"


def test_a_write_that_loses_leaves_no_trace_in_the_target_regions_stream(sim):
    make_global(sim, NAME, [EAST, WEST], **_keys(), **STREAM)
    put(sim, EAST, "a", "east")
    sim.advance(0.5)
    west = records(sim, WEST)
    put(sim, WEST, "a", "west")
    sim.advance(1)  # east's older write reaches west and is dropped
    assert [record["dynamodb"]["NewImage"]["v"] for record in west] == [{"S": "west"}]
    assert value(sim, WEST, "a") == "west"


def test_writes_from_many_threads_in_two_regions_converge(sim):
    make_global(sim, NAME, [EAST, WEST])
    clients = {region: sim.client(region_name=region) for region in (EAST, WEST)}

    def write(region: str) -> None:
        for number in range(40):
            key = {"pk": {"S": f"k{number % 8}"}, "v": {"S": f"{region}-{number}"}}
            clients[region].put_item(TableName=NAME, Item=key)

    threads = [threading.Thread(target=write, args=(region,)) for region in (EAST, WEST)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    sim.settle_replication()
    assert sim.pending_replication() == 0
    for number in range(8):
        assert value(sim, EAST, f"k{number}") == value(sim, WEST, f"k{number}") is not None


# --- streams and TTL --------------------------------------------------------------------------------


def test_the_target_regions_stream_carries_the_replicated_write(sim):
    make_global(sim, NAME, [EAST, WEST], **_keys(), **STREAM)
    east, west = records(sim, EAST), records(sim, WEST)
    put(sim, EAST, "a", "one")
    assert [record["eventName"] for record in east] == ["INSERT"] and west == []
    sim.advance(1)
    [record] = west
    assert record["eventName"] == "INSERT"
    assert record["awsRegion"] == WEST
    assert record["dynamodb"]["NewImage"] == {"pk": {"S": "a"}, "v": {"S": "one"}}
    assert "userIdentity" not in record
    assert len(east) == 1  # nothing came back


def test_a_ttl_deletion_replicates_as_a_delete_the_service_identity_only_where_it_expired(sim):
    make_global(sim, NAME, [EAST, WEST], **_keys(), **STREAM)
    east_client = sim.client(region_name=EAST)
    east_client.update_time_to_live(TableName=NAME, TimeToLiveSpecification={"Enabled": True, "AttributeName": "ttl"})
    expires = str(int(sim.clock.now()) + 10)
    put(sim, EAST, "a", "one", ttl={"N": expires})
    sim.advance(1)
    assert value(sim, WEST, "a") == "one"
    east, west = records(sim, EAST), records(sim, WEST)
    sim.advance(20)
    assert sim.sweep_ttl(region=EAST) == 1  # the TTL setting reached both replicas: expired here first
    [expired] = east
    assert expired["eventName"] == "REMOVE"
    assert expired["userIdentity"] == {"type": "Service", "principalId": "dynamodb.amazonaws.com"}
    sim.settle_replication()
    [replicated] = west
    assert replicated["eventName"] == "REMOVE"
    assert replicated["dynamodb"]["OldImage"]["pk"] == {"S": "a"}
    assert "userIdentity" not in replicated
    assert value(sim, WEST, "a") is None


# --- version 2017.11.29 -----------------------------------------------------------------------------


def test_version_2017_writes_the_aws_rep_attributes_in_its_region_and_replicates_them(sim):
    make_global(sim, NAME, [EAST, WEST], group.VERSION_2017, **_keys(), **STREAM)
    east = records(sim, EAST)
    now = sim.clock.now()
    put(sim, EAST, "a", "one")
    stamped = item(sim, EAST, "a")
    assert stamped is not None
    assert stamped["aws:rep:updateregion"] == {"S": EAST}
    assert stamped["aws:rep:deleting"] == {"BOOL": False}
    assert float(stamped["aws:rep:updatetime"]["N"]) == pytest.approx(now, abs=1e-5)
    assert [record["eventName"] for record in east] == ["INSERT", "MODIFY"]  # the user's write, then the service's
    sim.advance(1)
    assert item(sim, WEST, "a") == stamped
    sim.advance(1)
    sim.client(region_name=WEST).update_item(
        TableName=NAME,
        Key={"pk": {"S": "a"}},
        UpdateExpression="SET v = :v",
        ExpressionAttributeValues={":v": {"S": "2"}},
    )
    restamped = item(sim, WEST, "a")
    assert restamped is not None and restamped["aws:rep:updateregion"] == {"S": WEST}
    assert float(restamped["aws:rep:updatetime"]["N"]) == pytest.approx(now + 2, abs=1e-5)
    sim.advance(1)
    assert item(sim, EAST, "a") == restamped
    assert sim.pending_replication() == 0
    with sim.pause_replication(EAST):  # cuts east off, not its own write of the attributes
        put(sim, EAST, "b", "one")
        assert item(sim, EAST, "b")["aws:rep:updateregion"] == {"S": EAST}
        assert sim.pending_replication(EAST, WEST) == 1


def test_version_2017_deletes_replicate_as_deletes(sim):
    make_global(sim, NAME, [EAST, WEST], group.VERSION_2017)
    put(sim, EAST, "a", "one")
    sim.advance(1)
    sim.client(region_name=WEST).delete_item(TableName=NAME, Key={"pk": {"S": "a"}})
    assert item(sim, WEST, "a") is None  # no attributes written back to a deleted item
    sim.advance(1)
    assert item(sim, EAST, "a") is None


def test_version_2019_items_stay_as_written(sim):
    make_global(sim, NAME, [EAST, WEST])
    put(sim, EAST, "a", "one")
    sim.advance(1)
    assert item(sim, EAST, "a") == item(sim, WEST, "a") == {"pk": {"S": "a"}, "v": {"S": "one"}}


# --- multi-Region strong consistency ----------------------------------------------------------------


def test_strong_consistency_replicates_before_the_write_returns(sim):
    make_global(sim, NAME, [EAST, WEST, EU], consistency="STRONG", **_keys(), **STREAM)
    west = records(sim, WEST)
    put(sim, EAST, "a", "one")
    assert value(sim, WEST, "a") == "one" and value(sim, EU, "a") == "one"
    assert sim.pending_replication() == 0
    assert [record["eventName"] for record in west] == ["INSERT"]


def test_strong_write_to_an_item_another_regions_write_is_still_modifying_conflicts(sim):
    make_global(sim, NAME, [EAST, WEST, EU], consistency="STRONG")
    west = sim.client(region_name=WEST, config=ONCE)
    with sim.pause_replication(EAST, WEST):
        put(sim, EAST, "a", "east")  # east and eu are a majority
        assert value(sim, EU, "a") == "east"
        with pytest.raises(ClientError) as conflict:
            west.put_item(TableName=NAME, Item={"pk": {"S": "a"}, "v": {"S": "west"}})
        assert conflict.value.response["Error"] == {
            "Code": "ReplicatedWriteConflictException",
            "Message": "The request was rejected because one or more items in the request are being modified by "
            "a request in another Region.",
        }
        with pytest.raises(west.exceptions.ReplicatedWriteConflictException):
            west.transact_write_items(
                TransactItems=[
                    {"Put": {"TableName": NAME, "Item": {"pk": {"S": "b"}}}},
                    {"Delete": {"TableName": NAME, "Key": {"pk": {"S": "a"}}}},
                ]
            )
        assert value(sim, WEST, "b") is None  # the refused transaction changed nothing
        put(sim, WEST, "c", "west")  # another item is free
    assert value(sim, WEST, "a") == "east"
    put(sim, WEST, "a", "west")
    assert {value(sim, region, "a") for region in (EAST, WEST, EU)} == {"west"}


def test_a_strong_write_fails_where_its_region_reaches_no_majority(sim):
    make_global(sim, NAME, [EAST, WEST], consistency="STRONG")
    east = sim.client(region_name=EAST, config=ONCE)
    with sim.pause_replication(EAST, WEST):
        with pytest.raises(ClientError) as lost:
            east.put_item(TableName=NAME, Item={"pk": {"S": "a"}})
        assert lost.value.response["Error"]["Code"] == "InternalServerError"
        assert lost.value.response["ResponseMetadata"]["HTTPStatusCode"] == 500
        assert item(sim, EAST, "a") is None  # a failed write changes nothing
        assert sim.pending_replication() == 0
        put(sim, WEST, "b", "west")  # west still reaches east
    assert value(sim, EAST, "b") == "west"


def test_a_witness_makes_the_majority_of_a_strong_table_with_two_replicas(sim):
    make_global(sim, NAME, [EAST, WEST], consistency="STRONG", witnesses=(EU,))
    with sim.pause_replication(EAST, WEST):
        put(sim, EAST, "a", "east")
        assert value(sim, WEST, "a") is None
    assert value(sim, WEST, "a") == "east"
    with sim.pause_replication(EAST):  # from east to the witness too
        with pytest.raises(ClientError):
            sim.client(region_name=EAST, config=ONCE).put_item(TableName=NAME, Item={"pk": {"S": "b"}})


# --- replicas joining and leaving, snapshots --------------------------------------------------------


def test_a_replica_still_creating_receives_writes_and_one_gone_receives_none(sim):
    record = make_global(sim, NAME, [EAST, WEST, EU])
    record["Replicas"][EU].update(Status="CREATING", Until=sim.clock.now() + 100, Next="ACTIVE")
    regions = sim.engine.regions
    assert regions is not None
    with regions.lock:
        group.write(regions, NAME, record)
    put(sim, EAST, "a", "one")
    assert sim.pending_replication(EAST, EU) == 1
    sim.client(region_name=WEST).delete_table(TableName=NAME)
    sim.advance(1)
    assert value(sim, EU, "a") == "one"
    assert sim.pending_replication() == 0


def test_restore_and_reset_leave_no_write_on_its_way(sim):
    make_global(sim, NAME, [EAST, WEST])
    snapshot = sim.snapshot()
    sim.set_replication_lag(5)
    put(sim, EAST, "a", "one")
    sim.restore(snapshot)
    assert sim.pending_replication() == 0
    sim.advance(10)
    assert item(sim, WEST, "a") is None and item(sim, EAST, "a") is None
    put(sim, EAST, "b", "two")  # the restored tables replicate, the lag rule kept
    sim.advance(1)
    assert value(sim, WEST, "b") is None
    sim.advance(4)
    assert value(sim, WEST, "b") == "two"
    put(sim, EAST, "c", "three")
    sim.pause_replication(EAST, WEST)
    sim.reset()
    assert sim.pending_replication() == 0
    make_global(sim, NAME, [EAST, WEST])
    put(sim, EAST, "d", "four")
    sim.advance(1)  # the rules are gone: the default lag, no pause
    assert value(sim, WEST, "d") == "four"


def _keys() -> dict[str, Any]:
    return {
        "KeySchema": [{"AttributeName": "pk", "KeyType": "HASH"}],
        "AttributeDefinitions": [{"AttributeName": "pk", "AttributeType": "S"}],
        "BillingMode": "PAY_PER_REQUEST",
    }
