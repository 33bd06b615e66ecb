"""The snapshot file: every table's settings and items, one JSON document a line, each line checked.

Lines of version 2 are `[CRC,DOCUMENT]`, where CRC is the CRC-32 of DOCUMENT's bytes chained from the
line before (`zlib.crc32(document, previous)`): an edited line fails its own check, a deleted one the
next line's. The first document is the header `{"format", "version", "seq"}`, then each table
`{"table": settings}` followed by its items `{"item": item}`, then each feature's saved state
`{"feature": name, "state": ...}` (not counted by the footer), and last the footer
`{"end": true, "tables": n, "items": m}`. A file that ends before its footer, holds anything after
it, or holds other counts than it gives is damaged. Snapshots are written whole and renamed into
place, so unlike the log's last record no crash leaves one cut short: any damage here is damage.

Version 1 (written before the checksums) has bare documents; it is still read, checked only by its
footer, and the next snapshot replaces it with version 2.
"""

from __future__ import annotations

import zlib
from collections.abc import Iterator
from typing import IO, Any

from dynasim.persistence import codec
from dynasim.persistence.errors import DamagedStore, StoreError

FORMAT = "dynasim-store"
VERSION = 2
READABLE_VERSIONS = (1, 2)


class Writer:
    """Writes a snapshot to an open binary file: `write` each table and item document, then `finish`."""

    def __init__(self, handle: IO[bytes], seq: int) -> None:
        self.handle = handle
        self.chain = 0
        self.tables = 0
        self.items = 0
        self._line({"format": FORMAT, "version": VERSION, "seq": seq})

    def write(self, document: dict[str, Any]) -> None:
        if "table" in document:
            self.tables += 1
        elif "item" in document:
            self.items += 1
        self._line(document)

    def finish(self) -> None:
        self._line({"end": True, "tables": self.tables, "items": self.items})

    def _line(self, document: dict[str, Any]) -> None:
        encoded = codec.dumps(document)
        self.chain = zlib.crc32(encoded, self.chain)
        self.handle.write(b"[%d," % self.chain + encoded + b"]\n")


class _Bad(Exception):
    """What is wrong with one line (turned into `DamagedStore` with the line's place)."""


def read(handle: IO[bytes], path: str) -> Iterator[dict[str, Any]]:
    """The header, then each table and item document, in order; `DamagedStore` where the file is
    damaged (after the intact documents before it), `StoreError` if it is not a snapshot at all."""
    offset = 0
    chain = 0
    version = 0
    tables = items = 0
    footer: dict[str, Any] | None = None
    footer_offset = 0
    for number, line in enumerate(handle, start=1):
        try:
            if footer is not None:
                raise _Bad("follows the footer (the file was changed after it was written)")
            if not line.endswith(b"\n"):
                raise _Bad("is cut short: the file ends in the middle of it (truncated)")
            if number == 1:
                document, version = _header(line, path)
                chain = _checksum(line) if version >= 2 else 0
            elif version >= 2:
                encoded = _checked_document(line)
                if encoded is None or zlib.crc32(encoded, chain) != _checksum(line):
                    raise _Bad("fails its checksum: it was changed, or the line before it removed")
                chain = _checksum(line)
                document = _document(encoded)
            else:
                document = _document(line)
        except _Bad as bad:
            raise DamagedStore(path, offset, f"line {number} {bad}", f"{_lines_after(path, offset)} line(s)") from None
        if number == 1:
            yield document
        elif "end" in document:
            footer, footer_offset = document, offset
        else:
            tables += "table" in document
            items += "item" in document
            yield document
        offset += len(line)
    if offset == 0:
        raise DamagedStore(path, 0, "the file is empty", "nothing")
    if footer is None:
        raise DamagedStore(path, offset, "the file ends before its footer (truncated)", "nothing")
    if (footer.get("tables"), footer.get("items", items)) != (tables, items):
        raise DamagedStore(
            path,
            footer_offset,
            f"its footer counts {footer.get('tables')} table(s) and {footer.get('items')} item(s), the file "
            f"holds {tables} and {items}: lines were removed or added",
            "nothing",
        )


def _header(line: bytes, path: str) -> tuple[dict[str, Any], int]:
    if line.startswith(b"["):  # version 2 and later: checked like every line
        encoded = _checked_document(line)
        if encoded is None or zlib.crc32(encoded) != _checksum(line):
            raise _Bad("(the header) fails its checksum")
    else:
        encoded = line
    try:
        header = codec.loads(encoded)
    except ValueError:
        raise _Bad("(the header) is not a snapshot header") from None
    if not isinstance(header, dict) or header.get("format") != FORMAT:
        raise StoreError(f"{path} is not a dynasim store snapshot")
    version = header.get("version")
    if version not in READABLE_VERSIONS or line.startswith(b"[") != (version >= 2):
        raise StoreError(f"{path} is not a dynasim store snapshot of version {VERSION} or older")
    return header, version


def _checked_document(line: bytes) -> bytes | None:
    """The document of a `[CRC,DOCUMENT]` line, or None if the line is not of that shape."""
    comma = line.find(b",")
    if not line.startswith(b"[") or comma == -1 or not line.endswith(b"]\n") or not line[1:comma].isdigit():
        return None
    return line[comma + 1 : -2]


def _checksum(line: bytes) -> int:
    return int(line[1 : line.index(b",")])


def _document(encoded: bytes) -> dict[str, Any]:
    try:
        document = codec.loads(encoded)
    except ValueError:
        raise _Bad("is not a JSON document") from None
    if not isinstance(document, dict):
        raise _Bad("is not a snapshot entry")
    return document


def _lines_after(path: str, offset: int) -> int:
    """How many lines the file holds after the one at `offset` (read again: damage is rare)."""
    with open(path, "rb") as again:
        again.seek(offset)
        again.readline()
        return sum(1 for _ in again)
