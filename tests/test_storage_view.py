"""A read-only view of a table with some items in other versions: every read of the view is the
read of a table holding those versions, and the table itself never changes."""

from decimal import Decimal

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from dynasim.storage.ranges import TOKEN_SPACE, SortRange
from dynasim.storage.view import TableView
from dynasim.values import item_size
from tests.test_storage import apply, make_table, writes

versions = st.dictionaries(
    st.tuples(st.sampled_from(["a", "b", "c", "e"]), st.integers(min_value=-5, max_value=5)),
    st.sampled_from(["no item", None, "x", "y", "z"]),  # no item, or one with this GSI key (None: without)
    max_size=8,
)


def versioned(table, chosen):
    """(the versions as storage keys -> item or None, a table holding what the view should show)."""
    wanted = {}
    for (pk, sk), g in chosen.items():
        key = (pk, Decimal(sk))
        if g == "no item":
            wanted[key] = None
        else:
            wanted[key] = {"pk": {"S": pk}, "sk": {"N": str(sk)}, "v": {"S": "old"}, **({"g": {"S": g}} if g else {})}
    expected = table.copy()
    for (pk, sk), item in wanted.items():
        if item is None:
            expected.delete(pk, sk)
        else:
            expected.put(pk, sk, item, item_size(item))
    return wanted, expected


def state(table):
    return (
        list(table.scan()),
        table.item_count,
        table.size_bytes,
        {name: (list(index.scan()), index.item_count, index.size_bytes) for name, index in table.indexes.items()},
    )


@settings(max_examples=150, deadline=None)
@given(writes, versions, st.booleans(), st.integers(min_value=0, max_value=3))
def test_a_view_reads_as_a_table_holding_its_versions(steps, chosen, forward, segment):
    table = make_table()
    apply(table, steps)
    before = state(table)
    wanted, expected = versioned(table, chosen)
    view = TableView(table, wanted)

    assert list(view.scan()) == list(expected.scan())
    low, high = segment * TOKEN_SPACE // 4, (segment + 1) * TOKEN_SPACE // 4
    assert list(view.scan(low, high)) == list(expected.scan(low, high))
    assert (view.item_count, view.size_bytes) == (expected.item_count, expected.size_bytes)
    for pk in "abcde":
        assert view.partition_bytes(pk) == expected.partition_bytes(pk)
        sort_range = SortRange(Decimal(-2), True, Decimal(3), False)
        assert list(view.query(pk, sort_range, forward)) == list(expected.query(pk, sort_range, forward))
        for sk in range(-5, 6):
            assert view.get(pk, Decimal(sk)) == expected.get(pk, Decimal(sk))
    index, model = view.indexes["by-g"], expected.indexes["by-g"]
    assert list(index.scan()) == list(model.scan())
    assert (index.item_count, index.size_bytes) == (model.item_count, model.size_bytes)
    for g in ("x", "y", "z"):
        assert list(index.query(g, forward=forward)) == list(model.query(g, forward=forward))
    entries = list(model.scan())
    if entries:  # resuming a scan of the index after any entry
        start = entries[len(entries) // 2]
        assert list(index.scan(start=start)) == list(model.scan(start=start))

    assert state(table) == before  # the table itself never changed


def test_a_view_of_a_table_without_sort_key():
    table = make_table(composite=False)
    for pk in "abc":
        item = {"pk": {"S": pk}, "v": {"S": "new"}}
        table.put(pk, None, item, item_size(item))
    old = {"pk": {"S": "a"}, "v": {"S": "old"}}
    view = TableView(table, {("a", None): old, ("b", None): None, ("z", None): {"pk": {"S": "z"}}})
    assert view.get("a") == old and view.get("b") is None and view.get("c")["v"]["S"] == "new"
    assert sorted(item["pk"]["S"] for item in view.items()) == ["a", "c", "z"]
    assert view.item_count == 3
    assert table.get("a")["v"]["S"] == "new" and table.get("b") is not None and table.get("z") is None


def test_a_view_has_no_way_to_write():
    table = make_table()
    view = TableView(table, {})
    for method in ("put", "delete", "add_index", "remove_index", "copy"):
        with pytest.raises(AttributeError):
            getattr(view, method)
