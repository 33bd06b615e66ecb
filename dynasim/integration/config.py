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


class _AsyncFixedProvider(_FixedProvider):
    async def load(self) -> Any:  # type: ignore[override]  # aiobotocore awaits its providers
        return self._credentials


class _Flavour:
    """botocore's classes for a session and the credentials it resolves: the synchronous ones, or
    aiobotocore's (whose credential providers and refreshes are awaited)."""

    session = botocore.session.Session
    assume_role_fetcher: Any = botocore.credentials.AssumeRoleCredentialFetcher
    web_identity_fetcher: Any = botocore.credentials.AssumeRoleWithWebIdentityCredentialFetcher
    deferred_credentials: Any = botocore.credentials.DeferredRefreshableCredentials

    def source_credentials(self, source: Any) -> Any:
        return source.get_credentials()

    def provider(self, method: str, credentials: Any) -> Any:
        return _FixedProvider(method, credentials)


class _AsyncFlavour(_Flavour):
    def __init__(self) -> None:
        import aiobotocore.credentials
        import aiobotocore.session

        self.session = aiobotocore.session.AioSession
        self.assume_role_fetcher = aiobotocore.credentials.AioAssumeRoleCredentialFetcher
        self.web_identity_fetcher = aiobotocore.credentials.AioAssumeRoleWithWebIdentityCredentialFetcher
        self.deferred_credentials = aiobotocore.credentials.AioDeferredRefreshableCredentials

    def source_credentials(self, source: Any) -> Any:
        # An AioSession resolves its credentials when awaited: the fetcher reads them through this.
        class Deferred:
            async def get_frozen_credentials(self) -> Any:
                return await (await source.get_credentials()).get_frozen_credentials()

        return Deferred()

    def provider(self, method: str, credentials: Any) -> Any:
        return _AsyncFixedProvider(method, credentials)


_SYNC = _Flavour()


def _botocore_session(auth: AuthConfig, region: str | None, flavour: _Flavour = _SYNC) -> Any:
    if isinstance(auth, Profile):
        session = flavour.session(profile=auth.profile_name)
    else:
        session = flavour.session()
    if region:
        session.set_config_variable("region", region)
    if isinstance(auth, StaticCredentials):
        token = auth.session_token.reveal() if auth.session_token else None
        session.set_credentials(auth.access_key, auth.secret_key.reveal(), token)
    elif isinstance(auth, AssumeRole):
        source = _botocore_session(auth.source or Environment(), region, flavour)
        extra: dict[str, Any] = {"RoleSessionName": auth.session_name}
        if auth.external_id:
            extra["ExternalId"] = auth.external_id
        fetcher = flavour.assume_role_fetcher(
            client_creator=source.create_client,
            source_credentials=flavour.source_credentials(source),
            role_arn=auth.role_arn,
            extra_args=extra,
        )
        _use_credentials(session, flavour, "assume-role", fetcher)
    elif isinstance(auth, WebIdentity):
        fetcher = flavour.web_identity_fetcher(
            client_creator=flavour.session().create_client,
            web_identity_token_loader=botocore.credentials.FileWebIdentityTokenLoader(auth.token_file),
            role_arn=auth.role_arn,
            extra_args={"RoleSessionName": auth.session_name},
        )
        _use_credentials(session, flavour, "assume-role-with-web-identity", fetcher)
    return session


def _use_credentials(session: Any, flavour: _Flavour, method: str, fetcher: Any) -> None:
    """Make `session` resolve its credentials from `fetcher`, refreshed when they expire."""
    credentials = flavour.deferred_credentials(method=method, refresh_using=fetcher.fetch_credentials)
    session.get_component("credential_provider").insert_before("env", flavour.provider(method, credentials))


def _client_config(config: DynamoDbConfig, config_class: Any) -> Any:
    # botocore's own retries are off: the high-level client retries
    return config_class(
        connect_timeout=config.timeout,
        read_timeout=config.timeout,
        retries={"total_max_attempts": 1, "mode": "standard"},
    )


def create_boto3_client(config: DynamoDbConfig) -> Any:
    """A boto3 DynamoDB client for `config`; botocore's own retries are off (the high-level client retries)."""
    session = boto3.session.Session(botocore_session=_botocore_session(config.auth, config.region))
    return session.client("dynamodb", endpoint_url=config.endpoint_url, config=_client_config(config, Config))


def create_aiobotocore_client(config: DynamoDbConfig) -> Any:
    """An aiobotocore DynamoDB client for `config`, to enter with `async with`; its own retries are
    off. Needs aiobotocore (`pip install 'dynasim[async]'`)."""
    from aiobotocore.config import AioConfig

    session = _botocore_session(config.auth, config.region, _AsyncFlavour())
    return session.create_client("dynamodb", endpoint_url=config.endpoint_url, config=_client_config(config, AioConfig))
