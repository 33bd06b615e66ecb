"""The in-process boto3 front: real botocore clients whose HTTP send is answered by a simulator.

botocore's `before-send` event fires after parameter validation, serialization and signing, and
whatever a handler returns is parsed as the HTTP response. So the user's client is the real one,
with botocore's retries, parsing and exception classes, and nothing reaches the network.
"""

from __future__ import annotations

import io
import threading
from collections.abc import Iterator
from typing import TYPE_CHECKING, Any

import boto3
import botocore.session
from botocore import handlers
from botocore.awsrequest import AWSPreparedRequest, AWSResponse
from botocore.config import Config
from botocore.exceptions import ConnectionClosedError, EndpointConnectionError, ReadTimeoutError
from botocore.validate import ParamValidationDecorator

from dynasim.doubles.faults import TransportFault
from dynasim.fronts import retry_delays
from dynasim.fronts.protocol import respond

if TYPE_CHECKING:
    from dynasim.simulator import Simulator

# Credentials for the simulator's clients: requests are signed as usual but never leave.
FAKE_CREDENTIALS = {"aws_access_key_id": "dynasim", "aws_secret_access_key": "dynasim"}

# One botocore session loads each service model once; sessions are not thread-safe, so client
# creation takes a lock (the clients themselves are).
_session: boto3.session.Session | None = None
_session_lock = threading.Lock()


class _Body(io.BytesIO):
    """The raw body botocore reads a response from."""

    def stream(self, **_: Any) -> Iterator[bytes]:
        yield self.getvalue()


def answer(
    simulator: Simulator, request: AWSPreparedRequest, front: str = "client", typed: bool = False
) -> AWSResponse:
    """The HTTP response the simulator gives to one prepared botocore request (`typed`: see
    `Simulator.handle`)."""
    status, headers, payload = reply(simulator, request, front, typed)
    return http_response(request.url, status, headers, payload)


def http_response(url: str, status: int, headers: dict[str, str], payload: bytes) -> AWSResponse:
    """An HTTP response botocore parses as if it had come over the network (what a `before-send`
    handler returns)."""
    return AWSResponse(url, status, headers, _Body(payload))


def reply(
    simulator: Simulator, request: AWSPreparedRequest, front: str, typed: bool = False
) -> tuple[int, dict[str, str], bytes]:
    """(status, headers, body) of the simulator's answer to one prepared botocore request, for
    the synchronous and the asynchronous fronts alike. An injected transport fault is raised as
    botocore's own exception: botocore (and aiobotocore) catch it where they send
    (`Endpoint._do_get_response`) and retry exactly as for a real network error."""
    try:
        return respond(
            simulator,
            request.headers.get("X-Amz-Target"),
            request.body,
            front=front,
            content_encoding=request.headers.get("Content-Encoding"),
            typed=typed,
        )
    except TransportFault as fault:
        raise _botocore_error(fault, request.url) from None


def _botocore_error(fault: TransportFault, url: str) -> Exception:
    if fault.kind == "EndpointConnectionError":
        return EndpointConnectionError(endpoint_url=url, error=fault)
    if fault.kind == "ReadTimeoutError":
        return ReadTimeoutError(endpoint_url=url, error=fault)
    return ConnectionClosedError(endpoint_url=url, error=fault)


def _shared_session() -> boto3.session.Session:
    global _session
    if _session is None:
        _session = boto3.session.Session(botocore_session=without_other_stubs(botocore.session.Session()))
    return _session


def without_other_stubs(session: botocore.session.Session) -> botocore.session.Session:
    """A session for the simulator's own clients. Libraries that answer every client at
    `before-send` (moto's stubber) add their handler to botocore's built-in ones; botocore runs
    every handler of an event, so theirs would act on each request too (moto would create the
    table the simulator creates). botocore itself has no `before-send` handler."""
    for spec in handlers.BUILTIN_HANDLERS:
        if spec[0].startswith("before-send"):
            session.unregister(spec[0], spec[1])
    return session


def attach(simulator: Simulator, client: Any) -> Any:
    """Route a botocore client's requests to `simulator`, its retry delays on the simulator's clock."""

    typed = checks_types(client)

    def before_send(request: AWSPreparedRequest, **_: Any) -> AWSResponse:
        return answer(simulator, request, typed=typed)

    client.meta.events.register_first(before_send_event(client), before_send)
    retry_delays.install(client.meta.events, client._endpoint, lambda _endpoint: simulator)
    return client


def checks_types(client: Any) -> bool:
    """Whether a (botocore or aiobotocore) client checks every parameter's type against the service
    model before it sends (its parameter validation is on): the engine need not check them again.
    The client's serializer says so (`meta.config.parameter_validation` reads True either way):
    botocore wraps it in its validator only when validation is on."""
    return isinstance(getattr(client, "_serializer", None), ParamValidationDecorator)


def before_send_event(client: Any) -> str:
    """The `before-send` event of every operation of a (botocore or aiobotocore) client."""
    return f"before-send.{client.meta.service_model.service_id.hyphenize()}"


def unanswered_client(service_name: str, region: str, config: Config | None = None) -> Any:
    """A real botocore client made as the simulator's own are (one shared session, fake
    credentials, no other library's `before-send` stubs) that nothing answers yet: the caller
    registers what answers it at `before-send` (`attach`, a cassette's player, a benchmark's
    canned responses)."""
    with _session_lock:
        return _shared_session().client(service_name, region_name=region, config=config, **FAKE_CREDENTIALS)


def client(simulator: Simulator, service_name: str = "dynamodb", config: Config | None = None) -> Any:
    return attach(simulator, unanswered_client(service_name, simulator.region, config))


def resource(simulator: Simulator, config: Config | None = None) -> Any:
    with _session_lock:
        new_resource = _shared_session().resource(
            "dynamodb", region_name=simulator.region, config=config, **FAKE_CREDENTIALS
        )
    attach(simulator, new_resource.meta.client)
    return new_resource
