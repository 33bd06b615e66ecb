"""The target's clock, for tests of what happens over time (jobs, recovery windows, settling
statuses): on the simulator its own clock, moved at once; on a `dynasim serve` endpoint the same,
through its admin API; on any other endpoint (DynamoDB itself) the machine's, which the test waits
out. So a backup that takes a minute takes no real time on either kind of dynasim target."""

from __future__ import annotations

import functools
import json
import time
import urllib.error
import urllib.request
from collections.abc import Callable
from typing import Any


def now(backend: Any) -> float:
    """The target's time now, in seconds since the epoch."""
    sim = getattr(backend, "sim", None)
    if sim is not None:
        return float(sim.clock.now())
    admin = _admin(getattr(backend, "url", None))
    if admin is not None:
        return float(_call(admin + "clock")["now"])
    return time.time()


def elapse(backend: Any, seconds: float) -> None:
    """Let `seconds` pass on the target."""
    sim = getattr(backend, "sim", None)
    if sim is not None:
        sim.advance(seconds)
        return
    admin = _admin(getattr(backend, "url", None))
    if admin is not None:
        _call(admin + "clock/advance", {"seconds": seconds})
        return
    time.sleep(seconds)


def settle(backend: Any, done: Callable[[], bool], seconds: float = 3600, step: float = 10) -> None:
    """Wait until `done()`, for at most `seconds` of the target's time, looking every `step`."""
    for _ in range(int(seconds / step)):
        if done():
            return
        elapse(backend, step)
    assert done(), f"not done after {seconds} seconds"


@functools.cache
def _admin(url: str | None) -> str | None:
    """The admin API's root when `url` is a dynasim endpoint, else None (asked once per URL)."""
    if not url:
        return None
    root = url.rstrip("/") + "/_dynasim/"
    try:
        _call(root + "clock")
    except (OSError, ValueError, KeyError, urllib.error.URLError):
        return None
    return root


def _call(url: str, body: dict[str, Any] | None = None) -> dict[str, Any]:
    data = None if body is None else json.dumps(body).encode()
    request = urllib.request.Request(url, data=data, headers={"Content-Type": "application/json"})
    with urllib.request.urlopen(request, timeout=10) as answer:  # noqa: S310 (the test's own endpoint)
        document = json.loads(answer.read())
    if not isinstance(document, dict):
        raise ValueError(url)
    return document
