"""dynasim.integration: OpenTelemetry spans (when installed) and retried transaction conflicts."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

import pytest
from botocore.exceptions import ClientError

from dynasim.integration import (
    DynamoDbConfig,
    Key,
    RetryConfig,
    TransactionCanceledError,
    UpdateExpression,
)

pytest_plugins = ["integration_clients"]

if TYPE_CHECKING:
    from integration_clients import ClientMaker, Sleeps


@pytest.fixture(scope="module")
def exporter() -> Any:
    pytest.importorskip("opentelemetry.sdk")
    from opentelemetry import trace
    from opentelemetry.sdk.trace import TracerProvider
    from opentelemetry.sdk.trace.export import SimpleSpanProcessor
    from opentelemetry.sdk.trace.export.in_memory_span_exporter import InMemorySpanExporter

    memory = InMemorySpanExporter()
    provider = TracerProvider()
    provider.add_span_processor(SimpleSpanProcessor(memory))
    trace.set_tracer_provider(provider)
    if trace.get_tracer_provider() is not provider:
        pytest.skip("another tracer provider is already installed")
    return memory


def test_each_call_is_a_span(exporter: Any, make_client: ClientMaker) -> None:
    exporter.clear()
    table = make_client().table("app")
    table.put_item({"PK": "a", "SK": "b"})
    with pytest.raises(Exception, match="conditional"):
        table.put_item({"PK": "a", "SK": "b"}, _if_absent())
    spans = exporter.get_finished_spans()
    assert [s.name for s in spans] == ["dynamodb.put_item", "dynamodb.put_item"]
    assert spans[0].attributes["db.system"] == "dynamodb"
    assert tuple(spans[0].attributes["aws.dynamodb.table_names"]) == ("app",)
    assert spans[1].attributes["aws.dynamodb.error_code"] == "ConditionalCheckFailedException"
    assert not spans[1].status.is_ok


def _if_absent() -> Any:
    from dynasim.integration import PutItemOptions

    return PutItemOptions.if_not_exists()


def _cancelled(*codes: str) -> ClientError:
    return ClientError(
        {
            "Error": {"Code": "TransactionCanceledException", "Message": "Transaction cancelled"},
            "CancellationReasons": [{"Code": c} for c in codes],
            "ResponseMetadata": {"HTTPStatusCode": 400},
        },
        "TransactWriteItems",
    )


class ConflictingClient:
    class meta:
        region_name = "stub"
        endpoint_url = None

    def __init__(self, errors: list[ClientError]) -> None:
        self.errors = errors
        self.calls = 0

    def transact_write_items(self, **request: Any) -> dict[str, Any]:
        self.calls += 1
        if self.errors:
            raise self.errors.pop(0)
        return {}


class AsyncConflictingClient(ConflictingClient):
    async def transact_write_items(self, **request: Any) -> dict[str, Any]:  # type: ignore[override]
        return super().transact_write_items(**request)


def test_transaction_conflicts_are_retried_condition_failures_are_not(
    make_client: ClientMaker, sleeps: Sleeps
) -> None:
    stubs = ConflictingClient if make_client.kind == "sync" else AsyncConflictingClient  # type: ignore[attr-defined]
    stub = stubs([_cancelled("None", "TransactionConflict"), _cancelled("TransactionConflict", "None")])
    client = make_client(raw=stub)
    client.transaction().update("t", Key("a", "b"), UpdateExpression().increment("n")).delete(
        "t", Key("c", "d")
    ).execute()
    assert stub.calls == 3 and len(sleeps) == 2

    stub = stubs([_cancelled("ConditionalCheckFailed", "TransactionConflict")])
    client = make_client(DynamoDbConfig(retry=RetryConfig(max_attempts=5)), raw=stub)
    with pytest.raises(TransactionCanceledError) as info:
        client.transaction().delete("t", Key("a", "b")).delete("t", Key("c", "d")).execute()
    assert stub.calls == 1
    assert [r.code for r in info.value.reasons] == ["ConditionalCheckFailed", "TransactionConflict"]
