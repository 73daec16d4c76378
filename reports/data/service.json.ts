// Support service times, CSAT and NPS after slow and fast first answers.
// Computed once per refresh by src/results/service.ts (its comment has the definitions and what is withheld)
// and stored beside the warehouse (src/warehouse/results.ts); this loader writes the stored table.
import {publishTable} from "../../src/results/stored.js";

await publishTable("service.json");
