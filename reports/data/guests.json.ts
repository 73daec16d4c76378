// Guest orders (no customer id) by month: count, revenue, returns and net.
// Computed once per refresh by src/results/guests.ts (its comment has the definitions and what is withheld)
// and stored beside the warehouse (src/warehouse/results.ts); this loader writes the stored table.
import {publishTable} from "../../src/results/stored.js";

await publishTable("guests.json");
