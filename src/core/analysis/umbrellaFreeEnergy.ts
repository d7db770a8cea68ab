/**
 * Umbrella sampling as a reference free energy (the paper's check on the dimer, Fig. 3): run the
 * windows, combine them with WHAM, and report the profile, ΔF between the system's two named
 * states with bootstrap errors, and ΔF from the forward and the backward pass alone (their gap
 * shows hysteresis, i.e. windows that did not equilibrate).
 */
import type { ProfileBin } from '../../shared/runspec.js';
import type { Rng } from '../random.js';
import {
  umbrellaSampling,
  umbrellaSamplingAsync,
  umbrellaWindows,
  type UmbrellaOptions,
  type UmbrellaResult,
  type UmbrellaWindow,
} from '../sampling/umbrella.js';
import type { EnergySystem, StateDefinition } from '../systems/types.js';
import { logSumExp } from './ess.js';
import { inState } from './freeEnergy.js';
import { whamFull } from './wham.js';

export interface UmbrellaSettings {
  temperature: number;
  /** Number of window centres, evenly spaced on `range` (both ends included). */
  windows: number;
  /** Window centres and WHAM histogram range; default the system's reaction-coordinate range. */
  range?: readonly [number, number];
  forceConstant: number;
  /** MC steps (sweeps with single-particle moves) per window and pass. */
  steps: number;
  /** Gaussian proposal width (scaled by √τ); default per system and moves (umbrellaStepSize). */
  stepSize?: number;
  /** 'all' coordinates per step (default, the paper's) or single-'particle' sweeps. */
  moves?: 'all' | 'particle';
  stride: number;
  passes: 'forward' | 'forward-backward';
  burnIn?: number;
  chainsPerWindow?: number;
  /** WHAM output bins on `range`. */
  bins: number;
  bootstrap: number;
}

export interface UmbrellaWindowSummary {
  center: number;
  pass: 'forward' | 'backward';
  /** Mean reaction coordinate of the window's samples. */
  mean: number;
  n: number;
  acceptance: number;
}

export interface UmbrellaFreeEnergy {
  temperature: number;
  profile: ProfileBin[];
  /** F(second state) − F(first) = −τ ln(P₂/P₁) in kT₀, error from the WHAM bootstrap. */
  deltaF: { value: number; error: number };
  /** ΔF from the forward windows alone and the backward windows alone (null without them). */
  deltaFForward: number | null;
  deltaFBackward: number | null;
  windows: UmbrellaWindowSummary[];
  /** MC steps (single-particle sweeps when moves = 'particle') over all windows and chains. */
  totalSteps: number;
  moves: 'all' | 'particle';
  wallTimeSeconds: number;
}

/**
 * Proposal widths that give reasonable acceptance: the dimer's 0.02 is the paper's (all 76
 * coordinates move at once, ~10 % accepted); one particle at a time takes 0.1 (~40 % accepted at
 * τ = 0.5…2); the 2D systems take larger steps.
 */
export function umbrellaStepSize(system: EnergySystem, moves: 'all' | 'particle' = 'all'): number {
  if (moves === 'particle') return 0.1;
  if (system.id === 'dimer') return 0.02;
  if (system.id === 'mueller-brown') return 0.05;
  return 0.1;
}

/** ΔF = −τ ln(P₂/P₁) from per-bin log probabilities (bin centres decide the state). */
export function deltaFFromLogP(
  logP: Float64Array,
  range: readonly [number, number],
  states: readonly [StateDefinition, StateDefinition],
  temperature: number,
): number {
  const bins = logP.length;
  const width = (range[1] - range[0]) / bins;
  const a: number[] = [];
  const b: number[] = [];
  for (let k = 0; k < bins; k++) {
    const c = range[0] + (k + 0.5) * width;
    if (inState(c, states[0])) a.push(logP[k]);
    else if (inState(c, states[1])) b.push(logP[k]);
  }
  return -temperature * (logSumExp(b) - logSumExp(a));
}

function mean(a: ArrayLike<number>): number {
  let s = 0;
  for (let i = 0; i < a.length; i++) s += a[i];
  return a.length ? s / a.length : NaN;
}

type Hooks = { onProgress?(fraction: number, message: string): void; signal?: AbortSignal };

function samplingOptions(system: EnergySystem, settings: UmbrellaSettings): UmbrellaOptions {
  const range = settings.range ?? system.reactionCoordinate.range;
  return {
    windows: umbrellaWindows(range[0], range[1], settings.windows),
    forceConstant: settings.forceConstant,
    steps: settings.steps,
    stepSize: settings.stepSize ?? umbrellaStepSize(system, settings.moves),
    moves: settings.moves,
    temperature: settings.temperature,
    stride: settings.stride,
    passes: settings.passes,
    burnIn: settings.burnIn,
    chainsPerWindow: settings.chainsPerWindow,
  };
}

function samplingHooks(hooks: Hooks): { onProgress(f: number): void; signal?: AbortSignal } {
  return { signal: hooks.signal, onProgress: (f) => hooks.onProgress?.(0.95 * f, 'Umbrella sampling') };
}

export function umbrellaFreeEnergy(
  system: EnergySystem,
  settings: UmbrellaSettings,
  rng: Rng,
  hooks: Hooks = {},
): UmbrellaFreeEnergy {
  const started = performance.now();
  const us = umbrellaSampling(system, samplingOptions(system, settings), rng, samplingHooks(hooks));
  return analyse(system, settings, us, rng, started, hooks);
}

/** The same, yielding between windows (for workers that must hear a cancel). */
export async function umbrellaFreeEnergyAsync(
  system: EnergySystem,
  settings: UmbrellaSettings,
  rng: Rng,
  hooks: Hooks = {},
): Promise<UmbrellaFreeEnergy> {
  const started = performance.now();
  const us = await umbrellaSamplingAsync(
    system,
    samplingOptions(system, settings),
    rng,
    samplingHooks(hooks),
  );
  return analyse(system, settings, us, rng, started, hooks);
}

function analyse(
  system: EnergySystem,
  settings: UmbrellaSettings,
  us: UmbrellaResult,
  rng: Rng,
  started: number,
  hooks: Hooks,
): UmbrellaFreeEnergy {
  const range = settings.range ?? system.reactionCoordinate.range;
  const { temperature, forceConstant } = settings;
  hooks.signal?.throwIfAborted();
  hooks.onProgress?.(0.95, 'WHAM');
  const whamOpts = { forceConstant, temperature, bins: settings.bins, range, tolerance: 1e-8 };
  const all = whamFull(us.windows, { ...whamOpts, bootstrap: settings.bootstrap, rng });
  const states = system.states;
  const value = deltaFFromLogP(all.logP, range, states, temperature);
  let error = 0;
  const reps = all.replicates
    .map((l) => deltaFFromLogP(l, range, states, temperature))
    .filter(Number.isFinite);
  if (reps.length > 1) {
    const m = mean(reps);
    error = Math.sqrt(reps.reduce((s, v) => s + (v - m) ** 2, 0) / (reps.length - 1));
  }
  const passDeltaF = (pass: UmbrellaWindow['pass']): number | null => {
    const ws = us.windows.filter((w) => w.pass === pass);
    if (ws.length < 2) return null;
    return deltaFFromLogP(whamFull(ws, whamOpts).logP, range, states, temperature);
  };
  const chains = settings.chainsPerWindow ?? 1;
  hooks.onProgress?.(1, 'Done');
  return {
    temperature,
    profile: all.profile,
    deltaF: { value, error },
    deltaFForward: passDeltaF('forward'),
    deltaFBackward: settings.passes === 'forward-backward' ? passDeltaF('backward') : null,
    windows: us.windows.map((w) => ({
      center: w.center,
      pass: w.pass,
      mean: mean(w.rc),
      n: w.rc.length,
      acceptance: w.acceptance,
    })),
    totalSteps: us.windows.length * settings.steps * chains,
    moves: settings.moves ?? 'all',
    wallTimeSeconds: (performance.now() - started) / 1000,
  };
}
