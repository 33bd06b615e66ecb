"""Retries with exponential backoff and full jitter, a circuit breaker, metrics sinks and tracing."""

from __future__ import annotations

import contextlib
import random
import threading
import time
from collections import defaultdict
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from typing import Any, Protocol

from dynasim.integration.errors import CircuitOpenError, DynamoDbError, ThrottlingError


@dataclass(frozen=True)
class RetryConfig:
    """`max_attempts` retries after the first attempt (the seed's default, 10). The delay before
    retry n is uniform in [0, min(max_delay, base * 2**(n-1))] (full jitter), with
    `throttle_base_delay` for throttling errors and `base_delay` for the others."""

    max_attempts: int = 10
    base_delay: float = 0.1
    throttle_base_delay: float = 0.05
    max_delay: float = 20.0

    def delay(self, retry: int, error: BaseException | None = None, rng: Callable[[], float] = random.random) -> float:
        base = self.throttle_base_delay if isinstance(error, ThrottlingError) else self.base_delay
        return rng() * min(self.max_delay, base * 2 ** (retry - 1))


@dataclass(frozen=True)
class CircuitBreakerConfig:
    """Opens after `failure_threshold` consecutive failed calls (retryable errors that outlived
    their retries); after `reset_timeout` seconds lets `half_open_max_calls` trial calls through,
    and closes after `success_threshold` of them succeed. `enabled=False` turns it off."""

    enabled: bool = True
    failure_threshold: int = 5
    reset_timeout: float = 30.0
    half_open_max_calls: int = 1
    success_threshold: int = 1


class CircuitBreaker:
    CLOSED, OPEN, HALF_OPEN = "closed", "open", "half_open"

    def __init__(self, config: CircuitBreakerConfig | None = None, clock: Callable[[], float] = time.monotonic) -> None:
        self.config = config or CircuitBreakerConfig()
        self.clock = clock
        self._lock = threading.Lock()
        self._state = self.CLOSED
        self._failures = 0
        self._successes = 0
        self._opened_at = 0.0
        self._in_flight = 0

    @property
    def state(self) -> str:
        with self._lock:
            self._maybe_half_open()
            return self._state

    def _maybe_half_open(self) -> None:
        if self._state == self.OPEN and self.clock() - self._opened_at >= self.config.reset_timeout:
            self._state, self._successes, self._in_flight = self.HALF_OPEN, 0, 0

    def before_call(self, operation: str | None = None) -> None:
        if not self.config.enabled:
            return
        with self._lock:
            self._maybe_half_open()
            if self._state == self.OPEN or (
                self._state == self.HALF_OPEN and self._in_flight >= self.config.half_open_max_calls
            ):
                raise CircuitOpenError("circuit breaker is open", code="CircuitOpen", operation=operation)
            if self._state == self.HALF_OPEN:
                self._in_flight += 1

    def record_success(self) -> None:
        with self._lock:
            if self._state == self.HALF_OPEN:
                self._in_flight -= 1
                self._successes += 1
                if self._successes >= self.config.success_threshold:
                    self._state, self._failures = self.CLOSED, 0
            else:
                self._failures = 0

    def record_failure(self) -> None:
        with self._lock:
            if self._state == self.HALF_OPEN:
                self._state, self._opened_at = self.OPEN, self.clock()
                return
            self._failures += 1
            if self._failures >= self.config.failure_threshold:
                self._state, self._opened_at = self.OPEN, self.clock()

    def record_neutral(self) -> None:
        """A call that failed for a reason that says nothing about the service's health."""
        with self._lock:
            if self._state == self.HALF_OPEN:
                self._in_flight -= 1
                self._successes += 1
                if self._successes >= self.config.success_threshold:
                    self._state, self._failures = self.CLOSED, 0
            else:
                self._failures = 0


Tags = dict[str, str]


class MetricsSink(Protocol):
    def increment(self, name: str, value: float = 1, tags: Tags | None = None) -> None: ...

    def observe(self, name: str, value: float, tags: Tags | None = None) -> None: ...


class NullMetrics:
    def increment(self, name: str, value: float = 1, tags: Tags | None = None) -> None:
        pass

    def observe(self, name: str, value: float, tags: Tags | None = None) -> None:
        pass


@dataclass
class InMemoryMetrics:
    """Keeps counters and observed values (histograms) by (name, sorted tags); for tests and debugging."""

    counters: dict[tuple[str, tuple[tuple[str, str], ...]], float] = field(default_factory=lambda: defaultdict(float))
    histograms: dict[tuple[str, tuple[tuple[str, str], ...]], list[float]] = field(
        default_factory=lambda: defaultdict(list)
    )

    def __post_init__(self) -> None:
        self._lock = threading.Lock()

    def increment(self, name: str, value: float = 1, tags: Tags | None = None) -> None:
        with self._lock:
            self.counters[(name, tuple(sorted((tags or {}).items())))] += value

    def observe(self, name: str, value: float, tags: Tags | None = None) -> None:
        with self._lock:
            self.histograms[(name, tuple(sorted((tags or {}).items())))].append(value)

    def count(self, name: str, **tags: str) -> float:
        """The sum of counter `name` over every tag set that includes `tags`."""
        want = set(tags.items())
        return sum(v for (n, t), v in self.counters.items() if n == name and want <= set(t))

    def values(self, name: str, **tags: str) -> list[float]:
        want = set(tags.items())
        return [x for (n, t), vs in self.histograms.items() if n == name and want <= set(t) for x in vs]


def _tracer() -> Any:
    try:
        from opentelemetry import trace
    except ImportError:
        return None
    return trace.get_tracer("dynasim.integration")


@contextlib.contextmanager
def span(name: str, attributes: dict[str, Any]) -> Iterator[Any]:
    """An OpenTelemetry span when opentelemetry is installed, nothing otherwise."""
    tracer = _tracer()
    if tracer is None:
        yield None
        return
    with tracer.start_as_current_span(name, attributes=attributes) as current:
        try:
            yield current
        except DynamoDbError as exc:
            current.set_attribute("aws.dynamodb.error_code", exc.code or "")
            raise
