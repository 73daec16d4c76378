// The figures of each segment, region and channel page (reports/[kind]/[group].md).
// Computed once per refresh by src/results/groups.ts (its comment has the definitions and what is withheld)
// and stored beside the warehouse (src/warehouse/results.ts); this loader writes the stored table.
import {publishTable} from "../../src/results/stored.js";

await publishTable("groups.json");
