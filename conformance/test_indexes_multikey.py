"""Global secondary indexes with multi-attribute keys: up to four partition (HASH) and four sort (RANGE)
attributes. CreateTable and UpdateTable validation, DescribeTable, sparse membership and index key checks on
writes, every Query shape accepted and refused, the composite sort order, paging, Scan, PartiQL and consumed
capacity.

Service facts: Developer Guide, "Multi-attribute key schema"
(https://docs.aws.amazon.com/amazondynamodb/latest/developerguide/GSI.html#GSI.MultiAttributeKeys) and
"Multi-attribute keys pattern" (GSI.DesignPattern.MultiAttributeKeys.html).
"""

from __future__ import annotations

from typing import Any

import pytest
from botocore.exceptions import ClientError

from conformance import indexes_support
from conformance.conftest import unique_name
from conformance.helpers import (
    CONDITION_TYPE_MISMATCH,
    INDEX_KEY_TYPE_MISMATCH,
    KEY_CONDITION_NOT_SUPPORTED,
    MISSED_KEY_SOURCE,
    ONE_CONDITION_PER_KEY,
    START_KEY_INVALID,
    START_KEY_PREDICATE,
    VALIDATION,
    assert_error,
    keys_not_defined,
    missed_key,
    service_behaviour,
    strip_metadata,
)
from conformance.indexes_support import ALL, KEYS_ONLY, N, S, all_pages, definitions, wait_for_indexes

# Fixtures from indexes_support (pytest finds fixtures among a module's attributes).
module_backend = indexes_support.module_backend
module_ddb = indexes_support.module_ddb
module_ddb_raw = indexes_support.module_ddb_raw

TOO_MANY_HASH_ATTRIBUTES = (
    "One or more parameter values were invalid: The KeySchema exceeds the maximum allowed number of HASH key attributes"
)
TOO_MANY_RANGE_ATTRIBUTES = (
    "One or more parameter values were invalid: The KeySchema exceeds the maximum allowed number of RANGE key "
    "attributes"
)
HASH_AFTER_RANGE = (
    "One or more parameter values were invalid: All HASH key attributes must precede RANGE key attributes in the "
    "KeySchema"
)
SAME_NAME_TWICE = "The KeySchema contains multiple key attributes with the same name"
SAME_HASH_AND_RANGE = "Both the Hash Key and the Range Key element in the KeySchema have the same name"
FIRST_NOT_HASH = "Invalid KeySchema: The first KeySchemaElement is not a HASH key type"
# The service's CreateTable/UpdateTable texts as a live-service catalogue recorded them in 2026.
SERVICE_CATALOGUE = (
    "ack-api-quirks dynamodb finding DDB-TABLE-442 (ValidationException message catalogue, verified 2026-10-09)"
)
DDBLOCAL_KEY_SCHEMA_TEXTS = (
    "DynamoDB Local words these refusals its own way ('Too many partition keys. GSI can have at most 4 partition "
    "keys', 'Invalid key order. ...', 'No Hash Key specified in schema. ...', 'Two keys can not have the same name', "
    "'Key Schema too big. ...')"
)

INDEX = "by-multi"
# The shared table's index: partition (a S, b N), sort (x S, y N, z B).
MULTI_SCHEMA = [("a", "HASH"), ("b", "HASH"), ("x", "RANGE"), ("y", "RANGE"), ("z", "RANGE")]
TYPES = {"pk": "S", "a": "S", "b": "N", "x": "S", "y": "N", "z": "B"}


def elements(*pairs: tuple[str, str]) -> list[dict[str, str]]:
    return [{"AttributeName": name, "KeyType": kind} for name, kind in pairs]


def gsi(*pairs: tuple[str, str], name: str = INDEX, projection: dict[str, Any] = ALL) -> dict[str, Any]:
    return {"IndexName": name, "KeySchema": elements(*pairs), "Projection": projection}


def table_request(gsis: list[dict[str, Any]], types: dict[str, str], **extra: Any) -> dict[str, Any]:
    request = {
        "TableName": unique_name(),
        "KeySchema": elements(("pk", "HASH")),
        "AttributeDefinitions": definitions(**types),
        "BillingMode": "PAY_PER_REQUEST",
        **extra,
    }
    if gsis:
        request["GlobalSecondaryIndexes"] = gsis
    return request


def used_types(*pairs: tuple[str, str]) -> dict[str, str]:
    """Attribute definitions (all S) for the table key and every attribute the pairs name."""
    return {"pk": "S", **{name: "S" for name, _ in pairs}}


# --- CreateTable and DescribeTable -----------------------------------------------------------------


@pytest.fixture(scope="module")
def shared(module_ddb: Any) -> str:
    """A table whose index has a two-attribute partition key and a three-attribute sort key of three types,
    holding 12 items in partition (A, 1), one in (A, 2) and one lacking a sort attribute."""
    request = table_request([gsi(*MULTI_SCHEMA)], TYPES)
    module_ddb.create_table(**request)
    number = 0
    for x in ("m", "n"):
        for y in (1, 2, 10):
            for z in (b"\x01", b"\x02"):
                number += 1
                item = {"pk": S(f"p{number:02}"), "a": S("A"), "b": N(1), "x": S(x), "y": N(y), "z": {"B": z}}
                module_ddb.put_item(TableName=request["TableName"], Item=item)
    other = {"pk": S("other"), "a": S("A"), "b": N(2), "x": S("m"), "y": N(1), "z": {"B": b"\x01"}}
    module_ddb.put_item(TableName=request["TableName"], Item=other)
    sparse = {"pk": S("sparse"), "a": S("A"), "b": N(1), "x": S("m"), "y": N(1)}
    module_ddb.put_item(TableName=request["TableName"], Item=sparse)
    return request["TableName"]


def test_create_and_describe_keep_the_key_schema_in_order(ddb: Any) -> None:
    pairs = [("a", "HASH"), ("b", "HASH"), ("c", "HASH"), ("d", "HASH")]
    pairs += [("e", "RANGE"), ("f", "RANGE"), ("g", "RANGE"), ("h", "RANGE")]
    request = table_request([gsi(*pairs)], used_types(*pairs))
    created = ddb.create_table(**request)["TableDescription"]["GlobalSecondaryIndexes"][0]
    described = ddb.describe_table(TableName=request["TableName"])["Table"]["GlobalSecondaryIndexes"][0]
    for description in (created, described):
        assert description["KeySchema"] == elements(*pairs)
        assert description["Projection"] == ALL
    assert described["IndexStatus"] == "ACTIVE"
    assert (described["ItemCount"], described["IndexSizeBytes"]) == (0, 0)


def test_table_key_attributes_may_be_index_key_attributes(ddb: Any) -> None:
    """The guide's TournamentRegionIndex: the table's partition key is the index's last sort attribute."""
    pairs = [("t", "HASH"), ("r", "HASH"), ("round", "RANGE"), ("pk", "RANGE")]
    request = table_request([gsi(*pairs)], used_types(*pairs))
    ddb.create_table(**request)
    table = request["TableName"]
    for pk, round_ in (("m2", "SEMI"), ("m1", "SEMI"), ("m3", "FINAL")):
        ddb.put_item(TableName=table, Item={"pk": S(pk), "t": S("W24"), "r": S("EU"), "round": S(round_)})
    response = ddb.query(
        TableName=table,
        IndexName=INDEX,
        KeyConditionExpression="t = :t AND r = :r AND #round = :round",
        ExpressionAttributeNames={"#round": "round"},
        ExpressionAttributeValues={":t": S("W24"), ":r": S("EU"), ":round": S("SEMI")},
    )
    assert [item["pk"]["S"] for item in response["Items"]] == ["m1", "m2"]


KEY_SCHEMA_ERRORS = {
    "five HASH elements": (
        [("a", "HASH"), ("b", "HASH"), ("c", "HASH"), ("d", "HASH"), ("e", "HASH")],
        TOO_MANY_HASH_ATTRIBUTES,
    ),
    "five RANGE elements": (
        [("a", "HASH"), ("b", "RANGE"), ("c", "RANGE"), ("d", "RANGE"), ("e", "RANGE"), ("f", "RANGE")],
        TOO_MANY_RANGE_ATTRIBUTES,
    ),
    "four HASH and five RANGE elements": (
        [("a", "HASH"), ("b", "HASH"), ("c", "HASH"), ("d", "HASH")]
        + [("e", "RANGE"), ("f", "RANGE"), ("g", "RANGE"), ("h", "RANGE"), ("i", "RANGE")],
        TOO_MANY_RANGE_ATTRIBUTES,
    ),
    "HASH after RANGE": ([("a", "HASH"), ("b", "RANGE"), ("c", "HASH")], HASH_AFTER_RANGE),
    "order before counts": (
        [("a", "HASH"), ("f", "RANGE"), ("b", "HASH"), ("c", "HASH"), ("d", "HASH"), ("e", "HASH")],
        HASH_AFTER_RANGE,
    ),
    "RANGE first": ([("b", "RANGE"), ("a", "HASH")], FIRST_NOT_HASH),
    "RANGE only": ([("a", "RANGE"), ("b", "RANGE")], FIRST_NOT_HASH),
    "one name as two HASH": ([("a", "HASH"), ("a", "HASH")], SAME_NAME_TWICE),
    "one name as HASH and RANGE": ([("a", "HASH"), ("a", "RANGE")], SAME_HASH_AND_RANGE),
    "one name twice among three": ([("a", "HASH"), ("b", "RANGE"), ("a", "RANGE")], SAME_NAME_TWICE),
    "duplicates before counts": (
        [("a", "HASH"), ("a", "HASH"), ("b", "HASH"), ("c", "HASH"), ("d", "HASH")],
        SAME_NAME_TWICE,
    ),
}


@service_behaviour(DDBLOCAL_KEY_SCHEMA_TEXTS, source=SERVICE_CATALOGUE)
@pytest.mark.parametrize("case", KEY_SCHEMA_ERRORS, ids=list(KEY_SCHEMA_ERRORS))
def test_create_table_refuses_bad_multi_attribute_key_schemas(ddb: Any, case: str) -> None:
    pairs, message = KEY_SCHEMA_ERRORS[case]
    request = table_request([gsi(*pairs)], used_types(*pairs))
    assert_error(lambda: ddb.create_table(**request), VALIDATION, message)


@pytest.mark.parametrize(
    "pairs",
    [
        [("a", "HASH"), ("b", "HASH"), ("c", "HASH"), ("d", "HASH"), ("e", "HASH")],
        [("a", "HASH"), ("b", "RANGE"), ("c", "HASH")],
        [("a", "RANGE"), ("b", "HASH")],
        [("a", "HASH"), ("b", "RANGE"), ("a", "RANGE")],
    ],
    ids=["five HASH", "HASH after RANGE", "RANGE first", "a name twice"],
)
def test_bad_multi_attribute_key_schemas_are_refused(ddb: Any, pairs: list[tuple[str, str]]) -> None:
    """On every target: refused, and nothing created (the wording is the service's, above)."""
    request = table_request([gsi(*pairs)], used_types(*pairs))
    with pytest.raises(ClientError) as raised:
        ddb.create_table(**request)
    assert raised.value.response["Error"]["Code"] == VALIDATION
    assert request["TableName"] not in ddb.list_tables()["TableNames"]


DEFINITION_TEXTS = service_behaviour(
    "DynamoDB Local names the first undefined attribute, and words unused definitions its own way",
    source="the service's ValidationException catalogue recorded live in 2026 (ack-api-quirks DDB-TABLE-442)",
)


@DEFINITION_TEXTS
def test_every_index_key_attribute_must_be_defined(ddb: Any) -> None:
    pairs = [("a", "HASH"), ("b", "HASH"), ("c", "RANGE"), ("d", "RANGE")]
    request = table_request([gsi(*pairs)], used_types(*pairs[:3]))
    expected = keys_not_defined(["a", "b", "c", "d"], ["pk", "a", "b", "c"])
    assert_error(lambda: ddb.create_table(**request), VALIDATION, expected)


@DEFINITION_TEXTS
def test_every_definition_must_be_a_key_attribute(ddb: Any) -> None:
    pairs = [("a", "HASH"), ("b", "HASH")]
    request = table_request([gsi(*pairs)], {**used_types(*pairs), "unused": "S"})
    assert_error(
        lambda: ddb.create_table(**request),
        VALIDATION,
        "One or more parameter values were invalid: Some AttributeDefinitions are not used. "
        "AttributeDefinitions: [pk, a, b, unused], keys used: [pk, a, b]",
    )


@pytest.mark.parametrize(
    "pairs",
    [[("pk", "HASH"), ("a", "RANGE"), ("b", "RANGE")], [("pk", "HASH"), ("a", "HASH")]],
    ids=["two RANGE", "two HASH"],
)
def test_local_indexes_and_tables_keep_single_attribute_keys(ddb: Any, pairs: list[tuple[str, str]]) -> None:
    """Multi-attribute keys are for global secondary indexes only (the texts of these refusals are those
    of any bad table or local index key schema, tested with them)."""
    types = {name: "S" for name in ("pk", "sk", *(n for n, _ in pairs))}
    lsi = {"IndexName": "lsi", "KeySchema": elements(*pairs), "Projection": ALL}
    local = table_request([], types, KeySchema=elements(("pk", "HASH"), ("sk", "RANGE")), LocalSecondaryIndexes=[lsi])
    table = table_request([], used_types(*pairs), KeySchema=elements(*pairs))
    for request in (local, table):
        with pytest.raises(ClientError) as raised:
            ddb.create_table(**request)
        assert raised.value.response["Error"]["Code"] == VALIDATION


# --- writes --------------------------------------------------------------------------------------


@pytest.fixture
def writes_table(ddb: Any) -> str:
    """An empty table whose KEYS_ONLY index has partition (a S, b N) and sort (x S, y B)."""
    pairs = [("a", "HASH"), ("b", "HASH"), ("x", "RANGE"), ("y", "RANGE")]
    request = table_request([gsi(*pairs, projection=KEYS_ONLY)], {"pk": "S", "a": "S", "b": "N", "x": "S", "y": "B"})
    ddb.create_table(**request)
    return request["TableName"]


def index_pks(ddb: Any, table: str) -> list[str]:
    return sorted(item["pk"]["S"] for item in ddb.scan(TableName=table, IndexName=INDEX)["Items"])


def full(pk: str, a: str = "A", b: int = 1, x: str = "m", y: bytes = b"\x01") -> dict[str, Any]:
    return {"pk": S(pk), "a": S(a), "b": N(b), "x": S(x), "y": {"B": y}}


def test_an_item_is_in_the_index_only_with_every_key_attribute(ddb: Any, writes_table: str) -> None:
    ddb.put_item(TableName=writes_table, Item=full("all"))
    for missing in ("a", "b", "x", "y"):
        item = full(f"no-{missing}")
        del item[missing]
        ddb.put_item(TableName=writes_table, Item=item)
    assert index_pks(ddb, writes_table) == ["all"]
    description = ddb.describe_table(TableName=writes_table)["Table"]["GlobalSecondaryIndexes"][0]
    assert description["ItemCount"] == 1


def test_every_write_keeps_the_index_current(ddb: Any, writes_table: str) -> None:
    table = writes_table
    ddb.put_item(TableName=table, Item=full("put"))
    ddb.update_item(
        TableName=table,
        Key={"pk": S("updated")},
        UpdateExpression="SET a = :a, b = :b, x = :x, y = :y",
        ExpressionAttributeValues={":a": S("A"), ":b": N(1), ":x": S("z"), ":y": {"B": b"\x01"}},
    )
    ddb.batch_write_item(RequestItems={table: [{"PutRequest": {"Item": full("batched", x="c")}}]})
    ddb.transact_write_items(TransactItems=[{"Put": {"TableName": table, "Item": full("transacted", x="d")}}])
    assert index_pks(ddb, table) == ["batched", "put", "transacted", "updated"]
    ddb.update_item(TableName=table, Key={"pk": S("put")}, UpdateExpression="REMOVE y")
    ddb.delete_item(TableName=table, Key={"pk": S("updated")})
    ddb.batch_write_item(RequestItems={table: [{"DeleteRequest": {"Key": {"pk": S("batched")}}}]})
    assert index_pks(ddb, table) == ["transacted"]
    ddb.update_item(
        TableName=table,
        Key={"pk": S("transacted")},
        UpdateExpression="SET b = :b",
        ExpressionAttributeValues={":b": N(7)},
    )
    moved = ddb.query(
        TableName=table,
        IndexName=INDEX,
        KeyConditionExpression="a = :a AND b = :b",
        ExpressionAttributeValues={":a": S("A"), ":b": N(7)},
    )
    assert [item["pk"]["S"] for item in moved["Items"]] == ["transacted"]


@pytest.mark.parametrize(
    "item",
    [
        {"pk": S("1"), "a": S("A"), "b": S("not a number")},
        {"pk": S("1"), "b": S("not a number")},
        {"pk": S("1"), "y": S("not binary")},
    ],
    ids=["partition attribute", "partition attribute alone", "sort attribute alone"],
)
def test_a_key_attribute_of_another_type_is_refused(ddb: Any, writes_table: str, item: dict[str, Any]) -> None:
    assert_error(lambda: ddb.put_item(TableName=writes_table, Item=item), VALIDATION, INDEX_KEY_TYPE_MISMATCH)
    update = {name: value for name, value in item.items() if name != "pk"}
    assert_error(
        lambda: ddb.update_item(
            TableName=writes_table,
            Key={"pk": S("1")},
            UpdateExpression="SET " + ", ".join(f"{name} = :{name}" for name in update),
            ExpressionAttributeValues={f":{name}": value for name, value in update.items()},
        ),
        VALIDATION,
        INDEX_KEY_TYPE_MISMATCH,
    )
    assert ddb.scan(TableName=writes_table)["Count"] == 0


def aggregate_message(role: str, names: str, limit: int, size: int) -> str:
    return (
        f"Aggregate size for {role} key attributes {names} of index {INDEX} has exceeded limit {limit} bytes, "
        f"with actual size {size} bytes"
    )


def test_key_attributes_together_are_held_to_the_key_size_limits(ddb: Any, writes_table: str) -> None:
    table = writes_table
    # A number's size counts here as in an item's size: 1 is 2 bytes, 12345 is 4.
    ddb.put_item(TableName=table, Item={"pk": S("1"), "a": S("a" * 2046), "b": N(1)})
    ddb.put_item(TableName=table, Item=full("2", x="x" * 1000, y=b"y" * 24))
    too_long_hash = {"pk": S("3"), "a": S("a" * 2046), "b": N(12345)}
    assert_error(
        lambda: ddb.put_item(TableName=table, Item=too_long_hash),
        VALIDATION,
        aggregate_message("HASH", "a, b", 2048, 2050),
    )
    too_long_range = full("4", x="x" * 1000, y=b"y" * 25)
    assert_error(
        lambda: ddb.batch_write_item(RequestItems={table: [{"PutRequest": {"Item": too_long_range}}]}),
        VALIDATION,
        aggregate_message("RANGE", "x, y", 1024, 1025),
    )
    assert sorted(item["pk"]["S"] for item in ddb.scan(TableName=table)["Items"]) == ["1", "2"]


# --- Query -----------------------------------------------------------------------------------------

PARTITION = {":a": S("A"), ":b": N(1)}


def query_pks(ddb: Any, table: str, condition: str, extra_values: dict[str, Any] | None = None, **kwargs: Any) -> list:
    response = ddb.query(
        TableName=table,
        IndexName=INDEX,
        KeyConditionExpression=condition,
        ExpressionAttributeValues={**PARTITION, **(extra_values or {})},
        **kwargs,
    )
    return [item["pk"]["S"] for item in response["Items"]]


# The shared table's partition (A, 1), in index order: x, then y (numerically), then z, then pk.
ORDER = [f"p{n:02}" for n in range(1, 13)]

ACCEPTED = {
    "partition only": ("a = :a AND b = :b", {}, ORDER),
    "partition attributes in any order": ("b = :b AND a = :a", {}, ORDER),
    "first sort attribute": ("a = :a AND b = :b AND x = :x", {":x": S("n")}, ORDER[6:]),
    "two equalities": ("a = :a AND b = :b AND x = :x AND y = :y", {":x": S("m"), ":y": N(10)}, ORDER[4:6]),
    "every attribute": (
        "a = :a AND b = :b AND x = :x AND y = :y AND z = :z",
        {":x": S("m"), ":y": N(2), ":z": {"B": b"\x02"}},
        ["p04"],
    ),
    "range on the first sort attribute": ("a = :a AND b = :b AND x > :x", {":x": S("m")}, ORDER[6:]),
    "equality then greater": ("a = :a AND b = :b AND x = :x AND y > :y", {":x": S("m"), ":y": N(1)}, ORDER[2:6]),
    "equality then at most": ("a = :a AND b = :b AND x = :x AND y <= :y", {":x": S("n"), ":y": N(2)}, ORDER[6:10]),
    "equality then less": ("a = :a AND b = :b AND x = :x AND y < :y", {":x": S("n"), ":y": N(2)}, ORDER[6:8]),
    "equality then at least": ("a = :a AND b = :b AND x = :x AND y >= :y", {":x": S("n"), ":y": N(10)}, ORDER[10:]),
    "between": ("a = :a AND b = :b AND x BETWEEN :x1 AND :x2", {":x1": S("a"), ":x2": S("m")}, ORDER[:6]),
    "begins_with last": (
        "a = :a AND b = :b AND x = :x AND y = :y AND begins_with(z, :z)",
        {":x": S("n"), ":y": N(1), ":z": {"B": b"\x02"}},
        ["p08"],
    ),
    "conditions in any order": ("y = :y AND x = :x AND b = :b AND a = :a", {":x": S("m"), ":y": N(1)}, ORDER[:2]),
    "parenthesised": ("a = :a AND (b = :b AND (x = :x))", {":x": S("m")}, ORDER[:6]),
}


@pytest.mark.parametrize("case", ACCEPTED, ids=list(ACCEPTED))
def test_query_shapes_accepted(module_ddb: Any, shared: str, case: str) -> None:
    condition, extra, expected = ACCEPTED[case]
    assert query_pks(module_ddb, shared, condition, extra) == expected


def test_query_descending_reverses_the_composite_order(module_ddb: Any, shared: str) -> None:
    assert query_pks(module_ddb, shared, "a = :a AND b = :b", ScanIndexForward=False) == ORDER[::-1]
    descending = query_pks(
        module_ddb,
        shared,
        "a = :a AND b = :b AND x = :x AND y > :y",
        {":x": S("n"), ":y": N(1)},
        ScanIndexForward=False,
    )
    assert descending == ["p12", "p11", "p10", "p09"]


REFUSED = {
    "two conditions on one attribute": (
        "a = :a AND b = :b AND x = :x AND x = :x",
        {":x": S("m")},
        ONE_CONDITION_PER_KEY,
    ),
    "a value of another type": ("a = :a AND b = :b AND x = :x AND y = :x", {":x": S("m")}, CONDITION_TYPE_MISMATCH),
}


@pytest.mark.parametrize("case", REFUSED, ids=list(REFUSED))
def test_query_shapes_refused(module_ddb: Any, shared: str, case: str) -> None:
    condition, extra, message = REFUSED[case]
    assert_error(lambda: query_pks(module_ddb, shared, condition, extra), VALIDATION, message)


@service_behaviour("DynamoDB Local leaves the key's name out of the message", source=MISSED_KEY_SOURCE)
def test_query_condition_on_a_non_key_attribute(module_ddb: Any, shared: str) -> None:
    """The element missed is the first sort attribute without a condition (the service's rule for
    a single-attribute sort key, carried over)."""
    assert_error(
        lambda: query_pks(module_ddb, shared, "a = :a AND b = :b AND pk = :x", {":x": S("m")}),
        VALIDATION,
        missed_key("x"),
    )


def range_key_equality_missing(earlier: str, later: str) -> str:
    return (
        f"RANGE key attributes {earlier} must have equality conditions specified in the query because a condition "
        f"is present on key attribute {later}"
    )


# (condition, extra values, the sort attribute without an equality, the later one constrained). The service's
# words: paritysuite/dynamodb-conformance tests/tier1/query/multiAttributeGsiKey.test.ts (live service, 2026).
X_AND_Y = {":x": S("m"), ":y": N(1)}
SORT_SHAPES_REFUSED = {
    "a skipped first sort attribute": ("a = :a AND b = :b AND y = :y", {":y": N(1)}, "x", "y"),
    "a gap between sort attributes": (
        "a = :a AND b = :b AND x = :x AND z = :z",
        {":x": S("m"), ":z": {"B": b"\x01"}},
        "y",
        "z",
    ),
    "a condition after a range condition": ("a = :a AND b = :b AND x > :x AND y = :y", X_AND_Y, "x", "y"),
    "two range conditions": ("a = :a AND b = :b AND x > :x AND y > :y", X_AND_Y, "x", "y"),
    "a condition after begins_with": (
        "a = :a AND b = :b AND begins_with(x, :x) AND y = :y",
        X_AND_Y,
        "x",
        "y",
    ),
}


@pytest.mark.parametrize("case", SORT_SHAPES_REFUSED, ids=list(SORT_SHAPES_REFUSED))
def test_query_sort_attributes_left_to_right(module_ddb: Any, shared: str, case: str) -> None:
    condition, extra, earlier, later = SORT_SHAPES_REFUSED[case]
    assert_error(
        lambda: query_pks(module_ddb, shared, condition, extra),
        VALIDATION,
        range_key_equality_missing(earlier, later),
    )


@service_behaviour(
    "DynamoDB Local answers 'HASH key attributes b must have equality conditions specified in the query'",
    source="Developer Guide, Multi-attribute keys pattern, Step 3 (every partition attribute needs an equality); "
    "the service's texts for a missing partition key and for a partition key without equality",
)
@pytest.mark.parametrize(
    ("condition", "message"),
    [("a = :a", missed_key("b")), ("a = :a AND b > :b", KEY_CONDITION_NOT_SUPPORTED)],
    ids=["a partition attribute missing", "a partition attribute without equality"],
)
def test_query_needs_equality_on_every_partition_attribute(
    module_ddb: Any, shared: str, condition: str, message: str
) -> None:
    values = {":a": S("A")} if ":b" not in condition else PARTITION
    assert_error(
        lambda: module_ddb.query(
            TableName=shared, IndexName=INDEX, KeyConditionExpression=condition, ExpressionAttributeValues=values
        ),
        VALIDATION,
        message,
    )


def test_legacy_key_conditions_follow_the_same_rules(module_ddb: Any, shared: str) -> None:
    def eq(value: Any) -> dict[str, Any]:
        return {"ComparisonOperator": "EQ", "AttributeValueList": [value]}

    conditions = {
        "a": eq(S("A")),
        "b": eq(N(1)),
        "x": eq(S("m")),
        "y": {"ComparisonOperator": "GT", "AttributeValueList": [N(1)]},
    }
    response = module_ddb.query(TableName=shared, IndexName=INDEX, KeyConditions=conditions)
    assert [item["pk"]["S"] for item in response["Items"]] == ORDER[2:6]


def test_paging_carries_the_table_key_and_every_index_key_attribute(module_ddb: Any, shared: str) -> None:
    pages = all_pages(
        module_ddb.query,
        TableName=shared,
        IndexName=INDEX,
        KeyConditionExpression="a = :a AND b = :b",
        ExpressionAttributeValues=PARTITION,
        Limit=5,
    )
    assert [len(page["Items"]) for page in pages] == [5, 5, 2]
    assert [item["pk"]["S"] for page in pages for item in page["Items"]] == ORDER
    first = pages[0]["LastEvaluatedKey"]
    assert set(first) == {"pk", "a", "b", "x", "y", "z"}
    assert first == {name: value for name, value in pages[0]["Items"][-1].items() if name in first}
    backwards = all_pages(
        module_ddb.query,
        TableName=shared,
        IndexName=INDEX,
        KeyConditionExpression="a = :a AND b = :b AND x = :x",
        ExpressionAttributeValues={**PARTITION, ":x": S("n")},
        ScanIndexForward=False,
        Limit=4,
    )
    assert [item["pk"]["S"] for page in backwards for item in page["Items"]] == ORDER[6:][::-1]


def test_exclusive_start_key_is_checked(module_ddb: Any, shared: str) -> None:
    first = module_ddb.query(
        TableName=shared,
        IndexName=INDEX,
        KeyConditionExpression="a = :a AND b = :b",
        ExpressionAttributeValues=PARTITION,
        Limit=3,
    )["LastEvaluatedKey"]

    def resume(start: dict[str, Any], condition: str = "a = :a AND b = :b", extra: dict[str, Any] | None = None) -> Any:
        return module_ddb.query(
            TableName=shared,
            IndexName=INDEX,
            KeyConditionExpression=condition,
            ExpressionAttributeValues={**PARTITION, **(extra or {})},
            ExclusiveStartKey=start,
        )

    without_z = {name: value for name, value in first.items() if name != "z"}
    assert_error(lambda: resume(without_z), VALIDATION, START_KEY_INVALID)
    assert_error(lambda: resume({**first, "b": N(2)}), VALIDATION, START_KEY_PREDICATE)
    assert_error(
        lambda: resume({**first, "x": S("n")}, "a = :a AND b = :b AND x = :x", {":x": S("m")}),
        VALIDATION,
        START_KEY_PREDICATE,
    )


def test_consumed_capacity_reports_the_index(module_ddb: Any, shared: str) -> None:
    response = module_ddb.query(
        TableName=shared,
        IndexName=INDEX,
        KeyConditionExpression="a = :a AND b = :b",
        ExpressionAttributeValues=PARTITION,
        ReturnConsumedCapacity="INDEXES",
    )
    consumed = response["ConsumedCapacity"]
    assert consumed["Table"] == {"CapacityUnits": 0.0}
    assert consumed["GlobalSecondaryIndexes"] == {INDEX: {"CapacityUnits": 0.5}}
    assert consumed["CapacityUnits"] == 0.5


# --- Scan and PartiQL ------------------------------------------------------------------------------


def test_scan_and_parallel_scan_read_every_index_entry(module_ddb: Any, shared: str) -> None:
    pages = all_pages(module_ddb.scan, TableName=shared, IndexName=INDEX, Limit=5)
    scanned = [item["pk"]["S"] for page in pages for item in page["Items"]]
    assert sorted(scanned) == sorted([*ORDER, "other"])
    assert set(pages[0]["LastEvaluatedKey"]) == {"pk", "a", "b", "x", "y", "z"}
    segments = [
        item["pk"]["S"]
        for segment in range(3)
        for page in all_pages(module_ddb.scan, TableName=shared, IndexName=INDEX, Segment=segment, TotalSegments=3)
        for item in page["Items"]
    ]
    assert sorted(segments) == sorted(scanned)


@service_behaviour(
    "DynamoDB Local says 'composite HASH keys or composite RANGE keys'",
    source="paritysuite/dynamodb-conformance tests/tier2/partiql/multiAttributeIndex.test.ts and "
    "tests/tier3/error-messages/partiqlMultiAttributeIndex.test.ts (live service, 2026)",
)
def test_partiql_refuses_a_select_on_the_index(module_ddb: Any, shared: str) -> None:
    statement = f"SELECT pk FROM \"{shared}\".\"{INDEX}\" WHERE a = 'A' AND b = 1 AND x = 'n' AND y > 1"
    assert_error(
        lambda: module_ddb.execute_statement(Statement=statement),
        VALIDATION,
        "PartiQL statements cannot be executed on tables with multi-attribute HASH keys or multi-attribute RANGE keys.",
    )
    assert module_ddb.execute_statement(Statement=f"SELECT pk FROM \"{shared}\" WHERE pk = 'p03'")["Items"] == [
        {"pk": {"S": "p03"}}
    ]


# --- UpdateTable ---------------------------------------------------------------------------------


def test_update_table_creates_backfills_and_deletes_a_multi_attribute_index(ddb: Any) -> None:
    table = unique_name()
    ddb.create_table(
        TableName=table,
        KeySchema=elements(("pk", "HASH")),
        AttributeDefinitions=definitions(pk="S"),
        BillingMode="PAY_PER_REQUEST",
    )
    for number in range(5):
        item = {"pk": S(f"p{number}"), "a": S("A"), "b": N(number % 2), "x": N(5 - number)}
        if number == 4:
            del item["x"]
        ddb.put_item(TableName=table, Item=item)
    pairs = [("a", "HASH"), ("b", "HASH"), ("x", "RANGE")]
    created = ddb.update_table(
        TableName=table,
        AttributeDefinitions=definitions(a="S", b="N", x="N"),
        GlobalSecondaryIndexUpdates=[{"Create": gsi(*pairs)}],
    )["TableDescription"]
    entry = created["GlobalSecondaryIndexes"][0]
    assert entry["KeySchema"] == elements(*pairs)
    assert (entry["IndexStatus"], entry["Backfilling"]) == ("CREATING", False)
    assert {d["AttributeName"]: d["AttributeType"] for d in created["AttributeDefinitions"]} == {
        "pk": "S",
        "a": "S",
        "b": "N",
        "x": "N",
    }
    wait_for_indexes(ddb, table)
    described = ddb.describe_table(TableName=table)["Table"]["GlobalSecondaryIndexes"][0]
    assert (described["IndexStatus"], described["ItemCount"]) == ("ACTIVE", 4)
    found = ddb.query(
        TableName=table,
        IndexName=INDEX,
        KeyConditionExpression="a = :a AND b = :b",
        ExpressionAttributeValues={":a": S("A"), ":b": N(1)},
    )
    assert [item["pk"]["S"] for item in found["Items"]] == ["p3", "p1"]
    deleted = ddb.update_table(TableName=table, GlobalSecondaryIndexUpdates=[{"Delete": {"IndexName": INDEX}}])
    entry = deleted["TableDescription"]["GlobalSecondaryIndexes"][0]
    assert (entry["IndexStatus"], entry["KeySchema"]) == ("DELETING", elements(*pairs))
    wait_for_indexes(ddb, table)
    assert "GlobalSecondaryIndexes" not in strip_metadata(ddb.describe_table(TableName=table))["Table"]


@service_behaviour(DDBLOCAL_KEY_SCHEMA_TEXTS, source=SERVICE_CATALOGUE + ": UpdateTable uses the CreateTable checks")
def test_update_table_refuses_a_bad_multi_attribute_key_schema(ddb: Any) -> None:
    table = unique_name()
    ddb.create_table(
        TableName=table,
        KeySchema=elements(("pk", "HASH")),
        AttributeDefinitions=definitions(pk="S"),
        BillingMode="PAY_PER_REQUEST",
    )
    for pairs, message in (
        ([("c", "HASH"), ("d", "RANGE"), ("c", "RANGE")], SAME_NAME_TWICE),
        ([("c", "HASH"), ("d", "RANGE"), ("e", "HASH")], HASH_AFTER_RANGE),
    ):
        create = gsi(*pairs)
        assert_error(
            lambda create=create: ddb.update_table(
                TableName=table,
                AttributeDefinitions=definitions(c="S", d="S", e="S"),
                GlobalSecondaryIndexUpdates=[{"Create": create}],
            ),
            VALIDATION,
            message,
        )
    assert "GlobalSecondaryIndexes" not in ddb.describe_table(TableName=table)["Table"]
