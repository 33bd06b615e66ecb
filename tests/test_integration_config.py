"""dynasim.integration configuration: endpoint, region and every auth choice, resolved by botocore's
own credential providers, and secrets kept out of reprs."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

import dynasim
from dynasim.integration import (
    AssumeRole,
    DynamoDbClient,
    DynamoDbConfig,
    Environment,
    Key,
    Profile,
    StaticCredentials,
    WebIdentity,
)
from dynasim.integration.config import _botocore_session, create_boto3_client

SECRET = "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY"


@pytest.fixture(autouse=True)
def clean_environment(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    for name in (
        "AWS_ACCESS_KEY_ID",
        "AWS_SECRET_ACCESS_KEY",
        "AWS_SESSION_TOKEN",
        "AWS_PROFILE",
        "AWS_DEFAULT_REGION",
    ):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("AWS_CONFIG_FILE", str(tmp_path / "config"))
    monkeypatch.setenv("AWS_SHARED_CREDENTIALS_FILE", str(tmp_path / "credentials"))
    monkeypatch.setenv("AWS_EC2_METADATA_DISABLED", "true")


def test_secrets_stay_out_of_reprs() -> None:
    config = DynamoDbConfig(auth=StaticCredentials("AKIDEXAMPLE", SECRET, "token-value"))
    for text in (repr(config), str(config), repr(config.auth), str(config.auth.secret_key)):
        assert SECRET not in text and "token-value" not in text
    assert config.auth.secret_key.reveal() == SECRET


def test_static_credentials_sign_requests_to_an_endpoint() -> None:
    sim = dynasim.Simulator(region="eu-west-1")  # a verifying endpoint takes its own region only
    with sim.serve(credentials={"AKIDEXAMPLE": SECRET}) as server:
        config = DynamoDbConfig(
            region="eu-west-1", endpoint_url=server.url, auth=StaticCredentials("AKIDEXAMPLE", SECRET)
        )
        client = DynamoDbClient(config)
        assert client.client.meta.region_name == "eu-west-1"
        assert SECRET not in repr(client)
        client.client.create_table(
            TableName="things",
            BillingMode="PAY_PER_REQUEST",
            KeySchema=[{"AttributeName": "PK", "KeyType": "HASH"}],
            AttributeDefinitions=[{"AttributeName": "PK", "AttributeType": "S"}],
        )
        table = client.table("things").with_key_schema("PK")
        table.put_item({"PK": "a", "n": 1})
        assert table.get_item(Key("a")) == {"PK": "a", "n": 1}
        wrong = DynamoDbClient(
            DynamoDbConfig(region="eu-west-1", endpoint_url=server.url, auth=StaticCredentials("AKIDEXAMPLE", "nope"))
        )
        with pytest.raises(Exception, match="signature"):
            wrong.table("things").with_key_schema("PK").get_item(Key("a"))


def test_botocore_retries_are_off_in_clients_it_creates() -> None:
    client = create_boto3_client(DynamoDbConfig(region="us-east-1", auth=StaticCredentials("a", "b"), timeout=3))
    assert client.meta.config.retries["total_max_attempts"] == 1
    assert client.meta.config.connect_timeout == 3 and client.meta.config.read_timeout == 3


def test_profile(tmp_path: Path) -> None:
    (tmp_path / "credentials").write_text("[dev]\naws_access_key_id = AKIDPROFILE\naws_secret_access_key = s\n")
    (tmp_path / "config").write_text("[profile dev]\nregion = ap-south-1\n")
    session = _botocore_session(Profile("dev"), None)
    assert session.get_credentials().access_key == "AKIDPROFILE"
    assert create_boto3_client(DynamoDbConfig(auth=Profile("dev"))).meta.region_name == "ap-south-1"


def test_environment_chain(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("AWS_ACCESS_KEY_ID", "AKIDENV")
    monkeypatch.setenv("AWS_SECRET_ACCESS_KEY", "s")
    credentials = _botocore_session(Environment(), "us-east-1").get_credentials()
    assert credentials.access_key == "AKIDENV" and credentials.method == "env"


class FakeSts:
    def __init__(self, calls: list[tuple[str, dict[str, Any]]]) -> None:
        self.calls = calls

    def _answer(self) -> dict[str, Any]:
        import datetime

        expires = datetime.datetime.now(datetime.timezone.utc) + datetime.timedelta(hours=1)
        return {
            "Credentials": {
                "AccessKeyId": "ASIAROLE",
                "SecretAccessKey": "role-secret",
                "SessionToken": "role-token",
                "Expiration": expires,
            }
        }

    def assume_role(self, **kwargs: Any) -> dict[str, Any]:
        self.calls.append(("assume_role", kwargs))
        return self._answer()

    def assume_role_with_web_identity(self, **kwargs: Any) -> dict[str, Any]:
        self.calls.append(("assume_role_with_web_identity", kwargs))
        return self._answer()


def test_assume_role_with_external_id(monkeypatch: pytest.MonkeyPatch) -> None:
    import botocore.session

    calls: list[tuple[str, dict[str, Any]]] = []
    monkeypatch.setattr(botocore.session.Session, "create_client", lambda self, *a, **k: FakeSts(calls))
    auth = AssumeRole("arn:aws:iam::123456789012:role/app", external_id="ext-1", source=StaticCredentials("a", "b"))
    credentials = _botocore_session(auth, "us-east-1").get_credentials()
    assert credentials.method == "assume-role"
    assert credentials.get_frozen_credentials().access_key == "ASIAROLE"
    assert calls == [
        (
            "assume_role",
            {"RoleArn": auth.role_arn, "ExternalId": "ext-1", "RoleSessionName": "dynasim-integration"},
        )
    ]


def test_web_identity_token_file(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    import botocore.session

    calls: list[tuple[str, dict[str, Any]]] = []
    monkeypatch.setattr(botocore.session.Session, "create_client", lambda self, *a, **k: FakeSts(calls))
    (tmp_path / "token").write_text("jwt-token")
    auth = WebIdentity("arn:aws:iam::123456789012:role/web", str(tmp_path / "token"))
    credentials = _botocore_session(auth, "us-east-1").get_credentials()
    assert credentials.method == "assume-role-with-web-identity"
    assert credentials.get_frozen_credentials().secret_key == "role-secret"
    assert calls[0][0] == "assume_role_with_web_identity"
    assert calls[0][1]["WebIdentityToken"] == "jwt-token" and calls[0][1]["RoleArn"] == auth.role_arn


def test_transport_faults_over_http_are_retried() -> None:
    from dynasim.integration import InMemoryMetrics

    sim = dynasim.Simulator()
    with sim.serve() as server:
        metrics = InMemoryMetrics()
        config = DynamoDbConfig(region="us-east-1", endpoint_url=server.url, auth=StaticCredentials("x", "x"))
        client = DynamoDbClient(config, metrics=metrics, sleep=lambda s: None)
        client.client.create_table(
            TableName="things",
            BillingMode="PAY_PER_REQUEST",
            KeySchema=[{"AttributeName": "PK", "KeyType": "HASH"}],
            AttributeDefinitions=[{"AttributeName": "PK", "AttributeType": "S"}],
        )
        sim.inject_fault("PutItem", error=["ConnectionClosedError", "InternalServerError", None])
        client.table("things").with_key_schema("PK").put_item({"PK": "a"})
        sim.assert_faults_used()
        assert metrics.count("dynamodb.retries", operation="PutItem") == 2
        assert metrics.count("dynamodb.errors", code="ConnectionClosedError") == 1
