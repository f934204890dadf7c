/**
 * docker-api-tls-only (mandatory): the Docker API is root on the host, so it is reached only
 * with mutual TLS, and no NSG lets the Internet reach the Docker API, RDP, WinRM or the swarm
 * ports (rules/policies/dockerApiTlsOnly.ts and exposedManagementPorts in rules/azure/network.ts).
 * A stack policy because the engine is not bound to call Analyze for provider resources; every
 * provider is in the stack.
 */
import { PolicyResource, StackValidationPolicy } from "@pulumi/policy";
import { CONTAINER_HOST_POOL_TYPE, CONTAINER_HOST_TYPE, DOCKER_PROVIDER_INPUTS, dockerEndpointProblems, exposedManagementPorts, factAt, SecurityRuleFacts } from "../rules";
import { exemptionFor, ExemptionConfig, exemptionSchema } from "./exceptions";
import { factsOf } from "./known";
import { AZURE_NSG_TYPE, AZURE_SECURITY_RULE_TYPE, DOCKER_PROVIDER_TYPE } from "./types";

/** Host components whose Docker provider takes its TLS material from a CA they generate (unknown at preview, never empty). */
const GENERATED_CA_HOSTS = [CONTAINER_HOST_TYPE, CONTAINER_HOST_POOL_TYPE];

function problemsOf(r: PolicyResource): string[] {
    if (r.type === DOCKER_PROVIDER_TYPE) {
        const props = factsOf(r.props);
        const materialFromGeneratedCa = r.parent !== undefined && GENERATED_CA_HOSTS.includes(r.parent.type) && r.name === `${r.parent.name}-docker`;
        const inputs = Object.fromEntries(Object.entries(DOCKER_PROVIDER_INPUTS).map(([key, path]) => [key, factAt(props, ...path)]));
        // pluginDownloadURL is the engine's record of the plugin source, not an input a program can ignoreChanges.
        return dockerEndpointProblems({ ...inputs, pluginDownloadURL: props.pluginDownloadURL, materialFromGeneratedCa });
    }
    if (r.type === AZURE_SECURITY_RULE_TYPE) return exposedManagementPorts(r.props as SecurityRuleFacts).map((e) => e.message);
    if (r.type === AZURE_NSG_TYPE) {
        const rules = (r.props.securityRules ?? []) as (SecurityRuleFacts & { name?: string })[];
        return rules.flatMap((rule) => exposedManagementPorts(rule).map((e) => `security rule '${rule.name ?? "(unnamed)"}': ${e.message}`));
    }
    return [];
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
