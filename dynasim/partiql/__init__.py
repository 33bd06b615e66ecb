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

from lark import Lark
from lark.exceptions import LarkError

from dynasim import errors
from dynasim.partiql.ast import Build, Statement

GRAMMAR_FILE = "partiql.lark"
CACHE_SIZE = 4096
_PACKAGE = Path(__file__).resolve().parent.parent  # dynasim/

_parser: Lark | None = None
# text -> (statement, number of `?` parameters), or None for a statement that does not parse.
_cache: OrderedDict[str, tuple[Statement, int] | None] = OrderedDict()


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
    if text in _cache:
        found = _cache[text]
    else:
        try:
            build = Build()
            found = (build.transform(parser().parse(text)), build.parameters)
        except (LarkError, ValueError):
            found = None
        _cache[text] = found
        if len(_cache) > CACHE_SIZE:
            _cache.popitem(last=False)
    if found is None:
        raise errors.partiql_malformed(text)
    return found
