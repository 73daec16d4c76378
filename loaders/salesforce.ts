/**
 * Salesforce: an accounts report and an opportunities report exported as CSV
 * (Reports → Export → Details only, CSV). Dates are written in the user's
 * locale; US "1/15/2024" is assumed, set dateFormats otherwise. Amounts may
 * carry a currency code or symbol ("USD 1,234.00"). "Closed Won" is a
 * completed order, "Closed Lost" a cancelled one; open opportunities are
 * skipped.
 */
import {col, type SourceDefinition} from "../src/ingest/source.js";

const dateFormats = ["%m/%d/%Y", "%m/%d/%Y %I:%M %p", "%m/%d/%Y, %I:%M %p", "%Y-%m-%d"];
const stage = `lower(trim(${col("Stage")}))`;

export const salesforce: SourceDefinition = {
  name: "salesforce",
  title: "Salesforce",
  exports: [
    {
      entity: "customers",
      title: "Salesforce accounts report",
      name: /accounts?/i,
      signature: ["Account ID", "Account Name"],
      dateFormats,
      columns: {
        id: {column: ["Account ID", "Account ID (18)"]},
        created_at: {column: ["Created Date", "Account Created Date"]},
        name: {column: "Account Name"},
        phone: {column: "Phone"},
        segment: {column: ["Segment", "Account Segment", "Type", "Account Type"]},
        region: {column: ["Billing Country", "Billing Country/Region", "Region"]},
        channel: {column: ["Account Source", "Lead Source"]},
        plan: {column: ["Plan"]}
      }
    },
    {
      entity: "orders",
      title: "Salesforce opportunities report",
      name: /opportunit/i,
      signature: ["Opportunity ID", "Account ID", "Stage", "Close Date"],
      dateFormats,
      skip: {when: `${stage} NOT IN ('closed won', 'closed lost')`, reason: "open opportunity (neither won nor lost yet)"},
      columns: {
        id: {column: ["Opportunity ID", "Opportunity ID (18)"]},
        customer_id: {column: ["Account ID", "Account ID (18)"]},
        ordered_at: {column: "Close Date"},
        amount: {column: "Amount"},
        currency: {sql: `coalesce(nullif(trim(${col("Amount Currency")}), ''), regexp_extract(${col("Amount")}, '^\\s*([A-Z]{3})', 1))`},
        status: {sql: `CASE ${stage} WHEN 'closed won' THEN 'completed' WHEN 'closed lost' THEN 'cancelled' ELSE ${col("Stage")} END`}
      }
    }
  ]
};
