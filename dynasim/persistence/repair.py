"""`dynasim repair DIR`: make a damaged store load again, keeping everything before the damage.

The store's data is, in order, the snapshot's lines and then the log's records; each depends on what
comes before it. So repair keeps the intact part before the first damage and moves the rest aside, to
files next to the originals named `<file>.damaged-<UTC time>` (nothing is deleted):

* a damaged snapshot: its intact lines are written to a new snapshot (the same sequence number), the
  damaged file is moved aside whole, and so is the log, whose records come after it;
* a damaged log (or a torn last record): the bytes from the damage on are moved aside and the log is
  cut there.

Each step writes and fsyncs the moved-aside copy before it changes the original, so a crash during
repair loses nothing; running repair again finishes the job.
"""

from __future__ import annotations

import dataclasses
import os
import shutil
import time
from typing import Any

from dynasim.persistence import log, snapshot
from dynasim.persistence.errors import DamagedStore, StoreError
from dynasim.persistence.log import flush_to_disk
from dynasim.persistence.store import LOG, SNAPSHOT, lock_directory, sync_directory


@dataclasses.dataclass
class Repair:
    """What `repair` found and did, one sentence a file."""

    directory: str
    actions: list[str] = dataclasses.field(default_factory=list)
    repaired: bool = False  # something was damaged (or torn) and has been moved aside

    def __str__(self) -> str:
        return "\n".join(self.actions)


def repair(directory: str | os.PathLike[str]) -> Repair:
    """Repair the store in `directory` (which no process may have open); see the module's documentation."""
    directory = os.fspath(directory)
    if not os.path.isdir(directory):
        raise StoreError(f"{directory} is not a directory")
    lock = lock_directory(directory)
    try:
        report = Repair(directory)
        if not _repair_snapshot(directory, report):
            _repair_log(directory, report)
        sync_directory(directory)
        return report
    finally:
        lock.close()


def _repair_snapshot(directory: str, report: Repair) -> bool:
    """Rewrite a damaged snapshot from its intact lines; whether it was damaged."""
    path = os.path.join(directory, SNAPSHOT)
    if not os.path.exists(path):
        report.actions.append(f"{path}: none (nothing to check)")
        return False
    header: dict[str, Any] | None = None
    documents: list[dict[str, Any]] = []
    with open(path, "rb") as handle:
        try:
            for document in snapshot.read(handle, path):
                if header is None:
                    header = document
                else:
                    documents.append(document)
        except DamagedStore as error:
            damage = error
        else:
            tables = sum("table" in document for document in documents)
            items = sum("item" in document for document in documents)  # features' lines are neither
            report.actions.append(f"{path}: intact ({tables} table(s), {items} item(s))")
            return False
    # In an order that a crash at any point leaves for the next repair to finish: the log first (it
    # must not be replayed onto the shorter snapshot), then a copy of the damaged snapshot, then the
    # new snapshot in its place in one rename.
    log_action = _move_log_aside(directory)
    aside = _aside_name(path)
    shutil.copyfile(path, aside)
    with open(aside, "rb") as copy:
        flush_to_disk(copy.fileno())
    seq = int(header["seq"]) if header is not None else 0
    temporary = path + ".tmp"
    with open(temporary, "wb") as handle:
        writer = snapshot.Writer(handle, seq)
        for document in documents:
            writer.write(document)
        writer.finish()
        handle.flush()
        flush_to_disk(handle.fileno())
    os.replace(temporary, path)
    report.repaired = True
    report.actions.append(
        f"{path}: damaged at byte {damage.offset} ({damage.reason}); kept the {writer.tables} table(s) and "
        f"{writer.items} item(s) before it in a new snapshot; moved the damaged file "
        f"({os.path.getsize(aside)} bytes) to {aside}"
    )
    if log_action:
        report.actions.append(log_action)
    return True


def _move_log_aside(directory: str) -> str | None:
    """The log's records build on the whole snapshot: after a damaged one, all of them go aside."""
    path = os.path.join(directory, LOG)
    if not os.path.exists(path) or os.path.getsize(path) == 0:
        return None
    records = len(log.read(_read(path))[0])
    aside = _aside_name(path)
    size = os.path.getsize(path)
    os.rename(path, aside)
    sync_directory(directory)
    return f"{path}: its {records} record(s) come after the damaged snapshot; moved it ({size} bytes) to {aside}"


def _repair_log(directory: str, report: Repair) -> None:
    path = os.path.join(directory, LOG)
    if not os.path.exists(path):
        report.actions.append(f"{path}: none (nothing to check)")
        return
    data = _read(path)
    scan = log.scan(data)
    if scan.valid == scan.size:
        report.actions.append(f"{path}: intact ({len(scan.records)} record(s))")
        return
    aside = _aside_name(path)
    with open(aside, "xb") as moved:
        moved.write(data[scan.valid :])
        moved.flush()
        flush_to_disk(moved.fileno())
    sync_directory(directory)
    with open(path, "r+b") as handle:
        handle.truncate(scan.valid)
        flush_to_disk(handle.fileno())
    what = (
        f"damaged at byte {scan.valid} ({scan.damage}, {scan.following} intact record(s) after it)"
        if scan.damage is not None
        else f"a torn last record at byte {scan.valid} (a write cut short by a crash)"
    )
    report.repaired = True
    report.actions.append(
        f"{path}: {what}; kept the {len(scan.records)} record(s) before it; moved the remaining "
        f"{scan.size - scan.valid} bytes to {aside}"
    )


def _read(path: str) -> bytes:
    with open(path, "rb") as handle:
        return handle.read()


def _aside_name(path: str) -> str:
    """`<path>.damaged-<UTC time>`, with a counter if a repair in the same second made one already."""
    base = f"{path}.damaged-{time.strftime('%Y%m%dT%H%M%SZ', time.gmtime())}"
    candidate, number = base, 1
    while os.path.exists(candidate):
        number += 1
        candidate = f"{base}-{number}"
    return candidate
