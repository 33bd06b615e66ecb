"""Retry delays on the simulator's clock: while a simulator answers a botocore or aiobotocore client,
the client's waits between retries advance `sim.clock` instead of sleeping, so a test of retries
takes milliseconds and the call log still shows each retry later by its delay.

botocore (and aiobotocore) ask the `needs-retry` handlers how long to wait and sleep for the first
answer (`Endpoint._needs_retry`). In every retry mode the handler that computes the backoff is
registered on each client under the unique id `retry-config-<service>`; it is wrapped, on that client
only, to add its delay to the simulator's clock and answer 0 (retry at once). Adaptive mode's
client-side rate limiter waits in its token bucket, timed by a clock of its own; on that client the
clock reads the simulator's time and the wait advances it. Every decision is taken per call: a
client no simulator answers (a real-AWS client in the same process, or a routed one once its mock
has ended) sleeps for real, and so does every client of a simulator whose `virtual_retry_delays` is
off. botocore's event system offers no way to read another handler's answer or to reach the
limiter, so both are found in the client's own emitter (`_unique_id_handlers`, `_handlers`).
"""

from __future__ import annotations

import asyncio
import inspect
import threading
import time
import weakref
from collections.abc import Awaitable, Callable
from typing import TYPE_CHECKING, Any, Literal

if TYPE_CHECKING:
    from dynasim.clock import Clock
    from dynasim.simulator import Simulator

# endpoint -> the simulator that answers it now (None: the network).
SimulatorFor = Callable[[Any], "Simulator | None"]

_RETRY_HANDLER_ID = "retry-config-"
SMALLEST_STEP = 1e-6  # seconds

_lock = threading.Lock()
# Each client's event emitter (shared with its endpoint) -> how to find its simulator.
_installed: weakref.WeakKeyDictionary[Any, SimulatorFor] = weakref.WeakKeyDictionary()


def install(events: Any, endpoint: Any, simulator_for: SimulatorFor) -> None:
    """Put the retry delays of the client with these `events` (its `meta.events`, which its
    `endpoint` emits on) on the clock of the simulator `simulator_for(endpoint)` names, whenever it
    names one. Once per client; later calls change nothing (mock's routing calls it per request)."""
    if events in _installed:
        return
    with _lock:
        if events in _installed:
            return
        emitter = getattr(events, "_emitter", events)  # under botocore's EventAliaser
        _wrap_backoff(events, emitter, simulator_for)
        _virtualize_rate_limiter(emitter, endpoint, simulator_for)
        # Only now: another thread that finds the client installed finds its handlers in place.
        _installed[events] = simulator_for


def simulator_answering(client: Any) -> Simulator | None:
    """The simulator that answers a botocore client's requests now, if it has answered any."""
    events = getattr(getattr(client, "meta", None), "events", None)
    simulator_for = _installed.get(events) if events is not None else None
    return simulator_for(client._endpoint) if simulator_for is not None else None


def virtual_clock(simulator: Simulator | None) -> Clock | None:
    """The clock retry waits go on: `simulator`'s, if its retry delays are virtual; else None."""
    if simulator is None or not simulator.virtual_retry_delays:
        return None
    return simulator.clock


def on_clock(simulator: Simulator | None, seconds: float) -> bool:
    """Wait `seconds` on `simulator`'s clock if its retry delays are virtual; False: sleep for real."""
    clock = virtual_clock(simulator)
    if clock is None:
        return False
    # Waits that loop until the clock has moved (the token bucket's) must see it move: the clock
    # reads seconds since the epoch, which a step much under a microsecond may leave unchanged.
    clock.advance(max(seconds, SMALLEST_STEP))
    return True


def _wrap_backoff(events: Any, emitter: Any, simulator_for: SimulatorFor) -> None:
    for unique_id, entry in list(emitter._unique_id_handlers.items()):
        if not unique_id.startswith(_RETRY_HANDLER_ID):
            continue
        event_name = f"needs-retry.{unique_id[len(_RETRY_HANDLER_ID) :]}"
        backoff = entry["handler"]

        def backoff_on_clock(*, endpoint: Any, _backoff: Callable[..., Any] = backoff, **kwargs: Any) -> Any:
            delay = _backoff(endpoint=endpoint, **kwargs)
            if inspect.isawaitable(delay):  # aiobotocore's handlers are coroutines
                return _awaited_on_clock(delay, simulator_for, endpoint)
            return _delay_on_clock(delay, simulator_for(endpoint))

        events.unregister(event_name, unique_id=unique_id)
        events.register(event_name, backoff_on_clock, unique_id=unique_id)


async def _awaited_on_clock(delay: Awaitable[Any], simulator_for: SimulatorFor, endpoint: Any) -> Any:
    return _delay_on_clock(await delay, simulator_for(endpoint))


def _delay_on_clock(delay: Any, simulator: Simulator | None) -> Any:
    # None or False: no retry. A number: sleep that long, then retry (0: retry at once).
    if isinstance(delay, bool) or not delay:
        return delay
    return 0 if on_clock(simulator, delay) else delay


def _virtualize_rate_limiter(emitter: Any, endpoint: Any, simulator_for: SimulatorFor) -> None:
    """Adaptive mode's limiter (botocore's or aiobotocore's) acquires a token before each send and
    waits in its bucket until the bucket refills, by its own clock."""
    for handler in emitter._handlers.prefix_search("before-send"):
        limiter: Any = getattr(handler, "__self__", None)
        if getattr(handler, "__name__", None) != "on_sending_request" or not hasattr(limiter, "_token_bucket"):
            continue

        def current_time() -> float:
            clock = virtual_clock(simulator_for(endpoint))
            return clock.now() if clock is not None else time.time()

        # One clock serves the limiter, its rate clocker and its token bucket.
        limiter._clock.current_time = current_time
        bucket = limiter._token_bucket
        if hasattr(bucket, "_wait_for_new_fill_rate"):  # aiobotocore 3's bucket
            bucket._wait_for_new_fill_rate = _async_wait(bucket._wait_for_new_fill_rate, simulator_for, endpoint)
        elif isinstance(bucket._new_fill_rate_condition, asyncio.Condition):  # aiobotocore 2's
            bucket._new_fill_rate_condition = _AsyncClockCondition(bucket, simulator_for, endpoint)
        else:  # botocore's
            bucket._new_fill_rate_condition = _ClockCondition(bucket._lock, simulator_for, endpoint)


class _ClockCondition(threading.Condition):
    """botocore's token bucket waits on this condition for tokens to refill: on the clock instead."""

    def __init__(self, lock: Any, simulator_for: SimulatorFor, endpoint: Any) -> None:
        super().__init__(lock)
        self._simulator_for = simulator_for
        self._endpoint = endpoint

    def wait(self, timeout: float | None = None) -> bool:
        if timeout is not None and on_clock(self._simulator_for(self._endpoint), timeout):
            return False
        return super().wait(timeout)


class _AsyncClockCondition(asyncio.Condition):
    """aiobotocore 2's token bucket waits on this condition, under `asyncio.wait_for` and for at most
    the time one token takes to refill: that time goes on the clock instead."""

    def __init__(self, bucket: Any, simulator_for: SimulatorFor, endpoint: Any) -> None:
        super().__init__()
        self._bucket = bucket
        self._simulator_for = simulator_for
        self._endpoint = endpoint

    async def wait(self) -> Literal[True]:
        # the limiter acquires one token per request
        if on_clock(self._simulator_for(self._endpoint), self._bucket._sleep_amount(1)):
            return True
        return await super().wait()


def _async_wait(
    wait: Callable[[float], Awaitable[None]], simulator_for: SimulatorFor, endpoint: Any
) -> Callable[[float], Awaitable[None]]:
    async def wait_on_clock(seconds: float) -> None:
        if not on_clock(simulator_for(endpoint), seconds):
            await wait(seconds)

    return wait_on_clock
