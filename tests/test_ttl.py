"""TTL on the simulator: which items expire, the sweep, the "immediate" mode, the simulator's
clock (advanced, or frozen by freezegun), and the stream records of TTL deletions."""

from __future__ import annotations

import datetime
import time
from typing import Any

import pytest
from freezegun import freeze_time

import dynasim

FIVE_YEARS = 5 * 365 * 24 * 3600


def make(sim: dynasim.Simulator, stream: bool = False) -> Any:
    ddb = sim.client()
    options: dict[str, Any] = {}
    if stream:
        options["StreamSpecification"] = {"StreamEnabled": True, "StreamViewType": "NEW_AND_OLD_IMAGES"}
    ddb.create_table(
        TableName="sessions",
        KeySchema=[{"AttributeName": "id", "KeyType": "HASH"}],
        AttributeDefinitions=[{"AttributeName": "id", "AttributeType": "S"}],
        BillingMode="PAY_PER_REQUEST",
        **options,
    )
    ddb.update_time_to_live(TableName="sessions", TimeToLiveSpecification={"Enabled": True, "AttributeName": "exp"})
    return ddb


def put(ddb: Any, key: str, expires: Any) -> None:
    item = {"id": {"S": key}}
    if expires is not None:
        item["exp"] = expires if isinstance(expires, dict) else {"N": str(expires)}
    ddb.put_item(TableName="sessions", Item=item)


def keys(ddb: Any) -> set[str]:
    return {item["id"]["S"] for item in ddb.scan(TableName="sessions")["Items"]}


def test_sweep_deletes_only_expired_numbers():
    sim = dynasim.Simulator()
    ddb = make(sim)
    now = int(sim.clock.now())
    put(ddb, "past", now - 10)
    put(ddb, "now", now)
    put(ddb, "future", now + 3600)
    put(ddb, "string", {"S": str(now - 10)})
    put(ddb, "list", {"L": [{"N": str(now - 10)}]})
    put(ddb, "none", None)
    put(ddb, "ancient", now - FIVE_YEARS - 10)  # more than five years ago: never deleted
    put(ddb, "milliseconds", (now - 10) * 1000)  # far in the future as seconds
    assert len(keys(ddb)) == 8  # expired items stay until a sweep, as in DynamoDB
    assert sim.sweep_ttl() == 2
    assert keys(ddb) == {"future", "string", "list", "none", "ancient", "milliseconds"}
    assert sim.sweep_ttl() == 0


def test_the_clock_drives_expiry():
    sim = dynasim.Simulator()
    ddb = make(sim)
    put(ddb, "soon", int(sim.clock.now()) + 60)
    assert sim.sweep_ttl() == 0
    sim.advance(61)
    assert sim.sweep_ttl() == 1 and keys(ddb) == set()


def test_freezegun_moves_the_clock():
    with freeze_time("2030-01-01 00:00:00") as frozen:
        sim = dynasim.Simulator()
        ddb = make(sim)
        put(ddb, "a", int(datetime.datetime(2030, 1, 1, 0, 5, tzinfo=datetime.timezone.utc).timestamp()))
        assert sim.sweep_ttl() == 0
        frozen.tick(datetime.timedelta(minutes=5))
        assert sim.sweep_ttl() == 1


def test_rewritten_and_deleted_items():
    sim = dynasim.Simulator()
    ddb = make(sim)
    now = int(sim.clock.now())
    put(ddb, "a", now + 10)
    put(ddb, "a", now + 1000)  # pushed back
    put(ddb, "b", now + 10)
    ddb.delete_item(TableName="sessions", Key={"id": {"S": "b"}})
    put(ddb, "c", now + 1000)
    put(ddb, "c", now + 10)  # brought forward
    sim.advance(20)
    assert sim.sweep_ttl() == 1 and keys(ddb) == {"a"}


def test_disabling_ttl_stops_deletion():
    sim = dynasim.Simulator()
    ddb = make(sim)
    put(ddb, "a", int(sim.clock.now()) - 1)
    ddb.update_time_to_live(TableName="sessions", TimeToLiveSpecification={"Enabled": False, "AttributeName": "exp"})
    assert sim.sweep_ttl() == 0 and keys(ddb) == {"a"}
    ddb.update_time_to_live(TableName="sessions", TimeToLiveSpecification={"Enabled": True, "AttributeName": "exp"})
    assert sim.sweep_ttl() == 1


def test_immediate_mode():
    sim = dynasim.Simulator(ttl="immediate")
    ddb = make(sim)
    put(ddb, "a", int(sim.clock.now()) + 30)
    assert keys(ddb) == {"a"}
    sim.advance(31)
    assert keys(ddb) == set()  # gone before the read ran
    sim.ttl = "sweep"
    put(ddb, "b", int(sim.clock.now()) - 1)
    assert keys(ddb) == {"b"}
    with pytest.raises(ValueError):
        sim.ttl = "never"


def test_ttl_deletions_in_streams_and_subscriptions():
    sim = dynasim.Simulator()
    ddb = make(sim, stream=True)
    seen: list[dict[str, Any]] = []
    sim.on_stream_record("sessions", seen.append)
    put(ddb, "a", int(sim.clock.now()) - 1)
    ddb.delete_item(TableName="sessions", Key={"id": {"S": "missing"}})
    sim.sweep_ttl()
    assert [record["eventName"] for record in seen] == ["INSERT", "REMOVE"]
    assert "userIdentity" not in seen[0]
    assert seen[1]["userIdentity"] == {"type": "Service", "principalId": "dynamodb.amazonaws.com"}
    streams = sim.client("dynamodbstreams")
    arn = ddb.describe_table(TableName="sessions")["Table"]["LatestStreamArn"]
    shard = streams.describe_stream(StreamArn=arn)["StreamDescription"]["Shards"][0]["ShardId"]
    iterator = streams.get_shard_iterator(StreamArn=arn, ShardId=shard, ShardIteratorType="TRIM_HORIZON")
    records = streams.get_records(ShardIterator=iterator["ShardIterator"])["Records"]
    assert records[1]["eventName"] == "REMOVE"
    assert records[1]["userIdentity"] == {"Type": "Service", "PrincipalId": "dynamodb.amazonaws.com"}


def test_sweep_scans_tables_it_has_not_seen():
    sim = dynasim.Simulator()
    ddb = make(sim)
    put(ddb, "a", int(time.time()) - 1)
    # A copy of the tables, as a restore or a reload makes them, is scanned afresh.
    snapshot = sim.snapshot()
    other = dynasim.Simulator()
    other.restore(snapshot)
    assert other.sweep_ttl() == 1
