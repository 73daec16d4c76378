// The data-quality summary of the last load: files, reject reasons, coverage, stale data.
// Computed once per refresh by src/results/quality.ts (its comment has the definitions and what is withheld)
// and stored beside the warehouse (src/warehouse/results.ts); this loader writes the stored table.
import {publishTable} from "../../src/results/stored.js";

await publishTable("quality.json");
