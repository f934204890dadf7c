/**
 * The package's own manifest, the one source of the version the tools report (`--version`,
 * SARIF `semanticVersion`). Found by walking up from this file, since the source tree and the
 * built package put it at different depths.
 */
import * as fs from "fs";
import * as path from "path";

export interface PackageManifest {
    readonly name: string;
    readonly version: string;
}

export function packageManifest(from: string = __dirname): PackageManifest {
    for (let dir = from; ; dir = path.dirname(dir)) {
        const file = path.join(dir, "package.json");
        if (fs.existsSync(file)) {
            const manifest = JSON.parse(fs.readFileSync(file, "utf8"));
            if (manifest.name === "windows-isolation") return manifest;
        }
        if (path.dirname(dir) === dir) throw new Error(`windows-isolation: no package.json named windows-isolation above ${from}`);
    }
}

export function packageVersion(): string {
    return packageManifest().version;
}
