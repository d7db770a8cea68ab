/**
 * Umbrella sampling along the system's reaction coordinate (the paper's dimer reference): a chain
 * of windows with harmonic bias k/2·(rc − c)² (kT₀); each window starts from the last configuration
 * of the previous one, forward through the centres and, optionally, backward again.
 */
import type { Rng } from '../random.js';
import type { EnergySystem } from '../systems/types.js';
import { metropolisRun } from './metropolis.js';
import { throwIfAborted } from '../cancel.js';

export interface UmbrellaOptions {
  /** Window centres on the reaction coordinate, in visiting order. */
  windows: number[];
  forceConstant: number;
  /** MC steps per window and pass (per chain). */
  steps: number;
  /** Gaussian proposal width (scaled by √τ). */
  stepSize: number;
  /** Monte Carlo moves (metropolis.ts): 'all' coordinates per step (default, the paper's) or
   *  sweeps of single-'particle' moves, where a step is one sweep. */
  moves?: 'all' | 'particle';
  temperature: number;
  /** Keep the rc of every `stride`-th step. */
  stride: number;
  passes: 'forward' | 'forward-backward';
  /** Steps discarded at the start of each window (default 0, as the paper's code). */
  burnIn?: number;
  /** Parallel chains per window, all started from the same configuration (default 1). */
  chainsPerWindow?: number;
  /** Starting configuration; default the system's first initial configuration. */
  start?: Float64Array;
}

export interface UmbrellaWindow {
  center: number;
  pass: 'forward' | 'backward';
  /** Reaction coordinate of the kept frames (biased samples). */
  rc: Float64Array;
  acceptance: number;
}

export interface UmbrellaResult {
  windows: UmbrellaWindow[];
}

/** n window centres evenly spaced on [lo, hi] (both ends included). */
export function umbrellaWindows(lo: number, hi: number, n: number): number[] {
  if (n < 2) return [lo];
  return Array.from({ length: n }, (_, i) => lo + ((hi - lo) * i) / (n - 1));
}

/**
 * The paper's dimer reference (Fig. 3): 35 windows on d ∈ [0.5, 2.5], force constant 500, 50 000 MC
 * steps per window, forward and backward, Gaussian steps 0.02·√τ as for the dimer's training data.
 * About 3.5·10⁶ single-chain steps (~1 min on one core).
 */
export function paperDimerUmbrella(temperature: number): UmbrellaOptions {
  return {
    windows: umbrellaWindows(0.5, 2.5, 35),
    forceConstant: 500,
    steps: 50_000,
    stepSize: 0.02,
    temperature,
    stride: 10,
    passes: 'forward-backward',
  };
}

export function harmonicBias(
  system: EnergySystem,
  center: number,
  forceConstant: number,
): (x: Float64Array, n: number) => Float64Array {
  return (x, n) => {
    const rc = system.reactionCoordinate.compute(x, n);
    for (let i = 0; i < n; i++) {
      const d = rc[i] - center;
      rc[i] = 0.5 * forceConstant * d * d;
    }
    return rc;
  };
}

/** One window per step: the sync and async drivers below share it. */
function* umbrellaSteps(
  system: EnergySystem,
  opts: UmbrellaOptions,
  rng: Rng,
  hooks: { onProgress?(fraction: number): void; signal?: AbortSignal },
): Generator<void, UmbrellaResult> {
  const chains = opts.chainsPerWindow ?? 1;
  const framesPerChain = Math.floor(opts.steps / opts.stride);
  if (framesPerChain < 1) throw new Error('steps must be at least stride');
  const visits: { center: number; pass: 'forward' | 'backward' }[] = opts.windows.map((center) => ({
    center,
    pass: 'forward',
  }));
  if (opts.passes === 'forward-backward') {
    for (let i = opts.windows.length - 1; i >= 0; i--)
      visits.push({ center: opts.windows[i], pass: 'backward' });
  }
  let current: Float64Array = opts.start ?? system.initialConfigurations()[0];
  const windows: UmbrellaWindow[] = [];
  for (let v = 0; v < visits.length; v++) {
    const visit = visits[v];
    throwIfAborted(hooks.signal);
    const run = metropolisRun(
      system,
      {
        starts: [current],
        chainsPerStart: chains,
        samplesPerStart: framesPerChain * chains,
        stride: opts.stride,
        stepSize: opts.stepSize,
        moves: opts.moves,
        burnIn: opts.burnIn ?? 0,
        temperature: opts.temperature,
        bias: harmonicBias(system, visit.center, opts.forceConstant),
      },
      rng,
      {
        signal: hooks.signal,
        onProgress: (f) => hooks.onProgress?.((v + f) / visits.length),
      },
    );
    const n = run.frames.length / system.dim;
    windows.push({
      center: visit.center,
      pass: visit.pass,
      rc: system.reactionCoordinate.compute(run.frames, n),
      acceptance: run.acceptance,
    });
    current = run.last[0];
    yield;
  }
  hooks.onProgress?.(1);
  return { windows };
}

export function umbrellaSampling(
  system: EnergySystem,
  opts: UmbrellaOptions,
  rng: Rng,
  hooks: { onProgress?(fraction: number): void; signal?: AbortSignal } = {},
): UmbrellaResult {
  const steps = umbrellaSteps(system, opts, rng, hooks);
  for (;;) {
    const r = steps.next();
    if (r.done) return r.value;
  }
}

/**
 * The same, yielding to the event loop after every window so a worker can receive its cancel
 * message (a synchronous loop would only stop when the worker is terminated).
 */
export async function umbrellaSamplingAsync(
  system: EnergySystem,
  opts: UmbrellaOptions,
  rng: Rng,
  hooks: { onProgress?(fraction: number): void; signal?: AbortSignal } = {},
): Promise<UmbrellaResult> {
  const steps = umbrellaSteps(system, opts, rng, hooks);
  for (;;) {
    const r = steps.next();
    if (r.done) return r.value;
    await new Promise((resolve) => setImmediate(resolve));
  }
}
