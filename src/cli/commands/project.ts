/** `bgw project create|info` and `bgw history`. */
import type { Command } from 'commander';
import { projectHistory } from '../../main/store/history.js';
import { Store } from '../../main/store/store.js';
import { CliError, printJson, printLine } from '../output.js';
import { call, openSession } from '../session.js';

/** Read-only access for commands that only look (safe while another process trains). */
function readStore<T>(path: string, fn: (s: Store) => T): T {
  let store: Store;
  try {
    store = Store.open(path, { readonly: true });
  } catch (e) {
    throw new CliError((e as Error).message);
  }
  try {
    return fn(store);
  } finally {
    store.close();
  }
}

export function registerProject(program: Command): void {
  const project = program.command('project').description('create or describe a project file (.bgw)');
  project
    .command('create <file>')
    .description('create a new, empty project')
    .option('--name <name>', 'project name (default: the file name)')
    .option('--json', 'machine-readable output')
    .action(async (file: string, o: { name?: string; json?: boolean }) => {
      const s = await openSession(null);
      try {
        const info = await call(() => s.backend.services['project.create']({ path: file, name: o.name }));
        if (o.json) printJson(info);
        else printLine(`Created ${info.path} (schema ${info.schemaVersion})`);
      } finally {
        await s.close();
      }
    });
  project
    .command('info <file>')
    .description('name, schema version and contents of a project')
    .option('--json', 'machine-readable output')
    .action((file: string, o: { json?: boolean }) => {
      const info = readStore(file, (st) => {
        const m = st.meta();
        return {
          path: st.path,
          name: m.name,
          schemaVersion: m.schemaVersion,
          createdAt: m.createdAt,
          datasets: st.datasets.list().length,
          runs: st.runs.list().length,
          sampleSets: st.samples.list().length,
          analyses: st.analyses.list().length,
          exports: st.exports.list().length,
        };
      });
      if (o.json) printJson(info);
      else {
        printLine(`${info.name}  (${info.path})`);
        printLine(`schema ${info.schemaVersion}, created ${info.createdAt}`);
        printLine(
          `${info.datasets} datasets, ${info.runs} runs, ${info.sampleSets} sample sets, ${info.analyses} analyses, ${info.exports} exports`,
        );
      }
    });

  program
    .command('history <project>')
    .description('everything in a project: systems, datasets, runs, samples, analyses, exports')
    .option('--json', 'machine-readable output')
    .action((file: string, o: { json?: boolean }) => {
      const entries = readStore(file, (st) => projectHistory(st));
      if (o.json) return printJson(entries);
      for (const e of entries) {
        const status =
          e.kind === 'run'
            ? ` [${String(e.detail.status)} ${String(e.detail.iterations)}/${String(e.detail.totalIterations)}]`
            : '';
        printLine(`${e.createdAt}  ${e.kind.padEnd(8)} ${e.id}  ${e.label}${status}`);
      }
    });
}
