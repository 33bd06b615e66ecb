"""The append-only log: one record per committed operation, framed so a torn tail is detected.

A record is an 8-byte header — payload length and CRC-32 of the payload, both big-endian unsigned
32-bit — followed by the payload (one JSON document). Reading stops at the first record that is
incomplete, empty or fails its checksum: that is where a crash cut the last write short, and the
file is truncated there before anything is appended again.
"""

from __future__ import annotations

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


def read(data: bytes) -> tuple[list[Any], int]:
    """The records at the start of `data` that are whole and intact, and the length they span."""
    records: list[Any] = []
    position, size = 0, len(data)
    while position + _HEADER.size <= size:
        length, checksum = _HEADER.unpack_from(data, position)
        start = position + _HEADER.size
        end = start + length
        if length == 0 or end > size:
            break
        payload = data[start:end]
        if zlib.crc32(payload) != checksum:
            break
        try:
            records.append(codec.loads(payload))
        except ValueError:
            break
        position = end
    return records, position


class Log:
    """The log file, open for appending."""

    def __init__(self, path: str) -> None:
        self.path = path
        self.fd = os.open(path, os.O_RDWR | os.O_CREAT | os.O_APPEND, 0o644)
        self.size = os.fstat(self.fd).st_size

    def load(self) -> list[Any]:
        """Every intact record; a torn or corrupt tail is cut off the file."""
        with open(self.path, "rb") as handle:
            data = handle.read()
        records, valid = read(data)
        if valid < len(data):
            logger.warning(
                "%s: dropping %d bytes of an incomplete last record (a write cut short by a crash)",
                self.path,
                len(data) - valid,
            )
            os.ftruncate(self.fd, valid)
            flush_to_disk(self.fd)
        self.size = valid
        return records

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
