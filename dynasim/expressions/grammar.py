"""The expression grammar's parser, and lark's parse errors turned into DynamoDB's.

The grammar file is found by `dynasim.grammar_files`; the LALR parser is built once per process.
"""

from __future__ import annotations

from lark import Lark, Token, Tree
from lark.exceptions import UnexpectedCharacters, UnexpectedInput, UnexpectedToken

from dynasim import errors
from dynasim.grammar_files import grammar_text

GRAMMAR_FILE = "expressions.lark"

_parser: Lark | None = None


def parser() -> Lark:
    global _parser
    if _parser is None:
        _parser = Lark(
            grammar_text(GRAMMAR_FILE),
            parser="lalr",
            lexer="basic",
            start=["condition", "update", "projection"],
            propagate_positions=False,
            maybe_placeholders=False,
        )
    return _parser


def parse_tree(start: str, text: str, kind: str) -> Tree:
    """Parse `text` from the grammar's rule `start`; syntax errors are DynamoDB's, for `kind`
    (e.g. "UpdateExpression")."""
    try:
        return parser().parse(text, start=start)
    except UnexpectedInput as error:
        raise _syntax_error(error, text, kind) from None


def _syntax_error(error: UnexpectedInput, text: str, kind: str) -> errors.DynamoDBError:
    if isinstance(error, UnexpectedToken) and error.token.type == "$END":
        spans = tokens(text)
        start = spans[-1][0] if spans else 0
        return errors.expression_syntax(kind, "<EOF>", text[start:])
    if isinstance(error, UnexpectedToken):
        position = error.token.start_pos
    elif isinstance(error, UnexpectedCharacters):
        position = error.pos_in_stream
    else:  # pragma: no cover - lark raises only the two above for LALR
        position = 0
    spans = tokens(text)
    index = next((i for i, (start, _) in enumerate(spans) if start == position), None)
    if index is None:  # pragma: no cover - every error position starts a token
        return errors.expression_syntax(kind, text[position : position + 1], text[position:])
    start, end = spans[index]
    first = spans[index - 1][0] if index > 0 else start
    last = spans[index + 1][1] if index + 1 < len(spans) else len(text)
    return errors.expression_syntax(kind, text[start:end], text[first:last])


def tokens(text: str) -> list[tuple[int, int]]:
    """The (start, end) of every token of `text` as DynamoDB's lexer splits it: the grammar's
    terminals, and any character no terminal matches as a token of its own."""
    lexer = parser()
    spans: list[tuple[int, int]] = []
    offset = 0
    while offset <= len(text):
        rest = text[offset:]
        try:
            for token in lexer.lex(rest):
                assert isinstance(token, Token) and token.start_pos is not None and token.end_pos is not None
                spans.append((offset + token.start_pos, offset + token.end_pos))
        except UnexpectedCharacters as error:
            assert error.pos_in_stream is not None  # lark places every lexing error
            bad = offset + error.pos_in_stream
            spans.append((bad, bad + 1))
            offset = bad + 1
            continue
        break
    return spans
