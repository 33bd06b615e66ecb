"""A two-region order service on a global table: it writes in its home region and fails over to the
other region when the home region cannot be reached, and reads where it writes. Nothing here knows
about dynasim: the clients are plain boto3 clients, made by the caller.

tests/test_multi_region_example.py runs it against a simulator holding both regions, and produces on
demand what the real service cannot: replication lag, a partition between the regions, a region
that stops answering, and two regions writing the same item at once.

    python examples/multi_region_failover.py      # a short tour on the simulator
"""

from __future__ import annotations

from typing import Any

from botocore.exceptions import ClientError, ConnectTimeoutError, EndpointConnectionError, ReadTimeoutError

# What makes the service give up on a region: it cannot be reached, or it answers with a server error.
UNREACHABLE = (EndpointConnectionError, ConnectTimeoutError, ReadTimeoutError)
SERVER_ERRORS = ("InternalServerError", "ServiceUnavailable")


class OrderService:
    """Orders kept in the global table `table`, written through `primary` while it answers, else
    through `secondary`; `active` is the region last written in."""

    def __init__(self, primary: Any, secondary: Any, table: str = "orders") -> None:
        self.clients = [primary, secondary]
        self.table = table
        self.active = primary.meta.region_name

    def _call(self, operation: str, **request: Any) -> dict[str, Any]:
        for client in self.clients:
            try:
                answer: dict[str, Any] = getattr(client, operation)(TableName=self.table, **request)
            except UNREACHABLE:
                continue
            except ClientError as error:
                if error.response["Error"]["Code"] not in SERVER_ERRORS:
                    raise
                continue
            self.active = client.meta.region_name
            return answer
        raise RuntimeError("no region answers")

    def place(self, order_id: str, amount: int) -> None:
        self._call("put_item", Item={"order_id": {"S": order_id}, "amount": {"N": str(amount)}})

    def amount(self, order_id: str) -> int | None:
        item = self._call("get_item", Key={"order_id": {"S": order_id}}, ConsistentRead=True).get("Item")
        return int(item["amount"]["N"]) if item else None


def create_global_table(client: Any, replica_region: str, table: str = "orders") -> None:
    """The orders table in `client`'s region, with a replica in `replica_region` (version 2019.11.21)."""
    client.create_table(
        TableName=table,
        KeySchema=[{"AttributeName": "order_id", "KeyType": "HASH"}],
        AttributeDefinitions=[{"AttributeName": "order_id", "AttributeType": "S"}],
        BillingMode="PAY_PER_REQUEST",
        StreamSpecification={"StreamEnabled": True, "StreamViewType": "NEW_AND_OLD_IMAGES"},
    )
    client.get_waiter("table_exists").wait(TableName=table)
    client.update_table(TableName=table, ReplicaUpdates=[{"Create": {"RegionName": replica_region}}])


if __name__ == "__main__":
    import dynasim

    sim = dynasim.Simulator("us-east-1", regions=["eu-west-1"])
    east, west = sim.client(region_name="us-east-1"), sim.client(region_name="eu-west-1")
    create_global_table(east, "eu-west-1")
    sim.advance(60)  # the replica is ACTIVE once its creation has run on the simulator's clock
    service = OrderService(east, west)
    key = {"order_id": {"S": "o-1"}}
    service.place("o-1", 10)
    print("eu-west-1 right after the write:", west.get_item(TableName="orders", Key=key).get("Item"))
    sim.advance(1)  # the replication lag
    print("eu-west-1 a second later:", west.get_item(TableName="orders", Key=key).get("Item"))
    with sim.inject_fault("*", error="EndpointConnectionError", region="us-east-1"):
        service.place("o-2", 20)
    print("us-east-1 down: o-2 written in", service.active)
