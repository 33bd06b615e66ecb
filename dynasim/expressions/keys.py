"""KeyConditionExpression: DynamoDB parses it with the condition grammar, then accepts only
the partition key's equality, optionally AND one sort-key condition (`= < <= > >=`, BETWEEN,
begins_with), in any order. A global secondary index with multi-attribute keys needs an equality
on every partition attribute and may constrain its sort attributes left to right: equalities on
the first ones, then at most one condition of any kind on the next. `key_condition` checks that
and describes the range to read; `shaped` does the checks the legacy KeyConditions share."""

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
    """`hash_values`: one per partition attribute, in key schema order; `equal`: the values the
    first sort attributes equal (multi-attribute sort keys only); `sort`: the condition on the
    sort attribute after those."""

    hash_values: tuple[AttributeValue, ...]
    sort: SortCondition | None
    equal: tuple[AttributeValue, ...] = ()

    def compared_values(self, schema: KeySchema) -> list[tuple[str, AttributeValue]]:
        """(key attribute, value) for each value compared with a key attribute as a whole (not
        the prefix of a begins_with)."""
        names = [name for name, _ in schema.range_attributes]
        pairs = [(name, value) for (name, _), value in zip(schema.hash_attributes, self.hash_values, strict=True)]
        pairs += list(zip(names, self.equal, strict=False))
        if self.sort is not None and self.sort.op != "begins_with":
            pairs += [(names[len(self.equal)], value) for value in self.sort.values]
        return pairs


def shaped(
    found: dict[str, tuple[str, tuple[AttributeValue, ...]]], schema: KeySchema, legacy: bool = False
) -> KeyCondition:
    """The KeyCondition that conditions `found` ({key attribute: (operator, values)}, each on a
    key attribute) make, with DynamoDB's errors for a shape it does not accept or a value of
    another type than its attribute's."""
    hash_names = [name for name, _ in schema.hash_attributes]
    if any(name not in found for name in hash_names):
        raise errors.key_condition_missing_key()
    if any(found[name][0] != "=" for name in hash_names):
        raise errors.key_condition_unsupported()
    range_names = [name for name, _ in schema.range_attributes]
    constrained = [name for name in range_names if name in found]
    if constrained != range_names[: len(constrained)] or any(found[name][0] != "=" for name in constrained[:-1]):
        raise errors.key_condition_unsupported()  # a gap, or a condition after a range condition
    types = schema.types
    for name, (op, values) in found.items():
        if legacy and op == "begins_with" and types[name] == "N":
            raise errors.expected_operator_type("BEGINS_WITH", "N")
        if any(next(iter(value)) != types[name] for value in values):
            raise errors.key_condition_type_mismatch()
    equal = tuple(found[name][1][0] for name in constrained[:-1])
    sort = SortCondition(*found[constrained[-1]]) if constrained else None
    return KeyCondition(tuple(found[name][1][0] for name in hash_names), sort, equal)


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
    if schema.range_name is None and len(conjuncts) > len(schema.hash_attributes):
        raise errors.key_condition_unsupported()
    for node in conjuncts:
        name, op, values = _split(node, ctx)
        if name not in schema.names:
            raise errors.key_condition_missing_key()
        if name in found:
            raise errors.key_condition_repeated_key()
        found[name] = (op, values)
    return shaped(found, schema)
