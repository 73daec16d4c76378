// The data-quality summary of the last load: files, reject reasons (no values), coverage per entity, stale data.
import {loadConfig} from "../../src/config.js";
import {coverageSql, emptyFilesSql, newestRecord, qualityFilesSql, qualityReasonsSql, staleSources, type CoverageRow} from "../../src/metrics/quality.js";
import {projectRoot} from "../../src/paths.js";
import {readWarehouse} from "../../src/warehouse/read.js";

const {staleAfterDays} = await loadConfig(projectRoot);
const summary = await readWarehouse(async (db) => {
  const coverage = await db.all<CoverageRow>(coverageSql);
  return {
    files: await db.all(qualityFilesSql),
    reasons: await db.all(qualityReasonsSql),
    // A warehouse from before the note column has no empty files to tell of.
    empty: await db.all(emptyFilesSql).catch(() => []),
    coverage,
    staleAfterDays,
    // Against the newest record of any kind, by calendar day (see staleSources): a source that lags the others.
    stale: ((newest) => (newest ? staleSources(coverage, newest, staleAfterDays) : []))(newestRecord(coverage))
  };
});
process.stdout.write(JSON.stringify(summary));
