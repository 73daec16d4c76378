// The cohort retention triangle for weekly, monthly and quarterly cohorts, as an Arrow IPC stream.
// Cohorts smaller than minGroupSize (rapport.config.json, default 10) keep their size but have their
// rates withheld, so no figure describes a handful of people. Definitions: src/metrics/retention.ts.
import {loadConfig} from "../../src/config.js";
import {toArrowStream} from "../../src/format/arrow.js";
import {cohortSql} from "../../src/metrics/retention.js";
import {projectRoot} from "../../src/paths.js";
import {readWarehouse} from "../../src/warehouse/read.js";

const {minGroupSize} = await loadConfig(projectRoot);
const withheld = (column: string) => `CASE WHEN small THEN NULL ELSE ${column} END AS "${column}"`;
const rows = await readWarehouse(async (db) => {
  const all: Record<string, unknown>[] = [];
  for (const period of ["week", "month", "quarter"] as const) {
    all.push(
      ...(await db.all<Record<string, unknown>>(
        `SELECT '${period}' AS granularity, cohort, k, customers, ${["rate", "unboundedRate", "revenueRate", "churn"].map(withheld).join(", ")}, incomplete, small
         FROM (${cohortSql({period, minCohort: minGroupSize})})`
      ))
    );
  }
  return all;
});
console.error(`retention: ${rows.length} rows`);
process.stdout.write(toArrowStream(rows));
