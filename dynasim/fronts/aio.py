"""The in-process aiobotocore front: aiobotocore clients, and so aioboto3's clients and resources,
answered by a simulator with no server.

aiobotocore is botocore with awaitable I/O: its endpoint awaits `before-send` handlers and
`AioEndpoint._send`, and reads a response body with `await raw.read()`. So the answer is the boto3
front's (`fronts.boto3.reply`, through the same test doubles), handed back as an `AioAWSResponse`.
Importing this module needs aiobotocore (`pip install 'dynasim[async]'`).
"""

from __future__ import annotations

import asyncio
import io
from collections.abc import AsyncIterator, Callable
from contextlib import asynccontextmanager
from typing import TYPE_CHECKING, Any

from aiobotocore.awsrequest import AioAWSResponse
from aiobotocore.endpoint import AioEndpoint
from aiobotocore.session import AioSession
from aiobotocore.signers import AioRequestSigner
from botocore.awsrequest import AWSPreparedRequest
from botocore.config import Config

from dynasim.fronts import retry_delays
from dynasim.fronts.boto3 import FAKE_CREDENTIALS, before_send_event, checks_types, reply, without_other_stubs

if TYPE_CHECKING:
    from dynasim.simulator import Simulator

# (class, attribute, replacement): what `dynasim.mock()` patches while it routes.
Patch = tuple[type, str, Any]

# One session loads each service model once; it is only used from event loops, one step at a time.
_session: AioSession | None = None


class _AsyncBody:
    """The raw body aiobotocore reads a response from (`await raw.read()`)."""

    def __init__(self, payload: bytes) -> None:
        self._body = io.BytesIO(payload)

    async def read(self, amt: int | None = None) -> bytes:
        return self._body.read(amt)


async def answer(
    simulator: Simulator, request: AWSPreparedRequest, front: str = "client", typed: bool = False
) -> AioAWSResponse:
    """The HTTP response the simulator gives to one prepared aiobotocore request (`typed`: see
    `Simulator.handle`)."""
    if simulator.sleeps:
        # Injected latency really sleeps: off the event loop, so other tasks keep running.
        status, headers, payload = await asyncio.to_thread(reply, simulator, request, front, typed)
    else:
        status, headers, payload = reply(simulator, request, front, typed)
    return AioAWSResponse(request.url, status, headers, _AsyncBody(payload))


def attach(simulator: Simulator, client: Any) -> Any:
    """Route an aiobotocore client's requests to `simulator`, its retry delays on the simulator's clock."""

    typed = checks_types(client)

    async def before_send(request: AWSPreparedRequest, **_: Any) -> AioAWSResponse:
        return await answer(simulator, request, typed=typed)

    client.meta.events.register_first(before_send_event(client), before_send)
    retry_delays.install(client.meta.events, client._endpoint, lambda _endpoint: simulator)
    return client


@asynccontextmanager
async def client(
    simulator: Simulator, service_name: str = "dynamodb", config: Config | None = None, region: str | None = None
) -> AsyncIterator[Any]:
    """`async with` an aiobotocore client answered by `simulator` (as `create_client` is used)."""
    global _session
    if _session is None:
        _session = without_other_stubs(AioSession())
    async with _session.create_client(
        service_name, region_name=region or simulator.region, config=config, **FAKE_CREDENTIALS
    ) as new_client:
        yield attach(simulator, new_client)


def routing_patches(
    simulator_for: Callable[[str], Simulator | None], may_skip_signing: Callable[[Any], bool]
) -> list[Patch]:
    """What `dynasim.mock()` patches to route every aiobotocore endpoint, as it patches botocore's:
    `simulator_for(endpoint prefix)` names the simulator that answers it (None: the network), and
    `may_skip_signing(signer)` lets a client with no credentials send unsigned."""
    original_send = AioEndpoint._send
    original_sign = AioRequestSigner.sign

    def answering(endpoint: AioEndpoint) -> Simulator | None:
        return simulator_for(endpoint._endpoint_prefix)

    async def routed_send(endpoint: AioEndpoint, request: AWSPreparedRequest) -> Any:
        simulator = simulator_for(endpoint._endpoint_prefix)
        if simulator is not None:
            retry_delays.install(endpoint._event_emitter, endpoint, answering)
            return await answer(simulator, request, front="mock")
        return await original_send(endpoint, request)

    async def lenient_sign(signer: AioRequestSigner, operation: str, request: Any, *args: Any, **kwargs: Any) -> Any:
        if may_skip_signing(signer):
            return None
        return await original_sign(signer, operation, request, *args, **kwargs)

    return [(AioEndpoint, "_send", routed_send), (AioRequestSigner, "sign", lenient_sign)]
