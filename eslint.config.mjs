import tseslint from "typescript-eslint";

export default tseslint.config(
  { ignores: ["node_modules/**", "out/**", "build/**", "coverage/**", "**/*.js", "**/*.mjs"] },
  ...tseslint.configs.recommended,
  {
    rules: {
      "@typescript-eslint/no-unused-vars": ["error", { argsIgnorePattern: "^_" }],
      "no-restricted-imports": ["error", {
        paths: [{ name: "@pulumi/azure-native", message: "Import azure-native per module, e.g. @pulumi/azure-native/compute." }],
      }],
    },
  },
  {
    files: ["rules/**/*.ts"],
    rules: {
      "no-restricted-imports": ["error", {
        patterns: [{ group: ["@pulumi/*"], message: "rules/ is pure knowledge: no Pulumi import." }],
      }],
    },
  },
);
