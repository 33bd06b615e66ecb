"""Key conditions: KeyConditionExpression (parsed with the condition grammar) and, through
`match_schema`, the legacy KeyConditions. DynamoDB accepts only the partition key's equality,
optionally AND one sort-key condition (`= < <= > >=`, BETWEEN, begins_with), in either order.

A KeyConditionExpression is checked in DynamoDB's order: the condition checks every expression
gets and the operator count (both by the caller); no key attribute reached through a document
path; then each condition's shape (its operator, one attribute as the first operand, no
nesting), one condition per attribute, at most two; then the attributes against the key
schema."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from dynasim import errors
from dynasim.expressions.ast import And, Between, Call, Compare, In, Not, Or, Path, Value, iter_paths
from dynasim.expressions.conditions import Context
from dynasim.storage.table import KeySchema
from dynasim.values import AttributeValue

MAX_CONDITIONS = 2
_FLIPPED = {"<": ">", "<=": ">=", ">": "<", ">=": "<="}  # `:v < sk` is `sk > :v`


@dataclass(frozen=True)
class SortCondition:
    """The sort-key part: `op` is one of = < <= > >= BETWEEN begins_with; `values` its
    operands (two for BETWEEN)."""

    op: str
    values: tuple[AttributeValue, ...]


@dataclass(frozen=True)
class KeyCondition:
    hash_value: AttributeValue
    sort: SortCondition | None


# One condition on one attribute: (attribute name, operator, values).
Entry = tuple[str, str, tuple[AttributeValue, ...]]


def key_condition(root: Any, ctx: Context, schema: KeySchema) -> KeyCondition:
    """Check a parsed KeyConditionExpression, whose condition checks have passed, against the
    table's (or index's) key schema."""
    _check_key_paths(root, ctx, schema)
    entries: list[Entry] = []
    _collect(root, ctx, entries)
    if len(entries) > MAX_CONDITIONS:
        raise errors.key_conditions_count()
    return match_schema(entries, schema)


def _check_key_paths(node: Any, ctx: Context, schema: KeySchema) -> None:
    """A key attribute is a scalar: no `pk.a` or `pk[0]` anywhere in the expression."""
    for path in iter_paths(node):
        resolved = path.resolve(ctx.names)
        if len(resolved) > 1 and resolved[0] in schema.names:
            raise errors.key_attribute_not_scalar(resolved[0])


def _operands(node: Any) -> tuple[Any, ...]:
    if isinstance(node, Compare):
        return (node.left, node.right)
    if isinstance(node, Between):
        return (node.subject, node.low, node.high)
    if isinstance(node, In):
        return (node.subject, *node.options)
    if isinstance(node, Call):
        return node.args
    return ()


def _collect(node: Any, ctx: Context, entries: list[Entry]) -> None:
    """Append the conditions joined by AND, checking each one's shape as DynamoDB does."""
    if isinstance(node, And):
        _collect(node.left, ctx, entries)
        _collect(node.right, ctx, entries)
        return
    if isinstance(node, (Or, Not, In)):
        raise errors.key_condition_operator(type(node).__name__.upper())
    if isinstance(node, Compare) and node.op == "<>":
        raise errors.key_condition_operator("<>")
    if isinstance(node, Call) and node.name != "begins_with":
        raise errors.key_condition_operator(node.name)
    if isinstance(node, (Between, Call)) and not isinstance(_operands(node)[0], Path):
        raise errors.key_condition_first_operand("BETWEEN" if isinstance(node, Between) else node.name)
    operands = _operands(node)
    name: str | None = None
    first = True
    for position, operand in enumerate(operands):
        if isinstance(operand, Call):
            raise errors.key_condition_nested()
        if isinstance(operand, Path):
            if name is not None:
                raise errors.key_condition_two_names()
            resolved = operand.resolve(ctx.names)
            if len(resolved) > 1:
                raise errors.key_condition_nested_attribute()
            name, first = resolved[0], position == 0
    if name is None:
        raise errors.key_condition_no_key()
    if any(entry[0] == name for entry in entries):
        raise errors.key_condition_repeated_key()
    if isinstance(node, Compare):
        op = node.op if first else _FLIPPED.get(node.op, node.op)
    else:
        op = "BETWEEN" if isinstance(node, Between) else "begins_with"
    values = tuple(ctx.values[operand.ref] for operand in operands if isinstance(operand, Value))
    entries.append((name, op, values))


# Legacy KeyConditions operators that cannot select a key range.
_NOT_SCALAR = ("NULL", "NOT_NULL")
_NOT_INDEXABLE = ("NE", "IN", "CONTAINS", "NOT_CONTAINS")


def match_schema(entries: list[Entry], schema: KeySchema) -> KeyCondition:
    """The partition-key equality and the sort-key condition, if any, of checked conditions
    (from an expression, or legacy KeyConditions, whose operators keep their legacy names
    where they have no expression form)."""
    names = [name for name, _, _ in entries]
    if schema.hash_name not in names:
        raise errors.key_condition_missing_key(schema.hash_name)
    by_name = {name: (op, values) for name, op, values in entries}
    hash_op, hash_values = by_name[schema.hash_name]
    if hash_op in _NOT_SCALAR:
        raise errors.key_conditions_not_scalar("Hash")
    if hash_op != "=":
        raise errors.key_condition_unsupported()
    others = [name for name in names if name != schema.hash_name]
    if others and schema.range_name is None:
        raise errors.key_condition_unsupported()
    if others and others[0] != schema.range_name:
        raise errors.key_condition_missing_key(schema.range_name)  # type: ignore[arg-type]
    for name, (_, values) in by_name.items():
        wanted = schema.hash_type if name == schema.hash_name else schema.range_type
        if any(next(iter(value)) != wanted for value in values):
            raise errors.key_condition_type_mismatch()
    sort = by_name.get(schema.range_name) if schema.range_name is not None else None
    if sort is not None and sort[0] in _NOT_SCALAR:
        raise errors.key_conditions_not_scalar("Range")
    if sort is not None and sort[0] in _NOT_INDEXABLE:
        raise errors.key_conditions_not_indexable()
    return KeyCondition(hash_values[0], SortCondition(*sort) if sort is not None else None)
