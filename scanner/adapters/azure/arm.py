"""The HTTP pipeline shared by every Azure client the adapter builds.

Each client gets the same policies: a read-only guard, first in the list,
that rejects any request other than GET before a token is fetched or a byte
is sent, retries with explicit
bounds that honour Retry-After up to a cap, bearer-token authentication for
the target's scope, and no automatic resource-provider registration (the
SDK's default pipeline registers a provider with a POST when ARM returns 409
MissingSubscriptionRegistration).
"""

from __future__ import annotations

import logging
from collections.abc import Iterator
from typing import Any
from urllib.parse import parse_qsl, urlencode, urlsplit, urlunsplit

from azure.core.credentials import TokenCredential
from azure.core.exceptions import AzureError, HttpResponseError
from azure.core.pipeline import PipelineRequest
from azure.core.pipeline.policies import (
    ContentDecodePolicy,
    CustomHookPolicy,
    DistributedTracingPolicy,
    HeadersPolicy,
    ProxyPolicy,
    RedirectPolicy,
    RequestIdPolicy,
    RetryPolicy,
    SansIOHTTPPolicy,
    SensitiveHeaderCleanupPolicy,
    UserAgentPolicy,
)
from azure.core.rest import HttpRequest
from azure.mgmt.core import ARMPipelineClient
from azure.mgmt.core.exceptions import ARMErrorFormat
from azure.mgmt.core.policies import ARMChallengeAuthenticationPolicy, ARMHttpLoggingPolicy
from azure.mgmt.eventhub import EventHubManagementClient
from azure.mgmt.keyvault import KeyVaultManagementClient

from scanner import __version__
from scanner.adapters.azure.config import AzureTarget
from scanner.adapters.azure.credentials import Endpoint, endpoint

log = logging.getLogger(__name__)

# API versions of the calls that the adapter sends itself; the SDK clients use their own defaults
# (azure-mgmt-eventhub 12.0.0: 2026-01-01, azure-mgmt-keyvault 14.1.0: 2026-05-15).
SUBSCRIPTIONS_API_VERSION = "2022-12-01"
DIAGNOSTIC_SETTINGS_API_VERSION = "2021-05-01-preview"

READ_METHODS = frozenset({"GET"})


class WriteRequestBlocked(AzureError):
    """A request other than a read was about to be sent; the adapter never sends one."""


class ReadOnlyPolicy(SansIOHTTPPolicy):
    """Raise WriteRequestBlocked for any request whose method is not GET."""

    def on_request(self, request: PipelineRequest) -> None:
        method = request.http_request.method.upper()
        if method not in READ_METHODS:
            raise WriteRequestBlocked(f"streamaudit sends reads only: rejected {method} {request.http_request.url.split('?')[0]}")


class BoundedRetryPolicy(RetryPolicy):
    """A RetryPolicy whose wait for a Retry-After header is capped at `max_retry_after` seconds."""

    def __init__(self, max_retry_after: float, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.max_retry_after = max_retry_after

    def get_retry_after(self, response) -> float | None:
        retry_after = super().get_retry_after(response)
        if retry_after is None:
            return None
        if retry_after > self.max_retry_after:
            log.info("Retry-After of %.0f s capped at %.0f s", retry_after, self.max_retry_after)
        return min(retry_after, self.max_retry_after)


def pipeline_policies(target: AzureTarget, credential: TokenCredential, scope: str) -> list:
    """Return the policy list of every client of one target (see the module docstring)."""
    return [
        ReadOnlyPolicy(),
        RequestIdPolicy(),
        HeadersPolicy(),
        UserAgentPolicy(sdk_moniker=f"streamaudit/{__version__}"),
        ProxyPolicy(),
        ContentDecodePolicy(),
        RedirectPolicy(),
        BoundedRetryPolicy(
            max_retry_after=target.max_retry_after_seconds,
            retry_total=target.max_retries,
            retry_connect=target.max_retries,
            retry_read=target.max_retries,
            retry_status=target.max_retries,
            retry_backoff_factor=target.retry_backoff_seconds,
            retry_backoff_max=max(target.retry_backoff_seconds, target.max_retry_after_seconds),
            timeout=target.timeout_seconds * (target.max_retries + 1) + target.max_retry_after_seconds * target.max_retries,
        ),
        ARMChallengeAuthenticationPolicy(credential, scope),
        CustomHookPolicy(),
        DistributedTracingPolicy(),
        SensitiveHeaderCleanupPolicy(),
        ARMHttpLoggingPolicy(),
    ]


class ArmSession:
    """Builds the Resource Manager clients of one target, all on the same policies and transport settings."""

    def __init__(self, target: AzureTarget, credential: TokenCredential) -> None:
        self.target = target
        self.endpoint: Endpoint = endpoint(target)
        self._credential = credential
        self._client_kwargs: dict[str, Any] = {
            "connection_timeout": target.timeout_seconds,
            "read_timeout": target.timeout_seconds,
        }
        if target.ca_bundle is not None:
            self._client_kwargs["connection_verify"] = str(target.ca_bundle)

    def _policies(self) -> list:
        return pipeline_policies(self.target, self._credential, self.endpoint.credential_scope)

    def raw(self) -> ARMPipelineClient:
        """Return a plain ARM client for calls that no SDK package wraps (subscriptions, diagnostic settings)."""
        return ARMPipelineClient(base_url=self.endpoint.resource_manager_url, policies=self._policies(), **self._client_kwargs)

    def eventhub(self, subscription_id: str) -> EventHubManagementClient:
        return EventHubManagementClient(
            self._credential,
            subscription_id,
            base_url=self.endpoint.resource_manager_url,
            credential_scopes=[self.endpoint.credential_scope],
            policies=self._policies(),
            **self._client_kwargs,
        )

    def keyvault(self, subscription_id: str) -> KeyVaultManagementClient:
        return KeyVaultManagementClient(
            self._credential,
            subscription_id,
            base_url=self.endpoint.resource_manager_url,
            credential_scopes=[self.endpoint.credential_scope],
            policies=self._policies(),
            **self._client_kwargs,
        )


def get_paged(client: ARMPipelineClient, path: str, api_version: str) -> Iterator[dict]:
    """Yield the ``value`` items of an ARM list call, following ``nextLink`` until it is absent.

    Each ``nextLink`` is sent with `api_version`, as the SDK's own list
    operations do. Raises HttpResponseError with ARM's error code and message
    on a non-200 response.
    """
    url: str | None = f"{path}?{urlencode({'api-version': api_version})}"
    while url:
        response = client.send_request(HttpRequest("GET", client.format_url(url)))
        if response.status_code != 200:
            raise HttpResponseError(response=response, error_format=ARMErrorFormat)
        body = response.json() or {}
        yield from body.get("value") or []
        url = _with_api_version(body["nextLink"], api_version) if body.get("nextLink") else None


def _with_api_version(link: str, api_version: str) -> str:
    parts = urlsplit(link)
    query = [(name, value) for name, value in parse_qsl(parts.query, keep_blank_values=True) if name != "api-version"]
    query.append(("api-version", api_version))
    return urlunsplit(parts._replace(query=urlencode(query)))
