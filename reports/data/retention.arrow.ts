// The cohort retention triangle (Arrow), as `rapport metrics retention --by … --period …` computes it.
// Computed once per refresh by src/results/retention.ts (its comment has the definitions and what is withheld)
// and stored beside the warehouse (src/warehouse/results.ts); this loader writes the stored table.
import {publish} from "../../src/results/compute.js";

await publish("retention.arrow");
