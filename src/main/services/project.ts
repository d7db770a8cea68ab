/** app.info and project.*: create, open, the current project, recent projects, history. */
import { basename, extname, resolve } from 'node:path';
import { readFileSync } from 'node:fs';
import { projectHistory } from '../store/history.js';
import { Store } from '../store/store.js';
import type { ServiceContext } from './context.js';
import { requireStore } from './context.js';
import { fromProjectError } from './errors.js';
import type { ServiceTable } from './types.js';

function appVersion(): string {
  // From source (src/main/services) or from the build (out/main): the package root is 3 or 2 up.
  for (const rel of ['../../../package.json', '../../package.json']) {
    try {
      const pkg = JSON.parse(readFileSync(new URL(rel, import.meta.url), 'utf8')) as {
        name?: string;
        version?: string;
      };
      if (pkg.name === 'boltzmann-workbench' && pkg.version) return pkg.version;
    } catch {
      // Not there: try the next candidate.
    }
  }
  return '0.0.0';
}

function info(store: Store): { path: string; name: string; schemaVersion: number; createdAt: string } {
  const m = store.meta();
  return { path: store.path, name: m.name, schemaVersion: m.schemaVersion, createdAt: m.createdAt };
}

async function replace(ctx: ServiceContext, open: () => Store): Promise<Store> {
  let next: Store;
  try {
    next = open();
  } catch (e) {
    throw fromProjectError(e);
  }
  // Jobs write into the project they started in: stop them before switching.
  await ctx.jobs.cancelAll();
  ctx.store?.close();
  ctx.store = next;
  ctx.recent.add(next.path);
  return next;
}

export function projectServices(
  ctx: ServiceContext,
): Pick<
  ServiceTable,
  'app.info' | 'project.create' | 'project.open' | 'project.current' | 'project.recent' | 'project.history'
> {
  const version = appVersion();
  return {
    // Lazy: loading TensorFlow.js just to name the backend would slow every start-up. Jobs choose
    // their backend in their worker, so until this thread has one, name the latest run's.
    'app.info': async () => {
      const here = (await import('../../core/backend.js')).describeBackend();
      const lastRun = ctx.store?.runs
        .list()
        .reverse()
        .find((r) => r.backend);
      const backend =
        here !== 'uninitialised'
          ? here
          : lastRun
            ? `${lastRun.backend} (latest run)`
            : 'chosen when the first job starts';
      return { version, backend, transport: 'direct' };
    },
    'project.create': async ({ path, name }) => {
      const full = resolve(path);
      return info(await replace(ctx, () => Store.create(full, name ?? basename(full, extname(full)))));
    },
    'project.open': async ({ path }) => {
      const full = resolve(path);
      // Reopening the open project (e.g. from the recent list) must not cancel its jobs.
      if (ctx.store?.path === full) {
        ctx.recent.add(full);
        return info(ctx.store);
      }
      return info(await replace(ctx, () => Store.open(full)));
    },
    'project.current': async () => (ctx.store ? info(ctx.store) : null),
    'project.recent': async () => ctx.recent.list(),
    'project.history': async () => projectHistory(requireStore(ctx)),
  };
}
