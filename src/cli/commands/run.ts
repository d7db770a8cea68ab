/** `bgw run`, `bgw resume`, `bgw sample`: training and sampling jobs. */
import { readFileSync, writeFileSync } from 'node:fs';
import type { Command } from 'commander';
import type { z } from 'zod';
import { RunSpec, SamplingSpec, type RunResult } from '../../shared/runspec.js';
import { startJob } from '../../main/jobs/runner.js';
import type { JobEvent } from '../../main/workers/protocol.js';
import { CliError, note, printJson, printLine } from '../output.js';
import { ProgressBar } from '../progress.js';
import { call, openSession } from '../session.js';

function readSpec(file: string): RunSpec {
  let raw: unknown;
  try {
    raw = JSON.parse(readFileSync(file, 'utf8'));
  } catch (e) {
    throw new CliError(`cannot read run spec ${file}: ${(e as Error).message}`);
  }
  const parsed = RunSpec.safeParse(raw);
  if (!parsed.success) {
    const i = parsed.error.issues[0];
    throw new CliError(`invalid run spec ${file}: ${i.path.join('.') || '(root)'}: ${i.message}`);
  }
  return parsed.data;
}

function summarize(result: RunResult): void {
  printLine(`${result.iterations} iterations on ${result.backend} in ${result.wallTimeSeconds.toFixed(1)} s`);
  for (const t of result.temperatures) {
    printLine(
      `τ = ${t.temperature}: n = ${t.n}, ESS = ${t.ess.toFixed(1)} (${(100 * t.essFraction).toFixed(2)} %), ΔF = ${t.deltaF.value.toFixed(3)} ± ${t.deltaF.error.toFixed(3)} kT`,
    );
  }
}

/** Without a project: run the spec in a worker, keep nothing but the result. */
async function runInMemory(spec: RunSpec): Promise<RunResult> {
  const bar = new ProgressBar(true);
  let result: RunResult | null = null;
  const job = startJob(
    { kind: 'training', spec },
    (e: JobEvent) => {
      if (e.type === 'progress') bar.update(e.fraction, e.message);
      else if (e.type === 'result') result = e.result;
    },
    { mode: process.env.BGW_JOB_MODE === 'inline' ? 'inline' : 'worker' },
  );
  const onSigint = (): void => job.cancel();
  process.once('SIGINT', onSigint);
  const o = await job.done;
  process.off('SIGINT', onSigint);
  bar.done();
  if (o.status === 'cancelled') throw new CliError('run cancelled', 130);
  if (o.status === 'failed' || !result) throw new CliError(`run failed: ${o.error ?? 'no result'}`);
  return result;
}

interface SampleOptions {
  run: string;
  temperature: number;
  n: number;
  anneal?: number;
  walkersPerState?: number;
  proposal?: string;
  resampleBelow?: number;
  json?: boolean;
}

/** The annealing options through the run spec's schema: its defaults, and its messages for bad values. */
function parseAnneal(options: Record<string, unknown>): z.infer<typeof SamplingSpec>['anneal'] {
  const parsed = SamplingSpec.shape.anneal.unwrap().safeParse(options);
  if (parsed.success) return parsed.data;
  const issue = parsed.error.issues[0];
  throw new CliError(`annealing option ${issue.path.join('.')}: ${issue.message}`);
}

export function registerRun(program: Command): void {
  program
    .command('run <spec>')
    .description(
      'train and sample a run spec (JSON); with --project the run, its metrics and checkpoints are saved',
    )
    .option('--project <file>', 'project file (.bgw), created when missing')
    .option('--out <file>', 'write the result JSON here')
    .option('--json', 'machine-readable output')
    .action(async (specFile: string, o: { project?: string; out?: string; json?: boolean }) => {
      const spec = readSpec(specFile);
      let result: RunResult;
      let runId: string | null = null;
      if (o.project) {
        const s = await openSession(o.project, { create: true });
        try {
          const started = await call(() => s.backend.services['runs.start']({ spec }));
          runId = started.runId;
          note(`run ${runId}`);
          await s.runJob(started.jobId);
          const rec = s.backend.context.store!.runs.get(runId)!;
          result = rec.result!;
        } finally {
          await s.close();
        }
      } else {
        result = await runInMemory(spec);
      }
      if (o.out) writeFileSync(o.out, `${JSON.stringify(result, null, 2)}\n`);
      if (o.json) printJson(runId ? { runId, result } : result);
      else {
        if (runId) printLine(`run ${runId}`);
        summarize(result);
        if (o.out) printLine(`result written to ${o.out}`);
      }
    });

  program
    .command('resume <project>')
    .description('continue an interrupted or cancelled run from its last checkpoint')
    .requiredOption('--run <id>', 'run id')
    .option('--json', 'machine-readable output')
    .action(async (file: string, o: { run: string; json?: boolean }) => {
      const s = await openSession(file);
      try {
        const from = s.backend.context.store!.runs.checkpoint(o.run)?.iteration ?? 0;
        const started = await call(() => s.backend.services['runs.resume']({ runId: o.run }));
        note(`resuming run ${o.run} from iteration ${from}`);
        await s.runJob(started.jobId);
        const rec = s.backend.context.store!.runs.get(o.run)!;
        if (o.json)
          printJson({
            runId: o.run,
            resumedFrom: from,
            status: rec.status,
            iterations: rec.iterations,
            result: rec.result,
          });
        else {
          printLine(`run ${o.run} resumed from iteration ${from}: ${rec.status}`);
          if (rec.result) summarize(rec.result);
        }
      } finally {
        await s.close();
      }
    });

  program
    .command('sample <project>')
    .description('draw N samples at temperature τ from a trained run')
    .requiredOption('--run <id>', 'run id')
    .requiredOption('--temperature <tau>', 'relative temperature τ', Number)
    .requiredOption('--n <N>', 'number of samples', (v) => Number.parseInt(v, 10))
    .option(
      '--anneal <levels>',
      'annealed reweighting through this many levels (0: one-jump weights; default: the run’s own)',
      (v) => Number.parseInt(v, 10),
    )
    .option('--walkers-per-state <k>', 'anneal at most k samples per state', (v) => Number.parseInt(v, 10))
    .option(
      '--proposal <kind>',
      'annealing moves: walk (random walk), langevin (gradient-guided) or hmc (Hamiltonian, 10 gradient steps a move)',
    )
    .option(
      '--resample-below <fraction>',
      'resample a walker population when its ESS falls below this fraction (sequential Monte Carlo)',
      Number,
    )
    .option('--json', 'machine-readable output')
    .action(async (file: string, o: SampleOptions) => {
      if (!(o.temperature > 0)) throw new CliError('--temperature must be a positive number');
      if (!(o.n > 0)) throw new CliError('--n must be a positive integer');
      if (o.anneal !== undefined && !(o.anneal >= 0)) throw new CliError('--anneal must be an integer ≥ 0');
      if (o.walkersPerState !== undefined && !(o.walkersPerState > 0))
        throw new CliError('--walkers-per-state must be a positive integer');
      for (const [flag, value] of [
        ['--walkers-per-state', o.walkersPerState],
        ['--proposal', o.proposal],
        ['--resample-below', o.resampleBelow],
      ] as const) {
        if (value !== undefined && !o.anneal) throw new CliError(`${flag} needs --anneal <levels> above 0`);
      }
      const anneal =
        o.anneal === undefined
          ? undefined
          : o.anneal === 0
            ? null
            : // The run spec's own defaults for what the options leave out (moves, step size…).
              parseAnneal({
                levels: o.anneal,
                walkersPerState: o.walkersPerState,
                proposal: o.proposal,
                resampleBelow: o.resampleBelow,
              });
      const s = await openSession(file);
      try {
        const { jobId } = await call(() =>
          s.backend.services['samples.create']({ runId: o.run, temperature: o.temperature, n: o.n, anneal }),
        );
        const fin = await s.runJob(jobId);
        const set = s.backend.context.store!.samples.list(o.run).find((x) => x.id === fin.resultId)!;
        const out = {
          sampleSetId: set.id,
          runId: o.run,
          temperature: set.temperature,
          n: set.n,
          ess: set.ess,
          essFraction: set.ess / set.n,
        };
        if (o.json) printJson(out);
        else
          printLine(
            `samples ${set.id}: n = ${set.n} at τ = ${set.temperature}, ESS = ${set.ess.toFixed(1)} (${(100 * out.essFraction).toFixed(2)} %)`,
          );
      } finally {
        await s.close();
      }
    });
}
