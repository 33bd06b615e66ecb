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
from botocore.awsrequest import AWSPreparedRequest, AWSResponse
from botocore.config import Config
from botocore.exceptions import ConnectionClosedError, EndpointConnectionError, ReadTimeoutError

from dynasim.doubles.faults import TransportFault
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


def answer(simulator: Simulator, request: AWSPreparedRequest, front: str = "client") -> AWSResponse:
    """The HTTP response the simulator gives to one prepared botocore request. An injected
    transport fault is raised as botocore's own exception: botocore catches it where it sends
    (`Endpoint._do_get_response`) and retries exactly as for a real network error."""
    try:
        status, headers, payload = respond(
            simulator,
            request.headers.get("X-Amz-Target"),
            request.body,
            front=front,
            content_encoding=request.headers.get("Content-Encoding"),
        )
    except TransportFault as fault:
        raise _botocore_error(fault, request.url) from None
    return AWSResponse(request.url, status, headers, _Body(payload))


def _botocore_error(fault: TransportFault, url: str) -> Exception:
    if fault.kind == "EndpointConnectionError":
        return EndpointConnectionError(endpoint_url=url, error=fault)
    if fault.kind == "ReadTimeoutError":
        return ReadTimeoutError(endpoint_url=url, error=fault)
    return ConnectionClosedError(endpoint_url=url, error=fault)


def _shared_session() -> boto3.session.Session:
    global _session
    if _session is None:
        _session = boto3.session.Session(botocore_session=botocore.session.Session())
    return _session


def attach(simulator: Simulator, client: Any) -> Any:
    """Route a botocore client's requests to `simulator`."""

    def before_send(request: AWSPreparedRequest, **_: Any) -> AWSResponse:
        return answer(simulator, request)

    event = f"before-send.{client.meta.service_model.service_id.hyphenize()}"
    client.meta.events.register_first(event, before_send)
    return client


def client(simulator: Simulator, service_name: str = "dynamodb", config: Config | None = None) -> Any:
    with _session_lock:
        new_client = _shared_session().client(
            service_name, region_name=simulator.region, config=config, **FAKE_CREDENTIALS
        )
    return attach(simulator, new_client)


def resource(simulator: Simulator, config: Config | None = None) -> Any:
    with _session_lock:
        new_resource = _shared_session().resource(
            "dynamodb", region_name=simulator.region, config=config, **FAKE_CREDENTIALS
        )
    attach(simulator, new_resource.meta.client)
    return new_resource
