// The figures of each segment, region and acquisition channel page (reports/[kind]/[group].md), from the
// metric registry the CLI runs (computeMetric in src/cli/metrics.ts, as `rapport metrics <name> --by <kind>`):
// NPS by quarter with its 95% margin, quarterly cohorts with their size and repeat rate, and the 12-month
// expected customer value. Only groups with a page (src/metrics/groupPages.ts: at least minGroupSize
// customers) appear. Nothing is shown that the group-level published tables would withhold: NPS cells and
// cohorts go through the same complementary suppression, over the same tables, as reports/data/nps.json.ts
// and reports/data/retention.arrow.ts, and a withheld cell publishes no count.
import {loadConfig} from "../../src/config.js";
import {groupFigures} from "../../src/cli/groupFigures.js";
import {projectRoot} from "../../src/paths.js";
import {readWarehouse} from "../../src/warehouse/read.js";

const config = await loadConfig(projectRoot);
const started = performance.now();
const out = await readWarehouse((db) => groupFigures(db, {minGroupSize: config.minGroupSize, minGroupRepeaters: config.clvMinGroupRepeaters}));
console.error(`groups: ${out.groups.length} group pages in ${((performance.now() - started) / 1000).toFixed(1)} s`);
process.stdout.write(JSON.stringify(out));
