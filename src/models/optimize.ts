/**
 * Nelder–Mead minimisation (Nelder & Mead 1965; the adaptive coefficients of
 * Gao & Han 2012 for dimension n: reflection 1, expansion 1 + 2/n,
 * contraction 0.75 − 1/(2n), shrink 1 − 1/n), for the few-parameter
 * likelihoods of the CLV models.
 *
 * Why not a package: fmin 0.0.4, the usual npm choice, declares "type":
 * "module" over a UMD build and so exports nothing to Node's ESM loader, and
 * `numeric` has not been maintained since 2012. This is small and tested
 * (test/models/optimize.test.ts).
 *
 * Stops when the simplex's values differ by less than tolerance (relative)
 * and its points by less than xTolerance, or after maxIterations.
 */
export interface MinimizeOptions {
  maxIterations?: number;
  tolerance?: number;
  xTolerance?: number;
  /** Relative size of the first simplex around x0. */
  step?: number;
}

export interface Minimum {
  x: number[];
  fx: number;
  iterations: number;
  converged: boolean;
}

export function nelderMead(f: (x: number[]) => number, x0: readonly number[], {maxIterations = 5000, tolerance = 1e-12, xTolerance = 1e-10, step = 0.1}: MinimizeOptions = {}): Minimum {
  const n = x0.length;
  const [alpha, gamma, rho, sigma] = [1, 1 + 2 / n, 0.75 - 1 / (2 * n), 1 - 1 / n];
  const evaluate = (x: number[]) => {
    const y = f(x);
    return {x, y: Number.isNaN(y) ? Infinity : y};
  };
  let simplex = [evaluate([...x0])];
  for (let i = 0; i < n; ++i) {
    const x = [...x0];
    x[i] = x[i] !== 0 ? x[i] * (1 + step) : step;
    simplex.push(evaluate(x));
  }
  let iterations = 0;
  for (; iterations < maxIterations; ++iterations) {
    simplex.sort((p, q) => p.y - q.y);
    const best = simplex[0];
    const worst = simplex[n];
    const spreadY = Math.abs(worst.y - best.y);
    const spreadX = Math.max(...simplex.slice(1).map((p) => Math.max(...p.x.map((v, i) => Math.abs(v - best.x[i])))));
    if (spreadY <= tolerance * (Math.abs(best.y) + tolerance) && spreadX <= xTolerance * (1 + Math.max(...best.x.map(Math.abs)))) {
      return {x: best.x, fx: best.y, iterations, converged: true};
    }
    const centroid = Array.from({length: n}, (_, i) => simplex.slice(0, n).reduce((s, p) => s + p.x[i], 0) / n);
    const along = (t: number) => evaluate(centroid.map((c, i) => c + t * (worst.x[i] - c)));
    const reflected = along(-alpha);
    if (reflected.y < best.y) {
      const expanded = along(-alpha * gamma);
      simplex[n] = expanded.y < reflected.y ? expanded : reflected;
    } else if (reflected.y < simplex[n - 1].y) {
      simplex[n] = reflected;
    } else {
      const contracted = reflected.y < worst.y ? along(-alpha * rho) : along(rho);
      if (contracted.y < Math.min(worst.y, reflected.y)) {
        simplex[n] = contracted;
      } else {
        simplex = simplex.map((p, k) => (k === 0 ? p : evaluate(p.x.map((v, i) => best.x[i] + sigma * (v - best.x[i])))));
      }
    }
  }
  simplex.sort((p, q) => p.y - q.y);
  return {x: simplex[0].x, fx: simplex[0].y, iterations, converged: false};
}

/**
 * Every CLV model parameter is positive and is fit on its logarithm, kept
 * within [1e-5, 1e5] (ln ±11.5). Beyond those, the data show no drop-out or
 * no difference between customers and the model degenerates into a simpler
 * one (on UCI Online Retail, BG/NBD's a heads to 0 and b to 54,000: nobody
 * ever leaves): the optimiser then stops at the bound, and the fit reports
 * which parameters ended there instead of calling itself converged.
 */
export const parameterBounds = {lower: 1e-5, upper: 1e5};

export interface LogFit {
  /** The fitted parameters (not logs). */
  values: number[];
  iterations: number;
  /** How the fit ended: settled inside the bounds, on a bound, or at the iteration limit. */
  status: FitStatus;
  /** The parameters that ended on a bound, with which one. */
  atBound: {index: number; bound: "lower" | "upper"}[];
}

export type FitStatus = "converged" | "at-bound" | "iteration-limit";

/**
 * Maximises a log-likelihood over positive parameters: Nelder–Mead on their
 * logs within parameterBounds, restarted from its own solution (a fresh
 * simplex gets it off a flat ridge) until a restart gains nothing, with a
 * budget of 3000 iterations in all so that a degenerate data set cannot hold
 * a scheduled build for long. logLikelihood is divided by scale (the number of
 * customers) so that tolerances mean the same at any size.
 */
export function maximizeLogLikelihood(logLikelihood: (values: number[]) => number, start: readonly number[], scale: number): LogFit {
  const lo = Math.log(parameterBounds.lower);
  const hi = Math.log(parameterBounds.upper);
  const objective = (v: number[]) => {
    if (v.some((p) => p < lo || p > hi)) return 1e10;
    const ll = logLikelihood(v.map(Math.exp));
    return Number.isFinite(ll) ? -ll / scale : 1e10;
  };
  let x = start.map((s) => Math.min(hi - 1, Math.max(lo + 1, Math.log(s))));
  let best = Infinity;
  let iterations = 0;
  let converged = false;
  for (let restart = 0; restart < 8 && iterations < 3000; ++restart) {
    const solution = nelderMead(objective, x, {maxIterations: Math.min(1500, 3000 - iterations), tolerance: 1e-11, xTolerance: 1e-8});
    iterations += solution.iterations;
    x = solution.x;
    converged = solution.converged;
    if (best - solution.fx < 1e-10 * Math.abs(solution.fx)) break;
    best = solution.fx;
  }
  // Within 0.05 on the log scale (5%) of a bound: the optimiser was pressing against it.
  const atBound: LogFit["atBound"] = [];
  x.forEach((v, index) => {
    if (v < lo + 0.05) atBound.push({index, bound: "lower"});
    else if (v > hi - 0.05) atBound.push({index, bound: "upper"});
  });
  return {values: x.map(Math.exp), iterations, status: atBound.length ? "at-bound" : converged ? "converged" : "iteration-limit", atBound};
}
