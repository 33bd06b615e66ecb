"""What only the async high-level client has: async iterators over pages and items, a parallel scan
whose segments run as concurrent tasks, cancellation, its own aiobotocore client built from a
`DynamoDbConfig` (opened and closed with `async with`, routed by `dynasim.mock()`, signed with every
auth choice), and retry waits on the simulator's clock instead of `asyncio.sleep`. The behaviour it
shares with the sync client is tested on both in `test_integration.py`. Needs aiobotocore: CI runs
this module in its async environments."""

from __future__ import annotations

import asyncio
from pathlib import Path
from typing import Any

import pytest
from aws_environment import without_aws
from botocore.config import Config
from botocore.exceptions import ClientError
from pytester_repository import write_repository
from test_integration_config import FakeSts

import dynasim
from dynasim.integration import (
    AssumeRole,
    AsyncDynamoDbClient,
    CircuitBreakerConfig,
    DynamoDbConfig,
    InMemoryMetrics,
    Key,
    RetryConfig,
    StaticCredentials,
    ThrottlingError,
    ValidationError,
    WebIdentity,
)
from dynasim.integration.config import _AsyncFlavour, _botocore_session

NO_BOTOCORE_RETRIES = Config(retries={"total_max_attempts": 1, "mode": "standard"})

pytest.importorskip("aiobotocore", reason="the async client needs aiobotocore")
pytest_plugins = ["integration_clients", "pytester"]

SECRET = "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY"


@pytest.fixture(autouse=True)
def no_credentials(monkeypatch: pytest.MonkeyPatch) -> None:
    without_aws(monkeypatch)


@pytest.fixture
def sim() -> dynasim.Simulator:
    from integration_clients import create_app_table

    sim = dynasim.Simulator()
    create_app_table(sim.client())
    return sim


def test_pages_and_items_are_async_iterators(sim: dynasim.Simulator) -> None:
    async def scenario() -> None:
        async with sim.async_client() as ddb:
            app = AsyncDynamoDbClient.from_aiobotocore(ddb).table("app")
            await app.batch_put_all({"PK": "c", "SK": f"o{i:02d}", "n": i} for i in range(10))
            query = app.query_builder().partition_key("c").limit(4)
            assert [item["n"] async for item in query.items()] == list(range(10))
            assert [page.count async for page in query.pages()] == [4, 4, 2]
            first = await query.execute()  # one page, and no request for the next
            assert len(first.items) == 4
            assert [item["n"] async for item in app.scan_items(limit=3)] == list(range(10))
            assert [page.count async for page in app.scan_pages(limit=6)] == [6, 4]

    asyncio.run(scenario())
    assert len(sim.verify_operation("Query")) == 3 + 3 + 1


class BarrierScans:
    """An aiobotocore-shaped client whose Scan answers only once every segment has asked: a scan
    that ran its segments one after another would never be answered."""

    class meta:
        region_name = "stub"
        endpoint_url = None

    def __init__(self, total: int, failing: int | None = None) -> None:
        self.total = total
        self.failing = failing
        self.waiting: set[int] = set()
        self.all_waiting = asyncio.Event()
        self.cancelled: list[int] = []

    async def scan(self, **request: Any) -> dict[str, Any]:
        segment = request["Segment"]
        if segment == self.failing:
            raise ClientError({"Error": {"Code": "ValidationException", "Message": "no"}}, "Scan")
        self.waiting.add(segment)
        if len(self.waiting) == self.total:
            self.all_waiting.set()
        try:
            await asyncio.wait_for(self.all_waiting.wait(), 5)
        except asyncio.CancelledError:
            self.cancelled.append(segment)
            raise
        return {"Items": [{"PK": {"S": f"s{segment}"}, "SK": {"S": "x"}}], "Count": 1, "ScannedCount": 1}


def test_scan_parallel_runs_its_segments_concurrently() -> None:
    stub = BarrierScans(4)
    client = AsyncDynamoDbClient.from_aiobotocore(stub)
    items = asyncio.run(client.table("app").scan_parallel(4))
    assert [item["PK"] for item in items] == ["s0", "s1", "s2", "s3"]  # joined in segment order


def test_scan_parallel_cancels_the_other_segments_when_one_fails() -> None:
    stub = BarrierScans(4, failing=2)
    client = AsyncDynamoDbClient.from_aiobotocore(stub)
    with pytest.raises(ValidationError):
        asyncio.run(client.table("app").scan_parallel(4))
    assert sorted(stub.cancelled) == [0, 1, 3]


class Hanging:
    class meta:
        region_name = "stub"
        endpoint_url = None

    async def get_item(self, **request: Any) -> dict[str, Any]:
        await asyncio.Event().wait()
        raise AssertionError("never answered")


def test_a_cancelled_call_is_cancelled_and_says_nothing_about_the_service() -> None:
    metrics = InMemoryMetrics()
    config = DynamoDbConfig(circuit_breaker=CircuitBreakerConfig(failure_threshold=1))
    client = AsyncDynamoDbClient.from_aiobotocore(Hanging(), config, metrics=metrics)

    async def scenario() -> None:
        task = asyncio.ensure_future(client.table("app").get_item(Key("a", "b")))
        await asyncio.sleep(0)
        task.cancel()
        with pytest.raises(asyncio.CancelledError):
            await task

    asyncio.run(scenario())
    assert client.circuit_breaker.state == "closed"
    assert metrics.count("dynamodb.errors") == 0 and metrics.count("dynamodb.retries") == 0


def test_retries_wait_on_the_simulators_clock(sim: dynasim.Simulator, monkeypatch: pytest.MonkeyPatch) -> None:
    slept: list[float] = []
    real_sleep = asyncio.sleep

    async def recording_sleep(seconds: float, *args: Any) -> Any:
        slept.append(seconds)
        return await real_sleep(0, *args)

    monkeypatch.setattr(asyncio, "sleep", recording_sleep)
    config = DynamoDbConfig(retry=RetryConfig(max_attempts=5))

    async def put_throttled_three_times(target: dynasim.Simulator) -> None:
        target.inject_fault("PutItem", error="ThrottlingException", times=3)
        async with target.async_client(config=NO_BOTOCORE_RETRIES) as ddb:
            client = AsyncDynamoDbClient.from_aiobotocore(ddb, config, rng=lambda: 1.0)
            await client.table("app").put_item({"PK": "a", "SK": "b"})

    before = sim.clock.advanced
    asyncio.run(put_throttled_three_times(sim))
    assert sim.clock.advanced - before == pytest.approx(0.05 + 0.1 + 0.2)  # full jitter at its top, doubling
    assert [s for s in slept if s > 0] == []

    from integration_clients import create_app_table

    real = dynasim.Simulator(virtual_retry_delays=False)
    create_app_table(real.client())
    asyncio.run(put_throttled_three_times(real))
    assert [s for s in slept if s > 0] == pytest.approx([0.05, 0.1, 0.2])


def test_the_breaker_times_out_on_the_simulators_clock(sim: dynasim.Simulator) -> None:
    config = DynamoDbConfig(
        retry=RetryConfig(max_attempts=0), circuit_breaker=CircuitBreakerConfig(failure_threshold=1, reset_timeout=30)
    )

    async def scenario() -> None:
        async with sim.async_client(config=NO_BOTOCORE_RETRIES) as ddb:
            client = AsyncDynamoDbClient.from_aiobotocore(ddb, config)
            app = client.table("app")
            sim.inject_fault("GetItem", error="ThrottlingException", times=1)
            with pytest.raises(ThrottlingError):
                await app.get_item(Key("a", "b"))
            assert client.circuit_breaker.state == "open"
            sim.advance(30)
            assert await app.get_item(Key("a", "b")) is None
            assert client.circuit_breaker.state == "closed"

    asyncio.run(scenario())


def test_a_client_built_from_config_opens_and_closes_its_own_and_mock_routes_it() -> None:
    config = DynamoDbConfig(region="eu-west-1", timeout=3)

    async def scenario() -> AsyncDynamoDbClient:
        async with dynasim.mock() as sim:
            from integration_clients import create_app_table

            create_app_table(sim.client())
            async with AsyncDynamoDbClient(config) as client:
                raw = client.client
                assert raw.meta.config.retries["total_max_attempts"] == 1  # botocore's own retries off
                assert raw.meta.config.read_timeout == 3 and raw.meta.region_name == "eu-west-1"
                await client.table("app").put_item({"PK": "a", "SK": "b"})
            assert client.client is None  # closed on leaving
            # used without `async with`, it opens on its first call
            lazy = AsyncDynamoDbClient(config)
            assert await lazy.table("app").get_item(Key("a", "b")) == {"PK": "a", "SK": "b"}
            await lazy.close()
            sim.call_log.assert_called("PutItem", table="app", times=1)
            return client

    asyncio.run(scenario())


def test_static_credentials_sign_requests_to_an_endpoint() -> None:
    sim = dynasim.Simulator(region="eu-west-1")

    async def scenario(url: str) -> None:
        good = DynamoDbConfig(region="eu-west-1", endpoint_url=url, auth=StaticCredentials("AKIDEXAMPLE", SECRET))
        async with AsyncDynamoDbClient(good) as client:
            assert SECRET not in repr(client)
            await client.table("things").with_key_schema("PK").put_item({"PK": "a", "n": 1})
            assert await client.table("things").with_key_schema("PK").get_item(Key("a")) == {"PK": "a", "n": 1}
        wrong = DynamoDbConfig(region="eu-west-1", endpoint_url=url, auth=StaticCredentials("AKIDEXAMPLE", "nope"))
        async with AsyncDynamoDbClient(wrong) as client:
            with pytest.raises(Exception, match="signature"):
                await client.table("things").with_key_schema("PK").get_item(Key("a"))

    with sim.serve(credentials={"AKIDEXAMPLE": SECRET}) as server:
        sim.client().create_table(
            TableName="things",
            BillingMode="PAY_PER_REQUEST",
            KeySchema=[{"AttributeName": "PK", "KeyType": "HASH"}],
            AttributeDefinitions=[{"AttributeName": "PK", "AttributeType": "S"}],
        )
        asyncio.run(scenario(server.url))


class AsyncFakeSts(FakeSts):
    """The same STS, shaped as aiobotocore's client: entered with `async with`, its calls awaited."""

    async def __aenter__(self) -> AsyncFakeSts:
        return self

    async def __aexit__(self, *exc: Any) -> None:
        return None

    async def assume_role(self, **kwargs: Any) -> dict[str, Any]:  # type: ignore[override]
        return super().assume_role(**kwargs)

    async def assume_role_with_web_identity(self, **kwargs: Any) -> dict[str, Any]:  # type: ignore[override]
        return super().assume_role_with_web_identity(**kwargs)


async def frozen(session: Any) -> Any:
    credentials = await session.get_credentials()
    return credentials, await credentials.get_frozen_credentials()


def test_assume_role_and_web_identity_resolve_through_aiobotocore(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    import aiobotocore.session

    calls: list[tuple[str, dict[str, Any]]] = []
    monkeypatch.setattr(aiobotocore.session.AioSession, "create_client", lambda self, *a, **k: AsyncFakeSts(calls))
    role = AssumeRole("arn:aws:iam::123456789012:role/app", external_id="ext-1", source=StaticCredentials("a", "b"))
    credentials, resolved = asyncio.run(frozen(_botocore_session(role, "us-east-1", _AsyncFlavour())))
    assert credentials.method == "assume-role" and resolved.access_key == "ASIAROLE"
    assert calls == [
        ("assume_role", {"RoleArn": role.role_arn, "ExternalId": "ext-1", "RoleSessionName": "dynasim-integration"})
    ]

    (tmp_path / "token").write_text("jwt-token")
    web = WebIdentity("arn:aws:iam::123456789012:role/web", str(tmp_path / "token"))
    credentials, resolved = asyncio.run(frozen(_botocore_session(web, "us-east-1", _AsyncFlavour())))
    assert credentials.method == "assume-role-with-web-identity" and resolved.secret_key == "role-secret"
    assert calls[1][0] == "assume_role_with_web_identity" and calls[1][1]["WebIdentityToken"] == "jwt-token"


AIOBOTO3_SERVICE = {
    "conftest": """
        import os

        os.environ.update(AWS_ACCESS_KEY_ID="testing", AWS_SECRET_ACCESS_KEY="testing", AWS_DEFAULT_REGION="us-east-1")
    """,
    "shop/__init__": "",
    "shop/orders": """
        import aioboto3

        from dynasim.integration import AsyncDynamoDbClient, Key, PutItemOptions, UpdateExpression

        async def place(order_id, total):
            async with aioboto3.Session().client("dynamodb") as ddb:
                orders = AsyncDynamoDbClient.from_aiobotocore(ddb).table("orders").with_key_schema("pk")
                await orders.put_item({"pk": order_id, "total": total}, PutItemOptions.if_not_exists())
                await orders.update_item(Key(order_id), UpdateExpression().set("status", "placed"))
                return await orders.get_item(Key(order_id))
    """,
    "test_shop": """
        import pytest

        from shop import orders

        pytestmark = pytest.mark.dynasim_tables({"tables": [{
            "TableName": "orders",
            "KeySchema": [{"AttributeName": "pk", "KeyType": "HASH"}],
            "AttributeDefinitions": [{"AttributeName": "pk", "AttributeType": "S"}],
            "BillingMode": "PAY_PER_REQUEST",
        }]})

        @pytest.mark.asyncio
        async def test_place(dynasim):
            dynasim.inject_fault("PutItem", error="ThrottlingException", times=2)
            assert await orders.place("o-1", 12) == {"pk": "o-1", "total": 12, "status": "placed"}
            assert [call.error_code for call in dynasim.verify_operation("PutItem")] == [
                "ThrottlingException", "ThrottlingException", None]
            assert dynasim.clock.advanced > 0  # the client's two waits went on the simulator's clock

        @pytest.mark.asyncio
        async def test_each_test_has_its_own_table(dynamodb_async):
            assert (await dynamodb_async.scan(TableName="orders"))["Count"] == 0
    """,
}


def test_an_aioboto3_service_on_the_async_client_tested_with_the_fixtures(
    pytester: pytest.Pytester, monkeypatch: pytest.MonkeyPatch
) -> None:
    """An aioboto3 service rewritten onto the async client, tested as its team would: the plugin's
    fixtures, a throttle injected, no network (the endpoint is a closed local port, tried once:
    AWS_MAX_ATTEMPTS=1, so the high-level client's retries are the only ones) and no real sleeps."""
    pytest.importorskip("aioboto3")
    pytest.importorskip("pytest_asyncio")
    monkeypatch.setenv("AWS_ENDPOINT_URL_DYNAMODB", "http://127.0.0.1:9")
    monkeypatch.setenv("AWS_MAX_ATTEMPTS", "1")
    write_repository(pytester.path, AIOBOTO3_SERVICE)
    pytester.runpytest_subprocess("-p", "no:cacheprovider").assert_outcomes(passed=2)
