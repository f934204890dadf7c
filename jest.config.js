/** @type {import('jest').Config} */
// ts-jest compiles each file on its own (tsconfig.json has isolatedModules: true) without type
// information; `npm test` type-checks everything once with tsc --noEmit before jest runs.
const base = {
  testEnvironment: "node",
  transform: { "^.+\\.ts$": ["ts-jest", { tsconfig: "tsconfig.json" }] },
  // The Pulumi SDK's per-promise debugging stacks skip jest's source-map formatter (see the file).
  setupFiles: ["<rootDir>/test/helpers/pulumiStacks.ts"],
  // A bound for a hung test, not a measure of speed: generous, so that a machine busy with other
  // jobs slows the suite down without failing it.
  testTimeout: 300000,
};

const REGISTRY_TEST = "test/package/consumer.test.ts";

module.exports = {
  testTimeout: 300000,
  // Most tests wait on child processes (the policy pack, the program runner, npm, tsc): two workers
  // keep both cores busy, where jest's default (cores - 1) would leave one idle on a 2-core machine.
  maxWorkers: 2,
  reporters: ["default", "<rootDir>/test/helpers/summaryReporter.js"],
  projects: [
    // The teardown fails the run when a policy pack server or program runner it started is left running.
    {
      ...base,
      displayName: "unit",
      roots: ["<rootDir>/test"],
      testMatch: ["**/*.test.ts"],
      testPathIgnorePatterns: ["\\.engine\\.test\\.ts$", REGISTRY_TEST],
      // Marks the run for the leak check, then makes build/ current for the tests that run the built
      // tools (test/helpers/build/); the teardown fails the run when a pack server or runner is left.
      globalSetup: "<rootDir>/test/helpers/unitGlobalSetup.ts",
      globalTeardown: "<rootDir>/test/helpers/leaks/globalTeardown.ts",
    },
    // The package installed from the npm registry as a user installs it: mostly waiting on npm, so
    // npm test (scripts/test.js) runs this project in a jest of its own beside the others.
    {
      ...base,
      displayName: "registry",
      roots: ["<rootDir>/test"],
      testMatch: [`**/${REGISTRY_TEST}`],
      globalSetup: "<rootDir>/test/helpers/unitGlobalSetup.ts",
      globalTeardown: "<rootDir>/test/helpers/leaks/globalTeardown.ts",
    },
    // One real Docker engine for all engine tests; started only when one of them runs.
    {
      ...base,
      displayName: "engine",
      roots: ["<rootDir>/test"],
      testMatch: ["**/*.engine.test.ts"],
      globalSetup: "<rootDir>/test/helpers/engine/globalSetup.ts",
      globalTeardown: "<rootDir>/test/helpers/engine/globalTeardown.ts",
    },
  ],
};
