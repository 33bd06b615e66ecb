"""Fault injection: rules that make matching calls fail, lose their response or come back partial.

    sim.inject_fault("PutItem", error="ProvisionedThroughputExceededException", times=2)
    sim.inject_fault("GetItem", error="InternalServerError", probability=0.1, seed=7)
    sim.inject_fault("UpdateItem", error=["ThrottlingException", "ThrottlingException", None])  # then succeed
    sim.inject_fault("PutItem", error="ResponseLost", table="orders")    # applied, but the answer is lost
    sim.inject_fault("BatchWriteItem", unprocessed=0.5)                  # half the items come back

A rule is a pattern (operation, table, request; `doubles.matching`), which says whether a call
matches and why not, and an outcome. The first rule (in the order added) that matches a call and
fires (its `times` not used up, its `probability` drawn) decides the call. A rule that never
fired can be reported, with the reasons it did not match the calls it saw.

Outcomes (`error=`):

* a DynamoDB error code ("ThrottlingException", ...): DynamoDB's own HTTP status, `__type` and
  message (see `errors.INJECTABLE_MESSAGES`; `message=` overrides), or a `DynamoDBError`;
* a transport fault: "EndpointConnectionError" (never reached the service), "ReadTimeoutError",
  "ConnectionClosedError" — botocore raises its own exception of that name — or "ResponseLost"
  (the request is applied, then the connection is closed before the answer), or
  `transport_error(kind, applied=...)` for any mix;
* `unprocessed(fraction or chooser)` (or `unprocessed=`): for BatchWriteItem and BatchGetItem, part
  of the request is left out and returned as UnprocessedItems / UnprocessedKeys, unapplied;
* None: the call goes through;
* a sequence or iterator of the above, one per matching call ("throttle twice, then succeed"); the
  rule is used up when it ends;
* a function of the pending call (`PendingCall`) returning any of the above.
"""

from __future__ import annotations

import itertools
import math
import random
import threading
from collections import deque
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from dynasim import errors
from dynasim.doubles.batches import (  # noqa: F401  (re-exported: the partial-batch helpers lived here)
    batch_entries,
    leave_out,
    merge_unprocessed,
    split_batch,
    unprocessed_member,
)
from dynasim.doubles.matching import PendingCall, pattern
from dynasim.doubles.operations import check_operations
from dynasim.doubles.stages import Progress, Stage, stage
from dynasim.errors import DynamoDBError

if TYPE_CHECKING:
    from dynasim.doubles.hub import Doubles

TRANSPORT_ERRORS = ("EndpointConnectionError", "ReadTimeoutError", "ConnectionClosedError")
RESPONSE_LOST = "ResponseLost"


class TransportFault(Exception):
    """A network failure injected into a call; each front turns it into its transport's failure
    (the boto3 fronts raise botocore's exception of the same name, the HTTP front closes the
    connection or never answers). `applied`: the request changed the tables before it was lost."""

    def __init__(self, kind: str, applied: bool = False) -> None:
        super().__init__(f"{kind} (injected{', after the request was applied' if applied else ''})")
        self.kind = kind
        self.applied = applied


@dataclass(frozen=True)
class Transport:
    """A transport fault to inject: `kind` is one of TRANSPORT_ERRORS."""

    kind: str
    applied: bool = False

    def __post_init__(self) -> None:
        if self.kind not in TRANSPORT_ERRORS:
            raise ValueError(f"unknown transport error {self.kind!r}: expected one of {', '.join(TRANSPORT_ERRORS)}")
        if self.applied and self.kind == "EndpointConnectionError":
            raise ValueError("an EndpointConnectionError never reaches the service, so it cannot be applied")

    def __str__(self) -> str:
        return f"{self.kind} (applied)" if self.applied else self.kind


def transport_error(kind: str, *, applied: bool = False) -> Transport:
    return Transport(kind, applied)


def response_lost(kind: str = "ConnectionClosedError") -> Transport:
    """The request is applied, then its response is lost (`kind`: ConnectionClosedError or ReadTimeoutError)."""
    return Transport(kind, applied=True)


Chooser = Callable[[str, dict[str, Any]], bool]


@dataclass(frozen=True)
class Unprocessed:
    """Leave part of a batch unprocessed: a fraction of its entries (at least one when > 0), or a
    chooser `(table name, write request or key) -> True to leave it unprocessed`."""

    share: float | Chooser

    def __post_init__(self) -> None:
        if not callable(self.share) and not 0 <= self.share <= 1:
            raise ValueError("unprocessed: a fraction between 0 and 1, or a function (table, entry) -> bool")

    def choose(self, entries: list[tuple[str, Any]], rng: random.Random) -> set[int]:
        """The positions in `entries` to leave unprocessed."""
        if callable(self.share):
            return {i for i, (table, entry) in enumerate(entries) if self.share(table, entry)}
        count = math.ceil(self.share * len(entries)) if self.share > 0 else 0
        return set(rng.sample(range(len(entries)), min(count, len(entries))))

    def __str__(self) -> str:
        return f"unprocessed={self.share if not callable(self.share) else 'chooser'}"


def unprocessed(share: float | Chooser) -> Unprocessed:
    return Unprocessed(share)


Outcome = Any  # DynamoDBError | Transport | Unprocessed | None


# --- outcomes ----------------------------------------------------------------------------------


def outcome_of(value: Any, message: str | None = None) -> Outcome:
    """One outcome from what a test passed."""
    if value is None or isinstance(value, (Transport, Unprocessed)):
        return value
    if isinstance(value, DynamoDBError):
        return value
    if isinstance(value, str):
        if value in TRANSPORT_ERRORS:
            return Transport(value)
        if value == RESPONSE_LOST:
            return response_lost()
        return errors.injected(value, message)
    raise TypeError(
        f"cannot inject {value!r}: expected a DynamoDB error code, a DynamoDBError, a transport error name, "
        "'ResponseLost', unprocessed(...), None, a sequence of these, or a function returning one"
    )


def _fresh(error: DynamoDBError) -> DynamoDBError:
    return DynamoDBError(error.code, error.message, error.status, **error.extra)


_rule_numbers = itertools.count(1)


class FaultRule:
    """One injected fault: where it applies and what it does. Returned by `Simulator.inject_fault`."""

    def __init__(
        self,
        operation: str | Iterable[str] | None = None,
        error: Any = None,
        *,
        times: int | None = None,
        probability: float = 1.0,
        table: str | Iterable[str] | None = None,
        index: str | Iterable[str] | None = None,
        match: Callable[[dict[str, Any]], bool] | dict[str, Any] | None = None,
        seed: int | None = None,
        unprocessed: float | Chooser | None = None,
        message: str | None = None,
        region: str | Iterable[str] | None = None,
    ) -> None:
        check_operations(operation)
        if not 0 <= probability <= 1:
            raise ValueError("probability must be between 0 and 1")
        if times is not None and times < 0:
            raise ValueError("times must be >= 0")
        if unprocessed is not None:
            if error is not None:
                raise ValueError("give either error= or unprocessed=, not both")
            error = Unprocessed(unprocessed)
        self.number = next(_rule_numbers)
        self.operation = operation
        self.table = table
        self.times = times
        self.probability = probability
        self.index = index
        self.region = region
        self.pattern = pattern(operation, table=table, index=index, match=match, region=region)
        self.rng = random.Random(seed)
        self.function: Callable[[PendingCall], Any] | None = None
        self.sequence: Iterator[Any] | None = None
        self.fixed: Outcome = None
        self._message = message
        if callable(error) and not isinstance(error, (DynamoDBError, Unprocessed, Transport)):
            self.function = error
            self.summary = getattr(error, "__name__", "function")
        elif isinstance(error, (str, DynamoDBError, Transport, Unprocessed)) or error is None:
            self.fixed = outcome_of(error, message)
            self.summary = _summary(self.fixed)
        elif isinstance(error, Iterable):
            if isinstance(error, (list, tuple)):
                steps = [outcome_of(step, message) for step in error]  # checked now, not at the call
                self.summary = "[" + ", ".join(_summary(step) for step in steps) + "]"
                self.sequence = iter(steps)
            else:
                self.sequence = iter(error)
                self.summary = "iterator"
        else:
            outcome_of(error)  # raises TypeError
        self.seen = 0  # calls considered
        self.matched = 0  # calls that matched every matcher
        self.fired = 0  # calls it decided
        self.exhausted = False
        self.misses: deque[str] = deque(maxlen=5)  # why recent calls did not match
        self.removed = False

    # --- deciding -----------------------------------------------------------------------------

    def consider(self, call: PendingCall) -> tuple[bool, Outcome]:
        """(fires, outcome) for one call; an outcome of None with fires=True lets it through."""
        if self.exhausted or self.removed:
            return False, None
        self.seen += 1
        matched, reason = self.pattern.match(call)
        if not matched:
            self.misses.append(f"{call.operation}{_on(call.tables)}: {reason}")
            return False, None
        self.matched += 1
        if self.probability < 1 and self.rng.random() >= self.probability:
            self.misses.append(
                f"{call.operation}{_on(call.tables)}: matched, not drawn (probability {self.probability})"
            )
            return False, None
        if self.sequence is not None:
            try:
                step = next(self.sequence)
            except StopIteration:
                self.exhausted = True
                return False, None
            outcome = outcome_of(step, self._message)
        elif self.function is not None:
            outcome = outcome_of(self.function(call), self._message)
        else:
            outcome = self.fixed
        self.fired += 1
        if self.times is not None and self.fired >= self.times:
            self.exhausted = True
        if isinstance(outcome, DynamoDBError):
            outcome = _fresh(outcome)
        return True, outcome

    @property
    def used(self) -> bool:
        return self.fired > 0

    def remove(self) -> None:
        """Stop applying this rule."""
        self.removed = True

    def __enter__(self) -> FaultRule:
        return self

    def __exit__(self, *_: object) -> None:
        """`with sim.inject_fault(...):` applies the rule inside the block only."""
        self.remove()

    def report(self) -> str:
        """Why this rule never (or how often it) fired."""
        if self.fired:
            return f"{self}: fired {self.fired} time(s)"
        if not self.seen:
            return f"{self}: never matched: no calls were made after it was added"
        reasons = "; ".join(self.misses) or "no reason recorded"
        return f"{self}: never fired ({self.seen} call(s) seen, {self.matched} matched): {reasons}"

    def __str__(self) -> str:
        parts = []
        if self.operation not in (None, "*"):
            parts.append(self.operation if isinstance(self.operation, str) else "/".join(self.operation))
        else:
            parts.append("any operation")
        if self.table is not None:
            parts.append(f"on {self.table!r}" if isinstance(self.table, str) else f"on {sorted(self.table)}")
        detail = [self.summary]
        if self.times is not None:
            detail.append(f"times={self.times}")
        if self.probability < 1:
            detail.append(f"probability={self.probability}")
        return f"fault #{self.number} ({' '.join(parts)}: {', '.join(detail)})"

    def __repr__(self) -> str:
        return f"<{self}>"


def _on(tables: tuple[str, ...]) -> str:
    return f" on {', '.join(repr(t) for t in tables)}" if tables else ""


def _summary(outcome: Outcome) -> str:
    if outcome is None:
        return "pass"
    if isinstance(outcome, DynamoDBError):
        return outcome.code
    return str(outcome)


@stage(order=20)
class Faults(Stage):
    """The fault rules of one simulator, in the order they were added: a stage that decides a call
    before the engine runs it (an error, a transport fault, a partial batch) and, after, loses the
    response of a call whose answer is to be lost."""

    _active = False  # until a rule is added

    def __init__(self, hub: Doubles | None = None) -> None:
        self.rules: list[FaultRule] = []
        self._lock = threading.Lock()

    def before(self, progress: Progress) -> None:
        decision = self.decide(progress.pending)
        if decision is None or decision[1] is None:
            return
        rule, outcome = decision
        progress.call.fault = rule
        if isinstance(outcome, DynamoDBError):
            raise outcome
        if isinstance(outcome, Transport):
            if not outcome.applied:
                raise TransportFault(outcome.kind)
            progress.lost = outcome.kind
        elif isinstance(outcome, Unprocessed):
            _leave_out(progress, outcome, rule.rng)

    def after(self, progress: Progress, response: dict[str, Any]) -> None:
        if progress.lost is not None:
            raise TransportFault(progress.lost, applied=True)

    def add(self, rule: FaultRule) -> FaultRule:
        with self._lock:
            self.rules.append(rule)
            self.active = True
        return rule

    def decide(self, call: PendingCall) -> tuple[FaultRule, Outcome] | None:
        """The rule that decides this call and its outcome, or None."""
        with self._lock:
            for rule in self.rules:
                fires, outcome = rule.consider(call)
                if fires:
                    return rule, outcome
        return None

    def clear(self) -> None:
        with self._lock:
            self.rules.clear()
            self.active = False

    def unused(self) -> list[FaultRule]:
        """The rules that never fired."""
        return [rule for rule in self.rules if not rule.used and not rule.removed]

    def assert_all_used(self) -> None:
        unused = self.unused()
        if unused:
            raise AssertionError(
                f"{len(unused)} injected fault(s) never fired:\n" + "\n".join(f"  {rule.report()}" for rule in unused)
            )


def _leave_out(progress: Progress, outcome: Unprocessed, rng: random.Random) -> None:
    """Leave the entries the outcome chooses out of a batch (all of them: DynamoDB fails the batch)."""
    entries = batch_entries(progress.touches, progress.request)
    if entries is None:
        return  # not a batch the engine would accept: let it answer
    chosen = outcome.choose(entries, rng)
    if chosen and len(chosen) == len(entries):
        # DynamoDB fails the whole batch when it can process none of it.
        raise errors.table_throughput_exceeded()
    progress.request, progress.left_out = leave_out(progress.touches, progress.request, chosen, progress.left_out)
