"""CloudWatch Contributor Insights settings: UpdateContributorInsights, DescribeContributorInsights,
ListContributorInsights, for a table and each of its global secondary indexes.

As the service (ack-api-quirks dynamodb findings DDB-TABLE-089 to -095, -341, -343, recorded
2026-10): ENABLE answers ENABLING and the status becomes ENABLED, DISABLE answers DISABLING and it
becomes DISABLED, `SETTLE_SECONDS` of the simulator's clock later (the service takes 1 to 16
seconds); ENABLE or DISABLE of a settled status is a no-op that echoes it; ENABLE with another mode
(or with none, after THROTTLED_KEYS) enables again in the new mode; a local, unknown or missing
index is ResourceNotFoundException. A table never configured reads DISABLED with no mode or time.
ListContributorInsights leaves DISABLED entries out, and lists a table before its indexes. A
CloudWatch rule quota is not simulated, so FAILED never happens.

What CloudWatch would show, the most accessed and throttled keys, is
`Simulator.contributor_insights` (computed from the calls answered, `dynasim.doubles.insights`).

The settings live in the table's settings (`ContributorInsights`: {index name, "" for the table:
{"Status", "Mode", "Since"}}), so they are persisted and snapshotted with it.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from dynasim import errors
from dynasim.engine.features import Feature, register
from dynasim.engine.registry import Request, Response, operation
from dynasim.engine.touches import named
from dynasim.storage.changes import TableUpdated

if TYPE_CHECKING:
    from dynasim.engine import Engine
    from dynasim.storage.table import Table

SETTLE_SECONDS = 1.0  # ENABLING and DISABLING last this long on the simulator's clock
DEFAULT_MODE = "ACCESSED_AND_THROTTLED_KEYS"
SETTING = "ContributorInsights"
MAX_LIST = 100
# The settling status of each action, and the status it settles to.
_SETTLING = {"ENABLED": "ENABLING", "DISABLED": "DISABLING"}


def _entries(table: Table) -> dict[str, dict[str, Any]]:
    entries: dict[str, dict[str, Any]] = table.settings.extra.setdefault(SETTING, {})
    return entries


def status(entry: dict[str, Any] | None, now: float) -> str:
    """An entry's status now: its target once it has settled."""
    if entry is None:
        return "DISABLED"
    if now < entry["Since"] + SETTLE_SECONDS:
        return _SETTLING[entry["Status"]]
    return str(entry["Status"])


def _index(table: Table, name: Any) -> str:
    """The key of a request's IndexName: "" for the table, or a global index of it."""
    if name is None:
        return ""
    index = table.indexes.get(name)
    if index is None or index.settings.kind != "GLOBAL":
        raise errors.index_not_found_for_table(name, table.name)
    return str(name)


def _rule_names(table: Table, index: str, mode: str, since: float) -> list[str]:
    """The CloudWatch rules the service makes: a partition-key rule per graph, and a partition and
    sort-key rule per graph when the key has a sort key (accessed and throttled graphs, or only
    throttled ones in THROTTLED_KEYS mode)."""
    schema = table.indexes[index].settings.key_schema if index else table.key_schema
    resource = f"{table.name}-{index}" if index else table.name
    kinds = ["PKT"] if mode == "THROTTLED_KEYS" else ["PKC", "PKT"]
    if schema.range_name is not None:
        kinds += ["SKT"] if mode == "THROTTLED_KEYS" else ["SKC", "SKT"]
    stamp = int(since * 1000)
    return [f"DynamoDBContributorInsights-{kind}-{resource}-{stamp}" for kind in kinds]


def _summary(table: Table, index: str, entry: dict[str, Any] | None, now: float) -> dict[str, Any]:
    summary: dict[str, Any] = {"TableName": table.name}
    if index:
        summary["IndexName"] = index
    summary["ContributorInsightsStatus"] = status(entry, now)
    if entry is not None:
        summary["ContributorInsightsMode"] = entry["Mode"]
    return summary


@operation("UpdateContributorInsights", access="control", finds=named("TableName"))
def update_contributor_insights(engine: Engine, request: Request) -> Response:
    table = engine.table(request["TableName"], named_in_error=True)
    index = _index(table, request.get("IndexName"))
    action = request["ContributorInsightsAction"]  # ENABLE or DISABLE: checked by the model
    entries = _entries(table)
    entry = entries.get(index)
    now = engine.clock()
    if action == "ENABLE":
        mode = request.get("ContributorInsightsMode") or DEFAULT_MODE
        if entry is None or entry["Status"] != "ENABLED" or entry["Mode"] != mode:
            entry = entries[index] = {"Status": "ENABLED", "Mode": mode, "Since": now}
            engine.record(TableUpdated(table.settings))
    elif entry is not None and entry["Status"] != "DISABLED":
        entry = entries[index] = {**entry, "Status": "DISABLED", "Since": now}
        engine.record(TableUpdated(table.settings))
    return _summary(table, index, entry, now)


@operation("DescribeContributorInsights", access="control", finds=named("TableName"))
def describe_contributor_insights(engine: Engine, request: Request) -> Response:
    table = engine.table(request["TableName"], named_in_error=True)
    index = _index(table, request.get("IndexName"))
    entry = table.settings.extra.get(SETTING, {}).get(index)
    now = engine.clock()
    description = _summary(table, index, entry, now)
    if entry is not None:
        if entry["Status"] == "ENABLED":
            description["ContributorInsightsRuleList"] = _rule_names(table, index, entry["Mode"], entry["Since"])
        description["LastUpdateDateTime"] = entry["Since"]
    return description


@operation("ListContributorInsights", access="control", finds=named("TableName"))
def list_contributor_insights(engine: Engine, request: Request) -> Response:
    name = request.get("TableName")
    tables = [engine.table(name, named_in_error=True)] if name is not None else list(engine.tables.values())
    now = engine.clock()
    summaries = []
    for table in tables:
        entries = table.settings.extra.get(SETTING, {})
        # the table first, then its global indexes that still exist
        for index in ["", *(i for i in table.indexes if i in entries)]:
            entry = entries.get(index)
            if entry is not None and status(entry, now) != "DISABLED":
                summaries.append(_summary(table, index, entry, now))
    start = 0
    token = request.get("NextToken")
    if token is not None:
        if not token.isdigit():
            raise errors.insights_next_token_invalid()
        start = int(token)
    limit = request.get("MaxResults") or MAX_LIST
    page = summaries[start : start + limit]
    response: Response = {"ContributorInsightsSummaries": page}
    if start + limit < len(summaries):
        response["NextToken"] = str(start + limit)
    return response


class Insights:
    """The feature's state: none beyond the tables' settings."""

    def __init__(self, engine: Engine) -> None:
        self.engine = engine


FEATURE = register(Feature(Insights))
