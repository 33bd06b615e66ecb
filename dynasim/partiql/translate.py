"""A PartiQL statement, with its parameters, as requests of the other operations.

WHERE, SET and REMOVE become condition, update and projection expressions with a placeholder for
every name and value, so they are checked and evaluated by the expression engine as Query, Scan,
PutItem, UpdateItem and DeleteItem check and evaluate theirs.
"""

from __future__ import annotations

import copy
from typing import Any

from dynasim import errors
from dynasim.partiql.ast import (
    And,
    Arithmetic,
    BagValue,
    Between,
    Call,
    Compare,
    In,
    IsNull,
    ListValue,
    Literal,
    MapValue,
    Missing,
    Not,
    Or,
    Param,
    Path,
)
from dynasim.values import AttributeValue

CONDITION_FUNCTIONS = ("begins_with", "contains", "attribute_type", "size")
UPDATE_FUNCTIONS = ("list_append", "if_not_exists")
_SET_TYPES = {"S": "SS", "N": "NS", "B": "BS"}


def resolve(value: Any, parameters: list[AttributeValue]) -> AttributeValue:
    """The attribute value of a literal (with its parameters bound)."""
    if isinstance(value, Literal):
        return copy.deepcopy(value.value)
    if isinstance(value, Param):
        return copy.deepcopy(parameters[value.index])
    if isinstance(value, ListValue):
        return {"L": [resolve(member, parameters) for member in value.members]}
    if isinstance(value, MapValue):
        return {"M": {key: resolve(member, parameters) for key, member in value.pairs}}
    if isinstance(value, BagValue):
        members = [resolve(member, parameters) for member in value.members]
        kinds = {next(iter(member)) for member in members}
        if not kinds:  # an empty bag literal is refused at parse time; this is an empty parameter list
            raise errors.partiql_bag_invalid()
        if len(kinds) != 1 or next(iter(kinds)) not in _SET_TYPES:
            raise errors.partiql_bag_invalid()
        kind = next(iter(kinds))
        return {_SET_TYPES[kind]: [member[kind] for member in members]}
    raise errors.validation(f"Unsupported operand: {value!r}")


def is_value(node: Any) -> bool:
    return isinstance(node, (Literal, Param, ListValue, MapValue, BagValue))


def conjuncts(node: Any) -> list[Any]:
    """The top-level AND-ed parts of a condition."""
    if node is None:
        return []
    if isinstance(node, And):
        return conjuncts(node.left) + conjuncts(node.right)
    return [node]


def equalities(node: Any) -> dict[str, Any]:
    """Attribute name -> value for each top-level `name = value` of a condition."""
    found: dict[str, Any] = {}
    for part in conjuncts(node):
        if isinstance(part, Compare) and part.op == "=":
            for side, other in ((part.left, part.right), (part.right, part.left)):
                if isinstance(side, Path) and len(side.parts) == 1 and is_value(other):
                    found.setdefault(side.top, other)
    return found


class Writer:
    """Builds expression text with `#pN` / `:pN` placeholders for one request."""

    def __init__(self, parameters: list[AttributeValue]) -> None:
        self.parameters = parameters
        self.names: dict[str, str] = {}
        self.values: dict[str, AttributeValue] = {}
        self._by_name: dict[str, str] = {}

    def request_members(self) -> dict[str, Any]:
        members: dict[str, Any] = {}
        if self.names:
            members["ExpressionAttributeNames"] = self.names
        if self.values:
            members["ExpressionAttributeValues"] = self.values
        return members

    def name(self, name: str) -> str:
        key = self._by_name.get(name)
        if key is None:
            key = self._by_name[name] = f"#p{len(self._by_name)}"
            self.names[key] = name
        return key

    def path(self, path: Path) -> str:
        text = ""
        for part in path.parts:
            text += f"[{part}]" if isinstance(part, int) else ("." if text else "") + self.name(part)
        return text

    def value(self, value: Any) -> str:
        key = f":p{len(self.values)}"
        self.values[key] = resolve(value, self.parameters)
        return key

    def operand(self, node: Any, functions: tuple[str, ...] = ("size",)) -> str:
        if isinstance(node, Path):
            return self.path(node)
        if isinstance(node, Call):
            if node.name not in functions:
                raise errors.partiql_unknown_function(node.name)
            return f"{node.name}({', '.join(self.operand(arg, functions) for arg in node.args)})"
        if isinstance(node, Arithmetic):
            return f"{self.operand(node.left, functions)} {node.op} {self.operand(node.right, functions)}"
        return self.value(node)

    def condition(self, node: Any) -> str:
        if isinstance(node, And):
            return f"({self.condition(node.left)}) AND ({self.condition(node.right)})"
        if isinstance(node, Or):
            return f"({self.condition(node.left)}) OR ({self.condition(node.right)})"
        if isinstance(node, Not):
            return f"NOT ({self.condition(node.operand)})"
        if isinstance(node, Compare):
            return f"{self.operand(node.left)} {node.op} {self.operand(node.right)}"
        if isinstance(node, Between):
            low, high = self.operand(node.low), self.operand(node.high)
            return f"{self.operand(node.operand)} BETWEEN {low} AND {high}"
        if isinstance(node, In):
            members = ", ".join(self.operand(member) for member in node.members)
            return f"{self.operand(node.operand)} IN ({members})"
        if isinstance(node, Missing):
            function = "attribute_exists" if node.negated else "attribute_not_exists"
            return f"{function}({self.operand(node.operand)})"
        if isinstance(node, IsNull):
            text = f"attribute_type({self.operand(node.operand)}, {self.value(Literal({'S': 'NULL'}))})"
            return f"NOT ({text})" if node.negated else text
        if isinstance(node, Call):
            if node.name not in CONDITION_FUNCTIONS or node.name == "size":
                raise errors.partiql_unknown_function(node.name)
            return f"{node.name}({', '.join(self.operand(arg) for arg in node.args)})"
        raise errors.partiql_where_not_boolean()

    def update(self, sets: tuple[tuple[Path, Any], ...], removes: tuple[Path, ...]) -> str:
        clauses = []
        assignments, adds, deletes = [], [], []
        for path, value in sets:
            if isinstance(value, Call) and value.name in ("set_add", "set_delete"):
                if len(value.args) != 2 or value.args[0] != path or not is_value(value.args[1]):
                    raise errors.partiql_unknown_function(value.name)
                (adds if value.name == "set_add" else deletes).append(f"{self.path(path)} {self.value(value.args[1])}")
            else:
                assignments.append(f"{self.path(path)} = {self.operand(value, UPDATE_FUNCTIONS)}")
        if assignments:
            clauses.append("SET " + ", ".join(assignments))
        if removes:
            clauses.append("REMOVE " + ", ".join(self.path(path) for path in removes))
        if adds:
            clauses.append("ADD " + ", ".join(adds))
        if deletes:
            clauses.append("DELETE " + ", ".join(deletes))
        return " ".join(clauses)
