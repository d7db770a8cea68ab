/**
 * Metropolis Monte Carlo at temperature τ with Gaussian moves of all coordinates at once,
 * σ = stepSize·√τ (SCIENCE.md; many chains advance together so each step is one batched energy
 * call), or, for particle systems, sweeps of single-particle moves (particleMoves.ts). Optional
 * bias (kT₀) is added to u, e.g. for umbrella windows.
 */
import type { Rng } from '../random.js';
import type { EnergySystem } from '../systems/types.js';
import { throwIfAborted } from '../cancel.js';
import { particleSweeper } from './particleMoves.js';

export interface MetropolisOptions {
  starts: Float64Array[];
  /** Independent chains per starting configuration (default 1); frames are split among them. */
  chainsPerStart?: number;
  /** Frames kept per start. */
  samplesPerStart: number;
  /** Keep every `stride`-th step. */
  stride: number;
  /** Gaussian width per coordinate, × √τ. */
  stepSize: number;
  /** 'all' (default): every coordinate at once per step; 'particle': a step is one sweep. */
  moves?: 'all' | 'particle';
  /** Steps discarded per chain before the first kept frame. */
  burnIn: number;
  temperature: number;
  /** Extra energy in kT₀ per configuration (flat batch of n configurations). */
  bias?: (x: Float64Array, n: number) => Float64Array;
}

export interface MetropolisHooks {
  onProgress?(fraction: number): void;
  signal?: AbortSignal;
}

export interface MetropolisResult {
  /** samplesPerStart frames per start, in start order; within a start, chain after chain. */
  frames: Float32Array;
  /** Accepted / proposed moves over all chains and steps (burn-in included; per particle move). */
  acceptance: number;
  /** Final configuration of every chain (start-major), for continuing a chain. */
  last: Float64Array[];
}

export function metropolisRun(
  system: EnergySystem,
  opts: MetropolisOptions,
  rng: Rng,
  hooks: MetropolisHooks = {},
): MetropolisResult {
  const dim = system.dim;
  const perStart = opts.chainsPerStart ?? 1;
  const { samplesPerStart, stride, burnIn, temperature, bias } = opts;
  if (!(perStart >= 1) || !Number.isInteger(perStart))
    throw new Error('chainsPerStart must be a positive integer');
  if (!(stride >= 1) || !(samplesPerStart >= 0) || !(burnIn >= 0))
    throw new Error('Bad stride/samplesPerStart/burnIn');
  if (!(temperature > 0)) throw new Error('temperature must be positive');
  for (const s of opts.starts) {
    if (s.length !== dim)
      throw new Error(`Start has ${s.length} coordinates, system "${system.id}" needs ${dim}`);
  }
  const nStarts = opts.starts.length;
  const nChains = nStarts * perStart;
  const framesPerChain = Math.ceil(samplesPerStart / perStart);
  const steps = burnIn + framesPerChain * stride;
  const sigma = opts.stepSize * Math.sqrt(temperature);

  const x = new Float64Array(nChains * dim);
  for (let s = 0; s < nStarts; s++) {
    for (let c = 0; c < perStart; c++) x.set(opts.starts[s], (s * perStart + c) * dim);
  }
  const total = (xs: Float64Array): Float64Array => {
    const e = system.energy(xs, nChains);
    if (bias) {
      const b = bias(xs, nChains);
      for (let i = 0; i < nChains; i++) e[i] += b[i];
    }
    return e;
  };
  const sweeper = opts.moves === 'particle' ? particleSweeper(system, bias) : null;
  const e = sweeper ? new Float64Array(0) : total(x);
  const proposal = new Float64Array(sweeper ? 0 : nChains * dim);
  const frames = new Float32Array(nStarts * samplesPerStart * dim);
  let accepted = 0;
  const progressEvery = Math.max(1, Math.floor(steps / 100));

  throwIfAborted(hooks.signal);
  for (let step = 1; step <= steps; step++) {
    if (sweeper) {
      for (let i = 0; i < nChains; i++)
        accepted += sweeper.sweep(x.subarray(i * dim, (i + 1) * dim), sigma, temperature, rng);
    } else {
      for (let j = 0; j < proposal.length; j++) proposal[j] = x[j] + sigma * rng.normal();
      const ep = total(proposal);
      for (let i = 0; i < nChains; i++) {
        const dE = ep[i] - e[i];
        // NaN energies (overlapping particles, overflow) are rejected.
        if (dE <= 0 || rng.uniform() < Math.exp(-dE / temperature)) {
          x.set(proposal.subarray(i * dim, (i + 1) * dim), i * dim);
          e[i] = ep[i];
          accepted++;
        }
      }
    }
    const kept = step - burnIn;
    if (kept > 0 && kept % stride === 0) {
      const f = kept / stride - 1;
      for (let s = 0; s < nStarts; s++) {
        for (let c = 0; c < perStart; c++) {
          const local = c * framesPerChain + f;
          if (local >= samplesPerStart) continue;
          const i = s * perStart + c;
          frames.set(x.subarray(i * dim, (i + 1) * dim), (s * samplesPerStart + local) * dim);
        }
      }
    }
    if (step % progressEvery === 0) {
      throwIfAborted(hooks.signal);
      hooks.onProgress?.(step / steps);
    }
  }
  hooks.onProgress?.(1);
  const last: Float64Array[] = [];
  for (let i = 0; i < nChains; i++) last.push(x.slice(i * dim, (i + 1) * dim));
  const proposed = steps * nChains * (sweeper?.movesPerSweep ?? 1);
  return { frames, acceptance: proposed > 0 ? accepted / proposed : 0, last };
}

/** Frames only: samplesPerStart per start, flat float32, in start order. */
export function metropolis(
  system: EnergySystem,
  opts: MetropolisOptions,
  rng: Rng,
  hooks?: MetropolisHooks,
): Float32Array {
  return metropolisRun(system, opts, rng, hooks).frames;
}
