"""DynamoDbClient, TableClient and their items, queries, scans, batches and transactions."""

from __future__ import annotations

import random
import time
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from typing import Any

from botocore.exceptions import ClientError, ConnectionError, HTTPClientError, ParamValidationError

from dynasim.fronts import retry_delays
from dynasim.integration.config import DynamoDbConfig, create_boto3_client
from dynasim.integration.errors import (
    BatchIncompleteError,
    DynamoDbError,
    TooManyItemsError,
    TransportError,
    ValidationError,
    from_client_error,
)
from dynasim.integration.expressions import Path, Placeholders, UpdateExpression, merge_expression_attributes
from dynasim.integration.mapping import from_item, to_attribute_value, to_item
from dynasim.integration.resilience import CircuitBreaker, MetricsSink, NullMetrics, span

MAX_BATCH_GET_ITEMS = 100
MAX_BATCH_WRITE_ITEMS = 25
MAX_TRANSACT_ITEMS = 100
MAX_ITEM_SIZE_BYTES = 400 * 1024

_SNAKE = {
    "GetItem": "get_item",
    "PutItem": "put_item",
    "UpdateItem": "update_item",
    "DeleteItem": "delete_item",
    "Query": "query",
    "Scan": "scan",
    "BatchGetItem": "batch_get_item",
    "BatchWriteItem": "batch_write_item",
    "TransactWriteItems": "transact_write_items",
    "TransactGetItems": "transact_get_items",
}


class DynamoDbClient:
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
        self.config = config or DynamoDbConfig()
        self.client = client if client is not None else create_boto3_client(self.config)
        breaker_clock = clock if clock is not None else self._now
        self.circuit_breaker = CircuitBreaker(self.config.circuit_breaker, clock=breaker_clock)
        self.metrics: MetricsSink = metrics if metrics is not None else NullMetrics()
        self._sleep = sleep if sleep is not None else self._wait
        self._rng = rng

    @classmethod
    def from_boto3(cls, client: Any, config: DynamoDbConfig | None = None, **kwargs: Any) -> DynamoDbClient:
        """Wrap any boto3 DynamoDB client (including `sim.client()`). Its own botocore retries,
        if any, run under this client's."""
        return cls(config, client=client, **kwargs)

    def _wait(self, seconds: float) -> None:
        if not retry_delays.on_clock(retry_delays.simulator_answering(self.client), seconds):
            time.sleep(seconds)

    def _now(self) -> float:
        simulator = retry_delays.simulator_answering(self.client)
        if simulator is None or not simulator.virtual_retry_delays:
            return time.monotonic()
        # Monotonic time moved on by what the simulator's clock was advanced (retry delays included).
        return time.monotonic() + simulator.clock.now() - time.time()

    def __repr__(self) -> str:
        return f"DynamoDbClient(region={self.client.meta.region_name!r}, endpoint={self.client.meta.endpoint_url!r})"

    def table(self, name: str) -> TableClient:
        return TableClient(self, name)

    def transaction(self) -> TransactionBuilder:
        return TransactionBuilder(self)

    # --- the one path every request takes --------------------------------------------------------

    def call(self, operation: str, request: dict[str, Any], tables: Sequence[str] = ()) -> dict[str, Any]:
        """Send one DynamoDB request through the circuit breaker, with retries, metrics and a span."""
        table_tag = ",".join(tables)
        tags = {"operation": operation, "table": table_tag}
        method = getattr(self.client, _SNAKE.get(operation) or operation)
        request.setdefault("ReturnConsumedCapacity", "TOTAL")
        with span(
            f"dynamodb.{_SNAKE.get(operation, operation)}",
            {"db.system": "dynamodb", "db.operation": operation, "aws.dynamodb.table_names": list(tables)},
        ):
            self.circuit_breaker.before_call(operation)
            retry = 0
            while True:
                started = time.perf_counter()
                try:
                    response = method(**request)
                except ClientError as exc:
                    error: DynamoDbError = from_client_error(exc, operation)
                except (ConnectionError, HTTPClientError) as exc:
                    error = TransportError(str(exc), code=type(exc).__name__, operation=operation)
                except ParamValidationError as exc:
                    error = ValidationError(str(exc), code="ParamValidation", operation=operation)
                except BaseException:
                    self.circuit_breaker.record_neutral()
                    raise
                else:
                    self.metrics.observe("dynamodb.latency", time.perf_counter() - started, tags)
                    self.metrics.increment("dynamodb.requests", 1, tags)
                    self._record_capacity(response.get("ConsumedCapacity"))
                    self.circuit_breaker.record_success()
                    return response
                self.metrics.observe("dynamodb.latency", time.perf_counter() - started, tags)
                self.metrics.increment("dynamodb.requests", 1, tags)
                self.metrics.increment("dynamodb.errors", 1, {**tags, "code": error.code or ""})
                if not error.retryable:
                    self.circuit_breaker.record_neutral()
                    raise error
                if retry >= self.config.retry.max_attempts:
                    self.circuit_breaker.record_failure()
                    raise error
                retry += 1
                self.metrics.increment("dynamodb.retries", 1, tags)
                self._sleep(self.config.retry.delay(retry, error, self._rng))

    def _record_capacity(self, consumed: Any) -> None:
        if not consumed:
            return
        for entry in consumed if isinstance(consumed, list) else [consumed]:
            units = entry.get("CapacityUnits")
            if units is not None:
                self.metrics.increment("dynamodb.consumed_capacity", units, {"table": entry.get("TableName", "")})

    def backoff(self, retry: int) -> None:
        """Sleep before retry `retry` (1-based) of unprocessed batch entries."""
        self.metrics.increment("dynamodb.retries", 1, {"operation": "batch", "table": ""})
        self._sleep(self.config.retry.delay(retry, None, self._rng))

    # --- transactions ----------------------------------------------------------------------------

    def transact_get(self, gets: Sequence[TransactGet]) -> list[Any]:
        """Read up to 100 items atomically; one entry per get, in order (None where there is no item)."""
        if not gets:
            return []
        if len(gets) > MAX_TRANSACT_ITEMS:
            raise TooManyItemsError(len(gets), MAX_TRANSACT_ITEMS, "TransactGetItems")
        items = []
        for g in gets:
            table = g.table if isinstance(g.table, TableClient) else self.table(g.table)
            get: dict[str, Any] = {"TableName": table.name, "Key": table.key_map(g.key)}
            if g.projection:
                ph = Placeholders("p")
                get["ProjectionExpression"] = ", ".join(ph.path(p) for p in g.projection)
                get["ExpressionAttributeNames"] = ph.names
            items.append({"Get": get})
        tables = list(dict.fromkeys(i["Get"]["TableName"] for i in items))
        response = self.call("TransactGetItems", {"TransactItems": items}, tables)
        return [
            from_item(r["Item"], g.as_type) if r.get("Item") else None
            for r, g in zip(response.get("Responses", []), gets, strict=False)
        ]


@dataclass(frozen=True)
class Key:
    """An item's key: `Key(pk)` or `Key(pk).with_sort_key(sk)`, in plain Python values."""

    partition_key: Any
    sort_key: Any = None

    def with_sort_key(self, sort_key: Any) -> Key:
        return Key(self.partition_key, sort_key)

    def to_key_map(self, pk_name: str, sk_name: str | None) -> dict[str, Any]:
        key = {pk_name: to_attribute_value(self.partition_key)}
        if self.sort_key is not None:
            if sk_name is None:
                raise ValidationError("this key has a sort key, but the table has none", code="KeySchema")
            key[sk_name] = to_attribute_value(self.sort_key)
        elif sk_name is not None:
            raise ValidationError(f"the table's sort key {sk_name!r} is missing from the key", code="KeySchema")
        return key


@dataclass
class GetItemOptions:
    consistent_read: bool = False
    projection: Sequence[Path] | None = None  # attribute names (taken literally) or paths


@dataclass
class PutItemOptions:
    condition: str | None = None
    names: Mapping[str, str] | None = None
    values: Mapping[str, Any] | None = None
    return_old_values: bool = False
    return_item_on_condition_failure: bool = False  # ConditionalCheckFailedError.item
    only_if_new: bool = False  # attribute_not_exists on the table's own partition key

    @classmethod
    def if_not_exists(cls, **kwargs: Any) -> PutItemOptions:
        return cls(only_if_new=True, **kwargs)


@dataclass
class UpdateItemOptions:
    condition: str | None = None
    names: Mapping[str, str] | None = None
    values: Mapping[str, Any] | None = None
    return_values: str = "NONE"  # NONE, ALL_OLD, UPDATED_OLD, ALL_NEW, UPDATED_NEW
    return_item_on_condition_failure: bool = False  # ConditionalCheckFailedError.item

    @classmethod
    def returning_new(cls, **kwargs: Any) -> UpdateItemOptions:
        return cls(return_values="ALL_NEW", **kwargs)


@dataclass
class DeleteItemOptions:
    condition: str | None = None
    names: Mapping[str, str] | None = None
    values: Mapping[str, Any] | None = None
    return_old_values: bool = False
    return_item_on_condition_failure: bool = False  # ConditionalCheckFailedError.item


@dataclass
class PutItemOutput:
    old_item: Any = None


@dataclass
class UpdateItemOutput:
    attributes: Any = None


@dataclass
class DeleteItemOutput:
    old_item: Any = None


@dataclass
class QueryResult:
    items: list[Any]
    last_evaluated_key: dict[str, Any] | None
    count: int
    scanned_count: int


@dataclass
class BatchGetResult:
    items: list[Any] = field(default_factory=list)
    unprocessed_keys: list[dict[str, Any]] = field(default_factory=list)

    @property
    def unprocessed_count(self) -> int:
        return len(self.unprocessed_keys)


@dataclass
class BatchWriteResult:
    processed_count: int = 0
    unprocessed_items: list[dict[str, Any]] = field(default_factory=list)

    @property
    def unprocessed_count(self) -> int:
        return len(self.unprocessed_items)


@dataclass(frozen=True)
class PutRequest:
    item: Any


@dataclass(frozen=True)
class DeleteRequest:
    key: Key


@dataclass(frozen=True)
class TransactGet:
    table: Any  # a TableClient, or a table name (keys PK / SK)
    key: Key
    projection: Sequence[Path] | None = None
    as_type: Any = None


class TableClient:
    """One table: key names `PK` / `SK` unless `with_key_schema` says otherwise."""

    def __init__(self, client: DynamoDbClient, name: str, pk_name: str = "PK", sk_name: str | None = "SK") -> None:
        self.client = client
        self.name = name
        self.pk_name = pk_name
        self.sk_name = sk_name

    def with_key_schema(self, pk: str, sk: str | None = None) -> TableClient:
        return TableClient(self.client, self.name, pk, sk)

    def __repr__(self) -> str:
        return f"TableClient({self.name!r}, pk={self.pk_name!r}, sk={self.sk_name!r})"

    def key_map(self, key: Key | Mapping[str, Any]) -> dict[str, Any]:
        if isinstance(key, Key):
            return key.to_key_map(self.pk_name, self.sk_name)
        return {name: to_attribute_value(value) for name, value in key.items()}

    def _call(self, operation: str, request: dict[str, Any]) -> dict[str, Any]:
        return self.client.call(operation, request, [self.name])

    @staticmethod
    def _condition(
        request: dict[str, Any], condition: str | None, names: Any, values: Any, return_item: bool = False
    ) -> None:
        if condition is not None:
            request["ConditionExpression"] = condition
            if return_item:
                request["ReturnValuesOnConditionCheckFailure"] = "ALL_OLD"
        if condition is not None or names or values:
            merge_expression_attributes(request, names, values)

    # --- single items ----------------------------------------------------------------------------

    def get_item(self, key: Key, options: GetItemOptions | None = None, *, as_type: Any = None) -> Any:
        """The item, as a dict (or an `as_type` dataclass), or None if there is none."""
        options = options or GetItemOptions()
        request: dict[str, Any] = {"TableName": self.name, "Key": self.key_map(key)}
        if options.consistent_read:
            request["ConsistentRead"] = True
        if options.projection:
            ph = Placeholders("p")
            request["ProjectionExpression"] = ", ".join(ph.path(p) for p in options.projection)
            request["ExpressionAttributeNames"] = ph.names
        item = self._call("GetItem", request).get("Item")
        return from_item(item, as_type) if item is not None else None

    def put_item(self, item: Any, options: PutItemOptions | None = None, *, as_type: Any = None) -> PutItemOutput:
        options = options or PutItemOptions()
        request: dict[str, Any] = {"TableName": self.name, "Item": to_item(item)}
        condition = options.condition
        names = dict(options.names or {})
        if options.only_if_new:
            names["#ifnewpk"] = self.pk_name
            condition = "attribute_not_exists(#ifnewpk)" + (f" AND ({condition})" if condition else "")
        self._condition(request, condition, names, options.values, options.return_item_on_condition_failure)
        if options.return_old_values:
            request["ReturnValues"] = "ALL_OLD"
        response = self._call("PutItem", request)
        old = response.get("Attributes")
        return PutItemOutput(from_item(old, as_type) if old else None)

    def update_item(
        self, key: Key, update: UpdateExpression, options: UpdateItemOptions | None = None, *, as_type: Any = None
    ) -> UpdateItemOutput:
        options = options or UpdateItemOptions()
        request: dict[str, Any] = {
            "TableName": self.name,
            "Key": self.key_map(key),
            "UpdateExpression": update.expression,
        }
        merge_expression_attributes(request, update.names, wire_values=update.values)
        self._condition(
            request, options.condition, options.names, options.values, options.return_item_on_condition_failure
        )
        if options.return_values != "NONE":
            request["ReturnValues"] = options.return_values
        attributes = self._call("UpdateItem", request).get("Attributes")
        return UpdateItemOutput(from_item(attributes, as_type) if attributes else None)

    def delete_item(
        self, key: Key, options: DeleteItemOptions | None = None, *, as_type: Any = None
    ) -> DeleteItemOutput:
        options = options or DeleteItemOptions()
        request: dict[str, Any] = {"TableName": self.name, "Key": self.key_map(key)}
        self._condition(
            request, options.condition, options.names, options.values, options.return_item_on_condition_failure
        )
        if options.return_old_values:
            request["ReturnValues"] = "ALL_OLD"
        old = self._call("DeleteItem", request).get("Attributes")
        return DeleteItemOutput(from_item(old, as_type) if old else None)

    # --- queries and scans -----------------------------------------------------------------------

    def query_builder(self) -> QueryBuilder:
        return QueryBuilder(self)

    def query(self, partition_key: Any, *, as_type: Any = None) -> list[Any]:
        """Every item with this partition key, over all pages."""
        return QueryBuilder(self).partition_key(partition_key).collect_all(as_type=as_type)

    def scan_pages(
        self,
        *,
        filter: str | None = None,
        names: Mapping[str, str] | None = None,
        values: Mapping[str, Any] | None = None,
        index: str | None = None,
        projection: Sequence[Path] | None = None,
        consistent_read: bool = False,
        limit: int | None = None,
        segment: int | None = None,
        total_segments: int | None = None,
        as_type: Any = None,
    ) -> Iterator[QueryResult]:
        request: dict[str, Any] = {"TableName": self.name}
        if index:
            request["IndexName"] = index
        if projection:
            ph = Placeholders("p")
            request["ProjectionExpression"] = ", ".join(ph.path(p) for p in projection)
            merge_expression_attributes(request, ph.names)
        if filter:
            request["FilterExpression"] = filter
        if filter or names or values:
            merge_expression_attributes(request, names, values)
        if consistent_read:
            request["ConsistentRead"] = True
        if limit is not None:
            request["Limit"] = limit
        if total_segments is not None:
            request["Segment"], request["TotalSegments"] = segment or 0, total_segments
        return _pages(self, "Scan", request, as_type)

    def scan(self, *, as_type: Any = None, **options: Any) -> list[Any]:
        """Every item (matching `filter`, if given), over all pages; options as for scan_pages."""
        return [item for page in self.scan_pages(as_type=as_type, **options) for item in page.items]

    def scan_parallel(
        self, total_segments: int, *, as_type: Any = None, max_workers: int | None = None, **options: Any
    ) -> list[Any]:
        """Scan the table in `total_segments` segments on as many threads; items of segment 0 first."""
        if total_segments < 1:
            raise ValidationError("total_segments must be at least 1", code="Validation")

        def one(segment: int) -> list[Any]:
            return self.scan(as_type=as_type, segment=segment, total_segments=total_segments, **options)

        with ThreadPoolExecutor(max_workers=max_workers or min(total_segments, 16)) as pool:
            return [item for items in pool.map(one, range(total_segments)) for item in items]

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
        if len(keys) > MAX_BATCH_GET_ITEMS:
            raise TooManyItemsError(len(keys), MAX_BATCH_GET_ITEMS, "BatchGetItem")
        return self._batch_get_raw([self.key_map(k) for k in keys], as_type, consistent_read, projection)

    def _batch_get_raw(
        self, keys: list[dict[str, Any]], as_type: Any, consistent_read: bool, projection: Sequence[Path] | None
    ) -> BatchGetResult:
        entry: dict[str, Any] = {"Keys": keys}
        if consistent_read:
            entry["ConsistentRead"] = True
        if projection:
            ph = Placeholders("p")
            # the key attributes are always returned, so unprocessed keys and results can be matched
            paths = list(projection) + [n for n in (self.pk_name, self.sk_name) if n and n not in projection]
            entry["ProjectionExpression"] = ", ".join(ph.path(p) for p in paths)
            entry["ExpressionAttributeNames"] = ph.names
        response = self.client.call("BatchGetItem", {"RequestItems": {self.name: entry}}, [self.name])
        items = [from_item(i, as_type) for i in response.get("Responses", {}).get(self.name, [])]
        unprocessed = response.get("UnprocessedKeys", {}).get(self.name, {}).get("Keys", [])
        if unprocessed:
            self.client.metrics.increment(
                "dynamodb.unprocessed_items", len(unprocessed), {"operation": "BatchGetItem", "table": self.name}
            )
        return BatchGetResult(items, unprocessed)

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
        pending = [self.key_map(k) for k in keys]
        items: list[Any] = []
        retry = 0
        while pending:
            left: list[dict[str, Any]] = []
            for start in range(0, len(pending), MAX_BATCH_GET_ITEMS):
                result = self._batch_get_raw(
                    pending[start : start + MAX_BATCH_GET_ITEMS], as_type, consistent_read, projection
                )
                items.extend(result.items)
                left.extend(result.unprocessed_keys)
            pending = left
            if pending:
                if retry >= self.client.config.retry.max_attempts:
                    raise BatchIncompleteError(
                        f"{len(pending)} keys still unprocessed after {retry} retries",
                        code="BatchIncomplete",
                        operation="BatchGetItem",
                        unprocessed=pending,
                    )
                retry += 1
                self.client.backoff(retry)
        return items

    def _write_request(self, op: PutRequest | DeleteRequest) -> dict[str, Any]:
        if isinstance(op, PutRequest):
            return {"PutRequest": {"Item": to_item(op.item)}}
        if isinstance(op, DeleteRequest):
            return {"DeleteRequest": {"Key": self.key_map(op.key)}}
        raise ValidationError(f"expected a PutRequest or DeleteRequest, not {op!r}", code="Validation")

    def _batch_write_raw(self, requests: list[dict[str, Any]]) -> BatchWriteResult:
        response = self.client.call("BatchWriteItem", {"RequestItems": {self.name: requests}}, [self.name])
        unprocessed = response.get("UnprocessedItems", {}).get(self.name, [])
        if unprocessed:
            self.client.metrics.increment(
                "dynamodb.unprocessed_items", len(unprocessed), {"operation": "BatchWriteItem", "table": self.name}
            )
        return BatchWriteResult(len(requests) - len(unprocessed), unprocessed)

    def batch_write(self, operations: Sequence[PutRequest | DeleteRequest]) -> BatchWriteResult:
        """One BatchWriteItem of at most 25 writes; unprocessed writes are returned, not retried."""
        if not operations:
            return BatchWriteResult()
        if len(operations) > MAX_BATCH_WRITE_ITEMS:
            raise TooManyItemsError(len(operations), MAX_BATCH_WRITE_ITEMS, "BatchWriteItem")
        return self._batch_write_raw([self._write_request(op) for op in operations])

    def batch_put(self, items: Sequence[Any]) -> BatchWriteResult:
        return self.batch_write([PutRequest(i) for i in items])

    def batch_delete(self, keys: Sequence[Key]) -> BatchWriteResult:
        return self.batch_write([DeleteRequest(k) for k in keys])

    def batch_write_all(self, operations: Iterable[PutRequest | DeleteRequest]) -> int:
        """Any number of writes: chunks of 25, unprocessed writes retried with exponential backoff
        and full jitter until done; returns how many were written. BatchIncompleteError if the
        retry attempts run out."""
        pending = [self._write_request(op) for op in operations]
        total = len(pending)
        retry = 0
        while pending:
            left: list[dict[str, Any]] = []
            for start in range(0, len(pending), MAX_BATCH_WRITE_ITEMS):
                left.extend(self._batch_write_raw(pending[start : start + MAX_BATCH_WRITE_ITEMS]).unprocessed_items)
            pending = left
            if pending:
                if retry >= self.client.config.retry.max_attempts:
                    raise BatchIncompleteError(
                        f"{len(pending)} writes still unprocessed after {retry} retries",
                        code="BatchIncomplete",
                        operation="BatchWriteItem",
                        unprocessed=pending,
                    )
                retry += 1
                self.client.backoff(retry)
        return total

    def batch_put_all(self, items: Iterable[Any]) -> int:
        return self.batch_write_all(PutRequest(i) for i in items)

    def batch_delete_all(self, keys: Iterable[Key]) -> int:
        return self.batch_write_all(DeleteRequest(k) for k in keys)


def _pages(table: TableClient, operation: str, request: dict[str, Any], as_type: Any) -> Iterator[QueryResult]:
    start: dict[str, Any] | None = request.pop("ExclusiveStartKey", None)
    while True:
        page = dict(request)
        if start:
            page["ExclusiveStartKey"] = start
        response = table._call(operation, page)
        start = response.get("LastEvaluatedKey")
        yield QueryResult(
            [from_item(i, as_type) for i in response.get("Items", [])],
            start,
            response.get("Count", 0),
            response.get("ScannedCount", 0),
        )
        if not start:
            return


class QueryBuilder:
    """A Query, built step by step; `execute()` runs one page, `pages()` / `items()` / `collect_all()` all of them."""

    def __init__(self, table: TableClient) -> None:
        self.table = table
        self._pk: Any = None
        self._has_pk = False
        self._sk: tuple[str, tuple[Any, ...]] | None = None
        self._index: str | None = None
        self._key_names: tuple[str, str | None] = (table.pk_name, table.sk_name)
        self._filter: tuple[str, Mapping[str, str] | None, Mapping[str, Any] | None] | None = None
        self._projection: Sequence[Path] | None = None
        self._limit: int | None = None
        self._forward = True
        self._consistent = False
        self._start: dict[str, Any] | None = None

    def partition_key(self, value: Any) -> QueryBuilder:
        self._pk, self._has_pk = value, True
        return self

    def _sort(self, op: str, *values: Any) -> QueryBuilder:
        self._sk = (op, values)
        return self

    def sort_key_equals(self, value: Any) -> QueryBuilder:
        return self._sort("=", value)

    def sort_key_lt(self, value: Any) -> QueryBuilder:
        return self._sort("<", value)

    def sort_key_le(self, value: Any) -> QueryBuilder:
        return self._sort("<=", value)

    def sort_key_gt(self, value: Any) -> QueryBuilder:
        return self._sort(">", value)

    def sort_key_ge(self, value: Any) -> QueryBuilder:
        return self._sort(">=", value)

    def sort_key_begins_with(self, prefix: Any) -> QueryBuilder:
        return self._sort("begins_with", prefix)

    def sort_key_between(self, low: Any, high: Any) -> QueryBuilder:
        return self._sort("between", low, high)

    def index(self, name: str, partition_key: str, sort_key: str | None = None) -> QueryBuilder:
        """Query the index `name`, whose key attributes are `partition_key` and `sort_key`."""
        self._index, self._key_names = name, (partition_key, sort_key)
        return self

    def filter(
        self, expression: str, *, names: Mapping[str, str] | None = None, values: Mapping[str, Any] | None = None
    ) -> QueryBuilder:
        self._filter = (expression, names, values)
        return self

    def projection(self, *paths: Path) -> QueryBuilder:
        self._projection = paths
        return self

    def limit(self, limit: int) -> QueryBuilder:
        self._limit = limit
        return self

    def descending(self) -> QueryBuilder:
        self._forward = False
        return self

    def consistent_read(self, consistent: bool = True) -> QueryBuilder:
        self._consistent = consistent
        return self

    def start_from(self, last_evaluated_key: dict[str, Any] | None) -> QueryBuilder:
        self._start = last_evaluated_key
        return self

    def build(self) -> dict[str, Any]:
        """The Query request in wire form."""
        if not self._has_pk:
            raise ValidationError("a query needs a partition key", code="Validation")
        ph = Placeholders("k")
        pk_name, sk_name = self._key_names
        condition = f"{ph.name(pk_name)} = {ph.value(self._pk)}"
        if self._sk is not None:
            if sk_name is None:
                raise ValidationError("a sort key condition needs a sort key", code="Validation")
            op, operands = self._sk
            sk = ph.name(sk_name)
            if op == "begins_with":
                condition += f" AND begins_with({sk}, {ph.value(operands[0])})"
            elif op == "between":
                condition += f" AND {sk} BETWEEN {ph.value(operands[0])} AND {ph.value(operands[1])}"
            else:
                condition += f" AND {sk} {op} {ph.value(operands[0])}"
        request: dict[str, Any] = {"TableName": self.table.name, "KeyConditionExpression": condition}
        if self._projection:
            projection = Placeholders("p")
            request["ProjectionExpression"] = ", ".join(projection.path(p) for p in self._projection)
            merge_expression_attributes(request, projection.names)
        merge_expression_attributes(request, ph.names, wire_values=ph.values)
        if self._filter is not None:
            expression, names, values = self._filter
            request["FilterExpression"] = expression
            merge_expression_attributes(request, names, values)
        if self._index:
            request["IndexName"] = self._index
        if self._limit is not None:
            request["Limit"] = self._limit
        if not self._forward:
            request["ScanIndexForward"] = False
        if self._consistent:
            request["ConsistentRead"] = True
        if self._start:
            request["ExclusiveStartKey"] = self._start
        return request

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


class TransactionBuilder:
    """TransactWriteItems, built action by action. Tables are TableClients (their key schema is
    used for keys) or names (keys PK / SK). Every condition takes `names=` and `values=`."""

    def __init__(self, client: DynamoDbClient) -> None:
        self.client = client
        self.actions: list[dict[str, Any]] = []
        self.token: str | None = None

    def _table(self, table: TableClient | str) -> TableClient:
        return table if isinstance(table, TableClient) else self.client.table(table)

    def _action(
        self, kind: str, body: dict[str, Any], condition: str | None, names: Any, values: Any
    ) -> TransactionBuilder:
        if condition is not None:
            body["ConditionExpression"] = condition
        if condition is not None or names or values:
            merge_expression_attributes(body, names, values)
        self.actions.append({kind: body})
        return self

    def put(
        self,
        table: TableClient | str,
        item: Any,
        condition: str | None = None,
        *,
        names: Mapping[str, str] | None = None,
        values: Mapping[str, Any] | None = None,
    ) -> TransactionBuilder:
        t = self._table(table)
        return self._action("Put", {"TableName": t.name, "Item": to_item(item)}, condition, names, values)

    def put_with_condition(
        self,
        table: TableClient | str,
        item: Any,
        condition: str,
        *,
        names: Mapping[str, str] | None = None,
        values: Mapping[str, Any] | None = None,
    ) -> TransactionBuilder:
        return self.put(table, item, condition, names=names, values=values)

    def update(
        self,
        table: TableClient | str,
        key: Key,
        update: UpdateExpression,
        condition: str | None = None,
        *,
        names: Mapping[str, str] | None = None,
        values: Mapping[str, Any] | None = None,
    ) -> TransactionBuilder:
        t = self._table(table)
        body: dict[str, Any] = {"TableName": t.name, "Key": t.key_map(key), "UpdateExpression": update.expression}
        merge_expression_attributes(body, update.names, wire_values=update.values)
        return self._action("Update", body, condition, names, values)

    def delete(
        self,
        table: TableClient | str,
        key: Key,
        condition: str | None = None,
        *,
        names: Mapping[str, str] | None = None,
        values: Mapping[str, Any] | None = None,
    ) -> TransactionBuilder:
        t = self._table(table)
        return self._action("Delete", {"TableName": t.name, "Key": t.key_map(key)}, condition, names, values)

    def condition_check(
        self,
        table: TableClient | str,
        key: Key,
        condition: str,
        *,
        names: Mapping[str, str] | None = None,
        values: Mapping[str, Any] | None = None,
    ) -> TransactionBuilder:
        t = self._table(table)
        return self._action("ConditionCheck", {"TableName": t.name, "Key": t.key_map(key)}, condition, names, values)

    def idempotency_token(self, token: str) -> TransactionBuilder:
        self.token = token
        return self

    def execute(self) -> None:
        """Run the transaction; TransactionCanceledError (with `.reasons`, one per action) if cancelled."""
        if not self.actions:
            return
        if len(self.actions) > MAX_TRANSACT_ITEMS:
            raise TooManyItemsError(len(self.actions), MAX_TRANSACT_ITEMS, "TransactWriteItems")
        request: dict[str, Any] = {"TransactItems": self.actions}
        if self.token:
            request["ClientRequestToken"] = self.token
        tables = list(dict.fromkeys(next(iter(a.values()))["TableName"] for a in self.actions))
        self.client.call("TransactWriteItems", request, tables)
