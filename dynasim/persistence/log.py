"""The append-only log: one record per committed operation, framed so damage is detected.

A record is an 8-byte header — payload length and CRC-32 of the payload, both big-endian unsigned
32-bit — followed by the payload (one JSON document, `{"seq":...}`). Reading stops at the first
record that is incomplete, empty or fails its checksum, and `scan` decides what that record is:

* a **torn tail**: the last write, cut short by a crash before it was acknowledged. It is dropped
  (the file is truncated there before anything is appended again), with a warning.
* **damage**: anything else — a changed byte, a lost page, an edit. Loading refuses it, naming the
  offset and how many intact records follow; `repair` keeps what comes before and moves the rest aside.

A torn tail is a bad record that no intact record follows, and that is either cut short (the file
ends before the length its header gives, and the bytes there do not match its checksum) or ends in
zeros from a sector boundary (or from its header) to the end of the file. The zeros are a torn tail
because file systems such as XFS and ext4 extend a file's size before its data reaches the disk, and
after a crash read the unwritten sectors back as zeros: whole 512-byte sectors, so such a run starts
at a sector boundary. A payload never holds a zero byte (JSON escapes them), so zeros that start
elsewhere, a complete record with a changed byte, or a length field whose record is whole under
its checksum are damage: a crash does not make them.
"""

from __future__ import annotations

import dataclasses
import logging
import os
import struct
import zlib
from typing import Any

from dynasim.persistence import codec

try:
    import fcntl
except ImportError:  # Windows
    fcntl = None  # type: ignore[assignment]

logger = logging.getLogger("dynasim.persistence")

_HEADER = struct.Struct(">II")
MAX_RECORD_BYTES = 2**31


def flush_to_disk(fd: int) -> None:
    """fsync, and on macOS F_FULLFSYNC: there fsync() leaves the data in the drive's cache."""
    if fcntl is not None and hasattr(fcntl, "F_FULLFSYNC"):
        try:
            fcntl.fcntl(fd, fcntl.F_FULLFSYNC)
            return
        except OSError:  # a file system without it
            pass
    os.fsync(fd)


def frame(payload: bytes) -> bytes:
    return _HEADER.pack(len(payload), zlib.crc32(payload)) + payload


SECTOR = 512  # the smallest unit a disk writes: a crash leaves whole sectors unwritten
RECORD_START = b'{"seq":'  # how every payload begins: where `scan` looks for intact records after damage


@dataclasses.dataclass
class Scan:
    """What a log holds: the intact records at its start, and what stops them."""

    records: list[Any]
    valid: int  # the bytes those records span
    size: int  # the file's size
    damage: str | None = None  # why the record at `valid` is damage (None: intact or a torn tail)
    following: int = 0  # intact records found after the damage

    @property
    def torn(self) -> bool:
        """The file ends in a torn tail (dropped on loading)."""
        return self.damage is None and self.valid < self.size


def _record_at(data: bytes, position: int) -> tuple[Any, int] | None:
    """The intact record at `position` and where it ends, or None."""
    start = position + _HEADER.size
    if start > len(data):
        return None
    length, checksum = _HEADER.unpack_from(data, position)
    end = start + length
    if length == 0 or end > len(data):
        return None
    payload = data[start:end]
    if zlib.crc32(payload) != checksum:
        return None
    try:
        return codec.loads(payload), end
    except ValueError:
        return None


def read(data: bytes) -> tuple[list[Any], int]:
    """The records at the start of `data` that are whole and intact, and the length they span."""
    records: list[Any] = []
    position = 0
    while (found := _record_at(data, position)) is not None:
        records.append(found[0])
        position = found[1]
    return records, position


def scan(data: bytes) -> Scan:
    """Read `data` and tell a torn tail from damage (see the module's documentation)."""
    records, valid = read(data)
    result = Scan(records, valid, len(data))
    if valid == len(data):
        return result
    result.following = _intact_records_after(data, valid)
    if result.following or not _is_torn(data, valid):
        result.damage = _what_is_wrong(data, valid)
    return result


def _is_torn(data: bytes, position: int) -> bool:
    zeros_from = len(data.rstrip(b"\0"))
    if zeros_from < len(data) and (zeros_from <= position + _HEADER.size or zeros_from % SECTOR == 0):
        return True  # zeroed sectors at the end (or a header and nothing after it)
    start = position + _HEADER.size
    if start > len(data):
        return True  # even the header is cut short
    length, checksum = _HEADER.unpack_from(data, position)
    # Cut short, unless what is there is the whole record under its checksum: then its length changed.
    return start + length > len(data) and zlib.crc32(data[start:]) != checksum


def _what_is_wrong(data: bytes, position: int) -> str:
    start = position + _HEADER.size
    if start > len(data):
        return "a record header cut short"
    length, _ = _HEADER.unpack_from(data, position)
    if length == 0:
        return "a record of length 0"
    if start + length > len(data):
        return f"a record whose length ({length} bytes) runs past the end of the file"
    return "a record that fails its checksum"


def _intact_records_after(data: bytes, position: int) -> int:
    """How many intact records follow a damaged one: found by their start, checked by their checksum."""
    count = 0
    search = position + 1
    while (found := data.find(RECORD_START, search)) != -1:
        candidate = found - _HEADER.size
        record = _record_at(data, candidate) if candidate >= position else None
        if record is None:
            search = found + 1
            continue
        count += 1
        position = record[1]
        while (record := _record_at(data, position)) is not None:  # the rest of an intact run
            count += 1
            position = record[1]
        search = position + 1
    return count


class Log:
    """The log file, open for appending."""

    def __init__(self, path: str) -> None:
        self.path = path
        self.fd = os.open(path, os.O_RDWR | os.O_CREAT | os.O_APPEND, 0o644)
        self.size = os.fstat(self.fd).st_size

    def load(self) -> Scan:
        """Read the whole log. A torn tail is cut off the file; damage is left as it is, for the
        caller to refuse (see `scan`)."""
        with open(self.path, "rb") as handle:
            data = handle.read()
        result = scan(data)
        if result.torn:
            logger.warning(
                "%s: dropping %d bytes of an incomplete last record (a write cut short by a crash)",
                self.path,
                result.size - result.valid,
            )
            os.ftruncate(self.fd, result.valid)
            flush_to_disk(self.fd)
            self.size = result.valid
        else:
            self.size = result.size
        return result

    def append(self, payload: bytes) -> None:
        record = frame(payload)
        written = os.write(self.fd, record)
        while written < len(record):  # a short write (rare: signals, full disks) continues in place
            written += os.write(self.fd, record[written:])
        self.size += len(record)

    def sync(self) -> None:
        flush_to_disk(self.fd)

    def truncate(self) -> None:
        os.ftruncate(self.fd, 0)
        flush_to_disk(self.fd)
        self.size = 0

    def close(self) -> None:
        os.close(self.fd)
