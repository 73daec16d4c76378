/**
 * Shopify: customers_export.csv and orders_export.csv (Customers or Orders →
 * Export → CSV for Excel, Numbers, or other spreadsheet programs). Shopify
 * keys orders by e-mail, not by customer id, so a Shopify customer's id is
 * their lower-cased e-mail (phone-only customers keep Shopify's id). Shopify
 * writes one line per line item and repeats the order only on its first line:
 * the other lines are skipped. "Created at" carries an offset
 * ("2024-01-15 10:23:45 -0500"). The customers export has no creation date:
 * it is the first order's time.
 */
import {col, plainNumber, type SourceDefinition} from "../src/ingest/source.js";

const financial = `lower(trim(coalesce(${col("Financial Status")}, '')))`;

export const shopify: SourceDefinition = {
  name: "shopify",
  title: "Shopify",
  exports: [
    {
      entity: "customers",
      title: "Shopify customers",
      name: /customers?/i,
      signature: ["Customer ID", "First Name", "Last Name", "Email", "Total Spent"],
      columns: {
        id: {sql: `coalesce(nullif(lower(trim(${col("Email")})), ''), 'shopify:' || trim(${col("Customer ID")}))`},
        name: {sql: `nullif(concat_ws(' ', nullif(trim(${col("First Name")}), ''), nullif(trim(${col("Last Name")}), '')), '')`},
        email: {column: "Email"},
        // "CSV for Excel" prefixes phones and zips with ' so Excel keeps them as text.
        phone: {sql: (c) => `ltrim(coalesce(nullif(trim(${c("Phone")}), ''), ${c("Default Address Phone")}), chr(39))`},
        region: {column: ["Default Address Country Code", "Country"]},
        segment: {column: ["Tags"]}
      }
    },
    {
      entity: "orders",
      title: "Shopify orders",
      name: /orders?/i,
      signature: ["Name", "Email", "Financial Status", "Total", "Created at"],
      skip: {when: `${financial} IN ('', 'pending', 'authorized', 'partially_paid', 'expired')`, reason: "a further line item of an order, or an order not paid yet"},
      columns: {
        id: {column: ["Id", "Name"]},
        customer_id: {sql: `lower(trim(${col("Email")}))`},
        ordered_at: {column: "Created at"},
        amount: {
          sql: (c) => `CASE WHEN ${financial} = 'partially_refunded' THEN (${plainNumber(c("Total"))} - coalesce(${plainNumber(c("Refunded Amount"))}, 0))::VARCHAR ELSE ${c("Total")} END`
        },
        currency: {column: "Currency"},
        status: {sql: (c) => `CASE WHEN nullif(trim(${c("Cancelled at")}), '') IS NOT NULL OR ${financial} = 'voided' THEN 'cancelled' WHEN ${financial} IN ('paid', 'partially_refunded') THEN 'completed' WHEN ${financial} = 'refunded' THEN 'refunded' ELSE ${col("Financial Status")} END`}
      }
    }
  ]
};
