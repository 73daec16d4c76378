// When the data was built, the first and latest record it covers (the PDF's page headers show both), and the currency of its amounts (ISO 4217 or null),
// for every page's footer line and money formats.
import {currencySql} from "../../src/metrics/revenue.js";
import {readWarehouse} from "../../src/warehouse/read.js";

const [row] = await readWarehouse((db) => db.all<{first: Date; latest: Date; loaded: Date; currency: string | null}>(`SELECT min(ordered_at) AS first, max(ordered_at) AS latest, (SELECT max(loaded_at) FROM _files) AS loaded, (${currencySql}) AS currency FROM orders`));
process.stdout.write(JSON.stringify({builtAt: new Date().toISOString(), loadedAt: row.loaded?.toISOString() ?? null, firstRecord: row.first?.toISOString() ?? null, latestRecord: row.latest?.toISOString() ?? null, currency: row.currency ?? null}));
