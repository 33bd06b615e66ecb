"""Random request sequences, run on the simulator and on DynamoDB Local side by side.

A hypothesis state machine draws PutItem / GetItem / DeleteItem / DescribeTable calls with edge-case
values (numbers in many spellings, empty strings, empty and duplicate sets, nesting, wrong key types)
and sends each to both targets: responses must be equal, and errors must carry the same code and
message. Runs only when both `sim` and `ddblocal` are among the --target values; bounded so it stays
a few seconds.
"""

from __future__ import annotations

from typing import Any

from hypothesis import HealthCheck, settings
from hypothesis import strategies as st
from hypothesis.stateful import RuleBasedStateMachine, rule, run_state_machine_as_test

from conformance import differential
from conformance.conftest import unique_name
from conformance.differential import enveloped_as_the_service_does, outcome

both_targets = differential.both_targets  # a fixture

NUMBERS = [
    "0",
    "-0",
    "1",
    "1.0",
    "01",
    "1.50",
    "1e2",
    "100",
    "-1.5",
    "0.001",
    "1E-130",
    "9e125",
    "12345678901234567890123456789012345678",
    "123456789012345678901234567890123456789",
    "1e126",
    "abc",
    ".5",
    "5.",
]
STRINGS = ["", "a", "b", "é", "A", "a b"]

scalars = st.one_of(
    st.builds(lambda s: {"S": s}, st.sampled_from(STRINGS)),
    st.builds(lambda n: {"N": n}, st.sampled_from(NUMBERS)),
    st.builds(lambda b: {"B": b}, st.sampled_from([b"", b"\x00", b"\xff", b"ab"])),
    st.builds(lambda b: {"BOOL": b}, st.booleans()),
    st.builds(lambda b: {"NULL": b}, st.sampled_from([True, True, False])),
    st.builds(lambda m: {"SS": m}, st.lists(st.sampled_from(STRINGS), max_size=3)),
    st.builds(lambda m: {"NS": m}, st.lists(st.sampled_from(NUMBERS[:12]), max_size=3)),
    st.builds(lambda m: {"BS": m}, st.lists(st.sampled_from([b"a", b"b", b"\x01"]), max_size=2)),
)
values = st.recursive(
    scalars,
    lambda inner: st.one_of(
        st.builds(lambda m: {"M": m}, st.dictionaries(st.sampled_from(["x", "y", ""]), inner, max_size=2)),
        st.builds(lambda items: {"L": items}, st.lists(inner, max_size=2)),
    ),
    max_leaves=4,
)
partition_keys = st.one_of(st.builds(lambda s: {"S": s}, st.sampled_from(["p1", "p2", ""])), st.just({"N": "1"}))
sort_keys = st.one_of(st.builds(lambda n: {"N": n}, st.sampled_from(["1", "1.0", "2", "-0", "x"])), st.just({"S": "1"}))
names = st.sampled_from(["a", "b", "pk", "sk", "c"])


def normalise(document: Any) -> Any:
    """Set members in a stable order (DynamoDB does not promise one) and no metadata."""
    if isinstance(document, dict):
        return {
            key: sorted(value, key=repr) if key in ("SS", "NS", "BS") else normalise(value)
            for key, value in document.items()
            if key not in ("ResponseMetadata", "ConsumedCapacity")
        }
    if isinstance(document, list):
        return [normalise(member) for member in document]
    return document


# Key and value errors DynamoDB Local words as the service no longer does (KEYS_DIFFER and
# VALUES_DIFFER in conformance.helpers; the service's texts are asserted in test_items.py and
# test_values.py): there the two must agree on the error's code, and the simulator use one of the
# service's wordings.
LOCAL_WORDINGS = (
    "One of the required keys was not given a value",
    "The number of conditions on the keys is invalid",
    "One or more parameter values were invalid: Type mismatch for key",
    "Invalid attribute value type",
    "Hash primary key values must be under 2048 bytes",
    "A value provided cannot be converted into a number",
    "DynamoDB only supports precision up to 38 digits",
    "One or more parameter values were invalid: Input collection",
    "Input collection contains duplicates",
    "Number overflow.",
    "Number underflow.",
)
SERVICE_WORDINGS = (
    "The provided key element does not match the schema",
    "One or more parameter values were invalid: Missing the key ",
    "One or more parameter values were invalid: Type mismatch for key ",
    "One or more parameter values were invalid: Size of hashkey",
    "One or more parameter values were invalid: Aggregated size of all range keys",
    "1 validation error detected: ",
    "The parameter cannot be converted to a numeric value",
    "Attempting to store more than 38 significant digits in a Number",
    "One or more parameter values were invalid: Input collection",
    "Number overflow.",
    "Number underflow.",
)


def _worded_by_local(result: Any) -> bool:
    return isinstance(result, tuple) and result[0] == "error" and result[2].startswith(LOCAL_WORDINGS)


def test_random_item_sequences_agree(both_targets: tuple[Any, Any]) -> None:
    sim, local = both_targets
    table = unique_name("diff")
    for client in (sim, local):
        client.create_table(
            TableName=table,
            KeySchema=[
                {"AttributeName": "pk", "KeyType": "HASH"},
                {"AttributeName": "sk", "KeyType": "RANGE"},
            ],
            AttributeDefinitions=[
                {"AttributeName": "pk", "AttributeType": "S"},
                {"AttributeName": "sk", "AttributeType": "N"},
            ],
            BillingMode="PAY_PER_REQUEST",
        )

    class ItemSequences(RuleBasedStateMachine):
        def both(self, operation: str, **request: Any) -> None:
            expected = outcome(normalise, getattr(local, operation), TableName=table, **request)
            actual = outcome(normalise, getattr(sim, operation), TableName=table, **request)
            if _worded_by_local(expected):
                assert actual[:2] == expected[:2], f"{operation}({request})"
                assert actual[2].startswith(SERVICE_WORDINGS), f"{operation}({request}): {actual[2]}"
            elif operation != "get_item" and enveloped_as_the_service_does(actual, expected):
                pass
            else:
                assert actual == expected, f"{operation}({request})"

        @rule(
            pk=partition_keys,
            sk=sort_keys,
            extra=st.dictionaries(names, values, max_size=3),
            return_values=st.sampled_from(["NONE", "ALL_OLD"]),
            drop=st.sampled_from([None, "pk", "sk"]),
        )
        def put(self, pk: Any, sk: Any, extra: dict, return_values: str, drop: str | None) -> None:
            item = {**extra, "pk": pk, "sk": sk}
            if drop:
                del item[drop]
            self.both("put_item", Item=item, ReturnValues=return_values)

        @rule(pk=partition_keys, sk=sort_keys, extra=st.sampled_from([{}, {"c": {"S": "x"}}]))
        def get(self, pk: Any, sk: Any, extra: dict) -> None:
            self.both("get_item", Key={"pk": pk, "sk": sk, **extra})

        @rule(pk=partition_keys, sk=sort_keys, return_values=st.sampled_from(["NONE", "ALL_OLD"]))
        def delete(self, pk: Any, sk: Any, return_values: str) -> None:
            self.both("delete_item", Key={"pk": pk, "sk": sk}, ReturnValues=return_values)

        @rule()
        def describe(self) -> None:
            counts = [
                {k: client.describe_table(TableName=table)["Table"][k] for k in ("ItemCount", "TableSizeBytes")}
                for client in (sim, local)
            ]
            assert counts[0] == counts[1]

    try:
        run_state_machine_as_test(
            ItemSequences,
            settings=settings(
                max_examples=25,
                stateful_step_count=20,
                deadline=None,
                derandomize=True,  # the same sequences in every CI run; more, random ones by hand
                suppress_health_check=list(HealthCheck),
            ),
        )
    finally:
        for client in (sim, local):
            client.delete_table(TableName=table)
