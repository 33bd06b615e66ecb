"""Query cost against table size: a 100-item Query out of one large partition and out of a GSI,
through boto3, beside botocore's own cost (a canned 100-item answer), moto and DynamoDB Local.

    python benchmarks/bench_query.py [--sizes 10000,100000,1000000] [--others-up-to 100000]
                                     [--seconds 1.0] [--no-moto] [--no-ddblocal]

dynasim is loaded through its engine (fast); moto and DynamoDB Local through BatchWriteItem,
which is why they are only measured up to --others-up-to items. Memory per item is the growth of
this process's resident set while dynasim loads the largest table, divided by its item count.
"""

from __future__ import annotations

import argparse
import gc
import json
import sys
from collections.abc import Callable
from contextlib import ExitStack
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

import boto3  # noqa: E402

import dynasim  # noqa: E402
from benchmarks.common import floor_client, interleaved  # noqa: E402

TABLE = "orders"
PAGE = 100
CREATE = {
    "TableName": TABLE,
    "KeySchema": [{"AttributeName": "pk", "KeyType": "HASH"}, {"AttributeName": "sk", "KeyType": "RANGE"}],
    "AttributeDefinitions": [
        {"AttributeName": "pk", "AttributeType": "S"},
        {"AttributeName": "sk", "AttributeType": "N"},
        {"AttributeName": "g", "AttributeType": "S"},
        {"AttributeName": "gs", "AttributeType": "N"},
    ],
    "BillingMode": "PAY_PER_REQUEST",
    "GlobalSecondaryIndexes": [
        {
            "IndexName": "by-status",
            "KeySchema": [{"AttributeName": "g", "KeyType": "HASH"}, {"AttributeName": "gs", "KeyType": "RANGE"}],
            "Projection": {"ProjectionType": "ALL"},
        }
    ],
}


def item(n: int) -> dict[str, Any]:
    """Item n: all in partition "p" (sort key n) and in GSI partition "G" (sort key n)."""
    return {
        "pk": {"S": "p"},
        "sk": {"N": str(n)},
        "g": {"S": "G"},
        "gs": {"N": str(n)},
        "status": {"S": "SHIPPED"},
        "total": {"N": str(n % 997) + ".95"},
    }


def table_query(size: int) -> dict[str, Any]:
    low = size // 2
    return {
        "TableName": TABLE,
        "KeyConditionExpression": "pk = :p AND sk BETWEEN :a AND :b",
        "ExpressionAttributeValues": {":p": {"S": "p"}, ":a": {"N": str(low)}, ":b": {"N": str(low + PAGE - 1)}},
    }


def index_query(size: int) -> dict[str, Any]:
    low = size // 2
    return {
        "TableName": TABLE,
        "IndexName": "by-status",
        "KeyConditionExpression": "g = :g AND gs BETWEEN :a AND :b",
        "ExpressionAttributeValues": {":g": {"S": "G"}, ":a": {"N": str(low)}, ":b": {"N": str(low + PAGE - 1)}},
    }


def plain_client(**kwargs: Any) -> Any:
    return boto3.client("dynamodb", region_name="us-east-1", aws_access_key_id="x", aws_secret_access_key="x", **kwargs)


def resident_bytes() -> int:
    with open("/proc/self/statm") as statm:
        return int(statm.read().split()[1]) * 4096


def load_dynasim(size: int) -> tuple[Any, float]:
    """A simulator holding `size` items; and the resident memory it grew by per item."""
    gc.collect()
    before = resident_bytes()
    sim = dynasim.Simulator()
    sim.handle("CreateTable", json.loads(json.dumps(CREATE)))
    for n in range(size):
        sim.handle("PutItem", {"TableName": TABLE, "Item": item(n)})
    gc.collect()
    return sim, (resident_bytes() - before) / size


def load_remote(client: Any, size: int) -> None:
    client.create_table(**CREATE)
    for start in range(0, size, 25):
        batch = [{"PutRequest": {"Item": item(n)}} for n in range(start, min(start + 25, size))]
        pending: dict[str, Any] = {TABLE: batch}
        while pending:
            pending = client.batch_write_item(RequestItems=pending).get("UnprocessedItems") or {}


def measure(client: Any, floor: Any, size: int, seconds: float) -> tuple[float, float, float]:
    """(floor, table query, GSI query) calls per second, timed side by side."""
    table, index = table_query(size), index_query(size)
    assert len(client.query(**table)["Items"]) == PAGE and len(client.query(**index)["Items"]) == PAGE
    rates = interleaved(
        {
            "floor": lambda: floor.query(**table),
            "table": lambda: client.query(**table),
            "index": lambda: client.query(**index),
        },
        seconds,
    )
    return rates["floor"], rates["table"], rates["index"]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", default="10000,100000,1000000")
    parser.add_argument("--others-up-to", type=int, default=100_000)
    parser.add_argument("--seconds", type=float, default=1.0)
    parser.add_argument("--no-moto", action="store_true")
    parser.add_argument("--no-ddblocal", action="store_true")
    args = parser.parse_args()
    sizes = [int(size) for size in args.sizes.split(",")]

    canned = {"Items": [item(n) for n in range(PAGE)], "Count": PAGE, "ScannedCount": PAGE}
    floor = floor_client({"Query": canned})
    rows: list[tuple[str, int, float, float, float]] = []
    memory = 0.0
    for size in sizes:
        sim, memory = load_dynasim(size)
        rows.append(("dynasim", size, *measure(sim.client(), floor, size, args.seconds)))
        del sim
        gc.collect()
    with ExitStack() as stack:
        others: dict[str, Callable[[], Any]] = {}
        if not args.no_moto:
            from moto import mock_aws

            def moto_client() -> Any:
                stack.enter_context(mock_aws())
                return plain_client()

            others["moto"] = moto_client
        if not args.no_ddblocal:
            from conformance.ddblocal import DynamoDBLocal

            def local_client() -> Any:
                local = stack.enter_context(DynamoDBLocal())
                return plain_client(endpoint_url=local.endpoint)

            others["ddblocal"] = local_client
        for name, make in others.items():
            client = make()
            for size in (size for size in sizes if size <= args.others_up_to):
                load_remote(client, size)
                rows.append((name, size, *measure(client, floor, size, args.seconds)))
                client.delete_table(TableName=TABLE)

    print(f"| target | items | floor (canned {PAGE} items) | table Query/s (x floor) | GSI Query/s (x floor) |")
    print("|---|---|---|---|---|")
    for name, size, floor_rate, table_rate, index_rate in rows:
        print(
            f"| {name} | {size:,} | {floor_rate:.0f} | {table_rate:.3g} ({table_rate / floor_rate:.2g}x) "
            f"| {index_rate:.3g} ({index_rate / floor_rate:.2g}x) |"
        )
    print(f"dynasim memory per item ({sizes[-1]:,} items, table + GSI): {memory:.0f} bytes")


if __name__ == "__main__":
    main()
