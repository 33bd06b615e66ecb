"""The regions of one simulated account: an engine per region, all on one clock.

A simulator starts with its home region. Others are held once asked for (`Simulator(regions=...)`,
`sim.add_region`, a client made with `sim.client(region_name=...)`, or a global table's replica
created there); a call is answered by its client's region when the simulator holds it, else by the
home region, so a simulator used from clients of any one region behaves as it always has.
Features that span regions (global tables) reach the other engines through `engine.regions`.
"""

from __future__ import annotations

import threading
from collections.abc import Callable, Iterator
from typing import Any, TypeVar, cast

from dynasim.engine import Engine

S = TypeVar("S")


class Regions:
    """The engines of one account, by region name; made on first use, each configured alike."""

    def __init__(
        self,
        home: str,
        account_id: str,
        clock: Callable[[], float],
        configure: Callable[[Engine], None] | None = None,
    ) -> None:
        self.home = home
        self.account_id = account_id
        self.clock = clock
        # Applies the simulator's settings (TTL mode, jobs mode, object store, ...) to a new region's engine.
        self.configure = configure
        self._engines: dict[str, Engine] = {}
        self._lock = threading.RLock()  # guards the table of states
        # Every region's engine runs under this one lock: an operation in one region may change
        # another's tables (a global table's replicas), so two regions never wait on each other.
        self.lock = threading.RLock()
        # Account-wide feature states (global tables' replication), by class, made on first use.
        self._states: dict[Callable[[Regions], Any], Any] = {}
        # Called with each region's engine once it is held (after `configure`): the durable store
        # records a region held after it was opened.
        self.on_add: list[Callable[[Engine], None]] = []
        self.home_engine = self.add(home)

    def add(self, region: str) -> Engine:
        """The engine of `region`, made now if the account does not hold it yet."""
        engine = self._engines.get(region)
        if engine is not None:
            return engine
        with self.lock:  # the engines' own lock: no operation sees a region half made (its store unattached)
            engine = self._engines.get(region)
            if engine is None:
                engine = Engine(region=region, account_id=self.account_id, clock=self.clock, lock=self.lock)
                engine.regions = self
                if self.configure is not None and self._engines:
                    self.configure(engine)
                self._engines[region] = engine
                for added in list(self.on_add):
                    added(engine)
        return engine

    def state(self, kind: Callable[[Regions], S]) -> S:
        """The account's state of a feature that spans regions, made on first use (as `Engine.state`)."""
        state = self._states.get(kind)
        if state is None:
            with self._lock:
                state = self._states.setdefault(kind, kind(self))
        return cast(S, state)

    def get(self, region: str) -> Engine | None:
        """The engine of `region` if the account holds it."""
        return self._engines.get(region)

    def answering(self, region: str | None) -> Engine:
        """The engine that answers a client of `region`: its own if held, else the home region's."""
        if region is None:
            return self.home_engine
        return self._engines.get(region) or self.home_engine

    @property
    def names(self) -> list[str]:
        """The regions held, the home region first."""
        return list(self._engines)

    def __iter__(self) -> Iterator[Engine]:
        return iter(list(self._engines.values()))

    def __len__(self) -> int:
        return len(self._engines)
