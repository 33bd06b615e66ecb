"""Key conditions: KeyConditionExpression (parsed with the condition grammar) and, through
`match_schema`, the legacy KeyConditions. DynamoDB accepts only the partition key's equality,
optionally AND one sort-key condition (`= < <= > >=`, BETWEEN, begins_with), in any order. A
global secondary index with multi-attribute keys needs an equality on every partition attribute
and may constrain its sort attributes left to right: equalities on the first ones, then at most
one condition of any kind on the next.

A KeyConditionExpression is checked in DynamoDB's order: the condition checks every expression
gets and the operator count (both by the caller); no key attribute reached through a document
path; then each condition's shape (its operator, one attribute as the first operand, no
nesting), one condition per attribute, their number; then the attributes against the key
schema."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from dynasim import errors
from dynasim.expressions.ast import And, Between, Call, Compare, In, Not, Or, Path, Value, iter_paths
from dynasim.expressions.conditions import Context
from dynasim.storage.table import KeySchema
from dynasim.values import AttributeValue

MAX_CONDITIONS = 2  # more only for an index with multi-attribute keys: one per attribute
_FLIPPED = {"<": ">", "<=": ">=", ">": "<", ">=": "<="}  # `:v < sk` is `sk > :v`


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


# One condition on one attribute: (attribute name, operator, values).
Entry = tuple[str, str, tuple[AttributeValue, ...]]


def key_condition(root: Any, ctx: Context, schema: KeySchema) -> KeyCondition:
    """Check a parsed KeyConditionExpression, whose condition checks have passed, against the
    table's (or index's) key schema."""
    _check_key_paths(root, ctx, schema)
    entries: list[Entry] = []
    _collect(root, ctx, entries)
    if len(entries) > max(MAX_CONDITIONS, len(schema.names)):
        raise errors.key_conditions_exceed_key(len(entries), len(schema.names))
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


def _check_sort_prefix(by_name: dict[str, tuple[str, Any]], range_names: list[str]) -> None:
    """Sort attributes are constrained left to right: every one before a constrained attribute
    needs an equality (no gap, nothing after a range condition)."""
    for position, later in enumerate(range_names):
        if later not in by_name:
            continue
        for earlier in range_names[:position]:
            if earlier not in by_name or by_name[earlier][0] != "=":
                raise errors.range_key_equality_missing(earlier, later)


def match_schema(entries: list[Entry], schema: KeySchema) -> KeyCondition:
    """The partition-key equalities and the sort-key conditions, if any, of checked conditions
    (from an expression, or legacy KeyConditions, whose operators keep their legacy names
    where they have no expression form)."""
    by_name = {name: (op, values) for name, op, values in entries}
    hash_names = [name for name, _ in schema.hash_attributes]
    range_names = [name for name, _ in schema.range_attributes]
    for name in hash_names:
        if name not in by_name:
            raise errors.key_condition_missing_key(name)
    for name in hash_names:
        if by_name[name][0] in _NOT_SCALAR:
            raise errors.key_conditions_not_scalar("Hash")
        if by_name[name][0] != "=":
            raise errors.key_condition_unsupported()
    others = [name for name, _, _ in entries if name not in hash_names]
    if others and not range_names:
        raise errors.key_condition_unsupported()
    if any(name not in range_names for name in others):
        raise errors.key_condition_missing_key(next((n for n in range_names if n not in by_name), range_names[0]))
    _check_sort_prefix(by_name, range_names)
    constrained = [name for name in range_names if name in by_name]
    types = schema.types
    for name, (_, values) in by_name.items():
        if any(next(iter(value)) != types[name] for value in values):
            raise errors.key_condition_type_mismatch()
    sort = by_name[constrained[-1]] if constrained else None
    if sort is not None and sort[0] in _NOT_SCALAR:
        raise errors.key_conditions_not_scalar("Range")
    if sort is not None and sort[0] in _NOT_INDEXABLE:
        raise errors.key_conditions_not_indexable()
    equal = tuple(by_name[name][1][0] for name in constrained[:-1])
    hash_values = tuple(by_name[name][1][0] for name in hash_names)
    return KeyCondition(hash_values, SortCondition(*sort) if sort is not None else None, equal)
