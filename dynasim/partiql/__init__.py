"""DynamoDB's PartiQL dialect: parsing (once per distinct statement text), and its expressions.

`grammar/partiql.lark` tokenizes and parses; `ast.Build` turns the tree into dataclasses with
the `?` parameters left symbolic, so `parse(text)` is cached by the text alone. A statement that
does not parse gets the reason DynamoDB's parser (PartiQL's) gives, worked out from the token
lark did not expect and what it would have taken there. `expressions` builds a statement's WHERE,
SET and REMOVE as nodes of the expression AST, so the engine checks and evaluates them with the
same code as Query, Scan, PutItem, UpdateItem and DeleteItem.
"""

from __future__ import annotations

from collections import OrderedDict

from lark import Lark, Token, Tree
from lark.exceptions import LarkError, UnexpectedCharacters, UnexpectedInput, VisitError

from dynasim import errors
from dynasim.grammar_files import grammar_text
from dynasim.partiql.ast import KEYWORDS, Build, Insert, MapValue, Select, Statement, Update, unexpected_word
from dynasim.partiql.expressions import check_set_operands
from dynasim.partiql.literals import check_values

GRAMMAR_FILE = "partiql.lark"
CACHE_SIZE = 4096

_parser: Lark | None = None
# text -> (statement, number of `?` parameters), or the error the text always raises.
_cache: OrderedDict[str, tuple[Statement, int] | errors.DynamoDBError] = OrderedDict()
MAX_OPERATORS = 300
MAX_VALUE_DEPTH = 32  # lists, maps and bags nested in one another, the item's own map included
_CONTAINERS = frozenset({"list", "map", "bag"})
_OPERATORS = frozenset(
    {"or_", "and_", "not_", "compare", "between", "in_", "missing", "present", "is_null", "not_null", "call"}
    | {"is_type", "is_not_type", "count_star", "plus", "minus"}
)
# Operators after which DynamoDB wants a right-hand side, and words after which a name is a target.
_INFIX = frozenset({"=", "<>", "!=", "<", "<=", ">", ">=", "+", "-", "and", "or", "in", "like", "between"})
_TARGETS = frozenset({"update", "into", "set", "remove"})
_OPEN = ("LBRACE", "LSQB", "_BAG_OPEN", "LPAR")
_CLOSE = ("RBRACE", "RSQB", "_BAG_CLOSE", "RPAR")


def parser() -> Lark:
    global _parser
    if _parser is None:
        _parser = Lark(
            grammar_text(GRAMMAR_FILE),
            parser="lalr",
            propagate_positions=False,
            maybe_placeholders=True,
            lexer_callbacks={"IDENT": _reserved},
        )
    return _parser


def _reserved(token: Token) -> Token:
    """A reserved word where a name may stand is no name: a KEYWORD, which only a function or
    type name may be (the rest of the grammar refuses it, with DynamoDB's syntax errors)."""
    if token.lower() in KEYWORDS:
        return Token.new_borrow_pos("KEYWORD", token, token)
    return token


def parse(text: str) -> tuple[Statement, int]:
    """The statement's AST and its number of parameters; DynamoDB's error if it does not parse."""
    found = _cache.get(text)
    if found is None:
        try:
            found = _parsed(text)
        except VisitError as error:
            inner = error.orig_exc
            found = inner if isinstance(inner, errors.DynamoDBError) else errors.partiql_malformed()
        except UnexpectedInput as error:
            found = errors.partiql_malformed(_syntax_problem(text, error))
        except (LarkError, ValueError):
            found = errors.partiql_malformed()
        except errors.DynamoDBError as error:
            found = error
        _cache[text] = found
        if len(_cache) > CACHE_SIZE:
            _cache.popitem(last=False)
    if isinstance(found, errors.DynamoDBError):
        raise errors.DynamoDBError(found.code, found.message, found.status, **found.extra)
    return found


def _parsed(text: str) -> tuple[Statement, int]:
    """The statement, once it passes DynamoDB's checks that need no table, in their order: the
    syntax (a literal the parser cannot convert among it), the statement's size, its literals'
    places, table aliases, then the values it writes."""
    tree = parser().parse(text)
    _check_size(tree)
    build = Build()
    statement = build.transform(tree)
    if isinstance(statement, Update):
        check_set_operands(statement.sets)
    _check_literals(text, statement)
    if getattr(statement, "aliased", False):
        raise errors.partiql_aliasing()
    check_values(statement)
    return statement, build.parameters


def _syntax_problem(text: str, error: UnexpectedInput) -> str | None:
    """The problem DynamoDB names (`errors.partiql_malformed`) in a statement that does not parse:
    none for text that does not lex; for a token it did not expect, what it wanted there, or
    what the token was."""
    token = getattr(error, "token", None)
    if isinstance(error, UnexpectedCharacters) or not isinstance(token, Token):
        return None
    expected = set(getattr(error, "expected", ()) or ())
    state = getattr(error, "interactive_parser", None)
    if state is not None:  # what the parser takes here, end of statement included
        expected = set(state.accepts())
    if "$END" in expected:
        return "token_after_expression"
    end = len(text) if token.type == "$END" else token.start_pos
    try:
        before = [str(previous).lower() for previous in parser().lex(text[:end])]
    except LarkError:
        before = []
    last = before[-1] if before else ""
    if expected <= {"LPAR"} and last in KEYWORDS:  # a reserved word where a name belongs
        return unexpected_word(last)
    if last == ".":
        return "path_dot"
    if last == "is" or before[-2:] == ["is", "not"]:
        return "type_name"
    if expected <= {"IDENT", "QUOTED"} and _target(before):
        return "simple_path"
    if token.type == "$END" and last in _INFIX:
        return "right_hand_side"
    return unexpected_word("" if token.type == "$END" else str(token))


def _target(before: list[str]) -> bool:
    """Whether the name the parser wants next is the table or attribute a statement writes, which
    DynamoDB reads as a simple path."""
    last = before[-1] if before else ""
    if last in _TARGETS or (last == "from" and before[0] == "delete"):
        return True
    clauses = [word for word in before if word in ("set", "remove", "where", "select", "returning")]
    return last == "," and bool(clauses) and clauses[-1] in ("set", "remove")


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
