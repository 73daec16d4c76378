// When the data was built and the latest record it covers, for every page's footer line.
import {join} from "node:path";
import {dataDir} from "../../src/paths.js";
import {literal, withDuckDB} from "../../src/warehouse/duckdb.js";

const dir = dataDir();
const [row] = await withDuckDB((db) =>
  db.all<{latest: Date}>(`SELECT max(ordered_at::TIMESTAMP) AS latest FROM read_csv(${literal(join(dir, "orders.csv"))}, header = true)`)
);
process.stdout.write(JSON.stringify({builtAt: new Date().toISOString(), latestRecord: row.latest.toISOString()}));
