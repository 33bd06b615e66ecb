"""Expressions with generated placeholders: UpdateExpression, and the merging of caller-written
conditions (with their own `names=` / `values=`) into a request.

A *name* is one top-level attribute, taken literally: ``"a.b"`` is the attribute called ``a.b`` and
``"size"`` is fine although reserved. A nested path is a sequence of segments: strings are map
keys, integers list indexes (``("address", "lines", 0)`` is ``address.lines[0]``)."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from dynasim.integration.mapping import to_attribute_value

Path = str | Sequence[str | int]


class Placeholders:
    """Hands out ``#<prefix>N`` / ``:<prefix>N`` placeholders: one per distinct name, one per value."""

    def __init__(self, prefix: str) -> None:
        self.prefix = prefix
        self.names: dict[str, str] = {}  # placeholder -> attribute name
        self._by_name: dict[str, str] = {}
        self.values: dict[str, dict[str, Any]] = {}  # placeholder -> wire value

    def name(self, attribute: str) -> str:
        if not isinstance(attribute, str) or not attribute:
            raise ValueError(f"an attribute name must be a non-empty string, not {attribute!r}")
        placeholder = self._by_name.get(attribute)
        if placeholder is None:
            placeholder = f"#{self.prefix}{len(self._by_name)}"
            self._by_name[attribute] = placeholder
            self.names[placeholder] = attribute
        return placeholder

    def path(self, path: Path) -> str:
        if isinstance(path, str):
            return self.name(path)
        segments = list(path)
        if not segments or not isinstance(segments[0], str):
            raise ValueError(f"a path must start with an attribute name: {path!r}")
        out = ""
        for segment in segments:
            if isinstance(segment, bool) or not isinstance(segment, (str, int)):
                raise ValueError(f"path segments are names or list indexes: {segment!r}")
            if isinstance(segment, int):
                if segment < 0:
                    raise ValueError(f"list indexes are not negative: {segment}")
                out += f"[{segment}]"
            else:
                out += ("." if out else "") + self.name(segment)
        return out

    def value(self, value: Any) -> str:
        placeholder = f":{self.prefix}{len(self.values)}"
        self.values[placeholder] = to_attribute_value(value)
        return placeholder


class UpdateExpression:
    """Builds an UpdateExpression; actions may be added in any order, each clause appears once.

    >>> UpdateExpression().set("status", "shipped").increment("version").remove("draft")
    """

    def __init__(self) -> None:
        self._ph = Placeholders("u")
        self._clauses: dict[str, list[str]] = {"SET": [], "REMOVE": [], "ADD": [], "DELETE": []}

    def set(self, path: Path, value: Any) -> UpdateExpression:
        self._clauses["SET"].append(f"{self._ph.path(path)} = {self._ph.value(value)}")
        return self

    def set_if_not_exists(self, path: Path, value: Any) -> UpdateExpression:
        """Set `path` to `value` only if it has no value yet."""
        p = self._ph.path(path)
        self._clauses["SET"].append(f"{p} = if_not_exists({p}, {self._ph.value(value)})")
        return self

    def increment(self, path: Path, delta: int | float = 1) -> UpdateExpression:
        """Add `delta` to a number; a missing attribute counts as 0."""
        p = self._ph.path(path)
        zero = self._ph.value(0)
        self._clauses["SET"].append(f"{p} = if_not_exists({p}, {zero}) + {self._ph.value(delta)}")
        return self

    def decrement(self, path: Path, delta: int | float = 1) -> UpdateExpression:
        p = self._ph.path(path)
        zero = self._ph.value(0)
        self._clauses["SET"].append(f"{p} = if_not_exists({p}, {zero}) - {self._ph.value(delta)}")
        return self

    def list_append(self, path: Path, values: Sequence[Any], *, prepend: bool = False) -> UpdateExpression:
        """Append (or prepend) `values` to a list; a missing attribute counts as an empty list."""
        p = self._ph.path(path)
        empty = self._ph.value([])
        new = self._ph.value(list(values))
        current = f"if_not_exists({p}, {empty})"
        args = f"{new}, {current}" if prepend else f"{current}, {new}"
        self._clauses["SET"].append(f"{p} = list_append({args})")
        return self

    def remove(self, path: Path) -> UpdateExpression:
        self._clauses["REMOVE"].append(self._ph.path(path))
        return self

    def add(self, path: Path, value: Any) -> UpdateExpression:
        """ADD: a number to a number, or the members of a set to a set."""
        self._clauses["ADD"].append(f"{self._ph.path(path)} {self._ph.value(value)}")
        return self

    def delete(self, path: Path, members: Any) -> UpdateExpression:
        """DELETE: remove the members of a set from a set."""
        self._clauses["DELETE"].append(f"{self._ph.path(path)} {self._ph.value(members)}")
        return self

    @property
    def expression(self) -> str:
        parts = [f"{clause} {', '.join(actions)}" for clause, actions in self._clauses.items() if actions]
        if not parts:
            raise ValueError("an UpdateExpression needs at least one action")
        return " ".join(parts)

    @property
    def names(self) -> dict[str, str]:
        return dict(self._ph.names)

    @property
    def values(self) -> dict[str, dict[str, Any]]:
        return dict(self._ph.values)

    def __bool__(self) -> bool:
        return any(self._clauses.values())

    def __repr__(self) -> str:
        return f"UpdateExpression({self.expression if self else ''!r})"


def merge_expression_attributes(
    request: dict[str, Any],
    names: Mapping[str, str] | None = None,
    values: Mapping[str, Any] | None = None,
    *,
    wire_values: Mapping[str, dict[str, Any]] | None = None,
) -> None:
    """Add ExpressionAttributeNames / Values to `request`; `values` are plain Python values, a
    placeholder given twice with different meanings is refused."""
    merged_names = request.setdefault("ExpressionAttributeNames", {})
    for placeholder, name in (names or {}).items():
        if not placeholder.startswith("#"):
            raise ValueError(f"name placeholders start with '#': {placeholder!r}")
        if merged_names.get(placeholder, name) != name:
            raise ValueError(f"placeholder {placeholder} is already used for {merged_names[placeholder]!r}")
        merged_names[placeholder] = name
    merged_values = request.setdefault("ExpressionAttributeValues", {})
    converted = {p: to_attribute_value(v) for p, v in (values or {}).items()}
    converted.update(wire_values or {})
    for placeholder, value in converted.items():
        if not placeholder.startswith(":"):
            raise ValueError(f"value placeholders start with ':': {placeholder!r}")
        if placeholder in merged_values and merged_values[placeholder] != value:
            raise ValueError(f"placeholder {placeholder} is already used for another value")
        merged_values[placeholder] = value
    if not merged_names:
        del request["ExpressionAttributeNames"]
    if not merged_values:
        del request["ExpressionAttributeValues"]
