"""The legacy (pre-expression) parameters older code and libraries still send: Expected with
ConditionalOperator, AttributeUpdates and AttributesToGet. Each is checked as DynamoDB checks
it and turned into a plain function over items."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from dynasim import errors
from dynasim.expressions.conditions import compare, equal
from dynasim.expressions.updates import arithmetic
from dynasim.values import SET_TYPES, AttributeValue, Item, check_attribute_name, in_set_order, validate_value

_ARITY = {
    "EQ": 1,
    "NE": 1,
    "LE": 1,
    "LT": 1,
    "GE": 1,
    "GT": 1,
    "CONTAINS": 1,
    "NOT_CONTAINS": 1,
    "BEGINS_WITH": 1,
    "NULL": 0,
    "NOT_NULL": 0,
    "BETWEEN": 2,
    "IN": None,  # one or more
}
_SCALARS = frozenset({"S", "N", "B"})
_ALLOWED_TYPES = {
    "LE": _SCALARS,
    "LT": _SCALARS,
    "GE": _SCALARS,
    "GT": _SCALARS,
    "BETWEEN": _SCALARS,
    "BEGINS_WITH": frozenset({"S", "B"}),
    # Not sets, lists or maps: a contained value is a single member (DynamoDB Local, and
    # architect/dynalite test/scan.js, which finds the service refusing only those).
    "CONTAINS": _SCALARS | {"BOOL", "NULL"},
    "NOT_CONTAINS": _SCALARS | {"BOOL", "NULL"},
    "IN": _SCALARS,
}

Check = Callable[[Item | None], bool]


def check_arguments(operator: str, arguments: list[AttributeValue]) -> None:
    """The checks DynamoDB makes on one legacy condition (of Expected, QueryFilter, ScanFilter
    or KeyConditions), in its order: the operator exists, the number of values, each value's
    type for the operator, one type for all the values, and BETWEEN's bounds in order."""
    if operator not in _ARITY:
        raise errors.expected_operator_unknown()
    wanted = _ARITY[operator]
    if (wanted is None and not arguments) or (wanted is not None and len(arguments) != wanted):
        raise errors.expected_argument_count(operator)
    allowed = _ALLOWED_TYPES.get(operator)
    kinds = [next(iter(argument)) for argument in arguments]
    if allowed is not None:
        for kind in kinds:
            if kind not in allowed:
                raise errors.expected_operator_type(operator, kind)
    if len(set(kinds)) > 1:
        raise errors.legacy_values_mixed_types()
    if operator == "BETWEEN" and (compare(*arguments) or 0) > 0:
        raise errors.expected_between_order()


# --- Expected, QueryFilter and ScanFilter ----------------------------------------------------


def expected(conditions: dict[str, Any] | None, operator: Any) -> Check | None:
    """Expected (with ConditionalOperator) as a check over the old item (None: no item); None
    when there are no conditions, as with an empty map."""
    return _combine(conditions, operator, _expected_one)


def item_filter(conditions: dict[str, Any] | None, operator: Any) -> Check | None:
    """QueryFilter or ScanFilter (with ConditionalOperator) as a check over an item; None when
    there are no conditions. A filter condition is a ComparisonOperator and its values only."""
    return _combine(conditions, operator, _filter_one)


def _combine(
    conditions: dict[str, Any] | None, operator: Any, one: Callable[[str, dict[str, Any]], Callable[[Item], bool]]
) -> Check | None:
    if not conditions:
        if operator is not None:
            raise errors.conditional_operator_alone()
        return None
    if operator is not None and len(conditions) < 2:
        raise errors.conditional_operator_one_condition()
    checks = []
    for name, condition in conditions.items():
        checks.append(one(name, condition))
        check_attribute_name(name)  # after the condition's own checks, as DynamoDB does
    if operator == "OR":
        return lambda item: any(check(item or {}) for check in checks)
    return lambda item: all(check(item or {}) for check in checks)


def _filter_one(name: str, condition: dict[str, Any]) -> Callable[[Item], bool]:
    operator = condition["ComparisonOperator"]  # required by the model, checked before
    arguments = condition.get("AttributeValueList") or []
    for argument in arguments:
        validate_value(argument)
    check_arguments(operator, arguments)
    return lambda item: compare_legacy(operator, item.get(name), arguments)


def _expected_one(name: str, condition: dict[str, Any]) -> Callable[[Item], bool]:
    """One Expected condition: its form checked first (Exists, Value, AttributeValueList and
    ComparisonOperator together), then its values, then the operator's arguments."""
    value = condition.get("Value")
    exists = condition.get("Exists")
    operator = condition.get("ComparisonOperator")
    arguments = condition.get("AttributeValueList")
    if exists is not None and operator is not None:
        raise errors.expected_exists_with_operator(name)
    if value is not None and arguments is not None:
        raise errors.expected_value_and_list(name)
    if operator is None and arguments is not None:
        raise errors.expected_list_without_operator(name)
    if exists is False and value is not None:
        raise errors.expected_value_with_exists_false(name)
    if value is None and arguments is None:
        if operator is not None and _ARITY.get(operator) != 0:
            raise errors.expected_operator_needs_value(operator, name)
        if operator is None and exists is not False:
            raise errors.expected_value_required(name, "null" if exists is None else "true")
    for argument in [value] if value is not None else arguments or []:
        validate_value(argument)
    if operator is None:
        if exists is False:
            return lambda item: name not in item
        assert value is not None  # refused above otherwise
        return lambda item: (found := item.get(name)) is not None and equal(found, value)
    arguments = [value] if value is not None else (arguments or [])
    check_arguments(operator, arguments)
    return lambda item: compare_legacy(operator, item.get(name), arguments)


def compare_legacy(operator: str, found: AttributeValue | None, arguments: list[AttributeValue]) -> bool:
    """One legacy ComparisonOperator applied to an attribute's value (None: missing)."""
    if operator == "NULL":
        return found is None
    if operator == "NOT_NULL":
        return found is not None
    if operator == "NE":
        return found is None or not equal(found, arguments[0])
    if found is None:
        return False
    if operator == "EQ":
        return equal(found, arguments[0])
    if operator == "IN":
        return any(equal(found, argument) for argument in arguments)
    if operator in ("LT", "LE", "GT", "GE"):
        order = compare(found, arguments[0])
        if order is None:
            return False
        return {"LT": order < 0, "LE": order <= 0, "GT": order > 0, "GE": order >= 0}[operator]
    if operator == "BETWEEN":
        low, high = (compare(found, bound) for bound in arguments)
        return low is not None and high is not None and low >= 0 and high <= 0
    if operator == "BEGINS_WITH":
        ((kind, payload),) = found.items()
        prefix = arguments[0].get(kind)
        return kind in ("S", "B") and prefix is not None and payload.startswith(prefix)
    contained = _contains(found, arguments[0])
    return contained if operator == "CONTAINS" else not contained


def _contains(found: AttributeValue, needle: AttributeValue) -> bool:
    ((kind, payload),) = found.items()
    if kind in ("S", "B"):
        part = needle.get(kind)
        return part is not None and part in payload
    if kind in SET_TYPES:
        member = needle.get(SET_TYPES[kind])
        return member is not None and member in payload
    if kind == "L":
        return any(equal(member, needle) for member in payload)
    return False


# --- AttributeUpdates ------------------------------------------------------------------------


def attribute_updates(updates: dict[str, Any]) -> Callable[[Item], Item]:
    """AttributeUpdates as a function from the old item (or bare key) to the new one (that it
    changes no key attribute is checked once the table is known)."""
    actions = []
    for name, update in updates.items():
        action = update.get("Action", "PUT")
        value = update.get("Value")
        if action not in ("PUT", "ADD", "DELETE"):
            raise errors.attribute_updates_action_invalid()
        check_attribute_name(name)
        if value is None:
            if action != "DELETE":
                raise errors.attribute_updates_value_required()
        else:
            validate_value(value)
            kind = next(iter(value))
            if action == "ADD" and kind not in ("N", "L") and kind not in SET_TYPES:
                raise errors.attribute_updates_action_type(action, kind)
            if action == "DELETE" and kind not in SET_TYPES:
                raise errors.attribute_updates_action_type(action, kind)
        actions.append((name, action, value))

    def apply(old: Item) -> Item:
        new = dict(old)
        for name, action, value in actions:
            current = new.get(name)
            if action == "PUT":
                new[name] = value
            elif action == "DELETE":
                if value is None:
                    new.pop(name, None)
                elif current is not None:
                    ((kind, payload),) = value.items()
                    if kind not in current:
                        raise errors.attribute_updates_type_mismatch()
                    kept = [member for member in current[kind] if member not in set(payload)]
                    if kept:
                        new[name] = {kind: kept}
                    else:
                        del new[name]
            else:  # ADD
                ((kind, payload),) = value.items()
                if current is None:
                    new[name] = value
                elif kind not in current:
                    raise errors.attribute_updates_type_mismatch()
                elif kind == "N":
                    new[name] = {"N": arithmetic(current["N"], payload, "+")}
                elif kind == "L":
                    new[name] = {"L": current["L"] + payload}
                else:
                    have = set(current[kind])
                    new[name] = {kind: in_set_order(kind, current[kind] + [m for m in payload if m not in have])}
        return new

    return apply


def only_deletes(updates: dict[str, Any]) -> bool:
    """Whether every AttributeUpdates action is a DELETE (of an attribute or of set members)."""
    return all(update.get("Action", "PUT") == "DELETE" for update in updates.values())


# --- AttributesToGet -------------------------------------------------------------------------


def attributes_to_get(names: list[str]) -> Callable[[Item], Item]:
    seen: set[str] = set()
    for name in names:
        check_attribute_name(name)
        if name in seen:
            raise errors.attributes_to_get_duplicate(name)
        seen.add(name)
    wanted = tuple(names)
    return lambda item: {name: item[name] for name in wanted if name in item}
