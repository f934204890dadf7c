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
    { ...base, displayName: "unit", roots: ["<rootDir>/test"], testMatch: ["**/*.test.ts"], testPathIgnorePatterns: ["/test/engine/"] },
    // One real Docker engine for all engine tests; started only when one of them runs.
    {
      ...base,
      displayName: "engine",
      roots: ["<rootDir>/test/engine"],
      testMatch: ["**/*.test.ts"],
      globalSetup: "<rootDir>/test/engine/globalSetup.ts",
      globalTeardown: "<rootDir>/test/engine/globalTeardown.ts",
    },
  ],
};
