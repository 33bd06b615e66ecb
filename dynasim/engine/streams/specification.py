"""What streams add to the table operations: CreateTable's and UpdateTable's StreamSpecification, and
the stream members of a TableDescription (kept in the table's settings, so persisted with it)."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from dynasim import errors
from dynasim.engine.features import Apply, Request
from dynasim.engine.streams.store import VIEW_TYPES, StreamStore

if TYPE_CHECKING:
    from dynasim.engine import Engine
    from dynasim.storage.table import Table

# The members of TableSettings.extra that streams keep.
SETTINGS = ("StreamSpecification", "LatestStreamLabel", "LatestStreamArn")


def check_specification(specification: Any, table: Table | None = None) -> tuple[bool, str | None] | None:
    """A request's StreamSpecification, checked (against `table`'s current stream for
    UpdateTable): (enable?, view type), or None when the request has none."""
    if specification is None:
        return None
    enabled = specification.get("StreamEnabled")
    view_type = specification.get("StreamViewType")
    if enabled is None:
        raise errors.stream_enabled_null()
    if enabled:
        if not view_type:
            raise errors.stream_view_type_missing()
        if view_type not in VIEW_TYPES:
            raise errors.stream_view_type_invalid(view_type)
    elif view_type is not None:
        raise errors.stream_view_type_when_disabled()
    if table is not None:
        current = table.settings.extra.get("StreamSpecification", {}).get("StreamEnabled", False)
        if enabled and current:
            raise errors.stream_already_enabled()
        if not enabled and not current:
            raise errors.stream_none_to_disable()
    return bool(enabled), view_type


def _applying(engine: Engine, checked: tuple[bool, str | None] | None) -> Apply | None:
    """What enables or disables a table's stream as a checked StreamSpecification says."""
    if checked is None:
        return None
    enabled, view_type = checked
    streams = engine.state(StreamStore)

    def apply(table: Table) -> None:
        if enabled:
            assert view_type is not None
            streams.enable(table, view_type)
        else:
            streams.disable(table.name, table.settings)

    return apply


class StreamTableMembers:
    """StreamSpecification on CreateTable and UpdateTable, and the stream in DescribeTable."""

    update_members: tuple[str, ...] = ("StreamSpecification",)
    updating_members: tuple[str, ...] = ()

    def check_create(self, engine: Engine, request: Request) -> Apply | None:
        return _applying(engine, check_specification(request.get("StreamSpecification")))

    def check_update(self, engine: Engine, request: Request, table: Table) -> Apply | None:
        return _applying(engine, check_specification(request.get("StreamSpecification"), table))

    def defined_attributes(self, request: Request) -> tuple[str, ...]:
        return ()

    def describe(self, engine: Engine, table: Table, status: str) -> dict[str, Any]:
        extra = table.settings.extra
        return {name: extra[name] for name in SETTINGS if name in extra}
