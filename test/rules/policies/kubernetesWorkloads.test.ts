import { kubernetesWorkloadKind, kubernetesWorkloadProblems } from "../../../rules/policies/kubernetesWorkloads";
import { UNKNOWN_UNTIL_DEPLOY } from "../../../rules/policies/unknownValues";

const trusted = { "windows-isolation.trust": "trusted" };
const pod = (labels: Record<string, unknown> | undefined, nodeSelector?: Record<string, unknown>) => ({ metadata: { labels }, spec: { containers: [{ name: "c", image: "app:1" }], nodeSelector } });

describe("kubernetesWorkloadKind: the types that run pods, any API version", () => {
    test.each([
        ["kubernetes:core/v1:Pod", "Pod"],
        ["kubernetes:apps/v1:Deployment", "Deployment"],
        ["kubernetes:apps/v1beta1:StatefulSet", "StatefulSet"],
        ["kubernetes:apps/v1:DaemonSet", "DaemonSet"],
        ["kubernetes:apps/v1:ReplicaSet", "ReplicaSet"],
        ["kubernetes:core/v1:ReplicationController", "ReplicationController"],
        ["kubernetes:batch/v1:Job", "Job"],
        ["kubernetes:batch/v1beta1:CronJob", "CronJob"],
        ["kubernetes:apps/v1:DeploymentPatch", "Deployment"],
        ["kubernetes:core/v1:PodList", "PodList"],
        ["kubernetes:helm.sh/v3:Release", "kubernetes:helm.sh/v3:Release"],
        ["kubernetes:core/v1:ConfigMap", undefined],
        ["kubernetes:core/v1:PodTemplate", undefined],
        ["docker:index/service:Service", undefined],
    ])("%s", (type, kind) => expect(kubernetesWorkloadKind(type)).toBe(kind));
});

describe("kubernetesWorkloadProblems: an untrusted or unlabelled pod that may land on Windows is a violation", () => {
    const deployment = (template: unknown) => ({ metadata: { labels: trusted }, spec: { template } });
    test.each<[string, string, unknown, RegExp | undefined]>([
        ["an unlabelled Pod", "Pod", pod(undefined), /^a Kubernetes Pod whose pods are not labelled windows-isolation.trust=trusted \(metadata.labels\) runs untrusted code, and nothing in its spec.nodeSelector keeps it off Windows nodes, where Kubernetes runs Windows containers process-isolated/],
        ["a Pod labelled untrusted", "Pod", pod({ "windows-isolation.trust": "untrusted" }), /not labelled windows-isolation.trust=trusted/],
        ["a Pod labelled trusted", "Pod", pod(trusted), undefined],
        ["an untrusted Pod pinned to Linux nodes", "Pod", pod(undefined, { "kubernetes.io/os": "linux" }), undefined],
        ["an untrusted Pod pinned to Windows nodes", "Pod", pod(undefined, { "kubernetes.io/os": "windows" }), /spec.nodeSelector\["kubernetes.io\/os"\] is 'windows'/],
        ["an untrusted Pod whose node OS is unknown until deploy", "Pod", pod(undefined, { "kubernetes.io/os": UNKNOWN_UNTIL_DEPLOY }), /is not known until deploy, so it may land on a Windows node/],
        ["a trust label unknown until deploy", "Pod", pod({ "windows-isolation.trust": UNKNOWN_UNTIL_DEPLOY }), /not labelled/],
        ["a Deployment labelled trusted on the object but not on its pods", "Deployment", deployment(pod(undefined)), /^a Kubernetes Deployment whose pods are not labelled windows-isolation.trust=trusted \(spec.template.metadata.labels\)/],
        ["a Deployment whose pods are labelled trusted", "Deployment", deployment(pod(trusted)), undefined],
        ["a Deployment whose template is unknown until deploy", "Deployment", { spec: { template: UNKNOWN_UNTIL_DEPLOY } }, /not labelled/],
        ["a CronJob's pods are under spec.jobTemplate.spec.template", "CronJob", { spec: { jobTemplate: { spec: { template: pod(undefined) } } } }, /\(spec.jobTemplate.spec.template.metadata.labels\)/],
        ["a CronJob with trusted pods", "CronJob", { spec: { jobTemplate: { spec: { template: pod(trusted) } } } }, undefined],
        ["a list kind is not read item by item", "PodList", { items: [pod(trusted)] }, /^a Kubernetes PodList holds workloads as list items/],
        ["a Helm Release", "kubernetes:helm.sh/v3:Release", { chart: "x" }, /^a Helm Release, whose chart's workloads the provider renders and installs itself: none of its pods reach the plan/],
    ])("%s", (_, kind, inputs, expected) => {
        const problems = kubernetesWorkloadProblems(kind, inputs);
        if (expected) expect(problems).toEqual([expect.stringMatching(expected)]);
        else expect(problems).toEqual([]);
    });
});
