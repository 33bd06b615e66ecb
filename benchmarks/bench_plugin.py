"""What the pytest plugin costs per test: restoring a declared set of tables from its snapshot.

    python benchmarks/bench_plugin.py [--items 1000] [--repeat 2000]

The declared set is two tables holding `--items` items between them: "orders" (partition and sort
key, a global and a local index) and "customers" (partition key only, a global index), items of
about 200 bytes. Each measurement is what the `dynasim` fixture does before a test: a new
Simulator and `restore(snapshot)`. Also shown, for scale: a new Simulator alone, and building the
same tables through the engine (what a test would do without the plugin).
"""

from __future__ import annotations

import argparse
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

import dynasim  # noqa: E402
from dynasim import declare  # noqa: E402


def declarations(items: int) -> list[declare.TableDeclaration]:
    orders = {
        "TableName": "orders",
        "KeySchema": [{"AttributeName": "pk", "KeyType": "HASH"}, {"AttributeName": "sk", "KeyType": "RANGE"}],
        "AttributeDefinitions": [
            {"AttributeName": "pk", "AttributeType": "S"},
            {"AttributeName": "sk", "AttributeType": "S"},
            {"AttributeName": "status", "AttributeType": "S"},
            {"AttributeName": "total", "AttributeType": "N"},
        ],
        "BillingMode": "PAY_PER_REQUEST",
        "GlobalSecondaryIndexes": [
            {
                "IndexName": "by-status",
                "KeySchema": [
                    {"AttributeName": "status", "KeyType": "HASH"},
                    {"AttributeName": "sk", "KeyType": "RANGE"},
                ],
                "Projection": {"ProjectionType": "ALL"},
            }
        ],
        "LocalSecondaryIndexes": [
            {
                "IndexName": "by-total",
                "KeySchema": [
                    {"AttributeName": "pk", "KeyType": "HASH"},
                    {"AttributeName": "total", "KeyType": "RANGE"},
                ],
                "Projection": {"ProjectionType": "KEYS_ONLY"},
            }
        ],
    }
    customers = {
        "TableName": "customers",
        "KeySchema": [{"AttributeName": "id", "KeyType": "HASH"}],
        "AttributeDefinitions": [
            {"AttributeName": "id", "AttributeType": "S"},
            {"AttributeName": "email", "AttributeType": "S"},
        ],
        "BillingMode": "PAY_PER_REQUEST",
        "GlobalSecondaryIndexes": [
            {
                "IndexName": "by-email",
                "KeySchema": [{"AttributeName": "email", "KeyType": "HASH"}],
                "Projection": {"ProjectionType": "ALL"},
            }
        ],
    }
    half = items // 2
    order_items = [
        {
            "pk": {"S": f"customer#{i % 50:04d}"},
            "sk": {"S": f"order#{i:06d}"},
            "status": {"S": ("NEW", "PAID", "SHIPPED")[i % 3]},
            "total": {"N": str(i * 3 % 1000)},
            "lines": {"L": [{"M": {"sku": {"S": f"A-{i % 17}"}, "qty": {"N": "2"}}}]},
            "note": {"S": "x" * 80},
        }
        for i in range(half)
    ]
    customer_items = [
        {"id": {"S": f"customer#{i:06d}"}, "email": {"S": f"c{i}@example.com"}, "name": {"S": "n" * 120}}
        for i in range(items - half)
    ]
    return [
        declare.TableDeclaration(orders, order_items, source="bench"),
        declare.TableDeclaration(customers, customer_items, source="bench"),
    ]


def timed(action, repeat: int) -> list[float]:
    samples = []
    for _ in range(repeat):
        started = time.perf_counter()
        action()
        samples.append(time.perf_counter() - started)
    return samples


def describe(name: str, samples: list[float]) -> str:
    samples = sorted(samples)
    median = statistics.median(samples) * 1e3
    p99 = samples[int(len(samples) * 0.99) - 1] * 1e3
    return f"| {name} | {median:.3f} | {p99:.3f} |"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--items", type=int, default=1000, help="items in the declared set (default 1000)")
    parser.add_argument("--repeat", type=int, default=2000, help="restores measured (default 2000)")
    arguments = parser.parse_args(argv)

    declared = declarations(arguments.items)
    template = dynasim.Simulator(max_logged_calls=0)
    declare.apply(template, declared)
    snapshot = template.snapshot()

    def restore() -> None:
        dynasim.Simulator().restore(snapshot)

    def build() -> None:
        declare.apply(dynasim.Simulator(max_logged_calls=0), declared)

    restore()  # warm up
    rows = [
        describe("new Simulator()", timed(dynasim.Simulator, arguments.repeat)),
        describe(f"new Simulator() + restore({arguments.items} items)", timed(restore, arguments.repeat)),
        describe(f"build the tables through the engine ({arguments.items} items)", timed(build, 20)),
    ]
    print(f"\n{snapshot!r}; 2 tables, 3 secondary indexes\n")
    print("| per test | median ms | p99 ms |")
    print("| --- | ---: | ---: |")
    print("\n".join(rows))
    return 0


if __name__ == "__main__":
    sys.exit(main())
