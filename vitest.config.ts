import { defineConfig } from "vitest/config";

export default defineConfig({
  test: {
    projects: [
      {
        extends: true,
        test: {
          name: "unit",
          setupFiles: ["test/support/quiet-functions.ts"],
          // Generous: encrypting an xlsx (100,000 SHA-512 rounds) and property runs share 2 cores.
          testTimeout: 30_000,
          include: [
            "functions/**/*.test.ts",
            "shared/**/*.test.ts",
            "dev/**/*.test.ts",
            "infra/**/*.test.ts",
            "faults/**/*.test.ts",
            "bench/**/*.test.ts",
          ],
        },
      },
      {
        extends: true,
        test: {
          name: "integration",
          setupFiles: ["test/support/quiet-functions.ts"],
          include: ["test/**/*.test.ts"],
          globalSetup: ["test/global-setup.ts"],
          testTimeout: 30_000,
          hookTimeout: 60_000,
        },
      },
    ],
  },
});
