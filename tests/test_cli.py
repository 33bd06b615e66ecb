"""`dynasim serve` / `python -m dynasim serve` as a process: startup, data, restarts, errors, shutdown."""

from __future__ import annotations

import json
import socket

import pytest
from botocore.config import Config
from http_helpers import SCHEMA, ServerProcess, client

from dynasim import cli
from dynasim.engine.globaltables.replication import Replication

FAST_FAIL = Config(retries={"max_attempts": 0}, connect_timeout=5, read_timeout=10)


def test_serve_answers_and_stops_cleanly_on_sigterm():
    with ServerProcess() as server:
        assert server.url.startswith("http://127.0.0.1:")
        ddb = client(server.url)
        ddb.create_table(TableName="cli", **SCHEMA)
        assert ddb.list_tables()["TableNames"] == ["cli"]
        assert server.stop() == 0
        assert "stopped" in server.output()


def test_in_memory_by_default(tmp_path):
    with ServerProcess() as server:
        client(server.url).create_table(TableName="gone", **SCHEMA)
        server.stop()
    with ServerProcess() as server:
        assert client(server.url).list_tables()["TableNames"] == []


def test_data_dir_keeps_tables_and_items_across_restarts(tmp_path):
    data = str(tmp_path / "data")
    with ServerProcess("--data-dir", data) as server:
        ddb = client(server.url)
        ddb.create_table(TableName="kept", **SCHEMA)
        ddb.put_item(TableName="kept", Item={"pk": {"S": "a"}, "b": {"B": b"\x00\x01"}})
        assert server.stop() == 0
    with ServerProcess("--data-dir", data, "--fsync", "never") as server:
        assert "1 table(s), 1 item(s) loaded" in server.output()
        item = client(server.url).get_item(TableName="kept", Key={"pk": {"S": "a"}})["Item"]
        assert item == {"pk": {"S": "a"}, "b": {"B": b"\x00\x01"}}


def test_backups_survive_a_restart_with_data_dir(tmp_path):
    data = str(tmp_path / "data")
    with ServerProcess("--data-dir", data, "--jobs", "immediate") as server:
        ddb = client(server.url)
        ddb.create_table(TableName="kept", **SCHEMA)
        ddb.put_item(TableName="kept", Item={"pk": {"S": "a"}})
        arn = ddb.create_backup(TableName="kept", BackupName="nightly")["BackupDetails"]["BackupArn"]
        ddb.delete_table(TableName="kept")
        server.process.kill()  # no clean close: what the operations wrote is all there is
        server.process.wait(10)
    with ServerProcess("--data-dir", data) as server:
        ddb = client(server.url)
        details = ddb.describe_backup(BackupArn=arn)["BackupDescription"]["BackupDetails"]
        assert details["BackupStatus"] == "AVAILABLE" and details["BackupName"] == "nightly"
        ddb.restore_table_from_backup(TargetTableName="kept", BackupArn=arn)
        assert ddb.scan(TableName="kept")["Items"] == [{"pk": {"S": "a"}}]


def test_tables_file_with_items(tmp_path):
    declarations = {
        "tables": [
            {
                "TableName": "seeded",
                **SCHEMA,
                "Items": [{"pk": {"S": "one"}, "n": {"N": "1"}}, {"pk": {"S": "two"}}],
            }
        ]
    }
    path = tmp_path / "tables.json"
    path.write_text(json.dumps(declarations))
    data = str(tmp_path / "data")
    with ServerProcess("--tables", str(path), "--data-dir", data) as server:
        ddb = client(server.url)
        assert ddb.get_item(TableName="seeded", Key={"pk": {"S": "one"}})["Item"]["n"] == {"N": "1"}
        ddb.delete_item(TableName="seeded", Key={"pk": {"S": "one"}})
        assert "created seeded" in server.output()
        server.stop()
    # a restart with the same file keeps what is stored rather than re-seeding
    with ServerProcess("--tables", str(path), "--data-dir", data) as server:
        assert "kept existing seeded" in server.output()
        assert "Item" not in client(server.url).get_item(TableName="seeded", Key={"pk": {"S": "one"}})


def test_tables_from_a_sam_template(tmp_path):
    template = tmp_path / "template.yaml"
    template.write_text(
        """
AWSTemplateFormatVersion: 2010-09-09
Transform: AWS::Serverless-2016-10-31
Parameters:
  Env:
    Type: String
    Default: dev
Resources:
  Orders:
    Type: AWS::DynamoDB::Table
    Properties:
      TableName: !Sub "${Env}-orders"
      BillingMode: PAY_PER_REQUEST
      AttributeDefinitions:
        - AttributeName: id
          AttributeType: S
      KeySchema:
        - AttributeName: id
          KeyType: HASH
  Users:
    Type: AWS::Serverless::SimpleTable
"""
    )
    with ServerProcess("--tables", str(template), "--parameter", "Env=test") as server:
        assert client(server.url).list_tables()["TableNames"] == ["Users", "test-orders"]


def test_startup_errors_exit_1_with_a_message(tmp_path):
    bad = tmp_path / "bad.json"
    bad.write_text(json.dumps({"tables": [{"TableName": "x!", **SCHEMA}]}))
    with ServerProcess("--tables", str(bad)) as server:
        assert server.process.wait(30) == 1
        assert "CreateTable failed: ValidationException" in server.output()
        assert "Traceback" not in server.output()


def test_port_in_use_exits_1(tmp_path):
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        port = str(taken.getsockname()[1])
        with ServerProcess("--port", port) as server:
            assert server.process.wait(30) == 1
            assert f"cannot listen on 127.0.0.1:{port}" in server.output()
            assert "--port 0 for any free one" in server.output()


def test_a_locked_data_dir_exits_1(tmp_path):
    data = str(tmp_path / "data")
    with ServerProcess("--data-dir", data) as first, ServerProcess("--data-dir", data) as second:
        assert first.url
        assert second.process.wait(30) == 1
        assert "in use by another dynasim process" in second.output()


def test_auth_flag_and_environment(tmp_path):
    with ServerProcess("--auth", "cli-key:cli-secret") as server:
        ok = client(server.url, aws_access_key_id="cli-key", aws_secret_access_key="cli-secret")
        assert ok.list_tables()["TableNames"] == []
        wrong = client(server.url, config=FAST_FAIL)
        with pytest.raises(wrong.exceptions.ClientError, match="UnrecognizedClientException"):
            wrong.list_tables()
    with ServerProcess(env={"DYNASIM_AUTH": "env-key:env-secret"}) as server:
        ok = client(server.url, aws_access_key_id="env-key", aws_secret_access_key="env-secret")
        assert ok.list_tables()["TableNames"] == []


def test_auth_file_keeps_secrets_out_of_the_process_list(tmp_path):
    keys = tmp_path / "keys"
    keys.write_text("# key pairs for the endpoint\nfile-key:file-secret\n\nsecond-key:second-secret\n")
    with ServerProcess("--auth-file", str(keys)) as server:
        assert "file-secret" not in " ".join(server.process.args)
        for key, secret in (("file-key", "file-secret"), ("second-key", "second-secret")):
            ok = client(server.url, aws_access_key_id=key, aws_secret_access_key=secret)
            assert ok.list_tables()["TableNames"] == []
        wrong = client(server.url, config=FAST_FAIL)
        with pytest.raises(wrong.exceptions.ClientError, match="UnrecognizedClientException"):
            wrong.list_tables()
    with ServerProcess(env={"DYNASIM_AUTH_FILE": str(keys)}) as server:
        ok = client(server.url, aws_access_key_id="file-key", aws_secret_access_key="file-secret")
        assert ok.list_tables()["TableNames"] == []


@pytest.mark.parametrize(
    "content, words",
    [("no-secret-here\n", "line 1: expected ACCESS_KEY_ID:SECRET_ACCESS_KEY"), ("# only\n", "no KEY:SECRET line")],
)
def test_a_bad_auth_file_exits_2(tmp_path, capsys, content, words):
    keys = tmp_path / "keys"
    keys.write_text(content)
    assert cli.main(["serve", "--auth-file", str(keys)]) == 2
    assert words in capsys.readouterr().err
    assert cli.main(["serve", "--auth-file", str(tmp_path / "missing")]) == 2
    assert "No such file or directory" in capsys.readouterr().err


def test_max_request_bytes_flag():
    with ServerProcess("--max-request-bytes", "2000") as server:
        ddb = client(server.url, config=FAST_FAIL)
        ddb.create_table(TableName="small", **SCHEMA)
        with pytest.raises(ddb.exceptions.ClientError, match="RequestEntityTooLarge"):
            ddb.put_item(TableName="small", Item={"pk": {"S": "a"}, "big": {"S": "x" * 5000}})


@pytest.mark.parametrize(
    "arguments",
    [["serve", "--port", "70000"], ["serve", "--auth", "nosecret"], ["serve", "--fsync", "sometimes"], []],
)
def test_bad_arguments_exit_2(arguments, capsys):
    with pytest.raises(SystemExit) as exited:
        code = cli.main(arguments)
        raise SystemExit(code)
    assert exited.value.code == 2


def test_loopback_detection():
    assert cli._is_loopback("127.0.0.1") and cli._is_loopback("::1") and cli._is_loopback("localhost")
    assert not cli._is_loopback("0.0.0.0") and not cli._is_loopback("192.168.1.5")


def test_log_requests_prints_a_line_per_call():
    with ServerProcess("--log-requests") as server:
        ddb = client(server.url, config=FAST_FAIL)
        ddb.create_table(TableName="logged", **SCHEMA)
        ddb.put_item(TableName="logged", Item={"pk": {"S": "a"}})
        with pytest.raises(Exception, match="ResourceNotFoundException"):
            ddb.get_item(TableName="missing", Key={"pk": {"S": "a"}})
        ddb.list_tables()
        assert server.stop() == 0
        lines = [line for line in server.output().splitlines() if " ms" in line]
    assert [line.rsplit(" ", 2)[0] for line in lines] == [
        "CreateTable logged 200",
        "PutItem logged 200",
        "GetItem missing 400 ResourceNotFoundException",
        "ListTables - 200",
    ]
    assert all(float(line.rsplit(" ", 2)[1]) >= 0 for line in lines)


def test_version_is_the_installed_package_version():
    import importlib.metadata
    import subprocess
    import sys

    printed = subprocess.run(
        [sys.executable, "-m", "dynasim", "--version"], capture_output=True, text=True, timeout=60, check=True
    ).stdout.strip()
    assert printed == f"dynasim {importlib.metadata.version('dynasim')}"


def test_the_readme_set_up_command_starts_the_endpoint(tmp_path):
    """`bash scripts/serve` (the README's first command), in an active environment: it installs
    dynasim there and serves. The environment is a new one that sees this one's packages, so
    the install changes nothing outside the test (another checkout's editable install stays)."""
    import os
    import site
    import subprocess
    import venv
    from pathlib import Path

    root = Path(__file__).resolve().parent.parent
    environment = tmp_path / "env"
    venv.create(environment, with_pip=True)
    python = environment / "bin" / "python"
    new_site = subprocess.run(
        [str(python), "-c", "import sysconfig; print(sysconfig.get_paths()['purelib'])"],
        capture_output=True, text=True, check=True,
    ).stdout.strip()  # fmt: skip
    # dynasim's dependencies come from this environment; dynasim itself is what the script installs
    Path(new_site, "outer.pth").write_text("\n".join(site.getsitepackages()) + "\n")
    bin_dir = str(environment / "bin")
    env = {**os.environ, "DYNASIM_PYTHON": str(python), "VIRTUAL_ENV": str(environment),
           "PATH": bin_dir + os.pathsep + os.environ.get("PATH", "")}  # fmt: skip
    process = subprocess.Popen(
        ["bash", str(root / "scripts" / "serve"), "--port", "0"],
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
        env=env,
        cwd=tmp_path,
    )
    import threading

    deadline = threading.Timer(180, process.kill)  # an install that hangs ends the read below
    deadline.start()
    try:
        lines = []
        for line in process.stdout:  # type: ignore[union-attr]
            lines.append(line)
            if "listening on http://127.0.0.1:" in line:
                url = line.split("listening on ")[1].split()[0]
                assert client(url).list_tables()["TableNames"] == []
                break
        else:
            pytest.fail("scripts/serve ended without serving:\n" + "".join(lines))
    finally:
        deadline.cancel()
        process.terminate()
        process.wait(30)


def test_serve_sets_the_replication_lag_and_the_2017_global_tables_as_told(capsys):
    told = cli._simulator(cli.parser().parse_args(["serve", "--replication-lag", "2.5", "--global-tables-2017"]))
    assert told.global_tables_2017 is True
    assert told.engine.regions.state(Replication).lag("us-east-1", "eu-west-1") == 2.5
    default = cli._simulator(cli.parser().parse_args(["serve"]))
    assert default.global_tables_2017 is False
    for wrong in ("-1", "soon", "inf"):
        with pytest.raises(SystemExit):
            cli.parser().parse_args(["serve", "--replication-lag", wrong])
    assert "must be a number of seconds" in capsys.readouterr().err
