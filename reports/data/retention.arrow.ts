// The cohort retention triangle (Arrow), as `rapport metrics retention --by … --period …` computes it.
// Computed once per refresh by src/results/retention.ts (its comment has the definitions and what is withheld)
// and stored beside the warehouse (src/warehouse/results.ts); this loader writes the stored table.
import {publishTable} from "../../src/results/stored.js";

await publishTable("retention.arrow");
