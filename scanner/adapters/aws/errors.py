"""Turn boto3 exceptions into an ErrorKind and a message that contains no secret."""

from __future__ import annotations

from botocore.exceptions import (
    ClientError,
    ConnectTimeoutError,
    EndpointConnectionError,
    NoCredentialsError,
    ReadTimeoutError,
)

from scanner.model.common import ErrorKind

_CODES: dict[str, ErrorKind] = {
    "AccessDenied": ErrorKind.DENIED,
    "AccessDeniedException": ErrorKind.DENIED,
    "UnauthorizedOperation": ErrorKind.DENIED,
    "AuthorizationError": ErrorKind.DENIED,
    "AWSOrganizationsNotInUseException": ErrorKind.UNSUPPORTED,
    "Throttling": ErrorKind.THROTTLED,
    "ThrottlingException": ErrorKind.THROTTLED,
    "TooManyRequestsException": ErrorKind.THROTTLED,
    "RequestLimitExceeded": ErrorKind.THROTTLED,
    "LimitExceededException": ErrorKind.THROTTLED,
    "ResourceNotFoundException": ErrorKind.NOT_FOUND,
    "NotFoundException": ErrorKind.NOT_FOUND,
    "NoSuchEntity": ErrorKind.NOT_FOUND,
    "UnrecognizedClientException": ErrorKind.AUTHENTICATION,
    "InvalidClientTokenId": ErrorKind.AUTHENTICATION,
    "AuthFailure": ErrorKind.AUTHENTICATION,
    "ExpiredToken": ErrorKind.AUTHENTICATION,
    "ExpiredTokenException": ErrorKind.AUTHENTICATION,
    "OptInRequired": ErrorKind.AUTHENTICATION,
    "RegionDisabledException": ErrorKind.AUTHENTICATION,
    "InvalidAction": ErrorKind.UNSUPPORTED,
    "UnknownOperationException": ErrorKind.UNSUPPORTED,
}

# Codes AWS returns in a region that is not enabled for the account.
REGION_DISABLED_CODES = frozenset(
    {"UnrecognizedClientException", "InvalidClientTokenId", "AuthFailure", "OptInRequired", "RegionDisabledException"}
)


def error_code(exc: BaseException) -> str | None:
    if isinstance(exc, ClientError):
        return exc.response.get("Error", {}).get("Code")
    return None


def classify(exc: BaseException) -> tuple[ErrorKind, str]:
    """Return the kind of a failed call and a one-line message (AWS error code and message)."""
    if isinstance(exc, ClientError):
        error = exc.response.get("Error", {})
        code = error.get("Code", "Unknown")
        operation = getattr(exc, "operation_name", "call")
        kind = _CODES.get(code, ErrorKind.ERROR)
        text = f"{operation}: {code}: {error.get('Message', '')}".rstrip(": ")
        if code in REGION_DISABLED_CODES:
            text += " (the region may not be enabled for this account)"
        return kind, text
    if isinstance(exc, (ConnectTimeoutError, ReadTimeoutError)):
        return ErrorKind.TIMEOUT, f"{type(exc).__name__}: {exc}"
    if isinstance(exc, EndpointConnectionError):
        return ErrorKind.UNREACHABLE, f"{type(exc).__name__}: {exc}"
    if isinstance(exc, NoCredentialsError):
        return ErrorKind.AUTHENTICATION, "no AWS credentials found in the standard chain (environment, profile, SSO, instance role)"
    return ErrorKind.ERROR, f"{type(exc).__name__}: {exc}"
