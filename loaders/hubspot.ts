/**
 * HubSpot: the contacts and deals exports (Contacts or Deals → Export, CSV).
 * Dates come as "2024-01-15 10:23" or, with US account settings, "01/15/2024
 * 10:23 AM". A deal counts as an order once it is closed: "Closed won" is a
 * completed order, "Closed lost" a cancelled one, and open deals are skipped.
 * A deal belongs to its first associated contact.
 */
import type {SourceDefinition} from "../src/ingest/source.js";

const dateFormats = ["%Y-%m-%d %H:%M", "%m/%d/%Y %I:%M %p", "%m/%d/%Y %H:%M", "%m/%d/%Y"];
const stage = (column: (name: string) => string) => `lower(replace(trim(${column("Deal Stage")}), ' ', ''))`;

export const hubspot: SourceDefinition = {
  name: "hubspot",
  title: "HubSpot",
  exports: [
    {
      entity: "customers",
      title: "HubSpot contacts",
      name: /contacts?/i,
      signature: ["Record ID", "Create Date", "Email"],
      dateFormats,
      columns: {
        id: {column: "Record ID"},
        created_at: {column: "Create Date"},
        name: {sql: (c) => `nullif(concat_ws(' ', nullif(trim(${c("First Name")}), ''), nullif(trim(${c("Last Name")}), '')), '')`},
        email: {column: "Email"},
        phone: {column: ["Phone Number", "Mobile Phone Number"]},
        segment: {column: ["Segment", "Company size", "Lifecycle Stage"]},
        region: {column: ["Country/Region", "Country"]},
        plan: {column: ["Plan"]},
        channel: {
          column: ["Original Source", "Original source"],
          values: {organic_search: "organic", "organic search": "organic", paid_search: "paid_search", "paid search": "paid_search", social_media: "social", "organic social": "social", paid_social: "social", "paid social": "social", referrals: "referral", direct_traffic: "direct", "direct traffic": "direct", email_marketing: "email", "email marketing": "email", offline: "offline", offline_sources: "offline", "offline sources": "offline", other_campaigns: "other", "other campaigns": "other"}
        }
      }
    },
    {
      entity: "orders",
      title: "HubSpot deals",
      name: /deals?/i,
      signature: ["Record ID", "Deal Stage", "Amount"],
      dateFormats,
      skip: {when: (c) => `${stage(c)} NOT IN ('closedwon', 'closedlost')`, reason: "open deal (neither won nor lost yet)"},
      columns: {
        id: {column: "Record ID"},
        customer_id: {sql: (c) => `nullif(trim(split_part(coalesce(${c("Associated Contact IDs")}, ${c("Associated Contact ID")}, ''), ';', 1)), '')`},
        ordered_at: {column: "Close Date"},
        amount: {column: "Amount"},
        currency: {column: ["Currency", "Deal currency code"]},
        status: {sql: (c) => `CASE ${stage(c)} WHEN 'closedwon' THEN 'completed' WHEN 'closedlost' THEN 'cancelled' ELSE ${c("Deal Stage")} END`}
      }
    }
  ]
};
