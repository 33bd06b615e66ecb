"""KeyConditionExpression: DynamoDB parses it with the condition grammar, then accepts only
the partition key's equality, optionally AND one sort-key condition (`= < <= > >=`, BETWEEN,
begins_with), in either order. `key_condition` checks that and describes the range to read."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from dynasim import errors
from dynasim.expressions.ast import And, Between, Call, Compare, In, Not, Or, Path, Value
from dynasim.expressions.conditions import Context, check_condition
from dynasim.storage.table import KeySchema
from dynasim.values import AttributeValue


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


def _conjuncts(node: Any) -> list[Any]:
    if isinstance(node, And):
        return _conjuncts(node.left) + _conjuncts(node.right)
    if isinstance(node, Or):
        raise errors.key_condition_operator("OR")
    if isinstance(node, Not):
        raise errors.key_condition_operator("NOT")
    if isinstance(node, In):
        raise errors.key_condition_operator("IN")
    if isinstance(node, Compare) and node.op == "<>":
        raise errors.key_condition_operator("<>")
    if isinstance(node, Call) and node.name != "begins_with":
        raise errors.key_condition_operator(node.name)
    return [node]


def _key_name(path: Path, ctx: Context) -> str:
    resolved = path.resolve(ctx.names)
    if len(resolved) > 1:
        raise errors.key_condition_not_scalar(resolved[0])
    return resolved[0]


def _split(node: Any, ctx: Context) -> tuple[str, str, tuple[AttributeValue, ...]]:
    """(key name, operator, values) of one condition on one key."""
    if isinstance(node, Compare):
        operands, op = (node.left, node.right), node.op
    elif isinstance(node, Between):
        operands, op = (node.subject, node.low, node.high), "BETWEEN"
    else:
        operands, op = node.args, "begins_with"
    for operand in operands:
        if isinstance(operand, Call):
            raise errors.key_condition_nested()
    paths = [operand for operand in operands if isinstance(operand, Path)]
    if len(paths) > 1:
        raise errors.key_condition_two_names()
    if not paths:
        raise errors.key_condition_missing_key()
    if isinstance(node, Compare) and isinstance(node.left, Value):
        op = {"<": ">", "<=": ">=", ">": "<", ">=": "<="}.get(op, op)  # `:v < sk` is `sk > :v`
    name = _key_name(paths[0], ctx)
    values = tuple(ctx.values[operand.ref] for operand in operands if isinstance(operand, Value))
    return name, op, values


def key_condition(root: Any, ctx: Context, schema: KeySchema) -> KeyCondition:
    """Check a parsed KeyConditionExpression against the table's (or index's) key schema."""
    check_condition(root, ctx)
    found: dict[str, tuple[str, tuple[AttributeValue, ...]]] = {}
    conjuncts = _conjuncts(root)
    if schema.range_name is None and len(conjuncts) > 1:
        raise errors.key_condition_unsupported()
    for node in conjuncts:
        name, op, values = _split(node, ctx)
        if name not in (schema.hash_name, schema.range_name):
            raise errors.key_condition_missing_key()
        if name in found:
            raise errors.key_condition_repeated_key()
        found[name] = (op, values)
    if schema.hash_name not in found:
        raise errors.key_condition_missing_key()
    hash_op, hash_values = found[schema.hash_name]
    if hash_op != "=":
        raise errors.key_condition_unsupported()
    for name, (_, values) in found.items():
        wanted = schema.hash_type if name == schema.hash_name else schema.range_type
        if any(next(iter(value)) != wanted for value in values):
            raise errors.key_condition_type_mismatch()
    sort = found.get(schema.range_name) if schema.range_name is not None else None
    return KeyCondition(hash_values[0], SortCondition(*sort) if sort is not None else None)
