"""Where the test doubles meet the engine: every call of every front passes `Doubles.handle`.

What a call touches (its access, tables, index, entries, scan or query) is the engine's answer
(`Engine.touches`), found once before it runs; every double works from it, not from operation names.
In order, for one call: the latency (slept, or added to the clock), the fault rules (an error,
a transport fault, a partial batch), the throughput limits, then the engine (through the
eventual-consistency view when that mode is on); then the capacity taken from the buckets, a
response lost if the fault says so, and the call recorded in the call log, whatever happened.
With nothing configured this is a few attribute checks and one call-log entry per call.
"""

from __future__ import annotations

import time
from typing import TYPE_CHECKING, Any

from dynasim import errors
from dynasim.doubles.calls import Call, CallLog
from dynasim.doubles.consistency import EventualConsistency
from dynasim.doubles.faults import (
    Faults,
    PendingCall,
    Transport,
    TransportFault,
    Unprocessed,
    batch_entries,
    merge_unprocessed,
    split_batch,
    unprocessed_member,
)
from dynasim.doubles.latency import Latency
from dynasim.doubles.throughput import ThroughputLimiter
from dynasim.engine.capacity import Consumed, collector
from dynasim.engine.touches import Touches, table_name
from dynasim.errors import DynamoDBError

if TYPE_CHECKING:
    from dynasim.simulator import Simulator


class Doubles:
    def __init__(self, simulator: Simulator, max_calls: int | None, max_bytes: int | None = None) -> None:
        self.simulator = simulator
        self.engine = simulator.engine
        self.clock = simulator.clock
        self.call_log = CallLog(max_calls, max_bytes)
        self.faults = Faults()
        self.latency = Latency()
        self.limiter: ThroughputLimiter | None = None
        self.consistency: EventualConsistency | None = None

    def handle(self, operation: str, request: dict[str, Any], front: str) -> dict[str, Any]:
        clock = self.clock
        touches = self.engine.touches(operation, request)
        call = self.call_log.start(operation, request, clock.now(), front, touches)
        started = time.perf_counter()
        virtual = 0.0
        consumed: list[Consumed] = []
        token = collector.set(consumed)
        try:
            pending = None
            if self.latency.rules:
                pending = PendingCall(operation, call.tables, request, touches)
                seconds, is_virtual = self.latency.delay(pending)
                if seconds:
                    call.latency = seconds
                    if is_virtual:
                        clock.advance(seconds)
                        virtual = seconds
                    else:
                        time.sleep(seconds)
            lost: Transport | None = None
            left_out: dict[str, Any] | None = None
            to_run = request
            if self.faults.rules:
                decision = self.faults.decide(pending or PendingCall(operation, call.tables, request, touches))
                if decision is not None:
                    rule, outcome = decision
                    if outcome is not None:
                        call.fault = rule
                    if isinstance(outcome, DynamoDBError):
                        raise outcome
                    if isinstance(outcome, Transport):
                        if not outcome.applied:
                            raise TransportFault(outcome.kind)
                        lost = outcome
                    elif isinstance(outcome, Unprocessed):
                        to_run, left_out = self._leave_out(touches, request, outcome, rule.rng)
            if self.limiter is not None:
                to_run, left_out = self._limit(touches, to_run, left_out)
            if self.consistency is not None:
                response = self.consistency.run(touches, lambda: self.engine.execute(operation, to_run))
            else:
                response = self.engine.execute(operation, to_run)
            call.applied = True
            if left_out:
                merge_unprocessed(touches, response, left_out)
            if self.limiter is not None:
                self.limiter.charge(touches, consumed)
            if lost is not None:
                raise TransportFault(lost.kind, applied=True)
            call.response = response
            return response
        except BaseException as error:
            call.error = error
            raise
        finally:
            collector.reset(token)
            call._consumed = consumed
            call.duration = time.perf_counter() - started + virtual
            self.call_log.add(call)

    def _leave_out(
        self, touches: Touches, request: dict[str, Any], outcome: Unprocessed, rng: Any
    ) -> tuple[dict[str, Any], dict[str, Any] | None]:
        entries = batch_entries(touches, request)
        if entries is None:
            return request, None  # not a batch the engine would accept: let it answer
        chosen = outcome.choose(entries, rng)
        if not chosen:
            return request, None
        if len(chosen) == len(entries):
            # DynamoDB fails the whole batch when it can process none of it.
            raise errors.table_throughput_exceeded()
        return split_batch(touches, request, chosen)

    def _limit(
        self, touches: Touches, request: dict[str, Any], left_out: dict[str, Any] | None
    ) -> tuple[dict[str, Any], dict[str, Any] | None]:
        limiter = self.limiter
        assert limiter is not None
        if not touches.batch:
            limiter.check(self.engine, touches)
            return request, left_out
        throttled, error = limiter.throttled_tables(self.engine, touches)
        if not throttled:
            return request, left_out
        entries = batch_entries(touches, request)
        if entries is None:  # a PartiQL batch, or one the engine refuses
            return request, left_out
        chosen = {i for i, (table, _) in enumerate(entries) if table_name(table) in throttled}
        if len(chosen) == len(entries):
            raise error()
        reduced, removed = split_batch(touches, request, chosen)
        if left_out:
            member = unprocessed_member(touches)
            removed = merge_unprocessed(touches, {member: removed}, left_out)[member]
        return reduced, removed


__all__ = ["Call", "Doubles"]
