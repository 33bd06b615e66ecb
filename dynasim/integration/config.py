"""DynamoDbConfig and the authentication choices, resolved through boto3/botocore's own credential providers."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import boto3
import botocore.credentials
import botocore.session
from botocore.config import Config

from dynasim.integration.resilience import CircuitBreakerConfig, RetryConfig


class Secret:
    """A string kept out of reprs, str() and logs; `reveal()` gives it back."""

    __slots__ = ("_value",)

    def __init__(self, value: str) -> None:
        self._value = value

    def reveal(self) -> str:
        return self._value

    def __repr__(self) -> str:
        return "Secret('********')"

    __str__ = __repr__

    def __eq__(self, other: object) -> bool:
        return isinstance(other, Secret) and other._value == self._value

    def __hash__(self) -> int:
        return hash(self._value)


@dataclass(frozen=True)
class StaticCredentials:
    access_key: str
    secret_key: Secret
    session_token: Secret | None = None

    def __init__(self, access_key: str, secret_key: str | Secret, session_token: str | Secret | None = None) -> None:
        object.__setattr__(self, "access_key", access_key)
        object.__setattr__(self, "secret_key", secret_key if isinstance(secret_key, Secret) else Secret(secret_key))
        token = session_token
        object.__setattr__(self, "session_token", Secret(token) if isinstance(token, str) else token)


@dataclass(frozen=True)
class Profile:
    profile_name: str


@dataclass(frozen=True)
class AssumeRole:
    """Assume `role_arn` with the credentials of `source` (default: the environment chain)."""

    role_arn: str
    external_id: str | None = None
    session_name: str = "dynasim-integration"
    source: Any = None  # another auth choice


@dataclass(frozen=True)
class WebIdentity:
    role_arn: str
    token_file: str
    session_name: str = "dynasim-integration"


@dataclass(frozen=True)
class Environment:
    """boto3's default credential chain (environment, shared files, container and instance roles)."""


AuthConfig = StaticCredentials | Profile | AssumeRole | WebIdentity | Environment


@dataclass(frozen=True)
class DynamoDbConfig:
    region: str | None = None
    endpoint_url: str | None = None
    auth: AuthConfig = field(default_factory=Environment)
    retry: RetryConfig = field(default_factory=RetryConfig)
    circuit_breaker: CircuitBreakerConfig = field(default_factory=CircuitBreakerConfig)
    timeout: float = 10.0  # seconds, for connecting and for each read


class _FixedProvider(botocore.credentials.CredentialProvider):
    def __init__(self, method: str, credentials: Any) -> None:
        self.METHOD = method
        self._credentials = credentials

    def load(self) -> Any:
        return self._credentials


def _botocore_session(auth: AuthConfig, region: str | None) -> botocore.session.Session:
    if isinstance(auth, Profile):
        session = botocore.session.Session(profile=auth.profile_name)
    else:
        session = botocore.session.Session()
    if region:
        session.set_config_variable("region", region)
    if isinstance(auth, StaticCredentials):
        token = auth.session_token.reveal() if auth.session_token else None
        session.set_credentials(auth.access_key, auth.secret_key.reveal(), token)
    elif isinstance(auth, AssumeRole):
        source = _botocore_session(auth.source or Environment(), region)
        extra: dict[str, Any] = {"RoleSessionName": auth.session_name}
        if auth.external_id:
            extra["ExternalId"] = auth.external_id
        fetcher = botocore.credentials.AssumeRoleCredentialFetcher(
            client_creator=source.create_client,
            source_credentials=source.get_credentials(),
            role_arn=auth.role_arn,
            extra_args=extra,
        )
        credentials = botocore.credentials.DeferredRefreshableCredentials(
            method="assume-role", refresh_using=fetcher.fetch_credentials
        )
        session.get_component("credential_provider").insert_before("env", _FixedProvider("assume-role", credentials))
    elif isinstance(auth, WebIdentity):
        fetcher = botocore.credentials.AssumeRoleWithWebIdentityCredentialFetcher(
            client_creator=botocore.session.Session().create_client,
            web_identity_token_loader=botocore.credentials.FileWebIdentityTokenLoader(auth.token_file),
            role_arn=auth.role_arn,
            extra_args={"RoleSessionName": auth.session_name},
        )
        credentials = botocore.credentials.DeferredRefreshableCredentials(
            method="assume-role-with-web-identity", refresh_using=fetcher.fetch_credentials
        )
        session.get_component("credential_provider").insert_before(
            "env", _FixedProvider("assume-role-with-web-identity", credentials)
        )
    return session


def create_boto3_client(config: DynamoDbConfig) -> Any:
    """A boto3 DynamoDB client for `config`; botocore's own retries are off (the high-level client retries)."""
    session = boto3.session.Session(botocore_session=_botocore_session(config.auth, config.region))
    botocore_config = Config(
        connect_timeout=config.timeout,
        read_timeout=config.timeout,
        retries={"total_max_attempts": 1, "mode": "standard"},
    )
    return session.client("dynamodb", endpoint_url=config.endpoint_url, config=botocore_config)
