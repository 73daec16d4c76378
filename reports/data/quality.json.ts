// The data-quality summary of the last load: files, reject reasons (no values), coverage per entity.
import {coverageSql, qualityFilesSql, qualityReasonsSql} from "../../src/metrics/quality.js";
import {readWarehouse} from "../../src/warehouse/read.js";

const summary = await readWarehouse(async (db) => ({
  files: await db.all(qualityFilesSql),
  reasons: await db.all(qualityReasonsSql),
  coverage: await db.all(coverageSql)
}));
process.stdout.write(JSON.stringify(summary));
