"""The expression AST: plain frozen dataclasses built once from lark's tree, with placeholders
kept symbolic (`#name` and `:value` stay as written) so one parsed expression serves every
request that sends the same text.

`build` also runs the checks that depend on the text alone, in DynamoDB's order: redundant
parentheses anywhere; then, in reading order, reserved words, function names and where
functions may be used, and list index range; then nesting depth. The operator count is kept
for `Expression.check_operators`, which DynamoDB applies after the request's placeholders.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field
from importlib import resources
from typing import Any

from lark import Token, Tree

from dynasim import errors

MAX_PATH_DEPTH = 32
MAX_LIST_INDEX = 2**31 - 1
MAX_OPERATORS = 300


def _load_reserved() -> frozenset[str]:
    """AWS's published list ("Reserved words in DynamoDB", Developer Guide), word for word.
    DynamoDB Local accepts two of its words, SIZE and CONVERT, as attribute names; the
    service's list reserves them, so dynasim does too."""
    text = resources.files("dynasim.expressions").joinpath("reserved_words.txt").read_text("utf-8")
    return frozenset(line.strip().lower() for line in text.splitlines() if line.strip())


RESERVED_WORDS = _load_reserved()

# Function families: where each may appear.
CONDITION_FUNCTIONS = frozenset(
    {"attribute_exists", "attribute_not_exists", "attribute_type", "begins_with", "contains"}
)
OPERAND_FUNCTIONS = frozenset({"size"})
UPDATE_FUNCTIONS = frozenset({"if_not_exists", "list_append"})
FUNCTIONS = CONDITION_FUNCTIONS | OPERAND_FUNCTIONS | UPDATE_FUNCTIONS
ARITY = {
    "attribute_exists": 1,
    "attribute_not_exists": 1,
    "attribute_type": 2,
    "begins_with": 2,
    "contains": 2,
    "size": 1,
    "if_not_exists": 2,
    "list_append": 2,
}


# --- nodes ---------------------------------------------------------------------------------


@dataclass(frozen=True)
class Path:
    """A document path. Elements are attribute names (`str`; a `#name` placeholder keeps its
    `#`) and list indexes (`int`)."""

    elements: tuple[str | int, ...]
    refs: tuple[str, ...] = ()

    def resolve(self, names: dict[str, str]) -> tuple[str | int, ...]:
        """The path with placeholders replaced; the caller has checked that they are defined."""
        if not self.refs:
            return self.elements
        return tuple(
            names[element] if isinstance(element, str) and element[0] == "#" else element for element in self.elements
        )

    def text(self) -> str:
        out = ""
        for element in self.elements:
            out += f"[{element}]" if isinstance(element, int) else ("." if out else "") + element
        return out


@dataclass(frozen=True)
class Value:
    ref: str


@dataclass(frozen=True)
class Call:
    name: str
    args: tuple[Operand, ...]


@dataclass(frozen=True)
class Arith:
    op: str  # "+" or "-"
    left: Operand
    right: Operand


Operand = Path | Value | Call | Arith


@dataclass(frozen=True)
class Compare:
    op: str  # = <> < <= > >=
    left: Operand
    right: Operand


@dataclass(frozen=True)
class Between:
    subject: Operand
    low: Operand
    high: Operand


@dataclass(frozen=True)
class In:
    subject: Operand
    options: tuple[Operand, ...]


@dataclass(frozen=True)
class And:
    left: Condition
    right: Condition


@dataclass(frozen=True)
class Or:
    left: Condition
    right: Condition


@dataclass(frozen=True)
class Not:
    operand: Condition


Condition = Compare | Between | In | And | Or | Not | Call


@dataclass(frozen=True)
class SetAction:
    path: Path
    value: Operand


@dataclass(frozen=True)
class RemoveAction:
    path: Path


@dataclass(frozen=True)
class AddAction:
    path: Path
    value: Value


@dataclass(frozen=True)
class DeleteAction:
    path: Path
    value: Value


Action = SetAction | RemoveAction | AddAction | DeleteAction


@dataclass(frozen=True)
class Update:
    actions: tuple[Action, ...]  # as written
    # DynamoDB checks the actions from the last written to the first.
    check_order: tuple[Action, ...] = field(default=(), compare=False)


@dataclass(frozen=True)
class Projection:
    paths: tuple[Path, ...]


@dataclass(frozen=True)
class Expression:
    """A parsed, statically checked expression and what a request needs to check it fast."""

    kind: str  # "ConditionExpression", "UpdateExpression", ...
    root: Condition | Update | Projection
    names: frozenset[str] = field(default_factory=frozenset)  # every #name used
    values: frozenset[str] = field(default_factory=frozenset)  # every :value used
    operators: int = 0  # operators and functions, counted as DynamoDB counts them
    # The first element (a name, or a #name) of every path that goes further: `a` of `a.b`.
    nested_roots: frozenset[str] = field(default_factory=frozenset)

    def check_operators(self) -> None:
        """DynamoDB's limit on operators, reported after the expression's other errors,
        placeholders included (it stops counting at the first one too many)."""
        if self.operators > MAX_OPERATORS:
            raise errors.expression_too_many_operators(self.kind, MAX_OPERATORS + 1)


def iter_paths(node: Any) -> Iterator[Path]:
    """Every document path in an AST node, in reading order (update targets included)."""
    if isinstance(node, Path):
        yield node
    elif isinstance(node, (And, Or)):
        yield from iter_paths(node.left)
        yield from iter_paths(node.right)
    elif isinstance(node, Not):
        yield from iter_paths(node.operand)
    elif isinstance(node, Compare | Arith):
        yield from iter_paths(node.left)
        yield from iter_paths(node.right)
    elif isinstance(node, Between):
        for operand in (node.subject, node.low, node.high):
            yield from iter_paths(operand)
    elif isinstance(node, In):
        for operand in (node.subject, *node.options):
            yield from iter_paths(operand)
    elif isinstance(node, Call):
        for arg in node.args:
            yield from iter_paths(arg)
    elif isinstance(node, SetAction | AddAction | DeleteAction):
        yield node.path
        yield from iter_paths(node.value)
    elif isinstance(node, RemoveAction):
        yield node.path
    elif isinstance(node, Update):
        for action in node.actions:
            yield from iter_paths(action)
    elif isinstance(node, Projection):
        yield from node.paths


# --- building ------------------------------------------------------------------------------

_COMPARATORS = {"EQUALS": "=", "NE": "<>", "LT": "<", "LE": "<=", "GT": ">", "GE": ">="}
_CLAUSES = {
    "set_clause": "SET",
    "remove_clause": "REMOVE",
    "add_clause": "ADD",
    "delete_clause": "DELETE",
}


class _Builder:
    """Walks lark's tree (in source order) into AST nodes, checking as it goes."""

    def __init__(self, kind: str, update: bool) -> None:
        self.kind = kind
        self.update = update
        self.names: set[str] = set()
        self.values: set[str] = set()
        self.operators = 0
        self.too_deep: int | None = None  # nesting levels of the first path too deep

    # conditions

    def condition(self, tree: Tree) -> Condition:
        data = tree.data
        if data == "parens":
            (inner,) = tree.children
            return self.condition(inner)
        if data == "paren_call":
            return self.condition(self._unwrap_call(tree))
        if data in ("or_", "and_"):
            left, _, right = tree.children
            node_type = Or if data == "or_" else And
            self._count()  # DynamoDB counts logical operators too
            return node_type(self.condition(left), self.condition(right))
        if data == "not_":
            self._count()
            return Not(self.condition(tree.children[1]))
        if data == "comparison":
            left, op, right = tree.children
            assert isinstance(op, Token)
            self._count()
            return Compare(_COMPARATORS[op.type], self.operand(left), self.operand(right))
        if data == "between":
            subject, _, low, _, high = tree.children
            self._count()
            return Between(self.operand(subject), self.operand(low), self.operand(high))
        if data == "in_":
            subject, _, *options = tree.children
            self._count()
            return In(self.operand(subject), tuple(self.operand(option) for option in options))
        if data == "call":
            name = self._function_name(tree)
            if name not in CONDITION_FUNCTIONS:
                raise errors.expression_function_misused(self.kind, name)
            self._count()
            return Call(name, tuple(self.operand(arg) for arg in tree.children[1:]))
        raise AssertionError(f"unexpected condition node {data}")  # pragma: no cover

    def _unwrap_call(self, tree: Tree) -> Tree:
        (inner,) = tree.children
        return inner

    def operand(self, tree: Tree, inside: str | None = None) -> Operand:
        data = tree.data
        if data == "path":
            return self.path(tree)
        if data == "value":
            ref = str(tree.children[0])
            self.values.add(ref)
            return Value(ref)
        if data == "parens":
            (inner,) = tree.children
            return self.operand(inner, inside)
        if data == "paren_call":
            return self.operand(self._unwrap_call(tree), inside)
        if data == "arithmetic":
            left, op, right = tree.children
            self._count()
            return Arith(str(op), self.operand(left, "arithmetic"), self.operand(right, "arithmetic"))
        if data == "call":
            name = self._function_name(tree)
            if self.update:
                # list_append only as a whole SET value; if_not_exists anywhere but inside
                # another function's first operand is fine.
                if name == "list_append" and inside is not None:
                    raise errors.expression_function_misused(self.kind, name)
            elif name not in OPERAND_FUNCTIONS:
                raise errors.expression_function_misused(self.kind, name)
            self._count()
            return Call(name, tuple(self.operand(arg, name) for arg in tree.children[1:]))
        raise AssertionError(f"unexpected operand node {data}")  # pragma: no cover

    def _function_name(self, tree: Tree) -> str:
        name = str(tree.children[0])
        if name not in FUNCTIONS:
            raise errors.expression_function_unknown(self.kind, name)
        if self.update and name not in UPDATE_FUNCTIONS:
            raise errors.expression_function_not_allowed(self.kind, "update", name)
        if not self.update and name in UPDATE_FUNCTIONS:
            raise errors.expression_function_not_allowed(self.kind, "condition", name)
        return name

    def _count(self) -> None:
        self.operators += 1

    # paths

    def path(self, tree: Tree) -> Path:
        elements: list[str | int] = []
        refs: list[str] = []
        for token in tree.children:
            assert isinstance(token, Token)
            if token.type == "INDEX":
                index = int(token)
                if index > MAX_LIST_INDEX:
                    raise errors.expression_index_out_of_range(self.kind, str(token))
                elements.append(index)
            elif token.type == "NAME_REF":
                elements.append(str(token))
                refs.append(str(token))
                self.names.add(str(token))
            else:
                name = str(token)
                if name.lower() in RESERVED_WORDS:
                    raise errors.expression_reserved_word(self.kind, name)
                elements.append(name)
        if len(elements) > MAX_PATH_DEPTH and self.too_deep is None:
            self.too_deep = len(elements)
        return Path(tuple(elements), tuple(refs))

    # updates

    def update_root(self, tree: Tree) -> Update:
        seen: set[str] = set()
        actions: list[Action] = []
        for clause in tree.children:
            section = _CLAUSES[clause.data]
            items = clause.children[1:]
            if section == "SET":
                for action in items:
                    target, _, value = action.children
                    actions.append(SetAction(self.path(target), self.operand(value)))
            elif section == "REMOVE":
                actions.extend(RemoveAction(self.path(target)) for target in items)
            else:
                action_type = AddAction if section == "ADD" else DeleteAction
                for target, value in zip(items[::2], items[1::2], strict=False):
                    path = self.path(target)
                    operand = self.operand(value)
                    assert isinstance(operand, Value)
                    actions.append(action_type(path, operand))
            # A section's second clause is refused once read, after the errors found in it.
            if section in seen:
                raise errors.expression_section_repeated(section)
            seen.add(section)
        return Update(tuple(actions), tuple(reversed(actions)))


# lark's nodes that DynamoDB counts as operators: logical ones, comparisons, functions, + and -.
_OPERATOR_NODES = frozenset({"or_", "and_", "not_", "comparison", "between", "in_", "call", "arithmetic"})


def operator_depth(tree: Tree) -> int:
    """The most operators on any path from the root of lark's tree down (counted without recursing)."""
    deepest = 0
    pending = [(tree, 0)]
    while pending:
        node, depth = pending.pop()
        depth += node.data in _OPERATOR_NODES
        deepest = max(deepest, depth)
        pending.extend((child, depth) for child in node.children if isinstance(child, Tree))
    return deepest


def build(tree: Tree, kind: str) -> Expression:
    """Turn lark's tree for an expression of `kind` into a checked `Expression`. DynamoDB
    reports redundant parentheses before any other error, and a path nested too deep after
    the errors found in reading the expression (reserved words, functions, list indexes)."""
    if _has_redundant_parentheses(tree):
        raise errors.expression_redundant_parentheses(kind)
    if operator_depth(tree) > MAX_OPERATORS:
        # More operators than DynamoDB allows, nested in one another (NOT NOT ... under the 4 KB
        # limit): refused for their count, as DynamoDB refuses them, before any walk over the
        # tree recurses that deep. DynamoDB counts every operator and stops at the first one
        # past the limit.
        raise errors.expression_too_many_operators(kind, MAX_OPERATORS + 1)
    if tree.data == "update":
        builder = _Builder(kind, update=True)
        root: Condition | Update | Projection = builder.update_root(tree)
    elif tree.data == "projection":
        builder = _Builder(kind, update=False)
        root = Projection(tuple(builder.path(child) for child in tree.children))
    else:
        builder = _Builder(kind, update=False)
        root = builder.condition(tree)
    if builder.too_deep is not None:
        raise errors.expression_path_too_deep(kind, builder.too_deep)
    nested = frozenset(str(path.elements[0]) for path in iter_paths(root) if len(path.elements) > 1)
    return Expression(kind, root, frozenset(builder.names), frozenset(builder.values), builder.operators, nested)


def _has_redundant_parentheses(tree: Tree) -> bool:
    """Parentheses directly around parentheses, anywhere in the expression."""
    for node in tree.iter_subtrees():
        if node.data in ("parens", "paren_call"):
            (inner,) = node.children
            if isinstance(inner, Tree) and inner.data in ("parens", "paren_call"):
                if node.data == "parens" or inner.data == "paren_call":
                    return True
    return False
