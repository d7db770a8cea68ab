/**
 * JSON and the contract carry finite numbers only. These are the two ways the back end maps the
 * infinities that free energies legitimately produce (a state that holds no weight: ΔF = ±∞).
 */

/** A scalar result: null means "not sampled", which the UI shows as such. */
export function finiteOrNull(v: number): number | null {
  return Number.isFinite(v) ? v : null;
}

export function contractDeltaF(d: { value: number; error: number }): {
  value: number | null;
  error: number | null;
} {
  return {
    value: finiteOrNull(d.value),
    error: finiteOrNull(d.value) === null ? null : finiteOrNull(d.error),
  };
}

/** Per-sample arrays (energies of overlapping particles): clamp to ±Number.MAX_VALUE, NaN to +MAX. */
export function clampToFinite(v: number): number {
  return Number.isFinite(v) ? v : v > 0 || Number.isNaN(v) ? Number.MAX_VALUE : -Number.MAX_VALUE;
}
