"""Tables and indexes in key order: ranges, paging and scan segments against a plain model."""

from decimal import Decimal

from hypothesis import given, settings
from hypothesis import strategies as st

from dynasim.storage.index import IndexSettings
from dynasim.storage.ranges import SortRange, segment_bounds
from dynasim.storage.table import KeySchema, Table, TableSettings
from dynasim.values import item_size


def make_table(composite: bool = True) -> Table:
    schema = KeySchema("pk", "S", "sk", "N") if composite else KeySchema("pk", "S")
    gsi = IndexSettings(
        name="by-g",
        kind="GLOBAL",
        arn="arn",
        key_schema=KeySchema("g", "S", "sk", "N"),
        projection_type="KEYS_ONLY",
    )
    return Table(
        TableSettings(
            name="t",
            arn="arn",
            table_id="id",
            key_schema=schema,
            attribute_definitions=[],
            billing_mode="PAY_PER_REQUEST",
            read_capacity=0,
            write_capacity=0,
            created_at=0.0,
            indexes=[gsi] if composite else [],
        )
    )


writes = st.lists(
    st.tuples(
        st.booleans(),  # put (True) or delete
        st.sampled_from(["a", "b", "c", "d"]),
        st.integers(min_value=-5, max_value=5),
        st.sampled_from([None, "x", "y"]),  # the GSI partition key, absent when None
    ),
    max_size=60,
)


def apply(table: Table, steps) -> dict:
    model = {}
    for put, pk, sk, g in steps:
        key = (pk, Decimal(sk))
        if put:
            item = {"pk": {"S": pk}, "sk": {"N": str(sk)}, **({"g": {"S": g}} if g else {})}
            table.put(pk, Decimal(sk), item, item_size(item))
            model[key] = item
        else:
            table.delete(pk, Decimal(sk))
            model.pop(key, None)
    return model


@given(writes, st.integers(-6, 6), st.integers(-6, 6), st.booleans(), st.booleans(), st.booleans())
def test_query_matches_model(steps, low, high, low_in, high_in, forward):
    table = make_table()
    model = apply(table, steps)
    sort_range = SortRange(Decimal(low), low_in, Decimal(high), high_in)
    for pk in "abcd":
        got = [key for key, _ in table.query(pk, sort_range, forward)]
        expected = sorted(
            (
                sk
                for (p, sk) in model
                if p == pk
                and (sk > low or (low_in and sk == low))
                and (sk < high or (high_in and sk == high))
            ),
            reverse=not forward,
        )
        assert got == expected
        # Paging one item at a time visits the same keys.
        paged, start = [], None
        while True:
            page = [key for key, _ in table.query(pk, sort_range, forward, start)][:1]
            if not page:
                break
            paged.append(page[0])
            start = page[0]
        assert paged == expected


@given(writes, st.integers(1, 4), st.booleans())
def test_scan_segments_partition_the_table_and_resume(steps, total, composite):
    table = make_table(composite)
    steps = [(put, pk, sk if composite else 0, g) for put, pk, sk, g in steps]
    model = apply(table, steps)
    seen = []
    for segment in range(total):
        low, high = segment_bounds(segment, total)
        start = None
        while True:  # two items per page
            page = []
            for hash_key, (range_key, _) in table.scan(low, high, start):
                page.append((hash_key, range_key))
                if len(page) == 2:
                    break
            if not page:
                break
            seen.extend(page)
            start = page[-1]
    expected = {(pk, sk if composite else None) for pk, sk in model}
    assert sorted(seen, key=repr) == sorted(expected, key=repr)
    assert table.item_count == len(model)
    assert table.size_bytes == sum(item_size(item) for item in model.values())


@settings(max_examples=50)
@given(writes)
def test_sparse_index_tracks_writes(steps):
    table = make_table()
    model = apply(table, steps)
    index = table.indexes["by-g"]
    for g in ("x", "y"):
        entries = list(index.query(g))
        expected = sorted(
            (Decimal(sk), pk, sk) for (pk, sk), item in model.items() if item.get("g") == {"S": g}
        )
        assert [(e[0], e[1], e[2]) for e in entries] == [(a, b, c) for a, b, c in expected]
    assert index.item_count == sum(1 for item in model.values() if "g" in item)
    backfilled = make_table()
    backfilled.remove_index("by-g")
    apply(backfilled, steps)
    rebuilt = backfilled.add_index(table.indexes["by-g"].settings)
    assert (rebuilt.item_count, rebuilt.size_bytes) == (index.item_count, index.size_bytes)


def test_begins_with_range():
    assert SortRange.prefix("ab") == SortRange("ab", True, "ac", False)
    assert SortRange.prefix(b"a\xff") == SortRange(b"a\xff", True, b"b", False)
    assert SortRange.prefix(b"\xff").high is None


def test_table_settings_copy_as_deepcopy_would_sharing_nothing_that_changes():
    import copy

    settings = make_table().settings
    settings.indexes[0].non_key_attributes.append("note")
    settings.indexes[0].on_demand_throughput = {"MaxReadRequestUnits": 5}
    settings.attribute_definitions.append({"AttributeName": "g", "AttributeType": "S"})
    settings.extra["StreamSpecification"] = {"StreamEnabled": True, "Views": ["NEW_IMAGE"]}
    copied = settings.copy()
    assert copied == copy.deepcopy(settings)
    copied.indexes[0].non_key_attributes.append("more")
    copied.indexes[0].on_demand_throughput["MaxReadRequestUnits"] = 9  # type: ignore[index]
    copied.attribute_definitions[0]["AttributeType"] = "N"
    copied.extra["StreamSpecification"]["Views"].append("OLD_IMAGE")
    assert settings.indexes[0].non_key_attributes == ["note"]
    assert settings.indexes[0].on_demand_throughput == {"MaxReadRequestUnits": 5}
    assert settings.attribute_definitions == [{"AttributeName": "g", "AttributeType": "S"}]
    assert settings.extra["StreamSpecification"]["Views"] == ["NEW_IMAGE"]
