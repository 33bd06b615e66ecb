"""The single-table design of the README's high-level client examples, shared by their tests:
customers and their orders under one partition key (`PK` / `SK`), a GSI by order status."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from conformance.conftest import unique_name


@dataclass
class Order:
    PK: str
    SK: str
    status: str
    total: float
    GSI1PK: str | None = None
    GSI1SK: str | None = None


def create_table(ddb: Any, name: str | None = None) -> str:
    name = name or unique_name("app")
    ddb.create_table(
        TableName=name,
        BillingMode="PAY_PER_REQUEST",
        KeySchema=[{"AttributeName": "PK", "KeyType": "HASH"}, {"AttributeName": "SK", "KeyType": "RANGE"}],
        AttributeDefinitions=[{"AttributeName": n, "AttributeType": "S"} for n in ("PK", "SK", "GSI1PK", "GSI1SK")],
        GlobalSecondaryIndexes=[
            {
                "IndexName": "GSI1",
                "KeySchema": [
                    {"AttributeName": "GSI1PK", "KeyType": "HASH"},
                    {"AttributeName": "GSI1SK", "KeyType": "RANGE"},
                ],
                "Projection": {"ProjectionType": "ALL"},
            }
        ],
    )
    ddb.get_waiter("table_exists").wait(TableName=name, WaiterConfig={"Delay": 0.1, "MaxAttempts": 50})
    return name
