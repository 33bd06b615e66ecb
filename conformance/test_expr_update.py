# ruff: noqa: E501  (tables of DynamoDB messages, one per line)
"""UpdateItem with UpdateExpression: SET/REMOVE/ADD/DELETE semantics, ReturnValues, and every
check DynamoDB makes on an update expression, with its message."""

from __future__ import annotations

from typing import Any

import pytest

from conformance.helpers import (
    NEWER_FRAMEWORK,
    NUMBER_UNDERFLOW,
    RETURN_VALUES_NEWER,
    VALIDATION,
    VALUES_DIFFER,
    WRITE_ENVELOPE,
    assert_error,
    constraint_error,
    enveloped,
    service_behaviour,
    strip_metadata,
)

KEY = {"pk": {"S": "k"}}
SEED = {
    "pk": {"S": "k"},
    "n": {"N": "5"},
    "s": {"S": "xyz"},
    "l": {"L": [{"N": "1"}, {"N": "2"}]},
    "m": {"M": {"x": {"N": "1"}, "y": {"S": "why"}}},
    "ss": {"SS": ["a", "b"]},
    "ns": {"NS": ["1", "2"]},
}


@pytest.fixture
def table(ddb, make_table) -> str:
    name = make_table()
    ddb.put_item(TableName=name, Item=SEED)
    return name


def update(ddb, table: str, expression: str, values: dict | None = None, names: dict | None = None, **kw: Any):
    if values is not None:
        kw["ExpressionAttributeValues"] = values
    if names is not None:
        kw["ExpressionAttributeNames"] = names
    return strip_metadata(ddb.update_item(TableName=table, Key=KEY, UpdateExpression=expression, **kw))


def stored(ddb, table: str) -> dict:
    return ddb.get_item(TableName=table, Key=KEY).get("Item", {})


def invalid(detail: str) -> str:
    return f"Invalid UpdateExpression: {detail}"


N1 = {":v": {"N": "1"}}


# --- semantics -----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("expression", "values", "expected"),
    [
        ("SET a = :v", N1, {"a": {"N": "1"}}),
        ("SET a = n + :v", N1, {"a": {"N": "6"}}),
        ("SET a = :v - n", N1, {"a": {"N": "-4"}}),
        ("SET a = (n)", None, {"a": {"N": "5"}}),
        ("SET a = if_not_exists(q, :v)", N1, {"a": {"N": "1"}}),
        ("SET a = if_not_exists(n, :v) + :v", N1, {"a": {"N": "6"}}),
        (
            "SET a = list_append(l, :w)",
            {":w": {"L": [{"S": "z"}]}},
            {"a": {"L": [{"N": "1"}, {"N": "2"}, {"S": "z"}]}},
        ),
        (
            "SET a = list_append(:w, l)",
            {":w": {"L": [{"S": "z"}]}},
            {"a": {"L": [{"S": "z"}, {"N": "1"}, {"N": "2"}]}},
        ),
        ("SET a = m.x", None, {"a": {"N": "1"}}),
        ("SET m.z = :v", N1, {"m": {"M": {"x": {"N": "1"}, "y": {"S": "why"}, "z": {"N": "1"}}}}),
        ("SET l[0] = :v", {":v": {"S": "first"}}, {"l": {"L": [{"S": "first"}, {"N": "2"}]}}),
        ("SET l[9] = :v", N1, {"l": {"L": [{"N": "1"}, {"N": "2"}, {"N": "1"}]}}),
        ("REMOVE n, m.x", None, {"n": None, "m": {"M": {"y": {"S": "why"}}}}),
        ("REMOVE l[0]", None, {"l": {"L": [{"N": "2"}]}}),
        ("REMOVE l[5], q", None, {"l": {"L": [{"N": "1"}, {"N": "2"}]}}),
        ("ADD n :v", {":v": {"N": "2.5"}}, {"n": {"N": "7.5"}}),
        ("ADD q :v", {":v": {"N": "-3"}}, {"q": {"N": "-3"}}),
        ("ADD ss :v", {":v": {"SS": ["c", "a"]}}, {"ss": {"SS": ["a", "b", "c"]}}),
        ("ADD m.q :v", N1, {"m": {"M": {"x": {"N": "1"}, "y": {"S": "why"}, "q": {"N": "1"}}}}),
        ("ADD l[0] :v", N1, {"l": {"L": [{"N": "2"}, {"N": "2"}]}}),
        ("DELETE ss :v", {":v": {"SS": ["a", "zz"]}}, {"ss": {"SS": ["b"]}}),
        ("DELETE ns :v", {":v": {"NS": ["1", "2"]}}, {"ns": None}),
        ("DELETE q :v", {":v": {"NS": ["1"]}}, {"q": None}),
        ("set a = :v remove n", N1, {"a": {"N": "1"}, "n": None}),
        (
            "REMOVE n SET a = :v ADD b :v DELETE ss :w",
            {":v": {"N": "1"}, ":w": {"SS": ["a"]}},
            {"n": None, "a": {"N": "1"}, "b": {"N": "1"}, "ss": {"SS": ["b"]}},
        ),
    ],
)
def test_update_semantics(ddb, table, expression, values, expected):
    update(ddb, table, expression, values)
    item = stored(ddb, table)
    for name, value in expected.items():
        assert item.get(name) == value, name  # sets too: they keep DynamoDB's member order


def test_placeholders(ddb, table):
    update(ddb, table, "SET #a.#b = :v, #c = #a.#b", {":v": {"S": "new"}}, {"#a": "m", "#b": "x", "#c": "copy"})
    item = stored(ddb, table)
    assert item["m"]["M"]["x"] == {"S": "new"}
    assert item["copy"] == {"N": "1"}  # operands read the item as it was


def test_creates_missing_item(ddb, table):
    key = {"pk": {"S": "fresh"}}
    ddb.update_item(TableName=table, Key=key, UpdateExpression="SET a = :v", ExpressionAttributeValues=N1)
    assert ddb.get_item(TableName=table, Key=key)["Item"] == {"pk": {"S": "fresh"}, "a": {"N": "1"}}


def test_no_update_expression_creates_key_only_item(ddb, table):
    key = {"pk": {"S": "bare"}}
    assert strip_metadata(ddb.update_item(TableName=table, Key=key)) == {}
    assert ddb.get_item(TableName=table, Key=key)["Item"] == key


@pytest.mark.parametrize(
    ("return_values", "expected"),
    [
        ("NONE", {}),
        ("ALL_OLD", {"Attributes": SEED}),
        ("UPDATED_OLD", {"Attributes": {"n": {"N": "5"}}}),
        ("UPDATED_NEW", {"Attributes": {"n": {"N": "6"}, "a": {"N": "1"}}}),
    ],
)
def test_return_values(ddb, table, return_values, expected):
    got = update(ddb, table, "SET n = n + :v, a = :v REMOVE q", N1, ReturnValues=return_values)
    assert got == expected


def test_updated_new_of_a_remove_only_update(ddb, table):
    """Nothing was given a new value, so nothing comes back (paritysuite/dynamodb-conformance
    tests/tier1/updateItem/basic.test.ts, live service 2026)."""
    assert update(ddb, table, "REMOVE s", ReturnValues="UPDATED_NEW") == {}


@service_behaviour(
    "DynamoDB Local returns the whole top-level attribute",
    source="paritysuite/dynamodb-conformance tests/tier1/updateItem/paths.test.ts (live service, 2026)",
)
def test_updated_new_of_two_members_of_one_map(ddb, table):
    """Every member written comes back, not only the last (paritysuite/dynamodb-conformance
    tests/tier1/updateItem/paths.test.ts, live service 2026)."""
    got = update(ddb, table, "SET m.a = :a, m.b = :b", {":a": {"S": "x"}, ":b": {"S": "y"}}, ReturnValues="UPDATED_NEW")
    assert got == {"Attributes": {"m": {"M": {"a": {"S": "x"}, "b": {"S": "y"}}}}}


def test_return_all_new(ddb, table):
    got = update(ddb, table, "SET a = :v", N1, ReturnValues="ALL_NEW")
    assert got == {"Attributes": {**SEED, "a": {"N": "1"}}}


def test_return_values_of_created_item(ddb, table):
    key = {"pk": {"S": "new"}}
    call = ddb.update_item
    old = call(
        TableName=table,
        Key=key,
        UpdateExpression="SET a = :v",
        ExpressionAttributeValues=N1,
        ReturnValues="ALL_OLD",
    )
    assert "Attributes" not in old
    key2 = {"pk": {"S": "new2"}}
    new = call(
        TableName=table,
        Key=key2,
        UpdateExpression="SET a = :v",
        ExpressionAttributeValues=N1,
        ReturnValues="UPDATED_OLD",
    )
    assert "Attributes" not in new


@service_behaviour(
    "DynamoDB Local returns the whole top-level attribute",
    source="Developer Guide, UpdateItem example with ReturnValues UPDATED_NEW: 'info' holds just the "
    "updated members",
)
def test_updated_new_of_nested_path(ddb, table):
    """The service returns only the updated nested paths."""
    got = update(ddb, table, "SET m.x = :v", {":v": {"N": "9"}}, ReturnValues="UPDATED_NEW")
    assert got == {"Attributes": {"m": {"M": {"x": {"N": "9"}}}}}


def test_condition_on_update(ddb, table):
    values = {":v": {"N": "1"}, ":five": {"N": "5"}}
    update(ddb, table, "SET a = :v", values, ConditionExpression="n = :five")
    assert stored(ddb, table)["a"] == {"N": "1"}
    error = assert_error(
        lambda: update(
            ddb,
            table,
            "SET b = :v",
            values,
            ConditionExpression="n <> :five",
            ReturnValuesOnConditionCheckFailure="ALL_OLD",
        ),
        "ConditionalCheckFailedException",
        "The conditional request failed",
    )
    assert error.response["Item"]["n"] == {"N": "5"}
    assert "b" not in stored(ddb, table)


def test_condition_on_missing_item(ddb, table):
    key = {"pk": {"S": "absent"}}
    error = assert_error(
        lambda: ddb.update_item(
            TableName=table,
            Key=key,
            UpdateExpression="SET a = :v",
            ConditionExpression="attribute_exists(pk)",
            ExpressionAttributeValues=N1,
            ReturnValuesOnConditionCheckFailure="ALL_OLD",
        ),
        "ConditionalCheckFailedException",
        "The conditional request failed",
    )
    assert "Item" not in error.response
    assert "Item" not in ddb.get_item(TableName=table, Key=key)


# --- errors ---------------------------------------------------------------------------------------

PRECISION = "DynamoDB only supports precision up to 38 digits"
MISSING = "The provided expression refers to an attribute that does not exist in the item"
BAD_OPERAND = "An operand in the update expression has an incorrect data type"
BAD_PATH = "The document path provided in the update expression is invalid for update"
KEY_UPDATE = "One or more parameter values were invalid: Cannot update attribute pk. This attribute is part of the key"


def overlap(one: str, two: str) -> str:
    return invalid(
        "Two document paths overlap with each other; must remove or rewrite one of these paths; "
        f"path one: {one}, path two: {two}"
    )


@pytest.mark.parametrize(
    ("expression", "values", "names", "message"),
    [
        ("", None, None, invalid("The expression can not be empty;")),
        ("SET", None, None, invalid('Syntax error; token: "<EOF>", near: "SET"')),
        ("SET a", None, None, invalid('Syntax error; token: "<EOF>", near: "a"')),
        ("SET a = = b", None, None, invalid('Syntax error; token: "=", near: "= = b"')),
        ("set a = b,", None, None, invalid('Syntax error; token: "<EOF>", near: ","')),
        ("FOO a", None, None, invalid('Syntax error; token: "FOO", near: "FOO a"')),
        ("SET a = b c", None, None, invalid('Syntax error; token: "c", near: "b c"')),
        ("SET a.b[x] = :v", N1, None, invalid('Syntax error; token: "x", near: "[x]"')),
        ("SET #", None, None, invalid('Syntax error; token: "#", near: "SET #"')),
        ("SET a = :", None, None, invalid('Syntax error; token: ":", near: "= :"')),
        ('SET a = "x"', None, None, invalid('Syntax error; token: """, near: "= "x"')),
        ("SET a = 1", None, None, invalid('Syntax error; token: "1", near: "= 1"')),
        ("SET a-b = c", None, None, invalid('Syntax error; token: "-", near: "a-b"')),
        ("SET a = b + c + d", None, None, invalid('Syntax error; token: "+", near: "c + d"')),
        ("SET a = (b + c) + d", None, None, invalid('Syntax error; token: "+", near: ") + d"')),
        ("SET a[-1] = b", None, None, invalid('Syntax error; token: "-", near: "[-1"')),
        ("SET a[01] = b", None, None, invalid('Syntax error; token: "1", near: "01]"')),
        ("SET a = b;", None, None, invalid('Syntax error; token: ";", near: "b;"')),
        ("   ", None, None, invalid('Syntax error; token: "<EOF>", near: "   "')),
        ("ADD n n", None, None, invalid('Syntax error; token: "n", near: "n n"')),
        ("SET a = set", None, None, invalid('Syntax error; token: "set", near: "= set"')),
        ("SET a = _a", None, None, invalid('Syntax error; token: "_", near: "= _a"')),
        ("REMOVE size(b)", None, None, invalid('Syntax error; token: "(", near: "size(b"')),
        (
            "SET a = b SET c = d",
            None,
            None,
            invalid('The "SET" section can only be used once in an update expression;'),
        ),
        (
            "REMOVE a SET b = c REMOVE d",
            None,
            None,
            invalid('The "REMOVE" section can only be used once in an update expression;'),
        ),
        ("SET a = ((b))", None, None, invalid("The expression has redundant parentheses;")),
        (
            "SET a = size(b)",
            None,
            None,
            invalid("The function is not allowed in an update expression; function: size"),
        ),
        (
            "SET a = attribute_exists(b)",
            None,
            None,
            invalid("The function is not allowed in an update expression; function: attribute_exists"),
        ),
        ("SET a = foo(b)", None, None, invalid("Invalid function name; function: foo")),
        (
            "SET a = if_not_exists(b)",
            None,
            None,
            invalid(
                "Incorrect number of operands for operator or function; operator or function: if_not_exists, number of operands: 1"
            ),
        ),
        (
            "SET a = list_append(b, c, d)",
            None,
            None,
            invalid(
                "Incorrect number of operands for operator or function; operator or function: list_append, number of operands: 3"
            ),
        ),
        (
            "SET a = if_not_exists(:v, q)",
            N1,
            None,
            invalid("Operator or function requires a document path; operator or function: if_not_exists"),
        ),
        (
            "SET a = list_append(b, :v) + :v",
            N1,
            None,
            invalid("The function is not allowed to be used this way in an expression; function: list_append"),
        ),
        (
            "SET a = if_not_exists(n, list_append(l, l))",
            None,
            None,
            invalid("The function is not allowed to be used this way in an expression; function: list_append"),
        ),
        (
            "SET status = b",
            None,
            None,
            invalid("Attribute name is a reserved keyword; reserved keyword: status"),
        ),
        (
            "SET a.Status = b",
            None,
            None,
            invalid("Attribute name is a reserved keyword; reserved keyword: Status"),
        ),
        (
            "SET #q = :u, status = :w",
            None,
            None,
            invalid("Attribute name is a reserved keyword; reserved keyword: status"),
        ),
        (
            "SET a = :v",
            None,
            None,
            invalid("An expression attribute value used in expression is not defined; attribute value: :v"),
        ),
        (
            "SET #a = b",
            None,
            None,
            invalid("An expression attribute name used in the document path is not defined; attribute name: #a"),
        ),
        (
            "SET #a = :q, #b = :v",
            N1,
            {"#a": "x"},
            invalid("An expression attribute name used in the document path is not defined; attribute name: #b"),
        ),
        (
            "SET a = :q + #x",
            N1,
            None,
            invalid("An expression attribute value used in expression is not defined; attribute value: :q"),
        ),
        (
            "SET #c = :v SET abOrt = :v",
            N1,
            {"#c": "c"},
            invalid("Attribute name is a reserved keyword; reserved keyword: abOrt"),
        ),
        ("SET c = :v SET d = foo(:v)", N1, None, invalid("Invalid function name; function: foo")),
        (
            "SET c = :v REMOVE d SET e = :v REMOVE status",
            N1,
            None,
            invalid('The "SET" section can only be used once in an update expression;'),
        ),
        (
            "SET a[99999999999] = b",
            None,
            None,
            invalid("List index is not within the allowable range; index: [99999999999]"),
        ),
        (
            "SET a" + ".b" * 40 + " = :v",
            N1,
            None,
            invalid("The document path has too many nesting levels; nesting levels: 41"),
        ),
        ("SET a = b, a = c", None, None, overlap("[a]", "[a]")),
        ("SET a = b, a.c = c", None, None, overlap("[a]", "[a, c]")),
        ("SET a.b = b, a = c", None, None, overlap("[a, b]", "[a]")),
        ("SET a[1] = b, a[1].c = d", None, None, overlap("[a, [1]]", "[a, [1], c]")),
        ("REMOVE a, a", None, None, overlap("[a]", "[a]")),
        ("SET a = b REMOVE a", None, None, overlap("[a]", "[a]")),
        ("SET #x = :v, #y = :v", N1, {"#x": "same", "#y": "same"}, overlap("[same]", "[same]")),
        (
            "SET a.b = :v, a[1] = :v",
            N1,
            None,
            invalid(
                "Two document paths conflict with each other; must remove or rewrite one of these paths; "
                "path one: [a, b], path two: [a, [1]]"
            ),
        ),
        ("SET pk = :v, a = :v, a = :v", N1, None, overlap("[a]", "[a]")),  # before the key (needs the table)
        (
            "SET a = n + :v",
            {":v": {"S": "1"}},
            None,
            invalid("Incorrect operand type for operator or function; operator or function: +, operand type: S"),
        ),
        (
            "SET a = list_append(l, :v)",
            N1,
            None,
            invalid(
                "Incorrect operand type for operator or function; operator or function: list_append, operand type: N"
            ),
        ),
        (
            "SET a = :w + :w, #x = :v",
            {":v": {"N": "1"}, ":w": {"S": "2"}},
            None,
            invalid("An expression attribute name used in the document path is not defined; attribute name: #x"),
        ),
        (
            "ADD n :v",
            {":v": {"S": "2"}},
            None,
            invalid(
                "Incorrect operand type for operator or function; operator: ADD, operand type: STRING, typeSet: ALLOWED_FOR_ADD_OPERAND"
            ),
        ),
        (
            "ADD q :v",
            {":v": {"L": []}},
            None,
            invalid(
                "Incorrect operand type for operator or function; operator: ADD, operand type: LIST, typeSet: ALLOWED_FOR_ADD_OPERAND"
            ),
        ),
        (
            "ADD q :v",
            {":v": {"M": {}}},
            None,
            invalid(
                "Incorrect operand type for operator or function; operator: ADD, operand type: MAP, typeSet: ALLOWED_FOR_ADD_OPERAND"
            ),
        ),
        (
            "ADD q :v",
            {":v": {"BOOL": True}},
            None,
            invalid(
                "Incorrect operand type for operator or function; operator: ADD, operand type: BOOLEAN, typeSet: ALLOWED_FOR_ADD_OPERAND"
            ),
        ),
        (
            "ADD q :v",
            {":v": {"B": b"x"}},
            None,
            invalid(
                "Incorrect operand type for operator or function; operator: ADD, operand type: BINARY, typeSet: ALLOWED_FOR_ADD_OPERAND"
            ),
        ),
        (
            "ADD q :v",
            {":v": {"NULL": True}},
            None,
            invalid(
                "Incorrect operand type for operator or function; operator: ADD, operand type: NULL, typeSet: ALLOWED_FOR_ADD_OPERAND"
            ),
        ),
        (
            "DELETE ss :v",
            {":v": {"S": "a"}},
            None,
            invalid(
                "Incorrect operand type for operator or function; operator: DELETE, operand type: STRING, typeSet: ALLOWED_FOR_DELETE_OPERAND"
            ),
        ),
        (
            "DELETE q :v",
            {":v": {"N": "1"}},
            None,
            invalid(
                "Incorrect operand type for operator or function; operator: DELETE, operand type: NUMBER, typeSet: ALLOWED_FOR_DELETE_OPERAND"
            ),
        ),
    ],
)
@WRITE_ENVELOPE
def test_update_errors(ddb, table, expression, values, names, message):
    assert_error(lambda: update(ddb, table, expression, values, names), VALIDATION, enveloped(message))
    assert stored(ddb, table) == SEED


# Errors found once the table's key or the stored item is known: reported bare.
@pytest.mark.parametrize(
    ("expression", "values", "names", "message"),
    [
        ("SET pk = :v", N1, None, KEY_UPDATE),
        ("REMOVE pk", None, None, KEY_UPDATE),
        ("SET a = s + :v", N1, None, BAD_OPERAND),
        ("SET a = q + :v", N1, None, MISSING),
        ("SET a = l[7]", None, None, MISSING),
        ("SET a = list_append(n, l)", None, None, BAD_OPERAND),
        ("ADD s :v", N1, None, BAD_OPERAND),
        ("ADD ss :v", {":v": {"NS": ["1"]}}, None, BAD_OPERAND),
        ("DELETE ss :v", {":v": {"NS": ["1"]}}, None, BAD_OPERAND),
        ("DELETE n :v", {":v": {"NS": ["1"]}}, None, BAD_OPERAND),
        ("REMOVE m.q.r", None, None, BAD_PATH),
        ("REMOVE n[0]", None, None, BAD_PATH),
        ("SET q.r = :v", N1, None, BAD_PATH),
        ("SET n[0] = :v", N1, None, BAD_PATH),
        ("SET m[0] = :v", N1, None, BAD_PATH),
        ("SET l.x = :v", N1, None, BAD_PATH),
        ("SET a = :v + :v", {":v": {"N": "99999999999999999999999999999999999999"}}, None, PRECISION),
        (
            "SET a = :v + :w",
            {":v": {"N": "12345678901234567890123456789012345678"}, ":w": {"N": "0.1"}},
            None,
            PRECISION,
        ),
        ("ADD n :v", {":v": {"N": "1E125"}}, None, PRECISION),
        (
            "SET a = :v + :w",
            {":v": {"N": "1E125"}, ":w": {"N": "9E125"}},
            None,
            "Number overflow. Attempting to store a number with magnitude larger than supported range",
        ),
    ],
)
def test_update_errors_needing_the_table(ddb, table, expression, values, names, message):
    assert_error(lambda: update(ddb, table, expression, values, names), VALIDATION, message)
    assert stored(ddb, table) == SEED


SUMS = ",".join(f"a{i}=:v+:v" for i in range(300))  # 300 operators in under 4 KB
TOO_MANY_OPERATORS = invalid("The expression contains too many operators; operator count: 301")


@pytest.mark.parametrize(
    ("expression", "values", "message"),
    [
        pytest.param("SET " + SUMS + ",b=:v+:v", N1, TOO_MANY_OPERATORS, id="sums"),
        pytest.param("SET " + SUMS + ",b=if_not_exists(c,:v)", N1, TOO_MANY_OPERATORS, id="function"),
        pytest.param("SET pk=:v," + SUMS + ",b=:v-:v", N1, TOO_MANY_OPERATORS, id="before-key"),
        pytest.param(
            "SET " + SUMS + ",b=:v+:v ADD c :s",
            {**N1, ":s": {"S": "x"}},
            invalid(
                "Incorrect operand type for operator or function; operator: ADD, operand type: STRING, "
                "typeSet: ALLOWED_FOR_ADD_OPERAND"
            ),
            id="after-operand-types",
        ),
    ],
)
@WRITE_ENVELOPE
def test_too_many_operators(ddb, table, expression, values, message):
    assert_error(lambda: update(ddb, table, expression, values, None), VALIDATION, enveloped(message))


def test_three_hundred_operators(ddb, table):
    update(ddb, table, "SET " + SUMS, N1)
    assert stored(ddb, table)["a299"] == {"N": "2"}


@WRITE_ENVELOPE
def test_expression_too_long(ddb, table):
    assert_error(
        lambda: update(ddb, table, "SET a = :v" + " " * 4100, N1),
        VALIDATION,
        enveloped(invalid("Expression size has exceeded the maximum allowed size;")),
    )


@pytest.mark.parametrize(
    ("values", "names", "message"),
    [
        (
            {":v": {"N": "1"}, ":w": {"N": "2"}},
            None,
            "Value provided in ExpressionAttributeValues unused in expressions: keys: {:w}",
        ),
        (N1, {"#x": "b"}, "Value provided in ExpressionAttributeNames unused in expressions: keys: {#x}"),
        (
            N1,
            {"#z": "b", "#a": "c", "#m": "d", "#b0": "q"},
            "Value provided in ExpressionAttributeNames unused in expressions: keys: {#b0, #z, #m, #a}",
        ),
        (
            {
                ":v": {"N": "1"},
                ":w": {"N": "2"},
                ":c": {"N": "2"},
                ":aa": {"N": "2"},
                ":b": {"N": "2"},
                ":zz": {"N": "2"},
            },
            None,
            "Value provided in ExpressionAttributeValues unused in expressions: keys: {:b, :c, :aa, :zz, :w}",
        ),
        (N1, {}, "ExpressionAttributeNames must not be empty"),
        ({}, None, "ExpressionAttributeValues must not be empty"),
        (N1, {"n": "a"}, 'ExpressionAttributeNames contains invalid key: Syntax error; key: "n"'),
        (N1, {"#n": ""}, "ExpressionAttributeNames contains invalid value: Empty attribute name for key #n"),
        ({"v": {"S": "x"}}, None, 'ExpressionAttributeValues contains invalid key: Syntax error; key: "v"'),
        # UpdateItem names no key on a value error (see dynasim.values).
        ({":v": {"SS": []}}, None, "One or more parameter values were invalid: An string set  may not be empty"),
        pytest.param({":v": {"N": "1E-131"}}, None, NUMBER_UNDERFLOW, marks=VALUES_DIFFER),
    ],
)
@WRITE_ENVELOPE
def test_placeholder_errors(ddb_raw, table, values, names, message):
    assert_error(lambda: update(ddb_raw, table, "SET a = :v", values, names), VALIDATION, enveloped(message))


@WRITE_ENVELOPE
def test_placeholders_without_expressions(ddb, table):
    # The service names no missing expression here (DynamoDB Local adds ": UpdateExpression and
    # ConditionExpression are null", as PutItem's and DeleteItem's record says the service no longer does).
    assert_error(
        lambda: ddb.update_item(TableName=table, Key=KEY, ExpressionAttributeValues=N1),
        VALIDATION,
        enveloped("ExpressionAttributeValues can only be specified when using expressions"),
    )
    assert_error(
        lambda: ddb.update_item(TableName=table, Key=KEY, ExpressionAttributeNames={"#a": "a"}),
        VALIDATION,
        enveloped("ExpressionAttributeNames can only be specified when using expressions"),
    )


@WRITE_ENVELOPE
def test_update_expression_checked_before_condition(ddb, table):
    values = {":v": {"N": "1"}, ":w": {"N": "1"}}
    assert_error(
        lambda: update(ddb, table, "SET a = :v, a = :w", values, ConditionExpression="b = "),
        VALIDATION,
        enveloped(overlap("[a]", "[a]")),
    )
    assert_error(
        lambda: update(ddb, table, "SET a = :v", N1, ConditionExpression="status = :v"),
        VALIDATION,
        enveloped("Invalid ConditionExpression: Attribute name is a reserved keyword; reserved keyword: status"),
    )


@NEWER_FRAMEWORK
def test_invalid_return_values(ddb_raw, table):
    # Reported alone, before the request's other members, in the newer validation's words.
    assert_error(
        lambda: update(ddb_raw, table, "SET a = :v", N1, ReturnValues="BAD", ReturnConsumedCapacity="BAD"),
        VALIDATION,
        constraint_error(RETURN_VALUES_NEWER),
    )
