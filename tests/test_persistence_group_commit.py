"""Group commit through the HTTP front: with fsync "always", an answer goes out only once the writes
before it are on disk, and one fsync covers every request that arrived while the previous one ran."""

from __future__ import annotations

import json
import select
import threading

import pytest
from http_helpers import SCHEMA, Connection, client, post

import dynasim
from dynasim import persistence
from dynasim.persistence import log as log_module

PUT = "DynamoDB_20120810.PutItem"
GET = "DynamoDB_20120810.GetItem"


def _put(key: str) -> bytes:
    return post(PUT, json.dumps({"TableName": "grouped", "Item": {"pk": {"S": key}}}).encode())


def _get(key: str) -> bytes:
    return post(GET, json.dumps({"TableName": "grouped", "Key": {"pk": {"S": key}}}).encode())


@pytest.fixture
def durable(tmp_path):
    sim = dynasim.Simulator()
    store = persistence.open_store(sim, tmp_path, fsync="always")
    sim.client().create_table(TableName="grouped", **SCHEMA)
    yield sim, store
    store.close(snapshot=False)


def _silent(connection: Connection, seconds: float = 0.5) -> bool:
    """Nothing to read from the server within `seconds`."""
    readable, _, _ = select.select([connection.sock], [], [], seconds)
    return not readable


def _counting_flush(monkeypatch, gate: threading.Event | None = None) -> list[int]:
    calls: list[int] = []
    real = log_module.flush_to_disk

    def flush(fd: int) -> None:
        if gate is not None:
            assert gate.wait(10), "the test never opened the gate"
        calls.append(fd)
        real(fd)

    monkeypatch.setattr(log_module, "flush_to_disk", flush)
    return calls


def test_answers_wait_for_the_fsync_without_stalling_the_server(durable, monkeypatch):
    sim, store = durable
    gate = threading.Event()
    with sim.serve(store=store) as server:
        _counting_flush(monkeypatch, gate)
        with Connection(server.port) as writer, Connection(server.port) as reader:
            writer.send(_put("slow"))
            assert _silent(writer)  # not on disk yet: no answer
            reader.send(_get("slow"))  # the server still reads requests meanwhile ...
            assert _silent(reader)  # ... but a read of the unsaved write waits for it too
            gate.set()
            assert writer.response()[0] == 200
            status, _, body = reader.response()
            assert status == 200 and json.loads(body)["Item"] == {"pk": {"S": "slow"}}
        with Connection(server.port) as health:  # nothing pending: answered at once
            health.send(b"GET / HTTP/1.1\r\n\r\n")
            assert health.response()[0] == 200


def test_one_fsync_serves_many_concurrent_writes(durable, monkeypatch, tmp_path):
    sim, store = durable
    writes_per_thread, threads_count = 25, 12
    with sim.serve(store=store) as server:
        calls = _counting_flush(monkeypatch)
        acknowledged: list[str] = []
        lock = threading.Lock()

        def write(n: int) -> None:
            ddb = client(server.url)
            for i in range(writes_per_thread):
                ddb.put_item(TableName="grouped", Item={"pk": {"S": f"{n}-{i}"}})
                with lock:
                    acknowledged.append(f"{n}-{i}")

        threads = [threading.Thread(target=write, args=(n,)) for n in range(threads_count)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join(60)
    assert len(acknowledged) == writes_per_thread * threads_count
    assert len(calls) < len(acknowledged)  # grouped
    store.close(snapshot=False)
    reopened = dynasim.Simulator()
    store2 = persistence.open_store(reopened, tmp_path)
    stored = {item["pk"]["S"] for item in reopened.engine.tables["grouped"].items()}
    assert set(acknowledged) <= stored
    store2.close(snapshot=False)


def test_writes_from_other_threads_still_fsync_before_they_return(durable, monkeypatch):
    sim, store = durable
    with sim.serve(store=store):
        calls = _counting_flush(monkeypatch)
        sim.client().put_item(TableName="grouped", Item={"pk": {"S": "in-process"}})
        assert len(calls) == 1
        assert store.unsynced_seq() == 0


def test_a_failed_fsync_answers_with_errors_not_acknowledgements(durable, monkeypatch, caplog):
    sim, store = durable
    with sim.serve(store=store) as server:

        def broken(fd: int) -> None:
            raise OSError(5, "Input/output error")

        monkeypatch.setattr(log_module, "flush_to_disk", broken)
        with Connection(server.port) as conn:
            conn.send(_put("never-acknowledged"))
            status, _, body = conn.response()
            assert status == 500 and json.loads(body)["__type"].endswith("#InternalServerError")
            conn.send(_put("refused"))  # the store refuses writes from now on
            assert conn.response()[0] == 500
    assert "could not fsync" in caplog.text
