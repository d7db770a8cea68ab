// Bundles the `bgw` CLI and its job worker for Node into out/cli (part of `npm run build`), so a
// packaged app runs `bgw` without TypeScript sources or tsx. From a clone, bin/bgw.js runs the
// sources directly; this build is what ships.
import { rmSync } from 'node:fs';
import { resolve } from 'node:path';
import { build } from 'vite';

const outDir = resolve('out/cli');
rmSync(outDir, { recursive: true, force: true });
await build({
  configFile: false,
  logLevel: 'warn',
  build: {
    // SSR build: Node target, dependencies in node_modules stay external (better-sqlite3, tfjs).
    ssr: true,
    outDir,
    emptyOutDir: true,
    minify: false,
    sourcemap: false,
    target: 'node20',
    rollupOptions: {
      input: {
        // The worker sits next to the CLI: src/main/jobs/workerEntry.ts looks for ./job-worker.js.
        index: resolve('src/cli/index.ts'),
        'job-worker': resolve('src/main/workers/job-worker.ts'),
      },
      output: { format: 'es', entryFileNames: '[name].js', chunkFileNames: 'chunks/[name]-[hash].js' },
    },
  },
});
console.error(`bgw CLI bundled into ${outDir}`);
