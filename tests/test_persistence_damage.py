"""Damage to a store's files is named, never silent: a torn tail (what a crash leaves) is dropped with a
warning, anything else refuses to load with the file, the byte offset and what follows, and
`dynasim repair` keeps everything before the damage and moves the rest aside."""

from __future__ import annotations

import json
import logging
import os
import re
import struct

import pytest

import dynasim
from dynasim import cli, persistence
from dynasim.persistence.store import LOG, SNAPSHOT

HASH = dict(
    KeySchema=[{"AttributeName": "pk", "KeyType": "HASH"}],
    AttributeDefinitions=[{"AttributeName": "pk", "AttributeType": "S"}],
    BillingMode="PAY_PER_REQUEST",
)
ITEMS = 200
KEYS = [f"k{i:03}" for i in range(ITEMS)]


def open_sim(directory):
    sim = dynasim.Simulator()
    store = persistence.open_store(sim, directory)
    return sim, store


def keys_in(directory) -> list[str]:
    sim, store = open_sim(directory)
    try:
        table = sim.engine.tables.get("ttt")
        return sorted(item["pk"]["S"] for item in table.items()) if table is not None else []
    finally:
        store.close(snapshot=False)


def fill(directory, snapshot: bool = False) -> bytes:
    """A store holding table ttt with ITEMS items: in the log (record 0 creates ttt, record i+1 puts
    KEYS[i]), or with `snapshot` all in the snapshot and an empty log. Returns the file's bytes."""
    sim, store = open_sim(directory)
    ddb = sim.client()
    ddb.create_table(TableName="ttt", **HASH)
    for key in KEYS:
        ddb.put_item(TableName="ttt", Item={"pk": {"S": key}, "v": {"S": "x" * 40}})
    store.close(snapshot=snapshot)
    return (directory / (SNAPSHOT if snapshot else LOG)).read_bytes()


def record_starts(data: bytes) -> list[int]:
    starts, position = [], 0
    while position < len(data):
        starts.append(position)
        (length, _) = struct.unpack_from(">II", data, position)
        position += 8 + length
    return starts


def line_starts(data: bytes) -> list[int]:
    return [0] + [match.end() for match in re.finditer(b"\n", data)][:-1]


def snapshot_keys(data: bytes, lines: int) -> list[str]:
    """The keys of the items among the first `lines` lines of a snapshot (they are in scan order)."""
    documents = [json.loads(line[line.index(b",") + 1 : -1]) for line in data.splitlines()[:lines]]
    return sorted(document["item"]["pk"]["S"] for document in documents if "item" in document)


def refusal(directory) -> persistence.DamagedStore:
    with pytest.raises(persistence.DamagedStore) as caught:
        open_sim(directory)
    return caught.value


def repair(directory) -> persistence.Repair:
    report = persistence.repair(directory)
    assert report.repaired
    return report


def aside_files(directory, name: str) -> list:
    return sorted(directory.glob(f"{name}.damaged-*"))


# --- the log: torn tails ----------------------------------------------------------------------


@pytest.mark.parametrize(
    ("record", "into"),
    [(1, 3), (50, 3), (100, 30), (ITEMS, 8), (ITEMS, 20)],
    ids=["first-put-header", "header", "payload", "last-after-header", "last-payload"],
)
def test_truncation_is_a_torn_tail(tmp_path, caplog, record, into):
    data = fill(tmp_path)
    start = record_starts(data)[record]
    (tmp_path / LOG).write_bytes(data[: start + into])
    with caplog.at_level(logging.WARNING, logger="dynasim.persistence"):
        assert keys_in(tmp_path) == KEYS[: record - 1]
    assert f"dropping {into} bytes of an incomplete last record" in caplog.text
    assert (tmp_path / LOG).read_bytes() == data[:start]  # cut where the intact records end


def test_repair_moves_a_torn_tail_aside(tmp_path):
    data = fill(tmp_path)
    start = record_starts(data)[120]
    (tmp_path / LOG).write_bytes(data[: start + 30])
    report = repair(tmp_path)
    (aside,) = aside_files(tmp_path, LOG)
    assert aside.read_bytes() == data[start : start + 30]
    assert "a torn last record at byte" in str(report) and "kept the 120 record(s)" in str(report)
    assert keys_in(tmp_path) == KEYS[:119]


def test_a_zeroed_tail_page_is_a_torn_tail(tmp_path, caplog):
    data = fill(tmp_path)
    page = (len(data) - 1) // 4096 * 4096  # the file's last 4 KB page, up to its end: never written
    (tmp_path / LOG).write_bytes(data[:page] + bytes(len(data) - page))
    kept = [start for start in record_starts(data) if start < page]
    with caplog.at_level(logging.WARNING, logger="dynasim.persistence"):
        assert keys_in(tmp_path) == KEYS[: len(kept) - 2]  # the record across the page boundary is torn
    assert "incomplete last record" in caplog.text


def test_a_zeroed_page_in_the_middle_is_damage(tmp_path):
    data = fill(tmp_path)
    (tmp_path / LOG).write_bytes(data[:4096] + bytes(4096) + data[8192:])
    starts = record_starts(data)
    damaged = max(start for start in starts if start < 4096)
    following = sum(start >= 8192 for start in starts)
    error = refusal(tmp_path)
    assert (error.path, error.offset) == (str(tmp_path / LOG), damaged)
    assert f"{following} intact record(s) follow it" in str(error)
    assert (tmp_path / LOG).read_bytes() == data[:4096] + bytes(4096) + data[8192:]  # nothing changed
    repair(tmp_path)
    assert keys_in(tmp_path) == KEYS[: starts.index(damaged) - 1]


def test_zeros_that_do_not_start_at_a_sector_boundary_are_damage(tmp_path):
    """A crash leaves whole sectors unwritten; the last bytes of a record turned to zeros are not that."""
    data = fill(tmp_path)
    last = record_starts(data)[-1]
    assert (len(data) - 3) % 512 != 0  # the zeros start inside a sector
    (tmp_path / LOG).write_bytes(data[:-3] + bytes(3))
    error = refusal(tmp_path)
    assert (error.offset, error.reason) == (last, "a record that fails its checksum")
    assert "0 intact record(s) follow it" in str(error)


# --- the log: flipped bytes -------------------------------------------------------------------

PLACES = {
    "first-record-payload": (0, 20),
    "middle-length": (100, 1),
    "middle-length-low-byte": (100, 3),
    "middle-checksum": (100, 5),
    "middle-payload": (100, 40),
    "last-record-payload": (ITEMS, 40),
    "last-record-length": (ITEMS, 2),
    "last-record-final-byte": (ITEMS, -1),
}


@pytest.mark.parametrize("place", PLACES)
def test_a_flipped_byte_is_refused_and_repaired(tmp_path, place):
    data = fill(tmp_path)
    starts = record_starts(data)
    record, at = PLACES[place]
    end = starts[record + 1] if record + 1 < len(starts) else len(data)
    damaged = bytearray(data)
    damaged[(end if at < 0 else starts[record]) + at] ^= 0x10
    (tmp_path / LOG).write_bytes(bytes(damaged))

    error = refusal(tmp_path)
    assert (error.path, error.offset) == (str(tmp_path / LOG), starts[record])
    following = len(starts) - record - 1
    assert str(error).startswith(f"{tmp_path / LOG} is damaged at byte {starts[record]}: ")
    assert f"; {following} intact record(s) follow it. Nothing was changed; `dynasim repair {tmp_path}`" in str(error)
    assert (tmp_path / LOG).read_bytes() == bytes(damaged)

    report = repair(tmp_path)
    (aside,) = aside_files(tmp_path, LOG)
    assert aside.read_bytes() == bytes(damaged[starts[record] :])
    assert f"kept the {record} record(s) before it" in str(report)
    assert f"moved the remaining {len(data) - starts[record]} bytes to {aside}" in str(report)
    assert keys_in(tmp_path) == ([] if record == 0 else KEYS[: record - 1])
    sim, store = open_sim(tmp_path)  # the repaired store takes writes again
    if record == 0:
        sim.client().create_table(TableName="ttt", **HASH)
    sim.client().put_item(TableName="ttt", Item={"pk": {"S": "after"}})
    store.close(snapshot=False)
    assert "after" in keys_in(tmp_path)


# --- the snapshot -----------------------------------------------------------------------------


def edit(line: bytes) -> bytes:
    return line.replace(b'"x', b'"y', 1)


@pytest.mark.parametrize(
    ("line", "change", "reason"),
    [
        (0, lambda line: line.replace(b'"seq":', b'"seq":1'), "line 1 (the header) fails its checksum"),
        (1, lambda line: line.replace(b'"ttt"', b'"uuu"'), "line 2 fails its checksum"),
        (2, edit, "line 3 fails its checksum"),
        (120, edit, "line 121 fails its checksum"),
        (ITEMS + 1, edit, f"line {ITEMS + 2} fails its checksum"),
        (ITEMS + 2, lambda line: line.replace(b"200", b"201"), f"line {ITEMS + 3} fails its checksum"),
        (120, lambda line: b"", "line 121 fails its checksum: it was changed, or the line before it removed"),
        (ITEMS + 1, lambda line: b"", f"line {ITEMS + 2} fails its checksum"),
    ],
    ids=["header", "table", "first-item", "middle-item", "last-item", "footer", "deleted-item", "deleted-last-item"],
)
def test_an_edited_or_deleted_snapshot_line_is_refused_and_repaired(tmp_path, line, change, reason):
    data = fill(tmp_path, snapshot=True)
    starts = line_starts(data)
    assert len(starts) == ITEMS + 3  # header, table, items, footer
    start, end = starts[line], (starts[line + 1] if line + 1 < len(starts) else len(data))
    changed = data[:start] + change(data[start:end]) + data[end:]
    assert changed != data
    sim, store = open_sim(tmp_path)  # and a log after the snapshot: it goes aside with it
    sim.client().put_item(TableName="ttt", Item={"pk": {"S": "logged"}})
    store.close(snapshot=False)
    (tmp_path / SNAPSHOT).write_bytes(changed)

    error = refusal(tmp_path)
    assert (error.path, error.offset) == (str(tmp_path / SNAPSHOT), start)
    assert reason in str(error)
    assert f"{len(changed.splitlines()) - line - 1} line(s) follow it" in str(error)

    report = repair(tmp_path)
    (aside,) = aside_files(tmp_path, SNAPSHOT)
    assert aside.read_bytes() == changed
    kept = snapshot_keys(data, line)
    assert keys_in(tmp_path) == kept
    assert f"kept the {1 if line >= 2 else 0} table(s) and {len(kept)} item(s) before it" in str(report)
    assert "its 1 record(s) come after the damaged snapshot" in str(report)


def test_a_damaged_snapshot_sets_the_whole_log_aside(tmp_path):
    data = fill(tmp_path, snapshot=True)
    sim, store = open_sim(tmp_path)
    sim.client().put_item(TableName="ttt", Item={"pk": {"S": "logged"}})
    store.close(snapshot=False)
    log = (tmp_path / LOG).read_bytes()
    start = line_starts(data)[50]
    (tmp_path / SNAPSHOT).write_bytes(data[:start] + edit(data[start:]))
    report = repair(tmp_path)
    (log_aside,) = aside_files(tmp_path, LOG)
    assert log_aside.read_bytes() == log
    assert "its 1 record(s) come after the damaged snapshot" in str(report)
    assert keys_in(tmp_path) == snapshot_keys(data, 50)


@pytest.mark.parametrize("cut", ["mid-line", "before-footer", "after-header", "empty"])
def test_a_truncated_snapshot_is_refused_and_repaired(tmp_path, cut):
    data = fill(tmp_path, snapshot=True)
    starts = line_starts(data)
    length = {
        "mid-line": starts[100] + 10,
        "before-footer": starts[-1],
        "after-header": starts[1],
        "empty": 0,
    }[cut]
    (tmp_path / SNAPSHOT).write_bytes(data[:length])
    error = refusal(tmp_path)
    assert error.path == str(tmp_path / SNAPSHOT)
    if cut == "mid-line":
        assert error.offset == starts[100]
        assert "line 101 is cut short: the file ends in the middle of it (truncated)" in str(error)
    elif cut == "empty":
        assert (error.offset, error.reason) == (0, "the file is empty")
    else:
        assert (error.offset, error.reason) == (length, "the file ends before its footer (truncated)")
    repair(tmp_path)
    assert keys_in(tmp_path) == snapshot_keys(data, data[:length].count(b"\n"))


def test_a_snapshot_without_checksums_still_loads(tmp_path):
    """Stores written before snapshots had checksums (version 1: bare JSON lines) load as before."""
    data = fill(tmp_path, snapshot=True)
    lines = [line[line.index(b",") + 1 : -1] for line in data.splitlines()]
    lines[0] = lines[0].replace(b'"version":2', b'"version":1')
    (tmp_path / SNAPSHOT).write_bytes(b"\n".join(lines) + b"\n")
    assert keys_in(tmp_path) == KEYS
    sim, store = open_sim(tmp_path)
    store.close()  # the next snapshot is written with checksums
    assert (tmp_path / SNAPSHOT).read_bytes().startswith(b"[")
    (tmp_path / SNAPSHOT).write_bytes(b"\n".join(lines[:-1]) + b"\n")  # even so, truncation is named
    assert refusal(tmp_path).reason == "the file ends before its footer (truncated)"


# --- the command line -------------------------------------------------------------------------


def test_serve_refuses_a_damaged_store_with_exit_1_and_no_traceback(tmp_path, capsys, monkeypatch):
    async def serving(*arguments):
        raise AssertionError("the damaged store was loaded and served")

    monkeypatch.setattr(cli, "_run", serving)  # so that a regression fails here instead of serving forever
    data = bytearray(fill(tmp_path))
    start = record_starts(bytes(data))[10]
    data[start + 30] ^= 1
    (tmp_path / LOG).write_bytes(bytes(data))
    assert cli.main(["serve", "--port", "0", "--quiet", "--data-dir", str(tmp_path)]) == 1
    err = capsys.readouterr().err
    assert err.startswith(f"dynasim: {tmp_path / LOG} is damaged at byte {start}: a record that fails its checksum")
    assert "Traceback" not in err
    (tmp_path / SNAPSHOT).write_bytes(b'[1,{"format"')  # a snapshot cut short: named too
    assert cli.main(["serve", "--port", "0", "--quiet", "--data-dir", str(tmp_path)]) == 1
    assert capsys.readouterr().err.startswith(f"dynasim: {tmp_path / SNAPSHOT} is damaged at byte 0: line 1 is cut")


def test_repair_command(tmp_path, capsys):
    data = bytearray(fill(tmp_path))
    start = record_starts(bytes(data))[150]
    data[start + 30] ^= 1
    (tmp_path / LOG).write_bytes(bytes(data))
    assert cli.main(["repair", str(tmp_path)]) == 0
    out = capsys.readouterr().out
    (aside,) = aside_files(tmp_path, LOG)
    assert f"{tmp_path / SNAPSHOT}: none (nothing to check)" in out
    assert (
        f"{tmp_path / LOG}: damaged at byte {start} (a record that fails its checksum, {ITEMS - 150} intact "
        f"record(s) after it); kept the 150 record(s) before it; moved the remaining {len(data) - start} bytes "
        f"to {aside}" in out
    )
    assert out.endswith(f"dynasim: {tmp_path} repaired\n")
    assert cli.main(["repair", str(tmp_path)]) == 0
    assert capsys.readouterr().out.endswith(f"dynasim: {tmp_path}: nothing to repair\n")
    assert keys_in(tmp_path) == KEYS[:149]


def test_repair_refuses_a_store_in_use_or_missing(tmp_path, capsys):
    sim, store = open_sim(tmp_path)
    assert cli.main(["repair", str(tmp_path)]) == 1
    assert "is in use by another dynasim process" in capsys.readouterr().err
    store.close()
    assert cli.main(["repair", str(tmp_path / "missing")]) == 1
    assert "is not a directory" in capsys.readouterr().err
    assert not os.path.exists(tmp_path / "missing")
