// Monthly orders, customers and revenue per segment and region (Arrow), for the Overview's filter.
// Computed once per refresh by src/results/activityGroups.ts (its comment has the definitions and what is withheld)
// and stored beside the warehouse (src/warehouse/results.ts); this loader writes the stored table.
import {publishTable} from "../../src/results/stored.js";

await publishTable("activity-groups.arrow");
