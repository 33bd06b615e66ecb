"""AsyncDynamoDbClient, AsyncTableClient and their queries, scans, batches and transactions: the
asynchronous driver over `core`, for aiobotocore and aioboto3 clients. Everything but the sending
and the sleeping is the sync client's, from `core`; a query's and a scan's pages and items are async
iterators, and a parallel scan runs its segments as concurrent tasks."""

from __future__ import annotations

import asyncio
import random
import time
from collections.abc import AsyncGenerator, AsyncIterator, Awaitable, Callable, Iterable, Mapping, Sequence
from types import TracebackType
from typing import Any

from dynasim.integration import core
from dynasim.integration.client import ClientBase, TableBase
from dynasim.integration.config import DynamoDbConfig, create_aiobotocore_client
from dynasim.integration.core import (
    MAX_BATCH_GET_ITEMS,
    MAX_BATCH_WRITE_ITEMS,
    BatchGetResult,
    BatchWriteResult,
    DeleteItemOptions,
    DeleteItemOutput,
    DeleteRequest,
    GetItemOptions,
    Key,
    PutItemOptions,
    PutItemOutput,
    PutRequest,
    QueryResult,
    SearchResult,
    TransactGet,
    UpdateItemOptions,
    UpdateItemOutput,
)
from dynasim.integration.expressions import Path, UpdateExpression
from dynasim.integration.resilience import MetricsSink, span

__all__ = ["AsyncDynamoDbClient", "AsyncQueryBuilder", "AsyncTableClient", "AsyncTransactionBuilder"]


class AsyncDynamoDbClient(ClientBase):
    """The high-level client over an aiobotocore (or aioboto3) DynamoDB client: the sync client's
    surface, awaited. Built from a `DynamoDbConfig` it opens its own aiobotocore client, on first use
    or on `async with`, and closes it on `close()` or leaving the `async with`; `from_aiobotocore`
    wraps a client you opened (and close) yourself."""

    def __init__(
        self,
        config: DynamoDbConfig | None = None,
        *,
        client: Any = None,
        metrics: MetricsSink | None = None,
        sleep: Callable[[float], Awaitable[None]] | None = None,
        rng: Callable[[], float] = random.random,
        clock: Callable[[], float] | None = None,
    ) -> None:
        """`sleep` waits between retries and `clock` times the circuit breaker; by default they are
        `asyncio.sleep` and `time.monotonic`, on the simulator's clock while a simulator answers
        (unless its `virtual_retry_delays` is off)."""
        self.client = client
        self._context: Any = None  # the aiobotocore client context this client opened itself
        self._opening = asyncio.Lock()
        super().__init__(config, metrics, rng, clock)
        self._sleep = sleep if sleep is not None else self._wait

    @classmethod
    def from_aiobotocore(
        cls, client: Any, config: DynamoDbConfig | None = None, **kwargs: Any
    ) -> AsyncDynamoDbClient:
        """Wrap an open aiobotocore DynamoDB client (an aioboto3 client, `sim.async_client()`'s).
        Its own botocore retries, if any, run under this client's."""
        return cls(config, client=client, **kwargs)

    async def open(self) -> AsyncDynamoDbClient:
        """Open the aiobotocore client this client builds from its config (once; calls do it themselves)."""
        if self.client is None:
            async with self._opening:
                if self.client is None:
                    context = create_aiobotocore_client(self.config)
                    self.client = await context.__aenter__()
                    self._context = context
        return self

    async def close(self) -> None:
        """Close the aiobotocore client if this client opened it; a wrapped client is left open."""
        context, self._context = self._context, None
        if context is not None:
            self.client = None
            await context.__aexit__(None, None, None)

    async def __aenter__(self) -> AsyncDynamoDbClient:
        return await self.open()

    async def __aexit__(
        self, kind: type[BaseException] | None, error: BaseException | None, traceback: TracebackType | None
    ) -> None:
        await self.close()

    def __repr__(self) -> str:
        if self.client is None:
            return f"AsyncDynamoDbClient(region={self.config.region!r}, endpoint={self.config.endpoint_url!r})"
        return super().__repr__()

    async def _wait(self, seconds: float) -> None:
        if not self._waited_on_clock(seconds):
            await asyncio.sleep(seconds)

    def table(self, name: str) -> AsyncTableClient:
        return AsyncTableClient(self, name)

    def transaction(self) -> AsyncTransactionBuilder:
        return AsyncTransactionBuilder(self)

    # --- the one path every request takes --------------------------------------------------------

    async def call(self, operation: str, request: dict[str, Any], tables: Sequence[str] = ()) -> dict[str, Any]:
        """Send one DynamoDB request through the circuit breaker, with retries, metrics and a span."""
        if self.client is None:
            await self.open()
        call = self.core.call(operation, request, tables)
        method = getattr(self.client, call.method)
        with span(call.span_name, call.span_attributes):
            call.before()
            while True:
                started = time.perf_counter()
                try:
                    response = await method(**request)
                except BaseException as exc:  # cancellation included: typed_error leaves it as it is
                    error = call.typed_error(exc)
                    if error is None:
                        raise
                else:
                    return call.succeeded(response, time.perf_counter() - started)
                await self._sleep(call.retry_delay(error, time.perf_counter() - started))

    async def backoff(self, retry: int) -> None:
        """Sleep before retry `retry` (1-based) of unprocessed batch entries."""
        await self._sleep(self.core.backoff_delay(retry))

    # --- transactions ----------------------------------------------------------------------------

    async def transact_get(self, gets: Sequence[TransactGet]) -> list[Any]:
        """Read up to 100 items atomically; one entry per get, in order (None where there is no item)."""
        built = core.transact_get_request(gets)
        if built is None:
            return []
        request, tables = built
        return core.transact_get_result(await self.call("TransactGetItems", request, tables), gets)


class AsyncTableClient(TableBase):
    """One table: key names `PK` / `SK` unless `with_key_schema` says otherwise."""

    client: AsyncDynamoDbClient

    async def _call(self, operation: str, request: dict[str, Any]) -> dict[str, Any]:
        return await self.client.call(operation, request, [self.name])

    # --- single items ----------------------------------------------------------------------------

    async def get_item(self, key: Key, options: GetItemOptions | None = None, *, as_type: Any = None) -> Any:
        """The item, as a dict (or an `as_type` dataclass), or None if there is none."""
        return core.get_item_result(await self._call("GetItem", core.get_item_request(self, key, options)), as_type)

    async def put_item(self, item: Any, options: PutItemOptions | None = None, *, as_type: Any = None) -> PutItemOutput:
        return core.put_item_result(await self._call("PutItem", core.put_item_request(self, item, options)), as_type)

    async def update_item(
        self, key: Key, update: UpdateExpression, options: UpdateItemOptions | None = None, *, as_type: Any = None
    ) -> UpdateItemOutput:
        request = core.update_item_request(self, key, update, options)
        return core.update_item_result(await self._call("UpdateItem", request), as_type)

    async def delete_item(
        self, key: Key, options: DeleteItemOptions | None = None, *, as_type: Any = None
    ) -> DeleteItemOutput:
        request = core.delete_item_request(self, key, options)
        return core.delete_item_result(await self._call("DeleteItem", request), as_type)

    # --- queries and scans -----------------------------------------------------------------------

    def query_builder(self) -> AsyncQueryBuilder:
        return AsyncQueryBuilder(self)

    async def query(self, partition_key: Any, *, as_type: Any = None) -> list[Any]:
        """Every item with this partition key, over all pages."""
        return await AsyncQueryBuilder(self).partition_key(partition_key).collect_all(as_type=as_type)

    def scan_pages(self, *, as_type: Any = None, **options: Any) -> AsyncIterator[QueryResult]:
        """The scan's pages, as an async iterator (`async for page in table.scan_pages(): ...`);
        options as for `core.scan_request` (filter, names, values, index, projection,
        consistent_read, limit, segment, total_segments)."""
        return _pages(self, "Scan", core.scan_request(self, **options), as_type)

    def scan_items(self, *, as_type: Any = None, **options: Any) -> AsyncIterator[Any]:
        """Every item (matching `filter`, if given), page after page, as an async iterator."""
        return _items(self.scan_pages(as_type=as_type, **options))

    async def scan(self, *, as_type: Any = None, **options: Any) -> list[Any]:
        """Every item (matching `filter`, if given), over all pages; options as for scan_pages."""
        return [item async for item in self.scan_items(as_type=as_type, **options)]

    async def scan_parallel(
        self, total_segments: int, *, as_type: Any = None, max_concurrency: int | None = None, **options: Any
    ) -> list[Any]:
        """Scan the table in `total_segments` segments run as concurrent tasks (at most
        `max_concurrency` at once, default all); items of segment 0 first. If one segment fails,
        the others are cancelled and its error raised."""
        core.check_total_segments(total_segments)
        limit = asyncio.Semaphore(max_concurrency or total_segments)

        async def one(segment: int) -> list[Any]:
            async with limit:
                return await self.scan(as_type=as_type, segment=segment, total_segments=total_segments, **options)

        tasks = [asyncio.ensure_future(one(segment)) for segment in range(total_segments)]
        try:
            segments = await asyncio.gather(*tasks)
        except BaseException:
            for task in tasks:
                task.cancel()
            await asyncio.gather(*tasks, return_exceptions=True)
            raise
        return [item for items in segments for item in items]

    # --- vector search ---------------------------------------------------------------------------

    async def search_vectors(
        self,
        index: str,
        vector: Iterable[Any],
        *,
        top_k: int,
        partition: Mapping[str, Any] | None = None,
        condition: str | None = None,
        names: Mapping[str, str] | None = None,
        values: Mapping[str, Any] | None = None,
        projection: Sequence[Path] | None = None,
        as_type: Any = None,
    ) -> list[SearchResult]:
        """The `top_k` items of the vector index `index` nearest `vector` (plain numbers), best
        first, each with its score (`SearchResult(item, score)`; the item a dict, or an `as_type`).
        `partition` ({attribute: value}) picks the search partition of an index with HASH search
        attributes; `condition` filters on its INLINE_FILTER attributes, with `names` and `values`."""
        request = core.search_vectors_request(
            self,
            index,
            vector,
            top_k,
            partition=partition,
            condition=condition,
            names=names,
            values=values,
            projection=projection,
        )
        return core.search_vectors_result(await self._call("SearchVectors", request), as_type)

    # --- batches ---------------------------------------------------------------------------------

    async def batch_get(
        self,
        keys: Sequence[Key],
        *,
        as_type: Any = None,
        consistent_read: bool = False,
        projection: Sequence[Path] | None = None,
    ) -> BatchGetResult:
        """One BatchGetItem of at most 100 keys; unprocessed keys are returned, not retried."""
        if not keys:
            return BatchGetResult()
        core.check_count(len(keys), MAX_BATCH_GET_ITEMS, "BatchGetItem")
        return await self._batch_get_raw([self.key_map(k) for k in keys], as_type, consistent_read, projection)

    async def _batch_get_raw(
        self, keys: list[dict[str, Any]], as_type: Any, consistent_read: bool, projection: Sequence[Path] | None
    ) -> BatchGetResult:
        response = await self._call("BatchGetItem", core.batch_get_request(self, keys, consistent_read, projection))
        return self.client.core.batch_get_result(self, response, as_type)

    async def batch_get_all(
        self,
        keys: Iterable[Key],
        *,
        as_type: Any = None,
        consistent_read: bool = False,
        projection: Sequence[Path] | None = None,
    ) -> list[Any]:
        """Any number of keys: chunks of 100, unprocessed keys retried with exponential backoff and
        full jitter until done; BatchIncompleteError if the retry attempts run out."""
        rounds = self.client.core.batch_rounds([self.key_map(k) for k in keys], "BatchGetItem")
        items: list[Any] = []
        while rounds.pending:
            left: list[dict[str, Any]] = []
            for chunk in rounds.chunks():
                result = await self._batch_get_raw(chunk, as_type, consistent_read, projection)
                items.extend(result.items)
                left.extend(result.unprocessed_keys)
            delay = rounds.after(left)
            if delay is not None:
                await self.client._sleep(delay)
        return items

    async def _batch_write_raw(self, requests: list[dict[str, Any]]) -> BatchWriteResult:
        response = await self._call("BatchWriteItem", core.batch_write_request(self, requests))
        return self.client.core.batch_write_result(self, requests, response)

    async def batch_write(self, operations: Sequence[PutRequest | DeleteRequest]) -> BatchWriteResult:
        """One BatchWriteItem of at most 25 writes; unprocessed writes are returned, not retried."""
        if not operations:
            return BatchWriteResult()
        core.check_count(len(operations), MAX_BATCH_WRITE_ITEMS, "BatchWriteItem")
        return await self._batch_write_raw([core.write_request(self, op) for op in operations])

    async def batch_put(self, items: Sequence[Any]) -> BatchWriteResult:
        return await self.batch_write([PutRequest(i) for i in items])

    async def batch_delete(self, keys: Sequence[Key]) -> BatchWriteResult:
        return await self.batch_write([DeleteRequest(k) for k in keys])

    async def batch_write_all(self, operations: Iterable[PutRequest | DeleteRequest]) -> int:
        """Any number of writes: chunks of 25, unprocessed writes retried with exponential backoff
        and full jitter until done; returns how many were written. BatchIncompleteError if the
        retry attempts run out."""
        rounds = self.client.core.batch_rounds([core.write_request(self, op) for op in operations], "BatchWriteItem")
        total = len(rounds.pending)
        while rounds.pending:
            left: list[dict[str, Any]] = []
            for chunk in rounds.chunks():
                left.extend((await self._batch_write_raw(chunk)).unprocessed_items)
            delay = rounds.after(left)
            if delay is not None:
                await self.client._sleep(delay)
        return total

    async def batch_put_all(self, items: Iterable[Any]) -> int:
        return await self.batch_write_all(PutRequest(i) for i in items)

    async def batch_delete_all(self, keys: Iterable[Key]) -> int:
        return await self.batch_write_all(DeleteRequest(k) for k in keys)


async def _pages(
    table: AsyncTableClient, operation: str, request: dict[str, Any], as_type: Any
) -> AsyncGenerator[QueryResult, None]:
    start: dict[str, Any] | None = request.pop("ExclusiveStartKey", None)
    while True:
        page = core.page_result(await table._call(operation, core.page_request(request, start)), as_type)
        start = page.last_evaluated_key
        yield page
        if not start:
            return


async def _items(pages: AsyncIterator[QueryResult]) -> AsyncIterator[Any]:
    async for page in pages:
        for item in page.items:
            yield item


class AsyncQueryBuilder(core.QueryBuilderCore):
    """A Query, built step by step; `await execute()` runs one page, `pages()` / `items()` are async
    iterators over all of them (`async for order in query.items(as_type=Order)`), `await
    collect_all()` gathers every item."""

    table: AsyncTableClient

    def __init__(self, table: AsyncTableClient) -> None:
        super().__init__(table)

    def pages(self, *, as_type: Any = None) -> AsyncGenerator[QueryResult, None]:
        return _pages(self.table, "Query", self.build(), as_type)

    async def execute(self, *, as_type: Any = None) -> QueryResult:
        """One page (up to `limit` items, or 1 MB); continue with `start_from(result.last_evaluated_key)`."""
        pages = self.pages(as_type=as_type)
        try:
            return await pages.__anext__()
        finally:
            await pages.aclose()

    def items(self, *, as_type: Any = None) -> AsyncIterator[Any]:
        return _items(self.pages(as_type=as_type))

    async def collect_all(self, *, as_type: Any = None) -> list[Any]:
        return [item async for item in self.items(as_type=as_type)]


class AsyncTransactionBuilder(core.TransactionBuilderCore):
    """TransactWriteItems, built action by action. Tables are table clients (their key schema is
    used for keys) or names (keys PK / SK). Every condition takes `names=` and `values=`."""

    def __init__(self, client: AsyncDynamoDbClient) -> None:
        super().__init__()
        self.client = client

    async def execute(self) -> None:
        """Run the transaction; TransactionCanceledError (with `.reasons`, one per action) if cancelled."""
        built = self.request()
        if built is not None:
            await self.client.call("TransactWriteItems", *built)
