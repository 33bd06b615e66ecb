"""PartiQL: ExecuteStatement, BatchExecuteStatement and ExecuteTransaction.

A statement is parsed once per distinct text (`dynasim.partiql`), then runs as the operation it
stands for, handed what that operation needs rather than a request written for it: a SELECT is
planned as a Query or a Scan (`partiql_select`), INSERT, UPDATE, DELETE and EXISTS are prepared
as a put, update, delete or condition check of one item (`partiql_writes`), their expressions
built from the statement. ExecuteTransaction is a write transaction (or, for SELECTs, reads of
single items) under the engine's lock.
"""

from __future__ import annotations

import copy
import re
from typing import TYPE_CHECKING, Any

from dynasim import errors
from dynasim.engine.capacity import requested
from dynasim.engine.items import read_item
from dynasim.engine.keys import request_key
from dynasim.engine.partiql_select import key_sort_conditions, project, projected_paths, select, source
from dynasim.engine.partiql_writes import Write, prepare, statement_key
from dynasim.engine.registry import Request, Response, operation
from dynasim.engine.touches import Access, Action, Entry, Touches, combined
from dynasim.engine.transactions import write_transaction
from dynasim.expressions.requests import on_condition_failure
from dynasim.partiql import parse
from dynasim.partiql.ast import Delete, Exists, Insert, Runnable, Select, Statement, Unsupported, Update
from dynasim.partiql.expressions import conjuncts, equalities, resolve
from dynasim.values import AttributeValue, validate_item, validate_value

if TYPE_CHECKING:
    from dynasim.engine import Engine
    from dynasim.storage.table import Table

MAX_BATCH = 25
MAX_STATEMENT_LENGTH = 8192
MAX_TRANSACTION = 100
_VERBS = ("select", "insert", "update", "delete", "from")  # FROM "T" WHERE ... SET ... is an UPDATE
_VERB = re.compile(r"(?:\s+|--[^\n]*|/\*.*?\*/)*([A-Za-z]+)", re.DOTALL)


# --- statements and their parameters -------------------------------------------------------


def _parsed(text: Any, parameters: Any) -> tuple[Statement, list[AttributeValue]]:
    """The statement and its parameters, once the statement parses and has as many `?`."""
    if not isinstance(text, str):
        raise errors.partiql_malformed()
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


def _write(engine: Engine, write: Write, request: Request) -> Response:
    """A write statement's work, and its answer: the item it returns, if any."""
    try:
        response = write.run(engine, request)
    except errors.DynamoDBError as error:
        if write.action == "Put" and error.code == "ConditionalCheckFailedException":
            raise errors.partiql_duplicate_item() from None
        raise
    answer: Response = {"Items": [response["Attributes"]] if "Attributes" in response else []}
    if "ConsumedCapacity" in response:
        answer["ConsumedCapacity"] = response["ConsumedCapacity"]
    return answer


def _read_single(engine: Engine, statement: Select, parameters: list[AttributeValue], consistent: bool) -> Any:
    """The one item a SELECT of a batch or transaction names (projected), or None."""
    table = engine.table(statement.table)
    key = statement_key(table, statement, parameters)
    validate_item(key)
    found = read_item(table, key, consistent, "NONE")
    if "Item" not in found:
        return None
    columns = projected_paths(statement)
    return found["Item"] if columns is None else project(columns, found["Item"])


def _identity(table: Table, key: dict[str, AttributeValue]) -> Any:
    """The item a key names, as one comparable value (None for a key that is not valid)."""
    try:
        key = copy.deepcopy(key)
        validate_item(key)
        return table.name, request_key(table.key_schema, key)
    except errors.DynamoDBError:
        return None


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
        query = key_sort_conditions(statement.where, schema, fixed) is not None
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


@operation("ExecuteStatement", access="statement", finds=statement_request)
def execute_statement(engine: Engine, request: Request) -> Response:
    requested(request)
    on_condition_failure(request)
    statement, parameters = _bound(request.get("Statement"), request.get("Parameters"))
    if isinstance(statement, Exists):
        raise errors.partiql_exists_outside_transaction()
    if isinstance(statement, Select):
        return select(engine, statement, parameters, request)
    return _write(engine, prepare(engine, statement, parameters), request)


def _verb(text: Any) -> str:
    match = _VERB.match(text) if isinstance(text, str) else None
    return match.group(1).lower() if match else ""


@operation("BatchExecuteStatement", access="statement", finds=batch_request)
def batch_execute_statement(engine: Engine, request: Request) -> Response:
    requested(request)
    statements: list[Request] = request.get("Statements") or []
    _check_batch(statements)
    prepared: list[tuple[Request, Select | Write | errors.DynamoDBError, list[AttributeValue]]] = []
    seen_keys: set[Any] = set()
    for member in statements:
        try:
            statement, parameters, table, key = _batch_member(engine, member)
        except errors.DynamoDBError as error:
            prepared.append((member, error, []))
            continue
        prepared.append((member, statement, parameters))
        identity = _identity(table, key)
        if identity is not None:
            if identity in seen_keys:
                raise errors.batch_duplicate_keys()
            seen_keys.add(identity)
    return {"Responses": [_batch_response(engine, *entry) for entry in prepared]}


def _check_batch(statements: list[Request]) -> None:
    """A batch holds 1 to 25 statements, reads or writes but not both."""
    if not statements:
        raise errors.partiql_batch_empty()
    verbs = {_verb(member.get("Statement")) for member in statements} & set(_VERBS)
    if len(statements) > MAX_BATCH:
        raise errors.partiql_batch_too_many(reads="select" in verbs)
    if "select" in verbs and len(verbs) > 1:
        raise errors.partiql_batch_mixed()


def _batch_member(
    engine: Engine, member: Request
) -> tuple[Select | Write, list[AttributeValue], Table, dict[str, AttributeValue]]:
    """One statement of a batch, prepared: a SELECT of one item of a table, or a write; with its
    table and the key of the item it names."""
    if _verb(member.get("Statement")) not in (*_VERBS, "exists"):
        raise errors.partiql_batch_invalid_operation()
    statement, parameters = _bound(member.get("Statement"), member.get("Parameters"))
    table = engine.table(statement.table)
    if isinstance(statement, Exists):
        raise errors.partiql_exists_outside_transaction()
    if not isinstance(statement, Select):
        write = prepare(engine, statement, parameters)
        return write, parameters, table, write.key
    _, index = source(engine, statement)
    projected_paths(statement)
    try:
        key = statement_key(table, statement, parameters) if statement.where is not None else None
    except errors.DynamoDBError:
        key = None
    if key is None or len(conjuncts(statement.where)) != len(key) or index is not None:
        raise errors.partiql_batch_select_key()
    return statement, parameters, table, key


def _batch_response(
    engine: Engine, member: Request, prepared: Select | Write | errors.DynamoDBError, parameters: list[AttributeValue]
) -> dict[str, Any]:
    """One statement's entry in the batch's Responses."""
    if isinstance(prepared, errors.DynamoDBError):
        return {"Error": errors.partiql_batch_error(prepared)}
    if isinstance(prepared, Select):
        item = _read_single(engine, prepared, parameters, bool(member.get("ConsistentRead")))
        return {"TableName": prepared.table, **({"Item": item} if item is not None else {})}
    table = prepared.table.name
    try:
        written = _write(engine, prepared, member)
    except errors.DynamoDBError as error:
        return {"Error": errors.partiql_batch_error(error), "TableName": table}
    return {"TableName": table, **({"Item": written["Items"][0]} if written["Items"] else {})}


@operation("ExecuteTransaction", access="statement", finds=transaction_request)
def execute_transaction(engine: Engine, request: Request) -> Response:
    requested(request)
    statements = request.get("TransactStatements")
    if not statements:
        raise errors.partiql_transaction_empty()
    if len(statements) > MAX_TRANSACTION:
        raise errors.transact_items_too_many(MAX_TRANSACTION)
    bound = [_transaction_member(position, member) for position, member in enumerate(statements)]
    reads = [isinstance(statement, Select) for statement, _ in bound]
    if any(reads) and not all(reads):
        raise errors.partiql_transaction_mixed()
    if all(reads):
        return _read_transaction(engine, bound)
    return _write_transaction(engine, bound, request)


def _transaction_member(position: int, member: Request) -> tuple[Runnable, list[AttributeValue]]:
    """One statement of a transaction and its parameters: its own errors name it, its
    parameters' do not."""
    try:
        statement, parameters = _parsed(member.get("Statement"), member.get("Parameters"))
    except errors.DynamoDBError as error:
        raise errors.partiql_transaction_statement(position, error) from None
    _check_parameters(parameters)
    try:
        runnable = _check_supported(statement)
        if isinstance(runnable, Select):
            projected_paths(runnable)
    except errors.DynamoDBError as error:
        raise errors.partiql_transaction_statement(position, error) from None
    return runnable, parameters


def _read_transaction(engine: Engine, bound: list[tuple[Runnable, list[AttributeValue]]]) -> Response:
    """SELECTs, each of one item by its whole key, read together with strong consistency."""
    identities = []
    for position, (statement, parameters) in enumerate(bound):
        assert isinstance(statement, Select)
        table, _ = source(engine, statement)
        try:
            key = statement_key(table, statement, parameters)
        except errors.DynamoDBError:
            raise errors.partiql_transaction_select_key(position) from None
        if len(conjuncts(statement.where)) != len(key):
            raise errors.partiql_transaction_select_key(position)
        identities.append(_identity(table, key))
    if len(set(identities)) != len(identities):
        raise errors.transact_same_item()
    responses = []
    for statement, parameters in bound:
        assert isinstance(statement, Select)
        item = _read_single(engine, statement, parameters, True)
        responses.append({"Item": item} if item is not None else {})
    return {"Responses": responses}


def _write_transaction(
    engine: Engine, bound: list[tuple[Runnable, list[AttributeValue]]], request: Request
) -> Response:
    """Write statements (and EXISTS checks), each of its own item, as one write transaction."""
    writes: list[Write] = []
    seen: set[Any] = set()
    for position, (statement, parameters) in enumerate(bound):
        if isinstance(statement, Exists):
            table = engine.table(statement.table)
            if len(conjuncts(statement.where)) <= len(table.key_schema.names):
                raise errors.partiql_exists_needs_condition(position)
        if getattr(statement, "returning", "NONE") != "NONE":
            raise errors.partiql_returning_in_transaction(position)
        try:
            write = prepare(engine, statement, parameters)
        except errors.DynamoDBError as error:
            raise errors.partiql_transaction_invalid(error) from None
        writes.append(write)
        identity = _identity(write.table, write.key)
        if identity is not None and identity in seen:
            raise errors.transact_same_item()
        seen.add(identity)
    members = request["TransactStatements"]
    try:
        response = write_transaction(
            engine,
            request,
            lambda: [write.transact_action(member) for write, member in zip(writes, members, strict=True)],
        )
    except errors.DynamoDBError as error:
        if error.code == "IdempotentParameterMismatchException":
            raise errors.partiql_idempotent_mismatch() from None
        if error.code == "TransactionCanceledException" and "CancellationReasons" in error.extra:
            reasons = error.extra["CancellationReasons"]
            for position, write in enumerate(writes):
                if write.action == "Put" and reasons[position]["Code"] == "ConditionalCheckFailed":
                    reasons[position] = errors.partiql_duplicate_item_reason()
            raise errors.transaction_canceled(reasons) from None
        raise
    answer: Response = {"Responses": []}
    if "ConsumedCapacity" in response:
        answer["ConsumedCapacity"] = response["ConsumedCapacity"]
    return answer
