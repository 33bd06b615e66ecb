"""The expression parameters of single-item requests, checked in DynamoDB's order: legacy and
expression parameters not mixed, placeholders valid, each expression checked, no placeholder
unused. Handlers call these and get back objects that only evaluate."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from dynasim import errors
from dynasim.expressions import BoundCondition, BoundProjection, BoundUpdate, Placeholders, check_key_paths, legacy
from dynasim.expressions.documents import ResolvedPath
from dynasim.expressions.updates import check_targets
from dynasim.values import Item, enveloped_checks

# In the order DynamoDB lists them in its "Can not use both ..." message.
LEGACY_PARAMETERS = ("AttributesToGet", "AttributeUpdates", "Expected", "ConditionalOperator")
EXPRESSION_PARAMETERS = ("ProjectionExpression", "UpdateExpression", "ConditionExpression")


Check = Callable[[Item | None], bool]
# A table's key attribute names, and its indexes' other key attribute names.
KeyAttributes = tuple[tuple[str, ...], tuple[str, ...]]


def _present(request: dict[str, Any], names: tuple[str, ...]) -> list[str]:
    return [name for name in names if request.get(name) is not None]


def check_not_mixed(request: dict[str, Any]) -> None:
    old = _present(request, LEGACY_PARAMETERS)
    new = _present(request, EXPRESSION_PARAMETERS)
    if old and new:
        raise errors.legacy_and_expression(", ".join(old), ", ".join(new))


def on_condition_failure(request: dict[str, Any]) -> bool:
    """Whether a failed condition returns the old item (ReturnValuesOnConditionCheckFailure)."""
    return request.get("ReturnValuesOnConditionCheckFailure") == "ALL_OLD"


class WriteExpressions:
    """The checked condition (expression or legacy Expected) and update (expression or legacy
    AttributeUpdates) of a PutItem, UpdateItem or DeleteItem request."""

    __slots__ = (
        "condition",
        "update",
        "legacy_update",
        "return_old_on_failure",
        "only_removes",
        "nested_roots",
        "targets",
    )

    def __init__(self, request: dict[str, Any], operation: str) -> None:
        """Everything that needs no table; what needs the table's key attributes is checked once
        it is known (`check_key_paths`, `check_key_attributes`)."""
        check_not_mixed(request)
        self.return_old_on_failure = on_condition_failure(request)
        update_text = request.get("UpdateExpression") if operation == "UpdateItem" else None
        condition_text = request.get("ConditionExpression")
        present = tuple(
            name
            for name, text in (("UpdateExpression", update_text), ("ConditionExpression", condition_text))
            if text is not None
        )
        missing: str | None = (
            "UpdateExpression and ConditionExpression are null"
            if operation == "UpdateItem"
            else "ConditionExpression is null"
        )
        if enveloped_checks():
            missing = None  # PutItem, UpdateItem and DeleteItem name no missing expression
        placeholders = Placeholders(request, present, missing)
        self.update: BoundUpdate | None = None
        self.legacy_update: Callable[[Item], Item] | None = None
        self.condition: Check | None = None
        if update_text is not None:
            self.update = placeholders.update(update_text)
        if condition_text is not None:
            self.condition = placeholders.condition(condition_text).matches
        placeholders.check_unused()
        self.nested_roots = placeholders.nested_roots
        legacy_updates = request.get("AttributeUpdates") if operation == "UpdateItem" else None
        # The attributes the update writes (the first element of each path): none may be a key.
        self.targets: list[ResolvedPath] = [] if self.update is None else list(self.update.paths)
        if legacy_updates is not None:
            self.legacy_update = legacy.attribute_updates(legacy_updates)
            self.targets = [(name,) for name in legacy_updates]
        # An update that only takes attributes away: on a missing item DynamoDB writes nothing.
        self.only_removes = (
            self.update.only_removes
            if self.update is not None
            else bool(legacy_updates and legacy.only_deletes(legacy_updates))
        )
        if request.get("Expected") is not None or request.get("ConditionalOperator") is not None:
            self.condition = legacy.expected(request.get("Expected"), request.get("ConditionalOperator"))

    @classmethod
    def prepared(
        cls,
        condition: BoundCondition | None,
        update: BoundUpdate | None,
        nested_roots: set[str],
        return_old_on_failure: bool,
    ) -> WriteExpressions:
        """Expressions already built and checked (a PartiQL statement's): `nested_roots` are the
        attributes their paths reach into."""
        expressions = cls.__new__(cls)
        expressions.condition = condition.matches if condition is not None else None
        expressions.update = update
        expressions.legacy_update = None
        expressions.return_old_on_failure = return_old_on_failure
        expressions.only_removes = update is not None and update.only_removes
        expressions.nested_roots = nested_roots
        expressions.targets = [] if update is None else list(update.paths)
        return expressions

    def check_key_paths(self, keys: KeyAttributes) -> None:
        check_key_paths(self.nested_roots, *keys)

    def check_key_attributes(self, keys: KeyAttributes) -> None:
        """Once the table is known: the update changes no key attribute, and no path reaches into one."""
        check_targets(self.targets, keys[0])
        self.check_key_paths(keys)

    def check(self, old: Item | None) -> None:
        """Raise ConditionalCheckFailedException unless `old` (None: no item) passes."""
        if self.condition is not None and not self.condition(old):
            if self.return_old_on_failure and old is not None:
                raise errors.conditional_check_failed(old)
            raise errors.conditional_check_failed()


class ReadProjection:
    """A read's checked ProjectionExpression or AttributesToGet: call it on an item."""

    __slots__ = ("_apply", "_placeholders")

    def __init__(self, apply: Callable[[Item], Item], placeholders: Placeholders) -> None:
        self._apply = apply
        self._placeholders = placeholders

    def __call__(self, item: Item) -> Item:
        return self._apply(item)

    def check_key_paths(self, keys: KeyAttributes) -> None:
        """Once the table is known: no path into its key attributes."""
        self._placeholders.check_key_paths(*keys)


def read_projection(request: dict[str, Any], keys: KeyAttributes | None = None) -> ReadProjection | None:
    """GetItem's ProjectionExpression or AttributesToGet, checked (against the table's and its
    indexes' key attributes, if `keys` are given); None when neither is sent."""
    check_not_mixed(request)
    text = request.get("ProjectionExpression")
    # Reads of single items have no ExpressionAttributeValues member: only names are checked.
    names_only = {"ExpressionAttributeNames": request.get("ExpressionAttributeNames")}
    placeholders = Placeholders(names_only, ("ProjectionExpression",) if text is not None else (), "")
    projection: BoundProjection | None = None
    if text is not None:
        projection = placeholders.projection(text)
    placeholders.check_unused()
    if keys is not None:
        placeholders.check_key_paths(*keys)
    if projection is not None:
        return ReadProjection(projection.apply, placeholders)
    if request.get("AttributesToGet") is not None:
        return ReadProjection(legacy.attributes_to_get(request["AttributesToGet"]), placeholders)
    return None


_WRITE_PARAMETERS = (
    "ConditionExpression",
    "UpdateExpression",
    "Expected",
    "ConditionalOperator",
    "AttributeUpdates",
    "ExpressionAttributeNames",
    "ExpressionAttributeValues",
    "ReturnValuesOnConditionCheckFailure",
)


def write_expressions(request: dict[str, Any], operation: str) -> WriteExpressions | None:
    """The request's checked write expressions, or None when it sends none of them."""
    for name in _WRITE_PARAMETERS:
        if name in request:
            return WriteExpressions(request, operation)
    return None


def read_projection_if_any(request: dict[str, Any], keys: KeyAttributes | None = None) -> ReadProjection | None:
    if "ProjectionExpression" in request or "AttributesToGet" in request or "ExpressionAttributeNames" in request:
        return read_projection(request, keys)
    return None
