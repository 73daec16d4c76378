import {fileURLToPath} from "node:url";
import {defineConfig} from "vitest/config";

// Two projects: fast unit tests, and browser tests that build the site once
// (test/e2e/setup.ts) and drive Chromium against it on 127.0.0.1.
const root = fileURLToPath(new URL("..", import.meta.url));

export default defineConfig({
  root,
  test: {
    env: {TZ: "UTC"},
    reporters: ["default", "./test/support/summary.ts"],
    projects: [
      {
        extends: true,
        root,
        test: {name: "unit", include: ["test/**/*.test.ts"], exclude: ["test/e2e/**"], testTimeout: 30_000}
      },
      {
        extends: true,
        root,
        test: {
          name: "e2e",
          include: ["test/e2e/**/*.test.ts"],
          globalSetup: ["test/e2e/setup.ts"],
          testTimeout: 180_000, // several tests run whole builds
          hookTimeout: 300_000,
          fileParallelism: false
        }
      }
    ]
  }
});
