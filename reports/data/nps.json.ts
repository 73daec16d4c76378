// NPS per month and quarter, for all customers and per segment, region and channel, with its tests.
// Computed once per refresh by src/results/nps.ts (its comment has the definitions and what is withheld)
// and stored beside the warehouse (src/warehouse/results.ts); this loader writes the stored table.
import {publishTable} from "../../src/results/stored.js";

await publishTable("nps.json");
