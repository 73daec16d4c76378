/**
 * A vitest reporter that ends the run with one plain line,
 * `tests: N passed, N failed, N skipped`, which CI systems that do not know
 * vitest's own summary can read.
 */
import type {Reporter, TestModule} from "vitest/node";

export default class SummaryReporter implements Reporter {
  onTestRunEnd(testModules: readonly TestModule[]): void {
    const counts = {passed: 0, failed: 0, skipped: 0};
    for (const module of testModules) {
      for (const test of module.children.allTests()) {
        const state = test.result().state;
        if (state === "passed") counts.passed++;
        else if (state === "failed") counts.failed++;
        else counts.skipped++;
      }
      if (module.state() === "failed" && !module.children.size) counts.failed++; // a file that could not load
    }
    process.stdout.write(`\ntests: ${counts.passed} passed, ${counts.failed} failed, ${counts.skipped} skipped\n`);
  }
}
