"""Features: what an engine keeps beside its tables (DynamoDB Streams, TTL, transaction tokens, and
the operations still to come: backups, exports, global tables), each declared once, in its module.

A feature is an engine module that, when imported (`dynasim/engine/__init__.py` imports them all),
registers its operations with `@operation` (`registry.py`), like any handler, and one `Feature`:

- `state`: the class of its state in one engine, made with the engine (`state(engine)`). Handlers
  reach the state by that class, typed: `engine.state(StreamStore)` is the engine's `StreamStore`.
- `observes`: the state is an observer of the change feed (`committed(changes)`, under the lock,
  once per successful operation; see `dynasim.storage.changes`).
- `after_operation`: run with the state after every operation, once the lock is released (stream
  subscriptions' callbacks).
- `table`: the members it adds to CreateTable and UpdateTable (checked with the request's own,
  applied once the whole request is good) and to a TableDescription (`TableMembers`).

What a feature must keep across restarts and snapshots it keeps per table, in `TableSettings.extra`
(streams: the StreamSpecification and latest stream; TTL: the TimeToLiveSpecification): table
settings are what the durable store (`dynasim.persistence`) writes and replays and what snapshots
copy. The rest of a state (stream records, the expiry heap) lives as long as the engine, and is
rebuilt from the tables' settings where it must be (a restored table's stream, a loaded table's
expiry times).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, Generic, Protocol, TypeVar

if TYPE_CHECKING:
    from dynasim.engine import Engine
    from dynasim.storage.table import Table

S = TypeVar("S")

Request = dict[str, Any]
# What a feature's check of a table request leaves to do once the whole request is known good.
Apply = Callable[["Table"], None]


class TableMembers(Protocol):
    """The members a feature adds to the table operations."""

    # UpdateTable members that change something (a request with none of any kind is refused).
    update_members: tuple[str, ...]
    # Those of them that put the table in UPDATING in UpdateTable's answer (an index change).
    updating_members: tuple[str, ...]

    def check_create(self, engine: Engine, request: Request) -> Apply | None:
        """Check CreateTable's members of the feature (before the table exists); None: it has none."""

    def check_update(self, engine: Engine, request: Request, table: Table) -> Apply | None:
        """Check UpdateTable's members of the feature against `table`; None: it has none."""

    def defined_attributes(self, request: Request) -> tuple[str, ...]:
        """The attributes the feature's CreateTable members name that AttributeDefinitions may define
        (besides key attributes): counted as used when the definitions are checked."""

    def describe(self, engine: Engine, table: Table, status: str) -> dict[str, Any]:
        """The feature's members of the table's TableDescription, in an answer whose TableStatus is
        `status` (CREATING in CreateTable's, UPDATING in an UpdateTable's that changed something)."""


@dataclass(frozen=True)
class Feature(Generic[S]):
    """One feature's registration; see the module's documentation."""

    state: Callable[[Engine], S]
    observes: bool = False
    after_operation: Callable[[S], None] | None = None
    table: TableMembers | None = None


FEATURES: list[Feature[Any]] = []


def register(feature: Feature[S]) -> Feature[S]:
    """Add `feature` to every engine made from now on."""
    FEATURES.append(feature)
    return feature


def table_members() -> list[TableMembers]:
    """What the features add to the table operations, in registration order."""
    return [feature.table for feature in FEATURES if feature.table is not None]
