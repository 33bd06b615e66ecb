"""DynamoDB's expression languages: parsing (once per distinct text), checking, evaluation.

Four phases: the grammar (`grammar/expressions.lark`) tokenizes and parses; `ast.build` turns
the tree into AST nodes and runs the checks that depend on the text alone; the checks in
`conditions` and `updates` resolve a request's `#name`/`:value` placeholders; evaluation then
runs on plain dataclasses. The first two phases are cached by (kind, text), so a request that
repeats an expression does no lark work.

The engine uses:

- `Placeholders(request, ...)`: the request's validated ExpressionAttributeNames/Values, which
  remembers what each expression used; `.check_unused()` once every expression is checked.
- `Placeholders.condition(text, kind)` -> `BoundCondition` (`.matches(item)`).
- `Placeholders.update(text)` -> `BoundUpdate` (`.apply(old)`, `.paths`).
- `Placeholders.projection(text)` -> `BoundProjection` (`.apply(item)`).
- `Placeholders.key_condition(text, schema)` -> `keys.KeyCondition` for Query.
- `bind_condition(root, ctx)` and `bind_update(root, ctx)`: an AST built elsewhere (a PartiQL
  statement's, `dynasim.partiql.expressions`), checked with its own context, whose kind
  `errors.STATEMENT` words the errors for a statement.
- `legacy` for Expected/ConditionalOperator, AttributeUpdates and AttributesToGet.
"""

from __future__ import annotations

import re
from collections import OrderedDict
from typing import Any

from dynasim import errors
from dynasim.expressions import ast
from dynasim.expressions.ast import DeleteAction, Expression, Projection, RemoveAction, Update
from dynasim.expressions.conditions import Context, check_condition, check_path, evaluate
from dynasim.expressions.documents import (
    ResolvedPath,
    check_paths,
    project,
    projection_tree,
)
from dynasim.expressions.grammar import parse_tree
from dynasim.expressions.keys import KeyCondition, key_condition
from dynasim.expressions.updates import apply_update, check_update, update_charge
from dynasim.storage.table import KeySchema
from dynasim.values import (
    LATE_NESTING_DEPTH,
    AttributeValue,
    Item,
    check_attribute_name,
    container_depth,
    enveloped_checks,
    expression_value_depth,
    older_check,
    validate_value,
)

MAX_EXPRESSION_BYTES = 4096
MAX_PLACEHOLDER_LENGTH = 255  # characters of a `#name` or `:value` key
CACHE_SIZE = 4096

_START = {
    "ConditionExpression": "condition",
    "FilterExpression": "condition",
    "SearchConditionExpression": "condition",
    "KeyConditionExpression": "condition",
    "UpdateExpression": "update",
    "ProjectionExpression": "projection",
}

_NAME_KEY = re.compile(r"#[A-Za-z0-9_]+")
_VALUE_KEY = re.compile(r":[A-Za-z0-9_]+")

# (kind, text) -> Expression, or the DynamoDBError the text always raises.
_cache: OrderedDict[tuple[str, str], Expression | errors.DynamoDBError] = OrderedDict()


def compile_expression(kind: str, text: str) -> Expression:
    """The checked AST of an expression of `kind` (e.g. "UpdateExpression"); cached."""
    key = (kind, text)
    found = _cache.get(key)
    if found is None:
        try:
            found = _compile(kind, text)
        except errors.DynamoDBError as error:
            found = error
        _cache[key] = found
        if len(_cache) > CACHE_SIZE:
            _cache.popitem(last=False)
    if isinstance(found, errors.DynamoDBError):
        raise errors.DynamoDBError(found.code, found.message, found.status, **found.extra)
    return found


def _compile(kind: str, text: str) -> Expression:
    if not isinstance(text, str):
        raise errors.unexpected_value_type(text)
    if text == "":
        raise errors.expression_empty(kind)
    size = len(text.encode("utf-8"))
    if size > MAX_EXPRESSION_BYTES:
        raise errors.expression_too_long(kind, size if _START[kind] == "condition" else None)
    return ast.build(parse_tree(_START[kind], text, kind), kind)


# --- placeholders ------------------------------------------------------------------------------


def java_hash_order(keys: list[str]) -> list[str]:
    """`keys` in the iteration order of a java.util.HashSet filled in this order, the order in
    which DynamoDB lists unused placeholders."""
    capacity = 16
    while len(keys) > capacity * 0.75:
        capacity *= 2

    def bucket(key: str) -> int:
        h = 0
        for unit in key.encode("utf-16-be").hex(" ", 2).split():
            h = (31 * h + int(unit, 16)) & 0xFFFFFFFF
        return (h ^ (h >> 16)) & (capacity - 1)

    return sorted(keys, key=bucket)  # sorted() is stable: insertion order within a bucket


def _check_name_keys(names: dict[str, str]) -> None:
    """ExpressionAttributeNames' keys: there are some, each a `#name` of at most 255 characters."""
    if not names:
        raise errors.names_empty()
    for key in names:
        if len(key) > MAX_PLACEHOLDER_LENGTH:
            raise errors.names_key_too_long(key)
        if not _NAME_KEY.fullmatch(key):
            raise errors.names_invalid_key(key)


def _check_values(values: dict[str, AttributeValue]) -> None:
    """ExpressionAttributeValues: there are some, every key first, then every value."""
    if not values:
        raise errors.values_empty()
    for key in values:
        if len(key) > MAX_PLACEHOLDER_LENGTH:
            raise errors.values_key_too_long()
        if not _VALUE_KEY.fullmatch(key):
            raise errors.values_invalid_key(key)
    for key, value in values.items():
        try:
            validate_value(value, max_depth=expression_value_depth())
        except errors.DynamoDBError as error:
            # Which value errors name the key depends on the value check (see dynasim.values).
            current = isinstance(error, errors.ValueCheckError) and not older_check()
            # A value nested past LATE_NESTING_DEPTH is read the older way, named by its key.
            late = container_depth(value) >= LATE_NESTING_DEPTH
            if current or (enveloped_checks() and not late):
                raise
            raise errors.values_invalid_value(key, error.message) from None


def _check_names(names: dict[str, str]) -> None:
    """ExpressionAttributeNames' values: each a valid attribute name."""
    for key, name in names.items():
        try:
            check_attribute_name(name)
        except errors.DynamoDBError as error:
            raise errors.names_invalid_value(key, error.message) from None


def check_key_paths(nested_roots: set[str], table_keys: tuple[str, ...], index_keys: tuple[str, ...]) -> None:
    """Key attributes are scalars: no expression may reach into one with `.` or `[]`, the
    table's keys checked first, then its indexes'. `nested_roots`: the attributes reached into."""
    for name in table_keys:
        if name in nested_roots:
            raise errors.key_attribute_not_scalar(name)
    for name in index_keys:
        if name in nested_roots:
            raise errors.key_attribute_not_scalar(name, index=True)


def nested_roots(root: Any, names: dict[str, str]) -> set[str]:
    """The attributes an expression's paths reach into (`a` of `a.b`), placeholders resolved."""
    return {str(path.resolve(names)[0]) for path in ast.iter_paths(root) if len(path.elements) > 1}


def bind_condition(root: Any, ctx: Context) -> BoundCondition:
    """A parsed condition, checked with one request's placeholders (`ctx`)."""
    check_condition(root, ctx)
    return BoundCondition(root, ctx)


def bind_update(root: Update, ctx: Context) -> BoundUpdate:
    """A parsed update, checked with one request's placeholders (`ctx`)."""
    paths = check_update(root, ctx)
    return BoundUpdate(root, paths, ctx)


class Placeholders:
    """A request's ExpressionAttributeNames and ExpressionAttributeValues, validated, and the
    placeholders its expressions used."""

    __slots__ = ("names", "values", "used_names", "used_values", "nested_roots")

    def __init__(self, request: dict[str, Any], expressions: tuple[str, ...], missing: str | None) -> None:
        """`expressions` are the request's expression parameters that are present; `missing`
        is DynamoDB's wording for the absent ones when values are sent without any
        (e.g. "ConditionExpression is null"; None: the operation does not name them)."""
        names = request.get("ExpressionAttributeNames")
        values = request.get("ExpressionAttributeValues")
        if names is not None and not expressions:
            raise errors.names_without_expressions()
        if values is not None and all(name == "ProjectionExpression" for name in expressions):
            raise errors.values_without_expressions(missing)  # a projection takes no values
        # DynamoDB's order: the names' keys, then the values' keys and values, then the names.
        if names is not None:
            _check_name_keys(names)
        if values is not None:
            _check_values(values)
        if names is not None:
            _check_names(names)
        self.names: dict[str, str] = names or {}
        self.values: dict[str, AttributeValue] = values or {}
        self.used_names: set[str] = set()
        self.used_values: set[str] = set()
        self.nested_roots: set[str] = set()  # attributes the checked expressions reach into

    def _use(self, expression: Expression) -> None:
        self.used_names |= expression.names
        self.used_values |= expression.values
        for root in expression.nested_roots:
            self.nested_roots.add(self.names[root] if root[0] == "#" else root)

    def check_key_paths(self, table_keys: tuple[str, ...], index_keys: tuple[str, ...]) -> None:
        """Key attributes are scalars: no expression reaches into one (`check_key_paths`)."""
        check_key_paths(self.nested_roots, table_keys, index_keys)

    def check_unused(self) -> None:
        """DynamoDB's error for placeholders that no expression used."""
        if len(self.used_names) < len(self.names):
            unused = [key for key in self.names if key not in self.used_names]
            raise errors.names_unused(", ".join(java_hash_order(unused)))
        if len(self.used_values) < len(self.values):
            unused = [key for key in self.values if key not in self.used_values]
            raise errors.values_unused(", ".join(java_hash_order(unused)))

    def context(self, kind: str) -> Context:
        return Context(kind, self.names, self.values)

    # expressions

    def condition(self, text: str, kind: str = "ConditionExpression") -> BoundCondition:
        expression = compile_expression(kind, text)
        bound = bind_condition(expression.root, self.context(kind))
        expression.check_operators()
        self._use(expression)
        return bound

    def update(self, text: str) -> BoundUpdate:
        """The update, checked; that it changes no key attribute is checked once the table is
        known (`updates.check_targets` on its `paths`)."""
        expression = compile_expression("UpdateExpression", text)
        assert isinstance(expression.root, Update)
        bound = bind_update(expression.root, self.context("UpdateExpression"))
        expression.check_operators()
        self._use(expression)
        return bound

    def key_condition(self, text: str, schema: KeySchema) -> KeyCondition:
        """Query's KeyConditionExpression, checked against `schema`: the partition-key value
        and the sort-key condition, if any."""
        expression = compile_expression("KeyConditionExpression", text)
        ctx = self.context("KeyConditionExpression")
        check_condition(expression.root, ctx)
        expression.check_operators()
        result = key_condition(expression.root, ctx, schema)
        self._use(expression)
        return result

    def projection(self, text: str) -> BoundProjection:
        expression = compile_expression("ProjectionExpression", text)
        ctx = self.context("ProjectionExpression")
        assert isinstance(expression.root, Projection)
        paths = [check_path(path, ctx) for path in expression.root.paths]
        check_paths(ctx.kind, paths)
        self._use(expression)
        return BoundProjection(projection_tree(paths))


class BoundCondition:
    """A checked condition with its request's placeholders."""

    __slots__ = ("root", "ctx")

    def __init__(self, root: Any, ctx: Context) -> None:
        self.root = root
        self.ctx = ctx

    def matches(self, item: Item | None) -> bool:
        return evaluate(self.root, item or {}, self.ctx)


class BoundUpdate:
    """A checked update with its request's placeholders; `paths` are its resolved targets."""

    __slots__ = ("root", "paths", "ctx")

    def __init__(self, root: Update, paths: list[ResolvedPath], ctx: Context) -> None:
        self.root = root
        self.paths = paths
        self.ctx = ctx

    def apply(self, old: Item) -> Item:
        """The updated item, built from `old` without changing it."""
        return apply_update(self.root, self.paths, old, self.ctx)

    def updated(self, item: Item) -> Item:
        """The parts of `item` the update's paths name (ReturnValues UPDATED_OLD/UPDATED_NEW)."""
        return project(item, projection_tree(self.paths))

    def charge(self) -> int:
        """What standalone UpdateItem charges this update against the item-size limit."""
        return update_charge(self.root, self.ctx)

    @property
    def only_removes(self) -> bool:
        """Whether every action only takes something away (REMOVE, DELETE)."""
        return all(isinstance(action, (RemoveAction, DeleteAction)) for action in self.root.actions)


class BoundProjection:
    __slots__ = ("tree",)

    def __init__(self, tree: dict[Any, Any]) -> None:
        self.tree = tree

    def apply(self, item: Item) -> Item:
        return project(item, self.tree)


__all__ = [
    "BoundCondition",
    "BoundProjection",
    "BoundUpdate",
    "Placeholders",
    "bind_condition",
    "bind_update",
    "check_key_paths",
    "compile_expression",
    "nested_roots",
]
