"""Key ranges and scan order: how a sort-key condition becomes bounds on a sorted structure, and
where each partition stands in the order a Scan visits them."""

from __future__ import annotations

import hashlib
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from decimal import Decimal
from functools import total_ordering
from typing import Any

TOKEN_SPACE = 1 << 64  # scan tokens are 64-bit; parallel-scan segments split this space evenly


@total_ordering
class _Top:
    """Greater than every key value: `(v, TOP)` sorts after every tuple that starts with v."""

    def __eq__(self, other: object) -> bool:
        return other is self

    def __gt__(self, other: object) -> bool:
        return other is not self

    def __hash__(self) -> int:
        return 0


TOP: Any = _Top()


@dataclass(frozen=True)
class SortRange:
    """Bounds on a sort key (ordering values, see `values.sort_key`); None means unbounded."""

    low: Any = None
    low_inclusive: bool = True
    high: Any = None
    high_inclusive: bool = True

    @staticmethod
    def prefix(prefix: str | bytes) -> SortRange:
        """The keys that begin with `prefix` (begins_with on S or B)."""
        return SortRange(prefix, True, _successor(prefix), False)

    def after(self, start: Any, forward: bool) -> SortRange:
        """This range, narrowed to what comes after `start` in the reading direction."""
        if forward:
            if self.low is None or start >= self.low:
                return SortRange(start, False, self.high, self.high_inclusive)
            return self
        if self.high is None or start <= self.high:
            return SortRange(self.low, self.low_inclusive, start, False)
        return self

    def contains(self, key: Any) -> bool:
        """Whether `key` lies within the bounds."""
        if self.low is not None and (key < self.low or (key == self.low and not self.low_inclusive)):
            return False
        return not (self.high is not None and (key > self.high or (key == self.high and not self.high_inclusive)))

    def irange_args(self) -> dict[str, Any]:
        """Keyword arguments for SortedDict.irange over plain sort-key values."""
        return {
            "minimum": self.low,
            "maximum": self.high,
            "inclusive": (self.low_inclusive, self.high_inclusive),
        }

    def tuple_irange_args(self, prefix: tuple[Any, ...] = ()) -> dict[str, Any]:
        """Keyword arguments for SortedList.irange over tuples that start with `prefix` and then
        the sort key (a multi-attribute sort key fixes its first values by equality)."""
        if self.low is None:
            low = prefix or None
        else:
            low = (*prefix, self.low) if self.low_inclusive else (*prefix, self.low, TOP)
        if self.high is None:
            high = (*prefix, TOP) if prefix else None
        else:
            high = (*prefix, self.high, TOP) if self.high_inclusive else (*prefix, self.high)
        return {"minimum": low, "maximum": high}


EVERYTHING = SortRange()


def _successor(prefix: str | bytes) -> str | bytes | None:
    """The least key greater than every key beginning with `prefix` (None: there is none)."""
    if isinstance(prefix, str):
        for end in range(len(prefix), 0, -1):
            code = ord(prefix[end - 1])
            if code < 0x10FFFF:
                return prefix[: end - 1] + chr(code + 1)
        return None
    for end in range(len(prefix), 0, -1):
        if prefix[end - 1] < 0xFF:
            return prefix[: end - 1] + bytes([prefix[end - 1] + 1])
    return None


def token(key: Any) -> int:
    """A partition key's stable place in scan order (the same in every process and run); a
    multi-attribute partition key is a tuple of values, hashed together."""
    if isinstance(key, tuple):
        parts = [_token_bytes(part) for part in key]
        data = b"".join(len(part).to_bytes(4, "big") + part for part in parts)
    else:
        data = _token_bytes(key)
    return int.from_bytes(hashlib.blake2b(data, digest_size=8).digest(), "big")


def _token_bytes(key: Any) -> bytes:
    if isinstance(key, str):
        return b"S" + key.encode("utf-8", "surrogatepass")
    if isinstance(key, Decimal):
        return b"N" + str(key).encode()
    return b"B" + bytes(key)


def segment_bounds(segment: int, total_segments: int) -> tuple[int, int]:
    """The token range [low, high) of one parallel-scan segment."""
    return segment * TOKEN_SPACE // total_segments, (segment + 1) * TOKEN_SPACE // total_segments


def scan_partitions(
    order: Any,
    entries: Callable[[Any, Any], Iterator[Any]],
    token_low: int = 0,
    token_high: int = TOKEN_SPACE,
    start: tuple[Any, Any] | None = None,
) -> Iterator[tuple[Any, Any]]:
    """(partition key, entry) pairs in scan order.

    `order` is a SortedList of (token, partition key); `entries(key, after)` lists a partition's
    entries after `after` (None: from its start). Only partitions whose token lies in
    [token_low, token_high) are visited; `start` = (partition key, entry) resumes just after
    that entry, as a Scan's ExclusiveStartKey does.
    """
    minimum: tuple[Any, ...] = (token_low,)
    if start is not None:
        start_key, after = start
        position = (token(start_key), start_key)
        if position in order:
            for entry in entries(start_key, after):
                yield start_key, entry
        minimum = max(minimum, (position[0], start_key, TOP))
    for _, key in order.irange(minimum=minimum, maximum=(token_high,), inclusive=(True, False)):
        for entry in entries(key, None):
            yield key, entry
