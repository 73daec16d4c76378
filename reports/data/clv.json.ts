// Customer lifetime value for the Lifetime value page, as `rapport metrics clv --by …` computes it.
// Computed once per refresh by src/results/clv.ts (its comment has the definitions and what is withheld)
// and stored beside the warehouse (src/warehouse/results.ts); this loader writes the stored table.
import {publishTable} from "../../src/results/stored.js";

await publishTable("clv.json");
