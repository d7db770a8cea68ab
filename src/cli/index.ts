/**
 * `bgw`: the Boltzmann Workbench from a terminal. The same services as the desktop app; results on
 * stdout (`--json` for machines), progress and diagnostics on stderr, errors as one line with a
 * non-zero exit code.
 */
import { Command, CommanderError } from 'commander';
import { registerAnalysis } from './commands/analysis.js';
import { registerImport } from './commands/import.js';
import { registerProject } from './commands/project.js';
import { registerRun } from './commands/run.js';
// `bgw serve` is owned by the transport helper (src/cli/commands/serve.ts).
import { registerServe } from './commands/serve.js';
import { CliError, keepStdoutClean } from './output.js';

keepStdoutClean();

const program = new Command('bgw')
  .description('Boltzmann Workbench: train Boltzmann generators, sample, reweight, compute free energies')
  .version('0.1.0')
  // Usage errors too are one line on stderr.
  .configureOutput({ outputError: (text, write) => write(`bgw: ${text.trim()} (bgw --help for usage)\n`) })
  .exitOverride();

registerProject(program);
registerRun(program);
registerAnalysis(program);
registerImport(program);
registerServe(program);
(await import('./commands/umbrella.js')).registerUmbrella(program);

try {
  await program.parseAsync(process.argv);
} catch (e) {
  if (e instanceof CommanderError) {
    // Commander has printed its message (or help/version) already.
    process.exit(e.exitCode);
  }
  const code = e instanceof CliError ? e.exitCode : 1;
  process.stderr.write(`bgw: error: ${(e as Error)?.message ?? String(e)}\n`);
  if (process.env.BGW_DEBUG) process.stderr.write(`${(e as Error)?.stack}\n`);
  process.exit(code);
}
