import type { BoxVectors } from './types.js';

const DEG = Math.PI / 180;

/** Box vectors (rows a, b, c) from lengths and angles in degrees (alpha = b^c, beta = a^c, gamma = a^b). */
export function boxFromLengthsAngles(
  a: number,
  b: number,
  c: number,
  alpha: number,
  beta: number,
  gamma: number,
): BoxVectors {
  const ca = Math.cos(alpha * DEG);
  const cb = Math.cos(beta * DEG);
  const cg = Math.cos(gamma * DEG);
  const sg = Math.sin(gamma * DEG);
  const cx = c * cb;
  const cy = (c * (ca - cb * cg)) / sg;
  const cz = Math.sqrt(Math.max(0, c * c - cx * cx - cy * cy));
  // Values within rounding of zero come from cos(90°); keep them exactly 0.
  const clean = (v: number): number => (Math.abs(v) < 1e-9 * Math.max(a, b, c) ? 0 : v);
  return Float64Array.from([a, 0, 0, clean(b * cg), clean(b * sg), 0, clean(cx), clean(cy), clean(cz)]);
}

/** Lengths [a, b, c] and angles [alpha, beta, gamma] in degrees of a box given as vectors. */
export function boxLengthsAngles(box: ArrayLike<number>): {
  lengths: [number, number, number];
  angles: [number, number, number];
} {
  const v = [0, 1, 2].map((r) => [box[3 * r], box[3 * r + 1], box[3 * r + 2]]);
  const norm = (x: number[]): number => Math.hypot(x[0], x[1], x[2]);
  const angle = (x: number[], y: number[]): number => {
    const d = norm(x) * norm(y);
    return d === 0
      ? 90
      : Math.acos(Math.max(-1, Math.min(1, (x[0] * y[0] + x[1] * y[1] + x[2] * y[2]) / d))) / DEG;
  };
  return {
    lengths: [norm(v[0]), norm(v[1]), norm(v[2])],
    angles: [angle(v[1], v[2]), angle(v[0], v[2]), angle(v[0], v[1])],
  };
}

export function isZeroBox(box: ArrayLike<number>): boolean {
  for (let i = 0; i < box.length; i++) if (box[i] !== 0) return false;
  return true;
}
