"""Where the test doubles meet the engine: every call of every front passes `Doubles.handle`,
which runs the registered stages (`doubles.stages`) in order around `Engine.execute`.

What a call touches (its access, tables, index, entries, scan or query) is the engine's answer
(`Engine.touches`), found once before it runs; every stage works from it, not from operation
names. The stages, in order: the call log (first, so it records every call, whatever happened),
latency (10: slept, or added to the clock), the fault rules (20: an error, a transport fault, a
partial batch; after the engine, a lost response), the throughput limits (30: refused or narrowed
before, capacity taken from the buckets after), eventual consistency (40: around the engine,
reads through a view of older versions) and vector recall (45: around SearchVectors, nearest
neighbours left out). Entries a stage left out of a batch are answered as
unprocessed. The hub keeps, per phase, the stages active now, so with nothing configured a call
is the engine's answer and one call-log entry.
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from typing import TYPE_CHECKING, Any, TypeVar, cast

from dynasim.doubles import consistency, faults, latency, recall, throughput  # noqa: F401  (register their stages)
from dynasim.doubles.batches import merge_unprocessed
from dynasim.doubles.calls import Call, CallLog, RecordCalls
from dynasim.doubles.consistency import Consistency, EventualConsistency
from dynasim.doubles.faults import Faults
from dynasim.doubles.latency import Latency
from dynasim.doubles.recall import VectorRecall
from dynasim.doubles.stages import REGISTERED, Progress, Response, Stage, overrides
from dynasim.doubles.throughput import Throughput, ThroughputLimiter
from dynasim.engine.capacity import collector

if TYPE_CHECKING:
    from dynasim.simulator import Simulator

StageType = TypeVar("StageType", bound=Stage)
Phases = tuple[list[Stage], list[Stage], list[Stage], list[Stage]]  # before, around, after, finish


class Doubles:
    """The stages of one simulator (one of each registered, after the call log's) and the call
    through them."""

    def __init__(self, simulator: Simulator, max_calls: int | None, max_bytes: int | None = None) -> None:
        self.simulator = simulator
        self.engine = simulator.engine  # the home region's
        self.regions = simulator._regions
        self.clock = simulator.clock
        self.call_log = CallLog(max_calls, max_bytes)
        self.stages: list[Stage] = [RecordCalls(self.call_log)] + [factory(self) for _, factory in REGISTERED]
        self._lock = threading.Lock()
        self._phases = self._active_phases()
        for stage in self.stages:
            stage._changed = self._refresh
        by_kind = {type(stage): stage for stage in self.stages}  # saves three searches of the list
        self.faults = cast(Faults, by_kind[Faults])
        self.latency = cast(Latency, by_kind[Latency])
        self.recall = cast(VectorRecall, by_kind[VectorRecall])

    def stage(self, kind: type[StageType]) -> StageType:
        """This simulator's stage of a kind (`hub.stage(Faults)`)."""
        return next(stage for stage in self.stages if isinstance(stage, kind))

    def _active_phases(self) -> Phases:
        """Per phase, the active stages that do something in it (after and finish unwind)."""
        active = [stage for stage in self.stages if stage.active]
        return (
            [stage for stage in active if overrides(stage, "before")],
            [stage for stage in active if overrides(stage, "around")],
            [stage for stage in reversed(active) if overrides(stage, "after")],
            [stage for stage in reversed(active) if overrides(stage, "finish")],
        )

    def _refresh(self) -> None:
        with self._lock:
            self._phases = self._active_phases()

    def handle(
        self, operation: str, request: dict[str, Any], front: str, typed: bool = False, region: str | None = None
    ) -> dict[str, Any]:
        before, around, after, finish = self._phases  # the stages active as the call starts
        engine = self.regions.answering(region)
        touches = engine.touches(operation, request)
        call = self.call_log.start(operation, request, self.clock.now(), front, touches, engine.region)
        progress = Progress(request, call, typed, engine)
        token = collector.set(call._consumed)
        try:
            for stage in before:
                stage.before(progress)
            if around:
                response = self._run(progress, around)
            else:
                response = engine.execute(operation, progress.request, typed=typed)
            call.applied = True
            if progress.left_out:
                merge_unprocessed(touches, response, progress.left_out)
            for stage in after:
                stage.after(progress, response)
            call.response = response
            return response
        except BaseException as error:
            call.error = error
            raise
        finally:
            collector.reset(token)
            for stage in finish:
                stage.finish(progress)

    def _run(self, progress: Progress, around: list[Stage]) -> Response:
        """The engine, inside the stages that wrap it (the first listed outermost)."""

        def execute() -> Response:
            return progress.engine.execute(progress.operation, progress.request, typed=progress.typed)

        proceed: Callable[[], Response] = execute
        for stage in reversed(around):
            proceed = _wrapped(stage, progress, proceed)
        return proceed()

    # --- the stages the simulator configures ----------------------------------------------

    @property
    def limiter(self) -> ThroughputLimiter | None:
        return self.stage(Throughput).limiter

    @limiter.setter
    def limiter(self, limiter: ThroughputLimiter | None) -> None:
        self.stage(Throughput).limiter = limiter

    @property
    def consistency(self) -> EventualConsistency | None:
        return self.stage(Consistency).mode

    @consistency.setter
    def consistency(self, mode: EventualConsistency | None) -> None:
        self.stage(Consistency).mode = mode


def _wrapped(stage: Stage, progress: Progress, proceed: Callable[[], Response]) -> Callable[[], Response]:
    return lambda: stage.around(progress, proceed)


__all__ = ["Call", "Doubles"]
