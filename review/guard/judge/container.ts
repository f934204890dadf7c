/**
 * `POST /containers/create`: the body's labels, isolation and host access, in the rules' inputs
 * (untrusted-no-host-access's own functions, as the policy calls them for a docker.Container).
 * Windows reads only `HostConfig`; Linux daemons also read host-config fields given at the top
 * level when `HostConfig` is absent (moby runconfig ContainerConfigWrapper), so both are judged.
 */
import type { Caller } from "../../../rules/guard/trustedIdentity";
import type { Trust } from "../../../rules/os/isolation";
import { hostAccessProblems } from "../../../rules/policies/untrustedNoHostAccess";
import { hostPrivilegeProblems } from "../../../rules/policies/untrustedHostPrivileges";
import type { GuardSettings } from "../settings";
import { field, Finding, findings, isObject, shapeProblem, UNTRUSTED_NO_HOST_ACCESS } from "./finding";
import { judgeIsolation, judgeTrust, labelShapeProblems } from "./workload";

/**
 * The source of a `Binds` entry (`source:target[:mode]`), the part Docker may read as a host path
 * or pipe; a drive letter (`C:\x:C:\y`) belongs to it. The rule judges whether it names a volume.
 */
export function bindSource(bind: string): string {
    const drive = /^[a-zA-Z]:[\\/]/.test(bind) ? 2 : 0;
    const colon = bind.indexOf(":", drive);
    return colon < 0 ? bind : bind.slice(0, colon);
}

/** API mounts (`{Type, Source}`) in the rule's shape (`{type, source}`); other entries as they are. */
export function ruleMounts(mounts: unknown): unknown {
    if (!Array.isArray(mounts)) return mounts;
    return mounts.map((m) => (isObject(m) ? { type: field(m, "Type"), source: field(m, "Source") } : m));
}

/**
 * `VolumesFrom` one fact per entry, as the policy judges each docker.Container `volumes[i].fromContainer`
 * (the provider sends each as one `VolumesFrom` entry); a value that is no list stays one fact.
 */
export function volumesFromFacts(volumesFrom: unknown, name: string): { field: string; value: unknown }[] {
    if (!Array.isArray(volumesFrom)) return [{ field: name, value: volumesFrom }];
    return volumesFrom.map((value, i) => ({ field: `${name}[${i}]`, value }));
}

/** Host access and privileges of one host config (fields named with `prefix`). */
function hostFindings(trust: Trust, hc: unknown, prefix: string): Finding[] {
    if (!isObject(hc)) return [];
    const at = (name: string) => ({ field: `${prefix}${name}`, value: field(hc, name) });
    const binds = field(hc, "Binds");
    const devices = field(hc, "Devices");
    const access = hostAccessProblems(trust, {
        mounts: { field: `${prefix}Mounts`, value: ruleMounts(field(hc, "Mounts")) },
        volumes: { field: `${prefix}Binds`, value: Array.isArray(binds) ? binds.map((b) => (typeof b === "string" ? { volumeName: bindSource(b) } : b)) : binds },
        devices: { field: `${prefix}Devices`, value: Array.isArray(devices) ? devices.map((d) => (isObject(d) ? { hostPath: field(d, "PathOnHost") } : d)) : devices },
        // `credentialspec=` here is a gMSA credential spec (docker run --security-opt).
        securityOpts: at("SecurityOpt"),
    });
    const privileges = hostPrivilegeProblems(trust, {
        privileged: at("Privileged"),
        capAdd: at("CapAdd"),
        namespaceModes: ["NetworkMode", "PidMode", "IpcMode", "UTSMode", "UsernsMode", "CgroupnsMode"].map(at),
        volumesFrom: volumesFromFacts(field(hc, "VolumesFrom"), `${prefix}VolumesFrom`),
    });
    return findings(UNTRUSTED_NO_HOST_ACCESS, [...access, ...privileges]);
}

export function judgeContainerCreate(body: unknown, caller: Caller, settings: GuardSettings): Finding[] {
    const hc = field(body, "HostConfig");
    const shape = [...shapeProblem(body, "the body"), ...shapeProblem(hc, "HostConfig"), ...labelShapeProblems([["Labels", field(body, "Labels")]])];
    if (shape.length > 0) return shape;
    const { trust, invalidLabel, findings: out } = judgeTrust(caller, settings, [field(body, "Labels")]);
    const isolation = isObject(hc) ? { name: "HostConfig.Isolation", value: field(hc, "Isolation") } : { name: "Isolation", value: field(body, "Isolation") };
    if (!invalidLabel) out.push(...judgeIsolation(trust, isolation.value, isolation.name, settings));
    out.push(...hostFindings(trust, hc, "HostConfig."), ...hostFindings(trust, body, ""));
    return out;
}
