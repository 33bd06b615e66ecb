"""Partial batches: a BatchWriteItem or BatchGetItem with some of its entries left out, unapplied,
and answered in UnprocessedItems / UnprocessedKeys. Fault rules (`unprocessed=`) and throughput
limits (throttled tables) both leave entries out; this is the one piece of code that does it.
"""

from __future__ import annotations

from typing import Any

from dynasim.engine.touches import Touches

# A batch of items answers with the entries it left out, by its access: its writes in
# UnprocessedItems (at most 25 to a request), its keys to read in UnprocessedKeys (at most 100).
UNPROCESSED = {"write": ("UnprocessedItems", 25), "read": ("UnprocessedKeys", 100)}


def batch_entries(touches: Touches, request: dict[str, Any]) -> list[tuple[str, Any]] | None:
    """(table, entry) for each write request or key of a batch of items (BatchWriteItem,
    BatchGetItem); None if it is not one we can split (not such a batch, malformed, or over
    DynamoDB's size limit: the engine reports that)."""
    if not touches.batch or touches.access not in UNPROCESSED:
        return None
    items = request.get("RequestItems")
    if not isinstance(items, dict):
        return None  # a PartiQL batch: statements, not items
    writes = touches.access == "write"
    entries: list[tuple[str, Any]] = []
    for table, value in items.items():
        if writes:
            if not isinstance(value, list):
                return None
            entries.extend((table, entry) for entry in value)
        else:
            keys = value.get("Keys") if isinstance(value, dict) else None
            if not isinstance(keys, list):
                return None
            entries.extend((table, key) for key in keys)
    if not entries or len(entries) > UNPROCESSED[touches.access][1]:
        return None
    return entries


def split_batch(touches: Touches, request: dict[str, Any], left_out: set[int]) -> tuple[dict[str, Any], dict[str, Any]]:
    """(the request without the entries at positions `left_out`, those entries in the shape of
    UnprocessedItems / UnprocessedKeys). The request given is not changed."""
    writes = touches.access == "write"
    position = 0
    kept: dict[str, Any] = {}
    removed: dict[str, Any] = {}
    for table, value in request["RequestItems"].items():
        entries = value if writes else value["Keys"]
        stay: list[Any] = []
        go: list[Any] = []
        for entry in entries:
            (go if position in left_out else stay).append(entry)
            position += 1
        if writes:
            if stay:
                kept[table] = stay
            if go:
                removed[table] = go
        else:
            if stay:
                kept[table] = {**value, "Keys": stay}
            if go:
                removed[table] = {**value, "Keys": go}
    return {**request, "RequestItems": kept}, removed


def unprocessed_member(touches: Touches) -> str:
    """Where a batch answers the entries it left out: UnprocessedItems or UnprocessedKeys."""
    return UNPROCESSED[touches.access][0]


def merge_unprocessed(touches: Touches, response: dict[str, Any], removed: dict[str, Any]) -> dict[str, Any]:
    """Add the entries left out of a batch to its response's UnprocessedItems / UnprocessedKeys."""
    unprocessed_map = response.setdefault(unprocessed_member(touches), {})
    for table, value in removed.items():
        if touches.access == "write":
            unprocessed_map.setdefault(table, []).extend(value)
        elif table in unprocessed_map:
            unprocessed_map[table]["Keys"].extend(value["Keys"])
        else:
            unprocessed_map[table] = value
    return response


def leave_out(
    touches: Touches, request: dict[str, Any], chosen: set[int], left_out: dict[str, Any] | None
) -> tuple[dict[str, Any], dict[str, Any] | None]:
    """(the request without the entries at positions `chosen`, every entry left out so far and
    now, in the shape of UnprocessedItems / UnprocessedKeys)."""
    if not chosen:
        return request, left_out
    reduced, removed = split_batch(touches, request, chosen)
    if left_out:
        member = unprocessed_member(touches)
        removed = merge_unprocessed(touches, {member: removed}, left_out)[member]
    return reduced, removed
