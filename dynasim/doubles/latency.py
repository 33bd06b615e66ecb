"""Injected latency: make matching calls take longer, really or on the simulator's clock.

    sim.set_latency("Query", seconds=0.2)                            # every Query sleeps 200 ms
    sim.set_latency("GetItem", seconds=(0.01, 0.05), table="users")  # uniform between 10 and 50 ms
    sim.set_latency("*", seconds=exponential(0.02), seed=1)          # a distribution
    sim.set_latency("Scan", seconds=5, virtual=True)                 # sim.clock moves 5 s; nothing sleeps

Each call takes the latency of the last rule added that matches it; the latency is recorded in the
call log (`Call.latency`, and in `Call.duration`).
"""

from __future__ import annotations

import math
import random
import threading
import time
from collections.abc import Callable, Iterable
from typing import TYPE_CHECKING

from dynasim.doubles.matching import PendingCall, pattern
from dynasim.doubles.operations import check_operations
from dynasim.doubles.stages import Progress, Stage, stage

if TYPE_CHECKING:
    from dynasim.doubles.hub import Doubles

Distribution = Callable[[random.Random], float]


def uniform(low: float, high: float) -> Distribution:
    """Seconds drawn uniformly between `low` and `high`."""
    return lambda rng: rng.uniform(low, high)


def normal(mean: float, stddev: float) -> Distribution:
    """Seconds drawn from a normal distribution (never below 0)."""
    return lambda rng: max(0.0, rng.gauss(mean, stddev))


def exponential(mean: float) -> Distribution:
    """Seconds drawn from an exponential distribution with this mean."""
    return lambda rng: rng.expovariate(1 / mean) if mean > 0 else 0.0


def lognormal(median: float, sigma: float) -> Distribution:
    """Seconds drawn from a log-normal distribution (a long tail, like real service latency)."""
    return lambda rng: rng.lognormvariate(math.log(median), sigma)


def choice(values: Iterable[float], weights: Iterable[float] | None = None) -> Distribution:
    """One of `values` (with `weights`, if given) per call."""
    options = list(values)
    weighting = list(weights) if weights is not None else None
    return lambda rng: rng.choices(options, weighting)[0]


class LatencyRule:
    """One latency setting. Returned by `Simulator.set_latency`; `.remove()` undoes it."""

    def __init__(
        self,
        operation: str | Iterable[str] | None,
        seconds: float | tuple[float, float] | Distribution,
        *,
        table: str | Iterable[str] | None = None,
        index: str | Iterable[str] | None = None,
        virtual: bool = False,
        seed: int | None = None,
        region: str | Iterable[str] | None = None,
    ) -> None:
        check_operations(operation)
        if isinstance(seconds, tuple):
            self.sample: Distribution = uniform(*seconds)
        elif callable(seconds):
            self.sample = seconds
        else:
            if seconds < 0:
                raise ValueError("latency cannot be negative")
            fixed = float(seconds)
            self.sample = lambda rng: fixed
        self.operation = operation
        self.table = table
        self.virtual = virtual
        self.rng = random.Random(seed)
        self.index = index
        self.region = region
        self.pattern = pattern(operation, table=table, index=index, region=region)
        self.removed = False
        self.seconds = seconds

    def matches(self, call: PendingCall) -> bool:
        return not self.removed and self.pattern.match(call)[0]

    def draw(self) -> float:
        return max(0.0, float(self.sample(self.rng)))

    def remove(self) -> None:
        self.removed = True

    def __repr__(self) -> str:
        where = "any operation" if self.operation in (None, "*") else str(self.operation)
        if self.table is not None:
            where += f" on {self.table!r}"
        return f"<latency {where}: {self.seconds!r}{' (virtual)' if self.virtual else ''}>"


@stage(order=10)
class Latency(Stage):
    """The latency rules of one simulator: the first stage of a call, so the time passes before
    anything else happens to it (a fault, a throttle, the engine)."""

    _active = False  # until a rule is added

    def __init__(self, hub: Doubles) -> None:
        self.rules: list[LatencyRule] = []
        self._lock = threading.Lock()
        self.clock = hub.clock

    def before(self, progress: Progress) -> None:
        seconds, virtual = self.delay(progress.pending)
        if not seconds:
            return
        progress.call.latency = seconds
        if virtual:
            self.clock.advance(seconds)
            progress.virtual = seconds
        else:
            time.sleep(seconds)

    def add(self, rule: LatencyRule) -> LatencyRule:
        with self._lock:
            self.rules.append(rule)
            self.active = True
        return rule

    def clear(self) -> None:
        with self._lock:
            self.rules.clear()
            self.active = False

    def delay(self, call: PendingCall) -> tuple[float, bool]:
        """(seconds, virtual) for one call: the last matching rule's draw."""
        with self._lock:
            for rule in reversed(self.rules):
                if rule.matches(call):
                    return rule.draw(), rule.virtual
        return 0.0, False
