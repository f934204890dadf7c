/**
 * The default provider the engine registers for a package when a custom resource names no
 * provider (pulumi/pulumi pkg/resource/deploy/source_eval.go `defaultProviders`): one provider
 * per package and version, named `default_<version with underscores>`, no parent, its inputs
 * the stack config of that package's namespace (`docker:host`, `docker:caMaterial`, ...), secure
 * values kept secret. Pulumi's mock monitor never registers it, so the plan builds it from the
 * same stack config, and the policies judge it like an explicit provider.
 */
import * as fs from "fs";
import { RecordedResource, SECRET_SIG, SIG_KEY, SourceLocation } from "../analyzer/resource";
import { ProgramConfig } from "./recorded";

export function defaultProviderName(version: string): string {
    return version ? `default_${version.replace(/[.+-]/g, "_")}` : "default";
}

/** The config keys of one package as the provider's inputs (`docker:host` becomes `host`). */
export function defaultProviderInputs(pkg: string, config: ProgramConfig, version: string): Record<string, unknown> {
    const inputs: Record<string, unknown> = {};
    for (const [key, value] of Object.entries(config.values)) {
        if (!key.startsWith(`${pkg}:`)) continue;
        const name = key.slice(pkg.length + 1);
        inputs[name] = config.secretKeys.includes(key) ? { [SIG_KEY]: SECRET_SIG, value } : value;
    }
    if (version) inputs.version = version;
    return inputs;
}

export function defaultProvider(urn: string, pkg: string, config: ProgramConfig, version: string): Omit<RecordedResource, "location"> {
    return { urn, type: `pulumi:providers:${pkg}`, name: defaultProviderName(version), custom: true, inputs: defaultProviderInputs(pkg, config, version), defaultProvider: true };
}

/** Where the default provider is "declared": the package's first key in the stack config file, else its top. */
export function defaultProviderLocation(configFile: string | undefined, pkg: string): SourceLocation | undefined {
    if (!configFile || !fs.existsSync(configFile)) return undefined;
    const lines = fs.readFileSync(configFile, "utf8").split("\n");
    const i = lines.findIndex((l) => l.trimStart().startsWith(`${pkg}:`));
    return i < 0 ? { file: configFile, line: 1, column: 1 } : { file: configFile, line: i + 1, column: lines[i].indexOf(`${pkg}:`) + 1 };
}
