/**
 * docker-api-tls-only (mandatory): the Docker API is root on the host, so it is reached only
 * with mutual TLS, and no NSG lets the Internet reach the Docker API, RDP, WinRM or the swarm
 * ports (rules/policies/dockerApiTlsOnly.ts and exposedManagementPorts in rules/azure/network.ts).
 * A stack policy because the engine is not bound to call Analyze for provider resources; every
 * provider is in the stack.
 */
import { PolicyResource, StackValidationPolicy, UnknownValueError } from "@pulumi/policy";
import { dockerEndpointProblem, exposedManagementPorts, SecurityRuleFacts, UNKNOWN_UNTIL_DEPLOY } from "../rules";
import { exemptionFor, ExemptionConfig, exemptionSchema } from "./exceptions";
import { AZURE_NSG_TYPE, AZURE_SECURITY_RULE_TYPE, DOCKER_PROVIDER_TYPE } from "./types";

function problemsOf(r: PolicyResource): string[] {
    if (r.type === DOCKER_PROVIDER_TYPE) {
        const props = r.props as Record<string, unknown>;
        const fact = (key: string) => knownOrMarker(() => props[key]);
        const p = dockerEndpointProblem({
            host: fact("host"),
            caMaterial: fact("caMaterial"),
            certMaterial: fact("certMaterial"),
            keyMaterial: fact("keyMaterial"),
            certPath: fact("certPath"),
        });
        return p ? [p] : [];
    }
    if (r.type === AZURE_SECURITY_RULE_TYPE) return exposedManagementPorts(r.props as SecurityRuleFacts).map((e) => e.message);
    if (r.type === AZURE_NSG_TYPE) {
        const rules = (r.props.securityRules ?? []) as (SecurityRuleFacts & { name?: string })[];
        return rules.flatMap((rule) => exposedManagementPorts(rule).map((e) => `security rule '${rule.name ?? "(unnamed)"}': ${e.message}`));
    }
    return [];
}

/**
 * Reads one property; a value the preview cannot know (a generated certificate, an IP) becomes a
 * marker instead of aborting the whole stack policy for every other resource.
 */
function knownOrMarker(read: () => unknown): unknown {
    try {
        return read();
    } catch (e) {
        if (e instanceof UnknownValueError) return UNKNOWN_UNTIL_DEPLOY;
        throw e;
    }
}

const TYPES = [DOCKER_PROVIDER_TYPE, AZURE_NSG_TYPE, AZURE_SECURITY_RULE_TYPE];

export const dockerApiTlsOnly: StackValidationPolicy = {
    name: "docker-api-tls-only",
    description: "Docker endpoints on tcp use mutual TLS, and no NSG rule exposes 2375/2376/3389/5985/5986 or the swarm ports 2377/7946/4789 to the Internet.",
    enforcementLevel: "mandatory",
    configSchema: exemptionSchema(),
    validateStack: (args, report) => {
        const relevant = args.resources.filter((r) => TYPES.includes(r.type));
        if (relevant.length === 0) return args.notApplicable(`no resources of type ${TYPES.join(", ")}`);
        const config = args.getConfig<ExemptionConfig>();
        for (const r of relevant) {
            if (exemptionFor(config, r.name, r.urn)) continue;
            for (const p of problemsOf(r)) report(p, r.urn);
        }
    },
};
