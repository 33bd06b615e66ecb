"""The in-process boto3 front: real botocore clients answered by a simulator.

botocore's `before-call` event fires after parameter validation and serialization; a handler that
returns (HTTP response, parsed response) ends the call there, and botocore's `after-call` and
error raising follow as usual. The simulator's clients answer a successful call there, parsed by
botocore's own parser: the call is neither signed nor sent, which nothing outside the client could
tell (once anyone registers a handler on the events of a sent request, `before-send` and the
rest, the client's calls are sent, so that the handler sees each one). An error answer, or an
injected transport fault, goes on to `before-send` (fired after signing; whatever a handler
returns there is parsed as the HTTP response), so botocore's retries see it exactly as from the
network. So the user's client is the real one, with botocore's validation, retries, parsing and
exception classes, and nothing reaches the network. Both events fire for every operation of the
client, SearchVectors too, which botocore addresses to a vector-search host of its own.
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
from botocore.parsers import JSONParser
from botocore.validate import ParamValidationDecorator

from dynasim.doubles.faults import TransportFault
from dynasim.fronts import retry_delays
from dynasim.fronts.protocol import answer_document, body_of, encoded, region_of, respond, response_headers

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
            region=region_of(request.headers, request.url),
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


class _DocumentParser(JSONParser):
    """botocore's JSON parser, reading the engine's answer as the document it already is: the
    same walk over the output shape (timestamps, blobs, ResponseMetadata), without encoding the
    answer to JSON and decoding it back (for 100 items, about 0.3 ms of the two)."""

    def _parse_body_as_json(self, body_contents: Any) -> Any:
        return body_contents or {}

    def _handle_blob(self, shape: Any, value: Any) -> Any:
        # Inside dynasim binary values are already bytes (the wire's base64 is an encoding).
        return value if isinstance(value, bytes) else super()._handle_blob(shape, value)


class _DocumentBody:
    """The raw body of an answer given at `before-call`: encoded only if someone reads it (an
    `after-call` handler, a recorder)."""

    def __init__(self, document: dict[str, Any] | None) -> None:
        self.document = document

    def stream(self, **_: Any) -> Iterator[bytes]:
        yield body_of(self.document)


# The events botocore fires only for a request it sends, which a call answered at `before-call` is not.
SENT_REQUEST_EVENTS = frozenset(
    (
        "request-created",
        "before-sign",
        "before-send",
        "response-received",
        "needs-retry",
        "before-parse",
        "after-call-error",
    )
)


class _Listeners:
    """Whether anyone but botocore and dynasim listens on a client's sent-request events: from
    then on, its calls are sent (to the simulator, at `before-send`) so that they see every one."""

    def __init__(self, events: Any) -> None:
        self.others = False
        for method in ("register", "register_first", "register_last"):
            setattr(events, method, self._watching(getattr(events, method)))

    def _watching(self, register: Any) -> Any:
        def watched(event_name: str, *args: Any, **kwargs: Any) -> Any:
            if event_name.split(".", 1)[0] in SENT_REQUEST_EVENTS:
                self.others = True
            return register(event_name, *args, **kwargs)

        return watched


def attach(simulator: Simulator, client: Any) -> Any:
    """Route a botocore client's requests to `simulator`, its retry delays on the simulator's clock."""

    typed = checks_types(client)
    region = client.meta.region_name
    parser = _DocumentParser()
    # An answer `before-call` leaves to `before-send` (an error or a transport fault), with the
    # body it answers: the two events run one after the other on the calling thread.
    pending = threading.local()

    def before_call(model: Any, params: dict[str, Any], **_: Any) -> tuple[AWSResponse, dict[str, Any]] | None:
        # Answering here saves botocore's signing, HTTP request preparation and sending (about
        # two thirds of its own cost per call); botocore's parser still reads the answer.
        pending.answer = None
        if listeners.others:
            return None
        try:
            status, document = answer_document(
                simulator,
                params["headers"].get("X-Amz-Target"),
                params["body"],
                front="client",
                typed=typed,
                region=region,
            )
        except TransportFault as fault:
            pending.answer = (params["body"], fault)
            return None
        if status >= 300:
            headers, payload = encoded(document)
            pending.answer = (params["body"], (status, headers, payload))
            return None
        # No Content-Length: the answer is never encoded, unless someone reads the body.
        http = AWSResponse(params["url"], status, response_headers(), _DocumentBody(document))
        response = {"headers": http.headers, "status_code": status, "body": document}
        parsed = parser.parse(response, model.output_shape)
        parsed["ResponseMetadata"]["RetryAttempts"] = 0  # what botocore's send loop sets
        return http, parsed

    def before_send(request: AWSPreparedRequest, **_: Any) -> AWSResponse:
        stashed, pending.answer = getattr(pending, "answer", None), None
        if stashed is None or stashed[0] != request.body:  # a retry: the simulator answers again
            return answer(simulator, request, typed=typed)
        if isinstance(stashed[1], TransportFault):
            raise _botocore_error(stashed[1], request.url)
        return http_response(request.url, *stashed[1])

    service = client.meta.service_model.service_id.hyphenize()
    # Last: other `before-call` handlers (a recorder, a Stubber that answers first) still run.
    client.meta.events.register_last(f"before-call.{service}", before_call)
    client.meta.events.register_first(before_send_event(client), before_send)
    retry_delays.install(client.meta.events, client._endpoint, lambda _endpoint: simulator)
    listeners = _Listeners(client.meta.events)  # after dynasim's own handlers
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


def client(
    simulator: Simulator, service_name: str = "dynamodb", config: Config | None = None, region: str | None = None
) -> Any:
    return attach(simulator, unanswered_client(service_name, region or simulator.region, config))


def resource(simulator: Simulator, config: Config | None = None, region: str | None = None) -> Any:
    with _session_lock:
        new_resource = _shared_session().resource(
            "dynamodb", region_name=region or simulator.region, config=config, **FAKE_CREDENTIALS
        )
    attach(simulator, new_resource.meta.client)
    return new_resource
