"""The table of operation handlers, filled by the `operation` decorator in each engine module.

Each operation declares, beside its handler, its access and how to find what a request touches
(`dynasim.engine.touches`); `touches(engine, operation, request)` is what the test doubles know of
a call.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING, Any

from dynasim.engine import touches as finders
from dynasim.engine.touches import Access, Declared, Finder, Touches, named

if TYPE_CHECKING:
    from dynasim.engine import Engine

Request = dict[str, Any]
Response = dict[str, Any]
Handler = Callable[["Engine", Request], Response]

HANDLERS: dict[str, Handler] = {}
ACCESS: dict[str, Declared] = {}
FINDERS: dict[str, Finder] = {}


def operation(name: str, *, access: Declared, finds: Finder | str) -> Callable[[Handler], Handler]:
    """Register the decorated function as the handler of DynamoDB operation `name`, with its
    access ("read", "write", "control", or "statement" when its PartiQL statements decide) and
    the finder of what a request touches (or the name of one in `dynasim.engine.touches`)."""
    finder: Finder = getattr(finders, finds) if isinstance(finds, str) else finds

    def register(handler: Handler) -> Handler:
        HANDLERS[name] = handler
        ACCESS[name] = access
        FINDERS[name] = finder
        return handler

    return register


_UNREGISTERED = named("TableName")


def touches(engine: Engine | None, operation: str, request: Any) -> Touches:
    """What `request` of `operation` touches, found without running it (see `Touches`). An
    operation the engine does not implement is control-plane, on the table it names; a PartiQL
    request whose statements do not resolve touches nothing."""
    declared = ACCESS.get(operation, "control")
    access: Access = "read" if declared == "statement" else declared  # the statements decide theirs
    if isinstance(request, dict):
        try:
            return FINDERS.get(operation, _UNREGISTERED)(engine, request, access)
        except Exception:  # a finder reads malformed requests too; the engine refuses them
            pass
    return Touches("control" if declared == "statement" else access)
