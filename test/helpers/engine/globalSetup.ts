/** Starts one real Docker engine for the whole engine project; tests find it via STATE_ENV. */
import * as fs from "node:fs";
import * as path from "node:path";
import { ensureBuilt } from "../build/builtTools";
import { startEngine, STATE_ENV } from "./engine";

export default async function globalSetup(): Promise<void> {
    ensureBuilt(); // `npm run verify` runs the built tool
    const state = await startEngine();
    const file = path.join(state.dir, "state.json");
    fs.writeFileSync(file, JSON.stringify(state, null, 2));
    process.env[STATE_ENV] = file;
    process.stdout.write(
        `\nverify test engine: dockerd ${state.dockerdVersion} ready in ${state.timingsMs.engineReady} ms, image + containers + swarm services in ${state.timingsMs.workloadsReady} ms; ${state.unixEndpoint}, ${state.tcpEndpoint} (TLS)\n`,
    );
}
