/* eslint-disable @typescript-eslint/no-explicit-any -- protobuf requests and the generated gRPC stubs have no TypeScript types */
/**
 * Resource transforms applied as the Pulumi engine applies them, by the plan's own monitor
 * (monitorServer.ts) on each request before it is recorded. `transforms` resource options and
 * `pulumi.runtime.registerResourceTransform` do not run in the program: the SDK registers each
 * as a callback on its Callbacks gRPC server and the engine invokes it before the resource goes
 * anywhere else, policies included. Semantics follow the engine's resource monitor
 * (pulumi/pulumi pkg/resource/deploy/source_eval.go, `RegisterResource`,
 * `wrapTransformCallback`, `RegisterStackTransform`):
 *  - the resource's own transforms run first, then those of its parent, grandparent, ..., then
 *    the stack transforms registered so far, each getting the previous one's result;
 *  - each call is a CallbackInvokeRequest whose payload is a TransformRequest (type, name,
 *    custom, parent, properties, options); an unset response field keeps the previous value;
 *  - the options start from the request (provider resolved from the parent component's
 *    providers for a custom resource), and the result's provider is the one the resource uses;
 *  - a resource's own transforms are remembered under its URN for its children.
 * A transform that fails fails the program, as it fails `pulumi preview`.
 */
import * as grpc from "@grpc/grpc-js";
/* eslint-disable @typescript-eslint/no-require-imports */
const callbackRpc = require("@pulumi/pulumi/proto/callback_grpc_pb");
const callbackProto = require("@pulumi/pulumi/proto/callback_pb");
const resourceProto = require("@pulumi/pulumi/proto/resource_pb");
/* eslint-enable @typescript-eslint/no-require-imports */

/** The SDK serves its callbacks on 127.0.0.1 (runtime/callbacks.js); the plan calls nothing else a program names. */
const LOOPBACK_TARGET = /^127\.0\.0\.1:\d{1,5}$/;

function packageOf(type: string): string {
    return type.startsWith("pulumi:providers:") ? type.slice("pulumi:providers:".length) : type.split(":")[0];
}

export class EngineTransforms {
    private readonly stackTransforms: any[] = [];
    private readonly resourceTransforms = new Map<string, any[]>();
    private readonly parents = new Map<string, string>();
    private readonly componentProviders = new Map<string, Map<string, string>>();
    private readonly clients = new Map<string, grpc.Client>();

    /** RegisterStackTransform: an error message when the callback cannot be one the plan calls. */
    registerStackTransform(cb: any): string | undefined {
        const refused = this.refusedTarget(cb);
        if (refused) return refused;
        this.stackTransforms.push(cb);
        return undefined;
    }

    /** Runs every transform that applies to `req` (whose URN is `urn`) and writes the result into it. */
    async apply(req: any, urn: string): Promise<void> {
        const parent: string = req.getParent();
        const own: any[] = req.getTransformsList();
        const chain = [...own];
        for (let p = parent; p; p = this.parents.get(p) ?? "") chain.push(...(this.resourceTransforms.get(p) ?? []));
        chain.push(...this.stackTransforms);
        this.parents.set(urn, parent);
        this.resourceTransforms.set(urn, own);
        if (chain.length > 0) {
            let props = req.getObject();
            let opts = this.initialOptions(req);
            try {
                for (const cb of chain) ({ props, opts } = await this.invoke(cb, req, props, opts));
            } catch (err) {
                throw new Error(`transform of ${req.getType()} '${req.getName()}' failed: ${err instanceof Error ? err.message : String(err)}`);
            }
            req.setObject(props);
            req.setProvider(opts.getProvider());
            req.setDependenciesList(opts.getDependsOnList());
            // A transform may add ignoreChanges, which hides judged inputs on deploy (see ignoredChanges.ts).
            req.setIgnorechangesList(opts.getIgnoreChangesList());
            req.setAliasesList(opts.getAliasesList());
            req.getProvidersMap().clear();
            opts.getProvidersMap().forEach((v: string, k: string) => req.getProvidersMap().set(k, v));
        }
        if (!req.getCustom()) {
            // A component's children resolve providers through it (the engine's componentProviders).
            const providers = new Map<string, string>(this.componentProviders.get(parent) ?? []);
            req.getProvidersMap().forEach((v: string, k: string) => providers.set(k, v));
            this.componentProviders.set(urn, providers);
        }
    }

    close(): void {
        for (const c of this.clients.values()) c.close();
        this.clients.clear();
    }

    private refusedTarget(cb: any): string | undefined {
        const target: string = cb.getTarget();
        if (!target) return "target must be specified";
        if (!LOOPBACK_TARGET.test(target)) return `a transform callback at ${JSON.stringify(target)}: the SDK serves its callbacks on 127.0.0.1, and the plan calls no other address a program names`;
        return undefined;
    }

    private clientFor(target: string): any {
        let c = this.clients.get(target);
        if (!c) {
            c = new callbackRpc.CallbacksClient(target, grpc.credentials.createInsecure());
            this.clients.set(target, c!);
        }
        return c;
    }

    private async invoke(cb: any, req: any, props: any, opts: any): Promise<{ props: any; opts: any }> {
        const refused = this.refusedTarget(cb);
        if (refused) throw new Error(refused);
        const treq = new resourceProto.TransformRequest();
        treq.setType(req.getType());
        treq.setName(req.getName());
        treq.setCustom(req.getCustom());
        treq.setParent(req.getParent());
        treq.setProperties(props);
        treq.setOptions(opts);
        const inv = new callbackProto.CallbackInvokeRequest();
        inv.setToken(cb.getToken());
        inv.setRequest(treq.serializeBinary());
        const resp: any = await new Promise((resolve, reject) => this.clientFor(cb.getTarget()).invoke(inv, (err: Error | null, r: any) => (err ? reject(err) : resolve(r))));
        const tres = resourceProto.TransformResponse.deserializeBinary(resp.getResponse_asU8());
        return { props: tres.getProperties() ?? props, opts: tres.getOptions() ?? opts };
    }

    private initialOptions(req: any): any {
        const o = new resourceProto.TransformResourceOptions();
        o.setDependsOnList(req.getDependenciesList());
        o.setProtect(req.getProtect());
        o.setIgnoreChangesList(req.getIgnorechangesList());
        o.setReplaceOnChangesList(req.getReplaceonchangesList());
        o.setVersion(req.getVersion());
        o.setAliasesList(req.getAliasesList());
        const parent = req.getParent();
        const pkg = packageOf(req.getType());
        let provider = req.getProvider();
        if (req.getCustom() && !provider) provider = req.getProvidersMap().get(pkg) ?? this.componentProviders.get(parent)?.get(pkg) ?? "";
        o.setProvider(provider);
        req.getProvidersMap().forEach((v: string, k: string) => o.getProvidersMap().set(k, v));
        if (req.getCustomtimeouts()) o.setCustomTimeouts(req.getCustomtimeouts());
        o.setPluginDownloadUrl(req.getPlugindownloadurl());
        o.setRetainOnDelete(req.getRetainondelete());
        o.setDeletedWith(req.getDeletedwith());
        if (req.getDeletebeforereplacedefined() || req.getDeletebeforereplace()) o.setDeleteBeforeReplace(req.getDeletebeforereplace());
        o.setAdditionalSecretOutputsList(req.getAdditionalsecretoutputsList());
        return o;
    }
}
