"""`dynasim.mock()`: route every DynamoDB client in the process to one simulator.

It patches botocore's `Endpoint._send`, the last step before the network, for DynamoDB and
DynamoDB Streams endpoints only. Because the patch is on the class, clients and resources made
before the mock started are routed too, and every other AWS service is left alone.
"""

from __future__ import annotations

import functools
import os
import threading
from collections.abc import Callable
from typing import Any, TypeVar

from botocore.endpoint import Endpoint
from botocore.signers import RequestSigner

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


def _routed_send(endpoint: Endpoint, request: Any) -> Any:
    active = _active
    if active and endpoint._endpoint_prefix in _ROUTED_PREFIXES:
        return answer(active[-1], request, front="mock")
    return _original_send(endpoint, request)


def _lenient_sign(signer: RequestSigner, operation_name: str, request: Any, *args: Any, **kwargs: Any) -> Any:
    # A DynamoDB client made before any credentials existed (say, at import time in CI) has
    # none to sign with; its requests stay in the process, so they may go unsigned.
    if _active and signer._credentials is None and signer._service_id.hyphenize() in _ROUTED_SERVICES:
        return None
    return _original_sign(signer, operation_name, request, *args, **kwargs)


class mock:
    """Context manager and decorator that sends all DynamoDB traffic to one simulator.

    `with dynasim.mock() as sim:` gives the simulator in use; `mock(simulator)` uses a given one.
    As a decorator, each call of the decorated function gets a fresh simulator (unless one was
    given), passed to nothing: reach it through `mock.current()` if needed.
    """

    def __init__(self, simulator: Simulator | None = None) -> None:
        self._given = simulator
        self.simulator = simulator or Simulator()

    def __enter__(self) -> Simulator:
        with _lock:
            if not _active:
                Endpoint._send = _routed_send  # type: ignore[method-assign]
                RequestSigner.sign = _lenient_sign  # type: ignore[method-assign]
                for name, value in _DEFAULT_ENVIRONMENT.items():
                    _saved_environment[name] = os.environ.get(name)
                    if name not in os.environ:
                        os.environ[name] = value
            _active.append(self.simulator)
        return self.simulator

    def __exit__(self, *exc: object) -> None:
        with _lock:
            _active.remove(self.simulator)
            if not _active:
                Endpoint._send = _original_send  # type: ignore[method-assign]
                RequestSigner.sign = _original_sign  # type: ignore[method-assign]
                for name, saved in _saved_environment.items():
                    if saved is None:
                        os.environ.pop(name, None)
                    else:
                        os.environ[name] = saved
                _saved_environment.clear()

    def __call__(self, func: F) -> F:
        @functools.wraps(func)
        def wrapper(*args: Any, **kwargs: Any) -> Any:
            with mock(self._given):
                return func(*args, **kwargs)

        return wrapper  # type: ignore[return-value]

    @staticmethod
    def current() -> Simulator | None:
        """The simulator of the innermost active mock, if any."""
        return _active[-1] if _active else None
