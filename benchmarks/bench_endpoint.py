"""Endpoint throughput and latency: `dynasim serve` beside DynamoDB Local, on the same machine, in one run.

    python benchmarks/bench_endpoint.py [--seconds 3] [--clients 1,8,32] [--rounds 1] [--durable]
                                        [--no-ddblocal] [--json FILE]

For each target and each number of concurrent clients, that many client processes (multiprocessing)
each make their own boto3 client (keep-alive, as boto3 always does) and run a 50/50 mix of PutItem and
GetItem on their own keys for `--seconds`, after a short warm-up. Reported: operations per second
over all clients, and the 50th and 99th percentile latency of single calls as the clients saw them
(so botocore's own cost is in every number, for both targets alike). Both servers run throughout and
the points are interleaved, so noise from elsewhere on the machine hits both alike; with `--rounds`,
the round with the highest throughput is reported for each point.

When the clients alone can keep every core busy (32 boto3 processes on a small machine), a faster
server keeps more of them runnable at once, so a single call waits longer for a core: compare
throughput and mean latency (clients / throughput, by Little's law) as well as the percentiles.

Both servers run as their own processes: `python -m dynasim serve` (in memory) and DynamoDB Local
(`-inMemory`, via conformance.ddblocal). The clients share the machine's cores with the server, as
they would on a developer's laptop, and run in a session of their own, as a test suite started from
another terminal than the server does (Linux schedules by session: in the servers' session, 32 busy
clients would get 32 shares of the CPU to a server's one).
"""

from __future__ import annotations

import argparse
import contextlib
import json
import multiprocessing
import os
import random
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

import boto3  # noqa: E402
from botocore.config import Config  # noqa: E402

WARMUP_CALLS = 20
CREDENTIALS = {"aws_access_key_id": "bench", "aws_secret_access_key": "bench"}
CONFIG = Config(retries={"max_attempts": 0}, max_pool_connections=2, connect_timeout=10, read_timeout=60)
SCHEMA = dict(
    KeySchema=[{"AttributeName": "pk", "KeyType": "HASH"}, {"AttributeName": "sk", "KeyType": "RANGE"}],
    AttributeDefinitions=[
        {"AttributeName": "pk", "AttributeType": "S"},
        {"AttributeName": "sk", "AttributeType": "S"},
    ],
    BillingMode="PAY_PER_REQUEST",
)


def item(worker: int, i: int) -> dict:
    return {
        "pk": {"S": f"customer#{worker:04d}"},
        "sk": {"S": f"order#{i:08d}"},
        "status": {"S": "SHIPPED"},
        "total": {"N": "129.95"},
        "lines": {"L": [{"M": {"sku": {"S": "A-1"}, "qty": {"N": "2"}}}]},
        "tags": {"SS": ["gift", "express"]},
    }


def _client(url: str):
    return boto3.client("dynamodb", endpoint_url=url, region_name="us-east-1", config=CONFIG, **CREDENTIALS)


def worker(url: str, table: str, number: int, ready, start, seconds: float, results) -> None:
    ddb = _client(url)
    rng = random.Random(number)
    written = 0

    def call() -> None:
        nonlocal written
        if written == 0 or rng.random() < 0.5:
            ddb.put_item(TableName=table, Item=item(number, written))
            written += 1
        else:
            key = item(number, rng.randrange(written))
            ddb.get_item(TableName=table, Key={"pk": key["pk"], "sk": key["sk"]})

    for _ in range(WARMUP_CALLS):
        call()
    ready.put(number)
    start.wait(120)
    deadline = time.perf_counter() + seconds
    latencies = []
    errors = 0
    while True:
        began = time.perf_counter()
        if began >= deadline:
            break
        try:
            call()
        except Exception:
            errors += 1
        latencies.append(time.perf_counter() - began)
    results.put((number, latencies, errors))


def run_clients(context, url: str, table: str, clients: int, ready, start, seconds: float, results) -> None:
    """The client processes, in a session of their own: a test suite run from another terminal than
    the server's. (Linux groups scheduling by session: in one session with the server, 32 busy clients
    would get 32 shares of the CPU to the server's one, which no developer's setup looks like.)"""
    if hasattr(os, "setsid"):
        os.setsid()
    processes = [
        context.Process(target=worker, args=(url, table, n, ready, start, seconds, results), daemon=True)
        for n in range(clients)
    ]
    for process in processes:
        process.start()
    for process in processes:
        process.join(seconds + 300)


def measure(url: str, clients: int, seconds: float) -> dict:
    table = f"bench-{clients}-{int(time.time() * 1000)}"
    _client(url).create_table(TableName=table, **SCHEMA)
    context = multiprocessing.get_context("fork")
    ready, results, start = context.Queue(), context.Queue(), context.Event()
    runner = context.Process(
        target=run_clients, args=(context, url, table, clients, ready, start, seconds, results), daemon=False
    )
    runner.start()
    processes = range(clients)
    for _ in processes:
        ready.get(timeout=300)
    began = time.perf_counter()
    start.set()
    latencies: list[float] = []
    errors = 0
    for _ in processes:
        _, worker_latencies, worker_errors = results.get(timeout=seconds + 300)
        latencies.extend(worker_latencies)
        errors += worker_errors
    elapsed = time.perf_counter() - began
    runner.join(60)
    latencies.sort()
    return {
        "clients": clients,
        "calls": len(latencies),
        "errors": errors,
        "ops_per_second": len(latencies) / elapsed,
        "p50_ms": 1000 * latencies[len(latencies) // 2],
        "p99_ms": 1000 * latencies[min(len(latencies) - 1, int(len(latencies) * 0.99))],
        "mean_ms": 1000 * statistics.fmean(latencies),
    }


class DynasimServer:
    """`python -m dynasim serve --port 0 [arguments]` as its own process."""

    def __init__(self, *arguments: str) -> None:
        self.arguments = arguments

    def __enter__(self) -> DynasimServer:
        self.process = subprocess.Popen(
            [sys.executable, "-m", "dynasim", "serve", "--port", "0", *self.arguments],
            stdout=subprocess.PIPE,
            text=True,
            cwd=ROOT,
        )
        deadline = time.monotonic() + 60
        self.endpoint = ""
        while time.monotonic() < deadline and not self.endpoint:
            line = self.process.stdout.readline()  # type: ignore[union-attr]
            if not line:
                raise RuntimeError("dynasim serve exited before listening")
            if "listening on " in line:
                self.endpoint = line.split("listening on ", 1)[1].split()[0]
        if not self.endpoint:
            raise RuntimeError("dynasim serve did not start")
        return self

    def __exit__(self, *exc_info: object) -> None:
        self.process.terminate()
        try:
            self.process.wait(30)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait(10)


def main(argv: list[str] | None = None) -> int:
    formatter = argparse.RawDescriptionHelpFormatter
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=formatter)
    parser.add_argument("--seconds", type=float, default=3.0, help="measured time per point (default 3)")
    parser.add_argument("--clients", default="1,8,32", help="concurrent client processes (default 1,8,32)")
    parser.add_argument("--rounds", type=int, default=1, help="rounds per point; the best is reported")
    parser.add_argument("--durable", action="store_true", help="also dynasim serve --data-dir (fsync always)")
    parser.add_argument("--no-ddblocal", action="store_true", help="skip DynamoDB Local")
    parser.add_argument("--json", metavar="FILE", help="also write the results as JSON")
    arguments = parser.parse_args(argv)
    counts = [int(count) for count in arguments.clients.split(",")]
    load = ", ".join(f"{value:.1f}" for value in os.getloadavg())  # other work on the machine

    targets: list[tuple[str, Any]] = [("dynasim serve", DynasimServer)]
    if arguments.durable:
        data = tempfile.mkdtemp(prefix="dynasim-bench-")
        targets.append(("dynasim --data-dir", lambda: DynasimServer("--data-dir", data)))
    if not arguments.no_ddblocal:
        from conformance.ddblocal import DynamoDBLocal

        targets.append(("DynamoDB Local", DynamoDBLocal))
    rows = []
    with contextlib.ExitStack() as stack:
        # Both servers run throughout and the points are interleaved, so machine noise hits both alike.
        servers = [(name, stack.enter_context(server_class())) for name, server_class in targets]
        for clients in counts:
            for round_number in range(arguments.rounds):
                for name, server in servers:
                    result = measure(server.endpoint, clients, arguments.seconds)
                    result["target"] = name
                    result["round"] = round_number
                    rows.append(result)
                    print(
                        f"{name:>15} {clients:>3} clients: {result['ops_per_second']:8.0f} ops/s  "
                        f"p50 {result['p50_ms']:6.2f} ms  p99 {result['p99_ms']:7.2f} ms  "
                        f"errors {result['errors']}",
                        file=sys.stderr,
                        flush=True,
                    )
    best = {}
    for row in rows:  # per point, the round with the highest throughput
        point = (row["clients"], row["target"])
        if point not in best or row["ops_per_second"] > best[point]["ops_per_second"]:
            best[point] = row
    print(
        f"\n{os.cpu_count()} cores (load average {load} before the run), {arguments.seconds:g} s per point, "
        f"best of {arguments.rounds} round(s), 50% PutItem / 50% GetItem\n"
    )
    print("| clients | target | ops/s | p50 ms | p99 ms | mean ms |")
    print("| ---: | --- | ---: | ---: | ---: | ---: |")
    for clients in counts:
        for (point_clients, _), row in best.items():
            if point_clients == clients:
                print(
                    f"| {clients} | {row['target']} | {row['ops_per_second']:.0f} | "
                    f"{row['p50_ms']:.2f} | {row['p99_ms']:.2f} | {row['mean_ms']:.2f} |"
                )
    if arguments.durable:
        shutil.rmtree(data, ignore_errors=True)
    if arguments.json:
        Path(arguments.json).write_text(json.dumps(rows, indent=2))
    return 0


if __name__ == "__main__":
    sys.exit(main())
