// The data-quality summary of the last load: files, reject reasons, coverage, stale data.
// Computed once per refresh by src/results/quality.ts (its comment has the definitions and what is withheld)
// and stored beside the warehouse (src/warehouse/results.ts); this loader writes the stored table.
import {publish} from "../../src/results/compute.js";

await publish("quality.json");
