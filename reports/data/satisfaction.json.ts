// Satisfaction from star ratings and reviews, per month and quarter and per group.
// Computed once per refresh by src/results/satisfaction.ts (its comment has the definitions and what is withheld)
// and stored beside the warehouse (src/warehouse/results.ts); this loader writes the stored table.
import {publishTable} from "../../src/results/stored.js";

await publishTable("satisfaction.json");
