/**
 * Axis ticks and number labels shared by the renderer's plots and the SVG figures the exports and
 * `npm run reproduce` write, so on-screen and exported figures label axes the same way.
 */

/** Round tick values (1, 2, 5 × 10ᵏ steps) inside [lo, hi], about `target` of them. */
export function ticks(lo: number, hi: number, target = 5): number[] {
  if (!(hi > lo)) return [];
  const raw = (hi - lo) / target;
  const mag = 10 ** Math.floor(Math.log10(raw));
  const step = [1, 2, 5, 10].map((m) => m * mag).find((s) => s >= raw) ?? 10 * mag;
  const out: number[] = [];
  for (let v = Math.ceil(lo / step) * step; v <= hi + 1e-9 * step; v += step)
    out.push(Math.abs(v) < 1e-9 * step ? 0 : Number(v.toPrecision(12)));
  return out;
}

/** Compact number: fixed for moderate magnitudes, exponential for tiny or huge ones. */
export function formatNumber(x: number | null | undefined, digits = 3): string {
  if (x == null || Number.isNaN(x)) return '—';
  if (!Number.isFinite(x)) return x > 0 ? '∞' : '−∞';
  const a = Math.abs(x);
  if (a !== 0 && (a < 1e-3 || a >= 1e5)) return Number(x.toPrecision(digits)).toExponential();
  return Number(x.toPrecision(digits)).toString();
}
