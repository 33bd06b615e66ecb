"""Query on tables, global and local secondary indexes: key conditions, filters, projections, Select, Limit,
ScanIndexForward, ExclusiveStartKey / LastEvaluatedKey, ConsistentRead, the legacy parameters and the 1 MB
page."""

from __future__ import annotations

from typing import Any

import pytest

from conformance import indexes_support
from conformance.conftest import unique_name
from conformance.helpers import (
    COMPARISON_OPERATOR_ENUM,
    CONDITION_TYPE_MISMATCH,
    FRAMEWORK,
    KEY_CONDITION_NOT_SUPPORTED,
    LEGACY_BETWEEN_REVERSED,
    LEGACY_MIXED_TYPES,
    MISSED_KEY_SOURCE,
    MISSING_TABLE,
    NOT_FOUND,
    ONE_CONDITION_PER_KEY,
    START_KEY_INVALID,
    START_KEY_PREDICATE,
    TABLE_NOT_FOUND,
    VALIDATION,
    assert_error,
    attributes_to_get_duplicate,
    cases,
    clause,
    constraint_error,
    empty_key,
    missed_key,
    service_behaviour,
)
from conformance.indexes_support import (
    KEYS_ONLY,
    N,
    S,
    all_pages,
    create_table,
    include,
    index,
    item_set,
    query,
    sized_item,
    values,
)

# Fixtures from indexes_support (pytest finds fixtures among a module's attributes).
module_backend = indexes_support.module_backend
module_ddb = indexes_support.module_ddb
module_ddb_raw = indexes_support.module_ddb_raw

NESTED_OPERATIONS = "KeyConditionExpressions cannot contain nested operations"
NESTED_ATTRIBUTES = "KeyConditionExpressions cannot have conditions on nested attributes"
MULTIPLE_NAMES = "Invalid condition in KeyConditionExpression: Multiple attribute names used in one condition"
NO_KEY_CONDITION = "Either the KeyConditions or KeyConditionExpression parameter must be specified in the request."
KEY_NOT_SCALAR = "Key attributes must be scalars; list random access '[]' and map lookup '.' are not allowed: Key: pk"
LIMIT_AT_LEAST_ONE = "must have value greater than or equal to 1"
SELECT_ENUM = "must satisfy enum value set: [SPECIFIC_ATTRIBUTES, COUNT, ALL_ATTRIBUTES, ALL_PROJECTED_ATTRIBUTES]"
SPECIFIC_NEEDS_PROJECTION = (
    "Must specify the AttributesToGet or ProjectionExpression when choosing to get SPECIFIC_ATTRIBUTES"
)
ALL_WITH_PROJECTION = "Cannot specify the ProjectionExpression when choosing to get ALL_ATTRIBUTES"
COUNT_WITH_PROJECTION = "Cannot specify the ProjectionExpression when choosing to get only the Count"
ALL_PROJECTED_WITH_PROJECTION = "Cannot specify the ProjectionExpression when choosing to get ALL_PROJECTED_ATTRIBUTES"
ALL_PROJECTED_WITHOUT_INDEX = "ALL_PROJECTED_ATTRIBUTES can be used only when Querying using an IndexName"
GSI_CONSISTENT_READ = "Consistent reads are not supported on global secondary indexes"
START_KEY_SIZE = "Exclusive Start Key must have same size as table's key schema"
START_KEY_TYPE = "Type mismatch for attribute to update"
ATTRIBUTES_TO_GET_WITH_ALL = "Cannot specify the AttributesToGet when choosing to get ALL_ATTRIBUTES"
ATTRIBUTES_TO_GET_WITH_COUNT = "Cannot specify the AttributesToGet when choosing to get only the Count"
CONDITIONAL_OPERATOR_NEEDS_TWO = "ConditionalOperator can only be used when Filter or Expected has two or more elements"
CONDITIONAL_OPERATOR_ALONE = "ConditionalOperator cannot be used without Filter or Expected"
NOT_INDEXABLE = "Attempted conditional constraint is not an indexable operation"
RANGE_KEY_NOT_SCALAR = "Only scalar types can be used as Range Key values"
KEY_CONDITIONS_COUNT = "Conditions can be of length 1 or 2 only"
VALUES_WITHOUT_EXPRESSIONS = (
    "ExpressionAttributeValues can only be specified when using expressions: FilterExpression and "
    "KeyConditionExpression are null"
)
NAMES_WITHOUT_EXPRESSIONS = "ExpressionAttributeNames can only be specified when using expressions"


BOOL = {"BOOL": True}


def operand_type(operator: str, type_code: str) -> str:
    """A key condition operand no key type could satisfy for `operator` (paritysuite/dynamodb-conformance
    tests/tier3/error-messages/queryKeyConditionOperands.test.ts, live service 2026)."""
    return (
        "Invalid KeyConditionExpression: Incorrect operand type for operator or function; "
        f"operator or function: {operator}, operand type: {type_code}"
    )


BEGINS_WITH_NUMBER = operand_type("begins_with", "N")
BEGINS_WITH_BOOL = operand_type("begins_with", "BOOL")


def invalid_operator(operator: str) -> str:
    return f"Invalid operator used in KeyConditionExpression: {operator}"


def filter_on_key(name: str, parameter: str = "Filter Expression") -> str:
    return f"{parameter} can only contain non-primary key attributes: Primary key attribute: {name}"


def no_such_index(name: str) -> str:
    return f"The table does not have the specified index: {name}"


def not_projected(index_name: str, names: str) -> str:
    return f"One or more parameter values were invalid: Global secondary index {index_name} does not project [{names}]"


def all_attributes_not_supported(index_name: str) -> str:
    return (
        "One or more parameter values were invalid: Select type ALL_ATTRIBUTES is not supported for global "
        f"secondary index {index_name} because its projection type is not ALL"
    )


def mixed(non_expression: str, expression: str) -> str:
    return (
        "Can not use both expression and non-expression parameters in the same request: "
        f"Non-expression parameters: {{{non_expression}}} Expression parameters: {{{expression}}}"
    )


def operator_type(operator: str, type_code: str) -> str:
    return (
        "One or more parameter values were invalid: "
        f"ComparisonOperator {operator} is not valid for {type_code} AttributeValue type"
    )


def argument_count(operator: str) -> str:
    return (
        "One or more parameter values were invalid: "
        f"Invalid number of argument(s) for the {operator} ComparisonOperator"
    )


# ---------------------------------------------------------------------------------------------------
# The shared table (read only)
#
# pk S / sk N; gsi_all (g S, gs S) ALL; gsi_keys (g) KEYS_ONLY; gsi_inc (g, gs) INCLUDE [a];
# lsi_all (pk, ls S) ALL; lsi_keys (pk, ls) KEYS_ONLY.
# Items: pk=p, sk=1..5, g=G, gs=gs<i>, ls=ls<6-i>, a=<i>, b='x'*i; and pk=p2, sk=1, a=1 (in no index).


def _item(i: int) -> dict[str, Any]:
    return {
        "pk": S("p"),
        "sk": N(i),
        "g": S("G"),
        "gs": S(f"gs{i}"),
        "ls": S(f"ls{6 - i}"),
        "a": N(i),
        "b": S("x" * i),
    }


ITEMS = {i: _item(i) for i in range(1, 6)}
OTHER = {"pk": S("p2"), "sk": N(1), "a": N(1)}


@pytest.fixture(scope="module")
def table(module_ddb) -> str:
    name = create_table(
        module_ddb,
        range_name="sk",
        types={"pk": "S", "sk": "N", "g": "S", "gs": "S", "ls": "S"},
        gsis=[
            index("gsi_all", "g", "gs"),
            index("gsi_keys", "g", None, KEYS_ONLY),
            index("gsi_inc", "g", "gs", include("a")),
        ],
        lsis=[index("lsi_all", "pk", "ls"), index("lsi_keys", "pk", "ls", KEYS_ONLY)],
    )
    for item in [*ITEMS.values(), OTHER]:
        module_ddb.put_item(TableName=name, Item=item)
    return name


def key(i: int) -> dict[str, Any]:
    return {"pk": S("p"), "sk": N(i)}


def gsi_key(i: int) -> dict[str, Any]:
    return {**key(i), "g": S("G"), "gs": S(f"gs{i}")}


def lsi_key(i: int) -> dict[str, Any]:
    return {**key(i), "ls": S(f"ls{6 - i}")}


def only(item: dict[str, Any], *names: str) -> dict[str, Any]:
    return {name: item[name] for name in names if name in item}


PK = {"KeyConditionExpression": "pk = :p", "ExpressionAttributeValues": values(p=S("p"))}
G = {"KeyConditionExpression": "g = :g", "ExpressionAttributeValues": values(g=S("G"))}


# ---------------------------------------------------------------------------------------------------
# Key conditions

ACCEPTED = [
    ("pk-only", "pk = :p", {}, [1, 2, 3, 4, 5]),
    ("equal", "pk = :p AND sk = :a", {"a": N(3)}, [3]),
    ("less", "pk = :p AND sk < :a", {"a": N(3)}, [1, 2]),
    ("less-equal", "pk = :p AND sk <= :a", {"a": N(3)}, [1, 2, 3]),
    ("greater", "pk = :p AND sk > :a", {"a": N(3)}, [4, 5]),
    ("greater-equal", "pk = :p AND sk >= :a", {"a": N(3)}, [3, 4, 5]),
    ("between", "pk = :p AND sk BETWEEN :a AND :b", {"a": N(2), "b": N(4)}, [2, 3, 4]),
    ("between-equal-bounds", "pk = :p AND sk BETWEEN :a AND :a", {"a": N(3)}, [3]),
    ("between-decimal-bounds", "pk = :p AND sk BETWEEN :a AND :b", {"a": N("1.5"), "b": N("3.5")}, [2, 3]),
    ("sort-key-first", "sk > :a AND pk = :p", {"a": N(3)}, [4, 5]),
    ("parentheses", "(pk = :p) AND (sk < :a)", {"a": N(3)}, [1, 2]),
    ("outer-parentheses", "(pk = :p AND sk < :a)", {"a": N(3)}, [1, 2]),
    ("reversed-partition", ":p = pk", {}, [1, 2, 3, 4, 5]),
    ("reversed-sort", "pk = :p AND :a > sk", {"a": N(3)}, [1, 2]),
    ("no-match", "pk = :p AND sk > :a", {"a": N(5)}, []),
    ("lowercase-and-between", "pk = :p and sk between :a and :b", {"a": N(4), "b": N(9)}, [4, 5]),
]


@pytest.mark.parametrize(
    "expression, extra_values, expected",
    [case[1:] for case in ACCEPTED],
    ids=[case[0] for case in ACCEPTED],
)
def test_key_condition_expressions(module_ddb, table, expression, extra_values, expected):
    result = query(
        module_ddb,
        table,
        KeyConditionExpression=expression,
        ExpressionAttributeValues=values(p=S("p"), **extra_values),
        ProjectionExpression="sk",
    )
    assert result == {
        "Items": [{"sk": N(i)} for i in expected],
        "Count": len(expected),
        "ScannedCount": len(expected),
    }


def test_key_condition_with_name_placeholders(module_ddb, table):
    result = query(
        module_ddb,
        table,
        KeyConditionExpression="#k = :p AND #s >= :a",
        ExpressionAttributeNames={"#k": "pk", "#s": "sk"},
        ExpressionAttributeValues=values(p=S("p"), a=N(5)),
    )
    assert result == {"Items": [ITEMS[5]], "Count": 1, "ScannedCount": 1}


def test_other_partition_and_missing_partition(module_ddb, table):
    assert query(module_ddb, table, KeyConditionExpression="pk = :p", ExpressionAttributeValues=values(p=S("p2"))) == {
        "Items": [OTHER],
        "Count": 1,
        "ScannedCount": 1,
    }
    assert query(module_ddb, table, KeyConditionExpression="pk = :p", ExpressionAttributeValues=values(p=S("zz"))) == {
        "Items": [],
        "Count": 0,
        "ScannedCount": 0,
    }


@pytest.mark.parametrize(
    "expression, extra_values, expected",
    [
        pytest.param("g = :g AND begins_with(gs, :x)", {"x": S("gs")}, [1, 2, 3, 4, 5], id="begins-with"),
        pytest.param("g = :g AND begins_with(gs, :x)", {"x": S("gs4")}, [4], id="begins-with-whole-value"),
        pytest.param("g = :g AND begins_with(gs, :x)", {"x": S("h")}, [], id="begins-with-no-match"),
        pytest.param("g = :g AND gs BETWEEN :x AND :y", {"x": S("gs2"), "y": S("gs3")}, [2, 3], id="between"),
        pytest.param("g = :g AND gs > :x", {"x": S("gs3")}, [4, 5], id="greater"),
    ],
)
def test_gsi_key_conditions(module_ddb, table, expression, extra_values, expected):
    result = query(
        module_ddb,
        table,
        IndexName="gsi_all",
        KeyConditionExpression=expression,
        ExpressionAttributeValues=values(g=S("G"), **extra_values),
    )
    assert result == {
        "Items": [ITEMS[i] for i in expected],
        "Count": len(expected),
        "ScannedCount": len(expected),
    }


def test_lsi_key_conditions(module_ddb, table):
    result = query(
        module_ddb,
        table,
        IndexName="lsi_all",
        KeyConditionExpression="pk = :p AND ls <= :l",
        ExpressionAttributeValues=values(p=S("p"), l=S("ls2")),
    )
    # ls = ls<6-i>, so the LSI order is sk 5, 4.
    assert result == {"Items": [ITEMS[5], ITEMS[4]], "Count": 2, "ScannedCount": 2}


KEY_CONDITION_ERRORS = [
    ("or", "pk = :p OR sk = :a", {"p": S("p"), "a": N(1)}, None, invalid_operator("OR")),
    (
        "too-many-operators-before-key-checks",
        "pk = :p AND " + " AND ".join(["a = :a"] * 150),
        {"p": S("p"), "a": N(1)},
        None,
        "Invalid KeyConditionExpression: The expression contains too many operators; operator count: 301",
    ),
    (
        "between-value-first",
        "pk = :p AND :a BETWEEN sk AND :b",
        {"p": S("p"), "a": N(1), "b": N(2)},
        None,
        "Invalid condition in KeyConditionExpression: BETWEEN operator must have the key attribute as its first "
        "operand",
    ),
    (
        "begins-with-value-first",
        "pk = :p AND begins_with(:a, sk)",
        {"p": S("p"), "a": S("1")},
        None,
        "Invalid condition in KeyConditionExpression: begins_with operator must have the key attribute as its "
        "first operand",
    ),
    ("nested-non-key", "pk = :p AND a.b = :a", {"p": S("p"), "a": N(1)}, None, NESTED_ATTRIBUTES),
    ("nested-non-key-index", "a[0] > :a", {"a": N(1)}, None, NESTED_ATTRIBUTES),
    ("nested-key-anywhere-first", "a.b > :a AND pk.x = :p", {"p": S("p"), "a": N(1)}, None, KEY_NOT_SCALAR),
    (
        "no-key-attribute",
        "pk = :p AND :a = :b",
        {"p": S("p"), "a": N(1), "b": N(2)},
        None,
        "Invalid condition in KeyConditionExpression: No key attribute specified",
    ),
    ("repeated-non-key", "a = :a AND a < :b", {"a": N(1), "b": N(2)}, None, ONE_CONDITION_PER_KEY),
    ("second-name-before-size", "pk = :p AND sk BETWEEN a AND size(b)", {"p": S("p")}, None, MULTIPLE_NAMES),
    ("size-before-second-name", "pk = :p AND sk BETWEEN size(b) AND a", {"p": S("p")}, None, NESTED_OPERATIONS),
    (
        "partition-not-equal-before-non-key",
        "pk > :p AND a = :a",
        {"p": S("p"), "a": N(1)},
        None,
        KEY_CONDITION_NOT_SUPPORTED,
    ),
    ("not", "NOT pk = :p", {"p": S("p")}, None, invalid_operator("NOT")),
    ("double-not", "pk = :p AND NOT NOT sk = :a", {"p": S("p"), "a": N(1)}, None, invalid_operator("NOT")),
    (
        "two-sort-conditions",
        "pk = :p AND sk > :a AND sk < :b",
        {"p": S("p"), "a": N(1), "b": N(4)},
        None,
        ONE_CONDITION_PER_KEY,
    ),
    (
        "two-partition-conditions",
        "pk = :p AND pk = :q",
        {"p": S("p"), "q": S("p")},
        None,
        ONE_CONDITION_PER_KEY,
    ),
    ("not-equal", "pk = :p AND sk <> :a", {"p": S("p"), "a": N(1)}, None, invalid_operator("<>")),
    ("in", "pk = :p AND sk IN (:a, :b)", {"p": S("p"), "a": N(1), "b": N(2)}, None, invalid_operator("IN")),
    (
        "contains",
        "pk = :p AND contains(sk, :a)",
        {"p": S("p"), "a": N(1)},
        None,
        invalid_operator("contains"),
    ),
    (
        "attribute-exists",
        "pk = :p AND attribute_exists(sk)",
        {"p": S("p")},
        None,
        invalid_operator("attribute_exists"),
    ),
    ("size", "pk = :p AND size(sk) > :a", {"p": S("p"), "a": N(1)}, None, NESTED_OPERATIONS),
    ("partition-less-than", "pk < :p", {"p": S("p")}, None, KEY_CONDITION_NOT_SUPPORTED),
    ("partition-begins-with", "begins_with(pk, :p)", {"p": S("p")}, None, KEY_CONDITION_NOT_SUPPORTED),
    (
        "partition-between",
        "pk BETWEEN :p AND :q",
        {"p": S("p"), "q": S("q")},
        None,
        KEY_CONDITION_NOT_SUPPORTED,
    ),
    (
        "begins-with-on-number",
        "pk = :p AND begins_with(sk, :a)",
        {"p": S("p"), "a": N(1)},
        None,
        operand_type("begins_with", "N"),
    ),
    ("begins-with-bool", "pk = :p AND begins_with(sk, :a)", {"p": S("p"), "a": BOOL}, None, BEGINS_WITH_BOOL),
    ("less-than-bool", "pk = :p AND sk < :a", {"p": S("p"), "a": BOOL}, None, operand_type("<", "BOOL")),
    ("bool-first", "pk = :p AND :a >= sk", {"p": S("p"), "a": BOOL}, None, operand_type(">=", "BOOL")),
    (
        "between-bools",
        "pk = :p AND sk BETWEEN :a AND :b",
        {"p": S("p"), "a": BOOL, "b": BOOL},
        None,
        operand_type("BETWEEN", "BOOL"),
    ),
    ("equal-bool", "pk = :p AND sk = :a", {"p": S("p"), "a": BOOL}, None, CONDITION_TYPE_MISMATCH),
    (
        "begins-with-string-on-number",
        "pk = :p AND begins_with(sk, :a)",
        {"p": S("p"), "a": S("1")},
        None,
        CONDITION_TYPE_MISMATCH,
    ),
    ("partition-wrong-type", "pk = :p", {"p": N(1)}, None, CONDITION_TYPE_MISMATCH),
    ("partition-bool", "pk = :p", {"p": {"BOOL": True}}, None, CONDITION_TYPE_MISMATCH),
    ("sort-wrong-type", "pk = :p AND sk = :a", {"p": S("p"), "a": S("1")}, None, CONDITION_TYPE_MISMATCH),
    (
        "between-mixed-types",
        "pk = :p AND sk BETWEEN :a AND :b",
        {"p": S("p"), "a": S("1"), "b": N(2)},
        None,
        "Invalid KeyConditionExpression: The BETWEEN operator requires same data type for lower and upper "
        "bounds; lower bound operand: AttributeValue: {S:1}, upper bound operand: AttributeValue: {N:2}",
    ),
    (
        "between-reversed",
        "pk = :p AND sk BETWEEN :a AND :b",
        {"p": S("p"), "a": N(3), "b": N(2)},
        None,
        "Invalid KeyConditionExpression: The BETWEEN operator requires upper bound to be greater than or "
        "equal to lower bound; lower bound operand: AttributeValue: {N:3}, upper bound operand: "
        "AttributeValue: {N:2}",
    ),
    ("two-attribute-names", "pk = sk", None, None, MULTIPLE_NAMES),
    (
        "undefined-value",
        "pk = :p",
        None,
        None,
        "Invalid KeyConditionExpression: An expression attribute value used in expression is not defined; "
        "attribute value: :p",
    ),
    (
        "unused-value",
        "pk = :p",
        {"p": S("p"), "z": S("z")},
        None,
        "Value provided in ExpressionAttributeValues unused in expressions: keys: {:z}",
    ),
    (
        "syntax-error",
        "pk = = :p",
        {"p": S("p")},
        None,
        'Invalid KeyConditionExpression: Syntax error; token: "=", near: "= = :p"',
    ),
    ("empty", "", {"p": S("p")}, None, "Invalid KeyConditionExpression: The expression can not be empty;"),
    ("empty-partition-value", "pk = :p", {"p": S("")}, None, empty_key("pk")),
    ("nested-path", "pk.x = :p", {"p": S("p")}, None, KEY_NOT_SCALAR),
    (
        "empty-gsi-sort-value",
        "g = :g AND gs = :x",
        {"g": S("G"), "x": S("")},
        "gsi_all",
        "One or more parameter values are not valid. A value specified for a secondary index key is not "
        "supported. The AttributeValue for a key attribute cannot contain an empty string value. "
        "IndexName: gsi_all, IndexKey: gs",
    ),
    ("unknown-index", "pk = :p", {"p": S("p")}, "nope", no_such_index("nope")),
]


@pytest.mark.parametrize(
    "expression, expression_values, index_name, message",
    [case[1:] for case in KEY_CONDITION_ERRORS],
    ids=[case[0] for case in KEY_CONDITION_ERRORS],
)
def test_key_condition_errors(module_ddb_raw, table, expression, expression_values, index_name, message):
    request: dict[str, Any] = {"TableName": table, "KeyConditionExpression": expression}
    if expression_values is not None:
        request["ExpressionAttributeValues"] = values(**expression_values)
    if index_name is not None:
        request["IndexName"] = index_name
    assert_error(lambda: module_ddb_raw.query(**request), VALIDATION, message)


KEY_CONDITION_SOURCE = "paritysuite/dynamodb-conformance tests/tier3/{}.test.ts (live service, 2026)"


@service_behaviour(
    "DynamoDB Local says 'Conditions can be of length 1 or 2 only'",
    source=KEY_CONDITION_SOURCE.format("error-messages/queryKeyConditionOperands"),
)
def test_more_conditions_than_key_attributes(module_ddb_raw, table):
    assert_error(
        lambda: module_ddb_raw.query(
            TableName=table,
            KeyConditionExpression="pk = :p AND sk > :a AND a = :b",
            ExpressionAttributeValues=values(p=S("p"), a=N(1), b=N(2)),
        ),
        VALIDATION,
        "The number of query conditions (3) exceeds the number of key attributes defined in the schema (2)",
    )


@pytest.mark.parametrize(
    ("expression", "expression_values", "message"),
    [
        (
            "pk = :missing AND begins_with(sk, :n)",
            {"n": N(1)},
            "Invalid KeyConditionExpression: An expression attribute value used in expression is not defined; "
            "attribute value: :missing",
        ),
        ("begins_with(sk, :n) AND pk = :missing", {"n": N(1)}, BEGINS_WITH_NUMBER),
        ("pk = :p AND begins_with(sk, :n) AND sk = :missing", {"p": S("p"), "n": N(1)}, BEGINS_WITH_NUMBER),
        ("pk = :p AND begins_with(sk, :n) AND sk > :s", {"p": S("p"), "n": N(1), "s": N(2)}, BEGINS_WITH_NUMBER),
    ],
    ids=["undefined-first", "operand-first", "operand-before-undefined", "operand-before-third-condition"],
)
def test_key_condition_first_problem_in_written_order(module_ddb_raw, table, expression, expression_values, message):
    """The clauses are checked in the order written, and each one's operands before the conditions
    are counted."""
    request = {"KeyConditionExpression": expression, "ExpressionAttributeValues": values(**expression_values)}
    assert_error(lambda: module_ddb_raw.query(TableName=table, **request), VALIDATION, message)


@service_behaviour(
    "DynamoDB Local looks the table up first",
    source=KEY_CONDITION_SOURCE.format("validation-ordering/queryKeyCondition"),
)
def test_key_condition_operands_checked_before_the_table(module_ddb_raw):
    missing = unique_name()

    def query(value):
        return lambda: module_ddb_raw.query(
            TableName=missing,
            KeyConditionExpression="pk = :p AND begins_with(sk, :v)",
            ExpressionAttributeValues={":p": S("p"), ":v": value},
        )

    assert_error(query(N(1)), VALIDATION, operand_type("begins_with", "N"))
    assert_error(query(S("a")), NOT_FOUND, TABLE_NOT_FOUND)


@service_behaviour(
    "DynamoDB Local looks the table up first",
    source=KEY_CONDITION_SOURCE.format("validation-ordering/query"),
)
def test_unknown_conditional_operator_beside_a_two_condition_query_filter(module_ddb_raw):
    """Checked before the model's constraints (an unknown Select is not reported with it) and the
    table, in its own bare words."""
    assert_error(
        lambda: module_ddb_raw.query(
            TableName=unique_name(),
            KeyConditions={"pk": {"ComparisonOperator": "EQ", "AttributeValueList": [S("a")]}},
            QueryFilter={"b": {"ComparisonOperator": "NULL"}, "c": {"ComparisonOperator": "NULL"}},
            ConditionalOperator="XOR",
            Select="BOGUS",
        ),
        VALIDATION,
        "Failed to satisfy constraint: Member must satisfy enum value set: [ALL, OR]",
    )


MISSED_KEY_ERRORS = [
    ("no-partition-key", "sk = :a", {"a": N(1)}, None, "pk"),
    ("non-key-attribute", "pk = :p AND a = :a", {"p": S("p"), "a": N(1)}, None, "sk"),
    ("non-key-attribute-first", "a = :a AND pk = :p", {"p": S("p"), "a": N(1)}, None, "sk"),
    ("non-key-attribute-only", "a = :a", {"a": N(1)}, None, "pk"),
    ("sort-key-and-non-key", "sk = :a AND a = :a", {"a": N(1)}, None, "pk"),
    ("table-sort-key-on-gsi", "g = :g AND sk = :a", {"g": S("G"), "a": N(1)}, "gsi_all", "gs"),
    ("table-partition-key-on-gsi", "pk = :p", {"p": S("p")}, "gsi_all", "g"),
]


@service_behaviour("DynamoDB Local leaves the key's name out of the message", source=MISSED_KEY_SOURCE)
@pytest.mark.parametrize(
    "expression, expression_values, index_name, key_name",
    [case[1:] for case in MISSED_KEY_ERRORS],
    ids=[case[0] for case in MISSED_KEY_ERRORS],
)
def test_key_condition_missed_key(module_ddb, table, expression, expression_values, index_name, key_name):
    request: dict[str, Any] = {"TableName": table, "KeyConditionExpression": expression}
    request["ExpressionAttributeValues"] = values(**expression_values)
    if index_name is not None:
        request["IndexName"] = index_name
    assert_error(lambda: module_ddb.query(**request), VALIDATION, missed_key(key_name))


def test_missing_key_condition(module_ddb_raw, table):
    assert_error(lambda: module_ddb_raw.query(TableName=table), VALIDATION, NO_KEY_CONDITION)
    assert_error(
        lambda: module_ddb_raw.query(
            TableName=table, FilterExpression="a = :a", ExpressionAttributeValues=values(a=N(1))
        ),
        VALIDATION,
        NO_KEY_CONDITION,
    )


def test_unused_attribute_name(module_ddb, table):
    assert_error(
        lambda: module_ddb.query(TableName=table, ExpressionAttributeNames={"#n": "x"}, **PK),
        VALIDATION,
        "Value provided in ExpressionAttributeNames unused in expressions: keys: {#n}",
    )


@MISSING_TABLE
def test_missing_table(module_ddb):
    assert_error(lambda: module_ddb.query(TableName=unique_name(), **PK), NOT_FOUND, TABLE_NOT_FOUND)


# ---------------------------------------------------------------------------------------------------
# Filters

FILTER_ERRORS = [
    ("partition-key", None, PK, "pk = :p", {}, {}, filter_on_key("pk")),
    ("sort-key", None, PK, "sk > :a", {"a": N(1)}, {}, filter_on_key("sk")),
    ("name-placeholder", None, PK, "#k = :p", {}, {"#k": "pk"}, filter_on_key("pk")),
    ("function", None, PK, "attribute_exists(pk)", {}, {}, filter_on_key("pk")),
    ("hash-named-first", None, PK, "sk > :a AND pk = :p", {"a": N(1)}, {}, filter_on_key("pk")),
    ("nested-key-path", None, PK, "pk.x = :p", {}, {}, KEY_NOT_SCALAR),
    ("gsi-sort-key", "gsi_all", G, "gs = :g", {}, {}, filter_on_key("gs")),
    ("gsi-partition-key", "gsi_all", G, "g = :g", {}, {}, filter_on_key("g")),
    ("lsi-sort-key", "lsi_all", PK, "ls = :l", {"l": S("ls1")}, {}, filter_on_key("ls")),
    ("lsi-partition-key", "lsi_all", PK, "pk = :p", {}, {}, filter_on_key("pk")),
]


@pytest.mark.parametrize(
    "index_name, key_condition, expression, extra_values, names, message",
    [case[1:] for case in FILTER_ERRORS],
    ids=[case[0] for case in FILTER_ERRORS],
)
def test_filter_on_key_attributes_rejected(
    module_ddb, table, index_name, key_condition, expression, extra_values, names, message
):
    request: dict[str, Any] = {
        "TableName": table,
        "KeyConditionExpression": key_condition["KeyConditionExpression"],
        "FilterExpression": expression,
        "ExpressionAttributeValues": {**key_condition["ExpressionAttributeValues"], **values(**extra_values)},
    }
    if names:
        request["ExpressionAttributeNames"] = names
    if index_name:
        request["IndexName"] = index_name
    assert_error(lambda: module_ddb.query(**request), VALIDATION, message)


@pytest.mark.parametrize(
    "index_name, key_condition, expression, extra_values, expected",
    [
        pytest.param(None, PK, "g = :g", {"g": S("G")}, [1, 2, 3, 4, 5], id="gsi-key-on-table"),
        pytest.param("gsi_all", G, "pk = :p", {"p": S("p")}, [1, 2, 3, 4, 5], id="table-key-on-gsi"),
        pytest.param("gsi_all", G, "sk > :a", {"a": N(3)}, [4, 5], id="table-sort-key-on-gsi"),
        pytest.param("lsi_all", PK, "sk = :a", {"a": N(1)}, [1], id="table-sort-key-on-lsi"),
        pytest.param(None, PK, "a > :a", {"a": N(3)}, [4, 5], id="non-key"),
        pytest.param(None, PK, "size(b) BETWEEN :x AND :y", {"x": N(2), "y": N(3)}, [2, 3], id="size"),
        pytest.param(None, PK, "a = :a OR contains(b, :b)", {"a": N(1), "b": S("xxxxx")}, [1, 5], id="or"),
        pytest.param(None, PK, "attribute_not_exists(zz)", {}, [1, 2, 3, 4, 5], id="missing-attribute"),
    ],
)
def test_filters_accepted(module_ddb, table, index_name, key_condition, expression, extra_values, expected):
    request: dict[str, Any] = {
        "KeyConditionExpression": key_condition["KeyConditionExpression"],
        "FilterExpression": expression,
        "ExpressionAttributeValues": {**key_condition["ExpressionAttributeValues"], **values(**extra_values)},
        "ProjectionExpression": "sk",
    }
    if index_name:
        request["IndexName"] = index_name
    result = query(module_ddb, table, **request)
    order = [5, 4, 3, 2, 1] if index_name == "lsi_all" else [1, 2, 3, 4, 5]
    expected_items = [{"sk": N(i)} for i in order if i in expected]
    assert result == {"Items": expected_items, "Count": len(expected), "ScannedCount": 5}


def test_filter_errors(module_ddb, table):
    assert_error(
        lambda: module_ddb.query(TableName=table, FilterExpression="", **PK),
        VALIDATION,
        "Invalid FilterExpression: The expression can not be empty;",
    )
    assert_error(
        lambda: module_ddb.query(TableName=table, FilterExpression="a = :zz", **PK),
        VALIDATION,
        "Invalid FilterExpression: An expression attribute value used in expression is not defined; "
        "attribute value: :zz",
    )


# ---------------------------------------------------------------------------------------------------
# Select and projections


def test_select_count(module_ddb, table):
    assert query(module_ddb, table, Select="COUNT", **PK) == {"Count": 5, "ScannedCount": 5}
    result = query(
        module_ddb,
        table,
        Select="COUNT",
        FilterExpression="a > :a",
        KeyConditionExpression="pk = :p",
        ExpressionAttributeValues=values(p=S("p"), a=N(3)),
    )
    assert result == {"Count": 2, "ScannedCount": 5}


def test_select_specific_attributes(module_ddb, table):
    result = query(module_ddb, table, Select="SPECIFIC_ATTRIBUTES", ProjectionExpression="a, b, nope, pk", **PK)
    assert result == {
        "Items": [only(ITEMS[i], "a", "b", "pk") for i in range(1, 6)],
        "Count": 5,
        "ScannedCount": 5,
    }


def test_select_all_attributes(module_ddb, table):
    assert query(module_ddb, table, Select="ALL_ATTRIBUTES", **PK) == query(module_ddb, table, **PK)
    assert query(module_ddb, table, **PK) == {"Items": list(ITEMS.values()), "Count": 5, "ScannedCount": 5}


SELECT_ERRORS = [
    ("specific-without-projection", None, {"Select": "SPECIFIC_ATTRIBUTES"}, SPECIFIC_NEEDS_PROJECTION),
    (
        "all-with-projection",
        None,
        {"Select": "ALL_ATTRIBUTES", "ProjectionExpression": "a"},
        ALL_WITH_PROJECTION,
    ),
    ("count-with-projection", None, {"Select": "COUNT", "ProjectionExpression": "a"}, COUNT_WITH_PROJECTION),
    ("all-projected-on-table", None, {"Select": "ALL_PROJECTED_ATTRIBUTES"}, ALL_PROJECTED_WITHOUT_INDEX),
    (
        "all-projected-with-projection",
        "gsi_all",
        {"Select": "ALL_PROJECTED_ATTRIBUTES", "ProjectionExpression": "a"},
        ALL_PROJECTED_WITH_PROJECTION,
    ),
    ("unknown-select", None, {"Select": "SOME"}, constraint_error(clause("SOME", "select", SELECT_ENUM))),
    ("lowercase-select", None, {"Select": "count"}, constraint_error(clause("count", "select", SELECT_ENUM))),
    (
        "all-on-keys-only-gsi",
        "gsi_keys",
        {"Select": "ALL_ATTRIBUTES"},
        all_attributes_not_supported("gsi_keys"),
    ),
    ("all-on-include-gsi", "gsi_inc", {"Select": "ALL_ATTRIBUTES"}, all_attributes_not_supported("gsi_inc")),
    (
        "unprojected-on-include-gsi",
        "gsi_inc",
        {"ProjectionExpression": "b, a"},
        not_projected("gsi_inc", "b"),
    ),
    (
        "unprojected-on-keys-only-gsi",
        "gsi_keys",
        {"ProjectionExpression": "a"},
        not_projected("gsi_keys", "a"),
    ),
    ("consistent-read-on-gsi", "gsi_all", {"ConsistentRead": True}, GSI_CONSISTENT_READ),
    ("limit-zero", None, {"Limit": 0}, constraint_error(clause(0, "limit", LIMIT_AT_LEAST_ONE))),
    ("limit-negative", None, {"Limit": -1}, constraint_error(clause(-1, "limit", LIMIT_AT_LEAST_ONE))),
    (
        "projection-syntax",
        None,
        {"ProjectionExpression": "a,,b"},
        'Invalid ProjectionExpression: Syntax error; token: ",", near: ",,b"',
    ),
    (
        "projection-overlap",
        None,
        {"ProjectionExpression": "a, a"},
        "Invalid ProjectionExpression: Two document paths overlap with each other; must remove or rewrite "
        "one of these paths; path one: [a], path two: [a]",
    ),
    (
        "projection-empty",
        None,
        {"ProjectionExpression": ""},
        "Invalid ProjectionExpression: The expression can not be empty;",
    ),
]


@pytest.mark.parametrize(
    "index_name, extra, message",
    cases(
        SELECT_ERRORS,
        {name: FRAMEWORK for name in ("unknown-select", "lowercase-select", "limit-zero", "limit-negative")},
    ),
)
def test_select_and_projection_errors(module_ddb_raw, table, index_name, extra, message):
    request: dict[str, Any] = {
        "TableName": table,
        **(G if index_name and index_name.startswith("gsi") else PK),
    }
    if index_name:
        request["IndexName"] = index_name
    request.update(extra)
    assert_error(lambda: module_ddb_raw.query(**request), VALIDATION, message)


INDEX_READS = [
    # (id, index, key condition, extra request members, the expected item for sk i)
    ("gsi-all-default", "gsi_all", G, {}, lambda i: ITEMS[i]),
    ("gsi-all-all-attributes", "gsi_all", G, {"Select": "ALL_ATTRIBUTES"}, lambda i: ITEMS[i]),
    ("gsi-all-all-projected", "gsi_all", G, {"Select": "ALL_PROJECTED_ATTRIBUTES"}, lambda i: ITEMS[i]),
    ("gsi-keys-default", "gsi_keys", G, {}, lambda i: only(ITEMS[i], "pk", "sk", "g")),
    (
        "gsi-keys-all-projected",
        "gsi_keys",
        G,
        {"Select": "ALL_PROJECTED_ATTRIBUTES"},
        lambda i: only(ITEMS[i], "pk", "sk", "g"),
    ),
    ("gsi-include-default", "gsi_inc", G, {}, lambda i: only(ITEMS[i], "pk", "sk", "g", "gs", "a")),
    (
        "gsi-include-projection",
        "gsi_inc",
        G,
        {"ProjectionExpression": "a, gs"},
        lambda i: only(ITEMS[i], "a", "gs"),
    ),
    ("lsi-keys-default", "lsi_keys", PK, {}, lambda i: only(ITEMS[i], "pk", "sk", "ls")),
    ("lsi-keys-all-attributes-fetch", "lsi_keys", PK, {"Select": "ALL_ATTRIBUTES"}, lambda i: ITEMS[i]),
    (
        "lsi-keys-projection-fetch",
        "lsi_keys",
        PK,
        {"ProjectionExpression": "b, a"},
        lambda i: only(ITEMS[i], "a", "b"),
    ),
    (
        "lsi-keys-specific-fetch",
        "lsi_keys",
        PK,
        {"Select": "SPECIFIC_ATTRIBUTES", "ProjectionExpression": "b"},
        lambda i: only(ITEMS[i], "b"),
    ),
    ("lsi-all-all-projected", "lsi_all", PK, {"Select": "ALL_PROJECTED_ATTRIBUTES"}, lambda i: ITEMS[i]),
]


@pytest.mark.parametrize(
    "index_name, key_condition, extra, shape",
    [case[1:] for case in INDEX_READS],
    ids=[case[0] for case in INDEX_READS],
)
def test_index_projections(module_ddb, table, index_name, key_condition, extra, shape):
    result = query(module_ddb, table, IndexName=index_name, **key_condition, **extra)
    assert (result["Count"], result["ScannedCount"], "LastEvaluatedKey" in result) == (5, 5, False)
    expected = [shape(i) for i in range(1, 6)]
    if index_name == "gsi_keys":  # no sort key: the order of the items is not defined
        assert item_set(result["Items"]) == item_set(expected)
    elif index_name.startswith("lsi"):
        assert result["Items"] == list(reversed(expected))
    else:
        assert result["Items"] == expected


def test_scan_index_forward(module_ddb, table):
    backward = query(module_ddb, table, ScanIndexForward=False, ProjectionExpression="sk", **PK)
    assert backward == {"Items": [{"sk": N(i)} for i in (5, 4, 3, 2, 1)], "Count": 5, "ScannedCount": 5}
    lsi_backward = query(
        module_ddb, table, IndexName="lsi_all", ScanIndexForward=False, ProjectionExpression="ls", **PK
    )
    assert lsi_backward["Items"] == [{"ls": S(f"ls{i}")} for i in (5, 4, 3, 2, 1)]
    gsi_backward = query(module_ddb, table, IndexName="gsi_all", ScanIndexForward=False, ProjectionExpression="gs", **G)
    assert gsi_backward["Items"] == [{"gs": S(f"gs{i}")} for i in (5, 4, 3, 2, 1)]


def test_consistent_read_on_table_and_lsi(module_ddb, table):
    assert query(module_ddb, table, ConsistentRead=True, Select="COUNT", **PK) == {
        "Count": 5,
        "ScannedCount": 5,
    }
    result = query(module_ddb, table, IndexName="lsi_all", ConsistentRead=True, Select="COUNT", **PK)
    assert result == {"Count": 5, "ScannedCount": 5}


# ---------------------------------------------------------------------------------------------------
# Limit, LastEvaluatedKey and ExclusiveStartKey

LIMITS = [
    (
        "limit-2",
        {"Limit": 2, "ProjectionExpression": "sk", **PK},
        {"Items": [{"sk": N(1)}, {"sk": N(2)}], "Count": 2, "ScannedCount": 2, "LastEvaluatedKey": key(2)},
    ),
    (
        "limit-ends-exactly-at-last-item",
        {"Limit": 5, "ProjectionExpression": "sk", **PK},
        {
            "Items": [{"sk": N(i)} for i in range(1, 6)],
            "Count": 5,
            "ScannedCount": 5,
            "LastEvaluatedKey": key(5),
        },
    ),
    (
        "limit-beyond-last-item",
        {"Limit": 6, "ProjectionExpression": "sk", **PK},
        {"Items": [{"sk": N(i)} for i in range(1, 6)], "Count": 5, "ScannedCount": 5},
    ),
    (
        "limit-ends-at-last-item-of-range",
        {
            "Limit": 3,
            "ProjectionExpression": "sk",
            "KeyConditionExpression": "pk = :p AND sk > :a",
            "ExpressionAttributeValues": values(p=S("p"), a=N(2)),
        },
        {
            "Items": [{"sk": N(i)} for i in (3, 4, 5)],
            "Count": 3,
            "ScannedCount": 3,
            "LastEvaluatedKey": key(5),
        },
    ),
    (
        "limit-1-single-item-partition",
        {"Limit": 1, "KeyConditionExpression": "pk = :p", "ExpressionAttributeValues": values(p=S("p2"))},
        {"Items": [OTHER], "Count": 1, "ScannedCount": 1, "LastEvaluatedKey": {"pk": S("p2"), "sk": N(1)}},
    ),
    (
        "limit-before-filter",
        {
            "Limit": 2,
            "FilterExpression": "a > :one",
            "KeyConditionExpression": "pk = :p",
            "ExpressionAttributeValues": values(p=S("p"), one=N(1)),
        },
        {"Items": [ITEMS[2]], "Count": 1, "ScannedCount": 2, "LastEvaluatedKey": key(2)},
    ),
    (
        "limit-filter-drops-everything",
        {
            "Limit": 1,
            "FilterExpression": "a > :one",
            "KeyConditionExpression": "pk = :p",
            "ExpressionAttributeValues": values(p=S("p"), one=N(1)),
        },
        {"Items": [], "Count": 0, "ScannedCount": 1, "LastEvaluatedKey": key(1)},
    ),
    (
        "limit-count",
        {"Limit": 2, "Select": "COUNT", **PK},
        {"Count": 2, "ScannedCount": 2, "LastEvaluatedKey": key(2)},
    ),
    (
        "limit-backward",
        {"Limit": 2, "ScanIndexForward": False, "ProjectionExpression": "sk", **PK},
        {"Items": [{"sk": N(5)}, {"sk": N(4)}], "Count": 2, "ScannedCount": 2, "LastEvaluatedKey": key(4)},
    ),
    (
        "gsi-limit-2",
        {"IndexName": "gsi_all", "Limit": 2, "ProjectionExpression": "gs", **G},
        {
            "Items": [{"gs": S("gs1")}, {"gs": S("gs2")}],
            "Count": 2,
            "ScannedCount": 2,
            "LastEvaluatedKey": gsi_key(2),
        },
    ),
    (
        "gsi-limit-ends-exactly",
        {"IndexName": "gsi_all", "Limit": 5, "Select": "COUNT", **G},
        {"Count": 5, "ScannedCount": 5, "LastEvaluatedKey": gsi_key(5)},
    ),
    (
        "lsi-limit-2",
        {"IndexName": "lsi_all", "Limit": 2, "ProjectionExpression": "ls", **PK},
        {
            "Items": [{"ls": S("ls1")}, {"ls": S("ls2")}],
            "Count": 2,
            "ScannedCount": 2,
            "LastEvaluatedKey": lsi_key(4),
        },
    ),
    (
        "lsi-limit-ends-exactly",
        {"IndexName": "lsi_all", "Limit": 5, "Select": "COUNT", **PK},
        {"Count": 5, "ScannedCount": 5, "LastEvaluatedKey": lsi_key(1)},
    ),
]


@pytest.mark.parametrize("request_, expected", [case[1:] for case in LIMITS], ids=[case[0] for case in LIMITS])
def test_limit_and_last_evaluated_key(module_ddb, table, request_, expected):
    assert query(module_ddb, table, **request_) == expected


def test_hash_only_gsi_last_evaluated_key(module_ddb, table):
    """A GSI without a sort key: LastEvaluatedKey has the table key and the index key; pages cover all."""
    first = query(module_ddb, table, IndexName="gsi_keys", Limit=2, **G)
    assert (first["Count"], first["ScannedCount"]) == (2, 2)
    last = first["Items"][-1]
    assert first["LastEvaluatedKey"] == {"pk": last["pk"], "sk": last["sk"], "g": S("G")}
    pages = all_pages(module_ddb.query, TableName=table, IndexName="gsi_keys", Limit=2, **G)
    assert [page["Count"] for page in pages] == [2, 2, 1]
    found = [item for page in pages for item in page["Items"]]
    assert item_set(found) == item_set([only(ITEMS[i], "pk", "sk", "g") for i in range(1, 6)])


START_KEYS = [
    (
        "next-page",
        {"ExclusiveStartKey": key(2), "Limit": 2, "ProjectionExpression": "sk", **PK},
        {"Items": [{"sk": N(3)}, {"sk": N(4)}], "Count": 2, "ScannedCount": 2, "LastEvaluatedKey": key(4)},
    ),
    ("after-last-item", {"ExclusiveStartKey": key(5), **PK}, {"Items": [], "Count": 0, "ScannedCount": 0}),
    (
        "not-an-existing-item",
        {"ExclusiveStartKey": {"pk": S("p"), "sk": N("2.5")}, "ProjectionExpression": "sk", **PK},
        {"Items": [{"sk": N(i)} for i in (3, 4, 5)], "Count": 3, "ScannedCount": 3},
    ),
    (
        "backward",
        {"ExclusiveStartKey": key(3), "ScanIndexForward": False, "ProjectionExpression": "sk", **PK},
        {"Items": [{"sk": N(2)}, {"sk": N(1)}], "Count": 2, "ScannedCount": 2},
    ),
    (
        "gsi",
        {"IndexName": "gsi_all", "ExclusiveStartKey": gsi_key(2), "ProjectionExpression": "gs", **G},
        {"Items": [{"gs": S(f"gs{i}")} for i in (3, 4, 5)], "Count": 3, "ScannedCount": 3},
    ),
    (
        "lsi",
        {"IndexName": "lsi_all", "ExclusiveStartKey": lsi_key(2), "ProjectionExpression": "ls", **PK},
        {"Items": [{"ls": S("ls5")}], "Count": 1, "ScannedCount": 1},
    ),
]


@pytest.mark.parametrize("request_, expected", [case[1:] for case in START_KEYS], ids=[case[0] for case in START_KEYS])
def test_exclusive_start_key(module_ddb, table, request_, expected):
    assert query(module_ddb, table, **request_) == expected


START_KEY_ERRORS = [
    ("other-partition", None, PK, {"pk": S("zz"), "sk": N(2)}, START_KEY_PREDICATE),
    (
        "outside-sort-condition",
        None,
        {
            "KeyConditionExpression": "pk = :p AND sk > :a",
            "ExpressionAttributeValues": values(p=S("p"), a=N(2)),
        },
        key(1),
        START_KEY_PREDICATE,
    ),
    ("missing-sort-key", None, PK, {"pk": S("p")}, START_KEY_SIZE),
    ("extra-attribute", None, PK, {**key(2), "a": N(1)}, START_KEY_SIZE),
    ("wrong-type", None, PK, {"pk": S("p"), "sk": S("2")}, START_KEY_TYPE),
    ("empty", None, PK, {}, START_KEY_INVALID),
    ("gsi-table-key-only", "gsi_all", G, key(2), START_KEY_INVALID),
    ("gsi-index-key-only", "gsi_all", G, {"g": S("G"), "gs": S("gs2")}, START_KEY_INVALID),
    ("gsi-wrong-type", "gsi_all", G, {**key(2), "g": S("G"), "gs": N(2)}, START_KEY_TYPE),
    ("gsi-other-partition", "gsi_all", G, {**key(2), "g": S("H"), "gs": S("gs2")}, START_KEY_PREDICATE),
    ("lsi-without-lsi-key", "lsi_all", PK, key(2), START_KEY_SIZE),
]


@pytest.mark.parametrize(
    "index_name, key_condition, start, message",
    [case[1:] for case in START_KEY_ERRORS],
    ids=[case[0] for case in START_KEY_ERRORS],
)
def test_exclusive_start_key_errors(module_ddb_raw, table, index_name, key_condition, start, message):
    request: dict[str, Any] = {"TableName": table, "ExclusiveStartKey": start, **key_condition}
    if index_name:
        request["IndexName"] = index_name
    assert_error(lambda: module_ddb_raw.query(**request), VALIDATION, message)


@pytest.mark.parametrize(
    "index_name, key_condition, order",
    [
        pytest.param(None, PK, [1, 2, 3, 4, 5], id="table"),
        pytest.param("gsi_all", G, [1, 2, 3, 4, 5], id="gsi"),
        pytest.param("lsi_all", PK, [5, 4, 3, 2, 1], id="lsi"),
        pytest.param("lsi_keys", PK, [5, 4, 3, 2, 1], id="lsi-keys-only-fetching"),
    ],
)
@pytest.mark.parametrize("forward", [True, False], ids=["forward", "backward"])
def test_paging_with_limit_visits_every_item_once(module_ddb, table, index_name, key_condition, order, forward):
    request: dict[str, Any] = {"TableName": table, "Limit": 2, "ScanIndexForward": forward, **key_condition}
    if index_name:
        request["IndexName"] = index_name
    if index_name == "lsi_keys":
        request["Select"] = "ALL_ATTRIBUTES"
    pages = all_pages(module_ddb.query, **request)
    assert [page["Count"] for page in pages] == [2, 2, 1]
    expected = [ITEMS[i] for i in (order if forward else list(reversed(order)))]
    assert [item for page in pages for item in page["Items"]] == expected


# ---------------------------------------------------------------------------------------------------
# Legacy parameters

KC = {"pk": {"ComparisonOperator": "EQ", "AttributeValueList": [S("p")]}}
NON_KEY = {"a": {"ComparisonOperator": "EQ", "AttributeValueList": [N(1)]}}


def legacy_condition(operator: str, *arguments: dict[str, Any]) -> dict[str, Any]:
    condition: dict[str, Any] = {"ComparisonOperator": operator}
    if arguments:
        condition["AttributeValueList"] = list(arguments)
    return condition


def with_sort(operator: str, *arguments: dict[str, Any]) -> dict[str, Any]:
    return {**KC, "sk": legacy_condition(operator, *arguments)}


@pytest.mark.parametrize(
    "conditions, expected",
    [
        pytest.param(KC, [1, 2, 3, 4, 5], id="eq"),
        pytest.param(with_sort("GT", N(3)), [4, 5], id="gt"),
        pytest.param(with_sort("LE", N(2)), [1, 2], id="le"),
        pytest.param(with_sort("BETWEEN", N(2), N(3)), [2, 3], id="between"),
    ],
)
def test_key_conditions(module_ddb, table, conditions, expected):
    result = query(module_ddb, table, KeyConditions=conditions, AttributesToGet=["sk"])
    assert result == {
        "Items": [{"sk": N(i)} for i in expected],
        "Count": len(expected),
        "ScannedCount": len(expected),
    }


def test_key_conditions_on_gsi(module_ddb, table):
    conditions = {
        "g": {"ComparisonOperator": "EQ", "AttributeValueList": [S("G")]},
        "gs": {"ComparisonOperator": "BEGINS_WITH", "AttributeValueList": [S("gs")]},
    }
    assert query(module_ddb, table, IndexName="gsi_all", KeyConditions=conditions, Select="COUNT") == {
        "Count": 5,
        "ScannedCount": 5,
    }


@pytest.mark.parametrize(
    "query_filter, operator, expected",
    [
        pytest.param({"a": {"ComparisonOperator": "GT", "AttributeValueList": [N(3)]}}, None, [4, 5], id="gt"),
        pytest.param(
            {
                "a": {"ComparisonOperator": "LT", "AttributeValueList": [N(2)]},
                "b": {"ComparisonOperator": "EQ", "AttributeValueList": [S("xxxxx")]},
            },
            "OR",
            [1, 5],
            id="or",
        ),
        pytest.param(
            {
                "a": {"ComparisonOperator": "LT", "AttributeValueList": [N(3)]},
                "b": {"ComparisonOperator": "EQ", "AttributeValueList": [S("xx")]},
            },
            None,
            [2],
            id="and-by-default",
        ),
        pytest.param({"a": {"ComparisonOperator": "NOT_NULL"}}, None, [1, 2, 3, 4, 5], id="not-null"),
        pytest.param(
            {"b": {"ComparisonOperator": "CONTAINS", "AttributeValueList": [S("xxxx")]}},
            None,
            [4, 5],
            id="contains",
        ),
        pytest.param({"a": {"ComparisonOperator": "IN", "AttributeValueList": [N(1), N(5)]}}, None, [1, 5], id="in"),
        pytest.param({}, None, [1, 2, 3, 4, 5], id="empty"),
    ],
)
def test_query_filter(module_ddb, table, query_filter, operator, expected):
    request: dict[str, Any] = {"KeyConditions": KC, "QueryFilter": query_filter, "AttributesToGet": ["a"]}
    if operator:
        request["ConditionalOperator"] = operator
    result = query(module_ddb, table, **request)
    assert result == {"Items": [{"a": N(i)} for i in expected], "Count": len(expected), "ScannedCount": 5}


LEGACY_ERRORS = [
    (
        "begins-with-on-number",
        {"KeyConditions": with_sort("BEGINS_WITH", N(2))},
        "One or more parameter values were invalid: ComparisonOperator BEGINS_WITH is not valid for N "
        "AttributeValue type",
    ),
    ("sort-in", {"KeyConditions": with_sort("IN", N(2))}, NOT_INDEXABLE),
    ("sort-not-null", {"KeyConditions": with_sort("NOT_NULL")}, RANGE_KEY_NOT_SCALAR),
    (
        "partition-gt",
        {"KeyConditions": {"pk": {"ComparisonOperator": "GT", "AttributeValueList": [S("p")]}}},
        KEY_CONDITION_NOT_SUPPORTED,
    ),
    (
        "partition-null",
        {"KeyConditions": {"pk": {"ComparisonOperator": "NULL"}}},
        "Only scalar types can be used as Hash Key values",
    ),
    (
        "partition-not-equal",
        {"KeyConditions": {"pk": {"ComparisonOperator": "NE", "AttributeValueList": [S("p")]}}},
        KEY_CONDITION_NOT_SUPPORTED,
    ),
    (
        "partition-greater-before-non-key",
        {"KeyConditions": {"pk": {"ComparisonOperator": "GT", "AttributeValueList": [S("p")]}, **NON_KEY}},
        KEY_CONDITION_NOT_SUPPORTED,
    ),
    (
        "eq-two-values",
        {"KeyConditions": {"pk": {"ComparisonOperator": "EQ", "AttributeValueList": [S("p"), S("q")]}}},
        argument_count("EQ"),
    ),
    ("eq-no-value", {"KeyConditions": {"pk": {"ComparisonOperator": "EQ"}}}, argument_count("EQ")),
    (
        "wrong-type",
        {"KeyConditions": {"pk": {"ComparisonOperator": "EQ", "AttributeValueList": [N(1)]}}},
        CONDITION_TYPE_MISMATCH,
    ),
    (
        "unknown-operator",
        {"KeyConditions": {"pk": {"ComparisonOperator": "FOO", "AttributeValueList": [S("p")]}}},
        constraint_error(clause("FOO", "keyConditions.pk.member.comparisonOperator", COMPARISON_OPERATOR_ENUM)),
    ),
    (
        "three-key-conditions",
        {"KeyConditions": {**with_sort("GT", N(1)), "a": {"ComparisonOperator": "NULL"}}},
        KEY_CONDITIONS_COUNT,
    ),
    ("sort-in-mixed-types", {"KeyConditions": with_sort("IN", N(1), S("1"))}, LEGACY_MIXED_TYPES),
    ("sort-between-mixed-types", {"KeyConditions": with_sort("BETWEEN", N(1), S("1"))}, LEGACY_MIXED_TYPES),
    ("sort-between-reversed", {"KeyConditions": with_sort("BETWEEN", N(3), N(1))}, LEGACY_BETWEEN_REVERSED),
    (
        "sort-between-bool",
        {"KeyConditions": with_sort("BETWEEN", {"BOOL": True}, {"BOOL": True})},
        operator_type("BETWEEN", "BOOL"),
    ),
    ("sort-contains-set", {"KeyConditions": with_sort("CONTAINS", {"SS": ["a"]})}, operator_type("CONTAINS", "SS")),
    ("sort-ne-wrong-type", {"KeyConditions": with_sort("NE", S("1"))}, CONDITION_TYPE_MISMATCH),
    ("sort-begins-with-string", {"KeyConditions": with_sort("BEGINS_WITH", S("1"))}, CONDITION_TYPE_MISMATCH),
    ("sort-in-wrong-type", {"KeyConditions": with_sort("IN", S("1"))}, CONDITION_TYPE_MISMATCH),
    ("sort-null-with-value", {"KeyConditions": with_sort("NULL", N(1))}, argument_count("NULL")),
    (
        "query-filter-between-mixed-types",
        {"KeyConditions": KC, "QueryFilter": {"a": legacy_condition("BETWEEN", N(1), S("9"))}},
        LEGACY_MIXED_TYPES,
    ),
    (
        "query-filter-in-mixed-types",
        {"KeyConditions": KC, "QueryFilter": {"a": legacy_condition("IN", N(1), N(2), S("9"))}},
        LEGACY_MIXED_TYPES,
    ),
    (
        "empty-query-filter-with-conditional-operator",
        {"KeyConditions": KC, "QueryFilter": {}, "ConditionalOperator": "OR"},
        CONDITIONAL_OPERATOR_ALONE,
    ),
    (
        "values-with-projection-only",
        {"KeyConditions": KC, "ProjectionExpression": "a", "ExpressionAttributeValues": values(a=N(1))},
        VALUES_WITHOUT_EXPRESSIONS,
    ),
    (
        "key-conditions-and-attributes-to-get-with-projection",
        {"KeyConditions": KC, "AttributesToGet": ["a"], "ProjectionExpression": "a"},
        mixed("AttributesToGet", "ProjectionExpression"),
    ),
    (
        "every-legacy-and-expression-parameter",
        {
            **PK,
            "KeyConditions": KC,
            "AttributesToGet": ["a"],
            "QueryFilter": {"a": {"ComparisonOperator": "NULL"}},
            "ConditionalOperator": "OR",
            "ProjectionExpression": "a",
            "FilterExpression": "attribute_exists(b)",
        },
        mixed(
            "AttributesToGet, QueryFilter, ConditionalOperator, KeyConditions",
            "ProjectionExpression, FilterExpression, KeyConditionExpression",
        ),
    ),
    (
        "key-conditions-and-expression",
        {
            "KeyConditions": KC,
            "KeyConditionExpression": "pk = :p",
            "ExpressionAttributeValues": values(p=S("p")),
        },
        mixed("KeyConditions", "KeyConditionExpression"),
    ),
    (
        "query-filter-and-expression",
        {**PK, "QueryFilter": {"a": {"ComparisonOperator": "NOT_NULL"}}},
        mixed("QueryFilter", "KeyConditionExpression"),
    ),
    (
        "conditional-operator-and-expression",
        {**PK, "ConditionalOperator": "AND"},
        mixed("ConditionalOperator", "KeyConditionExpression"),
    ),
    (
        "attributes-to-get-and-expression",
        {**PK, "AttributesToGet": ["a"]},
        mixed("AttributesToGet", "KeyConditionExpression"),
    ),
    (
        "attributes-to-get-and-projection",
        {**PK, "AttributesToGet": ["a"], "ProjectionExpression": "a"},
        mixed("AttributesToGet", "ProjectionExpression, KeyConditionExpression"),
    ),
    (
        "values-without-expressions",
        {"KeyConditions": KC, "ExpressionAttributeValues": values(a=N(1))},
        VALUES_WITHOUT_EXPRESSIONS,
    ),
    (
        "names-without-expressions",
        {"KeyConditions": KC, "ExpressionAttributeNames": {"#a": "a"}},
        NAMES_WITHOUT_EXPRESSIONS,
    ),
    (
        "query-filter-on-partition-key",
        {
            "KeyConditions": KC,
            "QueryFilter": {"pk": {"ComparisonOperator": "EQ", "AttributeValueList": [S("p")]}},
        },
        filter_on_key("pk", "QueryFilter"),
    ),
    (
        "query-filter-on-sort-key",
        {
            "KeyConditions": KC,
            "QueryFilter": {"sk": {"ComparisonOperator": "GT", "AttributeValueList": [N(1)]}},
        },
        filter_on_key("sk", "QueryFilter"),
    ),
    (
        "not-null-with-value",
        {
            "KeyConditions": KC,
            "QueryFilter": {"a": {"ComparisonOperator": "NOT_NULL", "AttributeValueList": [N(1)]}},
        },
        argument_count("NOT_NULL"),
    ),
    (
        "conditional-operator-one-condition",
        {
            "KeyConditions": KC,
            "QueryFilter": {"a": {"ComparisonOperator": "NOT_NULL"}},
            "ConditionalOperator": "OR",
        },
        CONDITIONAL_OPERATOR_NEEDS_TWO,
    ),
    (
        "conditional-operator-without-filter",
        {"KeyConditions": KC, "ConditionalOperator": "OR"},
        CONDITIONAL_OPERATOR_ALONE,
    ),
    (
        "attributes-to-get-with-all",
        {"KeyConditions": KC, "AttributesToGet": ["a"], "Select": "ALL_ATTRIBUTES"},
        ATTRIBUTES_TO_GET_WITH_ALL,
    ),
    (
        "attributes-to-get-with-count",
        {"KeyConditions": KC, "AttributesToGet": ["a"], "Select": "COUNT"},
        ATTRIBUTES_TO_GET_WITH_COUNT,
    ),
    (
        "attributes-to-get-unprojected",
        {
            "IndexName": "gsi_inc",
            "KeyConditions": {"g": {"ComparisonOperator": "EQ", "AttributeValueList": [S("G")]}},
            "AttributesToGet": ["b"],
        },
        not_projected("gsi_inc", "b"),
    ),
]


@pytest.mark.parametrize("request_, message", cases(LEGACY_ERRORS, {"unknown-operator": FRAMEWORK}))
def test_legacy_parameter_errors(module_ddb_raw, table, request_, message):
    assert_error(lambda: module_ddb_raw.query(TableName=table, **request_), VALIDATION, message)


@service_behaviour("DynamoDB Local leaves the key's name out of the message", source=MISSED_KEY_SOURCE)
@pytest.mark.parametrize(
    "conditions, key_name",
    [
        pytest.param({"sk": {"ComparisonOperator": "EQ", "AttributeValueList": [N(1)]}}, "pk", id="sort-only"),
        pytest.param({**KC, **NON_KEY}, "sk", id="non-key"),
        pytest.param({"a": {"ComparisonOperator": "NULL"}}, "pk", id="non-key-only"),
    ],
)
def test_key_conditions_missed_key(module_ddb, table, conditions, key_name):
    assert_error(lambda: module_ddb.query(TableName=table, KeyConditions=conditions), VALIDATION, missed_key(key_name))


@service_behaviour(
    "DynamoDB Local says 'Conditions must be at least length 1' for an empty KeyConditions",
    source="architect/dynalite test/query.js: 'should return ValidationException for incorrect number of "
    "KeyConditions'",
)
def test_empty_key_conditions(module_ddb, table):
    assert_error(lambda: module_ddb.query(TableName=table, KeyConditions={}), VALIDATION, KEY_CONDITIONS_COUNT)


@service_behaviour(
    "DynamoDB Local says 'Cannot have two attributes with the same name'",
    source="architect/dynalite test/query.js, 'should return ValidationException for duplicate values in "
    "AttributesToGet'",
)
def test_attributes_to_get_duplicates(module_ddb, table):
    assert_error(
        lambda: module_ddb.query(TableName=table, KeyConditions=KC, AttributesToGet=["a", "a"]),
        VALIDATION,
        attributes_to_get_duplicate("a"),
    )


def test_key_conditions_with_filter_expression(module_ddb, table):
    """KeyConditions is the one legacy parameter that goes with expressions, as long as there is
    no KeyConditionExpression (architect/dynalite validations/index.js, and its test/query.js)."""
    result = query(
        module_ddb,
        table,
        KeyConditions=KC,
        FilterExpression="a > :a",
        ProjectionExpression="#a",
        ExpressionAttributeNames={"#a": "a"},
        ExpressionAttributeValues=values(a=N(3)),
    )
    assert result == {"Items": [{"a": N(4)}, {"a": N(5)}], "Count": 2, "ScannedCount": 5}


def test_key_conditions_with_projection_expression(module_ddb, table):
    result = query(module_ddb, table, KeyConditions=with_sort("LT", N(3)), ProjectionExpression="sk, b")
    assert result == {"Items": [{"sk": N(1), "b": S("x")}, {"sk": N(2), "b": S("xx")}], "Count": 2, "ScannedCount": 2}


# ---------------------------------------------------------------------------------------------------
# The 1 MB page
#
# 12 items of 99,989 bytes in one partition: 10 items are 999,890 bytes (< 1 MiB), 11 are 1,099,879 bytes.

BIG_ITEM_SIZE = 99_989


@pytest.fixture(scope="module")
def big_table(module_ddb) -> str:
    name = create_table(
        module_ddb, types={"pk": "S", "sk": "S", "g": "S"}, gsis=[index("gsi_keys", "g", None, KEYS_ONLY)]
    )
    for i in range(12):
        module_ddb.put_item(TableName=name, Item=sized_item(BIG_ITEM_SIZE, pk="p", sk=f"{i:02}", g="G"))
    return name


def big_key(i: int) -> dict[str, Any]:
    return {"pk": S("p"), "sk": S(f"{i:02}")}


def test_one_megabyte_page_includes_the_item_crossing_it(module_ddb, big_table):
    first = query(module_ddb, big_table, ProjectionExpression="sk", ReturnConsumedCapacity="TOTAL", **PK)
    assert first == {
        "Items": [{"sk": S(f"{i:02}")} for i in range(11)],
        "Count": 11,
        "ScannedCount": 11,
        "LastEvaluatedKey": big_key(10),
        # ceil(11 * 99,989 / 4096) = 269 units, halved for an eventually consistent read.
        "ConsumedCapacity": {"TableName": big_table, "CapacityUnits": 134.5},
    }
    second = query(module_ddb, big_table, ExclusiveStartKey=big_key(10), Select="COUNT", **PK)
    assert second == {"Count": 1, "ScannedCount": 1}


def test_one_megabyte_page_backward_and_count(module_ddb, big_table):
    backward = query(module_ddb, big_table, ScanIndexForward=False, Select="COUNT", **PK)
    assert backward == {"Count": 11, "ScannedCount": 11, "LastEvaluatedKey": big_key(1)}


def test_limit_smaller_than_one_megabyte(module_ddb, big_table):
    assert query(module_ddb, big_table, Limit=3, Select="COUNT", **PK) == {
        "Count": 3,
        "ScannedCount": 3,
        "LastEvaluatedKey": big_key(2),
    }


@service_behaviour(
    "DynamoDB Local applies the 1 MB page limit after the filter, not before it",
    source="Developer Guide, Query and Scan filter expressions: the 1 MB limit applies before the filter",
)
def test_one_megabyte_page_applies_before_the_filter(module_ddb, big_table):
    result = query(
        module_ddb,
        big_table,
        FilterExpression="v = :z",
        KeyConditionExpression="pk = :p",
        ExpressionAttributeValues=values(p=S("p"), z=S("z")),
    )
    assert result == {"Items": [], "Count": 0, "ScannedCount": 11, "LastEvaluatedKey": big_key(10)}


@service_behaviour(
    "DynamoDB Local counts base-table item sizes toward the 1 MB page of a KEYS_ONLY index",
    source="Developer Guide, Query: the 1 MB page counts the items read; an index read reads the index entries",
)
def test_one_megabyte_page_counts_index_entries(module_ddb, big_table):
    result = query(module_ddb, big_table, IndexName="gsi_keys", Select="COUNT", **G)
    assert result == {"Count": 12, "ScannedCount": 12}
