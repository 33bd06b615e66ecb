"""Checking the AWS Signature Version 4 of a received request against configured keys.

The expected signature is computed by botocore's own signer (`botocore.auth.SigV4Auth`) over the
request as it was received, restricted to the headers the client says it signed, with the time,
region and service taken from the request once they are checked. Nothing of the algorithm is
written out here.
"""

from __future__ import annotations

import datetime
import email.utils
import hashlib
import hmac
from collections.abc import Callable, Collection, Mapping

from botocore.auth import SigV4Auth
from botocore.awsrequest import AWSRequest
from botocore.compat import HTTPHeaders
from botocore.credentials import Credentials

from dynasim import errors
from dynasim.engine.model import signing_names

ALGORITHM = "AWS4-HMAC-SHA256"
MAX_CLOCK_SKEW = datetime.timedelta(minutes=15)
_TIMESTAMP = "%Y%m%dT%H%M%SZ"


def _basic_format(http_date: str) -> str:
    """An HTTP Date header's time in ISO 8601 basic format; the header as it was if it is no HTTP date."""
    try:
        moment = email.utils.parsedate_to_datetime(http_date)
    except (TypeError, ValueError):
        return http_date  # refused by the format check, in the service's words
    if moment.tzinfo is None:  # "-0000": UTC, with no claim about the local zone
        moment = moment.replace(tzinfo=datetime.timezone.utc)
    try:
        return moment.astimezone(datetime.timezone.utc).strftime(_TIMESTAMP)
    except (TypeError, ValueError, OverflowError):
        return http_date  # refused by the format check, in the service's words


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
    """The Credential, SignedHeaders and Signature parts of an Authorization header (any may be missing)."""
    _, _, rest = header.strip().partition(" ")
    parts: dict[str, str] = {}
    for piece in rest.split(","):
        name, sep, value = piece.strip().partition("=")
        if sep:
            parts[name] = value
    return parts


class Verifier:
    """Verifies SigV4-signed requests against a table of access key id -> secret access key, as
    DynamoDB does: the same checks in the same order, with the service's errors.

    Beyond what the service is recorded to check, `X-Amz-Date` and (on DynamoDB requests)
    `X-Amz-Target` must be signed: the target picks the operation, so an unsigned one could be
    changed. The payload is always signed: a declared `X-Amz-Content-SHA256` (`UNSIGNED-PAYLOAD`
    among them) that is not the body's hash fails as a wrong signature.
    """

    def __init__(
        self,
        keys: Mapping[str, str],
        region: str = "us-east-1",
        clock=None,
        held: Callable[[], Collection[str]] | None = None,
    ) -> None:
        self.keys = dict(keys)
        # An endpoint of DynamoDB answers for one region; the simulator's, for every region it holds.
        self.region = region
        self.held = held
        self.clock = clock or (lambda: datetime.datetime.now(datetime.timezone.utc))

    def verify(self, method: str, target: str, headers: Mapping[str, str], body: bytes) -> str:
        """Raise DynamoDB's error unless the request is signed by a configured key; return the key id.

        `headers` maps lower-case header names to their values; `target` is the request target
        (path and query) as received.
        """
        authorization = headers.get("authorization")
        if not authorization or not authorization.strip().startswith("AWS4-"):
            raise errors.missing_authentication_token()
        parts = parse_authorization(authorization)
        # The time signed: X-Amz-Date's, else the Date header's (signers turn it to ISO 8601 basic format)
        date_header = "x-amz-date" if headers.get("x-amz-date") else "date"
        given = headers.get(date_header)
        missing = [name for name in ("Credential", "Signature", "SignedHeaders") if not parts.get(name)]
        if missing or not given:
            raise errors.incomplete_authorization(missing, not given, authorization)
        timestamp = given if date_header == "x-amz-date" else _basic_format(given)
        self._check_time(timestamp)
        signed = [name.strip().lower() for name in parts["SignedHeaders"].split(";") if name.strip()]
        if "host" not in signed:
            raise errors.header_not_signed("Host")
        algorithm = authorization.strip().partition(" ")[0]
        if algorithm != ALGORITHM:
            raise errors.unsupported_signature_algorithm(algorithm)
        access_key, region, service = self._check_scope(parts["Credential"], timestamp)
        secret = self.keys.get(access_key)
        if secret is None:
            raise errors.unrecognized_client()
        _check_signed_headers(headers, signed, date_header, body)
        scope = (Credentials(access_key, secret), service, region)
        expected = _expected_signature(method, target, headers, body, signed, timestamp, scope)
        if not hmac.compare_digest(expected.encode(), parts["Signature"].encode("utf-8", "replace")):
            raise errors.invalid_signature()
        return access_key

    def _check_scope(self, credential: str, timestamp: str) -> tuple[str, str, str]:
        """(access key, region, service) of a credential whose scope names this endpoint's region,
        a DynamoDB signing name and the request's date; else the service's error, every problem in it."""
        credential = credential.rstrip("/")
        scope = credential.split("/")
        if len(scope) != 5:
            raise errors.credential_elements(credential)
        access_key, date, region, service, terminator = scope
        problems = []
        if region != self.region and (self.held is None or region not in self.held()):
            problems.append(errors.scope_region(region))
        if service not in signing_names():
            problems.append(errors.scope_service(min(signing_names())))
        if terminator != "aws4_request":
            problems.append(errors.scope_terminator(terminator))
        if date != timestamp[:8]:
            problems.append(errors.scope_date(date, timestamp))
        if problems:
            raise errors.credential_scope(problems)
        return access_key, region, service

    def _check_time(self, timestamp: str) -> None:
        try:
            signed_at = datetime.datetime.strptime(timestamp, _TIMESTAMP).replace(tzinfo=datetime.timezone.utc)
        except ValueError:
            raise errors.signature_date_format(timestamp) from None
        now = self.clock()
        stamp = now.strftime(_TIMESTAMP)
        if signed_at < now - MAX_CLOCK_SKEW:
            raise errors.signature_expired(timestamp, (now - MAX_CLOCK_SKEW).strftime(_TIMESTAMP), stamp)
        if signed_at > now + MAX_CLOCK_SKEW:
            raise errors.signature_not_yet_current(timestamp, (now + MAX_CLOCK_SKEW).strftime(_TIMESTAMP), stamp)


def _check_signed_headers(headers: Mapping[str, str], signed: list[str], date_header: str, body: bytes) -> None:
    """The date and X-Amz-Target must be signed when sent, and a declared payload hash must be the body's."""
    for header, name in ((date_header, date_header.title()), ("x-amz-target", "X-Amz-Target")):
        if header in headers and header not in signed:
            raise errors.header_not_signed(name)
    declared = headers.get("x-amz-content-sha256")
    if declared is not None and declared != hashlib.sha256(body).hexdigest():
        raise errors.invalid_signature()  # the service signs the body it received, whatever was declared


def _expected_signature(
    method: str,
    target: str,
    headers: Mapping[str, str],
    body: bytes,
    signed: list[str],
    timestamp: str,
    scope: tuple[Credentials, str, str],
) -> str:
    """The signature botocore's signer gives the request as received, with these signed headers."""
    # The signed Host is the Host header's (as headers_to_sign picks it), never the URL's: the URL
    # only carries the path and query.
    url = f"http://dynasim{target}" if target.startswith("/") else target
    credentials, service, region = scope
    try:
        request = AWSRequest(method=method, url=url, data=body)
        for name in signed:
            if name in headers:
                request.headers[name] = headers[name]
        request.context["timestamp"] = timestamp
        signer = _ReceivedRequestSigner(credentials, service, region, signed)
        canonical = signer.canonical_request(request)
        return str(signer.signature(signer.string_to_sign(request, canonical), request))
    except ValueError:  # a target botocore cannot parse: no client could have signed it
        raise errors.invalid_signature() from None
