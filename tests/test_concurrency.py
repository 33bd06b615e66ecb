"""Many threads at once: transactions are atomic with respect to every other operation, and
conditional writes lose no update."""

from __future__ import annotations

import random
import threading
import time
from typing import Any

import pytest
from botocore.config import Config
from botocore.exceptions import ClientError

import dynasim

THREADS = 8
ACCOUNTS = 10
START_BALANCE = 1000
DEADLINE = 20.0  # seconds; each test stops early rather than run longer


@pytest.fixture
def ddb() -> Any:
    sim = dynasim.Simulator()
    client = sim.client(config=Config(retries={"max_attempts": 1}, max_pool_connections=THREADS * 2))
    client.create_table(
        TableName="accounts",
        KeySchema=[{"AttributeName": "id", "KeyType": "HASH"}],
        AttributeDefinitions=[{"AttributeName": "id", "AttributeType": "S"}],
        BillingMode="PAY_PER_REQUEST",
    )
    return client


def run_threads(work: Any) -> None:
    errors: list[BaseException] = []

    def guarded(number: int) -> None:
        try:
            work(number)
        except BaseException as error:  # noqa: BLE001  (reported below)
            errors.append(error)

    threads = [threading.Thread(target=guarded, args=(number,)) for number in range(THREADS)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(DEADLINE + 10)
    assert not errors, errors


def total(ddb: Any) -> int:
    items = ddb.scan(TableName="accounts", ConsistentRead=True)["Items"]
    return sum(int(item["balance"]["N"]) for item in items)


def test_transfers_keep_the_total(ddb):
    for number in range(ACCOUNTS):
        ddb.put_item(TableName="accounts", Item={"id": {"S": f"a{number}"}, "balance": {"N": str(START_BALANCE)}})
    stop = time.monotonic() + DEADLINE
    done = {"transfers": 0, "cancelled": 0, "audits": 0}
    lock = threading.Lock()

    def transfer(number: int) -> None:
        rng = random.Random(number)
        for _ in range(150):
            if time.monotonic() > stop:
                return
            source, target = rng.sample(range(ACCOUNTS), 2)
            amount = rng.randint(1, 400)
            try:
                ddb.transact_write_items(
                    TransactItems=[
                        {
                            "Update": {
                                "TableName": "accounts",
                                "Key": {"id": {"S": f"a{source}"}},
                                "UpdateExpression": "SET balance = balance - :amount",
                                "ConditionExpression": "balance >= :amount",
                                "ExpressionAttributeValues": {":amount": {"N": str(amount)}},
                            }
                        },
                        {
                            "Update": {
                                "TableName": "accounts",
                                "Key": {"id": {"S": f"a{target}"}},
                                "UpdateExpression": "SET balance = balance + :amount",
                                "ExpressionAttributeValues": {":amount": {"N": str(amount)}},
                            }
                        },
                    ]
                )
                key = "transfers"
            except ClientError as error:
                assert error.response["Error"]["Code"] == "TransactionCanceledException"
                key = "cancelled"
            with lock:
                done[key] += 1
            if rng.random() < 0.2:
                # A transactional read of every account sees a consistent total too.
                got = ddb.transact_get_items(
                    TransactItems=[
                        {"Get": {"TableName": "accounts", "Key": {"id": {"S": f"a{n}"}}}} for n in range(ACCOUNTS)
                    ]
                )
                balances = [int(entry["Item"]["balance"]["N"]) for entry in got["Responses"]]
                assert sum(balances) == ACCOUNTS * START_BALANCE
                assert min(balances) >= 0
                with lock:
                    done["audits"] += 1

    run_threads(transfer)
    assert total(ddb) == ACCOUNTS * START_BALANCE
    assert done["transfers"] > 0 and done["audits"] > 0


def test_conditional_increments_lose_no_update(ddb):
    ddb.put_item(TableName="accounts", Item={"id": {"S": "counter"}, "balance": {"N": "0"}})
    stop = time.monotonic() + DEADLINE
    succeeded = [0] * THREADS

    def increment(number: int) -> None:
        for _ in range(100):
            if time.monotonic() > stop:
                return
            while True:  # optimistic locking: read, then write only if nobody wrote in between
                seen = ddb.get_item(TableName="accounts", Key={"id": {"S": "counter"}}, ConsistentRead=True)
                value = int(seen["Item"]["balance"]["N"])
                try:
                    ddb.put_item(
                        TableName="accounts",
                        Item={"id": {"S": "counter"}, "balance": {"N": str(value + 1)}},
                        ConditionExpression="balance = :seen",
                        ExpressionAttributeValues={":seen": {"N": str(value)}},
                    )
                    break
                except ClientError as error:
                    assert error.response["Error"]["Code"] == "ConditionalCheckFailedException"
            succeeded[number] += 1

    run_threads(increment)
    final = ddb.get_item(TableName="accounts", Key={"id": {"S": "counter"}})["Item"]["balance"]["N"]
    assert int(final) == sum(succeeded) > 0
