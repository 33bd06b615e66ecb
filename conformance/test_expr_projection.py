# ruff: noqa: E501  (tables of DynamoDB messages, one per line)
"""ProjectionExpression and AttributesToGet on GetItem: the shape of projected items, and the
checks DynamoDB makes, with their messages."""

from __future__ import annotations

import pytest

from conformance.helpers import VALIDATION, assert_error, attributes_to_get_duplicate, service_behaviour

KEY = {"pk": {"S": "k"}}
N = {"N": "1"}
SEED = {
    "pk": {"S": "k"},
    "s": {"S": "xyz"},
    "n": {"N": "5"},
    "l": {"L": [{"M": {"a": N, "b": {"N": "2"}}}, {"M": {"a": {"N": "3"}}}, {"N": "7"}]},
    "m": {"M": {"a": {"M": {"b": N, "c": {"N": "2"}}}, "z": N, "e": {"M": {}}}},
}


@pytest.fixture
def table(ddb, make_table) -> str:
    name = make_table()
    ddb.put_item(TableName=name, Item=SEED)
    return name


def project(ddb, table: str, expression: str, names: dict | None = None) -> dict:
    kw = {"ExpressionAttributeNames": names} if names else {}
    return ddb.get_item(TableName=table, Key=KEY, ProjectionExpression=expression, **kw)["Item"]


@pytest.mark.parametrize(
    ("expression", "expected"),
    [
        ("s", {"s": {"S": "xyz"}}),
        ("s, n", {"s": {"S": "xyz"}, "n": {"N": "5"}}),
        ("pk", {"pk": {"S": "k"}}),
        ("q", {}),
        ("l[0].q", {}),
        ("m.a.x.y", {}),
        ("l[5]", {}),
        ("l[2].a", {}),
        ("m.e", {"m": {"M": {"e": {"M": {}}}}}),
        ("l[1].a, l[0].b", {"l": {"L": [{"M": {"b": {"N": "2"}}}, {"M": {"a": {"N": "3"}}}]}}),
        ("l[2], l[0].a", {"l": {"L": [{"M": {"a": N}}, {"N": "7"}]}}),
        ("l[2].a, l[1]", {"l": {"L": [{"M": {"a": {"N": "3"}}}]}}),
        ("m.a.c, m.z", {"m": {"M": {"a": {"M": {"c": {"N": "2"}}}, "z": N}}}),
        ("l[0][1]", {}),
        ("#a.#b", {"m": {"M": {"z": N}}}),
    ],
)
def test_projection(ddb, table, expression, expected):
    names = {"#a": "m", "#b": "z"} if "#" in expression else None
    assert project(ddb, table, expression, names) == expected


def test_attributes_to_get(ddb, table):
    got = ddb.get_item(TableName=table, Key=KEY, AttributesToGet=["s", "n", "q"])["Item"]
    assert got == {"s": {"S": "xyz"}, "n": {"N": "5"}}


def test_missing_item(ddb, table):
    assert "Item" not in ddb.get_item(TableName=table, Key={"pk": {"S": "none"}}, ProjectionExpression="s")


def invalid(detail: str) -> str:
    return f"Invalid ProjectionExpression: {detail}"


def paths(verb: str, one: str, two: str) -> str:
    return invalid(
        f"Two document paths {verb} with each other; must remove or rewrite one of these paths; path one: {one}, path two: {two}"
    )


@pytest.mark.parametrize(
    ("expression", "names", "message"),
    [
        ("", None, invalid("The expression can not be empty;")),
        ("s,", None, invalid('Syntax error; token: "<EOF>", near: ","')),
        ("size(s)", None, invalid('Syntax error; token: "(", near: "size(s"')),
        ("s n", None, invalid('Syntax error; token: "n", near: "s n"')),
        ("status", None, invalid("Attribute name is a reserved keyword; reserved keyword: status")),
        (
            "#s",
            None,
            invalid("An expression attribute name used in the document path is not defined; attribute name: #s"),
        ),
        ("m, m.x", None, paths("overlap", "[m]", "[m, x]")),
        ("m.x, m", None, paths("overlap", "[m, x]", "[m]")),
        ("s, s", None, paths("overlap", "[s]", "[s]")),
        ("l[1], l[0], l[1].a", None, paths("overlap", "[l, [1]]", "[l, [1], a]")),
        ("a.b, a[1]", None, paths("conflict", "[a, b]", "[a, [1]]")),
        ("a[1], a.b", None, paths("conflict", "[a, [1]]", "[a, b]")),
        ("m.x.q, m.x[0]", None, paths("conflict", "[m, x, q]", "[m, x, [0]]")),
        ("s", {"#a": "x"}, "Value provided in ExpressionAttributeNames unused in expressions: keys: {#a}"),
        ("a" + " " * 5000, None, invalid("Expression size has exceeded the maximum allowed size;")),
    ],
)
def test_projection_errors(ddb, table, expression, names, message):
    assert_error(lambda: project(ddb, table, expression, names), VALIDATION, message)


def test_projection_checked_before_key(ddb, table):
    assert_error(
        lambda: ddb.get_item(TableName=table, Key={"pk": {"N": "1"}}, ProjectionExpression="a ="),
        VALIDATION,
        invalid('Syntax error; token: "=", near: "a ="'),
    )


def test_names_without_projection(ddb, table):
    assert_error(
        lambda: ddb.get_item(TableName=table, Key=KEY, ExpressionAttributeNames={"#a": "a"}),
        VALIDATION,
        "ExpressionAttributeNames can only be specified when using expressions",
    )


def test_attributes_to_get_with_projection(ddb, table):
    assert_error(
        lambda: ddb.get_item(TableName=table, Key=KEY, AttributesToGet=["s"], ProjectionExpression="s"),
        VALIDATION,
        "Can not use both expression and non-expression parameters in the same request: Non-expression parameters: {AttributesToGet} Expression parameters: {ProjectionExpression}",
    )


@service_behaviour(
    "DynamoDB Local says 'Cannot have two attributes with the same name'",
    source="architect/dynalite test/getItem.js, 'should return ValidationException for duplicate values in "
    "AttributesToGet'",
)
def test_attributes_to_get_duplicates(ddb, table):
    assert_error(
        lambda: ddb.get_item(TableName=table, Key=KEY, AttributesToGet=["s", "n", "s"]),
        VALIDATION,
        attributes_to_get_duplicate("s"),
    )
