/**
 * The rapport data model: the six entities every export is mapped onto,
 * defined once with zod. The TypeScript types come from these schemas, and so
 * do the checks that run on the data in DuckDB (see columns.ts and
 * src/ingest/sql.ts): a field's type says how a raw text value is parsed,
 * optional() says it may be empty, min/max bound numbers, enums list the
 * accepted values, and meta({personal: true}) marks personal data that must
 * never reach the published site.
 *
 * Times are instants, stored as UTC TIMESTAMPs. Money is in the currency
 * named on the row, in major units (dollars, not cents).
 */
import {z} from "zod";

const id = z.string().min(1);
const text = z.string();
const personal = {personal: true} as const;

export const customerSchema = z.object({
  id,
  created_at: z.date().optional().meta({description: "when absent, the time of the customer's first order"}),
  segment: text.optional(),
  plan: text.optional(),
  region: text.optional(),
  channel: text.optional().meta({description: "acquisition channel"}),
  name: text.optional().meta(personal),
  email: text.optional().meta(personal),
  phone: text.optional().meta(personal)
});

export const orderStatuses = ["completed", "refunded", "cancelled"] as const;

export const orderSchema = z.object({
  id,
  customer_id: id,
  ordered_at: z.date(),
  amount: z.number(),
  currency: text.optional(),
  status: z.enum(orderStatuses)
});

export const npsResponseSchema = z.object({
  id,
  customer_id: id,
  responded_at: z.date(),
  score: z.number().int().min(0).max(10),
  comment: text.optional().meta(personal)
});

/**
 * A star rating or review score on its own scale (1–5 stars, 1–7, 1–10):
 * satisfaction, never NPS. The scale travels with every row, so ratings of
 * different scales are never mixed unnoticed; score may be fractional (an
 * average of sub-scores) but lies within [scale_min, scale_max]. order_id is
 * the order rated, when the export says.
 */
export const ratingSchema = z.object({
  id,
  customer_id: id,
  order_id: text.optional(),
  rated_at: z.date(),
  score: z.number(),
  scale_min: z.number().int(),
  scale_max: z.number().int(),
  comment: text.optional().meta(personal)
});

export const ticketSchema = z.object({
  id,
  customer_id: id,
  opened_at: z.date(),
  first_response_at: z.date().optional(),
  resolved_at: z.date().optional(),
  channel: text.optional(),
  csat: z.number().int().min(1).max(5).optional(),
  text: text.optional().meta(personal)
});

export const subscriptionSchema = z.object({
  id,
  customer_id: id,
  started_at: z.date(),
  ended_at: z.date().optional(),
  mrr: z.number().min(0)
});

export type Customer = z.infer<typeof customerSchema>;
export type Order = z.infer<typeof orderSchema>;
export type NpsResponse = z.infer<typeof npsResponseSchema>;
export type Rating = z.infer<typeof ratingSchema>;
export type Ticket = z.infer<typeof ticketSchema>;
export type Subscription = z.infer<typeof subscriptionSchema>;

export const entities = {
  customers: customerSchema,
  orders: orderSchema,
  nps_responses: npsResponseSchema,
  ratings: ratingSchema,
  tickets: ticketSchema,
  subscriptions: subscriptionSchema
} as const;

export type Entity = keyof typeof entities;
export const entityNames = Object.keys(entities) as Entity[];

/** Loading order: customers first, so references to them can be checked. */
export const loadOrder: readonly Entity[] = ["customers", "orders", "nps_responses", "ratings", "tickets", "subscriptions"];

/** The time column that says how recent an entity's data is. */
export const timeColumn: Record<Entity, string> = {
  customers: "created_at",
  orders: "ordered_at",
  nps_responses: "responded_at",
  ratings: "rated_at",
  tickets: "opened_at",
  subscriptions: "started_at"
};

/**
 * Rules across fields of one row, as SQL conditions that flag a bad row,
 * with the column to blame and the reason a person reads.
 */
export const rowRules: Record<Entity, {when: string; column: string; reason: string}[]> = {
  customers: [],
  orders: [{when: "status = 'completed' AND amount < 0", column: "amount", reason: "negative amount on a completed order"}],
  nps_responses: [],
  ratings: [
    {when: "scale_min >= scale_max", column: "scale_max", reason: "the scale's highest value is not above its lowest"},
    {when: "score < scale_min OR score > scale_max", column: "score", reason: "score outside the scale stated for the file (scale_min to scale_max)"}
  ],
  tickets: [
    {when: "first_response_at < opened_at", column: "first_response_at", reason: "first response before the ticket was opened"},
    {when: "resolved_at < opened_at", column: "resolved_at", reason: "resolved before the ticket was opened"}
  ],
  subscriptions: [{when: "ended_at < started_at", column: "ended_at", reason: "subscription ends before it starts"}]
};

export function isEntity(name: string): name is Entity {
  return Object.hasOwn(entities, name);
}
