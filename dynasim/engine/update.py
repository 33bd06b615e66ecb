"""UpdateItem: an update expression (or legacy AttributeUpdates) applied to one item, under an
optional condition, with every ReturnValues choice.

The whole request is checked first: what needs no table (the key's values, placeholders,
expressions; inside the envelope, as PutItem's), then the table, the key and that the update
changes no key attribute. The new item is built as a copy, so a failed condition or a failed
update leaves the stored item as it was.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from dynasim import errors
from dynasim.engine import item_collections
from dynasim.engine.capacity import Consumed, requested
from dynasim.engine.items import request_checks
from dynasim.engine.keys import check_index_keys, key_attributes, request_key
from dynasim.engine.registry import Request, Response, operation
from dynasim.engine.touches import item
from dynasim.expressions.requests import WriteExpressions
from dynasim.values import MAX_ITEM_BYTES, Item, item_size, validate_item

if TYPE_CHECKING:
    from dynasim.engine import Engine


@operation("UpdateItem", access="write", finds=item("update", "Key"))
def update_item(engine: Engine, request: Request) -> Response:
    return apply_update_request(engine, request, charge_statement=True)


def apply_update_request(engine: Engine, request: Request, *, charge_statement: bool) -> Response:
    """UpdateItem: the request's own checks, then its work."""
    with request_checks(request):
        validate_item(request["Key"])
        expressions = WriteExpressions(request, "UpdateItem")
    return update(engine, request, expressions, charge_statement=charge_statement)


def update(engine: Engine, request: Request, expressions: WriteExpressions, *, charge_statement: bool) -> Response:
    """UpdateItem's work once the request's own checks have passed: `request` names the table and
    the key, and what the response returns. `charge_statement`: whether the update expression
    itself is measured against the item-size limit, as standalone UpdateItem does
    (`updates.update_charge`); a PartiQL UPDATE sizes only the item it makes."""
    return_values = request.get("ReturnValues", "NONE")  # every value of its enum: checked by the model
    key = request["Key"]
    table = engine.table(request["TableName"])
    capacity = Consumed(table, requested(request))
    collection_wanted = item_collections.requested(request)
    hash_key, range_key = request_key(table.key_schema, key)
    expressions.check_key_attributes(key_attributes(table))

    if charge_statement and expressions.update is not None and expressions.update.charge() > MAX_ITEM_BYTES:
        raise errors.updated_item_too_large()  # before the condition is evaluated
    found = table.entry(hash_key, range_key)
    old, old_size = found if found is not None else (None, 0)
    expressions.check(old)
    new, size = updated_item(expressions, key, old)
    if new is not None:
        check_index_keys(table, new, by_update=True)
        table.put(hash_key, range_key, new, size)
    capacity.write(old, new, old_size, size)
    response = capacity.add_to(_returned(request, return_values, expressions, old, new))
    return item_collections.add_to(response, table, new if new is not None else key, collection_wanted)


def updated_item(expressions: WriteExpressions, key: Item, old: Item | None) -> tuple[Item | None, int]:
    """The item an update makes of `old` (None: a new item from the bare `key`), and its size;
    None when there is nothing to write: an update that only removes, on a missing item, does not
    create it. Shared with TransactWriteItems' Update."""
    if old is None and expressions.only_removes:
        return None, 0
    base = old if old is not None else dict(key)
    if expressions.update is not None:
        new = expressions.update.apply(base)
    elif expressions.legacy_update is not None:
        new = expressions.legacy_update(base)
    else:
        new = dict(base)
    size = item_size(new)
    if size > MAX_ITEM_BYTES:
        raise errors.updated_item_too_large()
    return new, size


def _returned(
    request: Request, return_values: str, expressions: WriteExpressions, old: Item | None, new: Item | None
) -> Response:
    """The response's Attributes member as ReturnValues asks for it."""
    if return_values == "NONE":
        return {}
    if return_values == "ALL_NEW":
        return {} if new is None else {"Attributes": new}
    if return_values == "ALL_OLD":
        return {} if old is None else {"Attributes": old}
    source = old if return_values == "UPDATED_OLD" else new
    if source is None:
        return {}
    if expressions.update is not None:
        attributes = expressions.update.updated(source)
    else:
        changed = set(request.get("AttributeUpdates") or ())
        attributes = {name: value for name, value in source.items() if name in changed}
    return {"Attributes": attributes} if attributes else {}
