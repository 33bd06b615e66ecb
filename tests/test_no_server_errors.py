"""No input gets a 500: each pathological request, sent through an in-process client and over
HTTP, gets DynamoDB's 400 (its type and message), changes nothing and leaves the server answering.

Bodies too deep for botocore's serializer are swapped in at `before-sign`, so the in-process
client sends exactly the bytes the HTTP test sends.
"""

from __future__ import annotations

import json
import logging
import time

import pytest
from botocore.config import Config
from botocore.exceptions import ClientError
from http_helpers import SCHEMA, Connection, post

import dynasim
from conformance.helpers import EMPTY_VALUE, NESTING_TOO_DEEP, enveloped, not_a_number

HUGE_EXPONENT = enveloped(not_a_number("1e99999999999999999999"))

TABLE = "orders"
SEED = {"pk": {"S": "seed"}, "n": {"N": "1"}, "m": {"M": {"a": {"S": "x"}}}}
VALIDATION = "ValidationException"
SERIALIZATION = "SerializationException"
TOO_MANY_OPERATORS = "The expression contains too many operators; operator count: 301"
NULL_MEMBER = "Unexpected value type in payload: NoneType"


def deep_map(levels: int) -> str:
    """An attribute value of `levels` maps nested in one another, in wire JSON."""
    return '{"M":{"a":' * levels + '{"S":"x"}' + "}}" * levels


def deep_list(levels: int) -> str:
    return '{"L":[' * levels + '{"S":"x"}' + "]}" * levels


def put(item: str = '{"pk":{"S":"new"}}', **members: str) -> tuple[str, str]:
    extra = "".join(f',"{name}":{value}' for name, value in members.items())
    return "PutItem", f'{{"TableName":"{TABLE}","Item":{item}{extra}}}'


def statement(text: str) -> tuple[str, str]:
    return "ExecuteStatement", json.dumps({"Statement": text})


def condition(expression: str, values: str = "") -> tuple[str, str]:
    members = {"ConditionExpression": json.dumps(expression)}
    if values:
        members["ExpressionAttributeValues"] = values
    return put(**members)


# (operation, body, error code, message); every message is DynamoDB's, as its constructor says. PutItem
# and UpdateItem report their request's own errors inside the envelope, unless a value nests past
# `values.LATE_NESTING_DEPTH`.
CASES = {
    # A value nested this deep is read the older way: its errors come bare.
    "item-map-1000": (*put(f'{{"pk":{{"S":"new"}},"d":{deep_map(1000)}}}'), VALIDATION, NESTING_TOO_DEEP),
    "item-list-5000": (*put(f'{{"pk":{{"S":"new"}},"d":{deep_list(5000)}}}'), VALIDATION, NESTING_TOO_DEEP),
    "item-list-50000": (*put(f'{{"pk":{{"S":"new"}},"d":{deep_list(50_000)}}}'), VALIDATION, NESTING_TOO_DEEP),
    "condition-value-map-1000": (
        *condition("d = :v", f'{{":v":{deep_map(1000)}}}'),
        VALIDATION,
        f"ExpressionAttributeValues contains invalid value: {NESTING_TOO_DEEP} for key :v",
    ),
    "batch-item-map-2000": (
        "BatchWriteItem",
        f'{{"RequestItems":{{"{TABLE}":[{{"PutRequest":{{"Item":{{"pk":{{"S":"new"}},"d":{deep_map(2000)}}}}}}}]}}}}',
        VALIDATION,
        NESTING_TOO_DEEP,
    ),
    "body-arrays-100000": (
        "PutItem",
        "[" * 100_000 + "]" * 100_000,
        SERIALIZATION,
        "Start of list found where not expected",
    ),
    "not-1000": (
        *condition("NOT " * 1000 + "attribute_exists(pk)"),
        VALIDATION,
        enveloped(f"Invalid ConditionExpression: {TOO_MANY_OPERATORS}"),
    ),
    "not-in-parentheses-600": (
        *condition("NOT(" * 600 + "attribute_exists(pk)" + ")" * 600),
        VALIDATION,
        enveloped(f"Invalid ConditionExpression: {TOO_MANY_OPERATORS}"),
    ),
    "size-of-size-600": (
        *condition("size(" * 600 + "m" + ")" * 600 + " = :v", '{":v":{"N":"1"}}'),
        VALIDATION,
        enveloped(f"Invalid ConditionExpression: {TOO_MANY_OPERATORS}"),
    ),
    "parentheses-2000": (
        *condition("(" * 2000 + "attribute_exists(pk)" + ")" * 2000),
        VALIDATION,
        enveloped("Invalid ConditionExpression: The expression has redundant parentheses;"),
    ),
    "filter-not-1000": (
        "Scan",
        json.dumps({"TableName": TABLE, "FilterExpression": "NOT " * 1000 + "attribute_exists(pk)"}),
        VALIDATION,
        f"Invalid FilterExpression: {TOO_MANY_OPERATORS}",
    ),
    "partiql-brackets-3000": (
        *statement(f"SELECT * FROM {TABLE} WHERE pk = " + "[" * 3000 + "]" * 3000),
        VALIDATION,
        "Nesting Levels have exceeded supported limits",
    ),
    "partiql-maps-1000": (
        *statement(f"INSERT INTO {TABLE} VALUE {{'pk': 'new', 'm': " + "{'a': " * 1000 + "1" + "}" * 1000 + "}"),
        VALIDATION,
        "Nesting Levels have exceeded supported limits",
    ),
    "partiql-not-2000": (
        *statement(f"SELECT * FROM {TABLE} WHERE pk = 'seed' AND " + "NOT " * 1900 + "n = 1"),
        VALIDATION,
        TOO_MANY_OPERATORS,
    ),
    "partiql-or-700": (
        *statement(f"SELECT * FROM {TABLE} WHERE " + " OR ".join(["pk='a'"] * 700)),
        VALIDATION,
        TOO_MANY_OPERATORS,
    ),
    # PutItem and UpdateItem word a number they cannot read as the current value check does.
    "exponent-N": (*put('{"pk":{"S":"new"},"n":{"N":"1e99999999999999999999"}}'), VALIDATION, HUGE_EXPONENT),
    "exponent-NS": (*put('{"pk":{"S":"new"},"n":{"NS":["1","1e99999999999999999999"]}}'), VALIDATION, HUGE_EXPONENT),
    "exponent-5000-digits": (
        *put('{"pk":{"S":"new"},"n":{"N":"1e' + "9" * 5000 + '"}}'),
        VALIDATION,
        enveloped(not_a_number("1e" + "9" * 5000)),
    ),
    "exponent-ADD": (
        "UpdateItem",
        json.dumps(
            {
                "TableName": TABLE,
                "Key": {"pk": {"S": "seed"}},
                "UpdateExpression": "ADD n :v",
                "ExpressionAttributeValues": {":v": {"N": "1e99999999999999999999"}},
            }
        ),
        VALIDATION,
        HUGE_EXPONENT,
    ),
    "exponent-partiql": (
        *statement(f"INSERT INTO {TABLE} VALUE {{'pk': 'new', 'n': 1e99999999999999999999}}"),
        VALIDATION,
        "Statement wasn't well formed, can't be processed: ",
    ),
    # A lone surrogate cannot be written in UTF-8: the body is refused as text that is not UTF-8.
    "surrogate-table-name": ("PutItem", '{"TableName":"ord\\ud800ers","Item":{"pk":{"S":"x"}}}', SERIALIZATION, ""),
    "surrogate-attribute-name": (*put('{"pk":{"S":"new"},"x\\udc00":{"S":"v"}}'), SERIALIZATION, ""),
    "surrogate-S": (*put('{"pk":{"S":"new\\ud800"}}'), SERIALIZATION, ""),
    "surrogate-expression": (*condition("attribute_not_exists(p\ud800k)"), SERIALIZATION, ""),
    "surrogate-name-placeholder": (*put(ExpressionAttributeNames='{"#a":"\\udfff"}'), SERIALIZATION, ""),
    "surrogate-partiql": (*statement(f"SELECT * FROM {TABLE} WHERE pk = '\ud800'"), SERIALIZATION, ""),
    "not-utf8": ("PutItem", b'{"TableName":"orders","Item":{"pk":{"S":"caf\xe9"}}}', SERIALIZATION, ""),
    # A member of an attribute value sent as null is absent, as the service reads JSON: the value
    # is empty (found by the fuzz in tests/test_fuzz_http.py).
    "null-S-in-key": (
        "DeleteItem",
        f'{{"TableName":"{TABLE}","Key":{{"pk":{{"S":null}}}}}}',
        VALIDATION,
        enveloped(EMPTY_VALUE),
    ),
    "null-BOOL-in-item": (*put('{"pk":{"S":"new"},"b":{"BOOL":null}}'), VALIDATION, enveloped(EMPTY_VALUE)),
    "null-S-in-map": (*put('{"pk":{"S":"new"},"m":{"M":{"a":{"S":null}}}}'), VALIDATION, enveloped(EMPTY_VALUE)),
    "null-value-placeholder": (
        "Query",
        json.dumps(
            {"TableName": TABLE, "KeyConditionExpression": "pk = :v", "ExpressionAttributeValues": {":v": {"S": None}}}
        ),
        VALIDATION,
        f"ExpressionAttributeValues contains invalid value: {EMPTY_VALUE} for key :v",
    ),
    # A null in a list or as a map's value is refused as the request's JSON types are checked.
    "null-map-value": ("BatchGetItem", f'{{"RequestItems":{{"{TABLE}":null}}}}', SERIALIZATION, NULL_MEMBER),
    "null-list-member": ("TransactWriteItems", '{"TransactItems":[null]}', SERIALIZATION, NULL_MEMBER),
    "null-legacy-condition": (*put(Expected='{"n":null}'), SERIALIZATION, NULL_MEMBER),
    "null-in-string-set": (
        *put('{"pk":{"S":"new"},"s":{"SS":["a",null]}}'),
        SERIALIZATION,
        NULL_MEMBER,
    ),
}


@pytest.fixture
def sim():
    sim = dynasim.Simulator()
    ddb = sim.client()
    ddb.create_table(TableName=TABLE, **SCHEMA)
    ddb.put_item(TableName=TABLE, Item=SEED)
    return sim


def unchanged(sim: dynasim.Simulator) -> bool:
    return sim.client().scan(TableName=TABLE)["Items"] == [SEED] and sim.client().list_tables()["TableNames"] == [TABLE]


# Parameters botocore itself reads before it sends (for endpoint rules); the body replaces them.
CLIENT_PARAMETERS = {"BatchWriteItem": {"RequestItems": {TABLE: []}}, "BatchGetItem": {"RequestItems": {TABLE: {}}}}


def through_client(sim: dynasim.Simulator, operation: str, body: bytes) -> tuple[int, str | None, str | None]:
    ddb = sim.client(config=Config(parameter_validation=False, retries={"max_attempts": 0}))

    def swap(request, **_):
        request.data = body

    ddb.meta.events.register(f"before-sign.dynamodb.{operation}", swap)
    method = ddb.meta.method_to_api_mapping
    name = next(python for python, api in method.items() if api == operation)
    try:
        getattr(ddb, name)(**CLIENT_PARAMETERS.get(operation, {}))
    except ClientError as error:
        answer = error.response
        return answer["ResponseMetadata"]["HTTPStatusCode"], answer["Error"]["Code"], answer["Error"]["Message"]
    return 200, None, None


def through_http(port: int, operation: str, body: bytes) -> tuple[int, str | None, str | None]:
    with Connection(port) as conn:
        conn.send(post(f"DynamoDB_20120810.{operation}", body))
        status, _, payload = conn.response()
        conn.send(post("DynamoDB_20120810.ListTables"))  # the connection and the server go on
        assert conn.response()[0] == 200
    if status == 200:
        return status, None, None
    answer = json.loads(payload)
    return status, answer["__type"].rsplit("#", 1)[1], answer.get("message", answer.get("Message", ""))


def as_bytes(body: str | bytes) -> bytes:
    return body if isinstance(body, bytes) else body.encode("utf-8", "surrogatepass")


@pytest.mark.parametrize("case", list(CASES))
def test_in_process_client_gets_dynamodbs_400(sim, case, caplog):
    operation, body, code, message = CASES[case]
    started = time.monotonic()
    assert through_client(sim, operation, as_bytes(body)) == (400, code, message)
    assert time.monotonic() - started < 20
    assert unchanged(sim)
    assert not [record for record in caplog.records if record.levelno >= logging.ERROR]


@pytest.mark.parametrize("case", list(CASES))
def test_http_gets_dynamodbs_400(sim, case, caplog):
    operation, body, code, message = CASES[case]
    with sim.serve() as server:
        assert through_http(server.port, operation, as_bytes(body)) == (400, code, message)
    assert unchanged(sim)
    assert not [record for record in caplog.records if record.levelno >= logging.ERROR]


def test_a_null_member_of_a_request_is_absent(sim):
    ddb = sim.client()
    body = b'{"Limit": null, "ExclusiveStartTableName": null}'
    ddb.meta.events.register("before-sign.dynamodb.ListTables", lambda request, **_: setattr(request, "data", body))
    assert ddb.list_tables()["TableNames"] == [TABLE]


def test_a_null_member_beside_the_value_is_absent(sim):
    ddb = sim.client()
    ddb.meta.events.register(
        "before-sign.dynamodb.PutItem",
        lambda request, **_: setattr(request, "data", request.data.replace(b'"N": "2"', b'"N": "2", "S": null')),
    )
    ddb.put_item(TableName=TABLE, Item={"pk": {"S": "new"}, "n": {"N": "2"}})
    assert ddb.get_item(TableName=TABLE, Key={"pk": {"S": "new"}})["Item"] == {"pk": {"S": "new"}, "n": {"N": "2"}}


@pytest.mark.parametrize(
    "expression",
    [
        "NOT " * 299 + "n <> :v",  # 300 operators: DynamoDB's limit, accepted
        "NOT (" * 299 + "n <> :v" + ")" * 299,
        " AND ".join(["n = :v"] * 150),
    ],
    ids=["not-299", "not-in-parentheses-299", "and-150"],
)
def test_expressions_as_deep_as_allowed_are_evaluated(sim, expression):
    ddb, values = sim.client(), {":v": {"N": "1"}}
    ddb.put_item(TableName=TABLE, Item=SEED, ConditionExpression=expression, ExpressionAttributeValues=values)
    assert ddb.scan(TableName=TABLE, FilterExpression=expression, ExpressionAttributeValues=values)["Items"] == [SEED]
