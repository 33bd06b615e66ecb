"""kill -9 at any moment: every acknowledged write survives and the store always loads.

The server runs as a real `python -m dynasim serve --data-dir` process, written to by real boto3
clients from several threads, with a small snapshot threshold so snapshots (and log truncations) happen
all the time, and is killed with SIGKILL at a random moment. Every wait is bounded.
"""

from __future__ import annotations

import os
import random
import signal
import subprocess
import sys
import threading
import time

import pytest
from botocore.config import Config
from http_helpers import SCHEMA, ServerProcess, client

import dynasim
from dynasim import persistence
from dynasim.persistence.store import LOG, SNAPSHOT

WRITERS = 4
CLIENT_CONFIG = Config(retries={"max_attempts": 0}, connect_timeout=2, read_timeout=5)


class Writers:
    """Threads putting unique items and bumping a counter item; they keep what was acknowledged."""

    def __init__(self, url: str, round_number: int) -> None:
        self.acknowledged: list[str] = []
        self.counter_acknowledged = 0
        self.counter_sent = round_number * 1_000_000  # each round counts on from above the last
        self.stop = threading.Event()
        self.lock = threading.Lock()
        self.threads = [
            threading.Thread(target=self._write, args=(url, f"r{round_number}w{n}"), daemon=True)
            for n in range(WRITERS)
        ]
        for thread in self.threads:
            thread.start()

    def _write(self, url: str, prefix: str) -> None:
        ddb = client(url, config=CLIENT_CONFIG)
        i = 0
        while not self.stop.is_set():
            try:
                if prefix.endswith("w0") and i % 5 == 0:
                    with self.lock:
                        self.counter_sent += 1
                        value = self.counter_sent
                    ddb.put_item(TableName="crash", Item={"pk": {"S": "counter"}, "v": {"N": str(value)}})
                    with self.lock:
                        self.counter_acknowledged = max(self.counter_acknowledged, value)
                else:
                    key = f"{prefix}-{i}"
                    ddb.put_item(TableName="crash", Item={"pk": {"S": key}, "pad": {"B": os.urandom(64)}})
                    with self.lock:
                        self.acknowledged.append(key)
            except Exception:
                return  # the server is gone
            i += 1

    def join(self) -> None:
        self.stop.set()
        for thread in self.threads:
            thread.join(15)


@pytest.mark.parametrize("fsync", ["always", "interval", "never"])
def test_kill_9_during_writes_loses_no_acknowledged_write(tmp_path, fsync):
    data = str(tmp_path / "data")
    rng = random.Random(f"crash-{fsync}")
    acknowledged: set[str] = set()
    counter_floor = 0
    last_round: list[str] = []
    arguments = ("--data-dir", data, "--fsync", fsync, "--snapshot-bytes", "6000")
    rounds = 4 if fsync == "always" else 2
    for round_number in range(rounds):
        with ServerProcess(*arguments) as server:
            assert server.url, server.output()
            ddb = client(server.url, config=CLIENT_CONFIG)
            if round_number == 0:
                ddb.create_table(TableName="crash", **SCHEMA)
            # the latest acknowledged writes (and, at the end, all of them) are there
            latest = last_round[-50:] + rng.sample(sorted(acknowledged), min(50, len(acknowledged)))
            missing = set(latest) - _present(ddb, latest)
            assert not missing, f"round {round_number}: lost acknowledged writes {sorted(missing)[:5]}"
            counter = _counter(ddb)
            assert counter >= counter_floor
            writers = Writers(server.url, round_number)
            time.sleep(rng.uniform(0.3, 1.2))
            server.process.send_signal(signal.SIGKILL)
            server.process.wait(10)
            writers.join()
            acknowledged.update(writers.acknowledged)
            last_round = writers.acknowledged
            counter_floor = max(counter_floor, writers.counter_acknowledged)
            assert writers.acknowledged, "the writers never got going"
    sim = dynasim.Simulator()
    store = persistence.open_store(sim, data)
    table = sim.engine.tables["crash"]
    stored = {item["pk"]["S"] for item in table.items()}
    assert acknowledged <= stored
    assert int(table.get("counter")["v"]["N"]) >= counter_floor
    store.close()


def _present(ddb, keys: list[str]) -> set[str]:
    found = set()
    for key in keys:
        if "Item" in ddb.get_item(TableName="crash", Key={"pk": {"S": key}}):
            found.add(key)
    return found


def _counter(ddb) -> int:
    item = ddb.get_item(TableName="crash", Key={"pk": {"S": "counter"}}).get("Item")
    return int(item["v"]["N"]) if item else 0


def _fill(directory: str, items: int) -> None:
    """A store whose whole content is in the log (no snapshot), so loading it takes a while."""
    sim = dynasim.Simulator()
    store = persistence.open_store(sim, directory, fsync="never", snapshot_bytes=2**40)
    ddb = sim.client()
    ddb.create_table(TableName="big", **SCHEMA)
    for i in range(items):
        sim.handle("PutItem", {"TableName": "big", "Item": {"pk": {"S": f"k{i}"}, "v": {"S": "x" * 100}}})
    store.close(snapshot=False)


def test_kill_9_during_loading_never_breaks_the_store(tmp_path):
    data = str(tmp_path / "data")
    items = 20000
    _fill(data, items)
    with open(os.path.join(data, LOG), "ab") as log_file:
        log_file.write(b"\x00\x00\x01\x00torn")  # a torn last record, cut off on loading
    started = time.monotonic()
    sim = dynasim.Simulator()
    persistence.open_store(sim, data).close(snapshot=False)
    load_time = time.monotonic() - started
    for fraction in (0.0, 0.1, 0.3, 0.5, 0.8, 1.2):
        process = subprocess.Popen(
            [sys.executable, "-m", "dynasim", "serve", "--port", "0", "--data-dir", data, "--quiet"],
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        time.sleep(0.3 + fraction * load_time)  # interpreter start-up, then part of the load
        process.kill()
        process.wait(10)
    sim = dynasim.Simulator()
    store = persistence.open_store(sim, data)
    assert sim.engine.tables["big"].item_count == items
    store.close()  # with a final snapshot ...
    process = subprocess.Popen(
        [sys.executable, "-m", "dynasim", "serve", "--port", "0", "--data-dir", data, "--quiet"],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    time.sleep(0.6)  # ... killed while it loads the snapshot
    process.kill()
    process.wait(10)
    assert os.path.exists(os.path.join(data, SNAPSHOT))
    sim = dynasim.Simulator()
    store = persistence.open_store(sim, data)
    assert sim.engine.tables["big"].item_count == items
    store.close(snapshot=False)


def test_a_failed_snapshot_does_not_fail_the_write(tmp_path, monkeypatch, caplog):
    sim = dynasim.Simulator()
    store = persistence.open_store(sim, tmp_path, snapshot_bytes=500)

    def refuse(source, destination):
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(os, "replace", refuse)
    ddb = sim.client()
    ddb.create_table(TableName="unsnapped", **SCHEMA)
    for i in range(20):
        ddb.put_item(TableName="unsnapped", Item={"pk": {"S": f"k{i}"}, "v": {"S": "y" * 40}})
    assert "snapshot of" in caplog.text
    monkeypatch.undo()
    store.close(snapshot=False)
    sim2 = dynasim.Simulator()
    store2 = persistence.open_store(sim2, tmp_path)
    assert sim2.engine.tables["unsnapped"].item_count == 20
    store2.close()
