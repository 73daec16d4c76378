import {describe, expect, it} from "vitest";
import {generateSample} from "../../src/sample/generate.js";
import {formatCsv} from "../../src/sample/csv.js";
import {random} from "../../src/sample/random.js";

describe("generateSample", () => {
  const data = generateSample({customers: 400, seed: 7});

  it("generateSample(options) is deterministic for a seed and differs across seeds", () => {
    expect(generateSample({customers: 400, seed: 7})).toEqual(data);
    expect(generateSample({customers: 400, seed: 8}).orders).not.toEqual(data.orders);
  });

  it("generateSample(options) writes the requested customers, each with a first completed order on its creation", () => {
    expect(data.customers).toHaveLength(400);
    const first = new Map<unknown, Record<string, unknown>>();
    for (const order of data.orders) if (!first.has(order.customer_id)) first.set(order.customer_id, order);
    expect(first.size).toBe(400);
    for (const customer of data.customers) {
      const order = first.get(customer.id)!;
      expect(order.status).toBe("completed");
      expect(order.ordered_at).toBe(customer.created_at);
    }
  });

  it("generateSample(options) keeps every record inside the period and refers only to known customers", () => {
    const ids = new Set(data.customers.map((c) => c.id));
    const inPeriod = (t: unknown) => String(t) >= "2023-11-01" && String(t) < "2026-11-01";
    for (const o of data.orders) expect(ids.has(o.customer_id) && inPeriod(o.ordered_at) && Number(o.amount) > 0).toBe(true);
    for (const r of data.nps_responses) expect(ids.has(r.customer_id) && inPeriod(r.responded_at) && Number(r.score) >= 0 && Number(r.score) <= 10).toBe(true);
    for (const t of data.tickets) {
      expect(ids.has(t.customer_id) && inPeriod(t.opened_at)).toBe(true);
      if (t.first_response_at) expect(t.first_response_at >= t.opened_at).toBe(true);
      if (t.resolved_at) expect(t.resolved_at >= t.first_response_at).toBe(true);
    }
  });

  it("generateSample(options) gives ids that are unique and ordered by time", () => {
    for (const rows of [data.orders, data.nps_responses, data.tickets]) {
      expect(new Set(rows.map((r) => r.id)).size).toBe(rows.length);
    }
    const times = data.orders.map((o) => String(o.ordered_at));
    expect([...times].sort()).toEqual(times);
  });

  it("generateSample(options) has channels that retain differently: referral customers order more than social ones", () => {
    const big = generateSample({customers: 3000, seed: 42});
    const channel = new Map(big.customers.map((c) => [c.id, c.channel]));
    const perCustomer = (name: string) =>
      big.orders.filter((o) => channel.get(o.customer_id) === name).length / big.customers.filter((c) => c.channel === name).length;
    expect(perCustomer("referral")).toBeGreaterThan(1.5 * perCustomer("social"));
  });
});

describe("random", () => {
  it("random(seed) repeats its sequence and draws gamma variates with the right mean", () => {
    const a = random(1);
    const b = random(1);
    expect([a(), a(), a()]).toEqual([b(), b(), b()]);
    const rng = random(3);
    const n = 20_000;
    let sum = 0;
    for (let i = 0; i < n; ++i) sum += rng.gamma(0.5, 4);
    expect(sum / n).toBeCloseTo(2, 1);
  });
});

describe("formatCsv", () => {
  it("formatCsv(rows) quotes only the fields that need it", () => {
    expect(formatCsv([{a: "plain", b: 'say "hi", twice', c: " padded", d: null}])).toBe('a,b,c,d\nplain,"say ""hi"", twice"," padded",\n');
    expect(formatCsv([])).toBe("");
  });
});
