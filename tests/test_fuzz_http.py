"""A fuzz of the HTTP endpoint: random and mutated requests of every DynamoDB and DynamoDB Streams
operation, generated from botocore's service model, get no 5xx, never lose their connection, leave
the server answering, and a request that fails changes nothing.

Each request starts valid for its operation's input shape (the tables, keys and expressions it
names mostly exist), then a few mutations make it wrong: a member of the wrong JSON type, a huge
or odd number, a string with a lone surrogate, a huge exponent or a long expression, a value or a
member nested thousands deep, a member dropped or unknown, bytes garbled. The run is deterministic
and bounded (`FUZZ_EXAMPLES`, default 300, over one keep-alive connection to 127.0.0.1); set
``DYNASIM_FUZZ_EXAMPLES=5000`` for a longer one, and ``DYNASIM_FUZZ_SEED`` to explore other inputs.
"""

from __future__ import annotations

import base64
import json
import os
from typing import Any

import botocore.session
import pytest
from botocore.model import Shape
from http_helpers import SCHEMA, Connection
from hypothesis import HealthCheck, given, seed, settings
from hypothesis import strategies as st

import dynasim
from dynasim import strategies as ds
from dynasim.engine import Engine, model

FUZZ_EXAMPLES = int(os.environ.get("DYNASIM_FUZZ_EXAMPLES", "300"))
FUZZ_SEED = int(os.environ.get("DYNASIM_FUZZ_SEED", "0"))

TABLE = "orders"
INDEX = "by_n"
SEED_ITEMS = [
    {"pk": {"S": "seed"}, "n": {"N": "1"}, "m": {"M": {"a": {"S": "x"}}}, "l": {"L": [{"S": "y"}]}},
    {"pk": {"S": "other"}, "n": {"N": "2"}, "s": {"SS": ["a", "b"]}},
]
TARGET_PREFIX = {"dynamodb": "DynamoDB_20120810", "dynamodbstreams": "DynamoDBStreams_20120810"}

# Strings that have broken parsers before: each must get a 4xx wherever it lands.
NASTY_STRINGS = [
    "",
    " ",
    "\ud800",
    "x\udc00y",
    "\x00",
    "1e99999999999999999999",
    "-1e-9223372036854775809",
    "9" * 200,
    "NaN",
    "Infinity",
    "NOT " * 1000 + "attribute_exists(pk)",
    "(" * 1500 + "pk" + ")" * 1500,
    "size(" * 700 + "pk" + ")" * 700,
    " OR ".join(["pk = :v"] * 700),
    "SET " + ", ".join(f"a{i} = :v" for i in range(2000)),
    "a." * 3000 + "b",
    "a" + "[0]" * 3000,
    f"SELECT * FROM {TABLE} WHERE " + "NOT " * 1500 + "pk = 'a'",
    f"SELECT * FROM {TABLE} WHERE pk = " + "[" * 3000 + "]" * 3000,
    f"INSERT INTO {TABLE} VALUE " + "{'a': " * 1000 + "1" + "}" * 1000,
    f"SELECT * FROM {TABLE} WHERE " + " OR ".join(["pk='a'"] * 700),
    "#" * 5000,
    ":" * 5000,
    "x" * 70_000,
]
# Members that are not JSON's type for their shape, or JSON no parser reads the same way.
ODD_JSON = [
    "null",
    "true",
    "0",
    "-0",
    "1.5",
    "1e400",
    "-1e400",
    "1e99999999999999999999",
    "99999999999999999999999999999999999999999",
    "9" * 5000,  # past Python's default limit on integer digits
    "NaN",
    "Infinity",
    '"x"',
    '"\\ud800"',
    "[]",
    "{}",
    "[null]",
    '{"S":"x"}',
    '{"":{}}',
    "[" * 1200 + "]" * 1200,
    '{"a":' * 1200 + "1" + "}" * 1200,
]

VALID_EXPRESSIONS = {
    "ConditionExpression": ["attribute_exists(pk)", "attribute_not_exists(pk)", "#n = :v", "size(#n) < :v"],
    "FilterExpression": ["#n = :v", "attribute_exists(m.a)", "contains(l, :v)"],
    "KeyConditionExpression": ["pk = :v", "#n = :v"],
    "UpdateExpression": ["SET #n = :v", "ADD #n :v", "REMOVE m.a", "SET l[0] = :v", "DELETE s :v"],
    "ProjectionExpression": ["pk, #n", "m.a", "l[0]"],
}


def _wire(value: Any) -> Any:
    """`dynasim.strategies` values as the JSON wire form has them (binary as base64 text)."""
    if isinstance(value, bytes):
        return base64.b64encode(value).decode()
    if isinstance(value, dict):
        return {key: _wire(child) for key, child in value.items()}
    if isinstance(value, list):
        return [_wire(child) for child in value]
    return value


def attribute_value() -> st.SearchStrategy[Any]:
    return st.sampled_from([{"S": "seed"}, {"N": "1"}, {"SS": ["a"]}]) | ds.attribute_values(max_depth=2).map(_wire)


def attribute_map(draw: Any) -> dict[str, Any]:
    """An item or a key: mostly one of the seed's keys, sometimes with more attributes."""
    item: dict[str, Any] = {"pk": {"S": draw(st.sampled_from(["seed", "other", "new"]))}}
    for name in draw(st.lists(st.sampled_from(["n", "m", "l", "s", "x"]), max_size=2, unique=True)):
        item[name] = draw(attribute_value())
    return item


class Names:
    """What the requests name: the seed table's ARN, its stream, shard and an iterator, known once
    the table exists and new each time it is made again. Requests are drawn with these placeholders
    (so that what is drawn never depends on the server's state) and `named` fills them in."""

    table_arn = "<table-arn>"
    stream_arn = "<stream-arn>"
    shard_id = "<shard-id>"
    shard_iterator = "<shard-iterator>"
    current: dict[str, str] = {}

    @classmethod
    def named(cls, body: bytes) -> bytes:
        for placeholder, value in cls.current.items():
            body = body.replace(placeholder.encode(), value.encode())
        return body


def _string(draw: Any, name: str, shape: Shape) -> str:
    enum = shape.metadata.get("enum")
    if enum:
        return str(draw(st.sampled_from(enum)))
    if name in VALID_EXPRESSIONS:
        return str(draw(st.sampled_from(VALID_EXPRESSIONS[name])))
    if name.endswith("TableName") or name == "SourceTableArn":
        return str(draw(st.sampled_from([TABLE, TABLE, "missing", Names.table_arn])))
    if name in ("ResourceArn", "TableArn"):
        return Names.table_arn
    if name == "IndexName":
        return INDEX
    if name == "StreamArn":
        return Names.stream_arn
    if name in ("ShardId", "ExclusiveStartShardId"):
        return Names.shard_id
    if name in ("ShardIterator", "NextShardIterator"):
        return Names.shard_iterator
    if name == "Statement":
        return str(
            draw(
                st.sampled_from(
                    [
                        f"SELECT * FROM {TABLE} WHERE pk = ?",
                        f"UPDATE {TABLE} SET n = 3 WHERE pk = 'seed'",
                        f"INSERT INTO {TABLE} VALUE {{'pk': ?}}",
                        f"DELETE FROM {TABLE} WHERE pk = 'gone'",
                    ]
                )
            )
        )
    if name == "AttributeName":
        return str(draw(st.sampled_from(["pk", "n", "ttl"])))
    return str(draw(st.text(max_size=12)))


def from_shape(draw: Any, shape: Shape, name: str = "", depth: int = 0) -> Any:
    """A value of `shape` as the JSON wire form has it, mostly valid for the seed table."""
    if shape.name == "AttributeValue":
        return draw(attribute_value())
    if shape.name in ("Key", "PutItemInputAttributeMap", "AttributeMap"):
        return attribute_map(draw)
    if name == "ExpressionAttributeNames":
        return {"#n": "n"}
    if name == "ExpressionAttributeValues":
        return {":v": draw(attribute_value())}
    kind = shape.type_name
    if kind == "structure":
        members = shape.members  # type: ignore[attr-defined]
        required = set(shape.required_members)  # type: ignore[attr-defined]
        chosen = {}
        for member, member_shape in members.items():
            if depth > 4 and member not in required:
                continue
            odds = 20 if member in LEGACY or member == "ConditionalOperator" else 3
            if member in required or draw(st.integers(0, odds)) == 0:
                chosen[member] = from_shape(draw, member_shape, member, depth + 1)
        return chosen
    if kind == "list":
        size = draw(st.integers(1 if depth < 4 else 0, 2))
        return [from_shape(draw, shape.member, name, depth + 1) for _ in range(size)]  # type: ignore[attr-defined]
    if kind == "map":
        if name == "RequestItems":
            return {TABLE: from_shape(draw, shape.value, name, depth + 1)}  # type: ignore[attr-defined]
        key = _string(draw, "", shape.key)  # type: ignore[attr-defined]
        return {key: from_shape(draw, shape.value, name, depth + 1)}  # type: ignore[attr-defined]
    return _scalar(draw, name, shape)


def _scalar(draw: Any, name: str, shape: Shape) -> Any:
    kind = shape.type_name
    if kind == "string":
        return _string(draw, name, shape)
    if kind in ("integer", "long"):
        return draw(st.integers(-2, 200))
    if kind == "double":
        return draw(st.floats(allow_nan=False, allow_infinity=False, width=32))
    if kind == "boolean":
        return draw(st.booleans())
    if kind == "blob":
        return base64.b64encode(draw(st.binary(max_size=8))).decode()
    if kind == "timestamp":
        return draw(st.integers(0, 2_000_000_000))
    raise AssertionError(f"no generator for {kind}")


SERVICE_MODELS = [botocore.session.get_session().get_service_model(name) for name in model.SERVICES]
OPERATIONS = sorted((service.service_name, name) for service in SERVICE_MODELS for name in service.operation_names)
# Operations the engine answers get most requests; the rest are refused before their shape matters.
ANSWERED = [(service, name) for service, name in OPERATIONS if name in Engine.operations()]
# Members of the legacy API, which a request may not mix with expressions: rarely chosen.
LEGACY = {"AttributesToGet", "ScanFilter", "QueryFilter", "KeyConditions", "Expected", "AttributeUpdates"}


def _paths(document: Any, prefix: tuple[Any, ...] = ()) -> list[tuple[Any, ...]]:
    """Every node's path (keys and indexes from the root), the root's first."""
    found = [prefix]
    if isinstance(document, dict):
        for key, child in document.items():
            found += _paths(child, (*prefix, key))
    elif isinstance(document, list):
        for index, child in enumerate(document):
            found += _paths(child, (*prefix, index))
    return found


class Raw:
    """JSON text spliced into the document as it is (values Python's json cannot write)."""

    def __init__(self, text: str) -> None:
        self.text = text


def _dumps(document: Any) -> str:
    if isinstance(document, Raw):
        return document.text
    if isinstance(document, dict):
        return "{" + ",".join(f"{json.dumps(key)}:{_dumps(value)}" for key, value in document.items()) + "}"
    if isinstance(document, list):
        return "[" + ",".join(_dumps(value) for value in document) + "]"
    return json.dumps(document)  # lone surrogates travel as \\udXXX escapes


def _mutate(draw: Any, document: Any, path: tuple[Any, ...]) -> Any:
    """A copy of `document` with its node at `path` replaced, removed, wrapped or added to."""
    if not path:
        return _mutated_node(draw, document)
    head, *rest = path
    copy: Any = dict(document) if isinstance(document, dict) else list(document)
    if not rest and draw(st.integers(0, 5)) == 0:
        del copy[head]  # a required member missing, or a list one shorter
        return copy
    copy[head] = _mutate(draw, document[head], tuple(rest))
    return copy


def _mutated_node(draw: Any, node: Any) -> Any:
    how = draw(st.sampled_from(["odd", "odd", "nasty", "deep-list", "deep-map", "deep-value", "unknown-member"]))
    if how == "nasty" or (how == "odd" and isinstance(node, str) and draw(st.booleans())):
        return draw(st.sampled_from(NASTY_STRINGS))
    if how == "odd":
        return Raw(draw(st.sampled_from(ODD_JSON)))
    if how == "deep-list":
        levels = draw(st.sampled_from([31, 32, 33, 1000]))
        return Raw("[" * levels + _dumps(node) + "]" * levels)
    if how == "deep-map":
        levels = draw(st.sampled_from([31, 32, 33, 1000]))
        return Raw('{"a":' * levels + _dumps(node) + "}" * levels)
    if how == "deep-value":  # an attribute value nested in maps, around DynamoDB's limit of 32
        levels = draw(st.sampled_from([31, 32, 33, 3000]))
        return Raw('{"M":{"a":' * levels + '{"S":"x"}' + "}}" * levels)
    if isinstance(node, dict):
        return {**node, draw(st.sampled_from(["Unknown", "", "\ud800", "S"])): Raw(draw(st.sampled_from(ODD_JSON)))}
    return node


@st.composite
def fuzzed_requests(draw: Any) -> tuple[str, str, bytes]:
    """(target, operation, body): a request of any operation, valid then mutated 0 to 3 times."""
    service_name, operation = draw(st.sampled_from(ANSWERED) | st.sampled_from(OPERATIONS))
    shape = model.input_shape(operation)
    document: Any = from_shape(draw, shape) if shape is not None else {}
    for _ in range(draw(st.integers(0, 3))):
        document = _mutate(draw, document, draw(st.sampled_from(_paths(document))))
    text = _dumps(document)
    body = text.encode("utf-8", "surrogatepass")  # a raw lone surrogate: bytes that are not UTF-8
    if draw(st.integers(0, 4)) == 0:
        position = draw(st.integers(0, len(body)))
        body = body[:position] + draw(st.binary(max_size=4)) + body[position + draw(st.integers(0, 4)) :]
    return f"{TARGET_PREFIX[service_name]}.{operation}", operation, body


def state(sim: dynasim.Simulator) -> dict[str, Any]:
    """The tables, their definitions and items: what a failed request must leave as it was."""
    tables = {}
    for name in sim.handle("ListTables", {})["TableNames"]:
        table = sim.handle("DescribeTable", {"TableName": name})["Table"]
        definition = {key: table.get(key) for key in ("KeySchema", "AttributeDefinitions", "StreamSpecification")}
        definition["indexes"] = sorted(index["IndexName"] for index in table.get("GlobalSecondaryIndexes", []))
        items = sim.handle("Scan", {"TableName": name})["Items"]
        tables[name] = (definition, sorted(json.dumps(item, sort_keys=True, default=repr) for item in items))
    return tables


def ensure_seed_table(sim: dynasim.Simulator) -> None:
    """The seed table as it started (a fuzzed DeleteTable or PutItem may have succeeded)."""
    if TABLE in sim.handle("ListTables", {})["TableNames"]:
        sim.handle("UpdateTable", {"TableName": TABLE, "DeletionProtectionEnabled": False})
        sim.handle("DeleteTable", {"TableName": TABLE})
    table = sim.handle(
        "CreateTable",
        {
            "TableName": TABLE,
            **SCHEMA,
            "AttributeDefinitions": [*SCHEMA["AttributeDefinitions"], {"AttributeName": "n", "AttributeType": "N"}],
            "GlobalSecondaryIndexes": [
                {
                    "IndexName": INDEX,
                    "KeySchema": [{"AttributeName": "n", "KeyType": "HASH"}],
                    "Projection": {"ProjectionType": "ALL"},
                }
            ],
            "StreamSpecification": {"StreamEnabled": True, "StreamViewType": "NEW_AND_OLD_IMAGES"},
        },
    )["TableDescription"]
    for item in SEED_ITEMS:
        sim.handle("PutItem", {"TableName": TABLE, "Item": item})
    stream_arn = table["LatestStreamArn"]
    shard_id = sim.handle("DescribeStream", {"StreamArn": stream_arn})["StreamDescription"]["Shards"][0]["ShardId"]
    iterator = sim.handle(
        "GetShardIterator", {"StreamArn": stream_arn, "ShardId": shard_id, "ShardIteratorType": "TRIM_HORIZON"}
    )["ShardIterator"]
    Names.current = {
        Names.table_arn: table["TableArn"],
        Names.stream_arn: stream_arn,
        Names.shard_id: shard_id,
        Names.shard_iterator: iterator,
    }


def post(target: str, body: bytes) -> bytes:
    head = (
        f"POST / HTTP/1.1\r\nHost: 127.0.0.1\r\nX-Amz-Target: {target}\r\n"
        f"Content-Type: application/x-amz-json-1.0\r\nContent-Length: {len(body)}\r\n\r\n"
    )
    return head.encode() + body


@pytest.fixture(scope="module")
def fuzzed():
    sim = dynasim.Simulator()
    ensure_seed_table(sim)
    with sim.serve() as server, Connection(server.port) as conn:
        yield sim, conn
        conn.send(post("DynamoDB_20120810.ListTables", b"{}"))  # the server is still answering
        assert conn.response()[0] == 200


def test_every_operation_is_fuzzed():
    operations = {operation for _, operation in OPERATIONS}
    assert {"PutItem", "TransactWriteItems", "ExecuteStatement", "CreateTable", "GetRecords"} <= operations
    assert len(operations) == len(model.known_operations())


@given(request=fuzzed_requests())
@seed(FUZZ_SEED)
@settings(
    max_examples=FUZZ_EXAMPLES,
    deadline=None,
    derandomize=FUZZ_SEED == 0,
    database=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow, HealthCheck.data_too_large],
)
def test_fuzzed_requests_get_a_4xx_or_an_answer_and_change_nothing_when_refused(fuzzed, request):
    sim, conn = fuzzed
    target, operation, body = request
    body = Names.named(body)
    before = state(sim)
    conn.send(post(target, body))
    status, headers, payload = conn.response()  # a dropped connection raises here
    assert status < 500, (operation, body[:300], payload[:300])
    assert headers.get("connection") == "keep-alive", (operation, body[:300], payload[:300])
    if status >= 400:
        assert state(sim) == before, (operation, body[:300], payload[:300])
    elif state(sim) != before:
        ensure_seed_table(sim)  # the next request starts from the seed again
