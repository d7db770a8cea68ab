/** `bgw umbrella`: umbrella sampling + WHAM along a system's reaction coordinate, saved as an analysis. */
import type { Command } from 'commander';
import { CliError, formatDeltaF, printJson, printLine } from '../output.js';
import { call, openSession } from '../session.js';

interface Options {
  system: string;
  preset?: string;
  param: string[];
  temperature: number;
  windows: number;
  range?: string;
  forceConstant: number;
  steps: number;
  stepSize?: number;
  moves: string;
  stride: number;
  passes: string;
  chains: number;
  bins: number;
  bootstrap: number;
  seed?: number;
  json?: boolean;
}

const int = (v: string): number => Number(v);

function parseRange(v: string): [number, number] {
  const parts = v.split(/[,:]/).map(Number);
  if (parts.length !== 2 || !parts.every(Number.isFinite) || !(parts[1] > parts[0])) {
    throw new CliError(`--range must be "min,max" with min < max, got "${v}"`);
  }
  return [parts[0], parts[1]];
}

function parseParams(list: string[]): Record<string, number> {
  const out: Record<string, number> = {};
  for (const p of list) {
    const m = /^([A-Za-z_]\w*)=(.+)$/.exec(p);
    if (!m || !Number.isFinite(Number(m[2]))) throw new CliError(`--param must be name=number, got "${p}"`);
    out[m[1]] = Number(m[2]);
  }
  return out;
}

function positiveInt(name: string, v: number): void {
  if (!Number.isInteger(v) || v <= 0) throw new CliError(`--${name} must be a positive integer`);
}

export function registerUmbrella(program: Command): void {
  program
    .command('umbrella <project>')
    .description('umbrella sampling + WHAM free energy along the reaction coordinate (saved in the project)')
    .requiredOption('--system <id>', 'system id (double-well, mueller-brown, dimer)')
    .option('--preset <name>', 'parameter preset of the system, e.g. fig3 or table for the dimer')
    .option(
      '--param <name=value>',
      'override one system parameter (repeatable)',
      (v, acc: string[]) => [...acc, v],
      [],
    )
    .requiredOption('--temperature <tau>', 'relative temperature τ', Number)
    .option('--windows <n>', 'number of windows', int, 35)
    .option('--range <min,max>', 'window centres and profile range (default: the system’s)')
    .option('--force-constant <k>', 'harmonic bias k/2·(rc − c)² in kT₀', Number, 500)
    .option('--steps <n>', 'MC steps per window and pass (sweeps with --moves particle)', int, 50000)
    .option('--step-size <s>', 'Gaussian proposal width (× √τ; default per system and moves)', Number)
    .option('--moves <m>', 'all (every coordinate per step, the paper’s) | particle (one at a time)', 'all')
    .option('--stride <n>', 'keep every n-th step', int, 10)
    .option('--passes <p>', 'forward | forward-backward', 'forward-backward')
    .option('--chains <n>', 'parallel chains per window', int, 1)
    .option('--bins <n>', 'profile bins', int, 60)
    .option('--bootstrap <n>', 'bootstrap resamples for errors', int, 50)
    .option('--seed <n>', 'random seed', int)
    .option('--json', 'machine-readable output')
    .action(async (file: string, o: Options) => {
      if (!(o.temperature > 0)) throw new CliError('--temperature must be a positive number');
      if (!(o.forceConstant > 0)) throw new CliError('--force-constant must be a positive number');
      if (o.stepSize !== undefined && !(o.stepSize > 0))
        throw new CliError('--step-size must be a positive number');
      positiveInt('windows', o.windows);
      if (o.windows < 2) throw new CliError('--windows must be at least 2');
      positiveInt('steps', o.steps);
      positiveInt('stride', o.stride);
      positiveInt('chains', o.chains);
      positiveInt('bins', o.bins);
      if (!Number.isInteger(o.bootstrap) || o.bootstrap < 0)
        throw new CliError('--bootstrap must be a non-negative integer');
      if (o.seed !== undefined && (!Number.isInteger(o.seed) || o.seed < 0))
        throw new CliError('--seed must be a non-negative integer');
      if (o.passes !== 'forward' && o.passes !== 'forward-backward') {
        throw new CliError(`--passes must be forward or forward-backward, got "${o.passes}"`);
      }
      if (o.moves !== 'all' && o.moves !== 'particle') {
        throw new CliError(`--moves must be all or particle, got "${o.moves}"`);
      }
      const range = o.range ? parseRange(o.range) : undefined;
      const params = parseParams(o.param);
      const s = await openSession(file, { create: true });
      try {
        const { jobId } = await call(() =>
          s.backend.services['analysis.umbrella']({
            systemId: o.system,
            preset: o.preset,
            params,
            temperature: o.temperature,
            windows: o.windows,
            range,
            forceConstant: o.forceConstant,
            steps: o.steps,
            stepSize: o.stepSize,
            moves: o.moves as 'all' | 'particle',
            stride: o.stride,
            passes: o.passes as 'forward' | 'forward-backward',
            chainsPerWindow: o.chains,
            bins: o.bins,
            bootstrap: o.bootstrap,
            seed: o.seed,
          }),
        );
        const fin = await s.runJob(jobId);
        const r = await call(() => s.backend.services['analysis.umbrellaGet']({ analysisId: fin.resultId! }));
        if (o.json) return printJson(r);
        const f = (v: number | null): string => (v === null ? '-' : v.toFixed(3));
        printLine(
          `analysis ${r.analysisId}: ${r.systemId} at τ = ${r.temperature}, ${r.windows.length} windows, ${r.totalSteps} MC steps in ${r.wallTimeSeconds.toFixed(1)} s`,
        );
        printLine(
          `ΔF = ${formatDeltaF(r.deltaF)} (forward ${f(r.deltaFForward)}, backward ${f(r.deltaFBackward)})`,
        );
        printLine('rc\tF\terror');
        for (const b of r.profile) printLine(`${b.rc.toFixed(4)}\t${b.F.toFixed(4)}\t${b.error.toFixed(4)}`);
      } finally {
        await s.close();
      }
    });
}
