"""Resource-based policies: PutResourcePolicy, GetResourcePolicy, DeleteResourcePolicy, and
`ResourcePolicy` on CreateTable, for a table or one of its streams.

The documents are checked as the service checks them (ack-api-quirks dynamodb findings
DDB-TABLE-205, -207, -209, -211, -212, recorded against the service 2026-10-09): at most 20,480
bytes (whitespace counts), valid JSON, a non-empty Statement list whose statements name a
Resource. Each change gets a RevisionId, the epoch milliseconds of the change (strictly increasing
per table); putting a document equal to the current one (compared parsed, so whitespace and key
order do not matter) changes nothing and answers the current RevisionId. `ExpectedRevisionId`
makes a Put or Delete conditional (`NO_POLICY`: only while none is attached); a mismatch is
PolicyNotFoundException, as in the service. Deleting when no policy is attached answers 200 with
no RevisionId. As in the service, a table's policies (its own and its streams') change at most once
in `COOLDOWN_SECONDS` of the simulator's clock: a different document or a Delete sooner is
ResourceInUseException in the first `PENDING_SECONDS` (the service's window is 0.6 to 2.4
seconds), ThrottlingException after, saying when to try again (`sim.advance(15)` moves past it).

Policies are kept, but not enforced: every caller may do everything, whatever the policy says
(ConfirmRemoveSelfResourceAccess is accepted and has nothing to confirm). The second or two before
GetResourcePolicy sees a change on the service are not simulated: a policy is readable at once.

A table's policies (its own and its streams', by ARN) live in its settings (`ResourcePolicies`),
so they are persisted and copied into snapshots with it, and go when it is deleted.
"""

from __future__ import annotations

import datetime
import json
import re
from typing import TYPE_CHECKING, Any

from dynasim import errors
from dynasim.engine.features import Apply, Feature, Request, register
from dynasim.engine.registry import Response, operation
from dynasim.engine.streams import StreamStore
from dynasim.engine.touches import named
from dynasim.storage.changes import TableUpdated

if TYPE_CHECKING:
    from dynasim.engine import Engine
    from dynasim.storage.table import Table

NO_POLICY = "NO_POLICY"
SETTING = "ResourcePolicies"  # TableSettings.extra: {resource ARN: {"Policy": text, "RevisionId": id}}
CHANGED = "ResourcePolicyChanged"  # TableSettings.extra: epoch milliseconds of the last change
COOLDOWN_SECONDS = 15.0  # between two changes of a table's policies
PENDING_SECONDS = 1.0  # of them, answered ResourceInUseException
_ARN = re.compile(
    r"arn:(?P<partition>[^:]*):dynamodb:(?P<region>[^:]*):(?P<account>[^:]*):table/(?P<table>[^/]+)(?P<rest>/.*)?"
)


def check_document(text: str) -> str:
    """A policy document, checked; returns it as kept: minified JSON (the service reads back a
    canonical, minified form)."""
    if len(text.encode("utf-8")) > errors.MAX_POLICY_BYTES:
        raise errors.policy_too_large()
    try:
        document = json.loads(text)
    except ValueError:
        raise errors.policy_invalid("This policy contains invalid Json") from None
    if not isinstance(document, dict):
        raise errors.policy_invalid("This policy contains invalid Json")
    statements = document.get("Statement")
    if isinstance(statements, dict):
        statements = [statements]
    if not statements or not isinstance(statements, list):
        raise errors.policy_invalid("Could not parse the policy: Statement is empty!")
    for statement in statements:
        if not isinstance(statement, dict) or "Resource" not in statement:
            raise errors.policy_invalid("Missing required field Resource")
    return json.dumps(document, separators=(",", ":"), ensure_ascii=False)


class _Resource:
    """What a ResourceArn names: a table, or one of its streams."""

    def __init__(self, table: Table, arn: str) -> None:
        self.table = table
        self.arn = arn

    @property
    def policies(self) -> dict[str, dict[str, str]]:
        kept: dict[str, dict[str, str]] = self.table.settings.extra.setdefault(SETTING, {})
        return kept

    @property
    def current(self) -> dict[str, str] | None:
        return self.table.settings.extra.get(SETTING, {}).get(self.arn)


def _resource(engine: Engine, arn: str) -> _Resource:
    """The table or stream `arn` names, checked in the service's order (DDB-TABLE-212)."""
    if not arn.startswith("arn:"):
        raise errors.resource_arn_not_an_arn(arn)
    match = _ARN.fullmatch(arn)
    if match is None or match["partition"] != "aws" or match["region"] != engine.region:
        raise errors.policy_arn_other_region(arn)
    if match["account"] != engine.account_id:
        raise errors.policy_arn_other_account()
    rest = match["rest"] or ""
    if rest.startswith("/backup/"):
        raise errors.resource_arn_not_taggable(arn)
    if rest and not rest.startswith("/stream/"):
        raise errors.policy_arn_not_table_or_stream(arn)
    table = engine.tables.get(match["table"])
    if table is None:
        raise errors.table_not_found_named(match["table"])
    if rest:
        stream = engine.state(StreamStore).find(arn)
        if (stream is None or stream.table != table.name) and table.settings.extra.get("LatestStreamArn") != arn:
            raise errors.stream_of_table_not_found(rest[len("/stream/") :], table.name)
    return _Resource(table, arn)


def _revision(engine: Engine, table: Table) -> str:
    """A new RevisionId: the change's epoch milliseconds, above every earlier one of the table
    (noted as the table's last change)."""
    kept = table.settings.extra.get(SETTING, {}).values()
    latest = max([table.settings.extra.get(CHANGED, 0), *(int(policy["RevisionId"]) for policy in kept)])
    changed = max(int(engine.clock() * 1000), latest + 1)
    table.settings.extra[CHANGED] = changed
    return str(changed)


def _check_cooldown(engine: Engine, table: Table) -> None:
    changed = table.settings.extra.get(CHANGED)
    if changed is None:
        return
    now = engine.clock() * 1000
    if now < changed + PENDING_SECONDS * 1000:
        raise errors.policy_update_pending(table.name)
    retry_after = changed + int(COOLDOWN_SECONDS * 1000)
    if now < retry_after:
        moment = datetime.datetime.fromtimestamp(retry_after / 1000, datetime.timezone.utc)
        raise errors.policy_changed_recently(table.name, moment.strftime("%Y-%m-%dT%H:%M:%S.%f")[:-3] + "Z")


def _check_expected(resource: _Resource, expected: str | None) -> None:
    current = resource.current
    if expected is None:
        return
    if current is None:
        if expected != NO_POLICY:
            raise errors.policy_revision_without_policy(expected, resource.table.name)
    elif expected == NO_POLICY:
        raise errors.policy_present_when_none_expected(resource.table.name, current["RevisionId"])
    elif expected != current["RevisionId"]:
        raise errors.policy_revision_mismatch(expected, resource.table.name, current["RevisionId"])


@operation("PutResourcePolicy", access="control", finds=named("ResourceArn"))
def put_resource_policy(engine: Engine, request: Request) -> Response:
    resource = _resource(engine, request["ResourceArn"])
    document = check_document(request["Policy"])
    _check_expected(resource, request.get("ExpectedRevisionId"))
    current = resource.current
    if current is not None and json.loads(current["Policy"]) == json.loads(document):
        return {"RevisionId": current["RevisionId"]}  # the same document: nothing changes
    _check_cooldown(engine, resource.table)
    revision = _revision(engine, resource.table)
    resource.policies[resource.arn] = {"Policy": document, "RevisionId": revision}
    engine.record(TableUpdated(resource.table.settings))
    return {"RevisionId": revision}


@operation("GetResourcePolicy", access="control", finds=named("ResourceArn"))
def get_resource_policy(engine: Engine, request: Request) -> Response:
    resource = _resource(engine, request["ResourceArn"])
    current = resource.current
    if current is None:
        raise errors.policy_not_found(resource.arn)
    return {"Policy": current["Policy"], "RevisionId": current["RevisionId"]}


@operation("DeleteResourcePolicy", access="control", finds=named("ResourceArn"))
def delete_resource_policy(engine: Engine, request: Request) -> Response:
    resource = _resource(engine, request["ResourceArn"])
    _check_expected(resource, request.get("ExpectedRevisionId"))
    current = resource.current
    if current is None:
        return {}  # nothing attached: a no-op, with no RevisionId
    _check_cooldown(engine, resource.table)
    _revision(engine, resource.table)  # a change: the cooldown starts again
    del resource.policies[resource.arn]
    engine.record(TableUpdated(resource.table.settings))
    return {"RevisionId": current["RevisionId"]}


class PolicyTableMembers:
    """`ResourcePolicy` on CreateTable (attached to the new table; DescribeTable does not show it)."""

    update_members: tuple[str, ...] = ()
    updating_members: tuple[str, ...] = ()

    def check_create(self, engine: Engine, request: Request) -> Apply | None:
        text = request.get("ResourcePolicy")
        if text is None:
            return None
        document = check_document(text)

        def apply(table: Table) -> None:
            # its RevisionId is the creation's epoch milliseconds (no cooldown starts)
            revision = str(int(engine.clock() * 1000))
            table.settings.extra[SETTING] = {table.settings.arn: {"Policy": document, "RevisionId": revision}}

        return apply

    def check_update(self, engine: Engine, request: Request, table: Table) -> Apply | None:
        return None

    def defined_attributes(self, request: Request) -> tuple[str, ...]:
        return ()

    def describe(self, engine: Engine, table: Table, status: str) -> dict[str, Any]:
        return {}


class Policies:
    """The feature's state: none beyond the tables' settings."""

    def __init__(self, engine: Engine) -> None:
        self.engine = engine


FEATURE = register(Feature(Policies, table=PolicyTableMembers()))
