/**
 * untrusted-requires-hyperv for Kubernetes workloads: resources of another provider that run
 * containers, judged instead of passed unseen.
 *
 * Kubernetes offers no Hyper-V isolation for Windows pods: the kubelet runs Windows containers
 * process-isolated (Kubernetes docs, "Windows containers in Kubernetes": "Hyper-V isolation ...
 * is not supported"; containerd's runhcs-wcow-hypervisor runtime class is experimental and
 * nothing in a pod spec proves a node has it). So the rule is: an untrusted or unlabelled pod is
 * a violation unless its nodeSelector pins it to Linux nodes (`kubernetes.io/os: linux`), where
 * it is no Windows container; a pod labelled `windows-isolation.trust: trusted` in the labels
 * the pod itself gets may run anywhere. Only nodeSelector is read: affinity, taints and
 * admission webhooks are not, so a pod that only they keep off Windows is a violation.
 */
import { TRUST_LABEL } from "../os/labels";
import { judgedTrust, trustFromBuildLabels } from "./labelTrust";
import { factAt, UNKNOWN_UNTIL_DEPLOY } from "./unknownValues";

/** Kubernetes kinds that run pods, by the path from the resource's inputs to its pod template. */
const POD_TEMPLATE_PATHS: Readonly<Record<string, readonly string[]>> = {
    Pod: [],
    Deployment: ["spec", "template"],
    StatefulSet: ["spec", "template"],
    DaemonSet: ["spec", "template"],
    ReplicaSet: ["spec", "template"],
    ReplicationController: ["spec", "template"],
    Job: ["spec", "template"],
    CronJob: ["spec", "jobTemplate", "spec", "template"],
};

/** Kubernetes resources whose pods the provider creates out of sight: a Helm release renders and installs its chart itself. */
const OPAQUE_TYPES: Readonly<Record<string, string>> = {
    "kubernetes:helm.sh/v3:Release": "a Helm Release, whose chart's workloads the provider renders and installs itself",
};

/**
 * `kubernetes:apps/v1:Deployment` -> "Deployment" when the type runs pods (any API version, also
 * the *Patch kinds, which change live pods' labels and selectors); "DeploymentList" for a list of
 * them; undefined for other types.
 */
export function kubernetesWorkloadKind(type: string): string | undefined {
    if (OPAQUE_TYPES[type]) return type;
    const m = /^kubernetes:[a-z0-9.]+\/v[0-9a-z]+:([A-Za-z]+?)(Patch|List)?$/.exec(type);
    if (!m || POD_TEMPLATE_PATHS[m[1]] === undefined) return undefined;
    return m[2] === "List" ? `${m[1]}List` : m[1];
}

/** The inputs the rule reads (the pod's labels and nodeSelector), as paths: the judged-input list (judgedInputs.ts) names them. */
export function kubernetesJudgedPaths(kind: string): string[][] {
    const template = POD_TEMPLATE_PATHS[kind];
    if (template === undefined) return [];
    return [
        [...template, "metadata", "labels"],
        [...template, "spec", "nodeSelector"],
    ];
}

/** The field path of the pod template, as users write it (`spec.template`, or the Pod itself). */
function templateField(kind: string): string {
    const path = POD_TEMPLATE_PATHS[kind];
    return path.length === 0 ? "" : `${path.join(".")}.`;
}

/**
 * untrusted-requires-hyperv for one Kubernetes workload (its marked inputs): every finding.
 * `kind` is from kubernetesWorkloadKind.
 */
export function kubernetesWorkloadProblems(kind: string, inputs: unknown): string[] {
    if (OPAQUE_TYPES[kind]) {
        return [`${OPAQUE_TYPES[kind]}: none of its pods reach the plan or the policy pack, so none can be shown to be trusted or kept off Windows nodes; declare the workloads as resources of their own (or render the chart in the program)`];
    }
    if (POD_TEMPLATE_PATHS[kind] === undefined) {
        return [`a Kubernetes ${kind} holds workloads as list items, which the rule does not read one by one; declare each workload as a resource of its own`];
    }
    const [labels, nodeSelector] = kubernetesJudgedPaths(kind);
    const at = templateField(kind);
    const trust = judgedTrust(trustFromBuildLabels(factAt(inputs, ...labels)));
    if (trust === "trusted") return [];
    const os = factAt(inputs, ...nodeSelector, "kubernetes.io/os");
    if (os === "linux") return [];
    const where =
        os === UNKNOWN_UNTIL_DEPLOY
            ? `its ${at}spec.nodeSelector["kubernetes.io/os"] is not known until deploy, so it may land on a Windows node`
            : os === undefined
              ? `nothing in its ${at}spec.nodeSelector keeps it off Windows nodes`
              : `its ${at}spec.nodeSelector["kubernetes.io/os"] is '${String(os)}'`;
    return [
        `a Kubernetes ${kind} whose pods are not labelled ${TRUST_LABEL}=trusted (${at}metadata.labels) runs untrusted code, and ${where}, where Kubernetes runs Windows containers process-isolated (it offers no Hyper-V isolation for pods); pin it to Linux nodes with ${at}spec.nodeSelector["kubernetes.io/os"]: linux, run the workload as a WindowsContainer, or label its pods trusted only if they really are`,
    ];
}
