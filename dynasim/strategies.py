"""Hypothesis strategies for DynamoDB data, to property-test a data layer against dynasim (or DynamoDB).

    from hypothesis import given
    from dynasim import strategies as ds

    SCHEMA = {"pk": "S", "sk": "N"}                  # partition key first; or a CreateTable request

    @given(ds.items(SCHEMA))
    def test_round_trip(dynamodb, item): ...

Everything is in DynamoDB's wire form (``{"S": "text"}``), as the low-level client takes it;
`to_python` (`value_to_python`) turns an item (a value) into what the boto3 resource uses (Decimal, Binary, set).

* `attribute_values(max_depth=3)`: any attribute value: S, N, B, BOOL, NULL, SS, NS, BS, L, M;
* `numbers()`, `strings()`, `binaries()`: the scalar values, as wire-form strings and bytes;
* `key_values(type)`: a valid key attribute value of type "S", "N" or "B" (never empty);
* `items(schema)`: items with the schema's key attributes (and, at random, values of the right type
  for the other attributes it defines, such as index keys), plus other attributes; a vector of the
  right number of dimensions in each vector attribute its `VectorIndexes` name (or `vector_attributes=`);
* `keys(schema)`: just the key attributes;
* `vectors(dimensions)`: a vector as `SearchVector` takes it (a list of `{"N": ...}`), and
  `vector_values(dimensions)` the same as an item's attribute (`{"L": [...]}`).

Values are valid as DynamoDB defines them (numbers within 38 digits of precision, sets non-empty
and without duplicates, nesting within 32 levels, names non-empty) and kept small, so an item
stays far below 400 KB. Numbers are drawn in the form DynamoDB returns them (no exponent, no
leading or trailing zeros), so an item read back equals the item written — up to the order of set
members, which DynamoDB does not keep: compare `canonical(item)`s.
"""

from __future__ import annotations

from collections.abc import Mapping
from decimal import Decimal
from typing import Any

from hypothesis import strategies as st

MAX_DEPTH = 32

__all__ = [
    "attribute_names",
    "attribute_values",
    "binaries",
    "items",
    "key_schema_of",
    "key_values",
    "keys",
    "numbers",
    "strings",
    "vector_values",
    "vectors",
    "vector_attributes_of",
    "canonical",
    "to_python",
    "value_to_python",
]


# --- scalars ---------------------------------------------------------------------------------


@st.composite
def numbers(draw: Any, max_integer_digits: int = 20, max_fraction_digits: int = 10) -> str:
    """A DynamoDB number as its wire string, in DynamoDB's normal form ("-12.5", "0", "7")."""
    integer = draw(st.integers(min_value=0, max_value=10**max_integer_digits - 1))
    fraction = draw(st.one_of(st.just(""), st.text("0123456789", min_size=1, max_size=max_fraction_digits)))
    fraction = fraction.rstrip("0")
    if integer == 0 and not fraction:
        return "0"
    negative = draw(st.booleans())
    text = f"{integer}.{fraction}" if fraction else str(integer)
    return f"-{text}" if negative else text


def strings(min_size: int = 0, max_size: int = 40) -> st.SearchStrategy[str]:
    """Unicode text (no surrogates: DynamoDB strings are UTF-8)."""
    return st.text(st.characters(exclude_categories=["Cs"]), min_size=min_size, max_size=max_size)


def binaries(min_size: int = 0, max_size: int = 40) -> st.SearchStrategy[bytes]:
    return st.binary(min_size=min_size, max_size=max_size)


def attribute_names(max_size: int = 20) -> st.SearchStrategy[str]:
    return strings(min_size=1, max_size=max_size)


def key_values(kind: str) -> st.SearchStrategy[dict[str, Any]]:
    """A valid key attribute value of type `kind` ("S", "N" or "B")."""
    if kind == "S":
        return strings(min_size=1).map(lambda text: {"S": text})
    if kind == "N":
        return numbers().map(lambda text: {"N": text})
    if kind == "B":
        return binaries(min_size=1).map(lambda data: {"B": data})
    raise ValueError(f"a key attribute is of type S, N or B, not {kind!r}")


# --- any attribute value ---------------------------------------------------------------------


def _number_set() -> st.SearchStrategy[dict[str, Any]]:
    return st.lists(numbers(), min_size=1, max_size=5, unique_by=Decimal).map(lambda members: {"NS": members})


_SCALARS = st.one_of(
    strings().map(lambda text: {"S": text}),
    numbers().map(lambda text: {"N": text}),
    binaries().map(lambda data: {"B": data}),
    st.booleans().map(lambda flag: {"BOOL": flag}),
    st.just({"NULL": True}),
    st.lists(strings(min_size=1), min_size=1, max_size=5, unique=True).map(lambda members: {"SS": members}),
    _number_set(),
    st.lists(binaries(min_size=1), min_size=1, max_size=5, unique=True).map(lambda members: {"BS": members}),
)


def attribute_values(max_depth: int = 3, max_size: int = 5) -> st.SearchStrategy[dict[str, Any]]:
    """Any attribute value, documents (L, M) nested up to `max_depth` levels (at most 32)."""
    depth = min(max_depth, MAX_DEPTH)
    if depth <= 0:
        return _SCALARS

    def extend(children: st.SearchStrategy[dict[str, Any]]) -> st.SearchStrategy[dict[str, Any]]:
        return st.one_of(
            st.lists(children, max_size=max_size).map(lambda values: {"L": values}),
            st.dictionaries(attribute_names(), children, max_size=max_size).map(lambda values: {"M": values}),
        )

    return st.recursive(_SCALARS, extend, max_leaves=depth * max_size)


# --- vectors -----------------------------------------------------------------------------------


def vectors(
    dimensions: int,
    *,
    min_value: float = -1.0,
    max_value: float = 1.0,
    places: int = 6,
    allow_zero: bool = False,
) -> st.SearchStrategy[list[dict[str, str]]]:
    """A vector of `dimensions` numbers in [`min_value`, `max_value`] with up to `places` decimal
    places, as `SearchVector` takes it: `[{"N": "0.25"}, {"N": "-1"}, ...]` (DynamoDB's normal form,
    so it reads back equal). A vector of zeros has no direction, which cosine distance needs: it is
    left out unless `allow_zero`."""
    if dimensions < 1:
        raise ValueError(f"a vector has at least one dimension, not {dimensions}")
    component = st.decimals(
        min_value=Decimal(str(min_value)),
        max_value=Decimal(str(max_value)),
        places=places,
        allow_nan=False,
        allow_infinity=False,
    ).map(_normal_number)
    drawn = st.lists(component, min_size=dimensions, max_size=dimensions)
    if not allow_zero:
        drawn = drawn.filter(lambda numbers: any(number != "0" for number in numbers))
    return drawn.map(lambda numbers: [{"N": number} for number in numbers])


def vector_values(dimensions: int, **options: Any) -> st.SearchStrategy[dict[str, Any]]:
    """A vector as an item's attribute value: `{"L": [{"N": ...}, ...]}` (options as `vectors`)."""
    return vectors(dimensions, **options).map(lambda vector: {"L": vector})


def _normal_number(number: Decimal) -> str:
    """A decimal as DynamoDB writes it back: no exponent, no trailing zeros, no negative zero."""
    if number == 0:
        return "0"
    text = format(number.normalize(), "f")
    return text.rstrip("0").rstrip(".") if "." in text else text


def vector_attributes_of(schema: Any) -> dict[str, int]:
    """{vector attribute: dimensions} of the vector indexes of a CreateTable request or a
    TableDescription (`VectorIndexes`); {} for anything else."""
    if not isinstance(schema, Mapping):
        return {}
    return {
        index["VectorAttribute"]["AttributeName"]: int(index["Dimensions"])
        for index in schema.get("VectorIndexes") or ()
    }


# --- items and keys --------------------------------------------------------------------------

Schema = Mapping[str, Any] | list[dict[str, str]]


def key_schema_of(
    schema: Any, attribute_definitions: list[dict[str, str]] | None = None
) -> tuple[list[tuple[str, str]], dict[str, str]]:
    """([(key name, type), partition key first], {every defined attribute: type}) from
    {"pk": "S", "sk": "N"}, a CreateTable request or TableDescription, or a KeySchema list with
    its AttributeDefinitions."""
    if isinstance(schema, Mapping) and "KeySchema" in schema:
        attribute_definitions = schema.get("AttributeDefinitions", attribute_definitions)
        schema = schema["KeySchema"]
    if isinstance(schema, Mapping):
        pairs = list(schema.items())
        if not 1 <= len(pairs) <= 2:
            raise ValueError("a key schema has a partition key and at most one sort key")
        return [(name, kind) for name, kind in pairs], dict(pairs)
    if attribute_definitions is None:
        raise ValueError("a KeySchema list needs its AttributeDefinitions")
    types = {entry["AttributeName"]: entry["AttributeType"] for entry in attribute_definitions}
    ordered = sorted(schema, key=lambda entry: entry["KeyType"] != "HASH")
    return [(entry["AttributeName"], types[entry["AttributeName"]]) for entry in ordered], types


def keys(schema: Any, attribute_definitions: list[dict[str, str]] | None = None) -> st.SearchStrategy[dict[str, Any]]:
    """A primary key (a `Key` for GetItem, DeleteItem, ...) for the schema."""
    key_names, _ = key_schema_of(schema, attribute_definitions)
    return st.fixed_dictionaries({name: key_values(kind) for name, kind in key_names})


@st.composite
def items(
    draw: Any,
    schema: Any,
    attribute_definitions: list[dict[str, str]] | None = None,
    *,
    max_attributes: int = 6,
    max_depth: int = 2,
    vector_attributes: Mapping[str, int] | None = None,
) -> dict[str, Any]:
    """An item valid for the schema: its key, sometimes values for the other defined attributes
    (index keys, of the defined type), a vector in each vector attribute (those of the schema's
    `VectorIndexes`, and `vector_attributes`: {attribute: dimensions}), and up to `max_attributes` other
    attributes."""
    key_names, types = key_schema_of(schema, attribute_definitions)
    item = draw(keys(dict(key_names)))
    for name, kind in types.items():
        if name not in item and draw(st.booleans()):
            item[name] = draw(key_values(kind))
    with_vectors = {**vector_attributes_of(schema), **(vector_attributes or {})}
    for name, dimensions in with_vectors.items():
        item[name] = draw(vector_values(dimensions))
    reserved = set(types) | set(with_vectors)
    others = draw(
        st.dictionaries(
            attribute_names().filter(lambda name: name not in reserved),
            attribute_values(max_depth=max_depth),
            max_size=max_attributes,
        )
    )
    return {**others, **item}


# --- comparing ------------------------------------------------------------------------------


def canonical(item: dict[str, Any]) -> dict[str, Any]:
    """An item with the members of its sets (at any depth) in sorted order: DynamoDB keeps no
    order in a set, so compare `canonical(read) == canonical(written)`."""
    return {name: _canonical_value(value) for name, value in item.items()}


def _canonical_value(value: dict[str, Any]) -> dict[str, Any]:
    kind, payload = next(iter(value.items()))
    if kind in ("SS", "BS"):
        return {kind: sorted(payload)}
    if kind == "NS":
        return {kind: sorted(payload, key=Decimal)}
    if kind == "L":
        return {kind: [_canonical_value(member) for member in payload]}
    if kind == "M":
        return {kind: canonical(payload)}
    return value


# --- to the resource's form --------------------------------------------------------------------


def to_python(item: dict[str, Any]) -> dict[str, Any]:
    """A wire-form item as the boto3 resource shows it (Decimal, Binary, set)."""
    return {name: value_to_python(value) for name, value in item.items()}


def value_to_python(value: dict[str, Any]) -> Any:
    """One wire-form attribute value as the boto3 resource shows it."""
    from boto3.dynamodb.types import TypeDeserializer

    return TypeDeserializer().deserialize(value)
