"""Conditions (ConditionExpression, FilterExpression): the per-request checks that need the
request's placeholders, and evaluation against an item.

The checks walk the AST in source order and raise the first error DynamoDB would: a node's
operands are checked before the node itself. Evaluation cannot fail: a missing attribute or a
comparison across types is simply false.
"""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from dynasim import errors
from dynasim.expressions.ast import ARITY, And, Arith, Between, Call, Compare, In, Not, Or, Path, Value
from dynasim.expressions.documents import get, show
from dynasim.values import ALL_TYPES, SET_TYPES, AttributeValue, Item

MAX_IN_OPERANDS = 100
_ORDERED = frozenset({"N", "S", "B"})
_SIZED = frozenset({"S", "B", "SS", "NS", "BS", "L", "M"})


class Context:
    """One request's view of an expression: its kind, and the request's placeholders."""

    __slots__ = ("kind", "names", "values")

    def __init__(self, kind: str, names: dict[str, str], values: dict[str, AttributeValue]) -> None:
        self.kind = kind
        self.names = names
        self.values = values


# --- checks --------------------------------------------------------------------------------


def check_path(path: Path, ctx: Context) -> tuple[Any, ...]:
    for ref in path.refs:
        if ref not in ctx.names:
            raise errors.expression_name_undefined(ctx.kind, ref)
    return path.resolve(ctx.names)


def check_value(value: Value, ctx: Context) -> AttributeValue:
    found = ctx.values.get(value.ref)
    if found is None:
        raise errors.expression_value_undefined(ctx.kind, value.ref)
    return found


def value_type(node: Any, ctx: Context) -> str | None:
    """The type of an operand known before evaluation (a `:value`, or `size()`, a number),
    else None."""
    if isinstance(node, Value):
        return next(iter(ctx.values[node.ref]))
    if isinstance(node, Call) and node.name == "size":
        return "N"
    return None


def check_operand(node: Any, ctx: Context) -> None:
    if isinstance(node, Path):
        check_path(node, ctx)
    elif isinstance(node, Value):
        check_value(node, ctx)
    elif isinstance(node, Call):
        for arg in node.args:
            check_operand(arg, ctx)
        _check_call(node, ctx)
    elif isinstance(node, Arith):  # pragma: no cover - conditions have no arithmetic
        check_operand(node.left, ctx)
        check_operand(node.right, ctx)


def _distinct(name: str, first: Any, rest: tuple[Any, ...], ctx: Context) -> None:
    if isinstance(first, Path):
        mine = first.resolve(ctx.names)
        for other in rest:
            if isinstance(other, Path) and other.resolve(ctx.names) == mine:
                raise errors.expression_operands_not_distinct(ctx.kind, name, show(mine))


# Functions whose first operand must be a document path, and those whose first operand must
# differ from the others.
_NEEDS_PATH = frozenset({"attribute_exists", "attribute_not_exists", "if_not_exists"})
_DISTINCT = frozenset({"attribute_type", "begins_with", "contains"})
# The types a function's operands may have, where a value (or size()) gives its type up front.
_OPERAND_TYPES = {"begins_with": frozenset({"S", "B"}), "size": _SIZED, "list_append": frozenset({"L"})}


def _check_call(call: Call, ctx: Context) -> None:
    name, args = call.name, call.args
    if len(args) != ARITY[name]:
        raise errors.expression_operand_count(ctx.kind, name, len(args))
    if name in _NEEDS_PATH and not isinstance(args[0], Path):
        raise errors.expression_needs_path(ctx.kind, name)
    if name in _DISTINCT:
        _distinct(name, args[0], args[1:], ctx)
    if name == "attribute_type":
        _check_type_name(name, args[1], ctx)
    elif name in _OPERAND_TYPES:
        _check_operand_types(name, args, _OPERAND_TYPES[name], ctx)


def _check_type_name(name: str, operand: Any, ctx: Context) -> None:
    """attribute_type's type name: a string value (a path could hold anything) naming a type."""
    kind = value_type(operand, ctx)
    if kind is None:
        raise errors.expression_operand_any_type(ctx.kind, name)
    if kind != "S":
        raise errors.expression_operand_type(ctx.kind, name, kind)
    assert isinstance(operand, Value)  # only a value has a string type before evaluation
    type_name = ctx.values[operand.ref]["S"]
    if type_name not in ALL_TYPES:
        raise errors.expression_attribute_type_unknown(ctx.kind, type_name)


def _check_operand_types(name: str, operands: tuple[Any, ...], allowed: frozenset[str], ctx: Context) -> None:
    """Every operand whose type is known up front is of a type the operator or function takes."""
    for operand in operands:
        kind = value_type(operand, ctx)
        if kind is not None and kind not in allowed:
            raise errors.expression_operand_type(ctx.kind, name, kind)


def _show_value(value: AttributeValue) -> str:
    ((kind, payload),) = value.items()
    return f"{{{kind}:{payload}}}"


def check_condition(node: Any, ctx: Context) -> None:
    """Raise the first error DynamoDB reports for this condition with these placeholders."""
    if isinstance(node, (And, Or)):
        check_condition(node.left, ctx)
        check_condition(node.right, ctx)
    elif isinstance(node, Not):
        check_condition(node.operand, ctx)
    elif isinstance(node, Compare):
        _check_comparison(node, ctx)
    elif isinstance(node, Between):
        _check_between(node, ctx)
    elif isinstance(node, In):
        if len(node.options) > MAX_IN_OPERANDS:
            raise errors.expression_in_too_many(ctx.kind, len(node.options))
        check_operand(node.subject, ctx)
        for option in node.options:
            check_operand(option, ctx)
        _distinct("IN", node.subject, node.options, ctx)
    elif isinstance(node, Call):
        check_operand(node, ctx)


def _check_comparison(node: Compare, ctx: Context) -> None:
    """Its operands, distinct; only numbers, strings and binaries are ordered."""
    check_operand(node.left, ctx)
    check_operand(node.right, ctx)
    _distinct(node.op, node.left, (node.right,), ctx)
    if node.op not in ("=", "<>"):
        _check_operand_types(node.op, (node.left, node.right), _ORDERED, ctx)


def _check_between(node: Between, ctx: Context) -> None:
    """Its operands, of ordered types, the subject distinct from the bounds; two values as bounds
    are of one type, the lower first."""
    operands = (node.subject, node.low, node.high)
    for operand in operands:
        check_operand(operand, ctx)
    _check_operand_types("BETWEEN", operands, _ORDERED, ctx)
    _distinct("BETWEEN", node.subject, (node.low, node.high), ctx)
    if isinstance(node.low, Value) and isinstance(node.high, Value):
        low, high = ctx.values[node.low.ref], ctx.values[node.high.ref]
        if next(iter(low)) != next(iter(high)):
            raise errors.expression_between_types(ctx.kind, _show_value(low), _show_value(high))
        order = compare(low, high)
        if order is not None and order > 0:
            raise errors.expression_between_order(ctx.kind, _show_value(low), _show_value(high))


# --- values ----------------------------------------------------------------------------------


def equal(a: AttributeValue, b: AttributeValue) -> bool:
    """DynamoDB's equality: same type and same value; sets ignore order."""
    ((kind, payload),) = a.items()
    other = b.get(kind)
    if other is None or len(b) != 1:
        return False
    if kind in SET_TYPES:
        return len(payload) == len(other) and set(payload) == set(other)
    if kind == "M":
        return payload.keys() == other.keys() and all(equal(payload[k], other[k]) for k in payload)
    if kind == "L":
        return len(payload) == len(other) and all(equal(x, y) for x, y in zip(payload, other, strict=False))
    if kind == "N":
        return payload == other or Decimal(payload) == Decimal(other)
    return payload == other


def compare(a: AttributeValue, b: AttributeValue) -> int | None:
    """-1, 0 or 1 for two values of one orderable type (N, S, B); None otherwise."""
    ((kind, x),) = a.items()
    y = b.get(kind)
    if y is None or kind not in _ORDERED:
        return None
    if kind == "N":
        x, y = Decimal(x), Decimal(y)
    # str order is code-point order, which is the UTF-8 byte order DynamoDB uses
    return (x > y) - (x < y)


def size(value: AttributeValue | None) -> AttributeValue | None:
    if value is None:
        return None
    ((kind, payload),) = value.items()
    if kind not in _SIZED:
        return None
    if kind == "S":
        # DynamoDB Local counts UTF-16 code units (Java's String.length()).
        return {"N": str(len(payload.encode("utf-16-le")) // 2)}
    return {"N": str(len(payload))}


# --- evaluation ------------------------------------------------------------------------------


def operand_value(node: Any, item: Item, ctx: Context) -> AttributeValue | None:
    if isinstance(node, Path):
        return get(item, node.resolve(ctx.names))
    if isinstance(node, Value):
        return ctx.values[node.ref]
    # size() is the only function with a value in a condition
    return size(operand_value(node.args[0], item, ctx))


def _ordered(a: AttributeValue | None, b: AttributeValue | None) -> int | None:
    if a is None or b is None:
        return None
    return compare(a, b)


def evaluate(node: Any, item: Item, ctx: Context) -> bool:
    """Whether `item` (possibly empty) satisfies the checked condition `node`."""
    if isinstance(node, Compare):
        left = operand_value(node.left, item, ctx)
        right = operand_value(node.right, item, ctx)
        op = node.op
        if op == "=":
            return left is not None and right is not None and equal(left, right)
        if op == "<>":
            return left is None or right is None or not equal(left, right)
        order = _ordered(left, right)
        if order is None:
            return False
        if op == "<":
            return order < 0
        if op == "<=":
            return order <= 0
        if op == ">":
            return order > 0
        return order >= 0
    if isinstance(node, And):
        return evaluate(node.left, item, ctx) and evaluate(node.right, item, ctx)
    if isinstance(node, Or):
        return evaluate(node.left, item, ctx) or evaluate(node.right, item, ctx)
    if isinstance(node, Not):
        return not evaluate(node.operand, item, ctx)
    if isinstance(node, Between):
        subject = operand_value(node.subject, item, ctx)
        low = operand_value(node.low, item, ctx)
        high = operand_value(node.high, item, ctx)
        above = _ordered(subject, low)
        below = _ordered(subject, high)
        return above is not None and below is not None and above >= 0 and below <= 0
    if isinstance(node, In):
        subject = operand_value(node.subject, item, ctx)
        if subject is None:
            return False
        for option in node.options:
            value = operand_value(option, item, ctx)
            if value is not None and equal(subject, value):
                return True
        return False
    return _function(node, item, ctx)


def _function(call: Call, item: Item, ctx: Context) -> bool:
    name, args = call.name, call.args
    if name == "attribute_exists":
        return operand_value(args[0], item, ctx) is not None
    if name == "attribute_not_exists":
        return operand_value(args[0], item, ctx) is None
    first = operand_value(args[0], item, ctx)
    second = operand_value(args[1], item, ctx)
    if first is None or second is None:
        return False
    if name == "attribute_type":
        return "S" in second and second["S"] in first
    if name == "begins_with":
        ((kind, payload),) = first.items()
        prefix = second.get(kind)
        return kind in ("S", "B") and prefix is not None and payload.startswith(prefix)
    # contains
    ((kind, payload),) = first.items()
    if kind in ("S", "B"):
        needle = second.get(kind)
        return needle is not None and needle in payload
    if kind in SET_TYPES:
        member = second.get(SET_TYPES[kind])
        return member is not None and len(second) == 1 and member in payload
    if kind == "L":
        return any(equal(member, second) for member in payload)
    return False
