"""One vector index's entries in numpy, and the exact k-nearest-neighbour search over them.

Entries are kept per search partition (the value of the index's HASH attribute; one partition when
it has none) as a contiguous float32 matrix with one row per item, beside each row's norm, table
key, item and billed size. Writes update it in place: a new entry is appended (the matrix doubles
when full), a changed one is overwritten, and a deleted one is replaced by the partition's last row
(swap with last), so rows stay contiguous and a search reads exactly `count` rows.

A search scores every row of the partition with one float32 matrix-vector product (the fast
score: 1 - cosine, squared euclidean distance, or minus the dot product), takes the rows whose fast
score is within a rounding margin of the k-th best, and scores those again in float64 from their
float32 elements, the score it reports. The k best by that score are the answer; equal scores are
ordered by the items' primary keys (partition key, then sort key, in DynamoDB's key order), so a
search always gives the same answer. The service searches approximately; this answer is exact.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

import numpy as np

from dynasim.engine.keys import StorageKey, item_key
from dynasim.engine.vectors.definitions import FLOAT32_MAX, VectorIndex, partition_of, vector_of
from dynasim.expressions.conditions import equal
from dynasim.storage.schema import KeySchema
from dynasim.values import AttributeValue, Item, item_size, normalize_number

_FIRST_ROWS = 16
# Fast scores within this fraction of the scores' scale of the k-th best are scored again exactly:
# float32 sums of up to 4,096 products round far less than this.
_MARGIN = 1e-4


class Partition:
    """The entries of one search partition (see the module's documentation)."""

    def __init__(self, dimensions: int) -> None:
        self.matrix = np.empty((_FIRST_ROWS, dimensions), dtype=np.float32)
        self.norms = np.empty(_FIRST_ROWS, dtype=np.float32)
        self.keys: list[StorageKey] = []
        self.items: list[Item] = []
        self.sizes: list[int] = []
        self.rows: dict[StorageKey, int] = {}
        self.size_bytes = 0

    @property
    def count(self) -> int:
        return len(self.keys)

    def put(self, key: StorageKey, vector: Any, item: Item, size: int) -> None:
        row = self.rows.get(key)
        if row is None:
            row = self.rows[key] = len(self.keys)
            if row == len(self.matrix):
                self._grow()
            self.keys.append(key)
            self.items.append(item)
            self.sizes.append(size)
        else:
            self.items[row] = item
            self.size_bytes -= self.sizes[row]
            self.sizes[row] = size
        self.matrix[row] = vector
        self.norms[row] = np.linalg.norm(self.matrix[row])
        self.size_bytes += size

    def delete(self, key: StorageKey) -> None:
        row = self.rows.pop(key)
        last = len(self.keys) - 1
        self.size_bytes -= self.sizes[row]
        if row != last:  # the last row takes the deleted one's place
            self.matrix[row] = self.matrix[last]
            self.norms[row] = self.norms[last]
            self.keys[row], self.items[row], self.sizes[row] = self.keys[last], self.items[last], self.sizes[last]
            self.rows[self.keys[row]] = row
        self.keys.pop()
        self.items.pop()
        self.sizes.pop()

    def _grow(self) -> None:
        matrix = np.empty((2 * len(self.matrix), self.matrix.shape[1]), dtype=np.float32)
        matrix[: len(self.matrix)] = self.matrix
        norms = np.empty(2 * len(self.norms), dtype=np.float32)
        norms[: len(self.norms)] = self.norms
        self.matrix, self.norms = matrix, norms


class IndexStore:
    """One vector index's entries, by search partition."""

    def __init__(self, index: VectorIndex, key_schema: KeySchema) -> None:
        self.index = index
        self.key_schema = key_schema
        self.partitions: dict[Any, Partition] = {}
        self.located: dict[StorageKey, Any] = {}  # table key -> its partition's value

    @property
    def count(self) -> int:
        return len(self.located)

    @property
    def size_bytes(self) -> int:
        return sum(partition.size_bytes for partition in self.partitions.values())

    def fill(self, items: Iterable[Item]) -> None:
        for item in items:
            self.put(item, None)

    def put(self, item: Item, old: Item | None) -> None:
        key = item_key(self.key_schema, item)
        vector = vector_of(self.index, item)
        admitted, value = partition_of(self.index, item) if vector is not None else (False, None)
        if key in self.located and (not admitted or self.located[key] != value):
            self._remove(key)
        if admitted:
            partition = self.partitions.get(value)
            if partition is None:
                partition = self.partitions[value] = Partition(self.index.dimensions)
            partition.put(key, vector, item, self.entry_size(item))
            self.located[key] = value

    def delete(self, old: Item) -> None:
        key = item_key(self.key_schema, old)
        if key in self.located:
            self._remove(key)

    def _remove(self, key: StorageKey) -> None:
        value = self.located.pop(key)
        partition = self.partitions[value]
        partition.delete(key)
        if not partition.count:
            del self.partitions[value]

    def projected(self, item: Item, vector: bool = True) -> Item:
        """The item as the index holds it (the vector as stored: float32; or left out)."""
        index = self.index
        if index.projection_type == "ALL":
            projected = dict(item)
        else:
            names = [*self.key_schema.names, *(name for name, _ in index.types)]
            if index.projection_type == "INCLUDE":
                names += index.non_key_attributes
            projected = {name: item[name] for name in names if name in item}
        if index.attribute in projected:
            if vector:
                projected[index.attribute] = float32_list(item[index.attribute])
            else:
                del projected[index.attribute]
        return projected

    def entry_size(self, item: Item) -> int:
        """What an entry bills: its vector at four bytes a dimension, the vector attribute's name,
        and the rest of what the index projects, measured as DynamoDB measures items."""
        index = self.index
        rest = self.projected(item, vector=False)
        return 4 * index.dimensions + len(index.attribute.encode()) + item_size(rest)

    def search(
        self, query: Any, value: Any, filters: list[tuple[str, AttributeValue]], k: int
    ) -> tuple[list[tuple[float, Item]], int]:
        """The `k` nearest entries of the partition `value` that hold every (attribute, value) of
        `filters`, nearest first, with their scores; and the bytes the search examined."""
        partition = self.partitions.get(value)
        if partition is None:
            return [], 0
        count = partition.count
        matrix, norms = partition.matrix[:count], partition.norms[:count]
        fast, scale = self._fast_scores(matrix, norms, query)
        candidates = count
        if filters:
            admitted = np.fromiter(
                (all(_holds(item, name, wanted) for name, wanted in filters) for item in partition.items), bool, count
            )
            fast = np.where(admitted, fast, np.inf)
            candidates = int(admitted.sum())
        k = min(k, candidates)
        if k == 0:
            return [], partition.size_bytes
        kth = np.partition(fast, k - 1)[k - 1]
        rows = np.flatnonzero(fast <= kth + _MARGIN * (abs(kth) + scale))
        scores = self._exact_scores(matrix[rows], query)
        ranked = sorted(range(len(rows)), key=lambda j: (self._rank(scores[j]), partition.keys[rows[j]]))[:k]
        return [(float(scores[j]), partition.items[rows[j]]) for j in ranked], partition.size_bytes

    def _fast_scores(self, matrix: Any, norms: Any, query: Any) -> tuple[Any, float]:
        """Scores to rank rows by (smaller is nearer) and their scale, in float32."""
        dots = matrix @ query
        distance = self.index.distance
        query_norm = float(np.linalg.norm(query))
        if distance == "DOT_PRODUCT":
            return -dots, query_norm * float(norms.max())
        if distance == "EUCLIDEAN":
            return norms * norms - 2 * dots + query_norm * query_norm, query_norm**2 + float(norms.max()) ** 2
        with np.errstate(divide="ignore", invalid="ignore"):
            cosine = 1 - dots / (norms * np.float32(query_norm))
        return np.where((norms > 0) & (query_norm > 0), cosine, np.float32(1.0)), 2.0

    def _exact_scores(self, rows: Any, query: Any) -> Any:
        """The scores the service reports, in float64 from float32 elements, within float32's range."""
        rows64, query64 = rows.astype(np.float64), query.astype(np.float64)
        distance = self.index.distance
        if distance == "DOT_PRODUCT":
            scores = rows64 @ query64
        elif distance == "EUCLIDEAN":
            scores = np.sqrt(((rows64 - query64) ** 2).sum(axis=1))
        else:
            norms = np.sqrt((rows64 * rows64).sum(axis=1)) * np.sqrt(query64 @ query64)
            with np.errstate(divide="ignore", invalid="ignore"):
                cosine = np.clip(1 - (rows64 @ query64) / norms, 0.0, 2.0)
            scores = np.where(norms > 0, cosine, 1.0)  # a zero vector is as far from all as can be told
            scores = np.where((rows == query).all(axis=1) & (norms > 0), 0.0, scores)  # itself: exactly 0
        return np.clip(scores, -FLOAT32_MAX, FLOAT32_MAX)

    def _rank(self, score: float) -> float:
        return -score if self.index.distance == "DOT_PRODUCT" else score


def _holds(item: Item, name: str, wanted: AttributeValue) -> bool:
    value = item.get(name)
    return value is not None and equal(value, wanted)


def float32_list(value: AttributeValue) -> AttributeValue:
    """A vector attribute as an index holds it: each number rounded to float32, written in the
    fewest digits that read back as the same float32."""
    numbers = np.array([float(member["N"]) for member in value["L"]], dtype=np.float32)
    return {"L": [{"N": float32_text(number)} for number in numbers]}


def float32_text(number: Any) -> str:
    return normalize_number(np.format_float_scientific(number, unique=True, trim="-"))
