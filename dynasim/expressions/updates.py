"""Update expressions: the per-request checks, and building the updated item.

`check_update` raises DynamoDB's first error for the request's placeholders and returns the
resolved target paths. `apply_update` builds a new item from the old one (never touching the
stored item); its only errors are those DynamoDB raises while applying (a missing attribute in
an operand, an operand of the wrong type, a path that cannot be written, number limits).
"""

from __future__ import annotations

from decimal import Context as DecimalContext
from decimal import Decimal
from typing import Any

from dynasim import errors
from dynasim.expressions.ast import (
    AddAction,
    Arith,
    Call,
    DeleteAction,
    Path,
    RemoveAction,
    SetAction,
    Update,
    Value,
)
from dynasim.expressions.conditions import Context, _check_call, check_path, check_value, value_type
from dynasim.expressions.documents import (
    ResolvedPath,
    check_paths,
    check_writable,
    get,
    remove_value,
    set_value,
)
from dynasim.values import (
    CURRENT,
    MAX_SIGNIFICANT_DIGITS,
    SET_TYPES,
    AttributeValue,
    Item,
    in_set_order,
    normalize_number,
    value_size,
)

TYPE_NAMES = {
    "S": "STRING",
    "N": "NUMBER",
    "B": "BINARY",
    "BOOL": "BOOLEAN",
    "NULL": "NULL",
    "M": "MAP",
    "L": "LIST",
    "SS": "STRING_SET",
    "NS": "NUMBER_SET",
    "BS": "BINARY_SET",
}
_EXACT = DecimalContext(prec=1000)


# --- checks --------------------------------------------------------------------------------


def check_update(update: Update, ctx: Context) -> list[ResolvedPath]:
    """Check an update against the request's placeholders; return each action's resolved
    target path, in action order.

    DynamoDB's order: every placeholder is resolved (actions from the last written to the
    first); then overlapping paths; then functions and operand types (in the same order).
    The key attributes come later (`check_targets`)."""
    ordered = update.check_order
    for action in ordered:
        check_path(action.path, ctx)
        if isinstance(action, RemoveAction):
            continue
        _check_refs(action.value, ctx)
    targets = [action.path.resolve(ctx.names) for action in update.actions]
    check_paths(ctx.kind, targets)
    for action in ordered:
        if isinstance(action, (AddAction, DeleteAction)):
            kind = value_type(action.value, ctx)
            verb = "ADD" if isinstance(action, AddAction) else "DELETE"
            if kind not in SET_TYPES and not (verb == "ADD" and kind == "N"):
                raise errors.expression_action_operand_type(verb, TYPE_NAMES[kind])
        elif isinstance(action, SetAction):
            _check_set_value(action.value, ctx)
    return targets


def check_targets(targets: list[ResolvedPath], key_names: tuple[str, ...]) -> None:
    """An update may not change the table's key."""
    for target in targets:
        if target[0] in key_names:
            raise errors.key_attribute_update(target[0])


def _check_refs(node: Any, ctx: Context) -> None:
    if isinstance(node, Path):
        check_path(node, ctx)
    elif isinstance(node, Value):
        check_value(node, ctx)
    elif isinstance(node, Arith):
        _check_refs(node.left, ctx)
        _check_refs(node.right, ctx)
    else:
        for arg in node.args:
            _check_refs(arg, ctx)


def _check_set_value(node: Any, ctx: Context) -> None:
    if isinstance(node, Arith):
        _check_set_value(node.left, ctx)
        _check_set_value(node.right, ctx)
        for operand in (node.left, node.right):
            kind = value_type(operand, ctx)
            if kind is not None and kind != "N":
                raise errors.expression_operand_type(ctx.kind, node.op, kind)
    elif isinstance(node, Call):
        for arg in node.args:
            _check_set_value(arg, ctx)
        _check_call(node, ctx)


# --- applying ------------------------------------------------------------------------------


def _operand(node: Any, item: Item, ctx: Context) -> AttributeValue:
    if isinstance(node, Value):
        return ctx.values[node.ref]
    if isinstance(node, Path):
        value = get(item, node.resolve(ctx.names))
        if value is None:
            raise errors.missing_attribute_in_item()
        return value
    if isinstance(node, Arith):
        left = _typed_operand(node.left, item, ctx, "N")
        right = _typed_operand(node.right, item, ctx, "N")
        return {"N": arithmetic(left, right, node.op)}
    assert isinstance(node, Call)
    if node.name == "if_not_exists":
        existing = get(item, node.args[0].resolve(ctx.names))
        return existing if existing is not None else _operand(node.args[1], item, ctx)
    first = _typed_operand(node.args[0], item, ctx, "L")
    second = _typed_operand(node.args[1], item, ctx, "L")
    return {"L": first + second}


def _typed_operand(node: Any, item: Item, ctx: Context, kind: str) -> Any:
    """An operand's payload, which must be of type `kind` (each operand is checked as soon as
    it is evaluated, before the next one is)."""
    value = _operand(node, item, ctx)
    if kind not in value:
        raise errors.update_operand_type()
    return value[kind]


def arithmetic(a: str, b: str, op: str) -> str:
    """`a + b` or `a - b`, exact, then held to DynamoDB's number limits."""
    x, y = Decimal(a), Decimal(b)
    result = _EXACT.add(x, y) if op == "+" else _EXACT.subtract(x, y)
    digits = result.as_tuple().digits
    significant = len("".join(map(str, digits)).strip("0"))
    if significant > MAX_SIGNIFICANT_DIGITS:
        raise errors.number_precision()
    return normalize_number(str(result), CURRENT)  # whether an overflow here is enveloped is not recorded


def apply_update(update: Update, targets: list[ResolvedPath], old: Item, ctx: Context) -> Item:
    """The item after the update; `old` is the stored item (or the bare key) and is not changed.

    SET values are all computed from the old item first, as DynamoDB does; then SET, REMOVE,
    ADD and DELETE apply in that order, list elements removed from the highest index down."""
    new = dict(old)
    # DynamoDB works from the last action written to the first, and reports an operand's error
    # (missing attribute, wrong type) before any path that cannot be written.
    pairs = list(zip(update.actions, targets, strict=False))
    pairs.reverse()
    unwritable = False
    sets = []
    for action, target in pairs:
        try:
            check_writable(old, target)
        except errors.DynamoDBError:
            unwritable = True
            continue
        if isinstance(action, SetAction):
            sets.append((target, _operand(action.value, old, ctx)))
    if unwritable:
        raise errors.update_path_invalid()
    # Elements set past a list's end are appended in index order, whatever order they were written in.
    sets.sort(key=lambda pair: _list_index(pair[0]))
    for target, value in sets:
        set_value(new, target, value)
    removes = [
        target for action, target in zip(update.actions, targets, strict=False) if isinstance(action, RemoveAction)
    ]
    if removes:
        removes.sort(key=lambda path: path[-1] if isinstance(path[-1], int) else -1, reverse=True)
        for target in removes:
            remove_value(new, target)
    for action, target in zip(update.actions, targets, strict=False):
        if isinstance(action, AddAction):
            _add(new, target, ctx.values[action.value.ref])
        elif isinstance(action, DeleteAction):
            _delete(new, target, ctx.values[action.value.ref])
    return new


def _list_index(path: ResolvedPath) -> int:
    """The list index a path ends in (-1 when it ends in a map key)."""
    last = path[-1]
    return last if isinstance(last, int) else -1


def _add(item: Item, target: ResolvedPath, value: AttributeValue) -> None:
    current = get(item, target)
    if current is None:
        set_value(item, target, value)
        return
    ((kind, payload),) = value.items()
    existing = current.get(kind)
    if existing is None:
        raise errors.update_operand_type()
    if kind == "N":
        set_value(item, target, {"N": arithmetic(existing, payload, "+")})
        return
    merged = list(existing)
    have = set(existing)
    merged.extend(member for member in payload if member not in have)
    set_value(item, target, {kind: in_set_order(kind, merged)})


def _delete(item: Item, target: ResolvedPath, value: AttributeValue) -> None:
    current = get(item, target)
    if current is None:
        return
    ((kind, payload),) = value.items()
    existing = current.get(kind)
    if existing is None:
        raise errors.update_operand_type()
    gone = set(payload)
    kept = [member for member in existing if member not in gone]
    if kept:
        set_value(item, target, {kind: kept})
    else:
        remove_value(item, target)


# --- UpdateItem's charge against the item-size limit ----------------------------------------
#
# Standalone UpdateItem measures an update expression as well as the item it makes: a fixed cost
# for the update, and for each clause a cost, the target path and the operands it takes from the
# request (what it leaves alone, the key included, is not charged). The service refuses an update
# whose charge exceeds the item-size limit, with the finished item's wording, before it evaluates
# the ConditionExpression. Figures bisected against the live service (eu-west-2, 2026, and 21 other
# regions; ten regions size only the finished item): paritysuite/dynamodb-conformance
# tests/tier3/limits/itemSizeBySurface.test.ts.
UPDATE_COST = 3
WRITE_CLAUSE_COST = 19  # SET, ADD
TAKE_CLAUSE_COST = 1  # REMOVE, DELETE: nothing they take away is charged
TARGET_STEP_COST = 4  # each element of a target path after the first
OPERAND_PATH_COST = 1  # a path read as an operand, plus for each of its elements:
OPERAND_STEP_COST = 14
FUNCTION_COSTS = {"if_not_exists": 39, "list_append": 37}
ARITHMETIC_COSTS = {"+": 34, "-": 37}


def update_charge(update: Update, ctx: Context) -> int:
    """What an update expression is charged against the item-size limit (see above)."""
    charge = UPDATE_COST
    for action in update.actions:
        target = _target_charge(action.path.resolve(ctx.names))
        if isinstance(action, SetAction):
            charge += WRITE_CLAUSE_COST + target + _operand_charge(action.value, ctx)
        elif isinstance(action, AddAction):
            charge += WRITE_CLAUSE_COST + target + value_size(ctx.values[action.value.ref])
        else:
            charge += TAKE_CLAUSE_COST + target
    return charge


def _element_bytes(element: str | int) -> int:
    return len(str(element)) if isinstance(element, int) else len(element.encode())


def _target_charge(path: tuple[str | int, ...]) -> int:
    return _element_bytes(path[0]) + sum(TARGET_STEP_COST + _element_bytes(element) for element in path[1:])


def _operand_charge(node: Any, ctx: Context) -> int:
    """Operands nest only as deep as the expression's own grammar allows (300 operators at most)."""
    if isinstance(node, Value):
        return value_size(ctx.values[node.ref])
    if isinstance(node, Path):
        elements = node.resolve(ctx.names)
        return OPERAND_PATH_COST + sum(OPERAND_STEP_COST + _element_bytes(element) for element in elements)
    if isinstance(node, Arith):
        return ARITHMETIC_COSTS[node.op] + _operand_charge(node.left, ctx) + _operand_charge(node.right, ctx)
    assert isinstance(node, Call)
    return FUNCTION_COSTS[node.name] + sum(_operand_charge(arg, ctx) for arg in node.args)
