"""Single-item throughput through boto3: dynasim beside botocore's own cost, moto and DynamoDB Local.

    python benchmarks/bench_items.py [--seconds 1.0] [--rounds 3] [--no-moto] [--no-ddblocal]

"floor" is the same botocore client answered from a canned response at `before-send`: what
botocore itself costs per call (validation, serialization, signing, parsing) with no backend at all.
Targets are timed call by call in turn, so machine noise hits them alike; the table reports the
median call time of the best round as calls per second, and the ratio to the floor (1.0 = as
fast as botocore alone).
"""

from __future__ import annotations

import argparse
import json
import sys
import time
from collections.abc import Callable
from contextlib import ExitStack
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

import boto3  # noqa: E402

import dynasim  # noqa: E402
from benchmarks.common import floor_client, interleaved  # noqa: E402

TABLE = "bench"
KEY = {"pk": {"S": "customer#0001"}, "sk": {"S": "order#0001"}}
ITEM = {
    **KEY,
    "status": {"S": "SHIPPED"},
    "total": {"N": "129.95"},
    "lines": {"L": [{"M": {"sku": {"S": "A-1"}, "qty": {"N": "2"}}}]},
    "tags": {"SS": ["gift", "express"]},
}
CREATE = dict(
    TableName=TABLE,
    KeySchema=[{"AttributeName": "pk", "KeyType": "HASH"}, {"AttributeName": "sk", "KeyType": "RANGE"}],
    AttributeDefinitions=[
        {"AttributeName": "pk", "AttributeType": "S"},
        {"AttributeName": "sk", "AttributeType": "S"},
    ],
    BillingMode="PAY_PER_REQUEST",
)
# The floor's answers, serialised once: a canned response costs botocore's parsing and nothing else.
CANNED = {"GetItem": {"Item": ITEM}, "PutItem": {}, "DeleteItem": {}, "UpdateItem": {}}


OPERATIONS = ("GetItem", "PutItem", "PutItem+DeleteItem", "UpdateItem (3 actions)")
UPDATE = {
    "UpdateExpression": "SET #s = :s, #t = if_not_exists(#t, :zero) + :d REMOVE tags",
    "ExpressionAttributeNames": {"#s": "status", "#t": "total"},
    "ExpressionAttributeValues": {":s": {"S": "DELIVERED"}, ":d": {"N": "1"}, ":zero": {"N": "0"}},
}


def operations(client: Any) -> dict[str, Callable[[], Any]]:
    def put() -> Any:
        return client.put_item(TableName=TABLE, Item=ITEM)

    def put_then_delete() -> Any:
        # A delete is timed together with the put before it, so every delete removes an item.
        put()
        return client.delete_item(TableName=TABLE, Key=KEY)

    return {
        "GetItem": lambda: client.get_item(TableName=TABLE, Key=KEY),
        "PutItem": put,
        "PutItem+DeleteItem": put_then_delete,
        "UpdateItem (3 actions)": lambda: client.update_item(TableName=TABLE, Key=KEY, **UPDATE),
    }


def simulator_setup_cost(repeat: int = 200) -> float:
    """Seconds for Simulator() plus a CreateTable, through the engine."""
    request = json.loads(json.dumps(CREATE))
    start = time.perf_counter()
    for _ in range(repeat):
        dynasim.Simulator().handle("CreateTable", dict(request))
    return (time.perf_counter() - start) / repeat


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seconds", type=float, default=1.0, help="per target, operation and round")
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--no-moto", action="store_true")
    parser.add_argument("--no-ddblocal", action="store_true")
    args = parser.parse_args()

    with ExitStack() as stack:
        targets: dict[str, Any] = {"floor": floor_client(CANNED), "dynasim": dynasim.Simulator().client()}
        if not args.no_moto:
            from moto import mock_aws

            stack.enter_context(mock_aws())
            targets["moto"] = boto3.client(
                "dynamodb", region_name="us-east-1", aws_access_key_id="x", aws_secret_access_key="x"
            )
        if not args.no_ddblocal:
            from conformance.ddblocal import DynamoDBLocal

            local = stack.enter_context(DynamoDBLocal())
            targets["ddblocal"] = boto3.client(
                "dynamodb",
                endpoint_url=local.endpoint,
                region_name="us-east-1",
                aws_access_key_id="x",
                aws_secret_access_key="x",
            )
        for name, client in targets.items():
            if name != "floor":
                client.create_table(**CREATE)
            operations(client)["PutItem"]()

        best: dict[tuple[str, str], float] = {}
        for _ in range(args.rounds):
            for operation in OPERATIONS:
                calls = {name: operations(client)[operation] for name, client in targets.items()}
                for name, measured in interleaved(calls, args.seconds).items():
                    key = (operation, name)
                    best[key] = max(best.get(key, 0.0), measured)

    names = list(targets)
    print(f"| {'calls per second (x floor)':<26} | " + " | ".join(f"{name:>18}" for name in names) + " |")
    print("|" + "---|" * (len(names) + 1))
    for operation in OPERATIONS:
        floor = best[(operation, "floor")]
        rates = [best[(operation, name)] for name in names]
        cells = [f"{calls:8.0f} ({calls / floor:4.2f}x)" for calls in rates]
        print(f"| {operation:<26} | " + " | ".join(f"{cell:>18}" for cell in cells) + " |")
    print(f"Simulator() + CreateTable (engine): {simulator_setup_cost() * 1e3:.3f} ms")


if __name__ == "__main__":
    main()
