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
    IsType,
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

CONDITION_FUNCTIONS = ("attribute_exists", "attribute_not_exists", "begins_with", "contains", "attribute_type")
UPDATE_FUNCTIONS = ("list_append", "if_not_exists")
SET_FUNCTIONS = ("set_add", "set_delete")
_SET_TYPES = {"S": "SS", "N": "NS", "B": "BS"}
# The types IS tests (DynamoDB Local's answers; the service's are not recorded), as DynamoDB types.
IS_TYPES = {"NULL": ("NULL",), "BOOLEAN": ("BOOL",), "BLOB": ("B",), "STRING": ("S",), "NUMERIC": ("N",)}
IS_TYPES |= {"STRUCT": ("M",), "TUPLE": ("M",), "LIST": ("L",)}


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
            return self.call(node, functions)
        if isinstance(node, Arithmetic):
            return f"{self.operand(node.left, functions)} {node.op} {self.operand(node.right, functions)}"
        return self.value(node)

    def call(self, node: Call, functions: tuple[str, ...]) -> str:
        if node.name not in functions:
            raise errors.partiql_unknown_function(node.name, node.at)
        if not node.args:  # the expression language has no call without operands
            raise errors.expression_operand_count("FilterExpression", node.name, 0)
        return f"{node.name}({', '.join(self.operand(arg, functions) for arg in node.args)})"

    def condition(self, node: Any) -> str:
        if isinstance(node, And):
            return f"({self.condition(node.left)}) AND ({self.condition(node.right)})"
        if isinstance(node, Or):
            return f"({self.condition(node.left)}) OR ({self.condition(node.right)})"
        if isinstance(node, Not):
            return f"NOT ({self.condition(node.operand)})"
        if isinstance(node, Compare):
            truth = _truth_test(node)
            if truth is not None:
                test, holds = truth
                return self.condition(test) if holds else f"NOT ({self.condition(test)})"
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
            return self.is_type(node.operand, IS_TYPES["NULL"], node.negated)
        if isinstance(node, IsType):
            if node.type_name not in IS_TYPES:
                raise errors.partiql_is_type_unsupported(node.type_name, node.at)
            return self.is_type(node.operand, IS_TYPES[node.type_name], node.negated)
        if isinstance(node, Call):
            return self.call(node, CONDITION_FUNCTIONS)
        raise errors.partiql_where_not_boolean()

    def is_type(self, operand: Any, types: tuple[str, ...], negated: bool) -> str:
        path = self.operand(operand)
        text = " OR ".join(f"attribute_type({path}, {self.value(Literal({'S': kind}))})" for kind in types)
        return f"NOT ({text})" if negated else text

    def update(self, sets: tuple[tuple[Path, Any], ...], removes: tuple[Path, ...]) -> str:
        clauses = []
        assignments, adds, deletes = [], [], []
        for path, value in sets:
            if isinstance(value, Call) and value.name in SET_FUNCTIONS:
                _check_set_function(path, value)
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


def _check_set_function(target: Path, call: Call) -> None:
    """set_add and set_delete take the path they assign to, then a set: a set literal or a
    parameter (paritysuite partiqlFunctions.test.ts, live service 2026)."""
    function = call.name.upper()
    if len(call.args) != 2:
        raise errors.partiql_set_function_arity(function, call.at)
    first, second = call.args
    if first != target:
        raise errors.partiql_set_function_target(function, call.at)
    if not isinstance(second, (BagValue, Param)):
        raise errors.partiql_set_function_operand(function, first.at)


def check_set_operands(sets: tuple[tuple[Path, Any], ...]) -> None:
    """An empty set given to set_add or set_delete is refused, and without the place an empty set
    elsewhere is given (partiqlFunctions.test.ts, live service 2026)."""
    for _, value in sets:
        if isinstance(value, Call) and value.name in SET_FUNCTIONS:
            if any(isinstance(arg, BagValue) and not arg.members for arg in value.args):
                raise errors.partiql_bag_empty(None)


def _truth_test(node: Compare) -> tuple[Any, bool] | None:
    """A condition function compared with TRUE or FALSE (`attribute_exists(a) = true`): the
    function, and whether the comparison holds when it does. None for any other comparison."""
    for test, other in ((node.left, node.right), (node.right, node.left)):
        if isinstance(test, Call) and test.name in CONDITION_FUNCTIONS and node.op in ("=", "<>"):
            if isinstance(other, Literal) and "BOOL" in other.value:
                return test, other.value["BOOL"] == (node.op == "=")
    return None
