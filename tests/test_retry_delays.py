"""Retry delays on the simulator's clock: while a simulator answers a client, botocore's back-off (legacy,
standard and adaptive modes, adaptive's rate limiter included) and the integration client's back-off
advance `sim.clock` instead of sleeping; `virtual_retry_delays=False` makes them sleep again, and
clients no simulator answers always sleep.

`time.sleep` is recorded, never slept, and each simulator's clock is frozen, so the gaps between the
logged calls' starts are exactly what the clock was advanced by."""

from __future__ import annotations

import json
import random
import threading
import time
from itertools import pairwise
from typing import Any

import boto3
import pytest
from botocore.awsrequest import AWSResponse
from botocore.config import Config

import dynasim
from dynasim.fronts.retry_delays import on_clock
from dynasim.integration import (
    CircuitBreakerConfig,
    CircuitOpenError,
    DynamoDbClient,
    DynamoDbConfig,
    DynamoDbError,
    RetryConfig,
)

THROTTLE = "ProvisionedThroughputExceededException"
ITEM = {"pk": {"S": "a"}}
SEED = 1203
# legacy mode's DynamoDB back-off: 50 ms, doubling, no jitter
LEGACY_DELAYS = [0.05, 0.1, 0.2]
NO_BOTOCORE_RETRIES = Config(retries={"mode": "standard", "total_max_attempts": 1})


def exactly(seconds: Any) -> Any:
    # starts are seconds since the epoch: their differences are good to about a microsecond
    return pytest.approx(seconds, abs=1e-6)


def new_client(**options: Any) -> Any:
    """A DynamoDB client of its own session: boto3's default one would keep the credentials the
    mock sets for later tests."""
    return boto3.session.Session().client("dynamodb", region_name="eu-west-1", **options)


def retries(mode: str) -> Config:
    return Config(retries={"mode": mode, "max_attempts": 5})


@pytest.fixture
def sleeps(monkeypatch: pytest.MonkeyPatch) -> list[float]:
    """Every time.sleep, recorded instead of slept."""
    slept: list[float] = []
    monkeypatch.setattr(time, "sleep", slept.append)
    return slept


@pytest.fixture(autouse=True)
def no_aws(monkeypatch: pytest.MonkeyPatch) -> None:
    """No credentials nor endpoint: a call that escaped the simulator would fail, not reach AWS."""
    for name in (
        "AWS_ACCESS_KEY_ID",
        "AWS_SECRET_ACCESS_KEY",
        "AWS_SESSION_TOKEN",
        "AWS_PROFILE",
        "AWS_ENDPOINT_URL",
        "AWS_ENDPOINT_URL_DYNAMODB",
    ):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("AWS_SHARED_CREDENTIALS_FILE", "/nonexistent")
    monkeypatch.setenv("AWS_CONFIG_FILE", "/nonexistent")
    monkeypatch.setenv("AWS_EC2_METADATA_DISABLED", "true")


def prepared(sim: dynasim.Simulator) -> dynasim.Simulator:
    sim.client().create_table(
        TableName="orders",
        KeySchema=[{"AttributeName": "pk", "KeyType": "HASH"}],
        AttributeDefinitions=[{"AttributeName": "pk", "AttributeType": "S"}],
        BillingMode="PAY_PER_REQUEST",
    )
    sim.call_log.clear()
    sim.clock.freeze()
    return sim


def throttled_three_times(sim: dynasim.Simulator, put: Any) -> list[float]:
    """Throttle three PutItems, then let one through; the gaps between the four calls' starts."""
    sim.inject_fault("PutItem", error=THROTTLE, times=3)
    random.seed(SEED)  # the jitter of botocore's standard back-off
    put()
    calls = sim.verify_operation("PutItem")
    assert [call.error_code for call in calls] == [THROTTLE, THROTTLE, THROTTLE, None]
    return gaps(calls)


def gaps(calls: list[Any]) -> list[float]:
    """How much later each call started than the one before, on the simulator's clock."""
    return [later.start - earlier.start for earlier, later in pairwise(calls)]


def put_with(client: Any) -> Any:
    return lambda: client.put_item(TableName="orders", Item=ITEM)


def positive(sleeps: list[float]) -> list[float]:
    # botocore sleeps 0 s before a retry whose delay went on the clock
    return [seconds for seconds in sleeps if seconds > 0]


# --- sim.client() in each retry mode -----------------------------------------------------------


def test_legacy_back_off_moves_the_clock_and_nothing_sleeps(sleeps: list[float]) -> None:
    sim = prepared(dynasim.Simulator())
    assert throttled_three_times(sim, put_with(sim.client(config=retries("legacy")))) == exactly(LEGACY_DELAYS)
    assert positive(sleeps) == []


@pytest.mark.parametrize("mode", ["legacy", "standard"])
def test_the_clock_moves_by_the_delays_botocore_sleeps_with_the_switch_off(sleeps: list[float], mode: str) -> None:
    real = prepared(dynasim.Simulator(virtual_retry_delays=False))
    assert throttled_three_times(real, put_with(real.client(config=retries(mode)))) == [0, 0, 0]
    slept = positive(sleeps)
    assert len(slept) == 3
    sleeps.clear()

    virtual = prepared(dynasim.Simulator())
    assert throttled_three_times(virtual, put_with(virtual.client(config=retries(mode)))) == exactly(slept)
    assert positive(sleeps) == []


def test_adaptive_back_off_and_rate_limiter_wait_on_the_clock(
    sleeps: list[float], monkeypatch: pytest.MonkeyPatch
) -> None:
    standard = prepared(dynasim.Simulator())
    backoff = throttled_three_times(standard, put_with(standard.client(config=retries("standard"))))

    def really_waited(*args: Any, **kwargs: Any) -> bool:
        raise AssertionError("the adaptive rate limiter really waited")

    # after a throttle the limiter waits in its token bucket (a condition), not in time.sleep
    monkeypatch.setattr(threading.Condition, "wait", really_waited)
    adaptive = prepared(dynasim.Simulator())
    ddb = adaptive.client(config=retries("adaptive"))
    waits = throttled_three_times(adaptive, put_with(ddb))
    # the same back-off as standard mode (the same jitter), and the limiter's waits on top
    assert all(wait >= delay for wait, delay in zip(waits, backoff, strict=True))
    assert sum(waits) > sum(backoff)
    assert positive(sleeps) == []
    for _ in range(5):  # the limiter keeps pacing calls after throttles: on the clock too
        ddb.get_item(TableName="orders", Key=ITEM)


def test_the_switch_is_a_settable_attribute_read_at_every_retry(sleeps: list[float]) -> None:
    sim = prepared(dynasim.Simulator())
    ddb = sim.client(config=retries("legacy"))
    sim.virtual_retry_delays = False
    assert throttled_three_times(sim, put_with(ddb)) == [0, 0, 0]
    assert positive(sleeps) == LEGACY_DELAYS
    sim.call_log.clear()
    sleeps.clear()
    sim.virtual_retry_delays = True
    assert throttled_three_times(sim, put_with(ddb)) == exactly(LEGACY_DELAYS)
    assert positive(sleeps) == []


def test_transport_faults_back_off_on_the_clock(sleeps: list[float]) -> None:
    sim = prepared(dynasim.Simulator())
    sim.inject_fault("GetItem", error=["EndpointConnectionError", "ReadTimeoutError", "ConnectionClosedError"])
    response = sim.client(config=retries("legacy")).get_item(TableName="orders", Key=ITEM)
    assert response["ResponseMetadata"]["RetryAttempts"] == 3
    assert gaps(sim.verify_operation("GetItem")) == exactly(LEGACY_DELAYS)
    assert positive(sleeps) == []


def test_threads_sharing_a_simulator_each_back_off_on_its_clock(sleeps: list[float]) -> None:
    sim = prepared(dynasim.Simulator())
    ddb = sim.client(config=retries("legacy"))
    keys = [f"k{n}" for n in range(4)]
    for key in keys:
        sim.inject_fault("PutItem", error=THROTTLE, times=3, match={"Item": {"pk": {"S": key}}})
    start = sim.clock.now()
    failures: list[BaseException] = []

    def put(key: str) -> None:
        try:
            ddb.put_item(TableName="orders", Item={"pk": {"S": key}})
        except BaseException as error:
            failures.append(error)

    threads = [threading.Thread(target=put, args=(key,)) for key in keys]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)
    assert failures == [] and not any(thread.is_alive() for thread in threads)
    assert len(sim.verify_operation("PutItem", error=THROTTLE)) == 12
    # each thread's three back-offs went on the shared clock
    assert sim.clock.now() - start == exactly(len(keys) * sum(LEGACY_DELAYS))
    assert positive(sleeps) == []


# --- dynasim.mock() ----------------------------------------------------------------------------


def test_clients_routed_by_mock_back_off_on_its_clock(sleeps: list[float]) -> None:
    made_before = new_client(config=retries("legacy"))
    with dynasim.mock() as sim:
        prepared(sim)
        made_inside = new_client(config=retries("standard"))
        assert throttled_three_times(sim, put_with(made_before)) == exactly(LEGACY_DELAYS)
        sim.call_log.clear()
        assert all(gap > 0 for gap in throttled_three_times(sim, put_with(made_inside)))
    assert positive(sleeps) == []


def test_mock_passes_the_switch_to_the_simulator_it_makes(sleeps: list[float]) -> None:
    with dynasim.mock(virtual_retry_delays=False) as sim:
        assert sim.virtual_retry_delays is False
        prepared(sim)
        ddb = new_client(config=retries("legacy"))
        assert throttled_three_times(sim, put_with(ddb)) == [0, 0, 0]
    assert positive(sleeps) == LEGACY_DELAYS

    @dynasim.mock(virtual_retry_delays=False)
    def decorated() -> bool:
        current = dynasim.mock.current()
        return current is not None and current.virtual_retry_delays

    assert decorated() is False
    with pytest.raises(ValueError, match="virtual_retry_delays"):
        dynasim.mock(dynasim.Simulator(), virtual_retry_delays=False)


# --- clients no simulator answers ----------------------------------------------------------------


def throttling_service(client: Any) -> list[int]:
    """Answer every request of `client` with a throttle, as a real service would (no simulator)."""
    answered: list[int] = []
    body = json.dumps({"__type": f"com.amazonaws.dynamodb.v20120810#{THROTTLE}", "message": "slow down"})

    def throttle(request: Any, **_: Any) -> AWSResponse:
        answered.append(1)
        return _response(request.url, body)

    client.meta.events.register("before-send.dynamodb", throttle)
    return answered


class _Raw:
    def __init__(self, body: str) -> None:
        self._body = body.encode()

    def stream(self, **_: Any) -> Any:
        yield self._body


def _response(url: str, body: str) -> AWSResponse:
    return AWSResponse(url, 400, {"x-amzn-RequestId": "r"}, _Raw(body))


def real_client() -> Any:
    return new_client(config=retries("legacy"), aws_access_key_id="k", aws_secret_access_key="s")


def assert_sleeps_for_real(client: Any, sleeps: list[float]) -> None:
    answered = throttling_service(client)
    sleeps.clear()
    with pytest.raises(client.exceptions.ProvisionedThroughputExceededException):
        client.put_item(TableName="orders", Item=ITEM)
    assert len(answered) == 6  # legacy mode's max_attempts=5 retries
    assert positive(sleeps) == [0.05 * 2**n for n in range(5)]


def test_a_client_beside_a_simulators_sleeps_for_real(sleeps: list[float]) -> None:
    sim = prepared(dynasim.Simulator())
    assert throttled_three_times(sim, put_with(sim.client(config=retries("legacy")))) == exactly(LEGACY_DELAYS)
    assert_sleeps_for_real(real_client(), sleeps)


def test_a_client_routed_by_a_mock_that_ended_sleeps_for_real(sleeps: list[float]) -> None:
    routed = real_client()
    with dynasim.mock() as sim:
        prepared(sim)
        assert throttled_three_times(sim, put_with(routed)) == exactly(LEGACY_DELAYS)
    assert_sleeps_for_real(routed, sleeps)


# --- the integration client ---------------------------------------------------------------------


def integration_put(client: DynamoDbClient) -> Any:
    return lambda: client.call("PutItem", {"TableName": "orders", "Item": ITEM}, ["orders"])


INTEGRATION = DynamoDbConfig(retry=RetryConfig(max_attempts=5))


def test_integration_client_backs_off_on_the_simulators_clock(sleeps: list[float]) -> None:
    real = prepared(dynasim.Simulator(virtual_retry_delays=False))
    client = DynamoDbClient.from_boto3(real.client(config=NO_BOTOCORE_RETRIES), INTEGRATION, rng=lambda: 1.0)
    assert throttled_three_times(real, integration_put(client)) == [0, 0, 0]
    slept = positive(sleeps)
    assert len(slept) == 3
    sleeps.clear()

    virtual = prepared(dynasim.Simulator())
    client = DynamoDbClient.from_boto3(virtual.client(config=NO_BOTOCORE_RETRIES), INTEGRATION, rng=lambda: 1.0)
    assert throttled_three_times(virtual, integration_put(client)) == exactly(slept)
    assert positive(sleeps) == []

    with dynasim.mock() as sim:
        prepared(sim)
        routed = new_client(config=NO_BOTOCORE_RETRIES)
        client = DynamoDbClient.from_boto3(routed, INTEGRATION, rng=lambda: 1.0)
        assert throttled_three_times(sim, integration_put(client)) == exactly(slept)
    assert positive(sleeps) == []


def test_integration_circuit_breaker_times_out_on_the_simulators_clock(sleeps: list[float]) -> None:
    sim = prepared(dynasim.Simulator())
    config = DynamoDbConfig(
        retry=RetryConfig(max_attempts=0), circuit_breaker=CircuitBreakerConfig(failure_threshold=1, reset_timeout=30)
    )
    client = DynamoDbClient.from_boto3(sim.client(config=NO_BOTOCORE_RETRIES), config)
    sim.inject_fault("PutItem", error=THROTTLE, times=1)
    with pytest.raises(DynamoDbError):
        integration_put(client)()
    with pytest.raises(CircuitOpenError):
        integration_put(client)()
    sim.advance(30)  # the reset timeout passes on the simulator's clock, not the wall's
    integration_put(client)()
    assert client.circuit_breaker.state == "closed"


# --- the pytest plugin's fixtures ---------------------------------------------------------------------


def test_clients_of_a_test_using_the_plugins_fixtures_back_off_on_its_clock(
    request: pytest.FixtureRequest, sleeps: list[float]
) -> None:
    sim = prepared(request.getfixturevalue("dynasim"))
    fixture_client = request.getfixturevalue("dynamodb")
    code_under_test = new_client(config=retries("legacy"))
    assert throttled_three_times(sim, put_with(code_under_test)) == exactly(LEGACY_DELAYS)
    sim.call_log.clear()
    assert all(gap > 0 for gap in throttled_three_times(sim, put_with(fixture_client)))
    assert positive(sleeps) == []


# --- waits that loop until the clock moves ------------------------------------------------------------


def test_the_shortest_wait_still_moves_a_frozen_epoch_clock() -> None:
    sim = dynasim.Simulator()
    sim.clock.freeze(at=4e9)  # seconds since the epoch: a step of a nanosecond is lost in rounding
    before = sim.clock.now()
    assert on_clock(sim, 1e-9)
    assert sim.clock.now() > before


def test_the_adaptive_token_bucket_finds_its_token_however_little_it_lacks() -> None:
    sim = dynasim.Simulator()
    sim.clock.freeze(at=4e9)
    ddb = sim.client(config=retries("adaptive"))
    limiter = next(
        handler.__self__
        for handler in ddb.meta.events._emitter._handlers.prefix_search("before-send")
        if getattr(handler, "__name__", None) == "on_sending_request"
    )
    bucket = limiter._token_bucket
    bucket.acquire()  # starts the bucket's time
    bucket._current_capacity = 1 - 2**-52  # a wait of some 1e-16 s: far below the clock's resolution
    acquiring = threading.Thread(target=bucket.acquire, daemon=True)
    acquiring.start()
    acquiring.join(timeout=10)
    assert not acquiring.is_alive(), "the token bucket waited forever for a clock that did not move"
