"""One matching vocabulary for every double: a `Pattern` matches a call by the facts the engine
declares for it (`Engine.touches`: operation, tables, index) and by its request, and says why it
did not match. Fault rules, latency rules, call-log queries and assertions each hold one.

    pattern(operation="PutItem", table="orders")                      # lookups given together: all of them
    pattern(table="orders") & ~pattern(operation="Scan")               # combined: &, |, ~
    pattern(match={"Item": {"pk": {"S": "o-1"}}})                      # a dict contained in the request
    pattern(where=lambda request: "ConditionExpression" in request)   # a predicate on it
    sim.call_log.filter(pattern(index="by-email"))                     # every query accepts one

A pattern matches anything with `operation`, `tables`, `touches` and `request` (a `PendingCall`
before it runs, a logged `Call` after); the call log's own lookups, `front` and `error`, read what
only a logged call has. `pattern.match(call)` is (matched, reason): the reason a rule that never
fired reports, and what an assertion prints.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from dynasim.doubles.operations import ANY

if TYPE_CHECKING:
    from dynasim.engine.touches import Touches

Request = dict[str, Any]
Predicate = Callable[[Request], bool]
Result = tuple[bool, str]


@dataclass(frozen=True)
class PendingCall:
    """What a matcher or an outcome function sees of a call about to run."""

    operation: str
    tables: tuple[str, ...]
    request: dict[str, Any]
    touches: Touches | None = None  # what the call touches, as the engine declares it
    region: str | None = None  # the region answering it

    @property
    def table(self) -> str | None:
        return self.tables[0] if self.tables else None


class Pattern:
    """Matches a call or not, and says why not. Combine patterns with `&`, `|` and `~`."""

    def match(self, call: Any) -> Result:
        raise NotImplementedError

    def __call__(self, call: Any) -> bool:
        return self.match(call)[0]

    def describe(self) -> str:
        """What it matches, in a few words ("on table 'orders'")."""
        raise NotImplementedError

    def __and__(self, other: Pattern) -> Pattern:
        return All((self, other))

    def __or__(self, other: Pattern) -> Pattern:
        return AnyOf((self, other))

    def __invert__(self) -> Pattern:
        return Not(self)

    def __repr__(self) -> str:
        return f"<pattern {self.describe() or 'any call'}>"


def _names(value: str | Iterable[str]) -> frozenset[str]:
    return frozenset((value,)) if isinstance(value, str) else frozenset(value)


class Operation(Pattern):
    def __init__(self, operation: str | Iterable[str]) -> None:
        self.names = _names(operation)
        self.wanted = "/".join(sorted(self.names))

    def match(self, call: Any) -> Result:
        if call.operation in self.names:
            return True, ""
        return False, f"operation is {call.operation}, not {self.wanted}"

    def describe(self) -> str:
        return self.wanted


class Table(Pattern):
    """Any of the tables a call names (batches, transactions and PartiQL statements included)."""

    def __init__(self, table: str | Iterable[str]) -> None:
        self.names = _names(table)
        self.given = table

    def match(self, call: Any) -> Result:
        if self.names.intersection(call.tables):
            return True, ""
        found = ", ".join(repr(name) for name in call.tables) or "no table"
        wanted = " or ".join(repr(name) for name in sorted(self.names))
        return False, f"table is {found}, not {wanted}"

    def describe(self) -> str:
        return f"on table {self.given!r}" if isinstance(self.given, str) else f"on tables {sorted(self.names)}"


class Index(Pattern):
    """The index a Query or Scan (or a PartiQL SELECT) reads."""

    def __init__(self, index: str | Iterable[str]) -> None:
        self.names = _names(index)

    def match(self, call: Any) -> Result:
        index = call.touches.index if call.touches is not None else None
        if index in self.names:
            return True, ""
        wanted = " or ".join(repr(name) for name in sorted(self.names))
        return False, f"index is {index!r}, not {wanted}" if index else f"reads no index, not {wanted}"

    def describe(self) -> str:
        return "on index " + " or ".join(repr(name) for name in sorted(self.names))


class Contains(Pattern):
    """The request holds this dict (dicts by subset, everything else by equality)."""

    def __init__(self, expected: Request) -> None:
        self.expected = expected

    def match(self, call: Any) -> Result:
        path = _first_difference(self.expected, call.request)
        if path is None:
            return True, ""
        return False, f"request differs at {path}"

    def describe(self) -> str:
        return f"containing {self.expected!r}"


class Where(Pattern):
    """A predicate on the wire-form request."""

    def __init__(self, predicate: Predicate) -> None:
        self.predicate = predicate
        self.name = getattr(predicate, "__name__", "match")

    def match(self, call: Any) -> Result:
        if self.predicate(call.request):
            return True, ""
        return False, f"{self.name}(request) is false"

    def describe(self) -> str:
        return f"matching {getattr(self.predicate, '__name__', 'the predicate')}"


class Region(Pattern):
    """The region that answers a call (a simulator's home region, or another it holds)."""

    def __init__(self, region: str | Iterable[str]) -> None:
        self.names = _names(region)

    def match(self, call: Any) -> Result:
        if call.region in self.names:
            return True, ""
        wanted = " or ".join(sorted(self.names))
        return False, f"region is {call.region}, not {wanted}"

    def describe(self) -> str:
        return "in " + " or ".join(sorted(self.names))


class Front(Pattern):
    """The front a logged call came through ("client", "mock", "http", "direct")."""

    def __init__(self, front: str) -> None:
        self.front = front

    def match(self, call: Any) -> Result:
        if call.front == self.front:
            return True, ""
        return False, f"came via {call.front}, not {self.front}"

    def describe(self) -> str:
        return f"via {self.front}"


class Failed(Pattern):
    """A logged call's outcome: True failed, False succeeded, a code failed with that error."""

    def __init__(self, error: str | bool) -> None:
        self.error = error

    def match(self, call: Any) -> Result:
        if self.error is True:
            matched = call.error is not None
        elif self.error is False:
            matched = call.error is None
        else:
            matched = call.error_code == self.error
        return (True, "") if matched else (False, f"outcome is {call.error_code or 'ok'}")

    def describe(self) -> str:
        if self.error is True:
            return "that failed"
        if self.error is False:
            return "that succeeded"
        return f"failing with {self.error}"


class All(Pattern):
    """Every part matches; the reason is the first part's that does not."""

    def __init__(self, parts: Iterable[Pattern]) -> None:
        self.parts = tuple(parts)

    def match(self, call: Any) -> Result:
        for part in self.parts:
            matched, reason = part.match(call)
            if not matched:
                return False, reason
        return True, ""

    def describe(self) -> str:
        return " ".join(filter(None, (part.describe() for part in self.parts)))


class AnyOf(Pattern):
    def __init__(self, parts: Iterable[Pattern]) -> None:
        self.parts = tuple(parts)

    def match(self, call: Any) -> Result:
        reasons = []
        for part in self.parts:
            matched, reason = part.match(call)
            if matched:
                return True, ""
            reasons.append(reason)
        return False, " and ".join(reasons)

    def describe(self) -> str:
        return "(" + " or ".join(part.describe() or "any call" for part in self.parts) + ")"


class Not(Pattern):
    def __init__(self, part: Pattern) -> None:
        self.part = part

    def match(self, call: Any) -> Result:
        if self.part.match(call)[0]:
            return False, f"matches {self.part.describe()}"
        return True, ""

    def describe(self) -> str:
        return f"not {self.part.describe()}"


EVERY_CALL = All(())


def pattern(
    operation: str | Iterable[str] | None = None,
    *,
    table: str | Iterable[str] | None = None,
    index: str | Iterable[str] | None = None,
    match: Request | Predicate | None = None,
    where: Predicate | None = None,
    front: str | None = None,
    error: str | bool | None = None,
    region: str | Iterable[str] | None = None,
) -> Pattern:
    """The pattern of the lookups given (None: any); with none, every call. `match`: a dict the
    request contains, or a predicate on it (as `where`)."""
    parts: list[Pattern] = []
    if operation is not None and operation != ANY:
        parts.append(Operation(operation))
    if table is not None:
        parts.append(Table(table))
    if index is not None:
        parts.append(Index(index))
    if region is not None:
        parts.append(Region(region))
    if front is not None:
        parts.append(Front(front))
    if error is not None:
        parts.append(Failed(error))
    for request in (match, where):
        if isinstance(request, dict):
            parts.append(Contains(request))
        elif request is not None:
            parts.append(Where(request))
    if not parts:
        return EVERY_CALL
    return parts[0] if len(parts) == 1 else All(parts)


def _first_difference(expected: Any, actual: Any, path: str = "") -> str | None:
    """Where `expected` is not contained in `actual` (dicts by subset, everything else by equality)."""
    if isinstance(expected, dict):
        if not isinstance(actual, dict):
            return path or "the top"
        for key, value in expected.items():
            where = f"{path}.{key}" if path else str(key)
            if key not in actual:
                return where
            difference = _first_difference(value, actual[key], where)
            if difference is not None:
                return difference
        return None
    return None if expected == actual else (path or "the top")
