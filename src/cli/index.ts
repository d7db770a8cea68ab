/**
 * `bgw`: the Boltzmann Workbench from a terminal. The same services as the desktop app; results on
 * stdout (`--json` for machines), progress and diagnostics on stderr, errors as one line with a
 * non-zero exit code.
 */
import { existsSync } from 'node:fs';
import { Command, CommanderError } from 'commander';
import { registerAnalysis } from './commands/analysis.js';
import { registerImport } from './commands/import.js';
import { registerProject } from './commands/project.js';
import { registerRun } from './commands/run.js';
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

// ---- `bgw serve` (owned by the transport helper) --------------------------------------------
// Registered when src/cli/commands/serve.ts exists; it exports `registerServe(program)`.
const serveModule = new URL('./commands/serve.ts', import.meta.url);
if (existsSync(serveModule) || existsSync(new URL('./commands/serve.js', import.meta.url))) {
  const mod = (await import('./commands/serve.js')) as { registerServe?: (p: Command) => void };
  mod.registerServe?.(program);
}
// ------------------------------------------------------------------------------------------------

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
