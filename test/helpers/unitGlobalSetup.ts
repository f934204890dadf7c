/** The unit project's global setup: mark this run for the leak check, then make build/ current. */
import buildSetup from "./build/globalSetup";
import leakSetup from "./leaks/globalSetup";

export default async function globalSetup(): Promise<void> {
    await leakSetup();
    await buildSetup();
}
