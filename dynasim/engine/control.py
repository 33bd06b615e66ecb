"""The rest of the control plane: tags, DescribeLimits, DescribeEndpoints, continuous backups.

DynamoDB Local answers none of these but DescribeLimits (it rejects tagging and knows nothing of
endpoints or backups), so they follow AWS's documentation: tags on tables (up to 50, keys of 1 to
128 characters not starting with `aws:`, values up to 256), point-in-time recovery that can be
switched on and off (nothing is restorable: there is no RestoreTableToPointInTime).
Deletion protection is part of CreateTable, UpdateTable and DeleteTable (`tables`).
"""

from __future__ import annotations

import re
from typing import TYPE_CHECKING, Any

from dynasim import errors
from dynasim.engine.registry import Request, Response, operation
from dynasim.storage.changes import TableUpdated
from dynasim.storage.table import Table

if TYPE_CHECKING:
    from dynasim.engine import Engine

MAX_TAGS = 50
MAX_TAG_KEY = 128
MAX_TAG_VALUE = 256
RECOVERY_DAYS = (1, 35)
_TABLE_ARN = re.compile(r"arn:aws[a-z-]*:dynamodb:[^:]+:\d{12}:table/([^/]+)")

LIMITS = {
    "AccountMaxReadCapacityUnits": 80000,
    "AccountMaxWriteCapacityUnits": 80000,
    "TableMaxReadCapacityUnits": 40000,
    "TableMaxWriteCapacityUnits": 40000,
}
ENDPOINT_CACHE_MINUTES = 1440


# --- tags ----------------------------------------------------------------------------------


def _tagged_table(engine: Engine, arn: Any) -> Table:
    match = _TABLE_ARN.fullmatch(arn) if isinstance(arn, str) else None
    if match is None:
        raise errors.resource_arn_invalid(arn)
    table = engine.tables.get(match.group(1))
    if table is None or table.settings.arn != arn:
        raise errors.resource_arn_not_found(arn)
    return table


def _tags(table: Table) -> dict[str, str]:
    tags: dict[str, str] = table.settings.extra.setdefault("Tags", {})
    return tags


@operation("TagResource")
def tag_resource(engine: Engine, request: Request) -> Response:
    tags = request.get("Tags") or []
    keys = []
    for tag in tags:
        key, value = tag.get("Key"), tag.get("Value", "")
        if not key or len(key) > MAX_TAG_KEY:
            raise errors.tag_key_length(key)
        if value is None or len(value) > MAX_TAG_VALUE:
            raise errors.tag_value_length(value)
        if key.startswith("aws:"):
            raise errors.tag_key_reserved()
        keys.append(key)
    if len(set(keys)) != len(keys):
        raise errors.tags_duplicate_keys()
    table = _tagged_table(engine, request.get("ResourceArn"))
    current = _tags(table)
    if len(set(current) | set(keys)) > MAX_TAGS:
        raise errors.tags_too_many()
    for tag in tags:
        current[tag["Key"]] = tag.get("Value", "")
    engine.record(TableUpdated(table.settings))
    return {}


@operation("UntagResource")
def untag_resource(engine: Engine, request: Request) -> Response:
    table = _tagged_table(engine, request.get("ResourceArn"))
    current = _tags(table)
    for key in request.get("TagKeys") or []:
        current.pop(key, None)
    engine.record(TableUpdated(table.settings))
    return {}


@operation("ListTagsOfResource")
def list_tags_of_resource(engine: Engine, request: Request) -> Response:
    table = _tagged_table(engine, request.get("ResourceArn"))
    return {"Tags": [{"Key": key, "Value": value} for key, value in _tags(table).items()]}


def tags_on_create(request: Request) -> dict[str, str]:
    """CreateTable's Tags, checked as TagResource checks them."""
    tags = request.get("Tags") or []
    result: dict[str, str] = {}
    for tag in tags:
        key, value = tag.get("Key"), tag.get("Value", "")
        if not key or len(key) > MAX_TAG_KEY:
            raise errors.tag_key_length(key)
        if value is None or len(value) > MAX_TAG_VALUE:
            raise errors.tag_value_length(value)
        result[key] = value
    return result


# --- limits and endpoints ------------------------------------------------------------------


@operation("DescribeLimits")
def describe_limits(engine: Engine, request: Request) -> Response:
    return dict(LIMITS)


@operation("DescribeEndpoints")
def describe_endpoints(engine: Engine, request: Request) -> Response:
    address = f"dynamodb.{engine.region}.amazonaws.com"
    return {"Endpoints": [{"Address": address, "CachePeriodInMinutes": ENDPOINT_CACHE_MINUTES}]}


# --- continuous backups (point-in-time recovery) --------------------------------------------


def _backup_table(engine: Engine, name: Any) -> Table:
    table = engine.tables.get(name) if isinstance(name, str) else None
    if table is None:
        raise errors.table_not_found_by_name(name)
    return table


def _continuous_backups(engine: Engine, table: Table) -> dict[str, Any]:
    recovery = table.settings.extra.get("PointInTimeRecovery")
    if recovery is None:
        description: dict[str, Any] = {"PointInTimeRecoveryStatus": "DISABLED"}
    else:
        enabled_at = recovery["EnabledAt"]
        now = engine.clock()
        days = recovery["RecoveryPeriodInDays"]
        description = {
            "PointInTimeRecoveryStatus": "ENABLED",
            "RecoveryPeriodInDays": days,
            "EarliestRestorableDateTime": max(enabled_at, now - days * 86400),
            "LatestRestorableDateTime": max(enabled_at, now - 300),
        }
    return {
        "ContinuousBackupsDescription": {
            "ContinuousBackupsStatus": "ENABLED",
            "PointInTimeRecoveryDescription": description,
        }
    }


@operation("DescribeContinuousBackups")
def describe_continuous_backups(engine: Engine, request: Request) -> Response:
    return _continuous_backups(engine, _backup_table(engine, request.get("TableName")))


@operation("UpdateContinuousBackups")
def update_continuous_backups(engine: Engine, request: Request) -> Response:
    table = _backup_table(engine, request.get("TableName"))
    specification = request.get("PointInTimeRecoverySpecification") or {}
    enabled = bool(specification.get("PointInTimeRecoveryEnabled"))
    days = specification.get("RecoveryPeriodInDays")
    if days is not None:
        if not enabled:
            raise errors.recovery_period_when_disabled()
        if not RECOVERY_DAYS[0] <= days <= RECOVERY_DAYS[1]:
            raise errors.recovery_period_invalid(days)
    current = table.settings.extra.get("PointInTimeRecovery")
    if enabled:
        enabled_at = current["EnabledAt"] if current is not None else engine.clock()
        table.settings.extra["PointInTimeRecovery"] = {
            "EnabledAt": enabled_at,
            "RecoveryPeriodInDays": days if days is not None else RECOVERY_DAYS[1],
        }
    else:
        table.settings.extra.pop("PointInTimeRecovery", None)
    engine.record(TableUpdated(table.settings))
    return _continuous_backups(engine, table)
