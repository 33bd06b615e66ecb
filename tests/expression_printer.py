"""For tests: printing an AST back to expression text (fully parenthesised where precedence needs it), so
that parse -> print -> parse gives the same AST."""

from __future__ import annotations

from typing import Any

from dynasim.expressions.ast import (
    AddAction,
    And,
    Arith,
    Between,
    Call,
    Compare,
    DeleteAction,
    In,
    Not,
    Or,
    Path,
    Projection,
    RemoveAction,
    SetAction,
    Update,
    Value,
)


def to_text(node: Any) -> str:
    if isinstance(node, Path):
        return node.text()
    if isinstance(node, Value):
        return node.ref
    if isinstance(node, Call):
        return f"{node.name}({', '.join(to_text(arg) for arg in node.args)})"
    if isinstance(node, Arith):
        return f"{to_text(node.left)} {node.op} {to_text(node.right)}"
    if isinstance(node, Compare):
        return f"{to_text(node.left)} {node.op} {to_text(node.right)}"
    if isinstance(node, Between):
        return f"{to_text(node.subject)} BETWEEN {to_text(node.low)} AND {to_text(node.high)}"
    if isinstance(node, In):
        return f"{to_text(node.subject)} IN ({', '.join(to_text(option) for option in node.options)})"
    if isinstance(node, (And, Or)):
        word = "AND" if isinstance(node, And) else "OR"
        return f"{_operand(node.left, node)} {word} {_operand(node.right, node, right=True)}"
    if isinstance(node, Not):
        return f"NOT {_operand(node.operand, node)}"
    if isinstance(node, Update):
        return _update(node)
    if isinstance(node, Projection):
        return ", ".join(to_text(path) for path in node.paths)
    raise TypeError(f"not an expression node: {node!r}")


_RANK = {Or: 1, And: 2, Not: 3}


def _operand(child: Any, parent: Any, right: bool = False) -> str:
    """A logical operand, parenthesised when the grammar would otherwise group it differently."""
    text = to_text(child)
    child_rank = _RANK.get(type(child), 4)
    parent_rank = _RANK[type(parent)]
    if child_rank < parent_rank or (right and child_rank == parent_rank and not isinstance(parent, Not)):
        return f"({text})"
    return text


def _update(update: Update) -> str:
    clauses: dict[str, list[str]] = {}
    for action in update.actions:
        if isinstance(action, SetAction):
            clauses.setdefault("SET", []).append(f"{to_text(action.path)} = {to_text(action.value)}")
        elif isinstance(action, RemoveAction):
            clauses.setdefault("REMOVE", []).append(to_text(action.path))
        elif isinstance(action, AddAction):
            clauses.setdefault("ADD", []).append(f"{to_text(action.path)} {to_text(action.value)}")
        elif isinstance(action, DeleteAction):
            clauses.setdefault("DELETE", []).append(f"{to_text(action.path)} {to_text(action.value)}")
    return " ".join(f"{word} {', '.join(items)}" for word, items in clauses.items())
