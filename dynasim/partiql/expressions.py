"""A PartiQL statement's WHERE, SET and REMOVE as nodes of the expression AST.

Comparisons, BETWEEN, IN, AND/OR/NOT and the functions have the same shape in both languages;
IS [NOT] MISSING becomes attribute_exists / attribute_not_exists and IS [NOT] <type> a test of
attribute_type. Every value (literal or parameter) is bound once, under a key of its own, so the
expression engine checks and evaluates a statement's expressions with the code that serves
Query, Scan, PutItem, UpdateItem and DeleteItem, their errors worded for a statement
(`errors.STATEMENT`).

A statement is refused in two rounds, as DynamoDB refuses it: what PartiQL itself does not take
(an unknown function, an unsupported IS type, a WHERE that is no condition) as its expressions are
built; then, expression by expression, what the expression language refuses while reading one
(a list index out of range, list_append where it may not be, a path nested too deep) and the
checks that need its values.
"""

from __future__ import annotations

import copy
from dataclasses import dataclass
from typing import Any

from dynasim import errors
from dynasim.expressions import BoundCondition, BoundUpdate, bind_condition, bind_update
from dynasim.expressions import ast as expr
from dynasim.expressions.ast import MAX_LIST_INDEX, MAX_PATH_DEPTH
from dynasim.expressions.conditions import Context
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
from dynasim.values import AttributeValue, expression_value_depth, validate_value

CONDITION_FUNCTIONS = ("attribute_exists", "attribute_not_exists", "begins_with", "contains", "attribute_type")
OPERAND_FUNCTIONS = ("size",)
UPDATE_FUNCTIONS = ("list_append", "if_not_exists")
SET_FUNCTIONS = ("set_add", "set_delete")
_SET_TYPES = {"S": "SS", "N": "NS", "B": "BS"}
# The types IS tests (DynamoDB Local's answers; the service's are not recorded), as DynamoDB types.
IS_TYPES = {"NULL": "NULL", "BOOLEAN": "BOOL", "BLOB": "B", "STRING": "S", "NUMERIC": "N"}
IS_TYPES |= {"STRUCT": "M", "TUPLE": "M", "LIST": "L"}


# --- values and key equalities --------------------------------------------------------------


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
    assert isinstance(value, BagValue), f"not a value: {value!r}"
    members = [resolve(member, parameters) for member in value.members]
    kinds = {next(iter(member)) for member in members}
    # An empty bag literal is refused at parse time; this is an empty parameter list.
    if len(kinds) != 1 or next(iter(kinds)) not in _SET_TYPES:
        raise errors.partiql_bag_invalid()
    kind = next(iter(kinds))
    return {_SET_TYPES[kind]: [member[kind] for member in members]}


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


# --- building -------------------------------------------------------------------------------


@dataclass(frozen=True)
class Built:
    """One expression of a statement, built: its root, and the first error the expression
    language finds in reading it (raised when the expression is checked)."""

    root: Any
    error: errors.DynamoDBError | None = None


class StatementExpressions:
    """The expressions of one statement with its parameters, sharing one set of bound values."""

    def __init__(self, parameters: list[AttributeValue]) -> None:
        self.parameters = parameters
        self.values: dict[str, AttributeValue] = {}
        self.context = Context(errors.STATEMENT, {}, self.values)
        self._error: errors.DynamoDBError | None = None  # of the expression being built
        self._too_deep: int | None = None

    # expressions, each built on its own

    def condition(self, node: Any) -> Built:
        """A WHERE (or one of its AND-ed parts) as a condition."""
        return self._built(self._condition(node))

    def conjunction(self, parts: list[Any]) -> Built:
        """The AND of conditions, left to right (a DELETE's conditions besides its key, a
        SELECT's key conditions)."""
        root = self._condition(parts[0])
        for part in parts[1:]:
            root = expr.And(root, self._condition(part))
        return self._built(root)

    def update(self, sets: tuple[tuple[Path, Any], ...], removes: tuple[Path, ...]) -> Built:
        """SET and REMOVE as an update: assignments, removals, then set_add (ADD) and set_delete
        (DELETE), each in the order written."""
        actions: list[expr.Action] = []
        adds: list[expr.Action] = []
        deletes: list[expr.Action] = []
        for path, value in sets:
            if isinstance(value, Call) and value.name in SET_FUNCTIONS:
                _check_set_function(path, value)
                target, operand = self._path(path), self._value(value.args[1])
                if value.name == "set_add":
                    adds.append(expr.AddAction(target, operand))
                else:
                    deletes.append(expr.DeleteAction(target, operand))
            else:
                target = self._path(path)
                actions.append(expr.SetAction(target, self._operand(value, UPDATE_FUNCTIONS, None)))
        actions += [expr.RemoveAction(self._path(path)) for path in removes]
        actions += adds + deletes
        return self._built(expr.Update(tuple(actions), tuple(reversed(actions))))

    def _built(self, root: Any) -> Built:
        error = self._error
        if error is None and self._too_deep is not None:
            error = errors.expression_path_too_deep(errors.STATEMENT, self._too_deep)
        self._error, self._too_deep = None, None
        return Built(root, error)

    # binding: the expression language's checks, with this statement's values

    def bind_condition(self, built: Built) -> BoundCondition:
        if built.error is not None:
            raise built.error
        return bind_condition(built.root, self.context)

    def bind_update(self, built: Built) -> BoundUpdate:
        if built.error is not None:
            raise built.error
        return bind_update(built.root, self.context)

    # nodes

    def _condition(self, node: Any) -> expr.Condition:
        if isinstance(node, (And, Or)):
            joined = expr.And if isinstance(node, And) else expr.Or
            return joined(self._condition(node.left), self._condition(node.right))
        if isinstance(node, Not):
            return expr.Not(self._condition(node.operand))
        if isinstance(node, Compare):
            return self._comparison(node)
        if isinstance(node, Between):
            subject = self._operand(node.operand)
            return expr.Between(subject, self._operand(node.low), self._operand(node.high))
        if isinstance(node, In):
            subject = self._operand(node.operand)
            return expr.In(subject, tuple(self._operand(member) for member in node.members))
        if isinstance(node, Missing):
            function = "attribute_exists" if node.negated else "attribute_not_exists"
            return expr.Call(function, (self._operand(node.operand),))
        if isinstance(node, (IsNull, IsType)):
            return self._is_type(node)
        if isinstance(node, Call):
            return self._call(node, CONDITION_FUNCTIONS, None)
        raise errors.partiql_where_not_boolean()

    def _comparison(self, node: Compare) -> expr.Condition:
        truth = _truth_test(node)
        if truth is not None:
            test, holds = truth
            function = self._condition(test)
            return function if holds else expr.Not(function)
        return expr.Compare(node.op, self._operand(node.left), self._operand(node.right))

    def _is_type(self, node: IsNull | IsType) -> expr.Condition:
        type_name = "NULL" if isinstance(node, IsNull) else node.type_name
        if type_name not in IS_TYPES:
            assert isinstance(node, IsType)
            raise errors.partiql_is_type_unsupported(type_name, node.at)
        subject = self._operand(node.operand)
        test = expr.Call("attribute_type", (subject, self._value(Literal({"S": IS_TYPES[type_name]}))))
        return expr.Not(test) if node.negated else test

    def _operand(
        self, node: Any, functions: tuple[str, ...] = OPERAND_FUNCTIONS, inside: str | None = None
    ) -> expr.Operand:
        """An operand; `functions`: the functions it may call; `inside`: the function or
        arithmetic it is an operand of."""
        if isinstance(node, Path):
            return self._path(node)
        if isinstance(node, Call):
            return self._call(node, functions, inside)
        if isinstance(node, Arithmetic):  # only a SET value has arithmetic (the grammar's rule)
            left = self._operand(node.left, functions, "arithmetic")
            return expr.Arith(node.op, left, self._operand(node.right, functions, "arithmetic"))
        return self._value(node)

    def _call(self, node: Call, functions: tuple[str, ...], inside: str | None) -> expr.Call:
        if node.name not in functions:
            raise errors.partiql_unknown_function(node.name, node.at)
        if not node.args:  # the expression language has no call without operands
            raise errors.expression_operand_count(errors.STATEMENT, node.name, 0)
        if node.name == "list_append" and inside is not None:  # only as a whole SET value
            self._refuse(errors.expression_function_misused(errors.STATEMENT, node.name))
        return expr.Call(node.name, tuple(self._operand(arg, functions, node.name) for arg in node.args))

    def _path(self, path: Path) -> expr.Path:
        for part in path.parts:
            if isinstance(part, int) and part > MAX_LIST_INDEX:
                self._refuse(errors.expression_index_out_of_range(errors.STATEMENT, str(part)))
        if len(path.parts) > MAX_PATH_DEPTH and self._too_deep is None:
            self._too_deep = len(path.parts)
        return expr.Path(path.parts)

    def _value(self, node: Any) -> expr.Value:
        """The value, bound under a key of its own and normalised as a request's values are."""
        ref = f":{len(self.values)}"
        value = self.values[ref] = resolve(node, self.parameters)
        validate_value(value, max_depth=expression_value_depth())
        return expr.Value(ref)

    def _refuse(self, error: errors.DynamoDBError) -> None:
        """The expression language's first error in reading the expression being built."""
        if self._error is None:
            self._error = error


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
