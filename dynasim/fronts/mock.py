"""`dynasim.mock()`: route every DynamoDB client in the process to one simulator.

It patches botocore's `Endpoint._send`, the last step before the network, for DynamoDB and
DynamoDB Streams endpoints only, and aiobotocore's `AioEndpoint._send` likewise where aiobotocore is
installed (`fronts.aio`). An endpoint is a client's, whatever host a request is addressed to: the
vector-search host botocore's endpoint rules pick for SearchVectors (`search-dynamodb.<region>...`)
is reached through the DynamoDB client's endpoint, so that call is answered like every other.
Because the patches are on the classes, clients and resources made before the mock started are
routed too, and every other AWS service is left alone. With moto's `mock_aws` active as well,
moto's stubber steps aside for DynamoDB (`fronts.beside_moto`).
"""

from __future__ import annotations

import functools
import importlib.util
import inspect
import os
import threading
from collections.abc import Callable
from typing import Any, TypeVar

from botocore.endpoint import Endpoint
from botocore.signers import RequestSigner

from dynasim.fronts import beside_moto, retry_delays
from dynasim.fronts.boto3 import FAKE_CREDENTIALS, answer
from dynasim.simulator import Simulator

F = TypeVar("F", bound=Callable[..., Any])

_ROUTED_PREFIXES = frozenset({"dynamodb", "streams.dynamodb"})
_ROUTED_SERVICES = frozenset({"dynamodb", "dynamodb-streams"})
# Set only while a mock is active and only where the user has not set them: a client made
# inside the mock needs a region and credentials to be created and to sign, nothing more.
_DEFAULT_ENVIRONMENT = {
    "AWS_DEFAULT_REGION": "us-east-1",
    "AWS_ACCESS_KEY_ID": FAKE_CREDENTIALS["aws_access_key_id"],
    "AWS_SECRET_ACCESS_KEY": FAKE_CREDENTIALS["aws_secret_access_key"],
}

_lock = threading.Lock()
_active: list[Simulator] = []  # innermost last
_original_send = Endpoint._send
_original_sign = RequestSigner.sign
_saved_environment: dict[str, str | None] = {}
# (class, attribute, original) of every patch in place while a mock is active, in the order applied.
_applied: list[tuple[type, str, Any]] = []
_moto_patched = False


def _simulator_for(endpoint_prefix: str) -> Simulator | None:
    """The simulator that answers an endpoint (botocore's or aiobotocore's), or None: the network."""
    active = _active
    if active and endpoint_prefix in _ROUTED_PREFIXES:
        return active[-1]
    return None


def _simulator_answering(endpoint: Endpoint) -> Simulator | None:
    return _simulator_for(endpoint._endpoint_prefix)


def _routes_service(service_id: str) -> bool:
    return bool(_active) and service_id in _ROUTED_SERVICES


def _may_skip_signing(signer: RequestSigner) -> bool:
    """Called as every request (sync or async) is signed, before it is sent."""
    _step_past_moto()
    # A DynamoDB client made before any credentials existed (say, at import time in CI) has
    # none to sign with; its requests stay in the process, so they may go unsigned.
    return signer._credentials is None and _routes_service(signer._service_id.hyphenize())


def _routed_send(endpoint: Endpoint, request: Any) -> Any:
    simulator = _simulator_for(endpoint._endpoint_prefix)
    if simulator is not None:
        # Installed at a client's first routed request, in time for its first retry.
        retry_delays.install(endpoint._event_emitter, endpoint, _simulator_answering)
        return answer(simulator, request, front="mock")
    return _original_send(endpoint, request)


def _lenient_sign(signer: RequestSigner, operation_name: str, request: Any, *args: Any, **kwargs: Any) -> Any:
    if _may_skip_signing(signer):
        return None
    return _original_sign(signer, operation_name, request, *args, **kwargs)


def _apply(patches: list[tuple[type, str, Any]]) -> None:
    for owner, name, replacement in patches:
        _applied.append((owner, name, owner.__dict__[name]))
        setattr(owner, name, replacement)


def _restore() -> None:
    global _moto_patched
    for owner, name, original in reversed(_applied):
        setattr(owner, name, original)
    _applied.clear()
    _moto_patched = False


def _route_async_clients() -> None:
    # aiobotocore is imported here when installed, so async clients made later are routed too.
    if importlib.util.find_spec("aiobotocore") is None:
        return
    from dynasim.fronts import aio

    _apply(aio.routing_patches(_simulator_for, _may_skip_signing))


def _step_past_moto() -> None:
    """Once moto is loaded (before the mock or, lazily, during it), make its stubber pass on
    DynamoDB. Every request is signed before it is sent, so the check runs in time."""
    global _moto_patched
    if _moto_patched or not _active or not beside_moto.imported():
        return
    with _lock:
        if not _moto_patched and _active:
            _apply(beside_moto.routing_patches(_routes_service))
            _moto_patched = True


class mock:
    """Context manager and decorator that sends all DynamoDB traffic to one simulator.

    `with dynasim.mock() as sim:` gives the simulator in use; `mock(simulator)` uses a given one.
    `virtual_retry_delays` is passed to the simulator the mock makes (see `Simulator`).
    As a decorator (of a function or an `async def` one), each call gets a fresh simulator (unless
    one was given), passed to nothing: reach it through `mock.current()` if needed. `async with`
    works as `with` does.
    """

    def __init__(self, simulator: Simulator | None = None, *, virtual_retry_delays: bool | None = None) -> None:
        if simulator is not None and virtual_retry_delays is not None:
            raise ValueError("virtual_retry_delays is for the simulator mock makes: set it on the one given")
        self._given = simulator
        self._virtual_retry_delays = True if virtual_retry_delays is None else virtual_retry_delays
        self.simulator = simulator or Simulator(virtual_retry_delays=self._virtual_retry_delays)

    def __enter__(self) -> Simulator:
        with _lock:
            if not _active:
                _apply([(Endpoint, "_send", _routed_send), (RequestSigner, "sign", _lenient_sign)])
                _route_async_clients()
                for name, value in _DEFAULT_ENVIRONMENT.items():
                    _saved_environment[name] = os.environ.get(name)
                    if name not in os.environ:
                        os.environ[name] = value
            _active.append(self.simulator)
        _step_past_moto()
        return self.simulator

    def __exit__(self, *exc: object) -> None:
        with _lock:
            _active.remove(self.simulator)
            if not _active:
                _restore()
                for name, saved in _saved_environment.items():
                    if saved is None:
                        os.environ.pop(name, None)
                    else:
                        os.environ[name] = saved
                _saved_environment.clear()

    async def __aenter__(self) -> Simulator:
        return self.__enter__()

    async def __aexit__(self, *exc: object) -> None:
        self.__exit__(*exc)

    def __call__(self, func: F) -> F:
        if inspect.iscoroutinefunction(func):

            @functools.wraps(func)
            async def async_wrapper(*args: Any, **kwargs: Any) -> Any:
                with self._for_one_call():
                    return await func(*args, **kwargs)

            return async_wrapper  # type: ignore[return-value]

        @functools.wraps(func)
        def wrapper(*args: Any, **kwargs: Any) -> Any:
            with self._for_one_call():
                return func(*args, **kwargs)

        return wrapper  # type: ignore[return-value]

    def _for_one_call(self) -> mock:
        if self._given is not None:
            return mock(self._given)
        return mock(virtual_retry_delays=self._virtual_retry_delays)

    @staticmethod
    def current() -> Simulator | None:
        """The simulator of the innermost active mock, if any."""
        return _active[-1] if _active else None
