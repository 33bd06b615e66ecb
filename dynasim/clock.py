"""The simulator's clock: one time for table timestamps, TTL, idempotency windows, stream records
and virtual latency.

By default it reads `time.time()` at every call, so it follows freezegun and time-machine when a
test freezes or moves time. `advance()` moves it forward on top of that (virtual time), and
`freeze()` stops it at a given instant until `unfreeze()`.
"""

from __future__ import annotations

import threading
import time


class Clock:
    def __init__(self) -> None:
        self._offset = 0.0
        self._frozen_at: float | None = None
        self._lock = threading.Lock()

    def now(self) -> float:
        """Seconds since the epoch, as the simulator sees them."""
        base = self._frozen_at if self._frozen_at is not None else time.time()
        return base + self._offset

    @property
    def advanced(self) -> float:
        """Seconds the clock has been moved forward by `advance()` in all."""
        return self._offset

    def advance(self, seconds: float) -> None:
        """Move the simulator's time forward (virtual time; nothing sleeps)."""
        if seconds < 0:
            raise ValueError("the clock only moves forward")
        with self._lock:
            self._offset += seconds

    def freeze(self, at: float | None = None) -> None:
        """Stop the clock at `at` (default: now) until `unfreeze()`."""
        with self._lock:
            self._frozen_at = (self.now() if at is None else at) - self._offset

    def unfreeze(self) -> None:
        with self._lock:
            self._frozen_at = None
