/**
 * Aims the sample generator at a size: given orders, survey answers and
 * tickets per customer, finds the activity, surveys and tickets factors of
 * SampleOptions by running the same simulation on a pilot of customers (a
 * few thousand, same seed and period) and searching each factor in turn:
 * orders by bisection on activity, answers by bisection on surveys (a survey
 * comes at most every 90 days, so a target may be out of reach: the factor
 * then stops at a certain survey on every eligible order), tickets in
 * proportion (they arrive as a Poisson process over each customer's active
 * time). The full run lands within a few percent of each target.
 */
import {simulateSample, type SampleOptions} from "./generate.js";

export interface SampleTargets {
  ordersPerCustomer?: number;
  responsesPerCustomer?: number;
  ticketsPerCustomer?: number;
}

export type SampleScale = Pick<SampleOptions, "activity" | "surveys" | "tickets">;

export function sampleScale(targets: SampleTargets, options: SampleOptions, pilot = 5000): SampleScale {
  const measure = (scale: SampleScale) => {
    const counts = {orders: 0, responses: 0, tickets: 0};
    simulateSample(
      {...options, ...scale, customers: pilot},
      {customer() {}, order: () => ++counts.orders, response: () => ++counts.responses, ticket: () => ++counts.tickets}
    );
    return {orders: counts.orders / pilot, responses: counts.responses / pilot, tickets: counts.tickets / pilot};
  };
  const scale: SampleScale = {activity: 1, surveys: 1, tickets: 1};
  if (targets.ordersPerCustomer !== undefined) {
    if (!(targets.ordersPerCustomer >= 1)) throw new Error(`ordersPerCustomer must be at least 1 (every customer has a first order), not ${targets.ordersPerCustomer}`);
    scale.activity = bisect((activity) => measure({...scale, activity}).orders, targets.ordersPerCustomer, 1 / 64, 64);
  }
  if (targets.responsesPerCustomer !== undefined) {
    scale.surveys = bisect((surveys) => measure({...scale, surveys}).responses, targets.responsesPerCustomer, 1 / 1024, 1 / 0.3);
  }
  if (targets.ticketsPerCustomer !== undefined) {
    scale.tickets = targets.ticketsPerCustomer / measure(scale).tickets;
  }
  return scale;
}

/** The x in [lo, hi] (searched on a log scale) where the increasing f(x) meets target, to 0.2%. */
function bisect(f: (x: number) => number, target: number, lo: number, hi: number): number {
  for (let i = 0; i < 40 && hi / lo > 1.002; ++i) {
    const mid = Math.sqrt(lo * hi);
    if (f(mid) < target) lo = mid;
    else hi = mid;
  }
  return Math.sqrt(lo * hi);
}
