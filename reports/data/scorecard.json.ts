// The relationship scorecard by month and by quarter, as `rapport metrics scorecard` prints it.
// Computed once per refresh by src/results/scorecard.ts (its comment has the definitions and what is withheld)
// and stored beside the warehouse (src/warehouse/results.ts); this loader writes the stored table.
import {publishTable} from "../../src/results/stored.js";

await publishTable("scorecard.json");
