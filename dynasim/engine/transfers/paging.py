"""Paging the List operations of exports, imports and bulk loads: oldest first, a page of `limit`
records, and a NextToken when more follow. The token is the last listed record's ARN in hex, padded
to what the service model's pattern for ListImports' and ListBulkOperations' tokens asks
(`([0-9a-f]{16})+`, at least 112 characters), so one form serves the three operations. A token
that names no listed record starts past the end (an empty page), as a stale token would."""

from __future__ import annotations

from typing import Any

from dynasim.engine.transfers.state import Record

_TOKEN_BYTES = 56  # 112 hex digits


def token_of(arn: str) -> str:
    data = arn.encode()
    size = max(_TOKEN_BYTES, -(-len(data) // 8) * 8)
    return data.ljust(size, b"\0").hex()


def arn_of(token: str) -> str | None:
    try:
        return bytes.fromhex(token).rstrip(b"\0").decode()
    except ValueError:  # not hex, or not UTF-8 inside
        return None


def page(records: list[Record], token: Any, limit: int) -> tuple[list[Record], str | None]:
    """The records of one page, and the NextToken of the next (None: this page is the last)."""
    if token is not None:
        start = arn_of(token) if isinstance(token, str) else None
        arns = [record.arn for record in records]
        records = records[arns.index(start) + 1 :] if start in arns else []
    listed = records[:limit]
    return listed, token_of(listed[-1].arn) if len(records) > limit else None
