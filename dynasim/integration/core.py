"""The high-level client's logic that does no I/O, shared by its drivers: the value types, the
request of each operation, the interpretation of each answer (errors typed, items mapped,
unprocessed entries found), and the retry decisions (is it retryable, how long to wait, when the
attempts have run out) with the circuit breaker, metrics and span they keep.

A driver sends the requests built here, sleeps the delays decided here, and loops."""

from __future__ import annotations

import numbers
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any, Protocol, TypeVar

from botocore.exceptions import ClientError, ConnectionError, HTTPClientError, ParamValidationError

from dynasim.integration.config import DynamoDbConfig
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
from dynasim.integration.resilience import CircuitBreaker, MetricsSink

MAX_BATCH_GET_ITEMS = 100
MAX_BATCH_WRITE_ITEMS = 25
MAX_TRANSACT_ITEMS = 100
MAX_ITEM_SIZE_BYTES = 400 * 1024
MAX_QUERY_RESPONSE_SIZE = 1024 * 1024  # a Query or Scan page stops at 1 MB of items read

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
    "SearchVectors": "search_vectors",
}


def method_name(operation: str) -> str:
    """The boto3 client's method for a DynamoDB operation."""
    return _SNAKE.get(operation) or operation


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


@dataclass(frozen=True)
class SearchResult:
    """One item SearchVectors found, and its score: a distance for COSINE (0 to 2) and EUCLIDEAN
    indexes, smallest first; a similarity for DOT_PRODUCT, largest first."""

    item: Any
    score: float


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


class TableSchema(Protocol):
    """What a request needs of a table: its name and its key attributes."""

    @property
    def name(self) -> str: ...

    @property
    def pk_name(self) -> str: ...

    @property
    def sk_name(self) -> str | None: ...


@dataclass(frozen=True)
class NamedTable:
    """A table given by name only: its keys are PK / SK."""

    name: str
    pk_name: str = "PK"
    sk_name: str | None = "SK"


def table_schema(table: TableSchema | str) -> TableSchema:
    return NamedTable(table) if isinstance(table, str) else table


def key_map(table: TableSchema, key: Key | Mapping[str, Any]) -> dict[str, Any]:
    """A key in wire form: a Key by the table's key schema, a mapping as it is."""
    if isinstance(key, Key):
        return key.to_key_map(table.pk_name, table.sk_name)
    return {name: to_attribute_value(value) for name, value in key.items()}


def check_count(count: int, limit: int, operation: str) -> None:
    if count > limit:
        raise TooManyItemsError(count, limit, operation)


def chunks(entries: list[dict[str, Any]], size: int) -> Iterator[list[dict[str, Any]]]:
    for start in range(0, len(entries), size):
        yield entries[start : start + size]


def _projection(paths: Iterable[Path]) -> tuple[str, dict[str, str]]:
    ph = Placeholders("p")
    return ", ".join(ph.path(p) for p in paths), ph.names


def _condition(
    request: dict[str, Any], condition: str | None, names: Any, values: Any, return_item: bool = False
) -> None:
    if condition is not None:
        request["ConditionExpression"] = condition
        if return_item:
            request["ReturnValuesOnConditionCheckFailure"] = "ALL_OLD"
    if condition is not None or names or values:
        merge_expression_attributes(request, names, values)


def _attributes(response: dict[str, Any], as_type: Any) -> Any:
    attributes = response.get("Attributes")
    return from_item(attributes, as_type) if attributes else None


# --- single items ----------------------------------------------------------------------------------


def get_item_request(table: TableSchema, key: Key, options: GetItemOptions | None) -> dict[str, Any]:
    options = options or GetItemOptions()
    request: dict[str, Any] = {"TableName": table.name, "Key": key_map(table, key)}
    if options.consistent_read:
        request["ConsistentRead"] = True
    if options.projection:
        request["ProjectionExpression"], request["ExpressionAttributeNames"] = _projection(options.projection)
    return request


def get_item_result(response: dict[str, Any], as_type: Any) -> Any:
    item = response.get("Item")
    return from_item(item, as_type) if item is not None else None


def put_item_request(table: TableSchema, item: Any, options: PutItemOptions | None) -> dict[str, Any]:
    options = options or PutItemOptions()
    request: dict[str, Any] = {"TableName": table.name, "Item": to_item(item)}
    condition = options.condition
    names = dict(options.names or {})
    if options.only_if_new:
        names["#ifnewpk"] = table.pk_name
        condition = "attribute_not_exists(#ifnewpk)" + (f" AND ({condition})" if condition else "")
    _condition(request, condition, names, options.values, options.return_item_on_condition_failure)
    if options.return_old_values:
        request["ReturnValues"] = "ALL_OLD"
    return request


def put_item_result(response: dict[str, Any], as_type: Any) -> PutItemOutput:
    return PutItemOutput(_attributes(response, as_type))


def update_item_request(
    table: TableSchema, key: Key, update: UpdateExpression, options: UpdateItemOptions | None
) -> dict[str, Any]:
    options = options or UpdateItemOptions()
    request: dict[str, Any] = {
        "TableName": table.name,
        "Key": key_map(table, key),
        "UpdateExpression": update.expression,
    }
    merge_expression_attributes(request, update.names, wire_values=update.values)
    _condition(request, options.condition, options.names, options.values, options.return_item_on_condition_failure)
    if options.return_values != "NONE":
        request["ReturnValues"] = options.return_values
    return request


def update_item_result(response: dict[str, Any], as_type: Any) -> UpdateItemOutput:
    return UpdateItemOutput(_attributes(response, as_type))


def delete_item_request(table: TableSchema, key: Key, options: DeleteItemOptions | None) -> dict[str, Any]:
    options = options or DeleteItemOptions()
    request: dict[str, Any] = {"TableName": table.name, "Key": key_map(table, key)}
    _condition(request, options.condition, options.names, options.values, options.return_item_on_condition_failure)
    if options.return_old_values:
        request["ReturnValues"] = "ALL_OLD"
    return request


def delete_item_result(response: dict[str, Any], as_type: Any) -> DeleteItemOutput:
    return DeleteItemOutput(_attributes(response, as_type))


# --- queries and scans -----------------------------------------------------------------------------


def scan_request(
    table: TableSchema,
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
) -> dict[str, Any]:
    request: dict[str, Any] = {"TableName": table.name}
    if index:
        request["IndexName"] = index
    if projection:
        expression, projection_names = _projection(projection)
        request["ProjectionExpression"] = expression
        merge_expression_attributes(request, projection_names)
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
    return request


def check_total_segments(total_segments: int) -> None:
    if total_segments < 1:
        raise ValidationError("total_segments must be at least 1", code="Validation")


def page_request(request: dict[str, Any], start: dict[str, Any] | None) -> dict[str, Any]:
    """One page of a Query or Scan: the request, from `start` when there is one."""
    page = dict(request)
    if start:
        page["ExclusiveStartKey"] = start
    return page


def page_result(response: dict[str, Any], as_type: Any) -> QueryResult:
    """A page; its `last_evaluated_key` is None (or empty) on the last one."""
    return QueryResult(
        [from_item(i, as_type) for i in response.get("Items", [])],
        response.get("LastEvaluatedKey"),
        response.get("Count", 0),
        response.get("ScannedCount", 0),
    )


Builder = TypeVar("Builder", bound="QueryBuilderCore")


class QueryBuilderCore:
    """A Query's parts, set step by step, and `build()`, its request; drivers add the sending."""

    def __init__(self, table: TableSchema) -> None:
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

    def partition_key(self: Builder, value: Any) -> Builder:
        self._pk, self._has_pk = value, True
        return self

    def _sort(self: Builder, op: str, *values: Any) -> Builder:
        self._sk = (op, values)
        return self

    def sort_key_equals(self: Builder, value: Any) -> Builder:
        return self._sort("=", value)

    def sort_key_lt(self: Builder, value: Any) -> Builder:
        return self._sort("<", value)

    def sort_key_le(self: Builder, value: Any) -> Builder:
        return self._sort("<=", value)

    def sort_key_gt(self: Builder, value: Any) -> Builder:
        return self._sort(">", value)

    def sort_key_ge(self: Builder, value: Any) -> Builder:
        return self._sort(">=", value)

    def sort_key_begins_with(self: Builder, prefix: Any) -> Builder:
        return self._sort("begins_with", prefix)

    def sort_key_between(self: Builder, low: Any, high: Any) -> Builder:
        return self._sort("between", low, high)

    def index(self: Builder, name: str, partition_key: str, sort_key: str | None = None) -> Builder:
        """Query the index `name`, whose key attributes are `partition_key` and `sort_key`."""
        self._index, self._key_names = name, (partition_key, sort_key)
        return self

    def filter(
        self: Builder,
        expression: str,
        *,
        names: Mapping[str, str] | None = None,
        values: Mapping[str, Any] | None = None,
    ) -> Builder:
        self._filter = (expression, names, values)
        return self

    def projection(self: Builder, *paths: Path) -> Builder:
        self._projection = paths
        return self

    def limit(self: Builder, limit: int) -> Builder:
        self._limit = limit
        return self

    def descending(self: Builder) -> Builder:
        self._forward = False
        return self

    def consistent_read(self: Builder, consistent: bool = True) -> Builder:
        self._consistent = consistent
        return self

    def start_from(self: Builder, last_evaluated_key: dict[str, Any] | None) -> Builder:
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
            expression, projection_names = _projection(self._projection)
            request["ProjectionExpression"] = expression
            merge_expression_attributes(request, projection_names)
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


# --- vector search ---------------------------------------------------------------------------------


def search_vector(vector: Iterable[Any]) -> list[dict[str, Any]]:
    """A vector of plain numbers (ints, floats, Decimals, numpy's floats) as `SearchVector` takes it:
    `[{"N": "0.25"}, ...]`. A float is written as the shortest text that reads back as it, so a
    float32 component keeps its exact value."""
    components = []
    for number in vector:
        if isinstance(number, bool) or not isinstance(number, (numbers.Real, Decimal)):
            raise ValidationError(f"a vector holds numbers, not {number!r}", code="Validation")
        exact = number if isinstance(number, (int, Decimal)) else float(number)
        components.append(to_attribute_value(exact))
    return components


def search_vectors_request(
    table: TableSchema,
    index: str,
    vector: Iterable[Any],
    top_k: int,
    *,
    partition: Mapping[str, Any] | None = None,
    condition: str | None = None,
    names: Mapping[str, str] | None = None,
    values: Mapping[str, Any] | None = None,
    projection: Sequence[Path] | None = None,
) -> dict[str, Any]:
    """SearchVectors on the vector index `index`: the `top_k` nearest items to `vector`.
    `partition` ({attribute: value}) names the search partition of an index whose search schema
    has HASH attributes, and is joined with `condition` (over its INLINE_FILTER attributes, with
    `names` and `values`) into the SearchConditionExpression."""
    request: dict[str, Any] = {
        "TableName": table.name,
        "IndexName": index,
        "SearchVector": search_vector(vector),
        "TopK": top_k,
    }
    ph = Placeholders("s")
    clauses = [f"{ph.name(name)} = {ph.value(value)}" for name, value in (partition or {}).items()]
    if condition:
        clauses.append(f"({condition})" if clauses else condition)
    if clauses:
        request["SearchConditionExpression"] = " AND ".join(clauses)
    if projection:
        expression, projection_names = _projection(projection)
        request["ProjectionExpression"] = expression
        merge_expression_attributes(request, projection_names)
    merge_expression_attributes(request, ph.names, wire_values=ph.values)
    if condition or names or values:
        merge_expression_attributes(request, names, values)
    return request


def search_vectors_result(response: dict[str, Any], as_type: Any) -> list[SearchResult]:
    """The items found, best first, each with its score."""
    return [
        SearchResult(from_item(found.get("Item") or {}, as_type), float(found["Score"]))
        for found in response.get("SearchResults", [])
    ]


# --- transactions ----------------------------------------------------------------------------------

Transaction = TypeVar("Transaction", bound="TransactionBuilderCore")


class TransactionBuilderCore:
    """TransactWriteItems, built action by action. Tables are TableClients (their key schema is
    used for keys) or names (keys PK / SK). Every condition takes `names=` and `values=`."""

    def __init__(self) -> None:
        self.actions: list[dict[str, Any]] = []
        self.token: str | None = None

    def _action(
        self: Transaction, kind: str, body: dict[str, Any], condition: str | None, names: Any, values: Any
    ) -> Transaction:
        if condition is not None:
            body["ConditionExpression"] = condition
        if condition is not None or names or values:
            merge_expression_attributes(body, names, values)
        self.actions.append({kind: body})
        return self

    def put(
        self: Transaction,
        table: TableSchema | str,
        item: Any,
        condition: str | None = None,
        *,
        names: Mapping[str, str] | None = None,
        values: Mapping[str, Any] | None = None,
    ) -> Transaction:
        t = table_schema(table)
        return self._action("Put", {"TableName": t.name, "Item": to_item(item)}, condition, names, values)

    def put_with_condition(
        self: Transaction,
        table: TableSchema | str,
        item: Any,
        condition: str,
        *,
        names: Mapping[str, str] | None = None,
        values: Mapping[str, Any] | None = None,
    ) -> Transaction:
        return self.put(table, item, condition, names=names, values=values)

    def update(
        self: Transaction,
        table: TableSchema | str,
        key: Key,
        update: UpdateExpression,
        condition: str | None = None,
        *,
        names: Mapping[str, str] | None = None,
        values: Mapping[str, Any] | None = None,
    ) -> Transaction:
        t = table_schema(table)
        body: dict[str, Any] = {"TableName": t.name, "Key": key_map(t, key), "UpdateExpression": update.expression}
        merge_expression_attributes(body, update.names, wire_values=update.values)
        return self._action("Update", body, condition, names, values)

    def delete(
        self: Transaction,
        table: TableSchema | str,
        key: Key,
        condition: str | None = None,
        *,
        names: Mapping[str, str] | None = None,
        values: Mapping[str, Any] | None = None,
    ) -> Transaction:
        t = table_schema(table)
        return self._action("Delete", {"TableName": t.name, "Key": key_map(t, key)}, condition, names, values)

    def condition_check(
        self: Transaction,
        table: TableSchema | str,
        key: Key,
        condition: str,
        *,
        names: Mapping[str, str] | None = None,
        values: Mapping[str, Any] | None = None,
    ) -> Transaction:
        t = table_schema(table)
        return self._action("ConditionCheck", {"TableName": t.name, "Key": key_map(t, key)}, condition, names, values)

    def idempotency_token(self: Transaction, token: str) -> Transaction:
        self.token = token
        return self

    def request(self) -> tuple[dict[str, Any], list[str]] | None:
        """The TransactWriteItems request and its tables; None when there is nothing to do."""
        if not self.actions:
            return None
        check_count(len(self.actions), MAX_TRANSACT_ITEMS, "TransactWriteItems")
        request: dict[str, Any] = {"TransactItems": self.actions}
        if self.token:
            request["ClientRequestToken"] = self.token
        return request, list(dict.fromkeys(next(iter(a.values()))["TableName"] for a in self.actions))


def transact_get_request(gets: Sequence[TransactGet]) -> tuple[dict[str, Any], list[str]] | None:
    """The TransactGetItems request and its tables; None when there is nothing to read."""
    if not gets:
        return None
    check_count(len(gets), MAX_TRANSACT_ITEMS, "TransactGetItems")
    items = []
    for g in gets:
        table = table_schema(g.table)
        get: dict[str, Any] = {"TableName": table.name, "Key": key_map(table, g.key)}
        if g.projection:
            get["ProjectionExpression"], get["ExpressionAttributeNames"] = _projection(g.projection)
        items.append({"Get": get})
    return {"TransactItems": items}, list(dict.fromkeys(i["Get"]["TableName"] for i in items))


def transact_get_result(response: dict[str, Any], gets: Sequence[TransactGet]) -> list[Any]:
    return [
        from_item(r["Item"], g.as_type) if r.get("Item") else None
        for r, g in zip(response.get("Responses", []), gets, strict=False)
    ]


# --- batches ---------------------------------------------------------------------------------------


def batch_get_request(
    table: TableSchema, keys: list[dict[str, Any]], consistent_read: bool, projection: Sequence[Path] | None
) -> dict[str, Any]:
    entry: dict[str, Any] = {"Keys": keys}
    if consistent_read:
        entry["ConsistentRead"] = True
    if projection:
        # the key attributes are always returned, so unprocessed keys and results can be matched
        paths = list(projection) + [n for n in (table.pk_name, table.sk_name) if n and n not in projection]
        entry["ProjectionExpression"], entry["ExpressionAttributeNames"] = _projection(paths)
    return {"RequestItems": {table.name: entry}}


def write_request(table: TableSchema, op: PutRequest | DeleteRequest) -> dict[str, Any]:
    if isinstance(op, PutRequest):
        return {"PutRequest": {"Item": to_item(op.item)}}
    if isinstance(op, DeleteRequest):
        return {"DeleteRequest": {"Key": key_map(table, op.key)}}
    raise ValidationError(f"expected a PutRequest or DeleteRequest, not {op!r}", code="Validation")


def batch_write_request(table: TableSchema, requests: list[dict[str, Any]]) -> dict[str, Any]:
    return {"RequestItems": {table.name: requests}}


# --- the one path every request takes --------------------------------------------------------------


class ClientCore:
    """The state a client keeps across its calls (configuration, circuit breaker, metrics, the
    rng of its delays) and the decisions taken on them; the driver does the sending and sleeping."""

    def __init__(
        self, config: DynamoDbConfig, breaker: CircuitBreaker, metrics: MetricsSink, rng: Callable[[], float]
    ) -> None:
        self.config = config
        self.circuit_breaker = breaker
        self.metrics = metrics
        self.rng = rng

    def call(self, operation: str, request: dict[str, Any], tables: Sequence[str] = ()) -> Call:
        request.setdefault("ReturnConsumedCapacity", "TOTAL")
        return Call(self, operation, list(tables))

    def backoff_delay(self, retry: int) -> float:
        """The delay before retry `retry` (1-based) of unprocessed batch entries."""
        self.metrics.increment("dynamodb.retries", 1, {"operation": "batch", "table": ""})
        return self.config.retry.delay(retry, None, self.rng)

    def batch_retry_delay(self, retry: int, pending: list[dict[str, Any]], operation: str) -> float:
        """The delay before retrying the `pending` entries after `retry` retries;
        BatchIncompleteError when the attempts have run out."""
        if retry >= self.config.retry.max_attempts:
            noun = "keys" if operation == "BatchGetItem" else "writes"
            raise BatchIncompleteError(
                f"{len(pending)} {noun} still unprocessed after {retry} retries",
                code="BatchIncomplete",
                operation=operation,
                unprocessed=pending,
            )
        return self.backoff_delay(retry + 1)

    def batch_rounds(self, pending: list[dict[str, Any]], operation: str) -> BatchRounds:
        return BatchRounds(self, pending, operation)

    def _unprocessed(self, operation: str, table: str, unprocessed: list[dict[str, Any]]) -> None:
        if unprocessed:
            self.metrics.increment(
                "dynamodb.unprocessed_items", len(unprocessed), {"operation": operation, "table": table}
            )

    def batch_get_result(self, table: TableSchema, response: dict[str, Any], as_type: Any) -> BatchGetResult:
        items = [from_item(i, as_type) for i in response.get("Responses", {}).get(table.name, [])]
        unprocessed = response.get("UnprocessedKeys", {}).get(table.name, {}).get("Keys", [])
        self._unprocessed("BatchGetItem", table.name, unprocessed)
        return BatchGetResult(items, unprocessed)

    def batch_write_result(
        self, table: TableSchema, requests: list[dict[str, Any]], response: dict[str, Any]
    ) -> BatchWriteResult:
        unprocessed = response.get("UnprocessedItems", {}).get(table.name, [])
        self._unprocessed("BatchWriteItem", table.name, unprocessed)
        return BatchWriteResult(len(requests) - len(unprocessed), unprocessed)


class Call:
    """One request's way through the circuit breaker, its attempts, their metrics and its span.
    The driver: `before()`, then per attempt either `succeeded(response, seconds)`, or
    `typed_error(exc)` (None: re-raise `exc`) and `retry_delay(error, seconds)`, which raises
    the error when it is not to be retried."""

    def __init__(self, core: ClientCore, operation: str, tables: list[str]) -> None:
        self.core = core
        self.operation = operation
        self.method = method_name(operation)
        self.tags = {"operation": operation, "table": ",".join(tables)}
        self.span_name = f"dynamodb.{self.method}"
        self.span_attributes: dict[str, Any] = {
            "db.system": "dynamodb",
            "db.operation": operation,
            "aws.dynamodb.table_names": tables,
        }
        self.retry = 0

    def before(self) -> None:
        self.core.circuit_breaker.before_call(self.operation)

    def _attempted(self, seconds: float) -> None:
        self.core.metrics.observe("dynamodb.latency", seconds, self.tags)
        self.core.metrics.increment("dynamodb.requests", 1, self.tags)

    def succeeded(self, response: dict[str, Any], seconds: float) -> dict[str, Any]:
        self._attempted(seconds)
        consumed = response.get("ConsumedCapacity")
        for entry in (consumed if isinstance(consumed, list) else [consumed]) if consumed else []:
            units = entry.get("CapacityUnits")
            if units is not None:
                self.core.metrics.increment("dynamodb.consumed_capacity", units, {"table": entry.get("TableName", "")})
        self.core.circuit_breaker.record_success()
        return response

    def typed_error(self, exc: BaseException) -> DynamoDbError | None:
        """The client's error for what the attempt raised; None for anything else (cancellation,
        a bug), which says nothing of the service's health and is raised as it is."""
        if isinstance(exc, ClientError):
            return from_client_error(exc, self.operation)
        if isinstance(exc, (ConnectionError, HTTPClientError)):
            return TransportError(str(exc), code=type(exc).__name__, operation=self.operation)
        if isinstance(exc, ParamValidationError):
            return ValidationError(str(exc), code="ParamValidation", operation=self.operation)
        self.core.circuit_breaker.record_neutral()
        return None

    def retry_delay(self, error: DynamoDbError, seconds: float) -> float:
        """The delay before the next attempt; raises `error` when it is not retryable or the
        attempts have run out."""
        self._attempted(seconds)
        self.core.metrics.increment("dynamodb.errors", 1, {**self.tags, "code": error.code or ""})
        if not error.retryable:
            self.core.circuit_breaker.record_neutral()
            raise error
        if self.retry >= self.core.config.retry.max_attempts:
            self.core.circuit_breaker.record_failure()
            raise error
        self.retry += 1
        self.core.metrics.increment("dynamodb.retries", 1, self.tags)
        return self.core.config.retry.delay(self.retry, error, self.core.rng)


class BatchRounds:
    """The rounds of a batch helper that retries unprocessed entries: each round sends `chunks()`,
    then `after(left)` takes the entries left unprocessed and gives the delay before the next round
    (None: all done), raising BatchIncompleteError when the retry attempts have run out."""

    def __init__(self, core: ClientCore, pending: list[dict[str, Any]], operation: str) -> None:
        self.core = core
        self.pending = pending
        self.operation = operation
        self.size = MAX_BATCH_GET_ITEMS if operation == "BatchGetItem" else MAX_BATCH_WRITE_ITEMS
        self.retry = 0

    def chunks(self) -> list[list[dict[str, Any]]]:
        return list(chunks(self.pending, self.size))

    def after(self, left: list[dict[str, Any]]) -> float | None:
        self.pending = left
        if not left:
            return None
        delay = self.core.batch_retry_delay(self.retry, left, self.operation)
        self.retry += 1
        return delay
