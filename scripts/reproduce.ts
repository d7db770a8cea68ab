/**
 * Reproduces a paper result end to end in the app: runs a preset with executeRun, computes the
 * reference in the app (quadrature for the 2D systems, umbrella sampling + WHAM for the dimer),
 * writes profiles (CSV and PLUMED fes through the app's writers) and energy histograms to
 * docs/results/<preset>/, and prints a markdown table that also replaces the block between
 * `<!-- reproduce:<preset> -->` and `<!-- /reproduce:<preset> -->` in docs/results.md.
 *
 * Usage: npm run reproduce -- <preset name | preset.json> [--variant kl-only]
 *        [--reweighting temperature|mixture] [--reference-only]
 *        [--skip-run] [--checkpoint FILE] [--out docs/results]
 *   --variant kl-only   the same run with every stage replaced by KL alone (the paper's collapse)
 *   --reweighting temperature|mixture   override the preset's analysis.reweighting (tagged
 *                       "per-temperature" / "mixture" in file names and docs/results.md blocks)
 *   --reference-only    compute (or reuse) only the reference (umbrella sampling for the dimer)
 *   --skip-run          rebuild tables and files from a saved summary.json
 *   --checkpoint FILE   write the run's checkpoints to FILE, and resume from it when it exists
 *                       (a crashed run continues; a finished one goes straight to sampling)
 */
import { existsSync, mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { basename, dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { RunSpec, analysisTemperatures, type ProfileBin, type RunResult } from '../src/shared/runspec.js';
import { checkpointIteration } from '../src/core/run/checkpoint.js';
import { executeRun } from '../src/core/run/execute.js';
import { annealInWorkers } from '../src/main/workers/annealPool.js';
import { simulateTrainingData } from '../src/core/run/trainingData.js';
import type { SampleSet } from '../src/core/run/types.js';
import { referenceDeltaF, referenceProfile } from '../src/core/analysis/quadrature.js';
import { umbrellaFreeEnergy, type UmbrellaFreeEnergy } from '../src/core/analysis/umbrellaFreeEnergy.js';
import { normalizedWeights } from '../src/core/analysis/ess.js';
import { stateOf } from '../src/core/analysis/freeEnergy.js';
import { weightedHistogram } from '../src/core/analysis/histogram.js';
import { paperDimerUmbrella } from '../src/core/sampling/umbrella.js';
import { Rng } from '../src/core/random.js';
import { createSystem } from '../src/core/systems/catalog.js';
import type { EnergySystem } from '../src/core/systems/types.js';
import { writeCsv, writePlumedFes, writeSvgPlot } from '../src/core/io/writers/index.js';

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '..');

interface Args {
  preset: string;
  variant: 'kl-only' | null;
  reweighting: 'temperature' | 'mixture' | null;
  /** Multiply every stage's iterations (a shorter run than the preset, reported as such). */
  scale: number | null;
  referenceOnly: boolean;
  skipRun: boolean;
  checkpoint: string | null;
  out: string;
}

/** The annealing settings in words, for the results header. */
function annealDescription(a: NonNullable<RunSpec['sampling']['anneal']>): string {
  const moves = {
    walk: 'random-walk Metropolis',
    langevin: 'Langevin (MALA)',
    hmc: `Hamiltonian Monte Carlo (${a.leapfrog} leapfrog steps)`,
  }[a.proposal];
  const levels = a.cess
    ? `≤ ${a.levels} adaptive levels (each keeping the conditional ESS at ${a.cess})`
    : `${a.levels} levels`;
  return (
    `annealed (${levels} × ${a.moves} latent-space ${moves} moves` +
    (a.startTemperatureFactor && a.startTemperatureFactor !== 1
      ? `, walkers drawn from the generator at ${a.startTemperatureFactor}·τ`
      : '') +
    (a.walkersPerState ? `, ≤ ${a.walkersPerState} walkers per state` : '') +
    (a.resampleBelow
      ? `, resampled when a population's ESS drops below ${a.resampleBelow} of its size, ${a.islands} independent populations (errors bootstrap over them)`
      : '') +
    (a.canonical ? ', confined to the canonical solvent order when the data were relabelled' : '') +
    ')'
  );
}

function parseArgs(argv: string[]): Args {
  const a: Args = {
    preset: '',
    variant: null,
    reweighting: null,
    scale: null,
    referenceOnly: false,
    skipRun: false,
    checkpoint: null,
    out: join(ROOT, 'docs/results'),
  };
  for (let i = 0; i < argv.length; i++) {
    const v = argv[i];
    if (v === '--variant') {
      const next = argv[++i];
      if (next !== 'kl-only') throw new Error(`unknown variant "${next}" (known: kl-only)`);
      a.variant = next;
    } else if (v === '--reweighting') {
      const next = argv[++i];
      if (next !== 'temperature' && next !== 'mixture')
        throw new Error(`unknown reweighting "${next}" (known: temperature, mixture)`);
      a.reweighting = next;
    } else if (v === '--scale') {
      a.scale = Number(argv[++i]);
      if (!(a.scale > 0)) throw new Error('--scale must be a positive number');
    } else if (v === '--reference-only') a.referenceOnly = true;
    else if (v === '--skip-run') a.skipRun = true;
    else if (v === '--out') a.out = resolve(argv[++i]);
    else if (v === '--checkpoint') a.checkpoint = resolve(argv[++i]);
    else if (v.startsWith('--')) throw new Error(`unknown option ${v}`);
    else a.preset = v;
  }
  if (!a.preset)
    throw new Error(
      'usage: npm run reproduce -- <preset> [--variant kl-only] [--reweighting temperature|mixture] [--reference-only] [--skip-run]',
    );
  return a;
}

function loadPreset(nameOrPath: string): { name: string; spec: RunSpec } {
  const path = existsSync(nameOrPath) ? nameOrPath : join(ROOT, 'resources/presets', `${nameOrPath}.json`);
  if (!existsSync(path)) throw new Error(`no preset "${nameOrPath}" (looked for ${path})`);
  return { name: basename(path, '.json'), spec: RunSpec.parse(JSON.parse(readFileSync(path, 'utf8'))) };
}

/** The paper's KL-only training: the same iterations with the energy term alone (no data, no RC). */
function klOnly(spec: RunSpec): RunSpec {
  const iterations = spec.training.stages.reduce((s, st) => s + st.iterations, 0);
  const last = spec.training.stages.at(-1)!;
  return RunSpec.parse({
    ...spec,
    name: `${spec.name ?? 'run'} — KL only`,
    training: {
      ...spec.training,
      stages: [
        {
          name: 'KL',
          iterations,
          weights: { kl: 1 },
          highEnergy: last.highEnergy,
          maxEnergy: last.maxEnergy,
        },
      ],
    },
  });
}

function scaled(spec: RunSpec, f: number): RunSpec {
  return RunSpec.parse({
    ...spec,
    name: `${spec.name ?? 'run'} — iterations × ${f}`,
    training: {
      ...spec.training,
      stages: spec.training.stages.map((st) => ({
        ...st,
        iterations: st.iterations > 0 ? Math.max(1, Math.round(st.iterations * f)) : 0,
      })),
    },
  });
}

// ---- statistics of the generated samples ---------------------------------------------------------

interface SampleStats {
  temperature: number;
  /** Fraction of samples with u ≤ the largest energy in the (τ = 1) training data. */
  lowEnergyFraction: number;
  /** Raw sequence of generated samples: state changes between consecutive samples. */
  samplesPerSwitch: number;
  /** Boltzmann-reweighted independent samples: 1 / (2·P₁·P₂). */
  samplesPerSwitchReweighted: number;
  /** Unweighted fraction of generated samples in the second state. */
  fractionSecondState: number;
  energyHistogram: number[];
}

function sampleStats(
  system: EnergySystem,
  s: SampleSet,
  maxDataEnergy: number,
  edges: number[],
): SampleStats {
  let low = 0;
  for (const u of s.energy) if (u <= maxDataEnergy) low++;
  const rc = system.reactionCoordinate.compute(s.x, s.n);
  const st = stateOf(rc, system.states);
  let switches = 0;
  let second = 0;
  for (let i = 0; i < s.n; i++) {
    if (st[i] === 1) second++;
    if (i > 0 && st[i] !== st[i - 1]) switches++;
  }
  const w = normalizedWeights(s.logWeights);
  let p1 = 0;
  for (let i = 0; i < s.n; i++) if (st[i] === 1) p1 += w[i];
  const h = weightedHistogram(s.energy, null, { bins: edges.length - 1, range: [edges[0], edges.at(-1)!] });
  return {
    temperature: s.temperature,
    lowEnergyFraction: low / s.n,
    samplesPerSwitch: switches > 0 ? (s.n - 1) / switches : Infinity,
    // p₁(1 − p₁) rounds to 0 (or below) when one weight dominates: no switch expected.
    samplesPerSwitchReweighted: p1 * (1 - p1) > 1e-9 ? 1 / (2 * p1 * (1 - p1)) : Infinity,
    fractionSecondState: second / s.n,
    energyHistogram: Array.from(h.counts, (c) => c / s.n),
  };
}

/** The run's own training data, regenerated exactly as executeRun generated it. */
function trainingEnergies(spec: RunSpec, system: EnergySystem): Float64Array {
  if (spec.data.source !== 'metropolis') throw new Error('reproduce needs presets with Metropolis data');
  const x = simulateTrainingData(spec, system);
  return system.energy(x, x.length / system.dim);
}

// ---- references -------------------------------------------------------------------------------

interface Reference {
  method: 'quadrature' | 'umbrella';
  temperature: number;
  deltaF: { value: number; error: number };
  profile: ProfileBin[];
  umbrella?: Omit<UmbrellaFreeEnergy, 'windows' | 'profile'> & { windows: number };
}

function references(spec: RunSpec, system: EnergySystem, dir: string): Reference[] {
  const range = spec.analysis.range ?? system.reactionCoordinate.range;
  const bins = spec.analysis.bins;
  return analysisTemperatures(spec).map((tau) => {
    if (system.dim === 2) {
      return {
        method: 'quadrature' as const,
        temperature: tau,
        deltaF: { value: referenceDeltaF(system, tau), error: 0 },
        profile: referenceProfile(system, { temperature: tau, bins, range }),
      };
    }
    // Umbrella sampling with the paper's settings, cached: it is the slow part of a dimer reference.
    // Longer runs saved next to it (`bgw umbrella … --steps 200000 --json > umbrella-<what>-tau2.json`)
    // are better converged (docs/results.md). The reference is a run with single-particle moves
    // where there is one (they relax the bath far faster), then the most steps, then the file name.
    const cache = join(dir, `umbrella-tau${tau}.json`);
    const saved = existsSync(dir)
      ? readdirSync(dir)
          .filter((f) => f.startsWith('umbrella-') && f.endsWith(`-tau${tau}.json`))
          .map((f) => ({
            file: join(dir, f),
            u: JSON.parse(readFileSync(join(dir, f), 'utf8')) as UmbrellaFreeEnergy,
          }))
          .sort(
            (a, b) =>
              Number(b.u.moves === 'particle') - Number(a.u.moves === 'particle') ||
              b.u.totalSteps - a.u.totalSteps ||
              a.file.localeCompare(b.file),
          )
      : [];
    let u: UmbrellaFreeEnergy;
    if (saved.length > 0) {
      console.error(`reference τ = ${tau}: reusing ${saved[0].file}`);
      u = saved[0].u;
    } else {
      console.error(
        `reference τ = ${tau}: umbrella sampling (35 windows, k = 500, 50 000 steps, forward + backward)`,
      );
      const p = paperDimerUmbrella(tau);
      let last = -1;
      u = umbrellaFreeEnergy(
        system,
        { ...p, windows: p.windows.length, range: [p.windows[0], p.windows.at(-1)!], bins, bootstrap: 50 },
        new Rng(11),
        {
          onProgress: (f) => {
            const pct = Math.floor(f * 10);
            if (pct !== last) console.error(`  ${pct * 10} %`);
            last = pct;
          },
        },
      );
      writeFileSync(cache, `${JSON.stringify(u, null, 1)}\n`);
    }
    return {
      method: 'umbrella' as const,
      temperature: tau,
      deltaF: u.deltaF,
      profile: u.profile,
      umbrella: {
        temperature: u.temperature,
        deltaF: u.deltaF,
        deltaFForward: u.deltaFForward,
        deltaFBackward: u.deltaFBackward,
        totalSteps: u.totalSteps,
        // Runs saved before single-particle moves existed moved all coordinates.
        moves: u.moves ?? 'all',
        wallTimeSeconds: u.wallTimeSeconds,
        windows: u.windows.length,
      },
    };
  });
}

/** What an umbrella run's step counts count. */
function stepUnit(moves: 'all' | 'particle'): string {
  return moves === 'particle' ? 'single-particle sweeps' : 'MC steps';
}

// ---- comparison and output ----------------------------------------------------------------------

interface Summary {
  preset: string;
  variant: string | null;
  result: RunResult;
  stats: SampleStats[];
  dataEnergyHistogram: number[];
  energyEdges: number[];
  maxDataEnergy: number;
  /** Iteration the run resumed at from --checkpoint (its wall time excludes what came before). */
  resumedAt?: number;
}

function key(rc: number): string {
  return rc.toFixed(9);
}

/** Low-lying bins: the reference F is at most this far above its minimum (the wells, kT₀). */
const WELL_F = 5;

/**
 * |F_BG − F_ref| over the bins the generator kept (weight ≥ 0.01 samples), both min-shifted: the
 * largest, the number of bins within 0.3 kT₀, and the largest over the low-lying bins.
 */
function profileDeviation(
  bg: ProfileBin[],
  ref: ProfileBin[],
): { max: number; bins: number; within: number; maxWells: number; wellBins: number; maxZ: number } {
  const r = new Map(ref.map((b) => [key(b.rc), b]));
  const pairs = bg.filter(
    (b) => Number.isFinite(b.F) && r.has(key(b.rc)) && Number.isFinite(r.get(key(b.rc))!.F),
  );
  const d = pairs.map((b) => Math.abs(b.F - r.get(key(b.rc))!.F));
  const wells = pairs
    .filter((b) => r.get(key(b.rc))!.F <= WELL_F)
    .map((b) => Math.abs(b.F - r.get(key(b.rc))!.F));
  // Deviation in units of the bin's bootstrap error: far above ~3 means the error bars understate.
  const z = pairs.filter((b) => b.error > 0).map((b) => Math.abs(b.F - r.get(key(b.rc))!.F) / b.error);
  return {
    maxZ: z.length ? Math.max(...z) : NaN,
    max: d.length ? Math.max(...d) : NaN,
    bins: d.length,
    within: d.filter((v) => v <= 0.3).length,
    maxWells: wells.length ? Math.max(...wells) : NaN,
    wellBins: wells.length,
  };
}

function fullGrid(p: ProfileBin[], bins: number, range: readonly [number, number]): ProfileBin[] {
  const w = (range[1] - range[0]) / bins;
  const out = Array.from({ length: bins }, (_, k) => ({
    rc: range[0] + (k + 0.5) * w,
    F: Infinity,
    error: Infinity,
  }));
  for (const b of p) {
    const k = Math.round((b.rc - range[0]) / w - 0.5);
    if (k >= 0 && k < bins) out[k] = { ...b };
  }
  return out;
}

function f3(v: number | null | undefined): string {
  if (v === Infinity) return '∞';
  if (v === -Infinity) return '−∞';
  return v === null || v === undefined || !Number.isFinite(v) ? '–' : v.toFixed(3);
}

function signed(v: number): string {
  return Number.isFinite(v) && v >= 0 ? `+${f3(v)}` : f3(v);
}

function writeOutputs(dir: string, system: EnergySystem, s: Summary, refs: Reference[]): string {
  const spec = s.result.spec;
  const range = spec.analysis.range ?? system.reactionCoordinate.range;
  const bins = spec.analysis.bins;
  const rcName = system.reactionCoordinate.id;
  const unit = system.reactionCoordinate.unit;
  const tag = s.variant ? `-${s.variant}` : '';
  const lines: string[] = [];
  const u0 = refs[0]?.umbrella;
  // `windows` counts both passes, so this is the steps of one window in one pass (all chains).
  const stepsOf = (r: Reference): string =>
    `${r.umbrella!.totalSteps / r.umbrella!.windows} ${stepUnit(r.umbrella!.moves)}`;
  const sameSteps = refs.every((r) => r.umbrella && stepsOf(r) === stepsOf(refs[0]));
  const refName = !u0
    ? 'quadrature'
    : sameSteps
      ? `umbrella + WHAM, ${stepsOf(refs[0])} per window and pass`
      : `umbrella + WHAM, per window and pass: ${refs.map((r) => `${stepsOf(r)} at τ = ${r.temperature}`).join(', ')}`;
  const refShort = u0 ? 'umbrella + WHAM' : 'quadrature';
  // Figure titles: the system's name without its parenthesised dimension, e.g. "(76D)".
  const shortName = system.name.replace(/ \(.*\)$/, '');
  lines.push(
    `**${spec.name ?? s.preset}**${s.variant ? ` (variant: ${s.variant})` : ''} — backend ${s.result.backend}, ` +
      `wall time ${s.result.wallTimeSeconds.toFixed(0)} s, ${s.result.iterations} iterations, ${s.result.skippedSteps} skipped steps, ` +
      `${spec.sampling.n} samples per τ${
        spec.analysis.reweighting === 'mixture'
          ? ` at τ ∈ {${spec.sampling.temperatures.join(', ')}}, every τ below analysed from all ${spec.sampling.n * spec.sampling.temperatures.length} pooled (mixture reweighting; ESS counts the pool)`
          : ''
      }${spec.sampling.anneal ? `, ${annealDescription(spec.sampling.anneal)}` : ''}${
        s.resumedAt !== undefined
          ? ` (resumed at iteration ${s.resumedAt} from a saved checkpoint of the same preset and seed: the wall time counts only what ran after it)`
          : ''
      }. Reference: ${refName}.`,
    '',
    `| τ | ΔF BG (kT₀) | ΔF ${sameSteps ? refName : refShort} (kT₀) | BG − ref | ESS | ESS % | low-energy % | max \\|F_BG − F_ref\\| (bins) | bins within 0.3 kT₀ | max \\|F_BG − F_ref\\| / bootstrap error | max where F_ref ≤ ${WELL_F} kT₀ (bins) | ${system.id === 'dimer' ? 'samples per switch (raw / reweighted)' : 'fraction in 2nd state (raw)'} |`,
    '|---|---|---|---|---|---|---|---|---|---|---|---|',
  );
  for (const t of s.result.temperatures) {
    const ref = refs.find((r) => r.temperature === t.temperature)!;
    // Raw-sample statistics exist for sampled temperatures only.
    const st = s.stats.find((x) => x.temperature === t.temperature);
    const dev = profileDeviation(t.profile, ref.profile);
    const refDF =
      ref.deltaF.error > 0 ? `${f3(ref.deltaF.value)} ± ${f3(ref.deltaF.error)}` : f3(ref.deltaF.value);
    const last = !st
      ? '–'
      : system.id === 'dimer'
        ? `${f3(st.samplesPerSwitch)} / ${st.samplesPerSwitchReweighted > 0 && st.samplesPerSwitchReweighted < 1e9 ? f3(st.samplesPerSwitchReweighted) : '∞'}`
        : st.fractionSecondState.toFixed(3);
    lines.push(
      `| ${t.temperature} | ${f3(t.deltaF.value)} ± ${f3(t.deltaF.error)} | ${refDF} | ${signed(t.deltaF.value - ref.deltaF.value)} | ` +
        `${t.ess.toFixed(0)} | ${(100 * t.essFraction).toFixed(1)} | ${st ? (100 * st.lowEnergyFraction).toFixed(1) : '–'} | ${f3(dev.max)} (${dev.bins}) | ${dev.within}/${dev.bins} | ${Number.isFinite(dev.maxZ) ? dev.maxZ.toFixed(1) : '–'} | ${f3(dev.maxWells)} (${dev.wellBins}) | ${last} |`,
    );

    // Profiles: BG and reference side by side (CSV), and each as a PLUMED fes grid.
    const r = new Map(ref.profile.map((b) => [key(b.rc), b]));
    const grid = fullGrid(t.profile, bins, range);
    writeFileSync(
      join(dir, `profile${tag}-tau${t.temperature}.csv`),
      writeCsv([
        { name: rcName, unit, values: grid.map((b) => b.rc) },
        { name: 'F_bg', unit: 'kT0', values: grid.map((b) => b.F) },
        { name: 'error_bg', unit: 'kT0', values: grid.map((b) => b.error) },
        { name: `F_${ref.method}`, unit: 'kT0', values: grid.map((b) => r.get(key(b.rc))?.F ?? Infinity) },
        {
          name: `error_${ref.method}`,
          unit: 'kT0',
          values: grid.map((b) => r.get(key(b.rc))?.error ?? Infinity),
        },
      ]),
    );
    writeFileSync(
      join(dir, `fes-bg${tag}-tau${t.temperature}.dat`),
      writePlumedFes(grid, { rcName, temperature: t.temperature, unit }),
    );
    if (!s.variant) {
      writeFileSync(
        join(dir, `fes-${ref.method}-tau${t.temperature}.dat`),
        writePlumedFes(fullGrid(ref.profile, bins, range), { rcName, temperature: t.temperature, unit }),
      );
    }
    // The figure, through the same SVG writer as the app's export.
    writeFileSync(
      join(dir, `profile${tag}-tau${t.temperature}.svg`),
      writeSvgPlot({
        title: `${shortName}, τ = ${t.temperature}: generator vs ${refShort}`,
        xLabel: `${system.reactionCoordinate.label} (${unit})`,
        yLabel: 'F (kT₀)',
        xRange: [range[0], range[1]],
        series: [
          { label: refShort, x: ref.profile.map((b) => b.rc), y: ref.profile.map((b) => b.F), dashed: true },
          {
            label: 'Boltzmann generator',
            x: grid.map((b) => b.rc),
            y: grid.map((b) => b.F),
            error: grid.map((b) => b.error),
          },
        ],
      }),
    );
  }
  if (s.result.temperatures.some((t) => t.anneal)) {
    lines.push(
      '',
      `| τ | ΔF one-jump weights (kT₀) | ESS one-jump | ΔF annealed (kT₀) | ESS annealed${spec.sampling.anneal?.resampleBelow ? ' (of the final weights; resampled walkers are not independent)' : ''} | move acceptance |`,
      '|---|---|---|---|---|---|',
    );
    for (const t of s.result.temperatures) {
      const a = t.anneal;
      if (!a) continue;
      lines.push(
        `| ${t.temperature} | ${f3(a.oneJump.deltaF.value)} ± ${f3(a.oneJump.deltaF.error)} | ${a.oneJump.ess.toFixed(0)} | ${f3(t.deltaF.value)} ± ${f3(t.deltaF.error)} | ${t.ess.toFixed(0)} | ${a.acceptance.toFixed(2)} |`,
      );
    }
  }
  if (refs[0]?.umbrella) {
    lines.push(
      '',
      `| τ | umbrella ΔF (all windows) | forward pass only | backward pass only | MC steps or sweeps | wall time (s) |`,
      '|---|---|---|---|---|---|',
    );
    for (const r of refs) {
      const u = r.umbrella!;
      lines.push(
        `| ${r.temperature} | ${f3(u.deltaF.value)} ± ${f3(u.deltaF.error)} | ${f3(u.deltaFForward)} | ${f3(u.deltaFBackward)} | ${u.totalSteps.toExponential(2)} ${stepUnit(u.moves)} | ${u.wallTimeSeconds.toFixed(0)} |`,
      );
    }
  }
  // Energy histograms: training data vs generated samples (unweighted) at each τ.
  const centers = s.energyEdges.slice(0, -1).map((e, i) => 0.5 * (e + s.energyEdges[i + 1]));
  writeFileSync(
    join(dir, `energy-histogram${tag}.csv`),
    writeCsv([
      { name: 'energy', unit: 'kT0', values: centers },
      { name: 'data_tau1', values: s.dataEnergyHistogram },
      ...s.stats.map((st) => ({ name: `bg_tau${st.temperature}`, values: st.energyHistogram })),
    ]),
  );
  const fraction = (h: ArrayLike<number>) => {
    const total = Array.from(h).reduce((a, b) => a + b, 0) || 1;
    return Array.from(h, (v) => v / total);
  };
  writeFileSync(
    join(dir, `energy-histogram${tag}.svg`),
    writeSvgPlot({
      title: `${shortName}: energies of data and generated samples (raw)`,
      xLabel: 'energy u (kT₀)',
      yLabel: 'fraction of samples',
      series: [
        {
          label: 'training data, τ = 1',
          x: centers,
          y: fraction(s.dataEnergyHistogram),
          kind: 'step',
          dashed: true,
        },
        ...s.stats.map((st) => ({
          label: `generator${spec.sampling.anneal ? ' + annealing' : ''}, τ = ${st.temperature}`,
          x: centers,
          y: fraction(st.energyHistogram),
          kind: 'step' as const,
        })),
      ],
    }),
  );
  const figure = (file: string, alt: string) => `![${alt}](results/${s.preset}/${file})`;
  lines.push(
    '',
    ...s.result.temperatures.map((t) =>
      figure(`profile${tag}-tau${t.temperature}.svg`, `free-energy profile at τ = ${t.temperature}`),
    ),
    figure(`energy-histogram${tag}.svg`, 'energy histograms'),
  );
  lines.push(
    '',
    `Low energy = u ≤ ${s.maxDataEnergy.toFixed(2)} kT₀, the largest energy in the τ = 1 training data. ` +
      `Files: docs/results/${s.preset}/ (profile${tag}-tau*.csv, fes-*.dat, energy-histogram${tag}.csv).`,
  );
  return lines.join('\n');
}

function updateResultsMd(block: string, id: string): void {
  const path = join(ROOT, 'docs/results.md');
  if (!existsSync(path)) return;
  const text = readFileSync(path, 'utf8');
  const open = `<!-- reproduce:${id} -->`;
  const close = `<!-- /reproduce:${id} -->`;
  const a = text.indexOf(open);
  const b = text.indexOf(close);
  if (a < 0 || b < a) {
    console.error(`docs/results.md has no ${open} … ${close} block; table printed only`);
    return;
  }
  writeFileSync(path, `${text.slice(0, a + open.length)}\n${block}\n${text.slice(b)}`);
  console.error(`updated docs/results.md (${id})`);
}

async function main(): Promise<void> {
  const args = parseArgs(process.argv.slice(2));
  const preset = loadPreset(args.preset);
  let spec = args.variant === 'kl-only' ? klOnly(preset.spec) : preset.spec;
  if (args.scale !== null) spec = scaled(spec, args.scale);
  if (args.reweighting !== null) {
    spec = RunSpec.parse({ ...spec, analysis: { ...spec.analysis, reweighting: args.reweighting } });
  }
  const system = createSystem(spec.system);
  const dir = join(args.out, preset.name);
  mkdirSync(dir, { recursive: true });
  const variant =
    [
      args.variant,
      args.scale !== null ? `scale${args.scale}` : null,
      args.reweighting === 'temperature' ? 'per-temperature' : args.reweighting,
    ]
      .filter(Boolean)
      .join('-') || null;
  const tag = variant ? `-${variant}` : '';
  const summaryPath = join(dir, `summary${tag}.json`);

  if (args.referenceOnly) {
    const refs = references(spec, system, dir);
    const range = spec.analysis.range ?? system.reactionCoordinate.range;
    const lines = [
      `Reference only (${refs[0]?.method ?? '–'}), ${spec.analysis.bins} bins on [${range.join(', ')}]:`,
      '',
      '| τ | ΔF (kT₀) | forward pass only | backward pass only | MC steps or sweeps | wall time (s) |',
      '|---|---|---|---|---|---|',
    ];
    for (const r of refs) {
      const u = r.umbrella;
      lines.push(
        `| ${r.temperature} | ${f3(r.deltaF.value)} ± ${f3(r.deltaF.error)} | ${f3(u?.deltaFForward)} | ${f3(u?.deltaFBackward)} | ${u ? `${u.totalSteps.toExponential(2)} ${stepUnit(u.moves)}` : '–'} | ${u ? u.wallTimeSeconds.toFixed(0) : '–'} |`,
      );
      writeFileSync(
        join(dir, `fes-${r.method}-tau${r.temperature}.dat`),
        writePlumedFes(fullGrid(r.profile, spec.analysis.bins, range), {
          rcName: system.reactionCoordinate.id,
          temperature: r.temperature,
          unit: system.reactionCoordinate.unit,
        }),
      );
    }
    console.log(lines.join('\n'));
    updateResultsMd(lines.join('\n'), `${preset.name}-reference`);
    return;
  }

  let summary: Summary;
  if (args.skipRun) {
    // Non-finite numbers were saved as strings; bring them back.
    summary = JSON.parse(readFileSync(summaryPath, 'utf8'), (_, v: unknown) =>
      v === 'Infinity' ? Infinity : v === '-Infinity' ? -Infinity : v === 'NaN' ? NaN : v,
    ) as Summary;
  } else {
    const dataEnergy = trainingEnergies(spec, system);
    const maxDataEnergy = Math.max(...dataEnergy);
    const minDataEnergy = Math.min(...dataEnergy);
    const span = maxDataEnergy - minDataEnergy;
    const edges = Array.from({ length: 61 }, (_, i) => minDataEnergy - 0.1 * span + (i * 1.6 * span) / 60);
    const dh = weightedHistogram(dataEnergy, null, { bins: 60, range: [edges[0], edges[60]] });
    const stats: SampleStats[] = [];
    let lastStage = -1;
    const resumeBytes = args.checkpoint && existsSync(args.checkpoint) ? readFileSync(args.checkpoint) : null;
    const resume = resumeBytes
      ? { iteration: checkpointIteration(resumeBytes), bytes: new Uint8Array(resumeBytes) }
      : undefined;
    if (resume) console.error(`resuming at iteration ${resume.iteration} from ${args.checkpoint}`);
    const checkpointFile = args.checkpoint;
    const result = await executeRun(spec, {
      resume,
      // Every core anneals (the app's sampling jobs do the same).
      annealRunner: annealInWorkers(),
      onCheckpoint: checkpointFile ? (c) => writeFileSync(checkpointFile, c.bytes) : undefined,
      onMetrics: (rows) => {
        for (const r of rows) {
          if (r.stage !== lastStage || r.iteration % 100 === 0) {
            lastStage = r.stage;
            const f = (v: number | null): string => (v === null ? '-' : v.toFixed(3));
            console.error(
              `it ${r.iteration} stage ${r.stage} loss ${f(r.loss)} ml ${f(r.ml)} kl ${f(r.kl)} rc ${f(r.rc)} ess ${f(r.essFraction)} t ${r.time.toFixed(0)}s`,
            );
          }
        }
      },
      onSamples: (s) => {
        stats.push(sampleStats(system, s, maxDataEnergy, edges));
      },
    });
    summary = {
      preset: preset.name,
      variant,
      result,
      stats,
      dataEnergyHistogram: Array.from(dh.counts, (c) => c / dataEnergy.length),
      energyEdges: edges,
      maxDataEnergy,
      ...(resume && { resumedAt: resume.iteration }),
    };
    writeFileSync(
      summaryPath,
      `${JSON.stringify(summary, (_, v: unknown) => (typeof v === 'number' && !Number.isFinite(v) ? String(v) : v))}\n`,
    );
  }
  const refs = references(spec, system, dir);
  const block = writeOutputs(dir, system, summary, refs);
  console.log(block);
  updateResultsMd(block, `${preset.name}${tag}`);
}

main().catch((e: unknown) => {
  console.error(e);
  process.exit(1);
});
