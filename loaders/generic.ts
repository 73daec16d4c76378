/**
 * The generic loader: CSV, JSON or Parquet files named after an entity
 * (orders.csv, customers.json, nps_responses.parquet, ...) whose columns
 * already carry the model's names load with no configuration at all. Other
 * names are mapped in rapport.config.json. Times must be ISO 8601 unless the
 * config gives dateFormats; a missing order status means "completed".
 */
import type {SourceDefinition} from "../src/ingest/source.js";

export const generic: SourceDefinition = {
  name: "generic",
  title: "CSV, JSON or Parquet in the model's own columns",
  exports: [
    {entity: "customers", title: "customers", name: /^(customers?|contacts|accounts)([._-].*)?\.(csv|tsv|json|ndjson|jsonl|parquet)$/i},
    {entity: "orders", title: "orders", name: /^(orders?|transactions?|purchases?)([._-].*)?\.(csv|tsv|json|ndjson|jsonl|parquet)$/i, columns: {status: {default: "completed"}}},
    {entity: "nps_responses", title: "NPS responses", name: /^(nps_responses|nps|surveys?)([._-].*)?\.(csv|tsv|json|ndjson|jsonl|parquet)$/i},
    {entity: "ratings", title: "ratings", name: /^(ratings?|reviews?)([._-].*)?\.(csv|tsv|json|ndjson|jsonl|parquet)$/i},
    {entity: "tickets", title: "support tickets", name: /^(tickets?|support)([._-].*)?\.(csv|tsv|json|ndjson|jsonl|parquet)$/i},
    {entity: "subscriptions", title: "subscriptions", name: /^(subscriptions?)([._-].*)?\.(csv|tsv|json|ndjson|jsonl|parquet)$/i}
  ]
};
