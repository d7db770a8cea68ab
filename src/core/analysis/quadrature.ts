/**
 * Exact references for the 2D systems, computed here rather than typed in: the density
 * exp(−u/τ) integrated over the direction orthogonal to a linear reaction coordinate on a fine
 * grid (midpoint rule). The double well separates in x1; Müller–Brown projects onto 0.7x1 − 0.7x2.
 */
import type { ProfileBin } from '../../shared/runspec.js';
import type { EnergySystem } from '../systems/types.js';
import { inState } from './freeEnergy.js';

export interface QuadratureGrid {
  /** Range of the orthogonal coordinate t (x = s·a/|a|² + t·b, b ⟂ a unit). */
  orthogonal?: readonly [number, number];
  /** Points along t (default 1500). */
  orthogonalPoints?: number;
  /** Sub-intervals per bin along the reaction coordinate, 5-point Gauss–Legendre each (default 4). */
  subPoints?: number;
}

/** Orthogonal ranges wide enough that the density is negligible outside (τ ≤ 4). */
const DEFAULT_ORTHOGONAL: Record<string, readonly [number, number]> = {
  'double-well': [-14, 14],
  'mueller-brown': [-2.5, 2.5],
};

/** Reaction-coordinate ranges covering all density, for ΔF. */
const FULL_RC: Record<string, readonly [number, number]> = {
  'double-well': [-4, 4],
  'mueller-brown': [-3, 2],
};

/** 5-point Gauss–Legendre on [−1, 1]: exact to degree 9, so steep bins need few points. */
const GL_NODES = [0, -0.5384693101056831, 0.5384693101056831, -0.906179845938664, 0.906179845938664];
const GL_WEIGHTS = [
  0.5688888888888889, 0.4786286704993665, 0.4786286704993665, 0.2369268850561891, 0.2369268850561891,
];

interface Linear {
  /** rc = c0 + a·x */
  a: [number, number];
  c0: number;
}

/** Reads the linear reaction coordinate off the system itself (2D systems only). */
function linearRc(system: EnergySystem): Linear {
  if (system.dim !== 2)
    throw new Error(`Quadrature references need a 2D system; "${system.id}" has ${system.dim}`);
  const probe = Float64Array.of(0, 0, 1, 0, 0, 1, 0.37, -1.3);
  const r = system.reactionCoordinate.compute(probe, 4);
  const c0 = r[0];
  const a: [number, number] = [r[1] - c0, r[2] - c0];
  if (Math.abs(c0 + 0.37 * a[0] - 1.3 * a[1] - r[3]) > 1e-9 * (1 + Math.abs(r[3]))) {
    throw new Error(`Reaction coordinate of "${system.id}" is not linear; no quadrature reference`);
  }
  return { a, c0 };
}

function orthogonalRange(system: EnergySystem, grid?: QuadratureGrid): readonly [number, number] {
  const r = grid?.orthogonal ?? DEFAULT_ORTHOGONAL[system.id];
  if (!r) throw new Error(`No default quadrature range for "${system.id}"; pass grid.orthogonal`);
  return r;
}

/**
 * Log density along s, ln p(s) = ln ∫ exp(−u(x(s,t))/τ) dt + const (midpoint rule in t; the
 * integrand decays smoothly, so the rule converges fast). Rows are reduced one at a time in log
 * space: no overflow, and memory stays O(points along t).
 */
function logMarginal(
  system: EnergySystem,
  s: Float64Array,
  temperature: number,
  grid?: QuadratureGrid,
): Float64Array {
  const { a, c0 } = linearRc(system);
  const norm2 = a[0] * a[0] + a[1] * a[1];
  const an = Math.sqrt(norm2);
  const b = [-a[1] / an, a[0] / an];
  const [t0, t1] = orthogonalRange(system, grid);
  const nt = grid?.orthogonalPoints ?? 1500;
  const dt = (t1 - t0) / nt;
  const x = new Float64Array(2 * nt);
  const logP = new Float64Array(s.length);
  for (let i = 0; i < s.length; i++) {
    const base0 = ((s[i] - c0) * a[0]) / norm2;
    const base1 = ((s[i] - c0) * a[1]) / norm2;
    for (let j = 0; j < nt; j++) {
      const t = t0 + (j + 0.5) * dt;
      x[2 * j] = base0 + t * b[0];
      x[2 * j + 1] = base1 + t * b[1];
    }
    const u = system.energy(x, nt);
    let uMin = Infinity;
    for (let j = 0; j < nt; j++) if (u[j] < uMin) uMin = u[j];
    let sum = 0;
    for (let j = 0; j < nt; j++) sum += Math.exp(-(u[j] - uMin) / temperature);
    logP[i] = -uMin / temperature + Math.log(sum * dt);
  }
  return logP;
}

/** Gauss–Legendre nodes and weights on [lo, hi] split into `panels` panels. */
function glPanels(lo: number, hi: number, panels: number): { s: Float64Array; w: Float64Array } {
  const nodes = GL_NODES.length;
  const h = (hi - lo) / panels;
  const s = new Float64Array(panels * nodes);
  const w = new Float64Array(panels * nodes);
  for (let q = 0; q < panels; q++) {
    for (let g = 0; g < nodes; g++) {
      s[q * nodes + g] = lo + (q + 0.5 + 0.5 * GL_NODES[g]) * h;
      w[q * nodes + g] = 0.5 * h * GL_WEIGHTS[g];
    }
  }
  return { s, w };
}

/** ln Σ w_i exp(logP_i) over a slice. */
function logIntegral(logP: Float64Array, w: Float64Array, from: number, to: number): number {
  let max = -Infinity;
  for (let i = from; i < to; i++) if (logP[i] > max) max = logP[i];
  if (max === -Infinity) return -Infinity;
  let sum = 0;
  for (let i = from; i < to; i++) sum += w[i] * Math.exp(logP[i] - max);
  return max + Math.log(sum);
}

/**
 * Exact profile F_k = −τ ln ∫_{bin k} p(s) ds (kT₀), shifted so min F = 0, error 0, on the same
 * bins as freeEnergyProfile so the two compare bin by bin.
 */
export function referenceProfile(
  system: EnergySystem,
  opts: { temperature: number; bins: number; range: readonly [number, number]; grid?: QuadratureGrid },
): ProfileBin[] {
  const { temperature, bins } = opts;
  const [lo, hi] = opts.range;
  const intervals = opts.grid?.subPoints ?? 4;
  const sub = intervals * GL_NODES.length;
  const width = (hi - lo) / bins;
  const { s, w } = glPanels(lo, hi, bins * intervals);
  const logP = logMarginal(system, s, temperature, opts.grid);
  const F = new Float64Array(bins);
  let min = Infinity;
  for (let k = 0; k < bins; k++) {
    F[k] = -temperature * logIntegral(logP, w, k * sub, (k + 1) * sub);
    if (F[k] < min) min = F[k];
  }
  const out: ProfileBin[] = [];
  for (let k = 0; k < bins; k++) {
    if (Number.isFinite(F[k])) out.push({ rc: lo + (k + 0.5) * width, F: F[k] - min, error: 0 });
  }
  return out;
}

/** Exact ΔF = −τ ln(P(states[1]) / P(states[0])) in kT₀ by quadrature over the whole plane. */
export function referenceDeltaF(system: EnergySystem, temperature: number, grid?: QuadratureGrid): number {
  const range = FULL_RC[system.id];
  if (!range) throw new Error(`No quadrature range for "${system.id}"`);
  // Panels end exactly on the state boundaries so each state is integrated without a cut panel.
  const cuts = new Set<number>([range[0], range[1]]);
  for (const st of system.states) {
    for (const v of [st.min, st.max]) if (v !== undefined && v > range[0] && v < range[1]) cuts.add(v);
  }
  const edges = [...cuts].sort((p, q) => p - q);
  const logMass = [-Infinity, -Infinity];
  for (let i = 0; i + 1 < edges.length; i++) {
    const [lo, hi] = [edges[i], edges[i + 1]];
    const mid = 0.5 * (lo + hi);
    const state = inState(mid, system.states[0]) ? 0 : inState(mid, system.states[1]) ? 1 : -1;
    if (state < 0) continue;
    const { s, w } = glPanels(lo, hi, Math.max(8, Math.ceil((hi - lo) / 0.02)));
    const l = logIntegral(logMarginal(system, s, temperature, grid), w, 0, s.length);
    const m = Math.max(logMass[state], l);
    logMass[state] = m === -Infinity ? m : m + Math.log(Math.exp(logMass[state] - m) + Math.exp(l - m));
  }
  return -temperature * (logMass[1] - logMass[0]);
}

/** Reference free energy at arbitrary rc points (for plots), shifted so its minimum is 0. */
export function referenceCurve(
  system: EnergySystem,
  rc: Float64Array,
  temperature: number,
  grid?: QuadratureGrid,
): Float64Array {
  const logP = logMarginal(system, rc, temperature, grid);
  const F = new Float64Array(rc.length);
  let min = Infinity;
  for (let i = 0; i < rc.length; i++) {
    F[i] = -temperature * logP[i];
    if (F[i] < min) min = F[i];
  }
  for (let i = 0; i < rc.length; i++) F[i] -= min;
  return F;
}
