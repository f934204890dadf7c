/* eslint-disable @typescript-eslint/no-explicit-any -- the mock monitor, its protobuf requests and the generated gRPC stubs are untyped runtime internals, loaded from the program's own SDK */
/**
 * Resource transforms applied as the Pulumi engine applies them. `transforms` resource options
 * and `pulumi.runtime.registerResourceTransform` do not run in the program: the SDK registers
 * each as a callback on its Callbacks gRPC server and the engine invokes it before the resource
 * goes anywhere else, policies included. Pulumi's mock monitor drops them, so without this the
 * plan would judge resources that never deploy. Semantics follow the engine's resource monitor
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

export interface ProgramSdk {
    readonly grpc: any;
    readonly callbackRpc: any;
    readonly callbackProto: any;
    readonly resourceProto: any;
    readonly emptyProto: any;
}

function packageOf(type: string): string {
    return type.startsWith("pulumi:providers:") ? type.slice("pulumi:providers:".length) : type.split(":")[0];
}

export function installEngineTransforms(monitor: any, sdk: ProgramSdk): void {
    const stackTransforms: any[] = [];
    const resourceTransforms = new Map<string, any[]>();
    const parents = new Map<string, string>();
    const componentProviders = new Map<string, Map<string, string>>();
    const clients = new Map<string, any>();

    const clientFor = (target: string) => {
        let c = clients.get(target);
        if (!c) {
            c = new sdk.callbackRpc.CallbacksClient(target, sdk.grpc.credentials.createInsecure());
            clients.set(target, c);
        }
        return c;
    };

    monitor.registerStackTransform = (cb: any, callback: any) => {
        if (!cb.getTarget()) return callback(new Error("target must be specified"), undefined);
        stackTransforms.push(cb);
        callback(null, new sdk.emptyProto.Empty());
    };

    async function invoke(cb: any, req: any, props: any, opts: any): Promise<{ props: any; opts: any }> {
        const treq = new sdk.resourceProto.TransformRequest();
        treq.setType(req.getType());
        treq.setName(req.getName());
        treq.setCustom(req.getCustom());
        treq.setParent(req.getParent());
        treq.setProperties(props);
        treq.setOptions(opts);
        const inv = new sdk.callbackProto.CallbackInvokeRequest();
        inv.setToken(cb.getToken());
        inv.setRequest(treq.serializeBinary());
        const resp: any = await new Promise((resolve, reject) => clientFor(cb.getTarget()).invoke(inv, (err: Error | null, r: any) => (err ? reject(err) : resolve(r))));
        const tres = sdk.resourceProto.TransformResponse.deserializeBinary(resp.getResponse_asU8());
        return { props: tres.getProperties() ?? props, opts: tres.getOptions() ?? opts };
    }

    function initialOptions(req: any): any {
        const o = new sdk.resourceProto.TransformResourceOptions();
        o.setDependsOnList(req.getDependenciesList());
        o.setProtect(req.getProtect());
        o.setIgnoreChangesList(req.getIgnorechangesList());
        o.setReplaceOnChangesList(req.getReplaceonchangesList());
        o.setVersion(req.getVersion());
        o.setAliasesList(req.getAliasesList());
        const parent = req.getParent();
        const pkg = packageOf(req.getType());
        let provider = req.getProvider();
        if (req.getCustom() && !provider) provider = req.getProvidersMap().get(pkg) ?? componentProviders.get(parent)?.get(pkg) ?? "";
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

    const inner = monitor.registerResource.bind(monitor);
    monitor.registerResource = (req: any, callback: any) => {
        const parent: string = req.getParent();
        const urn: string = monitor.newUrn(parent, req.getType(), req.getName());
        const own: any[] = req.getTransformsList();
        const chain = [...own];
        for (let p = parent; p; p = parents.get(p) ?? "") chain.push(...(resourceTransforms.get(p) ?? []));
        chain.push(...stackTransforms);
        parents.set(urn, parent);
        resourceTransforms.set(urn, own);
        const run = async () => {
            let props = req.getObject();
            let opts = initialOptions(req);
            for (const cb of chain) ({ props, opts } = await invoke(cb, req, props, opts));
            if (chain.length > 0) {
                req.setObject(props);
                req.setProvider(opts.getProvider());
                req.setDependenciesList(opts.getDependsOnList());
                // A transform may add ignoreChanges, which hides judged inputs on deploy (see ignoredChanges.ts).
                req.setIgnorechangesList(opts.getIgnoreChangesList());
                req.getProvidersMap().clear();
                opts.getProvidersMap().forEach((v: string, k: string) => req.getProvidersMap().set(k, v));
            }
            if (!req.getCustom()) {
                // A component's children resolve providers through it (the engine's componentProviders).
                const providers = new Map<string, string>(componentProviders.get(parent) ?? []);
                req.getProvidersMap().forEach((v: string, k: string) => providers.set(k, v));
                componentProviders.set(urn, providers);
            }
        };
        run().then(
            () => inner(req, callback),
            (err) => callback(new Error(`transform of ${req.getType()} '${req.getName()}' failed: ${err instanceof Error ? err.message : String(err)}`), undefined),
        );
    };
}
