"""In-process subscriptions to what the engine's writes produce (stream records, Kinesis records),
and their delivery after the operation that made them.

A feature keeps its `Subscribers` (table -> subscriptions, changed under the engine's lock) and an
`Outbox` of deliveries it queues while the change feed runs under the lock. The feature's
`after_operation` hook calls `Outbox.deliver` once the lock is released: deliveries run in commit
order, in the thread that made the change, before its call returns, unless another thread is
already delivering (that thread delivers them too) or the thread is inside one of its own
callbacks (a callback's own write: the delivery under way takes its records next). What a callback
raises is logged and kept in `subscription.errors`; the write it followed stands.
"""

from __future__ import annotations

import collections
import logging
import threading
from collections.abc import Callable
from typing import Any, Generic, TypeVar

logger = logging.getLogger(__name__)

T = TypeVar("T")


class Subscription:
    """The handle a subscription returns (`Simulator.on_stream_record`, `on_kinesis_record`):
    `unsubscribe()` stops the callbacks (it is also a context manager); `errors` holds what the
    callback raised."""

    def __init__(self, subscribers: Subscribers, table: str, callback: Callable[[dict[str, Any]], Any]) -> None:
        self._subscribers = subscribers
        self.table = table
        self.callback = callback
        self.errors: list[BaseException] = []
        self.active = True

    def unsubscribe(self) -> None:
        self.active = False
        self._subscribers.remove(self)

    def __enter__(self) -> Subscription:
        return self

    def __exit__(self, *exc: object) -> None:
        self.unsubscribe()

    def call(self, payload: dict[str, Any], what: str) -> None:
        """Hand `payload` to the callback, unless unsubscribed; what it raises is logged and kept."""
        if not self.active:
            return
        try:
            self.callback(payload)
        except Exception as error:  # noqa: BLE001  (kept for the test to see)
            logger.exception("%s callback for %s failed", what, self.table)
            self.errors.append(error)


class Subscribers:
    """A feature's subscriptions, by table, changed under the engine's lock."""

    def __init__(self, lock: Any) -> None:
        self._lock = lock
        self._by_table: dict[str, list[Subscription]] = {}

    def add(self, table: str, callback: Callable[[dict[str, Any]], Any]) -> Subscription:
        subscription = Subscription(self, table, callback)
        with self._lock:
            self._by_table.setdefault(table, []).append(subscription)
        return subscription

    def remove(self, subscription: Subscription) -> None:
        with self._lock:
            listed = self._by_table.get(subscription.table, [])
            if subscription in listed:
                listed.remove(subscription)
            if not listed:
                self._by_table.pop(subscription.table, None)

    def of(self, table: str) -> list[Subscription]:
        """The table's subscriptions now (a copy: a callback may unsubscribe)."""
        return list(self._by_table.get(table, ()))


class Outbox(Generic[T]):
    """Deliveries queued under the engine's lock, run in commit order once it is released."""

    def __init__(self, run: Callable[[T], None]) -> None:
        self._run = run
        self._pending: collections.deque[T] = collections.deque()
        self._delivering = threading.Lock()
        self._delivery_thread: int | None = None

    def add(self, delivery: T) -> None:
        self._pending.append(delivery)

    def deliver(self) -> None:
        """Run the deliveries queued so far (outside the engine's lock; see the module)."""
        while self._pending:
            if self._delivery_thread == threading.get_ident():
                return  # a callback's own write: the loop below delivers its records next
            if not self._delivering.acquire(blocking=False):
                return  # another thread is delivering; it will deliver these too
            self._delivery_thread = threading.get_ident()
            try:
                while self._pending:
                    self._run(self._pending.popleft())
            finally:
                self._delivery_thread = None
                self._delivering.release()
