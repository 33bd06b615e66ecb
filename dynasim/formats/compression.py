"""Compression of export data files (GZIP, always) and import sources (NONE, GZIP or ZSTD)."""

from __future__ import annotations

import gzip
import io

from dynasim.formats.extras import require

COMPRESSIONS = ("NONE", "GZIP", "ZSTD")


def gzip_compress(data: bytes) -> bytes:
    """An export's data file: gzip with no timestamp, so the same items give the same bytes."""
    return gzip.compress(data, mtime=0)


def decompress(data: bytes, compression: str) -> bytes:
    """An import source object's bytes, uncompressed as its InputCompressionType says. Raises
    ValueError (or the compression library's error) for data that is not so compressed."""
    if compression == "NONE":
        return data
    if compression == "GZIP":
        return gzip.decompress(data)  # every member of a multi-member file
    if compression == "ZSTD":
        zstandard = require("zstandard", "ZSTD-compressed imports")
        reader = zstandard.ZstdDecompressor().stream_reader(io.BytesIO(data), read_across_frames=True)
        decompressed: bytes = reader.read()
        return decompressed
    raise ValueError(f"InputCompressionType is one of {', '.join(COMPRESSIONS)}, not {compression!r}")
