/**
 * Where the job worker's code is. From source (tsx: the CLI from a clone, vitest) the worker is a
 * tiny bootstrap that registers tsx and imports job-worker.ts: Node 20 ignores `--import tsx` in a
 * worker's execArgv. In the Electron build it is the built job-worker.js (electron-vite puts
 * entries in out/main and shared code in out/main/chunks, hence several candidates).
 */
import { existsSync } from 'node:fs';
import { createRequire } from 'node:module';
import { fileURLToPath, pathToFileURL } from 'node:url';

export function workerEntry(): URL {
  const here = import.meta.url;
  if (here.endsWith('.ts')) {
    // The ESM build of tsx's API (require.resolve picks the CommonJS one).
    const api = pathToFileURL(
      createRequire(here)
        .resolve('tsx/esm/api')
        .replace(/\.cjs$/, '.mjs'),
    ).href;
    const entry = new URL('../workers/job-worker.ts', here).href;
    const code = `const { register } = await import(${JSON.stringify(api)});\nregister();\nawait import(${JSON.stringify(entry)});\n`;
    return new URL(`data:text/javascript,${encodeURIComponent(code)}`);
  }
  for (const rel of ['./job-worker.js', '../job-worker.js', '../workers/job-worker.js']) {
    const url = new URL(rel, here);
    if (existsSync(fileURLToPath(url))) return url;
  }
  throw new Error(`job worker not found next to ${here}`);
}
