// When the data was built, the first and latest record it covers (the PDF's page headers show both), the currency of its amounts (ISO 4217 or null) and the
// locale of the site's numbers and dates (rapport.config.json `locale`), for every page's footer line and formats.
import {loadConfig} from "../../src/config.js";
import {currencySql} from "../../src/metrics/revenue.js";
import {dataDir, projectRoot} from "../../src/paths.js";
import {readWarehouse} from "../../src/warehouse/read.js";

const {locale} = await loadConfig(projectRoot, undefined, [dataDir()]);
const [row] = await readWarehouse((db) => db.all<{latest: Date; first: Date; loaded: Date; currency: string | null}>(`SELECT max(ordered_at) AS latest, min(ordered_at) AS first, (SELECT max(loaded_at) FROM _files) AS loaded, (${currencySql}) AS currency FROM orders`));
process.stdout.write(
  JSON.stringify({
    builtAt: new Date().toISOString(),
    loadedAt: row.loaded?.toISOString() ?? null,
    firstRecord: row.first?.toISOString() ?? null,
    latestRecord: row.latest?.toISOString() ?? null,
    currency: row.currency ?? null,
    locale
  })
);
