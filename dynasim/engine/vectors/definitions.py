"""Vector indexes as a table keeps them, and what makes an item an entry of one (no numpy here).

A table's vector indexes live in its settings, `TableSettings.extra["VectorIndexes"]`: one dict per
index, the definition as CreateTable or UpdateTable gave it plus its ARN and, for an index that
UpdateTable added, `BackfilledAt` (the `sim.clock` time its backfill ends; None for one created with
its table). Settings are what the durable store and snapshots carry, so the indexes survive both.

An item is an entry of an index when its vector attribute is a list (L) of exactly `Dimensions`
numbers within float32's range and, where the search schema has a HASH attribute, it holds that
attribute with the defined type and not empty. Such an item missing the HASH attribute, or the
vector, is simply not indexed (the service's sparse index); one holding a malformed vector, or a
schema attribute of another type than its definition, is refused by the write (`check_item`), and
skipped by a backfill.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from dynasim import errors
from dynasim.values import AttributeValue, Item, sort_key

if TYPE_CHECKING:
    from dynasim.storage.table import Table, TableSettings

SETTING = "VectorIndexes"
MAX_INDEXES = 5
MAX_DIMENSIONS = 4096
MAX_TOP_K = 100
FLOAT32_MAX = 3.4028234663852886e38  # the largest float32; the service's messages print it 3.4028235E38
DISTANCES = ("COSINE", "EUCLIDEAN", "DOT_PRODUCT")


@dataclass(frozen=True)
class VectorIndex:
    """One vector index's definition, read from the table's settings."""

    name: str
    attribute: str
    dimensions: int
    distance: str  # COSINE, EUCLIDEAN or DOT_PRODUCT
    hash_attribute: str | None
    filters: tuple[str, ...]  # the INLINE_FILTER attributes
    types: tuple[tuple[str, str], ...]  # (search-schema attribute, its defined type), in schema order
    projection_type: str
    non_key_attributes: tuple[str, ...]
    backfilled_at: float | None

    @classmethod
    def of(cls, definition: dict[str, Any], types: dict[str, str]) -> VectorIndex:
        schema = definition.get("SearchSchema") or []
        projection = definition["Projection"]
        return cls(
            name=definition["IndexName"],
            attribute=definition["VectorAttribute"]["AttributeName"],
            dimensions=int(definition["Dimensions"]),
            distance=definition["DistanceFunction"],
            hash_attribute=next((e["AttributeName"] for e in schema if e["SearchSchemaElementType"] == "HASH"), None),
            filters=tuple(e["AttributeName"] for e in schema if e["SearchSchemaElementType"] == "INLINE_FILTER"),
            types=tuple((e["AttributeName"], types.get(e["AttributeName"], "S")) for e in schema),
            projection_type=projection["ProjectionType"],
            non_key_attributes=tuple(projection.get("NonKeyAttributes") or ()),
            backfilled_at=definition.get("BackfilledAt"),
        )

    def backfilling(self, now: float) -> bool:
        return self.backfilled_at is not None and now < self.backfilled_at


def stored(settings: TableSettings) -> list[dict[str, Any]]:
    """The table's vector index definitions, as kept in its settings (the list itself)."""
    return settings.extra.get(SETTING) or []


def indexes(table: Table) -> Iterator[VectorIndex]:
    """The table's vector indexes, in the order they were created."""
    definitions = stored(table.settings)
    if definitions:
        types = {d["AttributeName"]: d["AttributeType"] for d in table.settings.attribute_definitions}
        for definition in definitions:
            yield VectorIndex.of(definition, types)


def find(table: Table, name: str) -> VectorIndex | None:
    return next((index for index in indexes(table) if index.name == name), None)


# --- items ------------------------------------------------------------------------------------


def check_item(table: Table, item: Item, by_update: bool = False) -> None:
    """The service's errors for an item a write would store whose vector or search-schema
    attributes are present but not indexable (see the module's documentation). Indexes are checked
    in name order; within one, the vector first, then the schema's attributes in its order."""
    if not stored(table.settings):
        return
    for index in sorted(indexes(table), key=lambda index: index.name):
        value = item.get(index.attribute)
        if value is not None:
            _check_vector(index, value)
        for name, expected in index.types:
            value = item.get(name)
            if value is None:
                continue
            kind, payload = next(iter(value.items()))
            if kind != expected:
                raise errors.vector_schema_type(name, expected, kind, index.name)
            if name == index.hash_attribute and kind != "N" and len(payload) == 0:
                empty = "string" if kind == "S" else "binary"
                if by_update:
                    raise errors.index_key_empty_by_update(empty)
                raise errors.index_key_empty(index.name, name, empty)


def _check_vector(index: VectorIndex, value: AttributeValue) -> None:
    members = value.get("L")
    if members is None:
        raise errors.vector_value_not_list(index.attribute, index.name)
    if len(members) != index.dimensions:
        raise errors.vector_value_size(index.attribute, index.dimensions, len(members), index.name)
    for position, member in enumerate(members):
        number = member.get("N")
        if number is None:
            raise errors.vector_element_type(index.attribute, position, next(iter(member)), index.name)
        if abs(float(number)) > FLOAT32_MAX:
            raise errors.vector_element_range(index.attribute, position, number, index.name)


def vector_of(index: VectorIndex, item: Item) -> list[float] | None:
    """The item's vector for `index`, or None when the item is not an entry of it."""
    value = item.get(index.attribute)
    members = value.get("L") if value is not None else None
    if members is None or len(members) != index.dimensions:
        return None
    try:
        vector = [float(member["N"]) for member in members]
    except KeyError:
        return None
    if any(abs(number) > FLOAT32_MAX for number in vector):
        return None
    return vector


def partition_of(index: VectorIndex, item: Item) -> tuple[bool, Any]:
    """(whether the item's search-schema attributes let it in the index, the ordering value of its
    HASH attribute: None without one)."""
    partition = None
    for name, expected in index.types:
        value = item.get(name)
        if value is None:
            if name == index.hash_attribute:
                return False, None
            continue
        kind, payload = next(iter(value.items()))
        if kind != expected:
            return False, None
        if name == index.hash_attribute:
            if kind != "N" and len(payload) == 0:
                return False, None
            partition = sort_key(kind, payload)
    return True, partition
