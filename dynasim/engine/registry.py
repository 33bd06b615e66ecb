"""The table of operation handlers, filled by the `operation` decorator in each engine module."""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from dynasim.engine import Engine

Request = dict[str, Any]
Response = dict[str, Any]
Handler = Callable[["Engine", Request], Response]

HANDLERS: dict[str, Handler] = {}


def operation(name: str) -> Callable[[Handler], Handler]:
    """Register the decorated function as the handler of DynamoDB operation `name`."""

    def register(handler: Handler) -> Handler:
        HANDLERS[name] = handler
        return handler

    return register
