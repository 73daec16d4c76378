/**
 * Seeded random numbers for the sample generator, so every build and test
 * sees the same data. mulberry32 for uniforms; Marsaglia–Tsang for gamma
 * variates (shape < 1 boosted by U^(1/shape)); beta from two gammas.
 */
export interface Random {
  (): number;
  normal(): number;
  gamma(shape: number, scale: number): number;
  beta(a: number, b: number): number;
  exponential(rate: number): number;
  poisson(mean: number): number;
  pick<T>(weighted: readonly (readonly [T, number])[]): T;
  int(lo: number, hi: number): number;
}

export function random(seed: number): Random {
  let state = seed >>> 0;
  const uniform = (() => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  }) as Random;
  uniform.normal = () => {
    const u = 1 - uniform();
    return Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * uniform());
  };
  uniform.gamma = (shape, scale) => {
    if (shape < 1) return uniform.gamma(shape + 1, scale) * Math.pow(uniform(), 1 / shape);
    const d = shape - 1 / 3;
    const c = 1 / Math.sqrt(9 * d);
    for (;;) {
      let x: number, v: number;
      do {
        x = uniform.normal();
        v = 1 + c * x;
      } while (v <= 0);
      v = v * v * v;
      const u = uniform();
      if (u < 1 - 0.0331 * x ** 4 || Math.log(u) < 0.5 * x * x + d * (1 - v + Math.log(v))) return d * v * scale;
    }
  };
  uniform.beta = (a, b) => {
    const x = uniform.gamma(a, 1);
    return x / (x + uniform.gamma(b, 1));
  };
  uniform.exponential = (rate) => -Math.log(1 - uniform()) / rate;
  uniform.poisson = (mean) => {
    const limit = Math.exp(-mean);
    let k = 0;
    for (let p = uniform(); p > limit; p *= uniform()) ++k;
    return k;
  };
  uniform.pick = (weighted) => {
    const total = weighted.reduce((s, [, w]) => s + w, 0);
    let u = uniform() * total;
    for (const [value, w] of weighted) if ((u -= w) < 0) return value;
    return weighted[weighted.length - 1][0];
  };
  uniform.int = (lo, hi) => lo + Math.floor(uniform() * (hi - lo + 1));
  return uniform;
}
