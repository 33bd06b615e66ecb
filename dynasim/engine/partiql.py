"""PartiQL: ExecuteStatement, BatchExecuteStatement and ExecuteTransaction.

A statement is parsed once per distinct text (`dynasim.partiql`), then runs as the operation it
stands for, through that operation's own handler: a SELECT whose WHERE fixes the partition key
is a Query of the table or index, any other SELECT a Scan (the WHERE evaluated on each item read,
as a filter); INSERT is a PutItem that must not find the key; UPDATE and DELETE name one item by
an equality on every key attribute and carry their WHERE as the condition. ExecuteTransaction is
TransactWriteItems (or, for SELECTs, reads of single items) under the engine's lock.
"""

from __future__ import annotations

import copy
import re
import uuid
from collections import OrderedDict
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from dynasim import errors
from dynasim.engine.capacity import requested
from dynasim.engine.keys import request_key
from dynasim.engine.registry import HANDLERS, Request, Response, operation
from dynasim.engine.touches import Access, Action, Entry, Touches, combined
from dynasim.engine.update import apply_update_request
from dynasim.expressions import Placeholders
from dynasim.expressions.requests import on_condition_failure
from dynasim.partiql import parse
from dynasim.partiql.ast import (
    Between,
    Call,
    Compare,
    Delete,
    Exists,
    Insert,
    Or,
    Path,
    Runnable,
    Select,
    Statement,
    Unsupported,
    Update,
    operands,
)
from dynasim.partiql.translate import Writer, conjuncts, equalities, is_value, resolve
from dynasim.storage.schema import KeySchema
from dynasim.values import AttributeValue, sort_key, type_of, validate_item, validate_value

if TYPE_CHECKING:
    from dynasim.engine import Engine
    from dynasim.storage.index import Index
    from dynasim.storage.table import Table

MAX_BATCH = 25
MAX_STATEMENT_LENGTH = 8192
MAX_NEXT_TOKENS = 100_000
MAX_TRANSACTION = 100
_VERBS = ("select", "insert", "update", "delete", "from")  # FROM "T" WHERE ... SET ... is an UPDATE
_VERB = re.compile(r"(?:\s+|--[^\n]*|/\*.*?\*/)*([A-Za-z]+)", re.DOTALL)
_BATCH_CODES = {
    "ValidationException": "ValidationError",
    "ResourceNotFoundException": "ResourceNotFound",
    "ConditionalCheckFailedException": "ConditionalCheckFailed",
    "DuplicateItemException": "DuplicateItem",
}


def _parsed(text: Any, parameters: Any) -> tuple[Statement, list[AttributeValue]]:
    """The statement and its parameters, once the statement parses and has as many `?`."""
    if not isinstance(text, str):
        raise errors.partiql_malformed("")
    if len(text) > MAX_STATEMENT_LENGTH:
        raise errors.partiql_statement_too_long(MAX_STATEMENT_LENGTH)
    statement, count = parse(text)
    parameters = list(parameters or [])
    if len(parameters) < count:
        raise errors.partiql_parameter_count()
    return statement, parameters


def _check_parameters(parameters: list[AttributeValue]) -> None:
    """The parameters checked as DynamoDB checks them: in order, each one's first problem
    (nesting or a number) in document order."""
    for value in parameters:
        validate_value(value)


def _check_supported(statement: Statement) -> Runnable:
    if isinstance(statement, Unsupported):
        raise errors.partiql_unsupported_operation(statement.operation)
    return statement


def _bound(text: Any, parameters: Any) -> tuple[Runnable, list[AttributeValue]]:
    """The statement and its parameters, once both pass DynamoDB's checks of them."""
    statement, parameters = _parsed(text, parameters)
    _check_parameters(parameters)
    return _check_supported(statement), parameters


def _key(table: Table, statement: Statement, parameters: list[AttributeValue]) -> dict[str, AttributeValue]:
    """The item an UPDATE or DELETE (or a single-item SELECT) names by its WHERE."""
    found = equalities(statement.where)  # type: ignore[union-attr]
    key = {}
    for name in table.key_schema.names:
        if name not in found:
            raise errors.partiql_key_equality_missing()
        key[name] = resolve(found[name], parameters)
    return key


# --- writes ----------------------------------------------------------------------------------


def write_request(
    engine: Engine, statement: Runnable, parameters: list[AttributeValue], request: Request
) -> tuple[str, Request]:
    """The PutItem, UpdateItem or DeleteItem request a write statement stands for."""
    table = engine.table(statement.table)
    if getattr(statement, "index", None) is not None:
        raise errors.partiql_write_on_index()
    writer = Writer(parameters)
    out: Request = {"TableName": table.name}
    if isinstance(statement, Insert):
        item = resolve(statement.value, parameters)["M"]
        schema = table.key_schema
        for name, wanted in ((schema.hash_name, schema.hash_type), (schema.range_name, schema.range_type)):
            if name is None:
                continue
            if name not in item:
                raise errors.partiql_key_missing(name)
            if next(iter(item[name])) != wanted:
                raise errors.partiql_key_type_mismatch(name)
        out.update(Item=item, ConditionExpression=f"attribute_not_exists({writer.name(schema.hash_name)})")
        name = "PutItem"
    elif isinstance(statement, Update):
        out["Key"] = _key(table, statement, parameters)
        out["UpdateExpression"] = writer.update(statement.sets, statement.removes)
        out["ConditionExpression"] = writer.condition(statement.where)
        name = "UpdateItem"
    elif isinstance(statement, Exists):
        out["Key"] = _key(table, statement, parameters)
        out["ConditionExpression"] = writer.condition(statement.where)
        name = "ConditionCheck"
    else:
        assert isinstance(statement, Delete)
        out["Key"] = _key(table, statement, parameters)
        keys = set(table.key_schema.names)
        rest = [
            part
            for part in conjuncts(statement.where)
            if not (
                getattr(part, "op", None) == "="
                and any(getattr(side, "parts", None) in {(name,) for name in keys} for side in (part.left, part.right))
            )
        ]
        if rest:
            out["ConditionExpression"] = " AND ".join(f"({writer.condition(part)})" for part in rest)
        name = "DeleteItem"
    out.update(writer.request_members())
    if getattr(statement, "returning", "NONE") != "NONE":
        out["ReturnValues"] = statement.returning  # type: ignore[union-attr]
    for member in ("ReturnConsumedCapacity", "ReturnValuesOnConditionCheckFailure"):
        if request.get(member) is not None:
            out[member] = request[member]
    return name, out


def _write(engine: Engine, statement: Runnable, parameters: list[AttributeValue], request: Request) -> Response:
    name, translated = write_request(engine, statement, parameters, request)
    try:
        if name == "UpdateItem":  # a PartiQL UPDATE sizes only the item it makes
            response = apply_update_request(engine, translated, charge_statement=False)
        else:
            response = HANDLERS[name](engine, translated)
    except errors.DynamoDBError as error:
        if isinstance(statement, Insert) and error.code == "ConditionalCheckFailedException":
            raise errors.partiql_duplicate_item() from None
        raise
    answer: Response = {"Items": [response["Attributes"]] if "Attributes" in response else []}
    if "ConsumedCapacity" in response:
        answer["ConsumedCapacity"] = response["ConsumedCapacity"]
    return answer


# --- reads -----------------------------------------------------------------------------------


def _tokens(engine: Engine) -> OrderedDict[str, tuple[str, Any]]:
    """NextTokens handed out, each with its statement and where to go on (the oldest forgotten
    once there are MAX_NEXT_TOKENS)."""
    return engine.extensions.setdefault("partiql-next-tokens", OrderedDict())


def _source(engine: Engine, statement: Select) -> tuple[Table, Index | None]:
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


def _select(engine: Engine, statement: Select, parameters: list[AttributeValue], request: Request) -> Response:
    table, index = _source(engine, statement)
    if index is not None and request.get("ConsistentRead") and index.settings.kind == "GLOBAL":
        raise errors.partiql_consistent_read_on_global_index()
    columns = _projected_paths(statement)
    schema = index.settings.key_schema if index is not None else table.key_schema
    limit = request.get("Limit")  # at least 1: checked by the model's constraints
    text = request["Statement"]
    start = None
    next_token = request.get("NextToken")
    if next_token is not None:
        remembered = _tokens(engine).get(next_token)
        if remembered is None or remembered[0] != text:
            raise errors.partiql_next_token_invalid()
        start = remembered[1]
    if columns is not None and index is not None and index.settings.kind == "GLOBAL":
        if index.projected is not None:
            names = dict.fromkeys(str(column.top) for column in columns)
            missing = [name for name in names if name not in index.projected]
            if missing:
                raise errors.attributes_not_projected(index.name, missing)
    if columns is not None:
        seen: set[str] = set()
        for column in columns:
            label = _column(column)[1]
            if label in seen:
                raise errors.partiql_duplicate_columns(label)
            seen.add(label)

    read: Request = {"TableName": table.name}
    if index is not None:
        read["IndexName"] = index.name
        if index.settings.kind == "LOCAL" and _reaches_past(index, statement):
            read["Select"] = "ALL_ATTRIBUTES"  # a local index's read fetches the table's item
    for member in ("ConsistentRead", "ReturnConsumedCapacity"):
        if request.get(member) is not None:
            read[member] = request[member]
    if limit is not None:
        read["Limit"] = limit
    if start is not None:
        read["ExclusiveStartKey"] = start
    if statement.order is not None:
        if statement.where is None:
            raise errors.partiql_order_without_where()
        ordered = statement.order[0]
        if len(ordered.parts) != 1 or ordered.top not in schema.names:
            raise errors.partiql_order_not_key(".".join(str(part) for part in ordered.parts))
    _check_overlaps(statement.where, schema, parameters)
    fixed = equalities(statement.where)
    sort = _key_sort_conditions(statement.where, schema, fixed)
    operation_name = "Scan"
    if sort is not None:
        keys = Writer(parameters)
        parts = [f"{keys.name(name)} = {keys.value(fixed[name])}" for name, _ in schema.hash_attributes]
        parts += [keys.condition(part) for part in sort]
        read["KeyConditionExpression"] = " AND ".join(parts)
        read.update(keys.request_members())
        operation_name = "Query"
        if statement.order is not None and not statement.order[1]:
            read["ScanIndexForward"] = False

    matches = None
    if statement.where is not None:
        writer = Writer(parameters)
        condition_text = writer.condition(statement.where)
        placeholders = Placeholders(writer.request_members(), ("FilterExpression",), "FilterExpression is null")
        matches = placeholders.condition(condition_text, "FilterExpression").matches

    response = HANDLERS[operation_name](engine, read)
    items = response.get("Items", [])
    if matches is not None:
        if index is not None and index.projected is not None:
            # As DynamoDB Local does, the WHERE sees the whole item, the answer the index's view of it.
            items = [item for item in items if matches(_whole(table, item))]
        else:
            items = [item for item in items if matches(item)]
    items = [_project(statement, parameters, item) for item in items]
    answer: Response = {"Items": items}
    last = response.get("LastEvaluatedKey")
    if last is not None:
        token = uuid.uuid4().hex
        tokens = _tokens(engine)
        tokens[token] = (text, copy.deepcopy(last))
        if len(tokens) > MAX_NEXT_TOKENS:
            tokens.popitem(last=False)
        answer["NextToken"] = token
    if "ConsumedCapacity" in response:
        answer["ConsumedCapacity"] = response["ConsumedCapacity"]
    return answer


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


def _single_item(engine: Engine, statement: Select, parameters: list[AttributeValue]) -> tuple[Table, Any]:
    """The table and key of a SELECT that names exactly one item (batches and transactions)."""
    table = engine.table(statement.table)
    key = _key(table, statement, parameters)
    return table, key


def _whole(table: Table, view: Any) -> Any:
    """The table's item behind an index entry's view of it (which holds the table's key)."""
    key = {name: view[name] for name in table.key_schema.names}
    return table.get(*request_key(table.key_schema, key)) or view


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


def _projected_paths(statement: Select) -> tuple[Path, ...] | None:
    """The SELECT's columns (None: *), each a path: DynamoDB refuses a function there."""
    if statement.columns is None:
        return None
    paths = []
    for column in statement.columns:
        if isinstance(column, Call):
            raise errors.partiql_projection_not_path(column.at)
        paths.append(column)
    return tuple(paths)


def _project(statement: Select, parameters: list[AttributeValue], item: Any) -> Any:
    columns = _projected_paths(statement)
    if columns is None:
        return item
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


def _key_sort_conditions(where: Any, schema: KeySchema, fixed: dict[str, Any]) -> list[Any] | None:
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


# --- what a statement touches ------------------------------------------------------------------


def statement_touches(engine: Engine | None, text: Any, parameters: Any, consistent: bool) -> Touches:
    """What one statement touches, resolved as it would run but without running it: a SELECT
    naming every key attribute of its table by equality reads that item, one fixing the partition
    key of its table or index is a query, any other a scan; INSERT, UPDATE, DELETE and EXISTS name
    one item. `consistent`: it reads with strong consistency. Nothing for a text that does not parse."""
    try:
        statement, _ = parse(text) if isinstance(text, str) else (None, 0)
    except errors.DynamoDBError:
        statement = None
    if statement is None or isinstance(statement, Unsupported):
        return Touches()
    name = statement.table
    table = engine.tables.get(name) if engine is not None else None
    values = list(parameters) if isinstance(parameters, list) else []
    if isinstance(statement, Select):
        reads = frozenset((name,)) if consistent else frozenset()
        if table is None:
            return Touches("read", (name,), index=statement.index, consistent=reads)
        fixed = equalities(statement.where)
        key = _entry_key(table, fixed, values) if statement.index is None else None
        if key is not None:
            return Touches("read", (name,), entries=(Entry(name, "get", key),), consistent=reads)
        index = table.indexes.get(statement.index) if statement.index is not None else None
        schema = index.settings.key_schema if index is not None else table.key_schema
        query = _key_sort_conditions(statement.where, schema, fixed) is not None
        return Touches("read", (name,), index=statement.index, scan=not query, query=query, consistent=reads)
    entries: tuple[Entry, ...] = ()
    if isinstance(statement, Insert):
        try:
            item = resolve(statement.value, values)
        except (errors.DynamoDBError, IndexError, KeyError, TypeError):
            item = None
        if isinstance(item, dict) and isinstance(item.get("M"), dict):
            entries = (Entry(name, "put", item["M"]),)
    elif table is not None:
        key = _entry_key(table, equalities(statement.where), values)
        action: Action = (
            "update" if isinstance(statement, Update) else "delete" if isinstance(statement, Delete) else "check"
        )
        entries = (Entry(name, action, key),) if key is not None else ()
    return Touches("write", (name,), entries=entries)


def _entry_key(table: Table, fixed: dict[str, Any], parameters: list[AttributeValue]) -> dict[str, Any] | None:
    """The key a WHERE names by an equality on every key attribute of the table, or None."""
    if any(name not in fixed for name in table.key_schema.names):
        return None
    try:
        return {name: resolve(fixed[name], parameters) for name in table.key_schema.names}
    except (errors.DynamoDBError, IndexError, KeyError, TypeError):
        return None


def statement_request(engine: Engine | None, request: Request, access: Access = "read") -> Touches:
    """ExecuteStatement: its statement decides the access (the declared one is not used)."""
    return statement_touches(
        engine, request.get("Statement"), request.get("Parameters"), request.get("ConsistentRead") is True
    )


def batch_request(engine: Engine | None, request: Request, access: Access = "read") -> Touches:
    """BatchExecuteStatement: its statements, as one batch."""
    members = request.get("Statements")
    members = [member for member in members if isinstance(member, dict)] if isinstance(members, list) else []
    return combined((statement_request(engine, member) for member in members), batch=True)


def transaction_request(engine: Engine | None, request: Request, access: Access = "read") -> Touches:
    """ExecuteTransaction: its statements, as one transaction, reading with strong consistency
    as TransactGetItems does."""
    members = request.get("TransactStatements")
    members = [member for member in members if isinstance(member, dict)] if isinstance(members, list) else []
    parts = (statement_touches(engine, m.get("Statement"), m.get("Parameters"), True) for m in members)
    return combined(parts, transaction=True)


# --- operations --------------------------------------------------------------------------------


_EXPRESSION_PREFIX = re.compile(r"Invalid (Filter|Condition|Update|KeyCondition|Projection)Expression: ")


def _plain(error: errors.DynamoDBError) -> errors.DynamoDBError:
    """An error of a translated expression, worded as DynamoDB words it for the statement (without
    the name of an expression the request never had)."""
    match = _EXPRESSION_PREFIX.match(error.message)
    if match is None:
        return error
    return errors.DynamoDBError(error.code, error.message[match.end() :], error.status, **error.extra)


@operation("ExecuteStatement", access="statement", finds=statement_request)
def execute_statement(engine: Engine, request: Request) -> Response:
    requested(request)
    on_condition_failure(request)
    statement, parameters = _bound(request.get("Statement"), request.get("Parameters"))
    if isinstance(statement, Exists):
        raise errors.partiql_exists_outside_transaction()
    try:
        if isinstance(statement, Select):
            return _select(engine, statement, parameters, request)
        return _write(engine, statement, parameters, request)
    except errors.DynamoDBError as error:
        plain = _plain(error)
        if plain is error:
            raise
        raise plain from None


def _identity(table: Table, key: dict[str, AttributeValue]) -> Any:
    """The item a key names, as one comparable value (None for a key that is not valid)."""
    try:
        key = copy.deepcopy(key)
        validate_item(key)
        return table.name, request_key(table.key_schema, key)
    except errors.DynamoDBError:
        return None


def _batch_error(error: errors.DynamoDBError) -> dict[str, Any]:
    error = _plain(error)
    body: dict[str, Any] = {"Code": _BATCH_CODES.get(error.code, error.code), "Message": error.message}
    if "Item" in error.extra:
        body["Item"] = error.extra["Item"]
    return body


def _verb(text: Any) -> str:
    match = _VERB.match(text) if isinstance(text, str) else None
    return match.group(1).lower() if match else ""


@operation("BatchExecuteStatement", access="statement", finds=batch_request)
def batch_execute_statement(engine: Engine, request: Request) -> Response:
    requested(request)
    statements = request.get("Statements")
    if not statements:
        raise errors.partiql_batch_empty()
    verbs = {_verb(member.get("Statement")) for member in statements} & set(_VERBS)
    if len(statements) > MAX_BATCH:
        raise errors.partiql_batch_too_many(reads="select" in verbs)
    if "select" in verbs and len(verbs) > 1:
        raise errors.partiql_batch_mixed()
    prepared: list[Any] = []
    seen_keys: set[Any] = set()
    for member in statements:
        try:
            if _verb(member.get("Statement")) not in (*_VERBS, "exists"):
                raise errors.partiql_batch_invalid_operation()
            statement, parameters = _bound(member.get("Statement"), member.get("Parameters"))
            table = engine.table(statement.table)
            if isinstance(statement, Exists):
                raise errors.partiql_exists_outside_transaction()
            if isinstance(statement, Select):
                _, index = _source(engine, statement)
                _projected_paths(statement)
                where = conjuncts(statement.where)
                try:
                    key = _key(table, statement, parameters) if statement.where is not None else None
                except errors.DynamoDBError:
                    key = None
                if key is None or len(where) != len(key) or index is not None:
                    raise errors.partiql_batch_select_key()
                prepared.append(("read", member, statement, parameters, table, key))
            else:
                name, translated = write_request(engine, statement, parameters, member)
                key = translated.get("Key") or {k: translated["Item"][k] for k in table.key_schema.names}
                prepared.append(("write", member, statement, parameters, table, key))
        except errors.DynamoDBError as error:
            prepared.append(("error", error, None, None, None, None))
            continue
        identity = _identity(table, key)
        if identity is not None:
            if identity in seen_keys:
                raise errors.batch_duplicate_keys()
            seen_keys.add(identity)
    responses: list[dict[str, Any]] = []
    for kind, member, statement, parameters, table, key in prepared:
        if kind == "error":
            responses.append({"Error": _batch_error(member)})
            continue
        if kind == "read":
            found = HANDLERS["GetItem"](
                engine, {"TableName": table.name, "Key": key, "ConsistentRead": bool(member.get("ConsistentRead"))}
            )
            answer: dict[str, Any] = {"TableName": table.name}
            if "Item" in found:
                answer["Item"] = _project(statement, parameters, found["Item"])
            responses.append(answer)
            continue
        try:
            written = _write(engine, statement, parameters, member)
            responses.append({"TableName": table.name, **({"Item": written["Items"][0]} if written["Items"] else {})})
        except errors.DynamoDBError as error:
            responses.append({"Error": _batch_error(error), "TableName": table.name})
    return {"Responses": responses}


@operation("ExecuteTransaction", access="statement", finds=transaction_request)
def execute_transaction(engine: Engine, request: Request) -> Response:
    choice = requested(request)
    statements = request.get("TransactStatements")
    if not statements:
        raise errors.partiql_transaction_empty()
    if len(statements) > MAX_TRANSACTION:
        raise errors.transact_items_too_many(MAX_TRANSACTION)
    bound = []
    for position, member in enumerate(statements):
        # A statement's own errors name it; its parameters' do not.
        try:
            statement, parameters = _parsed(member.get("Statement"), member.get("Parameters"))
        except errors.DynamoDBError as error:
            raise errors.partiql_transaction_statement(position, error) from None
        _check_parameters(parameters)
        try:
            runnable = _check_supported(statement)
            if isinstance(runnable, Select):
                _projected_paths(runnable)
        except errors.DynamoDBError as error:
            raise errors.partiql_transaction_statement(position, error) from None
        bound.append((runnable, parameters))
    reads = [isinstance(statement, Select) for statement, _ in bound]
    if any(reads) and not all(reads):
        raise errors.partiql_transaction_mixed()
    if all(reads):
        responses = []
        keys = []
        for position, (statement, parameters) in enumerate(bound):
            assert isinstance(statement, Select)
            table, _ = _source(engine, statement)
            try:
                key = _key(table, statement, parameters)
            except errors.DynamoDBError:
                raise errors.partiql_transaction_select_key(position) from None
            if len(conjuncts(statement.where)) != len(key):
                raise errors.partiql_transaction_select_key(position)
            keys.append((table, key, statement, parameters))
        identities = [_identity(table, key) for table, key, _, _ in keys]
        if len(set(identities)) != len(identities):
            raise errors.transact_same_item()
        for table, key, statement, parameters in keys:
            found = HANDLERS["GetItem"](engine, {"TableName": table.name, "Key": key, "ConsistentRead": True})
            responses.append({"Item": _project(statement, parameters, found["Item"])} if "Item" in found else {})
        return {"Responses": responses}
    actions = []
    seen: set[Any] = set()
    for position, ((statement, parameters), member) in enumerate(zip(bound, statements, strict=True)):
        if isinstance(statement, Exists):
            table = engine.table(statement.table)
            if len(conjuncts(statement.where)) <= len(table.key_schema.names):
                raise errors.partiql_exists_needs_condition(position)
        if getattr(statement, "returning", "NONE") != "NONE":
            raise errors.partiql_returning_in_transaction(position)
        try:
            name, translated = write_request(engine, statement, parameters, member)
        except errors.DynamoDBError as error:
            raise errors.partiql_transaction_invalid(_plain(error)) from None
        translated.pop("ReturnConsumedCapacity", None)
        action = {"PutItem": "Put", "UpdateItem": "Update", "DeleteItem": "Delete", "ConditionCheck": "ConditionCheck"}
        actions.append({action[name]: translated})
        key = translated.get("Key") or {
            k: translated["Item"][k] for k in engine.table(statement.table).key_schema.names
        }
        identity = _identity(engine.table(statement.table), key)
        if identity is not None and identity in seen:
            raise errors.transact_same_item()
        seen.add(identity)
    transact: Request = {"TransactItems": actions, "ReturnConsumedCapacity": choice}
    if request.get("ClientRequestToken") is not None:
        transact["ClientRequestToken"] = request["ClientRequestToken"]
    try:
        response = HANDLERS["TransactWriteItems"](engine, transact)
    except errors.DynamoDBError as error:
        if error.code == "IdempotentParameterMismatchException":
            raise errors.partiql_idempotent_mismatch() from None
        if error.code == "TransactionCanceledException" and "CancellationReasons" in error.extra:
            reasons = error.extra["CancellationReasons"]
            for position, (statement, _) in enumerate(bound):
                if isinstance(statement, Insert) and reasons[position]["Code"] == "ConditionalCheckFailed":
                    reasons[position] = {"Code": "ValidationError", "Message": "Duplicate primary key exists in table"}
            raise errors.transaction_canceled(reasons) from None
        raise
    answer: Response = {"Responses": []}
    if "ConsumedCapacity" in response:
        answer["ConsumedCapacity"] = response["ConsumedCapacity"]
    return answer
