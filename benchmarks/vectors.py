"""SearchVectors' speed against its floor: top-k through `sim.client()` over a vector index of
random vectors, against bare numpy brute-force top-k over the same float32 matrix, in the same run.

    python benchmarks/vectors.py [--items 100000] [--dimensions 768] [--top-k 10] [--rounds 7] [--queries 5]

The floor is what a search cannot do without: one float32 matrix-vector product, the cosine scores
from norms computed beforehand (as the index keeps them), `argpartition` for the k best and
`argsort` of those k. dynasim's figure is a whole call: botocore validating, serialising and parsing,
the engine's checks, the search and the response. Rounds alternate the two over the same queries;
the table reports each one's median over rounds of the mean time per query, and the ratio (floor
time / dynasim time: 1.00x would mean the call adds nothing to the arithmetic). The answers are
compared: the same items, in the same order, for every query.

The items are loaded through the engine (not through a client: a client's JSON would hold 77 million
number objects), and the index is built by the first search, timed on its own. Needs numpy
(`pip install 'dynasim[vector]'`); about 2 GB of memory at the default size.
"""

from __future__ import annotations

import argparse
import statistics
import sys
import time
from pathlib import Path
from typing import Any

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

import dynasim  # noqa: E402
from dynasim.engine.vectors.store import float32_text  # noqa: E402
from dynasim.values import item_size  # noqa: E402

TABLE = "bench-vectors"
INDEX = "by-meaning"
POOL = 4096  # distinct element values: items share their number objects, so 100,000 items fit in memory


def create(ddb: Any, dimensions: int) -> None:
    ddb.create_table(
        TableName=TABLE,
        KeySchema=[{"AttributeName": "pk", "KeyType": "HASH"}],
        AttributeDefinitions=[{"AttributeName": "pk", "AttributeType": "S"}],
        BillingMode="PAY_PER_REQUEST",
        VectorIndexes=[
            {
                "IndexName": INDEX,
                "VectorAttribute": {"AttributeName": "v"},
                "Dimensions": dimensions,
                "DistanceFunction": "COSINE",
                "Projection": {"ProjectionType": "ALL"},
            }
        ],
    )


def load(sim: dynasim.Simulator, choices: np.ndarray, members: list[dict[str, str]]) -> None:
    """One item per row of `choices` (indexes into the pool of number values), through the engine."""
    table = sim.engine.tables[TABLE]

    def put_all() -> None:
        for n, row in enumerate(choices.tolist()):
            item = {"pk": {"S": f"i{n}"}, "v": {"L": [members[i] for i in row]}}
            table.put(item["pk"]["S"], None, item, item_size(item))

    sim.engine.apply(put_all)


def floor_search(matrix: np.ndarray, norms: np.ndarray, query: np.ndarray, k: int) -> np.ndarray:
    scores = 1 - (matrix @ query) / (norms * np.linalg.norm(query))
    best = np.argpartition(scores, k)[:k]
    return best[np.argsort(scores[best])]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--items", type=int, default=100_000)
    parser.add_argument("--dimensions", type=int, default=768)
    parser.add_argument("--top-k", type=int, default=10)
    parser.add_argument("--rounds", type=int, default=7)
    parser.add_argument("--queries", type=int, default=5)
    parser.add_argument("--seed", type=int, default=1)
    args = parser.parse_args()

    rng = np.random.default_rng(args.seed)
    values = rng.uniform(-1, 1, POOL).astype(np.float32)
    members = [{"N": float32_text(value)} for value in values]
    choices = rng.integers(0, POOL, size=(args.items, args.dimensions), dtype=np.uint16)
    matrix = np.ascontiguousarray(values[choices])
    norms = np.linalg.norm(matrix, axis=1)
    queries = [values[rng.integers(0, POOL, args.dimensions)] for _ in range(args.queries)]
    requests = [
        {
            "TableName": TABLE,
            "IndexName": INDEX,
            "SearchVector": [{"N": float32_text(x)} for x in query],
            "TopK": args.top_k,
        }
        for query in queries
    ]

    sim = dynasim.Simulator(max_logged_calls=0)
    ddb = sim.client()
    create(ddb, args.dimensions)
    started = time.perf_counter()
    load(sim, choices, members)
    loaded = time.perf_counter()
    first = ddb.search_vectors(**requests[0])
    built = time.perf_counter()
    print(f"{args.items:,} items x {args.dimensions} dimensions, top {args.top_k}, {args.rounds} rounds x {args.queries} queries")  # noqa: E501
    print(f"load through the engine {loaded - started:.1f} s; index built by the first search {built - loaded:.1f} s")

    mismatches = 0
    for query, request in zip(queries, requests, strict=True):
        expected = [f"i{row}" for row in floor_search(matrix, norms, query, args.top_k)]
        found = [result["Item"]["pk"]["S"] for result in ddb.search_vectors(**request)["SearchResults"]]
        mismatches += found != expected
    assert first["SearchResults"]

    dynasim_times, floor_times = [], []
    for _ in range(args.rounds):
        start = time.perf_counter()
        for query in queries:
            floor_search(matrix, norms, query, args.top_k)
        floor_times.append((time.perf_counter() - start) / len(queries))
        start = time.perf_counter()
        for request in requests:
            ddb.search_vectors(**request)
        dynasim_times.append((time.perf_counter() - start) / len(requests))
    floor, ours = statistics.median(floor_times), statistics.median(dynasim_times)
    ratios = [f / d for f, d in zip(floor_times, dynasim_times, strict=True)]
    print(f"numpy brute force (floor)   {floor * 1000:8.2f} ms per query")
    print(f"sim.client().search_vectors {ours * 1000:8.2f} ms per query")
    print(f"ratio (floor / dynasim)     {statistics.median(ratios):8.2f}x   (target >= 0.50x)")
    print(f"answers identical to the floor's: {'yes' if not mismatches else f'NO ({mismatches} differ)'}")
    if mismatches:
        sys.exit(1)


if __name__ == "__main__":
    main()
