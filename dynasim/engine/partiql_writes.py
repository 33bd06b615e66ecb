"""PartiQL's write statements, prepared for the engine's writes.

INSERT is a put that must not find its key, UPDATE an update and DELETE a delete of the one item
their WHERE names by an equality on every key attribute, EXISTS (in ExecuteTransaction) a
condition check. `prepare` works out the table, the item or key and the expressions (built from
the statement, not written out as text); `Write.run` hands them to the work of PutItem, UpdateItem
or DeleteItem, and `Write.action` to a write transaction.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from dynasim import errors
from dynasim.engine.items import delete, put
from dynasim.engine.registry import Request, Response
from dynasim.engine.transactions import TransactAction, transact_action
from dynasim.engine.update import update
from dynasim.expressions import ast as expr
from dynasim.expressions import nested_roots
from dynasim.expressions.requests import WriteExpressions, on_condition_failure
from dynasim.partiql.ast import Delete, Exists, Insert, Runnable, Statement, Update
from dynasim.partiql.expressions import Built, StatementExpressions, conjuncts, equalities, resolve
from dynasim.values import AttributeValue, Item, validate_item

if TYPE_CHECKING:
    from dynasim.engine import Engine
    from dynasim.storage.table import Table

_RETURN_OLD = ("NONE", "ALL_OLD")  # what a delete may return


def statement_key(table: Table, statement: Statement, parameters: list[AttributeValue]) -> dict[str, AttributeValue]:
    """The item an UPDATE, DELETE or EXISTS (or a single-item SELECT) names by its WHERE."""
    found = equalities(getattr(statement, "where", None))
    key = {}
    for name in table.key_schema.names:
        if name not in found:
            raise errors.partiql_key_equality_missing()
        key[name] = resolve(found[name], parameters)
    return key


@dataclass
class Write:
    """A write statement, prepared: the action it stands for (Put, Update, Delete or
    ConditionCheck), its table, the item it puts or the key it names, its expressions as built
    (checked when they are bound) and what it returns."""

    statement: Runnable
    action: str
    table: Table
    document: Item
    built: StatementExpressions
    update: Built | None = None
    condition: Built | None = None
    return_values: str = "NONE"

    @property
    def key(self) -> Item:
        return {name: self.document[name] for name in self.table.key_schema.names}

    def body(self, request: Request) -> Request:
        """What the engine's write needs besides the expressions: the table, the item or key,
        and what to return."""
        body: Request = {"TableName": self.table.name, "Item" if self.action == "Put" else "Key": self.document}
        if self.return_values != "NONE":
            body["ReturnValues"] = self.return_values
        if request.get("ReturnConsumedCapacity") is not None:
            body["ReturnConsumedCapacity"] = request["ReturnConsumedCapacity"]
        return body

    def expressions(self, request: Request) -> WriteExpressions:
        """The expressions, checked with the statement's values (the update's, then the condition's)."""
        bound_update = self.built.bind_update(self.update) if self.update is not None else None
        bound_condition = self.built.bind_condition(self.condition) if self.condition is not None else None
        roots = [built.root for built in (self.update, self.condition) if built is not None]
        reached = set().union(*(nested_roots(root, {}) for root in roots))
        return WriteExpressions.prepared(bound_condition, bound_update, reached, on_condition_failure(request))

    def run(self, engine: Engine, request: Request) -> Response:
        """The write, as PutItem, UpdateItem or DeleteItem does it once its request is checked:
        the item's or key's values first, then the expressions. `request`: the statement's own,
        for what it asks to have reported."""
        body = self.body(request)
        if self.action == "Put":
            size = validate_item(self.document)
            return put(engine, body, size, self.expressions(request), "NONE")
        if self.action == "Update":
            validate_item(self.document)
            return update(engine, body, self.expressions(request), charge_statement=False)
        if self.return_values not in _RETURN_OLD:
            raise errors.return_values_not_old()
        validate_item(self.document)
        return delete(engine, body, self.expressions(request), self.return_values)

    def transact_action(self, request: Request) -> TransactAction:
        """The write as one action of a write transaction."""
        return transact_action(self.action, self.body({}), lambda: self.expressions(request))


def prepare(engine: Engine, statement: Runnable, parameters: list[AttributeValue]) -> Write:
    """A write statement's table, item or key and expressions, refused as DynamoDB refuses them
    before anything is checked against the item."""
    table = engine.table(statement.table)
    if getattr(statement, "index", None) is not None:
        raise errors.partiql_write_on_index()
    built = StatementExpressions(parameters)
    if isinstance(statement, Insert):
        return _insert(table, statement, parameters, built)
    key = statement_key(table, statement, parameters)
    if isinstance(statement, Update):
        changes = built.update(statement.sets, statement.removes)
        condition = built.condition(statement.where)
        return Write(statement, "Update", table, key, built, changes, condition, statement.returning)
    if isinstance(statement, Exists):
        return Write(statement, "ConditionCheck", table, key, built, condition=built.condition(statement.where))
    assert isinstance(statement, Delete)
    # The equalities that name the item are no condition on it.
    named = {(name,) for name in table.key_schema.names}
    rest = [part for part in conjuncts(statement.where) if not _names_key(part, named)]
    unnamed = built.conjunction(rest) if rest else None
    return Write(statement, "Delete", table, key, built, condition=unnamed, return_values=statement.returning)


def _insert(table: Table, statement: Insert, parameters: list[AttributeValue], built: StatementExpressions) -> Write:
    """An INSERT: its item holds the table's key, and it writes only where no item has it."""
    item = resolve(statement.value, parameters)["M"]
    schema = table.key_schema
    for name, wanted in ((schema.hash_name, schema.hash_type), (schema.range_name, schema.range_type)):
        if name is None:
            continue
        if name not in item:
            raise errors.partiql_key_missing(name)
        if next(iter(item[name])) != wanted:
            raise errors.partiql_key_type_mismatch(name)
    absent = Built(expr.Call("attribute_not_exists", (expr.Path((schema.hash_name,)),)))
    return Write(statement, "Put", table, item, built, condition=absent)


def _names_key(part: Any, named: set[tuple[str]]) -> bool:
    """Whether a condition is an equality on a key attribute."""
    return getattr(part, "op", None) == "=" and any(
        getattr(side, "parts", None) in named for side in (part.left, part.right)
    )
