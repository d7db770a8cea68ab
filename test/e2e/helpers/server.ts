/** The browser bridge in-process with the real back end (jobs in worker threads), on a temp app-data dir. */
import { existsSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { createBackend } from '../../../src/main/services/backend.js';
import { startServer, type RunningServer } from '../../../src/main/serve/server.js';

export const RENDERER_DIR = resolve('out/renderer');

export interface Workbench {
  server: RunningServer;
  /** Scratch directory: app data, projects, exports. */
  dir: string;
  close(): Promise<void>;
}

export async function startWorkbench(): Promise<Workbench> {
  if (!existsSync(join(RENDERER_DIR, 'index.html'))) {
    throw new Error(`no built renderer in ${RENDERER_DIR}: run \`npx electron-vite build\` first`);
  }
  const dir = await mkdtemp(join(tmpdir(), 'bgw-e2e-'));
  const server = await startServer({
    backendFactory: (sink) => createBackend({ sink, appDataDir: join(dir, 'app-data') }),
    rendererDir: RENDERER_DIR,
    log: () => {},
  });
  return {
    server,
    dir,
    async close() {
      await server.close();
      await rm(dir, { recursive: true, force: true });
    },
  };
}
