// The relationship scorecard by month and by quarter, as `rapport metrics scorecard --period <p>` prints it
// (src/metrics/scorecard.ts): each measure's latest period its own source covers, its population and 95% range,
// the change from the period before with its test, and the last twelve periods for a sparkline. A period of fewer
// than minGroupSize (rapport.config.json, default 10) people, tickets or answers is withheld.
import {computeMetric} from "../../src/metrics/registry.js";
import {loadConfig} from "../../src/config.js";
import {projectRoot} from "../../src/paths.js";
import {readWarehouse} from "../../src/warehouse/read.js";

const {minGroupSize} = await loadConfig(projectRoot);
const scorecard = await readWarehouse(async (db) => ({
  minGroup: minGroupSize,
  month: await computeMetric(db, "scorecard", {period: "month", minResponses: minGroupSize}),
  quarter: await computeMetric(db, "scorecard", {period: "quarter", minResponses: minGroupSize})
}));
process.stdout.write(JSON.stringify(scorecard));
