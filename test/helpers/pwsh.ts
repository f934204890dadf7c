/**
 * The real PowerShell and Pester the bootstrap's Pester suites run on, as `.ci/install-powershell`
 * (called by `.ci/run`) installs them into the project-local .tools/. Missing is an error that
 * says how to install them, never a skip: the scripts would go untested.
 */
import { existsSync } from "fs";
import { join } from "path";

export const PWSH_VERSION = "7.6.9";
export const PESTER_VERSION = "5.7.1";

const ROOT = join(__dirname, "..", "..");

export interface PowerShellTools {
    readonly pwsh: string;
    readonly pesterManifest: string;
    /** The environment to run pwsh with. */
    readonly env: NodeJS.ProcessEnv;
}

/**
 * .NET's profile-guided tiering instruments every method before it optimises it, which a short
 * pwsh run never repays: without it the Pester suites take about a fifth less CPU. Behaviour is
 * the same (a JIT setting).
 */
const PWSH_ENV = { DOTNET_TieredPGO: "0" };

/** The pinned pwsh and Pester under .tools/; throws naming the installer when either is missing. */
export function powerShellTools(): PowerShellTools {
    const pwsh = join(ROOT, ".tools", "pwsh", "pwsh");
    const pesterManifest = join(ROOT, ".tools", "modules", "Pester", PESTER_VERSION, "Pester.psd1");
    const missing = [
        existsSync(pwsh) ? undefined : `PowerShell ${PWSH_VERSION} (${pwsh})`,
        existsSync(pesterManifest) ? undefined : `Pester ${PESTER_VERSION} (${pesterManifest})`,
    ].filter((m): m is string => m !== undefined);
    if (missing.length > 0) {
        throw new Error(`${missing.join(" and ")} not installed: run .ci/install-powershell (which .ci/run calls) to install them into .tools/`);
    }
    return { pwsh, pesterManifest, env: { ...process.env, ...PWSH_ENV } };
}
