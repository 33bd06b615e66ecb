"""How the durable store writes the engine's state as JSON, and reads it back exactly.

Items keep the engine's form (numbers as DynamoDB's normalised strings) except binary values, which
are base64 as on the wire and turned back into bytes on the way in. Table settings are written
generically with `dataclasses.asdict` and rebuilt from the dataclass's type hints, so fields added to
`TableSettings` later (nested dataclasses included) are persisted without changes here.
"""

from __future__ import annotations

import base64
import dataclasses
import json
import types
import typing
from typing import Any

from dynasim.engine.keys import item_key
from dynasim.storage.table import Table, TableSettings
from dynasim.values import AttributeValue, Item, item_size


def _default(value: Any) -> Any:
    if isinstance(value, (bytes, bytearray)):
        return base64.b64encode(value).decode("ascii")
    if isinstance(value, (set, frozenset)):
        return sorted(value)
    raise TypeError(f"{type(value).__name__} is not JSON serializable")


_encoder = json.JSONEncoder(default=_default, separators=(",", ":"), ensure_ascii=False)


def dumps(document: Any) -> bytes:
    return _encoder.encode(document).encode("utf-8")


loads = json.loads


# --- items -----------------------------------------------------------------------------------


def decode_value(value: AttributeValue) -> AttributeValue:
    ((kind, payload),) = value.items()
    if kind == "B":
        return {"B": base64.b64decode(payload)}
    if kind == "BS":
        return {"BS": [base64.b64decode(member) for member in payload]}
    if kind == "M":
        return {"M": {name: decode_value(member) for name, member in payload.items()}}
    if kind == "L":
        return {"L": [decode_value(member) for member in payload]}
    return value


def decode_item(item: dict[str, Any]) -> Item:
    """An item as `dumps` wrote it, back in the engine's form (binary values as bytes)."""
    return {name: decode_value(value) for name, value in item.items()}


# --- table settings --------------------------------------------------------------------------


def encode_settings(settings: TableSettings) -> dict[str, Any]:
    """A deep copy of the settings as plain data (settings objects change after they are reported)."""
    return dataclasses.asdict(settings)


def decode_settings(data: dict[str, Any]) -> TableSettings:
    return build(TableSettings, data)


def build(hint: Any, data: Any) -> Any:
    """Rebuild a value of type `hint` from what `dataclasses.asdict` and JSON made of it."""
    if data is None:
        return None
    if dataclasses.is_dataclass(hint) and isinstance(hint, type):
        try:
            hints = typing.get_type_hints(hint)
        except Exception:  # a hint that names something importable only for type checkers
            hints = {}
        known = {field.name for field in dataclasses.fields(hint) if field.init}
        return hint(**{name: build(hints.get(name, Any), data[name]) for name in known if name in data})
    origin = typing.get_origin(hint)
    arguments = typing.get_args(hint)
    if origin in (typing.Union, types.UnionType):
        options = [option for option in arguments if option is not type(None)]
        for option in options:
            if dataclasses.is_dataclass(option) and isinstance(data, dict):
                return build(option, data)
        return build(options[0], data) if len(options) == 1 else data
    if origin is list and arguments:
        return [build(arguments[0], member) for member in data]
    if origin is tuple and arguments:
        if len(arguments) == 2 and arguments[1] is Ellipsis:
            return tuple(build(arguments[0], member) for member in data)
        return tuple(build(kind, member) for kind, member in zip(arguments, data, strict=False))
    if origin in (set, frozenset) and arguments:
        return origin(build(arguments[0], member) for member in data)
    if origin is dict and len(arguments) == 2:
        return {key: build(arguments[1], member) for key, member in data.items()}
    if hint is bytes:
        return base64.b64decode(data)
    return data


# --- features' saved state -------------------------------------------------------------------
# What `Feature.save` returns (see `dynasim.engine.features`): plain data and tables, a table
# written as {"$table": {"settings": ..., "items": [...]}}.


def encode_saved(value: Any) -> Any:
    if isinstance(value, Table):
        return {"$table": {"settings": encode_settings(value.settings), "items": list(value.items())}}
    if isinstance(value, dict):
        return {key: encode_saved(member) for key, member in value.items()}
    if isinstance(value, (list, tuple)):
        return [encode_saved(member) for member in value]
    return value


def decode_saved(data: Any) -> Any:
    if isinstance(data, dict):
        if set(data) == {"$table"}:
            table = Table(decode_settings(data["$table"]["settings"]))
            for encoded in data["$table"]["items"]:
                item = decode_item(encoded)
                hash_key, range_key = item_key(table.key_schema, item)
                table.put(hash_key, range_key, item, item_size(item))
            return table
        return {key: decode_saved(member) for key, member in data.items()}
    if isinstance(data, list):
        return [decode_saved(member) for member in data]
    return data
