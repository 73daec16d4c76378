/**
 * Times to an event that has not happened for everyone yet: the time to a
 * ticket's first answer or to its solution, when some tickets are still open
 * at the data's last day. Dropping the open ones keeps only the quick cases
 * and makes service look faster than it is; counting them as censored — "at
 * least this long so far" — is what the Kaplan–Meier estimator does.
 */

export interface SurvivalStep {
  /** The time of an event (same unit as the input, e.g. hours). */
  time: number;
  /** Share of the population still without the event just after `time`, 0–1. */
  survival: number;
  /** Still waiting just before `time` (events and censored at or after it). */
  atRisk: number;
  events: number;
}

/**
 * kaplanMeier(durations, observed): the product-limit estimate of the share
 * still waiting after each event time.
 *
 * S(t) = Π over event times tᵢ ≤ t of (1 − dᵢ / nᵢ), with dᵢ events at tᵢ and
 * nᵢ still at risk just before it; a case censored at the same time as an
 * event counts as still at risk at that time (the usual convention).
 * Durations that are null, NaN or negative are ignored. Source: Kaplan &
 * Meier (1958), JASA 53(282), 457–481.
 */
export function kaplanMeier(durations: ArrayLike<number | null | undefined>, observed: ArrayLike<boolean>): SurvivalStep[] {
  const cases: {t: number; event: boolean}[] = [];
  for (let i = 0; i < durations.length; ++i) {
    const t = durations[i];
    if (t == null || !(t >= 0)) continue;
    cases.push({t, event: Boolean(observed[i])});
  }
  cases.sort((a, b) => a.t - b.t);
  const steps: SurvivalStep[] = [];
  let atRisk = cases.length;
  let survival = 1;
  for (let i = 0; i < cases.length; ) {
    const t = cases[i].t;
    let events = 0;
    let leaving = 0;
    for (; i < cases.length && cases[i].t === t; ++i, ++leaving) if (cases[i].event) ++events;
    if (events > 0) {
      survival *= 1 - events / atRisk;
      steps.push({time: t, survival, atRisk, events});
    }
    atRisk -= leaving;
  }
  return steps;
}

/**
 * survivalQuantile(steps, q): the time by which a share q (0–1) has had the
 * event — the smallest event time with S(t) ≤ 1 − q. Undefined when the
 * estimate never falls that low (too many still waiting: the quantile is
 * beyond the longest observed time, and a page should say "more than …").
 * q = 0.5 gives the median.
 */
export function survivalQuantile(steps: readonly SurvivalStep[], q: number): number | undefined {
  const target = 1 - q;
  for (const s of steps) if (s.survival <= target + 1e-12) return s.time;
  return undefined;
}
