"""The AST of a PartiQL statement: plain dataclasses built from lark's tree.

Parameters (`?`) stay symbolic (`Param(i)`, numbered in order of appearance), so one parsed
statement serves every request that repeats its text.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from lark import Token
from lark.visitors import Transformer_NonRecursive

from dynasim import errors


@dataclass(frozen=True)
class Path:
    parts: tuple[str | int, ...]

    @property
    def top(self) -> str:
        return self.parts[0]  # type: ignore[return-value]


@dataclass(frozen=True)
class Literal:
    value: dict[str, Any]  # an attribute value in DynamoDB's wire form


@dataclass(frozen=True)
class Param:
    index: int


@dataclass(frozen=True)
class ListValue:
    members: tuple[Any, ...]


@dataclass(frozen=True)
class MapValue:
    pairs: tuple[tuple[str, Any], ...]


@dataclass(frozen=True)
class BagValue:
    members: tuple[Any, ...]


@dataclass(frozen=True)
class Call:
    name: str
    args: tuple[Any, ...]


@dataclass(frozen=True)
class Arithmetic:
    op: str
    left: Any
    right: Any


@dataclass(frozen=True)
class Compare:
    op: str
    left: Any
    right: Any


@dataclass(frozen=True)
class Between:
    operand: Any
    low: Any
    high: Any


@dataclass(frozen=True)
class In:
    operand: Any
    members: tuple[Any, ...]


@dataclass(frozen=True)
class Missing:
    operand: Any
    negated: bool


@dataclass(frozen=True)
class IsNull:
    operand: Any
    negated: bool


@dataclass(frozen=True)
class Bare:
    """A path or value where a condition belongs (`WHERE x`): DynamoDB's error once evaluated."""

    operand: Any


@dataclass(frozen=True)
class And:
    left: Any
    right: Any


@dataclass(frozen=True)
class Or:
    left: Any
    right: Any


@dataclass(frozen=True)
class Not:
    operand: Any


@dataclass(frozen=True)
class Select:
    columns: tuple[Path, ...] | None  # None: *
    table: str
    index: str | None
    where: Any
    order: tuple[Path, bool] | None = None  # ORDER BY: the path, and whether ascending
    limited: bool = False  # a LIMIT clause, which DynamoDB refuses


@dataclass(frozen=True)
class Limit:
    pass


@dataclass(frozen=True)
class Order:
    path: Path
    ascending: bool


@dataclass(frozen=True)
class Insert:
    table: str
    value: Any
    index: str | None = None  # a write names an index only to be refused


@dataclass(frozen=True)
class Update:
    table: str
    sets: tuple[tuple[Path, Any], ...]
    removes: tuple[Path, ...]
    where: Any
    returning: str = "NONE"  # RETURNING as a ReturnValues choice
    index: str | None = None


@dataclass(frozen=True)
class Delete:
    table: str
    where: Any
    returning: str = "NONE"
    index: str | None = None


@dataclass(frozen=True)
class Exists:
    """EXISTS(SELECT ...) in ExecuteTransaction: a condition check on one item."""

    select: Select

    @property
    def table(self) -> str:
        return self.select.table

    @property
    def where(self) -> Any:
        return self.select.where


Statement = Select | Insert | Update | Delete | Exists


_INT = 2**31


def _unquote(text: str, quote: str) -> str:
    return text[1:-1].replace(quote * 2, quote)


class Build(Transformer_NonRecursive):
    """lark tree -> AST, without recursing (a statement's conditions may nest 300 operators
    deep). A fresh instance per parse (it numbers the parameters)."""

    def __init__(self) -> None:
        super().__init__()
        self.parameters = 0

    # names and paths
    def plain_name(self, children: list[Token]) -> str:
        return str(children[0])

    def quoted_name(self, children: list[Token]) -> str:
        return _unquote(str(children[0]), '"')

    def path(self, children: list[Any]) -> Path:
        parts: list[str | int] = []
        for child in children:
            if isinstance(child, Token) and child.type == "NUMBER":
                text = str(child)
                if not text.isdigit():
                    raise ValueError("list index must be an integer")
                parts.append(int(text))
            else:
                parts.append(child)
        return Path(tuple(parts))

    # values
    def string(self, children: list[Token]) -> Literal:
        return Literal({"S": _unquote(str(children[0]), "'")})

    def number(self, children: list[Token]) -> Literal:
        text = str(children[0])
        exponent = text.lower().partition("e")[2].lstrip("+-").lstrip("0")
        if len(exponent) > 10 or (exponent and int(exponent) >= _INT):
            # DynamoDB Local reads a literal's exponent as a 32-bit integer and finds a wider
            # one not well formed (the service's answer is not recorded).
            raise ValueError("exponent out of range")
        return Literal({"N": text})

    def true(self, children: list[Any]) -> Literal:
        return Literal({"BOOL": True})

    def false(self, children: list[Any]) -> Literal:
        return Literal({"BOOL": False})

    def null(self, children: list[Any]) -> Literal:
        return Literal({"NULL": True})

    def parameter(self, children: list[Any]) -> Param:
        self.parameters += 1
        return Param(self.parameters - 1)

    def list(self, children: list[Any]) -> ListValue:
        return ListValue(tuple(child for child in children if child is not None))

    def bag(self, children: list[Any]) -> BagValue:
        return BagValue(tuple(child for child in children if child is not None))

    def pair(self, children: list[Any]) -> tuple[str, Any]:
        key = str(children[0])
        return (_unquote(key, key[0]), children[1])

    def map(self, children: list[Any]) -> MapValue:
        return MapValue(tuple(child for child in children if child is not None))

    # conditions and operands
    def comparator(self, children: list[Token]) -> str:
        return "<>" if str(children[0]) == "!=" else str(children[0])

    def compare(self, children: list[Any]) -> Compare:
        return Compare(children[1], children[0], children[2])

    def between(self, children: list[Any]) -> Between:
        return Between(*children)

    def in_(self, children: list[Any]) -> In:
        return In(children[0], tuple(children[1:]))

    def missing(self, children: list[Any]) -> Missing:
        return Missing(children[0], False)

    def present(self, children: list[Any]) -> Missing:
        return Missing(children[0], True)

    def is_null(self, children: list[Any]) -> IsNull:
        return IsNull(children[0], False)

    def not_null(self, children: list[Any]) -> IsNull:
        return IsNull(children[0], True)

    def and_(self, children: list[Any]) -> And:
        return And(*children)

    def or_(self, children: list[Any]) -> Or:
        return Or(*children)

    def not_(self, children: list[Any]) -> Not:
        return Not(children[0])

    def call(self, children: list[Any]) -> Call:
        return Call(str(children[0]).lower(), tuple(children[1:]))

    def plus(self, children: list[Any]) -> Arithmetic:
        return Arithmetic("+", children[0], children[2])

    def minus(self, children: list[Any]) -> Arithmetic:
        return Arithmetic("-", children[0], children[2])

    def where(self, children: list[Any]) -> Any:
        return children[0]

    def bare(self, children: list[Any]) -> Bare:
        return Bare(children[0])

    def start(self, children: list[Any]) -> Any:
        return children[0]

    # statements
    def star(self, children: list[Any]) -> None:
        return None

    def columns(self, children: list[Path]) -> tuple[Path, ...]:
        return tuple(children)

    def source(self, children: list[str]) -> tuple[str, str | None]:
        if len(children) > 2:
            raise errors.partiql_from_path_too_long()
        return children[0], children[1] if len(children) > 1 else None

    def limit(self, children: list[Any]) -> Limit:
        return Limit()

    def select(self, children: list[Any]) -> Select:
        table, index = children[1]
        where = order = None
        limited = False
        for child in children[2:]:
            if child is None:
                continue
            if isinstance(child, Limit):
                limited = True
            elif isinstance(child, Order):
                order = (child.path, child.ascending)
            else:
                where = child
        return Select(children[0], table, index, where, order, limited)

    def order(self, children: list[Any]) -> Order:
        ascending = len(children) < 2 or str(children[1].children[0]).upper() == "ASC"
        return Order(children[0], ascending)

    def insert(self, children: list[Any]) -> Insert:
        table, index = children[0]
        return Insert(table, children[1], index)

    def assignment(self, children: list[Any]) -> tuple[Path, Any]:
        return children[0], children[1]

    def set_(self, children: list[Any]) -> tuple[str, tuple[Any, ...]]:
        return "SET", tuple(children)

    def remove(self, children: list[Any]) -> tuple[str, tuple[Any, ...]]:
        return "REMOVE", tuple(children)

    def returning(self, children: list[Token]) -> str:
        scope = "ALL" if str(children[0]).upper() == "ALL" else "UPDATED"
        return f"{scope}_{str(children[1]).upper()}"

    def update(self, children: list[Any]) -> Update:
        returning = "NONE"
        if children[-1] is None or isinstance(children[-1], str):
            returning = children.pop() or "NONE"
        (table, index), *actions = children
        where = None
        if actions and not isinstance(actions[-1], tuple):
            where = actions.pop()
        sets = tuple(pair for kind, members in actions if kind == "SET" for pair in members)
        removes = tuple(path for kind, members in actions if kind == "REMOVE" for path in members)
        return Update(table, sets, removes, where, returning, index)

    def delete(self, children: list[Any]) -> Delete:
        (table, index), *rest = children
        returning = rest.pop() if rest and isinstance(rest[-1], str) else "NONE"
        return Delete(table, rest[0] if rest else None, returning, index)

    def exists(self, children: list[Any]) -> Exists:
        return Exists(children[0])
