"""The test doubles as stages of one call: each double is a `Stage` that runs before the engine,
around it or after it, and the hub (`doubles.hub`) runs the stages in order.

A stage overrides the phases it needs:

* `before(progress)`: before the engine, in order: it may sleep or move the clock, raise an error
  (the call then fails unapplied), or narrow the request the engine will run (`progress.request`,
  entries left out in `progress.left_out`);
* `around(progress, proceed)`: wraps the engine call (`proceed()` runs the rest of the chain);
* `after(progress, response)`: once the engine answered, in reverse order; it may still raise
  (a response lost after the request was applied);
* `finish(progress)`: always, whatever happened, in reverse order (the call log records the call).

A stage is skipped while its `active` is false, so with nothing configured a call costs one
attribute check per stage. A new double is one module: a `Stage` subclass registered with
`@stage(order)`; the hub builds one of each (`factory(hub)`) for every simulator.

    @stage(order=25)
    class Jitter(Stage):
        def __init__(self, hub: Doubles) -> None: ...
        def before(self, progress: Progress) -> None: ...
"""

from __future__ import annotations

import time
from collections.abc import Callable
from typing import TYPE_CHECKING, Any, TypeVar

from dynasim.doubles.matching import PendingCall

if TYPE_CHECKING:
    from dynasim.doubles.calls import Call
    from dynasim.doubles.hub import Doubles
    from dynasim.engine.capacity import Consumed
    from dynasim.engine.touches import Touches

Response = dict[str, Any]


class Progress:
    """One call on its way through the stages: what it touches, its call-log entry, the request
    the engine will run (a stage may narrow it), the batch entries left out, and the consumed
    capacity the engine reports."""

    __slots__ = (
        "operation",
        "request",
        "touches",
        "call",
        "left_out",
        "lost",
        "consumed",
        "started",
        "virtual",
        "_pending",
    )

    def __init__(self, operation: str, request: dict[str, Any], touches: Touches, call: Call) -> None:
        self.operation = operation
        self.request = request
        self.touches = touches
        self.call = call
        self.left_out: dict[str, Any] | None = None
        self.lost: str | None = None  # a transport fault to raise once the request is applied
        self.consumed: list[Consumed] = []
        self.started = time.perf_counter()
        self.virtual = 0.0  # seconds added to the clock instead of slept
        self._pending: PendingCall | None = None

    @property
    def pending(self) -> PendingCall:
        """The call as rules and outcome functions see it (the request as the front sent it)."""
        if self._pending is None:
            self._pending = PendingCall(self.operation, self.touches.tables, self.call.request, self.touches)
        return self._pending


class Stage:
    """One test double's part in a call; see the module's docstring."""

    active = True

    def before(self, progress: Progress) -> None:
        pass

    def around(self, progress: Progress, proceed: Callable[[], Response]) -> Response:
        return proceed()

    def after(self, progress: Progress, response: Response) -> None:
        pass

    def finish(self, progress: Progress) -> None:
        pass


StageType = TypeVar("StageType", bound=type[Stage])
# (order, factory) of every registered stage; lower orders run first.
REGISTERED: list[tuple[int, Callable[[Doubles], Stage]]] = []


def stage(order: int) -> Callable[[StageType], StageType]:
    """Register a Stage class (built as `cls(hub)` for each simulator) at `order`."""

    def register(cls: StageType) -> StageType:
        REGISTERED.append((order, cls))
        REGISTERED.sort(key=lambda entry: entry[0])
        return cls

    return register


def overrides(instance: Stage, phase: str) -> bool:
    """Whether a stage has its own `phase` (so the hub lists it only where it does something)."""
    return getattr(type(instance), phase) is not getattr(Stage, phase)
