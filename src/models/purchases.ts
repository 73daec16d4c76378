/**
 * The three models of repeat purchases rapport offers, behind one interface:
 * BG/NBD (bgnbd.ts), MBG/NBD (mbgnbd.ts) and Pareto/NBD (paretonbd.ts). All
 * fit the same (x, t_x, T) summary by maximum likelihood, and differ in when
 * a customer may leave: after a repeat purchase (BG/NBD), after any purchase
 * including the first (MBG/NBD), or at any moment (Pareto/NBD). Which one
 * describes a customer base best is an empirical question; src/metrics/clv.ts
 * answers it on a holdout period.
 */
import {expectedPurchases, fitBgNbd, probabilityAlive, type BgNbdFit, type RfmGroup} from "./bgnbd.js";
import {fitMbgNbd, mbgnbdExpectedPurchases, mbgnbdProbabilityAlive, type MbgNbdFit} from "./mbgnbd.js";
import {fitParetoNbd, paretoNbdExpectedPurchases, paretoNbdProbabilityAlive, type ParetoNbdFit} from "./paretonbd.js";

export const purchaseModels = ["bgnbd", "mbgnbd", "pareto"] as const;
export type PurchaseModelName = (typeof purchaseModels)[number];

/** A fitted purchase model: its name and its fit (parameters, log-likelihood, status). */
export type PurchaseFit = ({model: "bgnbd"} & BgNbdFit) | ({model: "mbgnbd"} & MbgNbdFit) | ({model: "pareto"} & ParetoNbdFit);

/** The names a reader sees. */
export const modelLabels: Record<PurchaseModelName, string> = {bgnbd: "BG/NBD", mbgnbd: "MBG/NBD", pareto: "Pareto/NBD"};

export function parsePurchaseModel(name: string): PurchaseModelName {
  if ((purchaseModels as readonly string[]).includes(name)) return name as PurchaseModelName;
  throw new Error(`invalid model: ${name} (expected ${purchaseModels.join(", ")})`);
}

export function fitPurchases(model: PurchaseModelName, groups: readonly RfmGroup[]): PurchaseFit {
  switch (model) {
    case "bgnbd":
      return {model, ...fitBgNbd(groups)};
    case "mbgnbd":
      return {model, ...fitMbgNbd(groups)};
    case "pareto":
      return {model, ...fitParetoNbd(groups)};
    default:
      throw new Error(`invalid model: ${model}`);
  }
}

/** E[Y(t) | x, t_x, T] under the fitted model. */
export function expectedPurchasesOf(fit: PurchaseFit, t: number, customer: RfmGroup): number {
  switch (fit.model) {
    case "bgnbd":
      return expectedPurchases(fit, t, customer);
    case "mbgnbd":
      return mbgnbdExpectedPurchases(fit, t, customer);
    case "pareto":
      return paretoNbdExpectedPurchases(fit, t, customer);
  }
}

/** P(alive | x, t_x, T) under the fitted model. */
export function probabilityAliveOf(fit: PurchaseFit, customer: RfmGroup): number {
  switch (fit.model) {
    case "bgnbd":
      return probabilityAlive(fit, customer);
    case "mbgnbd":
      return mbgnbdProbabilityAlive(fit, customer);
    case "pareto":
      return paretoNbdProbabilityAlive(fit, customer);
  }
}

/** The fitted parameters alone, by name, for display. */
export function parametersOf(fit: PurchaseFit): Record<string, number> {
  return fit.model === "pareto" ? {r: fit.r, alpha: fit.alpha, s: fit.s, beta: fit.beta} : {r: fit.r, alpha: fit.alpha, a: fit.a, b: fit.b};
}
