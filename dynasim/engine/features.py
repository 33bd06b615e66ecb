"""Features: what an engine keeps beside its tables (DynamoDB Streams, TTL, transaction tokens,
backups and point-in-time recovery, jobs, and the operations still to come: exports, imports,
global tables), each declared once, in its module.

A feature is an engine module that, when imported (`dynasim/engine/__init__.py` imports them all),
registers its operations with `@operation` (`registry.py`), like any handler, and one `Feature`:

- `state`: the class of its state in one engine (`state(engine)`), made with the engine when it
  observes the change feed or has an `after_operation` hook, else on first use. Handlers
  reach the state by that class, typed: `engine.state(StreamStore)` is the engine's `StreamStore`.
- `observes`: the state is an observer of the change feed (`committed(changes)`, under the lock,
  once per successful operation; see `dynasim.storage.changes`).
- `after_operation`: run with the state after every operation, once the lock is released (stream
  subscriptions' callbacks).
- `table`: the members it adds to CreateTable and UpdateTable (checked with the request's own,
  applied once the whole request is good) and to a TableDescription (`TableMembers`).
- `save` / `load`: the state's durable part, for state that belongs to no table (backups outlive
  their table). `save(state)` returns a value independent of the live state, made of dicts, lists,
  strings, numbers, booleans, None and `Table`s (copies); `load(state, value)` puts it back, and
  `load(state, None)` empties it. Snapshots (`sim.snapshot()`, `restore`, `reset`, the pytest
  plugin's reset before each test) keep the saved value as it is; the durable store writes it into
  its snapshot file (`dynasim.persistence.codec.encode_saved`). A handler that changes such state
  records `FeatureChanged` on the change feed: the durable store then writes a snapshot.

What a feature must keep per table it keeps in `TableSettings.extra` (streams: the
StreamSpecification and latest stream; TTL: the TimeToLiveSpecification): table settings are what
the durable store writes and replays and what snapshots copy. The rest of a state (stream records,
the expiry heap) lives as long as the engine, and is rebuilt from the tables' settings where it
must be (a restored table's stream, a loaded table's expiry times).
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


class DescriptionMembers:
    """The table members of a feature that adds nothing to CreateTable and UpdateTable, only to
    the TableDescription (a restore's summary, an import's CREATING): subclasses give `describe`."""

    update_members: tuple[str, ...] = ()
    updating_members: tuple[str, ...] = ()

    def check_create(self, engine: Engine, request: Request) -> Apply | None:
        return None

    def check_update(self, engine: Engine, request: Request, table: Table) -> Apply | None:
        return None

    def defined_attributes(self, request: Request) -> tuple[str, ...]:
        return ()

    def describe(self, engine: Engine, table: Table, status: str) -> dict[str, Any]:
        raise NotImplementedError


@dataclass(frozen=True)
class Feature(Generic[S]):
    """One feature's registration; see the module's documentation."""

    state: Callable[[Engine], S]
    observes: bool = False
    after_operation: Callable[[S], None] | None = None
    table: TableMembers | None = None
    save: Callable[[S], Any] | None = None
    load: Callable[[S, Any], None] | None = None

    @property
    def name(self) -> str:
        """The name its saved state goes by (its state's class, with its module)."""
        return f"{self.state.__module__}.{getattr(self.state, '__qualname__', repr(self.state))}"


FEATURES: list[Feature[Any]] = []


def register(feature: Feature[S]) -> Feature[S]:
    """Add `feature` to every engine made from now on."""
    FEATURES.append(feature)
    return feature


def durable() -> list[Feature[Any]]:
    """The features with state of their own to save (see `Feature.save`)."""
    return [feature for feature in FEATURES if feature.save is not None and feature.load is not None]


def save_all(engine: Engine) -> dict[str, Any]:
    """Every durable feature's saved state, by name (call under the engine's lock); a state not
    made yet holds nothing to save."""
    return {
        feature.name: feature.save(state)  # type: ignore[misc]
        for feature in durable()
        if (state := engine.made_state(feature.state)) is not None
    }


def load_all(engine: Engine, saved: dict[str, Any]) -> None:
    """Put back what `save_all` saved (a feature it holds nothing of is emptied; one whose state
    is not made yet and gets nothing stays unmade: saves making it for each restore)."""
    for feature in durable():
        held = saved.get(feature.name)
        if held is None and engine.made_state(feature.state) is None:
            continue
        feature.load(engine.state(feature.state), held)  # type: ignore[misc]


# What DeleteTable asks of the features before a table goes: each check raises the service's error
# (a global table's replica that may not leave its group) or returns what to do once the table is
# deleted, in registration order.
DeleteCheck = Callable[["Engine", "Table"], "Apply | None"]
DELETE_CHECKS: list[DeleteCheck] = []


def on_delete(check: DeleteCheck) -> DeleteCheck:
    """Register `check` to run in every DeleteTable (see `DELETE_CHECKS`)."""
    DELETE_CHECKS.append(check)
    return check


def table_members() -> list[TableMembers]:
    """What the features add to the table operations, in registration order."""
    return [feature.table for feature in FEATURES if feature.table is not None]
