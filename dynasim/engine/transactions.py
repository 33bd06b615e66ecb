"""TransactWriteItems and TransactGetItems: all-or-nothing groups of actions over several tables.

A transaction runs under the engine's lock like every operation, so it is atomic with respect to
all others: every action is checked against the current items first, and only when all of them
pass is anything written. Its writes reach the change feed (and so DynamoDB Streams) as one list.

Checks come in DynamoDB's three passes, and which errors are plain ValidationExceptions and which
become cancellation reasons follows DynamoDB:

1. each action in turn: one action, its required members, its values, its expressions (and the
   4 MB limit on the items written);
2. each action in turn: its table, its key, and no second action on the same item;
3. each action against the current item: a key of the wrong type or too large, an update of a key
   attribute or an unusable secondary-index key become `ValidationError` reasons, a failed
   condition a `ConditionalCheckFailed` reason; an update that cannot be applied to the item
   fails the whole request with a ValidationException, as in UpdateItem.

Any reason cancels the transaction (TransactionCanceledException, one reason per action in
request order). A ClientRequestToken makes TransactWriteItems idempotent for 10 minutes of the
simulator's clock: a retry of a successful request changes nothing and answers as the first call
did; a different request with the same token gets IdempotentParameterMismatchException.

Consumed capacity is twice that of the single-item operations (a read is consistent), reported
per table. A ConditionCheck is charged as a write of the item it checks.
"""

from __future__ import annotations

import json
from collections import OrderedDict
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from dynasim import errors
from dynasim.engine import item_collections
from dynasim.engine.batches import consumed_capacity
from dynasim.engine.capacity import Consumed, requested
from dynasim.engine.features import Feature, register
from dynasim.engine.keys import StorageKey, check_index_keys, item_key, key_attributes, request_key
from dynasim.engine.registry import Request, Response, operation
from dynasim.engine.touches import transaction
from dynasim.engine.update import updated_item
from dynasim.expressions.requests import WriteExpressions, read_projection_if_any
from dynasim.storage.table import Table
from dynasim.values import LATE_NESTING_DEPTH, MAX_CONTAINER_DEPTH, Item, container_depth, item_size, validate_item

if TYPE_CHECKING:
    from collections.abc import Callable

    from dynasim.engine import Engine

MAX_ACTIONS = 100
MAX_PAYLOAD_BYTES = 4 * 1024 * 1024
RESPONSE_ITEM_OVERHEAD = 4  # bytes DynamoDB adds per item when it sizes a TransactGetItems answer
MAX_TOKEN_LENGTH = 36
IDEMPOTENCY_WINDOW = 600.0  # seconds

# Each action: its name in error messages, the operation whose expressions it takes, and the
# request members it may carry.
_ACTIONS = {
    "ConditionCheck": ("conditionCheck", "ConditionCheck"),
    "Put": ("put", "PutItem"),
    "Delete": ("delete", "DeleteItem"),
    "Update": ("update", "UpdateItem"),
}
_EXPRESSION_MEMBERS = (
    "ConditionExpression",
    "ExpressionAttributeNames",
    "ExpressionAttributeValues",
    "ReturnValuesOnConditionCheckFailure",
)
# Key errors DynamoDB reports as a cancellation reason rather than as a ValidationException.
_KEY_ERRORS_AS_REASONS = (
    errors.key_schema_mismatch().message,
    "One or more parameter values were invalid: Type mismatch for key ",
    errors.hash_key_too_large().message,
    errors.range_key_too_large().message,
)


@dataclass
class _Action:
    kind: str
    body: dict[str, Any]
    document: Item  # the item to put, or the key
    expressions: WriteExpressions
    table: Table | None = None
    key: StorageKey | None = None
    reason: errors.DynamoDBError | None = None  # why it cancels the transaction, once known
    old: Item | None = None
    new: Item | None = None
    size: int = 0


# One action of a write transaction, as `transact_action` makes it for another front of the engine.
TransactAction = _Action


# --- TransactWriteItems --------------------------------------------------------------------


@operation("TransactWriteItems", access="write", finds=transaction)
def transact_write_items(engine: Engine, request: Request) -> Response:
    items = request.get("TransactItems")
    if not items:
        raise errors.transact_items_empty()
    if len(items) > MAX_ACTIONS:
        raise errors.transact_items_too_many(MAX_ACTIONS)
    token = request.get("ClientRequestToken")
    if token is not None and len(token) > MAX_TOKEN_LENGTH:
        raise errors.client_token_too_long(token, MAX_TOKEN_LENGTH)
    return write_transaction(
        engine, request, lambda: [_parse(position, action) for position, action in enumerate(items, 1)]
    )


def write_transaction(engine: Engine, request: Request, parse: Callable[[], list[TransactAction]]) -> Response:
    """A write transaction's work once its request's own checks have passed: `request` holds its
    ClientRequestToken (the whole request is what a repeated token must repeat) and what the
    response reports; `parse` makes its actions, unless the token's earlier answer is given
    again. Shared with PartiQL's ExecuteTransaction."""
    token = request.get("ClientRequestToken")
    choice = requested(request)
    tokens = engine.state(Tokens)
    fingerprint = None
    if token is not None:
        fingerprint = _fingerprint(request)
        earlier = tokens.find(token, engine.clock())
        if earlier is not None:
            if earlier[0] != fingerprint:
                raise errors.idempotent_parameter_mismatch()
            return _answer(earlier[1], choice)

    actions = parse()
    _check_payload(actions)
    _bind(engine, actions)
    reasons = [_evaluate(action) for action in actions]
    if any(reason is not None for reason in reasons):
        raise errors.transaction_canceled(
            [
                errors.cancellation_reason(reason, action.kind == "ConditionCheck")
                for reason, action in zip(reasons, actions, strict=True)
            ]
        )

    capacities = _write(actions, choice)
    if token is not None:
        tokens.remember(token, fingerprint, capacities, engine.clock())
    response = _answer(capacities, choice)
    if item_collections.requested(request):
        written = [(action.table, action.document) for action in actions if action.kind != "ConditionCheck"]
        metrics = item_collections.by_table(written)  # type: ignore[arg-type]
        if metrics:
            response["ItemCollectionMetrics"] = metrics
    return response


def _answer(capacities: dict[str, Consumed], choice: str) -> Response:
    if choice == "NONE":
        return {}
    for capacity in capacities.values():
        capacity.choice = choice
    return {"ConsumedCapacity": consumed_capacity(capacities)}


def _write(actions: list[_Action], choice: str) -> dict[str, Consumed]:
    """Make the checked actions' writes; return the capacity each table consumed (a transaction
    charges twice what its actions would alone)."""
    capacities: dict[str, Consumed] = {}
    for action in actions:
        assert action.table is not None and action.key is not None
        capacity = capacities.setdefault(action.table.name, Consumed(action.table, choice))
        old_size = action.table.size_of(*action.key) or 0  # the stored size of what is replaced: saves sizing it
        if action.kind == "ConditionCheck":
            charged_old, charged_new, new_size = action.old, action.old, old_size
        else:
            if action.new is not None:
                action.table.put(*action.key, action.new, action.size)
            else:
                action.table.delete(*action.key)
            charged_old, charged_new = action.old, action.new
            new_size = action.size if action.new is not None else 0
        capacity.write(charged_old, charged_new, old_size, new_size, times=2)  # saves finding index entries twice
    return capacities


def _parse(position: int, action: Any) -> _Action:
    """Pass 1: one action, its required members, its values and its expressions."""
    present = [kind for kind in _ACTIONS if isinstance(action, dict) and action.get(kind) is not None]
    if not present:
        raise errors.transact_write_no_action()
    if len(present) > 1:
        raise errors.transact_write_several_actions()
    kind = present[0]
    name, operation_name = _ACTIONS[kind]
    body = action[kind]
    document_member = "Item" if kind == "Put" else "Key"
    for member in ("TableName", document_member):
        if body.get(member) is None:
            raise errors.transact_member_null(position, name, member[0].lower() + member[1:])
    allowed = {member: body[member] for member in _EXPRESSION_MEMBERS if member in body}
    if kind == "Update" and "UpdateExpression" in body:
        allowed["UpdateExpression"] = body["UpdateExpression"]
    return transact_action(kind, body, lambda: WriteExpressions(allowed, operation_name))


def transact_action(kind: str, body: dict[str, Any], expressions: Callable[[], WriteExpressions]) -> TransactAction:
    """One action (`kind`: Put, Update, Delete or ConditionCheck) of a write transaction: `body`
    names its table and holds its item or key, checked here; `expressions` checks and returns its
    expressions, once the item's values have passed."""
    document = body["Item" if kind == "Put" else "Key"]
    late = _check_nesting(document)
    size = validate_item({name: value for name, value in document.items() if name not in late})
    checked = expressions()
    if late:
        raise errors.nesting_too_deep()
    return TransactAction(kind, body, document, checked, size=size)


def _check_nesting(document: Item) -> set[str]:
    """An action's item or key is checked for depth before anything else in it, so a value nested
    too deep is reported ahead of an empty name inside another value; but a value nested past
    `LATE_NESTING_DEPTH` is found only after the action's other checks. Returns the attributes
    holding such values (paritysuite/dynamodb-conformance tests/tier3/validation-ordering/
    deepRequests.test.ts, live service 2026, ten regions)."""
    late = set()
    for name, value in document.items():
        depth = container_depth(value)
        if depth >= LATE_NESTING_DEPTH:
            late.add(name)
        elif depth > MAX_CONTAINER_DEPTH:
            raise errors.nesting_too_deep()
    return late


def _check_payload(actions: list[_Action]) -> None:
    total = 0
    for action in actions:
        total += action.size
        if total > MAX_PAYLOAD_BYTES:
            raise errors.transact_payload_too_large(total)


def _bind(engine: Engine, actions: list[_Action]) -> None:
    """Pass 2: each action's table and key; an Update is worked out on the current item here
    (its condition, then the update itself), as DynamoDB does; no item twice."""
    seen: set[tuple[str, StorageKey]] = set()
    for position, action in enumerate(actions, 1):
        table = action.table = engine.table(action.body["TableName"])  # required by the model
        if action.kind == "ConditionCheck" and action.expressions.condition is None:
            raise errors.transact_member_null(position, "conditionCheck", "conditionExpression")
        action.expressions.check_key_paths(key_attributes(table))
        try:
            if action.kind == "Put":
                action.key = item_key(table.key_schema, action.document)
            else:
                action.key = request_key(table.key_schema, action.document)
        except errors.DynamoDBError as error:
            if not _is_reason(error):
                raise
            action.reason = error
            continue
        if action.kind == "Update":
            expressions = action.expressions
            if expressions.update is not None:
                for path in expressions.update.paths:
                    if path[0] in table.key_schema.names:
                        reason = errors.key_attribute_update(str(path[0]))
                        raise errors.transaction_canceled([errors.cancellation_reason(reason)])
            action.old = table.get(*action.key)
            try:
                expressions.check(action.old)
            except errors.DynamoDBError as error:
                action.reason = error
                continue
            try:
                action.new, action.size = updated_item(expressions, action.document, action.old)
            except errors.DynamoDBError as error:
                # An update's size depends on the stored item: DynamoDB finds it too large while
                # the transaction runs and cancels it (a put's size is refused up front).
                if error.message != errors.updated_item_too_large().message:
                    raise
                action.reason = error
                continue
            if action.new is not None and _nests_too_deep(action.new):
                action.reason = errors.transact_update_nests_too_deep()
                continue
        if (table.name, action.key) in seen:
            raise errors.transact_same_item()
        seen.add((table.name, action.key))


def _nests_too_deep(item: Item) -> bool:
    """Whether an updated item nests a value past the item limit (a transaction's expression value
    may nest one level more: `values.expression_value_depth`)."""
    return any(container_depth(value, MAX_CONTAINER_DEPTH + 1) > MAX_CONTAINER_DEPTH for value in item.values())


def _is_reason(error: errors.DynamoDBError) -> bool:
    """Whether a key error is reported as a cancellation reason rather than a ValidationException."""
    return error.message.startswith(_KEY_ERRORS_AS_REASONS)


def _evaluate(action: _Action) -> errors.DynamoDBError | None:
    """Pass 3: the action against the current item; its reason to cancel, or None."""
    if action.reason is not None:
        return action.reason
    table, key = action.table, action.key
    assert table is not None and key is not None
    if action.kind == "Update":
        if action.new is None:  # an update that only removes, on a missing item: no write
            return None
        try:
            check_index_keys(table, action.new, by_update=True)
        except errors.DynamoDBError as error:
            return error
        return None
    old = action.old = table.get(*key)
    if action.kind == "Put":
        try:
            check_index_keys(table, action.document)
        except errors.DynamoDBError as error:
            return error
    try:
        action.expressions.check(old)
    except errors.DynamoDBError as error:
        return error
    if action.kind == "Put":
        action.new = action.document
    return None


# --- idempotency ---------------------------------------------------------------------------


def _fingerprint(request: Request) -> str:
    """What makes two requests "the same" for a ClientRequestToken: everything but what they
    ask to have reported."""
    relevant = {
        name: value
        for name, value in request.items()
        if name not in ("ReturnConsumedCapacity", "ReturnItemCollectionMetrics")
    }
    return json.dumps(relevant, sort_keys=True, default=repr)


class Tokens:
    """ClientRequestTokens of successful TransactWriteItems calls within the idempotency window:
    the state, in one engine, of the transaction tokens feature."""

    def __init__(self, engine: Engine) -> None:
        self._tokens: OrderedDict[str, tuple[str, dict[str, Consumed], float]] = OrderedDict()

    def find(self, token: str, now: float) -> tuple[str, dict[str, Consumed]] | None:
        while self._tokens:
            oldest = next(iter(self._tokens.values()))
            if now - oldest[2] < IDEMPOTENCY_WINDOW:
                break
            self._tokens.popitem(last=False)
        found = self._tokens.get(token)
        return None if found is None else (found[0], found[1])

    def remember(self, token: str, fingerprint: str | None, capacities: dict[str, Consumed], now: float) -> None:
        assert fingerprint is not None
        self._tokens[token] = (fingerprint, capacities, now)


TOKENS = register(Feature(Tokens))


# --- TransactGetItems ----------------------------------------------------------------------


@operation("TransactGetItems", access="read", finds=transaction)
def transact_get_items(engine: Engine, request: Request) -> Response:
    items = request.get("TransactItems")
    if not items:
        raise errors.transact_items_null()
    if len(items) > MAX_ACTIONS:
        raise errors.transact_items_too_many(MAX_ACTIONS)
    choice = requested(request)

    reads: list[tuple[Table, StorageKey | None, Callable[[Item], Item] | None]] = []
    reasons: list[errors.DynamoDBError | None] = []
    seen: set[tuple[str, StorageKey]] = set()
    for action in items:
        get = action.get("Get") if isinstance(action, dict) else None
        if get is None:
            raise errors.transact_items_null()
        if get.get("TableName") is None:
            raise errors.transact_get_table_null()
        if get.get("Key") is None:
            raise errors.transact_get_key_null()
        table = engine.table(get["TableName"])
        validate_item(get["Key"])
        try:
            key = request_key(table.key_schema, get["Key"])
        except errors.DynamoDBError as error:
            if not _is_reason(error):
                raise
            reads.append((table, None, None))
            reasons.append(error)
            continue
        if (table.name, key) in seen:
            raise errors.transact_same_item()
        seen.add((table.name, key))
        reads.append((table, key, read_projection_if_any(get, key_attributes(table))))
        reasons.append(None)
    if any(reason is not None for reason in reasons):
        raise errors.transaction_canceled([errors.cancellation_reason(reason) for reason in reasons])

    capacities: dict[str, Consumed] = {}
    responses: list[dict[str, Any]] = []
    total = 0
    for table, read_key, projection in reads:
        assert read_key is not None  # a read without a key was a cancellation reason
        entry = table.entry(*read_key)
        capacity = capacities.setdefault(table.name, Consumed(table, choice))
        for _ in range(2):
            capacity.read(entry[1] if entry is not None else 0, True, minimum=1)
        if entry is None:
            responses.append({})
            continue
        item = entry[0] if projection is None else projection(entry[0])
        total += (entry[1] if projection is None else item_size(item)) + RESPONSE_ITEM_OVERHEAD
        responses.append({"Item": item})
    if total > MAX_PAYLOAD_BYTES:
        raise errors.transact_response_too_large(total)
    response: Response = {"Responses": responses}
    if choice != "NONE":
        response["ConsumedCapacity"] = consumed_capacity(capacities)
    return response
