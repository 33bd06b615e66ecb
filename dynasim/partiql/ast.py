"""The AST of a PartiQL statement: plain dataclasses built from lark's tree.

Parameters (`?`) stay symbolic (`Param(i)`, numbered in order of appearance), so one parsed
statement serves every request that repeats its text.
"""

from __future__ import annotations

import builtins
from dataclasses import dataclass, field
from typing import Any

from lark import Token
from lark.visitors import Transformer_NonRecursive

from dynasim import errors


def place(token: Token) -> str:
    """Where a token is in the statement, as DynamoDB's messages give it: line:column:length."""
    return f"{token.line}:{token.column}:{len(token)}"


@dataclass(frozen=True)
class Path:
    parts: tuple[str | int, ...]
    at: str = field(default="", compare=False)  # where its first name is

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
    name: str  # lower case
    args: tuple[Any, ...]
    at: str = field(default="", compare=False)  # where its name is
    star: bool = False  # COUNT(*)


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
class IsType:
    """`operand IS [NOT] <type>` for a type other than NULL and MISSING."""

    operand: Any
    type_name: str  # PartiQL's canonical name: BOOLEAN, STRING, CHARACTER_VARYING, ...
    negated: bool
    at: str = field(default="", compare=False)  # where IS is


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
    columns: tuple[Path | Call, ...] | None  # None: *
    table: str
    index: str | None
    where: Any
    order: tuple[Path, bool] | None = None  # ORDER BY: the path, and whether ascending
    limited: bool = False  # a LIMIT clause, which DynamoDB refuses
    aliased: bool = False  # an alias on the table, which DynamoDB refuses


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
    aliased: bool = False


@dataclass(frozen=True)
class Delete:
    table: str
    where: Any
    returning: str = "NONE"
    index: str | None = None
    aliased: bool = False


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


def operands(node: Any) -> list[Any]:
    """The operands of a condition or an expression, in the order they are written."""
    if isinstance(node, (And, Or, Compare, Arithmetic)):
        return [node.left, node.right]
    if isinstance(node, Between):
        return [node.operand, node.low, node.high]
    if isinstance(node, In):
        return [node.operand, *node.members]
    if isinstance(node, (Not, Missing, IsNull, IsType, Bare)):
        return [node.operand]
    if isinstance(node, Call):
        return list(node.args)
    return []


@dataclass(frozen=True)
class Unsupported:
    """A statement that parses but that DynamoDB does not run: an expression on its own, or an
    INSERT of a query's rows. `operation` names it as DynamoDB's message does."""

    operation: str


Statement = Select | Insert | Update | Delete | Exists | Unsupported
Runnable = Select | Insert | Update | Delete | Exists  # a statement DynamoDB runs


_INT = 2**31

# PartiQL's reserved words (SQL-92's and PartiQL's own): unquoted, none of them names an attribute.
KEYWORDS = frozenset(
    """absolute action add all allocate alter and any are as asc assertion at authorization avg begin between
    bit bit_length by cascade cascaded case cast catalog char character character_length char_length check
    close coalesce collate collation column commit connect connection constraint constraints continue convert
    corresponding count create cross current current_date current_time current_timestamp current_user cursor
    date deallocate dec decimal declare default deferrable deferred delete desc describe descriptor
    diagnostics disconnect distinct domain double drop else end end-exec escape except exception exec execute
    exists external extract date_add date_diff false fetch first float for foreign found from full get global
    go goto grant group having identity immediate in indicator initially inner input insensitive insert int
    integer intersect interval into is isolation join key language last left level like local lower match max
    min module names national natural nchar next no not null nullif numeric octet_length of on only open
    option or order outer output overlaps pad partial position precision prepare preserve primary prior
    privileges procedure public read real references relative restrict revoke right rollback rows schema
    scroll section select session session_user set size smallint some space sql sqlcode sqlerror sqlstate
    substring sum system_user table temporary then time timestamp to transaction translate translation trim
    true union unique unknown update upper usage user using value values varchar varying view when whenever
    where with work write zone can_cast can_lossless_cast missing pivot unpivot limit offset tuple remove
    index let integer2 int2 integer4 int4 integer8 int8 bigint conflict do nothing returning modified new old
    bool boolean string symbol clob blob struct list sexp bag""".split()
)
# Reserved words that may name a function, followed by "(".
FUNCTION_KEYWORDS = frozenset(
    "exists count avg max min sum substring char_length character_length octet_length bit_length upper lower "
    "size sexp list bag".split()
)
# What PartiQL's lexer reads as an operator.
OPERATORS = frozenset("and or not in is like between union except intersect = <> != < <= > >= + - / % ||".split())
# Type names after IS, and the name PartiQL gives each.
TYPE_NAMES = {
    "boolean": "BOOLEAN", "bool": "BOOLEAN", "smallint": "SMALLINT", "int2": "SMALLINT", "integer2": "SMALLINT",
    "integer4": "INTEGER4", "int4": "INTEGER4", "integer8": "INTEGER8", "int8": "INTEGER8", "bigint": "INTEGER8",
    "integer": "INTEGER", "int": "INTEGER", "float": "FLOAT", "real": "REAL", "double_precision": "DOUBLE_PRECISION",
    "decimal": "DECIMAL", "dec": "DECIMAL", "numeric": "NUMERIC", "timestamp": "TIMESTAMP", "date": "DATE",
    "time": "TIME", "character": "CHARACTER", "char": "CHARACTER", "character_varying": "CHARACTER_VARYING",
    "varchar": "CHARACTER_VARYING", "string": "STRING", "symbol": "SYMBOL", "clob": "CLOB", "blob": "BLOB",
    "struct": "STRUCT", "tuple": "TUPLE", "list": "LIST", "sexp": "SEXP", "bag": "BAG", "any": "ANY",
}  # fmt: skip
# The name DynamoDB gives a statement that is only an expression, by the expression's kind.
_COMPARISONS = {"=": "Eq", "<>": "Ne", "<": "Lt", "<=": "Lte", ">": "Gt", ">=": "Gte"}
_KINDS = {
    And: "And", Or: "Or", Not: "Not", Between: "Between", In: "InCollection", Missing: "IsType", IsNull: "IsType",
    IsType: "IsType", Call: "Call", Literal: "Lit", Param: "Parameter", ListValue: "List", MapValue: "Struct",
    BagValue: "Bag",
}  # fmt: skip


def expression_kind(node: Any) -> str:
    """PartiQL's name for the kind of an expression (`Eq`, `IsType`, `Id`, ...)."""
    if isinstance(node, Bare):
        node = node.operand
    if isinstance(node, (Missing, IsNull, IsType)) and node.negated:
        return "Not"  # IS NOT is NOT of IS
    if isinstance(node, Compare):
        return _COMPARISONS[node.op]
    if isinstance(node, Path):
        return "Id" if len(node.parts) == 1 else "Path"
    if isinstance(node, Call) and node.star:
        return "CallAgg"
    return _KINDS.get(type(node), type(node).__name__)


class Name(str):
    """A name in the statement, with where it is."""

    at: str = ""


@dataclass(frozen=True)
class Alias:
    pass


def _unquote(text: str, quote: str) -> str:
    return text[1:-1].replace(quote * 2, quote)


def unexpected_word(word: str) -> str:
    """What DynamoDB calls a word it did not expect where a term starts: an "operator", a
    "keyword" or a "term" (`errors.partiql_malformed`)."""
    word = word.lower()
    if word in OPERATORS:
        return "operator"
    return "keyword" if word in KEYWORDS else "term"


# The transformer's methods are named after the grammar's rules, and one of them is `list`: its
# annotations spell the built-in through these names.
Children = list[Any]
Tokens = list[Token]


class Build(Transformer_NonRecursive):
    """lark tree -> AST, without recursing (a statement's conditions may nest 300 operators
    deep). A fresh instance per parse (it numbers the parameters)."""

    def __init__(self) -> None:
        super().__init__()
        self.parameters = 0

    # names and paths
    def plain_name(self, children: Tokens) -> Name:
        name = Name(children[0])
        name.at = place(children[0])
        return name

    def quoted_name(self, children: Tokens) -> Name:
        name = Name(_unquote(str(children[0]), '"'))
        name.at = place(children[0])
        return name

    def path(self, children: Children) -> Path:
        parts: builtins.list[str | int] = []
        for child in children:
            if isinstance(child, Token) and child.type == "NUMBER":
                text = str(child)
                if not text.isdigit():
                    raise ValueError("list index must be an integer")
                parts.append(int(text))
            else:
                parts.append(str(child))
        return Path(tuple(parts), getattr(children[0], "at", ""))

    # values
    def string(self, children: Tokens) -> Literal:
        return Literal({"S": _unquote(str(children[0]), "'")})

    def number(self, children: Tokens) -> Literal:
        text = str(children[0])
        mantissa, _, written = text.lower().partition("e")
        if len(written.lstrip("+-").lstrip("0")) > 10:
            raise errors.partiql_malformed()
        # The literal is read as Java's BigDecimal reads it: the exponent, and the scale it leaves
        # (the digits after the point less the exponent), must be 32-bit integers.
        exponent = int(written or 0)
        scale = len(mantissa.partition(".")[2]) - exponent
        if not (-_INT <= exponent < _INT and -_INT <= scale < _INT):
            raise errors.partiql_malformed()
        return Literal({"N": text})

    def true(self, children: Children) -> Literal:
        return Literal({"BOOL": True})

    def false(self, children: Children) -> Literal:
        return Literal({"BOOL": False})

    def null(self, children: Children) -> Literal:
        return Literal({"NULL": True})

    def parameter(self, children: Children) -> Param:
        self.parameters += 1
        return Param(self.parameters - 1)

    def list(self, children: Children) -> ListValue:
        return ListValue(tuple(child for child in children if child is not None))

    def bag(self, children: Children) -> BagValue:
        return BagValue(tuple(child for child in children if child is not None))

    def pair(self, children: Children) -> tuple[str, Any]:
        key = str(children[0])
        return (_unquote(key, key[0]), children[1])

    def map(self, children: Children) -> MapValue:
        return MapValue(tuple(child for child in children if child is not None))

    # conditions and operands
    def comparator(self, children: Tokens) -> str:
        return "<>" if str(children[0]) == "!=" else str(children[0])

    def compare(self, children: Children) -> Compare:
        return Compare(children[1], children[0], children[2])

    def between(self, children: Children) -> Between:
        return Between(*children)

    def in_(self, children: Children) -> In:
        return In(children[0], tuple(children[1:]))

    def missing(self, children: Children) -> Missing:
        return Missing(children[0], False)

    def present(self, children: Children) -> Missing:
        return Missing(children[0], True)

    def is_null(self, children: Children) -> IsNull:
        return IsNull(children[0], False)

    def not_null(self, children: Children) -> IsNull:
        return IsNull(children[0], True)

    def type_name(self, children: Tokens) -> str:
        words = "_".join(str(child).lower() for child in children if child is not None)
        if words not in TYPE_NAMES:
            raise errors.partiql_malformed("type_name")
        return TYPE_NAMES[words]

    def is_type(self, children: Children) -> IsType:
        return IsType(children[0], children[2], False, place(children[1]))

    def is_not_type(self, children: Children) -> IsType:
        return IsType(children[0], children[2], True, place(children[1]))

    def and_(self, children: Children) -> And:
        return And(*children)

    def or_(self, children: Children) -> Or:
        return Or(*children)

    def not_(self, children: Children) -> Not:
        return Not(children[0])

    def call(self, children: Children) -> Call:
        name = children[0]
        if name.type == "KEYWORD" and name.lower() not in FUNCTION_KEYWORDS:
            raise errors.partiql_malformed(unexpected_word(name))
        return Call(name.lower(), tuple(child for child in children[1:] if child is not None), place(name))

    def count_star(self, children: Children) -> Call:
        return Call(children[0].lower(), (), place(children[0]), star=True)

    def plus(self, children: Children) -> Arithmetic:
        return Arithmetic("+", children[0], children[2])

    def minus(self, children: Children) -> Arithmetic:
        return Arithmetic("-", children[0], children[2])

    def where(self, children: Children) -> Any:
        return children[0]

    def bare_operand(self, children: Children) -> Bare:
        return Bare(children[0])

    def start(self, children: Children) -> Any:
        return children[0]

    # statements
    def bare(self, children: Children) -> Unsupported:
        return Unsupported(expression_kind(children[0]))

    def star(self, children: Children) -> None:
        return None

    def columns(self, children: builtins.list[Path | Call]) -> tuple[Path | Call, ...]:
        return tuple(children)

    def source(self, children: builtins.list[str]) -> tuple[str, str | None]:
        if len(children) > 2:
            raise errors.partiql_from_path_too_long()
        return str(children[0]), str(children[1]) if len(children) > 1 else None

    def alias(self, children: Children) -> Alias:
        return Alias()

    def limit(self, children: Children) -> Limit:
        return Limit()

    def select(self, children: Children) -> Select:
        table, index = children[1]
        where = order = None
        limited = aliased = False
        for child in children[2:]:
            if child is None:
                continue
            if isinstance(child, Limit):
                limited = True
            elif isinstance(child, Alias):
                aliased = True
            elif isinstance(child, Order):
                order = (child.path, child.ascending)
            else:
                where = child
        return Select(children[0], table, index, where, order, limited, aliased)

    def order(self, children: Children) -> Order:
        ascending = len(children) < 2 or str(children[1].children[0]).upper() == "ASC"
        return Order(children[0], ascending)

    def insert(self, children: Children) -> Insert:
        table, index = children[0]
        return Insert(table, children[1], index)

    def insert_query(self, children: Children) -> Unsupported:
        return Unsupported("Insert")

    def assignment(self, children: Children) -> tuple[Path, Any]:
        return children[0], children[1]

    def set_(self, children: Children) -> tuple[str, tuple[Any, ...]]:
        return "SET", tuple(children)

    def remove(self, children: Children) -> tuple[str, tuple[Any, ...]]:
        return "REMOVE", tuple(children)

    def returning(self, children: Tokens) -> str:
        scope = "ALL" if str(children[0]).upper() == "ALL" else "UPDATED"
        return f"{scope}_{str(children[1]).upper()}"

    def update(self, children: Children) -> Update:
        (table, index), *rest = children
        aliased = any(isinstance(child, Alias) for child in rest)
        returning = next((child for child in rest if isinstance(child, str)), "NONE")
        actions = [child for child in rest if isinstance(child, tuple)]
        where = next((child for child in rest if not isinstance(child, (str, tuple, Alias))), None)
        sets = tuple(pair for kind, members in actions if kind == "SET" for pair in members)
        removes = tuple(path for kind, members in actions if kind == "REMOVE" for path in members)
        return Update(table, sets, removes, where, returning, index, aliased)

    # FROM "T" WHERE ... SET ...: the same UPDATE, its clauses in another order.
    from_update = update

    def delete(self, children: Children) -> Delete:
        (table, index), *rest = children
        aliased = any(isinstance(child, Alias) for child in rest)
        returning = next((child for child in rest if isinstance(child, str)), "NONE")
        where = next((child for child in rest if not isinstance(child, (str, Alias))), None)
        return Delete(table, where, returning, index, aliased)

    def exists(self, children: Children) -> Exists:
        return Exists(children[0])
