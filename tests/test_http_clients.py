"""Real clients other than boto3 against the endpoint: the AWS CLI and the AWS SDK for JavaScript v3.

Each test skips, saying why, when its client is not installed (`python -m pip install awscli`;
`npm ci --prefix tests/js`). CI installs both.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
from pathlib import Path

import pytest
from http_helpers import CREDENTIALS

import dynasim

JS_DIR = Path(__file__).parent / "js"
TIMEOUT = 120


def _aws_environment(key: str, secret: str) -> dict[str, str]:
    environment = {
        name: value for name, value in os.environ.items() if not name.startswith("AWS_") or name == "AWS_CA_BUNDLE"
    }
    environment.update(
        AWS_ACCESS_KEY_ID=key,
        AWS_SECRET_ACCESS_KEY=secret,
        AWS_DEFAULT_REGION="us-east-1",
        AWS_CONFIG_FILE=os.devnull,
        AWS_SHARED_CREDENTIALS_FILE=os.devnull,
        AWS_PAGER="",
        AWS_MAX_ATTEMPTS="1",
    )
    return environment


@pytest.fixture(scope="module")
def aws():
    path = shutil.which("aws")
    if path is None:
        pytest.skip("the AWS CLI is not installed (python -m pip install awscli)")

    def run(url: str, *arguments: str, key: str = "cli-key", secret: str = "cli-secret"):
        command = [path, "dynamodb", *arguments, "--endpoint-url", url, "--output", "json"]
        return subprocess.run(
            command, capture_output=True, text=True, timeout=TIMEOUT, env=_aws_environment(key, secret)
        )

    return run


def test_aws_cli(aws):
    with dynasim.Simulator().serve() as server:
        created = aws(
            server.url,
            "create-table",
            "--table-name",
            "cli-table",
            "--key-schema",
            "AttributeName=pk,KeyType=HASH",
            "--attribute-definitions",
            "AttributeName=pk,AttributeType=S",
            "--billing-mode",
            "PAY_PER_REQUEST",
        )
        assert created.returncode == 0, created.stderr
        assert json.loads(created.stdout)["TableDescription"]["TableName"] == "cli-table"
        item = '{"pk": {"S": "a"}, "n": {"N": "2.50"}, "l": {"L": [{"S": "x"}]}}'
        put = aws(server.url, "put-item", "--table-name", "cli-table", "--item", item)
        assert put.returncode == 0, put.stderr
        got = aws(server.url, "get-item", "--table-name", "cli-table", "--key", '{"pk": {"S": "a"}}')
        assert got.returncode == 0, got.stderr
        assert json.loads(got.stdout)["Item"] == {
            "pk": {"S": "a"},
            "n": {"N": "2.5"},
            "l": {"L": [{"S": "x"}]},
        }
        listed = aws(server.url, "list-tables")
        assert json.loads(listed.stdout)["TableNames"] == ["cli-table"]
        missing = aws(server.url, "describe-table", "--table-name", "nope")
        assert missing.returncode != 0
        assert "ResourceNotFoundException" in missing.stderr
        assert "Requested resource not found" in missing.stderr


def test_aws_cli_with_signature_verification(aws):
    with dynasim.Simulator().serve(credentials={"cli-key": "cli-secret"}) as server:
        assert aws(server.url, "list-tables").returncode == 0
        wrong = aws(server.url, "list-tables", secret="not-the-secret")
        assert wrong.returncode != 0 and "InvalidSignatureException" in wrong.stderr
        unknown = aws(server.url, "list-tables", key="someone-else")
        assert unknown.returncode != 0 and "UnrecognizedClientException" in unknown.stderr


def test_aws_cli_search_vectors_with_the_endpoint_url(aws):
    """The CLI's `--endpoint-url` applies to SearchVectors too, which it would otherwise send to the
    vector-search host: the one port answers it."""
    sim = dynasim.Simulator()
    with sim.serve() as server:
        searched = aws(
            server.url, "search-vectors", "--table-name", "docs", "--index-name", "by-embedding",
            "--search-vector", '[{"N": "0.25"}, {"N": "-1.5"}]', "--top-k", "3",
        )  # fmt: skip
    if "Invalid choice" in searched.stderr:
        pytest.skip("this AWS CLI's botocore has no SearchVectors")
    call = sim.call_log.last
    assert (call.operation, call.front) == ("SearchVectors", "http")
    assert searched.returncode != 0 and f"({call.error_code})" in searched.stderr


@pytest.fixture(scope="module")
def node():
    path = shutil.which("node")
    if path is None:
        pytest.skip("node is not installed")
    if not (JS_DIR / "node_modules" / "@aws-sdk" / "client-dynamodb").is_dir():
        pytest.skip("@aws-sdk/client-dynamodb is not installed (npm ci --prefix tests/js)")

    def run(url: str, **environment: str):
        return subprocess.run(
            [path, str(JS_DIR / "smoke.mjs"), url],
            capture_output=True,
            text=True,
            timeout=TIMEOUT,
            env={**os.environ, **environment},
        )

    return run


def test_aws_sdk_for_javascript_v3(node):
    with dynasim.Simulator().serve() as server:
        result = node(server.url)
    assert result.returncode == 0, result.stderr
    report = json.loads(result.stdout)
    assert report["ok"] and report["error"] == "ResourceNotFoundException"
    assert report["message"] == "Requested resource not found: Table: no-such-table not found"


def test_aws_sdk_for_javascript_v3_with_signature_verification(node):
    key, secret = CREDENTIALS["aws_access_key_id"], CREDENTIALS["aws_secret_access_key"]
    with dynasim.Simulator().serve(credentials={key: secret}) as server:
        good = node(server.url, SMOKE_KEY=key, SMOKE_SECRET=secret)
        bad = node(server.url, SMOKE_KEY=key, SMOKE_SECRET="wrong")
    assert good.returncode == 0, good.stderr
    assert bad.returncode != 0 and "InvalidSignatureException" in bad.stderr
