"""Credentials and Resource Manager endpoints for Azure targets.

No credential is built or asked for a token until a scan sends its first
request, so :func:`credential_plan` can be tested without reaching a sign-in
endpoint.
"""

from __future__ import annotations

import os
import time
from dataclasses import dataclass, field
from typing import Any

from azure.core.credentials import AccessToken, TokenCredential
from azure.core.exceptions import ClientAuthenticationError

from scanner.adapters.azure.config import AzureTarget
from scanner.errors import InputError

# Resource Manager endpoint, token scope and sign-in authority of each national cloud,
# as azure.mgmt.core.tools.get_arm_endpoints and azure.identity.AzureAuthorityHosts give them.
CLOUDS: dict[str, dict[str, str]] = {
    "public": {
        "resource_manager": "https://management.azure.com/",
        "scope": "https://management.azure.com/.default",
        "authority": "login.microsoftonline.com",
    },
    "china": {
        "resource_manager": "https://management.chinacloudapi.cn/",
        "scope": "https://management.chinacloudapi.cn/.default",
        "authority": "login.chinacloudapi.cn",
    },
    "usgovernment": {
        "resource_manager": "https://management.usgovcloudapi.net/",
        "scope": "https://management.core.usgovcloudapi.net/.default",
        "authority": "login.microsoftonline.us",
    },
}

# A token read from the environment carries no expiry that the scanner can see,
# so it is reported as valid for this long and read again afterwards.
ACCESS_TOKEN_LIFETIME_SECONDS = 300


@dataclass(frozen=True)
class Endpoint:
    """Resource Manager endpoint of a target, with its token scope and sign-in authority."""

    resource_manager_url: str
    credential_scope: str
    authority: str


def endpoint(target: AzureTarget) -> Endpoint:
    """Return the Resource Manager endpoint of a target: its cloud's, or its custom URL."""
    cloud = CLOUDS[target.cloud]
    if target.resource_manager_url is None:
        return Endpoint(cloud["resource_manager"], cloud["scope"], cloud["authority"])
    scope = target.credential_scope or target.resource_manager_url.rstrip("/") + "/.default"
    return Endpoint(target.resource_manager_url, scope, cloud["authority"])


class EnvironmentAccessToken(TokenCredential):
    """A TokenCredential that returns the bearer token held in one environment variable.

    The variable is read on every call, so a token refreshed by the caller's
    tooling is picked up. The token is never logged, and ``repr`` names only
    the variable.
    """

    def __init__(self, variable: str) -> None:
        self.variable = variable

    def __repr__(self) -> str:
        return f"EnvironmentAccessToken(variable={self.variable!r})"

    def get_token(self, *scopes: str, **kwargs: Any) -> AccessToken:
        token = os.environ.get(self.variable, "").strip()
        if not token:
            raise ClientAuthenticationError(
                message=f"environment variable {self.variable} is not set or empty; export an ARM access token in it "
                "(for example from 'az account get-access-token --query accessToken -o tsv')"
            )
        return AccessToken(token, int(time.time()) + ACCESS_TOKEN_LIFETIME_SECONDS)


@dataclass(frozen=True)
class CredentialPlan:
    """Credential class name of a target, with the keyword arguments it is built with."""

    class_name: str
    kwargs: dict[str, Any] = field(default_factory=dict)


def credential_plan(target: AzureTarget) -> CredentialPlan:
    """Return the credential a target would build, without building it."""
    authority = endpoint(target).authority
    if target.auth == "access_token":
        return CredentialPlan("EnvironmentAccessToken", {"variable": target.access_token_env})
    if target.auth == "cli":
        return CredentialPlan("AzureCliCredential", {"tenant_id": target.tenant_id} if target.tenant_id else {})
    if target.auth == "environment":
        return CredentialPlan("EnvironmentCredential", {"authority": authority})
    if target.auth == "managed_identity":
        return CredentialPlan(
            "ManagedIdentityCredential",
            {"client_id": target.managed_identity_client_id} if target.managed_identity_client_id else {},
        )

    kwargs: dict[str, Any] = {"authority": authority}
    if target.managed_identity_client_id:
        kwargs["managed_identity_client_id"] = target.managed_identity_client_id
    if target.tenant_id:
        kwargs["additionally_allowed_tenants"] = [target.tenant_id]
    return CredentialPlan("DefaultAzureCredential", kwargs)


def build_credential(target: AzureTarget) -> TokenCredential:
    """Build the credential of a target. Raises InputError when a token variable is missing."""
    plan = credential_plan(target)
    if plan.class_name == "EnvironmentAccessToken":
        if not os.environ.get(target.access_token_env or ""):
            raise InputError(
                f"azure target {target.name}: environment variable {target.access_token_env} is not set. "
                "Export the access token in it before running the scan."
            )
        return EnvironmentAccessToken(**plan.kwargs)

    import azure.identity

    credential_class = getattr(azure.identity, plan.class_name)
    return credential_class(**plan.kwargs)
