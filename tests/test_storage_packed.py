"""Items as tables keep them (`dynasim.storage.packed`): every item reads back exactly as written."""

import copy
import gc

from hypothesis import given, settings
from hypothesis import strategies as st

from dynasim import strategies
from dynasim.storage import packed
from dynasim.storage.packed import Shapes, unpack

items = st.dictionaries(strategies.attribute_names(), strategies.attribute_values(max_depth=2), max_size=8)


@settings(max_examples=200, deadline=None)
@given(st.lists(items, min_size=1, max_size=5))
def test_every_item_reads_back_as_written_however_often_it_is_read(written):
    shapes = Shapes()
    stored = [shapes.pack(item) for item in written]
    for _ in range(packed.COMPILE_AFTER_READS + 1):  # read before and after its shape is compiled
        assert [unpack(one) for one in stored] == written


def test_items_of_one_shape_share_it():
    shapes = Shapes()
    first = shapes.pack({"pk": {"S": "a"}, "n": {"N": "1"}})
    second = shapes.pack({"pk": {"S": "b"}, "n": {"N": "2"}})
    other = shapes.pack({"n": {"N": "2"}, "pk": {"S": "b"}})  # another order: another shape
    assert first[-1] is second[-1]
    assert other[-1] is not first[-1]


def test_reads_of_a_stored_item_share_one_object_while_it_is_held():
    stored = Shapes().pack({"pk": {"S": "a"}, "n": {"N": "1"}})
    held = unpack(stored)
    assert unpack(stored) is held
    assert copy.deepcopy(held) == held and type(copy.deepcopy(held)) is dict and type(copy.copy(held)) is dict
    del held
    gc.collect()
    assert id(stored) not in packed._live  # released: its entry went with it
    again = unpack(stored)
    assert again == {"pk": {"S": "a"}, "n": {"N": "1"}}
    assert packed._live[id(stored)]() is again


def test_names_that_look_like_code_read_back_once_compiled():
    name = "'}; import os; {'"
    item = {name: {"S": "x"}, 'q"uote\\': {"B": b"\x00"}, "ünï": {"NULL": True}}
    shapes = Shapes()
    stored = shapes.pack(item)
    for _ in range(packed.COMPILE_AFTER_READS + 1):
        assert unpack(stored) == item


def test_past_the_shared_shapes_each_item_keeps_its_own(monkeypatch):
    monkeypatch.setattr(packed, "MAX_SHARED_SHAPES", 2)
    shapes = Shapes()
    stored = [shapes.pack({f"a{n}": {"N": str(n)}}) for n in range(5)]
    assert [unpack(one) for one in stored] == [{f"a{n}": {"N": str(n)}} for n in range(5)]
    assert len(shapes._shared) == 2
    assert shapes.pack({"a4": {"N": "9"}})[-1] is not stored[4][-1]
