"""`dynasim replay CASSETTE --mode simulate`: report, exit status, progress bar."""

import io
import json

import pytest

import dynasim
from dynasim import cli
from dynasim.recording import cli as replay_cli
from dynasim.recording import record

SCHEMA = dict(
    KeySchema=[{"AttributeName": "pk", "KeyType": "HASH"}],
    AttributeDefinitions=[{"AttributeName": "pk", "AttributeType": "S"}],
    BillingMode="PAY_PER_REQUEST",
)


@pytest.fixture
def cassette(tmp_path):
    path = tmp_path / "calls.jsonl"
    production = dynasim.Simulator()
    ddb = production.client()
    with record(path, client=ddb):
        ddb.create_table(TableName="things", **SCHEMA)
        for n in range(3):
            ddb.put_item(TableName="things", Item={"pk": {"S": f"k{n}"}, "n": {"N": str(n)}})
            ddb.get_item(TableName="things", Key={"pk": {"S": f"k{n}"}})
    return path


def tamper(path, operation, change):
    lines = path.read_text().splitlines()
    for index, line in enumerate(lines):
        document = json.loads(line)
        if document.get("operation") == operation:
            change(document)
            lines[index] = json.dumps(document)
    path.write_text("\n".join(lines) + "\n")


def test_no_differences_exit_zero_with_a_summary(cassette, capsys):
    assert cli.main(["replay", str(cassette), "--mode", "simulate"]) == 0
    out, err = capsys.readouterr()
    assert "7 call(s), 7 compared, 0 differing" in out
    assert "recorded latency (ms): p50" in out
    assert "by operation (p50/p99): CreateTable " in out
    assert err == ""  # no progress bar when stderr is not a terminal


def test_differences_exit_one_grouped_by_operation_and_reported_as_json(cassette, tmp_path, capsys):
    def change(document):
        document["response"]["Item"]["n"] = {"N": "42"}

    tamper(cassette, "GetItem", change)
    report_path = tmp_path / "out.json"
    assert cli.main(["replay", str(cassette), "--report", str(report_path)]) == 1
    out, _ = capsys.readouterr()
    assert "GetItem: 3 of 3 response(s) differ" in out
    assert 'Item.n.N: recorded "42", now "0"' in out
    report = json.loads(report_path.read_text())
    assert report["calls"] == 7
    assert report["mismatches_by_operation"] == {"GetItem": 3}
    assert report["calls_by_operation"] == {"CreateTable": 1, "PutItem": 3, "GetItem": 3}
    assert set(report["latency_ms"]) == {"p50", "p90", "p99", "max"}
    assert set(report["latency_ms_by_operation"]) == {"CreateTable", "PutItem", "GetItem"}
    assert report["mismatches"]["GetItem"][0]["seq"] == 2


def test_an_unreadable_cassette_exits_two(tmp_path, capsys):
    path = tmp_path / "bad.jsonl"
    path.write_text('{"something": 1}\n')
    assert cli.main(["replay", str(path)]) == 2
    assert "not a dynasim cassette" in capsys.readouterr().err
    assert cli.main(["replay", str(tmp_path / "missing.jsonl")]) == 2


def test_progress_bar_only_on_a_terminal():
    class Terminal(io.StringIO):
        def isatty(self):
            return True

    terminal = Terminal()
    bar = replay_cli.ProgressBar(terminal, width=10, minimum=4)
    for done in range(1, 5):
        bar(done, 4)
    assert terminal.getvalue().endswith("\r[##########] 4/4\n")
    plain = io.StringIO()
    replay_cli.ProgressBar(plain, minimum=0)(1, 1)
    assert plain.getvalue() == ""
    short = Terminal()
    replay_cli.ProgressBar(short)(1, 3)  # a short cassette needs no bar
    assert short.getvalue() == ""
