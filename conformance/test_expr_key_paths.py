"""Key attributes are scalars: no expression may reach into a key attribute of the table, or of
one of its indexes, with `.` or `[]` (architect/dynalite test/getItem.js, test/scan.js and
test/updateItem.js record the service's messages: `Key: a` for the table's keys, `IndexKey: d`
for an index's)."""

from __future__ import annotations

from typing import Any

import pytest

from conformance import indexes_support
from conformance.helpers import VALIDATION, WRITE_ENVELOPE, assert_error, enveloped
from conformance.indexes_support import create_table, index

module_backend = indexes_support.module_backend
module_ddb = indexes_support.module_ddb

KEY = {"pk": {"S": "k"}, "sk": {"S": "s"}}
V = {":v": {"S": "x"}}


def not_scalar(name: str, index: bool = False) -> str:
    label = "IndexKey" if index else "Key"
    return (
        "Key attributes must be scalars; list random access '[]' and map lookup '.' are not allowed: "
        f"{label}: {name}"
    )


@pytest.fixture(scope="module")
def table(module_ddb) -> str:
    return create_table(
        module_ddb,
        types={"pk": "S", "sk": "S", "g": "S", "ls": "S"},
        gsis=[index("by_g", "g")],
        lsis=[index("by_ls", "pk", "ls")],
    )


def requests(table: str) -> dict[str, tuple[str, dict[str, Any]]]:
    return {
        "get-projection": ("get_item", {"TableName": table, "Key": KEY, "ProjectionExpression": "g.a"}),
        "put-condition": (
            "put_item",
            {"TableName": table, "Item": KEY, "ConditionExpression": "attribute_exists(g[0])"},
        ),
        "delete-condition": (
            "delete_item",
            {"TableName": table, "Key": KEY, "ConditionExpression": "g.a = :v", "ExpressionAttributeValues": V},
        ),
        "update-target": (
            "update_item",
            {"TableName": table, "Key": KEY, "UpdateExpression": "SET g.a = :v", "ExpressionAttributeValues": V},
        ),
        "update-operand": ("update_item", {"TableName": table, "Key": KEY, "UpdateExpression": "SET x = g.a"}),
        "update-remove": ("update_item", {"TableName": table, "Key": KEY, "UpdateExpression": "REMOVE g[0]"}),
        "scan-filter": ("scan", {"TableName": table, "FilterExpression": "attribute_exists(g.a)"}),
        "scan-projection": ("scan", {"TableName": table, "ProjectionExpression": "x, g[1]"}),
        "batch-get-projection": (
            "batch_get_item",
            {"RequestItems": {table: {"Keys": [KEY], "ProjectionExpression": "g.a"}}},
        ),
        "transact-condition": (
            "transact_write_items",
            {"TransactItems": [{"Put": {"TableName": table, "Item": KEY, "ConditionExpression": "attribute_exists(g.a)"}}]},  # noqa: E501
        ),
        "transact-get-projection": (
            "transact_get_items",
            {"TransactItems": [{"Get": {"TableName": table, "Key": KEY, "ProjectionExpression": "g.a"}}]},
        ),
    }


@pytest.mark.parametrize("place", list(requests("t")))
def test_path_into_an_index_key(module_ddb, table, place):
    operation, request = requests(table)[place]
    assert_error(lambda: getattr(module_ddb, operation)(**request), VALIDATION, not_scalar("g", index=True))


@pytest.mark.parametrize(
    ("operation", "request_", "message"),
    [
        pytest.param("get_item", {"ProjectionExpression": "pk.a"}, not_scalar("pk"), id="table-partition-key"),
        pytest.param("get_item", {"ProjectionExpression": "#s[0]"}, not_scalar("sk"), id="table-sort-key-by-name"),
        pytest.param("get_item", {"ProjectionExpression": "ls.a"}, not_scalar("ls", index=True), id="local-index-key"),
        pytest.param(
            "put_item",
            {"ConditionExpression": "attribute_exists(g.a) AND attribute_exists(pk.b)"},
            not_scalar("pk"),
            id="table-keys-before-index-keys",
        ),
        pytest.param(
            "update_item",
            {"UpdateExpression": "SET x = pk.a"},
            not_scalar("pk"),
            id="table-key-in-an-update-operand",
        ),
        pytest.param(
            "update_item",
            {"UpdateExpression": "SET pk.a = :v", "ExpressionAttributeValues": V},
            "One or more parameter values were invalid: Cannot update attribute pk. This attribute is part of the key",
            id="key-update-first",
        ),
        pytest.param(
            "put_item",
            {"ConditionExpression": "attribute_exists(g.a)", "ExpressionAttributeValues": V},
            enveloped("Value provided in ExpressionAttributeValues unused in expressions: keys: {:v}"),
            id="unused-placeholder-first",
            marks=WRITE_ENVELOPE,
        ),
        pytest.param("get_item", {"ProjectionExpression": "g, pk, ls, gg.a"}, None, id="whole-keys-are-fine"),
    ],
)
def test_key_paths(module_ddb, table, operation, request_, message):
    request = {"TableName": table, **request_}
    request["Item" if operation == "put_item" else "Key"] = KEY
    if "#s" in request.get("ProjectionExpression", ""):
        request["ExpressionAttributeNames"] = {"#s": "sk"}
    call = lambda: getattr(module_ddb, operation)(**request)  # noqa: E731
    if message is None:
        call()
    else:
        assert_error(call, VALIDATION, message)


def test_path_into_the_table_key_on_an_index_query(module_ddb, table):
    assert_error(
        lambda: module_ddb.query(
            TableName=table,
            IndexName="by_g",
            KeyConditionExpression="g = :v",
            FilterExpression="attribute_exists(pk.a)",
            ExpressionAttributeValues=V,
        ),
        VALIDATION,
        not_scalar("pk"),
    )
