"""Checking the AWS Signature Version 4 of a received request against configured keys.

The expected signature is computed by botocore's own signer (`botocore.auth.SigV4Auth`) over the
request as it was received, restricted to the headers the client says it signed, with the time,
region and service taken from the request. Nothing of the algorithm is written out here.
"""

from __future__ import annotations

import datetime
import hashlib
import hmac
from collections.abc import Mapping

from botocore.auth import SigV4Auth
from botocore.awsrequest import AWSRequest
from botocore.compat import HTTPHeaders
from botocore.credentials import Credentials

from dynasim import errors

ALGORITHM = "AWS4-HMAC-SHA256"
MAX_CLOCK_SKEW = datetime.timedelta(minutes=15)
_TIMESTAMP = "%Y%m%dT%H%M%SZ"
UNSIGNED_PAYLOADS = ("UNSIGNED-PAYLOAD", "STREAMING-UNSIGNED-PAYLOAD-TRAILER")


class _ReceivedRequestSigner(SigV4Auth):
    """botocore's SigV4 signer, told which headers the client signed."""

    def __init__(self, credentials: Credentials, service: str, region: str, signed: list[str]) -> None:
        super().__init__(credentials, service, region)
        self._signed = signed

    def headers_to_sign(self, request: AWSRequest) -> HTTPHeaders:
        chosen = HTTPHeaders()
        for name in self._signed:
            for value in request.headers.get_all(name) or []:
                chosen[name] = value
        return chosen


def parse_authorization(header: str) -> dict[str, str]:
    """The Credential, SignedHeaders and Signature parts of an Authorization header."""
    algorithm, _, rest = header.strip().partition(" ")
    if algorithm != ALGORITHM:
        raise errors.incomplete_signature(
            f"Unsupported authorization type: {algorithm or header!r}; dynasim verifies {ALGORITHM} only"
        )
    parts: dict[str, str] = {}
    for piece in rest.split(","):
        name, sep, value = piece.strip().partition("=")
        if sep:
            parts[name] = value
    missing = [
        f"Authorization header requires '{name}' parameter."
        for name in ("Credential", "Signature", "SignedHeaders")
        if not parts.get(name)
    ]
    if missing:
        raise errors.incomplete_signature(" ".join(missing) + f" Authorization={header}")
    return parts


class Verifier:
    """Verifies SigV4-signed requests against a table of access key id -> secret access key."""

    def __init__(self, keys: Mapping[str, str], clock=None) -> None:
        self.keys = dict(keys)
        self.clock = clock or (lambda: datetime.datetime.now(datetime.timezone.utc))

    def verify(self, method: str, target: str, headers: Mapping[str, str], body: bytes) -> str:
        """Raise DynamoDB's error unless the request is signed by a configured key; return the key id.

        `headers` maps lower-case header names to their values; `target` is the request target
        (path and query) as received.
        """
        authorization = headers.get("authorization")
        if not authorization:
            raise errors.missing_authentication_token()
        parts = parse_authorization(authorization)
        scope = parts["Credential"].split("/")
        if len(scope) != 5 or scope[4] != "aws4_request":
            raise errors.incomplete_signature(
                "Credential should be scoped to a valid region, not a malformed scope. "
                f"Credential={parts['Credential']}"
            )
        access_key, _, region, service, _ = scope
        secret = self.keys.get(access_key)
        if secret is None:
            raise errors.unrecognized_client()
        timestamp = headers.get("x-amz-date")
        if not timestamp:
            raise errors.incomplete_signature(
                "Authorization header requires existence of either a 'X-Amz-Date' or a 'Date' header. "
                f"Authorization={authorization}"
            )
        self._check_time(timestamp)
        declared = headers.get("x-amz-content-sha256")
        if declared and declared not in UNSIGNED_PAYLOADS and declared != hashlib.sha256(body).hexdigest():
            raise errors.invalid_signature(
                "The provided 'x-amz-content-sha256' header does not match what was computed."
            )
        signed = [name.strip().lower() for name in parts["SignedHeaders"].split(";") if name.strip()]
        request = AWSRequest(method=method, url=f"http://{headers.get('host', '')}{target}", data=body)
        for name in signed:
            if name in headers:
                request.headers[name] = headers[name]
        request.context["timestamp"] = timestamp
        signer = _ReceivedRequestSigner(Credentials(access_key, secret), service, region, signed)
        canonical = signer.canonical_request(request)
        expected = signer.signature(signer.string_to_sign(request, canonical), request)
        if not hmac.compare_digest(expected.encode(), parts["Signature"].encode("utf-8", "replace")):
            raise errors.invalid_signature()
        return access_key

    def _check_time(self, timestamp: str) -> None:
        try:
            signed_at = datetime.datetime.strptime(timestamp, _TIMESTAMP).replace(tzinfo=datetime.timezone.utc)
        except ValueError:
            raise errors.incomplete_signature(
                f"Date must be in ISO-8601 'basic format'. Got '{timestamp}'. See http://en.wikipedia.org/wiki/ISO_8601"
            ) from None
        now = self.clock()
        stamp = now.strftime(_TIMESTAMP)
        if signed_at < now - MAX_CLOCK_SKEW:
            limit = (now - MAX_CLOCK_SKEW).strftime(_TIMESTAMP)
            raise errors.invalid_signature(
                f"Signature expired: {timestamp} is now earlier than {limit} ({stamp} - 15 min.)"
            )
        if signed_at > now + MAX_CLOCK_SKEW:
            limit = (now + MAX_CLOCK_SKEW).strftime(_TIMESTAMP)
            raise errors.invalid_signature(
                f"Signature not yet current: {timestamp} is still later than {limit} ({stamp} + 15 min.)"
            )
