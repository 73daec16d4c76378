// Churn per week, month and quarter, for all customers and per segment, region and channel.
// Computed once per refresh by src/results/churn.ts (its comment has the definitions and what is withheld)
// and stored beside the warehouse (src/warehouse/results.ts); this loader writes the stored table.
import {publishTable} from "../../src/results/stored.js";

await publishTable("churn.json");
