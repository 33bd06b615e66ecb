"""Vector search recall below 1, on request: searches that miss some true nearest neighbours.

    sim.set_vector_recall("ProductEmbeddingIndex", 0.8, seed=1)              # that index, on any table
    sim.set_vector_recall("ProductEmbeddingIndex", 0.8, table="Products")    # on one table only

DynamoDB's SearchVectors is approximate, so an application must cope with a near neighbour missing
now and then; dynasim answers exactly, and this double makes the misses happen. `index` is the
vector index's name, as SearchVectors' IndexName gives it; `table` (a name, or several) narrows the
rule to those tables, as `inject_fault`'s `table=` and `index=` do. In each matching search,
round((1 - recall) × TopK) of the true TopK nearest neighbours are left out and the next nearest
take their places, so a search still returns TopK items when the index holds enough. Which ones
are left out is drawn from a generator seeded with `seed`, the table, the index and the search
vector: the same search on the same items misses the same neighbours, run after run. The last
rule added that matches a search decides it; `.remove()` takes a rule away,
`sim.clear_vector_recall()` all of them.
"""

from __future__ import annotations

import hashlib
import random
import struct
from collections.abc import Callable, Iterable, Sequence
from typing import TYPE_CHECKING, Any

from dynasim.doubles.stages import Progress, Stage, stage
from dynasim.engine.vectors.search import leaving_out

if TYPE_CHECKING:
    from dynasim.doubles.hub import Doubles


class RecallRule:
    """One recall setting; returned by `Simulator.set_vector_recall`."""

    def __init__(self, index: str, recall: float, *, table: str | Iterable[str] | None = None, seed: int = 0) -> None:
        if not 0 <= recall <= 1:
            raise ValueError("recall must be between 0 and 1")
        self.index = index
        self.recall = recall
        self.tables = None if table is None else frozenset([table] if isinstance(table, str) else table)
        self.seed = seed
        self._remove: Callable[[RecallRule], None] | None = None

    def matches(self, table: str | None, index: str | None) -> bool:
        return index == self.index and (self.tables is None or table in self.tables)

    def leave_out(self, table: str, index: str, query: Sequence[float], top_k: int) -> set[int]:
        """The ranks (0 is the nearest) of the true neighbours this search misses."""
        missed = int((1 - self.recall) * top_k + 0.5)
        if not missed:
            return set()
        digest = hashlib.sha256(f"{self.seed}|{table}|{index}|".encode() + struct.pack(f"{len(query)}d", *query))
        return set(random.Random(digest.digest()).sample(range(top_k), missed))

    def remove(self) -> None:
        if self._remove is not None:
            self._remove(self)

    def __repr__(self) -> str:
        where = f" on {sorted(self.tables)}" if self.tables is not None else ""
        return f"<RecallRule {self.index}{where}: {self.recall:g}>"


@stage(order=45)
class VectorRecall(Stage):
    """The recall rules, as a stage around the engine: active while there are any."""

    _active = False

    def __init__(self, hub: Doubles) -> None:
        self.rules: list[RecallRule] = []

    def add(self, rule: RecallRule) -> RecallRule:
        rule._remove = self._discard
        self.rules.append(rule)
        self.active = True
        return rule

    def _discard(self, rule: RecallRule) -> None:
        if rule in self.rules:
            self.rules.remove(rule)
        self.active = bool(self.rules)

    def clear(self) -> None:
        self.rules = []
        self.active = False

    def around(self, progress: Progress, proceed: Callable[[], Any]) -> Any:
        touches = progress.touches
        if progress.operation != "SearchVectors":
            return proceed()
        rule = next((rule for rule in reversed(self.rules) if rule.matches(touches.table, touches.index)), None)
        if rule is None:
            return proceed()
        token = leaving_out.set(rule.leave_out)
        try:
            return proceed()
        finally:
            leaving_out.reset(token)
