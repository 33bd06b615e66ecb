"""The rest of the control plane: tags, DescribeLimits, DescribeEndpoints (continuous backups are
`dynasim.engine.backups.pitr`).

DynamoDB Local answers none of these but DescribeLimits (it rejects tagging and knows nothing of
endpoints), so they follow AWS's documentation and recorded answers of the service:
tags on tables (up to 50 after a TagResource, keys of 1 to 128 characters not starting with
`aws:` in any case, values up to 256, both of letters, digits, spaces and + - = . _ : / @), with
every tag of a request checked before any is applied.
Deletion protection is part of CreateTable, UpdateTable and DeleteTable (`tables`).
"""

from __future__ import annotations

import re
import unicodedata
from typing import TYPE_CHECKING, Any

from dynasim import errors
from dynasim.engine.registry import Request, Response, operation
from dynasim.engine.touches import named, no_table
from dynasim.storage.changes import TableUpdated
from dynasim.storage.table import Table

if TYPE_CHECKING:
    from dynasim.engine import Engine

MAX_TAGS = 50
MAX_TAG_KEY = 128
MAX_TAG_VALUE = 256
_RESOURCE_ARN = re.compile(r"arn:aws[a-z-]*:dynamodb:[^:]*:[^:]*:table/(?P<table>[^/]*)(?P<rest>/.*)?")
_TABLE_NAME = re.compile(r"[a-zA-Z0-9_.-]{3,255}")
_TAG_PUNCTUATION = frozenset("+-=._:/@")

LIMITS = {
    "AccountMaxReadCapacityUnits": 80000,
    "AccountMaxWriteCapacityUnits": 80000,
    "TableMaxReadCapacityUnits": 40000,
    "TableMaxWriteCapacityUnits": 40000,
}
ENDPOINT_CACHE_MINUTES = 1440


# --- tags ----------------------------------------------------------------------------------


def _check_arn(arn: Any) -> str:
    """A tag request's ResourceArn, which must be a table's ARN (checked before the request's tags)."""
    if not isinstance(arn, str) or not arn.startswith("arn:"):
        raise errors.resource_arn_not_an_arn(arn)
    match = _RESOURCE_ARN.fullmatch(arn)
    if match is None or not _TABLE_NAME.fullmatch(match["table"]):
        raise errors.resource_arn_invalid(arn)
    rest = match["rest"] or ""
    if rest.startswith("/backup/"):
        raise errors.resource_arn_not_taggable(arn)
    if rest and not rest.startswith("/stream/"):  # an index, or anything else under the table
        raise errors.resource_arn_invalid(arn)
    return arn


def _tagged_table(engine: Engine, arn: Any) -> Table:
    """The table a checked ResourceArn names (a stream's ARN names none)."""
    match = _RESOURCE_ARN.fullmatch(arn)
    assert match is not None
    table = None if match["rest"] else engine.tables.get(match["table"])
    if table is None or table.settings.arn != arn:
        raise errors.resource_arn_not_found(arn)
    return table


def _tags(table: Table) -> dict[str, str]:
    tags: dict[str, str] = table.settings.extra.setdefault("Tags", {})
    return tags


def _taggable(text: str) -> bool:
    """Letters and digits of any script, spaces, and + - = . _ : / @ (AWS's tag character set)."""
    return all(unicodedata.category(char)[0] in "LNZ" or char in _TAG_PUNCTUATION for char in text)


def _check_tag_key(key: Any) -> str:
    if not isinstance(key, str) or not 1 <= len(key) <= MAX_TAG_KEY or not _taggable(key):
        raise errors.tag_key_invalid(key)
    if key.lower().startswith("aws:"):
        raise errors.tag_key_reserved(key)
    return key


def checked_tags(tags: list[Any]) -> dict[str, str]:
    """Tags (of TagResource or CreateTable) checked in order, as DynamoDB checks them."""
    checked: dict[str, str] = {}
    for tag in tags:
        key = _check_tag_key(tag.get("Key"))
        value = tag.get("Value")
        if not isinstance(value, str) or len(value) > MAX_TAG_VALUE or not _taggable(value):
            raise errors.tag_value_invalid(value)
        if key in checked:
            raise errors.tags_duplicate_key(key)
        checked[key] = value
    return checked


@operation("TagResource", access="control", finds=named("ResourceArn"))
def tag_resource(engine: Engine, request: Request) -> Response:
    arn = _check_arn(request.get("ResourceArn"))
    tags = request.get("Tags") or []
    if not tags:
        raise errors.tags_empty()
    new = checked_tags(tags)
    table = _tagged_table(engine, arn)
    current = _tags(table)
    if len(current.keys() | new.keys()) > MAX_TAGS:
        raise errors.tags_too_many()
    current.update(new)
    engine.record(TableUpdated(table.settings))
    return {}


@operation("UntagResource", access="control", finds=named("ResourceArn"))
def untag_resource(engine: Engine, request: Request) -> Response:
    arn = _check_arn(request.get("ResourceArn"))
    keys = request.get("TagKeys") or []
    if not keys:
        raise errors.tag_keys_empty()
    for key in keys:
        _check_tag_key(key)
    if len(keys) > MAX_TAGS:
        raise errors.tags_too_many()
    table = _tagged_table(engine, arn)
    current = _tags(table)
    for key in keys:
        current.pop(key, None)
    engine.record(TableUpdated(table.settings))
    return {}


@operation("ListTagsOfResource", access="control", finds=named("ResourceArn"))
def list_tags_of_resource(engine: Engine, request: Request) -> Response:
    table = _tagged_table(engine, _check_arn(request.get("ResourceArn")))
    return {"Tags": [{"Key": key, "Value": value} for key, value in _tags(table).items()]}


def tags_on_create(request: Request) -> dict[str, str]:
    """CreateTable's Tags, checked as TagResource checks them."""
    return checked_tags(request.get("Tags") or [])


# --- limits and endpoints ------------------------------------------------------------------


@operation("DescribeLimits", access="control", finds=no_table)
def describe_limits(engine: Engine, request: Request) -> Response:
    return dict(LIMITS)


@operation("DescribeEndpoints", access="control", finds=no_table)
def describe_endpoints(engine: Engine, request: Request) -> Response:
    address = f"dynamodb.{engine.region}.amazonaws.com"
    return {"Endpoints": [{"Address": address, "CachePeriodInMinutes": ENDPOINT_CACHE_MINUTES}]}
