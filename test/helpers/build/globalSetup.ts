/** The unit project's global setup: build/ current before any test runs a built tool. */
import { ensureBuilt } from "./builtTools";

export default function globalSetup(): void {
    ensureBuilt();
}
