"""Attribute values: the ten types, numbers, sets, empty values, nesting, item size and key size limits."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

import pytest

from conformance.helpers import (
    EMPTY_ATTRIBUTE_NAME,
    EMPTY_BS,
    EMPTY_NS,
    EMPTY_SS,
    EMPTY_VALUE,
    HASH_KEY_TOO_LARGE,
    ITEM_TOO_LARGE,
    KEYS_DIFFER,
    MULTIPLE_TYPES,
    NESTING_TOO_DEEP,
    NS_DUPLICATES,
    NS_DUPLICATES_OLDER,
    NULL_NOT_TRUE,
    NUMBER_OVERFLOW,
    NUMBER_PRECISION,
    NUMBER_UNDERFLOW,
    RANGE_KEY_TOO_LARGE,
    VALIDATION,
    VALUES_DIFFER,
    WRITE_ENVELOPE,
    assert_error,
    bs_duplicates,
    empty_key,
    enveloped,
    missing_key,
    nested,
    not_a_number,
    service_behaviour,
    ss_duplicates,
)

PK = {"pk": {"S": "k"}}
KEY = {"pk": {"S": "k"}}
MAX_ITEM = 400 * 1024  # bytes


@pytest.fixture
def table(make_table) -> str:
    return make_table()


def roundtrip(ddb, table: str, value: dict[str, Any]) -> dict[str, Any]:
    ddb.put_item(TableName=table, Item={**PK, "v": value})
    return ddb.get_item(TableName=table, Key=KEY)["Item"]["v"]


def sorted_sets(value: Any) -> Any:
    """Sets have no order: sort their members (recursively) so values compare with ==."""
    if isinstance(value, dict):
        return {k: sorted(v) if k in ("SS", "NS", "BS") else sorted_sets(v) for k, v in value.items()}
    if isinstance(value, list):
        return [sorted_sets(v) for v in value]
    return value


# ---------------------------------------------------------------------------------------------------
# The ten types


ALL_TYPES = {
    "S": {"S": "héllo wörld"},
    "N": {"N": "-12.5"},
    "B": {"B": b"\x00\x01\xfe\xff"},
    "BOOL-true": {"BOOL": True},
    "BOOL-false": {"BOOL": False},
    "NULL": {"NULL": True},
    "M": {"M": {"a": {"S": "x"}, "b": {"N": "1"}, "c": {"M": {"d": {"BOOL": False}}}}},
    "L": {"L": [{"S": "x"}, {"N": "1"}, {"L": []}, {"NULL": True}, {"S": "x"}]},
    "SS": {"SS": ["b", "a", "c"]},
    "NS": {"NS": ["3", "1", "2.5"]},
    "BS": {"BS": [b"\x02", b"\x01", b"\xff"]},
    "empty-M": {"M": {}},
    "empty-L": {"L": []},
    "sets-in-containers": {"M": {"s": {"SS": ["x"]}, "l": {"L": [{"NS": ["1", "2"]}, {"BS": [b"a"]}]}}},
}


@pytest.mark.parametrize("value", list(ALL_TYPES.values()), ids=list(ALL_TYPES))
def test_value_roundtrip(ddb, table, value):
    assert sorted_sets(roundtrip(ddb, table, value)) == sorted_sets(value)


def test_all_types_in_one_item(ddb, table):
    item = {**PK, **{name.replace("-", "_"): value for name, value in ALL_TYPES.items()}}
    ddb.put_item(TableName=table, Item=item)
    assert sorted_sets(ddb.get_item(TableName=table, Key=KEY)["Item"]) == sorted_sets(item)


def test_attribute_names_are_arbitrary_strings(ddb, table):
    item = {
        **PK,
        "with space": {"S": "1"},
        "dots.and[brackets]": {"S": "2"},
        "ünï": {"S": "3"},
        "#:": {"S": "4"},
        "n" * 1000: {"S": "5"},
        "m": {"M": {"a.b": {"S": "6"}, " ": {"S": "7"}}},
    }
    ddb.put_item(TableName=table, Item=item)
    assert ddb.get_item(TableName=table, Key=KEY)["Item"] == item


# ---------------------------------------------------------------------------------------------------
# Numbers: accepted spellings come back normalised

NORMALISED = [
    ("0", "0"),
    ("-0", "0"),
    ("+0", "0"),
    ("0.0", "0"),
    ("-0.0", "0"),
    ("0.000", "0"),
    ("00", "0"),
    ("000.000", "0"),
    ("0.0E5", "0"),
    ("0e125", "0"),
    ("0e-130", "0"),
    ("1", "1"),
    ("+1", "1"),
    ("01", "1"),
    ("1.0", "1"),
    ("1e0", "1"),
    ("1.0e0", "1"),
    ("001.100", "1.1"),
    ("1.50", "1.5"),
    ("-1.50", "-1.5"),
    ("15e-1", "1.5"),
    (".5", "0.5"),
    ("-.5", "-0.5"),
    ("5.", "5"),
    ("-0.5", "-0.5"),
    ("1e2", "100"),
    ("1E2", "100"),
    ("1e+2", "100"),
    ("-1e2", "-100"),
    ("1.5e3", "1500"),
    ("1E+10", "10000000000"),
    ("1e20", "100000000000000000000"),
    ("1e-2", "0.01"),
    ("1e-6", "0.000001"),
    ("1e-7", "0.0000001"),
    ("0.0001", "0.0001"),
    ("123.456", "123.456"),
    ("123456E-3", "123.456"),
    ("1.23456789E+5", "123456.789"),
    ("1000000", "1000000"),
    ("1.0000000000000000000000000000000000000000", "1"),
    ("12345678901234567890123456789012345678", "12345678901234567890123456789012345678"),
    ("-12345678901234567890123456789012345678", "-12345678901234567890123456789012345678"),
    ("1234567890123456789012345678901234567800", "1234567890123456789012345678901234567800"),
    ("0.12345678901234567890123456789012345678", "0.12345678901234567890123456789012345678"),
    ("99999999999999999999999999999999999999e88", "9" * 38 + "0" * 88),
    ("1e37", "1" + "0" * 37),
    ("1e38", "1" + "0" * 38),
    ("1e125", "1" + "0" * 125),
    ("9.9999999999999999999999999999999999999E+125", "9" * 38 + "0" * 88),
    ("-9.9999999999999999999999999999999999999E+125", "-" + "9" * 38 + "0" * 88),
    ("1E-130", "0." + "0" * 129 + "1"),
    ("1e-129", "0." + "0" * 128 + "1"),
    ("1.5e-130", "0." + "0" * 129 + "15"),
    ("0.99e-129", "0." + "0" * 129 + "99"),
]


@pytest.mark.parametrize(("given", "expected"), NORMALISED, ids=[g[:24] for g, _ in NORMALISED])
def test_number_normalisation(ddb, table, given, expected):
    assert roundtrip(ddb, table, {"N": given}) == {"N": expected}


def test_numbers_normalised_everywhere(ddb, make_table):
    name = make_table(hash_key="N", range_key="N")
    item = {
        "pk": {"N": "1.50"},
        "sk": {"N": "-0"},
        "m": {"M": {"n": {"N": "1e2"}}},
        "l": {"L": [{"N": "010"}, {"N": "0.50"}]},
        "ns": {"NS": ["1.50", "1e2", "-0", "0.001", "10"]},
    }
    ddb.put_item(TableName=name, Item=item)
    got = ddb.get_item(TableName=name, Key={"pk": {"N": "1.5"}, "sk": {"N": "0"}})["Item"]
    assert got["pk"] == {"N": "1.5"}
    assert got["sk"] == {"N": "0"}
    assert sorted(got["ns"]["NS"]) == sorted(["1.5", "100", "0", "0.001", "10"])
    # Numbers inside maps and lists keep their value; DynamoDB Local returns them as sent (unlike DynamoDB),
    # so only the value is checked here.
    assert Decimal(got["m"]["M"]["n"]["N"]) == 100
    assert [Decimal(v["N"]) for v in got["l"]["L"]] == [10, Decimal("0.5")]


@service_behaviour(
    "DynamoDB Local takes zero written with any exponent as 0",
    source="paritysuite/dynamodb-conformance tests/tier3/limits/numberExponent.test.ts (eu-west-2, 2026-10)",
)
@pytest.mark.parametrize(("given", "message"), [("0e126", NUMBER_OVERFLOW), ("0e-131", NUMBER_UNDERFLOW)])
def test_zero_is_range_checked_by_its_exponent(ddb, table, given, message):
    call = lambda: ddb.put_item(TableName=table, Item={**PK, "v": {"N": given}})  # noqa: E731
    assert_error(call, VALIDATION, enveloped(message))


# ---------------------------------------------------------------------------------------------------
# Numbers: rejected values

NOT_A_NUMBER = None  # the message names the number: see not_a_number

INVALID_NUMBERS = [
    ("abc", NOT_A_NUMBER),
    ("", NOT_A_NUMBER),
    (" ", NOT_A_NUMBER),
    ("  1", NOT_A_NUMBER),
    ("1  ", NOT_A_NUMBER),
    (" 1 ", NOT_A_NUMBER),
    ("\t1", NOT_A_NUMBER),
    ("1\n", NOT_A_NUMBER),
    ("1e", NOT_A_NUMBER),
    ("e1", NOT_A_NUMBER),
    ("1e+", NOT_A_NUMBER),
    ("1.2.3", NOT_A_NUMBER),
    ("--1", NOT_A_NUMBER),
    ("+-1", NOT_A_NUMBER),
    ("1_000", NOT_A_NUMBER),
    ("1,000", NOT_A_NUMBER),
    ("0x10", NOT_A_NUMBER),
    ("NaN", NOT_A_NUMBER),
    ("Infinity", NOT_A_NUMBER),
    ("-Infinity", NOT_A_NUMBER),
    ("inf", NOT_A_NUMBER),
    ("1d", NOT_A_NUMBER),
    ("1f", NOT_A_NUMBER),
    ("1L", NOT_A_NUMBER),
    (".", NOT_A_NUMBER),
    ("-", NOT_A_NUMBER),
    ("1e500", NUMBER_OVERFLOW),
    ("1e126", NUMBER_OVERFLOW),
    ("-1e126", NUMBER_OVERFLOW),
    ("10e125", NUMBER_OVERFLOW),
    ("99999999999999999999999999999999999999e89", NUMBER_OVERFLOW),
    ("1e-500", NUMBER_UNDERFLOW),
    ("1e-131", NUMBER_UNDERFLOW),
    ("-1e-131", NUMBER_UNDERFLOW),
    ("0.9e-130", NUMBER_UNDERFLOW),
    ("123456789012345678901234567890123456789", NUMBER_PRECISION),
    ("12345678901234567890123456789012345678.9", NUMBER_PRECISION),
    ("0.123456789012345678901234567890123456789", NUMBER_PRECISION),
    ("1.00000000000000000000000000000000000000000000001", NUMBER_PRECISION),
    ("9.99999999999999999999999999999999999999E+125", NUMBER_PRECISION),
    ("3.14159265358979323846264338327950288419716939937510", NUMBER_PRECISION),
    ("1" + "0" * 123 + "1", NUMBER_PRECISION),
    ("123456789012345678901234567890123456789e200", NUMBER_PRECISION),
    ("123456789012345678901234567890123456789e-200", NUMBER_PRECISION),
    # An exponent that fits a 64-bit integer is range-checked.
    ("1e2147483647", NUMBER_OVERFLOW),
    ("1e2147483648", NUMBER_OVERFLOW),
    ("1e-2147483648", NUMBER_UNDERFLOW),
    ("1e99999999999", NUMBER_OVERFLOW),
    ("-1e99999999999", NUMBER_OVERFLOW),
    ("1e-99999999999", NUMBER_UNDERFLOW),
    ("1e9223372036854775808", NOT_A_NUMBER),  # past a 64-bit integer
]


@pytest.mark.parametrize(
    ("given", "message"), INVALID_NUMBERS, ids=[repr(g)[:26] for g, _ in INVALID_NUMBERS]
)
@VALUES_DIFFER
def test_invalid_numbers(ddb, table, given, message):
    message = enveloped(not_a_number(given) if message is NOT_A_NUMBER else message)
    assert_error(lambda: ddb.put_item(TableName=table, Item={**PK, "v": {"N": given}}), VALIDATION, message)
    assert "Item" not in ddb.get_item(TableName=table, Key=KEY)


# DynamoDB reads an exponent in full before its range checks: one that fits a 64-bit integer is
# range-checked, a wider one cannot be converted; zero is range-checked by its exponent.
EXPONENTS_SOURCE = "paritysuite/dynamodb-conformance tests/tier3/limits/numberExponent.test.ts (eu-west-2, 2026-10)"
UNCONVERTIBLE_EXPONENTS = ["1e9223372036854775808", "1e99999999999999999999", "-1e-99999999999999999999"]


@pytest.mark.parametrize("given", UNCONVERTIBLE_EXPONENTS)
@VALUES_DIFFER
def test_exponents_wider_than_64_bits_are_not_numbers(ddb, table, given):
    message = enveloped(not_a_number(given))
    assert_error(lambda: ddb.put_item(TableName=table, Item={**PK, "v": {"N": given}}), VALIDATION, message)
    assert_error(lambda: ddb.put_item(TableName=table, Item={**PK, "v": {"NS": [given]}}), VALIDATION, message)
    assert "Item" not in ddb.get_item(TableName=table, Key=KEY)


@service_behaviour("DynamoDB Local refuses these as not numbers", source=EXPONENTS_SOURCE)
@pytest.mark.parametrize(
    ("given", "message"),
    [
        ("1e2147483648", NUMBER_OVERFLOW),
        ("1e99999999999", NUMBER_OVERFLOW),
        ("-1e99999999999", NUMBER_OVERFLOW),
        ("1e9223372036854775807", NUMBER_OVERFLOW),
        ("1e-99999999999", NUMBER_UNDERFLOW),
        ("1e-9223372036854775808", NUMBER_UNDERFLOW),
    ],
)
def test_exponents_that_fit_64_bits_are_range_checked(ddb, table, given, message):
    call = lambda: ddb.put_item(TableName=table, Item={**PK, "v": {"N": given}})  # noqa: E731
    assert_error(call, VALIDATION, enveloped(message))
    assert "Item" not in ddb.get_item(TableName=table, Key=KEY)


@VALUES_DIFFER
def test_an_unconvertible_exponent_in_an_add_operand(ddb, table):
    ddb.put_item(TableName=table, Item={**PK, "n": {"N": "1"}})
    assert_error(
        lambda: ddb.update_item(
            TableName=table,
            Key=KEY,
            UpdateExpression="ADD n :v",
            ExpressionAttributeValues={":v": {"N": "1e99999999999999999999"}},
        ),
        VALIDATION,
        enveloped(not_a_number("1e99999999999999999999")),
    )
    assert ddb.get_item(TableName=table, Key=KEY)["Item"]["n"] == {"N": "1"}


@pytest.mark.parametrize(
    ("value", "message"),
    [
        ({"NS": ["1", "abc"]}, not_a_number("abc")),
        ({"NS": [""]}, not_a_number("")),
        ({"NS": ["1", "1e500"]}, NUMBER_OVERFLOW),
        ({"NS": ["1e-500"]}, NUMBER_UNDERFLOW),
        ({"NS": ["123456789012345678901234567890123456789"]}, NUMBER_PRECISION),
        ({"M": {"x": {"N": "abc"}}}, not_a_number("abc")),
        ({"L": [{"N": "1"}, {"N": "1e126"}]}, NUMBER_OVERFLOW),
    ],
    ids=["NS-nan", "NS-empty-string", "NS-overflow", "NS-underflow", "NS-precision", "in-M", "in-L"],
)
@VALUES_DIFFER
def test_invalid_numbers_inside_sets_and_containers(ddb, table, value, message):
    assert_error(lambda: ddb.put_item(TableName=table, Item={**PK, "v": value}), VALIDATION, enveloped(message))


@pytest.mark.parametrize(
    ("key", "message"),
    [
        ("abc", not_a_number("abc")),
        ("1e500", NUMBER_OVERFLOW),
        ("123456789012345678901234567890123456789", NUMBER_PRECISION),
    ],
)
@pytest.mark.parametrize("operation", ["put_item", "get_item", "delete_item"])
@VALUES_DIFFER
def test_invalid_number_keys(ddb, make_table, operation, key, message):
    name = make_table(hash_key="N")
    arg = "Item" if operation == "put_item" else "Key"
    if operation != "get_item":  # GetItem answers bare
        message = enveloped(message)
    assert_error(
        lambda: getattr(ddb, operation)(TableName=name, **{arg: {"pk": {"N": key}}}), VALIDATION, message
    )


# ---------------------------------------------------------------------------------------------------
# Which value check an operation runs decides the wording of a malformed number or a repeated set
# member: the current one inside the "1 validation error detected: " envelope (PutItem, UpdateItem,
# DeleteItem) or bare (GetItem, BatchGetItem, Query), never inside the ExpressionAttributeValues
# message; the older one (BatchWriteItem, TransactWriteItems, TransactGetItems, Scan) bare, inside it.

ENVELOPED, CURRENT, OLDER, OLDER_WRAPPED = "enveloped", "current", "older", "older-wrapped"


def _sent_by(ddb_raw: Any, table: str, surface: str, value: dict[str, Any]) -> Any:
    """A call that sends `value` where `surface` puts it."""
    eav = {":v": value}
    calls = {
        "PutItem item": lambda: ddb_raw.put_item(TableName=table, Item={**PK, "v": value}),
        "PutItem condition": lambda: ddb_raw.put_item(
            TableName=table, Item=PK, ConditionExpression="attribute_not_exists(pk) OR v = :v",
            ExpressionAttributeValues=eav,
        ),
        "UpdateItem value": lambda: ddb_raw.update_item(
            TableName=table, Key=KEY, UpdateExpression="SET v = :v", ExpressionAttributeValues=eav
        ),
        "UpdateItem AttributeUpdates": lambda: ddb_raw.update_item(
            TableName=table, Key=KEY, AttributeUpdates={"v": {"Action": "PUT", "Value": value}}
        ),
        "DeleteItem key": lambda: ddb_raw.delete_item(TableName=table, Key={"pk": value}),
        "GetItem key": lambda: ddb_raw.get_item(TableName=table, Key={"pk": value}),
        "BatchGetItem key": lambda: ddb_raw.batch_get_item(RequestItems={table: {"Keys": [{"pk": value}]}}),
        "Query filter": lambda: ddb_raw.query(
            TableName=table, KeyConditionExpression="pk = :p", FilterExpression="v = :v",
            ExpressionAttributeValues={":p": KEY["pk"], **eav},
        ),
        "BatchWriteItem item": lambda: ddb_raw.batch_write_item(
            RequestItems={table: [{"PutRequest": {"Item": {**PK, "v": value}}}]}
        ),
        "TransactWriteItems item": lambda: ddb_raw.transact_write_items(
            TransactItems=[{"Put": {"TableName": table, "Item": {**PK, "v": value}}}]
        ),
        "TransactWriteItems value": lambda: ddb_raw.transact_write_items(
            TransactItems=[
                {"Update": {"TableName": table, "Key": KEY, "UpdateExpression": "SET v = :v",
                            "ExpressionAttributeValues": eav}}
            ]
        ),
        "TransactGetItems key": lambda: ddb_raw.transact_get_items(
            TransactItems=[{"Get": {"TableName": table, "Key": {"pk": value}}}]
        ),
        "Scan filter": lambda: ddb_raw.scan(TableName=table, FilterExpression="v = :v", ExpressionAttributeValues=eav),
    }
    return calls[surface]


SURFACES = [
    ("PutItem item", ENVELOPED),
    ("PutItem condition", ENVELOPED),
    ("UpdateItem value", ENVELOPED),
    ("UpdateItem AttributeUpdates", ENVELOPED),
    ("DeleteItem key", ENVELOPED),
    ("GetItem key", CURRENT),
    ("BatchGetItem key", CURRENT),
    ("Query filter", CURRENT),
    ("BatchWriteItem item", OLDER),
    ("TransactWriteItems item", OLDER),
    ("TransactWriteItems value", OLDER_WRAPPED),
    ("TransactGetItems key", OLDER),
    ("Scan filter", OLDER_WRAPPED),
]


def _worded(layer: str, current: str, older: str) -> str:
    if layer == ENVELOPED:
        return enveloped(current)
    if layer == CURRENT:
        return current
    if layer == OLDER:
        return older
    return f"ExpressionAttributeValues contains invalid value: {older} for key :v"


@pytest.mark.parametrize(("surface", "layer"), SURFACES, ids=[surface for surface, _ in SURFACES])
@pytest.mark.parametrize(
    ("number", "current", "older"),
    [
        pytest.param("abc", not_a_number("abc"), not_a_number("abc", older=True), id="abc"),
        pytest.param("", not_a_number(""), not_a_number("", older=True), id="empty"),
        pytest.param("1e126", NUMBER_OVERFLOW, NUMBER_OVERFLOW, id="overflow"),
        # The older check reads the number as Java's BigDecimal does: its precision - scale wraps round.
        pytest.param("1e2147483647", NUMBER_OVERFLOW, NUMBER_UNDERFLOW, id="int-exponent"),
        pytest.param("1" * 39, NUMBER_PRECISION, NUMBER_PRECISION, id="precision"),
    ],
)
@VALUES_DIFFER
def test_number_messages_by_operation(ddb_raw, table, surface, layer, number, current, older):
    call = _sent_by(ddb_raw, table, surface, {"N": number})
    assert_error(call, VALIDATION, _worded(layer, current, older))


@pytest.mark.parametrize(("surface", "layer"), SURFACES, ids=[surface for surface, _ in SURFACES])
@pytest.mark.parametrize(
    ("value", "current", "older"),
    [
        pytest.param(
            {"SS": ["b", "a", "b"]}, ss_duplicates(["a", "b", "b"]), ss_duplicates(["b", "a", "b"], older=True), id="SS"
        ),
        pytest.param(
            {"BS": [b"\xff", b"\x00", b"\x00"]},
            bs_duplicates(["AA==", "/w==", "AA=="]),
            bs_duplicates(["/w==", "AA==", "AA=="], older=True),
            id="BS",
        ),
        pytest.param({"NS": ["2", "1", "2"]}, NS_DUPLICATES, NS_DUPLICATES_OLDER, id="NS"),
    ],
)
@VALUES_DIFFER
def test_duplicate_messages_by_operation(ddb_raw, table, surface, layer, value, current, older):
    call = _sent_by(ddb_raw, table, surface, value)
    assert_error(call, VALIDATION, _worded(layer, current, older))


# ---------------------------------------------------------------------------------------------------
# Sets


@pytest.mark.parametrize(
    ("value", "message"),
    [
        pytest.param({"SS": []}, EMPTY_SS, id="empty-SS"),
        pytest.param({"NS": []}, EMPTY_NS, id="empty-NS"),
        pytest.param({"BS": []}, EMPTY_BS, id="empty-BS"),
        pytest.param({"M": {"s": {"SS": []}}}, EMPTY_SS, id="empty-SS-in-M"),
        pytest.param({"L": [{"NS": []}]}, EMPTY_NS, id="empty-NS-in-L"),
    ],
)
@WRITE_ENVELOPE
def test_invalid_sets(ddb, table, value, message):
    assert_error(lambda: ddb.put_item(TableName=table, Item={**PK, "v": value}), VALIDATION, enveloped(message))


# The current check lists a set's members before the first repeat in byte order, then the repeat,
# then the rest as sent.
@pytest.mark.parametrize(
    ("value", "message"),
    [
        pytest.param({"SS": ["a", "a"]}, ss_duplicates(["a", "a"]), id="SS"),
        pytest.param({"SS": ["b", "a", "b"]}, ss_duplicates(["a", "b", "b"]), id="SS-3"),
        pytest.param({"SS": ["c", "a", "a", "b"]}, ss_duplicates(["a", "c", "a", "b"]), id="SS-rest-as-sent"),
        pytest.param({"SS": ["é", "z", "é"]}, ss_duplicates(["z", "é", "é"]), id="SS-byte-order"),
        pytest.param({"SS": ["", ""]}, ss_duplicates(["", ""]), id="SS-empty-strings"),
        pytest.param({"L": [{"SS": ["a", "a"]}]}, ss_duplicates(["a", "a"]), id="SS-in-L"),
        pytest.param({"NS": ["1", "1"]}, NS_DUPLICATES, id="NS"),
        pytest.param({"NS": ["1", "1.0"]}, NS_DUPLICATES, id="NS-1-1.0"),
        pytest.param({"NS": ["1", "01"]}, NS_DUPLICATES, id="NS-1-01"),
        pytest.param({"NS": ["100", "1e2"]}, NS_DUPLICATES, id="NS-100-1e2"),
        pytest.param({"NS": ["0", "-0"]}, NS_DUPLICATES, id="NS-0-minus-0"),
        pytest.param({"NS": ["2", "1.5", "15e-1"]}, NS_DUPLICATES, id="NS-1.5"),
        pytest.param({"BS": [b"a", b"a"]}, bs_duplicates(["YQ==", "YQ=="]), id="BS"),
        pytest.param({"BS": [b"y", b"x", b"x"]}, bs_duplicates(["eA==", "eQ==", "eA=="]), id="BS-3"),
        pytest.param({"BS": [b"\xff", b"\x00", b"\x00"]}, bs_duplicates(["AA==", "/w==", "AA=="]), id="BS-unsigned"),
        pytest.param({"M": {"b": {"BS": [b"\x00", b"\x00"]}}}, bs_duplicates(["AA==", "AA=="]), id="BS-in-M"),
    ],
)
@VALUES_DIFFER
def test_duplicate_set_members(ddb, table, value, message):
    assert_error(lambda: ddb.put_item(TableName=table, Item={**PK, "v": value}), VALIDATION, enveloped(message))


@pytest.mark.parametrize(
    "value",
    [
        pytest.param({"SS": ["a", "A", "a "]}, id="SS-case-and-space-differ"),
        pytest.param({"SS": ["", "a"]}, id="SS-with-empty-string"),
        pytest.param({"BS": [b"", b"a"]}, id="BS-with-empty-binary"),
        pytest.param({"BS": [b"a", b"a\x00"]}, id="BS-prefix"),
        pytest.param({"NS": ["1", "1.000000000000000000000000000000000001"]}, id="NS-close-numbers"),
        pytest.param({"NS": ["-1", "1"]}, id="NS-signs"),
    ],
)
def test_valid_sets(ddb, table, value):
    assert sorted_sets(roundtrip(ddb, table, value)) == sorted_sets(value)


SET_ORDER = [
    ({"SS": ["b", "a", "", "é", "B"]}, {"SS": ["", "B", "a", "b", "é"]}),
    ({"NS": ["10", "2", "-1", "0.5"]}, {"NS": ["-1", "0.5", "2", "10"]}),
    ({"BS": [b"\x02", b"\x01\xff", b"", b"\x01"]}, {"BS": [b"", b"\x01", b"\x01\xff", b"\x02"]}),
    ({"M": {"s": {"SS": ["z", "y"]}}}, {"M": {"s": {"SS": ["y", "z"]}}}),
]


@pytest.mark.parametrize(("written", "kept"), SET_ORDER, ids=["SS", "NS", "BS", "in-a-map"])
def test_set_members_come_back_in_dynamodbs_order(ddb, table, written, kept):
    """Whatever order a set is written in, DynamoDB keeps it in its own: strings and binaries by
    their bytes, numbers by value (paritysuite/dynamodb-conformance tests/tier1/updateItem/basic.test.ts,
    live service 2026)."""
    assert roundtrip(ddb, table, written) == kept


def test_set_members_added_by_an_update_take_their_place(ddb, table):
    ddb.put_item(TableName=table, Item={**PK, "ss": {"SS": ["a", "c"]}, "bs": {"BS": [b"\x01"]}})
    ddb.update_item(
        TableName=table,
        Key=KEY,
        UpdateExpression="ADD ss :s, bs :b",
        ExpressionAttributeValues={":s": {"SS": ["b", ""]}, ":b": {"BS": [b""]}},
    )
    for added in (["3", "1"], ["2"]):
        ddb.update_item(
            TableName=table, Key=KEY, UpdateExpression="ADD ns :n", ExpressionAttributeValues={":n": {"NS": added}}
        )
    item = ddb.get_item(TableName=table, Key=KEY)["Item"]
    assert item["ss"] == {"SS": ["", "a", "b", "c"]}
    assert item["bs"] == {"BS": [b"", b"\x01"]}
    assert item["ns"] == {"NS": ["1", "2", "3"]}


# ---------------------------------------------------------------------------------------------------
# Empty strings and binaries, and other malformed values


@pytest.mark.parametrize(
    "value",
    [
        pytest.param({"S": ""}, id="S"),
        pytest.param({"B": b""}, id="B"),
        pytest.param({"M": {"a": {"S": ""}, "b": {"B": b""}}}, id="in-M"),
        pytest.param({"L": [{"S": ""}, {"B": b""}]}, id="in-L"),
    ],
)
def test_empty_string_and_binary_allowed_outside_keys(ddb, table, value):
    assert roundtrip(ddb, table, value) == value


@pytest.mark.parametrize(
    ("item", "message"),
    [
        pytest.param({**PK, "v": {}}, EMPTY_VALUE, id="empty-value"),
        pytest.param({**PK, "v": {"M": {"x": {}}}}, EMPTY_VALUE, id="empty-value-in-M"),
        pytest.param({**PK, "v": {"S": "a", "N": "1"}}, MULTIPLE_TYPES, id="two-types"),
        pytest.param({**PK, "v": {"S": "a", "NULL": True}}, MULTIPLE_TYPES, id="two-types-S-NULL"),
        pytest.param({**PK, "v": {"L": [{"S": "a", "N": "1"}]}}, MULTIPLE_TYPES, id="two-types-in-L"),
        pytest.param({**PK, "v": {"NULL": False}}, NULL_NOT_TRUE, id="NULL-false"),
        pytest.param({**PK, "v": {"M": {"y": {"NULL": False}}}}, NULL_NOT_TRUE, id="NULL-false-in-M"),
        pytest.param({**PK, "": {"S": "x"}}, EMPTY_ATTRIBUTE_NAME, id="empty-name"),
        pytest.param({**PK, "v": {"M": {"": {"S": "x"}}}}, EMPTY_ATTRIBUTE_NAME, id="empty-name-in-M"),
        # Values are validated one attribute at a time, in request order, before the key.
        pytest.param({**PK, "a": {"SS": []}, "b": {"N": "x"}}, EMPTY_SS, id="first-error-wins-1"),
        pytest.param(
            {**PK, "b": {"N": "x"}, "a": {"SS": []}}, not_a_number("x"), id="first-error-wins-2", marks=VALUES_DIFFER
        ),
        pytest.param(
            {"pk": {"S": ""}, "v": {"N": "x"}}, not_a_number("x"), id="value-before-empty-key", marks=VALUES_DIFFER
        ),
        pytest.param({"v": {"NULL": False}}, NULL_NOT_TRUE, id="value-before-missing-key"),
        pytest.param(
            {**PK, "n": nested(33, {"S": "x"}), "x": {"N": "abc"}}, NESTING_TOO_DEEP, id="nesting-first"
        ),
        pytest.param(
            {**PK, "x": {"N": "abc"}, "n": nested(33, {"S": "x"})},
            not_a_number("abc"),
            id="number-first",
            marks=VALUES_DIFFER,
        ),
        pytest.param({**PK, "n": nested(33, {"SS": []})}, NESTING_TOO_DEEP, id="nesting-before-inner-value"),
    ],
)
@WRITE_ENVELOPE
def test_malformed_values(ddb_raw, table, item, message):
    assert_error(lambda: ddb_raw.put_item(TableName=table, Item=item), VALIDATION, enveloped(message))


def test_empty_key_string_rejected_even_if_other_values_fine(ddb, table):
    assert_error(
        lambda: ddb.put_item(TableName=table, Item={"pk": {"S": ""}, "v": {"S": ""}}),
        VALIDATION,
        empty_key("pk"),
    )


# ---------------------------------------------------------------------------------------------------
# Nesting depth: 31 levels of maps/lists are allowed, the 32nd is not.


@pytest.mark.parametrize("kind", ["M", "L"])
@pytest.mark.parametrize(
    ("depth", "leaf", "ok"),
    [
        (30, {"S": "x"}, True),
        (31, {"S": "x"}, True),
        (31, {"SS": ["x"]}, True),
        (30, {"M": {}}, True),
        (30, {"L": []}, True),
        (32, {"S": "x"}, False),
        (33, {"S": "x"}, False),
        (31, {"M": {}}, False),
        (31, {"L": []}, False),
        (40, {"N": "1"}, False),
    ],
    ids=[
        "30-S",
        "31-S",
        "31-SS",
        "30+empty-M",
        "30+empty-L",
        "32-S",
        "33-S",
        "31+empty-M",
        "31+empty-L",
        "40-N",
    ],
)
@WRITE_ENVELOPE
def test_nesting_depth(ddb, table, kind, depth, leaf, ok):
    value = nested(depth, leaf, kind)
    if ok:
        assert sorted_sets(roundtrip(ddb, table, value)) == sorted_sets(value)
    else:
        assert_error(
            lambda: ddb.put_item(TableName=table, Item={**PK, "v": value}), VALIDATION, enveloped(NESTING_TOO_DEEP)
        )


def test_nesting_depth_in_keys_of_get(ddb, table):
    assert_error(
        lambda: ddb.get_item(TableName=table, Key={"pk": nested(33, {"S": "x"})}),
        VALIDATION,
        NESTING_TOO_DEEP,
    )


# ---------------------------------------------------------------------------------------------------
# Item size: the sum of attribute name lengths (UTF-8) and value sizes, at most 400 KiB.
# The size DynamoDB Local reports as TableSizeBytes for a single item is checked too.

SIZES = [
    # (item without the pk attribute, its size in bytes including pk="k" (3 bytes))
    ({}, 3),
    ({"v": {"S": "abcd"}}, 3 + 1 + 4),
    ({"v": {"S": "é"}}, 3 + 1 + 2),
    ({"v": {"S": "€"}}, 3 + 1 + 3),
    ({"v": {"S": ""}}, 3 + 1),
    ({"é": {"S": "x"}}, 3 + 2 + 1),
    ({"v": {"B": b"xyz"}}, 3 + 1 + 3),
    ({"v": {"B": b""}}, 3 + 1),
    ({"v": {"BOOL": True}}, 3 + 1 + 1),
    ({"v": {"NULL": True}}, 3 + 1 + 1),
    ({"v": {"N": "0"}}, 3 + 1 + 1),
    ({"v": {"N": "1"}}, 3 + 1 + 2),
    ({"v": {"N": "99"}}, 3 + 1 + 2),
    ({"v": {"N": "100"}}, 3 + 1 + 2),
    ({"v": {"N": "101"}}, 3 + 1 + 3),
    ({"v": {"N": "1000"}}, 3 + 1 + 2),
    ({"v": {"N": "1001"}}, 3 + 1 + 3),
    ({"v": {"N": "12345"}}, 3 + 1 + 4),
    ({"v": {"N": "-1"}}, 3 + 1 + 3),
    ({"v": {"N": "-101"}}, 3 + 1 + 4),
    ({"v": {"N": "0.1"}}, 3 + 1 + 2),
    ({"v": {"N": "0.101"}}, 3 + 1 + 3),
    ({"v": {"N": "1.1"}}, 3 + 1 + 3),
    ({"v": {"N": "1e-130"}}, 3 + 1 + 2),
    ({"v": {"N": "12345678901234567890123456789012345678"}}, 3 + 1 + 20),
    ({"v": {"N": "-12345678901234567890123456789012345678"}}, 3 + 1 + 21),
    ({"v": {"N": "1234567890123456789012345678901234567.8"}}, 3 + 1 + 21),
    ({"v": {"M": {}}}, 3 + 1 + 3),
    ({"v": {"M": {"k": {"S": "v"}}}}, 3 + 1 + 3 + (1 + 1 + 1)),
    ({"v": {"M": {"k": {"M": {"j": {"S": "v"}}}}}}, 3 + 1 + 3 + (1 + 1 + 3 + (1 + 1 + 1))),
    ({"v": {"L": []}}, 3 + 1 + 3),
    ({"v": {"L": [{"S": "v"}, {"N": "1"}]}}, 3 + 1 + 3 + (1 + 1) + (1 + 2)),
    ({"v": {"L": [{"L": []}, {"NULL": True}, {"BOOL": False}]}}, 3 + 1 + 3 + (1 + 3) + (1 + 1) + (1 + 1)),
    ({"v": {"SS": ["x", "yy"]}}, 3 + 1 + 3),
    ({"v": {"NS": ["1", "22"]}}, 3 + 1 + 4),
    ({"v": {"NS": ["-1", "100", "0.5"]}}, 3 + 1 + 7),
    ({"v": {"BS": [b"x", b"yy"]}}, 3 + 1 + 3),
]


@pytest.mark.parametrize(("extra", "size"), SIZES, ids=[str(extra)[:40] for extra, _ in SIZES])
def test_table_size_bytes(ddb, table, extra, size):
    ddb.put_item(TableName=table, Item={**PK, **extra})
    desc = ddb.describe_table(TableName=table)["Table"]
    assert (desc["ItemCount"], desc["TableSizeBytes"]) == (1, size)


def test_key_sizes_count_in_table_size(ddb, make_table):
    name = make_table(hash_key="N", range_key="B")
    ddb.put_item(TableName=name, Item={"pk": {"N": "123"}, "sk": {"B": b"ab"}})  # (2 + 3) + (2 + 2)
    assert ddb.describe_table(TableName=name)["Table"]["TableSizeBytes"] == 9


def _fill(size: int) -> dict[str, Any]:
    """An item pk="k" plus attribute "v" (an S value) of exactly ``size`` bytes."""
    return {**PK, "v": {"S": "x" * (size - 4)}}


@pytest.mark.parametrize(
    ("item", "ok"),
    [
        pytest.param(_fill(MAX_ITEM), True, id="S-at-limit"),
        pytest.param(_fill(MAX_ITEM + 1), False, id="S-over"),
        pytest.param(_fill(400_000), True, id="400000"),
        pytest.param({**PK, "v": {"S": "é" * ((MAX_ITEM - 4) // 2)}}, True, id="multibyte-at-limit"),
        pytest.param({**PK, "v": {"S": "é" * ((MAX_ITEM - 4) // 2 + 1)}}, False, id="multibyte-over"),
        pytest.param({**PK, "v": {"B": b"x" * (MAX_ITEM - 4)}}, True, id="B-at-limit"),
        pytest.param({**PK, "v": {"B": b"x" * (MAX_ITEM - 3)}}, False, id="B-over"),
        pytest.param({**PK, "n" * 1000: {"S": "x" * (MAX_ITEM - 1003)}}, True, id="long-name-at-limit"),
        pytest.param({**PK, "n" * 1001: {"S": "x" * (MAX_ITEM - 1003)}}, False, id="long-name-over"),
        pytest.param({**PK, "v": {"S": "x" * 204797}, "w": {"S": "x" * 204798}}, True, id="two-attributes"),
        pytest.param(
            {**PK, "v": {"S": "x" * 204798}, "w": {"S": "x" * 204798}}, False, id="two-attributes-over"
        ),
        pytest.param({**PK, "m": {"M": {"k": {"S": "x" * (MAX_ITEM - 9)}}}}, True, id="M-at-limit"),
        pytest.param({**PK, "m": {"M": {"k": {"S": "x" * (MAX_ITEM - 8)}}}}, False, id="M-over"),
        pytest.param({**PK, "l": {"L": [{"S": "x" * (MAX_ITEM - 8)}]}}, True, id="L-at-limit"),
        pytest.param({**PK, "l": {"L": [{"S": "x" * (MAX_ITEM - 7)}]}}, False, id="L-over"),
        pytest.param(
            {**PK, "s": {"SS": ["x" * 200000, "y" * (MAX_ITEM - 4 - 200000)]}}, True, id="SS-at-limit"
        ),
        pytest.param({**PK, "s": {"SS": ["x" * 200000, "y" * (MAX_ITEM - 3 - 200000)]}}, False, id="SS-over"),
    ],
)
@WRITE_ENVELOPE
def test_item_size_limit(ddb, table, item, ok):
    if ok:
        ddb.put_item(TableName=table, Item=item)
        assert ddb.get_item(TableName=table, Key=KEY)["Item"] == item
        assert ddb.describe_table(TableName=table)["Table"]["TableSizeBytes"] <= MAX_ITEM
    else:
        assert_error(lambda: ddb.put_item(TableName=table, Item=item), VALIDATION, enveloped(ITEM_TOO_LARGE))
        assert "Item" not in ddb.get_item(TableName=table, Key=KEY)


TOO_LARGE = enveloped(ITEM_TOO_LARGE)  # PutItem's size check is one of its request's own


def test_item_size_at_limit_reported_in_table_size(ddb, table):
    ddb.put_item(TableName=table, Item=_fill(MAX_ITEM))
    assert ddb.describe_table(TableName=table)["Table"]["TableSizeBytes"] == MAX_ITEM


@pytest.mark.parametrize(
    ("item", "message"),
    [
        # All of these are the request's own checks, reported inside the envelope.
        pytest.param({"v": {"S": "x" * MAX_ITEM}}, TOO_LARGE, id="size-before-missing-key", marks=WRITE_ENVELOPE),
        pytest.param(
            {"pk": {"S": ""}, "v": {"S": "x" * MAX_ITEM}}, TOO_LARGE, id="size-before-empty-key", marks=WRITE_ENVELOPE
        ),
        pytest.param(
            {"pk": {"S": "h" * 2049}, "v": {"S": "x" * MAX_ITEM}},
            TOO_LARGE,
            id="size-before-key-size",
            marks=WRITE_ENVELOPE,
        ),
        # The size is added up attribute by attribute (in request order) as each value is validated.
        pytest.param(
            {**PK, "n": {"N": "abc"}, "v": {"S": "x" * MAX_ITEM}},
            enveloped(not_a_number("abc")),
            id="earlier-value-first",
            marks=VALUES_DIFFER,
        ),
        pytest.param(
            {**PK, "v": {"S": "x" * MAX_ITEM}, "n": {"N": "abc"}}, TOO_LARGE, id="size-first", marks=WRITE_ENVELOPE
        ),
        pytest.param(
            {**PK, "v": {"S": "x" * MAX_ITEM}, "n": {}}, TOO_LARGE, id="size-before-empty-value", marks=WRITE_ENVELOPE
        ),
        pytest.param(
            {**PK, "n": {"NS": ["1", "1.0"]}, "v": {"S": "x" * MAX_ITEM}},
            enveloped(NS_DUPLICATES),
            id="set-first",
            marks=VALUES_DIFFER,
        ),
        pytest.param(
            {**PK, "n": nested(33, {"S": "x"}), "v": {"S": "x" * MAX_ITEM}},
            enveloped(NESTING_TOO_DEEP),
            id="nesting-first",
            marks=WRITE_ENVELOPE,
        ),
        pytest.param(
            {**PK, "v": {"S": "x" * MAX_ITEM}, "n": nested(33, {"S": "x"})},
            TOO_LARGE,
            id="size-before-nesting",
            marks=WRITE_ENVELOPE,
        ),
        pytest.param({"x": {"S": "a"}}, missing_key("pk"), id="just-missing-key", marks=KEYS_DIFFER),
    ],
)
def test_item_size_precedence(ddb_raw, table, item, message):
    assert_error(lambda: ddb_raw.put_item(TableName=table, Item=item), VALIDATION, message)


# ---------------------------------------------------------------------------------------------------
# Key sizes: partition key at most 2048 bytes, sort key at most 1024 bytes.


@pytest.mark.parametrize(
    ("key_types", "key", "ok"),
    [
        pytest.param(("S", None), {"pk": {"S": "k" * 2048}}, True, id="hash-S-2048"),
        pytest.param(("S", None), {"pk": {"S": "k" * 2049}}, False, id="hash-S-2049", marks=KEYS_DIFFER),
        pytest.param(("S", None), {"pk": {"S": "é" * 1024}}, True, id="hash-S-2048-bytes-multibyte"),
        pytest.param(
            ("S", None), {"pk": {"S": "é" * 1024 + "x"}}, False, id="hash-S-2049-bytes-multibyte",
            marks=KEYS_DIFFER,
        ),
        pytest.param(("B", None), {"pk": {"B": b"k" * 2048}}, True, id="hash-B-2048"),
        pytest.param(("B", None), {"pk": {"B": b"k" * 2049}}, False, id="hash-B-2049", marks=KEYS_DIFFER),
        pytest.param(("S", "S"), {"pk": {"S": "a"}, "sk": {"S": "k" * 1024}}, True, id="range-S-1024"),
        pytest.param(
            ("S", "S"), {"pk": {"S": "a"}, "sk": {"S": "k" * 1025}}, False, id="range-S-1025",
            marks=KEYS_DIFFER,
        ),
        pytest.param(
            ("S", "S"), {"pk": {"S": "a"}, "sk": {"S": "€" * 341 + "x"}}, True, id="range-S-1024-bytes-mb"
        ),
        pytest.param(
            ("S", "S"),
            {"pk": {"S": "a"}, "sk": {"S": "€" * 341 + "xy"}},
            False,
            id="range-S-1025-bytes-mb",
            marks=KEYS_DIFFER,
        ),
        pytest.param(("B", "B"), {"pk": {"B": b"a"}, "sk": {"B": b"k" * 1024}}, True, id="range-B-1024"),
        pytest.param(
            ("B", "B"), {"pk": {"B": b"a"}, "sk": {"B": b"k" * 1025}}, False, id="range-B-1025",
            marks=KEYS_DIFFER,
        ),
        pytest.param(
            ("S", "S"), {"pk": {"S": "k" * 2048}, "sk": {"S": "k" * 1024}}, True, id="both-at-limit"
        ),
        pytest.param(
            ("S", "S"), {"pk": {"S": "k" * 2049}, "sk": {"S": "k" * 1025}}, False, id="both-over",
            marks=KEYS_DIFFER,
        ),
        pytest.param(
            ("S", "S"),
            {"pk": {"S": "k" * 2049}, "sk": {"S": ""}},
            False,
            id="hash-size-before-empty-range",
            marks=KEYS_DIFFER,
        ),
    ],
)
@pytest.mark.parametrize("operation", ["put_item", "get_item", "delete_item"])
def test_key_size_limits(ddb, make_table, key_types, key, ok, operation):
    name = make_table(hash_key=key_types[0], range_key=key_types[1])
    arg = "Item" if operation == "put_item" else "Key"
    call = lambda: getattr(ddb, operation)(TableName=name, **{arg: key})  # noqa: E731
    if ok:
        call()
        if operation == "put_item":
            assert ddb.get_item(TableName=name, Key=key)["Item"] == key
    else:
        hash_value = key["pk"].get("S", "").encode() or key["pk"].get("B", b"")
        assert_error(call, VALIDATION, HASH_KEY_TOO_LARGE if len(hash_value) > 2048 else RANGE_KEY_TOO_LARGE)
