/* eslint-disable @typescript-eslint/no-explicit-any -- protobuf requests have no TypeScript types */
/**
 * What the plan judges, decided in the plan's own process from the requests its monitor receives
 * (monitorServer.ts), out of the program's reach: each registration as the engine would receive
 * it (after the engine's transforms), the default providers the engine would add, the refusals
 * (remote components, ignoreChanges on judged inputs, disabled default providers, invoke
 * transforms), the secret values in the inputs and the stack's outputs. Registrations are
 * answered as Pulumi's mock monitor answers them (runtime/mocks.js): the URN as its `newUrn`
 * computes it, id `<name>-id` (`<name>-provider-id` for a provider), the inputs as the state.
 */
import { RecordedResource } from "../analyzer/resource";
import { declaringLine } from "./declaringLine";
import { aliasUrns, planUrn } from "./aliases";
import { defaultProvider, defaultProviderDisabled, defaultProviderName, disabledDefaultProviderMessage } from "./defaultProvider";
import { EngineTransforms } from "./engineTransforms";
import { ignoredJudgedChanges } from "./ignoredChanges";
import { ProgramConfig } from "./recorded";
import { secretValues } from "./secrets";

/** The secret values in a resource's (or the stack's) outputs, as in its inputs. */
const secretLeavesIn = (outputs: Record<string, unknown>) => secretValues([{ inputs: outputs } as RecordedResource]);

export const INVOKE_TRANSFORM_REFUSED =
    "the program calls pulumi.runtime.registerInvokeTransform: the engine would rewrite provider function calls (invokes) with it, and the plan cannot apply that, since it answers invokes without any provider; judge this program with `pulumi preview --policy-pack policy` instead";

const STACK_TYPE = "pulumi:pulumi:Stack";

export interface Registered {
    readonly urn: string;
    readonly id: string;
    /** The state the program gets back: its inputs, as the mocks return them. */
    readonly object: any;
}

export class PlanRecorder {
    readonly resources: RecordedResource[] = [];
    readonly secrets = new Set<string>();
    outputs: Record<string, unknown> = {};
    /** The first reason the plan cannot judge the program; the plan then fails it. */
    failure: string | undefined;
    readonly transforms = new EngineTransforms();
    private readonly defaults = new Map<string, string>();
    /** URN to state, for the SDK's `pulumi:pulumi:getResource` invoke. */
    private readonly states = new Map<string, { urn: string; id: string; state: Record<string, unknown> }>();
    private rootUrn: string | undefined;
    /** URN to the URNs its aliases name (children inherit them). */
    private readonly aliases = new Map<string, string[]>();

    constructor(
        private readonly config: ProgramConfig,
        private readonly programDir: string,
        private readonly onRecord?: (count: number) => void,
    ) {}

    fail(message: string): void {
        this.failure ??= message;
    }

    /** As mocks.js `newUrn`: a child's type is qualified by its parent's. */
    newUrn(parent: string, type: string, name: string): string {
        return planUrn(this.config.stack, this.config.project, parent, type, name);
    }

    async register(req: any): Promise<Registered> {
        const type: string = req.getType();
        const name: string = req.getName();
        const parent: string = req.getParent();
        const urn = this.newUrn(parent, type, name);
        if (type === STACK_TYPE && !parent) this.rootUrn ??= urn;
        // The engine runs transforms before anything sees the resource; so does the plan.
        await this.transforms.apply(req, urn);
        if (req.getRemote()) {
            // A remote component's children are registered by its provider plugin at preview and
            // deploy; the plan never runs it, so it would judge a component with nothing in it.
            this.fail(`${type} '${name}' is a remote component: its provider creates its resources, which the plan cannot run; judge this program with \`pulumi preview --policy-pack policy\` instead`);
        }
        const hidden = ignoredJudgedChanges(type, name, req.getIgnorechangesList());
        if (hidden) this.fail(hidden);
        const custom: boolean = req.getCustom();
        let providerRef: string = req.getProvider();
        if (custom && !providerRef && !type.startsWith("pulumi:providers:")) {
            const pkg = type.split(":")[0];
            try {
                if (defaultProviderDisabled(this.config, pkg)) this.fail(disabledDefaultProviderMessage(this.config, pkg, type, name));
                else providerRef = `${this.defaultProviderFor(pkg, req.getVersion(), req.getPlugindownloadurl())}::default-id`;
            } catch (e) {
                this.fail(e instanceof Error ? e.message : String(e));
            }
        }
        const object = req.getObject();
        const inputs = (object?.toJavaScript() ?? {}) as Record<string, unknown>;
        // The engine records a provider's plugin source in its inputs (source_eval.go SetProviderURL), where the policies read it.
        if (type.startsWith("pulumi:providers:") && req.getPlugindownloadurl()) inputs.pluginDownloadURL = req.getPlugindownloadurl();
        const location = declaringLine(req, this.programDir);
        // After the transforms, which may rename through aliases too: what plan --compare matches old rows by.
        const aliases = aliasUrns(req.getAliasesList(), { urn, type, name, parent }, { stack: this.config.stack, project: this.config.project, rootUrn: this.rootUrn, aliasesOf: (u) => this.aliases.get(u) ?? [] });
        if (aliases.length > 0) this.aliases.set(urn, aliases);
        this.record({
            urn,
            type,
            name,
            custom,
            parent: parent || undefined,
            provider: providerRef ? providerRef.split("::").slice(0, -1).join("::") : undefined,
            inputs,
            ...(location ? { location } : {}),
            ...(aliases.length > 0 ? { aliases } : {}),
        });
        const id = type.startsWith("pulumi:providers:") ? `${name}-provider-id` : `${name}-id`;
        this.states.set(urn, { urn, id, state: inputs });
        return { urn, id, object };
    }

    /** RegisterResourceOutputs: the stack's are the program's outputs. */
    registerOutputs(urn: string, outputs: Record<string, unknown>): void {
        for (const s of secretLeavesIn(outputs)) this.secrets.add(s);
        if (urn === this.rootUrn) this.outputs = outputs;
        const known = this.states.get(urn);
        if (known) known.state = outputs;
    }

    /** What a `pulumi:pulumi:getResource` invoke answers (undefined: no such resource). */
    stateOf(urn: string): { urn: string; id: string; state: Record<string, unknown> } | undefined {
        return this.states.get(urn);
    }

    registerStackInvokeTransform(): void {
        this.fail(INVOKE_TRANSFORM_REFUSED);
    }

    private record(r: RecordedResource): void {
        for (const s of secretValues([r as RecordedResource])) this.secrets.add(s);
        this.resources.push(r);
        this.onRecord?.(this.resources.length);
    }

    /** The URN of the engine's default provider for a package (version, plugin source), recorded the first time it is used. */
    private defaultProviderFor(pkg: string, version: string, pluginDownloadURL: string): string {
        const key = `${pkg}@${version}@${pluginDownloadURL}`;
        let urn = this.defaults.get(key);
        if (!urn) {
            urn = this.newUrn("", `pulumi:providers:${pkg}`, defaultProviderName(version, pluginDownloadURL));
            this.defaults.set(key, urn);
            this.record(defaultProvider(urn, pkg, this.config, version, pluginDownloadURL));
        }
        return urn;
    }
}
