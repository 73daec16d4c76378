// When the data was built and the latest record it covers, for every page's footer line.
import {readWarehouse} from "../../src/warehouse/read.js";

const [row] = await readWarehouse((db) => db.all<{latest: Date; loaded: Date}>(`SELECT max(ordered_at) AS latest, (SELECT max(loaded_at) FROM _files) AS loaded FROM orders`));
process.stdout.write(JSON.stringify({builtAt: new Date().toISOString(), loadedAt: row.loaded?.toISOString() ?? null, latestRecord: row.latest?.toISOString() ?? null}));
