"""Typed exceptions for the high-level client, mapped from DynamoDB's error codes."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any


class DynamoDbError(Exception):
    """Base of every error the high-level client raises. `code` is DynamoDB's error code (or a
    local one such as ``CircuitOpen``), `operation` the DynamoDB operation, `response` botocore's
    parsed error response when there was one."""

    def __init__(
        self,
        message: str,
        *,
        code: str | None = None,
        operation: str | None = None,
        response: dict[str, Any] | None = None,
    ) -> None:
        super().__init__(message)
        self.message = message
        self.code = code
        self.operation = operation
        self.response = response

    retryable = False


class ValidationError(DynamoDbError):
    """ValidationException, or a request refused before it was sent."""


class TooManyItemsError(ValidationError):
    def __init__(self, count: int, limit: int, operation: str | None = None) -> None:
        super().__init__(f"{count} items given, at most {limit} allowed", code="TooManyItems", operation=operation)
        self.count = count
        self.limit = limit


class ConditionalCheckFailedError(DynamoDbError):
    """ConditionalCheckFailedException; `item` is the item as it was (a dict of Python values),
    when the options asked for it (ReturnValuesOnConditionCheckFailure)."""

    def __init__(self, *args: Any, item: dict[str, Any] | None = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.item = item


@dataclass(frozen=True)
class CancellationReason:
    code: str  # "None" for an action that did not cause the cancellation
    message: str | None = None
    item: dict[str, Any] | None = None  # wire form, when ReturnValuesOnConditionCheckFailure=ALL_OLD


class TransactionCanceledError(DynamoDbError):
    """TransactionCanceledException; `reasons` holds one CancellationReason per action, in order."""

    def __init__(self, *args: Any, reasons: list[CancellationReason] | None = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.reasons = reasons or []

    @property
    def retryable(self) -> bool:  # type: ignore[override]
        """Only conflicts and throttling cancelled it (no condition failed): safe to send again."""
        codes = {r.code for r in self.reasons} - {"None"}
        return bool(codes) and codes <= RETRYABLE_CANCELLATION_CODES


class ResourceNotFoundError(DynamoDbError):
    pass


class ThrottlingError(DynamoDbError):
    """ProvisionedThroughputExceededException, ThrottlingException, RequestLimitExceeded."""

    retryable = True


class TransactionConflictError(DynamoDbError):
    retryable = True


class ServiceError(DynamoDbError):
    """InternalServerError, ServiceUnavailable and other server-side failures."""

    retryable = True


class TransportError(DynamoDbError):
    """The request or its answer was lost: timeouts, refused or closed connections."""

    retryable = True


class CircuitOpenError(DynamoDbError):
    """The client's circuit breaker is open: the call was not attempted."""


class BatchIncompleteError(DynamoDbError):
    """A batch still had unprocessed entries when its attempts ran out; `unprocessed` holds them
    (wire form: keys for BatchGetItem, write requests for BatchWriteItem)."""

    def __init__(self, *args: Any, unprocessed: list[dict[str, Any]] | None = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.unprocessed = unprocessed or []


class MappingError(DynamoDbError):
    """An item could not be converted to or from the requested Python type."""


RETRYABLE_CANCELLATION_CODES = frozenset({"TransactionConflict", "ThrottlingError", "ProvisionedThroughputExceeded"})
THROTTLING_CODES = frozenset({"ProvisionedThroughputExceededException", "ThrottlingException", "RequestLimitExceeded"})
SERVER_CODES = frozenset({"InternalServerError", "ServiceUnavailable", "InternalFailure"})

_BY_CODE: dict[str, type[DynamoDbError]] = {
    "ValidationException": ValidationError,
    "ConditionalCheckFailedException": ConditionalCheckFailedError,
    "TransactionCanceledException": TransactionCanceledError,
    "ResourceNotFoundException": ResourceNotFoundError,
    "TransactionConflictException": TransactionConflictError,
    **{code: ThrottlingError for code in THROTTLING_CODES},
    **{code: ServiceError for code in SERVER_CODES},
}


def from_client_error(exc: Any, operation: str | None = None) -> DynamoDbError:
    """The typed exception for a botocore ClientError."""
    response = getattr(exc, "response", {}) or {}
    error = response.get("Error", {})
    code = error.get("Code", "Unknown")
    message = error.get("Message", str(exc))
    status = response.get("ResponseMetadata", {}).get("HTTPStatusCode", 0)
    cls = _BY_CODE.get(code)
    if cls is None:
        cls = ServiceError if status >= 500 else DynamoDbError
    kwargs: dict[str, Any] = {"code": code, "operation": operation, "response": response}
    if cls is TransactionCanceledError:
        kwargs["reasons"] = [
            CancellationReason(r.get("Code", "None"), r.get("Message"), r.get("Item"))
            for r in response.get("CancellationReasons", [])
        ]
    elif cls is ConditionalCheckFailedError and response.get("Item"):
        from dynasim.integration.mapping import from_item

        kwargs["item"] = from_item(response["Item"])
    return cls(message, **kwargs)
