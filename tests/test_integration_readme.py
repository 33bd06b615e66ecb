"""The README's "High-level client" example runs as written on the simulator."""

from __future__ import annotations

import re
from pathlib import Path

import dynasim
from dynasim.integration import Key

README = Path(__file__).resolve().parent.parent / "README.md"


def example() -> str:
    text = README.read_text()
    section = text[text.index("## High-level client") :]
    return re.search(r"```python\n(.*?)```", section, re.S).group(1)


def test_readme_example_runs() -> None:
    from integration_clients import create_app_table

    sim = dynasim.Simulator()
    ddb = sim.client()
    create_app_table(ddb)  # the example makes the items it changes itself
    namespace = {
        "sim": sim,
        "orders_to_import": [
            {
                "PK": "CUST#1",
                "SK": f"ORDER#{i:03d}",
                "status": "shipped",
                "total": 150,
                "GSI1PK": "STATUS#shipped",
                "GSI1SK": f"{i:03d}",
            }
            for i in range(2, 40)
        ],
        "keys": [Key("CUST#1", f"ORDER#{i:03d}") for i in range(1, 40)],
    }
    exec(compile(example(), str(README), "exec"), namespace)
    assert namespace["order"].total == 19.99
    assert len(namespace["shipped"]) == 38 and len(namespace["found"]) == 39
    assert len(namespace["everything"]) == 41  # PROFILE, ACCT#1 and 39 orders
    profile = sim.client().get_item(TableName="app", Key={"PK": {"S": "CUST#1"}, "SK": {"S": "PROFILE"}})["Item"]
    assert profile["address"] == {"M": {"city": {"S": "Oslo"}}} and profile["logins"] == {"N": "1"}
    balance = sim.client().get_item(TableName="app", Key={"PK": {"S": "ACCT#1"}, "SK": {"S": "ACCT"}})["Item"]
    assert balance["balance"] == {"N": "40"}
