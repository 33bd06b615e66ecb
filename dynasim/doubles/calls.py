"""The call log: every call a simulator answered, whichever front it came through.

Each `Call` holds the operation, what it touches (`call.touches`, the engine's answer: access,
tables, index, entries, scan or query; PartiQL statements resolved to their tables and items), the
wire-form request, the response or the error, when it started (on the simulator's clock), how long
it took, the front, the capacity it consumed (whether or not the request asked for
ReturnConsumedCapacity; read or write units by the call's access), the latency and the fault
injected. Operation names given to the queries and assertions are checked (`doubles.operations`).

`CallLog` is list-like (index, iterate, `len`) and has assertion helpers whose failure messages
list the calls that were made:

    sim.call_log.assert_called("PutItem", table="orders", times=2)
    sim.call_log.assert_not_called("Scan")
    sim.verify_operation("PutItem")          # the PutItem calls, as a list
    sim.call_log.to_jsonl("calls.jsonl")     # one JSON object per call

Requests and responses are kept as the engine saw and answered them (stored items are never
changed in place, so a logged response stays as it was answered).

The log keeps the last `max_calls` calls and, when `max_bytes` is set, only as many as fit in
that many bytes of requests and responses (as `wire_size` estimates them: roughly their JSON
size), dropping the oldest first; `clear()` lets go of every call it held.
"""

from __future__ import annotations

import base64
import itertools
import json
import os
import threading
import time
from collections import deque
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from dynasim.doubles.matching import EVERY_CALL, All, Operation, Pattern, pattern
from dynasim.doubles.operations import check_operations
from dynasim.doubles.stages import Progress, Stage
from dynasim.engine.registry import touches as find_touches
from dynasim.engine.touches import Touches
from dynasim.errors import DynamoDBError

DEFAULT_MAX_CALLS = 10_000

# The fronts a call can come through.
FRONTS = ("direct", "client", "mock", "http")


@dataclass(frozen=True)
class Capacity:
    """Capacity one call consumed on one table (and its indexes)."""

    table: str
    units: float  # table and indexes together
    table_units: float
    index_units: dict[str, float] = field(default_factory=dict)

    def as_dict(self) -> dict[str, Any]:
        return {
            "TableName": self.table,
            "CapacityUnits": self.units,
            "Table": {"CapacityUnits": self.table_units},
            **(
                {"Indexes": {name: {"CapacityUnits": units} for name, units in self.index_units.items()}}
                if self.index_units
                else {}
            ),
        }


class Call:
    """One call the simulator answered (or failed, or lost)."""

    __slots__ = (
        "index",
        "operation",
        "touches",
        "request",
        "response",
        "error",
        "start",
        "duration",
        "front",
        "region",
        "_consumed",
        "_capacity",
        "latency",
        "fault",
        "applied",
        "size",
        "__weakref__",
    )

    def __init__(
        self,
        index: int,
        operation: str,
        request: dict[str, Any],
        start: float,
        front: str,
        touches: Touches | None = None,
        region: str | None = None,
    ) -> None:
        self.index = index
        self.operation = operation
        # What the call touches, as the engine declares it (found before it ran).
        self.touches = touches if touches is not None else find_touches(None, operation, request)
        self.request = request
        self.response: dict[str, Any] | None = None
        self.error: BaseException | None = None
        self.start = start  # seconds since the epoch, on the simulator's clock
        self.duration = 0.0  # seconds, including injected latency
        self.front = front
        self.region = region  # the region that answered it
        self._consumed: list[Any] = []  # the engine's Consumed objects, summed when first asked
        self._capacity: tuple[Capacity, ...] | None = None
        self.latency = 0.0  # injected latency, seconds
        self.fault: Any = None  # the fault rule that fired, if any
        self.applied = False  # whether the request changed (or read) the tables
        self.size = 0  # bytes of request and response the call log counts for it (when bounded by bytes)

    @property
    def tables(self) -> tuple[str, ...]:
        """The tables the request names, in order, once each."""
        return self.touches.tables

    @property
    def table(self) -> str | None:
        """The (first) table the request names."""
        return self.tables[0] if self.tables else None

    @property
    def ok(self) -> bool:
        return self.error is None

    @property
    def status(self) -> int | None:
        """The HTTP status the call was answered with; None for a transport fault (no answer)."""
        if self.error is None:
            return 200
        return self.error.status if isinstance(self.error, DynamoDBError) else None

    @property
    def error_code(self) -> str | None:
        """The DynamoDB error code, or the transport fault's name (say "ReadTimeoutError")."""
        if self.error is None:
            return None
        if isinstance(self.error, DynamoDBError):
            return self.error.code
        return getattr(self.error, "kind", type(self.error).__name__)

    @property
    def capacity(self) -> tuple[Capacity, ...]:
        """The capacity the call consumed, per table."""
        if self._capacity is None:
            self._capacity = summarize(self._consumed)
            self._consumed = []
        return self._capacity

    @property
    def capacity_units(self) -> float:
        return sum(entry.units for entry in self.capacity)

    @property
    def read_units(self) -> float:
        return self.capacity_units if self.touches.access == "read" else 0.0

    @property
    def write_units(self) -> float:
        return self.capacity_units if self.touches.access == "write" else 0.0

    def describe(self) -> str:
        """One line: `#3 PutItem orders via client -> ok (1.0 WCU)`."""
        where = f" {', '.join(self.tables)}" if self.tables else ""
        if self.error is None:
            outcome = "ok"
        else:
            outcome = self.error_code or "error"
            if self.applied:
                outcome += " (applied, response lost)"
        units = ""
        if self.capacity:
            units = f" ({self.capacity_units:g} {'WCU' if self.touches.access == 'write' else 'RCU'})"
        injected = " [injected]" if self.fault is not None else ""
        return f"#{self.index} {self.operation}{where} via {self.front} -> {outcome}{units}{injected}"

    def as_dict(self) -> dict[str, Any]:
        """The call as plain JSON-able data (binary values base64, as on the wire)."""
        record: dict[str, Any] = {
            "index": self.index,
            "operation": self.operation,
            "table": self.table,
            "tables": list(self.tables),
            "front": self.front,
            "start": self.start,
            "duration": self.duration,
            "latency": self.latency,
            "request": self.request,
            "applied": self.applied,
            "consumed_capacity": [entry.as_dict() for entry in self.capacity],
        }
        if self.error is None:
            record["response"] = self.response
        elif isinstance(self.error, DynamoDBError):
            record["error"] = {"code": self.error.code, "message": self.error.message, "status": self.error.status}
        else:
            record["error"] = {"code": self.error_code, "message": str(self.error)}
        if self.fault is not None:
            record["fault"] = str(self.fault)
        return record

    def __repr__(self) -> str:
        return f"<Call {self.describe()}>"


def summarize(consumed: list[Any]) -> tuple[Capacity, ...]:
    """The capacity of one call per table, from the engine's Consumed objects (a batch or a
    transaction has one per table, or more)."""
    table_units: dict[str, float] = {}
    index_units: dict[str, dict[str, float]] = {}
    for entry in consumed:
        name = entry.table.name
        table_units[name] = table_units.get(name, 0.0) + entry.table_units
        indexes = index_units.setdefault(name, {})
        for index, units in entry.index_units.items():
            indexes[index] = indexes.get(index, 0.0) + units
    return tuple(
        Capacity(name, units + sum(index_units[name].values()), units, index_units[name])
        for name, units in table_units.items()
    )


def json_default(value: Any) -> Any:
    """What `json.dumps` writes for what JSON lacks: binary as base64, numbers and the rest as text."""
    if isinstance(value, (bytes, bytearray)):
        return base64.b64encode(value).decode("ascii")
    if isinstance(value, Decimal):
        return str(value)
    if isinstance(value, (set, frozenset, tuple)):
        return list(value)
    return str(value)


def json_lines(calls: Iterable[Call]) -> str:
    """Calls as JSON lines, one object per call (`Call.as_dict`)."""
    return "".join(json.dumps(call.as_dict(), default=json_default, ensure_ascii=False) + "\n" for call in calls)


def wire_size(value: Any) -> int:
    """Roughly the bytes of `value` as JSON, walked without recursion (a request may nest deep):
    strings and keys by length, binary values as base64, a few bytes for anything else."""
    total = 0
    stack = [value]
    while stack:
        value = stack.pop()
        kind = type(value)
        if kind is str:
            total += len(value) + 2
        elif kind is dict:
            total += 2 + 4 * len(value) + sum(len(key) for key in value)
            stack.extend(value.values())
        elif kind is list or kind is tuple or kind is set or kind is frozenset:
            total += 2 + len(value)
            stack.extend(value)
        elif kind is bytes or kind is bytearray:
            total += (len(value) + 2) // 3 * 4 + 2
        else:
            total += 8
    return total


def call_size(call: Call) -> int:
    """What a logged call holds: its request and its response (an error is a few bytes)."""
    return wire_size(call.request) + (wire_size(call.response) if call.response is not None else 64)


Predicate = Callable[[dict[str, Any]], bool]


class CallLog:
    """The calls a simulator answered, oldest first; keeps the last `max_calls` (None: all) that
    fit in `max_bytes` of requests and responses (None: no bound in bytes, and no sizing cost)."""

    def __init__(self, max_calls: int | None = DEFAULT_MAX_CALLS, max_bytes: int | None = None) -> None:
        # Bounded by count alone, the deque drops the oldest call itself; by bytes, `_drop_oldest` does.
        self._calls: deque[Call] = deque(maxlen=max_calls if max_bytes is None and max_calls else None)
        self._counter = itertools.count()
        self._lock = threading.Lock()
        self.max_calls = max_calls
        self.max_bytes = max_bytes
        self._bytes = 0  # the sizes of the calls kept
        self.enabled = max_calls != 0 and max_bytes != 0
        self.listeners: list[Callable[[Call], None]] = []  # told of each call once it is over (even unkept)

    # --- recording (the simulator's side) ---------------------------------------------------

    def start(
        self,
        operation: str,
        request: dict[str, Any],
        start: float,
        front: str,
        touches: Touches | None = None,
        region: str | None = None,
    ) -> Call:
        return Call(next(self._counter), operation, request, start, front, touches, region)

    def add(self, call: Call) -> None:
        if self.enabled:
            if self.max_bytes is None:
                with self._lock:
                    self._calls.append(call)
            else:
                call.size = call_size(call)
                with self._lock:
                    self._calls.append(call)
                    self._bytes += call.size
                    self._drop_oldest()
        for listener in self.listeners:
            listener(call)

    def _drop_oldest(self) -> None:
        calls = self._calls
        while calls and (
            (self.max_calls is not None and len(calls) > self.max_calls)
            or (self.max_bytes is not None and self._bytes > self.max_bytes)
        ):
            self._bytes -= calls.popleft().size

    @property
    def logged_bytes(self) -> int:
        """The bytes of requests and responses the kept calls hold, as the log counts them (0
        unless the log is bounded by bytes)."""
        return self._bytes

    @property
    def next_index(self) -> int:
        """The index the next call will get (the calls from here on are `since(index)`)."""
        with self._lock:
            return self._calls[-1].index + 1 if self._calls else 0

    # --- list-like ----------------------------------------------------------------------------

    def __len__(self) -> int:
        return len(self._calls)

    def __iter__(self) -> Iterator[Call]:
        with self._lock:
            return iter(list(self._calls))

    def __getitem__(self, position: int | slice) -> Any:
        with self._lock:
            calls = list(self._calls)
        return calls[position]

    def __bool__(self) -> bool:
        return bool(self._calls)

    def clear(self) -> None:
        with self._lock:
            self._calls.clear()
            self._bytes = 0

    @property
    def last(self) -> Call:
        if not self._calls:
            raise AssertionError("no calls were made")
        return self._calls[-1]

    @property
    def first(self) -> Call:
        if not self._calls:
            raise AssertionError("no calls were made")
        return self._calls[0]

    def since(self, index: int) -> list[Call]:
        """The calls from index `index` on (see `next_index`)."""
        return [call for call in self if call.index >= index]

    # --- queries ----------------------------------------------------------------------------

    def filter(
        self,
        operation: str | Iterable[str] | Pattern | None = None,
        *,
        table: str | None = None,
        where: Predicate | None = None,
        front: str | None = None,
        error: str | bool | None = None,
        index: str | None = None,
        region: str | None = None,
    ) -> list[Call]:
        """The calls matching every given criterion: operation name(s) (or a `Pattern`), table,
        index, a predicate on the request, front, error (True: failed calls, False: successful
        ones, a code: that error) and region (the one that answered). An operation DynamoDB does
        not have is a ValueError naming the closest ones."""
        found = _pattern(operation, table, where, front, error, index, region)
        return [call for call in self if found(call)]

    def operations(self) -> list[str]:
        """The operations called, in order."""
        return [call.operation for call in self]

    def count(self, operation: str | Iterable[str] | Pattern | None = None, **criteria: Any) -> int:
        return len(self.filter(operation, **criteria))

    # --- assertions -------------------------------------------------------------------------

    def assert_called(
        self,
        operation: str | Iterable[str] | Pattern | None = None,
        *,
        times: int | None = None,
        table: str | None = None,
        where: Predicate | None = None,
        front: str | None = None,
        error: str | bool | None = None,
        index: str | None = None,
        region: str | None = None,
    ) -> list[Call]:
        """Assert that matching calls were made (exactly `times` of them, if given); return them."""
        wanted_calls = _pattern(operation, table, where, front, error, index, region)
        found = [call for call in self if wanted_calls(call)]
        if (times is None and not found) or (times is not None and len(found) != times):
            wanted = "at least 1" if times is None else str(times)
            raise AssertionError(f"expected {wanted} {_described(wanted_calls)}, got {len(found)}\n{self.describe()}")
        return found

    def assert_called_once(self, operation: str | Iterable[str] | Pattern | None = None, **criteria: Any) -> Call:
        return self.assert_called(operation, times=1, **criteria)[0]

    def assert_not_called(self, operation: str | Iterable[str] | Pattern | None = None, **criteria: Any) -> None:
        self.assert_called(operation, times=0, **criteria)

    def assert_no_scan(self, table: str | None = None) -> None:
        """Assert that nothing scanned (on `table`, if given): no Scan, no PartiQL SELECT that scans."""
        on_table = pattern(table=table)
        scans = [call for call in self if call.touches.scan and on_table(call)]
        if scans:
            where = f" on table {table!r}" if table is not None else ""
            raise AssertionError(f"expected no scan{where}, got {len(scans)}\n{self.describe()}")

    def assert_operations(self, *operations: str) -> None:
        """Assert the exact sequence of operations called."""
        check_operations(operations)
        made = self.operations()
        if made != list(operations):
            raise AssertionError(f"expected the calls {list(operations)}, got {made}\n{self.describe()}")

    def describe(self, limit: int = 50) -> str:
        """The calls made, one per line (the last `limit`)."""
        calls = list(self)
        if not calls:
            return "no calls were made"
        lines = ["calls made:"]
        if len(calls) > limit:
            lines.append(f"  ... {len(calls) - limit} earlier calls")
        lines.extend(f"  {call.describe()}" for call in calls[-limit:])
        return "\n".join(lines)

    # --- export -------------------------------------------------------------------------------

    def to_jsonl(self, path: str | os.PathLike[str] | None = None) -> str:
        """The calls as JSON lines (one object per call); also written to `path` if given."""
        text = json_lines(self)
        if path is not None:
            with open(path, "w", encoding="utf-8") as handle:
                handle.write(text)
        return text

    def __repr__(self) -> str:
        return f"<CallLog of {len(self)} calls>"


def _pattern(
    operation: str | Iterable[str] | Pattern | None,
    table: str | None,
    where: Predicate | None,
    front: str | None,
    error: str | bool | None,
    index: str | None,
    region: str | None = None,
) -> Pattern:
    """The pattern of a query's criteria (operation names are checked against DynamoDB's)."""
    if isinstance(operation, Pattern):
        given = pattern(table=table, where=where, front=front, error=error, index=index, region=region)
        return operation if given is EVERY_CALL else All((operation, given))
    check_operations(operation)
    return pattern(operation, table=table, index=index, where=where, front=front, error=error, region=region)


def _described(found: Pattern) -> str:
    """`PutItem call(s) on table 'orders' via client`: what an assertion expected."""
    parts = found.parts if isinstance(found, All) else (found,)
    names = [part.describe() for part in parts if isinstance(part, Operation)]
    rest = [part.describe() for part in parts if not isinstance(part, Operation)]
    return " ".join([f"{names[0]} call(s)" if names else "call(s)", *filter(None, rest)])


class RecordCalls(Stage):
    """The call log as a stage: the last to finish, so it records every call with what the other
    stages noted on it (latency, fault), its consumed capacity and its duration."""

    def __init__(self, log: CallLog) -> None:
        self.log = log

    def finish(self, progress: Progress) -> None:
        call = progress.call
        call.duration = time.perf_counter() - progress.started + progress.virtual
        self.log.add(call)
