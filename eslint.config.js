// Type-aware lint. The domain must stay pure: no Azure SDKs, no I/O, no outer layers.
import js from "@eslint/js";
import tseslint from "typescript-eslint";

export default tseslint.config(
  { ignores: ["dist/**", "node_modules/**", ".data/**", "coverage/**"] },
  js.configs.recommended,
  ...tseslint.configs.recommendedTypeChecked,
  {
    languageOptions: {
      parserOptions: { projectService: true, tsconfigRootDir: import.meta.dirname },
    },
    rules: {
      "@typescript-eslint/no-unused-vars": [
        "error",
        { argsIgnorePattern: "^_", varsIgnorePattern: "^_" },
      ],
      "@typescript-eslint/consistent-type-imports": "error",
      "@typescript-eslint/no-floating-promises": "error",
      "no-restricted-syntax": [
        "error",
        {
          selector: "MemberExpression[object.name='process'][property.name='env']",
          message: "Read settings through shared/config.ts.",
        },
      ],
    },
  },
  ...[
    // The domain is pure and imports only itself: from shared/domain/x.ts "../" leaves it.
    // Tests of the domain may read files.
    { files: ["shared/domain/*.ts"], outward: "../*" },
    { files: ["shared/domain/*/**/*.ts"], outward: "../../*" },
  ].map(({ files, outward }) => ({
    files,
    ignores: ["**/*.test.ts"],
    rules: {
      "@typescript-eslint/no-explicit-any": "error",
      "no-restricted-imports": [
        "error",
        {
          patterns: [
            { group: ["@azure/*"], message: "The domain imports nothing from @azure/*." },
            { group: ["node:*", "fs", "http", "https", "net"], message: "The domain does no I/O." },
            {
              group: [outward],
              message: "Dependencies point inward: the domain imports only itself.",
            },
          ],
        },
      ],
    },
  })),

  {
    // Dependencies point inward: functions/ -> shared/ -> shared/domain. The test harness is
    // the one part of shared/ that loads the functions (to call them).
    files: ["shared/**/*.ts"],
    ignores: ["shared/domain/**", "**/*.test.ts"],
    rules: {
      "no-restricted-imports": [
        "error",
        {
          patterns: [
            {
              group: ["**/functions/*", "**/dev/*", "**/bench/*", "**/test/*"],
              message: "shared/ must not depend on functions/, dev/, bench/ or test/.",
            },
          ],
        },
      ],
    },
  },
  {
    files: [
      "shared/config.ts",
      "dev/**/*.ts",
      "test/**/*.ts",
      "scripts/**/*.ts",
      "bench/**/*.ts",
      "**/*.test.ts",
    ],
    rules: { "no-restricted-syntax": "off" },
  },
  {
    files: ["**/*.test.ts", "test/**/*.ts"],
    rules: {
      "@typescript-eslint/no-explicit-any": "off",
      "@typescript-eslint/no-unsafe-call": "off",
      "@typescript-eslint/no-unsafe-return": "off",
      "@typescript-eslint/no-unsafe-assignment": "off",
      "@typescript-eslint/no-unsafe-member-access": "off",
      "@typescript-eslint/no-unsafe-argument": "off",
      "@typescript-eslint/no-non-null-assertion": "off",
    },
  },
  { files: ["eslint.config.js"], ...tseslint.configs.disableTypeChecked },
);
