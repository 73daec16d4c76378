// The relationship scorecard by month and by quarter, as `rapport metrics scorecard` prints it.
// Computed once per refresh by src/results/scorecard.ts (its comment has the definitions and what is withheld)
// and stored beside the warehouse (src/warehouse/results.ts); this loader writes the stored table.
import {publish} from "../../src/results/compute.js";

await publish("scorecard.json");
