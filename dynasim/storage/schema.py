"""The shape of a table's or an index's primary key."""

from __future__ import annotations

from dataclasses import dataclass
from functools import cached_property

KeyAttribute = tuple[str, str]  # (attribute name, key type S, N or B)


@dataclass(frozen=True)
class KeySchema:
    """Partition key (and optional sort key) names and types (S, N or B).

    A global secondary index may have multi-attribute keys: up to four partition and four sort
    attributes. The first of each role is `hash_name` / `range_name`; the others follow, in key
    schema order, in `more_hash` / `more_range` (kept apart so that single-attribute schemas, and
    stores written before multi-attribute keys, keep their shape).
    """

    hash_name: str
    hash_type: str
    range_name: str | None = None
    range_type: str | None = None
    more_hash: tuple[KeyAttribute, ...] = ()
    more_range: tuple[KeyAttribute, ...] = ()

    def __deepcopy__(self, memo: dict[int, object]) -> KeySchema:
        return self  # immutable: a copied table's settings share it (saves copying it per snapshot restore)

    @staticmethod
    def of(hash_attributes: list[KeyAttribute], range_attributes: list[KeyAttribute]) -> KeySchema:
        """The schema with these partition and sort attributes, in key schema order."""
        (hash_name, hash_type), *more_hash = hash_attributes
        if not range_attributes:
            return KeySchema(hash_name, hash_type, more_hash=tuple(more_hash))
        (range_name, range_type), *more_range = range_attributes
        return KeySchema(hash_name, hash_type, range_name, range_type, tuple(more_hash), tuple(more_range))

    @cached_property  # saves rebuilding it on every read and write that names a key
    def hash_attributes(self) -> tuple[KeyAttribute, ...]:
        return ((self.hash_name, self.hash_type), *self.more_hash)

    @cached_property  # saves rebuilding it on every read and write that names a key
    def range_attributes(self) -> tuple[KeyAttribute, ...]:
        if self.range_name is None or self.range_type is None:
            return ()
        return ((self.range_name, self.range_type), *self.more_range)

    @property
    def multi_attribute(self) -> bool:
        return bool(self.more_hash or self.more_range)

    @cached_property  # saves rebuilding it on every read and write that names a key
    def names(self) -> tuple[str, ...]:
        """Every key attribute, partition attributes first, in key schema order."""
        return tuple(name for name, _ in (*self.hash_attributes, *self.range_attributes))

    @property
    def types(self) -> dict[str, str]:
        return dict((*self.hash_attributes, *self.range_attributes))

    def elements(self) -> list[dict[str, str]]:
        """The KeySchema list DynamoDB describes it with."""
        return [{"AttributeName": name, "KeyType": "HASH"} for name, _ in self.hash_attributes] + [
            {"AttributeName": name, "KeyType": "RANGE"} for name, _ in self.range_attributes
        ]
