/**
 * `POST /services/create` and `POST /services/{id}/update`: the service spec's task template, read
 * as the policies read a docker.Service (container-spec labels + service labels for trust,
 * `ContainerSpec.Isolation`, `ContainerSpec.Mounts`, `Privileges.CredentialSpec`, `EndpointSpec.Ports`,
 * `CapabilityAdd`, `TaskTemplate.Networks`), through untrusted-no-host-access's own functions. Containers the swarm executor later starts
 * for the service never pass the API, so this is where a manager's guard judges them.
 */
import type { Caller } from "../../../rules/guard/trustedIdentity";
import { hostAccessProblems } from "../../../rules/policies/untrustedNoHostAccess";
import { hostPrivilegeProblems } from "../../../rules/policies/untrustedHostPrivileges";
import type { GuardSettings } from "../settings";
import { ruleMounts } from "./container";
import { field, Finding, findings, isObject, NOT_ALLOWED_HERE, shapeProblem, UNREADABLE_REQUEST, UNTRUSTED_NO_HOST_ACCESS } from "./finding";
import { judgeIsolation, judgeTrust, labelShapeProblems } from "./workload";

const P = "TaskTemplate.ContainerSpec";

/** `Privileges.CredentialSpec` (`{Config, File, Registry}`) in the rule's shape; other values as they are. */
export function ruleCredentialSpec(spec: unknown): unknown {
    return isObject(spec) ? { config: field(spec, "Config"), file: field(spec, "File"), registry: field(spec, "Registry") } : spec;
}

/** `EndpointSpec.Ports` (`{PublishMode}`) in the rule's shape (`{publishMode}`); other entries as they are. */
export function rulePorts(ports: unknown): unknown {
    return Array.isArray(ports) ? ports.map((p) => (isObject(p) ? { publishMode: field(p, "PublishMode") } : p)) : ports;
}

export function judgeServiceSpec(body: unknown, caller: Caller, settings: GuardSettings): Finding[] {
    const task = field(body, "TaskTemplate");
    const spec = field(task, "ContainerSpec");
    const shape = [...shapeProblem(body, "the body"), ...shapeProblem(task, "TaskTemplate"), ...shapeProblem(spec, P)];
    if (shape.length > 0) return shape;
    // A plugin task installs a managed plugin (a privileged container) on every node.
    if (field(task, "PluginSpec") !== undefined || (typeof field(task, "Runtime") === "string" && String(field(task, "Runtime")).toLowerCase() === "plugin")) {
        if (!settings.allowPluginInstall) return [{ rule: NOT_ALLOWED_HERE, message: "a plugin service (TaskTemplate.PluginSpec / Runtime 'plugin') installs a managed plugin, which runs privileged, on every node; this guard's settings do not allow plugin installs (allowPluginInstall)" }];
        return [];
    }
    if (!isObject(spec)) return [{ rule: UNREADABLE_REQUEST, message: `the service has no ${P}, so the guard cannot see what it will run; send a ${P}` }];
    const labels = labelShapeProblems([[`${P}.Labels`, field(spec, "Labels")], ["Labels", field(body, "Labels")]]);
    if (labels.length > 0) return labels;
    const { trust, invalidLabel, findings: out } = judgeTrust(caller, settings, [field(spec, "Labels"), field(body, "Labels")]);
    if (!invalidLabel) out.push(...judgeIsolation(trust, field(spec, "Isolation"), `${P}.Isolation`, settings));
    const networks = field(task, "Networks");
    const access = hostAccessProblems(trust, {
        mounts: { field: `${P}.Mounts`, value: ruleMounts(field(spec, "Mounts")) },
        credentialSpec: { field: `${P}.Privileges.CredentialSpec`, value: ruleCredentialSpec(field(field(spec, "Privileges"), "CredentialSpec")) },
        publishedPorts: { field: "EndpointSpec.Ports", value: rulePorts(field(field(body, "EndpointSpec"), "Ports")) },
    });
    const privileges = hostPrivilegeProblems(trust, {
        capAdd: { field: `${P}.CapabilityAdd`, value: field(spec, "CapabilityAdd") },
        namespaceModes: Array.isArray(networks) ? networks.map((n, i) => ({ field: `TaskTemplate.Networks[${i}].Target`, value: field(n, "Target") })) : [],
    });
    out.push(...findings(UNTRUSTED_NO_HOST_ACCESS, [...access, ...privileges]));
    return out;
}
