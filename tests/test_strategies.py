"""dynasim.strategies: every value and item drawn is accepted by DynamoDB's rules and reads back equal."""

from __future__ import annotations

from decimal import Decimal

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import dynasim
from dynasim import strategies as ds
from dynasim.values import validate_item

SETTINGS = settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])

TABLE = {
    "TableName": "things",
    "KeySchema": [{"AttributeName": "pk", "KeyType": "HASH"}, {"AttributeName": "sk", "KeyType": "RANGE"}],
    "AttributeDefinitions": [
        {"AttributeName": "pk", "AttributeType": "S"},
        {"AttributeName": "sk", "AttributeType": "N"},
        {"AttributeName": "gk", "AttributeType": "B"},
    ],
    "BillingMode": "PAY_PER_REQUEST",
    "GlobalSecondaryIndexes": [
        {
            "IndexName": "by-gk",
            "KeySchema": [{"AttributeName": "gk", "KeyType": "HASH"}],
            "Projection": {"ProjectionType": "ALL"},
        }
    ],
}

SIM = dynasim.Simulator(max_logged_calls=0)
SIM.handle("CreateTable", TABLE)
CLIENT = SIM.client()


@SETTINGS
@given(ds.attribute_values(max_depth=4))
def test_attribute_values_are_valid(value):
    validate_item({"a": value})


@SETTINGS
@given(ds.numbers())
def test_numbers_are_in_dynamodbs_normal_form(text):
    number = Decimal(text)
    assert len(number.as_tuple().digits) <= 38
    assert text == "0" or not text.lstrip("-").startswith("0") or text.lstrip("-").startswith("0.")
    assert "E" not in text and not (("." in text) and text.endswith("0"))


@SETTINGS
@given(ds.items(TABLE))
def test_items_are_accepted_and_read_back_equal(item):
    CLIENT.put_item(TableName="things", Item=item)
    key = {"pk": item["pk"], "sk": item["sk"]}
    read = CLIENT.get_item(TableName="things", Key=key, ConsistentRead=True)["Item"]
    assert ds.canonical(read) == ds.canonical(item)


@SETTINGS
@given(ds.keys({"id": "B"}))
def test_keys_from_a_simple_mapping(key):
    assert set(key) == {"id"} and key["id"]["B"]


def test_canonical_sorts_sets_at_any_depth():
    item = {"s": {"SS": ["b", "a"]}, "m": {"M": {"n": {"NS": ["10", "9"]}}}, "l": {"L": [{"BS": [b"z", b"y"]}]}}
    assert ds.canonical(item) == {
        "s": {"SS": ["a", "b"]},
        "m": {"M": {"n": {"NS": ["9", "10"]}}},
        "l": {"L": [{"BS": [b"y", b"z"]}]},
    }


def test_schema_forms():
    assert ds.key_schema_of({"pk": "S", "sk": "N"}) == ([("pk", "S"), ("sk", "N")], {"pk": "S", "sk": "N"})
    names, types = ds.key_schema_of(TABLE)
    assert names == [("pk", "S"), ("sk", "N")] and types["gk"] == "B"
    reversed_schema = list(reversed(TABLE["KeySchema"]))
    assert ds.key_schema_of(reversed_schema, TABLE["AttributeDefinitions"])[0][0] == ("pk", "S")
    with pytest.raises(ValueError):
        ds.key_schema_of(TABLE["KeySchema"])
    with pytest.raises(ValueError):
        ds.key_values("BOOL")


@SETTINGS
@given(ds.items({"pk": "S"}, max_depth=1))
def test_to_python_matches_the_resource(item):
    python = ds.to_python(item)
    assert set(python) == set(item)
    assert isinstance(python["pk"], str)


@SETTINGS
@given(st.data())
def test_index_key_attributes_have_the_defined_type(data):
    item = data.draw(ds.items(TABLE))
    if "gk" in item:
        assert set(item["gk"]) == {"B"} and item["gk"]["B"]


VECTOR_TABLE = {
    "TableName": "docs",
    "KeySchema": [{"AttributeName": "pk", "KeyType": "HASH"}],
    "AttributeDefinitions": [{"AttributeName": "pk", "AttributeType": "S"}],
    "BillingMode": "PAY_PER_REQUEST",
    "VectorIndexes": [
        {
            "IndexName": "by-embedding",
            "VectorAttribute": {"AttributeName": "embedding"},
            "Dimensions": 8,
            "DistanceFunction": "COSINE",
            "Projection": {"ProjectionType": "ALL"},
        },
        {
            "IndexName": "by-title",
            "VectorAttribute": {"AttributeName": "title_vector"},
            "Dimensions": 3,
            "DistanceFunction": "DOT_PRODUCT",
            "Projection": {"ProjectionType": "KEYS_ONLY"},
        },
    ],
}
SIM.handle(
    "CreateTable",
    {
        "TableName": "plain",
        "KeySchema": [{"AttributeName": "pk", "KeyType": "HASH"}],
        "AttributeDefinitions": [{"AttributeName": "pk", "AttributeType": "S"}],
        "BillingMode": "PAY_PER_REQUEST",
    },
)


@SETTINGS
@given(ds.vectors(12, min_value=-2.5, max_value=0.5, places=3))
def test_vectors_have_their_dimensions_and_range_in_normal_form(vector):
    assert len(vector) == 12 and all(set(component) == {"N"} for component in vector)
    numbers = [Decimal(component["N"]) for component in vector]
    assert all(-Decimal("2.5") <= number <= Decimal("0.5") for number in numbers)
    assert all(-number.as_tuple().exponent <= 3 for number in numbers)  # at most three places
    assert any(number != 0 for number in numbers)  # a direction, for cosine distance
    for text in (component["N"] for component in vector):
        assert "E" not in text and text != "-0" and not ("." in text and text.endswith("0"))
    validate_item({"v": {"L": vector}})


@SETTINGS
@given(ds.vector_values(1, min_value=0, max_value=0, allow_zero=True))
def test_a_zero_vector_only_when_allowed(value):
    assert value == {"L": [{"N": "0"}]}


def test_a_vector_needs_a_dimension():
    with pytest.raises(ValueError):
        ds.vectors(0)


@SETTINGS
@given(ds.items(VECTOR_TABLE))
def test_items_of_a_vector_table_carry_each_indexed_vector(item):
    assert len(item["embedding"]["L"]) == 8 and len(item["title_vector"]["L"]) == 3
    assert ds.to_python(item)["embedding"] == [Decimal(c["N"]) for c in item["embedding"]["L"]]


@SETTINGS
@given(ds.items({"pk": "S"}, vector_attributes={"embedding": 16}))
def test_items_with_a_vector_attribute_are_accepted_and_read_back_equal(item):
    CLIENT.put_item(TableName="plain", Item=item)
    read = CLIENT.get_item(TableName="plain", Key={"pk": item["pk"]}, ConsistentRead=True)["Item"]
    assert ds.canonical(read) == ds.canonical(item)
    assert len(read["embedding"]["L"]) == 16


def test_vector_attributes_of_a_table():
    assert ds.vector_attributes_of(VECTOR_TABLE) == {"embedding": 8, "title_vector": 3}
    assert ds.vector_attributes_of(TABLE) == {} and ds.vector_attributes_of({"pk": "S"}) == {}
