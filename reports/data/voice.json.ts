// The voice of the customer: comment emotion, languages, distinguishing words, latest comments (scrubbed).
// Computed once per refresh by src/results/voice.ts (its comment has the definitions and what is withheld)
// and stored beside the warehouse (src/warehouse/results.ts); this loader writes the stored table.
import {publishTable} from "../../src/results/stored.js";

await publishTable("voice.json");
