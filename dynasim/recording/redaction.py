"""Redaction of attribute values before they reach a cassette.

A rule names what to redact and how::

    Redact(attribute="email")                       # that attribute, at any depth, hashed
    Redact(path="address.street", action="mask")    # a dotted path from the item ("*" and "[*]" match)
    lambda path, value: {"S": "x"} if path == "ssn" else None   # a callback: a replacement or None

A plain string is `Redact(attribute=...)`. "hash" replaces a value by a digest of the same type
(S stays a string, N a number, B bytes, sets stay sets), so equal values stay equal: keys,
conditions and key conditions still match on replay. "mask" replaces it with a constant, for
values that are never keys. Values sent as `ExpressionAttributeValues` are redacted when the
expression compares them with a redacted attribute (`email = :e`, `begins_with(#n, :p)`,
`:lo BETWEEN ...`) or when they equal a value already redacted.

Hashing keeps equality, not order or prefixes: a hashed sort key sorts differently and
`begins_with` on a hashed attribute no longer matches, so hash partition keys and values that
are only compared for equality, and mask the rest.
"""

from __future__ import annotations

import base64
import copy
import hashlib
import json
import re
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import Any

AttributeValue = dict[str, Any]
Callback = Callable[[str, AttributeValue], AttributeValue | None]

# Where attribute maps (attribute name -> AttributeValue) sit in requests, responses and stream records.
_ITEM_KEYS = frozenset(
    {"Item", "Key", "Attributes", "ExclusiveStartKey", "LastEvaluatedKey", "NewImage", "OldImage", "ItemCollectionKey"}
)
_ITEM_LIST_KEYS = frozenset({"Items", "Keys"})
_LEGACY_CONDITION_KEYS = frozenset({"Expected", "KeyConditions", "QueryFilter", "ScanFilter", "AttributeUpdates"})
_EXPRESSION_KEYS = (
    "KeyConditionExpression",
    "FilterExpression",
    "ConditionExpression",
    "UpdateExpression",
    "SearchConditionExpression",
)
_NAME = r"#?[A-Za-z_][\w]*(?:(?:\.#?[A-Za-z_][\w]*)|\[\d+\])*"
_COMPARISON = re.compile(rf"({_NAME})\s*(?:=|<>|<=|>=|<|>)\s*(:\w+)|(:\w+)\s*(?:=|<>|<=|>=|<|>)\s*({_NAME})")
_FUNCTION = re.compile(rf"(?:begins_with|contains)\s*\(\s*({_NAME})\s*,\s*(:\w+)\s*\)")
_BETWEEN = re.compile(rf"({_NAME})\s+BETWEEN\s+(:\w+)\s+AND\s+(:\w+)", re.IGNORECASE)
_SET = re.compile(rf"({_NAME})\s*=\s*(?:if_not_exists\s*\(\s*{_NAME}\s*,\s*)?(:\w+)")
_IN = re.compile(rf"({_NAME})\s+IN\s*\(([^)]*)\)", re.IGNORECASE)


@dataclass(frozen=True)
class Redact:
    """Redact one attribute (by name, at any depth) or one dotted path, by "hash" or "mask"."""

    attribute: str | None = None
    path: str | None = None
    action: str = "hash"

    def __post_init__(self) -> None:
        if (self.attribute is None) == (self.path is None):
            raise ValueError("give exactly one of attribute= or path=")
        if self.action not in ("hash", "mask"):
            raise ValueError(f'action must be "hash" or "mask", not {self.action!r}')

    def matches(self, path: str, name: str) -> bool:
        if self.attribute is not None:
            return name == self.attribute
        assert self.path is not None
        pattern = re.escape(self.path).replace(r"\*", r"[^.]*")
        return re.fullmatch(pattern, path) is not None

    def describe(self) -> dict[str, Any]:
        key = "attribute" if self.attribute is not None else "path"
        return {key: self.attribute if self.attribute is not None else self.path, "action": self.action}


Rule = str | Redact | Callback


class Redactor:
    """Applies rules to wire-form documents; the same rules and salt give the same output."""

    def __init__(self, rules: Iterable[Rule] = (), salt: str | bytes = b"") -> None:
        self.rules: list[Redact | Callback] = [Redact(attribute=r) if isinstance(r, str) else r for r in rules]
        self._salt = salt.encode() if isinstance(salt, str) else salt
        self._seen: dict[str, AttributeValue] = {}  # canonical original -> redacted

    def __bool__(self) -> bool:
        return bool(self.rules)

    @classmethod
    def from_header(cls, described: list[dict[str, Any]], salt: str | bytes = b"") -> Redactor:
        """The rules a cassette's header describes (callbacks cannot be rebuilt; they are skipped)."""
        rules: list[Rule] = []
        for rule in described:
            if "attribute" in rule or "path" in rule:
                rules.append(Redact(attribute=rule.get("attribute"), path=rule.get("path"), action=rule["action"]))
        return cls(rules, salt)

    def describe(self) -> list[dict[str, Any]]:
        return [
            rule.describe() if isinstance(rule, Redact) else {"callback": getattr(rule, "__qualname__", "callback")}
            for rule in self.rules
        ]

    def document(self, document: Any) -> Any:
        """A redacted deep copy of a request or response."""
        if not self.rules or document is None:
            return document
        document = copy.deepcopy(document)
        self._walk(document)
        return document

    # --- walking the wire form ----------------------------------------------------------------

    def _walk(self, node: Any) -> None:
        if isinstance(node, list):
            for element in node:
                self._walk(element)
            return
        if not isinstance(node, dict):
            return
        for key, value in node.items():
            if key in _ITEM_KEYS and isinstance(value, dict):
                self._item(value)
            elif key in _ITEM_LIST_KEYS and isinstance(value, list):
                for item in value:
                    if isinstance(item, dict):
                        self._item(item)
            elif key == "Responses" and isinstance(value, dict):
                for items in value.values():
                    for item in items if isinstance(items, list) else ():
                        self._item(item)
            elif key in _LEGACY_CONDITION_KEYS and isinstance(value, dict):
                self._legacy_conditions(value)
            elif key == "ExpressionAttributeValues" and isinstance(value, dict):
                self._placeholders(node, value)
            else:
                self._walk(value)

    def _legacy_conditions(self, conditions: dict[str, Any]) -> None:
        """The values of legacy conditions (`Expected`, `KeyConditions`, ...), by attribute name."""
        for name, condition in conditions.items():
            if not isinstance(condition, dict):
                continue
            if isinstance(condition.get("Value"), dict):
                condition["Value"] = self._value(name, name, condition["Value"])
            if isinstance(condition.get("AttributeValueList"), list):
                condition["AttributeValueList"] = [self._value(name, name, v) for v in condition["AttributeValueList"]]

    def _item(self, item: dict[str, Any]) -> None:
        for name in list(item):
            if isinstance(item[name], dict):
                item[name] = self._value(name, name, item[name])

    def _value(self, path: str, name: str, value: AttributeValue) -> AttributeValue:
        for rule in self.rules:
            if isinstance(rule, Redact):
                if rule.matches(path, name):
                    return self._remember(value, self._hash(value) if rule.action == "hash" else _mask(value))
            else:
                replaced = rule(path, value)
                if replaced is not None:
                    return self._remember(value, replaced)
        if isinstance(value.get("M"), dict):
            value = dict(value, M={k: self._value(f"{path}.{k}", k, v) for k, v in value["M"].items()})
        elif isinstance(value.get("L"), list):
            value = dict(value, L=[self._value(f"{path}[{i}]", name, v) for i, v in enumerate(value["L"])])
        return value

    def _remember(self, original: AttributeValue, redacted: AttributeValue) -> AttributeValue:
        self._seen[_canonical(original)] = redacted
        return redacted

    def _placeholders(self, request: dict[str, Any], values: dict[str, Any]) -> None:
        names: dict[str, str] = request.get("ExpressionAttributeNames") or {}

        def resolve(path: str) -> str:
            parts = re.split(r"\.|(?=\[)", path)
            return ".".join(names.get(p, p) for p in parts).replace(".[", "[")

        compared: dict[str, str] = {}
        for key in _EXPRESSION_KEYS:
            expression = request.get(key)
            if not isinstance(expression, str):
                continue
            for match in _COMPARISON.finditer(expression):
                if match.group(1):
                    compared.setdefault(match.group(2), resolve(match.group(1)))
                else:
                    compared.setdefault(match.group(3), resolve(match.group(4)))
            for pattern in (_FUNCTION, _SET):
                for match in pattern.finditer(expression):
                    compared.setdefault(match.group(2), resolve(match.group(1)))
            for match in _BETWEEN.finditer(expression):
                compared.setdefault(match.group(2), resolve(match.group(1)))
                compared.setdefault(match.group(3), resolve(match.group(1)))
            for match in _IN.finditer(expression):
                for placeholder in re.findall(r":\w+", match.group(2)):
                    compared.setdefault(placeholder, resolve(match.group(1)))
        for placeholder in list(values):
            value = values[placeholder]
            if not isinstance(value, dict):
                continue
            path = compared.get(placeholder)
            if path is not None:
                name = re.split(r"\.|\[", path)[-1] or path
                redacted = self._value(path, name, value)
                if redacted is not value:
                    values[placeholder] = redacted
                    continue
            seen = self._seen.get(_canonical(value))
            if seen is not None:
                values[placeholder] = seen

    # --- hashing and masking ------------------------------------------------------------------

    def _digest(self, kind: str, text: str) -> bytes:
        return hashlib.sha256(self._salt + kind.encode() + b"\0" + text.encode("utf-8")).digest()

    def _scalar(self, kind: str, value: Any) -> Any:
        digest = self._digest(kind, value if isinstance(value, str) else json.dumps(value))
        if kind == "S":
            return "redacted-" + digest.hex()[:20]
        if kind == "N":
            return str(int.from_bytes(digest[:6], "big"))
        return base64.b64encode(digest[:16]).decode("ascii")  # B

    def _hash(self, value: AttributeValue) -> AttributeValue:
        for kind in ("S", "N", "B"):
            if kind in value:
                return {kind: self._scalar(kind, value[kind])}
        for kind in ("SS", "NS", "BS"):
            if kind in value:
                return {kind: [self._scalar(kind[0], v) for v in value[kind]]}
        if "M" in value:
            return {"M": {k: self._hash(v) for k, v in value["M"].items()}}
        if "L" in value:
            return {"L": [self._hash(v) for v in value["L"]]}
        return value  # BOOL, NULL: nothing to hide


def _mask(value: AttributeValue) -> AttributeValue:
    masks = {"S": "***", "N": "0", "B": base64.b64encode(b"***").decode("ascii")}
    for kind, mask in masks.items():
        if kind in value:
            return {kind: mask}
    for kind in ("SS", "NS", "BS"):
        if kind in value:
            return {kind: [masks[kind[0]]]}
    if "M" in value:
        return {"M": {}}
    if "L" in value:
        return {"L": []}
    return value


def _canonical(value: AttributeValue) -> str:
    return json.dumps(value, sort_keys=True, separators=(",", ":"))
