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

A stage is skipped while its `active` is false: the hub keeps, per phase, the active stages, so
with nothing configured a call runs only the call log's stage. A new double is one module: a
`Stage` subclass registered with `@stage(order)`; the hub builds one of each (`factory(hub)`)
for every simulator.

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
    from dynasim.engine import Engine
    from dynasim.engine.capacity import Consumed
    from dynasim.engine.touches import Touches

Response = dict[str, Any]


class Progress:
    """One call on its way through the stages: its call-log entry (operation, what it touches, the
    request as sent; the engine's consumed capacity is collected on it), the request the engine
    will run (a stage may narrow it) and what stages noted for later phases."""

    # What a stage notes; class-level defaults, so a call with no active stage sets none of them.
    left_out: dict[str, Any] | None = None  # batch entries left out, as UnprocessedItems / UnprocessedKeys
    lost: str | None = None  # a transport fault to raise once the request is applied
    virtual = 0.0  # seconds added to the clock instead of slept
    _pending: PendingCall | None = None

    def __init__(self, request: dict[str, Any], call: Call, typed: bool, engine: Engine) -> None:
        self.request = request
        self.call = call
        self.engine = engine  # the engine of the region answering the call
        self.typed = typed  # its members' types were checked by the client (see `Simulator.handle`)
        self.started = time.perf_counter()

    @property
    def operation(self) -> str:
        return self.call.operation

    @property
    def touches(self) -> Touches:
        return self.call.touches

    @property
    def consumed(self) -> list[Consumed]:
        """The capacity the engine reported for the call so far."""
        return self.call._consumed

    @property
    def pending(self) -> PendingCall:
        """The call as rules and outcome functions see it (the request as the front sent it)."""
        if self._pending is None:
            touches = self.call.touches
            self._pending = PendingCall(
                self.call.operation, touches.tables, self.call.request, touches, self.call.region
            )
        return self._pending


class Stage:
    """One test double's part in a call; see the module's docstring. The hub lists only active
    stages, so a stage sets `active` when it is configured or cleared (the hub is told)."""

    _active = True
    _changed: Callable[[], None] | None = None  # the hub's: lists the active stages again

    @property
    def active(self) -> bool:
        return self._active

    @active.setter
    def active(self, value: bool) -> None:
        if value != self._active:
            self._active = value
            if self._changed is not None:
                self._changed()

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
