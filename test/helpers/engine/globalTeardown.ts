/** Stops the engine globalSetup started (only its own processes, by pid). */
import * as fs from "node:fs";
import { EngineState, stopEngine, STATE_ENV } from "./engine";

export default async function globalTeardown(): Promise<void> {
    const file = process.env[STATE_ENV];
    if (!file || !fs.existsSync(file)) return;
    const state = JSON.parse(fs.readFileSync(file, "utf8")) as EngineState;
    await stopEngine(state);
}
