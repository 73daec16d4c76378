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
import {expectedPurchasesEach, type BgNbdParameters, type RfmGroup} from "./bgnbd.js";
import {expectedPurchasesCurve, expectedPurchasesEachOf, type PurchaseFit} from "./purchases.js";
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

/** BG/NBD parameters, or any fitted purchase model (purchases.ts). */
type Purchases = BgNbdParameters | PurchaseFit;

/** E[Y(i·m)] for i = 1 … months: the cumulative expected purchases at each month's end (the models' …Each functions: bit for bit each horizon's). */
const monthly = (purchases: Purchases, customer: RfmGroup, m: number, months: number) => {
  const ts = Array.from({length: months}, (_, i) => (i + 1) * m);
  return "model" in purchases ? expectedPurchasesEachOf(purchases, ts, customer) : expectedPurchasesEach(purchases, ts, customer);
};

export function customerLifetimeValue(
  purchases: Purchases,
  spend: GammaGammaParameters,
  customer: RfmGroup & {zbar: number},
  {unit, months = 12, discount = 0.01}: ClvOptions
): number {
  const m = monthInUnits(unit);
  const value = expectedSpend(spend, customer.x, customer.zbar);
  const curve = monthly(purchases, customer, m, months);
  let clv = 0;
  let previous = 0;
  for (let i = 1; i <= months; ++i) {
    const cumulative = curve[i - 1];
    clv += ((cumulative - previous) * value) / Math.pow(1 + discount, i);
    previous = cumulative;
  }
  return clv;
}

/**
 * The discounted expected purchases of customerLifetimeValue without the
 * spend: Σ_{i=1..H} (E[Y(i·m)] − E[Y((i−1)·m)]) / (1 + d)^i. It depends on
 * (x, t_x, T) only, so a page that values a million customers computes it
 * once per distinct triple and multiplies by each customer's expected spend:
 * CLV = discountedPurchases × E(M | x, zbar), equal to customerLifetimeValue
 * up to rounding.
 */
export function discountedPurchases(purchases: Purchases, customer: RfmGroup, options: ClvOptions): number {
  return discountedPurchasesOf(purchases, options)(customer);
}

/**
 * discountedPurchases(purchases, ·, options) for many customers, bit for bit: with a fitted model, the ₂F₁
 * series of the expected purchases are computed once per (x, T) (purchases.ts, expectedPurchasesCurve).
 */
export function discountedPurchasesOf(purchases: Purchases, {unit, months = 12, discount = 0.01}: ClvOptions): (customer: RfmGroup) => number {
  const m = monthInUnits(unit);
  const ts = Array.from({length: months}, (_, i) => (i + 1) * m);
  const curveOf = "model" in purchases ? expectedPurchasesCurve(purchases, ts) : (customer: RfmGroup) => expectedPurchasesEach(purchases, ts, customer);
  return (customer) => {
    const curve = curveOf(customer);
    let total = 0;
    let previous = 0;
    for (let i = 1; i <= months; ++i) {
      const cumulative = curve[i - 1];
      total += (cumulative - previous) / Math.pow(1 + discount, i);
      previous = cumulative;
    }
    return total;
  };
}
