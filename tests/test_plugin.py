"""The pytest plugin, run in pytester sandboxes: fixtures, declared tables, markers, --dynasim-target."""

from __future__ import annotations

import json
import textwrap

import dynasim

pytest_plugins = ["pytester"]

ORDERS = {
    "tables": [
        {
            "TableName": "orders",
            "KeySchema": [{"AttributeName": "pk", "KeyType": "HASH"}],
            "AttributeDefinitions": [{"AttributeName": "pk", "AttributeType": "S"}],
            "BillingMode": "PAY_PER_REQUEST",
            "Items": [{"pk": {"S": "seed"}}],
        }
    ]
}

TEMPLATE = {
    "AWSTemplateFormatVersion": "2010-09-09",
    "Parameters": {"Stage": {"Type": "String", "Default": "test"}},
    "Resources": {
        "Users": {
            "Type": "AWS::DynamoDB::Table",
            "Properties": {
                "TableName": {"Fn::Sub": "users-${Stage}"},
                "KeySchema": [{"AttributeName": "id", "KeyType": "HASH"}],
                "AttributeDefinitions": [{"AttributeName": "id", "AttributeType": "S"}],
                "BillingMode": "PAY_PER_REQUEST",
            },
        }
    },
}


def run(pytester, *args):
    return pytester.runpytest_subprocess("-p", "no:cacheprovider", "--strict-markers", *args)


def test_fixtures_give_each_test_a_fresh_simulator(pytester):
    pytester.makepyfile(
        """
        import dynasim

        def test_first(dynasim, dynamodb):
            assert isinstance(dynasim, __import__("dynasim").Simulator)
            dynamodb.create_table(
                TableName="scratch",
                KeySchema=[{"AttributeName": "pk", "KeyType": "HASH"}],
                AttributeDefinitions=[{"AttributeName": "pk", "AttributeType": "S"}],
                BillingMode="PAY_PER_REQUEST",
            )
            assert dynasim.call_log.operations() == ["CreateTable"]

        def test_second(dynasim, dynamodb, dynamodb_resource):
            assert dynamodb.list_tables()["TableNames"] == []
            assert list(dynamodb_resource.tables.all()) == []
            assert len(dynasim.call_log) == 2  # the same simulator behind both

        def test_target_is_none(dynasim_target):
            assert dynasim_target is None
        """
    )
    run(pytester).assert_outcomes(passed=3)


def test_declared_tables_from_a_marker_are_restored_for_each_test(pytester):
    pytester.makepyfile(
        f"""
        import pytest

        pytestmark = pytest.mark.dynasim_tables({ORDERS!r})

        @pytest.mark.parametrize("round", range(3))
        def test_each_starts_from_the_declaration(dynamodb, round):
            items = dynamodb.scan(TableName="orders")["Items"]
            assert items == [{{"pk": {{"S": "seed"}}}}]
            dynamodb.put_item(TableName="orders", Item={{"pk": {{"S": f"added-{{round}}"}}}})
            dynamodb.delete_item(TableName="orders", Key={{"pk": {{"S": "seed"}}}})

        def test_the_call_log_starts_empty(dynasim):
            assert len(dynasim.call_log) == 0
        """
    )
    run(pytester).assert_outcomes(passed=4)


def test_declared_tables_from_a_fixture_override_and_files(pytester):
    pytester.makefile(".json", tables=json.dumps(ORDERS), template=json.dumps(TEMPLATE))
    pytester.makepyfile(
        test_override="""
        import pytest

        @pytest.fixture
        def dynasim_tables():
            return "template.json"

        def test_template(dynamodb):
            assert dynamodb.list_tables()["TableNames"] == ["users-test"]

        @pytest.mark.dynasim_tables("tables.json")
        def test_marker_wins(dynamodb):
            assert dynamodb.list_tables()["TableNames"] == ["orders"]
        """,
        test_ini="""
        def test_from_ini(dynamodb):
            assert dynamodb.get_item(TableName="orders", Key={"pk": {"S": "seed"}})["Item"]
        """,
    )
    pytester.makeini("[pytest]\ndynasim_tables = tables.json\n")
    run(pytester).assert_outcomes(passed=3)
    run(pytester, "--dynasim-tables", "template.json", "-k", "from_ini").assert_outcomes(failed=1)


def test_markers_are_registered_for_strict_markers(pytester):
    pytester.makepyfile(
        """
        import pytest

        @pytest.mark.dynasim_only
        def test_only(dynasim):
            pass

        @pytest.mark.dynasim_tables({"tables": []})
        def test_tables(dynamodb):
            pass
        """
    )
    run(pytester).assert_outcomes(passed=2)
    result = pytester.runpytest_subprocess("--markers")
    result.stdout.fnmatch_lines(["@pytest.mark.dynasim_only:*", "@pytest.mark.dynasim_tables(declaration):*"])


def test_a_bad_declaration_is_reported(pytester):
    pytester.makepyfile(
        """
        import pytest

        @pytest.mark.dynasim_tables({"tables": [{"TableName": "x"}]})
        def test_broken(dynamodb):
            pass
        """
    )
    result = run(pytester)
    result.assert_outcomes(errors=1)
    result.stdout.fnmatch_lines(["*CreateTable failed*"])


TARGET_TESTS = f"""
import pytest

pytestmark = pytest.mark.dynasim_tables({ORDERS!r})

def test_runs_on_both(dynamodb, dynamodb_resource, dynasim_target):
    assert dynamodb.get_item(TableName="orders", Key={{"pk": {{"S": "seed"}}}})["Item"]
    dynamodb.put_item(TableName="orders", Item={{"pk": {{"S": "more"}}}})
    assert dynamodb_resource.Table("orders").item_count >= 0

def test_tables_the_test_creates_are_deleted(dynamodb):
    assert dynamodb.list_tables()["TableNames"] == ["orders"]
    dynamodb.create_table(
        TableName="scratch",
        KeySchema=[{{"AttributeName": "pk", "KeyType": "HASH"}}],
        AttributeDefinitions=[{{"AttributeName": "pk", "AttributeType": "S"}}],
        BillingMode="PAY_PER_REQUEST",
    )

def test_and_declared_tables_start_fresh(dynamodb):
    assert dynamodb.list_tables()["TableNames"] == ["orders"]
    assert dynamodb.scan(TableName="orders")["Count"] == 1

@pytest.mark.dynasim_only
def test_simulator_only(dynasim):
    dynasim.inject_fault("GetItem", error="ThrottlingException")

def test_uses_the_fixture(dynasim):
    pass
"""


def test_dynasim_target_runs_the_same_tests_against_an_endpoint(pytester):
    pytester.makepyfile(TARGET_TESTS)
    run(pytester, "-rs").assert_outcomes(passed=5)
    with dynasim.Simulator().serve() as server:
        result = run(pytester, "-rs", f"--dynasim-target={server.url}")
        result.assert_outcomes(passed=3, skipped=2)
        result.stdout.fnmatch_lines(
            [
                f"dynasim: running against {server.url}",
                f"*needs the in-process simulator (dynasim_only), not available with --dynasim-target={server.url}",
                "*uses the `dynasim` fixture (the in-process simulator)*",
            ]
        )
        remote = server.server.endpoint.simulator
        assert remote.handle("ListTables", {})["TableNames"] == []  # everything was cleaned up


def test_dynasim_target_deletes_the_tables_a_test_protected_from_deletion(pytester):
    pytester.makepyfile(
        """
        def test_protected(dynamodb):
            dynamodb.create_table(
                TableName="kept",
                KeySchema=[{"AttributeName": "pk", "KeyType": "HASH"}],
                AttributeDefinitions=[{"AttributeName": "pk", "AttributeType": "S"}],
                BillingMode="PAY_PER_REQUEST",
                DeletionProtectionEnabled=True,
            )
        """
    )
    with dynasim.Simulator().serve() as server:
        run(pytester, f"--dynasim-target={server.url}").assert_outcomes(passed=1)
        remote = server.server.endpoint.simulator
        assert remote.handle("ListTables", {})["TableNames"] == []


def test_dynasim_target_ini_setting(pytester):
    pytester.makepyfile(TARGET_TESTS)
    with dynasim.Simulator().serve() as server:
        pytester.makeini(f"[pytest]\ndynasim_target = {server.url}\n")
        run(pytester).assert_outcomes(passed=3, skipped=2)


def test_snapshot_restore_is_independent():
    sim = dynasim.Simulator()
    sim.handle("CreateTable", {k: v for k, v in ORDERS["tables"][0].items() if k != "Items"})
    sim.handle("PutItem", {"TableName": "orders", "Item": {"pk": {"S": "a"}}})
    snapshot = sim.snapshot()
    sim.handle("PutItem", {"TableName": "orders", "Item": {"pk": {"S": "b"}}})
    other = dynasim.Simulator()
    other.restore(snapshot)
    other.handle("DeleteItem", {"TableName": "orders", "Key": {"pk": {"S": "a"}}})
    sim.restore(snapshot)
    assert sim.handle("Scan", {"TableName": "orders"})["Count"] == 1
    assert other.handle("Scan", {"TableName": "orders"})["Count"] == 0
    assert dynasim.Simulator().snapshot().table_names == []
    assert "1 tables, 1 items" in repr(snapshot)


def test_restore_copies_indexes(pytester):
    sim = dynasim.Simulator()
    sim.handle(
        "CreateTable",
        {
            "TableName": "indexed",
            "KeySchema": [{"AttributeName": "pk", "KeyType": "HASH"}, {"AttributeName": "sk", "KeyType": "RANGE"}],
            "AttributeDefinitions": [
                {"AttributeName": "pk", "AttributeType": "S"},
                {"AttributeName": "sk", "AttributeType": "N"},
                {"AttributeName": "g", "AttributeType": "S"},
            ],
            "BillingMode": "PAY_PER_REQUEST",
            "GlobalSecondaryIndexes": [
                {
                    "IndexName": "by-g",
                    "KeySchema": [{"AttributeName": "g", "KeyType": "HASH"}],
                    "Projection": {"ProjectionType": "KEYS_ONLY"},
                }
            ],
        },
    )
    for i in range(5):
        sim.handle(
            "PutItem", {"TableName": "indexed", "Item": {"pk": {"S": "p"}, "sk": {"N": str(i)}, "g": {"S": "x"}}}
        )
    snapshot = sim.snapshot()
    copy = dynasim.Simulator()
    copy.restore(snapshot)
    copy.handle("DeleteItem", {"TableName": "indexed", "Key": {"pk": {"S": "p"}, "sk": {"N": "0"}}})
    query = textwrap.dedent("g = :g")
    request = {
        "TableName": "indexed",
        "IndexName": "by-g",
        "KeyConditionExpression": query,
        "ExpressionAttributeValues": {":g": {"S": "x"}},
    }
    assert copy.handle("Query", request)["Count"] == 4
    assert sim.handle("Query", request)["Count"] == 5
    assert copy.handle("DescribeTable", {"TableName": "indexed"})["Table"]["ItemCount"] == 4


def test_the_simulator_is_configured_from_ini_fixture_and_markers(pytester):
    pytester.makeini(
        """
        [pytest]
        dynasim_region = eu-west-1
        dynasim_max_logged_calls = 2
        dynasim_max_logged_bytes = 1000000
        dynasim_virtual_retry_delays = false
        dynasim_ttl = immediate
        """
    )
    pytester.makepyfile(
        f"""
        import pytest

        pytestmark = [pytest.mark.dynasim_tables({json.dumps(ORDERS)}), pytest.mark.dynasim(ttl="sweep")]

        @pytest.fixture
        def dynasim_options():
            return {{"max_logged_calls": 5}}

        def test_ini_fixture_and_module_marker(dynasim, dynamodb):
            assert dynasim.region == "eu-west-1"
            arn = dynamodb.describe_table(TableName="orders")["Table"]["TableArn"]
            assert arn.startswith("arn:aws:dynamodb:eu-west-1:")   # declared tables made in the region
            for _ in range(7):
                dynamodb.list_tables()
            assert len(dynasim.call_log) == 5                        # the fixture beats the ini
            assert dynasim.ttl == "sweep"                            # the module's marker beats the ini
            assert dynasim.call_log.max_bytes == 1000000
            assert dynasim.virtual_retry_delays is False

        @pytest.mark.dynasim(region="ap-south-1", max_logged_calls=None, eventual_consistency={{"lag": 3}})
        def test_the_closest_marker_wins(dynasim, dynamodb):
            assert dynasim.region == "ap-south-1" and dynasim.ttl == "sweep"
            arn = dynamodb.describe_table(TableName="orders")["Table"]["TableArn"]
            assert arn.startswith("arn:aws:dynamodb:ap-south-1:")
            for _ in range(7):
                dynamodb.list_tables()
            assert len(dynasim.call_log) == 8
            assert dynasim._doubles.consistency is not None and dynasim._doubles.consistency.lag == 3

        @pytest.mark.dynasim(ttl="never")
        def test_a_bad_setting_is_reported(dynasim):
            pass

        @pytest.mark.dynasim(colour="blue")
        def test_an_unknown_setting_is_reported(dynasim):
            pass
        """
    )
    result = run(pytester)
    result.assert_outcomes(passed=2, errors=2)
    result.stdout.fnmatch_lines(['*ttl must be "sweep" or "immediate"*', "*not Mark(name='dynasim'*colour*"])


def test_sim_is_the_dynasim_fixture_under_a_name_that_keeps_the_module(pytester):
    pytester.makepyfile(
        """
        import dynasim

        def test_both_names(sim, dynasim_target, request):
            assert isinstance(sim, dynasim.Simulator)       # the module is still the module
            assert request.getfixturevalue("dynasim") is sim
        """
    )
    run(pytester).assert_outcomes(passed=1)
