"""The engine: takes a DynamoDB operation name and a request in DynamoDB's JSON wire form and
returns the wire response, or raises `DynamoDBError`. It knows nothing of HTTP or boto3.

Each operation is a handler in one of the modules below, registered by name. A handler validates
the whole request before it changes anything, so a failed request changes nothing. One lock
serialises operations, so many threads (and many HTTP connections) may share one engine.
What an operation changed reaches the engine's observers as one list (see `changes`).
Features (streams, TTL, ...) are modules below too; each engine holds their states, made from
their registrations (see `features`), and reaches each by its class: `engine.state(StreamStore)`.
"""

from __future__ import annotations

import contextlib
import functools
import threading
import time
from collections.abc import Callable, Iterator, Mapping
from contextvars import ContextVar
from typing import TYPE_CHECKING, Any, TypeVar, cast

from dynasim import errors, values
from dynasim.engine import (  # noqa: F401  (registers their handlers and features)
    backups,
    batches,
    control,
    globaltables,
    insights,
    items,
    jobs,
    kinesis,
    model,
    partiql,
    policies,
    reads,
    registry,
    streams,
    tables,
    transactions,
    transfers,
    ttl,
    update,
    validation,
    vectors,
)
from dynasim.engine.features import FEATURES
from dynasim.engine.registry import HANDLERS, Request, Response
from dynasim.engine.touches import Touches
from dynasim.storage.changes import Change, Observer
from dynasim.storage.table import Table

if TYPE_CHECKING:
    from dynasim.engine.regions import Regions

S = TypeVar("S")


# The read views of the engine running a request in this context (see `Engine.reading_through`).
_read_views: ContextVar[tuple[Engine | None, Mapping[str, Table]]] = ContextVar("read_views", default=(None, {}))


class Engine:
    """All tables of one simulated account and region, and the operations on them."""

    def __init__(
        self,
        region: str = "us-east-1",
        account_id: str = "123456789012",
        clock: Callable[[], float] = time.time,
        lock: threading.RLock | None = None,
    ) -> None:
        self.region = region
        self.account_id = account_id
        self.clock = clock
        # The regions of the account (`dynasim.engine.regions`), set when this engine is one of them.
        self.regions: Regions | None = None
        self.tables: dict[str, Table] = {}
        # One lock for every region of an account (`regions`): an operation in one may change another's tables.
        self.lock = lock or threading.RLock()
        self.observers: list[Observer] = []
        self._changes: list[Change] = []
        # Run before each operation, outside the lock (TTL's sweep when expired items are to vanish
        # at once), and after each operation once the lock is released (stream subscriptions).
        self.before_operation: list[Callable[[], object]] = []
        self.after_operation: list[Callable[[], None]] = []
        # Run under the lock just before each operation's handler, with its name and request: a
        # feature's check that may refuse it (a global table's replicas out of reach).
        self.checks: list[Callable[[str, Request], None]] = []
        # Each registered feature's state in this engine, by the class that makes it: made now for
        # the features that watch every operation, on first use for the others (saves a new
        # simulator making states a test never uses).
        self._states: dict[Callable[[Engine], Any], Any] = {}
        for feature in FEATURES:
            if not feature.observes and feature.after_operation is None:
                continue
            state = self._states[feature.state] = feature.state(self)
            if feature.observes:
                self.observers.append(cast(Observer, state))
            if feature.after_operation is not None:
                self.after_operation.append(functools.partial(feature.after_operation, state))

    def made_state(self, kind: Callable[[Engine], S]) -> S | None:
        """This engine's state of a feature if it is made yet (see `state`), else None."""
        return cast("S | None", self._states.get(kind))

    def state(self, kind: Callable[[Engine], S]) -> S:
        """This engine's state of the feature whose state `kind` is (see `features`)."""
        state = self._states.get(kind)
        if state is None:  # a state made on first use; of two threads at once, the first one's is kept
            state = self._states.setdefault(kind, kind(self))
        return cast(S, state)

    def execute(self, operation: str, request: Request, *, typed: bool = False) -> Response:
        """Run one operation; raise `DynamoDBError` exactly where DynamoDB returns an error.
        `typed`: every member's JSON type was checked by the client (see `validation.validate`)."""
        handler = HANDLERS.get(operation)
        if handler is None:
            if operation in model.known_operations():
                raise errors.not_implemented(operation)
            raise errors.unknown_operation(operation)
        validation.validate(operation, request, typed=typed)
        for hook in self.before_operation:
            hook()
        with values.checking_for(operation):
            return self.apply(lambda: self._run(handler, operation, request))

    def _run(self, handler: Callable[[Engine, Request], Response], operation: str, request: Request) -> Response:
        for check in self.checks:
            check(operation, request)
        return handler(self, request)

    def apply(self, work: Callable[[], Any]) -> Any:
        """Run `work` as one operation: under the lock, its changes reaching the observers as
        one list once it has returned (the engine's own sweeps, like TTL's, run this way too)."""
        with self.lock:
            try:
                result = work()
            except BaseException:
                self._changes.clear()  # handlers check before they change, so this holds nothing
                raise
            while self._changes:  # what observers record as they commit (a SYSTEM backup) follows
                changes, self._changes = self._changes, []
                for observer in self.observers:
                    observer.committed(changes)
        for hook in self.after_operation:
            hook()
        return result

    def touches(self, operation: str, request: Request) -> Touches:
        """What a request touches (access, tables, index, entries, scan or query), found without
        running it; see `dynasim.engine.touches`. The test doubles know a call by this alone."""
        return registry.touches(self, operation, request)

    def record(self, change: Change) -> None:
        """Note one change of the running operation (only kept when someone observes)."""
        if self.observers:
            self._changes.append(change)

    @contextlib.contextmanager
    def reading_through(self, views: Mapping[str, Table]) -> Iterator[None]:
        """Within, in this context only, the requests this engine runs read these tables through
        `views` (read-only views a test double gives: eventual consistency's older versions); the
        tables themselves, and what anything else sees, stay as they are."""
        token = _read_views.set((self, views))
        try:
            yield
        finally:
            _read_views.reset(token)

    def table(self, name: str, *, named_in_error: bool = False) -> Table:
        """The table a request names, by name or by ARN (its form was checked by `validation`).
        A missing table is ResourceNotFoundException; the control-plane operations name it in the
        message (`named_in_error`), as the service does."""
        name = self.table_name(name)
        engine, views = _read_views.get()
        table = views.get(name) if engine is self else None
        if table is None:
            table = self.tables.get(name)
        if table is None:
            raise errors.table_not_found_named(name) if named_in_error else errors.table_not_found()
        return table

    def find_table(self, name: str) -> Table | None:
        """The table named, by name or by ARN, or None (for operations whose error for a missing
        table is their own: the backup operations' TableNotFoundException)."""
        return self.tables.get(self.table_name(name))

    def table_name(self, name: str) -> str:
        """The name of the table `name` names: itself, or the table of one of this engine's ARNs."""
        prefix = self.arn("table/")
        return name[len(prefix) :] if name.startswith(prefix) else name

    def arn(self, resource: str) -> str:
        return f"arn:aws:dynamodb:{self.region}:{self.account_id}:{resource}"

    @staticmethod
    def operations() -> list[str]:
        return sorted(HANDLERS)
