"""`dynasim.record(path)`: write every DynamoDB and DynamoDB Streams call to a cassette.

It listens on botocore's `before-call` (the request, serialized to DynamoDB's JSON wire form,
before it is signed) and `after-call` / `after-call-error` (the raw response body, HTTP status
and error) of each client. Inside `with record(path):` every DynamoDB and DynamoDB Streams client
created (directly, by a resource or by another session) is recorded, through a patch of botocore's
`ClientCreator.create_client`; `record(path, client=...)` records one existing client. Nothing
about the calls changes: the clients still talk to wherever they talked to before.
"""

from __future__ import annotations

import functools
import json
import threading
import time
from collections.abc import Callable, Iterable
from pathlib import Path
from typing import Any, TypeVar

from botocore.client import ClientCreator

from dynasim.recording import cassette
from dynasim.recording.redaction import Redactor, Rule

F = TypeVar("F", bound=Callable[..., Any])

RECORDED_SERVICES = ("dynamodb", "dynamodb-streams")
_CONTEXT_KEY = "dynasim_record_start"

_lock = threading.Lock()
_active: list[record] = []  # innermost last
_original_create_client = ClientCreator.create_client


def _recording_create_client(creator: ClientCreator, *args: Any, **kwargs: Any) -> Any:
    client = _original_create_client(creator, *args, **kwargs)
    recorder = _active[-1] if _active else None
    if recorder is not None and _service_of(client) in RECORDED_SERVICES:
        recorder.attach(client)
    return client


def _service_of(client: Any) -> str:
    return str(client.meta.service_model.service_id.hyphenize())


def error_of(status: int, body: dict[str, Any]) -> dict[str, Any]:
    """{code, message, status} from a DynamoDB error body (`__type` is `namespace#Code`)."""
    code = str(body.get("__type", "")).rpartition("#")[2] or "UnknownError"
    message = body.get("message", body.get("Message", ""))
    error: dict[str, Any] = {"code": code, "message": message, "status": status}
    details = {k: v for k, v in body.items() if k not in ("__type", "message", "Message")}
    if details:  # say, the CancellationReasons of a cancelled transaction
        error["details"] = details
    return error


class record:
    """Context manager and decorator recording DynamoDB calls to a JSON-lines cassette.

    `redact`: rules for attribute values (attribute names, `Redact(...)` or callbacks; see
    `dynasim.recording.redaction`); `salt`: mixed into hashes (not written to the cassette).
    As a decorator, each call of the function rewrites the cassette.
    """

    def __init__(
        self,
        path: str | Path,
        *,
        client: Any = None,
        redact: Iterable[Rule] = (),
        salt: str | bytes = b"",
    ) -> None:
        self.path = Path(path)
        self._client = client
        self._rules = list(redact)
        self._salt = salt
        self._writer: cassette.Writer | None = None
        self._redactor = Redactor(self._rules, salt)
        self._attached: list[tuple[Any, list[tuple[str, Callable[..., Any]]]]] = []
        self.calls = 0

    def __enter__(self) -> record:
        if self._client is not None and _service_of(self._client) not in RECORDED_SERVICES:
            raise ValueError(
                f"record(client=...) takes a DynamoDB or DynamoDB Streams client, not {_service_of(self._client)}"
            )
        self._redactor = Redactor(self._rules, self._salt)
        self._writer = cassette.Writer(self.path, cassette.header(time.time(), self._redactor.describe()))
        self.calls = 0
        if self._client is not None:
            self.attach(self._client)
        else:
            with _lock:
                if not _active:
                    ClientCreator.create_client = _recording_create_client  # type: ignore[method-assign]
                _active.append(self)
        return self

    def __exit__(self, *exc: object) -> None:
        if self._client is None:
            with _lock:
                _active.remove(self)
                if not _active:
                    ClientCreator.create_client = _original_create_client  # type: ignore[method-assign]
        for client, handlers in self._attached:
            for event, handler in handlers:
                client.meta.events.unregister(event, handler)
        self._attached.clear()
        if self._writer is not None:
            self._writer.close()
            self._writer = None

    def __call__(self, func: F) -> F:
        @functools.wraps(func)
        def wrapper(*args: Any, **kwargs: Any) -> Any:
            with record(self.path, client=self._client, redact=self._rules, salt=self._salt):
                return func(*args, **kwargs)

        return wrapper  # type: ignore[return-value]

    # --- the botocore handlers ----------------------------------------------------------------

    def attach(self, client: Any) -> Any:
        """Record `client`'s calls until the recording ends."""
        service = _service_of(client)
        region = client.meta.region_name

        def before_call(params: dict[str, Any], model: Any, context: dict[str, Any], **_: Any) -> None:
            context[_CONTEXT_KEY] = (time.time(), time.perf_counter(), params.get("body"), model.name)

        def after_call(http_response: Any, parsed: dict[str, Any], context: dict[str, Any], **_: Any) -> None:
            started = context.pop(_CONTEXT_KEY, None)
            if started is None:
                return
            status = http_response.status_code
            try:
                body = json.loads(http_response.content or b"{}")
            except ValueError:
                body = {"__type": "#UnparseableResponse", "message": repr(http_response.content[:200])}
            if status >= 300:
                error = error_of(status, body)
                if "details" in error:
                    error["details"] = self._redactor.document(error["details"])
                self._write(service, region, started, status, None, error)
            else:
                self._write(service, region, started, status, body, None)

        def after_call_error(exception: BaseException, context: dict[str, Any], **_: Any) -> None:
            started = context.pop(_CONTEXT_KEY, None)
            if started is not None:
                error = {"code": type(exception).__name__, "message": str(exception), "status": None}
                self._write(service, region, started, None, None, error)

        handlers: list[tuple[str, Callable[..., Any]]] = [
            (f"before-call.{service}", before_call),
            (f"after-call.{service}", after_call),
            (f"after-call-error.{service}", after_call_error),
        ]
        for event, handler in handlers:
            client.meta.events.register(event, handler)
        self._attached.append((client, handlers))
        return client

    def _write(
        self,
        service: str,
        region: str | None,
        started: tuple[float, float, Any, str],
        status: int | None,
        response: dict[str, Any] | None,
        error: dict[str, Any] | None,
    ) -> None:
        writer = self._writer
        if writer is None:
            return
        wall, perf, body, operation = started
        duration_ms = round((time.perf_counter() - perf) * 1000, 3)
        if isinstance(body, (bytes, bytearray)):
            body = body.decode("utf-8")
        request = json.loads(body) if body else {}
        interaction = cassette.Interaction(
            seq=0,
            service=service,
            operation=operation,
            request=self._redactor.document(request),
            status=status,
            response=self._redactor.document(response),
            error=error,
            duration_ms=duration_ms,
            timestamp=cassette.utc_timestamp(wall),
            region=region,
        )
        writer.append(interaction)
        self.calls += 1
