/** quality.json: the data-quality summary of the last load: files, reject reasons (no values), coverage per entity, stale data. */
import {coverageSql, emptyFilesSql, newestRecord, qualityFilesSql, qualityReasonsSql, staleSources, type CoverageRow} from "../metrics/quality.js";
import type {ResultContext} from "./context.js";

export async function quality({db, config: {staleAfterDays}}: ResultContext): Promise<string> {
  const coverage = await db.all<CoverageRow>(coverageSql);
  return JSON.stringify({
    files: await db.all(qualityFilesSql),
    reasons: await db.all(qualityReasonsSql),
    // A warehouse from before the note column has no empty files to tell of.
    empty: await db.all(emptyFilesSql).catch(() => []),
    coverage,
    staleAfterDays,
    // Against the newest record of any kind, by calendar day (see staleSources): a source that lags the others.
    stale: ((newest) => (newest ? staleSources(coverage, newest, staleAfterDays) : []))(newestRecord(coverage))
  });
}
