"""The Simulator: one simulated DynamoDB (its engine and state) behind any number of fronts."""

from __future__ import annotations

from typing import Any

from botocore.config import Config

from dynasim.clock import Clock
from dynasim.engine import Engine
from dynasim.fronts import boto3 as boto3_front


class Simulator:
    """An in-memory DynamoDB. Every client and resource it hands out shares its tables.

    >>> sim = Simulator()
    >>> ddb = sim.client()
    """

    def __init__(self, region: str = "us-east-1", account_id: str = "123456789012") -> None:
        self.region = region
        self.account_id = account_id
        self.clock = Clock()
        self.engine = Engine(region=region, account_id=account_id, clock=self.clock.now)

    def handle(self, operation: str, request: dict[str, Any]) -> dict[str, Any]:
        """Run one DynamoDB operation on a wire-form request; every front ends here."""
        return self.engine.execute(operation, request)

    def client(self, service_name: str = "dynamodb", config: Config | None = None) -> Any:
        """A real botocore client for `service_name` answered by this simulator."""
        return boto3_front.client(self, service_name, config)

    def resource(self, config: Config | None = None) -> Any:
        """A boto3 DynamoDB service resource answered by this simulator."""
        return boto3_front.resource(self, config)

    def serve(self, port: int = 0, host: str = "127.0.0.1", **options: Any) -> Any:
        """Answer DynamoDB's HTTP protocol on `host`:`port` (0: any free port) from a background
        thread; returns the running server (`.url`, `.stop()`, a context manager). Options:
        `max_request_bytes`, `credentials` ({access key id: secret}: verify SigV4 signatures),
        `cors_origins`. See `dynasim.fronts.http`."""
        from dynasim.fronts.http import RunningServer

        return RunningServer(self, host, port, **options)
