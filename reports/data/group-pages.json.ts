// The segment, region and channel pages: kind, folder, slug and name, for the links between pages.
// Computed once per refresh by src/results/groupPages.ts (its comment has the definitions and what is withheld)
// and stored beside the warehouse (src/warehouse/results.ts); this loader writes the stored table.
import {publishTable} from "../../src/results/stored.js";

await publishTable("group-pages.json");
