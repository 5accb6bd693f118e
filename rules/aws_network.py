"""AWS rules on private network access to Kinesis: interface VPC endpoints and their policies."""

from __future__ import annotations

from collections.abc import Iterator

from rules._aws import regions_with
from rules.base import Outcome, Param, Params, failed, not_assessed, passed, rule
from scanner.findings import Severity
from scanner.model.aws import AwsAccount, PolicyStatement, Vpc, VpcEndpoint

PRINCIPLE = "Kinesis §3.5 Security and IAM: restrict network access via VPC endpoints"
ENDPOINT_DOC = "https://docs.aws.amazon.com/streams/latest/dev/vpc.html"
STREAMS_SERVICE = "kinesis-streams"
VPC_SCOPES = ("all", "non_default")


def _in_scope(vpc: Vpc, scope: str) -> bool:
    if scope == "all":
        return True
    if scope == "non_default":
        return not vpc.is_default
    return vpc.id in {item.strip() for item in scope.split(",")}


@rule(
    id="KIN-NET-001",
    title="Each VPC in scope has a kinesis-streams interface endpoint with private DNS",
    severity=Severity.MEDIUM,
    provider="aws",
    resource_type="aws.ec2.vpc",
    principle=PRINCIPLE,
    rationale="Without an interface endpoint with private DNS, Kinesis traffic from the VPC leaves through a NAT or internet gateway.",
    remediation="Create an interface VPC endpoint for com.amazonaws.<region>.kinesis-streams in the VPC with private DNS enabled.",
    references=[ENDPOINT_DOC],
    tags=["network"],
    params={"vpc_scope": Param("all", "VPCs that need the endpoint: all, non_default, or a comma-separated list of VPC ids.")},
)
def streams_endpoint(account: AwsAccount, params: Params) -> Iterator[Outcome]:
    scope = params["vpc_scope"]
    if not scope.strip():
        raise ValueError(f"vpc_scope is {scope!r}; use one of {', '.join(VPC_SCOPES)} or VPC ids separated by commas")

    for region, missing in regions_with(account, "vpcs"):
        if missing is not None:
            yield missing
            continue
        endpoints: dict[str, list[VpcEndpoint]] = {}
        for endpoint in region.vpc_endpoints or []:
            if endpoint.service == STREAMS_SERVICE:
                endpoints.setdefault(endpoint.vpc_id, []).append(endpoint)

        for vpc in region.vpcs or []:
            if not _in_scope(vpc, scope):
                continue
            resource = account.resource_id(region.name, "vpc", vpc.id)
            if region.vpc_endpoints is None:
                yield not_assessed(resource, f"VPC endpoints of region {region.name} were not collected: {region.errors.get('vpc_endpoints', 'not collected')}")
                continue
            found = endpoints.get(vpc.id, [])
            usable = [endpoint.id for endpoint in found if endpoint.private_dns_enabled and endpoint.state in (None, "available", "Available")]
            evidence = {"endpoints": sorted(endpoint.id for endpoint in found), "is_default": vpc.is_default}
            if usable:
                yield passed(resource, f"VPC {vpc.id} reaches Kinesis through endpoint {', '.join(sorted(usable))} with private DNS.", **evidence)
            elif found:
                yield failed(resource, f"VPC {vpc.id} has a kinesis-streams endpoint, but none is available with private DNS.", **evidence)
            else:
                yield failed(resource, f"VPC {vpc.id} has no kinesis-streams interface endpoint.", **evidence)


def _full_access(statement: PolicyStatement) -> bool:
    return (
        statement.allows
        and statement.public_principal
        and not statement.conditions
        and any(action in ("*", "kinesis:*") for action in statement.actions)
        and "*" in statement.resources
    )


@rule(
    id="KIN-NET-002",
    title="kinesis-streams endpoint policy is narrower than full access",
    severity=Severity.LOW,
    provider="aws",
    resource_type="aws.ec2.vpc-endpoint",
    principle=PRINCIPLE,
    rationale="The default endpoint policy lets anything in the VPC reach any stream of any account through the endpoint, including streams outside the organization.",
    remediation="Attach an endpoint policy that allows only the needed Kinesis actions on the organization's stream ARNs.",
    references=["https://docs.aws.amazon.com/vpc/latest/privatelink/vpc-endpoints-access.html"],
    tags=["network"],
)
def endpoint_policy(account: AwsAccount, params: Params) -> Iterator[Outcome]:
    for region, missing in regions_with(account, "vpc_endpoints"):
        if missing is not None:
            yield missing
            continue
        for endpoint in region.vpc_endpoints or []:
            if endpoint.service != STREAMS_SERVICE:
                continue
            resource = account.resource_id(region.name, "vpc-endpoint", endpoint.id)
            statements = endpoint.policy_statements
            if statements is None or any(_full_access(statement) for statement in statements):
                yield failed(resource, f"Endpoint {endpoint.id} allows full access (the default policy or an equivalent).", vpc=endpoint.vpc_id)
            else:
                yield passed(resource, f"Endpoint {endpoint.id} has a policy narrower than full access.", vpc=endpoint.vpc_id)
