"""dynasim's speed as a user would measure it: loops of calls through `sim.client()` against the
same loops through a plain boto3 client answered from a canned body (botocore's own cost, the
floor), the floor timed in a process of its own (`floor.py`, which never imports dynasim).

    python benchmarks/yardstick.py [--rounds 7] [--sizes 10000,100000,1000000] [--scale 1.0]
                                   [--only GetItem,Query] [--peers moto,ddblocal] [--json FILE] [--cpu]

Rounds alternate: the floor's process times one loop of every scenario of a group, then this
process times the same loops on dynasim (and on each peer), so both see the same machine load. The
table reports, per scenario, the median over rounds of calls per second, and the median of the
rounds' ratios to the floor (1.00x: dynasim adds nothing to botocore's cost). The floor answers each
scenario with the body dynasim gave, so both parse the same bytes. Also measured: `Simulator()` plus
a CreateTable through the engine, and the resident memory a table of six-attribute items with one
GSI grows by per item while the largest Query table loads.
"""

from __future__ import annotations

import argparse
import gc
import json
import statistics
import subprocess
import sys
import tempfile
from collections.abc import Callable, Iterator
from contextlib import ExitStack, contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import boto3

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE.parent))

import dynasim  # noqa: E402
from benchmarks.floor import clock, time_loop  # noqa: E402  (one way to time a loop, the floor's own)

TABLE = "bench"
INDEX = "by-status"
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
            "IndexName": INDEX,
            "KeySchema": [{"AttributeName": "g", "KeyType": "HASH"}, {"AttributeName": "gs", "KeyType": "RANGE"}],
            "Projection": {"ProjectionType": "ALL"},
        }
    ],
}


def item(n: int, partition: str = "p") -> dict[str, Any]:
    """A six-attribute item: in `partition` at sort key n, and in the GSI's partition "G" at n."""
    return {
        "pk": {"S": partition},
        "sk": {"N": str(n)},
        "g": {"S": "G"},
        "gs": {"N": str(n)},
        "status": {"S": "SHIPPED"},
        "total": {"N": f"{n % 997}.95"},
    }


def key(n: int, partition: str = "p") -> dict[str, Any]:
    return {"pk": {"S": partition}, "sk": {"N": str(n)}}


@dataclass
class Scenario:
    """One operation timed in a loop: its boto3 method, the requests used in turn, and how many
    calls make one timed loop (fewer for the heavy ones)."""

    name: str
    method: str
    params: list[dict[str, Any]]
    calls: int
    body: dict[str, Any] = field(default_factory=dict)  # dynasim's answer, the floor's canned body


@dataclass
class Group:
    """Scenarios that share one table: loaded once, then timed round after round."""

    title: str
    load: Callable[[Any], None]  # fills a client's table (through the engine for dynasim)
    scenarios: list[Scenario]
    size: int = 0


# --- the scenarios --------------------------------------------------------------------------------

SINGLE_ITEMS = 2_000  # partition "s": read, updated, deleted and rewritten by the single-item scenarios
SCAN_TABLE = "bench-scan"  # ~1 KB items, more than one Scan page of 1 MB
SCAN_ITEMS = 1_200
PADDING = "x" * 900


def scan_item(n: int) -> dict[str, Any]:
    return {**item(n, "scan"), "padding": {"S": PADDING}}


def single_item_group(calls: int, deletes: int) -> Group:
    update = {
        "TableName": TABLE,
        "Key": key(7, "s"),
        "UpdateExpression": "SET #s = :s ADD visits :one REMOVE draft",
        "ExpressionAttributeNames": {"#s": "status"},
        "ExpressionAttributeValues": {":s": {"S": "DELIVERED"}, ":one": {"N": "1"}},
    }
    scenarios = [
        Scenario("GetItem", "get_item", [{"TableName": TABLE, "Key": key(7, "s")}], calls),
        Scenario("PutItem", "put_item", [{"TableName": TABLE, "Item": item(8, "s")}], calls),
        Scenario("UpdateItem (3 actions)", "update_item", [update], calls),
        # every call deletes an item that exists: the keys are loaded before each round
        Scenario("DeleteItem", "delete_item", [{"TableName": TABLE, "Key": key(n, "d")} for n in range(deletes)], deletes),  # noqa: E501
        Scenario(
            "BatchGetItem (100)",
            "batch_get_item",
            [{"RequestItems": {TABLE: {"Keys": [key(n, "s") for n in range(100, 200)]}}}],
            max(1, calls // 10),
        ),
        Scenario(
            "BatchWriteItem (25)",
            "batch_write_item",
            [{"RequestItems": {TABLE: [{"PutRequest": {"Item": item(n, "s")}} for n in range(300, 325)]}}],
            max(1, calls // 5),
        ),
        Scenario(
            "TransactWriteItems (4)",
            "transact_write_items",
            [{"TransactItems": [{"Put": {"TableName": TABLE, "Item": item(n, "s")}} for n in range(400, 404)]}],
            max(1, calls // 3),
        ),
        Scenario("Scan (1 MB)", "scan", [{"TableName": SCAN_TABLE}], max(1, calls // 100)),
        Scenario(
            "PartiQL SELECT (1 item)",
            "execute_statement",
            [{"Statement": f'SELECT * FROM "{TABLE}" WHERE pk = ? AND sk = ?', "Parameters": [{"S": "s"}, {"N": "7"}]}],
            calls,
        ),
    ]
    def load(target: Any) -> None:
        put_all(target, TABLE, (item(n, "s") for n in range(SINGLE_ITEMS)))
        put_all(target, SCAN_TABLE, (scan_item(n) for n in range(SCAN_ITEMS)))

    return Group("single items and small batches", load, scenarios)


def query_group(size: int, calls: int) -> Group:
    low = size // 2
    values = {":a": {"N": str(low)}, ":b": {"N": str(low + 99)}}
    table_query = {
        "TableName": TABLE,
        "KeyConditionExpression": "pk = :p AND sk BETWEEN :a AND :b",
        "ExpressionAttributeValues": {":p": {"S": "p"}, **values},
    }
    index_query = {
        "TableName": TABLE,
        "IndexName": INDEX,
        "KeyConditionExpression": "g = :g AND gs BETWEEN :a AND :b",
        "ExpressionAttributeValues": {":g": {"S": "G"}, **values},
    }
    scenarios = [
        Scenario(f"Query 100 of {size:,}", "query", [table_query], calls),
        Scenario(f"Query 100 of {size:,} (GSI)", "query", [index_query], calls),
    ]
    def load(target: Any) -> None:
        put_all(target, TABLE, map(item, range(size)))

    return Group(f"Query, {size:,} items", load, scenarios, size)


# --- targets ----------------------------------------------------------------------------------------


def put_all(target: Any, table: str, items: Iterator[dict[str, Any]] | Any) -> None:
    """Write `items` into `table` of a simulator (through its engine: fast) or of a boto3 client."""
    if isinstance(target, dynasim.Simulator):
        for wire in items:
            target.handle("PutItem", {"TableName": table, "Item": wire})
        return
    batch: list[dict[str, Any]] = []
    for wire in [*items, None]:
        if wire is not None:
            batch.append({"PutRequest": {"Item": wire}})
        if len(batch) == 25 or (wire is None and batch):
            pending: dict[str, Any] = {table: batch}
            while pending:
                pending = target.batch_write_item(RequestItems=pending).get("UnprocessedItems") or {}
            batch = []


def create_tables(target: Any) -> None:
    scan_table = {**CREATE, "TableName": SCAN_TABLE, "AttributeDefinitions": CREATE["AttributeDefinitions"][:2]}
    del scan_table["GlobalSecondaryIndexes"]
    for request in (CREATE, scan_table):
        if isinstance(target, dynasim.Simulator):
            target.handle("CreateTable", json.loads(json.dumps(request)))
        else:
            target.create_table(**request)


def plain_client(**options: Any) -> Any:
    return boto3.session.Session().client(
        "dynamodb", region_name="us-east-1", aws_access_key_id="AKIDBENCH", aws_secret_access_key="bench", **options
    )


@contextmanager
def peer(name: str) -> Iterator[Any]:
    """A boto3 client of a peer: moto's `mock_aws`, or DynamoDB Local (fetched by conformance.ddblocal)."""
    if name == "moto":
        from moto import mock_aws

        with mock_aws():
            yield plain_client()
    elif name == "ddblocal":
        from conformance.ddblocal import DynamoDBLocal

        with DynamoDBLocal() as local:
            yield plain_client(endpoint_url=local.endpoint)
    else:
        raise SystemExit(f"unknown peer {name!r}: moto or ddblocal")


# --- timing -----------------------------------------------------------------------------------------


def floor_round(scenarios: list[Scenario], cpu: bool) -> dict[str, float]:
    """One round of the floor, in a process of its own."""
    with tempfile.NamedTemporaryFile("w", suffix=".json") as spec:
        json.dump([vars(s) for s in scenarios], spec)
        spec.flush()
        command = [sys.executable, str(HERE / "floor.py"), spec.name, *(["--cpu"] if cpu else [])]
        out = subprocess.run(command, capture_output=True, check=True)
    return json.loads(out.stdout)


def target_round(client: Any, reset: Callable[[], None], scenarios: list[Scenario], cpu: bool) -> dict[str, float]:
    results = {}
    for scenario in scenarios:
        reset()
        call = getattr(client, scenario.method)
        time_loop(call, scenario.params[:1], max(3, scenario.calls // 10))  # warm
        reset()
        results[scenario.name] = time_loop(call, scenario.params, scenario.calls, clock(cpu))
    return results


def without_metadata(response: dict[str, Any]) -> dict[str, Any]:
    return {k: v for k, v in response.items() if k != "ResponseMetadata"}


def resident_bytes() -> int:
    with open("/proc/self/statm") as statm:
        return int(statm.read().split()[1]) * 4096


def setup_cost(cpu: bool, repeat: int = 300, rounds: int = 5) -> float:
    """Seconds for `Simulator()` plus a CreateTable through the engine (the median of `rounds`; the
    request is decoded afresh for each, as the engine normalises what it is given)."""
    request = json.dumps(CREATE)
    for _ in range(20):  # warm: the service model loaded, the caches filled
        dynasim.Simulator().handle("CreateTable", json.loads(request))
    timings = []
    for _ in range(rounds):
        start = clock(cpu)()
        for _ in range(repeat):
            dynasim.Simulator().handle("CreateTable", json.loads(request))
        timings.append((clock(cpu)() - start) / repeat)
    return statistics.median(timings)


@dataclass
class Result:
    rates: dict[str, list[float]] = field(default_factory=dict)  # target -> calls per second, per round
    ratios: dict[str, list[float]] = field(default_factory=dict)  # target -> x floor, per round


def run_group(group: Group, rounds: int, peers: list[str], stack: ExitStack, cpu: bool = False) -> dict[str, Result]:
    gc.collect()
    before = resident_bytes()
    sim = dynasim.Simulator()
    create_tables(sim)
    group.load(sim)
    gc.collect()
    grown = resident_bytes() - before
    if group.size:
        print(f"  loaded {group.size:,} items: {grown / group.size:,.0f} bytes of resident memory per item", flush=True)
    deletes = next((s for s in group.scenarios if s.name == "DeleteItem"), None)

    def reloader(target: Any) -> Callable[[], None]:
        def reset() -> None:  # the items DeleteItem removes, back before its loop
            if deletes is not None:
                put_all(target, TABLE, (item(n, "d") for n in range(len(deletes.params))))

        return reset

    client = sim.client()
    reset = reloader(sim)
    for scenario in group.scenarios:
        reset()
        scenario.body = without_metadata(getattr(client, scenario.method)(**scenario.params[0]))
    targets = {"dynasim": (client, reset)}
    for name in peers:
        if group.size > 10_000:
            continue  # peers load through BatchWriteItem: too slow past 10,000 items
        peer_client = stack.enter_context(peer(name))
        create_tables(peer_client)
        group.load(peer_client)
        targets[name] = (peer_client, reloader(peer_client))

    results = {s.name: Result() for s in group.scenarios}
    for round_number in range(rounds):
        floor = floor_round(group.scenarios, cpu)
        for target, (target_client, target_reset) in targets.items():
            for name, seconds in target_round(target_client, target_reset, group.scenarios, cpu).items():
                results[name].rates.setdefault(target, []).append(1 / seconds)
                results[name].ratios.setdefault(target, []).append(floor[name] / seconds)
        for name, seconds in floor.items():
            results[name].rates.setdefault("floor", []).append(1 / seconds)
        print(f"  round {round_number + 1}/{rounds} done", flush=True)
    return results


def table(results: dict[str, Result], targets: list[str]) -> str:
    head = "| operation | floor | " + " | ".join(targets) + " |"
    lines = [head, "|---|---:|" + "---:|" * len(targets)]
    for name, result in results.items():
        cells = [f"{statistics.median(result.rates['floor']):,.0f}/s"]
        for target in targets:
            if target in result.rates:
                rate, ratio = statistics.median(result.rates[target]), statistics.median(result.ratios[target])
                cells.append(f"{rate:,.0f}/s ({ratio:.2f}x)")
            else:
                cells.append("")
        lines.append(f"| {name} | " + " | ".join(cells) + " |")
    return "\n".join(lines)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rounds", type=int, default=7)
    parser.add_argument("--sizes", default="10000,100000,1000000", help="table sizes for the Query scenarios")
    parser.add_argument("--scale", type=float, default=1.0, help="multiply every loop's number of calls")
    parser.add_argument("--only", default="", help="comma-separated scenario name prefixes")
    parser.add_argument("--peers", default="", help="also time moto and/or DynamoDB Local (up to 10,000 items)")
    parser.add_argument("--json", help="write every round's numbers here")
    parser.add_argument(
        "--cpu", action="store_true", help="time the CPU seconds each process spends (a machine busy with other work)"
    )
    args = parser.parse_args()

    calls = max(10, int(300 * args.scale))
    groups = [single_item_group(calls, deletes=calls)]
    groups += [query_group(int(size), max(10, calls // 3)) for size in args.sizes.split(",") if size]
    only = [prefix.strip() for prefix in args.only.split(",") if prefix.strip()]
    peers = [name.strip() for name in args.peers.split(",") if name.strip()]
    everything: dict[str, Result] = {}
    print(f"Simulator() + CreateTable (engine): {setup_cost(args.cpu) * 1e3:.3f} ms", flush=True)
    for group in groups:
        group.scenarios = [s for s in group.scenarios if not only or any(s.name.startswith(p) for p in only)]
        if not group.scenarios:
            continue
        print(f"{group.title}:", flush=True)
        with ExitStack() as stack:
            everything.update(run_group(group, args.rounds, peers, stack, args.cpu))
    print()
    print(table(everything, ["dynasim", *peers]))
    if args.json:
        Path(args.json).write_text(json.dumps({name: vars(result) for name, result in everything.items()}, indent=1))


if __name__ == "__main__":
    main()
