"""Scan on tables, global and local secondary indexes: filters, projections, Select, Limit and paging,
parallel scans with Segment / TotalSegments, the legacy ScanFilter and the 1 MB page.

Scan returns partitions in an order DynamoDB does not define, so results are compared as sets."""

from __future__ import annotations

from typing import Any

import pytest

from conformance import indexes_support
from conformance.conftest import unique_name
from conformance.helpers import (
    COMPARISON_OPERATOR_ENUM,
    FRAMEWORK,
    LEGACY_MIXED_TYPES,
    MISSING_TABLE,
    NOT_FOUND,
    TABLE_NOT_FOUND,
    VALIDATION,
    assert_error,
    cases,
    clause,
    constraint_error,
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
    scan,
    sized_item,
    values,
)

# Fixtures from indexes_support (pytest finds fixtures among a module's attributes).
module_backend = indexes_support.module_backend
module_ddb = indexes_support.module_ddb
module_ddb_raw = indexes_support.module_ddb_raw

LIMIT_AT_LEAST_ONE = "must have value greater than or equal to 1"
SEGMENT_WITHOUT_TOTAL = (
    "The TotalSegments parameter is required but was not present in the request when Segment parameter is present"
)
TOTAL_WITHOUT_SEGMENT = (
    "The Segment parameter is required but was not present in the request when parameter TotalSegments is present"
)
SEGMENT_TEXTS = service_behaviour(
    "DynamoDB Local words the Segment and TotalSegments rules its own way",
    source="dynalite's live-service tests, test/scan.js",
)
START_KEY_OUTSIDE_SEGMENT = "Exclusive start key must lie within the segment"
START_KEY_SIZE = "Exclusive Start Key must have same size as table's key schema"
START_KEY_INVALID = "The provided starting key is invalid"
GSI_CONSISTENT_READ = "Consistent reads are not supported on global secondary indexes"
ALL_PROJECTED_WITHOUT_INDEX = "ALL_PROJECTED_ATTRIBUTES can be used only when Querying using an IndexName"
SPECIFIC_NEEDS_PROJECTION = (
    "Must specify the AttributesToGet or ProjectionExpression when choosing to get SPECIFIC_ATTRIBUTES"
)
CONDITIONAL_OPERATOR_ALONE = "ConditionalOperator cannot be used without Filter or Expected"


def segment_not_less(segment: int, total: int) -> str:
    return (
        "The Segment parameter is zero-based and must be less than parameter TotalSegments: "
        f"Segment: {segment} is not less than TotalSegments: {total}"
    )


TOTAL_SEGMENTS_TOO_BIG = (
    "1 validation error detected: Value '1000001' at 'totalSegments' failed to satisfy constraint: "
    "Member must have value less than or equal to 1000000"
)


def no_such_index(name: str) -> str:
    return f"The table does not have the specified index: {name}"


def mixed(non_expression: str, expression: str) -> str:
    return (
        "Can not use both expression and non-expression parameters in the same request: "
        f"Non-expression parameters: {{{non_expression}}} Expression parameters: {{{expression}}}"
    )


# ---------------------------------------------------------------------------------------------------
# The shared table (read only)
#
# pk S / sk N; gsi_all (g S, gs S) ALL; gsi_inc (g, gs) INCLUDE [a]; lsi_keys (pk, ls S) KEYS_ONLY.
# 10 partitions p0..p9 with sk 1 and 2: 20 items. Items of even partitions have g and gs (in the GSIs),
# every item has ls (in the LSI).


def _item(j: int, sk: int) -> dict[str, Any]:
    item = {"pk": S(f"p{j}"), "sk": N(sk), "ls": S(f"l{3 - sk}"), "a": N(10 * j + sk), "b": S("x" * sk)}
    if j % 2 == 0:
        item.update({"g": S(f"G{j % 4}"), "gs": S(f"{j}-{sk}")})
    return item


ITEMS = [_item(j, sk) for j in range(10) for sk in (1, 2)]
IN_GSI = [item for item in ITEMS if "g" in item]


def only(item: dict[str, Any], *names: str) -> dict[str, Any]:
    return {name: item[name] for name in names if name in item}


def key_of(item: dict[str, Any], *extra: str) -> dict[str, Any]:
    return only(item, "pk", "sk", *extra)


@pytest.fixture(scope="module")
def table(module_ddb) -> str:
    name = create_table(
        module_ddb,
        types={"pk": "S", "sk": "N", "g": "S", "gs": "S", "ls": "S"},
        gsis=[index("gsi_all", "g", "gs"), index("gsi_inc", "g", "gs", include("a"))],
        lsis=[index("lsi_keys", "pk", "ls", KEYS_ONLY)],
    )
    for item in ITEMS:
        module_ddb.put_item(TableName=name, Item=item)
    return name


def find(items: list[dict[str, Any]], key: dict[str, Any]) -> dict[str, Any]:
    [found] = [item for item in ITEMS if key_of(item) == key_of(key)]
    return found


# ---------------------------------------------------------------------------------------------------
# Whole-table scans


def test_scan_everything(module_ddb, table):
    result = scan(module_ddb, table)
    assert (result["Count"], result["ScannedCount"], "LastEvaluatedKey" in result) == (20, 20, False)
    assert item_set(result["Items"]) == item_set(ITEMS)


def test_scan_keeps_sort_order_within_a_partition(module_ddb, table):
    result = scan(module_ddb, table, ProjectionExpression="pk, sk")
    positions = {(item["pk"]["S"], item["sk"]["N"]): n for n, item in enumerate(result["Items"])}
    for j in range(10):
        assert positions[(f"p{j}", "1")] + 1 == positions[(f"p{j}", "2")]


@pytest.mark.parametrize(
    "request_, expected",
    [
        pytest.param(
            {"FilterExpression": "pk = :p", "ExpressionAttributeValues": values(p=S("p3"))},
            [item for item in ITEMS if item["pk"] == S("p3")],
            id="filter-on-partition-key",
        ),
        pytest.param(
            {"FilterExpression": "sk = :s", "ExpressionAttributeValues": values(s=N(2))},
            [item for item in ITEMS if item["sk"] == N(2)],
            id="filter-on-sort-key",
        ),
        pytest.param(
            {"FilterExpression": "a > :a", "ExpressionAttributeValues": values(a=N(80))},
            [item for item in ITEMS if int(item["a"]["N"]) > 80],
            id="filter-on-non-key",
        ),
        pytest.param(
            {
                "FilterExpression": "attribute_exists(g) AND sk = :s",
                "ExpressionAttributeValues": values(s=N(1)),
            },
            [item for item in IN_GSI if item["sk"] == N(1)],
            id="filter-function",
        ),
        pytest.param(
            {
                "FilterExpression": "#b = :b",
                "ExpressionAttributeNames": {"#b": "b"},
                "ExpressionAttributeValues": values(b=S("xx")),
            },
            [item for item in ITEMS if item["b"] == S("xx")],
            id="filter-with-names",
        ),
    ],
)
def test_scan_filters(module_ddb, table, request_, expected):
    result = scan(module_ddb, table, **request_)
    assert (result["Count"], result["ScannedCount"]) == (len(expected), 20)
    assert item_set(result["Items"]) == item_set(expected)


def test_scan_projection(module_ddb, table):
    result = scan(module_ddb, table, ProjectionExpression="a, pk, nope")
    assert item_set(result["Items"]) == item_set([only(item, "a", "pk") for item in ITEMS])
    specific = scan(module_ddb, table, Select="SPECIFIC_ATTRIBUTES", ProjectionExpression="b")
    assert sorted(item["b"]["S"] for item in specific["Items"]) == sorted(item["b"]["S"] for item in ITEMS)


def test_scan_select_count(module_ddb, table):
    assert scan(module_ddb, table, Select="COUNT") == {"Count": 20, "ScannedCount": 20}
    filtered = scan(
        module_ddb,
        table,
        Select="COUNT",
        FilterExpression="sk = :s",
        ExpressionAttributeValues=values(s=N(1)),
    )
    assert filtered == {"Count": 10, "ScannedCount": 20}
    limited = scan(module_ddb, table, Select="COUNT", Limit=3)
    assert (limited["Count"], limited["ScannedCount"], sorted(limited["LastEvaluatedKey"])) == (
        3,
        3,
        ["pk", "sk"],
    )


@pytest.mark.parametrize("limit", [1, 3, 5, 7, 20, 21])
def test_scan_paging_visits_every_item_once(module_ddb, table, limit):
    pages = all_pages(module_ddb.scan, TableName=table, Limit=limit)
    counts = [page["Count"] for page in pages]
    assert all(page["Count"] == page["ScannedCount"] for page in pages)
    # Every full page has a LastEvaluatedKey (even one ending at the last item); the page after the last
    # full one holds the rest, possibly nothing.
    full, rest = divmod(20, limit)
    assert counts == [limit] * full + [rest]
    for page in pages[:-1]:
        assert page["LastEvaluatedKey"] == key_of(page["Items"][-1])
    assert item_set([item for page in pages for item in page["Items"]]) == item_set(ITEMS)


def test_scan_limit_counts_items_before_the_filter(module_ddb, table):
    pages = all_pages(
        module_ddb.scan,
        TableName=table,
        Limit=4,
        FilterExpression="sk = :s",
        ExpressionAttributeValues=values(s=N(2)),
    )
    assert [page["ScannedCount"] for page in pages] == [4, 4, 4, 4, 4, 0]
    assert all(page["Count"] == 2 for page in pages[:-1])
    found = [item for page in pages for item in page["Items"]]
    assert item_set(found) == item_set([item for item in ITEMS if item["sk"] == N(2)])


def test_scan_exclusive_start_key(module_ddb, table):
    first = scan(module_ddb, table, Limit=7)
    rest = scan(module_ddb, table, ExclusiveStartKey=first["LastEvaluatedKey"])
    assert (rest["Count"], "LastEvaluatedKey" in rest) == (13, False)
    assert item_set(first["Items"] + rest["Items"]) == item_set(ITEMS)
    # The key of an item in the middle of a partition: the rest of that partition comes first.
    start = {"pk": S("p4"), "sk": N(1)}
    after = scan(module_ddb, table, ExclusiveStartKey=start)
    assert after["Items"][0] == find(ITEMS, {"pk": S("p4"), "sk": N(2)})


SCAN_ERRORS = [
    ("limit-zero", {"Limit": 0}, constraint_error(clause(0, "limit", LIMIT_AT_LEAST_ONE))),
    ("limit-negative", {"Limit": -5}, constraint_error(clause(-5, "limit", LIMIT_AT_LEAST_ONE))),
    ("segment-without-total", {"Segment": 0}, SEGMENT_WITHOUT_TOTAL),
    ("total-without-segment", {"TotalSegments": 2}, TOTAL_WITHOUT_SEGMENT),
    ("segment-equal-to-total", {"Segment": 2, "TotalSegments": 2}, segment_not_less(2, 2)),
    ("segment-above-total", {"Segment": 5, "TotalSegments": 2}, segment_not_less(5, 2)),
    (
        "segment-equal-to-million",
        {"Segment": 1000000, "TotalSegments": 1000000},
        constraint_error(clause(1000000, "segment", "must have value less than or equal to 999999")),
    ),
    ("total-above-million", {"Segment": 0, "TotalSegments": 1000001}, TOTAL_SEGMENTS_TOO_BIG),
    ("missing-sort-key-in-start-key", {"ExclusiveStartKey": {"pk": S("p1")}}, START_KEY_SIZE),
    (
        "extra-attribute-in-start-key",
        {"ExclusiveStartKey": {"pk": S("p1"), "sk": N(1), "a": N(1)}},
        START_KEY_SIZE,
    ),
    ("empty-start-key", {"ExclusiveStartKey": {}}, START_KEY_INVALID),
    ("all-projected-on-table", {"Select": "ALL_PROJECTED_ATTRIBUTES"}, ALL_PROJECTED_WITHOUT_INDEX),
    ("specific-without-projection", {"Select": "SPECIFIC_ATTRIBUTES"}, SPECIFIC_NEEDS_PROJECTION),
    (
        "count-with-projection",
        {"Select": "COUNT", "ProjectionExpression": "a"},
        "Cannot specify the ProjectionExpression when choosing to get only the Count",
    ),
    ("unknown-index", {"IndexName": "nope"}, no_such_index("nope")),
    ("consistent-read-on-gsi", {"IndexName": "gsi_all", "ConsistentRead": True}, GSI_CONSISTENT_READ),
    (
        "all-attributes-on-include-gsi",
        {"IndexName": "gsi_inc", "Select": "ALL_ATTRIBUTES"},
        "One or more parameter values were invalid: Select type ALL_ATTRIBUTES is not supported for global "
        "secondary index gsi_inc because its projection type is not ALL",
    ),
    (
        "unprojected-on-include-gsi",
        {"IndexName": "gsi_inc", "ProjectionExpression": "b"},
        "One or more parameter values were invalid: Global secondary index gsi_inc does not project [b]",
    ),
    (
        "gsi-start-key-with-table-key-only",
        {"IndexName": "gsi_all", "ExclusiveStartKey": {"pk": S("p0"), "sk": N(1)}},
        START_KEY_INVALID,
    ),
    ("empty-filter", {"FilterExpression": ""}, "Invalid FilterExpression: The expression can not be empty;"),
    (
        "scan-filter-and-filter-expression",
        {
            "ScanFilter": {"a": {"ComparisonOperator": "NOT_NULL"}},
            "FilterExpression": "a > :a",
            "ExpressionAttributeValues": values(a=N(1)),
        },
        mixed("ScanFilter", "FilterExpression"),
    ),
    (
        "scan-filter-and-projection",
        {"ScanFilter": {"a": {"ComparisonOperator": "NOT_NULL"}}, "ProjectionExpression": "a"},
        mixed("ScanFilter", "ProjectionExpression"),
    ),
    (
        "conditional-operator-and-filter-expression",
        {
            "FilterExpression": "a > :a",
            "ExpressionAttributeValues": values(a=N(1)),
            "ConditionalOperator": "AND",
        },
        mixed("ConditionalOperator", "FilterExpression"),
    ),
    (
        "attributes-to-get-and-projection",
        {"AttributesToGet": ["a"], "ProjectionExpression": "a"},
        mixed("AttributesToGet", "ProjectionExpression"),
    ),
    ("conditional-operator-alone", {"ConditionalOperator": "AND"}, CONDITIONAL_OPERATOR_ALONE),
    (
        "empty-scan-filter-with-conditional-operator",
        {"ScanFilter": {}, "ConditionalOperator": "OR"},
        CONDITIONAL_OPERATOR_ALONE,
    ),
    (
        "between-mixed-types",
        {"ScanFilter": {"a": {"ComparisonOperator": "BETWEEN", "AttributeValueList": [N(1), S("9")]}}},
        LEGACY_MIXED_TYPES,
    ),
    (
        "between-mixed-binary-and-string",
        {"ScanFilter": {"a": {"ComparisonOperator": "BETWEEN", "AttributeValueList": [{"B": b"1"}, S("9")]}}},
        LEGACY_MIXED_TYPES,
    ),
    (
        "in-mixed-types",
        {"ScanFilter": {"a": {"ComparisonOperator": "IN", "AttributeValueList": [N(1), S("1")]}}},
        LEGACY_MIXED_TYPES,
    ),
    (
        "between-invalid-type-before-mixed-types",
        {"ScanFilter": {"a": {"ComparisonOperator": "BETWEEN", "AttributeValueList": [S("1"), {"BOOL": True}]}}},
        "One or more parameter values were invalid: ComparisonOperator BETWEEN is not valid for BOOL "
        "AttributeValue type",
    ),
    (
        "projection-only-with-values",
        {"ProjectionExpression": "a", "ExpressionAttributeValues": values(a=N(1))},
        "ExpressionAttributeValues can only be specified when using expressions: FilterExpression is null",
    ),
    (
        "every-legacy-and-expression-parameter",
        {
            "AttributesToGet": ["a"],
            "ScanFilter": {"a": {"ComparisonOperator": "NULL"}},
            "ConditionalOperator": "OR",
            "ProjectionExpression": "a",
            "FilterExpression": "attribute_exists(b)",
        },
        mixed("AttributesToGet, ScanFilter, ConditionalOperator", "ProjectionExpression, FilterExpression"),
    ),
    (
        "unknown-comparison",
        {"ScanFilter": {"a": {"ComparisonOperator": "XX", "AttributeValueList": [N(5)]}}},
        constraint_error(clause("XX", "scanFilter.a.member.comparisonOperator", COMPARISON_OPERATOR_ENUM)),
    ),
]


@pytest.mark.parametrize(
    "request_, message",
    cases(
        SCAN_ERRORS,
        {
            "limit-zero": FRAMEWORK,
            "limit-negative": FRAMEWORK,
            "unknown-comparison": FRAMEWORK,
            "segment-without-total": SEGMENT_TEXTS,
            "total-without-segment": SEGMENT_TEXTS,
            "segment-equal-to-total": SEGMENT_TEXTS,
            "segment-above-total": SEGMENT_TEXTS,
        },
    ),
)
def test_scan_errors(module_ddb_raw, table, request_, message):
    assert_error(lambda: module_ddb_raw.scan(TableName=table, **request_), VALIDATION, message)


@MISSING_TABLE
def test_scan_missing_table(module_ddb):
    assert_error(lambda: module_ddb.scan(TableName=unique_name()), NOT_FOUND, TABLE_NOT_FOUND)


# ---------------------------------------------------------------------------------------------------
# Parallel scans


@pytest.mark.parametrize("total", [1, 2, 3, 4, 7])
def test_segments_partition_the_table(module_ddb, table, total):
    segments = [scan(module_ddb, table, Segment=segment, TotalSegments=total)["Items"] for segment in range(total)]
    found = [item for items in segments for item in items]
    assert len(found) == len(ITEMS)
    assert item_set(found) == item_set(ITEMS)
    # An item's partition decides its segment: both items of a partition are in the same segment.
    for items in segments:
        partitions = {item["pk"]["S"] for item in items}
        assert len(items) == 2 * len(partitions)


def test_segments_are_stable_across_pages(module_ddb, table):
    for segment in range(3):
        whole = scan(module_ddb, table, Segment=segment, TotalSegments=3)["Items"]
        paged = all_pages(module_ddb.scan, TableName=table, Segment=segment, TotalSegments=3, Limit=1)
        assert [item for page in paged for item in page["Items"]] == whole


def test_segment_of_a_million_and_single_segment(module_ddb, table):
    whole = scan(module_ddb, table, Segment=0, TotalSegments=1, Select="COUNT")
    assert whole == {"Count": 20, "ScannedCount": 20}
    tiny = scan(module_ddb, table, Segment=999999, TotalSegments=1000000, Select="COUNT")
    assert set(tiny) <= {"Count", "ScannedCount", "LastEvaluatedKey"}
    assert tiny["Count"] <= 2


def test_exclusive_start_key_from_another_segment(module_ddb, table):
    pages = [scan(module_ddb, table, Segment=s, TotalSegments=2, Limit=1) for s in range(2)]
    segment = 0 if pages[0]["Count"] else 1
    page, other = pages[segment], 1 - segment
    assert_error(
        lambda: module_ddb.scan(
            TableName=table, Segment=other, TotalSegments=2, ExclusiveStartKey=page["LastEvaluatedKey"]
        ),
        VALIDATION,
        START_KEY_OUTSIDE_SEGMENT,
    )


def test_parallel_scan_on_a_gsi(module_ddb, table):
    found = []
    for segment in range(2):
        found += scan(module_ddb, table, IndexName="gsi_all", Segment=segment, TotalSegments=2)["Items"]
    assert item_set(found) == item_set(IN_GSI)


# ---------------------------------------------------------------------------------------------------
# Index scans


@pytest.mark.parametrize(
    "index_name, extra, expected",
    [
        pytest.param("gsi_all", {}, IN_GSI, id="gsi-all"),
        pytest.param("gsi_all", {"Select": "ALL_ATTRIBUTES"}, IN_GSI, id="gsi-all-all-attributes"),
        pytest.param(
            "gsi_inc",
            {},
            [only(item, "pk", "sk", "g", "gs", "a") for item in IN_GSI],
            id="gsi-include-default",
        ),
        pytest.param(
            "gsi_inc",
            {"Select": "ALL_PROJECTED_ATTRIBUTES"},
            [only(item, "pk", "sk", "g", "gs", "a") for item in IN_GSI],
            id="gsi-include-all-projected",
        ),
        pytest.param("lsi_keys", {}, [only(item, "pk", "sk", "ls") for item in ITEMS], id="lsi-keys-default"),
        pytest.param("lsi_keys", {"Select": "ALL_ATTRIBUTES"}, ITEMS, id="lsi-keys-all-attributes-fetch"),
        pytest.param(
            "lsi_keys",
            {"ProjectionExpression": "b, a"},
            [only(item, "a", "b") for item in ITEMS],
            id="lsi-keys-projection-fetch",
        ),
        pytest.param(
            "gsi_all",
            {"FilterExpression": "gs = :g", "ExpressionAttributeValues": values(g=S("4-1"))},
            [item for item in IN_GSI if item["gs"] == S("4-1")],
            id="filter-on-index-key",
        ),
    ],
)
def test_index_scans(module_ddb, table, index_name, extra, expected):
    result = scan(module_ddb, table, IndexName=index_name, **extra)
    assert "LastEvaluatedKey" not in result
    assert result["ScannedCount"] == (len(IN_GSI) if index_name.startswith("gsi") else len(ITEMS))
    assert result["Count"] == len(expected)
    assert item_set(result["Items"]) == item_set(expected)


@pytest.mark.parametrize(
    "index_name, key_names",
    [
        pytest.param("gsi_all", ("g", "gs"), id="gsi"),
        pytest.param("lsi_keys", ("ls",), id="lsi"),
    ],
)
def test_index_scan_paging(module_ddb, table, index_name, key_names):
    pages = all_pages(module_ddb.scan, TableName=table, IndexName=index_name, Limit=3)
    for page in pages[:-1]:
        last = page["Items"][-1]
        assert page["LastEvaluatedKey"] == key_of(last, *key_names)
    expected = IN_GSI if index_name == "gsi_all" else [only(item, "pk", "sk", "ls") for item in ITEMS]
    assert item_set([item for page in pages for item in page["Items"]]) == item_set(expected)


# ---------------------------------------------------------------------------------------------------
# Legacy ScanFilter


@pytest.mark.parametrize(
    "scan_filter, operator, select",
    [
        pytest.param(
            {"a": {"ComparisonOperator": "GE", "AttributeValueList": [N(81)]}},
            None,
            lambda item: int(item["a"]["N"]) >= 81,
            id="ge",
        ),
        pytest.param(
            {"pk": {"ComparisonOperator": "EQ", "AttributeValueList": [S("p2")]}},
            None,
            lambda item: item["pk"] == S("p2"),
            id="on-partition-key",
        ),
        pytest.param(
            {
                "a": {"ComparisonOperator": "GE", "AttributeValueList": [N(92)]},
                "b": {"ComparisonOperator": "EQ", "AttributeValueList": [S("x")]},
            },
            "OR",
            lambda item: int(item["a"]["N"]) >= 92 or item["b"] == S("x"),
            id="or",
        ),
        pytest.param(
            {
                "a": {"ComparisonOperator": "GE", "AttributeValueList": [N(50)]},
                "b": {"ComparisonOperator": "EQ", "AttributeValueList": [S("x")]},
            },
            None,
            lambda item: int(item["a"]["N"]) >= 50 and item["b"] == S("x"),
            id="and-by-default",
        ),
        pytest.param({"g": {"ComparisonOperator": "NULL"}}, None, lambda item: "g" not in item, id="null"),
        pytest.param({}, None, lambda item: True, id="empty"),
        pytest.param(
            {"a": {"ComparisonOperator": "CONTAINS", "AttributeValueList": [{"BOOL": True}]}},
            None,
            lambda item: False,
            id="contains-bool",
        ),
        pytest.param(
            {"gs": {"ComparisonOperator": "BEGINS_WITH", "AttributeValueList": [S("4-")]}},
            None,
            lambda item: item.get("gs", S(""))["S"].startswith("4-"),
            id="begins-with",
        ),
    ],
)
def test_scan_filter(module_ddb, table, scan_filter, operator, select):
    request: dict[str, Any] = {"ScanFilter": scan_filter, "AttributesToGet": ["pk", "sk"]}
    if operator:
        request["ConditionalOperator"] = operator
    result = scan(module_ddb, table, **request)
    expected = [key_of(item) for item in ITEMS if select(item)]
    assert (result["Count"], result["ScannedCount"]) == (len(expected), 20)
    assert item_set(result["Items"]) == item_set(expected)


# ---------------------------------------------------------------------------------------------------
# The 1 MB page: 12 items of 99,989 bytes (10 are 999,890 bytes, under 1 MiB; 11 are 1,099,879 bytes).


@pytest.fixture(scope="module")
def big_table(module_ddb) -> str:
    name = create_table(module_ddb)
    for i in range(12):
        module_ddb.put_item(TableName=name, Item=sized_item(99_989, pk="p", sk=f"{i:02}"))
    return name


def test_scan_one_megabyte_page(module_ddb, big_table):
    first = scan(module_ddb, big_table, Select="COUNT", ReturnConsumedCapacity="TOTAL")
    assert first == {
        "Count": 11,
        "ScannedCount": 11,
        "LastEvaluatedKey": {"pk": S("p"), "sk": S("10")},
        "ConsumedCapacity": {"TableName": big_table, "CapacityUnits": 134.5},
    }
    second = scan(module_ddb, big_table, ExclusiveStartKey=first["LastEvaluatedKey"], ProjectionExpression="sk")
    assert second == {"Items": [{"sk": S("11")}], "Count": 1, "ScannedCount": 1}


@service_behaviour(
    "DynamoDB Local applies the 1 MB page limit after the filter, not before it",
    source="Developer Guide, Query and Scan filter expressions: the 1 MB limit applies before the filter",
)
def test_scan_one_megabyte_page_applies_before_the_filter(module_ddb, big_table):
    result = scan(module_ddb, big_table, FilterExpression="v = :z", ExpressionAttributeValues=values(z=S("z")))
    assert result == {
        "Items": [],
        "Count": 0,
        "ScannedCount": 11,
        "LastEvaluatedKey": {"pk": S("p"), "sk": S("10")},
    }
