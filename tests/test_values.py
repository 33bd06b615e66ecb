"""Attribute values: number normalisation, sizes and ordering keys."""

from decimal import Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st

from dynasim import DynamoDBError, values
from dynasim.values import item_size, normalize_number, number_size, sort_key, validate_item

# Numbers DynamoDB accepts: up to 38 significant digits, magnitude 1E-130 .. <1E+126.
numbers = st.builds(
    lambda sign, digits, exponent: f"{sign}{digits}E{exponent}",
    st.sampled_from(["", "-", "+"]),
    st.integers(min_value=1, max_value=10**38 - 1),
    st.integers(min_value=-130, max_value=88),
)


@given(numbers)
def test_normalised_number_keeps_its_value(text):
    assert Decimal(normalize_number(text)) == Decimal(text)


@given(numbers)
def test_normalised_form_is_canonical(text):
    normalised = normalize_number(text)
    assert normalize_number(normalised) == normalised
    assert "E" not in normalised and "+" not in normalised
    if "." in normalised:
        assert not normalised.endswith("0")
    assert not normalised.lstrip("-").startswith("00")


@given(numbers, numbers)
def test_equal_values_normalise_alike(a, b):
    assert (normalize_number(a) == normalize_number(b)) == (Decimal(a) == Decimal(b))


@pytest.mark.parametrize(
    ("text", "size"),
    # Sizes DynamoDB Local reports (TableSizeBytes) for a number attribute's value.
    [
        ("1", 2),
        ("12", 2),
        ("123", 3),
        ("1.5", 3),
        ("0.5", 2),
        ("100", 2),
        ("-1", 3),
        ("-1.5", 4),
        ("12345678901234567890123456789012345678", 20),
        ("1E+100", 2),
        ("1E-130", 2),
        ("-0.0000123", 4),
        ("101", 3),
        ("1234.5678", 5),
    ],
)
def test_number_sizes_follow_dynamodb(text, size):
    assert number_size(normalize_number(text)) == size


def test_validated_size_equals_stored_size():
    item = {"a": {"M": {"x": {"S": "ab"}, "y": {"L": [{"N": "1"}, {"BOOL": True}]}}}, "bs": {"BS": ["AQI="]}}
    assert validate_item(item) == item_size(item)
    assert item["bs"] == {"BS": [b"\x01\x02"]}


@given(st.lists(st.text(), min_size=2, max_size=2))
def test_strings_order_by_utf8_bytes(pair):
    a, b = pair
    assert (sort_key("S", a) < sort_key("S", b)) == (
        a.encode("utf-8", "surrogatepass") < b.encode("utf-8", "surrogatepass")
    )


def test_numbers_order_by_value():
    ordered = sorted(["10", "9", "-1", "0.5", "-20"], key=lambda n: sort_key("N", n))
    assert ordered == ["-20", "-1", "0.5", "9", "10"]


def test_binary_orders_unsigned():
    assert sort_key("B", b"\x7f") < sort_key("B", b"\x80")


def test_number_errors_are_dynamodbs():
    with pytest.raises(DynamoDBError, match="more than 38 significant digits"):
        normalize_number("1" * 39)
    with pytest.raises(DynamoDBError, match="Number overflow"):
        normalize_number("1E126")
    with pytest.raises(DynamoDBError, match="Number underflow"):
        normalize_number("1E-131")
    with pytest.raises(DynamoDBError, match="cannot be converted to a numeric value: NaN"):
        normalize_number("NaN")


def test_the_operation_decides_how_number_errors_are_worded():
    with values.checking_for("PutItem"), pytest.raises(DynamoDBError) as current:
        normalize_number("")  # PutItem's handler puts it inside the envelope (errors.enveloped)
    message = "The parameter cannot be converted to a numeric value"
    assert current.value.message == f"{message}: "
    with values.checking_for("BatchWriteItem"), pytest.raises(DynamoDBError) as older:
        normalize_number("")
    assert older.value.message == message
    with values.checking_for("BatchWriteItem"), pytest.raises(DynamoDBError, match="underflow"):
        normalize_number("1e2147483647")  # BigDecimal's precision - scale wraps round
    with values.checking_for("GetItem"), pytest.raises(DynamoDBError) as bare:
        normalize_number("1e2147483647")
    assert bare.value.message.startswith("Number overflow")


def test_an_exponent_of_thousands_of_digits_is_not_a_number():
    for layer in ("PutItem", "BatchWriteItem", "GetItem"):
        with values.checking_for(layer), pytest.raises(DynamoDBError, match="cannot be converted"):
            normalize_number("1e" + "9" * 5000)
