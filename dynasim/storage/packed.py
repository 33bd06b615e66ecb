"""Items as a table keeps them: a tuple of the top-level values' payloads, then the item's shape.

An item in wire form spends a dict on each attribute value (`{"N": "12"}`: about 180 bytes) and
one on the item; most of a table's items have one of a few shapes (the same attribute names with
the same types, in the same order). So a stored item is `(*payloads, shape)`, the `Shape` shared by
every item that has it: a six-attribute item takes a tuple of about 120 bytes instead of seven
dicts of about 1,400 (the payloads themselves are kept as they are, nested maps and lists
included). Reads get a wire-form item back (`unpack`): the one a reader still holds, or a new one.
"""

from __future__ import annotations

import copy
import weakref
from collections.abc import Callable
from typing import Any

from dynasim.values import Item

Packed = tuple[Any, ...]

# Past this many shapes in one table, new shapes are kept per item instead of shared: a table
# whose items all differ in shape must not grow a table of shapes without bound.
MAX_SHARED_SHAPES = 4096
# A shared shape read this many times gets a reader of its own (see `Shape`).
COMPILE_AFTER_READS = 16


class Shape:
    """The attribute names and types of the items that have it, and how to read one back."""

    __slots__ = ("names", "kinds", "read", "_reads")

    def __init__(self, names: tuple[str, ...], kinds: tuple[str, ...], shared: bool) -> None:
        self.names = names
        self.kinds = kinds
        self._reads = 0
        self.read: Callable[[Packed], Item] = self._counted_read if shared else self._any_read

    def _any_read(self, packed: Packed) -> Item:
        # zip stops at the names: the shape, last in `packed`, is never read as a payload.
        return {name: {kind: payload} for name, kind, payload in zip(self.names, self.kinds, packed, strict=False)}

    def _counted_read(self, packed: Packed) -> Item:
        self._reads += 1
        if self._reads >= COMPILE_AFTER_READS:
            self.read = _reader(self.names, self.kinds)
        return self._any_read(packed)


def _reader(names: tuple[str, ...], kinds: tuple[str, ...]) -> Callable[[Packed], Item]:
    """A function building this shape's items from one dict display (`{'pk': {'S': p[0]}, ...}`):
    a third of the time of the general loop, for a shape read often (a Query's hundred items).
    The names enter the source as Python literals (`repr`), so any name is safe."""
    members = ", ".join(
        f"{name!r}: {{{kind!r}: p[{i}]}}" for i, (name, kind) in enumerate(zip(names, kinds, strict=True))
    )
    reader: Callable[[Packed], Item] = eval(f"lambda p: {{{members}}}")  # noqa: S307 (literals only)
    return reader


class Shapes:
    """One table's shared item shapes."""

    __slots__ = ("_shared",)

    def __init__(self) -> None:
        self._shared: dict[tuple[tuple[str, ...], tuple[str, ...]], Shape] = {}

    def pack(self, item: Item) -> Packed:
        """The stored form of a (validated) wire-form item: each value has exactly one type."""
        kinds = []
        payloads: list[Any] = []
        for value in item.values():
            for kind, payload in value.items():
                kinds.append(kind)
                payloads.append(payload)
        key = (tuple(item), tuple(kinds))
        shape = self._shared.get(key)
        if shape is None:
            shared = len(self._shared) < MAX_SHARED_SHAPES
            shape = Shape(*key, shared)
            if shared:
                self._shared[key] = shape
        payloads.append(shape)
        return tuple(payloads)


class ReadItem(dict):  # type: ignore[type-arg]
    """An item as a read gives it: a dict, that can be weakly referenced and knows what it was read
    from (see `unpack`). Copied, it is a plain dict."""

    __slots__ = ("__weakref__", "source")
    source: Packed

    def __copy__(self) -> dict[str, Any]:
        return dict(self)

    def __deepcopy__(self, memo: dict[int, Any]) -> dict[str, Any]:
        return copy.deepcopy(dict(self), memo)

    def __reduce__(self) -> Any:
        return dict, (dict(self),)


class _Live(weakref.ref):  # type: ignore[type-arg]
    """A weak reference to a read item, under the key it is kept by in `_live`."""

    __slots__ = ("key",)
    key: int


# id(stored form) -> the item last read from it, while anyone holds that item: the reads of one
# stored item share one object as long as it is held (the call log keeps every response of its
# last calls; without this, each of them would keep an item of its own: ten thousand reads of the
# same hundred items, a hundred times the memory). The item holds its stored form, so the id is not
# reused while the entry lives; the entry goes when the item does.
_live: dict[int, _Live] = {}


def _forget(ref: _Live) -> None:
    if _live.get(ref.key) is ref:
        del _live[ref.key]


def unpack(packed: Packed) -> Item:
    """The wire-form item of a stored form: the one a reader still holds, or a new one. Readers
    never change an item in place (as the engine never changes a stored item in place)."""
    key = id(packed)
    held = _live.get(key)
    if held is not None:
        item = held()
        if item is not None and item.source is packed:
            return item
    shape: Shape = packed[-1]
    item = ReadItem(shape.read(packed))
    item.source = packed
    ref = _Live(item, _forget)
    ref.key = key
    _live[key] = ref
    return item
