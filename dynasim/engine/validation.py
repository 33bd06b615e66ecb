"""Request validation generated from botocore's service model, run before any handler.

Two layers, in the service's order:

1. **Types.** Every member the model knows must have a JSON type its shape accepts; the first that
   does not, in document order, is a `SerializationException` worded as the service's deserializer
   words it. Unknown members are ignored and a member that is `null` counts as absent, as the
   service does (it is removed from the request); a `null` in a list or as a map's value is refused. Integer
   members given as JSON fractions are truncated and booleans given as `"true"`/`"false"` are read,
   as the service reads them; the request is updated in place, so handlers see plain values.
2. **Constraints.** Required members, lengths, ranges, enums and patterns give one ValidationException
   listing the violations in the service's words ("N validation errors detected: Value '…' at
   'path' failed to satisfy constraint: Member must …"; at most ten), members in the service's order
   (`model.MEMBER_ORDER`).

The type walk is iterative and the constraint walk is bounded by the model's depth (it never
enters attribute values), so no input reaches Python's recursion limit. Attribute values carry no
constraints here: their checks are the item checks of `dynasim/values.py`, run by the handlers.
"""

from __future__ import annotations

import base64
import binascii
import functools
import math
import re
import threading
import zlib
from collections import OrderedDict
from typing import Any

from botocore.model import Shape

from dynasim import errors, wire
from dynasim.engine import model

MAX_REPORTED = 10  # the service lists at most ten violations
VALUE_SHAPE = "AttributeValue"  # checked by the handlers, not here (see the docstring)
TABLE_ARN_SHAPE = "TableArn"  # a table name or ARN: checked by `table_name_clauses`

Request = dict[str, Any]


def validate(operation: str, request: Request, *, typed: bool = False) -> None:
    """Raise the service's error for the first layer `request` fails; do nothing if it passes.
    `typed`: the request was serialised by a client that checked every member's type against the
    service model (botocore with parameter validation on), so the first layer would find nothing
    (no wrong type, no null member, no fraction for an integer) and is skipped."""
    shape = model.input_shape(operation)
    if shape is None:
        return
    if _holds_values(shape):
        _validate(operation, shape, request, typed)
        return
    # A request without attribute values (the control plane's) often repeats whole, as a test's
    # CreateTable does: one found valid before, and left as it was, is not walked again.
    try:
        key = (operation, wire.dumps(request))
    except (TypeError, ValueError):  # not JSON (a request made in the process): walked as it is
        _validate(operation, shape, request)
        return
    with _valid_lock:
        if key in _VALID:
            _VALID.move_to_end(key)
            return
    _validate(operation, shape, request)
    if wire.dumps(request) == key[1]:  # nothing read differently (no fraction truncated, say)
        with _valid_lock:
            _VALID[key] = None
            if len(_VALID) > _VALID_KEPT:
                _VALID.popitem(last=False)


_VALID: OrderedDict[tuple[str, bytes], None] = OrderedDict()  # the most recent valid requests
_VALID_KEPT = 1024
_valid_lock = threading.Lock()


@functools.cache
def _holds_values(shape: Shape) -> bool:
    """Whether a request of this shape can hold attribute values (the data plane's)."""
    seen: set[str] = set()
    pending = [shape]
    while pending:
        current = pending.pop()
        if current.name == VALUE_SHAPE:
            return True
        if current.name in seen:
            continue
        seen.add(current.name)
        if current.type_name == "structure":
            pending.extend(current.members.values())
        elif current.type_name == "list":
            pending.append(current.member)
        elif current.type_name == "map":
            pending.extend((current.key, current.value))
    return False


def _validate(operation: str, shape: Shape, request: Request, typed: bool = False) -> None:
    if not typed:  # saves walking every attribute value of a request botocore has checked
        check_types(shape, request)
    _check_operator_first(operation, request)
    sentence_member = model.EMPTY_IN_A_SENTENCE.get(operation)
    if sentence_member is not None and request.get(sentence_member) == {}:
        raise errors.batch_write_no_requests()
    newer = not _lacks_required_member(shape, request)
    if newer:
        first = _checked_first(operation, shape, request)
        if first is not None:
            raise errors.constraints([first])
    clauses = _structure_clauses(shape, request, "", operation, newer)
    if clauses:
        raise errors.constraints(clauses[:MAX_REPORTED])


def _check_operator_first(operation: str, request: Request) -> None:
    """See `model.OPERATOR_BEFORE_CONSTRAINTS`."""
    legacy_filter = request.get(model.OPERATOR_BEFORE_CONSTRAINTS.get(operation, ""))
    operator = request.get("ConditionalOperator")
    if isinstance(legacy_filter, dict) and len(legacy_filter) >= 2 and operator not in (None, "AND", "OR"):
        raise errors.conditional_operator_enum()


# --- layer 1: JSON types ---------------------------------------------------------------------


def check_types(shape: Shape, request: Request) -> None:
    """Raise the SerializationException of the first member, in document order, whose JSON type
    its shape does not accept."""
    # Entries (shape, value, container, key) with container[key] == value, so that a scalar read
    # differently from how it was sent (a fraction for an integer) can be written back.
    pending: list[tuple[Shape, Any, Any, Any]] = [(shape, request, None, None)]
    while pending:
        shape, value, container, key = pending.pop()
        if value is None:  # in a list or a map: a structure's null members are gone by now
            raise errors.unexpected_value_type(value)
        if shape.name == VALUE_SHAPE and _plain_value(value):
            continue  # saves the walk of the commonest attribute values, which read as they are
        kind = shape.type_name
        if kind == "structure":
            _expect(value, dict, "null")
            for name in [name for name, child in value.items() if child is None]:
                del value[name]  # absent
            members = shape.members
            children = [(members[name], child, value, name) for name, child in value.items() if name in members]
        elif kind == "map":
            _expect(value, dict, "map or null")
            children = [(shape.value, child, value, name) for name, child in value.items()]
        elif kind == "list":
            _expect(value, list, "list or null")
            children = [(shape.member, child, value, index) for index, child in enumerate(value)]
        else:
            read = _read_scalar(kind, value)
            if read is not value and container is not None:
                container[key] = read
            continue
        pending.extend(reversed(children))


_PLAIN_TYPES = {"S": str, "N": str, "BOOL": bool, "NULL": bool}


def _plain_value(value: Any) -> bool:
    """Whether an attribute value is a string, number, boolean or null in the JSON types the
    service reads as they are: the walk would find nothing to refuse or rewrite in it."""
    if type(value) is not dict or len(value) != 1:
        return False
    ((tag, inner),) = value.items()
    return type(inner) is _PLAIN_TYPES.get(tag)


def _expect(value: Any, kind: type, expected: str) -> None:
    """`value` must be of JSON type `kind`; else the error for what it is instead."""
    if isinstance(value, kind):
        return
    if isinstance(value, list):
        raise errors.unexpected_list()
    if isinstance(value, dict):
        raise errors.unexpected_object()
    raise errors.expected(expected)


def _java_class(value: Any) -> str:
    """The Java class the service's JSON reader gives a JSON scalar."""
    if isinstance(value, bool):
        return "java.lang.Boolean"
    if isinstance(value, str):
        return "java.lang.String"
    if isinstance(value, float):
        return "java.lang.Double"
    for bits, name in ((16, "Short"), (32, "Integer"), (64, "Long")):
        if -(2 ** (bits - 1)) <= value < 2 ** (bits - 1):
            return f"java.lang.{name}"
    return "java.math.BigInteger"


_JAVA_TYPES = {
    "string": "String",
    "boolean": "Boolean",
    "integer": "Integer",
    "long": "Long",
    "double": "Double",
    "float": "Float",
    "timestamp": "Date",
}


def _read_scalar(kind: str, value: Any) -> Any:
    """`value` as the service reads a member of scalar type `kind`, or its SerializationException."""
    if isinstance(value, (dict, list)):
        _expect(value, str, "")  # raises: a list or an object where a scalar belongs
    if kind == "blob":
        return _read_blob(value)
    is_number = isinstance(value, (int, float)) and not isinstance(value, bool)
    if kind == "string" and isinstance(value, str):
        return value
    if kind == "boolean":
        if isinstance(value, bool):
            return value
        if isinstance(value, str):
            if value.lower() in ("true", "false"):
                return value.lower() == "true"
            raise errors.not_a_boolean(value)
        if isinstance(value, float) and math.isfinite(value):  # the service reads fractions as booleans
            return abs(value) >= 1
    if kind in ("integer", "long") and is_number:
        if isinstance(value, int):
            return value
        if math.isfinite(value):
            return math.floor(value)
    if kind in ("double", "float", "timestamp") and is_number:
        return value
    raise errors.not_convertible(_java_class(value), _JAVA_TYPES[kind])


def _read_blob(value: Any) -> Any:
    if isinstance(value, (bytes, bytearray)):  # already decoded (a request built inside the process)
        return value
    if not isinstance(value, str):
        raise errors.not_convertible(_java_class(value), "Blob")
    if len(value) % 4:
        raise errors.blob_length(value)
    bad = _NOT_BASE64.search(value)
    if bad:
        raise errors.blob_character(value, bad.group()[0])
    try:
        decoded = base64.b64decode(value, validate=True)
    except binascii.Error:  # padding in the wrong place
        raise errors.blob_character(value, "=") from None
    if base64.b64encode(decoded).decode("ascii") != value:  # bits left over in the last character
        raise errors.blob_last_character(value)
    return value


_NOT_BASE64 = re.compile(r"[^A-Za-z0-9+/=]|=[^=]")


# --- layer 2: constraints --------------------------------------------------------------------


def _lacks_required_member(shape: Shape, request: Request) -> bool:
    """Whether a required member of the request itself is missing: then the service's older
    validation answers alone (see `model.CHECKED_FIRST`)."""
    return any(required and request.get(name) is None for name, _, required in _ordered_members(shape))


def _checked_first(operation: str, shape: Shape, request: Request) -> str | None:
    """The clause of the first violation the service's newer validation finds, if any."""
    for path, rule in model.CHECKED_FIRST.get(operation, ()):
        for where, member, value in _members_at(shape, request, path.split(".")):
            if value is None:
                continue
            if rule == "enum":
                if value not in member.enum:
                    return errors.constraint_newer_enum(model.NEWER_ENUM_VALUES[member.name])
                continue
            bound = member.metadata["min" if rule == "min_length" else "max"]
            if not _satisfies(member, value, rule, bound):
                return errors.constraint_unechoed(where, errors.RULE_REQUIREMENTS[rule].format(bound))
    return None


def _members_at(shape: Shape, value: Any, steps: list[str], where: str = "") -> list[tuple[str, Shape, Any]]:
    """(path as the request spells it, shape, value) of each member `steps` names from `value`;
    a `*` step is every key of a map (the path then names `member`, as the service does)."""
    if not steps:
        return [(where, shape, value)]
    step, rest = steps[0], steps[1:]
    if step == "*":
        entries = value.items() if isinstance(value, dict) else ()
        return [
            found
            for key, child in entries
            for found in _members_at(shape.value, child, rest, f"{where}.{key}.member")
        ]
    child = value.get(step) if isinstance(value, dict) else None
    return _members_at(shape.members[step], child, rest, f"{where}.{step}" if where else step)


def _lower_first(name: str) -> str:
    return name[:1].lower() + name[1:]


@functools.cache
def _ordered_members(shape: Shape) -> tuple[tuple[str, Shape, bool], ...]:
    """(name, shape, required) for each member, in the order the service reports them."""
    recorded = [name for name in model.MEMBER_ORDER.get(shape.name, ()) if name in shape.members]
    names = recorded + [name for name in shape.members if name not in recorded]
    required = set(shape.required_members) | set(model.ALSO_REQUIRED.get(shape.name, ()))
    required -= model.NOT_REQUIRED.get(shape.name, frozenset())
    return tuple((name, shape.members[name], name in required) for name in names)


def _structure_clauses(
    shape: Shape, value: dict[str, Any], path: str, operation: str = "", newer: bool = False
) -> list[str]:
    """The clauses of a structure's members; `operation` is given for the request itself, and
    `newer` when the service's newer validation words some of them (see `model.NEWER_ENUM_CLAUSE`)."""
    clauses: list[str] = []
    last: list[str] = []  # reported only if nothing else is (model.KEYS_CHECKED_LAST)
    for name, member, required in _ordered_members(shape):
        if operation and name == "TableName" and member.name == TABLE_ARN_SHAPE:
            clauses += _top_table_name(operation, required, value.get(name))
            continue
        child = value.get(name)
        if child is None and not required:
            continue  # saves naming the path of each absent member
        where = f"{path}.{_lower_first(name)}" if path else _lower_first(name)
        member_id = f"{shape.name}.{name}"
        if child is None:
            clauses.append(errors.constraint_null(where))
        elif newer and member_id in model.NEWER_ENUM_CLAUSE and child not in member.enum:
            clauses.append(errors.constraint_newer_enum(model.NEWER_ENUM_VALUES[member.name]))
        elif member_id in model.KEYS_CHECKED_LAST:
            clauses += _member_clauses(member, child, where, member_id, keys=False)
            last += _map_keys_clause(member, child, where, member_id)
        else:
            clauses += _member_clauses(member, child, where, member_id)
        if len(clauses) >= MAX_REPORTED:
            break
    return clauses or last


def _member_clauses(
    shape: Shape, value: Any, where: str, member_id: str = "", own_rules: bool = True, keys: bool = True
) -> list[str]:
    """The clauses of one member and what nests in it (`own_rules` False: only what nests; `keys`
    False: not a map's keys)."""
    if shape.name == VALUE_SHAPE:
        return []
    if shape.name == TABLE_ARN_SHAPE:
        if value.startswith("arn:"):
            return [errors.constraint(value, where, text) for text in _arn_failures(value)]
        return table_name_clauses(value, where)
    clauses = []
    if own_rules:
        clauses = [errors.constraint(_printed(value, shape), where, text) for text in _failed(shape, value, member_id)]
    if shape.type_name == "structure":
        clauses += _structure_clauses(shape, value, where)
    elif shape.type_name == "list":
        if _is_value_map(shape.member) and all(_clean_value_map(shape.member, child) for child in value):
            return clauses  # saves the walk of every key of a batch, one by one, when none breaks a rule
        for position, child in enumerate(value, start=1):
            element = f"{where}.{position}.member"
            if child is None:
                clauses.append(errors.constraint_null(element))
            else:
                clauses += _member_clauses(shape.member, child, element)
    elif shape.type_name == "map":
        if keys:
            clauses += _map_keys_clause(shape, value, where, member_id)
        clauses += _map_clauses(shape, value, where, member_id)
    return clauses


@functools.cache
def _is_value_map(shape: Shape) -> bool:
    """A map of attribute values (a key, an item): only its own rules and its keys can be broken."""
    return shape.type_name == "map" and shape.value.name == VALUE_SHAPE


def _clean_value_map(shape: Shape, value: Any) -> bool:
    """Whether `_member_clauses` would find nothing in this map of attribute values."""
    return value is not None and not _failed(shape, value) and not _keys_fail(shape, value)


def _keys_fail(shape: Shape, value: dict[str, Any]) -> bool:
    """Whether any key of a map breaks a rule of the map's key shape."""
    return any(_key_fails(shape.key, key) for key in value)


def _map_keys_clause(shape: Shape, value: dict[str, Any], where: str, member_id: str) -> list[str]:
    """A map's keys are reported once for the whole map, with every rule of their shape."""
    if not _keys_fail(shape, value):
        return []
    return [errors.map_constraint(_echoed(value, shape, member_id), where, "keys", _listed_rules(shape.key))]


def _map_clauses(shape: Shape, value: dict[str, Any], where: str, member_id: str = "") -> list[str]:
    """A map's plain values are reported once for the whole map with every rule of their shape;
    structured values entry by entry, last entry first (as dynalite's live-service tests record
    for QueryFilter)."""
    clauses = []
    entry = shape.value
    if entry.type_name in ("structure", "map", "list") and entry.name != VALUE_SHAPE and _has_rules_inside(entry):
        for key in reversed(list(value)):
            if value[key] is not None:
                # An entry's own rules are the map's "Map value" clause below.
                clauses += _member_clauses(entry, value[key], f"{where}.{key}.member", own_rules=False)
    if _rules(entry) and any(_failed(entry, child) for child in value.values() if child is not None):
        clauses.append(errors.map_constraint(_echoed(value, shape, member_id), where, "value", _listed_rules(entry)))
    return clauses


@functools.lru_cache(maxsize=8192)
def _key_fails(shape: Shape, key: str) -> bool:
    # cached: saves re-checking the attribute names every item of a batch repeats
    if shape.name == TABLE_ARN_SHAPE and not key.startswith("arn:"):
        # Table names as map keys (RequestItems): the rules dynalite's live-service tests record.
        return not 3 <= len(key) <= 255 or not _pattern(model.TABLE_NAME_PATTERN).fullmatch(key)
    return bool(_failed(shape, key))


def _listed_rules(shape: Shape) -> list[str]:
    """Every rule of a map's key or value shape as the service lists them: upper bound first."""
    if shape.name == TABLE_ARN_SHAPE:
        rules = [("max_length", 255), ("min_length", 3), ("pattern", model.TABLE_NAME_PATTERN)]
    else:
        order = {"max_length": 0, "max_value": 0, "min_length": 1, "min_value": 1}
        rules = sorted(_rules(shape), key=lambda rule: order.get(rule[0], 2))
    return [errors.RULE_REQUIREMENTS[rule].format(bound) for rule, bound in rules]


@functools.cache
def _has_rules_inside(shape: Shape) -> bool:
    """Whether anything nested in a list or map shape can break a rule (the model has no cycles
    outside attribute values, which this never enters)."""
    if shape.name == VALUE_SHAPE:
        return False
    if _rules(shape) or (shape.type_name == "structure" and shape.required_members):
        return True
    if shape.type_name == "structure":
        return any(_has_rules_inside(member) for member in shape.members.values())
    if shape.type_name == "list":
        return _has_rules_inside(shape.member)
    if shape.type_name == "map":
        return _has_rules_inside(shape.key) or _has_rules_inside(shape.value)
    return False


@functools.cache
def _rules(shape: Shape, member_id: str = "") -> tuple[tuple[str, Any], ...]:
    """The shape's constraints as (rule, bound), in the order the service reports them."""
    ignored = model.NOT_ENFORCED.get(shape.name, frozenset())
    metadata = {name: bound for name, bound in shape.metadata.items() if name not in ignored}
    metadata.update(model.EXTRA_RULES.get(member_id, {}))
    sized = shape.type_name in ("string", "list", "map", "blob")
    rules: list[tuple[str, Any]] = []
    if "min" in metadata:
        rules.append(("min_length" if sized else "min_value", metadata["min"]))
    if "max" in metadata:
        rules.append(("max_length" if sized else "max_value", metadata["max"]))
    if "pattern" in metadata:
        pattern_first = shape.name in model.PATTERN_BEFORE_LENGTH or member_id in model.PATTERN_BEFORE_LENGTH
        rules.insert(0 if pattern_first else len(rules), ("pattern", metadata["pattern"]))
    enum = getattr(shape, "enum", None)
    if enum:
        rules.append(("enum", ", ".join(model.ENUM_ORDER.get(shape.name, enum))))
    return tuple(rules)


def _failed(shape: Shape, value: Any, member_id: str = "") -> list[str]:
    """The requirement texts of the rules `value` breaks."""
    if not _rules(shape, member_id):
        return []  # saves the walk over a shape with nothing to break (attribute values, most structures)
    if type(value) is str:
        return list(_failed_text(shape, value, member_id))
    return _failures(shape, value, member_id)


@functools.lru_cache(maxsize=8192)
def _failed_text(shape: Shape, value: str, member_id: str) -> tuple[str, ...]:
    # Saves re-checking the strings requests repeat: table and attribute names, enums, expressions.
    return tuple(_failures(shape, value, member_id))


def _failures(shape: Shape, value: Any, member_id: str) -> list[str]:
    return [
        errors.RULE_REQUIREMENTS[rule].format(bound)
        for rule, bound in _rules(shape, member_id)
        if not _satisfies(shape, value, rule, bound)
    ]


def _satisfies(shape: Shape, value: Any, rule: str, bound: Any) -> bool:
    if rule == "min_length":
        return _length(shape, value) >= bound
    if rule == "max_length":
        return _length(shape, value) <= bound
    if rule == "min_value":
        return value >= bound
    if rule == "max_value":
        return value <= bound
    if rule == "pattern":
        return _pattern(bound).fullmatch(value) is not None
    return value in bound.split(", ")


def _length(shape: Shape, value: Any) -> int:
    if isinstance(value, str):
        if value.isascii():  # saves encoding: one UTF-16 code unit per character
            return len(value)
        return len(value.encode("utf-16-le", "surrogatepass")) // 2  # Java counts UTF-16 code units
    return len(value)


# The model's patterns are Java's: the two forms Python's `re` reads otherwise (or not at all), in
# Python's words (AutoScalingPolicyName's printable ASCII; AutoScalingRoleArn's surrogate pairs).
_JAVA_PATTERN_FORMS = {r"\p{Print}": r"[\x20-\x7E]", r"\uD800\uDC00-\uDBFF\uDFFF": r"\U00010000-\U0010FFFF"}


@functools.cache
def _pattern(pattern: str) -> re.Pattern[str]:
    for java, python in _JAVA_PATTERN_FORMS.items():
        pattern = pattern.replace(java, python)
    return re.compile(pattern, re.DOTALL)


def _echoed(value: Any, shape: Shape, member_id: str) -> str:
    """A member's value as the service echoes it in a clause (see `model.ECHOED_AS_JSON`)."""
    if member_id in model.ECHOED_AS_JSON:
        return wire.dumps(value).decode("utf-8")
    return _printed(value, shape)


def _printed(value: Any, shape: Shape | None = None) -> str:
    """A value as the service prints it in a constraint clause (Java's toString): lists as
    `[a, b]`, maps as `{k=v}`, binary as a ByteBuffer. A structure prints by its fields where the
    service's form is recorded (`model.PRINTED_FIELDS`), otherwise as a Java object, `Name@hash`,
    where the service's hash is an identity hash no one can reproduce; ours is a checksum."""
    if isinstance(value, bool):
        return "true" if value else "false"
    if shape is not None and shape.type_name == "blob":
        size = len(value) if isinstance(value, (bytes, bytearray)) else len(base64.b64decode(value))
        return f"java.nio.HeapByteBuffer[pos=0 lim={size} cap={size}]"
    if isinstance(value, list):
        element = shape.member if shape is not None and shape.type_name == "list" else None
        return "[" + ", ".join(_printed(child, element) for child in value) + "]"
    if isinstance(value, dict):
        if shape is not None and shape.type_name == "map":
            return "{" + ", ".join(f"{key}={_printed(child, shape.value)}" for key, child in value.items()) + "}"
        if shape is not None and shape.name in model.PRINTED_FIELDS:
            return _printed_fields(value, shape)
        name = shape.name if shape is not None else "Object"
        return f"com.amazonaws.dynamodb.v20120810.{name}@{zlib.crc32(wire.dumps(value)):08x}"
    return str(value)


def _printed_fields(value: dict[str, Any], shape: Shape) -> str:
    """A structure in Lombok's toString form, `Name(field=value, ...)`; a field's member is its name
    with the first letter upper-cased (`putRequest`: PutRequest, `nULL`: NULL)."""
    fields = []
    for field in model.PRINTED_FIELDS[shape.name]:
        member = field[0].upper() + field[1:]
        child = value.get(member)
        printed = "null" if child is None or member not in shape.members else _printed(child, shape.members[member])
        fields.append(f"{field}={printed}")
    return f"{shape.name}({', '.join(fields)})"


# --- table names -----------------------------------------------------------------------------


def _top_table_name(operation: str, required: bool, name: str | None) -> list[str]:
    """The checks of a request's TableName, as `model.TABLE_NAME_CHECKS` describes them."""
    style = model.TABLE_NAME_CHECKS.get(operation, "data")
    if name is None:
        if style in ("control", "create"):
            raise errors.parameter_required("TableName")
        return [errors.constraint_null("tableName")] if required else []
    if name.startswith("arn:"):
        return [errors.constraint(name, "tableName", text) for text in _arn_failures(name)]
    return table_name_clauses(name, "tableName", style)


def _arn_failures(arn: str) -> list[str]:
    """The model's own rules for a table ARN (1 to 1024 characters)."""
    return [errors.RULE_REQUIREMENTS["max_length"].format(1024)] if len(arn) > 1024 else []


def table_name_clauses(name: str, where: str, style: str = "data") -> list[str]:
    """The constraint clauses of a table name that is not an ARN, checked as `style` says (see
    `model.TABLE_NAME_CHECKS`); a "control" name of the wrong length raises at once."""
    pattern_ok = _pattern(model.TABLE_NAME_PATTERN).fullmatch(name) is not None
    if pattern_ok and 3 <= len(name) <= 255:
        return []  # saves building the clauses of a name that breaks no rule
    pattern = errors.constraint(name, where, errors.RULE_REQUIREMENTS["pattern"].format(model.TABLE_NAME_PATTERN))
    if style == "control":
        if not 3 <= len(name) <= 255:
            raise errors.table_name_length()
        return [] if pattern_ok else [pattern]
    if style == "create":
        clauses = table_name_clauses(name, where, "describe")
        if clauses:
            raise errors.constraints(clauses)  # on their own, before any other member's
        return []
    minimum = 3 if style == "describe" else 1
    clauses = []
    if len(name) < minimum:
        clauses.append(errors.constraint(name, where, errors.RULE_REQUIREMENTS["min_length"].format(minimum)))
    if len(name) > 255:
        clauses.append(errors.constraint(name, where, errors.RULE_REQUIREMENTS["max_length"].format(255)))
    if not pattern_ok and (name or style == "describe"):
        clauses.append(pattern)
    return clauses
