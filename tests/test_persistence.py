"""The durable store: what goes in comes back exactly, torn tails are dropped, fsync policies hold."""

from __future__ import annotations

import dataclasses
import os
import time

import pytest

import dynasim
from dynasim import persistence
from dynasim.persistence import codec, log
from dynasim.persistence.store import LOG, SNAPSHOT, StoreError
from dynasim.storage.changes import ItemPut, TableCreated
from dynasim.storage.index import IndexSettings
from dynasim.storage.table import KeySchema, Table, TableSettings

HASH = dict(
    KeySchema=[{"AttributeName": "pk", "KeyType": "HASH"}],
    AttributeDefinitions=[{"AttributeName": "pk", "AttributeType": "S"}],
    BillingMode="PAY_PER_REQUEST",
)
COMPOSITE = dict(
    KeySchema=[{"AttributeName": "pk", "KeyType": "HASH"}, {"AttributeName": "sk", "KeyType": "RANGE"}],
    AttributeDefinitions=[
        {"AttributeName": "pk", "AttributeType": "N"},
        {"AttributeName": "sk", "AttributeType": "B"},
    ],
    ProvisionedThroughput={"ReadCapacityUnits": 5, "WriteCapacityUnits": 5},
)
RICH = {
    "s": {"S": "text ✓"},
    "n": {"N": "-12.5e3"},
    "b": {"B": b"\x00\xff\x10"},
    "ss": {"SS": ["a", "b"]},
    "ns": {"NS": ["1", "2.5"]},
    "bs": {"BS": [b"\x01", b"\x02\x03"]},
    "bool": {"BOOL": False},
    "null": {"NULL": True},
    "l": {"L": [{"B": b"\xfe"}, {"M": {"deep": {"BS": [b"\x00"]}}}, {"S": ""}]},
    "m": {"M": {"inner": {"L": [{"N": "7"}]}, "bin": {"B": b"x"}}},
}


def open_sim(directory, **options):
    sim = dynasim.Simulator()
    store = persistence.open_store(sim, directory, **options)
    return sim, store


def state(sim) -> dict:
    """Everything observable: each table's description and its items in key order."""
    tables = {}
    for name, table in sorted(sim.engine.tables.items()):
        description = sim.client().describe_table(TableName=name)["Table"]
        tables[name] = (description, list(table.items()))
    return tables


def populate(sim) -> None:
    ddb = sim.client()
    ddb.create_table(TableName="plain", **HASH)
    ddb.create_table(TableName="composite", **COMPOSITE)
    ddb.create_table(TableName="doomed", **HASH)
    for i in range(20):
        ddb.put_item(TableName="plain", Item={"pk": {"S": f"k{i}"}, **RICH, "i": {"N": str(i)}})
        ddb.put_item(TableName="composite", Item={"pk": {"N": str(i % 3)}, "sk": {"B": bytes([i])}, **RICH})
    ddb.put_item(TableName="plain", Item={"pk": {"S": "k3"}, "replaced": {"BOOL": True}})
    ddb.delete_item(TableName="plain", Key={"pk": {"S": "k4"}})
    ddb.delete_item(TableName="composite", Key={"pk": {"N": "1"}, "sk": {"B": b"\x04"}})
    ddb.update_table(TableName="composite", ProvisionedThroughput={"ReadCapacityUnits": 7, "WriteCapacityUnits": 9})
    ddb.update_table(TableName="plain", DeletionProtectionEnabled=True)
    ddb.put_item(TableName="doomed", Item={"pk": {"S": "x"}})
    ddb.delete_table(TableName="doomed")
    ddb.create_table(TableName="doomed", **COMPOSITE)  # same name, new schema


@pytest.mark.parametrize("close_with_snapshot", [False, True])
def test_everything_comes_back_exactly(tmp_path, close_with_snapshot):
    sim, store = open_sim(tmp_path)
    populate(sim)
    before = state(sim)
    store.close(snapshot=close_with_snapshot)
    assert (tmp_path / SNAPSHOT).exists() == close_with_snapshot
    sim2, store2 = open_sim(tmp_path)
    assert state(sim2) == before
    # and it keeps working: later writes land on top
    sim2.client().put_item(TableName="plain", Item={"pk": {"S": "after"}})
    store2.close(snapshot=False)
    sim3, store3 = open_sim(tmp_path)
    assert sim3.engine.tables["plain"].get("after") == {"pk": {"S": "after"}}
    store3.close()


def test_settings_are_copied_when_reported(tmp_path):
    sim, store = open_sim(tmp_path)
    sim.client().create_table(TableName="settled", **COMPOSITE)
    sim.engine.tables["settled"].settings.read_capacity = 999  # changed behind the feed's back
    store.close(snapshot=False)
    sim2, store2 = open_sim(tmp_path)
    assert sim2.engine.tables["settled"].settings.read_capacity == 5
    store2.close()


def test_indexes_are_rebuilt_from_items(tmp_path):
    """Indexes live in the settings (generic) and are rebuilt through Table.put on loading."""
    sim, store = open_sim(tmp_path)
    index = IndexSettings(
        name="by-colour",
        kind="GLOBAL",
        arn="arn:aws:dynamodb:us-east-1:123456789012:table/painted/index/by-colour",
        key_schema=KeySchema("colour", "S"),
        projection_type="INCLUDE",
        non_key_attributes=["size"],
    )
    settings = TableSettings(
        name="painted",
        arn="arn:aws:dynamodb:us-east-1:123456789012:table/painted",
        table_id="id",
        key_schema=KeySchema("pk", "S"),
        attribute_definitions=[{"AttributeName": "pk", "AttributeType": "S"}],
        billing_mode="PAY_PER_REQUEST",
        read_capacity=0,
        write_capacity=0,
        created_at=1.0,
        indexes=[index],
    )
    engine = sim.engine
    with engine.lock:
        table = engine.tables["painted"] = Table(settings, lambda change: None)
        store.committed([TableCreated(settings)])
        for i in range(5):
            item = {"pk": {"S": f"p{i}"}, "colour": {"S": "red" if i % 2 else "blue"}, "size": {"N": str(i)}}
            table.put(f"p{i}", None, item, 20)
            store.committed([ItemPut("painted", item, None)])
    store.close(snapshot=False)
    sim2, store2 = open_sim(tmp_path)
    restored = sim2.engine.tables["painted"]
    assert restored.settings == settings
    assert restored.indexes["by-colour"].item_count == 5
    store2.close()


@dataclasses.dataclass(frozen=True)
class Inner:
    name: str
    blob: bytes = b""


@dataclasses.dataclass
class Outer:
    inner: Inner
    many: list[Inner]
    optional: Inner | None
    pair: tuple[int, str]
    by_name: dict[str, Inner]
    missing_later: int = 3


def test_generic_settings_codec_round_trips_new_fields():
    value = Outer(Inner("a", b"\x00"), [Inner("b")], None, (1, "x"), {"k": Inner("c", b"\xff")})
    encoded = codec.loads(codec.dumps(dataclasses.asdict(value)))
    del encoded["missing_later"]  # written by an older version: the default applies
    encoded["unknown_field"] = 1  # written by a newer version: ignored
    assert codec.build(Outer, encoded) == value


def test_torn_tail_at_every_offset_is_dropped(tmp_path):
    sim, store = open_sim(tmp_path)
    ddb = sim.client()
    ddb.create_table(TableName="torn", **HASH)
    ddb.put_item(TableName="torn", Item={"pk": {"S": "kept"}})
    size_before_last = os.path.getsize(tmp_path / LOG)
    ddb.put_item(TableName="torn", Item={"pk": {"S": "torn"}, "b": {"B": b"\x01" * 50}})
    store.close(snapshot=False)
    whole = (tmp_path / LOG).read_bytes()
    for cut in range(size_before_last, len(whole)):
        (tmp_path / LOG).write_bytes(whole[:cut])
        sim2, store2 = open_sim(tmp_path)
        assert [item["pk"]["S"] for item in sim2.engine.tables["torn"].items()] == ["kept"]
        store2.close(snapshot=False)
        assert os.path.getsize(tmp_path / LOG) == size_before_last  # the tail was cut off the file
    (tmp_path / LOG).write_bytes(whole)
    sim3, store3 = open_sim(tmp_path)
    assert len(list(sim3.engine.tables["torn"].items())) == 2
    store3.close()


@pytest.mark.parametrize("damage", ["zeros", "garbage"])
def test_a_torn_tail_is_dropped_and_appends_continue(tmp_path, damage):
    sim, store = open_sim(tmp_path)
    ddb = sim.client()
    ddb.create_table(TableName="damaged", **HASH)
    ddb.put_item(TableName="damaged", Item={"pk": {"S": "a"}})
    store.close(snapshot=False)
    data = bytearray((tmp_path / LOG).read_bytes())
    if damage == "zeros":
        data += bytes(64)  # a file extended by a crash but never written
    else:
        data += b"\x00\x00\x10\x00" + os.urandom(200)  # a record cut short (its header asks for 4 KB)
    (tmp_path / LOG).write_bytes(bytes(data))
    sim2, store2 = open_sim(tmp_path)
    assert list(sim2.engine.tables["damaged"].items()) == [{"pk": {"S": "a"}}]
    sim2.client().put_item(TableName="damaged", Item={"pk": {"S": "b"}})
    store2.close(snapshot=False)
    sim3, store3 = open_sim(tmp_path)
    assert {"pk": {"S": "b"}} in list(sim3.engine.tables["damaged"].items())
    store3.close()


def test_snapshots_truncate_the_log(tmp_path):
    sim, store = open_sim(tmp_path, snapshot_bytes=2000)
    ddb = sim.client()
    ddb.create_table(TableName="snap", **HASH)
    for i in range(100):
        ddb.put_item(TableName="snap", Item={"pk": {"S": f"k{i}"}, "v": {"S": "x" * 50}})
        assert os.path.getsize(tmp_path / LOG) < 2000 + 200
    assert (tmp_path / SNAPSHOT).exists()
    before = state(sim)
    store.close(snapshot=False)
    sim2, store2 = open_sim(tmp_path)
    assert state(sim2) == before
    store2.close()


def test_a_crash_between_snapshot_and_log_truncation(tmp_path):
    sim, store = open_sim(tmp_path)
    ddb = sim.client()
    ddb.create_table(TableName="twice", **HASH)
    for i in range(10):
        ddb.put_item(TableName="twice", Item={"pk": {"S": f"k{i}"}})
    ddb.delete_item(TableName="twice", Key={"pk": {"S": "k0"}})
    stale_log = (tmp_path / LOG).read_bytes()
    store.snapshot()
    (tmp_path / LOG).write_bytes(stale_log)  # as if the truncation never happened
    ddb.put_item(TableName="twice", Item={"pk": {"S": "new"}})
    before = state(sim)
    store.close(snapshot=False)
    sim2, store2 = open_sim(tmp_path)
    assert state(sim2) == before
    store2.close()


def test_an_interrupted_snapshot_is_ignored(tmp_path):
    sim, store = open_sim(tmp_path)
    sim.client().create_table(TableName="tmp-left", **HASH)
    store.close(snapshot=False)
    (tmp_path / (SNAPSHOT + ".tmp")).write_bytes(b'{"format":"dynasim-store","version":1,"seq":99}\n{"tab')
    sim2, store2 = open_sim(tmp_path)
    assert list(sim2.engine.tables) == ["tmp-left"]
    assert not (tmp_path / (SNAPSHOT + ".tmp")).exists()
    store2.close()


def test_an_incomplete_or_foreign_snapshot_is_an_error_not_silent_loss(tmp_path):
    (tmp_path / SNAPSHOT).write_bytes(b'{"format":"dynasim-store","version":1,"seq":1}\n')
    with pytest.raises(StoreError, match="incomplete"):
        open_sim(tmp_path)
    (tmp_path / SNAPSHOT).write_bytes(b'{"format":"something-else"}\n')
    with pytest.raises(StoreError, match="not a dynasim store"):
        open_sim(tmp_path)


def test_one_process_at_a_time(tmp_path):
    sim, store = open_sim(tmp_path)
    with pytest.raises(StoreError, match="in use"):
        open_sim(tmp_path)
    store.close()
    open_sim(tmp_path)[1].close()


def test_the_engine_must_be_empty(tmp_path):
    sim = dynasim.Simulator()
    sim.client().create_table(TableName="already", **HASH)
    with pytest.raises(StoreError, match="already has tables"):
        persistence.open_store(sim, tmp_path)
    persistence.open_store(dynasim.Simulator(), tmp_path).close()  # the lock was released


def test_unknown_fsync_policy():
    with pytest.raises(ValueError, match="fsync must be one of"):
        persistence.DurableStore("unused", fsync="sometimes")


def _count_fsyncs(monkeypatch) -> list[int]:
    calls: list[int] = []
    real = os.fsync

    def counting(fd):
        calls.append(fd)
        real(fd)

    monkeypatch.setattr(os, "fsync", counting)
    return calls


def test_fsync_always_syncs_every_operation(tmp_path, monkeypatch):
    sim, store = open_sim(tmp_path, fsync="always")
    calls = _count_fsyncs(monkeypatch)
    ddb = sim.client()
    ddb.create_table(TableName="synced", **HASH)
    for i in range(5):
        ddb.put_item(TableName="synced", Item={"pk": {"S": f"k{i}"}})
    assert len(calls) == 6
    ddb.get_item(TableName="synced", Key={"pk": {"S": "k1"}})  # reads write nothing
    assert len(calls) == 6
    store.close()


def test_fsync_never_leaves_it_to_the_os(tmp_path, monkeypatch):
    sim, store = open_sim(tmp_path, fsync="never")
    calls = _count_fsyncs(monkeypatch)
    sim.client().create_table(TableName="unsynced", **HASH)
    assert calls == []
    store.close(snapshot=False)
    assert len(calls) == 1  # closing flushes


def test_fsync_interval_syncs_in_the_background(tmp_path, monkeypatch):
    sim, store = open_sim(tmp_path, fsync="interval", fsync_interval=0.02)
    calls = _count_fsyncs(monkeypatch)
    sim.client().create_table(TableName="later", **HASH)
    deadline = time.monotonic() + 5
    while not calls and time.monotonic() < deadline:
        time.sleep(0.01)
    assert calls
    store.close()


def test_a_failed_log_write_refuses_later_writes(tmp_path, monkeypatch):
    sim, store = open_sim(tmp_path)
    ddb = sim.client()
    ddb.create_table(TableName="full", **HASH)

    def disk_full(fd, data):
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(log.os, "write", disk_full)
    with pytest.raises(Exception, match="No space left"):
        sim.handle("PutItem", {"TableName": "full", "Item": {"pk": {"S": "lost"}}})
    monkeypatch.undo()
    with pytest.raises(StoreError, match="failed"):
        sim.handle("PutItem", {"TableName": "full", "Item": {"pk": {"S": "refused"}}})
    store.close()
    sim2, store2 = open_sim(tmp_path)
    assert list(sim2.engine.tables["full"].items()) == []
    store2.close()


def test_log_framing_reads_only_whole_records():
    records = [codec.dumps({"seq": n}) for n in range(1, 4)]
    data = b"".join(log.frame(record) for record in records)
    assert log.read(data) == ([{"seq": 1}, {"seq": 2}, {"seq": 3}], len(data))
    assert log.read(data[:-1])[0] == [{"seq": 1}, {"seq": 2}]
    assert log.read(b"")[0] == []
