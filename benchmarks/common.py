"""What the benchmarks share: botocore's own cost as a floor, and side-by-side timing."""

from __future__ import annotations

import json
import statistics
import time
from collections.abc import Callable
from typing import Any

from botocore.awsrequest import AWSResponse

from dynasim.fronts import boto3 as boto3_front


def floor_client(responses: dict[str, Any]) -> Any:
    """A DynamoDB client made exactly as `Simulator.client()` makes one, but answered at
    `before-send` with a canned response per operation, serialised once: what botocore itself
    costs per call (validation, serialisation, signing, parsing) with no backend at all."""
    client = boto3_front.unanswered_client("dynamodb", "us-east-1")
    bodies = {operation: json.dumps(response).encode() for operation, response in responses.items()}

    def canned(request: Any, **_: Any) -> AWSResponse:
        operation = request.headers["X-Amz-Target"].decode().rsplit(".", 1)[1]
        body = bodies[operation]
        headers = {"x-amzn-RequestId": "R", "Content-Type": "application/x-amz-json-1.0"}
        return boto3_front.http_response(request.url, 200, headers, body)

    client.meta.events.register_first("before-send.dynamodb", canned)
    return client


def interleaved(calls: dict[str, Callable[[], Any]], seconds: float) -> dict[str, float]:
    """Calls per second of each target, timed call by call in turn (A, B, C, A, B, C, ...) so
    that the machine's load falls on all of them alike: 1 / the median call time of each."""
    times: dict[str, list[float]] = {name: [] for name in calls}
    deadline = time.perf_counter() + seconds * len(calls)
    while time.perf_counter() < deadline:
        for name, call in calls.items():
            start = time.perf_counter()
            call()
            times[name].append(time.perf_counter() - start)
    return {name: 1 / statistics.median(samples) for name, samples in times.items()}
