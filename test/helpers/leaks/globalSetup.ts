/**
 * Marks this test run: every process the tests start inherits the token, so the teardown can
 * tell this run's policy pack servers and program runners from other runs on the machine.
 */
import { randomUUID } from "node:crypto";
import { RUN_TOKEN_ENV } from "./leftovers";

export default async function globalSetup(): Promise<void> {
    process.env[RUN_TOKEN_ENV] ??= randomUUID();
}
