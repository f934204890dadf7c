/**
 * The default provider the engine registers for a package when a custom resource names no
 * provider (pulumi/pulumi pkg/resource/deploy/source_eval.go `defaultProviders`): one provider
 * per package and version, named `default_<version with underscores>`, no parent, its inputs
 * the stack config of that package's namespace (`docker:host`, `docker:caMaterial`, ...), secure
 * values kept secret. Pulumi's mock monitor never registers it, so the plan builds it from the
 * same stack config, and the policies judge it like an explicit provider. Stack config
 * `pulumi:disable-default-providers` (a list of packages, `"*"` for all; pulumi/pulumi#8829)
 * makes the engine refuse such a resource instead, and so does the plan.
 */
import * as fs from "fs";
import { RecordedResource, SECRET_SIG, SIG_KEY, SourceLocation } from "../analyzer/resource";
import { ProgramConfig } from "./recorded";

/** As the engine names it: by version, and by plugin source when the resource names one (one default provider per pair). */
export function defaultProviderName(version: string, pluginDownloadURL = ""): string {
    const base = version ? `default_${version.replace(/[.+-]/g, "_")}` : "default";
    return pluginDownloadURL ? `${base}_${pluginDownloadURL.replace(/[^A-Za-z0-9]/g, "_")}` : base;
}

/** The config keys of one package as the provider's inputs (`docker:host` becomes `host`). */
export function defaultProviderInputs(pkg: string, config: ProgramConfig, version: string, pluginDownloadURL = ""): Record<string, unknown> {
    const inputs: Record<string, unknown> = {};
    for (const [key, value] of Object.entries(config.values)) {
        if (!key.startsWith(`${pkg}:`)) continue;
        const name = key.slice(pkg.length + 1);
        inputs[name] = config.secretKeys.includes(key) ? { [SIG_KEY]: SECRET_SIG, value } : value;
    }
    if (version) inputs.version = version;
    // The engine sets the plugin source the resource asked for (source_eval.go SetProviderURL); the policies judge it.
    if (pluginDownloadURL) inputs.pluginDownloadURL = pluginDownloadURL;
    return inputs;
}

export function defaultProvider(urn: string, pkg: string, config: ProgramConfig, version: string, pluginDownloadURL = ""): Omit<RecordedResource, "location"> {
    return { urn, type: `pulumi:providers:${pkg}`, name: defaultProviderName(version, pluginDownloadURL), custom: true, inputs: defaultProviderInputs(pkg, config, version, pluginDownloadURL), defaultProvider: true };
}

/** Where the default provider is "declared": the package's first key in the stack config file, else its top. */
export function defaultProviderLocation(configFile: string | undefined, pkg: string): SourceLocation | undefined {
    if (!configFile || !fs.existsSync(configFile)) return undefined;
    const lines = fs.readFileSync(configFile, "utf8").split("\n");
    const i = lines.findIndex((l) => l.trimStart().startsWith(`${pkg}:`));
    return i < 0 ? { file: configFile, line: 1, column: 1 } : { file: configFile, line: i + 1, column: lines[i].indexOf(`${pkg}:`) + 1 };
}

export const DISABLE_DEFAULT_PROVIDERS = "pulumi:disable-default-providers";

/**
 * Whether stack config disables the default provider of `pkg`. The engine reads the key as a
 * JSON list of package names; a value that is not one is refused here (fail closed), since the
 * plan cannot know which defaults `pulumi up` would allow.
 */
export function defaultProviderDisabled(config: ProgramConfig, pkg: string): boolean {
    const raw = config.values[DISABLE_DEFAULT_PROVIDERS];
    if (raw === undefined) return false;
    let list: unknown;
    try {
        list = JSON.parse(raw);
    } catch {
        list = undefined;
    }
    if (!Array.isArray(list) || list.some((p) => typeof p !== "string")) {
        throw new Error(`stack config ${DISABLE_DEFAULT_PROVIDERS} is ${JSON.stringify(raw)}, not a list of package names; set it as a list, e.g. ${DISABLE_DEFAULT_PROVIDERS}: ["docker"] (or ["*"] for all)`);
    }
    return list.includes("*") || list.includes(pkg);
}

/** Why the engine refuses a resource that needs a disabled default provider (its words: "Default provider for 'docker' disabled"). */
export function disabledDefaultProviderMessage(config: ProgramConfig, pkg: string, type: string, name: string): string {
    return `${type} '${name}' names no provider, and stack config ${DISABLE_DEFAULT_PROVIDERS} (${config.values[DISABLE_DEFAULT_PROVIDERS]}) disables the default provider for '${pkg}', so \`pulumi up\` refuses it ("Default provider for '${pkg}' disabled. ... must use an explicit provider."); pass the resource a provider (the host's, e.g. { provider: host.provider })`;
}
