"""Query and Scan, on tables and on secondary indexes.

A Query reads one partition of the table or index in sort-key order through the sorted storage,
so it costs O(log n + k) for k items read; a Scan walks the partitions in token order. Both stop
at `Limit` items evaluated or once 1 MB has been read (counting items before the filter, as
DynamoDB documents), and hand back the key of the last item evaluated as LastEvaluatedKey.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from dynasim import errors
from dynasim.engine.capacity import READ_UNIT, Consumed, requested
from dynasim.engine.keys import key_attributes
from dynasim.engine.registry import Request, Response, operation
from dynasim.engine.touches import querying, scanning
from dynasim.engine.vectors.definitions import find as vector_index
from dynasim.expressions import Placeholders, legacy
from dynasim.expressions.ast import iter_paths
from dynasim.expressions.keys import Entry, KeyCondition, SortCondition, match_schema
from dynasim.storage.index import Index, partition_key
from dynasim.storage.ranges import EVERYTHING, SortRange, segment_bounds, token
from dynasim.storage.schema import KeySchema
from dynasim.storage.table import Table
from dynasim.values import Item, check_attribute_name, item_size, sort_key, validate_item

if TYPE_CHECKING:
    from dynasim.engine import Engine

PAGE_BYTES = 1024 * 1024
_SELECTS = ("ALL_ATTRIBUTES", "ALL_PROJECTED_ATTRIBUTES", "COUNT", "SPECIFIC_ATTRIBUTES")
# In the order DynamoDB lists them in its "Can not use both ..." message.
_LEGACY = {
    "Query": ("AttributesToGet", "QueryFilter", "ConditionalOperator", "KeyConditions"),
    "Scan": ("AttributesToGet", "ScanFilter", "ConditionalOperator"),
}
_EXPRESSIONS = {
    "Query": ("ProjectionExpression", "FilterExpression", "KeyConditionExpression"),
    "Scan": ("ProjectionExpression", "FilterExpression"),
}
# Legacy KeyConditions operators in their expression form; the others keep their names.
_LEGACY_OPERATORS = {"EQ": "=", "LE": "<=", "LT": "<", "GE": ">=", "GT": ">", "BEGINS_WITH": "begins_with"}


@dataclass
class ReadPlan:
    """What a Query or a Scan reads and how, worked out from a wire request (`plan_query`,
    `plan_scan`) or from a PartiQL SELECT: the table or index, the key range (a Query's key
    condition and direction, a Scan's segment), where to start, how many items to evaluate, the
    filter and projection, consistency and the capacity it is charged."""

    table: Table
    index: Index | None
    capacity: Consumed
    select: str  # ALL_ATTRIBUTES, ALL_PROJECTED_ATTRIBUTES, COUNT or SPECIFIC_ATTRIBUTES
    consistent: bool = False
    limit: int | None = None
    key_condition: KeyCondition | None = None  # a Query's
    forward: bool = True  # a Query's direction
    segment: tuple[int, int] | None = None  # a Scan's token range (None: all of them)
    start: Item | None = None  # the key of the last item evaluated before
    filter: Callable[[Item], bool] | None = None
    # PartiQL's WHERE sees the table's whole item behind an index entry, as DynamoDB Local does.
    filter_sees_table_item: bool = False
    projection: Callable[[Item], Item] | None = None
    projected_names: list[str] | None = None  # the attributes a projection names
    fetches: bool = field(init=False, default=False)  # a local index read fetches each item from the table

    def __post_init__(self) -> None:
        self.fetches = _fetches(self.index, self.select, self.projected_names)

    @property
    def schema(self) -> KeySchema:
        return self.index.settings.key_schema if self.index is not None else self.table.key_schema

    @property
    def is_global(self) -> bool:
        return self.index is not None and self.index.settings.kind == "GLOBAL"

    def key_names(self) -> tuple[str, ...]:
        """The attributes of a LastEvaluatedKey: the table's key, then the index's."""
        if self.index is None:
            return self.table.key_schema.names
        return self.index.key_names

    def visible(self, item: Item) -> Item:
        """The item as this read sees it: an index read sees the index's projection, unless it
        is a local index asked for more (DynamoDB then fetches from the table)."""
        if self.index is None or self.index.projected is None or self.fetches:
            return item
        return self.index.project(item)


def _fetches(index: Index | None, select: str, projected_names: list[str] | None) -> bool:
    """Whether a read of a local index reads each item from the table too: it asks for
    attributes the index does not project (Select=ALL_ATTRIBUTES, or a projection naming one)."""
    if index is None or index.settings.kind == "GLOBAL" or index.projected is None:
        return False
    if select == "ALL_ATTRIBUTES":
        return True
    return any(name not in index.projected for name in projected_names or ())


def default_select(index: Index | None) -> str:
    """What a read returns when it does not say: the index's projection, or the table's item."""
    return "ALL_PROJECTED_ATTRIBUTES" if index is not None else "ALL_ATTRIBUTES"


def check_key_values(condition: KeyCondition, plan_table: Table, index: Index | None) -> None:
    """A key condition compares no key attribute with an empty string or binary value."""
    schema = index.settings.key_schema if index is not None else plan_table.key_schema
    for name, value in condition.compared_values(schema):
        kind, payload = next(iter(value.items()))
        if kind in ("S", "B") and len(payload) == 0:
            if index is None or name in plan_table.key_schema.names:
                raise errors.key_empty_string(name) if kind == "S" else errors.key_empty_binary(name)
            raise errors.index_key_empty(index.name, name, "string" if kind == "S" else "binary")


# --- planning from a wire request ----------------------------------------------------------


class _RequestPlanner:
    """A Query or Scan request's checks, in DynamoDB's order, and the plan they make."""

    def __init__(self, engine: Engine, request: Request, operation: str) -> None:
        self.operation = operation
        self.table: Table = _target_table(engine, request, operation)
        self.index: Index | None = self._index(request.get("IndexName"))
        self.schema: KeySchema = self.index.settings.key_schema if self.index else self.table.key_schema
        self.consistent = bool(request.get("ConsistentRead", False))
        self.capacity = Consumed(self.table, requested(request))
        self.limit = request.get("Limit")
        if self.limit is not None and self.limit < 1:
            raise errors.read_limit_too_small()
        self._check_not_mixed(request, operation)
        self.select = self._select(request)
        if self.consistent and self.is_global:
            raise errors.consistent_read_on_global_index()
        self.placeholders = Placeholders(
            request,
            tuple(name for name in _EXPRESSIONS[operation] if request.get(name) is not None),
            "FilterExpression and KeyConditionExpression are null"
            if operation == "Query"
            else "FilterExpression is null",
        )
        self.key_condition = self._key_condition(request) if operation == "Query" else None
        self.filter = self._filter(request, operation)
        self.projected_names: list[str] | None = None  # the attributes a projection names
        self.projection = self._projection(request)
        self.placeholders.check_unused()
        self.placeholders.check_key_paths(*key_attributes(self.table))

    def plan(self, request: Request) -> ReadPlan:
        plan = ReadPlan(
            self.table,
            self.index,
            self.capacity,
            self.select,
            consistent=self.consistent,
            limit=self.limit,
            key_condition=self.key_condition,
            forward=request.get("ScanIndexForward", True) is not False,
            filter=self.filter,
            projection=self.projection,
            projected_names=self.projected_names,
        )
        plan.start = self._start_key(request, plan)
        return plan

    @property
    def is_global(self) -> bool:
        return self.index is not None and self.index.settings.kind == "GLOBAL"

    def _index(self, name: Any) -> Index | None:
        if name is None:
            return None
        index = self.table.indexes.get(name)
        if index is None:
            if vector_index(self.table, name) is not None:
                raise errors.vector_index_not_readable(self.operation)
            raise errors.index_not_found(name)
        return index

    def _check_not_mixed(self, request: Request, operation: str) -> None:
        old = [name for name in _LEGACY[operation] if request.get(name) is not None]
        if request.get("KeyConditionExpression") is None and "KeyConditions" in old:
            old.remove("KeyConditions")  # KeyConditions goes with a filter or projection expression
        new = [name for name in _EXPRESSIONS[operation] if request.get(name) is not None]
        if old and new:
            raise errors.legacy_and_expression(", ".join(old), ", ".join(new))

    def _select(self, request: Request) -> str:
        select = request.get("Select")
        projected = request.get("ProjectionExpression") is not None
        to_get = request.get("AttributesToGet") is not None
        if select is None:
            return "SPECIFIC_ATTRIBUTES" if projected or to_get else default_select(self.index)
        if select not in _SELECTS:
            raise errors.select_invalid()
        if select == "SPECIFIC_ATTRIBUTES":
            if not (projected or to_get):
                raise errors.select_specific_without_projection()
        elif projected or to_get:
            raise errors.select_with_projection(select, "ProjectionExpression" if projected else "AttributesToGet")
        if select == "ALL_PROJECTED_ATTRIBUTES" and self.index is None:
            raise errors.select_all_projected_without_index()
        if select == "ALL_ATTRIBUTES" and self.is_global and self.index.projected is not None:  # type: ignore[union-attr]
            raise errors.select_all_on_global_index(self.index.name)  # type: ignore[union-attr]
        return select

    def _key_condition(self, request: Request) -> KeyCondition:
        text = request.get("KeyConditionExpression")
        if text is not None:
            condition = self.placeholders.key_condition(text, self.schema)
        elif request.get("KeyConditions") is not None:
            condition = _legacy_key_condition(request["KeyConditions"], self.schema)
        else:
            raise errors.key_condition_missing()
        check_key_values(condition, self.table, self.index)
        return condition

    def _filter(self, request: Request, operation: str) -> Callable[[Item], bool] | None:
        text = request.get("FilterExpression")
        if text is not None:
            bound = self.placeholders.condition(text, "FilterExpression")
            if operation == "Query":
                paths = [path.resolve(self.placeholders.names) for path in iter_paths(bound.root)]
                for path in paths:
                    if path[0] in self.schema.names and len(path) > 1:
                        raise errors.key_attribute_not_scalar(path[0])
                used = {path[0] for path in paths}
                for name in self.schema.names:
                    if name in used:
                        raise errors.filter_on_key(name)
            return bound.matches
        legacy_filter = request.get("QueryFilter" if operation == "Query" else "ScanFilter")
        if legacy_filter is not None:
            if operation == "Query":
                for name in self.schema.names:
                    if name in legacy_filter:
                        raise errors.query_filter_on_key(name)
            return legacy.item_filter(legacy_filter, request.get("ConditionalOperator"))
        if request.get("ConditionalOperator") is not None:
            raise errors.conditional_operator_alone()
        return None

    def _projection(self, request: Request) -> Callable[[Item], Item] | None:
        text = request.get("ProjectionExpression")
        names: list[str]
        if text is not None:
            bound = self.placeholders.projection(text)
            names = list(bound.tree)
            project: Callable[[Item], Item] = bound.apply
        elif request.get("AttributesToGet") is not None:
            names = list(request["AttributesToGet"])
            project = legacy.attributes_to_get(names)
        else:
            return None
        self.projected_names = names
        if self.is_global and self.index.projected is not None:  # type: ignore[union-attr]
            missing = [name for name in dict.fromkeys(names) if name not in self.index.projected]  # type: ignore[union-attr]
            if missing:
                raise errors.attributes_not_projected(self.index.name, missing)  # type: ignore[union-attr]
        return project

    def _start_key(self, request: Request, plan: ReadPlan) -> Item | None:
        start = request.get("ExclusiveStartKey")
        if start is None:
            return None
        if not start:
            raise errors.start_key_invalid()
        validate_item(start)
        names = plan.key_names()
        if set(start) != set(names):
            if self.is_global or len(start) == len(names):
                raise errors.start_key_invalid()
            raise errors.start_key_size()
        types = {**self.table.key_schema.types, **self.schema.types}
        for name in names:
            if next(iter(start[name])) != types[name]:
                raise errors.start_key_type_mismatch()
        return start


def plan_query(engine: Engine, request: Request) -> ReadPlan:
    return _RequestPlanner(engine, request, "Query").plan(request)


def plan_scan(engine: Engine, request: Request) -> ReadPlan:
    segment = _segment(request)
    plan = _RequestPlanner(engine, request, "Scan").plan(request)
    plan.segment = segment
    return plan


# --- running a plan ------------------------------------------------------------------------


def _read(plan: ReadPlan, found: Iterator[tuple[Item, int]], charges_fetches: bool) -> Response:
    """Evaluate the items found, in order, until the plan's Limit or a page of 1 MB. The table
    reads of a local index's fetches are charged as documented for Query (`charges_fetches`);
    what a Scan of a local index is charged for them is not (DynamoDB Local charges nothing)."""
    items: list[Item] = []
    scanned = read_bytes = 0
    last: Item | None = None
    index = plan.index
    fetched_bytes = 0
    for item, size in found:
        scanned += 1
        # An index read counts (for the 1 MB page and for capacity) the index entries it reads;
        # a fetch from the table, each whole item read, rounded up to 4 KB on its own.
        read_bytes += size if index is None or index.projected is None else item_size(index.project(item))
        if charges_fetches:
            plan.capacity.fetch(size, plan.consistent)
            fetched_bytes += -(-size // READ_UNIT) * READ_UNIT
        view = plan.visible(item)
        if plan.filter is None or plan.filter(item if plan.filter_sees_table_item else view):
            items.append(view if plan.projection is None else plan.projection(view))
        if scanned == plan.limit or read_bytes + fetched_bytes >= PAGE_BYTES:
            last = item
            break
    plan.capacity.read(read_bytes, plan.consistent, index)
    response: Response = {"Count": len(items), "ScannedCount": scanned}
    if plan.select != "COUNT":
        response["Items"] = items
    if last is not None:
        response["LastEvaluatedKey"] = {name: last[name] for name in plan.key_names()}
    return plan.capacity.add_to(response)


def _target_table(engine: Engine, request: Request, operation: str) -> Table:
    """The table read. Some of the request's own checks come before DynamoDB looks the table up, so
    on a missing table they are run first: a Query's KeyConditionExpression (its operands, in the
    order written) and a legacy QueryFilter or ScanFilter with its ConditionalOperator
    (paritysuite/dynamodb-conformance tests/tier3/validation-ordering/queryKeyCondition.test.ts and
    deepRequests.test.ts, live service 2026)."""
    try:
        return engine.table(request["TableName"])  # required: the model's check came first
    except errors.DynamoDBError:
        text = request.get("KeyConditionExpression")
        if operation == "Query" and text is not None:
            present = tuple(name for name in _EXPRESSIONS[operation] if request.get(name) is not None)
            Placeholders(request, present, "FilterExpression and KeyConditionExpression are null").condition(
                text, "KeyConditionExpression"
            )
        legacy_filter = request.get("QueryFilter" if operation == "Query" else "ScanFilter")
        if legacy_filter is not None:
            legacy.item_filter(legacy_filter, request.get("ConditionalOperator"))
        raise


def _legacy_key_condition(conditions: dict[str, Any], schema: KeySchema) -> KeyCondition:
    """KeyConditions, checked in DynamoDB's order: each condition on its own, then the number
    of conditions, then each against the key schema."""
    if not conditions:
        raise errors.key_conditions_count()
    for name, condition in conditions.items():
        values = condition.get("AttributeValueList") or []
        for value in values:
            validate_item({"v": value})
        legacy.check_arguments(condition.get("ComparisonOperator"), values)
        check_attribute_name(name)
    if len(conditions) > max(2, len(schema.names)):
        raise errors.key_conditions_count()
    entries: list[Entry] = []
    for name, condition in conditions.items():
        operator = condition["ComparisonOperator"]
        values = tuple(condition.get("AttributeValueList") or ())
        entries.append((name, _LEGACY_OPERATORS.get(operator, operator), values))
    return match_schema(entries, schema)


def sort_range(sort: SortCondition | None) -> SortRange:
    """The bounds a sort-key condition puts on the sort key."""
    if sort is None:
        return EVERYTHING
    keys = [sort_key(*next(iter(value.items()))) for value in sort.values]
    if sort.op == "=":
        return SortRange(keys[0], True, keys[0], True)
    if sort.op == "<":
        return SortRange(None, True, keys[0], False)
    if sort.op == "<=":
        return SortRange(None, True, keys[0], True)
    if sort.op == ">":
        return SortRange(keys[0], False, None, True)
    if sort.op == ">=":
        return SortRange(keys[0], True, None, True)
    if sort.op == "BETWEEN":
        return SortRange(keys[0], True, keys[1], True)
    return SortRange.prefix(keys[0])  # begins_with


def _key_value(item: Item, name: str | None) -> Any:
    if name is None:
        return None
    return sort_key(*next(iter(item[name].items())))


def _key_values(item: Item, attributes: tuple[tuple[str, str], ...]) -> tuple[Any, ...]:
    return tuple(_key_value(item, name) for name, _ in attributes)


def _table_entry(table: Table, table_hash: Any, table_range: Any) -> tuple[Item, int]:
    entry = table.entry(table_hash, table_range)
    assert entry is not None, "an index entry always has its item"
    return entry


@operation("Query", access="read", finds=querying)
def query(engine: Engine, request: Request) -> Response:
    return run_query(plan_query(engine, request))


def run_query(plan: ReadPlan) -> Response:
    """Read one partition of the table or index, within the plan's key condition."""
    start = plan.start
    condition = plan.key_condition
    assert condition is not None
    schema = plan.schema
    hash_key = partition_key(tuple(sort_key(*next(iter(value.items()))) for value in condition.hash_values))
    prefix = tuple(sort_key(*next(iter(value.items()))) for value in condition.equal)
    bounds = sort_range(condition.sort)
    if start is not None and not _within(start, schema, hash_key, prefix, bounds):
        raise errors.start_key_outside_condition()
    table = plan.table
    if plan.index is None:
        after = _key_value(start, schema.range_name) if start is not None else None
        found = (entry for _, entry in table.query(hash_key, bounds, plan.forward, after))
        return _read(plan, found, plan.fetches)
    index = plan.index
    after_entry = _index_entry(plan, start) if start is not None else None
    entries = index.query(hash_key, bounds, plan.forward, after_entry, prefix)
    return _read(plan, (_table_entry(table, *entry[-2:]) for entry in entries), plan.fetches)


def _within(start: Item, schema: KeySchema, hash_key: Any, prefix: tuple[Any, ...], bounds: SortRange) -> bool:
    """Whether an ExclusiveStartKey lies within what the key condition selects."""
    if partition_key(_key_values(start, schema.hash_attributes)) != hash_key:
        return False
    sort_values = _key_values(start, schema.range_attributes)
    if sort_values[: len(prefix)] != prefix:
        return False
    return len(sort_values) == len(prefix) or bounds.contains(sort_values[len(prefix)])


def _index_entry(plan: ReadPlan, start: Item) -> tuple[Any, ...]:
    index = plan.index
    assert index is not None
    table_schema = plan.table.key_schema
    table_keys = (_key_value(start, table_schema.hash_name), _key_value(start, table_schema.range_name))
    return (*_key_values(start, index.range_attributes), *table_keys)


def _segment(request: Request) -> tuple[int, int] | None:
    segment, total = request.get("Segment"), request.get("TotalSegments")
    if segment is None and total is None:
        return None
    if total is None:
        raise errors.segment_without_total()
    if segment is None:
        raise errors.total_without_segment()
    if segment >= total:  # each on its own is in range: checked by the model's constraints
        raise errors.segment_out_of_range(segment, total)
    return segment_bounds(segment, total)


@operation("Scan", access="read", finds=scanning)
def scan(engine: Engine, request: Request) -> Response:
    return run_scan(plan_scan(engine, request))


def run_scan(plan: ReadPlan) -> Response:
    """Walk the table's or index's partitions in token order, within the plan's segment."""
    start = plan.start
    low, high = plan.segment if plan.segment is not None else segment_bounds(0, 1)
    table = plan.table
    index = plan.index
    start_partition = partition_key(_key_values(start, plan.schema.hash_attributes)) if start is not None else None
    if start is not None and not low <= token(start_partition) < high:
        raise errors.start_key_outside_segment()
    if index is None:
        position = None
        if start is not None:
            position = (start_partition, _key_value(start, table.key_schema.range_name))
        found = (entry for _, (_, entry) in table.scan(low, high, position))
        return _read(plan, found, False)
    index_position = None
    if start is not None:
        index_position = (start_partition, _index_entry(plan, start))
    entries = index.scan(low, high, index_position)
    return _read(plan, (_table_entry(table, *entry[-2:]) for _, entry in entries), False)
