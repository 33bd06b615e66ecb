"""aiobotocore (and aioboto3) clients answered in-process: `sim.async_client()`, `dynasim.mock()`
(context manager, `async with`, decorator of sync and `async def` functions) and the plugin's
fixtures, through the same test doubles. Needs aiobotocore (`pip install 'dynasim[async]'`): CI runs
this module in its own environment, since aiobotocore pins its own botocore. No AWS credentials are
set anywhere, so a call that escaped the simulator would fail loudly (NoCredentialsError)."""

from __future__ import annotations

import asyncio
import threading
from itertools import pairwise

import botocore.session
import pytest
from aws_environment import refuse_network, without_aws
from botocore.config import Config
from botocore.exceptions import NoCredentialsError, ReadTimeoutError
from pytester_repository import write_repository

import dynasim

aiobotocore_session = pytest.importorskip("aiobotocore.session")
pytest_plugins = ["pytester"]

SCHEMA = dict(
    KeySchema=[{"AttributeName": "pk", "KeyType": "HASH"}],
    AttributeDefinitions=[{"AttributeName": "pk", "AttributeType": "S"}],
    BillingMode="PAY_PER_REQUEST",
    StreamSpecification={"StreamEnabled": True, "StreamViewType": "NEW_IMAGE"},
)


@pytest.fixture(autouse=True)
def no_credentials(monkeypatch):
    without_aws(monkeypatch)


def new_client(service="dynamodb", **options):
    return aiobotocore_session.get_session().create_client(service, region_name="eu-west-1", **options)


def test_async_client_answers_from_the_simulator_through_its_doubles():
    sim = dynasim.Simulator()

    async def scenario():
        async with sim.async_client() as ddb:
            await ddb.create_table(TableName="orders", **SCHEMA)
            await ddb.put_item(TableName="orders", Item={"pk": {"S": "o-1"}})
            assert (await ddb.get_item(TableName="orders", Key={"pk": {"S": "o-1"}}))["Item"] == {"pk": {"S": "o-1"}}
            with pytest.raises(ddb.exceptions.ResourceNotFoundException):
                await ddb.get_item(TableName="missing", Key={"pk": {"S": "o-1"}})
            # faults are retried by aiobotocore's own retry logic, transport faults included
            sim.inject_fault("PutItem", error="ThrottlingException", times=1)
            sim.inject_fault("GetItem", error="ReadTimeoutError", times=1)
            await ddb.put_item(TableName="orders", Item={"pk": {"S": "o-2"}})
            assert (await ddb.get_item(TableName="orders", Key={"pk": {"S": "o-2"}}))["Item"]
            sim.assert_faults_used()
        sim.inject_fault("Query", error="ReadTimeoutError")
        async with sim.async_client(config=Config(retries={"total_max_attempts": 2})) as ddb:
            with pytest.raises(ReadTimeoutError):
                await ddb.query(TableName="orders", KeyConditionExpression="pk = :p",
                                ExpressionAttributeValues={":p": {"S": "o-1"}})
        assert len(sim.verify_operation("Query", error="ReadTimeoutError")) == 2  # tried, retried once
        async with sim.async_client("dynamodbstreams") as streams:
            assert [s["TableName"] for s in (await streams.list_streams())["Streams"]] == ["orders"]

    asyncio.run(scenario())
    sim.call_log.assert_called("PutItem", table="orders", times=3, front="client")
    assert [call.error_code for call in sim.verify_operation("PutItem")] == [None, "ThrottlingException", None]
    sim.call_log.assert_called_once("ListStreams")


def test_a_call_with_real_latency_runs_off_the_event_loop():
    sim = dynasim.Simulator()
    sim.client().create_table(TableName="orders", **SCHEMA)
    sim.set_latency("PutItem", seconds=0.001)  # really slept: the call must not hold the loop
    started, loop_ran = threading.Event(), threading.Event()
    waited = []

    def consumer(record):  # runs inside the PutItem, before it returns
        started.set()
        waited.append(loop_ran.wait(timeout=5))

    async def other_task():
        for _ in range(5000):  # bounded: the call starts within a few iterations
            if started.is_set():
                loop_ran.set()
                return
            await asyncio.sleep(0.001)

    async def scenario():
        async with sim.async_client() as ddb:
            await asyncio.gather(ddb.put_item(TableName="orders", Item={"pk": {"S": "o-1"}}), other_task())

    with sim.on_stream_record("orders", consumer):
        asyncio.run(scenario())
    assert waited == [True]  # the loop ran another task while the call was in progress
    assert sim.call_log.last.latency == pytest.approx(0.001)


def test_mock_routes_async_clients_made_before_and_inside_it():
    async def scenario():
        # made before the mock, with no credentials at all
        async with new_client() as early, new_client("s3") as s3:
            with dynasim.mock() as sim:
                async with new_client() as inside:
                    await inside.create_table(TableName="orders", **SCHEMA)
                assert (await early.list_tables())["TableNames"] == ["orders"]
                async with new_client("dynamodbstreams") as streams:
                    assert (await streams.list_streams())["Streams"][0]["TableName"] == "orders"
                with pytest.raises(NoCredentialsError):  # other services go their own way
                    await s3.list_buckets()
            with pytest.raises(NoCredentialsError):  # and after the block, so does DynamoDB
                await early.list_tables()
        return sim

    sim = asyncio.run(scenario())
    assert [(call.operation, call.front) for call in sim.call_log] == [
        ("CreateTable", "mock"), ("ListTables", "mock"), ("ListStreams", "mock")
    ]


def test_mock_as_async_context_manager_and_decorator():
    @dynasim.mock()
    async def create_and_count():
        async with new_client() as ddb:
            await ddb.create_table(TableName="fresh", **SCHEMA)
            dynasim.mock.current().call_log.assert_called_once("CreateTable")
            return len((await ddb.list_tables())["TableNames"])

    async def scenario():
        assert await create_and_count() == 1
        assert await create_and_count() == 1  # a fresh simulator per call
        async with dynasim.mock() as sim:
            async with new_client() as ddb:
                await ddb.list_tables()
        sim.call_log.assert_called_once("ListTables")

    asyncio.run(scenario())

    @dynasim.mock()
    def sync_caller():
        async def inner():
            async with new_client() as ddb:
                return await ddb.list_tables()
        return asyncio.run(inner())

    assert sync_caller()["TableNames"] == []


def test_aioboto3_resources_under_mock():
    aioboto3 = pytest.importorskip("aioboto3")

    async def scenario():
        with dynasim.mock() as sim:
            async with aioboto3.Session().resource("dynamodb", region_name="eu-west-1") as resource:
                table = await resource.create_table(TableName="orders", **SCHEMA)
                await table.put_item(Item={"pk": "o-1", "total": 3})
                assert (await table.get_item(Key={"pk": "o-1"}))["Item"]["total"] == 3
        return sim

    sim = asyncio.run(scenario())
    sim.call_log.assert_called_once("PutItem", table="orders", front="mock")


SEARCH = dict(TableName="docs", IndexName="by-embedding", SearchVector=[{"N": "0.25"}, {"N": "-1.5"}], TopK=3)
needs_search_vectors = pytest.mark.skipif(
    "SearchVectors" not in botocore.session.get_session().get_service_model("dynamodb").operation_names,
    reason="the botocore this aiobotocore pins has no SearchVectors in its DynamoDB model",
)


@needs_search_vectors
def test_search_vectors_reaches_the_simulator_not_its_vector_search_endpoint(monkeypatch):
    """SDKs send SearchVectors to a vector-search host (`search-dynamodb.<region>...`); the async
    fronts answer it like any other call. Credentials are set and the network refused, so an escaped
    call would be listed."""
    monkeypatch.setenv("AWS_ACCESS_KEY_ID", "AKIADEVELOPERMACHINE")
    monkeypatch.setenv("AWS_SECRET_ACCESS_KEY", "developer-secret")
    hosts_asked = refuse_network(monkeypatch)
    no_retries = Config(retries={"total_max_attempts": 1})

    async def searched(client, urls=None):
        if urls is not None:
            client.meta.events.register("request-created.dynamodb", lambda request, **_: urls.append(request.url))
        with pytest.raises(client.exceptions.ClientError) as raised:
            await client.search_vectors(**SEARCH)
        return raised.value.response["Error"]["Code"]

    async def scenario():
        sim, urls = dynasim.Simulator(), []
        async with sim.async_client() as ddb:
            assert await searched(ddb) == sim.call_log.last.error_code
        async with new_client(config=no_retries) as early:
            with dynasim.mock() as mocked:
                assert await searched(early, urls) == mocked.call_log.last.error_code
                async with new_client("dynamodb", config=no_retries) as inside:
                    await searched(inside)
        return sim, mocked, urls

    sim, mocked, urls = asyncio.run(scenario())
    assert urls == ["https://search-dynamodb.eu-west-1.amazonaws.com/"]
    assert [(call.operation, call.front) for call in sim.call_log] == [("SearchVectors", "client")]
    assert [(call.operation, call.front) for call in mocked.call_log] == [("SearchVectors", "mock")] * 2
    assert hosts_asked == []


ASYNC_TESTS = """
import pytest
import aiobotocore.session

pytestmark = [MARK, pytest.mark.dynasim_tables({"tables": [{
    "TableName": "orders",
    "KeySchema": [{"AttributeName": "pk", "KeyType": "HASH"}],
    "AttributeDefinitions": [{"AttributeName": "pk", "AttributeType": "S"}],
    "BillingMode": "PAY_PER_REQUEST",
}]})]

async def test_fixture_client(dynasim, dynamodb_async):
    await dynamodb_async.put_item(TableName="orders", Item={"pk": {"S": "o-1"}})
    dynasim.call_log.assert_called_once("PutItem", table="orders", front="client")

async def test_clients_the_code_makes_are_routed(dynasim):
    async with aiobotocore.session.get_session().create_client("dynamodb", region_name="eu-west-1") as ddb:
        assert (await ddb.list_tables())["TableNames"] == ["orders"]
    dynasim.call_log.assert_called_once("ListTables", front="mock")
"""


@pytest.mark.parametrize(
    ("plugin", "mark", "options"),
    [
        ("pytest_asyncio", "pytest.mark.asyncio", ["-p", "no:anyio"]),  # strict mode
        ("anyio", "pytest.mark.anyio", ["-p", "no:asyncio"]),
    ],
)
def test_async_fixture_with_pytest_asyncio_or_anyio(pytester, plugin, mark, options):
    pytest.importorskip(plugin)
    pytester.makepyfile(ASYNC_TESTS.replace("MARK", mark))
    if plugin == "anyio":
        pytester.makeconftest("import pytest\n\n@pytest.fixture\ndef anyio_backend():\n    return 'asyncio'\n")
    result = pytester.runpytest_subprocess("-p", "no:cacheprovider", *options)
    result.assert_outcomes(passed=2)


def test_async_fixture_with_anyio_beside_pytest_asyncio(pytester):
    pytest.importorskip("anyio")
    pytest.importorskip("pytest_asyncio")
    pytester.makepyfile(ASYNC_TESTS.replace("MARK", "pytest.mark.anyio"))
    pytester.makeconftest("import pytest\n\n@pytest.fixture\ndef anyio_backend():\n    return 'asyncio'\n")
    pytester.runpytest_subprocess("-p", "no:cacheprovider").assert_outcomes(passed=2)


NEW_USER_REPOSITORY = {
    "conftest": """
        import os

        import boto3
        import pytest
        from moto import mock_aws

        # as moto's documentation asks: fake credentials before any client is made
        os.environ.update(AWS_ACCESS_KEY_ID="testing", AWS_SECRET_ACCESS_KEY="testing", AWS_DEFAULT_REGION="us-east-1")

        @pytest.fixture
        def s3():
            with mock_aws():
                boto3.client("s3").create_bucket(Bucket="invoices")
                yield
    """,
    "shop/__init__": "",
    "shop/orders": """
        import boto3

        TABLE = boto3.resource("dynamodb").Table("orders")  # made at import time

        def place(order_id, total):
            TABLE.put_item(Item={"pk": order_id, "total": total})
    """,
    "shop/events": """
        import aioboto3

        async def order_count():
            async with aioboto3.Session().resource("dynamodb") as dynamodb:
                table = await dynamodb.Table("orders")
                return (await table.scan(Select="COUNT"))["Count"]
    """,
    "shop/invoices": """
        import boto3

        S3 = boto3.client("s3")  # made at import time, answered by moto

        def store(order_id):
            S3.put_object(Bucket="invoices", Key=order_id, Body=b"invoice")
            return [entry["Key"] for entry in S3.list_objects_v2(Bucket="invoices")["Contents"]]
    """,
    "test_shop": """
        import pytest

        from shop import events, invoices, orders

        pytestmark = pytest.mark.dynasim_tables({"tables": [{
            "TableName": "orders",
            "KeySchema": [{"AttributeName": "pk", "KeyType": "HASH"}],
            "AttributeDefinitions": [{"AttributeName": "pk", "AttributeType": "S"}],
            "BillingMode": "PAY_PER_REQUEST",
        }]})

        @pytest.mark.asyncio
        async def test_checkout(dynasim, s3):
            orders.place("o-1", 12)
            assert await events.order_count() == 1
            assert invoices.store("o-1") == ["o-1"]
            calls = [(call.operation, call.front) for call in dynasim.call_log]
            assert calls == [("PutItem", "mock"), ("Scan", "mock")]

        @pytest.mark.asyncio
        async def test_each_test_has_its_own_tables(dynamodb_async, s3):
            assert (await dynamodb_async.scan(TableName="orders"))["Count"] == 0
            assert await events.order_count() == 0
    """,
}


def test_a_new_users_repository(pytester, monkeypatch):
    """Clients made at import time, aioboto3 in one module and moto for S3, tested with dynasim's
    fixtures. Every DynamoDB endpoint points at a closed local port and is tried once, so a call
    that escaped dynasim would fail at once, on this machine."""
    pytest.importorskip("aioboto3")
    pytest.importorskip("moto")
    pytest.importorskip("pytest_asyncio")
    monkeypatch.setenv("AWS_ENDPOINT_URL_DYNAMODB", "http://127.0.0.1:9")
    monkeypatch.setenv("AWS_MAX_ATTEMPTS", "1")
    write_repository(pytester.path, NEW_USER_REPOSITORY)
    pytester.runpytest_subprocess("-p", "no:cacheprovider").assert_outcomes(passed=2)


def test_async_fixture_against_a_target_endpoint(pytester):
    """With --dynasim-target the async client talks to that endpoint, over HTTP."""
    pytest.importorskip("pytest_asyncio")
    pytester.makepyfile(
        """
        import pytest

        @pytest.mark.asyncio
        async def test_remote(dynamodb_async):
            assert (await dynamodb_async.list_tables())["TableNames"] == ["orders"]
        """
    )
    sim = dynasim.Simulator()
    sim.client().create_table(TableName="orders", **SCHEMA)
    with sim.serve() as server:
        result = pytester.runpytest_subprocess("-p", "no:cacheprovider", f"--dynasim-target={server.url}")
    result.assert_outcomes(passed=1)
    sim.call_log.assert_called_once("ListTables", front="http")


# --- retry delays on the simulator's clock ---------------------------------------------------------

THROTTLE = "ProvisionedThroughputExceededException"
LEGACY_DELAYS = [0.05, 0.1, 0.2]  # legacy mode's DynamoDB back-off: 50 ms, doubling, no jitter


@pytest.fixture
def async_sleeps(monkeypatch):
    """Every asyncio.sleep, recorded and made a bare yield to the loop."""
    slept = []
    original = asyncio.sleep

    async def recorded(seconds, *args, **kwargs):
        slept.append(seconds)
        await original(0)

    monkeypatch.setattr(asyncio, "sleep", recorded)
    return slept


def throttled_gaps(sim, put):
    """Freeze the clock, throttle three PutItems then let one through with `put()`; the gaps between
    the four calls' starts (what the clock was advanced by)."""
    sim.clock.freeze()
    sim.call_log.clear()
    sim.inject_fault("PutItem", error=THROTTLE, times=3)
    asyncio.run(put())
    calls = sim.verify_operation("PutItem")
    assert [call.error_code for call in calls] == [THROTTLE, THROTTLE, THROTTLE, None]
    return [later.start - earlier.start for earlier, later in pairwise(calls)]


def retries(mode):
    return Config(retries={"mode": mode, "max_attempts": 5})


@pytest.mark.parametrize("mode", ["legacy", "standard", "adaptive"])
def test_async_retry_delays_move_the_clock_instead_of_sleeping(async_sleeps, monkeypatch, mode):
    sim = dynasim.Simulator()
    sim.client().create_table(TableName="orders", **SCHEMA)

    def must_not_wait(awaitable, timeout):
        # a wait on the clock is over at once; one that would really wait yields to the loop first
        try:
            awaitable.send(None)
        except StopIteration as finished:
            return asyncio.sleep(0, finished.value)
        raise AssertionError("the adaptive rate limiter really waited")

    # after a throttle, adaptive mode's limiter waits in its token bucket (aiobotocore 2 under
    # asyncio.wait_for; 3 does too, unless the wait is on the clock)
    monkeypatch.setattr(asyncio, "wait_for", must_not_wait)

    async def put():
        async with sim.async_client(config=retries(mode)) as ddb:
            await ddb.put_item(TableName="orders", Item={"pk": {"S": "o-1"}})
            for _ in range(3):  # the limiter keeps pacing calls after throttles: on the clock too
                await ddb.get_item(TableName="orders", Key={"pk": {"S": "o-1"}})

    gaps = throttled_gaps(sim, put)
    assert all(gap > 0 for gap in gaps)
    if mode == "legacy":
        assert gaps == pytest.approx(LEGACY_DELAYS, abs=1e-6)
    assert [seconds for seconds in async_sleeps if seconds > 0] == []


def test_async_clients_routed_by_mock_back_off_on_its_clock(async_sleeps):
    async def put():
        async with new_client(config=retries("legacy")) as ddb:
            await ddb.put_item(TableName="orders", Item={"pk": {"S": "o-1"}})

    with dynasim.mock() as sim:
        sim.client().create_table(TableName="orders", **SCHEMA)
        assert throttled_gaps(sim, put) == pytest.approx(LEGACY_DELAYS, abs=1e-6)
    assert [seconds for seconds in async_sleeps if seconds > 0] == []


def test_async_retry_delays_are_slept_with_the_switch_off(async_sleeps):
    sim = dynasim.Simulator(virtual_retry_delays=False)
    sim.client().create_table(TableName="orders", **SCHEMA)

    async def put():
        async with sim.async_client(config=retries("legacy")) as ddb:
            await ddb.put_item(TableName="orders", Item={"pk": {"S": "o-1"}})

    assert throttled_gaps(sim, put) == [0, 0, 0]
    assert [seconds for seconds in async_sleeps if seconds > 0] == LEGACY_DELAYS
