/** @type {import('jest').Config} */
const base = {
  testEnvironment: "node",
  transform: { "^.+\\.ts$": ["ts-jest", { tsconfig: "tsconfig.json" }] },
  testTimeout: 60000,
};

module.exports = {
  testTimeout: 60000,
  reporters: ["default", "<rootDir>/test/helpers/summaryReporter.js"],
  projects: [
    // The teardown fails the run when a policy pack server or program runner it started is left running.
    {
      ...base,
      displayName: "unit",
      roots: ["<rootDir>/test"],
      testMatch: ["**/*.test.ts"],
      testPathIgnorePatterns: ["\\.engine\\.test\\.ts$"],
      globalSetup: "<rootDir>/test/helpers/leaks/globalSetup.ts",
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
