"""DynamoDB's PartiQL dialect: parsing (once per distinct statement text) and translation.

`grammar/partiql.lark` tokenizes and parses; `ast.Build` turns the tree into dataclasses with
the `?` parameters left symbolic, so `parse(text)` is cached by the text alone. `translate`
turns a statement's WHERE, SET and REMOVE into the expression language of the other operations
(placeholders for every name and value), so the engine evaluates them with the same code as
Query, Scan, PutItem, UpdateItem and DeleteItem.
"""

from __future__ import annotations

from collections import OrderedDict
from pathlib import Path

from lark import Lark, Tree
from lark.exceptions import LarkError, VisitError

from dynasim import errors
from dynasim.partiql.ast import Build, Insert, MapValue, Select, Statement

GRAMMAR_FILE = "partiql.lark"
CACHE_SIZE = 4096
_PACKAGE = Path(__file__).resolve().parent.parent  # dynasim/

_parser: Lark | None = None
# text -> (statement, number of `?` parameters), or the error the text always raises.
_cache: OrderedDict[str, tuple[Statement, int] | errors.DynamoDBError] = OrderedDict()
MAX_OPERATORS = 300
MAX_VALUE_DEPTH = 32  # lists, maps and bags nested in one another, the item's own map included
_CONTAINERS = frozenset({"list", "map", "bag"})
_OPERATORS = frozenset(
    {"or_", "and_", "not_", "compare", "between", "in_", "missing", "present", "is_null", "not_null", "call"}
    | {"plus", "minus"}
)
_OPEN = ("LBRACE", "LSQB", "_BAG_OPEN", "LPAR")
_CLOSE = ("RBRACE", "RSQB", "_BAG_CLOSE", "RPAR")


def grammar_path() -> Path:
    """The grammar file: `dynasim/grammar/` in a wheel, else the repository's `grammar/`."""
    for directory in (_PACKAGE / "grammar", _PACKAGE.parent / "grammar"):
        candidate = directory / GRAMMAR_FILE
        if candidate.is_file():
            return candidate
    raise FileNotFoundError(f"dynasim's {GRAMMAR_FILE} is neither in dynasim/grammar nor in grammar/")


def parser() -> Lark:
    global _parser
    if _parser is None:
        _parser = Lark(
            grammar_path().read_text(encoding="utf-8"),
            parser="lalr",
            propagate_positions=False,
            maybe_placeholders=True,
        )
    return _parser


def parse(text: str) -> tuple[Statement, int]:
    """The statement's AST and its number of parameters; DynamoDB's error if it does not parse."""
    found = _cache.get(text)
    if found is None:
        try:
            tree = parser().parse(text)
            _check_size(tree)
            build = Build()
            found = (build.transform(tree), build.parameters)
            _check_literals(text, found[0])
        except VisitError as error:
            inner = error.orig_exc
            found = inner if isinstance(inner, errors.DynamoDBError) else errors.partiql_malformed(text)
        except (LarkError, ValueError):
            found = errors.partiql_malformed(text)
        except errors.DynamoDBError as error:
            found = error
        _cache[text] = found
        if len(_cache) > CACHE_SIZE:
            _cache.popitem(last=False)
    if isinstance(found, errors.DynamoDBError):
        raise errors.DynamoDBError(found.code, found.message, found.status, **found.extra)
    return found


def _check_size(tree: Tree) -> None:
    """DynamoDB's limits on a statement's operators and on how deep its values nest, checked
    without recursing, so that the walks over the statement after them never recurse deeper."""
    operators = 0
    pending = [(tree, 0)]
    while pending:
        node, depth = pending.pop()
        if node.data in _CONTAINERS:
            depth += 1
            if depth > MAX_VALUE_DEPTH:
                raise errors.partiql_nesting_too_deep()
        elif node.data in _OPERATORS:
            operators += 1
            if operators > MAX_OPERATORS:
                raise errors.partiql_too_many_operators(MAX_OPERATORS)
        pending.extend((child, depth) for child in node.children if isinstance(child, Tree))


def _check_literals(text: str, statement: Statement) -> None:
    """DynamoDB's checks of a statement's literals, whose messages give a token's place in the
    text as line:column:length: empty bags, an INSERT value that is not a map, and a key given
    twice in that map."""
    tokens = list(parser().lex(text))
    where = [f"{token.line}:{token.column}:{len(token)}" for token in tokens]
    for index, token in enumerate(tokens[:-1]):
        if token.type == "_BAG_OPEN" and tokens[index + 1].type == "_BAG_CLOSE":
            raise errors.partiql_bag_empty(where[index])
    if isinstance(statement, Select) and statement.limited:
        last = max(index for index, token in enumerate(tokens) if token.type == "LIMIT")
        raise errors.partiql_limit_clause(where[min(last + 1, len(tokens) - 1)])
    if not isinstance(statement, Insert):
        return
    start = next(index for index, token in enumerate(tokens) if token.type == "_VALUE") + 1
    if not isinstance(statement.value, MapValue):
        raise errors.partiql_insert_not_struct(where[start])
    stack: list[tuple[int, set[str]]] = []  # per open bracket: where it opened, the map keys seen
    for index in range(start, len(tokens) - 1):
        token = tokens[index]
        if token.type in _OPEN:
            stack.append((index, set()))
        elif token.type in _CLOSE:
            stack.pop()
        elif stack and token.type in ("STRING", "QUOTED") and tokens[index + 1].type == "COLON":
            if token.type == "QUOTED":
                raise errors.partiql_key_not_string(where[index])
            opened, seen = stack[-1]
            key = str(token)[1:-1].replace("''", "'")
            if key in seen:
                # DynamoDB places the error at the key in the item itself, at the map in a nested one.
                raise errors.partiql_duplicate_key(key, where[index] if len(stack) == 1 else where[opened])
            seen.add(key)
