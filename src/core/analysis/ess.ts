/** Importance-weight statistics, all in log space so log weights of ±1e4 neither overflow nor vanish. */

export function logSumExp(a: ArrayLike<number>): number {
  let max = -Infinity;
  for (let i = 0; i < a.length; i++) if (a[i] > max) max = a[i];
  if (max === -Infinity || !Number.isFinite(max)) return max;
  let s = 0;
  for (let i = 0; i < a.length; i++) s += Math.exp(a[i] - max);
  return max + Math.log(s);
}

/** Kish effective sample size (Σw)²/Σw², from unnormalised log weights. */
export function ess(logWeights: ArrayLike<number>): number {
  if (logWeights.length === 0) return 0;
  const l1 = logSumExp(logWeights);
  if (!Number.isFinite(l1)) return 0;
  const doubled = new Float64Array(logWeights.length);
  for (let i = 0; i < logWeights.length; i++) doubled[i] = 2 * logWeights[i];
  return Math.exp(2 * l1 - logSumExp(doubled));
}

/** Weights normalised to sum 1. */
export function normalizedWeights(logWeights: ArrayLike<number>): Float64Array {
  const l = logSumExp(logWeights);
  const w = new Float64Array(logWeights.length);
  for (let i = 0; i < w.length; i++) w[i] = Math.exp(logWeights[i] - l);
  return w;
}
