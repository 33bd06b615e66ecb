"""DynamoDbClient, TableClient and their items, queries, scans, batches and transactions: the
synchronous driver over `core`, which builds the requests, reads the answers and decides the retries."""

from __future__ import annotations

import random
import time
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from concurrent.futures import ThreadPoolExecutor
from typing import TYPE_CHECKING, Any, TypeVar

from dynasim.fronts import retry_delays
from dynasim.integration import core
from dynasim.integration.config import DynamoDbConfig, create_boto3_client
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
from dynasim.integration.resilience import CircuitBreaker, MetricsSink, NullMetrics, span

if TYPE_CHECKING:
    from dynasim.clock import Clock


class ClientBase:
    """What the sync and the async client share: the core (configuration, circuit breaker, metrics,
    retry decisions) and the breaker's clock, on the simulator's clock while a simulator answers."""

    client: Any

    def __init__(
        self,
        config: DynamoDbConfig | None,
        metrics: MetricsSink | None,
        rng: Callable[[], float],
        clock: Callable[[], float] | None,
    ) -> None:
        config = config or DynamoDbConfig()
        breaker = CircuitBreaker(config.circuit_breaker, clock=clock if clock is not None else self._now)
        self.core = core.ClientCore(config, breaker, metrics if metrics is not None else NullMetrics(), rng)

    @property
    def config(self) -> DynamoDbConfig:
        return self.core.config

    @property
    def circuit_breaker(self) -> CircuitBreaker:
        return self.core.circuit_breaker

    @property
    def metrics(self) -> MetricsSink:
        return self.core.metrics

    def _simulator_clock(self) -> Clock | None:
        """The simulator's clock, while a simulator answers this client with virtual retry delays."""
        return retry_delays.virtual_clock(retry_delays.simulator_answering(self.client))

    def _waited_on_clock(self, seconds: float) -> bool:
        """Wait `seconds` on the simulator's clock if a simulator answers; False: sleep for real."""
        return retry_delays.on_clock(retry_delays.simulator_answering(self.client), seconds)

    def _now(self) -> float:
        clock = self._simulator_clock()
        if clock is None:
            return time.monotonic()
        # Monotonic time moved on by what the simulator's clock was advanced (retry delays included);
        # read as one number, not as a difference of two readings of the wall clock.
        return time.monotonic() + clock.advanced

    def __repr__(self) -> str:
        meta = self.client.meta
        return f"{type(self).__name__}(region={meta.region_name!r}, endpoint={meta.endpoint_url!r})"


class DynamoDbClient(ClientBase):
    """A typed, resilient DynamoDB client over a boto3 client: the same code runs on DynamoDB,
    DynamoDB Local and the simulator."""

    def __init__(
        self,
        config: DynamoDbConfig | None = None,
        *,
        client: Any = None,
        metrics: MetricsSink | None = None,
        sleep: Callable[[float], None] | None = None,
        rng: Callable[[], float] = random.random,
        clock: Callable[[], float] | None = None,
    ) -> None:
        """`sleep` waits between retries and `clock` times the circuit breaker; by default they are
        `time.sleep` and `time.monotonic`, on the simulator's clock while a simulator answers
        `client` (unless its `virtual_retry_delays` is off)."""
        self.client = client if client is not None else create_boto3_client(config or DynamoDbConfig())
        super().__init__(config, metrics, rng, clock)
        self._sleep = sleep if sleep is not None else self._wait

    @classmethod
    def from_boto3(cls, client: Any, config: DynamoDbConfig | None = None, **kwargs: Any) -> DynamoDbClient:
        """Wrap any boto3 DynamoDB client (including `sim.client()`). Its own botocore retries,
        if any, run under this client's."""
        return cls(config, client=client, **kwargs)

    def _wait(self, seconds: float) -> None:
        if not self._waited_on_clock(seconds):
            time.sleep(seconds)

    def table(self, name: str) -> TableClient:
        return TableClient(self, name)

    def transaction(self) -> TransactionBuilder:
        return TransactionBuilder(self)

    # --- the one path every request takes --------------------------------------------------------

    def call(self, operation: str, request: dict[str, Any], tables: Sequence[str] = ()) -> dict[str, Any]:
        """Send one DynamoDB request through the circuit breaker, with retries, metrics and a span."""
        call = self.core.call(operation, request, tables)
        method = getattr(self.client, call.method)
        with span(call.span_name, call.span_attributes):
            call.before()
            while True:
                started = time.perf_counter()
                try:
                    response = method(**request)
                except BaseException as exc:
                    error = call.typed_error(exc)
                    if error is None:
                        raise
                else:
                    return call.succeeded(response, time.perf_counter() - started)
                self._sleep(call.retry_delay(error, time.perf_counter() - started))

    def backoff(self, retry: int) -> None:
        """Sleep before retry `retry` (1-based) of unprocessed batch entries."""
        self._sleep(self.core.backoff_delay(retry))

    # --- transactions ----------------------------------------------------------------------------

    def transact_get(self, gets: Sequence[TransactGet]) -> list[Any]:
        """Read up to 100 items atomically; one entry per get, in order (None where there is no item)."""
        built = core.transact_get_request(gets)
        if built is None:
            return []
        request, tables = built
        return core.transact_get_result(self.call("TransactGetItems", request, tables), gets)


class TableBase:
    """One table of a client: key names `PK` / `SK` unless `with_key_schema` says otherwise."""

    def __init__(self, client: Any, name: str, pk_name: str = "PK", sk_name: str | None = "SK") -> None:
        self.client = client
        self.name = name
        self.pk_name = pk_name
        self.sk_name = sk_name

    def with_key_schema(self: Table, pk: str, sk: str | None = None) -> Table:
        return type(self)(self.client, self.name, pk, sk)

    def __repr__(self) -> str:
        return f"{type(self).__name__}({self.name!r}, pk={self.pk_name!r}, sk={self.sk_name!r})"

    def key_map(self, key: Key | Mapping[str, Any]) -> dict[str, Any]:
        return core.key_map(self, key)


Table = TypeVar("Table", bound=TableBase)


class TableClient(TableBase):
    """One table: key names `PK` / `SK` unless `with_key_schema` says otherwise."""

    client: DynamoDbClient

    def _call(self, operation: str, request: dict[str, Any]) -> dict[str, Any]:
        return self.client.call(operation, request, [self.name])

    # --- single items ----------------------------------------------------------------------------

    def get_item(self, key: Key, options: GetItemOptions | None = None, *, as_type: Any = None) -> Any:
        """The item, as a dict (or an `as_type` dataclass), or None if there is none."""
        return core.get_item_result(self._call("GetItem", core.get_item_request(self, key, options)), as_type)

    def put_item(self, item: Any, options: PutItemOptions | None = None, *, as_type: Any = None) -> PutItemOutput:
        return core.put_item_result(self._call("PutItem", core.put_item_request(self, item, options)), as_type)

    def update_item(
        self, key: Key, update: UpdateExpression, options: UpdateItemOptions | None = None, *, as_type: Any = None
    ) -> UpdateItemOutput:
        request = core.update_item_request(self, key, update, options)
        return core.update_item_result(self._call("UpdateItem", request), as_type)

    def delete_item(
        self, key: Key, options: DeleteItemOptions | None = None, *, as_type: Any = None
    ) -> DeleteItemOutput:
        request = core.delete_item_request(self, key, options)
        return core.delete_item_result(self._call("DeleteItem", request), as_type)

    # --- queries and scans -----------------------------------------------------------------------

    def query_builder(self) -> QueryBuilder:
        return QueryBuilder(self)

    def query(self, partition_key: Any, *, as_type: Any = None) -> list[Any]:
        """Every item with this partition key, over all pages."""
        return QueryBuilder(self).partition_key(partition_key).collect_all(as_type=as_type)

    def scan_pages(self, *, as_type: Any = None, **options: Any) -> Iterator[QueryResult]:
        """The scan's pages; options as for `core.scan_request` (filter, names,
        values, index, projection, consistent_read, limit, segment, total_segments)."""
        return _pages(self, "Scan", core.scan_request(self, **options), as_type)

    def scan_items(self, *, as_type: Any = None, **options: Any) -> Iterator[Any]:
        """Every item (matching `filter`, if given), page after page; options as for scan_pages."""
        for page in self.scan_pages(as_type=as_type, **options):
            yield from page.items

    def scan(self, *, as_type: Any = None, **options: Any) -> list[Any]:
        """Every item (matching `filter`, if given), over all pages; options as for scan_pages."""
        return list(self.scan_items(as_type=as_type, **options))

    def scan_parallel(
        self, total_segments: int, *, as_type: Any = None, max_workers: int | None = None, **options: Any
    ) -> list[Any]:
        """Scan the table in `total_segments` segments on as many threads; items of segment 0 first."""
        core.check_total_segments(total_segments)

        def one(segment: int) -> list[Any]:
            return self.scan(as_type=as_type, segment=segment, total_segments=total_segments, **options)

        with ThreadPoolExecutor(max_workers=max_workers or min(total_segments, 16)) as pool:
            return [item for items in pool.map(one, range(total_segments)) for item in items]

    # --- vector search ---------------------------------------------------------------------------

    def search_vectors(
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
        return core.search_vectors_result(self._call("SearchVectors", request), as_type)

    # --- batches ---------------------------------------------------------------------------------

    def batch_get(
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
        return self._batch_get_raw([self.key_map(k) for k in keys], as_type, consistent_read, projection)

    def _batch_get_raw(
        self, keys: list[dict[str, Any]], as_type: Any, consistent_read: bool, projection: Sequence[Path] | None
    ) -> BatchGetResult:
        response = self._call("BatchGetItem", core.batch_get_request(self, keys, consistent_read, projection))
        return self.client.core.batch_get_result(self, response, as_type)

    def batch_get_all(
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
                result = self._batch_get_raw(chunk, as_type, consistent_read, projection)
                items.extend(result.items)
                left.extend(result.unprocessed_keys)
            delay = rounds.after(left)
            if delay is not None:
                self.client._sleep(delay)
        return items

    def _batch_write_raw(self, requests: list[dict[str, Any]]) -> BatchWriteResult:
        response = self._call("BatchWriteItem", core.batch_write_request(self, requests))
        return self.client.core.batch_write_result(self, requests, response)

    def batch_write(self, operations: Sequence[PutRequest | DeleteRequest]) -> BatchWriteResult:
        """One BatchWriteItem of at most 25 writes; unprocessed writes are returned, not retried."""
        if not operations:
            return BatchWriteResult()
        core.check_count(len(operations), MAX_BATCH_WRITE_ITEMS, "BatchWriteItem")
        return self._batch_write_raw([core.write_request(self, op) for op in operations])

    def batch_put(self, items: Sequence[Any]) -> BatchWriteResult:
        return self.batch_write([PutRequest(i) for i in items])

    def batch_delete(self, keys: Sequence[Key]) -> BatchWriteResult:
        return self.batch_write([DeleteRequest(k) for k in keys])

    def batch_write_all(self, operations: Iterable[PutRequest | DeleteRequest]) -> int:
        """Any number of writes: chunks of 25, unprocessed writes retried with exponential backoff
        and full jitter until done; returns how many were written. BatchIncompleteError if the
        retry attempts run out."""
        rounds = self.client.core.batch_rounds([core.write_request(self, op) for op in operations], "BatchWriteItem")
        total = len(rounds.pending)
        while rounds.pending:
            left: list[dict[str, Any]] = []
            for chunk in rounds.chunks():
                left.extend(self._batch_write_raw(chunk).unprocessed_items)
            delay = rounds.after(left)
            if delay is not None:
                self.client._sleep(delay)
        return total

    def batch_put_all(self, items: Iterable[Any]) -> int:
        return self.batch_write_all(PutRequest(i) for i in items)

    def batch_delete_all(self, keys: Iterable[Key]) -> int:
        return self.batch_write_all(DeleteRequest(k) for k in keys)


def _pages(table: TableClient, operation: str, request: dict[str, Any], as_type: Any) -> Iterator[QueryResult]:
    start: dict[str, Any] | None = request.pop("ExclusiveStartKey", None)
    while True:
        page = core.page_result(table._call(operation, core.page_request(request, start)), as_type)
        start = page.last_evaluated_key
        yield page
        if not start:
            return


class QueryBuilder(core.QueryBuilderCore):
    """A Query, built step by step; `execute()` runs one page, `pages()` / `items()` / `collect_all()` all of them."""

    table: TableClient

    def __init__(self, table: TableClient) -> None:
        super().__init__(table)

    def pages(self, *, as_type: Any = None) -> Iterator[QueryResult]:
        return _pages(self.table, "Query", self.build(), as_type)

    def execute(self, *, as_type: Any = None) -> QueryResult:
        """One page (up to `limit` items, or 1 MB); continue with `start_from(result.last_evaluated_key)`."""
        return next(self.pages(as_type=as_type))

    def items(self, *, as_type: Any = None) -> Iterator[Any]:
        for page in self.pages(as_type=as_type):
            yield from page.items

    def collect_all(self, *, as_type: Any = None) -> list[Any]:
        return list(self.items(as_type=as_type))


class TransactionBuilder(core.TransactionBuilderCore):
    """TransactWriteItems, built action by action. Tables are TableClients (their key schema is
    used for keys) or names (keys PK / SK). Every condition takes `names=` and `values=`."""

    def __init__(self, client: DynamoDbClient) -> None:
        super().__init__()
        self.client = client

    def execute(self) -> None:
        """Run the transaction; TransactionCanceledError (with `.reasons`, one per action) if cancelled."""
        built = self.request()
        if built is not None:
            self.client.call("TransactWriteItems", *built)
