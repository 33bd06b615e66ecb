"""The pytest plugin routes every DynamoDB client of the process to the test's simulator while the
test uses its fixtures; `@pytest.mark.dynasim(route=False)` or the `dynasim_route` fixture turns
that off. Run in pytester sandboxes with no AWS credentials anywhere, so a call that escaped the
simulator would fail loudly (NoCredentialsError) instead of reaching the network."""

from __future__ import annotations

import textwrap

import pytest
from aws_environment import without_aws

pytest_plugins = ["pytester"]

# Code under test that builds its clients at import time, before any test or fixture runs.
APP = """
import boto3

ORDERS = boto3.resource("dynamodb", region_name="eu-west-1").Table("orders")
STREAMS = boto3.client("dynamodbstreams", region_name="eu-west-1")


def place(pk):
    ORDERS.put_item(Item={"pk": pk})


def count_orders():
    # a client made inside the code under test, during the test, from the environment
    return boto3.client("dynamodb").scan(TableName="orders")["Count"]
"""

TABLES = """
import pytest

pytestmark = pytest.mark.dynasim_tables({"tables": [{
    "TableName": "orders",
    "KeySchema": [{"AttributeName": "pk", "KeyType": "HASH"}],
    "AttributeDefinitions": [{"AttributeName": "pk", "AttributeType": "S"}],
    "BillingMode": "PAY_PER_REQUEST",
}]})
"""


@pytest.fixture
def no_credentials(monkeypatch):
    without_aws(monkeypatch)


def run(pytester, *args):
    return pytester.runpytest_subprocess("-p", "no:cacheprovider", "--strict-markers", *args)


def test_clients_made_at_import_time_answer_from_the_test_simulator(pytester, no_credentials):
    pytester.makepyfile(app=APP)
    pytester.makepyfile(
        test_routed=TABLES
        + textwrap.dedent(
            """
            import app

            def test_with_the_simulator(dynasim):
                app.place("o-1")
                assert app.count_orders() == 1
                assert app.STREAMS.list_streams()["Streams"] == []
                dynasim.call_log.assert_called_once("PutItem", table="orders", front="mock")
                dynasim.call_log.assert_called_once("Scan", front="mock")
                dynasim.call_log.assert_called_once("ListStreams", front="mock")

            def test_with_only_a_client_fixture(dynamodb):
                app.place("o-2")
                assert dynamodb.get_item(TableName="orders", Key={"pk": {"S": "o-2"}})["Item"]
                assert app.count_orders() == 1  # each test has its own simulator

            def test_without_dynasim_fixtures_nothing_is_routed():
                from botocore.exceptions import NoCredentialsError
                with pytest.raises(NoCredentialsError):
                    app.place("o-3")
            """
        )
    )
    run(pytester).assert_outcomes(passed=3)


def test_a_marker_or_the_fixture_turns_routing_off(pytester, no_credentials):
    pytester.makepyfile(app=APP)
    pytester.makepyfile(
        test_marker=TABLES
        + textwrap.dedent(
            """
            from botocore.exceptions import NoCredentialsError
            import app

            @pytest.mark.dynasim(route=False)
            def test_not_routed(dynasim, dynamodb):
                with pytest.raises(NoCredentialsError):  # headed for AWS, and stopped for want of credentials
                    app.place("o-1")
                dynamodb.put_item(TableName="orders", Item={"pk": {"S": "o-2"}})  # the fixture's client still works
                assert [call.operation for call in dynasim.call_log] == ["PutItem"]

            @pytest.mark.dynasim(route=True)
            def test_routed_by_marker(dynasim):
                app.place("o-1")
                dynasim.call_log.assert_called_once("PutItem", front="mock")
            """
        )
    )
    pytester.makepyfile(
        test_fixture=TABLES
        + textwrap.dedent(
            """
            from botocore.exceptions import NoCredentialsError
            import app

            @pytest.fixture
            def dynasim_route():
                return False

            def test_not_routed(dynamodb):
                with pytest.raises(NoCredentialsError):
                    app.place("o-1")

            @pytest.mark.dynasim(route=True)
            def test_the_marker_wins(dynasim):
                app.place("o-1")
                dynasim.call_log.assert_called_once("PutItem")
            """
        )
    )
    run(pytester).assert_outcomes(passed=4)
    result = pytester.runpytest_subprocess("--markers")
    result.stdout.fnmatch_lines(["*dynasim(route=True, region=*"])


def test_a_misspelt_marker_option_is_refused(pytester, no_credentials):
    pytester.makepyfile(
        """
        import pytest

        @pytest.mark.dynasim(rout=False)
        def test_typo(dynasim):
            pass
        """
    )
    result = run(pytester)
    result.assert_outcomes(errors=1)
    result.stdout.fnmatch_lines(["*@pytest.mark.dynasim takes keyword arguments route*not*rout*"])
