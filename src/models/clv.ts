/**
 * Predictive customer lifetime value: expected purchases (BG/NBD) times
 * expected spend (Gamma-Gamma), month by month over a horizon, each month
 * discounted at a monthly rate:
 *
 *   CLV = Σ_{i=1..H} (E[Y(i·m)] − E[Y((i−1)·m)]) · E(M) / (1 + d)^i
 *
 * where m is a month in the model's time unit (30.4375 days, or 30.4375/7
 * weeks). In the orders' currency, net of refunds (spend is fit on completed
 * orders). This is the discounted-cash-flow form lifetimes uses; note that
 * lifetimes' own CDNOW example runs weekly data with the daily month length,
 * so its numbers are not a reference.
 */
import {expectedPurchases, type BgNbdParameters, type RfmGroup} from "./bgnbd.js";
import {expectedSpend, type GammaGammaParameters} from "./gammagamma.js";

export type TimeUnit = "day" | "week";

export const daysPerMonth = 30.4375;

export function monthInUnits(unit: TimeUnit): number {
  return unit === "day" ? daysPerMonth : daysPerMonth / 7;
}

export interface ClvOptions {
  unit: TimeUnit;
  /** Months ahead (default 12). */
  months?: number;
  /** Monthly discount rate (default 0.01). */
  discount?: number;
}

export function customerLifetimeValue(
  purchases: BgNbdParameters,
  spend: GammaGammaParameters,
  customer: RfmGroup & {zbar: number},
  {unit, months = 12, discount = 0.01}: ClvOptions
): number {
  const m = monthInUnits(unit);
  const value = expectedSpend(spend, customer.x, customer.zbar);
  let clv = 0;
  let previous = 0;
  for (let i = 1; i <= months; ++i) {
    const cumulative = expectedPurchases(purchases, i * m, customer);
    clv += ((cumulative - previous) * value) / Math.pow(1 + discount, i);
    previous = cumulative;
  }
  return clv;
}

/**
 * The purchases part of customerLifetimeValue: Σ_{i=1..H} (E[Y(i·m)] −
 * E[Y((i−1)·m)]) / (1 + d)^i, which depends on (x, t_x, T) only, so that
 * the CLV of many customers sharing them is this times their total expected
 * spend (totalExpectedSpend in gammagamma.ts).
 */
export function discountedPurchases(purchases: BgNbdParameters, customer: RfmGroup, {unit, months = 12, discount = 0.01}: ClvOptions): number {
  const m = monthInUnits(unit);
  let total = 0;
  let previous = 0;
  for (let i = 1; i <= months; ++i) {
    const cumulative = expectedPurchases(purchases, i * m, customer);
    total += (cumulative - previous) / Math.pow(1 + discount, i);
    previous = cumulative;
  }
  return total;
}
