"""The README's high-level client examples run as written on the simulator: the sync one through
`sim.client()`, the async one on an aiobotocore client routed by `dynasim.mock()` (where aiobotocore
is installed). conformance/test_integration.py runs both on DynamoDB Local too."""

from __future__ import annotations

import asyncio
from typing import Any

import pytest

import dynasim
from conformance.helpers import readme_example
from conformance.single_table import Order
from dynasim.integration import Key


def orders_to_import() -> list[dict[str, Any]]:
    return [
        {
            "PK": "CUST#1",
            "SK": f"ORDER#{i:03d}",
            "status": "shipped",
            "total": 150,
            "GSI1PK": "STATUS#shipped",
            "GSI1SK": f"{i:03d}",
        }
        for i in range(2, 40)
    ]


KEYS = [Key("CUST#1", f"ORDER#{i:03d}") for i in range(1, 40)]


def test_readme_example_runs() -> None:
    from integration_clients import create_app_table

    sim = dynasim.Simulator()
    ddb = sim.client()
    create_app_table(ddb)  # the example makes the items it changes itself
    namespace = {"sim": sim, "orders_to_import": orders_to_import(), "keys": KEYS}
    exec(compile(readme_example("## High-level client"), "README.md", "exec"), namespace)
    assert namespace["order"].total == 19.99
    assert len(namespace["shipped"]) == 38 and len(namespace["found"]) == 39
    assert len(namespace["everything"]) == 41  # PROFILE, ACCT#1 and 39 orders
    profile = sim.client().get_item(TableName="app", Key={"PK": {"S": "CUST#1"}, "SK": {"S": "PROFILE"}})["Item"]
    assert profile["address"] == {"M": {"city": {"S": "Oslo"}}} and profile["logins"] == {"N": "1"}
    balance = sim.client().get_item(TableName="app", Key={"PK": {"S": "ACCT#1"}, "SK": {"S": "ACCT"}})["Item"]
    assert balance["balance"] == {"N": "40"}


def test_readme_async_example_runs_under_mock(monkeypatch: pytest.MonkeyPatch) -> None:
    session = pytest.importorskip("aiobotocore.session", reason="the async client needs aiobotocore")
    from aws_environment import without_aws
    from integration_clients import create_app_table

    without_aws(monkeypatch)  # a call that escaped the simulator would fail loudly
    namespace: dict[str, Any] = {"Order": Order}  # the sync example's dataclass
    exec(compile(readme_example("### The async client"), "README.md", "exec"), namespace)

    async def service() -> Any:
        async with session.get_session().create_client("dynamodb", region_name="eu-west-1") as ddb:
            return await namespace["import_orders"](ddb, orders_to_import(), KEYS)

    with dynasim.mock() as sim:
        create_app_table(sim.client())
        shipped, everything, found, balance = asyncio.run(service())
    assert len(shipped) == 38 and len(found) == 39 and len(everything) == 40  # ACCT#1 and 39 orders
    assert balance == {"balance": 40}
    sim.call_log.assert_called("TransactWriteItems", table="app", times=1)
