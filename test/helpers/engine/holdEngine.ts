/**
 * Starts a test engine, prints its state as one JSON line and keeps it until this process is killed,
 * the way a test run holds one. killedStarter.engine.test.ts SIGKILLs this process: nothing of the
 * engine may outlive it. Never stops the engine itself, by design.
 */
import { startEngine } from "./engine";

startEngine().then(
    (state) => {
        process.stdout.write(`${JSON.stringify(state)}\n`);
        // Nothing else keeps the event loop busy once the relays' pipes are idle.
        setInterval(() => undefined, 1 << 30);
    },
    (e: unknown) => {
        process.stderr.write(`${e instanceof Error ? (e.stack ?? e.message) : String(e)}\n`);
        process.exit(1);
    },
);
