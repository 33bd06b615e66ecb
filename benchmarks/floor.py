"""botocore's own cost per call, the floor of every benchmark: a plain boto3 DynamoDB client whose
requests are answered at `before-send` from a canned body, in a process of its own that does not
import dynasim. It validates, serialises, signs and parses exactly as a client of DynamoDB would.

    python benchmarks/floor.py SPEC.json [--cpu]

SPEC.json is a list of scenarios written by yardstick.py: {"name", "method" (the boto3 method),
"params" (the requests, used in turn), "body" (the response body, as DynamoDB's JSON), "calls"}.
Prints {name: seconds per call} as JSON: each scenario warmed up, then one timed loop of its calls.
`--cpu` times the CPU seconds the process spends instead of the seconds that pass (on a machine
busy with other work, what the process itself costs).
"""

from __future__ import annotations

import json
import sys
import time
from typing import Any

import boto3
from botocore.awsrequest import AWSResponse


class CannedBody:
    """The raw response body botocore reads (`.stream()` / `.read()`)."""

    def __init__(self, payload: bytes) -> None:
        self.payload = payload

    def stream(self, **_: Any) -> Any:
        yield self.payload

    def read(self, *_: Any) -> bytes:
        return self.payload


def canned_client(body: bytes) -> Any:
    client = boto3.session.Session().client(
        "dynamodb", region_name="us-east-1", aws_access_key_id="AKIDBENCH", aws_secret_access_key="bench"
    )
    # the headers dynasim's in-process front answers with
    headers = {"x-amzn-RequestId": "R", "Content-Type": "application/x-amz-json-1.0", "Content-Length": str(len(body))}

    def answer(request: Any, **_: Any) -> AWSResponse:
        return AWSResponse(request.url, 200, headers, CannedBody(body))

    client.meta.events.register_first("before-send.dynamodb", answer)
    return client


def clock(cpu: bool) -> Any:
    """The clock loops are timed on: CPU seconds of this process (`--cpu`), or seconds that pass."""
    return time.process_time if cpu else time.perf_counter


def time_loop(call: Any, params: list[dict[str, Any]], calls: int, clock: Any = time.perf_counter) -> float:
    """Seconds per call of `calls` calls, the requests used in turn, on `clock`."""
    count = len(params)
    start = clock()
    for n in range(calls):
        call(**params[n % count])
    return (clock() - start) / calls


def main() -> None:
    scenarios = json.loads(open(sys.argv[1]).read())
    loop_clock = clock("--cpu" in sys.argv[2:])
    results = {}
    for scenario in scenarios:
        client = canned_client(json.dumps(scenario["body"]).encode())
        call = getattr(client, scenario["method"])
        time_loop(call, scenario["params"], max(3, scenario["calls"] // 10))  # warm: models loaded, caches filled
        results[scenario["name"]] = time_loop(call, scenario["params"], scenario["calls"], loop_clock)
    print(json.dumps(results))


if __name__ == "__main__":
    assert "dynasim" not in sys.modules
    main()
    assert "dynasim" not in sys.modules  # the floor is botocore's alone
