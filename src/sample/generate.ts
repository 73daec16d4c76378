/**
 * The seeded synthetic CRM behind data/sample/: customers, orders, NPS
 * responses and support tickets of a subscription-style online business over
 * three years. It is built to exercise every report with effects a reader can
 * find again:
 *
 * - acquisition grows over time and peaks in November–December;
 * - purchases follow a BG/NBD-like process (a Poisson rate per customer, a
 *   chance to drop out after each purchase), with acquisition channels that
 *   retain differently (referral best, social worst);
 * - spend scales with segment (SMB < Mid-market < Enterprise);
 * - 4% of orders are refunded and 3% cancelled;
 * - support response times doubled in Q2–Q3 2025, and a customer whose
 *   ticket waited more than a day scores NPS lower for the next 60 days;
 * - NPS drifts down slowly over the three years.
 *
 * Pure: the same options give the same rows. Times are UTC ISO strings.
 * `simulateSample` hands the rows over one at a time, customer by customer,
 * so a benchmark-sized CRM (millions of orders) need not sit in memory as
 * objects; `generateSample` collects them, ordered and numbered by time.
 */
import {random, type Random} from "./random.js";

export interface SampleOptions {
  customers: number;
  seed: number;
  /** First acquisition day (inclusive), YYYY-MM-DD. */
  start?: string;
  /** End of the data (exclusive), YYYY-MM-DD. */
  end?: string;
  /**
   * Multiplies each customer's purchase rate and divides their chance of
   * dropping out after a purchase (default 1: about 2.75 orders a customer
   * over the three years). See sampleScale in scale.ts to aim at a number of
   * orders per customer.
   */
  activity?: number;
  /** Multiplies the chance (0.3) that a completed order brings a survey answer (default 1; at most one every 90 days). */
  surveys?: number;
  /** Multiplies the rate of support tickets (default 1: about one a year while a customer is active). */
  tickets?: number;
}

/** Receives the rows of simulateSample as they are made: customers in id order, the rest per customer, with their time in ms. */
export interface SampleSink {
  customer(row: Record<string, string | number>): void;
  order(t: number, row: Record<string, string | number>): void;
  response(t: number, row: Record<string, string | number>): void;
  ticket(t: number, row: Record<string, string | number>): void;
}

export interface SampleData {
  customers: Record<string, string | number>[];
  orders: Record<string, string | number>[];
  nps_responses: Record<string, string | number>[];
  tickets: Record<string, string | number>[];
}

const DAY = 86_400_000;
const MONTH = 30.4375 * DAY;
const HOUR = 3_600_000;

const channels = [
  // name, share, purchase-rate multiplier, dropout beta(a, b), NPS shift
  ["organic", 35, 1.0, 1.0, 3.0, 0.2],
  ["paid_search", 25, 0.9, 1.3, 2.5, -0.1],
  ["social", 15, 0.7, 1.6, 2.0, -0.3],
  ["referral", 15, 1.3, 0.8, 4.0, 0.5],
  ["partner", 10, 1.1, 1.0, 3.5, 0.1]
] as const;
const segments = [["SMB", 60, 1], ["Mid-market", 30, 2.5], ["Enterprise", 10, 6]] as const;
const regions = [["North America", 40], ["EMEA", 35], ["APAC", 15], ["LATAM", 10]] as const;
const plans = [["basic", 50], ["pro", 35], ["premium", 15]] as const;
const firstNames = ["Ada", "Ben", "Chloé", "Dmitri", "Elena", "Farah", "Gustavo", "Hana", "Ivan", "Jonas", "Kemi", "Liam", "Mei", "Nora", "Omar", "Priya", "Quentin", "Rosa", "Sven", "Tariq", "Uma", "Viktor", "Wen", "Ximena", "Yusuf", "Zoë"];
const lastNames = ["Abara", "Bianchi", "Castellanos", "Dubois", "Eriksen", "Fujimoto", "García", "Hoffmann", "Iyer", "Jansen", "Kowalski", "Lindqvist", "Moreau", "Nakamura", "Okafor", "Petrov", "Quispe", "Rossi", "Schmidt", "Tanaka", "Urquhart", "Varga", "Whitfield", "Xu", "Yilmaz", "Zimmermann"];

const comments = {
  promoter: ["Love the product, the support team was fantastic", "Great value and fast delivery", "Excellent service, I recommend it to colleagues", "Easy to use and reliable", "Amazing experience every time", "Happy with the quality and the friendly staff"],
  passive: ["Good overall but pricing could be better", "Fine, it does the job", "Decent product, delivery was a bit slow", "OK experience, nothing special", "Useful, though the app is confusing at times"],
  detractor: ["Terrible support, I waited days for a reply", "Too expensive for what you get", "Disappointed with the quality", "Slow response and unhelpful answers", "Billing problems again, very frustrating", "Broken on arrival and nobody helped"]
};
const ticketTexts = ["Where is my order?", "I was charged twice this month", "How do I change my plan?", "The app crashes when I export", "Please cancel my subscription", "Wrong item delivered", "Cannot log in after the update", "Invoice address needs correcting"];

export function generateSample(options: SampleOptions): SampleData {
  const customers: SampleData["customers"] = [];
  const orders: {t: number; row: Record<string, string | number>}[] = [];
  const responses: {t: number; row: Record<string, string | number>}[] = [];
  const tickets: {t: number; row: Record<string, string | number>}[] = [];
  simulateSample(options, {
    customer: (row) => customers.push(row),
    order: (t, row) => orders.push({t, row}),
    response: (t, row) => responses.push({t, row}),
    ticket: (t, row) => tickets.push({t, row})
  });
  // A stable sort: rows at the same instant keep the order they were made in.
  const numbered = <T extends {t: number; row: Record<string, string | number>}>(rows: T[], prefix: string, width: number) =>
    rows
      .sort((a, b) => a.t - b.t)
      .map(({row}, i) => ({id: sampleId(prefix, i + 1, width), ...row}));
  return {
    customers,
    orders: numbered(orders, ...sampleIds.orders),
    nps_responses: numbered(responses, ...sampleIds.nps_responses),
    tickets: numbered(tickets, ...sampleIds.tickets)
  };
}

/** Id prefix and zero-padded width of the rows numbered by time. */
export const sampleIds = {orders: ["o", 7], nps_responses: ["n", 6], tickets: ["t", 6]} as const;

export function sampleId(prefix: string, i: number, width: number): string {
  return `${prefix}-${String(i).padStart(width, "0")}`;
}

/** Runs the simulation and passes every row to sink as it is made (unnumbered, unsorted across customers). */
export function simulateSample({customers: count, seed, start = "2023-11-01", end = "2026-11-01", activity = 1, surveys = 1, tickets: ticketScale = 1}: SampleOptions, sink: SampleSink): void {
  const rng = random(seed);
  const t0 = Date.parse(`${start}T00:00:00Z`);
  const t1 = Date.parse(`${end}T00:00:00Z`);
  const months = Math.round((t1 - t0) / MONTH);
  const surveyChance = 0.3 * surveys;
  const ticketRate = (0.08 * ticketScale) / MONTH;

  const acquisition = Array.from({length: months}, (_, m) => [m, (1 + m / months) * seasonality(addMonths(t0, m))] as const);
  const created = Array.from({length: count}, () => {
    const m = rng.pick(acquisition);
    const from = addMonths(t0, m);
    return from + rng() * (addMonths(t0, m + 1) - from);
  }).sort((a, b) => a - b);
  const channelWeights = channels.map((c) => [c, c[1]] as const);
  const segmentWeights = segments.map((s) => [s, s[1]] as const);

  created.forEach((createdAt, i) => {
    const id = `c-${String(i + 1).padStart(5, "0")}`;
    const [channel, , rateScale, dropA, dropB, npsShift] = rng.pick(channelWeights);
    const [segment, , spendScale] = rng.pick(segmentWeights);
    const first = firstNames[rng.int(0, firstNames.length - 1)];
    const last = lastNames[rng.int(0, lastNames.length - 1)];
    const person = {
      id,
      created_at: iso(createdAt),
      name: `${first} ${last}`,
      email: `${ascii(first)}.${ascii(last)}.${i + 1}@example.com`,
      phone: `+44 20 7946 ${String(rng.int(0, 999)).padStart(4, "0")}`,
      segment,
      plan: rng.pick(plans),
      region: rng.pick(regions),
      channel
    };
    sink.customer(person);

    const rate = rng.gamma(1.5, (0.35 * rateScale) / 1.5) * activity; // purchases a month while alive
    const dropout = rng.beta(dropA, dropB) / activity;
    const meanSpend = rng.gamma(3, 40 / 3) * spendScale;
    const satisfaction = rng.normal() + npsShift;
    const slowTickets: number[] = [];
    let lastSurvey = -Infinity;
    let t = createdAt;
    let alive = true;
    while (alive && t < t1) {
      const status = t !== createdAt ? rng.pick(statuses) : "completed";
      sink.order(t, {customer_id: id, ordered_at: iso(t), amount: round2(rng.gamma(6, meanSpend / 6)), currency: "USD", status});
      if (status === "completed" && t - lastSurvey > 90 * DAY && rng() < surveyChance) {
        lastSurvey = t;
        const respondedAt = t + rng.int(1, 6) * DAY + rng() * DAY;
        if (respondedAt < t1) sink.response(respondedAt, survey(rng, id, respondedAt, satisfaction, t0, slowTickets, person));
      }
      alive = rng() >= dropout;
      const next = nextPurchase(rng, t, rate);
      // Tickets arrive while the customer is active, at about one a year.
      for (let s = t + rng.exponential(ticketRate); s < Math.min(next, t1); s += rng.exponential(ticketRate)) {
        const ticket = supportTicket(rng, id, s, t1);
        sink.ticket(s, ticket.row);
        if (ticket.waitedHours > 24) slowTickets.push(s);
      }
      t = next;
    }
  });
}

const statuses = [["completed", 93], ["refunded", 4], ["cancelled", 3]] as const;

function nextPurchase(rng: Random, from: number, rate: number): number {
  // Thinning: a Poisson process whose intensity follows the seasons.
  let t = from;
  do t += rng.exponential(rate / MONTH) * 1;
  while (rng() > seasonality(t) / 1.3);
  return t;
}

function survey(
  rng: Random,
  customer: string,
  t: number,
  satisfaction: number,
  t0: number,
  slowTickets: number[],
  person: Record<string, string | number>
): Record<string, string | number> {
  const years = (t - t0) / (365.25 * DAY);
  const slow = slowTickets.some((s) => s <= t && t - s < 60 * DAY);
  const latent = 8.3 + 1.7 * satisfaction - 0.35 * years - (slow ? 2 : 0) + rng.normal() * 0.8;
  const score = Math.max(0, Math.min(10, Math.round(latent)));
  const group = score >= 9 ? "promoter" : score >= 7 ? "passive" : "detractor";
  let comment = "";
  if (rng() < 0.55) {
    comment = slow && group === "detractor" && rng() < 0.6 ? "Slow response and unhelpful answers" : comments[group][rng.int(0, comments[group].length - 1)];
    // A few people write their own contact details, as they do in real surveys.
    if (rng() < 0.03) comment += `. Call me on ${person.phone} or write to ${person.email}`;
  }
  return {customer_id: customer, responded_at: iso(t), score, comment};
}

function supportTicket(rng: Random, customer: string, opened: number, end: number) {
  const channel = rng.pick([["email", 50], ["chat", 30], ["phone", 20]] as const);
  const median = {email: 5, chat: 0.1, phone: 0.05}[channel]; // hours
  const month = new Date(opened).toISOString().slice(0, 7);
  const backlog = month >= "2025-04" && month <= "2025-09" ? 2.2 : 1; // the slow quarters
  const waitedHours = median * backlog * Math.exp(rng.normal() * 1.1);
  const firstResponse = opened + waitedHours * HOUR;
  const resolved = firstResponse + {email: 20, chat: 1.5, phone: 4}[channel] * Math.exp(rng.normal()) * HOUR;
  const csat = rng() < 0.45 ? Math.max(1, Math.min(5, Math.round(4.4 - 0.7 * Math.log10(waitedHours / median) - (backlog > 1 ? 0.5 : 0) + rng.normal() * 0.7))) : "";
  return {
    waitedHours,
    row: {
      customer_id: customer,
      opened_at: iso(opened),
      first_response_at: firstResponse < end ? iso(firstResponse) : "",
      resolved_at: resolved < end ? iso(resolved) : "",
      channel,
      csat: firstResponse < end ? csat : "",
      text: ticketTexts[rng.int(0, ticketTexts.length - 1)]
    }
  };
}

function seasonality(t: number): number {
  const month = new Date(t).getUTCMonth(); // peak in late November/December
  return 1 + 0.3 * Math.cos((2 * Math.PI * (month - 10.5)) / 12);
}

function addMonths(t: number, months: number): number {
  const d = new Date(t);
  return Date.UTC(d.getUTCFullYear(), d.getUTCMonth() + months, 1);
}

function iso(t: number): string {
  return new Date(Math.floor(t / 1000) * 1000).toISOString().replace(".000Z", "Z");
}

function round2(x: number): number {
  return Math.round(x * 100) / 100;
}

function ascii(s: string): string {
  return s.normalize("NFD").replace(/[^A-Za-z]/g, "").toLowerCase();
}
