"""DynamoDB's limits at their exact boundaries, on every surface that reaches them: the 4 KB cap on an
expression, the 400 KB cap on an item (and what a number costs towards it), and the 32-level cap on a
document's nesting.

Facts: paritysuite/dynamodb-conformance tests/tier3/limits/*.test.ts, each boundary recorded against the
live service in 2026 (accepted at the limit, refused one byte or one level past it).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from botocore.exceptions import ClientError

from conformance.helpers import (
    ITEM_TOO_LARGE,
    NESTING_TOO_DEEP,
    VALIDATION,
    assert_error,
    nested,
    service_behaviour,
)

EXPRESSION_LIMIT = 4096  # bytes of an expression as sent
ITEM_LIMIT = 400 * 1024  # bytes of an item: names plus values
UPDATED_ITEM_TOO_LARGE = "Item size to update has exceeded the maximum allowed size"


@pytest.fixture
def table(make_table) -> str:
    return make_table()


def key(name: str) -> dict[str, Any]:
    return {"pk": {"S": name}}


def padded(name: str, index: int, length: int = 50) -> str:
    """An attribute name of `length` characters, unique per `index`, never a reserved word."""
    suffix = f"x{index}"
    return "a" * (length - len(suffix)) + suffix


def joined_to(size: int, prefix: str, joiner: str, clause: Callable[[int, int], str]) -> tuple[str, int]:
    """`prefix` and clauses joined to exactly `size` bytes (the last clause's name stretched to fit);
    returns the expression and its number of clauses."""
    parts: list[str] = []
    length = len(prefix)
    while True:
        part = clause(len(parts), 50)
        added = (len(joiner) if parts else 0) + len(part)
        if length + added > size:
            break
        parts.append(part)
        length += added
    parts[-1] = clause(len(parts) - 1, 50 + size - length)
    expression = prefix + joiner.join(parts)
    assert len(expression.encode()) == size
    return expression, len(parts)


def string_values(count: int) -> dict[str, Any]:
    return {f":v{index}": {"S": "x"} for index in range(count)}


def update_of(size: int) -> dict[str, Any]:
    expression, count = joined_to(size, "SET ", ", ", lambda i, n: f"{padded(i, i, n)} = :v{i}")
    return {"UpdateExpression": expression, "ExpressionAttributeValues": string_values(count)}


def condition_of(size: int) -> str:
    return joined_to(size, "", " AND ", lambda i, n: f"attribute_not_exists({padded(i, i, n)})")[0]


def filter_of(size: int) -> dict[str, Any]:
    expression, count = joined_to(size, "", " OR ", lambda i, n: f"{padded(i, i, n)} = :v{i}")
    return {"FilterExpression": expression, "ExpressionAttributeValues": string_values(count)}


def projection_of(size: int) -> str:
    return joined_to(size, "", ", ", lambda i, n: padded(i, i, n))[0]


def too_large(kind: str, size: int) -> str:
    # Update and projection expressions end at the semicolon; the others give their size.
    tail = "" if kind in ("UpdateExpression", "ProjectionExpression") else f" expression size: {size}"
    return f"Invalid {kind}: Expression size has exceeded the maximum allowed size;{tail}"


# --- expressions ---------------------------------------------------------------------------------


def test_update_expression_at_and_past_the_limit(ddb, table):
    ddb.update_item(TableName=table, Key=key("at"), **update_of(EXPRESSION_LIMIT))
    assert ddb.get_item(TableName=table, Key=key("at"))["Item"][padded(0, 0)] == {"S": "x"}
    assert_error(
        lambda: ddb.update_item(TableName=table, Key=key("over"), **update_of(EXPRESSION_LIMIT + 1)),
        VALIDATION,
        too_large("UpdateExpression", EXPRESSION_LIMIT + 1),
    )


def test_condition_expression_at_and_past_the_limit(ddb, table):
    ddb.put_item(TableName=table, Item=key("at"), ConditionExpression=condition_of(EXPRESSION_LIMIT))
    assert_error(
        lambda: ddb.put_item(TableName=table, Item=key("over"), ConditionExpression=condition_of(EXPRESSION_LIMIT + 1)),
        VALIDATION,
        too_large("ConditionExpression", EXPRESSION_LIMIT + 1),
    )
    assert [item["pk"] for item in ddb.scan(TableName=table)["Items"]] == [{"S": "at"}]


@pytest.mark.parametrize("operation", ["query", "scan"])
def test_filter_expression_at_and_past_the_limit(ddb, table, operation):
    ddb.put_item(TableName=table, Item={**key("q"), padded(0, 0): {"S": "x"}})

    def read(size: int) -> dict[str, Any]:
        request = filter_of(size)
        if operation == "query":
            request["KeyConditionExpression"] = "pk = :pk"
            request["ExpressionAttributeValues"][":pk"] = {"S": "q"}
        return getattr(ddb, operation)(TableName=table, **request)

    assert read(EXPRESSION_LIMIT)["Count"] == 1  # evaluated, not merely accepted
    assert_error(lambda: read(EXPRESSION_LIMIT + 1), VALIDATION, too_large("FilterExpression", EXPRESSION_LIMIT + 1))


def test_projection_expression_at_and_past_the_limit(ddb, table):
    ddb.put_item(TableName=table, Item={**key("p"), padded(0, 0): {"S": "present"}})
    got = ddb.get_item(TableName=table, Key=key("p"), ProjectionExpression=projection_of(EXPRESSION_LIMIT))
    assert got["Item"] == {padded(0, 0): {"S": "present"}}
    assert_error(
        lambda: ddb.get_item(TableName=table, Key=key("p"), ProjectionExpression=projection_of(EXPRESSION_LIMIT + 1)),
        VALIDATION,
        too_large("ProjectionExpression", EXPRESSION_LIMIT + 1),
    )


def test_the_expression_is_measured_as_sent_not_with_its_names_substituted(ddb, table):
    """30 aliases (about 170 bytes) standing for names of 248 bytes each (7 KB substituted)."""
    ddb.put_item(TableName=table, Item={**key("p"), "real": {"S": "y"}})
    names = {f"#a{index}": "n" * 246 + f"q{index}" for index in range(30)}
    got = ddb.get_item(
        TableName=table, Key=key("p"), ProjectionExpression=", ".join(names), ExpressionAttributeNames=names
    )
    assert got["Item"] == {}


def test_transactions_check_the_size_before_any_member_runs(ddb, table):
    ddb.transact_write_items(
        TransactItems=[{"Put": {"TableName": table, "Item": key("at"), "ConditionExpression": condition_of(4096)}}]
    )
    assert_error(
        lambda: ddb.transact_write_items(
            TransactItems=[
                {"Put": {"TableName": table, "Item": key("first")}},
                {"Put": {"TableName": table, "Item": key("second"), "ConditionExpression": condition_of(4097)}},
            ]
        ),
        VALIDATION,
        too_large("ConditionExpression", 4097),
    )
    assert_error(
        lambda: ddb.transact_write_items(
            TransactItems=[{"Update": {"TableName": table, "Key": key("update"), **update_of(4097)}}]
        ),
        VALIDATION,
        too_large("UpdateExpression", 4097),
    )
    assert [item["pk"] for item in ddb.scan(TableName=table)["Items"]] == [{"S": "at"}]


# --- item size -----------------------------------------------------------------------------------


def sized(item_key: dict[str, Any], size: int, extra: dict[str, Any] | None = None) -> dict[str, Any]:
    """`item_key` and `extra` plus a string attribute "p" padding the item to exactly `size` bytes;
    `extra` holds only strings."""
    extra = extra or {}
    used = sum(len(name) + len(value["S"]) for name, value in {**item_key, **extra}.items()) + len("p")
    return {**item_key, **extra, "p": {"S": "x" * (size - used)}}


def stored_size(ddb, table: str, item_key: dict[str, Any]) -> int:
    item = ddb.get_item(TableName=table, Key=item_key)["Item"]
    return sum(len(name) + len(value["S"]) for name, value in item.items())


def test_batch_write_item_size(ddb, table):
    ddb.batch_write_item(RequestItems={table: [{"PutRequest": {"Item": sized(key("at"), ITEM_LIMIT)}}]})
    assert stored_size(ddb, table, key("at")) == ITEM_LIMIT
    assert_error(
        lambda: ddb.batch_write_item(RequestItems={table: [{"PutRequest": {"Item": sized(key("o"), ITEM_LIMIT + 1)}}]}),
        VALIDATION,
        ITEM_TOO_LARGE,
    )


def test_transacted_put_item_size_is_refused_before_the_transaction(ddb, table):
    def put(item: dict[str, Any]) -> None:
        ddb.transact_write_items(TransactItems=[{"Put": {"TableName": table, "Item": item}}])

    put(sized(key("at"), ITEM_LIMIT))
    assert stored_size(ddb, table, key("at")) == ITEM_LIMIT
    assert_error(lambda: put(sized(key("over"), ITEM_LIMIT + 1)), VALIDATION, ITEM_TOO_LARGE)


@pytest.mark.parametrize("existing", [False, True], ids=["fresh-key", "existing-item"])
def test_transacted_update_item_size_cancels_the_transaction(ddb, table, existing):
    """An update's size depends on the stored item, so it fails once the transaction runs."""
    if existing:
        ddb.put_item(TableName=table, Item={**key("at"), "p": {"S": "small"}})
        ddb.put_item(TableName=table, Item={**key("over"), "p": {"S": "small"}})

    def update(item_key: dict[str, Any], size: int) -> None:
        ddb.transact_write_items(
            TransactItems=[
                {
                    "Update": {
                        "TableName": table,
                        "Key": item_key,
                        "UpdateExpression": "SET p = :p",
                        "ExpressionAttributeValues": {":p": sized(item_key, size)["p"]},
                    }
                }
            ]
        )

    update(key("at"), ITEM_LIMIT)
    assert stored_size(ddb, table, key("at")) == ITEM_LIMIT
    with pytest.raises(ClientError) as caught:
        update(key("over"), ITEM_LIMIT + 1)
    assert caught.value.response["Error"]["Code"] == "TransactionCanceledException"
    assert caught.value.response["CancellationReasons"] == [
        {"Code": "ValidationError", "Message": UPDATED_ITEM_TOO_LARGE}
    ]


def test_partiql_item_size(ddb, table):
    def insert(item_key: dict[str, Any], size: int) -> None:
        ddb.execute_statement(
            Statement=f"INSERT INTO \"{table}\" VALUE {{'pk': ?, 'p': ?}}",
            Parameters=[item_key["pk"], sized(item_key, size)["p"]],
        )

    def update(item_key: dict[str, Any], size: int) -> None:
        ddb.put_item(TableName=table, Item=item_key)
        ddb.execute_statement(
            Statement=f'UPDATE "{table}" SET p = ? WHERE pk = ?',
            Parameters=[sized(item_key, size)["p"], item_key["pk"]],
        )

    insert(key("insert-at"), ITEM_LIMIT)
    update(key("update-at"), ITEM_LIMIT)
    assert stored_size(ddb, table, key("insert-at")) == stored_size(ddb, table, key("update-at")) == ITEM_LIMIT
    assert_error(lambda: insert(key("insert-over"), ITEM_LIMIT + 1), VALIDATION, ITEM_TOO_LARGE)
    assert_error(lambda: update(key("update-over"), ITEM_LIMIT + 1), VALIDATION, UPDATED_ITEM_TOO_LARGE)


# What a number costs towards the item size, each measured at the gate (paritysuite
# src/item-size.ts, CAPTURED_NUMBER_BYTES): one byte, plus one per pair of significant digits, the
# pairs counted from the decimal point (so digits straddling it cost an extra byte), plus one if
# negative. The exponent is not counted.
NUMBER_COSTS = [
    ("0", 1), ("1", 2), ("12", 2), ("123", 3), ("1234", 3), ("12345678901234567890123456789012345678", 20),
    ("0042", 2), ("100", 2), ("1010", 3), ("0.0000001", 2), ("1E125", 2), ("1E-100", 2), ("1.5", 3), ("15", 2),
    ("1.2", 3), ("1.200", 3), ("1.234", 4), ("3.14159", 5), ("123456", 4), ("100.5", 4), ("0.15", 2),
    ("-42", 3), ("-0", 1),
]  # fmt: skip


@pytest.mark.parametrize(("number", "cost"), NUMBER_COSTS, ids=[number for number, _ in NUMBER_COSTS])
def test_a_numbers_cost_to_the_byte(ddb, table, number, cost):
    def item(name: str, size: int) -> dict[str, Any]:
        return {**sized(key(name), size - len("n") - cost), "n": {"N": number}}

    ddb.put_item(TableName=table, Item=item("at", ITEM_LIMIT))
    assert_error(lambda: ddb.put_item(TableName=table, Item=item("over", ITEM_LIMIT + 1)), VALIDATION, ITEM_TOO_LARGE)


# --- nesting -------------------------------------------------------------------------------------

DEEPEST = nested(31, {"S": "leaf"})  # the leaf at level 32: the deepest a document may be
TOO_DEEP = nested(32, {"S": "leaf"})


@pytest.mark.parametrize("surface", ["put", "batch", "transaction"])
def test_nesting_at_and_past_the_limit_on_every_write(ddb, table, surface):
    def write(name: str, value: dict[str, Any]) -> None:
        item = {**key(name), "data": value}
        if surface == "put":
            ddb.put_item(TableName=table, Item=item)
        elif surface == "batch":
            ddb.batch_write_item(RequestItems={table: [{"PutRequest": {"Item": item}}]})
        else:
            ddb.transact_write_items(TransactItems=[{"Put": {"TableName": table, "Item": item}}])

    write("deepest", DEEPEST)
    assert ddb.get_item(TableName=table, Key=key("deepest"))["Item"]["data"] == DEEPEST
    assert_error(lambda: write("too-deep", TOO_DEEP), VALIDATION, NESTING_TOO_DEEP)


@service_behaviour(
    "DynamoDB Local does not check the depth of an ExpressionAttributeValue",
    source="paritysuite/dynamodb-conformance tests/tier3/limits/nestingDepth.test.ts (live service, 2026; most "
    "regions, registry row update-item-nesting-depth-expression-value)",
)
def test_nesting_of_a_condition_value(ddb, table):
    """Checked before the condition is evaluated: the deepest value is compared (and fails), the
    next level is refused."""
    ddb.put_item(TableName=table, Item={**key("k"), "marker": {"S": "x"}})

    def update(value: dict[str, Any]) -> None:
        ddb.update_item(
            TableName=table,
            Key=key("k"),
            UpdateExpression="SET touched = :t",
            ConditionExpression="#d = :deep",
            ExpressionAttributeNames={"#d": "data"},
            ExpressionAttributeValues={":t": {"S": "y"}, ":deep": value},
        )

    assert_error(lambda: update(DEEPEST), "ConditionalCheckFailedException", "The conditional request failed")
    assert_error(
        lambda: update(TOO_DEEP),
        VALIDATION,
        f"ExpressionAttributeValues contains invalid value: {NESTING_TOO_DEEP} for key :deep",
    )
