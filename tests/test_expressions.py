# ruff: noqa: E501  (tables of DynamoDB messages, one per line)
"""Unit and property tests of dynasim.expressions: parse -> print -> parse round trips, the parse
cache, and KeyConditionExpression checks (Query itself comes later, so these run on the module)."""

from __future__ import annotations

import pytest
from expression_printer import to_text
from hypothesis import given, settings
from hypothesis import strategies as st

from dynasim import errors
from dynasim.expressions import Placeholders, _cache, compile_expression
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
from dynasim.storage.table import KeySchema

# --- strategies ------------------------------------------------------------------------------

names = st.sampled_from(["a", "b", "c", "attr", "x1", "Data_2", "#n", "#m"])
values = st.sampled_from([":v", ":w", ":x1"]).map(Value)


@st.composite
def paths(draw):
    elements = [draw(names)]
    for _ in range(draw(st.integers(0, 3))):
        elements.append(draw(st.one_of(names, st.integers(0, 20))))
    refs = tuple(e for e in elements if isinstance(e, str) and e.startswith("#"))
    return Path(tuple(elements), refs)


operands = st.one_of(paths(), values, st.builds(lambda p: Call("size", (p,)), paths()))
comparisons = st.builds(Compare, st.sampled_from(["=", "<>", "<", "<=", ">", ">="]), operands, operands)
predicates = st.one_of(
    comparisons,
    st.builds(Between, operands, operands, operands),
    st.builds(In, operands, st.lists(operands, min_size=1, max_size=4).map(tuple)),
    st.builds(lambda p: Call("attribute_exists", (p,)), paths()),
    st.builds(lambda p, v: Call("begins_with", (p, v)), paths(), values),
)
conditions = st.recursive(
    predicates,
    lambda inner: st.one_of(st.builds(And, inner, inner), st.builds(Or, inner, inner), st.builds(Not, inner)),
    max_leaves=8,
)
set_operands = st.one_of(
    paths(),
    values,
    st.builds(lambda p, v: Call("if_not_exists", (p, v)), paths(), values),
)
set_values = st.one_of(
    set_operands,
    st.builds(Arith, st.sampled_from(["+", "-"]), set_operands, set_operands),
    st.builds(lambda a, b: Call("list_append", (a, b)), set_operands, set_operands),
)


@st.composite
def updates(draw):
    actions = []
    kinds = draw(st.lists(st.sampled_from(["SET", "REMOVE", "ADD", "DELETE"]), min_size=1, max_size=4, unique=True))
    for kind in sorted(kinds, key=["SET", "REMOVE", "ADD", "DELETE"].index):
        for _ in range(draw(st.integers(1, 3))):
            if kind == "SET":
                actions.append(SetAction(draw(paths()), draw(set_values)))
            elif kind == "REMOVE":
                actions.append(RemoveAction(draw(paths())))
            elif kind == "ADD":
                actions.append(AddAction(draw(paths()), draw(values)))
            else:
                actions.append(DeleteAction(draw(paths()), draw(values)))
    return Update(tuple(actions))


# --- round trips -----------------------------------------------------------------------------


@settings(max_examples=300, deadline=None)
@given(conditions)
def test_condition_round_trip(tree):
    text = to_text(tree)
    assert compile_expression("ConditionExpression", text).root == tree
    assert to_text(compile_expression("ConditionExpression", text).root) == text


@settings(max_examples=200, deadline=None)
@given(updates())
def test_update_round_trip(tree):
    text = to_text(tree)
    assert compile_expression("UpdateExpression", text).root == tree


@settings(max_examples=100, deadline=None)
@given(st.lists(paths(), min_size=1, max_size=5))
def test_projection_round_trip(path_list):
    tree = Projection(tuple(path_list))
    assert compile_expression("ProjectionExpression", to_text(tree)).root == tree


def test_actions_checked_last_first():
    update = compile_expression("UpdateExpression", "DELETE d :v ADD c :v REMOVE b SET a = :v").root
    assert [type(a).__name__ for a in update.check_order] == [
        "SetAction",
        "RemoveAction",
        "AddAction",
        "DeleteAction",
    ]


def test_keywords_case_insensitive():
    lower = compile_expression("ConditionExpression", "a = :v and not b between :v and :w or c in (:v)")
    upper = compile_expression("ConditionExpression", "a = :v AND NOT b BETWEEN :v AND :w OR c IN (:v)")
    assert lower.root == upper.root


# --- cache -----------------------------------------------------------------------------------


def test_parse_is_cached(monkeypatch):
    from dynasim.expressions import grammar

    text = "SET cached_attr = :v"
    compile_expression("UpdateExpression", text)
    calls = []
    original = grammar.parser

    def counting():
        calls.append(1)
        return original()

    monkeypatch.setattr(grammar, "parser", counting)
    first = compile_expression("UpdateExpression", text)
    assert compile_expression("UpdateExpression", text) is first
    assert calls == []
    assert ("UpdateExpression", text) in _cache


def test_errors_are_cached_and_fresh():
    for _ in range(2):
        with pytest.raises(errors.DynamoDBError) as info:
            compile_expression("UpdateExpression", "SET a = = b")
        assert info.value.message == 'Invalid UpdateExpression: Syntax error; token: "=", near: "= = b"'


# --- key conditions --------------------------------------------------------------------------

SCHEMA = KeySchema("pk", "S", "sk", "N")
VALUES = {":p": {"S": "a"}, ":a": {"N": "1"}, ":b": {"N": "2"}, ":s": {"S": "x"}}


def key_condition(text: str, schema: KeySchema = SCHEMA, names: dict | None = None):
    used = {k: v for k, v in VALUES.items() if k in text}
    request: dict = {"ExpressionAttributeValues": used} if used else {}
    if names:
        request["ExpressionAttributeNames"] = names
    return Placeholders(request, ("KeyConditionExpression",), "").key_condition(text, schema)


@pytest.mark.parametrize(
    ("text", "sort"),
    [
        ("pk = :p", None),
        ("pk = :p AND sk = :a", ("=", ({"N": "1"},))),
        ("sk = :a AND pk = :p", ("=", ({"N": "1"},))),
        ("pk = :p AND sk BETWEEN :a AND :b", ("BETWEEN", ({"N": "1"}, {"N": "2"}))),
        ("pk = :p AND sk > :a", (">", ({"N": "1"},))),
        ("pk = :p AND :a < sk", (">", ({"N": "1"},))),
        ("(pk = :p) AND (sk <= :a)", ("<=", ({"N": "1"},))),
        (":p = pk", None),
    ],
)
def test_key_condition(text, sort):
    result = key_condition(text)
    assert result.hash_values == ({"S": "a"},)
    assert (None if result.sort is None else (result.sort.op, result.sort.values)) == sort


def test_key_condition_begins_with():
    schema = KeySchema("pk", "S", "sk", "S")
    result = key_condition("pk = :p AND begins_with(sk, :s)", schema)
    assert (result.sort.op, result.sort.values) == ("begins_with", ({"S": "x"},))


def test_key_condition_with_names():
    assert key_condition("#k = :p", names={"#k": "pk"}).hash_values == ({"S": "a"},)


# Messages as DynamoDB gives them for Query.
@pytest.mark.parametrize(
    ("text", "message"),
    [
        (
            "pk = :p AND begins_with(sk, :s)",
            "One or more parameter values were invalid: Condition parameter type does not match schema type",
        ),
        ("pk = :p AND sk <> :a", "Invalid operator used in KeyConditionExpression: <>"),
        ("pk = :p OR sk = :a", "Invalid operator used in KeyConditionExpression: OR"),
        ("NOT pk = :p", "Invalid operator used in KeyConditionExpression: NOT"),
        ("pk = :p AND sk IN (:a)", "Invalid operator used in KeyConditionExpression: IN"),
        (
            "pk = :p AND attribute_exists(sk)",
            "Invalid operator used in KeyConditionExpression: attribute_exists",
        ),
        ("pk = :p AND contains(sk, :s)", "Invalid operator used in KeyConditionExpression: contains"),
        (
            "pk = :p AND sk = :a AND sk = :b",
            "KeyConditionExpressions must only contain one condition per key",
        ),
        ("pk = :p AND pk = :p", "KeyConditionExpressions must only contain one condition per key"),
        ("pk < :p", "Query key condition not supported"),
        ("begins_with(pk, :p)", "Query key condition not supported"),
        ("sk = :a", "Query condition missed key schema element: pk"),
        ("pk = :p AND x = :a", "Query condition missed key schema element: sk"),
        ("pk = :p AND size(sk) = :a", "KeyConditionExpressions cannot contain nested operations"),
        (
            "pk = :a",
            "One or more parameter values were invalid: Condition parameter type does not match schema type",
        ),
        (
            "pk = :p AND sk = :s",
            "One or more parameter values were invalid: Condition parameter type does not match schema type",
        ),
        (
            "pk = sk",
            "Invalid condition in KeyConditionExpression: Multiple attribute names used in one condition",
        ),
        (
            "pk = :p AND sk BETWEEN :b AND :a",
            "Invalid KeyConditionExpression: The BETWEEN operator requires upper bound to be greater than or equal to lower bound; lower bound operand: AttributeValue: {N:2}, upper bound operand: AttributeValue: {N:1}",
        ),
        (
            "pk.x = :p",
            "Key attributes must be scalars; list random access '[]' and map lookup '.' are not allowed: Key: pk",
        ),
        (
            "pk[0] = :p",
            "Key attributes must be scalars; list random access '[]' and map lookup '.' are not allowed: Key: pk",
        ),
        (
            "pk = :p AND begins_with(sk, :a)",
            "Invalid KeyConditionExpression: Incorrect operand type for operator or function; operator or function: begins_with, operand type: N",
        ),
        (
            "pk = :p AND sk = sk",
            "Invalid KeyConditionExpression: The first operand must be distinct from the remaining operands for this operator or function; operator: =, first operand: [sk]",
        ),
    ],
)
def test_key_condition_errors(text, message):
    with pytest.raises(errors.DynamoDBError) as info:
        key_condition(text)
    assert info.value.message == message


def test_key_condition_hash_only_table():
    with pytest.raises(errors.DynamoDBError) as info:
        key_condition("pk = :p AND sk = :a", KeySchema("pk", "S"))
    assert info.value.message == "Query key condition not supported"
