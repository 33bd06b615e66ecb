"""Shared helpers for the Query, Scan, secondary-index and consumed-capacity conformance modules.

* ``module_backend`` / ``module_ddb`` / ``module_ddb_raw``: clients living for a whole test module on the
  current target, so read-only tests can share one table (for the simulator, one ``Simulator`` per module).
* Builders for key schemas, attribute definitions and index definitions, and ``sized_item`` which makes an
  item of an exact DynamoDB size.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Iterator
from typing import Any

import pytest
from botocore.config import Config

from conformance.conftest import Backend, Target, open_backend, unique_name
from conformance.helpers import strip_metadata


@pytest.fixture(scope="module")
def module_backend(target: Target, request: pytest.FixtureRequest) -> Iterator[Backend]:
    """A backend shared by all tests of a module on one target; its tables are deleted at the end."""
    backend = open_backend(target, request)
    try:
        yield backend
    finally:
        backend.close()


@pytest.fixture(scope="module")
def module_ddb(module_backend: Backend) -> Any:
    return module_backend.client()


@pytest.fixture(scope="module")
def module_ddb_raw(module_backend: Backend, module_ddb: Any) -> Any:
    return module_backend.client(Config(parameter_validation=False))


# ---------------------------------------------------------------------------------------------------
# Builders


def key_schema(hash_name: str, range_name: str | None = None) -> list[dict[str, str]]:
    schema = [{"AttributeName": hash_name, "KeyType": "HASH"}]
    if range_name is not None:
        schema.append({"AttributeName": range_name, "KeyType": "RANGE"})
    return schema


def definitions(**types: str) -> list[dict[str, str]]:
    """``definitions(pk="S", sk="N")`` -> AttributeDefinitions."""
    return [{"AttributeName": name, "AttributeType": type_} for name, type_ in types.items()]


ALL = {"ProjectionType": "ALL"}
KEYS_ONLY = {"ProjectionType": "KEYS_ONLY"}


def include(*names: str) -> dict[str, Any]:
    return {"ProjectionType": "INCLUDE", "NonKeyAttributes": list(names)}


def index(
    name: str,
    hash_name: str,
    range_name: str | None = None,
    projection: dict[str, Any] | None = None,
    throughput: tuple[int, int] | None = None,
) -> dict[str, Any]:
    definition: dict[str, Any] = {
        "IndexName": name,
        "KeySchema": key_schema(hash_name, range_name),
        "Projection": ALL if projection is None else projection,
    }
    if throughput is not None:
        definition["ProvisionedThroughput"] = {
            "ReadCapacityUnits": throughput[0],
            "WriteCapacityUnits": throughput[1],
        }
    return definition


def create_table(
    ddb: Any,
    *,
    hash_name: str = "pk",
    range_name: str | None = "sk",
    types: dict[str, str] | None = None,
    gsis: list[dict[str, Any]] | None = None,
    lsis: list[dict[str, Any]] | None = None,
    provisioned: tuple[int, int] | None = None,
    name: str | None = None,
) -> str:
    """Create a table (PAY_PER_REQUEST unless ``provisioned``) and return its name.

    ``types`` gives every attribute definition (default: pk S, sk S).
    """
    name = name or unique_name()
    if types is None:
        types = {hash_name: "S"} if range_name is None else {hash_name: "S", range_name: "S"}
    kwargs: dict[str, Any] = {
        "TableName": name,
        "KeySchema": key_schema(hash_name, range_name),
        "AttributeDefinitions": definitions(**types),
    }
    if provisioned is None:
        kwargs["BillingMode"] = "PAY_PER_REQUEST"
    else:
        kwargs["BillingMode"] = "PROVISIONED"
        kwargs["ProvisionedThroughput"] = {
            "ReadCapacityUnits": provisioned[0],
            "WriteCapacityUnits": provisioned[1],
        }
    if gsis:
        kwargs["GlobalSecondaryIndexes"] = gsis
    if lsis:
        kwargs["LocalSecondaryIndexes"] = lsis
    ddb.create_table(**kwargs)
    return name


def S(value: str) -> dict[str, str]:
    return {"S": value}


def N(value: int | str) -> dict[str, str]:
    return {"N": str(value)}


def values(**named: dict[str, Any]) -> dict[str, dict[str, Any]]:
    """``values(p=S("a"))`` -> ``{":p": {"S": "a"}}`` for ExpressionAttributeValues."""
    return {f":{name}": value for name, value in named.items()}


def string_item_size(item: dict[str, dict[str, Any]]) -> int:
    """DynamoDB's size of an item whose attributes are all strings: names plus UTF-8 values."""
    total = 0
    for name, value in item.items():
        assert set(value) == {"S"}, "string_item_size only handles S attributes"
        total += len(name.encode()) + len(value["S"].encode())
    return total


def sized_item(size: int, filler: str = "v", **attributes: str) -> dict[str, dict[str, str]]:
    """An item of exactly ``size`` bytes: the given string attributes plus ``filler`` padded with 'x'."""
    item = {name: S(value) for name, value in attributes.items()}
    padding = size - string_item_size(item) - len(filler)
    assert padding >= 0, f"{size} bytes is too small for {attributes}"
    item[filler] = S("x" * padding)
    assert string_item_size(item) == size
    return item


# ---------------------------------------------------------------------------------------------------
# Reading helpers


def index_statuses(ddb: Any, table: str) -> dict[str, str]:
    description = ddb.describe_table(TableName=table)["Table"]
    return {gsi["IndexName"]: gsi["IndexStatus"] for gsi in description.get("GlobalSecondaryIndexes", [])}


def wait_for_indexes(ddb: Any, table: str, timeout: float = 30.0) -> dict[str, str]:
    """Wait until every GSI of ``table`` is ACTIVE (indexes being deleted must have disappeared)."""
    deadline = time.monotonic() + timeout
    while True:
        statuses = index_statuses(ddb, table)
        if all(status == "ACTIVE" for status in statuses.values()):
            return statuses
        if time.monotonic() > deadline:
            raise AssertionError(f"indexes of {table} not ACTIVE after {timeout}s: {statuses}")
        time.sleep(0.05)


def query(ddb: Any, table: str, **kwargs: Any) -> dict[str, Any]:
    return strip_metadata(ddb.query(TableName=table, **kwargs))


def scan(ddb: Any, table: str, **kwargs: Any) -> dict[str, Any]:
    return strip_metadata(ddb.scan(TableName=table, **kwargs))


def all_pages(call: Callable[..., dict[str, Any]], **kwargs: Any) -> list[dict[str, Any]]:
    """Every page of a Query or Scan (``call`` is e.g. ``ddb.query``), following LastEvaluatedKey."""
    pages = []
    start: dict[str, Any] | None = None
    for _ in range(10_000):
        request = dict(kwargs)
        if start is not None:
            request["ExclusiveStartKey"] = start
        page = strip_metadata(call(**request))
        pages.append(page)
        start = page.get("LastEvaluatedKey")
        if start is None:
            return pages
    raise AssertionError("pagination did not end")


def frozen(value: Any) -> Any:
    """A hashable form of an item or attribute value, for comparing results as sets."""
    if isinstance(value, dict):
        return frozenset((k, frozen(v)) for k, v in value.items())
    if isinstance(value, list):
        return tuple(frozen(v) for v in value)
    if isinstance(value, (bytes, bytearray)):
        return bytes(value)
    return value


def item_set(items: list[dict[str, Any]]) -> set[Any]:
    frozen_items = [frozen(item) for item in items]
    assert len(set(frozen_items)) == len(frozen_items), "duplicate items"
    return set(frozen_items)
