# ruff: noqa: E501  (tables of DynamoDB messages, one per line)
"""ConditionExpression on PutItem and DeleteItem: functions, comparisons, precedence, and every
check DynamoDB makes on a condition expression, with its message (inside the envelope in which
PutItem and DeleteItem report their request's errors)."""

from __future__ import annotations

from typing import Any

import pytest
from botocore.exceptions import ClientError

from conformance.helpers import VALIDATION, WRITE_ENVELOPE, assert_error, enveloped, service_behaviour

KEY = {"pk": {"S": "k"}}
SEED = {
    "pk": {"S": "k"},
    "n": {"N": "5"},
    "s": {"S": "xyz"},
    "u": {"S": "héllo"},
    "b": {"B": b"abc"},
    "l": {"L": [{"N": "1"}, {"S": "x"}]},
    "m": {"M": {"x": {"N": "1"}}},
    "ss": {"SS": ["a", "b"]},
    "ns": {"NS": ["1", "2"]},
    "bs": {"BS": [b"a"]},
    "nul": {"NULL": True},
    "t": {"BOOL": True},
}
FAILED = "ConditionalCheckFailedException"


@pytest.fixture
def table(ddb, make_table) -> str:
    name = make_table()
    ddb.put_item(TableName=name, Item=SEED)
    return name


def check(ddb, table: str, expression: str, values: dict | None = None, names: dict | None = None, **kw: Any) -> bool:
    """Whether the condition holds for the seeded item (a DeleteItem that is then undone)."""
    if values is not None:
        kw["ExpressionAttributeValues"] = values
    if names is not None:
        kw["ExpressionAttributeNames"] = names
    try:
        ddb.delete_item(TableName=table, Key=KEY, ConditionExpression=expression, **kw)
    except ddb.exceptions.ConditionalCheckFailedException:
        return False
    ddb.put_item(TableName=table, Item=SEED)
    return True


def invalid(detail: str) -> str:
    return f"Invalid ConditionExpression: {detail}"


N = {"N": "1"}


@pytest.mark.parametrize(
    ("expression", "values", "expected"),
    [
        ("n = :v", {":v": {"N": "5"}}, True),
        ("n = :v", {":v": {"N": "5.0"}}, True),
        ("n = :v", {":v": {"S": "5"}}, False),
        ("n <> :v", {":v": {"S": "5"}}, True),
        ("q <> :v", {":v": N}, True),
        ("q = :v", {":v": N}, False),
        ("NOT q = :v", {":v": N}, True),
        ("n < :v", {":v": {"N": "10"}}, True),
        ("n < :v", {":v": {"S": "x"}}, False),
        ("s < :v", {":v": {"S": "y"}}, True),
        ("s >= :v", {":v": {"S": "xyz"}}, True),
        ("b > :v", {":v": {"B": b"ab"}}, True),
        ("ss < :v", {":v": N}, False),
        ("n BETWEEN :a AND :b", {":a": N, ":b": {"N": "9"}}, True),
        ("n BETWEEN :a AND :b", {":a": {"N": "6"}, ":b": {"N": "9"}}, False),
        ("s BETWEEN n AND n", None, False),
        ("n IN (:a, :b)", {":a": {"N": "5"}, ":b": {"S": "1"}}, True),
        ("n IN (:a)", {":a": {"NS": ["5"]}}, False),
        ("n in (s, :b)", {":b": {"N": "5"}}, True),
        ("m = :v", {":v": {"M": {"x": N}}}, True),
        ("l = :v", {":v": {"L": [N, {"S": "x"}]}}, True),
        ("ss = :v", {":v": {"SS": ["b", "a"]}}, True),
        ("nul = :v", {":v": {"NULL": True}}, True),
        (":v = :v", {":v": N}, True),
        ("attribute_exists(m.x)", None, True),
        ("attribute_exists(l[1])", None, True),
        ("attribute_exists(l[2])", None, False),
        ("attribute_not_exists(q)", None, True),
        ("attribute_not_exists(pk)", None, False),
        ("attribute_type(s, :t)", {":t": {"S": "S"}}, True),
        ("attribute_type(ss, :t)", {":t": {"S": "SS"}}, True),
        ("attribute_type(q, :t)", {":t": {"S": "S"}}, False),
        ("NOT attribute_type(q, :t)", {":t": {"S": "S"}}, True),
        ("attribute_type(:v, :t)", {":v": {"S": "x"}, ":t": {"S": "S"}}, True),
        ("attribute_type(:v, :t)", {":v": N, ":t": {"S": "S"}}, False),
        ("attribute_type(size(s), :t)", {":t": {"S": "N"}}, True),
        ("begins_with(s, :v)", {":v": {"S": "xy"}}, True),
        ("begins_with(b, :v)", {":v": {"B": b"ab"}}, True),
        ("begins_with(n, :v)", {":v": {"S": "5"}}, False),
        ("begins_with(s, n)", None, False),
        ("contains(s, :v)", {":v": {"S": "y"}}, True),
        ("contains(ss, :v)", {":v": {"S": "a"}}, True),
        ("contains(ns, :v)", {":v": {"S": "1"}}, False),
        ("contains(ns, :v)", {":v": {"N": "2"}}, True),
        ("contains(l, :v)", {":v": {"S": "x"}}, True),
        ("contains(l, :v)", {":v": {"L": [N]}}, False),
        ("contains(b, :v)", {":v": {"B": b"b"}}, True),
        ("contains(bs, :v)", {":v": {"B": b"a"}}, True),
        ("contains(m, :v)", {":v": {"S": "x"}}, False),
        ("contains(:v, s)", {":v": {"S": "axyzb"}}, True),
        ("size(s) = :v", {":v": {"N": "3"}}, True),
        ("size(b) = :v", {":v": {"N": "3"}}, True),
        ("size(l) = :v", {":v": {"N": "2"}}, True),
        ("size(m) = :v", {":v": {"N": "1"}}, True),
        ("size(ss) = :v", {":v": {"N": "2"}}, True),
        ("size(n) = :v", {":v": {"N": "1"}}, False),
        ("NOT size(n) = :v", {":v": {"N": "1"}}, True),
        ("size(t) = :v", {":v": {"N": "1"}}, False),
        ("size(q) = :v", {":v": {"N": "1"}}, False),
        ("size(:v) = :w", {":v": {"S": "abc"}, ":w": {"N": "3"}}, True),
        ("size(s) > size(m)", None, True),
        ("(a) = :v", {":v": N}, False),
        ("(size(s)) = :v", {":v": {"N": "3"}}, True),
        ("(attribute_exists(s))", None, True),
        ("attribute_exists((s))", None, True),
        ("a = (:v) OR n = :w", {":v": N, ":w": {"N": "5"}}, True),
        ("n = :w OR q = :v AND q = :v", {":v": N, ":w": {"N": "5"}}, True),
        ("(n = :w OR q = :v) AND q = :v", {":v": N, ":w": {"N": "5"}}, False),
        ("NOT n = :w OR n = :w", {":w": {"N": "5"}}, True),
        ("NOT (n = :w OR n = :w)", {":w": {"N": "5"}}, False),
        ("NOT NOT n = :w", {":w": {"N": "5"}}, True),
        ("n BETWEEN :a AND :b AND s = :s", {":a": N, ":b": {"N": "9"}, ":s": {"S": "xyz"}}, True),
        ("m . x = :v", {":v": N}, True),
        ("l[ 1 ] = :v", {":v": {"S": "x"}}, True),
        ("#a.#b = :v", {":v": N}, True),
    ],
)
def test_condition_semantics(ddb, table, expression, values, expected):
    names = {"#a": "m", "#b": "x"} if "#" in expression else None
    assert check(ddb, table, expression, values, names) is expected


def test_size_of_non_ascii_string(ddb, table):
    # size() of a string counts UTF-16 code units: "héllo" is 5, an emoji 2.
    assert check(ddb, table, "size(u) = :v", {":v": {"N": "5"}})
    ddb.put_item(TableName=table, Item={"pk": {"S": "e"}, "e": {"S": "\U0001f600"}})
    ddb.delete_item(
        TableName=table,
        Key={"pk": {"S": "e"}},
        ConditionExpression="size(e) = :v",
        ExpressionAttributeValues={":v": {"N": "2"}},
    )


def test_put_condition_against_missing_item(ddb, table):
    item = {"pk": {"S": "new"}, "a": N}
    ddb.put_item(TableName=table, Item=item, ConditionExpression="attribute_not_exists(pk)")
    assert_error(
        lambda: ddb.put_item(TableName=table, Item=item, ConditionExpression="attribute_not_exists(pk)"),
        FAILED,
        "The conditional request failed",
    )


def test_return_old_item_on_failure(ddb, table):
    error = assert_error(
        lambda: ddb.put_item(
            TableName=table,
            Item={"pk": {"S": "k"}},
            ConditionExpression="attribute_not_exists(pk)",
            ReturnValuesOnConditionCheckFailure="ALL_OLD",
        ),
        FAILED,
        "The conditional request failed",
    )
    assert error.response["Item"] == SEED
    error = assert_error(
        lambda: ddb.delete_item(TableName=table, Key=KEY, ConditionExpression="attribute_not_exists(pk)"),
        FAILED,
        "The conditional request failed",
    )
    assert "Item" not in error.response
    assert ddb.get_item(TableName=table, Key=KEY)["Item"] == SEED


def test_invalid_return_values_on_failure(ddb_raw, table):
    assert_error(
        lambda: ddb_raw.put_item(
            TableName=table,
            Item=KEY,
            ConditionExpression="attribute_exists(pk)",
            ReturnValuesOnConditionCheckFailure="BAD",
        ),
        VALIDATION,
        "1 validation error detected: Value 'BAD' at 'returnValuesOnConditionCheckFailure' failed to satisfy constraint: Member must satisfy enum value set: [ALL_OLD, NONE]",
    )


V = {":v": N}
TOO_MANY_OPERATORS = invalid("The expression contains too many operators; operator count: 301")
IN_101 = "a IN (" + ", ".join([":v"] * 101) + ")"
IN_100 = "a IN (" + ", ".join([":v"] * 100) + ")"


@pytest.mark.parametrize(
    ("expression", "values", "message"),
    [
        ("", None, invalid("The expression can not be empty;")),
        ("a", None, invalid('Syntax error; token: "<EOF>", near: "a"')),
        ("a =", None, invalid('Syntax error; token: "<EOF>", near: "="')),
        ("a  =  ", None, invalid('Syntax error; token: "<EOF>", near: "=  "')),
        ("a = :v AND", V, invalid('Syntax error; token: "<EOF>", near: "AND"')),
        ("a IN ()", None, invalid('Syntax error; token: ")", near: "()"')),
        ("a BETWEEN :v", V, invalid('Syntax error; token: "<EOF>", near: ":v"')),
        ("a = b + :v", V, invalid('Syntax error; token: "+", near: "b + :v"')),
        ("(a = :v", V, invalid('Syntax error; token: "<EOF>", near: ":v"')),
        ("a = :v)", V, invalid('Syntax error; token: ")", near: ":v)"')),
        ("a != :v", V, invalid('Syntax error; token: "!", near: "a !="')),
        ("a == :v", V, invalid('Syntax error; token: "=", near: "== :v"')),
        ("a < b < c", None, invalid('Syntax error; token: "<", near: "b < c"')),
        ("a and b", None, invalid('Syntax error; token: "and", near: "a and b"')),
        ("a IN :v", V, invalid('Syntax error; token: ":v", near: "IN :v"')),
        ("a IN (:v, :v, )", V, invalid('Syntax error; token: ")", near: ", )"')),
        ("a = :v b  ", V, invalid('Syntax error; token: "b", near: ":v b  "')),
        (" a =  :v  c  d", V, invalid('Syntax error; token: "c", near: ":v  c  d"')),
        ("a.0 = :v", V, invalid('Syntax error; token: "0", near: ".0 ="')),
        ("a[1]b = :v", V, invalid('Syntax error; token: "b", near: "]b ="')),
        ("1a = :v", V, invalid('Syntax error; token: "1", near: "1a"')),
        ("é = :v", V, invalid('Syntax error; token: "é", near: "é ="')),
        ("between = :v", V, invalid('Syntax error; token: "between", near: "between ="')),
        ("((a = :v))", V, invalid("The expression has redundant parentheses;")),
        ("(a = :v) AND ((b = :v))", V, invalid("The expression has redundant parentheses;")),
        ("((a)) = :v", V, invalid("The expression has redundant parentheses;")),
        ("((size(a))) = :v", V, invalid("The expression has redundant parentheses;")),
        ("status = :v AND ((a = :v))", V, invalid("The expression has redundant parentheses;")),
        ("foo(a) AND ((b = :v))", V, invalid("The expression has redundant parentheses;")),
        ("a > whatever((:v), ((a)))", V, invalid("The expression has redundant parentheses;")),
        (
            "a" + ".b" * 32 + " = :v AND status = :v",
            V,
            invalid("Attribute name is a reserved keyword; reserved keyword: status"),
        ),
        (
            "a[99999999999] = :v AND status = :v",
            V,
            invalid("List index is not within the allowable range; index: [99999999999]"),
        ),
        (
            "size(a)",
            None,
            invalid("The function is not allowed to be used this way in an expression; function: size"),
        ),
        (
            "attribute_not_exists(a) = :v",
            V,
            invalid("The function is not allowed to be used this way in an expression; function: attribute_not_exists"),
        ),
        (
            "a = attribute_exists(b)",
            None,
            invalid("The function is not allowed to be used this way in an expression; function: attribute_exists"),
        ),
        ("foo(a)", None, invalid("Invalid function name; function: foo")),
        ("foo(#x) = :v", V, invalid("Invalid function name; function: foo")),
        (
            "if_not_exists(a, :v) = :v",
            V,
            invalid("The function is not allowed in a condition expression; function: if_not_exists"),
        ),
        (
            "list_append(a, :v) = :v",
            V,
            invalid("The function is not allowed in a condition expression; function: list_append"),
        ),
        (
            "attribute_exists(:v)",
            V,
            invalid("Operator or function requires a document path; operator or function: attribute_exists"),
        ),
        (
            "attribute_exists(size(a))",
            None,
            invalid("Operator or function requires a document path; operator or function: attribute_exists"),
        ),
        (
            "attribute_exists(a, b)",
            None,
            invalid(
                "Incorrect number of operands for operator or function; operator or function: attribute_exists, number of operands: 2"
            ),
        ),
        (
            "begins_with(a, b, c)",
            None,
            invalid(
                "Incorrect number of operands for operator or function; operator or function: begins_with, number of operands: 3"
            ),
        ),
        (
            "contains(a)",
            None,
            invalid(
                "Incorrect number of operands for operator or function; operator or function: contains, number of operands: 1"
            ),
        ),
        (
            "size(a, b) = :v",
            V,
            invalid(
                "Incorrect number of operands for operator or function; operator or function: size, number of operands: 2"
            ),
        ),
        (
            "size(a, #x) = :v",
            V,
            invalid("An expression attribute name used in the document path is not defined; attribute name: #x"),
        ),
        (
            "attribute_type(a, :v)",
            V,
            invalid(
                "Incorrect operand type for operator or function; operator or function: attribute_type, operand type: N"
            ),
        ),
        (
            "attribute_type(a, size(b))",
            None,
            invalid(
                "Incorrect operand type for operator or function; operator or function: attribute_type, operand type: N"
            ),
        ),
        (
            "size(size(a)) = :v",
            V,
            invalid("Incorrect operand type for operator or function; operator or function: size, operand type: N"),
        ),
        (
            "begins_with(size(a), :v)",
            {":v": {"S": "x"}},
            invalid(
                "Incorrect operand type for operator or function; operator or function: begins_with, operand type: N"
            ),
        ),
        (
            "begins_with(a, size(b))",
            None,
            invalid(
                "Incorrect operand type for operator or function; operator or function: begins_with, operand type: N"
            ),
        ),
        (
            "attribute_not_exists(size(:v))",
            V,
            invalid("Incorrect operand type for operator or function; operator or function: size, operand type: N"),
        ),
        (
            "attribute_not_exists(size(:v))",
            {":v": {"S": "x"}},
            invalid("Operator or function requires a document path; operator or function: attribute_not_exists"),
        ),
        (
            "size(:v) = :v",
            {":v": {"NULL": True}},
            invalid("Incorrect operand type for operator or function; operator or function: size, operand type: NULL"),
        ),
        (
            "begins_with(a, :v)",
            V,
            invalid(
                "Incorrect operand type for operator or function; operator or function: begins_with, operand type: N"
            ),
        ),
        (
            "begins_with(s, :v)",
            {":v": {"L": []}},
            invalid(
                "Incorrect operand type for operator or function; operator or function: begins_with, operand type: L"
            ),
        ),
        (
            "a = size(:v)",
            V,
            invalid("Incorrect operand type for operator or function; operator or function: size, operand type: N"),
        ),
        (
            "n < :v",
            {":v": {"BOOL": True}},
            invalid("Incorrect operand type for operator or function; operator or function: <, operand type: BOOL"),
        ),
        (
            "n < :v",
            {":v": {"SS": ["x"]}},
            invalid("Incorrect operand type for operator or function; operator or function: <, operand type: SS"),
        ),
        (
            "n BETWEEN :a AND :b",
            {":a": {"BOOL": True}, ":b": {"BOOL": True}},
            invalid(
                "Incorrect operand type for operator or function; operator or function: BETWEEN, operand type: BOOL"
            ),
        ),
        (
            "n BETWEEN :a AND :b",
            {":a": {"N": "6"}, ":b": N},
            invalid(
                "The BETWEEN operator requires upper bound to be greater than or equal to lower bound; lower bound operand: AttributeValue: {N:6}, upper bound operand: AttributeValue: {N:1}"
            ),
        ),
        (
            "n BETWEEN :a AND :b",
            {":a": N, ":b": {"S": "1"}},
            invalid(
                "The BETWEEN operator requires same data type for lower and upper bounds; lower bound operand: AttributeValue: {N:1}, upper bound operand: AttributeValue: {S:1}"
            ),
        ),
        (
            "contains(s, s)",
            None,
            invalid(
                "The first operand must be distinct from the remaining operands for this operator or function; operator: contains, first operand: [s]"
            ),
        ),
        (
            "attribute_type(s, s)",
            None,
            invalid(
                "The first operand must be distinct from the remaining operands for this operator or function; operator: attribute_type, first operand: [s]"
            ),
        ),
        (
            "t < t",
            None,
            invalid(
                "The first operand must be distinct from the remaining operands for this operator or function; operator: <, first operand: [t]"
            ),
        ),
        (
            "contains(a, a) AND #x = :v",
            V,
            invalid(
                "The first operand must be distinct from the remaining operands for this operator or function; operator: contains, first operand: [a]"
            ),
        ),
        (
            "begins_with(a, :v) AND #x = :v",
            V,
            invalid(
                "Incorrect operand type for operator or function; operator or function: begins_with, operand type: N"
            ),
        ),
        ("status = :v", V, invalid("Attribute name is a reserved keyword; reserved keyword: status")),
        (
            "#x = :v AND status = :v",
            V,
            invalid("Attribute name is a reserved keyword; reserved keyword: status"),
        ),
        (
            "#x = :q",
            V,
            invalid("An expression attribute name used in the document path is not defined; attribute name: #x"),
        ),
        (
            ":q = #x",
            V,
            invalid("An expression attribute value used in expression is not defined; attribute value: :q"),
        ),
        (
            "attribute_exists(:q)",
            V,
            invalid("An expression attribute value used in expression is not defined; attribute value: :q"),
        ),
        (IN_101, V, invalid("The IN operator is provided with too many operands; number of operands: 101")),
        (
            "a" + ".b" * 32 + " = :v",
            V,
            invalid("The document path has too many nesting levels; nesting levels: 33"),
        ),
        (
            "a = :v" + " " * 4100,
            V,
            invalid("Expression size has exceeded the maximum allowed size; expression size: 4106"),
        ),
        (
            " AND ".join(["a = :v"] * 301),
            V,
            invalid("The expression contains too many operators; operator count: 301"),
        ),
        # AND, OR and NOT count as operators, as do comparisons and functions; DynamoDB stops
        # counting at the first one too many.
        (" OR ".join(["a = :v"] * 151), V, TOO_MANY_OPERATORS),
        (" AND ".join(["NOT a = :v"] * 150), V, TOO_MANY_OPERATORS),
        (" AND ".join(["size(a) = :v"] * 101), V, TOO_MANY_OPERATORS),
        (" AND ".join(["attribute_exists(a)"] * 151), None, TOO_MANY_OPERATORS),
        ("NOT " * 1022 + "a = :v", V, TOO_MANY_OPERATORS),
        (
            ":q = a AND " + " AND ".join(["a = :v"] * 151),
            V,
            invalid("An expression attribute value used in expression is not defined; attribute value: :q"),
        ),
    ],
)
@WRITE_ENVELOPE
def test_condition_errors(ddb, table, expression, values, message):
    kw: dict[str, Any] = {}
    if values is not None:
        kw["ExpressionAttributeValues"] = values
    assert_error(
        lambda: ddb.put_item(TableName=table, Item=KEY, ConditionExpression=expression, **kw),
        VALIDATION,
        enveloped(message),
    )
    assert ddb.get_item(TableName=table, Key=KEY)["Item"] == SEED


def assert_type_list_error(call, prefix: str, types: set[str]) -> None:
    """`call` fails with `prefix` followed by a `{...}` list of exactly `types`, in any order: the
    service lists them in an order that varies from call to call (architect/dynalite
    test/scan.js, "attribute_type with incorrect value")."""
    with pytest.raises(ClientError) as excinfo:
        call()
    error = excinfo.value.response["Error"]
    assert error["Code"] == VALIDATION
    message = error["Message"]
    assert message.startswith(prefix + "{") and message.endswith("}"), message
    assert set(message[len(prefix) + 1 : -1].split(",")) == types


ATTRIBUTE_TYPES = {"S", "N", "B", "BOOL", "NULL", "M", "L", "SS", "NS", "BS"}


@pytest.mark.parametrize("type_name", ["X", "s", "1", "STRING"])
@WRITE_ENVELOPE
def test_attribute_type_unknown_type_name(ddb, table, type_name):
    assert_type_list_error(
        lambda: ddb.put_item(
            TableName=table,
            Item=KEY,
            ConditionExpression="attribute_type(s, :t)",
            ExpressionAttributeValues={":t": {"S": type_name}},
        ),
        enveloped(invalid(f"Invalid attribute type name found; type: {type_name}, valid types: ")),
        ATTRIBUTE_TYPES,
    )


@service_behaviour(
    "DynamoDB Local lists its internal type names (HD, DECIMALSET, INTSET, ...) as the operand type",
    source="architect/dynalite test/scan.js and test/query.js, attribute_type with a path as type name",
)
@pytest.mark.parametrize("expression", ["attribute_type(a, b)", "attribute_type(ab.bc[1].a, SS)"])
def test_attribute_type_name_from_a_path(ddb, table, expression):
    assert_type_list_error(
        lambda: ddb.put_item(TableName=table, Item=KEY, ConditionExpression=expression),
        enveloped(
            invalid("Incorrect operand type for operator or function; operator or function: attribute_type, operand type: ")
        ),
        ATTRIBUTE_TYPES,
    )


@pytest.mark.parametrize(
    "expression",
    [
        IN_100,
        "a" + ".b" * 31 + " = :v",
        " AND ".join(["a = :v"] * 150),
        " AND ".join(["NOT s = :v"] * 99 + ["NOT NOT a = :v"]),  # 300 operators
        "NOT " * 298 + "a = :v",
    ],
)
def test_limits_not_reached(ddb, table, expression):
    assert not check(ddb, table, expression, V)


@WRITE_ENVELOPE
def test_placeholders_without_condition(ddb, table):
    # The service names no missing expression here (DynamoDB Local adds ": ConditionExpression is null").
    assert_error(
        lambda: ddb.put_item(TableName=table, Item=KEY, ExpressionAttributeValues=V),
        VALIDATION,
        enveloped("ExpressionAttributeValues can only be specified when using expressions"),
    )
    assert_error(
        lambda: ddb.delete_item(TableName=table, Key=KEY, ExpressionAttributeNames={"#a": "a"}),
        VALIDATION,
        enveloped("ExpressionAttributeNames can only be specified when using expressions"),
    )


@WRITE_ENVELOPE
def test_unused_placeholders(ddb, table):
    assert_error(
        lambda: ddb.put_item(
            TableName=table,
            Item=KEY,
            ConditionExpression="a = :v",
            ExpressionAttributeValues={":v": N, ":w": N},
            ExpressionAttributeNames={"#a": "a"},
        ),
        VALIDATION,
        enveloped("Value provided in ExpressionAttributeNames unused in expressions: keys: {#a}"),
    )


@WRITE_ENVELOPE
def test_item_checked_before_condition(ddb_raw, table):
    assert_error(
        lambda: ddb_raw.put_item(TableName=table, Item={"pk": {"S": "1"}, "x": {"SS": []}}, ConditionExpression="a ="),
        VALIDATION,
        enveloped("One or more parameter values were invalid: An string set  may not be empty"),
    )
