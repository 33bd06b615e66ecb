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
    WRITE_ENVELOPE,
    assert_error,
    enveloped,
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


# PutItem, UpdateItem and DeleteItem report their request's own errors inside the envelope (the
# limits files record only the phrase, and say the envelope varies by operation).
@WRITE_ENVELOPE
def test_update_expression_at_and_past_the_limit(ddb, table):
    ddb.update_item(TableName=table, Key=key("at"), **update_of(EXPRESSION_LIMIT))
    assert ddb.get_item(TableName=table, Key=key("at"))["Item"][padded(0, 0)] == {"S": "x"}
    assert_error(
        lambda: ddb.update_item(TableName=table, Key=key("over"), **update_of(EXPRESSION_LIMIT + 1)),
        VALIDATION,
        enveloped(too_large("UpdateExpression", EXPRESSION_LIMIT + 1)),
    )


@WRITE_ENVELOPE
def test_condition_expression_at_and_past_the_limit(ddb, table):
    ddb.put_item(TableName=table, Item=key("at"), ConditionExpression=condition_of(EXPRESSION_LIMIT))
    assert_error(
        lambda: ddb.put_item(TableName=table, Item=key("over"), ConditionExpression=condition_of(EXPRESSION_LIMIT + 1)),
        VALIDATION,
        enveloped(too_large("ConditionExpression", EXPRESSION_LIMIT + 1)),
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
@WRITE_ENVELOPE
def test_a_numbers_cost_to_the_byte(ddb, table, number, cost):
    def item(name: str, size: int) -> dict[str, Any]:
        return {**sized(key(name), size - len("n") - cost), "n": {"N": number}}

    ddb.put_item(TableName=table, Item=item("at", ITEM_LIMIT))
    assert_error(
        lambda: ddb.put_item(TableName=table, Item=item("over", ITEM_LIMIT + 1)), VALIDATION, enveloped(ITEM_TOO_LARGE)
    )


# --- nesting -------------------------------------------------------------------------------------

DEEPEST = nested(31, {"S": "leaf"})  # the leaf at level 32: the deepest a document may be
TOO_DEEP = nested(32, {"S": "leaf"})


# PutItem refuses a too deep item inside the envelope, a batch or a transaction bare (nestingDepth.test.ts,
# exact forms, us-east-1 and eu-west-2, 2026-10-09).
@pytest.mark.parametrize("surface", [pytest.param("put", marks=WRITE_ENVELOPE), "batch", "transaction"])
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
    message = enveloped(NESTING_TOO_DEEP) if surface == "put" else NESTING_TOO_DEEP
    assert_error(lambda: write("too-deep", TOO_DEEP), VALIDATION, message)


@service_behaviour(
    "DynamoDB Local does not check the depth of an ExpressionAttributeValue",
    source="paritysuite/dynamodb-conformance tests/tier3/limits/nestingDepth.test.ts (live service, 2026; most "
    "regions, registry row update-item-nesting-depth-expression-value; inside the envelope, us-east-1 and "
    "eu-west-2, 2026-10-09)",
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
        enveloped(NESTING_TOO_DEEP),
    )
    # Past about 62 levels the request is read the older way: the value named by its key, no envelope.
    assert_error(
        lambda: update(nested(63, {"S": "leaf"})),
        VALIDATION,
        f"ExpressionAttributeValues contains invalid value: {NESTING_TOO_DEEP} for key :deep",
    )


# --- UpdateItem's charge for the statement -------------------------------------------------------
#
# Standalone UpdateItem measures the update expression as well as the item it makes: 3 bytes, plus
# for each SET or ADD 19 and its target and what it takes from the request (a value at its size, a
# path read at 1 + 14 and the element per element, `+` 34, `-` 37, if_not_exists 39, list_append
# 37), and for each REMOVE or DELETE 1 and its target (a target: its first name, then 4 and the
# element per element). An update charged past 400 KB is refused, whatever the item it would make.
# Bisected against the live service in 22 of 32 regions (the other ten size only the finished item).

STATEMENT_RULE = service_behaviour(
    "DynamoDB Local (like ten of the service's regions) sizes only the finished item",
    source="paritysuite/dynamodb-conformance tests/tier3/limits/itemSizeBySurface.test.ts (live service, 2026: "
    "eu-west-2, us-east-1 and 20 other regions)",
)
PADDING_CLAUSE = 3 + 19 + len("b")  # the update itself and `SET b = :pad`
TEN = {"S": "y" * 10}


def operand(*elements: str | int) -> int:
    return 1 + sum(14 + len(str(element)) for element in elements)


def target(*elements: str | int) -> int:
    return len(str(elements[0])) + sum(4 + len(str(element)) for element in elements[1:])


# (clause beside `SET b = :pad`, seed, values, its charge)
CLAUSE_CHARGES = {
    "path": ("SET c = abcdefghij", {"abcdefghij": TEN}, {}, 19 + target("c") + operand("abcdefghij")),
    "nested path": ("SET c = m.a.z", {"m": {"M": {"a": {"M": {"z": TEN}}}}}, {}, 19 + 1 + operand("m", "a", "z")),
    "list element": ("SET c = l[10]", {"l": {"L": [{"S": "e"}] * 10 + [TEN]}}, {}, 19 + 1 + operand("l", 10)),
    "second value": ("SET c = :c", {}, {":c": {"S": "y" * 500}}, 19 + 1 + 500),
    "list_append": (
        "SET l = list_append(l, :new)",
        {"l": {"L": [{"S": "e"}]}},
        {":new": {"L": [TEN]}},
        19 + 1 + 37 + operand("l") + (3 + 1 + 10),
    ),
    "if_not_exists twice": (
        "SET c = if_not_exists(c, :s), d = if_not_exists(d, :s)",
        {"c": {"S": "c"}, "d": {"S": "d"}},
        {":s": {"S": "s" * 100}},
        2 * (19 + 1 + 39 + operand("c") + 100),
    ),
    "addition": (
        "SET n = n + :one",
        {"n": {"N": "12345678901234567890"}},  # a 20-digit sum costs what 1 + 1 costs
        {":one": {"N": "1"}},
        19 + 1 + 34 + operand("n") + 2,
    ),
    "subtraction": ("SET n = n - :one", {"n": {"N": "1"}}, {":one": {"N": "1"}}, 19 + 1 + 37 + operand("n") + 2),
    "ADD number": ("ADD abcdefghij :one", {"abcdefghij": {"N": "1"}}, {":one": {"N": "1"}}, 19 + 10 + 2),
    "ADD set": ("ADD ss :new", {"ss": {"SS": ["p" * 5]}}, {":new": {"SS": ["s" * 500]}}, 19 + 2 + 500),
    "REMOVE": ("REMOVE m.yyyyyyyyyy", {"m": {"M": {"x": TEN, "y" * 10: {"S": "r"}}}}, {}, 1 + target("m", "y" * 10)),
    "REMOVE list element": ("REMOVE l[10]", {"l": {"L": [{"S": "e"}] * 11}}, {}, 1 + target("l", 10)),
    "DELETE": ("DELETE ss :rm", {"ss": {"SS": ["p", "q" * 20]}}, {":rm": {"SS": ["q" * 20]}}, 1 + target("ss")),
}


@STATEMENT_RULE
@pytest.mark.parametrize("case", CLAUSE_CHARGES, ids=list(CLAUSE_CHARGES))
def test_update_item_charges_each_clause(ddb, table, case):
    clause, seed, values, charge = CLAUSE_CHARGES[case]
    expression = f"SET b = :pad, {clause[4:]}" if clause.startswith("SET ") else f"SET b = :pad {clause}"
    padding = ITEM_LIMIT - PADDING_CLAUSE - charge

    def update(name: str, length: int) -> None:
        if seed:
            ddb.put_item(TableName=table, Item={**key(name), **seed})
        ddb.update_item(
            TableName=table,
            Key=key(name),
            UpdateExpression=expression,
            ExpressionAttributeValues={**values, ":pad": {"S": "x" * length}},
        )

    update("C", padding)
    assert len(ddb.get_item(TableName=table, Key=key("C"))["Item"]["b"]["S"]) == padding
    assert_error(lambda: update("D", padding + 1), VALIDATION, UPDATED_ITEM_TOO_LARGE)


def set_padding(ddb, table: str, item_key: dict[str, Any], size: int) -> None:
    """`SET p = :p` making the item (key and p) exactly `size` bytes."""
    item = sized(item_key, size)
    ddb.update_item(
        TableName=table, Key=item_key, UpdateExpression="SET p = :p", ExpressionAttributeValues={":p": item["p"]}
    )


@STATEMENT_RULE
def test_update_item_does_not_charge_what_it_leaves_alone(ddb, table):
    """A one-byte key (3 bytes with its name) against a 23-byte SET: the ceiling is 19 bytes under
    400 KB; an attribute the update leaves alone buys back its own bytes, as the key does."""
    set_padding(ddb, table, key("K"), ITEM_LIMIT - 19)
    assert_error(lambda: set_padding(ddb, table, key("L"), ITEM_LIMIT - 18), VALIDATION, UPDATED_ITEM_TOO_LARGE)
    for name in ("M", "N"):
        ddb.put_item(TableName=table, Item={**key(name), "u": TEN})

    def with_untouched(name: str, size: int) -> None:
        item = sized(key(name), size, {"u": TEN})
        ddb.update_item(
            TableName=table, Key=key(name), UpdateExpression="SET p = :p", ExpressionAttributeValues={":p": item["p"]}
        )

    with_untouched("M", ITEM_LIMIT - 19 + 11)
    assert_error(lambda: with_untouched("N", ITEM_LIMIT - 19 + 12), VALIDATION, UPDATED_ITEM_TOO_LARGE)


def test_update_item_never_stores_more_than_the_limit(ddb, table):
    """Past a 20-byte key the finished item is what binds, at exactly 400 KB."""
    set_padding(ddb, table, key("k" * 100), ITEM_LIMIT)
    assert_error(lambda: set_padding(ddb, table, key("j" * 100), ITEM_LIMIT + 1), VALIDATION, UPDATED_ITEM_TOO_LARGE)


@STATEMENT_RULE
def test_update_item_charges_before_the_condition(ddb, table):
    """An if_not_exists that leaves the item tiny still carries 409,700 bytes: refused, even where
    the condition would fail."""
    ddb.put_item(TableName=table, Item={**key("k"), "c": {"S": "x"}})
    for condition in ("attribute_exists(nope)", "attribute_exists(c)"):
        assert_error(
            lambda condition=condition: ddb.update_item(
                TableName=table,
                Key=key("k"),
                UpdateExpression="SET c = if_not_exists(c, :huge)",
                ConditionExpression=condition,
                ExpressionAttributeValues={":huge": {"S": "h" * 409_700}},
            ),
            VALIDATION,
            UPDATED_ITEM_TOO_LARGE,
        )


def test_other_updates_size_only_the_finished_item(ddb, table):
    """At a one-byte key, where UpdateItem's expression is refused, AttributeUpdates, a PartiQL
    UPDATE and a transacted Update all store an item of exactly 400 KB."""
    names = ("X", "Y", "Z")
    for name in names:
        ddb.put_item(TableName=table, Item=key(name))
    padding = sized(key("X"), ITEM_LIMIT)["p"]
    ddb.update_item(TableName=table, Key=key("X"), AttributeUpdates={"p": {"Action": "PUT", "Value": padding}})
    ddb.execute_statement(Statement=f'UPDATE "{table}" SET p = ? WHERE pk = ?', Parameters=[padding, {"S": "Y"}])
    ddb.transact_write_items(
        TransactItems=[
            {
                "Update": {
                    "TableName": table,
                    "Key": key("Z"),
                    "UpdateExpression": "SET p = :p",
                    "ExpressionAttributeValues": {":p": padding},
                }
            }
        ]
    )
    assert [stored_size(ddb, table, key(name)) for name in names] == [ITEM_LIMIT] * 3
