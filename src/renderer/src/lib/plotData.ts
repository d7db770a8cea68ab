/** Shaping data for uPlot: smoothing, log-scale checks, histograms, rates. Pure and unit-tested. */
import type { MetricsRow, ProfileBin } from '../../../shared/runspec.js';

export type Series = (number | null)[];

/** Exponential moving average, skipping gaps; alpha = 1 means no smoothing. */
export function ema(values: Series, alpha: number): Series {
  const a = Math.min(1, Math.max(1e-6, alpha));
  let acc: number | null = null;
  return values.map((v) => {
    if (v == null || !Number.isFinite(v)) return null;
    acc = acc == null ? v : a * v + (1 - a) * acc;
    return acc;
  });
}

/** Smoothing slider value s ∈ [0, 1) → EMA factor: 0 = raw, 0.99 = heavy. */
export function smoothingToAlpha(s: number): number {
  return 1 - Math.min(0.999, Math.max(0, s));
}

/** A log axis is only honest when every shown value is positive. */
export function allPositive(values: Series): boolean {
  let any = false;
  for (const v of values) {
    if (v == null) continue;
    if (!(v > 0)) return false;
    any = true;
  }
  return any;
}

export type LossKey = 'loss' | 'ml' | 'kl' | 'rc';
export const LOSS_KEYS: readonly LossKey[] = ['loss', 'ml', 'kl', 'rc'];

/** Loss terms present in the rows (a stage without KL reports null for it). */
export function presentKeys(rows: readonly MetricsRow[]): LossKey[] {
  return LOSS_KEYS.filter((k) => rows.some((r) => r[k] != null && Number.isFinite(r[k] as number)));
}

/** Columns [iteration, value] for one metric, sorted by iteration with duplicates removed. */
export function metricColumns(
  rows: readonly MetricsRow[],
  pick: (r: MetricsRow) => number | null,
): [number[], Series] {
  const byIt = new Map<number, MetricsRow>();
  for (const r of rows) byIt.set(r.iteration, r);
  const sorted = [...byIt.values()].sort((a, b) => a.iteration - b.iteration);
  return [sorted.map((r) => r.iteration), sorted.map((r) => pick(r))];
}

/** Merge new metric rows into existing ones (events can repeat rows already fetched). */
export function mergeRows(existing: readonly MetricsRow[], incoming: readonly MetricsRow[]): MetricsRow[] {
  if (incoming.length === 0) return existing as MetricsRow[];
  const last = existing.length ? existing[existing.length - 1].iteration : -Infinity;
  if (incoming.every((r) => r.iteration > last)) return [...existing, ...incoming];
  const byIt = new Map<number, MetricsRow>();
  for (const r of existing) byIt.set(r.iteration, r);
  for (const r of incoming) byIt.set(r.iteration, r);
  return [...byIt.values()].sort((a, b) => a.iteration - b.iteration);
}

export interface Progress {
  iterationsPerSecond: number | null;
  etaSeconds: number | null;
  skipped: number;
}

/** Iterations per second over the last `window` rows and time left to `total` iterations. */
export function trainingProgress(rows: readonly MetricsRow[], total: number, window = 20): Progress {
  const skipped = rows.reduce((s, r) => s + r.skipped, 0);
  if (rows.length < 2) return { iterationsPerSecond: null, etaSeconds: null, skipped };
  const tail = rows.slice(-window);
  const a = tail[0];
  const b = tail[tail.length - 1];
  const dt = b.time - a.time;
  const di = b.iteration - a.iteration;
  if (!(dt > 0) || !(di > 0)) return { iterationsPerSecond: null, etaSeconds: null, skipped };
  const rate = di / dt;
  const left = Math.max(0, total - (b.iteration + 1));
  return { iterationsPerSecond: rate, etaSeconds: left / rate, skipped };
}

export interface Histogram {
  edges: number[];
  centers: number[];
  counts: number[];
}

/** Histogram on [lo, hi] (defaults to the finite data range); values outside are dropped. */
export function histogram(values: ArrayLike<number>, bins: number, range?: [number, number]): Histogram {
  let lo = range?.[0] ?? Infinity;
  let hi = range?.[1] ?? -Infinity;
  if (!range) {
    for (let i = 0; i < values.length; i++) {
      const v = values[i];
      if (!Number.isFinite(v)) continue;
      if (v < lo) lo = v;
      if (v > hi) hi = v;
    }
  }
  if (!Number.isFinite(lo) || !Number.isFinite(hi)) return { edges: [], centers: [], counts: [] };
  if (hi === lo) {
    lo -= 0.5;
    hi += 0.5;
  }
  const w = (hi - lo) / bins;
  const edges = Array.from({ length: bins + 1 }, (_, i) => lo + i * w);
  const counts = new Array<number>(bins).fill(0);
  for (let i = 0; i < values.length; i++) {
    const v = values[i];
    if (!Number.isFinite(v) || v < lo || v > hi) continue;
    counts[Math.min(bins - 1, Math.floor((v - lo) / w))]++;
  }
  return { edges, centers: edges.slice(0, -1).map((e) => e + w / 2), counts };
}

/** Bin centres from edges (for the back end's {edges, counts} histograms). */
export function centersOf(edges: readonly number[]): number[] {
  return edges.slice(0, -1).map((e, i) => (e + edges[i + 1]) / 2);
}

/** Free-energy profile as plot columns with the bootstrap band F ± error; non-finite values become gaps. */
export function profileColumns(profile: readonly ProfileBin[]): [number[], Series, Series, Series] {
  const p = [...profile].sort((a, b) => a.rc - b.rc);
  const fin = (v: number) => (Number.isFinite(v) ? v : null);
  const ok = (b: ProfileBin) => Number.isFinite(b.F) && Number.isFinite(b.error);
  return [
    p.map((b) => b.rc),
    p.map((b) => fin(b.F)),
    p.map((b) => (ok(b) ? b.F - b.error : null)),
    p.map((b) => (ok(b) ? b.F + b.error : null)),
  ];
}

/**
 * Series on their own x values → one aligned table on the union of x (uPlot needs one x column);
 * missing points are null. Used to overlay other runs, sample sets and reference curves.
 */
export function alignMany(series: readonly { x: readonly number[]; y: Series }[]): [number[], ...Series[]] {
  const x = [...new Set(series.flatMap((s) => s.x))].sort((p, q) => p - q);
  const cols = series.map((s) => {
    const m = new Map(s.x.map((v, i) => [v, s.y[i]]));
    return x.map((v) => m.get(v) ?? null);
  });
  return [x, ...cols];
}

export function alignSeries(
  xa: readonly number[],
  ya: Series,
  xb: readonly number[],
  yb: Series,
): [number[], Series, Series] {
  const [x, a, b] = alignMany([
    { x: xa, y: ya },
    { x: xb, y: yb },
  ]);
  return [x, a, b];
}

/**
 * Energy along the reaction coordinate (kT₀), shifted to minimum 0 on [lo, hi]. Free energies are
 * in kT₀ (F = −τ ln P), so where the other coordinates separate this is the exact F at every τ
 * (double well: F(x₁) = x₁⁴ − 6x₁² + x₁ + const).
 */
export function referenceProfile(
  points: readonly { rc: number; energy: number }[],
  range?: [number, number],
): { x: number[]; y: number[] } {
  const inside = points.filter(
    (p) => Number.isFinite(p.energy) && (!range || (p.rc >= range[0] && p.rc <= range[1])),
  );
  if (inside.length === 0) return { x: [], y: [] };
  const min = Math.min(...inside.map((p) => p.energy));
  return { x: inside.map((p) => p.rc), y: inside.map((p) => p.energy - min) };
}
