// The relationship scorecard by month and by quarter, as `rapport metrics scorecard --period <p>` prints it
// (src/metrics/scorecard.ts): each measure's last complete period, the change from the one before, and
// the last twelve periods for a sparkline. Figures are over all customers, so no group is small.
import {computeMetric} from "../../src/cli/metrics.js";
import {readWarehouse} from "../../src/warehouse/read.js";

const scorecard = await readWarehouse(async (db) => ({
  month: await computeMetric(db, "scorecard", {period: "month"}),
  quarter: await computeMetric(db, "scorecard", {period: "quarter"})
}));
process.stdout.write(JSON.stringify(scorecard));
