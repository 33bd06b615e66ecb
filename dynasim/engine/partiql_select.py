"""PartiQL's SELECT: planned from the statement, run as a Query or a Scan.

A SELECT whose WHERE fixes the partition key of its table or index (and puts conditions a Query
takes on its sort key) reads that partition, as Query does; any other reads every partition, as
Scan does. Either way the statement hands the engine a `ReadPlan`, with its WHERE as the filter
(seeing the table's whole item, as DynamoDB Local's does behind an index entry) and its columns
as the projection. A page that stops early gives a NextToken, remembered with the statement.
"""

from __future__ import annotations

import copy
import uuid
from collections import OrderedDict
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from dynasim import errors
from dynasim.engine.capacity import Consumed, requested
from dynasim.engine.features import Feature, register
from dynasim.engine.reads import ReadPlan, check_key_values, default_select, run_query, run_scan
from dynasim.engine.registry import Request, Response
from dynasim.expressions.conditions import check_condition
from dynasim.expressions.keys import KeyCondition, key_condition
from dynasim.partiql.ast import Between, Call, Compare, Or, Path, Select, operands
from dynasim.partiql.expressions import StatementExpressions, conjuncts, equalities, is_value, resolve
from dynasim.storage.schema import KeySchema
from dynasim.values import AttributeValue, Item, sort_key, type_of

if TYPE_CHECKING:
    from dynasim.engine import Engine
    from dynasim.storage.index import Index
    from dynasim.storage.table import Table

MAX_NEXT_TOKENS = 100_000


def select(engine: Engine, statement: Select, parameters: list[AttributeValue], request: Request) -> Response:
    """ExecuteStatement's SELECT: its plan, run; its LastEvaluatedKey kept behind a NextToken."""
    plan = plan_select(engine, statement, parameters, request)
    response = run_query(plan) if plan.key_condition is not None else run_scan(plan)
    answer: Response = {"Items": response.get("Items", [])}
    last = response.get("LastEvaluatedKey")
    if last is not None:
        token = uuid.uuid4().hex
        tokens = _tokens(engine)
        tokens[token] = (request["Statement"], copy.deepcopy(last))
        if len(tokens) > MAX_NEXT_TOKENS:
            tokens.popitem(last=False)
        answer["NextToken"] = token
    if "ConsumedCapacity" in response:
        answer["ConsumedCapacity"] = response["ConsumedCapacity"]
    return answer


def plan_select(engine: Engine, statement: Select, parameters: list[AttributeValue], request: Request) -> ReadPlan:
    """What a SELECT reads, checked in DynamoDB's order: its table and index, consistency, its
    columns, its NextToken, ORDER BY and the ranges of its OR-ed key conditions; then its WHERE
    as a filter, then as a key condition."""
    table, index = source(engine, statement)
    if index is not None and request.get("ConsistentRead") and index.settings.kind == "GLOBAL":
        raise errors.partiql_consistent_read_on_global_index()
    columns = projected_paths(statement)
    start = _start(engine, request)
    if columns is not None:
        _check_columns(columns, index)
    schema = index.settings.key_schema if index is not None else table.key_schema
    _check_order(statement, schema)
    _check_overlaps(statement.where, schema, parameters)
    built = StatementExpressions(parameters)
    fixed = equalities(statement.where)
    sort = key_sort_conditions(statement.where, schema, fixed)
    keys = None
    if sort is not None:
        keys = built.conjunction(
            [Compare("=", Path((name,)), fixed[name]) for name, _ in schema.hash_attributes] + sort
        )
    matches = None
    if statement.where is not None:
        matches = built.bind_condition(built.condition(statement.where)).matches
    condition: KeyCondition | None = None
    if keys is not None:
        if keys.error is not None:
            raise keys.error
        check_condition(keys.root, built.context)
        condition = key_condition(keys.root, built.context, schema)
        check_key_values(condition, table, index)
    return ReadPlan(
        table,
        index,
        Consumed(table, requested(request)),
        # A local index's read fetches the table's item for attributes the index does not hold.
        "ALL_ATTRIBUTES"
        if index is not None and index.settings.kind == "LOCAL" and _reaches_past(index, statement)
        else default_select(index),
        consistent=bool(request.get("ConsistentRead")),
        limit=request.get("Limit"),  # at least 1: checked by the model's constraints
        key_condition=condition,
        forward=statement.order is None or statement.order[1],
        start=start,
        filter=matches,
        filter_sees_table_item=index is not None and index.projected is not None,
        projection=None if columns is None else lambda item: project(columns, item),
    )


def _start(engine: Engine, request: Request) -> Item | None:
    """Where a NextToken says to go on: it was handed out for this very statement."""
    next_token = request.get("NextToken")
    if next_token is None:
        return None
    remembered = _tokens(engine).get(next_token)
    if remembered is None or remembered[0] != request["Statement"]:
        raise errors.partiql_next_token_invalid()
    return remembered[1]


def _check_columns(columns: tuple[Path, ...], index: Index | None) -> None:
    """A global index's read names only attributes it projects, and no two columns have one name."""
    if index is not None and index.settings.kind == "GLOBAL" and index.projected is not None:
        names = dict.fromkeys(str(column.top) for column in columns)
        missing = [name for name in names if name not in index.projected]
        if missing:
            raise errors.attributes_not_projected(index.name, missing)
    seen: set[str] = set()
    for column in columns:
        label = _column(column)[1]
        if label in seen:
            raise errors.partiql_duplicate_columns(label)
        seen.add(label)


def _check_order(statement: Select, schema: KeySchema) -> None:
    """ORDER BY takes a WHERE, and a key attribute of the table or index read."""
    if statement.order is None:
        return
    if statement.where is None:
        raise errors.partiql_order_without_where()
    ordered = statement.order[0]
    if len(ordered.parts) != 1 or ordered.top not in schema.names:
        raise errors.partiql_order_not_key(".".join(str(part) for part in ordered.parts))


class NextTokens(OrderedDict[str, tuple[str, Any]]):
    """NextTokens handed out, each with its statement and where to go on (the oldest forgotten
    once there are MAX_NEXT_TOKENS): the state, in one engine, of the PartiQL paging feature."""

    def __init__(self, engine: Engine) -> None:
        super().__init__()


NEXT_TOKENS = register(Feature(NextTokens))


def _tokens(engine: Engine) -> NextTokens:
    return engine.state(NextTokens)


def source(engine: Engine, statement: Select) -> tuple[Table, Index | None]:
    """The table a SELECT reads, and the index it names. PartiQL refuses an index with a
    multi-attribute key, ahead of the statement's other checks."""
    table = engine.table(statement.table)
    if statement.index is None:
        return table, None
    index = table.indexes.get(statement.index)
    if index is None:
        raise errors.partiql_index_not_found()
    schema = index.settings.key_schema
    if len(schema.hash_attributes) > 1 or len(schema.range_attributes) > 1:
        raise errors.partiql_multi_attribute_index()
    return table, index


def _reaches_past(index: Index, statement: Select) -> bool:
    """Whether a SELECT names an attribute its index does not project."""
    if index.projected is None or statement.columns is None:
        return False
    return any(str(column.top) not in index.projected for column in statement.columns if isinstance(column, Path))


def _check_overlaps(where: Any, schema: KeySchema, parameters: list[AttributeValue]) -> None:
    """DynamoDB runs a WHERE of OR-ed key conditions (each branch an equality on the partition
    key and, on the sort key, conditions a Query takes) as one Query per branch, and refuses
    branches of one partition whose sort-key ranges overlap (a branch with no sort-key condition
    spans them all). A branch with any other condition on the sort key (NOT, <>, IN) makes the
    statement a scan, which it does not refuse (whereOverlap.test.ts, live service 2026)."""
    if not isinstance(where, Or) or not schema.range_attributes or len(schema.hash_attributes) != 1:
        return
    (hash_name, _), (range_name, _) = schema.hash_attributes[0], schema.range_attributes[0]
    ranges: list[tuple[Any, SortRange]] = []
    for branch in _branches(where):
        fixed = equalities(branch)
        if hash_name not in fixed:
            return
        bounds = _sort_range(branch, range_name, parameters)
        if bounds is None:
            return
        ranges.append((resolve(fixed[hash_name], parameters), bounds))
    for position, (partition, bounds) in enumerate(ranges):
        for other_partition, other in ranges[position + 1 :]:
            if partition == other_partition and bounds.overlaps(other):
                raise errors.partiql_overlapping_ranges()


_LAST_CHARACTER = chr(0x10FFFF)


@dataclass(frozen=True)
class SortRange:
    """The sort-key values a branch of a WHERE reads: each bound a (type, ordered value) pair, or
    None for none, and whether the value itself is left out."""

    low: tuple[str, Any] | None = None
    low_open: bool = False
    high: tuple[str, Any] | None = None
    high_open: bool = False

    def narrowed(self, condition: Any, parameters: list[AttributeValue]) -> SortRange:
        """This range, within what one sort-key condition a Query takes lets through."""
        if isinstance(condition, Between):
            low, high = _sort_value(condition.low, parameters), _sort_value(condition.high, parameters)
            return self._within(SortRange(low, False, high, False))
        if isinstance(condition, Call):  # begins_with
            kind, prefix = _sort_value(condition.args[1], parameters)
            after = prefix + _LAST_CHARACTER if isinstance(prefix, str) else prefix + b"\xff"
            return self._within(SortRange((kind, prefix), False, (kind, after), False))
        value = _sort_value(condition.right, parameters)
        shapes = {
            "=": SortRange(value, False, value, False),
            "<": SortRange(high=value, high_open=True),
            "<=": SortRange(high=value),
            ">": SortRange(value, True),
            ">=": SortRange(value),
        }
        return self._within(shapes[condition.op])

    def _within(self, other: SortRange) -> SortRange:
        low, low_open = self.low, self.low_open
        if other.low is not None and (low is None or other.low > low or (other.low == low and other.low_open)):
            low, low_open = other.low, other.low_open
        high, high_open = self.high, self.high_open
        if other.high is not None and (high is None or other.high < high or (other.high == high and other.high_open)):
            high, high_open = other.high, other.high_open
        return SortRange(low, low_open, high, high_open)

    def overlaps(self, other: SortRange) -> bool:
        return not (
            _below(self.high, self.high_open, other.low, other.low_open)
            or _below(other.high, other.high_open, self.low, self.low_open)
        )


def _below(high: tuple[str, Any] | None, high_open: bool, low: tuple[str, Any] | None, low_open: bool) -> bool:
    """Whether every value up to `high` is below every value from `low`."""
    if high is None or low is None:
        return False
    return high < low or (high == low and (high_open or low_open))


def _sort_value(operand: Any, parameters: list[AttributeValue]) -> tuple[str, Any]:
    value = resolve(operand, parameters)
    kind = type_of(value)
    return kind, sort_key(kind, value[kind])


def _branches(where: Any) -> list[Any]:
    """The OR-ed branches of a condition, left to right."""
    branches, pending = [], [where]
    while pending:
        node = pending.pop()
        if isinstance(node, Or):
            pending += [node.right, node.left]
        else:
            branches.append(node)
    return branches


def _sort_range(branch: Any, range_name: str, parameters: list[AttributeValue]) -> SortRange | None:
    """The sort-key range one branch reads, or None if it puts a condition on the sort key that
    a Query cannot take."""
    bounds = SortRange()
    for part in conjuncts(branch):
        if not _mentions(part, range_name):
            continue
        if part not in _sort_conditions(branch, range_name):
            return None
        bounds = bounds.narrowed(part, parameters)
    return bounds


def _mentions(node: Any, name: str) -> bool:
    """Whether a condition refers to a top-level attribute anywhere in it."""
    pending = [node]
    while pending:
        node = pending.pop()
        if isinstance(node, Path) and node.parts[0] == name:
            return True
        pending += operands(node)
    return False


def _column(path: Path) -> tuple[tuple[str | int, ...], str]:
    """What DynamoDB returns for a projected path: the path up to its first list index, under the
    name of its last step (`a.b` as `b`, `a.l[1].c` as `l[1]`)."""
    parts: list[str | int] = []
    for part in path.parts:
        parts.append(part)
        if isinstance(part, int):
            break
    if isinstance(parts[-1], int):
        return tuple(parts), f"{parts[-2]}[{parts[-1]}]"
    return tuple(parts), str(parts[-1])


def projected_paths(statement: Select) -> tuple[Path, ...] | None:
    """The SELECT's columns (None: *), each a path: DynamoDB refuses a function there."""
    if statement.columns is None:
        return None
    paths = []
    for column in statement.columns:
        if isinstance(column, Call):
            raise errors.partiql_projection_not_path(column.at)
        paths.append(column)
    return tuple(paths)


def project(columns: tuple[Path, ...], item: Item) -> Item:
    """The SELECT's columns of an item, each under its label (`_column`)."""
    projected = {}
    for column in columns:
        parts, label = _column(column)
        value: Any = {"M": item}
        for part in parts:
            if isinstance(part, int):
                members = value.get("L") if isinstance(value, dict) else None
                value = members[part] if members is not None and part < len(members) else None
            else:
                members = value.get("M") if isinstance(value, dict) else None
                value = members.get(part) if members is not None else None
            if value is None:
                break
        if value is not None:
            projected[label] = value
    return projected


def key_sort_conditions(where: Any, schema: KeySchema, fixed: dict[str, Any]) -> list[Any] | None:
    """The top-level conditions of a WHERE that a Query puts on the sort key (the rest stays a
    filter), or None when the WHERE does not fix every partition attribute and the statement is a
    Scan. A multi-attribute sort key takes equalities on its first attributes, left to right, and
    then one condition of any kind."""
    if any(name not in fixed for name, _ in schema.hash_attributes):
        return None
    chosen = []
    for name, _ in schema.range_attributes:
        on_it = _sort_conditions(where, name)
        if len(on_it) > 1:
            return None
        if not on_it:
            break
        chosen.append(on_it[0])
        if name not in fixed:
            break
    return chosen


def _sort_conditions(where: Any, range_name: str) -> list[Any]:
    """The top-level conditions of a WHERE that a Query can put on one sort attribute."""
    found = []
    for part in conjuncts(where):
        sides: tuple[Any, ...]
        if isinstance(part, Compare) and part.op != "<>":
            sides = (part.left, part.right)
        elif isinstance(part, Between):
            sides = (part.operand, part.low, part.high)
        elif isinstance(part, Call) and part.name == "begins_with" and len(part.args) == 2:
            sides = part.args
        else:
            continue
        if isinstance(sides[0], Path) and sides[0].parts == (range_name,) and all(is_value(v) for v in sides[1:]):
            found.append(part)
    return found
