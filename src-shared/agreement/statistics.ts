// Agreement of paired measurements (one value per subject from each of two raters: two clinicians,
// a clinician twice, the model and a clinician): the intraclass correlations of Shrout & Fleiss
// (1979) with McGraw & Wong's (1996) confidence intervals, as R's psych::ICC computes them (the
// reference the tests check against), Bland & Altman's (1986) limits of agreement, and Dahlberg's
// (1940) error of the method.
import jstat from 'jstat';

/** The F distribution's quantile (R's qf). */
const fQuantile = (p: number, df1: number, df2: number): number => jstat.jStat.centralF.inv(p, df1, df2);

export interface Interval {
  value: number;
  lower: number;
  upper: number;
}

export interface Icc {
  /** ICC(2,1): two-way random effects, absolute agreement, single rater */
  icc2: Interval;
  /** ICC(3,1): two-way mixed effects, consistency, single rater */
  icc3: Interval;
  /** subjects x raters ANOVA mean squares: between subjects, between raters, residual */
  ms: { rows: number; columns: number; error: number };
  n: number;
}

/** ratings[i][j]: subject i, rater j (every subject rated by every rater). */
export function icc(ratings: readonly (readonly number[])[], confidence = 0.95): Icc {
  const n = ratings.length;
  const k = ratings[0]?.length ?? 0;
  if (n < 2 || k < 2 || ratings.some((r) => r.length !== k || r.some((v) => !Number.isFinite(v)))) {
    throw new Error(`ICC needs at least 2 subjects each rated by the same ${Math.max(k, 2)} or more raters, with finite values`);
  }
  const grand = ratings.flat().reduce((s, v) => s + v, 0) / (n * k);
  const rowMeans = ratings.map((r) => r.reduce((s, v) => s + v, 0) / k);
  const colMeans = Array.from({ length: k }, (_, j) => ratings.reduce((s, r) => s + r[j], 0) / n);
  let ssTotal = 0;
  for (const r of ratings) for (const v of r) ssTotal += (v - grand) ** 2;
  const ssRows = k * rowMeans.reduce((s, m) => s + (m - grand) ** 2, 0);
  const ssCols = n * colMeans.reduce((s, m) => s + (m - grand) ** 2, 0);
  const ssError = ssTotal - ssRows - ssCols;
  const msr = ssRows / (n - 1);
  const msc = ssCols / (k - 1);
  const mse = ssError / ((n - 1) * (k - 1));
  const alpha = 1 - confidence;

  const v3 = (msr - mse) / (msr + (k - 1) * mse);
  const f3 = msr / mse;
  const dfR = n - 1;
  const dfE = (n - 1) * (k - 1);
  const f3L = f3 / fQuantile(1 - alpha / 2, dfR, dfE);
  const f3U = f3 * fQuantile(1 - alpha / 2, dfE, dfR);

  const v2 = (msr - mse) / (msr + (k - 1) * mse + (k * (msc - mse)) / n);
  // McGraw & Wong's approximate degrees of freedom for the absolute-agreement interval
  const fj = msc / mse;
  const a = n * (1 + (k - 1) * v2) - k * v2;
  const vn = (k - 1) * (n - 1) * (k * v2 * fj + a) ** 2;
  const vd = (n - 1) * k * k * v2 * v2 * fj * fj + a * a;
  const v = vn / vd;
  const fU = fQuantile(1 - alpha / 2, n - 1, v);
  const fL = fQuantile(1 - alpha / 2, v, n - 1);
  const d = k * msc + (k * n - k - n) * mse;
  return {
    icc2: { value: v2, lower: (n * (msr - fU * mse)) / (fU * d + n * msr), upper: (n * (fL * msr - mse)) / (d + n * fL * msr) },
    icc3: { value: v3, lower: (f3L - 1) / (f3L + k - 1), upper: (f3U - 1) / (f3U + k - 1) },
    ms: { rows: msr, columns: msc, error: mse },
    n,
  };
}

export interface BlandAltman {
  /** mean of b - a */
  bias: number;
  /** standard deviation of b - a (n - 1) */
  sd: number;
  /** bias -+ 1.96 sd */
  lower: number;
  upper: number;
  /** each subject's mean of the two and difference b - a: the plot's points */
  points: { mean: number; difference: number }[];
}

export function blandAltman(a: readonly number[], b: readonly number[]): BlandAltman {
  pairedCheck(a, b, 2);
  const points = a.map((x, i) => ({ mean: (x + b[i]) / 2, difference: b[i] - x }));
  const bias = points.reduce((s, p) => s + p.difference, 0) / points.length;
  const sd = Math.sqrt(points.reduce((s, p) => s + (p.difference - bias) ** 2, 0) / (points.length - 1));
  return { bias, sd, lower: bias - 1.96 * sd, upper: bias + 1.96 * sd, points };
}

/** Dahlberg's error: sqrt(sum d^2 / 2n), the method error of duplicate measurements. */
export function dahlberg(a: readonly number[], b: readonly number[]): number {
  pairedCheck(a, b, 1);
  return Math.sqrt(a.reduce((s, x, i) => s + (b[i] - x) ** 2, 0) / (2 * a.length));
}

function pairedCheck(a: readonly number[], b: readonly number[], min: number): void {
  if (a.length !== b.length || a.length < min || [...a, ...b].some((v) => !Number.isFinite(v))) {
    throw new Error(`paired measurements needed: ${a.length} and ${b.length} values (at least ${min}, finite)`);
  }
}
