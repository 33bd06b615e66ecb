"""Engine features: one registration gives a feature its state in every engine, the change feed,
a hook after each operation and members of the table operations; streams, TTL and transaction
tokens are features like any other."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest

import dynasim
from dynasim.engine import Engine
from dynasim.engine.features import FEATURES, Apply, Feature
from dynasim.engine.streams import StreamStore
from dynasim.engine.transactions import Tokens
from dynasim.engine.ttl import Expiry
from dynasim.storage.changes import Change, ItemPut
from dynasim.storage.table import Table

TABLE = {
    "TableName": "orders",
    "KeySchema": [{"AttributeName": "pk", "KeyType": "HASH"}],
    "AttributeDefinitions": [{"AttributeName": "pk", "AttributeType": "S"}],
    "BillingMode": "PAY_PER_REQUEST",
}


class Encryption:
    """A feature's state in one engine: what it saw of the change feed and of operations."""

    def __init__(self, engine: Engine) -> None:
        self.engine = engine
        self.puts: list[str] = []
        self.operations_over = 0

    def committed(self, changes: list[Change]) -> None:
        self.puts += [change.item["pk"]["S"] for change in changes if isinstance(change, ItemPut)]

    def operation_over(self) -> None:
        self.operations_over += 1


class EncryptionMembers:
    """SSESpecification on CreateTable and UpdateTable, shown as SSEDescription."""

    update_members: tuple[str, ...] = ()
    updating_members: tuple[str, ...] = ()

    def _applying(self, request: dict[str, Any]) -> Apply | None:
        specification = request.get("SSESpecification")
        if specification is None:
            return None

        def apply(table: Table) -> None:
            table.settings.extra["SSEDescription"] = {"Status": "ENABLED" if specification["Enabled"] else "DISABLED"}

        return apply

    def check_create(self, engine: Engine, request: dict[str, Any]) -> Apply | None:
        return self._applying(request)

    def check_update(self, engine: Engine, request: dict[str, Any], table: Table) -> Apply | None:
        return self._applying(request)

    def defined_attributes(self, request: dict[str, Any]) -> tuple[str, ...]:
        return ()

    def describe(self, engine: Engine, table: Table, status: str) -> dict[str, Any]:
        extra = table.settings.extra
        return {"SSEDescription": extra["SSEDescription"]} if "SSEDescription" in extra else {}


@pytest.fixture
def encryption() -> Iterator[Feature[Encryption]]:
    feature = Feature(Encryption, observes=True, after_operation=Encryption.operation_over, table=EncryptionMembers())
    FEATURES.append(feature)
    try:
        yield feature
    finally:
        FEATURES.remove(feature)


def test_a_feature_plugs_in_with_one_registration(encryption: Feature[Encryption]) -> None:
    sim = dynasim.Simulator()
    state = sim.engine.state(Encryption)
    assert isinstance(state, Encryption) and state.engine is sim.engine
    assert dynasim.Simulator().engine.state(Encryption) is not state  # one state per engine

    ddb = sim.client()
    created = ddb.create_table(**TABLE, SSESpecification={"Enabled": True})["TableDescription"]
    assert created["SSEDescription"] == {"Status": "ENABLED"}
    ddb.put_item(TableName="orders", Item={"pk": {"S": "o-1"}})
    ddb.update_table(TableName="orders", SSESpecification={"Enabled": False})
    assert ddb.describe_table(TableName="orders")["Table"]["SSEDescription"] == {"Status": "DISABLED"}
    assert state.puts == ["o-1"]
    assert state.operations_over == 4


def test_a_table_request_a_check_refuses_applies_no_feature_member(encryption: Feature[Encryption]) -> None:
    sim = dynasim.Simulator()
    with pytest.raises(sim.client().exceptions.ClientError):  # refused after the features' checks
        sim.client().create_table(**TABLE, SSESpecification={"Enabled": True}, Tags=[{"Key": "aws:x", "Value": ""}])
    assert sim.engine.tables == {}


def test_streams_ttl_and_transaction_tokens_are_features() -> None:
    engine = dynasim.Simulator().engine
    for kind in (StreamStore, Expiry, Tokens):
        assert isinstance(engine.state(kind), kind)
        assert engine.state(kind) is engine.state(kind)
    assert engine.state(StreamStore) in engine.observers and engine.state(Expiry) in engine.observers
