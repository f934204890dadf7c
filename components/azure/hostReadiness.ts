/**
 * HostReadiness: a Pulumi dynamic resource that is created once the new host's Docker endpoint
 * answers over mutual TLS with the stack's certificate and reports what the bootstrap installs
 * (engineReadinessProbe.ts polls, rules/docker/engineReadiness.ts judges). Why from the outside
 * and not a Run Command inside the VM: phase 1's planned restart lands inside any in-guest wait
 * and Azure does not run a cut-short Run Command again, so the first `pulumi up` failed; a
 * client that polls the endpoint does not care how often the guest restarts.
 *
 * Dynamic providers are serialized into the state with their code: nothing secret may be
 * captured. The client key arrives as a (secret) input, stays secret in the state's inputs and
 * never appears in the outputs. The serialized provider requires the probe module by the
 * package's export `windows-isolation/host-readiness-probe` (package.json "exports"): Pulumi's
 * closure serializer names a module of an installed package only by a path the package exports.
 */
import { createHash } from "crypto";
import * as pulumi from "@pulumi/pulumi";
import { EngineReadinessExpectation, EngineReadinessFacts } from "../../rules/docker/engineReadiness";
import { waitForEngineReady } from "./engineReadinessProbe";

export interface HostReadinessArgs {
    /** The address the engine's certificate covers (the public IP with a public endpoint, else the private IP). */
    readonly host: pulumi.Input<string>;
    readonly port: pulumi.Input<number>;
    readonly caPem: pulumi.Input<string>;
    readonly clientCertPem: pulumi.Input<string>;
    /** Secret: pass the CA's secret output; it stays secret in the state. */
    readonly clientKeyPem: pulumi.Input<string>;
    readonly expected: pulumi.Input<EngineReadinessExpectation>;
    readonly timeoutSeconds: pulumi.Input<number>;
    /** Where the guest's logs are, for the failure message. */
    readonly guestLogs: pulumi.Input<string>;
    /** The bootstrap's fingerprint: a new one (the extension ran again) makes the wait run again. */
    readonly bootstrapFingerprint: pulumi.Input<string>;
}

/** The provider's view of the inputs, resolved. */
export interface HostReadinessInputs {
    readonly host: string;
    readonly port: number;
    readonly caPem: string;
    readonly clientCertPem: string;
    readonly clientKeyPem: string;
    readonly expected: EngineReadinessExpectation;
    readonly timeoutSeconds: number;
    readonly guestLogs: string;
    readonly bootstrapFingerprint: string;
}

/** The outputs: public facts only. */
export interface HostReadinessOutputs {
    readonly endpoint: string;
    readonly bootstrapFingerprint: string;
    /** SHA-256 of the public inputs the wait depends on, for diff (Pulumi gives a dynamic provider's diff the old outputs only). */
    readonly inputsDigest: string;
    readonly facts: EngineReadinessFacts;
}

/**
 * Inputs whose change means the engine must be waited for again. Not the key: a new key comes
 * with a new client certificate, and a digest of a secret has no place in plain outputs.
 */
export function hostReadinessDigest(inputs: HostReadinessInputs): string {
    const watched = [inputs.host, inputs.port, inputs.caPem, inputs.clientCertPem, inputs.expected, inputs.bootstrapFingerprint];
    return createHash("sha256").update(JSON.stringify(watched)).digest("hex");
}

/** Waits and returns the outputs (the provider's create and update). */
export async function awaitHostReadiness(inputs: HostReadinessInputs): Promise<HostReadinessOutputs> {
    const facts = await waitForEngineReady(
        { host: inputs.host, port: inputs.port, caPem: inputs.caPem, certPem: inputs.clientCertPem, keyPem: inputs.clientKeyPem },
        inputs.expected,
        { timeoutSeconds: inputs.timeoutSeconds, guestLogs: inputs.guestLogs },
    );
    return { endpoint: `tcp://${inputs.host}:${inputs.port}`, bootstrapFingerprint: inputs.bootstrapFingerprint, inputsDigest: hostReadinessDigest(inputs), facts };
}

export const hostReadinessProvider: pulumi.dynamic.ResourceProvider<HostReadinessInputs, HostReadinessOutputs> = {
    async create(inputs) {
        const outs = await awaitHostReadiness(inputs);
        return { id: outs.endpoint, outs };
    },
    async diff(_id, olds, news) {
        return { changes: olds.inputsDigest !== hostReadinessDigest(news) };
    },
    async update(_id, _olds, news) {
        return { outs: await awaitHostReadiness(news) };
    },
};

export class HostReadiness extends pulumi.dynamic.Resource {
    public readonly endpoint!: pulumi.Output<string>;
    public readonly facts!: pulumi.Output<EngineReadinessFacts>;

    constructor(name: string, args: HostReadinessArgs, opts?: pulumi.CustomResourceOptions) {
        super(hostReadinessProvider, name, {
            ...args,
            clientKeyPem: pulumi.secret(args.clientKeyPem),
            endpoint: undefined,
            inputsDigest: undefined,
            facts: undefined,
        }, opts, "windows-isolation", "HostReadiness");
    }
}
