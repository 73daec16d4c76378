// Monthly orders, customers and revenue, in total and by channel (Arrow), for DuckDB in the browser.
// Computed once per refresh by src/results/monthlyActivity.ts (its comment has the definitions and what is withheld)
// and stored beside the warehouse (src/warehouse/results.ts); this loader writes the stored table.
import {publishTable} from "../../src/results/stored.js";

await publishTable("monthly-activity.arrow");
