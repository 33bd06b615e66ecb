"""dynasim beside moto: while `dynasim.mock()` routes, DynamoDB and DynamoDB Streams go to dynasim
even when moto's `mock_aws` is active too, in either order of entry; every other service stays
with moto.

moto answers every botocore client at its `before-send` event, from one stubber it adds to
botocore's `BUILTIN_HANDLERS` when it is imported (so clients made after that carry it); a response
returned there means botocore never reaches `Endpoint._send`, where `dynasim.mock()` answers. So
while dynasim routes, the stubber's class passes on the services dynasim routes (returns None, as
it does for moto's own passthrough services) and botocore goes on to dynasim's `_send`.
"""

from __future__ import annotations

import sys
from collections.abc import Callable
from typing import Any

STUBBER_MODULE = "moto.core.botocore_stubber"

# (class, attribute, replacement): what `dynasim.mock()` patches while it routes.
Patch = tuple[type, str, Any]


def imported() -> bool:
    """Whether moto's stubber is loaded (dynasim never imports moto itself)."""
    return STUBBER_MODULE in sys.modules


def routing_patches(routes_service: Callable[[str], bool]) -> list[Patch]:
    """The patch that makes moto's stubber pass on the services (botocore service ids, such as
    `dynamodb-streams`) for which `routes_service` is true."""
    stubber_class = sys.modules[STUBBER_MODULE].BotocoreStubber
    original_call = stubber_class.__call__

    def call(stubber: Any, event_name: str, request: Any, **kwargs: Any) -> Any:
        # event_name is "before-send.<service id>.<operation>"
        if routes_service(event_name.split(".")[1]):
            return None
        return original_call(stubber, event_name, request, **kwargs)

    return [(stubber_class, "__call__", call)]
