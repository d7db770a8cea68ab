/** `bgw free-energy` and `bgw export`. */
import type { Command } from 'commander';
import { EXPORT_FORMATS } from '../../shared/exportFormats.js';
import { CliError, formatDeltaF, printJson, printLine } from '../output.js';
import { call, openSession } from '../session.js';

const WHAT = ['profile', 'histogram', 'samples', 'dataset'] as const;
const FORMATS = EXPORT_FORMATS;

function parseRange(v: string): [number, number] {
  const parts = v.split(/[,:]/).map(Number);
  if (parts.length !== 2 || !parts.every(Number.isFinite) || !(parts[1] > parts[0])) {
    throw new CliError(`--range must be "min,max" with min < max, got "${v}"`);
  }
  return [parts[0], parts[1]];
}

export function registerAnalysis(program: Command): void {
  program
    .command('free-energy <project>')
    .description('reweighted free-energy profile and ΔF of a sample set (saved in the project)')
    .requiredOption('--samples <id>', 'sample set id')
    .option('--bins <n>', 'histogram bins', (v) => Number.parseInt(v, 10), 60)
    .option('--range <min,max>', 'reaction-coordinate range (default: the system’s)')
    .option('--bootstrap <n>', 'bootstrap resamples for error bars', (v) => Number.parseInt(v, 10), 100)
    .option('--json', 'machine-readable output')
    .action(
      async (
        file: string,
        o: { samples: string; bins: number; range?: string; bootstrap: number; json?: boolean },
      ) => {
        if (!(o.bins > 0)) throw new CliError('--bins must be a positive integer');
        const range = o.range ? parseRange(o.range) : undefined;
        const s = await openSession(file);
        try {
          const r = await call(() =>
            s.backend.services['analysis.freeEnergy']({
              sampleSetId: o.samples,
              bins: o.bins,
              range,
              bootstrap: o.bootstrap,
            }),
          );
          if (o.json) return printJson(r);
          printLine(
            `analysis ${r.analysisId}: τ = ${r.temperature}, ESS = ${r.ess.toFixed(1)}, ΔF = ${formatDeltaF(r.deltaF)}`,
          );
          printLine('rc\tF\terror');
          for (const b of r.profile)
            printLine(`${b.rc.toFixed(4)}\t${b.F.toFixed(4)}\t${b.error.toFixed(4)}`);
        } finally {
          await s.close();
        }
      },
    );

  program
    .command('export <what> <project> <id>')
    .description(`write ${WHAT.join('|')} to a file; recorded in the project history`)
    .requiredOption('--format <format>', FORMATS.join('|'))
    .requiredOption('--out <file>', 'output file')
    .option('--json', 'machine-readable output')
    .action(
      async (what: string, file: string, id: string, o: { format: string; out: string; json?: boolean }) => {
        if (!(WHAT as readonly string[]).includes(what))
          throw new CliError(`cannot export "${what}"; choose ${WHAT.join(', ')}`);
        if (!(FORMATS as readonly string[]).includes(o.format))
          throw new CliError(`unknown format "${o.format}"; choose ${FORMATS.join(', ')}`);
        const s = await openSession(file);
        try {
          const r = await call(() =>
            s.backend.services['export.write']({
              what: what as (typeof WHAT)[number],
              id,
              format: o.format as (typeof FORMATS)[number],
              path: o.out,
            }),
          );
          if (o.json) printJson({ exportId: r.exportId, path: r.path });
          else printLine(`wrote ${r.path} (${r.exportId})`);
        } finally {
          await s.close();
        }
      },
    );
}
