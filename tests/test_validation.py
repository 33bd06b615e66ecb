"""The request validation generated from botocore's model (dynasim/engine/validation.py): its tables
of the service's exceptions stay in step with the model, and no request of any shape gets anything
but a DynamoDB error."""

from __future__ import annotations

from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import dynasim
from dynasim import errors
from dynasim.engine import model, validation
from dynasim.errors import DynamoDBError


def _shapes() -> dict[str, Any]:
    """Every shape reachable from an operation's input, by name."""
    found: dict[str, Any] = {}
    pending = [model.input_shape(name) for name in model.known_operations()]
    while pending:
        shape = pending.pop()
        if shape is None or shape.name in found:
            continue
        found[shape.name] = shape
        if shape.type_name == "structure":
            pending.extend(shape.members.values())
        elif shape.type_name == "list":
            pending.append(shape.member)
        elif shape.type_name == "map":
            pending.extend([shape.key, shape.value])
    return found


SHAPES = _shapes()


def test_the_recorded_orders_name_members_and_values_the_model_has():
    """A botocore update that renames a member or an enum value fails here, not silently."""
    for shape_name, members in model.MEMBER_ORDER.items():
        assert set(members) <= set(SHAPES[shape_name].members), shape_name
    for shape_name, values in model.ENUM_ORDER.items():
        assert sorted(values) == sorted(SHAPES[shape_name].enum), shape_name
    for shape_name, members in model.ALSO_REQUIRED.items():
        assert set(members) <= set(SHAPES[shape_name].members), shape_name
    for shape_name, rules in model.NOT_ENFORCED.items():
        assert rules <= set(SHAPES[shape_name].metadata), shape_name
    for shape_name, members in model.NOT_REQUIRED.items():
        assert members <= set(SHAPES[shape_name].required_members), shape_name
    for member_id in model.EXTRA_RULES:
        shape_name, member = member_id.split(".")
        assert member in SHAPES[shape_name].members, member_id
    assert set(model.TABLE_NAME_CHECKS) <= model.known_operations()


@pytest.mark.parametrize("operation", sorted(model.known_operations()))
def test_an_empty_request_of_every_operation_is_a_dynamodb_error_or_passes(operation):
    try:
        validation.validate(operation, {})
    except DynamoDBError as error:
        assert error.status == 400


JSON = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False) | st.text(max_size=5),
    lambda children: st.lists(children, max_size=3) | st.dictionaries(st.text(max_size=3), children, max_size=3),
    max_leaves=8,
)


@st.composite
def requests(draw: Any) -> tuple[str, dict[str, Any]]:
    """An operation and a request giving some of its members values of any JSON type."""
    operation = draw(st.sampled_from(sorted(model.known_operations())))
    shape = model.input_shape(operation)
    names = sorted(shape.members) if shape is not None else []
    chosen = draw(st.lists(st.sampled_from(names), max_size=4, unique=True)) if names else []
    return operation, {name: draw(JSON) for name in chosen}


@given(requests())
@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
def test_any_request_is_checked_without_a_python_exception(drawn):
    operation, request = drawn
    try:
        validation.validate(operation, request)
    except DynamoDBError as error:
        assert error.code in ("SerializationException", "ValidationException")


def test_a_value_nested_thousands_deep_is_walked_without_recursion():
    value: dict[str, Any] = {"S": "leaf"}
    for _ in range(20_000):
        value = {"M": {"a": value}}
    validation.validate("PutItem", {"TableName": "t", "Item": {"pk": value}})  # the item checks come later
    value["M"]["a"] = {"S": 5}
    with pytest.raises(DynamoDBError) as raised:
        validation.validate("PutItem", {"TableName": "t", "Item": {"pk": value}})
    assert raised.value.message == "class java.lang.Short can not be converted to an String"


def test_fractions_and_boolean_words_are_read_as_the_service_reads_them():
    request: dict[str, Any] = {"TableName": "t", "Limit": 2.9, "ConsistentRead": "TRUE"}
    validation.validate("Scan", request)
    assert request == {"TableName": "t", "Limit": 2, "ConsistentRead": True}


@pytest.mark.parametrize(
    ("value", "java_class"),
    [
        (5, "Short"),
        (-(2**15) - 1, "Integer"),
        (2**31, "Long"),
        (2**63, "BigInteger"),
        (1.5, "Double"),
        (True, "Boolean"),
    ],
)
def test_a_number_where_a_string_belongs_is_named_by_its_java_class(value, java_class):
    package = "java.math" if java_class == "BigInteger" else "java.lang"
    with pytest.raises(DynamoDBError) as raised:
        validation.validate("DescribeTable", {"TableName": value})
    assert raised.value.code == "SerializationException"
    assert raised.value.message == f"class {package}.{java_class} can not be converted to an String"
    assert raised.value.body()["Message"] == raised.value.message  # the service spells it Message


@pytest.mark.parametrize(
    ("blob", "reason"),
    [
        ("abc", "Base64 encoded length is expected a multiple of 4 bytes but found: 3"),
        ("ab!=", "Invalid Base64 character: '!'"),
        ("a=bc", "Invalid Base64 character: '='"),
        ("YR==", "Invalid last non-pad Base64 character dectected"),
    ],
)
def test_malformed_base64_is_refused_as_the_service_refuses_it(blob, reason):
    with pytest.raises(DynamoDBError) as raised:
        validation.validate("PutItem", {"TableName": "t", "Item": {"b": {"B": blob}}})
    assert (raised.value.code, raised.value.message) == (
        "SerializationException",
        f"'{blob}' can not be converted to a Blob: {reason}",
    )


def test_at_most_ten_violations_are_listed():
    request = {"TableName": "abc", "KeySchema": [{}] * 6, "AttributeDefinitions": [{"AttributeName": "a"}]}
    with pytest.raises(DynamoDBError) as raised:
        validation.validate("CreateTable", request)
    assert raised.value.message.startswith("10 validation errors detected: ")
    assert raised.value.message.count("failed to satisfy constraint") == 10


def test_the_messages_live_in_errors():
    assert errors.RULE_REQUIREMENTS["min_length"].format(3) == "must have length greater than or equal to 3"


def test_a_request_whose_types_a_client_checked_skips_the_type_layer():
    """`typed=True` (a botocore client with parameter validation on: every member's type already
    checked against the same model) skips the JSON-type walk; the constraints are still checked.
    The in-process fronts pass it for such clients; a client with validation off gets the walk."""
    import botocore.config

    sim = dynasim.Simulator()
    sim.client().create_table(
        TableName="things",
        KeySchema=[{"AttributeName": "pk", "KeyType": "HASH"}],
        AttributeDefinitions=[{"AttributeName": "pk", "AttributeType": "S"}],
        BillingMode="PAY_PER_REQUEST",
    )
    wrong_type = {"TableName": "things", "Key": {"pk": {"S": "a"}}, "ConsistentRead": "yes"}
    with pytest.raises(DynamoDBError, match="SerializationException"):
        sim.handle("GetItem", dict(wrong_type))
    with pytest.raises(DynamoDBError, match="ValidationException"):
        sim.handle("GetItem", {"TableName": "no spaces", "Key": {"pk": {"S": "a"}}}, typed=True)  # constraints still
    unchecked = sim.client(config=botocore.config.Config(parameter_validation=False))
    with pytest.raises(unchecked.exceptions.ClientError, match="SerializationException"):
        unchecked.get_item(TableName="things", Key={"pk": {"S": "a"}}, ConsistentRead="yes")
    assert sim.client().get_item(TableName="things", Key={"pk": {"S": "a"}}, ConsistentRead=True) is not None
