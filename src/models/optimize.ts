/**
 * Nelder–Mead minimisation (Nelder & Mead 1965; the adaptive coefficients of
 * Gao & Han 2012 for dimension n: reflection 1, expansion 1 + 2/n,
 * contraction 0.75 − 1/(2n), shrink 1 − 1/n), for the few-parameter
 * likelihoods of the CLV models; Newton's method to polish a smooth minimum
 * (newtonMinimize); minimizeInBox, which the fits call, runs one then the other.
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
 * Newton's method for a smooth minimum near x0: the gradient by five-point central differences and the
 * Hessian by three-point ones, of step h (4n + 2n(n−1) + 1 values of f a step: 41 for four parameters),
 * the Newton step solved by Cholesky, and halved until f decreases. Stops when the full Newton step moves
 * every coordinate by less than xTolerance; or when the decrease the quadratic model predicts for the full
 * step (−g·d/2, the Newton decrement) is within f's rounding (1e-14 |f|), after taking that step (no line
 * search can tell its gain from rounding, and near a minimum the full step is the best one there is).
 * Returns undefined, for the caller to fall
 * back on Nelder–Mead, when the Hessian is not positive definite (x0 is not near a minimum), when a
 * difference reads a value of f that is not finite or a penalty (1e10 and above: outside the box or where
 * the likelihood is not finite), or when no step decreases f though the model predicts it should.
 *
 * Why: Nelder–Mead converges linearly, and the CLV fits spent most of their evaluations shrinking the
 * simplex from 1e-4 to 1e-8 around the optimum (421 iterations and 824 likelihoods for MBG/NBD at a million
 * customers, of which a restart 165); near the optimum the log-likelihood is close to quadratic and Newton
 * gets there in two or three steps (test/models/special.test.ts; the CLV models' published estimates still
 * reproduce, test/models/clv-models.test.ts). With h = 1e-3 on f of order 1, the gradient's truncation
 * (h⁴ ≈ 1e-12) and rounding (1e-15 / 1e-3 ≈ 1e-12) leave the solution within about 1e-8 of the minimum
 * along its flattest direction, as tight as the simplex's tolerance was; the Hessian's error (about 1e-6,
 * relative) only slows the convergence. Without the decrement's stop, a fit of a million customers' histories
 * (a sum of 200,000 terms, f's rounding about 1e-13 |f|) went on taking steps that f accepted by its rounding
 * alone: 7 steps and 348 values of f for BG/NBD where 2 steps and 83 values reach the same minimum (with the
 * search on a sample too, purchases.ts: r and α as the old fit's to 6e-9, a and b to 3e-7 along the flattest
 * direction, the log-likelihood to 3e-14, relative).
 */
export function newtonMinimize(f: (x: number[]) => number, x0: readonly number[], {h = 1e-3, maxSteps = 20, xTolerance = 1e-9}: {h?: number; maxSteps?: number; xTolerance?: number} = {}): (Minimum & {evaluations: number}) | undefined {
  const n = x0.length;
  let evaluations = 0;
  let wall = false;
  const value = (x: number[]) => {
    evaluations++;
    const y = f(x);
    if (!(y < 1e10)) wall = true;
    return Number.isNaN(y) ? Infinity : y;
  };
  const shifted = (x: readonly number[], moves: [number, number][]) => {
    const y = [...x];
    for (const [i, d] of moves) y[i] += d;
    return y;
  };
  let x = [...x0];
  let fx = value(x);
  for (let step = 0; step < maxSteps; ++step) {
    const gradient = new Array<number>(n);
    const hessian = Array.from({length: n}, () => new Array<number>(n));
    for (let i = 0; i < n; ++i) {
      const up = value(shifted(x, [[i, h]]));
      const down = value(shifted(x, [[i, -h]]));
      // Five points: the gradient's error is of order h⁴, so the step h can be large enough for f's rounding not to show.
      gradient[i] = (8 * (up - down) - value(shifted(x, [[i, 2 * h]])) + value(shifted(x, [[i, -2 * h]]))) / (12 * h);
      hessian[i][i] = (up - 2 * fx + down) / (h * h);
      for (let j = 0; j < i; ++j) {
        const pp = value(shifted(x, [[i, h], [j, h]]));
        const pm = value(shifted(x, [[i, h], [j, -h]]));
        const mp = value(shifted(x, [[i, -h], [j, h]]));
        const mm = value(shifted(x, [[i, -h], [j, -h]]));
        hessian[i][j] = hessian[j][i] = (pp - pm - mp + mm) / (4 * h * h);
      }
    }
    // Differences across a penalty's wall say nothing of the minimum.
    if (wall) return undefined;
    const direction = choleskySolve(hessian, gradient.map((g) => -g));
    if (!direction || direction.some((d) => !Number.isFinite(d))) return undefined;
    // A Newton step shorter than xTolerance: x is the minimum (a damped step, below, says nothing of the distance left).
    if (Math.max(...direction.map(Math.abs)) < xTolerance) return {x, fx, iterations: step + 1, converged: true, evaluations};
    const predicted = -gradient.reduce((sum, g, i) => sum + g * direction[i], 0) / 2;
    if (predicted <= 1e-14 * Math.abs(fx)) {
      // What is left to gain is within f's rounding: the full step, unless f reads it as a loss beyond that rounding.
      const y = x.map((v, i) => v + direction[i]);
      const fy = value(y);
      if (wall) return undefined;
      return fy <= fx + 1e-14 * Math.abs(fx) ? {x: y, fx: fy, iterations: step + 1, converged: true, evaluations} : {x, fx, iterations: step + 1, converged: true, evaluations};
    }
    // Halve the step until f decreases.
    let t = 1;
    let next: number[] | undefined;
    let fNext = fx;
    for (; t > 1e-6; t /= 2) {
      const y = x.map((v, i) => v + t * direction[i]);
      const fy = value(y);
      if (fy < fx) {
        next = y;
        fNext = fy;
        break;
      }
    }
    // The decrease predicted is beyond f's rounding (above), yet no step gives one: x is not near a minimum.
    if (!next) return undefined;
    x = next;
    fx = fNext;
  }
  return {x, fx, iterations: maxSteps, converged: false, evaluations};
}

/** Solves A y = b for a symmetric positive definite A (Cholesky); undefined when A is not positive definite. */
function choleskySolve(a: readonly number[][], b: readonly number[]): number[] | undefined {
  const n = b.length;
  const l = Array.from({length: n}, () => new Array<number>(n).fill(0));
  for (let i = 0; i < n; ++i) {
    for (let j = 0; j <= i; ++j) {
      let sum = a[i][j];
      for (let k = 0; k < j; ++k) sum -= l[i][k] * l[j][k];
      if (i === j) {
        if (!(sum > 0)) return undefined;
        l[i][i] = Math.sqrt(sum);
      } else l[i][j] = sum / l[j][j];
    }
  }
  const y = new Array<number>(n);
  for (let i = 0; i < n; ++i) {
    let sum = b[i];
    for (let k = 0; k < i; ++k) sum -= l[i][k] * y[k];
    y[i] = sum / l[i][i];
  }
  for (let i = n - 1; i >= 0; --i) {
    let sum = y[i];
    for (let k = i + 1; k < n; ++k) sum -= l[k][i] * y[k];
    y[i] = sum / l[i][i];
  }
  return y;
}

/**
 * Minimises a smooth objective of log-parameters inside the box [lo, hi]ⁿ (objective: 1e10 outside):
 * Nelder–Mead to a loose tolerance (the neighbourhood of the minimum), then Newton's method
 * (newtonMinimize) when that point is well inside the box; otherwise, or when Newton fails, Nelder–Mead
 * restarted from its own solution (a fresh simplex gets it off a flat ridge) until a restart gains less
 * than gain(fx), within a budget of 3000 iterations, as before Newton was added: a degenerate data set
 * (a parameter heading for a bound) cannot hold a scheduled build for long.
 *
 * With `search`, a cheaper stand-in for the objective with nearly the same minimum (a fit's likelihood on a
 * sample of its customers), Nelder–Mead's approach runs on it, and Newton's method and the restarts on the
 * objective itself: the result is the objective's minimum, reached with a few hundred values of the cheap
 * function instead of the dear one.
 */
export function minimizeInBox(
  objective: (x: number[]) => number,
  x0: readonly number[],
  {lo, hi, gain, tolerance = 1e-11, xTolerance = 1e-8, search}: {lo: number; hi: number; gain: (fx: number) => number; tolerance?: number; xTolerance?: number; search?: (x: number[]) => number}
): Minimum {
  const near = nelderMead(search ?? objective, x0, {maxIterations: 1500, tolerance: 1e-7, xTolerance: 1e-3});
  let x = near.x;
  let iterations = near.iterations;
  if (near.converged && x.every((v) => v > lo + 0.05 && v < hi - 0.05)) {
    const polished = newtonMinimize(objective, x);
    // Accepted well inside the box only: a minimum Newton took to the last 0.05 before a bound may lie on it.
    if (polished?.converged && polished.x.every((v) => v > lo + 0.05 && v < hi - 0.05)) {
      return {x: polished.x, fx: polished.fx, iterations: iterations + polished.iterations, converged: true};
    }
    iterations += polished?.iterations ?? 0;
  }
  // As before Newton: the first tight run never ends the restarts.
  let best = Infinity;
  let converged = false;
  let fx = search ? objective(x) : near.fx; // what the restarts below replace (they run at least once)
  for (let restart = 0; restart < 8 && iterations < 3000; ++restart) {
    const solution = nelderMead(objective, x, {maxIterations: Math.min(1500, 3000 - iterations), tolerance, xTolerance});
    iterations += solution.iterations;
    x = solution.x;
    fx = solution.fx;
    converged = solution.converged;
    if (best - solution.fx < gain(solution.fx)) break;
    best = solution.fx;
  }
  return {x, fx, iterations, converged};
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
 * Maximises a log-likelihood over positive parameters: minimizeInBox on their
 * logs within parameterBounds (Nelder–Mead near the optimum, then Newton's
 * method; Nelder–Mead restarts, with a budget of 3000 iterations, when the
 * optimum is on a bound or Newton fails). logLikelihood is divided by scale (the number of
 * customers) so that tolerances mean the same at any size. With `sample` (the log-likelihood of a sample
 * of the customers, and its size), Nelder–Mead approaches the optimum on the sample (minimizeInBox's search).
 */
export function maximizeLogLikelihood(
  logLikelihood: (values: number[]) => number,
  start: readonly number[],
  scale: number,
  sample?: {logLikelihood: (values: number[]) => number; scale: number}
): LogFit {
  const lo = Math.log(parameterBounds.lower);
  const hi = Math.log(parameterBounds.upper);
  const objectiveOf = (f: (values: number[]) => number, size: number) => (v: number[]) => {
    if (v.some((p) => p < lo || p > hi)) return 1e10;
    const ll = f(v.map(Math.exp));
    return Number.isFinite(ll) ? -ll / size : 1e10;
  };
  const start0 = start.map((s) => Math.min(hi - 1, Math.max(lo + 1, Math.log(s))));
  const search = sample && objectiveOf(sample.logLikelihood, sample.scale);
  const {x, converged, iterations} = minimizeInBox(objectiveOf(logLikelihood, scale), start0, {lo, hi, gain: (fx) => 1e-10 * Math.abs(fx), search});
  // Within 0.05 on the log scale (5%) of a bound: the optimiser was pressing against it.
  const atBound: LogFit["atBound"] = [];
  x.forEach((v, index) => {
    if (v < lo + 0.05) atBound.push({index, bound: "lower"});
    else if (v > hi - 0.05) atBound.push({index, bound: "upper"});
  });
  return {values: x.map(Math.exp), iterations, status: atBound.length ? "at-bound" : converged ? "converged" : "iteration-limit", atBound};
}
