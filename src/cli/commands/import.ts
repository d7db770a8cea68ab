/** `bgw import`: read an MD trajectory into a project dataset. */
import type { Command } from 'commander';
import { CliError, printJson, printLine } from '../output.js';
import { call, openSession } from '../session.js';

const UNITS = ['angstrom', 'nm', 'reduced'] as const;
const PLANES = ['xy', 'xz', 'yz'] as const;

export function registerImport(program: Command): void {
  program
    .command('import <project> <file>')
    .description(
      'import a trajectory (XYZ, PDB, GRO, DCD, XTC, TRR, LAMMPS dump, AMBER NetCDF, NumPy) as a dataset',
    )
    .requiredOption('--system <id>', 'system the frames belong to (double-well, mueller-brown, dimer)')
    .option('--format <format>', 'file format (default: from the extension)')
    .option('--units <unit>', UNITS.join('|'))
    .option('--scale <factor>', 'multiply coordinates by this factor', Number)
    .option('--atoms <selection>', 'atoms to keep, e.g. "0-37" or "1,2,5-9"')
    .option('--plane <plane>', `2D plane of 3D coordinates: ${PLANES.join('|')}`)
    .option('--stride <n>', 'keep every n-th frame', (v) => Number.parseInt(v, 10))
    .option('--relabel', 'relabel solvent particles against the reference grid (Hungarian algorithm)')
    .option('--json', 'machine-readable output')
    .action(
      async (
        project: string,
        file: string,
        o: {
          system: string;
          format?: string;
          units?: string;
          scale?: number;
          atoms?: string;
          plane?: string;
          stride?: number;
          relabel?: boolean;
          json?: boolean;
        },
      ) => {
        if (o.units && !(UNITS as readonly string[]).includes(o.units))
          throw new CliError(`--units must be one of ${UNITS.join(', ')}`);
        if (o.plane && !(PLANES as readonly string[]).includes(o.plane))
          throw new CliError(`--plane must be one of ${PLANES.join(', ')}`);
        const s = await openSession(project);
        try {
          const options = {
            systemId: o.system,
            format: o.format,
            units: o.units as (typeof UNITS)[number] | undefined,
            scale: o.scale,
            atoms: o.atoms,
            plane: o.plane as (typeof PLANES)[number] | undefined,
            stride: o.stride,
            relabel: o.relabel,
          };
          const { jobId } = await call(() => s.backend.services['datasets.import']({ path: file, options }));
          const fin = await s.runJob(jobId);
          const d = s.backend.context.store!.datasets.get(fin.resultId!)!;
          const atoms = typeof d.provenance.atoms === 'number' ? d.provenance.atoms : d.dim / 2;
          const out = { datasetId: d.id, frames: d.frames, atoms, dim: d.dim, warnings: fin.warnings };
          if (o.json) printJson(out);
          else {
            printLine(`dataset ${d.id}: ${d.frames} frames, ${atoms} atoms`);
            for (const w of fin.warnings) printLine(`warning: ${w}`);
          }
        } finally {
          await s.close();
        }
      },
    );
}
