/**
 * Stripe: the customers export and the payments export (Dashboard → Customers
 * or Payments → Export, CSV). Times are "2024-01-15 10:23:45" in UTC; amounts
 * are in major units ("12.50"); currencies lower-case ("usd"). A payment whose
 * status is Paid is a completed order, Refunded a refunded one, Failed or
 * Canceled a cancelled one. A partial refund leaves a completed order worth
 * the amount kept.
 */
import {col, plainNumber, type SourceDefinition} from "../src/ingest/source.js";


export const stripe: SourceDefinition = {
  name: "stripe",
  title: "Stripe",
  exports: [
    {
      entity: "customers",
      title: "Stripe customers",
      name: /customers?/i,
      signature: ["id", "Email", "Created (UTC)"],
      dateFormats: ["%Y-%m-%d %H:%M:%S", "%Y-%m-%d %H:%M"],
      columns: {
        id: {column: "id"},
        created_at: {column: "Created (UTC)"},
        name: {column: "Name"},
        email: {column: "Email"},
        phone: {column: "Phone"},
        region: {column: ["Address Country", "Card Address Country", "Shipping Address Country"]},
        plan: {column: ["Plan", "Product"]},
        segment: {column: ["Segment", "Metadata segment"]}
      }
    },
    {
      entity: "orders",
      title: "Stripe payments",
      name: /payments?|charges?/i,
      signature: ["id", "Amount", "Currency", "Status", "Customer ID"],
      dateFormats: ["%Y-%m-%d %H:%M:%S", "%Y-%m-%d %H:%M"],
      columns: {
        id: {column: "id"},
        customer_id: {column: "Customer ID"},
        ordered_at: {column: ["Created date (UTC)", "Created (UTC)", "Created"]},
        amount: {
          sql: (c) =>
            `CASE WHEN lower(trim(${c("Status")})) IN ('paid', 'succeeded') AND coalesce(${plainNumber(c("Amount Refunded"))}, 0) > 0 ` +
            `THEN (${plainNumber(c("Amount"))} - ${plainNumber(c("Amount Refunded"))})::VARCHAR ELSE ${c("Amount")} END`
        },
        currency: {sql: `upper(trim(${col("Currency")}))`},
        status: {column: "Status", values: {paid: "completed", succeeded: "completed", refunded: "refunded", failed: "cancelled", canceled: "cancelled", cancelled: "cancelled"}}
      }
    }
  ]
};
