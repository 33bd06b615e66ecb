"""DynamoDB's checks of the values a statement writes out, run once per parsed statement.

A number literal that is no DynamoDB number is refused with the value check's message and where
it is in its value: `root` for the value itself, `root.x` for a map's member, `root[1]` for a
list's (a top-level attribute of an INSERT is a value of its own). A set literal is read as sets
are in every PartiQL request, by the older value check, and a function call in an INSERT's item is
refused by name.
"""

from __future__ import annotations

from typing import Any

from dynasim import errors
from dynasim.partiql.ast import (
    BagValue,
    Call,
    Delete,
    Exists,
    Insert,
    ListValue,
    Literal,
    MapValue,
    Select,
    Statement,
    Update,
    operands,
)
from dynasim.partiql.expressions import resolve
from dynasim.values import CURRENT, checking_for, normalize_number, validate_value

ROOT = "root"


def check_values(statement: Statement) -> None:
    """Check every literal of a statement, in the order the statement writes them."""
    # (node, where in its value, whether the node is a value's member rather than an operand)
    pending: list[tuple[Any, str, bool]] = list(reversed(_top_values(statement)))
    while pending:
        node, path, member = pending.pop()
        if isinstance(node, Literal) and "N" in node.value:
            try:
                normalize_number(node.value["N"], CURRENT)
            except errors.DynamoDBError as error:
                raise errors.partiql_literal(error, path) from None
        elif isinstance(node, MapValue):
            pending.extend(reversed([(value, f"{path}.{key}", True) for key, value in node.pairs]))
        elif isinstance(node, (ListValue, BagValue)):
            if isinstance(node, BagValue) and node.members and all(isinstance(m, Literal) for m in node.members):
                pending.append((_Set(node), path, True))  # once its members are checked
            pending.extend(reversed([(value, f"{path}[{index}]", True) for index, value in enumerate(node.members)]))
        elif isinstance(node, _Set):
            _check_set(node.bag)
        elif isinstance(node, Call) and member:
            raise errors.partiql_unsupported_data_type(node.name, path, node.at)
        else:
            pending.extend(reversed([(operand, ROOT, False) for operand in operands(node)]))


class _Set:
    """A set literal whose members have been checked: the set itself is checked next."""

    def __init__(self, bag: BagValue) -> None:
        self.bag = bag


def _check_set(bag: BagValue) -> None:
    """A set literal with a repeated member: the older value check's message, as for a set that
    is a parameter."""
    with checking_for("ExecuteStatement"):
        validate_value(resolve(bag, []))


def _top_values(statement: Statement) -> list[tuple[Any, str, bool]]:
    """The statement's values and conditions, each the root of its values."""
    if isinstance(statement, Insert):
        if isinstance(statement.value, MapValue):
            # Each attribute of the item is a value of its own.
            return [(value, ROOT, True) for _, value in statement.value.pairs]
        return [(statement.value, ROOT, True)]
    if isinstance(statement, Update):
        return [(value, ROOT, False) for _, value in statement.sets] + [(statement.where, ROOT, False)]
    if isinstance(statement, (Select, Delete, Exists)):
        return [(statement.where, ROOT, False)]
    return []
