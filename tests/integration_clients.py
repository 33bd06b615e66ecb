"""The high-level clients under test, sync and async, as one fixture: `make_client` builds a
`DynamoDbClient` over a boto3 client, or an `AsyncDynamoDbClient` over an aiobotocore client (where
aiobotocore is installed: CI runs the integration tests in its async environments too), both on the
test's simulator (its `sim` fixture). The async client is driven through `Blocking`, which runs each
awaitable it returns to completion on one event loop and iterates its async iterators, so a test
reads the same for both. Test modules load this with `pytest_plugins = ["integration_clients"]`."""

from __future__ import annotations

import asyncio
import inspect
from collections.abc import AsyncIterator, Callable, Iterator
from typing import Any

import pytest
from botocore.config import Config

import dynasim
from conformance.single_table import create_table
from dynasim.integration import (
    AsyncDynamoDbClient,
    AsyncQueryBuilder,
    AsyncTableClient,
    AsyncTransactionBuilder,
    DynamoDbClient,
    DynamoDbConfig,
    InMemoryMetrics,
)

NO_BOTOCORE_RETRIES = Config(retries={"total_max_attempts": 1, "mode": "standard"})


class Sleeps(list):
    def __call__(self, seconds: float) -> None:
        self.append(seconds)

    async def wait(self, seconds: float) -> None:
        self.append(seconds)


_ASYNC_TYPES = (AsyncDynamoDbClient, AsyncTableClient, AsyncQueryBuilder, AsyncTransactionBuilder)


class Blocking:
    """An async client, table client or builder used as its sync twin: each awaitable a method
    returns is run to completion on `loop`, each async iterator is iterated from it."""

    def __init__(self, target: Any, loop: asyncio.AbstractEventLoop) -> None:
        self._target = target
        self._loop = loop

    def __getattr__(self, name: str) -> Any:
        value = getattr(self._target, name)
        if not inspect.ismethod(value):
            return self._wrap(value)

        def call(*args: Any, **kwargs: Any) -> Any:
            args = tuple(a._target if isinstance(a, Blocking) else a for a in args)
            return self._wrap(value(*args, **kwargs))

        return call

    def _wrap(self, value: Any) -> Any:
        if inspect.isawaitable(value):
            return self._wrap(self._loop.run_until_complete(value))
        if isinstance(value, AsyncIterator):
            return self._iterate(value)
        if isinstance(value, _ASYNC_TYPES):
            return Blocking(value, self._loop)
        return value

    def _iterate(self, iterator: AsyncIterator[Any]) -> Iterator[Any]:
        while True:
            try:
                yield self._loop.run_until_complete(iterator.__anext__())
            except StopAsyncIteration:
                return


ClientMaker = Callable[..., Any]


def create_app_table(ddb: Any, name: str = "app") -> None:
    create_table(ddb, name)


@pytest.fixture
def sleeps() -> Sleeps:
    return Sleeps()


@pytest.fixture
def metrics() -> InMemoryMetrics:
    return InMemoryMetrics()


@pytest.fixture(params=["sync", "async"])
def make_client(request: pytest.FixtureRequest, sim: dynasim.Simulator, sleeps: Sleeps) -> Iterator[ClientMaker]:
    """`make_client(config=None, raw=None, **options)`: a high-level client of the test's kind
    (sync or async) over `raw` or a new client of `sim` (botocore's own retries off), its
    retry waits recorded in `sleeps`. The app table exists."""
    create_app_table(sim.client())
    if request.param == "sync":

        def make_sync(config: DynamoDbConfig | None = None, raw: Any = None, **options: Any) -> Any:
            raw = raw if raw is not None else sim.client(config=NO_BOTOCORE_RETRIES)
            return DynamoDbClient.from_boto3(raw, config, sleep=sleeps, **options)

        make_sync.kind = "sync"  # type: ignore[attr-defined]
        yield make_sync
        return
    pytest.importorskip("aiobotocore", reason="the async client needs aiobotocore")
    loop = asyncio.new_event_loop()
    opened: list[Any] = []

    def make_async(config: DynamoDbConfig | None = None, raw: Any = None, **options: Any) -> Any:
        if raw is None:
            context = sim.async_client(config=NO_BOTOCORE_RETRIES)
            raw = loop.run_until_complete(context.__aenter__())
            opened.append(context)
        return Blocking(AsyncDynamoDbClient.from_aiobotocore(raw, config, sleep=sleeps.wait, **options), loop)

    make_async.kind = "async"  # type: ignore[attr-defined]
    try:
        yield make_async
    finally:
        for context in opened:
            loop.run_until_complete(context.__aexit__(None, None, None))
        loop.close()


@pytest.fixture
def client(make_client: ClientMaker, metrics: InMemoryMetrics) -> Any:
    return make_client(metrics=metrics, rng=lambda: 1.0)


