"""Document paths over items: reading, writing (copy on write), removing, projecting, and
DynamoDB's overlap and conflict rules between paths."""

from __future__ import annotations

from typing import Any

from dynasim import errors
from dynasim.values import AttributeValue, Item

ResolvedPath = tuple[Any, ...]  # str (attribute name) and int (list index) elements


def show(path: ResolvedPath) -> str:
    """A path as DynamoDB's messages show it: `[a, [1], b]`."""
    return "[" + ", ".join(f"[{e}]" if isinstance(e, int) else e for e in path) + "]"


def get(item: Item, path: ResolvedPath) -> AttributeValue | None:
    """The value at `path`, or None when any step is missing or of the wrong type."""
    value = item.get(path[0])
    for element in path[1:]:
        if value is None:
            return None
        if isinstance(element, int):
            members = value.get("L")
            value = members[element] if members is not None and element < len(members) else None
        else:
            members = value.get("M")
            value = members.get(element) if members is not None else None
    return value


def check_paths(kind: str, paths: list[ResolvedPath]) -> None:
    """Reject two paths that overlap (one is a prefix of the other) or conflict (one indexes a
    list where the other names a map key)."""
    for later_index, later in enumerate(paths):
        for earlier in paths[:later_index]:
            for a, b in zip(earlier, later, strict=False):
                if a == b and type(a) is type(b):
                    continue
                if isinstance(a, int) != isinstance(b, int):
                    raise errors.expression_paths_conflict(kind, show(earlier), show(later))
                break
            else:
                raise errors.expression_paths_overlap(kind, show(earlier), show(later))


# --- writing ---------------------------------------------------------------------------------


def _copy_container(value: AttributeValue) -> AttributeValue:
    if "M" in value:
        return {"M": dict(value["M"])}
    if "L" in value:
        return {"L": list(value["L"])}
    return value


def _parent(item: Item, path: ResolvedPath) -> tuple[Any, Any]:
    """The container holding the last element of `path` in `item` (a fresh top-level copy),
    copying every container on the way so the stored item is never touched. A missing or
    wrongly typed step is DynamoDB's "invalid for update". Returns (container, last element):
    a dict keyed by name or a list indexed by int."""
    holder: Any = item
    key: Any = path[0]
    for element in path[1:]:
        current = holder.get(key) if isinstance(holder, dict) else _list_get(holder, key)
        if current is None:
            raise errors.update_path_invalid()
        wanted = "L" if isinstance(element, int) else "M"
        if wanted not in current:
            raise errors.update_path_invalid()
        copy = _copy_container(current)
        holder[key] = copy
        holder, key = copy[wanted], element
    return holder, key


def check_writable(item: Item, path: ResolvedPath) -> None:
    """Raise "invalid for update" unless every step before the last exists in `item` and is
    the container the next step needs."""
    value: Any = None
    for position, element in enumerate(path[:-1]):
        value = item.get(element) if position == 0 else _step(value, element)
        wanted = "L" if isinstance(path[position + 1], int) else "M"
        if value is None or wanted not in value:
            raise errors.update_path_invalid()


def _step(value: AttributeValue, element: Any) -> AttributeValue | None:
    if isinstance(element, int):
        return _list_get(value["L"], element)
    return value["M"].get(element)


def _list_get(members: list[AttributeValue], index: int) -> AttributeValue | None:
    return members[index] if index < len(members) else None


def set_value(item: Item, path: ResolvedPath, value: AttributeValue) -> None:
    """Write `value` at `path` into `item` (which the caller owns). An index past the end of a
    list appends."""
    if len(path) == 1:
        item[path[0]] = value
        return
    holder, key = _parent(item, path)
    if isinstance(key, int):
        if key < len(holder):
            holder[key] = value
        else:
            holder.append(value)
    else:
        holder[key] = value


def remove_value(item: Item, path: ResolvedPath) -> None:
    """Remove the value at `path` if it is there; a missing list element is no error."""
    if len(path) == 1:
        item.pop(path[0], None)
        return
    holder, key = _parent(item, path)
    if isinstance(key, int):
        if key < len(holder):
            del holder[key]
    else:
        holder.pop(key, None)


# --- projection ------------------------------------------------------------------------------


def projection_tree(paths: list[ResolvedPath]) -> dict[Any, Any]:
    """Paths as a tree of their elements; a leaf (None) takes the whole value."""
    tree: dict[Any, Any] = {}
    for path in paths:
        node = tree
        for element in path[:-1]:
            node = node.setdefault(element, {})
            if node is None:  # pragma: no cover - overlapping paths are rejected first
                break
        else:
            node[path[-1]] = None
    return tree


def project(item: Item, tree: dict[Any, Any]) -> Item:
    """The parts of `item` that the projection tree names, in DynamoDB's shape: maps keep the
    named keys, lists keep the named elements in index order (closing up the gaps)."""
    result: Item = {}
    for name, sub in tree.items():
        value = item.get(name)
        if value is not None:
            projected = _project_value(value, sub)
            if projected is not None:
                result[name] = projected
    return result


def _project_value(value: AttributeValue, tree: dict[Any, Any] | None) -> AttributeValue | None:
    if tree is None:
        return value
    first = next(iter(tree))
    if isinstance(first, int):
        members = value.get("L")
        if members is None:
            return None
        kept = []
        for index in sorted(tree):
            if index < len(members):
                projected = _project_value(members[index], tree[index])
                if projected is not None:
                    kept.append(projected)
        return {"L": kept} if kept else None
    members = value.get("M")
    if members is None:
        return None
    kept_map = {}
    for key, sub in tree.items():
        member = members.get(key)
        if member is not None:
            projected = _project_value(member, sub)
            if projected is not None:
                kept_map[key] = projected
    return {"M": kept_map} if kept_map else None
